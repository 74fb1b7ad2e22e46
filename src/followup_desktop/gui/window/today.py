"""The Today panel's controller: what is due, read on the worker; done, snooze, missed.

Done, snooze and clearing the missed list go on the window's undo stack
(:class:`ActionStepCommand`), as do the same steps taken from the tray or a notification.

Every change on the bus re-reads the panel once the GUI thread is free (a zero-delay
timer gathers a burst of changes into one read); the read sorts every open action, so
it runs on the worker.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDockWidget

from followup_desktop.core.change import ActionStatus, Change
from followup_desktop.core.i18n import _
from followup_desktop.core.queries.window import TodayData, action_statuses, read_today
from followup_desktop.gui.agenda_model import AgendaModel
from followup_desktop.gui.commands import ActionStepCommand
from followup_desktop.gui.today_panel import TodayPanel

if TYPE_CHECKING:
    from followup_desktop.gui.main_window import MainWindow

# The Today panel lists the most pressing actions; the counts above it cover them all.
TODAY_LIMIT = 200


class TodayController:
    """The Today dock: its model, its panel and the service calls its buttons make."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window
        self._prepared: dict[Change, TodayData] = {}
        self.model = AgendaModel(window.tz, window)
        self.panel = TodayPanel(self.model, window.now, window.tz)
        self.panel.done_requested.connect(self.complete_action)
        self.panel.snooze_requested.connect(self.snooze_action)
        self.panel.open_action_requested.connect(window.router.open_action)
        self.panel.clear_missed_requested.connect(self.clear_missed)
        self.dock = QDockWidget(_("Today"), window)
        self.dock.setObjectName("todayDock")
        self.dock.setAccessibleName(_("Today panel"))
        self.dock.setWidget(self.panel)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self._timer = QTimer(window)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.refresh_later)

    def read(self) -> TodayData:
        """What the panel shows, read now (on whichever thread calls)."""
        window = self._window
        return read_today(window.service.db, window.service.clock(), window.tz, TODAY_LIMIT)

    def show(self, data: object) -> None:
        """Put what :meth:`read` returned on screen."""
        assert isinstance(data, TodayData)
        self.panel.set_items(list(data.items), data.overdue, data.today, data.coming)
        self.panel.set_missed(list(data.missed))
        self._window.update_status()

    def refresh(self) -> None:
        """Re-read what is overdue or due today, now (a summary follows that must stay)."""
        self._timer.stop()
        self.show(self.read())

    def refresh_later(self) -> None:
        """Re-read the panel on the worker thread."""
        self._window.tasks.submit(
            self.read,
            self.show,
            self._window.report_failure(_("Reading the Today panel")),
            quiet=True,
        )

    def prepare(self, change: Change, data: object) -> None:
        """Keep what a write on the worker read of the panel until ``change`` arrives."""
        if isinstance(data, TodayData):
            self._prepared[change] = data

    def on_change(self, change: object) -> None:
        """The bus's subscriber: read the panel again once the GUI thread is free."""
        assert isinstance(change, Change)
        prepared = self._prepared.pop(change, None)
        if prepared is None:
            self._timer.start()
        else:
            self._timer.stop()
            self.show(prepared)

    def complete_action(self, action_id: int) -> None:
        """Mark an action done (undoable)."""
        service = self._window.service
        self.write_step(_("Mark done"), [action_id], lambda: service.complete_action(action_id))

    def snooze_action(self, action_id: int, until: datetime) -> None:
        """Put an action off (undoable)."""
        service = self._window.service
        self.write_step(_("Snooze"), [action_id], lambda: service.snooze_action(action_id, until))

    def clear_missed(self) -> None:
        """Dismiss every step in the missed list (undoable)."""
        ids = [item.action_id for item in self.panel.missed_items]
        self.write_step(_("Clear the missed list"), ids, self._window.service.clear_missed)

    def write_step(self, verb: str, action_ids: list[int], call: Callable[[], Change]) -> None:
        """Run a done, snooze or dismiss through the writer and put it on the undo stack.

        The statuses before and after are read on either side of the write, on the GUI
        thread (one small query each). A write queued behind a long one, or refused, is
        not recorded: there is nothing yet to undo.
        """
        window = self._window
        db = window.service.db
        before = action_statuses(db, action_ids)
        change = window.writer.now(call)
        if change is None or not before:
            return
        self.record_step(self.step_text(verb, action_ids), before, action_statuses(db, before))

    def record_step(
        self, text: str, before: dict[int, ActionStatus], after: dict[int, ActionStatus]
    ) -> ActionStepCommand:
        """Put a step already written on the window's undo stack; returns the command."""
        window = self._window
        command = ActionStepCommand(
            window.service, text, before, after, sink=window.bus.publish, run=window.writer.run
        )
        window.undo_stack.push(command)
        return command

    def step_text(self, verb: str, action_ids: list[int]) -> str:
        """What Edit → Undo names: the verb and, for one action, which one."""
        if len(action_ids) != 1:
            return verb
        for row in range(self.model.rowCount()):
            item = self.model.item(row)
            if item.action_id == action_ids[0]:
                if item.company:
                    return _("{verb}: {step} ({company})").format(
                        verb=verb, step=item.label, company=item.company
                    )
                return _("{verb}: {step}").format(verb=verb, step=item.label)
        return verb
