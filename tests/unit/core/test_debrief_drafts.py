"""Debrief drafts: their format, their table, the service that keeps them, the migration."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from followup_desktop.core.db import Database, migrate_to, open_database
from followup_desktop.core.debrief_draft import (
    DRAFT_VERSION,
    DebriefDraft,
    DraftFormatError,
    DraftFromNewerVersion,
    DraftPanelMember,
    DraftQuestion,
)
from followup_desktop.core.errors import NotFoundError
from followup_desktop.core.fields import DebriefFields
from followup_desktop.core.queries.debrief import debrief_form, stored_draft
from followup_desktop.core.services import FollowupService

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

FORM = {
    "went_well": "The system design part",
    "went_badly": "Salary question",
    "learned_job": "",
    "learned_organization": "Two teams",
    "skills_to_build": "",
    "promised_material": "Portfolio link",
    "next_steps": "They decide by Friday",
    "decision_date": "2026-03-0",  # half typed: a draft keeps it as it is
    "check_back_on": "",
    "decision_timeline_days": 5,
    "preparedness": 4,
    "tied_experience": True,
    "may_check_in": None,
    "preferred_channel": "email",
    "panel": [
        {
            "name": "Dana Levi",
            "title": "CTO",
            "email": "dana@",
            "phone": "",
            "mention": "the data platform",
            "contact_id": None,
        }
    ],
    "questions": [
        {
            "question": "Why us?",
            "my_answer": "Mumbled",
            "better_answer": "",
            "theme": "motivation",
            "practiced": False,
        }
    ],
    "panel_row": 0,
    "question_row": -1,
}


@pytest.fixture
def service(database: Database) -> FollowupService:
    return FollowupService(database, clock=lambda: NOW)


def _interview(service: FollowupService) -> tuple[int, int]:
    opportunity = service.create_opportunity("Acme", "Analyst").created_id
    assert opportunity is not None
    interview = service.record_interview(opportunity, START, START + timedelta(hours=1))
    assert interview.created_id is not None
    return opportunity, interview.created_id


def _draft_rows(db: Database) -> list[tuple[int, int, str]]:
    with sqlite3.connect(db.path) as connection:
        return connection.execute(
            "SELECT interview_id, version, body FROM debrief_drafts ORDER BY interview_id"
        ).fetchall()


# -- the format -----------------------------------------------------------------------


def test_a_draft_keeps_every_field_as_typed_through_json() -> None:
    draft = DebriefDraft.from_form(FORM, NOW)
    assert draft.version == DRAFT_VERSION
    assert draft.dates["decision_date"] == "2026-03-0"
    assert draft.panel == (DraftPanelMember("Dana Levi", "CTO", "dana@", "", "the data platform"),)
    assert draft.questions == (DraftQuestion("Why us?", "Mumbled", "", "motivation", False),)
    again = DebriefDraft.from_json(draft.to_json())
    assert again == draft
    assert again.form() == FORM
    assert json.loads(draft.to_json())["version"] == DRAFT_VERSION


def test_a_draft_from_a_newer_version_is_refused_by_name() -> None:
    text = json.dumps({"version": DRAFT_VERSION + 1, "saved_at": NOW.isoformat(), "new": 1})
    with pytest.raises(DraftFromNewerVersion, match="newer version of Followup") as caught:
        DebriefDraft.from_json(text)
    assert caught.value.version == DRAFT_VERSION + 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("not json", "not JSON"),
        ("[1]", "not a JSON object"),
        ('{"saved_at": "2026-03-02T12:00:00+00:00"}', "no valid format version"),
        ('{"version": 1, "saved_at": "yesterday"}', "no valid time"),
        ('{"version": 1, "saved_at": "2026-03-02T12:00:00"}', "zone"),
        ('{"version": 1, "saved_at": "2026-03-02T12:00:00+00:00", "went_well": 3}', "text"),
        ('{"version": 1, "saved_at": "2026-03-02T12:00:00+00:00", "panel": {}}', "list"),
        (
            '{"version": 1, "saved_at": "2026-03-02T12:00:00+00:00", '
            '"questions": [{"practiced": "yes"}]}',
            "practised",
        ),
    ],
)
def test_what_is_not_a_draft_is_refused(body: str, message: str) -> None:
    with pytest.raises(DraftFormatError, match=message):
        DebriefDraft.from_json(body)


# -- the service and the table ----------------------------------------------------------


def test_saving_overwrites_one_row_and_the_form_restores_it(service: FollowupService) -> None:
    _, interview = _interview(service)
    service.save_debrief_draft(interview, DebriefDraft.from_form({**FORM, "went_well": "a"}, NOW))
    change = service.save_debrief_draft(interview, DebriefDraft.from_form(FORM, NOW))
    assert change.opportunity_ids == frozenset()  # nothing re-planned, no view to refresh
    assert len(_draft_rows(service.db)) == 1
    form = debrief_form(service.db, interview)
    assert form.draft is not None
    assert form.draft.form() == FORM
    assert form.draft_refused is None
    with service.db.session() as session:  # a draft is not a debrief: nothing else stored
        for table in ("contacts", "debriefs", "stumbled_questions"):
            count = session.connection().exec_driver_sql(f"SELECT count(*) FROM {table}")
            assert count.scalar() == 0, table
    service.discard_debrief_draft(interview)
    assert _draft_rows(service.db) == []
    assert stored_draft(service.db, form.snapshot) is None


def test_a_draft_older_than_the_submission_is_not_restored(service: FollowupService) -> None:
    _, interview = _interview(service)
    service.save_debrief_draft(interview, DebriefDraft.from_form(FORM, NOW - timedelta(days=1)))
    service.save_debrief(interview, DebriefFields(went_well="Sent"), submit=True)
    assert debrief_form(service.db, interview).draft is None


def test_a_draft_goes_with_its_interview(service: FollowupService) -> None:
    opportunity, interview = _interview(service)
    service.save_debrief_draft(interview, DebriefDraft.from_form(FORM, NOW))
    assert len(_draft_rows(service.db)) == 1
    # Deleted by another program (Followup itself has no delete): its interviews go
    # by cascade, and their drafts with them.
    with sqlite3.connect(service.db.path) as connection:
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("DELETE FROM opportunities WHERE id = ?", (opportunity,))
    assert _draft_rows(service.db) == []
    with pytest.raises(NotFoundError, match="no longer exists"):
        service.save_debrief_draft(interview, DebriefDraft.from_form(FORM, NOW))


def test_a_newer_draft_is_kept_and_never_overwritten(service: FollowupService) -> None:
    _, interview = _interview(service)
    newer = json.dumps({"version": DRAFT_VERSION + 1, "saved_at": NOW.isoformat()})
    with sqlite3.connect(service.db.path) as connection:
        connection.execute(
            "INSERT INTO debrief_drafts VALUES (?, ?, '2026-03-02 12:00:00.000000', ?)",
            (interview, DRAFT_VERSION + 1, newer),
        )
    form = debrief_form(service.db, interview)
    assert form.draft is None
    assert form.draft_refused is not None and "newer version" in form.draft_refused
    with pytest.raises(DraftFromNewerVersion):
        service.save_debrief_draft(interview, DebriefDraft.from_form(FORM, NOW))
    service.discard_debrief_draft(interview)
    assert _draft_rows(service.db) == [(interview, DRAFT_VERSION + 1, newer)]


# -- the migration ----------------------------------------------------------------------


def _old_draft(opportunity_id: int, starts_at: str, state: dict[str, object]) -> str:
    """A draft as Followup kept it in the settings table before revision 0005."""
    return json.dumps(
        {
            "format": 1,
            "interview": {"opportunity_id": opportunity_id, "starts_at": starts_at},
            "saved_at": NOW.isoformat(),
            "state": state,
        }
    )


def test_migration_carries_every_draft_over_and_drops_only_orphans(db_path: Path) -> None:
    migrate_to(db_path, "0004")
    with sqlite3.connect(db_path) as connection:
        connection.executescript(
            """
            INSERT INTO opportunities (id, company, role, link, location, salary_currency,
                source, stage_id, archived, notes, playbook_overrides, created_at, updated_at)
                VALUES (1, 'Acme', 'Analyst', '', '', '', '', 4, 0, '', '{}',
                        '2026-01-01 00:00:00.000000', '2026-01-01 00:00:00.000000');
            INSERT INTO interviews (id, opportunity_id, round, kind, starts_at, ends_at,
                timezone, location, next_steps, notes)
                VALUES (1, 1, 1, 'video', '2026-03-02 09:00:00.000000',
                        '2026-03-02 10:00:00.000000', 'Europe/Berlin', '', '', ''),
                       (2, 1, 2, 'onsite', '2026-03-09 09:00:00.000000',
                        '2026-03-09 10:00:00.000000', 'Europe/Berlin', '', '', '');
            """
        )
        settings = {
            "debrief_draft:1": _old_draft(1, "2026-03-02T09:00:00+00:00", FORM),
            # Came in with an import: recorded for another start time, never shown.
            "debrief_draft:2": _old_draft(1, "2026-01-01T09:00:00+00:00", FORM),
            "debrief_draft:7": _old_draft(1, "2026-03-02T09:00:00+00:00", FORM),  # orphan
            "debrief_draft:x": json.dumps("not a draft"),  # not understood: left alone
            "reminders.quiet": json.dumps({"start": "22:00"}),
        }
        connection.executemany("INSERT INTO settings (key, value) VALUES (?, ?)", settings.items())

    db = open_database(db_path)
    try:
        assert [row[:2] for row in _draft_rows(db)] == [(1, 1)]
        form = debrief_form(db, 1)
        assert form.draft is not None
        assert form.draft.form() == FORM
        assert form.draft.saved_at == NOW
        with sqlite3.connect(db_path) as connection:
            keys = sorted(row[0] for row in connection.execute("SELECT key FROM settings"))
            assert "debrief_draft:x" in keys and "reminders.quiet" in keys
            assert not [key for key in keys if key[-1:].isdigit()]
        with db.session() as session:
            assert session.connection().exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        db.close()


def test_migration_back_returns_the_drafts_to_the_settings(db_path: Path) -> None:
    db = open_database(db_path)
    service = FollowupService(db, clock=lambda: NOW)
    opportunity, interview = _interview(service)
    service.save_debrief_draft(interview, DebriefDraft.from_form(FORM, NOW))
    db.close()
    from alembic import command

    from followup_desktop.core.db import alembic_config, make_engine

    engine = make_engine(db_path)
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, "0004")
    finally:
        engine.dispose()
    with sqlite3.connect(db_path) as connection:
        (value,) = connection.execute(
            "SELECT value FROM settings WHERE key = ?", (f"debrief_draft:{interview}",)
        ).fetchone()
    old = json.loads(value)
    assert old["format"] == 1
    assert old["interview"] == {"opportunity_id": opportunity, "starts_at": START.isoformat()}
    assert old["state"] == FORM
