"""Fast reads for the planner: plain SQL on the session's own SQLite connection.

Re-planning 10,000 opportunities reads some 100,000 rows. Through SQLAlchemy's result
machinery each value passes a Python type processor, which made reading five times slower
than planning; here rows come straight from ``sqlite3`` as tuples and only the columns
the planner uses are converted, with the helpers below. The statements run on the
session's connection, inside its transaction, so they see everything it has flushed.

The SQL names tables and columns of :mod:`followup_desktop.core.models`; a test builds the
same facts through the ORM and compares, so a schema change cannot drift past unnoticed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any, Final

from sqlalchemy.orm import Session

# Long id lists are read in slices, each well below SQLite's limit on bound parameters.
CHUNK: Final = 500


def driver_connection(session: Session) -> Any:
    """The ``sqlite3.Connection`` under ``session``, with its transaction begun."""
    session.flush()
    return session.connection().connection.driver_connection


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
    "chunks",
    "driver_connection",
    "instant",
    "maybe_date",
    "maybe_instant",
    "rows",
    "stored_date",
    "stored_instant",
]
