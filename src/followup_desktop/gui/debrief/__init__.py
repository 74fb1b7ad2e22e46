"""The post-interview debrief form and the bank of stumbled questions.

Entry points for the rest of the window (the board, the calendar, the reminder shown
after an interview, a shortcut):

* :func:`open_debrief` opens (or raises) the debrief of one interview;
* :func:`open_latest_debrief` does so for the interview that ended most recently;
* :class:`QuestionBankWidget` lists every stumbled question.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

from followup_desktop.core.i18n import _
from followup_desktop.core.queries.debrief import latest_ended_interview
from followup_desktop.core.services import FollowupService
from followup_desktop.gui.debrief.bank import QuestionBankModel, QuestionBankWidget
from followup_desktop.gui.debrief.dialog import DebriefDialog
from followup_desktop.gui.plain import message_box

__all__ = [
    "DebriefDialog",
    "QuestionBankModel",
    "QuestionBankWidget",
    "open_debrief",
    "open_latest_debrief",
]


def _inform(parent: QWidget | None, title: str, text: str) -> None:
    message_box(parent, QMessageBox.Icon.Information, title, text)


# Tests replace this to avoid a modal box.
inform: Callable[[QWidget | None, str, str], None] = _inform


def open_debrief(
    service: FollowupService, interview_id: int, parent: QWidget | None = None
) -> DebriefDialog:
    """Show the debrief of ``interview_id``; an already open one is raised, not duplicated."""
    if parent is not None:
        for dialog in parent.findChildren(DebriefDialog):
            if dialog.interview_id == interview_id and dialog.isVisible():
                dialog.raise_()
                dialog.activateWindow()
                return dialog
    dialog = DebriefDialog(service, interview_id, parent)
    dialog.show()
    dialog.activateWindow()
    return dialog


def open_latest_debrief(
    service: FollowupService, parent: QWidget | None = None
) -> DebriefDialog | None:
    """Open the debrief of the interview that ended last; None (and a note) if none has."""
    interview_id = latest_ended_interview(service.db, service.clock())
    if interview_id is None:
        inform(
            parent,
            _("No interview to debrief"),
            _(
                "No interview has ended yet. Record an interview first; its debrief opens "
                "from the board or the calendar."
            ),
        )
        return None
    return open_debrief(service, interview_id, parent)
