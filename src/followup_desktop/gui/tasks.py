"""One serialized worker thread for slow work (import, export, backup).

Work runs in order on a single thread so two slow jobs never fight over the database
file. Results come back to the GUI thread through a queued signal on an object that
lives there; callbacks never run on the worker thread.

Jobs the person started (an import, a backup) make the runner *busy*, which the window
shows by disabling the actions that would start another. Quiet jobs (reading the Today
panel, the search text) run the same way but never disable anything.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


class _Relay(QObject):
    """Carries results from the worker thread to the GUI thread."""

    finished = Signal(int, object)
    failed = Signal(int, object)


class _Job(QRunnable):
    def __init__(self, job_id: int, work: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._job_id = job_id
        self._work = work
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._work()
        except BaseException as error:
            self._relay.failed.emit(self._job_id, error)
        else:
            self._relay.finished.emit(self._job_id, result)


class TaskRunner(QObject):
    """Runs callables one at a time off the GUI thread; reports back on the GUI thread."""

    #: True when the first job the person started is queued, False when the last is done.
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._relay = _Relay(self)
        self._relay.finished.connect(self._on_finished)
        self._relay.failed.connect(self._on_failed)
        self._callbacks: dict[int, tuple[Done, Failed]] = {}
        self._loud: set[int] = set()
        self._ids = itertools.count(1)

    @property
    def busy(self) -> bool:
        """True while a job the person started is queued or running."""
        return bool(self._loud)

    @property
    def idle(self) -> bool:
        """True when no job at all, quiet ones included, is queued or running."""
        return not self._callbacks

    def submit(
        self, work: Callable[[], Any], on_done: Done, on_error: Failed, *, quiet: bool = False
    ) -> None:
        """Run ``work`` on the worker; then ``on_done(result)`` or ``on_error(exc)``.

        A ``quiet`` job does not make the runner busy.
        """
        job_id = next(self._ids)
        self._callbacks[job_id] = (on_done, on_error)
        if not quiet:
            self._loud.add(job_id)
            if len(self._loud) == 1:
                self.busy_changed.emit(True)
        self._pool.start(_Job(job_id, work, self._relay))

    def wait(self, msecs: int = -1) -> bool:
        """Block until the worker is idle (for shutdown)."""
        return self._pool.waitForDone(msecs)

    def _finish(self, job_id: int) -> None:
        if job_id in self._loud:
            self._loud.discard(job_id)
            if not self._loud:
                self.busy_changed.emit(False)

    @Slot(int, object)
    def _on_finished(self, job_id: int, result: object) -> None:
        on_done, _ = self._callbacks.pop(job_id)
        try:
            on_done(result)
        finally:
            self._finish(job_id)

    @Slot(int, object)
    def _on_failed(self, job_id: int, error: object) -> None:
        _, on_error = self._callbacks.pop(job_id)
        assert isinstance(error, BaseException)
        log.info("background job failed: %r", error)
        try:
            on_error(error)
        finally:
            self._finish(job_id)
