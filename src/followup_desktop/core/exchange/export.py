"""The JSON export: the whole database as one deterministic, diff-friendly document.

Read in one transaction, straight from the driver (SQLAlchemy's row objects would double
the time of a large export), written one row per line by :func:`render_export` and put
in place by :func:`followup_desktop.core.files.write_atomically`, owner-only (0o600).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from followup_desktop.core.db import Database
from followup_desktop.core.exchange.schema import FORMAT_NAME, FORMAT_VERSION, TABLES
from followup_desktop.core.exchange.tables import (
    _canonical_json,
    _instant_from_storage,
    _is_secret_setting,
    _specs,
    _TableSpec,
    gc_paused,
)
from followup_desktop.core.files import write_atomically


def _date_from_storage(stored: object) -> str:
    return date.fromisoformat(str(stored)).isoformat()


def _json_from_storage(stored: object) -> Any:
    return _canonical_json(json.loads(stored) if isinstance(stored, str | bytes) else stored)


def _export_converters(spec: _TableSpec) -> list[tuple[int, Callable[[Any], Any]]]:
    """(position, converter) for each column not already in the format's form."""
    converters: list[tuple[int, Callable[[Any], Any]]] = []
    converters += [(position, _instant_from_storage) for position in spec.instants]
    converters += [(position, _date_from_storage) for position in spec.dates]
    converters += [(position, _json_from_storage) for position in spec.jsons]
    converters += [(position, bool) for position in spec.bools]
    return converters


def _export_rows(connection: Connection, spec: _TableSpec) -> list[dict[str, Any]]:
    converters = _export_converters(spec)
    columns = spec.columns
    # Plain tuples straight from the driver, in the session's transaction: SQLAlchemy's
    # row objects and result processing would double the time of a large export.
    driver = connection.connection.dbapi_connection
    assert driver is not None
    cursor = driver.cursor()
    try:
        cursor.execute(spec.select_sql)
        fetched = cursor.fetchall()
    finally:
        cursor.close()
    rows = []
    for raw in fetched:
        values = list(raw)
        for position, convert in converters:
            value = values[position]
            if value is not None:
                values[position] = convert(value)
        rows.append(dict(zip(columns, values, strict=True)))
    if spec.name == "settings":
        rows = [row for row in rows if not _is_secret_setting(row["key"])]
    return rows


def export_data(session: Session) -> dict[str, Any]:
    """The whole database as a format-version-1 document (plain JSON-ready values).

    Reads in the session's transaction, after flushing its pending changes, so the
    document is one consistent snapshot.
    """
    session.flush()
    connection = session.connection()
    data: dict[str, Any] = {"format": FORMAT_NAME, "version": FORMAT_VERSION}
    with gc_paused():
        for spec in _specs():
            data[spec.name] = _export_rows(connection, spec)
    return data


def render_export(data: Mapping[str, Any]) -> bytes:
    """The document as UTF-8 JSON text: one row per line, stable, diff-friendly."""
    encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False, check_circular=False).encode
    parts = [
        "{\n",
        f'  "format": {encode(data["format"])},\n',
        f'  "version": {encode(data["version"])},\n',
    ]
    for position, table in enumerate(TABLES):
        rows = data[table]
        if rows:
            body = ",\n".join(f"    {encode(row)}" for row in rows)
            parts.append(f'  "{table}": [\n{body}\n  ]')
        else:
            parts.append(f'  "{table}": []')
        parts.append(",\n" if position < len(TABLES) - 1 else "\n")
    parts.append("}\n")
    return "".join(parts).encode("utf-8")


def export_database(db: Database, path: Path) -> dict[str, int]:
    """Write the whole database to ``path`` (atomically, mode 0o600); rows per table."""
    with db.session() as session:
        data = export_data(session)
    # A failure raises FileWriteError (a FollowupError) naming the cause; the old file stays.
    write_atomically(path, render_export(data), "the export")
    return {table: len(data[table]) for table in TABLES}


__all__ = ["export_data", "export_database", "render_export"]
