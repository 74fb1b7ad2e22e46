"""Which step a sent message answers, on a real database (no mail server needed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from followup_desktop.core.db import Database
from followup_desktop.core.mailbox.directory import load_directory, open_step_for
from followup_desktop.core.models import Action, ContactRole
from followup_desktop.core.services import ContactFields, FollowupService, PanelMember


def test_a_note_to_hr_closes_the_thank_you_planned_to_go_through_them(
    database: Database,
) -> None:
    now = datetime.now(UTC)
    service = FollowupService(database)
    opportunity = service.create_opportunity("Initech", "Analyst").created_id
    assert opportunity is not None
    hr = service.add_contact(
        "Bob Porter",
        ContactFields(email="bob@initech.example"),
        opportunity_id=opportunity,
        role=ContactRole.HR,
    ).created_id
    start = now - timedelta(days=1)
    interview = service.record_interview(opportunity, start, start + timedelta(hours=1))
    assert interview.created_id is not None
    # The interviewer has no address: the plan sends the thank-you through HR.
    service.set_panel(interview.created_id, [PanelMember(name="Bill Lumbergh")])
    with database.session() as session:
        thank_you = session.scalars(select(Action).where(Action.kind == "thank_you")).one()
        assert "<bob@initech.example>" in thank_you.recipient
        assert thank_you.contact_id != hr
        found = open_step_for(session, opportunity, hr, now, "bob@initech.example")
        assert found == thank_you.id
        # Without the address the HR contact has no thank-you of their own.
        assert open_step_for(session, opportunity, hr, now) != thank_you.id
        directory = load_directory(session)
    scope = directory.opportunities[opportunity]
    assert scope.domains == {"initech.example"}
    assert scope.first_date <= start - timedelta(days=14)


def test_personal_addresses_never_stand_for_a_company(database: Database) -> None:
    service = FollowupService(database)
    opportunity = service.create_opportunity("Small Shop", "Clerk").created_id
    assert opportunity is not None
    service.add_contact(
        "Owner",
        ContactFields(email="owner@gmail.com"),
        opportunity_id=opportunity,
        role=ContactRole.HR,
    )
    with database.session() as session:
        directory = load_directory(session)
    assert directory.opportunities[opportunity].domains == set()
    assert directory.by_domain("gmail.com") == []
    assert [c for _s, c, _r in directory.by_address("owner@gmail.com")]
