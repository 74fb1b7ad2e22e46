"""Whole-file imports and exports for code that holds a database rather than the service.

Scripts, benchmarks and tests often have a :class:`Database` and a file, and nothing
else. These functions build a :class:`FollowupService` for the one call (with ``now`` as
its clock when given), so the write still goes through the service's one write path.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from followup_desktop.core.db import Database
from followup_desktop.core.exchange import ImportResult, read_export
from followup_desktop.core.ics import (
    ActionsAs,
    Choices,
    ExportResult,
    IcsImportResult,
    Invitation,
    read_invitation_file,
)
from followup_desktop.core.services import FollowupService


def _service(db: Database, now: datetime | None) -> FollowupService:
    return FollowupService(db) if now is None else FollowupService(db, lambda: now)


def import_invitations(
    db: Database,
    invitations: Sequence[Invitation],
    *,
    choices: Choices | None = None,
    now: datetime | None = None,
) -> IcsImportResult:
    """Import ``invitations`` (see ``FollowupService.import_invitations``)."""
    return _service(db, now).import_invitations(invitations, choices=choices)


def import_ics_file(
    db: Database, path: Path, *, now: datetime | None = None, tz: tzinfo | None = None
) -> IcsImportResult:
    """Read an .ics file and import every invitation in it as the matching proposes."""
    return import_invitations(db, read_invitation_file(path, tz), now=now)


def export_calendar(
    db: Database,
    path: Path,
    *,
    opportunity_id: int | None = None,
    actions_as: ActionsAs = ActionsAs.EVENTS,
    now: datetime | None = None,
) -> ExportResult:
    """Write an .ics file (see ``FollowupService.export_calendar``)."""
    return _service(db, now).export_calendar(
        path, opportunity_id=opportunity_id, actions_as=actions_as
    )


def import_data(
    db: Database,
    document: Any,
    *,
    replace: bool = False,
    now: datetime | None = None,
    plan: bool = True,
) -> ImportResult:
    """Import an export document (see ``FollowupService.import_export``).

    ``now`` is when the imported facts are planned.
    """
    return _service(db, now).import_export(document, replace=replace, plan=plan)


def import_database(
    db: Database, path: Path, *, replace: bool = False, now: datetime | None = None
) -> ImportResult:
    """Import the export file ``path`` into ``db`` and plan it (see :func:`import_data`)."""
    return import_data(db, read_export(path), replace=replace, now=now)
