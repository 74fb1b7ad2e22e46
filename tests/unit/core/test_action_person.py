"""Every per-person step names its person, in the same words on every face."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from followup_desktop.cli import main
from followup_desktop.core.action_kinds import (
    ActionKind,
    action_headline,
    action_title,
    person_named,
    recipient_name,
)
from followup_desktop.core.agenda import agenda
from followup_desktop.core.calendar_query import EntryKind, load_range
from followup_desktop.core.db import Database
from followup_desktop.core.models import ContactRole
from followup_desktop.core.reminders import ReminderService
from followup_desktop.core.services import (
    ContactFields,
    DebriefFields,
    FollowupService,
    PanelMember,
)

# Monday 23 November 2026, 17:00 UTC; the interview ended an hour ago.
NOW = datetime(2026, 11, 23, 17, tzinfo=UTC)
DANA = "Send a thank-you note to Dana Kim · Acme Robotics"
OMAR = "Send a thank-you note to Omar Ruiz · Acme Robotics"


@pytest.fixture
def service(database: Database) -> FollowupService:
    return FollowupService(database, clock=lambda: NOW)


def _debriefed(service: FollowupService) -> int:
    opportunity = service.create_opportunity("Acme Robotics", "Engineer").created_id
    assert opportunity is not None
    interview = service.record_interview(
        opportunity, NOW - timedelta(hours=2), NOW - timedelta(hours=1), "Europe/Berlin"
    ).created_id
    assert interview is not None
    service.submit_debrief(
        interview,
        DebriefFields(went_well="Good talk"),
        panel=[
            PanelMember("Dana Kim", email="dana@acme.test"),
            PanelMember("Omar Ruiz", email="omar@acme.test"),
        ],
    )
    return opportunity


def test_the_wording_names_the_person_and_keeps_their_text_as_it_is() -> None:
    assert action_title("thank_you", "Dana Kim") == "Send a thank-you note to Dana Kim"
    assert action_title("thank_you") == "Send a thank-you note"
    assert action_title("status_follow_up", "Lee") == "Ask Lee about the status"
    assert action_title("phone_call", "Lee") == "Call Lee about the status"
    assert action_title("call_recruiter", "Sam") == "Call recruiter (Sam)"  # the person's own
    assert action_title("thank_you", "{person} {0}") == "Send a thank-you note to {person} {0}"
    assert action_headline("thank_you", " Dana   Kim ", "Acme") == (
        "Send a thank-you note to Dana Kim · Acme"
    )
    assert recipient_name("Dana Kim <dana@acme.test>") == "Dana Kim"
    assert recipient_name("Dana Kim (+49 30 1234)") == "Dana Kim"
    assert person_named(None, "Lee <lee@x.test>") == "Lee"
    assert person_named("Dana Kim", "HR <hr@x.test>") == "Dana Kim"
    assert person_named(None, "") == ""


def test_two_thank_yous_read_apart_in_the_agenda_the_calendar_and_the_reminders(
    service: FollowupService,
) -> None:
    _debriefed(service)
    with service.db.session() as session:
        items = [i for i in agenda(session, NOW, UTC) if i.kind is ActionKind.THANK_YOU]
        shown = load_range(session, date(2026, 11, 23), 3, NOW, UTC)
    assert sorted(item.headline for item in items) == [DANA, OMAR]
    assert sorted(item.person for item in items) == ["Dana Kim", "Omar Ruiz"]
    dana = next(item for item in items if item.person == "Dana Kim")
    assert dana.sent_to == "at dana@acme.test"
    entries = [
        entry
        for entry in shown.entries
        if entry.kind is EntryKind.ACTION and entry.action_kind is ActionKind.THANK_YOU
    ]
    assert sorted(entry.title for entry in entries) == [DANA, OMAR]

    reminders = ReminderService(service.db, lambda: NOW + timedelta(days=1))
    titles = [r.title for r in reminders.pending(NOW + timedelta(days=1)) if r.kind == "thank_you"]
    assert sorted(titles) == [DANA, OMAR]


def test_a_note_sent_through_whoever_arranged_it_names_both(service: FollowupService) -> None:
    opportunity = service.create_opportunity("Acme Robotics", "Engineer").created_id
    assert opportunity is not None
    service.add_contact(
        "Lee Brandt",
        ContactFields(email="lee@acme.test"),
        opportunity_id=opportunity,
        role=ContactRole.RECRUITER,
    )
    interview = service.record_interview(
        opportunity, NOW - timedelta(hours=2), NOW - timedelta(hours=1), "Europe/Berlin"
    ).created_id
    assert interview is not None
    service.submit_debrief(
        interview, DebriefFields(went_well="Good"), panel=[PanelMember("Omar Ruiz")]
    )
    with service.db.session() as session:
        (item,) = [i for i in agenda(session, NOW, UTC) if i.kind is ActionKind.THANK_YOU]
    assert item.headline == OMAR
    assert item.sent_to == "via Lee Brandt <lee@acme.test>"
    assert replace(item, recipient="").sent_to == ""


def test_the_agenda_command_names_each_person_and_its_json_only_adds_fields(
    service: FollowupService, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _debriefed(service)
    service.db.close()
    stamp = NOW.isoformat()

    assert main(["--db", str(db_path), "agenda", "--now", stamp]) == 0
    text = capsys.readouterr().out
    assert "Send a thank-you note to Dana Kim at dana@acme.test" in text
    assert "Send a thank-you note to Omar Ruiz at omar@acme.test" in text

    assert main(["--db", str(db_path), "agenda", "--json", "--now", stamp]) == 0
    rows = [row for row in json.loads(capsys.readouterr().out) if row["kind"] == "thank_you"]
    assert {row["label"] for row in rows} == {"Send a thank-you note"}  # unchanged
    assert sorted(row["person"] for row in rows) == ["Dana Kim", "Omar Ruiz"]
    assert sorted(row["title"] for row in rows) == [
        "Send a thank-you note to Dana Kim",
        "Send a thank-you note to Omar Ruiz",
    ]
    for key in ("action_id", "company", "recipient", "due_at", "bucket", "reason"):
        assert key in rows[0]


def test_the_exported_calendar_names_each_person(service: FollowupService) -> None:
    from followup_desktop.core.ics import build_calendar

    _debriefed(service)
    with service.db.session() as session:
        calendar, _result = build_calendar(session, NOW)
        text = calendar.to_ical().decode("utf-8").replace("\r\n ", "")
    assert "SUMMARY:Send a thank-you note to Dana Kim: Acme Robotics \u2014 Engineer" in text
    assert "SUMMARY:Send a thank-you note to Omar Ruiz: Acme Robotics \u2014 Engineer" in text
