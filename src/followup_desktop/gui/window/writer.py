"""The window's one way to write: small writes at once, long ones on the worker.

A write the person feels as instant (marking a step done, archiving a card, a small
move) runs on the GUI thread. A long one (the re-plan after a playbook change, a move of
many cards, undoing one) runs on the window's worker queue, and its :class:`Change` is
published on the bus when it is back; the status bar says what runs. Writes never
overlap: while a long write runs, a small one is queued behind it (and the status bar
says so), and the dialogs that write are not opened (:meth:`Writer.refuse_while_busy`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from followup_desktop.core.change import Change
from followup_desktop.core.errors import FollowupError
from followup_desktop.core.i18n import _, ngettext
from followup_desktop.core.storage_errors import StorageLocked

if TYPE_CHECKING:
    from followup_desktop.gui.main_window import MainWindow

log = logging.getLogger(__name__)

# A worker's transaction that read before the GUI thread wrote cannot write any more
# (SQLite answers "locked" at once, without waiting): it is rolled back whole, so it can
# simply be run again.
LOCKED_ATTEMPTS = 3


def retry_when_locked(call: Callable[[], Change]) -> Change:
    """Run ``call``, again when SQLite refused it for a concurrent write."""
    for attempt in range(LOCKED_ATTEMPTS):
        try:
            return call()
        except StorageLocked:
            # Named from SQLite's result code (SQLITE_BUSY / SQLITE_LOCKED) by the core.
            if attempt == LOCKED_ATTEMPTS - 1:
                raise
            log.info("a background change met a concurrent write; running it again")
    raise AssertionError("unreachable")


def failure_reporter(window: MainWindow, what: str) -> Callable[[BaseException], None]:
    """A job's failure handler: a warning in plain words (anything else is a bug)."""

    def report(error: BaseException) -> None:
        from followup_desktop.gui.crash import plain_message

        message = plain_message(error)
        if message is None:
            raise error
        window.dialogs.warning(
            window, _("{what} failed: {message}").format(what=what, message=message)
        )

    return report


class Writer:
    """Runs the window's writes one at a time and publishes what they changed."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window
        # What the long writes queued or running are, in order, for the status bar.
        self._running: list[str] = []

    @property
    def busy(self) -> bool:
        """True while a long write is queued or running."""
        return bool(self._running)

    def now(self, call: Callable[[], Change]) -> Change | None:
        """Run a small write and publish its Change; queued when a long one runs.

        Returns the Change when it ran at once; None when it failed (the person is told)
        or was queued.
        """
        if self.busy:
            self.later(_("Waiting to save your change…"), call)
            return None
        window = self._window
        try:
            change = call()
        except FollowupError as error:
            window.dialogs.warning(window, str(error))
            return None
        window.bus.publish(change)
        return change

    def later(
        self,
        what: str,
        call: Callable[[], Change],
        done: Callable[[Change], None] | None = None,
        *,
        then: Callable[[Change], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
        quiet: bool = False,
    ) -> None:
        """Run ``call`` on the worker; its Change goes to ``done`` (the bus when None).

        What the board and the Today panel then show of it is read on the worker too,
        so the GUI thread only puts it in place; ``then`` runs after (a summary in the
        status bar that the panel's counts must not replace). ``failed`` replaces the
        usual warning. A ``quiet`` write (one nobody asked for, like the hourly re-check
        of the search nudge) queues behind the others the same way but never marks the
        window busy.
        """
        window = self._window
        board, today = window.board_ctl, window.today_ctl
        if not quiet:
            self._running.append(what)
            self._show()

        def work() -> tuple[Change, object, object]:
            change = retry_when_locked(call)
            return change, board.prefetch(change), today.read()

        def finished(result: tuple[Change, object, object]) -> None:
            change, cards, agenda = result
            if not quiet:
                self._finish(what)
            board.prepare(change, cards)
            today.prepare(change, agenda)
            (done or window.bus.publish)(change)
            if then is not None:
                then(change)

        report = failed or window.report_failure(what.removesuffix("…"))

        def fail(error: BaseException) -> None:
            if not quiet:
                self._finish(what)
            # The board may show what the write was about to change: read it again.
            window.refresh_later()
            report(error)

        window.tasks.submit(work, finished, fail, quiet=quiet)

    def run(self, what: str, call: Callable[[], Change], done: Callable[[Change], None]) -> None:
        """A write for an undo command: at once when small and nothing runs, else later."""
        if self.busy:
            self.later(what + "…", call, done)
        else:
            done(call())

    def refuse_while_busy(self) -> bool:
        """True (and the status bar says why) when a long write runs: wait for it."""
        if not self.busy:
            return False
        self._window.statusBar().showMessage(
            _("{what} is still running; try again when it is done.").format(
                what=self._running[0].removesuffix("…")
            ),
            5000,
        )
        return True

    def _finish(self, what: str) -> None:
        self._running.remove(what)
        self._show()

    def _show(self) -> None:
        label = self._window.job_label
        if not self._running:
            label.clear()
            return
        waiting = len(self._running) - 1
        if waiting:
            label.setText(
                ngettext("{job} ({n} more waiting)", "{job} ({n} more waiting)", waiting).format(
                    job=self._running[0], n=waiting
                )
            )
        else:
            label.setText(self._running[0])
