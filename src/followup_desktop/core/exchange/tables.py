"""The exported tables: their columns in file order, how values are stored, the SQL.

Rows are ordered by primary key and keys follow the column order of the format;
instants are written in UTC with a trailing ``Z`` and nested JSON values have their keys
sorted, so export → import → export gives the same bytes. The SQL runs untyped, on values
already in SQLite's storage form: SQLAlchemy's per-row processing cost more than SQLite.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any, Final

import sqlalchemy as sa

from followup_desktop.core.db import Database
from followup_desktop.core.exchange.schema import TABLES, _definition_name, export_schema
from followup_desktop.core.models import Base
from followup_desktop.core.sqltypes import UTCDateTime

# Secrets live in the system keyring, never in the database. Should a setting that *is*
# a secret ever appear (``smtp.password``), export leaves it out and import refuses it.
# Only the last dotted segment is compared, so a flag such as ``smtp.password_saved`` is
# an ordinary setting.
SECRET_SETTING_NAMES: Final = frozenset(
    {"password", "passwd", "secret", "token", "api_key", "apikey", "credentials"}
)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small containers.

    Parsing and checking a large export creates millions of dicts and tuples, none of
    them garbage; the collector kept re-scanning them and made parsing take 1.8 times
    as long. Reference counting still frees everything as usual. The switch is
    process-wide: a concurrent user may find it re-enabled early, which costs only time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# How many rows are freed at a time (see release_gradually).
RELEASE_SLICE = 512


def release_gradually(tables: Mapping[str, list[Any]]) -> None:
    """Empty each list of rows a slice at a time, freeing what nothing else holds.

    Dropping a parsed export (two million small objects) in one ``del`` frees them all in
    one call into C, holding the interpreter lock for 0.1 to 0.2 s: the window, waiting on
    the worker that did it, froze that long after every import. Slice by slice, the
    worker lets the window run in between.
    """
    for rows in tables.values():
        if isinstance(rows, list):
            while rows:
                del rows[-RELEASE_SLICE:]


@dataclass(frozen=True)
class _TableSpec:
    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]
    instants: tuple[int, ...]
    dates: tuple[int, ...]
    jsons: tuple[int, ...]
    bools: tuple[int, ...]
    #: Columns a file may leave out (added after the format's first version): read as null.
    optional: tuple[str, ...]
    insert_sql: str
    select_sql: str
    delete_sql: str


def _positions(table: sa.Table, columns: Sequence[str], kind: type[Any]) -> tuple[int, ...]:
    """Where in ``columns`` the columns of SQL type ``kind`` are."""
    return tuple(
        position
        for position, column in enumerate(columns)
        if isinstance(table.c[column].type, kind)
    )


@cache
def _specs() -> tuple[_TableSpec, ...]:
    schema = export_schema()
    dialect = sa.create_engine("sqlite://").dialect
    specs = []
    for name in TABLES:
        table = Base.metadata.tables[name]
        definition = schema["$defs"][_definition_name(name)]
        columns = tuple(definition["properties"])
        if set(columns) != set(table.c.keys()):
            raise RuntimeError(
                f"the export schema and the model disagree on {name}: "
                f"{sorted(set(columns) ^ set(table.c.keys()))}"
            )
        lightweight = sa.table(name, *(sa.column(column) for column in columns))
        insert = sa.insert(lightweight).compile(dialect=dialect, column_keys=list(columns))
        if tuple(insert.positiontup or ()) != columns:
            raise RuntimeError(f"unexpected parameter order for {name}")
        key = tuple(column.name for column in table.primary_key.columns)
        # Untyped columns: rows come back in storage form and are converted here
        # (SQLAlchemy's result processing tripled the time of a large export).
        select = (
            sa.select(*(sa.column(column) for column in columns))
            .select_from(sa.table(name))
            .order_by(*(sa.column(column) for column in key))
            .compile(dialect=dialect)
        )
        specs.append(
            _TableSpec(
                name=name,
                columns=columns,
                key=key,
                instants=_positions(table, columns, UTCDateTime),
                dates=_positions(table, columns, sa.Date),
                jsons=_positions(table, columns, sa.JSON),
                bools=_positions(table, columns, sa.Boolean),
                optional=tuple(c for c in columns if c not in definition.get("required", ())),
                insert_sql=str(insert),
                select_sql=str(select),
                delete_sql=str(sa.delete(lightweight).compile(dialect=dialect)),
            )
        )
    return tuple(specs)


def instant_to_text(moment: datetime) -> str:
    """An aware instant as the format writes it: UTC, ``Z``, microseconds only if any."""
    if moment.tzinfo is not UTC:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"naive datetime {moment.isoformat()} has no time zone")
        moment = moment.astimezone(UTC)
    return moment.replace(tzinfo=None).isoformat() + "Z"


def _instant_from_storage(stored: object) -> str:
    """What :class:`UTCDateTime` stored (naive UTC text) → the format's ``...Z`` text."""
    if isinstance(stored, str) and len(stored) == 26 and stored[10] == " " and stored[19] == ".":
        # The shape SQLAlchemy writes, every time: slicing is 3 times faster than parsing.
        if stored.endswith("000000"):
            return f"{stored[:10]}T{stored[11:19]}Z"
        return f"{stored[:10]}T{stored[11:]}Z"
    moment = stored if isinstance(stored, datetime) else datetime.fromisoformat(str(stored))
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat() + "Z"


def _instant_to_storage(text: str) -> str:
    """ISO 8601 with an offset → the naive-UTC text :class:`UTCDateTime` stores in SQLite.

    The result is the text SQLAlchemy's SQLite ``DateTime`` writes (a test compares them).
    """
    moment = datetime.fromisoformat(text)  # also rejects 2026-02-30 and 25:00
    if moment.tzinfo is None:  # the schema's pattern demands an offset; belt and braces
        raise ValueError("no offset")
    if text[-1] == "Z":
        # Every instant Followup writes: UTC already, so slicing beats three conversions
        # (190,000 instants in a large import). The pattern fixed the positions.
        return f"{text[:10]} {text[11:19]}.{text[20:-1].ljust(6, '0')}"
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _canonical_json(value: Any) -> Any:
    """``value`` with every object's keys sorted, so nested settings export stably."""
    if isinstance(value, dict):
        return {key: _canonical_json(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_canonical_json(item) for item in value]
    return value


def _is_secret_setting(key: str) -> bool:
    return key.rsplit(".", 1)[-1].lower() in SECRET_SETTING_NAMES


def table_counts(db: Database) -> dict[str, int]:
    """Rows per exported table (for checks, tests and the command line's summary)."""
    with db.engine.connect() as connection:
        return {
            spec.name: connection.execute(
                sa.select(sa.func.count()).select_from(sa.table(spec.name))
            ).scalar_one()
            for spec in _specs()
        }


def iter_tables() -> Iterator[tuple[str, tuple[str, ...]]]:
    """Each exported table with its fields in file order (for docs and tests)."""
    for spec in _specs():
        yield spec.name, spec.columns


__all__ = [
    "SECRET_SETTING_NAMES",
    "gc_paused",
    "instant_to_text",
    "iter_tables",
    "table_counts",
]
