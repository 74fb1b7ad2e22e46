"""Fast reads for the planner: plain SQL on the session's own SQLite connection.

Re-planning 10,000 opportunities reads some 100,000 rows. Through SQLAlchemy's result
machinery each value passes a Python type processor, which made reading five times slower
than planning; here rows come straight from ``sqlite3`` as tuples and only the columns
the planner uses are converted, with the helpers below. The statements run on the
session's connection, inside its transaction, so they see everything it has flushed.

An SQLite error met on the way (a damaged page, text that is not UTF-8, a full disk) comes
out as one of :mod:`followup_desktop.core.storage_errors`, as it does through the ORM, so
a caller never has to tell the two routes apart.

The SQL names tables and columns of :mod:`followup_desktop.core.models`; a test builds the
same facts through the ORM and compares, so a schema change cannot drift past unnoticed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Final, NoReturn

from sqlalchemy.orm import Session

from followup_desktop.core.storage_errors import classify

# Long id lists are read in slices, each well below SQLite's limit on bound parameters.
CHUNK: Final = 500


def _named(error: sqlite3.Error, path: Path | None) -> NoReturn:
    found = classify(error, path)
    if found is None:
        raise error
    raise found from error


class _Cursor:
    """A driver cursor whose SQLite errors are ours; rows come straight through."""

    __slots__ = ("_cursor", "_path")

    def __init__(self, cursor: sqlite3.Cursor, path: Path | None) -> None:
        self._cursor = cursor
        self._path = path

    def fetchall(self) -> list[Any]:
        try:
            return self._cursor.fetchall()
        except sqlite3.Error as error:
            _named(error, self._path)

    def fetchone(self) -> Any:
        try:
            return self._cursor.fetchone()
        except sqlite3.Error as error:
            _named(error, self._path)

    def __iter__(self) -> Iterator[Any]:
        # ``yield from`` keeps the per-row cost to one generator step.
        try:
            yield from self._cursor
        except sqlite3.Error as error:
            _named(error, self._path)


class TranslatingConnection:
    """The session's ``sqlite3.Connection`` for reads, with SQLite's errors named as ours.

    Only what the raw reads use is offered (``execute``, ``executemany``); a raw read
    that meets damage raises :class:`~followup_desktop.core.storage_errors.StorageDamaged`
    whichever session it runs in, not only inside :meth:`Database.session`.
    """

    __slots__ = ("_connection", "_path")

    def __init__(self, connection: sqlite3.Connection, path: Path | None) -> None:
        self._connection = connection
        self._path = path

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> _Cursor:
        try:
            return _Cursor(self._connection.execute(sql, params), self._path)
        except sqlite3.Error as error:
            _named(error, self._path)

    def executemany(self, sql: str, params: Any) -> _Cursor:
        try:
            return _Cursor(self._connection.executemany(sql, params), self._path)
        except sqlite3.Error as error:
            _named(error, self._path)


def _database_path(session: Session) -> Path | None:
    database = session.get_bind().engine.url.database
    return None if not database or database == ":memory:" else Path(database)


def driver_connection(session: Session) -> Any:
    """The ``sqlite3.Connection`` under ``session`` (transaction begun), errors named ours."""
    session.flush()
    raw = session.connection().connection.driver_connection
    assert isinstance(raw, sqlite3.Connection)
    return TranslatingConnection(raw, _database_path(session))


def chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    """``ids`` in slices of at most :data:`CHUNK`."""
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def rows(
    connection: Any,
    sql: str,
    ids: Sequence[int] | None,
    id_column: str,
    params: Sequence[Any] = (),
) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` (which holds one ``{only}`` slot), limited to ``id_column IN ids``.

    With ``ids`` None the slot is emptied and every row is read in one statement.
    """
    if ids is None:
        return list(connection.execute(sql.format(only=""), params).fetchall())
    found: list[tuple[Any, ...]] = []
    for chunk in chunks(ids):
        marks = ",".join("?" * len(chunk))
        statement = sql.format(only=f" AND {id_column} IN ({marks})")
        found += connection.execute(statement, (*params, *chunk)).fetchall()
    return found


_parse = datetime.fromisoformat


def instant(text: str) -> datetime:
    """A stored UTC instant (``2026-11-24 09:30:00.000000``) as an aware datetime.

    Appending the offset and parsing once is several times faster than ``replace()``
    afterwards, and gives the same ``datetime.UTC`` zone.
    """
    return _parse(text + "+00:00")


def maybe_instant(text: str | None) -> datetime | None:
    """:func:`instant`, or None for NULL."""
    return None if text is None else _parse(text + "+00:00")


def maybe_date(text: str | None) -> date | None:
    """A stored date, or None for NULL."""
    return None if text is None else date.fromisoformat(text)


def stored_instant(value: datetime) -> str:
    """An aware instant in the text form the database stores, for comparisons in SQL."""
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def stored_date(value: date) -> str:
    """A date in the text form the database stores."""
    return value.isoformat()


__all__ = [
    "CHUNK",
    "TranslatingConnection",
    "chunks",
    "driver_connection",
    "instant",
    "maybe_date",
    "maybe_instant",
    "rows",
    "stored_date",
    "stored_instant",
]
