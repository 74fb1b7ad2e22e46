"""Moving an interview from the keyboard: "Move to…" asks for the day and the start time.

Dragging a block is one way to move an interview; this dialog is the other, for the
keyboard and screen readers (Ctrl+M on the calendar, or the entry's context menu). It
offers the interviews of the selected day (the selected one first), a day and a start
time in the person's zone; the page moves the interview through the service, which
re-plans its follow-ups, and announces where it went.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from PySide6.QtCore import QDate, QTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from followup_desktop.core import localformat
from followup_desktop.core.calendar_query import CalendarEntry, EntryKind
from followup_desktop.core.i18n import _
from followup_desktop.gui.qt_formats import time_format, weekday_date_format


def interview_words(entry: CalendarEntry, tz: tzinfo) -> str:
    """ "Acme — Analyst, round 2, Tue 24 Nov 10:00": one interview in the chooser."""
    when = localformat.day_and_clock(entry.starts_at.astimezone(tz))
    what = f"{entry.company} — {entry.role}" if entry.role else entry.company
    return _("{interview}, round {round}, {when}").format(
        interview=what, round=entry.round, when=when
    )


def movable(entries: Sequence[CalendarEntry]) -> list[CalendarEntry]:
    """The interviews among ``entries`` (a cancelled one can move too, to be re-booked)."""
    return [entry for entry in entries if entry.kind is EntryKind.INTERVIEW]


class MoveInterviewDialog(QDialog):
    """Choose an interview of the day and where it goes: a day and a start time."""

    def __init__(
        self,
        interviews: Sequence[CalendarEntry],
        tz: tzinfo,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if not interviews:
            raise ValueError("MoveInterviewDialog needs at least one interview to move.")
        self.setObjectName("moveInterviewDialog")
        self.setWindowTitle(_("Move the interview"))
        self._tz = tz
        self._interviews = list(interviews)
        self.interview = QComboBox()
        self.interview.setObjectName("moveInterviewChoice")
        for entry in self._interviews:
            self.interview.addItem(interview_words(entry, tz), entry.interview_id)
        self.day = QDateEdit()
        self.day.setObjectName("moveInterviewDay")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat(weekday_date_format())
        self.start = QTimeEdit()
        self.start.setObjectName("moveInterviewStart")
        self.start.setDisplayFormat(time_format())
        self.start.setToolTip(_("The new start time; the interview keeps its length"))
        form = QFormLayout()
        # Labels with buddies: each field is named by its label, once.
        form.addRow(_("&Interview:"), self.interview)
        form.addRow(_("&Day:"), self.day)
        form.addRow(_("&Start time:"), self.start)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(_("&Move"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.interview.currentIndexChanged.connect(self._show_current)
        self._show_current()
        self.day.setFocus()

    def _show_current(self) -> None:
        entry = self._interviews[max(self.interview.currentIndex(), 0)]
        local = entry.starts_at.astimezone(self._tz)
        self.day.setDate(QDate(local.year, local.month, local.day))
        self.start.setTime(QTime(local.hour, local.minute))

    def choice(self) -> tuple[int, datetime]:
        """The chosen interview's id and its new start, aware, in the person's zone."""
        entry = self._interviews[max(self.interview.currentIndex(), 0)]
        assert entry.interview_id is not None
        day, start = self.day.date(), self.start.time()
        wanted = datetime(  # noqa: DTZ001 - the zone is set right after
            day.year(), day.month(), day.day(), start.hour(), start.minute()
        ).replace(tzinfo=self._tz)
        return entry.interview_id, wanted


def ask_move(
    interviews: Sequence[CalendarEntry], tz: tzinfo, parent: QWidget | None
) -> tuple[int, datetime] | None:
    """Run the dialog; the chosen interview and new start, or None when cancelled."""
    dialog = MoveInterviewDialog(interviews, tz, parent)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.choice()
    finally:
        dialog.deleteLater()


__all__ = ["MoveInterviewDialog", "ask_move", "interview_words", "movable"]
