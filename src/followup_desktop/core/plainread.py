"""Reading a checked, current database through the plain sqlite3 driver.

:func:`open_database` loads SQLAlchemy (and, for a migration, Alembic), which costs a good
part of a second before anything is read. A command that only reads (``agenda``) and the
window's first paint can instead ask :func:`open_current` for a query-only connection. It
runs the same checks that come before anything else in :func:`open_database` — the file
is an SQLite file, SQLite's ``quick_check`` finds it sound, its schema is the one this
version ships — and answers None whenever any of them does not pass or anything is
unusual, so that the caller goes through :func:`open_database`, which says what is wrong,
offers a backup or migrates. Nothing here ever writes: the connection is ``query_only``.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from followup_desktop.core.db import SQLITE_HEADER, missing_tables, quick_check, shipped_head
from followup_desktop.core.storage_errors import StorageError

BUSY_TIMEOUT_S = 5.0


def stored_revision(connection: sqlite3.Connection) -> str | None:
    """The schema revision recorded in the database, or None for none."""
    table = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
    ).fetchone()
    if table is None:
        return None
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return None if row is None else str(row[0])


def open_current(path: Path, *, check: bool = True) -> sqlite3.Connection | None:
    """A query-only connection on ``path`` if it is a sound, current Followup database.

    None when the file is missing, empty, not SQLite, damaged, of another schema
    revision, or cannot be read: the caller then opens it with :func:`open_database`.
    ``check=False`` leaves out ``quick_check``, for a caller that opens the file the whole
    way (which runs it) before anything is written or acted on: the window's first board.
    """
    path = path.expanduser().absolute()
    try:
        if not path.is_file():
            return None
        with path.open("rb") as handle:
            if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                return None
        if check and quick_check(path) is not None:
            return None
        # Used by one thread at a time, not always the one that opened it: the window
        # reads its cards on a thread while it builds its widgets.
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, check_same_thread=False)
    except (OSError, sqlite3.Error, StorageError):
        # A full disk, a read-only folder, a lock: the whole opening names it.
        return None
    try:
        connection.execute("PRAGMA query_only=ON")
        # A table dropped behind Followup's back is damage the whole opening names.
        if stored_revision(connection) == shipped_head() and not missing_tables(connection):
            return connection
    except sqlite3.Error:
        pass
    with contextlib.suppress(sqlite3.Error):
        connection.close()
    return None


__all__ = ["open_current", "stored_revision"]
