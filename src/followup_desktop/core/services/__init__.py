"""The service layer: every change to what Followup knows goes through here.

The window, the tray and the command line all call these methods; none of them writes to
the database directly. Each mutation validates first, writes in one transaction, re-plans
the opportunities whose facts changed, and returns a :class:`Change` naming what changed,
so a view refreshes only what it shows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from followup_desktop.core import validation
from followup_desktop.core.change import Change as Change
from followup_desktop.core.errors import NotFoundError, ValidationError
from followup_desktop.core.models import (
    Action,
    ActionOrigin,
    ActionState,
    Channel,
    Contact,
    ContactRole,
    Correspondence,
    Debrief,
    DebriefStatus,
    Direction,
    Interview,
    InterviewKind,
    InterviewParticipant,
    Opportunity,
    OpportunityContact,
    Setting,
    Stage,
    StageChange,
    StageKind,
    StumbledQuestion,
)
from followup_desktop.core.playbook import new_evidence_reason, replan
from followup_desktop.core.playbook.settings import SETTINGS_KEY, validate_settings
from followup_desktop.core.settings_registry import check_setting
from followup_desktop.core.timeutil import (
    check_zone_name,
    ensure_aware,
)

if TYPE_CHECKING:
    from followup_desktop.core.imports.contacts import ContactPlan
    from followup_desktop.core.imports.plan import ContactDraft, ImportPlan, PlannedRow

from followup_desktop.core.services._base import (
    _CONTACT_TEXT,
    _DEBRIEF_TEXT,
    _OPPORTUNITY_TEXT,
    ServiceBase,
    _clean_text,
    _refuse_nul_inside,
    _reject_unknown,
)
from followup_desktop.core.services._base import (
    Clock as Clock,
)
from followup_desktop.core.services._base import (
    PanelMember as PanelMember,
)
from followup_desktop.core.services._base import (
    QuestionInput as QuestionInput,
)
from followup_desktop.core.services._base import (
    ReplyOutcome as ReplyOutcome,
)


class FollowupService(ServiceBase):
    """Validated, transactional changes to the job search, each re-planned at once."""

    # -- opportunities ---------------------------------------------------------------

    def create_opportunity(self, company: str, role: str, **fields: Any) -> Change:
        """Add an opportunity (in the first active stage unless ``stage_id`` is given)."""
        with self.db.session() as session:
            stage_id = fields.pop("stage_id", None)
            stage = (
                self._get(session, Stage, stage_id, "Stage")
                if stage_id is not None
                else self._default_stage(session)
            )
            opportunity = Opportunity(company="", role="", stage_id=stage.id)
            self._apply_opportunity_fields(
                session, opportunity, {"company": company, "role": role, **fields}
            )
            now = self.clock()
            opportunity.created_at = opportunity.updated_at = now
            session.add(opportunity)
            session.flush()
            session.add(
                StageChange(opportunity_id=opportunity.id, to_stage_id=stage.id, changed_at=now)
            )
            return self._finish(session, [opportunity.id], {"opportunity"}, opportunity.id)

    def update_opportunity(self, opportunity_id: int, **fields: Any) -> Change:
        """Change an opportunity's fields; a changed ``stage_id`` is recorded as a move."""
        stage_id = fields.pop("stage_id", None)
        with self.db.session() as session:
            opportunity = self._get(session, Opportunity, opportunity_id, "Opportunity")
            self._apply_opportunity_fields(session, opportunity, fields)
            opportunity.updated_at = self.clock()
            if stage_id is not None and stage_id != opportunity.stage_id:
                self._move(session, opportunity, stage_id, "")
            return self._finish(session, [opportunity_id], {"opportunity"})

    def _apply_opportunity_fields(
        self, session: Session, opportunity: Opportunity, fields: dict[str, Any]
    ) -> None:
        allowed = {
            *_OPPORTUNITY_TEXT,
            "link",
            "salary_min",
            "salary_max",
            "referrer_id",
            "start_date",
            "playbook_overrides",
            "archived",
        }
        _reject_unknown(fields, allowed, "opportunity")
        for name, value in fields.items():
            if name in _OPPORTUNITY_TEXT:
                setattr(opportunity, name, _clean_text(_OPPORTUNITY_TEXT, name, value))
        if "link" in fields:
            opportunity.link = validation.url(fields["link"])
        minimum = fields.get("salary_min", opportunity.salary_min)
        maximum = fields.get("salary_max", opportunity.salary_max)
        opportunity.salary_min, opportunity.salary_max = validation.salary_range(minimum, maximum)
        if fields.get("referrer_id") is not None:
            self._get(session, Contact, fields["referrer_id"], "Contact")
        if "referrer_id" in fields:
            opportunity.referrer_id = fields["referrer_id"]
        if "start_date" in fields:
            opportunity.start_date = fields["start_date"]
        if "playbook_overrides" in fields:
            # Checked here so a bad number is refused with its name, not at re-plan time.
            opportunity.playbook_overrides = validate_settings(
                fields["playbook_overrides"] or {}, per_opportunity=True
            )
        if "archived" in fields:
            opportunity.archived = bool(fields["archived"])

    def _move(
        self,
        session: Session,
        opportunity: Opportunity,
        stage_id: int,
        note: str,
        when: datetime | None = None,
    ) -> None:
        stage = self._get(session, Stage, stage_id, "Stage")
        session.add(
            StageChange(
                opportunity_id=opportunity.id,
                from_stage_id=opportunity.stage_id,
                to_stage_id=stage.id,
                changed_at=self.clock() if when is None else when,
                note=note,
            )
        )
        opportunity.stage_id = stage.id
        opportunity.updated_at = self.clock()

    def move_opportunities(
        self, opportunity_ids: Sequence[int], stage_id: int, note: str = ""
    ) -> Change:
        """Move one or several opportunities to a stage, each move recorded in history."""
        with self.db.session() as session:
            moved = []
            self._get(session, Stage, stage_id, "Stage")
            for opportunity in self._get_opportunities(session, opportunity_ids):
                if opportunity.stage_id != stage_id:
                    self._move(session, opportunity, stage_id, note)
                    moved.append(opportunity.id)
            return self._finish(session, moved, {"opportunity", "stage_history"})

    def set_archived(self, opportunity_ids: Sequence[int], archived: bool = True) -> Change:
        """Archive (or bring back) opportunities; archived ones get no follow-ups."""
        with self.db.session() as session:
            for opportunity in self._get_opportunities(session, opportunity_ids):
                opportunity.archived = archived
                opportunity.updated_at = self.clock()
            return self._finish(session, opportunity_ids, {"opportunity"})

    def delete_opportunity(self, opportunity_id: int) -> Change:
        """Delete an opportunity with its interviews, actions and correspondence."""
        with self.db.session() as session:
            opportunity = self._get(session, Opportunity, opportunity_id, "Opportunity")
            session.delete(opportunity)
            session.flush()
            replan(session, [], self.clock())
            return Change(frozenset({opportunity_id}), frozenset({"opportunity"}))

    # -- contacts --------------------------------------------------------------------

    def add_contact(
        self,
        name: str,
        *,
        opportunity_id: int | None = None,
        role: ContactRole | None = None,
        **fields: Any,
    ) -> Change:
        """Add a person, optionally linked to an opportunity in a role."""
        with self.db.session() as session:
            contact = Contact(name="")
            self._apply_contact_fields(contact, {"name": name, **fields})
            session.add(contact)
            session.flush()
            touched: list[int] = []
            if opportunity_id is not None:
                self._get(session, Opportunity, opportunity_id, "Opportunity")
                session.add(
                    OpportunityContact(
                        opportunity_id=opportunity_id,
                        contact_id=contact.id,
                        role=role or ContactRole.INTERVIEWER,
                    )
                )
                touched.append(opportunity_id)
            return self._finish(session, touched, {"contact"}, contact.id)

    def update_contact(self, contact_id: int, **fields: Any) -> Change:
        """Change a person's details; every opportunity they belong to is re-planned."""
        with self.db.session() as session:
            contact = self._get(session, Contact, contact_id, "Contact")
            self._apply_contact_fields(contact, fields)
            linked = session.scalars(
                select(OpportunityContact.opportunity_id).where(
                    OpportunityContact.contact_id == contact_id
                )
            ).all()
            return self._finish(session, linked, {"contact"})

    def _apply_contact_fields(self, contact: Contact, fields: dict[str, Any]) -> None:
        _reject_unknown(fields, {*_CONTACT_TEXT, "email"}, "contact")
        for name, value in fields.items():
            if name in _CONTACT_TEXT:
                setattr(contact, name, _clean_text(_CONTACT_TEXT, name, value))
        if "email" in fields:
            contact.email = validation.email(fields["email"])

    def link_contact(self, opportunity_id: int, contact_id: int, role: ContactRole) -> Change:
        """Give a known person a role in an opportunity (idempotent)."""
        with self.db.session() as session:
            self._get(session, Opportunity, opportunity_id, "Opportunity")
            self._get(session, Contact, contact_id, "Contact")
            if session.get(OpportunityContact, (opportunity_id, contact_id, role)) is None:
                session.add(
                    OpportunityContact(
                        opportunity_id=opportunity_id, contact_id=contact_id, role=role
                    )
                )
            return self._finish(session, [opportunity_id], {"contact"})

    # -- interviews ------------------------------------------------------------------

    def record_interview(
        self,
        opportunity_id: int,
        starts_at: datetime,
        ends_at: datetime,
        timezone: str = "UTC",
        **fields: Any,
    ) -> Change:
        """Add an interview; its follow-ups are planned from its end."""
        with self.db.session() as session:
            self._get(session, Opportunity, opportunity_id, "Opportunity")
            interview = Interview(opportunity_id=opportunity_id)
            self._apply_interview_fields(
                interview,
                {"starts_at": starts_at, "ends_at": ends_at, "timezone": timezone, **fields},
            )
            if "round" not in fields:
                count = session.scalar(
                    select(func.count()).where(Interview.opportunity_id == opportunity_id)
                )
                interview.round = int(count or 0) + 1
            session.add(interview)
            session.flush()
            return self._finish(session, [opportunity_id], {"interview"}, interview.id)

    def update_interview(self, interview_id: int, **fields: Any) -> Change:
        """Change an interview (times, what they said about next steps, ...)."""
        with self.db.session() as session:
            interview = self._get(session, Interview, interview_id, "Interview")
            self._apply_interview_fields(interview, fields)
            return self._finish(session, [interview.opportunity_id], {"interview"})

    def _apply_interview_fields(  # noqa: PLR0912 - one branch per optional field
        self, interview: Interview, fields: dict[str, Any]
    ) -> None:
        allowed = {
            "starts_at",
            "ends_at",
            "timezone",
            "round",
            "kind",
            "location",
            "next_steps",
            "decision_timeline_days",
            "decision_date",
            "may_check_in",
            "check_back_on",
            "preferred_channel",
            "notes",
            "ical_uid",
        }
        _reject_unknown(fields, allowed, "interview")
        starts = ensure_aware(fields.get("starts_at", interview.starts_at), "start time")
        ends = ensure_aware(fields.get("ends_at", interview.ends_at), "end time")
        validation.interview_times(starts, ends)
        interview.starts_at, interview.ends_at = starts, ends
        if "timezone" in fields:
            interview.timezone = check_zone_name(fields["timezone"])
        if "round" in fields:
            if int(fields["round"]) < 1:
                raise ValidationError("The round is a number from 1.", "round")
            interview.round = int(fields["round"])
        if "kind" in fields:
            interview.kind = InterviewKind(fields["kind"])
        for name in ("location", "next_steps", "notes"):
            if name in fields:
                setattr(
                    interview,
                    name,
                    validation.optional_text(fields[name], name, name.replace("_", " "), 10**7),
                )
        if "decision_timeline_days" in fields:
            interview.decision_timeline_days = validation.timeline_days(
                fields["decision_timeline_days"]
            )
        for name in ("decision_date", "check_back_on"):
            if name in fields:
                value = fields[name]
                if value is not None and not isinstance(value, date):
                    raise ValidationError(f"{name.replace('_', ' ')} must be a date.", name)
                setattr(interview, name, value)
        if "may_check_in" in fields:
            interview.may_check_in = fields["may_check_in"]
        if "preferred_channel" in fields:
            channel = fields["preferred_channel"]
            interview.preferred_channel = None if channel is None else Channel(channel)
        if "ical_uid" in fields:
            interview.ical_uid = fields["ical_uid"]

    def set_panel(self, interview_id: int, panel: Sequence[PanelMember]) -> Change:
        """Replace who was on the panel, creating contacts for new names."""
        with self.db.session() as session:
            interview = self._get(session, Interview, interview_id, "Interview")
            self._set_panel(session, interview, panel)
            return self._finish(session, [interview.opportunity_id], {"interview", "contact"})

    def _set_panel(
        self, session: Session, interview: Interview, panel: Sequence[PanelMember]
    ) -> None:
        for index, member in enumerate(panel):
            if not member.name.strip():
                raise ValidationError(f"Panel row {index + 1} needs a name.", f"panel[{index}]")
            validation.email(member.email, f"panel[{index}].email", f"Row {index + 1}'s email")
        interview.participants.clear()
        session.flush()
        seen: set[int] = set()
        for index, member in enumerate(panel):
            fields = {
                "name": member.name,
                "title": member.title,
                "email": member.email,
                "phone": member.phone,
            }
            if member.contact_id is not None:
                contact = self._get(session, Contact, member.contact_id, "Contact")
            else:
                contact = Contact(name="")
                session.add(contact)
            self._apply_contact_fields(contact, fields)
            session.flush()
            if contact.id in seen:
                raise ValidationError(f"{contact.name} is on the panel twice.", f"panel[{index}]")
            seen.add(contact.id)
            interview.participants.append(
                InterviewParticipant(contact_id=contact.id, position=index, mention=member.mention)
            )
            if (
                session.get(
                    OpportunityContact,
                    (interview.opportunity_id, contact.id, ContactRole.INTERVIEWER),
                )
                is None
            ):
                session.add(
                    OpportunityContact(
                        opportunity_id=interview.opportunity_id,
                        contact_id=contact.id,
                        role=ContactRole.INTERVIEWER,
                    )
                )

    # -- debriefs --------------------------------------------------------------------

    def save_debrief(
        self,
        interview_id: int,
        *,
        submit: bool = False,
        questions: Sequence[QuestionInput] | None = None,
        panel: Sequence[PanelMember] | None = None,
        **fields: Any,
    ) -> Change:
        """Save a debrief draft, or submit it (validated, panel saved, re-planned)."""
        allowed = {*_DEBRIEF_TEXT, "preparedness", "tied_experience"}
        _reject_unknown(fields, allowed, "debrief")
        with self.db.session() as session:
            interview = self._get(session, Interview, interview_id, "Interview")
            debrief = interview.debrief or Debrief(interview_id=interview_id)
            for name in _DEBRIEF_TEXT:
                if name in fields:
                    setattr(
                        debrief,
                        name,
                        validation.optional_text(fields[name], name, name.replace("_", " "), 10**7),
                    )
            if "preparedness" in fields:
                debrief.preparedness = validation.preparedness(fields["preparedness"])
            if "tied_experience" in fields:
                debrief.tied_experience = fields["tied_experience"]
            if questions is not None:
                if submit:
                    for index, row in enumerate(questions):
                        if not row.question.strip():
                            raise ValidationError(
                                f"Question row {index + 1} is empty; fill it or remove it.",
                                f"questions[{index}]",
                            )
                debrief.questions = [
                    StumbledQuestion(
                        position=index,
                        question=row.question,
                        my_answer=row.my_answer,
                        better_answer=row.better_answer,
                        theme=row.theme,
                        practiced=row.practiced,
                    )
                    for index, row in enumerate(questions)
                ]
            if panel is not None and submit:
                self._set_panel(session, interview, panel)
            now = self.clock()
            debrief.updated_at = now
            if submit:
                debrief.status = DebriefStatus.SUBMITTED
                debrief.submitted_at = now
            if interview.debrief is None:
                session.add(debrief)
            session.flush()
            return self._finish(session, [interview.opportunity_id], {"debrief"}, debrief.id)

    def set_question_practiced(
        self, question_id: int, practiced: bool, better_answer: str | None = None
    ) -> Change:
        """Mark a stumbled question as rehearsed, optionally with a revised answer."""
        with self.db.session() as session:
            question = self._get(session, StumbledQuestion, question_id, "Question")
            question.practiced = practiced
            if better_answer is not None:
                question.better_answer = better_answer
            return Change(frozenset(), frozenset({"question"}))

    # -- correspondence --------------------------------------------------------------

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
    ) -> Change:
        """Record a message or call, and let the plan follow it.

        A message *sent* counts as the step it answers: with ``action_id`` that action is
        done, as of when the message went out; ``check_back_on`` on a sent message is a
        day the person promised to be in touch. A message *received* restarts the
        follow-up cadence, and reopens an opportunity the person had moved on from. A reply
        can say what it said (``outcome``): a next round at ``next_round_at`` (recorded as
        the next interview), wait until ``check_back_on``, a rejection or an offer (the
        opportunity moves to that stage); ``decision_on`` is the day they said they would
        decide, kept on the latest interview.
        """
        direction = Direction(direction)
        occurred_at = ensure_aware(occurred_at, "time of the message")
        if outcome is not None:
            outcome = ReplyOutcome(outcome)
            if direction is not Direction.RECEIVED:
                raise ValidationError(
                    "Only a message from them can say what comes next; log it as received.",
                    "outcome",
                )
            if outcome is ReplyOutcome.NEXT_ROUND and next_round_at is None:
                raise ValidationError("Give the date and time of the next round.", "next_round_at")
            if outcome is ReplyOutcome.WAIT and check_back_on is None:
                raise ValidationError("Give the day they asked you to wait until.", "check_back_on")
        with self.db.session() as session:
            opportunity = self._get(session, Opportunity, opportunity_id, "Opportunity")
            if contact_id is not None:
                self._get(session, Contact, contact_id, "Contact")
            action = None
            if action_id is not None:
                action = self._get(session, Action, action_id, "Action")
            entry = Correspondence(
                opportunity_id=opportunity_id,
                direction=direction,
                channel=Channel(channel),
                occurred_at=occurred_at,
                subject=validation.optional_text(subject, "subject", "Subject", 1000),
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
                    f"There is no stage of kind {kind.value}; add one in Settings first.",
                    "outcome",
                )
            if opportunity.stage_id != stage.id:
                said = "They said no" if kind is StageKind.REJECTED else "They made an offer"
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
        self._move(session, opportunity, before.id, "They wrote again")
        return {"stage_history", "opportunity"}

    def clear_missed(self, action_ids: Sequence[int] | None = None) -> Change:
        """Clear steps from the missed list (all when None): they are dismissed."""
        with self.db.session() as session:
            query = select(Action).where(Action.state == ActionState.MISSED)
            if action_ids is not None:
                query = query.where(Action.id.in_(list(action_ids)))
            touched: set[int] = set()
            for action in session.scalars(query):
                action.state = ActionState.DISMISSED
                if action.opportunity_id is not None:
                    touched.add(action.opportunity_id)
            return self._finish(session, touched, {"action"})

    def offer_new_evidence_note(self, question_id: int) -> Change:
        """The person marks a better answer as new evidence that meets a need they have.

        Normally a better answer found afterwards is kept for the next interview, not
        sent (re-answering sounds needy); this one exception gets a brief note, as an
        action of the person's own that the planner never changes.
        """
        with self.db.session() as session:
            question = self._get(session, StumbledQuestion, question_id, "Question")
            interview = question.debrief.interview
            opportunity = interview.opportunity
            action = Action(
                opportunity_id=opportunity.id,
                interview_id=interview.id,
                kind="new_evidence_note",
                due_at=self.clock(),
                reason=new_evidence_reason(opportunity.company, question.question),
                origin=ActionOrigin.MANUAL,
                created_at=self.clock(),
            )
            session.add(action)
            session.flush()
            return Change(frozenset({opportunity.id}), frozenset({"action"}), action.id)

    # -- actions ---------------------------------------------------------------------

    def add_action(
        self,
        kind: str,
        due_at: datetime,
        *,
        opportunity_id: int | None = None,
        reason: str = "",
        recipient: str = "",
        channel: Channel | None = None,
    ) -> Change:
        """Add a to-do of the person's own; the planner never changes it."""
        with self.db.session() as session:
            if opportunity_id is not None:
                self._get(session, Opportunity, opportunity_id, "Opportunity")
            action = Action(
                opportunity_id=opportunity_id,
                kind=validation.required_text(kind, "kind", "Kind", 40),
                due_at=ensure_aware(due_at, "due time"),
                reason=reason,
                recipient=recipient,
                channel=channel,
                origin=ActionOrigin.MANUAL,
                created_at=self.clock(),
            )
            session.add(action)
            session.flush()
            ids = [] if opportunity_id is None else [opportunity_id]
            return Change(frozenset(ids), frozenset({"action"}), action.id)

    def _set_action_state(
        self, action_id: int, state: ActionState, snoozed_until: datetime | None = None
    ) -> Change:
        with self.db.session() as session:
            action = self._get(session, Action, action_id, "Action")
            action.state = state
            action.snoozed_until = snoozed_until
            action.completed_at = self.clock() if state is ActionState.DONE else None
            ids = [] if action.opportunity_id is None else [action.opportunity_id]
            # Completing a step can unlock the next one (a thank-you sent starts the clock).
            return self._finish(session, ids, {"action"})

    def complete_action(self, action_id: int) -> Change:
        """Mark an action done."""
        return self._set_action_state(action_id, ActionState.DONE)

    def dismiss_action(self, action_id: int) -> Change:
        """Decide not to do an action; it is never planned again."""
        return self._set_action_state(action_id, ActionState.DISMISSED)

    def reopen_action(self, action_id: int) -> Change:
        """Undo a done, dismissed or snoozed state."""
        return self._set_action_state(action_id, ActionState.OPEN)

    def snooze_action(self, action_id: int, until: datetime) -> Change:
        """Put an action off until a later time."""
        until = ensure_aware(until, "snooze time")
        if until <= self.clock():
            raise ValidationError("Snooze until a time in the future.", "snoozed_until")
        return self._set_action_state(action_id, ActionState.SNOOZED, until)

    def reschedule_action(self, action_id: int, due_at: datetime) -> Change:
        """Move an action's due time by hand; re-planning keeps it."""
        with self.db.session() as session:
            action = self._get(session, Action, action_id, "Action")
            action.due_at = ensure_aware(due_at, "due time")
            action.due_edited = True
            ids = [] if action.opportunity_id is None else [action.opportunity_id]
            return Change(frozenset(ids), frozenset({"action"}))

    # -- stages ----------------------------------------------------------------------

    def stages(self, include_hidden: bool = True) -> list[Stage]:
        """Stages in board order."""
        with self.db.session() as session:
            query = select(Stage).order_by(Stage.position)
            if not include_hidden:
                query = query.where(Stage.hidden.is_(False))
            return list(session.scalars(query))

    def add_stage(self, name: str, kind: StageKind = StageKind.ACTIVE) -> Change:
        """Add a stage at the end of the board."""
        name = validation.required_text(name, "name", "Stage name", 80)
        with self.db.session() as session:
            if session.scalar(select(Stage.id).where(Stage.name == name)) is not None:
                raise ValidationError(f"A stage called {name!r} exists already.", "name")
            last = session.scalar(select(func.max(Stage.position))) or 0
            stage = Stage(name=name, kind=StageKind(kind), position=last + 1, hidden=False)
            session.add(stage)
            session.flush()
            return Change(frozenset(), frozenset({"stage"}), stage.id)

    def rename_stage(self, stage_id: int, name: str) -> Change:
        """Rename a stage; opportunities stay in it."""
        name = validation.required_text(name, "name", "Stage name", 80)
        with self.db.session() as session:
            stage = self._get(session, Stage, stage_id, "Stage")
            clash = session.scalar(select(Stage.id).where(Stage.name == name))
            if clash is not None and clash != stage_id:
                raise ValidationError(f"A stage called {name!r} exists already.", "name")
            stage.name = name
            return Change(frozenset(), frozenset({"stage"}))

    def reorder_stages(self, stage_ids: Sequence[int]) -> Change:
        """Put the stages in the given order (every stage exactly once)."""
        with self.db.session() as session:
            existing = set(session.scalars(select(Stage.id)))
            if sorted(stage_ids) != sorted(existing):
                raise ValidationError("Give every stage exactly once to reorder them.", "stages")
            for position, stage_id in enumerate(stage_ids):
                session.execute(update(Stage).where(Stage.id == stage_id).values(position=position))
            return Change(frozenset(), frozenset({"stage"}))

    def set_stage_hidden(self, stage_id: int, hidden: bool) -> Change:
        """Show or hide a stage's column on the board."""
        with self.db.session() as session:
            self._get(session, Stage, stage_id, "Stage").hidden = hidden
            return Change(frozenset(), frozenset({"stage"}))

    # -- settings and planning -------------------------------------------------------

    def get_setting(self, key: str, default: Any = None) -> Any:
        """A stored setting's value, or ``default``."""
        with self.db.session() as session:
            setting = session.get(Setting, key)
            return default if setting is None else setting.value

    def settings_with_prefix(self, prefix: str) -> dict[str, Any]:
        """Every stored setting whose key starts with ``prefix``, in one query."""
        # LIKE would treat "_" and "%" in the prefix as wildcards; a range on the key
        # is exact and uses the primary key's index. On the table, not the mapped class:
        # the board reads this at start-up, before anything needs the ORM.
        table = Setting.__table__
        with self.db.session() as session:
            rows = session.execute(
                select(table.c.key, table.c.value)
                .where(table.c.key >= prefix)
                .where(table.c.key < prefix + "\U0010ffff")
            )
            return {key: value for key, value in rows if key.startswith(prefix)}

    def set_setting(self, key: str, value: Any) -> Change:
        """Store a declared setting (core.settings_registry) after its check.

        An undeclared key or a value its declaration refuses raises ValidationError;
        a change of the playbook settings re-plans everything.
        """
        _refuse_nul_inside(value, key)
        value = check_setting(key, value)
        with self.db.session() as session:
            setting = session.get(Setting, key)
            if setting is None:
                session.add(Setting(key=key, value=value))
            else:
                setting.value = value
            session.flush()
            if key == SETTINGS_KEY:
                replanned = replan(session, None, self.clock())
                return Change(frozenset(replanned), frozenset({"settings", "action"}))
            return Change(frozenset(), frozenset({"settings"}))

    def update_playbook_settings(self, **values: Any) -> Change:
        """Change some global playbook settings, keeping every other stored one as it is."""
        stored = self.get_setting(SETTINGS_KEY, {}) or {}
        if not isinstance(stored, dict):
            stored = {}
        return self.set_setting(SETTINGS_KEY, {**stored, **values})

    def apply_timeline_multiplier(self, multiplier: float) -> Change:
        """Wait ``multiplier`` times a stated timeline before the first status check.

        Only ever called on the person's explicit request (the "Your search" page's
        button, ``stats --apply-multiplier``): the suggestion is never applied silently.
        """
        return self.update_playbook_settings(
            timeline_multiplier=float(multiplier), double_timeline=True
        )

    def replan(self, opportunity_ids: Sequence[int] | None = None) -> Change:
        """Re-plan the given opportunities, or all of them."""
        with self.db.session() as session:
            replanned = replan(session, opportunity_ids, self.clock())
            return Change(frozenset(replanned), frozenset({"action"}))

    # -- imports ---------------------------------------------------------------------

    def import_rows(self, plan: ImportPlan) -> Change:
        """Write a spreadsheet import plan in one transaction, then re-plan what it touched.

        Exactly what the dry run listed is written: the creations with their stage
        history and contacts, the updates with their stage moves, and (for a file of the
        person's own) the column mapping, remembered for the next file with these
        headers. A plan with problems is refused unless it skips the bad rows; any
        error rolls everything back.
        """
        if plan.blocked:
            first = plan.problems[0]
            raise ValidationError(
                f"{plan.file_name} has {len(plan.problems)} problem(s), so nothing was "
                f"imported. First: {first}",
                "file",
            )
        from followup_desktop.core.imports.plan import RowAction

        with self.db.session() as session:
            wanted = {step.stage_id for row in plan.rows for step in row.history}
            wanted |= {row.stage.id for row in plan.rows if row.action is not RowAction.SKIP}
            known = set(session.scalars(select(Stage.id).where(Stage.id.in_(wanted))))
            if wanted - known:
                raise NotFoundError(
                    "A stage the import would use was deleted meanwhile; run the import again."
                )
            now = self.clock()
            contacts = _ContactCache(session)
            creates = plan.of(RowAction.CREATE)
            # Thousands of rows: validated one by one, inserted in bulk (the ORM's
            # per-object bookkeeping would cost more than SQLite itself).
            values = [
                {
                    **self._clean_import_fields(row.fields),
                    "stage_id": row.stage.id,
                    "created_at": row.created_at or now,
                    "updated_at": now,
                    "playbook_overrides": {},
                }
                for row in creates
            ]
            new_ids: list[int] = []
            if values:
                new_ids = list(
                    session.scalars(
                        insert(Opportunity).returning(Opportunity.id, sort_by_parameter_order=True),
                        values,
                    )
                )
            history: list[dict[str, Any]] = []
            for opportunity_id, row in zip(new_ids, creates, strict=True):
                previous: int | None = None
                for step in row.history:
                    history.append(
                        {
                            "opportunity_id": opportunity_id,
                            "from_stage_id": previous,
                            "to_stage_id": step.stage_id,
                            "changed_at": step.at,
                            "note": step.note,
                        }
                    )
                    previous = step.stage_id
                if row.contact is not None:
                    contacts.link(opportunity_id, row.contact)
            if history:
                session.execute(insert(StageChange), history)
            targets = self._import_updates(session, plan.of(RowAction.UPDATE), contacts, now)
            if plan.remember_mapping:
                value = {column: target.value for column, target in plan.mapping.items()}
                setting = session.get(Setting, plan.mapping_key)
                if setting is None:
                    session.add(Setting(key=plan.mapping_key, value=value))
                else:
                    setting.value = value
            ids = [*new_ids, *(item.id for item in targets)]
            first_id = new_ids[0] if new_ids else None
            return self._finish(session, ids, {"opportunity", "stage_history", "contact"}, first_id)

    def _import_updates(
        self,
        session: Session,
        updates: Sequence[PlannedRow],
        contacts: _ContactCache,
        now: datetime,
    ) -> list[Opportunity]:
        """Apply an import's planned updates; returns the opportunities changed."""
        targets = self._get_opportunities(
            session, [row.existing_id for row in updates if row.existing_id is not None]
        )
        for opportunity, row in zip(targets, updates, strict=True):
            self._apply_opportunity_fields(session, opportunity, dict(row.fields))
            opportunity.updated_at = now
            for step in row.history:
                session.add(
                    StageChange(
                        opportunity_id=opportunity.id,
                        from_stage_id=opportunity.stage_id,
                        to_stage_id=step.stage_id,
                        changed_at=step.at,
                        note=step.note,
                    )
                )
                opportunity.stage_id = step.stage_id
            if row.contact is not None:
                contacts.link(opportunity.id, row.contact)
        return targets

    def import_contacts(self, plan: ContactPlan) -> Change:
        """Write a contact import plan (new people, merges) in one transaction.

        Merges only fill what a stored contact lacks, as the plan lists; the
        opportunities of merged contacts are re-planned (a new address changes who a
        follow-up can reach).
        """
        if plan.blocked:
            raise ValidationError(
                f"{plan.file_name} has {len(plan.problems)} problem(s), so nobody was "
                f"imported. First: {plan.problems[0]}",
                "file",
            )
        from followup_desktop.core.imports.contacts import ContactAction

        with self.db.session() as session:
            created: list[int] = []
            for entry in plan.of(ContactAction.CREATE):
                contact = Contact(name="")
                self._apply_contact_fields(contact, dict(entry.fields))
                session.add(contact)
                session.flush()
                created.append(contact.id)
            merged = [entry.existing_id for entry in plan.of(ContactAction.MERGE)]
            for entry in plan.of(ContactAction.MERGE):
                assert entry.existing_id is not None
                stored = self._get(session, Contact, entry.existing_id, "Contact")
                self._apply_contact_fields(stored, dict(entry.fields))
            linked = (
                session.scalars(
                    select(OpportunityContact.opportunity_id).where(
                        OpportunityContact.contact_id.in_(merged)
                    )
                ).all()
                if merged
                else []
            )
            return self._finish(session, linked, {"contact"}, created[0] if created else None)

    @staticmethod
    def _clean_import_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
        """An imported opportunity's fields, checked as every form's are."""
        allowed = {*_OPPORTUNITY_TEXT, "link", "salary_min", "salary_max", "archived"}
        _reject_unknown(dict(fields), allowed, "opportunity")
        cleaned: dict[str, Any] = dict.fromkeys(_OPPORTUNITY_TEXT, "")
        for name, value in fields.items():
            if name in _OPPORTUNITY_TEXT:
                cleaned[name] = _clean_text(_OPPORTUNITY_TEXT, name, value)
        for name in ("company", "role"):
            cleaned[name] = _clean_text(_OPPORTUNITY_TEXT, name, fields.get(name, ""))
        cleaned["link"] = validation.url(fields.get("link", ""))
        cleaned["salary_min"], cleaned["salary_max"] = validation.salary_range(
            fields.get("salary_min"), fields.get("salary_max")
        )
        cleaned["archived"] = bool(fields.get("archived", False))
        return cleaned


class _ContactCache:
    """Contacts an import links, found by e-mail first so nobody is added twice."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.by_email: dict[str, Contact] = {}
        self.by_name: dict[str, Contact] = {}
        for contact in session.scalars(select(Contact)):
            if contact.email:
                self.by_email.setdefault(contact.email.casefold(), contact)
            self.by_name.setdefault(contact.name.casefold(), contact)

    def get(self, draft: ContactDraft) -> Contact:
        """The stored contact with the draft's e-mail (or, without one, its name), or a
        new one."""
        key = draft.email.casefold()
        found = self.by_email.get(key) if key else self.by_name.get(draft.name.casefold())
        if found is not None:
            if draft.phone and not found.phone:
                found.phone = draft.phone
            return found
        contact = Contact(
            name=validation.required_text(draft.name, "name", "Contact name"),
            email=validation.email(draft.email),
            phone=validation.optional_text(draft.phone, "phone", "Phone", 64),
        )
        self.session.add(contact)
        self.session.flush()
        if key:
            self.by_email[key] = contact
        self.by_name.setdefault(contact.name.casefold(), contact)
        return contact

    def link(self, opportunity_id: int, draft: ContactDraft) -> None:
        """Link the draft's contact to an opportunity as its recruiter (once)."""
        contact = self.get(draft)
        key = (opportunity_id, contact.id, ContactRole.RECRUITER)
        if self.session.get(OpportunityContact, key) is None:
            self.session.add(
                OpportunityContact(
                    opportunity_id=opportunity_id, contact_id=contact.id, role=ContactRole.RECRUITER
                )
            )
