"""The agenda: open actions in due order, sorted into overdue, today and upcoming.

Read-only and cheap: one indexed query of plain columns (no ORM objects), so the command
line, the Today panel and the tray can all ask often.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from followup_desktop.core.models import Action, ActionState, Opportunity

KIND_LABELS = {
    "debrief": "Write the debrief",
    "thank_you": "Send a thank-you note",
    "send_material": "Send the promised material",
    "tell_references": "Brief your references",
    "check_in_referrer": "Check in with your referrer",
    "still_interested": "Send a short still-interested note",
    "status_follow_up": "Ask about the status",
    "phone_call": "Call about the status",
    "closing_note": "Send a courteous closing note",
    "reply_to_rejection": "Reply to the rejection",
    "keep_options_open": "Keep other options open",
    "review_offer": "Review the offer",
    "move_on": "Mark it as moved on",
    "prepare_next_round": "Prepare for the next round",
    "value_add": "Share something useful",
    "set_criteria": "Set your acceptance criteria",
    "build_skills": "Work on a skill",
    "new_evidence_note": "Send a short note with the new evidence",
    "custom": "Your own to-do",
}


def kind_label(kind: str) -> str:
    """A short imperative phrase for an action kind."""
    return KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())


class Bucket(enum.StrEnum):
    """Where an action stands against the clock."""

    OVERDUE = "overdue"
    TODAY = "today"
    UPCOMING = "upcoming"
    # Long past its point: no longer reminded, listed apart until cleared.
    MISSED = "missed"


@dataclass(frozen=True, slots=True)
class AgendaItem:
    """One open action as shown to the person, with its effective due time."""

    action_id: int
    opportunity_id: int | None
    company: str
    role: str
    kind: str
    due_at: datetime
    snoozed: bool
    recipient: str
    channel: str | None
    reason: str
    bucket: Bucket

    @property
    def label(self) -> str:
        """What to do, in words."""
        return kind_label(self.kind)

    def as_json(self) -> dict[str, Any]:
        """The stable JSON shape of ``followup-desktop agenda --json``."""
        return {
            "action_id": self.action_id,
            "opportunity_id": self.opportunity_id,
            "company": self.company,
            "role": self.role,
            "kind": self.kind,
            "label": self.label,
            "due_at": self.due_at.isoformat(),
            "bucket": self.bucket.value,
            "snoozed": self.snoozed,
            "recipient": self.recipient,
            "channel": self.channel,
            "reason": self.reason,
        }


def effective_due_column() -> Any:
    """SQL expression for when an action is really due (a snooze postpones it)."""
    return func.coalesce(Action.snoozed_until, Action.due_at)


def missed(session: Session, limit: int | None = None) -> list[AgendaItem]:
    """Steps the playbook marked missed (long past their point), oldest first."""
    query = (
        select(
            Action.id,
            Action.opportunity_id,
            Opportunity.company,
            Opportunity.role,
            Action.kind,
            Action.due_at,
            Action.recipient,
            Action.channel,
            Action.reason,
        )
        .outerjoin(Opportunity, Action.opportunity_id == Opportunity.id)
        .where(Action.state == ActionState.MISSED)
        .where(or_(Opportunity.id.is_(None), Opportunity.archived.is_(False)))
        .order_by(Action.due_at, Action.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return [
        AgendaItem(
            action_id=row.id,
            opportunity_id=row.opportunity_id,
            company=row.company or "",
            role=row.role or "",
            kind=row.kind,
            due_at=row.due_at,
            snoozed=False,
            recipient=row.recipient,
            channel=None if row.channel is None else str(row.channel.value),
            reason=row.reason,
            bucket=Bucket.MISSED,
        )
        for row in session.execute(query)
    ]


def agenda(
    session: Session,
    now: datetime,
    tz: tzinfo,
    *,
    until: datetime | None = None,
    since: datetime | None = None,
    limit: int | None = None,
) -> list[AgendaItem]:
    """Open and snoozed actions due from ``since`` to before ``until``, soonest first.

    Both bounds are optional. The sort follows an index on the effective due time, so a
    small ``limit`` reads only the first few rows however many actions there are.

    "Today" is the person's calendar day in ``tz``; anything due before ``now`` is overdue.
    """
    due = effective_due_column()
    query = (
        select(
            Action.id,
            Action.opportunity_id,
            Opportunity.company,
            Opportunity.role,
            Action.kind,
            Action.due_at,
            Action.snoozed_until,
            Action.state,
            Action.recipient,
            Action.channel,
            Action.reason,
        )
        .outerjoin(Opportunity, Action.opportunity_id == Opportunity.id)
        .where(Action.state.in_([ActionState.OPEN, ActionState.SNOOZED]))
        .where(or_(Opportunity.id.is_(None), Opportunity.archived.is_(False)))
        .order_by(due, Action.id)
    )
    if until is not None:
        query = query.where(due < until)
    if since is not None:
        query = query.where(due >= since)
    if limit is not None:
        query = query.limit(limit)
    local_now = now.astimezone(tz)
    end_of_today = local_now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    items = []
    for row in session.execute(query):
        snoozed = row.state is ActionState.SNOOZED and row.snoozed_until is not None
        due_at = row.snoozed_until if snoozed else row.due_at
        if due_at < now:
            bucket = Bucket.OVERDUE
        elif due_at.astimezone(tz) < end_of_today:
            bucket = Bucket.TODAY
        else:
            bucket = Bucket.UPCOMING
        items.append(
            AgendaItem(
                action_id=row.id,
                opportunity_id=row.opportunity_id,
                company=row.company or "",
                role=row.role or "",
                kind=row.kind,
                due_at=due_at,
                snoozed=snoozed,
                recipient=row.recipient,
                channel=None if row.channel is None else str(row.channel.value),
                reason=row.reason,
                bucket=bucket,
            )
        )
    return items
