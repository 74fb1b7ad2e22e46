"""The panel a debrief opens with: who was there, as far as Followup knows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from followup_desktop.core.db import Database
from followup_desktop.core.debrief_draft import DebriefDraft
from followup_desktop.core.models import ContactRole
from followup_desktop.core.queries.debrief import debrief_form
from followup_desktop.core.services import (
    ContactFields,
    DebriefFields,
    FollowupService,
    PanelMember,
)
from followup_desktop.core.services.standalone import import_ics_file

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
FIXTURES = Path(__file__).parents[2] / "fixtures" / "ics"
OWN = "alex.candidate@gmail.com"


@pytest.fixture
def service(database: Database) -> FollowupService:
    return FollowupService(database, clock=lambda: NOW)


def _own_account(service: FollowupService) -> None:
    service.set_setting(
        "email.account",
        {
            "host": "smtp.example",
            "port": 587,
            "security": "starttls",
            "username": "alex",
            "from_address": "Alex.Candidate@gmail.com",
        },
    )


def _interview(service: FollowupService) -> tuple[int, int]:
    opportunity = service.create_opportunity("Acme Robotics", "Engineer").created_id
    assert opportunity is not None
    start = NOW - timedelta(hours=2)
    interview = service.record_interview(opportunity, start, start + timedelta(hours=1))
    assert interview.created_id is not None
    return opportunity, interview.created_id


def _person(
    service: FollowupService, opportunity: int, name: str, email: str, role: ContactRole
) -> int:
    created = service.add_contact(
        name, ContactFields(email=email, title="Lead"), opportunity_id=opportunity, role=role
    ).created_id
    assert created is not None
    return created


def test_the_interviewers_on_the_card_open_the_panel_and_nobody_else(
    service: FollowupService,
) -> None:
    _own_account(service)
    opportunity, interview = _interview(service)
    dana = _person(service, opportunity, "Dana Kim", "dana@acme.test", ContactRole.INTERVIEWER)
    omar = _person(service, opportunity, "Omar Ruiz", "omar@acme.test", ContactRole.INTERVIEWER)
    _person(service, opportunity, "Rita Hale", "rita@acme.test", ContactRole.RECRUITER)
    _person(service, opportunity, "Me", OWN, ContactRole.INTERVIEWER)
    other, _ = _interview(service)
    _person(service, other, "Elsewhere", "x@other.test", ContactRole.INTERVIEWER)

    form = debrief_form(service.db, interview)

    assert form.snapshot.panel == ()  # nothing stored: these are offered, not saved
    assert [(m.name, m.email, m.title, m.contact_id) for m in form.panel] == [
        ("Dana Kim", "dana@acme.test", "Lead", dana),
        ("Omar Ruiz", "omar@acme.test", "Lead", omar),
    ]


def test_an_imported_invitations_attendees_open_the_panel_without_the_person(
    service: FollowupService,
) -> None:
    _own_account(service)
    (interview,) = import_ics_file(service.db, FIXTURES / "outlook.ics", now=NOW).created

    form = debrief_form(service.db, interview)

    names = [member.name for member in form.panel]
    assert names == ["Jonas Brandt"]  # the own address and the shared mailbox left out
    assert all(member.contact_id is not None for member in form.panel)


def test_a_stored_panel_comes_first_and_the_card_adds_who_is_missing(
    service: FollowupService,
) -> None:
    opportunity, interview = _interview(service)
    _person(service, opportunity, "Dana Kim", "dana@acme.test", ContactRole.INTERVIEWER)
    service.set_panel(interview, [PanelMember("Zoe Park", mention="robots")])
    form = debrief_form(service.db, interview)
    assert [(m.name, m.mention) for m in form.panel] == [("Zoe Park", "robots"), ("Dana Kim", "")]


def test_a_submitted_panel_is_what_the_person_decided(service: FollowupService) -> None:
    opportunity, interview = _interview(service)
    _person(service, opportunity, "Dana Kim", "dana@acme.test", ContactRole.INTERVIEWER)
    service.submit_debrief(interview, DebriefFields(went_well="Good talk"), panel=[])

    assert debrief_form(service.db, interview).panel == ()


def test_a_draft_is_returned_beside_the_opening_panel(service: FollowupService) -> None:
    opportunity, interview = _interview(service)
    _person(service, opportunity, "Dana Kim", "dana@acme.test", ContactRole.INTERVIEWER)
    service.save_debrief_draft(interview, DebriefDraft.from_form({"panel": []}, NOW))
    form = debrief_form(service.db, interview)
    assert form.draft is not None and form.draft.panel == ()  # the form shows the draft
    assert [m.name for m in form.panel] == ["Dana Kim"]
