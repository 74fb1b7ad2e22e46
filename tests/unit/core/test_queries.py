"""The faces' queries: each takes a Database, reads only what its view shows, and hands
back frozen snapshots."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event

from followup_desktop.core.db import Database
from followup_desktop.core.fields import InterviewFields, OpportunityFields
from followup_desktop.core.imports.plan import ImportOptions
from followup_desktop.core.imports.sheet import Sheet, SheetRow
from followup_desktop.core.models import ContactRole, Direction
from followup_desktop.core.queries.calendar import (
    InterviewTimes,
    interview_times,
    open_opportunities,
)
from followup_desktop.core.queries.editor import load_opportunity
from followup_desktop.core.queries.imports import import_preview
from followup_desktop.core.queries.stages import stage_list
from followup_desktop.core.services import FollowupService

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


@pytest.fixture
def service(database: Database) -> FollowupService:
    return FollowupService(database, clock=lambda: NOW)


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    """Every SQL statement the block sends through the engine."""
    seen: list[str] = []

    def record(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def test_the_editor_reads_its_lists_without_message_bodies(service: FollowupService) -> None:
    acme = service.create_opportunity("Acme", "Analyst", OpportunityFields(notes="n")).created_id
    assert acme is not None
    service.add_contact("Jane", opportunity_id=acme, role=ContactRole.RECRUITER)
    service.record_interview(
        acme, NOW, NOW + timedelta(hours=1), fields=InterviewFields(next_steps="call")
    )
    service.log_correspondence(acme, Direction.SENT, NOW, subject="Thanks", body="x" * 100_000)
    with statements(service.db) as seen:
        details = load_opportunity(service.db, acme)
    assert details.correspondence[0].subject == "Thanks"
    assert details.interviews[0].next_steps == "call"
    assert [(c.name, c.role) for c in details.contacts] == [("Jane", "recruiter")]
    assert details.notes == "n"
    reads = [sql for sql in seen if "FROM correspondence" in sql]
    assert reads and not [sql for sql in reads if "body" in sql]
    with pytest.raises(dataclasses.FrozenInstanceError):
        details.company = "Other"  # type: ignore[misc]


def test_the_calendar_reads_one_interview_and_the_open_opportunities(
    service: FollowupService,
) -> None:
    acme = service.create_opportunity("Acme", "Analyst").created_id
    service.create_opportunity("Beta", "Clerk")
    archived = service.create_opportunity("Gone", "Role").created_id
    assert acme is not None and archived is not None
    service.set_archived([archived])
    interview = service.record_interview(
        acme, NOW, NOW + timedelta(hours=1), "Europe/Berlin"
    ).created_id
    assert interview is not None
    assert interview_times(service.db, interview) == InterviewTimes(
        interview, NOW, NOW + timedelta(hours=1), "Europe/Berlin"
    )
    assert interview_times(service.db, interview + 1) is None
    assert [item.label for item in open_opportunities(service.db)] == [
        "Acme — Analyst",
        "Beta — Clerk",
    ]


def test_the_import_dry_run_leaves_the_database_as_it_was(service: FollowupService) -> None:
    sheet = Sheet(
        encoding="utf-8",
        separator=",",
        header=("Company", "Role", "Applied"),
        header_row=1,
        rows=(SheetRow(2, ("Acme", "Analyst", "2026-11-02")),),
    )
    plan = import_preview(service.db, sheet, ImportOptions(), file_name="jobs.csv", tz=UTC, now=NOW)
    assert plan.header == sheet.header and plan.file_name == "jobs.csv"
    assert load_count(service.db) == 0
    assert [stage.name for stage in stage_list(service.db)][:2] == ["Wishlist", "Applied"]


def load_count(db: Database) -> int:
    with db.session() as session:
        return int(
            session.connection().exec_driver_sql("SELECT count(*) FROM opportunities").scalar() or 0
        )


def test_dates_are_kept_as_dates(service: FollowupService) -> None:
    acme = service.create_opportunity(
        "Acme", "Analyst", OpportunityFields(start_date=date(2027, 1, 4))
    ).created_id
    assert acme is not None
    assert load_opportunity(service.db, acme).start_date == date(2027, 1, 4)
