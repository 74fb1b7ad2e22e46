"""Letting the GUI thread in while a worker thread talks to SQLite.

Every statement the ``sqlite3`` module runs lets go of the GIL and takes it back at
once. A thread waiting for the GIL (the GUI thread, woken by a timer or a paint) asks
the holder to hand it over only after a switch interval (5 ms) in which the GIL did not
change hands, and each of those quick releases counts as a change: a worker running
hundreds of statements in a row (a move of 500 cards, a re-plan) kept the GUI thread
out for 40 to 150 ms at a time, with nothing of its own running.

:class:`TakeTurns` makes such a thread pause for a moment (:data:`PAUSE_S`) before a
statement once it has run :data:`TURN_S` since its last pause; in the pause the
waiting thread, woken when the GIL was let go, takes it. The main thread never pauses,
so nothing it waits for gets slower; a worker loses well under a tenth of its time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

# How long a worker thread runs statements before it pauses for others.
TURN_S = 0.008
# The pause: long enough for a woken thread to be scheduled and take the GIL.
PAUSE_S = 0.0005


class TakeTurns:
    """Called before each statement: pauses a worker thread that has run a turn."""

    def __init__(
        self,
        clock: Callable[[], float] = time.perf_counter,
        pause: Callable[[float], None] = time.sleep,
        turn: float = TURN_S,
    ) -> None:
        self._clock = clock
        self._pause = pause
        self._turn = turn
        self._local = threading.local()

    def before_statement(self) -> None:
        """Pause for :data:`PAUSE_S` when this worker thread's turn has run out."""
        if threading.current_thread() is threading.main_thread():
            return
        now = self._clock()
        started: float | None = getattr(self._local, "started", None)
        if started is None or now - started > 10 * self._turn:
            # The first statement in a while: a new turn starts, nobody waited long.
            self._local.started = now
            return
        if now - started >= self._turn:
            self._pause(PAUSE_S)
            self._local.started = self._clock()
