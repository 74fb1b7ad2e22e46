"""The JSON export and import: exact round trips, strict checks, all-or-nothing writes.

Every test works on real SQLite files. A bad file must give an error naming the JSON path
of its first problem and must leave the target database exactly as it was.
"""

from __future__ import annotations

import contextlib
import copy
import json
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from followup_desktop.core import exchange, models, validation
from followup_desktop.core.db import Database, file_mode, list_backups, open_database
from followup_desktop.core.demo import populate_demo
from followup_desktop.core.errors import FollowupError, ImportFormatError, ValidationError
from followup_desktop.core.exchange import (
    TABLES,
    ImportConflictError,
    export_data,
    export_database,
    export_schema,
    render_export,
    row_matches_schema,
    table_counts,
)
from followup_desktop.core.exchange import schema as exchange_schema
from followup_desktop.core.exchange import tables as exchange_tables
from followup_desktop.core.services.standalone import import_data, import_database

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


# --- helpers ---------------------------------------------------------------------------


def small_document() -> dict[str, Any]:
    """A valid document with at least one row in every table, ids in canonical order."""
    stamp = "2026-11-20T09:30:00Z"
    return {
        "format": "followup",
        "version": 1,
        "settings": [{"key": "board_card_order.1", "value": {"1": 7}}],
        "stages": [
            {"id": 1, "name": "Applied", "kind": "active", "position": 0, "hidden": False},
            {"id": 2, "name": "Interviewing", "kind": "active", "position": 1, "hidden": False},
            {"id": 3, "name": "Rejected", "kind": "rejected", "position": 2, "hidden": True},
        ],
        "contacts": [
            {
                "id": 1,
                "name": "Maya Okafor",
                "title": "Engineering Manager",
                "email": "maya@brightforge.example",
                "phone": "",
                "linkedin": "",
                "notes": "",
            },
            {
                "id": 2,
                "name": "נועה כהן",
                "title": "Recruiter",
                "email": "",
                "phone": "+1 555-0142",
                "linkedin": "",
                "notes": "",
            },
        ],
        "opportunities": [
            {
                "id": 1,
                "company": "Brightforge",
                "role": "Backend Engineer",
                "link": "",
                "location": "Berlin",
                "salary_min": 60000,
                "salary_max": 70000,
                "salary_currency": "EUR",
                "source": "Referral",
                "referrer_id": 1,
                "stage_id": 2,
                "archived": False,
                "notes": "Good team 🚀",
                "acceptance_criteria": "",
                "start_date": None,
                "letter_language": None,
                "playbook_overrides": {"no_timeline_follow_up_days": 10},
                "created_at": "2026-11-01T08:00:00Z",
                "updated_at": stamp,
            },
            {
                "id": 2,
                "company": "Kiteloop",
                "role": "Data Engineer",
                "link": "",
                "location": "",
                "salary_min": None,
                "salary_max": None,
                "salary_currency": "",
                "source": "",
                "referrer_id": None,
                "stage_id": 1,
                "archived": False,
                "notes": "",
                "acceptance_criteria": "",
                "start_date": "2027-01-04",
                "letter_language": "fr",
                "playbook_overrides": {},
                "created_at": "2026-11-02T08:00:00Z",
                "updated_at": "2026-11-02T08:00:00.250000Z",
            },
        ],
        "stage_changes": [
            {
                "id": 1,
                "opportunity_id": 1,
                "from_stage_id": None,
                "to_stage_id": 1,
                "changed_at": "2026-11-01T08:00:00Z",
                "note": "",
            },
            {
                "id": 2,
                "opportunity_id": 1,
                "from_stage_id": 1,
                "to_stage_id": 2,
                "changed_at": "2026-11-10T08:00:00Z",
                "note": "Recruiter called",
            },
        ],
        "opportunity_contacts": [
            {"opportunity_id": 1, "contact_id": 1, "role": "interviewer"},
            {"opportunity_id": 1, "contact_id": 1, "role": "referrer"},
            {"opportunity_id": 1, "contact_id": 2, "role": "recruiter"},
        ],
        "interviews": [
            {
                "id": 1,
                "opportunity_id": 1,
                "round": 1,
                "kind": "video",
                "starts_at": stamp,
                "ends_at": "2026-11-20T10:15:00Z",
                "timezone": "Europe/Berlin",
                "location": "Zoom",
                "next_steps": "Decision within a week",
                "decision_timeline_days": 7,
                "decision_date": "2026-11-27",
                "may_check_in": True,
                "check_back_on": None,
                "preferred_channel": "email",
                "ical_uid": "abc@calendar.example",
                "notes": "",
            }
        ],
        "interview_participants": [
            {"interview_id": 1, "contact_id": 1, "position": 0, "mention": "Billing rewrite"}
        ],
        "debriefs": [
            {
                "id": 1,
                "interview_id": 1,
                "status": "submitted",
                "went_well": "Story landed",
                "went_badly": "",
                "preparedness": 4,
                "tied_experience": True,
                "learned_job": "",
                "learned_organization": "",
                "skills_to_build": "",
                "promised_material": "",
                "updated_at": "2026-11-20T11:00:00Z",
                "submitted_at": "2026-11-20T11:00:00Z",
            }
        ],
        "stumbled_questions": [
            {
                "id": 1,
                "debrief_id": 1,
                "position": 0,
                "question": "Why leave?",
                "my_answer": "",
                "better_answer": "Growth",
                "theme": "motivation",
                "practiced": False,
            }
        ],
        "actions": [
            {
                "id": 1,
                "opportunity_id": 1,
                "interview_id": 1,
                "contact_id": 1,
                "kind": "thank_you",
                "plan_key": "thank_you:interview=1:contact=1",
                "due_at": "2026-11-21T10:15:00Z",
                "recipient": "Maya Okafor",
                "channel": "email",
                "reason": "Within a day",
                "state": "done",
                "snoozed_until": None,
                "origin": "generated",
                "due_edited": False,
                "created_at": "2026-11-20T10:15:00Z",
                "completed_at": "2026-11-20T18:00:00Z",
            },
            {
                "id": 2,
                "opportunity_id": None,
                "interview_id": None,
                "contact_id": None,
                "kind": "keep_options_open",
                "plan_key": None,
                "due_at": "2026-11-22T09:00:00Z",
                "recipient": "",
                "channel": None,
                "reason": "",
                "state": "snoozed",
                "snoozed_until": "2026-11-24T09:00:00Z",
                "origin": "generated",
                "due_edited": True,
                "created_at": "2026-11-20T10:15:00Z",
                "completed_at": None,
            },
        ],
        "correspondence": [
            {
                "id": 1,
                "opportunity_id": 1,
                "contact_id": 1,
                "action_id": 1,
                "direction": "sent",
                "channel": "email",
                "occurred_at": "2026-11-20T18:00:00Z",
                "subject": "Thank you",
                "body": "Thanks!",
                "check_back_on": None,
            },
            {
                "id": 2,
                "opportunity_id": 1,
                "contact_id": 2,
                "action_id": None,
                "direction": "received",
                "channel": "email",
                "occurred_at": "2026-11-21T09:00:00Z",
                "subject": "Re: Thank you",
                "body": "We'll be in touch",
                "check_back_on": "2026-12-01",
            },
        ],
        "reminder_deliveries": [
            {
                "id": 1,
                "action_id": 2,
                "due_at": "2026-11-22T09:00:00Z",
                "delivered_at": "2026-11-22T09:00:05Z",
                "channel": "notification",
                "grouped": False,
            }
        ],
    }


def write_json(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def snapshot(db: Database) -> bytes:
    """Everything the database holds, as export bytes (for 'unchanged' checks)."""
    with db.session() as session:
        return render_export(export_data(session))


@pytest.fixture(scope="module")
def demo_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An export of a 200-opportunity demo database (built once for this module)."""
    folder = tmp_path_factory.mktemp("demo")
    db = open_database(folder / "demo.sqlite3")
    try:
        populate_demo(db, 200, seed=7, now=NOW)
        export_database(db, folder / "demo.json")
    finally:
        db.close()
    return folder / "demo.json"


@pytest.fixture(scope="module")
def occupied_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed database file holding the small document (migrated once per module)."""
    path = tmp_path_factory.mktemp("occupied") / "occupied.sqlite3"
    db = open_database(path)
    import_data(db, small_document())
    db.close()
    assert not Path(f"{path}-wal").exists()  # closing checkpointed it: the file is whole
    return path


@pytest.fixture
def occupied(occupied_template: Path, tmp_path: Path) -> Iterator[Database]:
    """A database that already holds the small document (a fresh copy per test)."""
    path = tmp_path / "occupied.sqlite3"
    shutil.copyfile(occupied_template, path)
    db = open_database(path)
    yield db
    db.close()


# --- round trips -----------------------------------------------------------------------


def test_demo_export_import_export_is_byte_identical(
    demo_export: Path, database: Database, tmp_path: Path
) -> None:
    result = import_database(database, demo_export, now=NOW)
    again = tmp_path / "again.json"
    counts = export_database(database, again)
    assert again.read_bytes() == demo_export.read_bytes()
    assert counts == result.counts == table_counts(database)
    assert result.backup is None
    # The demo exercises every table the format has.
    assert all(
        counts[table] > 0 for table in TABLES if table not in ("settings", "reminder_deliveries")
    )


def test_export_is_deterministic_and_documented_shape(demo_export: Path) -> None:
    text = demo_export.read_text(encoding="utf-8")
    document = json.loads(text)
    assert list(document) == ["format", "version", *TABLES]
    assert (document["format"], document["version"]) == ("followup", 1)
    for table, columns in exchange.iter_tables():
        rows = document[table]
        assert all(list(row) == list(columns) for row in rows)
        keys = [
            tuple(row[column] for column in exchange_tables._specs()[TABLES.index(table)].key)
            for row in rows
        ]
        assert keys == sorted(keys), f"{table} is not ordered by its key"
    instants = [row["created_at"] for row in document["opportunities"]]
    assert all(value.endswith("Z") for value in instants)
    # One row per line, so two exports can be compared with diff.
    lines = 4 + sum(len(document[t]) + 2 if document[t] else 1 for t in TABLES)
    assert text.count("\n") == lines
    assert Draft202012Validator(export_schema()).is_valid(document)


def test_orm_reads_imported_rows_exactly(database: Database) -> None:
    import_data(database, small_document())
    with database.session() as session:
        opportunity = session.get(models.Opportunity, 1)
        assert opportunity is not None
        assert opportunity.stage.name == "Interviewing"
        assert opportunity.created_at == datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
        assert opportunity.playbook_overrides == {"no_timeline_follow_up_days": 10}
        later = session.get(models.Opportunity, 2)
        assert later is not None
        assert later.start_date == date(2027, 1, 4)
        assert later.updated_at.microsecond == 250000
        interview = session.get(models.Interview, 1)
        assert interview is not None
        assert interview.kind is models.InterviewKind.VIDEO
        assert interview.may_check_in is True
        assert [p.contact.name for p in interview.participants] == ["Maya Okafor"]
        action = session.get(models.Action, 2)
        assert action is not None
        assert action.state is models.ActionState.SNOOZED
        assert action.due_edited is True
        setting = session.get(models.Setting, "board_card_order.1")
        assert setting is not None
        assert setting.value == {"1": 7}


def test_instant_storage_matches_sqlalchemy(database: Database) -> None:
    """The fast path stores exactly the text that the ORM's UTCDateTime stores."""
    texts = (
        "2026-11-23T09:30:00Z",
        "2026-11-23T09:30:00.5Z",
        "2026-11-23T09:30:00.123456Z",
        "2026-03-29T02:30:00+02:00",
        "1999-12-31T23:59:59.999999-05:00",
    )
    with database.session() as session:  # the default stages are there: use stage 1
        for number, text in enumerate(texts, start=1):
            session.add(
                models.Opportunity(
                    id=number,
                    company="c",
                    role="r",
                    stage_id=1,
                    created_at=datetime.fromisoformat(text),
                    updated_at=datetime.fromisoformat(text),
                )
            )
    with database.engine.connect() as connection:
        stored = (
            connection.exec_driver_sql("SELECT created_at FROM opportunities ORDER BY id")
            .scalars()
            .all()
        )
    assert stored == [exchange_tables._instant_to_storage(text) for text in texts]
    assert [exchange_tables._instant_from_storage(value) for value in stored] == [
        exchange.instant_to_text(datetime.fromisoformat(text)) for text in texts
    ]


def test_offsets_are_normalised_to_utc(database: Database) -> None:
    document = small_document()
    document["opportunities"][0]["created_at"] = "2026-11-01T09:00:00+01:00"
    import_data(database, document)
    with database.session() as session:
        exported = export_data(session)
    assert exported["opportunities"][0]["created_at"] == "2026-11-01T08:00:00Z"


def test_five_megabytes_of_notes_and_unicode_are_stored_exactly(
    database: Database, tmp_path: Path
) -> None:
    block = "Line with emoji 🚀☕ and עברית and العربية, tab\there.\r\n"
    notes = (block * (5 * 1024 * 1024 // len(block.encode("utf-8")) + 1))[: 5 * 1024 * 1024]
    document = small_document()
    document["opportunities"][0]["notes"] = notes
    document["contacts"][0]["name"] = "ليلى حداد 👩‍💻"
    document["interviews"][0]["notes"] = "Met \u202eيونتن\u202c; family emoji 👨‍👩‍👧"
    path = write_json(tmp_path / "big.json", document)
    assert path.stat().st_size > 5 * 1024 * 1024
    import_database(database, path)
    with database.session() as session:
        opportunity = session.get(models.Opportunity, 1)
        contact = session.get(models.Contact, 1)
        interview = session.get(models.Interview, 1)
        assert opportunity is not None
        assert contact is not None
        assert interview is not None
        assert opportunity.notes == notes
        assert contact.name == "ليلى حداد 👩‍💻"
        assert interview.notes == document["interviews"][0]["notes"]
    with database.session() as session:
        assert export_data(session)["opportunities"][0]["notes"] == notes


# --- writing the file ------------------------------------------------------------------


def test_export_file_is_private_and_replaced_atomically(database: Database, tmp_path: Path) -> None:
    target = tmp_path / "out" / "export.json"
    target.parent.mkdir()
    target.write_text("old content", encoding="utf-8")
    target.chmod(0o644)
    export_database(database, target)
    assert file_mode(target) == 0o600
    assert json.loads(target.read_text(encoding="utf-8"))["format"] == "followup"
    assert sorted(p.name for p in target.parent.iterdir()) == ["export.json"]


def test_export_to_missing_folder_is_a_clear_error(database: Database, tmp_path: Path) -> None:
    with pytest.raises(FollowupError, match="Cannot write the export"):
        export_database(database, tmp_path / "nowhere" / "export.json")


def test_secrets_never_leave_and_never_enter(database: Database) -> None:
    with database.session() as session:
        session.add(models.Setting(key="smtp.password", value="hunter2"))
        session.add(models.Setting(key="smtp.password_saved", value=True))
    with database.session() as session:
        exported = export_data(session)
    text = render_export(exported).decode()
    assert "hunter2" not in text
    assert [row["key"] for row in exported["settings"]] == ["smtp.password_saved"]
    document = small_document()
    document["settings"].append({"key": "smtp.Password", "value": "x"})
    with pytest.raises(ImportFormatError) as caught:
        import_data(database, document, replace=True)
    assert caught.value.json_path == "$.settings[1].key"
    assert "keyring" in str(caught.value)


# --- the target database ---------------------------------------------------------------


def test_import_refuses_a_database_with_data(occupied: Database, tmp_path: Path) -> None:
    before = snapshot(occupied)
    path = write_json(tmp_path / "other.json", small_document())
    with pytest.raises(ImportConflictError, match="--replace") as caught:
        import_database(occupied, path)
    assert "2 opportunities and 2 contacts" in str(caught.value)
    assert snapshot(occupied) == before
    assert list_backups(occupied.path) == []


def test_import_into_new_database_replaces_default_stages(database: Database) -> None:
    import_data(database, small_document())
    with database.session() as session:
        names = session.scalars(sa.select(models.Stage.name).order_by(models.Stage.id)).all()
    assert names == ["Applied", "Interviewing", "Rejected"]


def test_replace_backs_up_then_replaces_everything(occupied: Database, tmp_path: Path) -> None:
    replacement = small_document()
    replacement["contacts"][1]["name"] = "Omar Khalil"
    replacement["opportunities"] = replacement["opportunities"][1:]
    for table in ("stage_changes", "opportunity_contacts", "interviews", "correspondence"):
        replacement[table] = []
    for table in ("interview_participants", "debriefs", "stumbled_questions"):
        replacement[table] = []
    replacement["actions"] = replacement["actions"][1:]
    path = write_json(tmp_path / "replacement.json", replacement)

    result = import_database(occupied, path, replace=True)

    assert result.backup is not None
    assert result.backup.exists()
    assert result.backup.name.endswith("-before-import.sqlite3")
    assert file_mode(result.backup) == 0o600
    with contextlib.closing(sqlite3.connect(result.backup)) as old:
        assert old.execute("SELECT count(*) FROM opportunities").fetchone() == (2,)
        assert old.execute("SELECT name FROM contacts WHERE id = 2").fetchone() == ("נועה כהן",)
    counts = table_counts(occupied)
    assert counts["opportunities"] == 1
    assert counts["interviews"] == 0
    with occupied.session() as session:
        assert export_data(session) == replacement


def test_the_service_writes_the_import_and_names_everything_changed(
    occupied: Database,
) -> None:
    from followup_desktop.core.services import FollowupService

    moment = datetime(2026, 11, 23, 12, tzinfo=UTC)
    service = FollowupService(occupied, clock=lambda: moment)
    document = small_document()
    result = service.import_export(document, replace=True)
    assert result.change == exchange.EVERYTHING_CHANGED
    assert {"opportunity", "contact", "interview", "action", "stage"} <= result.change.entities
    assert result.counts == {table: len(document[table]) for table in TABLES}
    assert result.backup is not None
    assert result.unplanned == {}
    with occupied.session() as session:
        assert export_data(session)["contacts"] == document["contacts"]


def test_bad_file_with_replace_takes_no_backup_and_changes_nothing(
    occupied: Database, tmp_path: Path
) -> None:
    before = snapshot(occupied)
    document = small_document()
    document["interviews"][0]["opportunity_id"] = 42
    with pytest.raises(ImportFormatError):
        import_database(occupied, write_json(tmp_path / "bad.json", document), replace=True)
    assert snapshot(occupied) == before
    assert list_backups(occupied.path) == []


def test_failure_while_writing_rolls_everything_back(occupied: Database) -> None:
    """A lone surrogate only fails at the very last insert, after the deletes: all undone."""
    before = snapshot(occupied)
    document = small_document()
    document["reminder_deliveries"][0]["channel"] = "tray \ud800"
    with pytest.raises(ImportFormatError) as caught:
        import_data(occupied, document, replace=True)
    assert caught.value.json_path == "$.reminder_deliveries[0].channel"
    assert "surrogate" in str(caught.value)
    assert snapshot(occupied) == before


# --- bad files -------------------------------------------------------------------------

Mutation = Callable[[dict[str, Any]], Any]


def _set(table: str, index: int, field: str, value: Any) -> Mutation:
    def mutate(document: dict[str, Any]) -> None:
        document[table][index][field] = value

    return mutate


def _delete(table: str, index: int, field: str) -> Mutation:
    def mutate(document: dict[str, Any]) -> None:
        del document[table][index][field]

    return mutate


def _top(key: str, value: Any = ...) -> Mutation:
    def mutate(document: dict[str, Any]) -> None:
        if value is ...:
            del document[key]
        else:
            document[key] = value

    return mutate


def _copy_row(table: str, index: int, **changes: Any) -> Mutation:
    def mutate(document: dict[str, Any]) -> None:
        row = copy.deepcopy(document[table][index])
        row.update(changes)
        document[table].append(row)

    return mutate


BAD_DOCUMENTS: list[tuple[str, Mutation, str, str]] = [
    ("not an object", lambda d: [d], "$", "not a Followup export"),
    ("format missing", _top("format"), "$.format", "not a Followup export"),
    ("unknown format", _top("format", "jobtracker"), "$.format", 'not "followup"'),
    ("newer version", _top("version", 2), "$.version", "written by a newer Followup"),
    ("version as text", _top("version", "1"), "$.version", "whole number"),
    ("version zero", _top("version", 0), "$.version", "does not exist"),
    ("table missing", _top("interviews"), "$.interviews", "[] for an empty table"),
    ("table not a list", _top("contacts", {}), "$.contacts", "must be a list"),
    ("unknown table", _top("pets", []), "$.pets", "unknown field 'pets'"),
    ("no stages", _top("stages", []), "$.stages", "at least 1"),
    (
        "not an email address",
        _set("contacts", 0, "email", "maya at brightforge"),
        "$.contacts[0].email",
        "not an email address",
    ),
    (
        "link that is no web address",
        _set("opportunities", 0, "link", "javascript:alert(1)"),
        "$.opportunities[0].link",
        "https://",
    ),
    (
        "negative salary",
        _set("opportunities", 1, "salary_max", -1),
        "$.opportunities[1].salary_max",
        "at least 0",
    ),
    (
        "interview ends before it starts",
        _set("interviews", 0, "ends_at", "2026-11-20T09:00:00Z"),
        "$.interviews[0].ends_at",
        "end after it starts",
    ),
    (
        "interview of two days",
        _set("interviews", 0, "ends_at", "2026-11-22T09:00:00Z"),
        "$.interviews[0].ends_at",
        "a day or more",
    ),
    (
        "timeline of zero days",
        _set("interviews", 0, "decision_timeline_days", 0),
        "$.interviews[0].decision_timeline_days",
        "at least 1",
    ),
    (
        "preparedness out of range",
        _set("debriefs", 0, "preparedness", 6),
        "$.debriefs[0].preparedness",
        "at most 5",
    ),
    (
        "setting number beyond 64 bits",
        _set("settings", 0, "value", 2**64),
        "$.settings[0].value",
        "too large",
    ),
    (
        "wrong type",
        _set("opportunities", 1, "stage_id", "2"),
        "$.opportunities[1].stage_id",
        "must be a whole number, not the text '2'",
    ),
    ("float id", _set("contacts", 1, "id", 2.0), "$.contacts[1].id", "whole number"),
    ("bool for number", _set("interviews", 0, "round", True), "$.interviews[0].round", "not true"),
    ("negative id", _set("contacts", 0, "id", 0), "$.contacts[0].id", "at least 1"),
    (
        "unknown enum",
        _set("interviews", 0, "kind", "zoom"),
        "$.interviews[0].kind",
        "'phone', 'video'",
    ),
    (
        "row not an object",
        lambda d: d["contacts"].append("Maya"),
        "$.contacts[2]",
        "must be an object",
    ),
    (
        "unknown field",
        _set("opportunities", 1, "colour", "red"),
        "$.opportunities[1].colour",
        "unknown field 'colour'",
    ),
    ("missing field", _delete("contacts", 0, "email"), "$.contacts[0].email", "missing"),
    ("empty name", _set("contacts", 0, "name", ""), "$.contacts[0].name", "must not be empty"),
    ("too long", _set("stages", 0, "name", "x" * 81), "$.stages[0].name", "at most 80"),
    (
        "naive datetime",
        _set("opportunities", 0, "created_at", "2026-11-01T09:00:00"),
        "$.opportunities[0].created_at",
        "no time zone offset",
    ),
    (
        "not an instant",
        _set("debriefs", 0, "submitted_at", "yesterday"),
        "$.debriefs[0].submitted_at",
        "ISO 8601",
    ),
    (
        "impossible instant",
        _set("actions", 0, "due_at", "2026-02-30T10:00:00Z"),
        "$.actions[0].due_at",
        "not a real date and time",
    ),
    (
        "impossible date",
        _set("interviews", 0, "decision_date", "2026-13-01"),
        "$.interviews[0].decision_date",
        "not a real calendar day",
    ),
    (
        "date with time",
        _set("opportunities", 1, "start_date", "2027-01-04T00:00:00Z"),
        "$.opportunities[1].start_date",
        "YYYY-MM-DD",
    ),
    (
        "salary min above max",
        _set("opportunities", 0, "salary_min", 90000),
        "$.opportunities[0].salary_min",
        "above the maximum",
    ),
    (
        "unknown time zone",
        _set("interviews", 0, "timezone", "Mars/Olympus"),
        "$.interviews[0].timezone",
        "not a known time zone",
    ),
    (
        "interview of missing opportunity",
        _set("interviews", 0, "opportunity_id", 9),
        "$.interviews[0].opportunity_id",
        "opportunity 9, which is not in $.opportunities",
    ),
    (
        "action at missing contact",
        _set("actions", 0, "contact_id", 77),
        "$.actions[0].contact_id",
        "contact 77",
    ),
    (
        "opportunity at missing stage",
        _set("opportunities", 1, "stage_id", 12),
        "$.opportunities[1].stage_id",
        "stage 12",
    ),
    (
        "message about missing action",
        _set("correspondence", 1, "action_id", 5),
        "$.correspondence[1].action_id",
        "action 5",
    ),
    (
        "history to missing stage",
        _set("stage_changes", 1, "to_stage_id", 99),
        "$.stage_changes[1].to_stage_id",
        "stage 99",
    ),
    (
        "question of missing debrief",
        _set("stumbled_questions", 0, "debrief_id", 3),
        "$.stumbled_questions[0].debrief_id",
        "debrief 3",
    ),
    (
        "panel member unknown",
        _set("interview_participants", 0, "contact_id", 8),
        "$.interview_participants[0].contact_id",
        "contact 8",
    ),
    (
        "action about another opportunity's interview",
        _set("actions", 0, "opportunity_id", 2),
        "$.actions[0].opportunity_id",
        "belongs to opportunity 1",
    ),
    (
        "duplicate id",
        _set("contacts", 1, "id", 1),
        "$.contacts[1].id",
        "the first is $.contacts[0]",
    ),
    (
        "duplicate link",
        _copy_row("opportunity_contacts", 0),
        "$.opportunity_contacts[3].opportunity_id",
        "second contact link",
    ),
    (
        "duplicate stage name",
        _set("stages", 2, "name", "Applied"),
        "$.stages[2].name",
        "name 'Applied'",
    ),
    (
        "two debriefs for one interview",
        _copy_row("debriefs", 0, id=2),
        "$.debriefs[1].interview_id",
        "second debrief",
    ),
    (
        "duplicate plan key",
        _copy_row("actions", 0, id=3),
        "$.actions[2].opportunity_id",
        "plan_key",
    ),
    (
        "duplicate calendar uid",
        _copy_row("interviews", 0, id=2),
        "$.interviews[1].ical_uid",
        "ical_uid",
    ),
    (
        "same delivery twice at another offset",
        _copy_row("reminder_deliveries", 0, id=2, due_at="2026-11-22T10:00:00+01:00"),
        "$.reminder_deliveries[1].action_id",
        "second reminder delivery",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "path", "fragment"),
    [pytest.param(m, p, f, id=name) for name, m, p, f in BAD_DOCUMENTS],
)
def test_bad_document_is_refused_at_its_path(
    occupied: Database, tmp_path: Path, mutate: Mutation, path: str, fragment: str
) -> None:
    before = snapshot(occupied)
    document = small_document()
    replaced = mutate(document)
    file = write_json(tmp_path / "bad.json", replaced if replaced is not None else document)
    with pytest.raises(ImportFormatError) as caught:
        import_database(occupied, file, replace=True)
    assert caught.value.json_path == path
    assert fragment in caught.value.detail
    assert str(caught.value).startswith(f"{path}: ")
    assert snapshot(occupied) == before
    assert list_backups(occupied.path) == []


@pytest.mark.parametrize(
    ("payload", "path", "fragment"),
    [
        pytest.param(
            b'{"format": "followup",\n  "version": 1,,\n}',
            "$",
            "line 2, column 16",
            id="malformed JSON",
        ),
        pytest.param(b"", "$", "the file is empty", id="empty file"),
        pytest.param(b"\n", "$", "the file is empty", id="blank file"),
        pytest.param(b"[1, 2", "$", "line 1, column 6", id="truncated"),
        pytest.param(b'{"format": "followup", "version": NaN}', "$", "NaN", id="NaN"),
        pytest.param('{"format": "caf\u00e9"}'.encode("latin-1"), "$", "not UTF-8", id="not UTF-8"),
        pytest.param(
            b'{"format": "followup", "version": 1, "stages": [{"id": 1, "id": 2}]}',
            "$.stages[0]",
            "'id' appears more than once",
            id="duplicate key",
        ),
    ],
)
def test_unreadable_file_is_refused(
    database: Database, tmp_path: Path, payload: bytes, path: str, fragment: str
) -> None:
    before = snapshot(database)
    file = tmp_path / "bad.json"
    file.write_bytes(payload)
    with pytest.raises(ImportFormatError) as caught:
        import_database(database, file)
    assert caught.value.json_path == path
    assert fragment in caught.value.detail
    assert snapshot(database) == before


def test_byte_order_mark_is_tolerated(database: Database, tmp_path: Path) -> None:
    file = tmp_path / "bom.json"
    file.write_bytes(b"\xef\xbb\xbf" + json.dumps(small_document()).encode())
    assert import_database(database, file).counts["opportunities"] == 2


def test_missing_file_is_a_clear_error(database: Database, tmp_path: Path) -> None:
    with pytest.raises(FollowupError, match="cannot be read"):
        import_database(database, tmp_path / "absent.json")


# --- the schema and its compiled form --------------------------------------------------


def test_schema_is_valid_and_covers_every_table_and_column() -> None:
    schema = export_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert set(TABLES) | exchange.NOT_EXPORTED == set(models.Base.metadata.tables)
    assert not set(TABLES) & exchange.NOT_EXPORTED
    for table, columns in exchange.iter_tables():
        assert list(columns) == list(models.Base.metadata.tables[table].c.keys())


def test_schema_limits_match_the_service_layer() -> None:
    definitions = export_schema()["$defs"]
    timeline = definitions["interview"]["properties"]["decision_timeline_days"]
    assert (timeline["minimum"], timeline["maximum"]) == (1, validation.MAX_TIMELINE_DAYS)
    preparedness = definitions["debrief"]["properties"]["preparedness"]
    assert (preparedness["minimum"], preparedness["maximum"]) == (1, 5)
    for value in (0, 6):
        with pytest.raises(ValidationError):
            validation.preparedness(value)


def test_schema_enums_match_the_model() -> None:
    definitions = export_schema()["$defs"]
    expected = {
        ("stage", "kind"): models.StageKind,
        ("opportunity_contact", "role"): models.ContactRole,
        ("interview", "kind"): models.InterviewKind,
        ("interview", "preferred_channel"): models.Channel,
        ("debrief", "status"): models.DebriefStatus,
        ("action", "channel"): models.Channel,
        ("action", "state"): models.ActionState,
        ("action", "origin"): models.ActionOrigin,
        ("correspondence_item", "direction"): models.Direction,
        ("correspondence_item", "channel"): models.Channel,
    }
    for (definition, field), enum in expected.items():
        allowed = {v for v in definitions[definition]["properties"][field]["enum"] if v is not None}
        assert allowed == {member.value for member in enum}, (definition, field)


def _text(**options: Any) -> st.SearchStrategy[str]:
    """Any text but NUL, which an import refuses (tested on its own)."""
    return st.text(st.characters(codec="utf-8", exclude_characters="\x00"), **options)


_ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _text(max_size=4),
    lambda inner: (
        st.lists(inner, max_size=2) | st.dictionaries(_text(max_size=3), inner, max_size=2)
    ),
    max_leaves=4,
)
_FINITE_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | _text(max_size=4),
    lambda inner: (
        st.lists(inner, max_size=2) | st.dictionaries(_text(max_size=3), inner, max_size=2)
    ),
    max_leaves=4,
)
# A setting that is a bare number is stored as an SQLite number (the JSON column has
# numeric affinity): 2.0 comes back as 2. Everything else round-trips exactly.
_SETTING_VALUE = _FINITE_JSON.filter(
    lambda value: (
        not (isinstance(value, float) and value.is_integer())
        and not (type(value) is int and not -(2**63) <= value < 2**63)
    )
)
_STRANGE = (
    st.sampled_from([None, True, False, 0, -1, 1, 1.0, 2**63, -(2**63) - 1, "", "x" * 81])
    | st.sampled_from(["2026-11-23", "2026-11-23T09:30:00Z", "2026-11-23T09:30:00", "video"])
    | _ANY_JSON
)


@settings(max_examples=300, deadline=None, database=None)
@given(data=st.data())
def test_compiled_rows_agree_with_jsonschema(data: st.DataObject) -> None:
    table = data.draw(st.sampled_from(TABLES))
    base = small_document()[table][0]
    row = dict(base)
    for _ in range(data.draw(st.integers(0, 3))):
        action = data.draw(st.sampled_from(["set", "delete", "add"]))
        if action == "set" and row:
            row[data.draw(st.sampled_from(sorted(row)))] = data.draw(_STRANGE)
        elif action == "delete" and row:
            del row[data.draw(st.sampled_from(sorted(row)))]
        else:
            row[data.draw(_text(max_size=5))] = None
    assert row_matches_schema(table, row) == exchange_schema._row_validator(table).is_valid(row)


# --- property: random valid databases round-trip exactly ------------------------------

_ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney"]
_TEXT = _text(max_size=12)
# Hypothesis takes naive bounds; the values are then written as UTC.
_EARLIEST = datetime(1970, 1, 1)  # noqa: DTZ001
_LATEST = datetime(2100, 1, 1)  # noqa: DTZ001
_INSTANT = st.datetimes(min_value=_EARLIEST, max_value=_LATEST).map(
    lambda moment: moment.isoformat() + "Z"
)
_EMAIL = st.just("") | st.emails().filter(lambda address: len(address) <= 320)
_LINK = st.sampled_from(["", "https://careers.example/jobs/1", "http://jobs.example/a?b=c"])


@st.composite
def _interview_times(draw: st.DrawFn) -> dict[str, str]:
    """An interview ends after it starts and within a day, as the service layer demands."""
    start = draw(st.datetimes(min_value=_EARLIEST, max_value=_LATEST))
    end = start + timedelta(seconds=draw(st.integers(1, 86_399)))
    return {"starts_at": start.isoformat() + "Z", "ends_at": end.isoformat() + "Z"}


_INTERVIEW_TIMES = _interview_times()
_DATE = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 1, 1)).map(date.isoformat)
_ID_COUNT = st.integers(0, 3)


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    """Valid documents in canonical form: ids sparse but ordered, references intact."""

    def ids(count: int) -> list[int]:
        return sorted(draw(st.sets(st.integers(1, 2**62), min_size=count, max_size=count)))

    def pick(pool: list[Any]) -> Any:
        return draw(st.sampled_from(pool))

    doc: dict[str, Any] = {"format": "followup", "version": 1}
    # Every key must be declared (core.settings_registry); a mailbox's state is any
    # object, so it carries arbitrary JSON through the round trip.
    hosts = draw(st.sets(_text(min_size=1, max_size=20), max_size=3))
    keys = {
        key
        for key in (f"mailbox.state:me@{host}" for host in hosts)
        if not exchange_tables._is_secret_setting(key)
    }
    doc["settings"] = [
        {"key": key, "value": exchange_tables._canonical_json({"value": draw(_SETTING_VALUE)})}
        for key in sorted(keys)
    ]
    stage_ids = ids(draw(st.integers(1, 3)))
    names = draw(
        st.lists(
            _text(min_size=1, max_size=80),
            min_size=len(stage_ids),
            max_size=len(stage_ids),
            unique=True,
        )
    )
    doc["stages"] = [
        {
            "id": i,
            "name": n,
            "kind": pick([k.value for k in models.StageKind]),
            "position": draw(st.integers(0, 50)),
            "hidden": draw(st.booleans()),
        }
        for i, n in zip(stage_ids, names, strict=True)
    ]
    contact_ids = ids(draw(_ID_COUNT))
    doc["contacts"] = [
        {
            "id": i,
            "name": draw(_text(min_size=1, max_size=200)),
            "title": draw(_TEXT),
            "email": draw(_EMAIL),
            "phone": draw(_TEXT),
            "linkedin": draw(_TEXT),
            "notes": draw(_text()),
        }
        for i in contact_ids
    ]
    opportunity_ids = ids(draw(_ID_COUNT))
    doc["opportunities"] = []
    for i in opportunity_ids:
        low = draw(_maybe(st.integers(0, 2**40)))
        high = draw(_maybe(st.integers(low or 0, 2**41)))
        doc["opportunities"].append(
            {
                "id": i,
                "company": draw(_text(min_size=1, max_size=30)),
                "role": draw(_TEXT),
                "link": draw(_LINK),
                "location": draw(_TEXT),
                "salary_min": low,
                "salary_max": high,
                "salary_currency": draw(_text(max_size=3)),
                "source": draw(_TEXT),
                "referrer_id": draw(_maybe(st.sampled_from(contact_ids))) if contact_ids else None,
                "stage_id": pick(stage_ids),
                "archived": draw(st.booleans()),
                "notes": draw(_text()),
                "acceptance_criteria": draw(_TEXT),
                "start_date": draw(_maybe(_DATE)),
                "letter_language": draw(st.sampled_from([None, "en", "de", "fr"])),
                # Overrides are checked like the Settings dialog's: real names, real values.
                "playbook_overrides": draw(
                    st.just({})
                    | st.fixed_dictionaries({"no_timeline_follow_up_days": st.integers(1, 60)})
                ),
                "created_at": draw(_INSTANT),
                "updated_at": draw(_INSTANT),
            }
        )
    doc["stage_changes"] = [
        {
            "id": i,
            "opportunity_id": pick(opportunity_ids),
            "from_stage_id": draw(_maybe(st.sampled_from(stage_ids))),
            "to_stage_id": draw(_maybe(st.sampled_from(stage_ids))),
            "changed_at": draw(_INSTANT),
            "note": draw(_TEXT),
        }
        for i in (ids(draw(_ID_COUNT)) if opportunity_ids else [])
    ]
    links = set()
    if opportunity_ids and contact_ids:
        for _ in range(draw(_ID_COUNT)):
            links.add(
                (
                    pick(opportunity_ids),
                    pick(contact_ids),
                    pick(sorted(r.value for r in models.ContactRole)),
                )
            )
    doc["opportunity_contacts"] = [
        {"opportunity_id": o, "contact_id": c, "role": r} for o, c, r in sorted(links)
    ]
    interview_ids = ids(draw(_ID_COUNT)) if opportunity_ids else []
    uids = draw(
        st.lists(
            _text(min_size=1, max_size=20),
            min_size=len(interview_ids),
            max_size=len(interview_ids),
            unique=True,
        )
    )
    doc["interviews"] = [
        {
            "id": i,
            "opportunity_id": pick(opportunity_ids),
            "round": draw(st.integers(1, 9)),
            "kind": pick([k.value for k in models.InterviewKind]),
            **draw(_INTERVIEW_TIMES),
            "timezone": pick(_ZONES),
            "location": draw(_TEXT),
            "next_steps": draw(_TEXT),
            "decision_timeline_days": draw(_maybe(st.integers(1, 365))),
            "decision_date": draw(_maybe(_DATE)),
            "may_check_in": draw(_maybe(st.booleans())),
            "check_back_on": draw(_maybe(_DATE)),
            "preferred_channel": draw(_maybe(st.sampled_from([c.value for c in models.Channel]))),
            "ical_uid": draw(_maybe(st.just(uid))),
            "notes": draw(_text()),
        }
        for i, uid in zip(interview_ids, uids, strict=True)
    ]
    owner = {row["id"]: row["opportunity_id"] for row in doc["interviews"]}
    panel = set()
    if interview_ids and contact_ids:
        for _ in range(draw(_ID_COUNT)):
            panel.add((pick(interview_ids), pick(contact_ids)))
    doc["interview_participants"] = [
        {
            "interview_id": i,
            "contact_id": c,
            "position": draw(st.integers(0, 5)),
            "mention": draw(_TEXT),
        }
        for i, c in sorted(panel)
    ]
    debriefed = sorted(draw(st.sets(st.sampled_from(interview_ids)))) if interview_ids else []
    debrief_ids = ids(len(debriefed))
    doc["debriefs"] = [
        {
            "id": i,
            "interview_id": interview,
            "status": pick(["draft", "submitted"]),
            "went_well": draw(_TEXT),
            "went_badly": draw(_TEXT),
            "preparedness": draw(_maybe(st.integers(1, 5))),
            "tied_experience": draw(_maybe(st.booleans())),
            "learned_job": draw(_TEXT),
            "learned_organization": draw(_TEXT),
            "skills_to_build": draw(_TEXT),
            "promised_material": draw(_TEXT),
            "updated_at": draw(_INSTANT),
            "submitted_at": draw(_maybe(_INSTANT)),
        }
        for i, interview in zip(debrief_ids, draw(st.permutations(debriefed)), strict=True)
    ]
    doc["stumbled_questions"] = [
        {
            "id": i,
            "debrief_id": pick(debrief_ids),
            "position": draw(st.integers(0, 9)),
            "question": draw(_text()),
            "my_answer": draw(_TEXT),
            "better_answer": draw(_TEXT),
            "theme": draw(_TEXT),
            "practiced": draw(st.booleans()),
        }
        for i in (ids(draw(_ID_COUNT)) if debrief_ids else [])
    ]
    doc["actions"] = []
    for number, i in enumerate(ids(draw(_ID_COUNT))):
        interview = draw(_maybe(st.sampled_from(interview_ids))) if interview_ids else None
        opportunity = (
            owner[interview]
            if interview is not None
            else draw(_maybe(st.sampled_from(opportunity_ids)))
            if opportunity_ids
            else None
        )
        state = pick([s.value for s in models.ActionState])
        doc["actions"].append(
            {
                "id": i,
                "opportunity_id": opportunity,
                "interview_id": interview,
                "contact_id": draw(_maybe(st.sampled_from(contact_ids))) if contact_ids else None,
                "kind": draw(_text(min_size=1, max_size=40)),
                "plan_key": draw(_maybe(st.just(f"key-{number}"))),
                "due_at": draw(_INSTANT),
                "recipient": draw(_TEXT),
                "channel": draw(_maybe(st.sampled_from([c.value for c in models.Channel]))),
                "reason": draw(_text()),
                "state": state,
                "snoozed_until": draw(_INSTANT) if state == "snoozed" else None,
                "origin": pick(["generated", "manual"]),
                "due_edited": draw(st.booleans()),
                "created_at": draw(_INSTANT),
                "completed_at": draw(_maybe(_INSTANT)),
            }
        )
    action_ids = [row["id"] for row in doc["actions"]]
    doc["correspondence"] = [
        {
            "id": i,
            "opportunity_id": pick(opportunity_ids),
            "contact_id": draw(_maybe(st.sampled_from(contact_ids))) if contact_ids else None,
            "action_id": draw(_maybe(st.sampled_from(action_ids))) if action_ids else None,
            "direction": pick(["sent", "received"]),
            "channel": pick([c.value for c in models.Channel]),
            "occurred_at": draw(_INSTANT),
            "subject": draw(_TEXT),
            "body": draw(_text()),
            "check_back_on": draw(_maybe(_DATE)),
        }
        for i in (ids(draw(_ID_COUNT)) if opportunity_ids else [])
    ]
    deliveries = ids(draw(_ID_COUNT)) if action_ids else []
    doc["reminder_deliveries"] = [
        {
            "id": i,
            "action_id": pick(action_ids),
            "due_at": f"2026-01-01T00:00:{second:02d}Z",
            "delivered_at": draw(_INSTANT),
            "channel": draw(_text(min_size=1, max_size=32)),
            "grouped": draw(st.booleans()),
        }
        for second, i in enumerate(deliveries)
    ]
    return doc


@pytest.fixture
def template_database(tmp_path: Path) -> Path:
    """A migrated database file to copy for each example (migrating each time is slow)."""
    path = tmp_path / "template.sqlite3"
    open_database(path).close()
    return path


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(document=documents())
def test_random_databases_round_trip_exactly(
    template_database: Path, tmp_path: Path, document: dict[str, Any]
) -> None:
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    shutil.copyfile(template_database, folder / "db.sqlite3")
    db = open_database(folder / "db.sqlite3")
    try:
        # Stored exactly as written: planning (tested elsewhere) would add its actions.
        import_data(db, document, plan=False)
        with db.session() as session:
            exported = export_data(session)
        assert exported == document
        assert render_export(exported) == render_export(document)
    finally:
        db.close()
