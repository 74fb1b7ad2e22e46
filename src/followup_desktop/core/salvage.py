"""Export that checks first, and salvages what it can read from a damaged file.

The export is the person's way out of a damaged database, so it must not stop at the
first bad page. :func:`export_checked` runs the full integrity check; on a sound file it
is the ordinary export. On a damaged one, every table is read in rowid order straight
from the table itself (``NOT INDEXED``: a damaged index is then never consulted), into a
fresh database at the current schema. A damaged table page makes the read fail part-way;
the reader then seeks past it (a seek that lands in the bad page fails, one beyond it
succeeds, so a binary search finds where readable rows resume) and notes the rowid range
it could not read. Rows whose parent was lost are left out and counted. The fresh
database is then exported as usual, so the file has the documented format.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DBAPIError

from followup_desktop.core import localformat
from followup_desktop.core.db import Database, integrity_check, open_database, schema_problems
from followup_desktop.core.i18n import _, ngettext
from followup_desktop.core.storage_errors import StorageDamaged, classify

log = logging.getLogger(__name__)

# Seeking further than this past a failed row means nothing more can be read.
_MAX_ROWID = 1 << 62


@dataclass
class ExportOutcome:
    """Rows written per table; for a salvage, what could not be read or kept."""

    rows: dict[str, int]
    salvaged: bool = False
    problem: str | None = None
    unreadable: list[str] = field(default_factory=list)
    orphans: dict[str, int] = field(default_factory=dict)
    garbled: dict[str, int] = field(default_factory=dict)
    mangled_texts: int = 0

    def summary(self) -> str:
        """One paragraph for the person: what was written and what is missing."""
        total = sum(self.rows.values())
        if not self.salvaged:
            return ngettext("{n} row exported.", "{n} rows exported.", total).format(
                n=localformat.number(total)
            )
        lines = [
            ngettext(
                "The database is damaged ({problem}). {n} row could be read and was exported.",
                "The database is damaged ({problem}). {n} rows could be read and were exported.",
                total,
            ).format(problem=self.problem, n=localformat.number(total))
        ]
        if self.unreadable:
            lines.append(_("Could not be read: {parts}.").format(parts="; ".join(self.unreadable)))
        if self.garbled:
            left = ", ".join(
                _("{count} from {table}").format(count=count, table=table)
                for table, count in self.garbled.items()
            )
            lines.append(
                _("Left out because a value in them is garbled: {rows}.").format(rows=left)
            )
        if self.orphans:
            left = ", ".join(
                _("{count} from {table}").format(count=count, table=table)
                for table, count in self.orphans.items()
            )
            lines.append(
                _("Left out because what they belong to was lost: {rows}.").format(rows=left)
            )
        if self.mangled_texts:
            lines.append(
                ngettext(
                    "{n} text held bytes that are not UTF-8; it was kept, with \ufffd where "
                    "those bytes were.",
                    "{n} texts held bytes that are not UTF-8; they were kept, with \ufffd where "
                    "those bytes were.",
                    self.mangled_texts,
                ).format(n=self.mangled_texts)
            )
        if not (self.unreadable or self.orphans or self.garbled or self.mangled_texts):
            lines.append(_("Nothing was lost: the damage is in an index, not in the data."))
        return " ".join(lines)


def export_checked(db_path: Path, target: Path, db: Database | None = None) -> ExportOutcome:
    """Export ``db_path`` to ``target`` after a full check; salvage when it is damaged."""
    from followup_desktop.core.exchange import export_database

    problem = integrity_check(db_path)
    if problem is None:
        missing = schema_problems(db_path)
        problem = "; ".join(missing) if missing else None
    if problem is None:
        try:
            if db is not None:
                return ExportOutcome(export_database(db, target))
            opened = open_database(db_path)
            try:
                return ExportOutcome(export_database(opened, target))
            finally:
                opened.close()
        except (
            sqlite3.DatabaseError,
            DBAPIError,
            ValueError,
            LookupError,
            StorageDamaged,
        ) as error:
            # Full, read-only or locked arrive as StorageError and pass. What is left is
            # a stored value that is not what Followup wrote (a date that does not parse,
            # a text that is not UTF-8): damage no check sees, since SQLite keeps no
            # checksums; it fails only when the value is read.
            problem = f"a stored value could not be read: {error}"
    log.warning("exporting from a damaged database %s: %s", db_path, problem)
    return salvage_export(db_path, target, problem)


def salvage_export(db_path: Path, target: Path, problem: str) -> ExportOutcome:
    """Copy every readable row of ``db_path`` into a fresh database and export that."""
    try:
        return _salvage(db_path, target, problem)
    except OSError as error:  # the temporary folder beside the export: full, read-only
        found = classify(error, target)
        if found is None:
            raise
        raise found from error


def _salvage(db_path: Path, target: Path, problem: str) -> ExportOutcome:
    from followup_desktop.core.exchange import export_database
    from followup_desktop.core.models import Base

    with tempfile.TemporaryDirectory(prefix=".followup-salvage-", dir=target.parent) as folder:
        fresh_path = Path(folder) / "salvage.sqlite3"
        fresh = open_database(fresh_path)
        fresh.close()
        outcome = ExportOutcome({}, salvaged=True, problem=problem)
        text = _LenientText()
        with (
            contextlib.closing(_open_damaged(db_path, text)) as source,
            contextlib.closing(sqlite3.connect(fresh_path)) as connection,
        ):
            connection.isolation_level = None
            connection.execute("PRAGMA foreign_keys=OFF")
            connection.execute("BEGIN")
            tables = [table.name for table in Base.metadata.sorted_tables]
            for name in reversed(tables):
                connection.execute(f'DELETE FROM "{name}"')
            for name in tables:
                _copy_table(source, connection, name, outcome)
            outcome.orphans = _drop_orphans(connection)
            outcome.mangled_texts = text.mangled
            connection.execute("COMMIT")
        salvaged = open_database(fresh_path)
        try:
            outcome.rows = export_database(salvaged, target)
        finally:
            salvaged.close()
    return outcome


class _LenientText:
    """Decodes text, keeping damaged bytes as U+FFFD instead of losing the row; counts them."""

    def __init__(self) -> None:
        self.mangled = 0

    def __call__(self, value: bytes) -> str:
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            self.mangled += 1
            return value.decode("utf-8", errors="replace")


def _open_damaged(db_path: Path, text: _LenientText) -> sqlite3.Connection:
    """A read-only connection that never writes to the damaged file (nor its WAL)."""
    try:
        connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        connection.text_factory = text
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as error:
        raise StorageDamaged(
            _(
                "The database {path} is too damaged to read anything from ({error}). Restore "
                "a backup."
            ).format(path=db_path, error=error),
            db_path,
        ) from error
    return connection


def _columns(connection: sqlite3.Connection, table: str) -> list[str]:
    return [str(row[1]) for row in connection.execute(f'PRAGMA table_info("{table}")')]


def _copy_table(
    source: sqlite3.Connection,
    connection: sqlite3.Connection,
    table: str,
    outcome: ExportOutcome,
) -> None:
    try:
        old = set(_columns(source, table))
    except sqlite3.Error as error:
        outcome.unreadable.append(f"the table {table} ({error})")
        return
    if not old:
        outcome.unreadable.append(f"the table {table} (it is missing)")
        return
    columns = [name for name in _columns(connection, table) if name in old]
    checks = _value_checks(table, columns)
    quoted = ", ".join(f'"{name}"' for name in columns)
    insert = f'INSERT INTO "{table}" ({quoted}) VALUES ({", ".join("?" for _column in columns)})'
    last = -_MAX_ROWID
    while True:
        try:
            for rowid, values in _rows_after(source, table, quoted, last):
                last = rowid
                if not all(check(value) for check, value in zip(checks, values, strict=True)):
                    # Bytes that still form a row but not one Followup wrote: a date that
                    # is no date, a stage kind that does not exist. Kept, it would break
                    # the export or the import of it.
                    outcome.garbled[table] = outcome.garbled.get(table, 0) + 1
                    continue
                connection.execute(insert, values)
            return
        except sqlite3.DatabaseError as error:
            resume = _resume_point(source, table, last)
            where = "the end" if resume is None else f"rowid {resume + 1}"
            outcome.unreadable.append(
                f"rows of {table} after rowid {max(last, 0)} up to {where} ({error})"
            )
            if resume is None:
                return
            last = resume


Check = Callable[[object], bool]


def _value_checks(table: str, columns: list[str]) -> list[Check]:
    """For each column, a test that a stored value is one Followup could have written."""
    from followup_desktop.core.models import Base

    model = Base.metadata.tables[table]
    return [_check_for(model.columns[name]) for name in columns]


def _check_for(column: Any) -> Check:
    kind = type(column.type).__name__
    enums = getattr(column.type, "enums", None)
    nullable = bool(column.nullable)

    def check(value: object) -> bool:
        if value is None:
            return nullable
        if kind in ("Integer", "Boolean"):
            return isinstance(value, int) and (kind == "Integer" or value in (0, 1))
        if kind == "Enum" and enums:
            return value in enums
        if kind in ("UTCDateTime", "DateTime", "Date"):
            return isinstance(value, str) and _parses(value, kind == "Date")
        if kind == "JSON":
            return isinstance(value, str) and _json_parses(value)
        return isinstance(value, str) if kind in ("String", "Text", "ActionKindText") else True

    return check


def _parses(text: str, day_only: bool) -> bool:
    try:
        if day_only:
            date.fromisoformat(text)
        else:
            datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _json_parses(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _rows_after(
    connection: sqlite3.Connection, table: str, quoted: str, after: int
) -> Iterator[tuple[int, tuple[object, ...]]]:
    cursor = connection.execute(
        f'SELECT rowid, {quoted} FROM "{table}" NOT INDEXED WHERE rowid > ? ORDER BY rowid',
        (after,),
    )
    for row in cursor:
        yield int(row[0]), tuple(row[1:])


def _readable_after(connection: sqlite3.Connection, table: str, after: int) -> bool | None:
    """True when a row after ``after`` can be read, None when there is none, False on error."""
    try:
        row = connection.execute(
            f'SELECT rowid FROM "{table}" NOT INDEXED WHERE rowid > ? ORDER BY rowid LIMIT 1',
            (after,),
        ).fetchone()
    except sqlite3.DatabaseError:
        return False
    return None if row is None else True


def _resume_point(connection: sqlite3.Connection, table: str, last: int) -> int | None:
    """The smallest rowid past ``last`` from which reading works again, or None."""
    step = 1
    start = max(last, 0)
    while start + step < _MAX_ROWID:
        found = _readable_after(connection, table, start + step)
        if found is None:
            return None  # a seek beyond the damage finds no more rows
        if found:
            low, high = start + step // 2, start + step
            while high - low > 1:
                middle = (low + high) // 2
                if _readable_after(connection, table, middle) is False:
                    low = middle
                else:
                    high = middle
            return high
        step *= 2
    return None


def _drop_orphans(connection: sqlite3.Connection) -> dict[str, int]:
    """Delete rows whose parent row was lost, until none is left; counts per table."""
    dropped: dict[str, int] = {}
    while True:
        problems = connection.execute("PRAGMA foreign_key_check").fetchall()
        if not problems:
            return dropped
        for table, rowid, _parent, _index in problems:
            connection.execute(f'DELETE FROM "{table}" WHERE rowid = ?', (rowid,))
            dropped[str(table)] = dropped.get(str(table), 0) + 1


__all__ = ["ExportOutcome", "export_checked", "salvage_export"]
