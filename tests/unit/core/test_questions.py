"""Read queries for the question bank and the debrief form (drafts: test_debrief_drafts)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from followup_desktop.core.db import Database
from followup_desktop.core.errors import NotFoundError
from followup_desktop.core.models import ContactRole
from followup_desktop.core.queries.debrief import panel_contacts
from followup_desktop.core.questions import (
    NO_THEME,
    contact_choices,
    latest_ended_interview_id,
    list_questions,
    load_debrief,
)
from followup_desktop.core.services import (
    ContactFields,
    DebriefFields,
    FollowupService,
    PanelMember,
    QuestionInput,
)

NOW = datetime(2026, 11, 23, 14, tzinfo=UTC)


@pytest.fixture
def service(database: Database) -> FollowupService:
    return FollowupService(database, clock=lambda: NOW)


def _interview(service: FollowupService, company: str, hours_ago: float) -> int:
    opportunity = service.create_opportunity(company, "Analyst").created_id
    assert opportunity is not None
    ends = NOW - timedelta(hours=hours_ago)
    created = service.record_interview(opportunity, ends - timedelta(hours=1), ends).created_id
    assert created is not None
    return created


def test_list_questions_spans_every_debrief_newest_first(service: FollowupService) -> None:
    older = _interview(service, "Acme", 48)
    newer = _interview(service, "Globex", 2)
    service.save_debrief(
        older,
        submit=True,
        questions=[QuestionInput("Why us?", "Pay", "Mission", theme="motivation")],
    )
    service.save_debrief(
        newer,
        submit=True,
        questions=[
            QuestionInput("Biggest failure?", better_answer="The outage", practiced=True),
            QuestionInput("Design a queue", theme="technical"),
        ],
    )
    with service.db.session() as session:
        records = list_questions(session)
    assert [(r.question, r.company) for r in records] == [
        ("Biggest failure?", "Globex"),
        ("Design a queue", "Globex"),
        ("Why us?", "Acme"),
    ]
    assert records[0].practiced and records[0].better_answer == "The outage"
    assert records[2].my_answer == "Pay" and records[2].theme == "motivation"
    assert records[0].interview_id == newer and records[0].interview_round == 1
    assert NO_THEME  # the bank's name for questions without a theme


def test_load_debrief_of_a_fresh_interview_is_empty(service: FollowupService) -> None:
    interview = _interview(service, "Acme", 1)
    with service.db.session() as session:
        snapshot = load_debrief(session, interview)
        with pytest.raises(NotFoundError, match="does not exist"):
            load_debrief(session, interview + 100)
    assert snapshot.status is None
    assert snapshot.panel == () and snapshot.questions == ()
    assert snapshot.company == "Acme" and snapshot.went_well == ""


def test_load_debrief_returns_the_stored_panel_and_questions(service: FollowupService) -> None:
    interview = _interview(service, "Acme", 1)
    service.save_debrief(
        interview,
        DebriefFields(went_well="Rapport", preparedness=3),
        submit=True,
        panel=[PanelMember("Ana Díaz", title="CTO", email="ana@acme.test", mention="Rust")],
        questions=[QuestionInput("Why us?")],
    )
    with service.db.session() as session:
        snapshot = load_debrief(session, interview)
        contacts = contact_choices(session)
    assert snapshot.panel[0].name == "Ana Díaz"
    assert snapshot.panel[0].mention == "Rust"
    assert snapshot.panel[0].contact_id == contacts[0].id
    assert snapshot.questions[0].question == "Why us?"
    assert snapshot.preparedness == 3
    assert [(c.name, c.title, c.email) for c in contacts] == [("Ana Díaz", "CTO", "ana@acme.test")]


def test_latest_ended_interview_ignores_ones_still_to_come(service: FollowupService) -> None:
    with service.db.session() as session:
        assert latest_ended_interview_id(session, NOW) is None
    _interview(service, "Acme", 30)
    latest = _interview(service, "Globex", 1)
    _interview(service, "Initech", -5)  # ends in five hours
    with service.db.session() as session:
        assert latest_ended_interview_id(session, NOW) == latest


def test_panel_contacts_are_every_contact_by_name_then_id(
    service: FollowupService,
) -> None:
    _interview(service, "Acme", 1)
    other = service.create_opportunity("Globex", "Analyst").created_id
    assert other is not None
    ids = [
        service.add_contact(name, ContactFields(title=title, email=email), **link).created_id
        for name, title, email, link in (
            ("Zoë Brandt", "CTO", "zoe@globex.test", {"opportunity_id": other}),
            ("Ana Díaz", "", "ana@acme.test", {}),
            (
                "Ana Díaz",
                "Recruiter",
                "ana.diaz@globex.test",
                {"opportunity_id": other, "role": ContactRole.RECRUITER},
            ),
        )
    ]
    zoe, ana, ana_at_globex = ids
    expected = [
        (ana, "Ana Díaz", "", "ana@acme.test", ""),
        (ana_at_globex, "Ana Díaz", "Recruiter", "ana.diaz@globex.test", ""),
        (zoe, "Zoë Brandt", "CTO", "zoe@globex.test", ""),
    ]
    # Every contact of the database, not only this opportunity's: anyone may have been
    # on the panel.
    assert [tuple(choice) for choice in panel_contacts(service.db)] == expected
    with service.db.session() as session:
        assert [tuple(choice) for choice in contact_choices(session)] == expected
    choice = panel_contacts(service.db)[2]
    assert (choice.id, choice.name, choice.title, choice.email, choice.phone) == expected[2]
