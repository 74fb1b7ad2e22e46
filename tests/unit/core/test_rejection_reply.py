"""A rejection logged as a reply, after an earlier reply, on a real SQLite file: the card
moves to Rejected through the one move path, the follow-ups end and the courteous reply is
planned; the Change says the stage moved (the editor relies on that to keep it)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from followup_desktop.core.db import Database
from followup_desktop.core.models import (
    Direction,
    Opportunity,
    Stage,
    StageChange,
    StageKind,
)
from followup_desktop.core.services import FollowupService, OpportunityFields, ReplyOutcome
from plan_helpers import open_kinds

NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)


@pytest.fixture
def service(database: Database) -> FollowupService:
    return FollowupService(database, clock=lambda: NOW)


def test_a_rejection_after_a_reply_ends_the_follow_ups_and_plans_the_courteous_reply(
    service: FollowupService,
) -> None:
    with service.db.session() as session:
        interviewing = session.scalars(
            select(Stage.id).where(Stage.kind == StageKind.ACTIVE, Stage.name == "Interviewing")
        ).one()
    opportunity = service.create_opportunity(
        "Acme", "Analyst", OpportunityFields(stage_id=interviewing)
    ).created_id
    assert opportunity is not None
    ended = NOW - timedelta(days=3)
    service.record_interview(opportunity, ended - timedelta(hours=1), ended)
    # Their first reply says nothing in particular: the status check is planned again.
    service.log_correspondence(opportunity, Direction.RECEIVED, NOW - timedelta(hours=2))
    assert "status_follow_up" in open_kinds(service, opportunity)

    change = service.log_correspondence(
        opportunity,
        Direction.RECEIVED,
        NOW - timedelta(hours=1),
        subject="Your application",
        outcome=ReplyOutcome.REJECTION,
    )

    assert "stage_history" in change.entities
    kinds = open_kinds(service, opportunity)
    assert "reply_to_rejection" in kinds
    assert not kinds & {"status_follow_up", "still_interested"}, kinds
    with service.db.session() as session:
        card = session.get(Opportunity, opportunity)
        assert card is not None and card.stage.kind is StageKind.REJECTED
        [move] = session.scalars(
            select(StageChange).where(
                StageChange.opportunity_id == opportunity,
                StageChange.to_stage_id == card.stage_id,
            )
        ).all()
        assert move.from_stage_id == interviewing
    # Saving the card's other fields afterwards leaves it where the reply put it.
    service.update_opportunity(opportunity, OpportunityFields(notes="Ask to be kept in mind."))
    with service.db.session() as session:
        card = session.get(Opportunity, opportunity)
        assert card is not None and card.stage.kind is StageKind.REJECTED
