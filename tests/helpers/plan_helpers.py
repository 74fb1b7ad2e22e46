"""What the plan holds for an opportunity, read back for the tests."""

from __future__ import annotations

from sqlalchemy import select

from followup_desktop.core.models import Action, ActionState
from followup_desktop.core.services import FollowupService


def open_kinds(service: FollowupService, opportunity_id: int) -> set[str]:
    """The kinds of the opportunity's steps still to do (open, snoozed or missed)."""
    with service.db.session() as session:
        return {
            str(action.kind)
            for action in session.scalars(
                select(Action).where(
                    Action.opportunity_id == opportunity_id,
                    Action.state.in_([ActionState.OPEN, ActionState.SNOOZED, ActionState.MISSED]),
                )
            )
        }
