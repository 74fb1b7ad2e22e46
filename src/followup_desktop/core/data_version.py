"""Noticing that another program (the command line, a second copy) changed the database.

SQLite's ``PRAGMA data_version`` on one long-lived connection changes whenever another
connection commits: a few microseconds to ask, with no table read. Every connection of
this process is "another connection" too, so this process's own commits are counted
(an engine ``commit`` event) and a change seen together with one of them is taken as
ours. A write by another program in the same moment as one of ours is then noticed
only at the next one of theirs, or by Refresh (F5); that is the price of not reading
any table to tell them apart.
"""

from __future__ import annotations

import sqlite3
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from followup_desktop.core.db import Database


class DataVersionWatch:
    """Answers "did another program commit since I last asked?" for one database."""

    def __init__(self, db: Database) -> None:
        from sqlalchemy import event

        self._own = 0
        self._lock = threading.Lock()
        self._engine = db.engine
        event.listen(self._engine, "commit", self._count_own)
        # Only PRAGMA data_version is ever run here; it writes nothing and takes no lock.
        self._connection = sqlite3.connect(str(db.path), check_same_thread=False)
        self._version = self._read()
        self._own_seen = self._own

    def _count_own(self, _connection: Any) -> None:
        with self._lock:
            self._own += 1

    def _read(self) -> int:
        row = self._connection.execute("PRAGMA data_version").fetchone()
        return int(row[0])

    def changed_elsewhere(self) -> bool:
        """True when someone else committed since the last call (and we did not)."""
        version = self._read()
        with self._lock:
            own = self._own
        ours = own != self._own_seen
        self._own_seen = own
        if version == self._version:
            return False
        self._version = version
        return not ours

    def close(self) -> None:
        """Stop counting and close the connection."""
        from sqlalchemy import event

        if event.contains(self._engine, "commit", self._count_own):
            event.remove(self._engine, "commit", self._count_own)
        self._connection.close()
