"""Changes made by another program (the command line, say) show without Refresh.

While the window is the active one, :class:`DataVersionWatch` is asked every
:data:`POLL_MS` whether someone else committed (one ``PRAGMA data_version``, a few
microseconds on the GUI thread), and once more when the window becomes active again.
When they did, the board and the Today panel are read on the worker and the change is
published on the bus as "everything changed", so every view (and the reminders) follows
as after an import; the selection stays. Nothing is polled while the window is in the
background or hidden, nor while one of the window's own long writes runs.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer

from followup_desktop.core.data_version import DataVersionWatch
from followup_desktop.core.i18n import _
from followup_desktop.core.queries.window import BoardData, TodayData
from followup_desktop.gui.window.bus import EVERYTHING_CHANGED

if TYPE_CHECKING:
    from followup_desktop.gui.main_window import MainWindow

log = logging.getLogger(__name__)

#: How often to ask while the window is active: soon enough to feel live after typing a
#: command, rare enough to cost nothing.
POLL_MS = 1500


class ExternalChanges(QObject):
    """Polls the database's data version while the window is active; refreshes on change."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._watch: DataVersionWatch | None = None
        self._reading = False
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.check)
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.WindowActivate:
            self.check()
            self.timer.start()
        elif kind in (QEvent.Type.WindowDeactivate, QEvent.Type.Hide):
            self.timer.stop()
        elif kind == QEvent.Type.Close:
            self.close()
        return super().eventFilter(watched, event)

    def _watcher(self) -> DataVersionWatch | None:
        window = self._window
        if self._watch is None and window.settled:
            self._watch = DataVersionWatch(window.service.db)
        return self._watch

    def check(self) -> bool:
        """Ask once; True when another program's change was found (and is being read)."""
        window = self._window
        if self._reading or window.writer.busy:
            return False
        watch = self._watcher()
        if watch is None or not watch.changed_elsewhere():
            return False
        log.info("the database was changed by another program; reading it again")
        self._reading = True
        board, today = window.board_ctl, window.today_ctl

        def read() -> tuple[object, TodayData]:
            return board.prefetch(EVERYTHING_CHANGED), today.read()

        def show(data: tuple[object, TodayData]) -> None:
            self._reading = False
            cards, agenda = data
            selected = window.board.selected_ids()
            if isinstance(cards, BoardData):
                board.prepare(EVERYTHING_CHANGED, cards)
            today.prepare(EVERYTHING_CHANGED, agenda)
            window.bus.publish(EVERYTHING_CHANGED)
            window.board.select_cards(selected, focus=False)

        def failed(error: BaseException) -> None:
            self._reading = False
            window.report_failure(_("Reading the changes"))(error)

        window.tasks.submit(read, show, failed, quiet=True)
        return True

    def close(self) -> None:
        """Stop polling and close the watching connection."""
        self.timer.stop()
        if self._watch is not None:
            self._watch.close()
            self._watch = None
