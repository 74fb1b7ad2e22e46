"""The window's first board, read on a thread of its own while the toolkit loads.

Starting the window spends most of its time in Python: importing Qt and the window's
modules, building the widgets. Reading the board waits on SQLite, which releases the
interpreter while it works; so the command line starts this read as soon as it knows the
window is wanted, before anything of Qt is imported, and the read runs on the second core
meanwhile. It is a plain Python thread, not one of the worker pool's (:mod:`gui.tasks`):
there is no Qt yet to ask for one.

The read goes through a query-only connection (:func:`~followup_desktop.core.plainread.
open_current`) without ``quick_check``: that check reads the whole file and would double
the read's time, and the window writes nothing and takes no input until
:func:`~followup_desktop.core.db.open_database` has opened the file the whole way, with
``quick_check`` and every other check, just after the first paint. A file damaged so
that the read itself fails (or that is missing, older, not SQLite) gives None, and the
window then opens it the whole way before it shows anything, as for any such file.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from followup_desktop.core.plainread import open_current
from followup_desktop.core.queries.window import BoardData, cards_from, stages_from
from followup_desktop.core.timeutil import utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FirstBoard:
    """The query-only connection the board was read through, and what it read."""

    connection: sqlite3.Connection
    data: BoardData

    def discard(self) -> None:
        """Close the connection (the window was not opened after all)."""
        with contextlib.suppress(sqlite3.Error):
            self.connection.close()


def read_first_board(path: Path) -> FirstBoard | None:
    """The stages, every card and their order, or None to open the file the whole way."""
    connection = open_current(path, check=False)
    if connection is None:
        return None
    try:
        stages = stages_from(connection)
        cards, ranks = cards_from(connection, stages, utcnow())
    except sqlite3.Error as error:
        # Damage the skipped quick_check would have found, a lock held too long: the
        # whole opening names it (and offers a backup where there is one).
        log.info("the first board could not be read ahead: %s", error)
        with contextlib.suppress(sqlite3.Error):
            connection.close()
        return None
    return FirstBoard(connection, BoardData(stages, cards, ranks))


def start_reading_first_board(path: Path) -> Future[FirstBoard | None]:
    """Start :func:`read_first_board` on a thread; its result (never an exception)."""
    future: Future[FirstBoard | None] = Future()

    def read() -> None:
        try:
            future.set_result(read_first_board(path))
        except Exception as error:  # a bug: the window then opens the file the whole way
            log.warning("reading the first board ahead failed", exc_info=error)
            future.set_result(None)

    # A daemon: a process that ends before the window (a second launch handing over)
    # does not wait for the read.
    threading.Thread(target=read, name="first-board", daemon=True).start()
    return future


def discard_first_board(future: Future[FirstBoard | None]) -> None:
    """Close the connection of a read that will not be used, once it has finished."""

    def close(done: Future[FirstBoard | None]) -> None:
        board = done.result()
        if board is not None:
            board.discard()

    future.add_done_callback(close)


__all__ = ["FirstBoard", "discard_first_board", "read_first_board", "start_reading_first_board"]
