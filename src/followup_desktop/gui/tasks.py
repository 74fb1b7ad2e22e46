"""The application's one worker pool, and serial queues of jobs on it.

Every thread Followup starts for slow work comes from one pool (Qt's global
``QThreadPool``): the window's reads and writes, the first board read at start-up, the
composer's SMTP sends, the mailbox checks. Each :class:`Lane` runs its jobs one at a time,
in order, on that pool, so two jobs of one queue never overlap (the window's queue is the
one that writes, so writes stay one at a time); different queues share the threads.

Results come back to the GUI thread through a queued signal on an object that lives
there; callbacks never run on the worker thread.

Jobs the person started (an import, a backup) make a :class:`TaskRunner` *busy*, which
the window shows by disabling the actions that would start another. Quiet jobs (reading
the Today panel, the search text) run the same way but never disable anything.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]
T = TypeVar("T")

# The lanes of a window, a composer and a mailbox check may all be working at once, and
# a first read waits for a thread of its own: more than the two a small laptop's cores
# would give by default.
MIN_THREADS = 4


def worker_pool() -> QThreadPool:
    """The pool every worker thread of the application comes from."""
    pool = QThreadPool.globalInstance()
    if pool.maxThreadCount() < MIN_THREADS:
        pool.setMaxThreadCount(MIN_THREADS)
    return pool


class _Call(QRunnable):
    def __init__(self, work: Callable[[], None]) -> None:
        super().__init__()
        self._work = work

    def run(self) -> None:
        self._work()


def run_now(work: Callable[[], T]) -> Future[T]:
    """Start ``work`` on the pool at once (not behind any queue); its future result."""
    future: Future[T] = Future()

    def call() -> None:
        try:
            future.set_result(work())
        except BaseException as error:
            future.set_exception(error)

    worker_pool().start(_Call(call))
    return future


class Lane:
    """A serial queue on the shared pool: its jobs run one at a time, in order."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._queue: deque[Callable[[], None]] = deque()
        self._running = False

    def put(self, job: Callable[[], None]) -> None:
        """Queue ``job`` (which must not raise) after the ones already queued."""
        with self._lock:
            self._queue.append(job)
            if self._running:
                return
            self._running = True
        worker_pool().start(_Call(self._drain))

    def _drain(self) -> None:
        while True:
            with self._lock:
                if not self._queue:
                    self._running = False
                    self._idle.notify_all()
                    return
                job = self._queue.popleft()
            try:
                job()
            except BaseException:  # a job must not stop the queue behind it
                log.exception("a queued job raised")

    def wait(self, msecs: int = -1) -> bool:
        """Block until every queued job has run; False when ``msecs`` ran out first."""
        with self._lock:
            return self._idle.wait_for(
                lambda: not self._running, None if msecs < 0 else msecs / 1000
            )


class _Relay(QObject):
    """Carries results from the worker thread to the GUI thread."""

    finished = Signal(int, object)
    failed = Signal(int, object)


def report(signal: Any, job_id: int, value: object) -> None:
    """Emit a result, unless its receiver went with its window meanwhile."""
    try:
        signal.emit(job_id, value)
    except RuntimeError:  # the relay's C++ object is gone: nobody is left to tell
        log.debug("job %d finished after its runner was deleted", job_id)


def _while_alive(owner: QObject, callback: Callable[[T], None]) -> Callable[[T], None]:
    """``callback``, skipped once ``owner``'s C++ object is gone.

    A dialog that hands work to the window's shared runner may be closed and freed
    before the work is back; its answer then has no one to go to.
    """

    def call(value: T) -> None:
        if shiboken6.isValid(owner):
            callback(value)
        else:
            log.debug("a job finished after %s was closed", type(owner).__name__)

    return call


class TaskRunner(QObject):
    """Runs callables one at a time off the GUI thread; reports back on the GUI thread."""

    #: True when the first job the person started is queued, False when the last is done.
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lane = Lane()
        # No parent: a queued job keeps the relay alive through its own reference, so a
        # runner deleted with its window (deleteLater) never leaves a worker emitting on
        # a freed object; the connections below simply go when the runner goes.
        self._relay = _Relay()
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
        self,
        work: Callable[[], Any],
        on_done: Done,
        on_error: Failed,
        *,
        quiet: bool = False,
        owner: QObject | None = None,
    ) -> None:
        """Run ``work`` on the worker; then ``on_done(result)`` or ``on_error(exc)``.

        A ``quiet`` job does not make the runner busy. With an ``owner`` (a dialog
        handing work to the window's runner), neither is called once the owner is freed.
        """
        if owner is not None:
            on_done, on_error = _while_alive(owner, on_done), _while_alive(owner, on_error)
        job_id = next(self._ids)
        self._callbacks[job_id] = (on_done, on_error)
        if not quiet:
            self._loud.add(job_id)
            if len(self._loud) == 1:
                self.busy_changed.emit(True)
        relay = self._relay

        def job() -> None:
            try:
                result = work()
            except BaseException as error:
                report(relay.failed, job_id, error)
            else:
                report(relay.finished, job_id, result)

        self._lane.put(job)

    def wait(self, msecs: int = -1) -> bool:
        """Block until this runner's jobs have run (for shutdown)."""
        return self._lane.wait(msecs)

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
