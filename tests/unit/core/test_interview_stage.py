"""Recording an interview moves its card forward to the interviewing stage, in one write."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from followup_desktop.core.errors import ValidationError
from followup_desktop.core.models import Opportunity, Stage, StageChange
from followup_desktop.core.services import FollowupService, OpportunityFields
from gui_helpers import NOW


def stage_id(service: FollowupService, name: str) -> int:
    with service.db.session() as session:
        found = session.scalars(select(Stage.id).where(Stage.name == name)).one()
    return int(found)


def stage_of(service: FollowupService, opportunity_id: int) -> int:
    with service.db.session() as session:
        opportunity = session.get(Opportunity, opportunity_id)
        assert opportunity is not None
        return opportunity.stage_id


def card_in(service: FollowupService, stage: str) -> int:
    created = service.create_opportunity(
        "Acme", "Analyst", OpportunityFields(stage_id=stage_id(service, stage))
    ).created_id
    assert created is not None
    return created


def history(
    service: FollowupService, opportunity_id: int
) -> list[tuple[int | None, int | None, str]]:
    with service.db.session() as session:
        rows = session.scalars(
            select(StageChange)
            .where(StageChange.opportunity_id == opportunity_id)
            .order_by(StageChange.id)
        ).all()
        return [(row.from_stage_id, row.to_stage_id, row.note) for row in rows]


@pytest.mark.parametrize("start", ["Wishlist", "Applied", "Screening"])
def test_an_interview_moves_an_earlier_card_to_interviewing(
    service: FollowupService, start: str
) -> None:
    acme = card_in(service, start)
    change = service.record_interview(
        acme, NOW - timedelta(minutes=45), NOW, "Europe/Berlin", advance_stage=True
    )
    assert stage_of(service, acme) == stage_id(service, "Interviewing")
    assert {"interview", "opportunity", "stage_history"} <= change.entities
    assert history(service, acme)[-1] == (
        stage_id(service, start),
        stage_id(service, "Interviewing"),
        "Interview recorded",
    )


@pytest.mark.parametrize("start", ["Interviewing", "Final round", "Offer", "Rejected"])
def test_a_card_already_there_or_further_stays(service: FollowupService, start: str) -> None:
    acme = card_in(service, start)
    before = history(service, acme)
    change = service.record_interview(
        acme, NOW - timedelta(minutes=45), NOW, "Europe/Berlin", advance_stage=True
    )
    assert stage_of(service, acme) == stage_id(service, start)
    assert history(service, acme) == before
    assert "stage_history" not in change.entities


def test_without_asking_the_card_stays(service: FollowupService) -> None:
    acme = card_in(service, "Applied")
    service.record_interview(acme, NOW - timedelta(minutes=45), NOW, "Europe/Berlin")
    assert stage_of(service, acme) == stage_id(service, "Applied")


def test_a_refused_interview_moves_nothing(service: FollowupService) -> None:
    acme = card_in(service, "Applied")
    before = history(service, acme)
    with pytest.raises(ValidationError):
        service.record_interview(
            acme, NOW, NOW - timedelta(minutes=45), "Europe/Berlin", advance_stage=True
        )
    # The move and the interview are one write: neither is kept.
    assert stage_of(service, acme) == stage_id(service, "Applied")
    assert history(service, acme) == before
