"""The action router: which dialog a planned step opens, and the dialogs that write.

:meth:`ActionRouter.open_action` is the one way to act on a planned step, from the Today
panel, the calendar, the tray or a notification. :func:`route_for` says, from the
action's kind and links alone, which :class:`Route` it takes; :data:`OPENERS` says what
each route does. What a kind opens is declared once, in
:mod:`followup_desktop.core.action_kinds`.

Every dialog opened here publishes its Changes on the window's bus. While a long write
runs on the worker, the dialogs that write are not opened (the status bar says why).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from followup_desktop.core.action_kinds import Opening, kind_info
from followup_desktop.core.change import Change
from followup_desktop.core.errors import FollowupError
from followup_desktop.core.i18n import _
from followup_desktop.core.queries.window import ActionTarget, action_target

if TYPE_CHECKING:
    from followup_desktop.gui.calendar import ScheduleInterviewDialog
    from followup_desktop.gui.composer import ComposerDialog
    from followup_desktop.gui.debrief import DebriefDialog
    from followup_desktop.gui.editor import OpportunityEditor
    from followup_desktop.gui.main_window import MainWindow

WIRED_PROPERTY = "followupWired"
GONE = _(
    "That step no longer exists: it was done, deleted or re-planned meanwhile. "
    "The Today panel now shows what is current."
)
WHOLE_SEARCH = _(
    "This step is about your whole search, not one job: keep applying and "
    "interviewing elsewhere until an offer is signed. Add or move the cards "
    "on the board as you do, and mark the step done in the Today panel."
)
NOTHING_TO_OPEN = _(
    "This step belongs to no opportunity, so there is nothing to open. Mark "
    "it done or snooze it in the Today panel."
)


#: How long after an interview "I just had an interview" means that one.
RECENT_INTERVIEW = timedelta(hours=4)


class Route(enum.StrEnum):
    """Where opening an action leads: the kind's opening (core.action_kinds), narrowed by
    what the action is linked to."""

    DEBRIEF = "debrief"
    COMPOSER = "composer"
    OPPORTUNITY = "opportunity"
    WHOLE_SEARCH = "whole_search"
    NOTHING = "nothing"


def route_for(target: ActionTarget) -> Route:
    """Which route an action takes, from its kind's declared opening and its links."""
    opening = kind_info(target.kind).opening
    if opening is Opening.DEBRIEF and target.interview_id is not None:
        return Route.DEBRIEF
    if opening is Opening.COMPOSER:
        return Route.COMPOSER
    if target.opportunity_id is not None:
        return Route.OPPORTUNITY
    if opening is Opening.BOARD:
        return Route.WHOLE_SEARCH
    return Route.NOTHING


def _whole_search(router: ActionRouter, _target: ActionTarget) -> None:
    router.inform(WHOLE_SEARCH)
    router.window.show_board()


OPENERS: dict[Route, Callable[[ActionRouter, ActionTarget], object]] = {
    Route.DEBRIEF: lambda router, target: router.open_debrief(target.interview_id or 0),
    Route.COMPOSER: lambda router, target: router.open_composer(target.action_id),
    Route.OPPORTUNITY: lambda router, target: router.window.open_opportunity(
        target.opportunity_id or 0
    ),
    Route.WHOLE_SEARCH: _whole_search,
    Route.NOTHING: lambda router, _target: router.inform(NOTHING_TO_OPEN),
}


class ActionRouter:
    """Opens what an action needs, and the window's other dialogs that write."""

    window: MainWindow

    def __init__(self, window: MainWindow) -> None:
        self.window = window

    def inform(self, text: str) -> None:
        """An information box over the window."""
        self.window.dialogs.information(self.window, text)

    def _warn(self, text: str) -> None:
        self.window.dialogs.warning(self.window, text)

    def open_action(self, action_id: int) -> None:
        """Open what an action needs: its debrief, its message, or its opportunity."""
        window = self.window
        if window.writer.refuse_while_busy():
            return
        target = action_target(window.service.db, action_id)
        if target is None:
            self._warn(GONE)
            window.today_ctl.refresh_later()
            return
        OPENERS[route_for(target)](self, target)

    def open_composer(self, action_id: int) -> ComposerDialog | None:
        """Show the composer for a message action (raising one already open for it)."""
        from followup_desktop.gui.composer import ComposerDialog

        window = self.window
        for existing in window.findChildren(ComposerDialog):
            if existing.draft.action_id == action_id and existing.isVisible():
                existing.raise_()
                existing.activateWindow()
                return existing
        try:
            dialog = ComposerDialog(window.service, action_id, window, passwords=window.passwords)
        except FollowupError as error:
            self._warn(_("The message could not be drafted: {error}").format(error=error))
            return None
        # Non-modal, so the person can look at the board while writing; freed on close.
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.changed.connect(window.bus.publish)
        window.dialogs.show(dialog)
        return dialog

    def open_debrief(self, interview_id: int) -> DebriefDialog | None:
        """Show the debrief form of an interview, beside the window (not modal)."""
        from followup_desktop.gui.debrief import open_debrief

        try:
            dialog = open_debrief(self.window.service, interview_id, self.window)
        except FollowupError as error:
            self._warn(_("The debrief could not be opened: {error}").format(error=error))
            return None
        self._wire_debrief(dialog)
        return dialog

    def new_debrief(self) -> DebriefDialog | None:
        """Open the debrief of the interview that ended last (says so when there is none)."""
        from followup_desktop.gui.debrief import open_latest_debrief

        if self.window.writer.refuse_while_busy():
            return None
        try:
            dialog = open_latest_debrief(self.window.service, self.window)
        except FollowupError as error:
            self._warn(_("The debrief could not be opened: {error}").format(error=error))
            return None
        if dialog is not None:
            self._wire_debrief(dialog)
        return dialog

    def debrief_or_just_had(self) -> None:
        """Ctrl+D: with one card selected on the board, the debrief of its interview that
        ended last; with none selected (or a card without such an interview), "I just had
        an interview" (for that card), which goes on to the debrief."""
        from followup_desktop.core.queries.debrief import latest_ended_interview
        from followup_desktop.gui.debrief import open_debrief

        window = self.window
        selected = window.board.selected_ids() if window.pages.showing(window.board) else []
        interview = None
        if len(selected) == 1:
            service = window.service
            interview = latest_ended_interview(service.db, service.clock(), selected[0])
        if interview is None:
            self.just_had_interview()
            return
        if window.writer.refuse_while_busy():
            return
        try:
            self._wire_debrief(open_debrief(window.service, interview, window))
        except FollowupError as error:
            self._warn(_("The debrief could not be opened: {error}").format(error=error))

    def _wire_debrief(self, dialog: DebriefDialog) -> None:
        # open_debrief raises a dialog already open instead of making another: connect once.
        if dialog.property(WIRED_PROPERTY):
            return
        dialog.setProperty(WIRED_PROPERTY, True)
        dialog.submitted.connect(self.window.bus.publish)

    def _open_debrief_modal(self, interview_id: int) -> None:
        # From the (modal) editor: a modeless window would be blocked behind it, so the
        # debrief runs modally on top, and the editor re-reads its interviews afterwards.
        from followup_desktop.gui.debrief import DebriefDialog  # only offered when present

        dialog = DebriefDialog(self.window.service, interview_id, self.window)
        self._wire_debrief(dialog)
        self.window.dialogs.run_once(dialog)

    def make_editor(self, opportunity_id: int | None) -> OpportunityEditor:
        """The editor for an opportunity (a new one when None), wired to this window."""
        from followup_desktop.gui.editor import OpportunityEditor, debrief_available

        window = self.window
        debrief = self._open_debrief_modal if debrief_available() else None
        editor = OpportunityEditor(
            window.service,
            opportunity_id,
            window.board_ctl.stages,
            window,
            open_debrief=debrief,
            open_mail=self._open_mail_modal,
        )
        editor.saved.connect(window.bus.publish)
        return editor

    def _open_mail_modal(self, editor: OpportunityEditor, paths: Sequence[Path]) -> None:
        # From the (modal) editor: "From your mailbox" runs on top of it, reading for
        # this opportunity, and each confirm shows in the editor's lists at once.
        assert editor.opportunity_id is not None
        self.window.files.open_mail_files(
            paths,
            (editor.opportunity_id, editor.windowTitle()),
            parent=editor,
            changed=editor.mail_logged,
        )

    def open_opportunity(self, opportunity_id: int) -> None:
        """Open the editor on an opportunity."""
        if not self.window.writer.refuse_while_busy():
            self.window.dialogs.run_once(self.make_editor(opportunity_id))

    def new_opportunity(self) -> None:
        """Open the editor on a new opportunity; select it on the board once saved."""
        if self.window.writer.refuse_while_busy():
            return
        editor = self.make_editor(None)
        self.window.dialogs.run_once(editor)
        # Apply (or a first contact) may have created it even if the dialog was cancelled.
        if editor.opportunity_id is not None:
            self.window.board.select_cards([editor.opportunity_id])

    def open_settings(self) -> None:
        """Open the settings dialog; a playbook change re-plans on the worker."""
        from followup_desktop.gui.settings_dialog import SettingsDialog

        window = self.window
        if window.writer.refuse_while_busy():
            return
        dialog = SettingsDialog(
            window.service, window, passwords=window.passwords, background=window.writer.later
        )
        dialog.changed.connect(window.bus.publish)
        window.dialogs.run_once(dialog)

    def open_mailbox(self) -> None:
        """Show what the mailbox check found; checking runs on the worker thread."""
        from followup_desktop.gui.mailbox import MailboxDialog  # loaded when first used

        window = self.window
        if window.writer.refuse_while_busy():
            return
        dialog = MailboxDialog(
            window.service, window, tasks=window.tasks, passwords=window.passwords
        )
        dialog.changed.connect(window.bus.publish)
        window.dialogs.run_once(dialog)

    def just_interviewed(self) -> None:
        """The desktop's "I just had an interview": the debrief of an interview that
        ended in the last few hours and is not debriefed yet (an imported invitation),
        else record the interview that just ended."""
        from followup_desktop.core.queries.debrief import interview_awaiting_debrief

        window = self.window
        recent = interview_awaiting_debrief(
            window.service.db, window.service.clock(), RECENT_INTERVIEW
        )
        if recent is None:
            self.just_had_interview()
        elif not window.writer.refuse_while_busy():
            from followup_desktop.gui.debrief import open_debrief

            self._wire_debrief(open_debrief(window.service, recent, window))

    def just_had_interview(self) -> None:
        """Record the interview that just ended (for the selected card, if one is) and
        go straight on to its debrief."""
        from PySide6.QtCore import QTimer

        from followup_desktop.gui.calendar import JustHadInterviewDialog
        from followup_desktop.gui.debrief import open_debrief

        window = self.window
        if window.writer.refuse_while_busy():
            return
        selected = window.board_ctl.selected_or_current()
        dialog = JustHadInterviewDialog(
            window.service,
            window.service.clock(),
            window.tz,
            window,
            opportunity_id=selected[0] if len(selected) == 1 else None,
        )

        def recorded(change: object) -> None:
            assert isinstance(change, Change)
            window.bus.publish(change)
            self._offer_undo_of_move(dialog)
            interview = dialog.interview_id
            if interview is None:
                return

            def debrief() -> None:
                try:
                    self._wire_debrief(open_debrief(window.service, interview, window))
                except FollowupError as error:
                    self._warn(_("The debrief could not be opened: {error}").format(error=error))

            # After the recording dialog has closed: the debrief is a window of its own.
            QTimer.singleShot(0, window, debrief)

        dialog.saved.connect(recorded)
        window.dialogs.run_once(dialog)

    def schedule_interview(self, day: object) -> None:
        """Ask for an interview on ``day`` (a date) and store it."""
        from followup_desktop.gui.calendar import ScheduleInterviewDialog

        assert isinstance(day, date)
        window = self.window
        if window.writer.refuse_while_busy():
            return
        dialog = ScheduleInterviewDialog(window.service, day, window.tz, window)

        def recorded(change: object) -> None:
            assert isinstance(change, Change)
            window.bus.publish(change)
            self._offer_undo_of_move(dialog)

        dialog.saved.connect(recorded)
        window.dialogs.run_once(dialog)

    def _offer_undo_of_move(self, dialog: ScheduleInterviewDialog) -> None:
        """Put the stage move a recorded interview made on the undo stack."""
        if dialog.stage_move is not None:
            self.window.board_ctl.record_move(*dialog.stage_move)
