"""Every opportunity as a plain CSV file for spreadsheets, which imports back as it was.

UTF-8 with a byte-order mark (so Excel shows accents right), comma-separated, one row
per opportunity. Its headers are recognised by the importer as Followup's own format.
A cell that starts with ``=``, ``+``, ``-`` or ``@`` is written with a leading ``'`` so a
spreadsheet program shows it instead of running it as a formula; the importer removes
that quote again.
"""

from __future__ import annotations

import codecs
import csv
import io
from datetime import datetime, tzinfo
from pathlib import Path

from followup_desktop.core.db import Database
from followup_desktop.core.files import write_atomically
from followup_desktop.core.imports.records import Record, load_records
from followup_desktop.core.models import StageKind
from followup_desktop.core.timeutil import local_zone

HEADER = (
    "Company",
    "Role",
    "Stage",
    "Link",
    "Location",
    "Salary minimum",
    "Salary maximum",
    "Currency",
    "Source",
    "Notes",
    "Archived",
    "Added",
    "Applied",
    "Stage since",
    "Contacts",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def guard(text: str) -> str:
    """Text a spreadsheet program will show rather than evaluate."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unguard(text: str) -> str:
    """The text :func:`guard` protected."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def _stamp(moment: datetime | None, tz: tzinfo) -> str:
    return "" if moment is None else moment.astimezone(tz).isoformat(timespec="minutes")


def _row(record: Record, tz: tzinfo) -> list[str]:
    applied = next(
        (entry.at for entry in record.history if entry.kind is not StageKind.PROSPECT), None
    )
    people = "; ".join(
        " ".join(
            part for part in (person.name, f"<{person.email}>" if person.email else "") if part
        )
        for person in record.people
    )
    return [
        guard(record.company),
        guard(record.role),
        guard(record.stage),
        record.link,
        guard(record.location),
        "" if record.salary_min is None else str(record.salary_min),
        "" if record.salary_max is None else str(record.salary_max),
        record.salary_currency,
        guard(record.source),
        guard(record.notes),
        "yes" if record.archived else "no",
        _stamp(record.created_at, tz),
        _stamp(applied, tz),
        _stamp(record.stage_since, tz),
        guard(people),
    ]


def spreadsheet_bytes(records: list[Record], tz: tzinfo) -> bytes:
    """The CSV file's bytes for ``records``."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for record in records:
        writer.writerow(_row(record, tz))
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


def export_spreadsheet(db: Database, path: Path, tz: tzinfo | None = None) -> int:
    """Write every opportunity to ``path`` (atomically); returns how many."""
    with db.session() as session:
        records = load_records(session)
    write_atomically(path, spreadsheet_bytes(records, tz or local_zone()), "the spreadsheet")
    return len(records)
