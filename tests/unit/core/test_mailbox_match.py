"""Which step a sent message answers, on a real database (no mail server needed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from followup_desktop.core.db import Database
from followup_desktop.core.mailbox.directory import load_directory, open_step_for
from followup_desktop.core.models import Action, ContactRole
from followup_desktop.core.services import (
    ContactFields,
    FollowupService,
    OpportunityFields,
    PanelMember,
)


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


def test_the_link_of_an_opportunity_names_the_companys_domain(database: Database) -> None:
    service = FollowupService(database)
    site = service.create_opportunity(
        "Globex",
        "Planner",
        OpportunityFields(link="https://careers.globex.example/jobs/42?src=mail"),
    ).created_id
    british = service.create_opportunity(
        "Hooli", "Clerk", OpportunityFields(link="https://jobs.hooli.co.uk/")
    ).created_id
    board = service.create_opportunity(
        "Initrode", "Tester", OpportunityFields(link="https://www.linkedin.com/jobs/view/1234")
    ).created_id
    hosted = service.create_opportunity(
        "Vandelay", "Importer", OpportunityFields(link="https://vandelay.teamtailor.com/jobs/9")
    ).created_id
    personal = service.create_opportunity(
        "Corner Café", "Barista", OpportunityFields(link="https://sites.google.com/view/cafe")
    ).created_id
    assert site and british and board and hosted and personal
    with database.session() as session:
        directory = load_directory(session)
    scopes = directory.opportunities
    assert scopes[site].site_domains == {"globex.example"}
    assert scopes[british].site_domains == {"hooli.co.uk"}
    # A job board, a careers page hosted by a recruiting service, a personal site: none
    # says anything about who the employer's mail comes from.
    assert scopes[board].site_domains == set()
    assert scopes[hosted].site_domains == set()
    assert scopes[personal].site_domains == set()
    # The company's mail comes from its domain or any of its subdomains.
    assert [s.id for s in directory.by_domain("globex.example")] == [site]
    assert [s.id for s in directory.by_domain("talent.globex.example")] == [site]
    assert directory.by_domain("notglobex.example") == []
    assert directory.by_domain("linkedin.com") == []
    assert directory.by_domain("gmail.com") == []
    assert not directory.empty


def test_links_that_name_no_company(database: Database) -> None:
    from followup_desktop.core.mailbox.directory import website_domain

    assert website_domain("") is None
    assert website_domain("not a link") is None
    assert website_domain("https://192.168.1.10/jobs") is None
    assert website_domain("https://gmail.com") is None
    assert website_domain("https://boards.greenhouse.io/acme/jobs/1") is None
    assert website_domain("http://[::1]:8080/x") is None
    assert website_domain("HTTPS://WWW.Acme-Robotics.Example/careers") == "acme-robotics.example"
