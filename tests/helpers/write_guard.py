"""A guard that fails a test when anything writes to a database around the service.

Every change is meant to go through ``FollowupService``, whose transaction helper marks
the running code as "the service is writing" (``service_is_writing``). The guard watches
two levels:

- every statement SQLAlchemy sends (ORM and Core alike, on every engine of the process,
  so a database the command line opens by itself is watched too);
- every statement SQLite prepares on a pooled connection (an authorizer), which catches
  SQL run on the raw driver connection as well.

A write outside the service is refused on the spot and remembered, and the guard fails
the test when it ends even if the code under test swallowed the error.

Use it as a context manager (``with write_guard() as guard: ...``) or through the
``write_guarded`` fixture below (import ``write_guarded_fixture`` into a test module).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

from followup_desktop.core.services import service_is_writing

_WRITES = {"INSERT", "UPDATE", "DELETE", "REPLACE"}
_AUTHORIZED_WRITES = {sqlite3.SQLITE_INSERT, sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_DELETE}


class WriteAroundServiceError(AssertionError):
    """A statement wrote to the database outside the service's transaction."""


@dataclass
class WriteGuard:
    """What the guard saw: writes outside the service, and how many inside it."""

    offences: list[str] = field(default_factory=list)
    service_writes: int = 0

    def check(self) -> None:
        """Fail when anything wrote around the service."""
        if self.offences:
            listed = "\n  ".join(self.offences[:5])
            raise WriteAroundServiceError(
                f"{len(self.offences)} write(s) went around the service:\n  {listed}"
            )


def _is_write(statement: str, context: Any) -> bool:
    if context is not None and (context.isinsert or context.isupdate or context.isdelete):
        return True
    words = statement.lstrip().split(None, 1)
    return bool(words) and words[0].upper() in _WRITES


@contextmanager
def write_guard() -> Iterator[WriteGuard]:
    """Watch every database write while the block runs; fail if one bypassed the service."""
    guard = WriteGuard()

    def on_statement(
        _conn: Any, _cursor: Any, statement: str, _params: Any, context: Any, _many: bool
    ) -> None:
        if not _is_write(statement, context):
            return
        if service_is_writing():
            guard.service_writes += 1
            return
        guard.offences.append(" ".join(statement.split())[:200])
        raise WriteAroundServiceError(f"a write went around the service: {statement[:200]}")

    active = [True]

    def authorize(action: int, table: str | None, *_rest: object) -> int:
        if not active[0]:
            return sqlite3.SQLITE_OK  # a connection the guard could not reach at its end
        # SQLite's own tables (statistics that PRAGMA optimize keeps) hold no data of ours.
        internal = table is not None and table.startswith("sqlite_")
        if action in _AUTHORIZED_WRITES and not internal and not service_is_writing():
            guard.offences.append(f"raw SQLite write to {table}")
            return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK

    watched: set[sqlite3.Connection] = set()

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        if isinstance(dbapi_connection, sqlite3.Connection) and dbapi_connection not in watched:
            dbapi_connection.set_authorizer(authorize)
            watched.add(dbapi_connection)

    def on_checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        # Connections pooled before the guard started get the authorizer here.
        on_connect(dbapi_connection, None)

    event.listen(Engine, "before_cursor_execute", on_statement)
    event.listen(Pool, "connect", on_connect)
    event.listen(Pool, "checkout", on_checkout)
    try:
        yield guard
    finally:
        active[0] = False
        event.remove(Engine, "before_cursor_execute", on_statement)
        event.remove(Pool, "connect", on_connect)
        event.remove(Pool, "checkout", on_checkout)
        for connection in watched:
            # A connection closed meanwhile, or owned by another thread, keeps nothing.
            with contextlib.suppress(sqlite3.Error):
                connection.set_authorizer(None)
    guard.check()


@pytest.fixture(name="write_guarded")
def write_guarded_fixture() -> Iterator[WriteGuard]:
    """The guard for the whole test: any write around the service fails it."""
    with write_guard() as guard:
        yield guard
