"""The correspondence room of the service: messages and calls, and what a reply says."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from followup_desktop.core.change import Change
from followup_desktop.core.errors import ValidationError
from followup_desktop.core.fields import SUBJECT
from followup_desktop.core.i18n import _
from followup_desktop.core.models import (
    Action,
    ActionState,
    Channel,
    Contact,
    Correspondence,
    Direction,
    Interview,
    Opportunity,
    Stage,
    StageChange,
    StageKind,
)
from followup_desktop.core.services._base import ReplyOutcome
from followup_desktop.core.services.opportunities import OpportunitiesMixin
from followup_desktop.core.timeutil import ensure_aware

if TYPE_CHECKING:
    from followup_desktop.core.messages.context import Draft


class CorrespondenceMixin(OpportunitiesMixin):
    """Messages sent and received; a reply moves the plan (and the stage) as it says."""

    def log_correspondence(
        self,
        opportunity_id: int,
        direction: Direction,
        occurred_at: datetime,
        *,
        channel: Channel = Channel.EMAIL,
        subject: str = "",
        body: str = "",
        contact_id: int | None = None,
        action_id: int | None = None,
        check_back_on: date | None = None,
        outcome: ReplyOutcome | None = None,
        next_round_at: datetime | None = None,
        decision_on: date | None = None,
        also_done: Sequence[int] = (),
        once_per_action: bool = False,
    ) -> Change:
        """Record a message or call, and let the plan follow it.

        With ``once_per_action``, a message sent for ``action_id`` is logged only once:
        when one is already logged for that action, nothing is written and the Change is
        empty (the composer's buttons may be pressed twice, or two composers opened on
        the same step, and the log must still hold the message once).

        A message *sent* counts as the step it answers: with ``action_id`` that action is
        done, as of when the message went out; ``check_back_on`` on a sent message is a
        day the person promised to be in touch. A message *received* restarts the
        follow-up cadence, and reopens an opportunity the person had moved on from. A reply
        can say what it said (``outcome``): a next round at ``next_round_at`` (recorded as
        the next interview), wait until ``check_back_on``, a rejection or an offer (the
        opportunity moves to that stage); ``decision_on`` is the day they said they would
        decide, kept on the latest interview. ``also_done`` are further steps a sent
        message covered (one note that answers two); they are done in the same
        transaction.
        """
        direction = Direction(direction)
        occurred_at = ensure_aware(occurred_at, "time of the message")
        if outcome is not None:
            outcome = ReplyOutcome(outcome)
            if direction is not Direction.RECEIVED:
                raise ValidationError(
                    _("Only a message from them can say what comes next; log it as received."),
                    "outcome",
                )
            if outcome is ReplyOutcome.NEXT_ROUND and next_round_at is None:
                raise ValidationError(
                    _("Give the date and time of the next round."), "next_round_at"
                )
            if outcome is ReplyOutcome.WAIT and check_back_on is None:
                raise ValidationError(
                    _("Give the day they asked you to wait until."), "check_back_on"
                )
        with self._write() as session:
            opportunity = self._get(session, Opportunity, opportunity_id, "Opportunity")
            if contact_id is not None:
                self._get(session, Contact, contact_id, "Contact")
            action = None
            if action_id is not None:
                action = self._get(session, Action, action_id, "Action")
                if once_per_action and direction is Direction.SENT:
                    logged = session.scalar(
                        select(Correspondence.id).where(
                            Correspondence.action_id == action_id,
                            Correspondence.direction == Direction.SENT,
                        )
                    )
                    if logged is not None:
                        return Change()
            entry = Correspondence(
                opportunity_id=opportunity_id,
                direction=direction,
                channel=Channel(channel),
                occurred_at=occurred_at,
                subject=SUBJECT.clean(subject),
                body=body or "",
                contact_id=contact_id,
                action_id=action_id,
                check_back_on=check_back_on,
            )
            session.add(entry)
            session.flush()
            entities = {"correspondence"}
            if (
                direction is Direction.SENT
                and action is not None
                and action.state in (ActionState.OPEN, ActionState.SNOOZED, ActionState.MISSED)
            ):
                # What went out is the step done, as of when it went out.
                action.state = ActionState.DONE
                action.snoozed_until = None
                action.completed_at = occurred_at
                entities.add("action")
            if direction is Direction.SENT and also_done:
                self._mark_covered(session, also_done, occurred_at)
                entities.add("action")
            if direction is Direction.RECEIVED:
                entities |= self._follow_reply(
                    session,
                    opportunity,
                    occurred_at,
                    outcome=outcome,
                    next_round_at=next_round_at,
                    decision_on=decision_on,
                )
            return self._finish(session, [opportunity_id], entities, entry.id)

    def record_sent_message(
        self, draft: Draft, *, subject: str, body: str, channel: Channel | None = None
    ) -> Change:
        """After a message went out by any route: log it and mark its step(s) done.

        One transaction, so Send, Open in my mail app, Copy and Print all record the same
        thing: the message in the correspondence log (linked to the action and the
        contact), then the action and any it also covered completed, which lets the
        schedule move on. A message with no opportunity only completes its steps.
        """
        if draft.opportunity_id is not None:
            return self.log_correspondence(
                draft.opportunity_id,
                Direction.SENT,
                self.clock(),
                channel=channel or draft.channel,
                subject=subject,
                body=body,
                contact_id=draft.contact_id,
                action_id=draft.action_id,
                also_done=draft.covers_action_ids,
                # Keyed on the draft's action: a second press, or a second composer on
                # the same step, logs nothing more and completes nothing again.
                once_per_action=True,
            )
        with self._write() as session:
            self._mark_covered(session, (draft.action_id, *draft.covers_action_ids), self.clock())
            return self._finish(session, [], {"action"})

    def _mark_covered(self, session: Session, action_ids: Sequence[int], at: datetime) -> None:
        for action_id in action_ids:
            action = self._get(session, Action, action_id, "Action")
            if action.state is not ActionState.DONE:
                action.state = ActionState.DONE
                action.snoozed_until = None
                action.completed_at = at

    def _follow_reply(
        self,
        session: Session,
        opportunity: Opportunity,
        occurred_at: datetime,
        *,
        outcome: ReplyOutcome | None,
        next_round_at: datetime | None,
        decision_on: date | None,
    ) -> set[str]:
        """Write down what a reply said; returns the kinds of records changed."""
        changed: set[str] = set()
        if decision_on is not None:
            latest = session.scalars(
                select(Interview)
                .where(Interview.opportunity_id == opportunity.id)
                .order_by(Interview.ends_at.desc())
            ).first()
            if latest is not None:
                latest.decision_date = decision_on
                changed.add("interview")
        if outcome in (ReplyOutcome.REJECTION, ReplyOutcome.OFFER):
            kind = StageKind.REJECTED if outcome is ReplyOutcome.REJECTION else StageKind.OFFER
            stage = session.scalars(
                select(Stage).where(Stage.kind == kind).order_by(Stage.position)
            ).first()
            if stage is None:
                raise ValidationError(
                    _("There is no stage of kind {kind}; add one in Settings first.").format(
                        kind=kind.value
                    ),
                    "outcome",
                )
            if opportunity.stage_id != stage.id:
                said = _("They said no") if kind is StageKind.REJECTED else _("They made an offer")
                self._move(session, opportunity, stage.id, said, occurred_at)
                changed.add("stage_history")
            return changed
        if outcome is ReplyOutcome.NEXT_ROUND:
            assert next_round_at is not None
            starts = ensure_aware(next_round_at, "time of the next round")
            count = session.scalar(
                select(func.count()).where(Interview.opportunity_id == opportunity.id)
            )
            session.add(
                Interview(
                    opportunity_id=opportunity.id,
                    round=int(count or 0) + 1,
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=1),
                    timezone=self._zone_name(session),
                )
            )
            changed.add("interview")
        changed |= self._reopen(session, opportunity, occurred_at)
        return changed

    def _reopen(self, session: Session, opportunity: Opportunity, when: datetime) -> set[str]:
        """A reply to someone who had moved on brings the opportunity back where it was."""
        if opportunity.stage.kind is not StageKind.CLOSED:
            return set()
        move = session.scalars(
            select(StageChange)
            .where(
                StageChange.opportunity_id == opportunity.id,
                StageChange.to_stage_id == opportunity.stage_id,
            )
            .order_by(StageChange.changed_at.desc(), StageChange.id.desc())
        ).first()
        if move is None or move.from_stage_id is None or move.changed_at > when:
            return set()
        before = session.get(Stage, move.from_stage_id)
        if before is None or before.kind.is_closed:
            return set()
        self._move(session, opportunity, before.id, _("They wrote again"))
        return {"stage_history", "opportunity"}
