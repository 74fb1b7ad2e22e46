"""What the spreadsheet import and the proof-of-search log read before anything is stored."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, tzinfo

from followup_desktop.core.db import Database
from followup_desktop.core.imports.plan import ImportOptions, ImportPlan, plan_import
from followup_desktop.core.imports.plan import remembered_mapping as _remembered
from followup_desktop.core.imports.proof import ProofLog, proof_of_search
from followup_desktop.core.imports.sheet import Sheet


def remembered_mapping(db: Database, header: Sequence[str]) -> dict[str, str] | None:
    """The column mapping kept from the last import of a file with these headers."""
    with db.session() as session:
        return _remembered(session, header)


def import_preview(
    db: Database,
    sheet: Sheet,
    options: ImportOptions,
    *,
    file_name: str,
    tz: tzinfo,
    now: datetime,
) -> ImportPlan:
    """The dry run: what importing ``sheet`` would do; nothing is written."""
    with db.session(commit=False) as session:
        return plan_import(session, sheet, options, file_name=file_name, tz=tz, now=now)


def proof_log(db: Database, start: date, end: date, tz: tzinfo) -> ProofLog:
    """Every application from ``start`` to ``end`` (both included), for the proof log."""
    with db.session() as session:
        return proof_of_search(session, start, end, tz=tz)


__all__ = ["import_preview", "proof_log", "remembered_mapping"]
