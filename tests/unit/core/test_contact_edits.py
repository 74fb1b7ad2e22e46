"""Changing a person and taking them off an opportunity, through the service."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from followup_desktop.core.db import Database
from followup_desktop.core.errors import ValidationError
from followup_desktop.core.fields import ContactFields
from followup_desktop.core.models import (
    Contact,
    ContactRole,
    Correspondence,
    Direction,
    OpportunityContact,
)
from followup_desktop.core.services import FollowupService
from followup_desktop.core.validation import linkedin_profile

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)


@pytest.fixture
def service(database: Database) -> FollowupService:
    return FollowupService(database, clock=lambda: NOW)


def _setup(service: FollowupService) -> tuple[int, int]:
    acme = service.create_opportunity("Acme", "Analyst").created_id
    assert acme is not None
    jane = service.add_contact("Jane Roe", opportunity_id=acme).created_id
    assert jane is not None
    return acme, jane


def test_linkedin_profiles_are_checked_plainly() -> None:
    assert linkedin_profile("") == ""
    assert linkedin_profile(" www.linkedin.com/in/jane ") == "https://www.linkedin.com/in/jane"
    assert linkedin_profile("https://de.linkedin.com/in/jane") == "https://de.linkedin.com/in/jane"
    for wrong in ("https://example.com/in/jane", "ftp://linkedin.com/in/x", "notlinkedin.com/a"):
        with pytest.raises(ValidationError, match=r"linkedin\.com address") as caught:
            linkedin_profile(wrong)
        assert caught.value.field == "linkedin"


def test_an_update_changes_details_and_the_role_in_one_go(service: FollowupService) -> None:
    acme, jane = _setup(service)
    change = service.update_contact(
        jane,
        ContactFields(title="Recruiter", linkedin="linkedin.com/in/jane"),
        opportunity_id=acme,
        role=ContactRole.RECRUITER,
    )
    assert acme in change.opportunity_ids
    with service.db.session() as session:
        contact = session.get(Contact, jane)
        assert contact is not None
        assert (contact.title, contact.linkedin) == ("Recruiter", "https://linkedin.com/in/jane")
        roles = session.scalars(select(OpportunityContact.role)).all()
        assert roles == [ContactRole.RECRUITER]


def test_a_bad_update_writes_nothing(service: FollowupService) -> None:
    acme, jane = _setup(service)
    with pytest.raises(ValidationError):
        service.update_contact(
            jane,
            ContactFields(title="Changed", email="not-an-address"),
            opportunity_id=acme,
            role=ContactRole.HR,
        )
    with service.db.session() as session:
        contact = session.get(Contact, jane)
        assert contact is not None and contact.title == ""
        assert session.scalars(select(OpportunityContact.role)).all() == [ContactRole.INTERVIEWER]


def test_taking_a_person_off_keeps_their_history_and_can_be_undone(
    service: FollowupService,
) -> None:
    acme, jane = _setup(service)
    service.link_contact(acme, jane, ContactRole.HR)
    service.log_correspondence(acme, Direction.RECEIVED, NOW, contact_id=jane, subject="Hi")
    change, roles = service.unlink_contact(acme, jane)
    assert acme in change.opportunity_ids
    assert sorted(roles) == sorted([ContactRole.INTERVIEWER, ContactRole.HR])
    with service.db.session() as session:
        assert session.scalars(select(OpportunityContact)).all() == []
        assert session.get(Contact, jane) is not None
        assert session.scalars(select(Correspondence.contact_id)).one() == jane
    for role in roles:
        service.link_contact(acme, jane, role)
    with service.db.session() as session:
        assert len(session.scalars(select(OpportunityContact)).all()) == 2
