"""The interviews room of the service: interviews, their times and who was on the panel."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from followup_desktop.core import i18n, validation
from followup_desktop.core.change import Change
from followup_desktop.core.errors import ValidationError
from followup_desktop.core.fields import (
    INTERVIEW_TEXT,
    UNSET,
    ContactFields,
    InterviewFields,
    given,
    set_text,
)
from followup_desktop.core.i18n import N_, _
from followup_desktop.core.models import (
    Channel,
    Contact,
    ContactRole,
    Interview,
    InterviewKind,
    InterviewParticipant,
    Opportunity,
    OpportunityContact,
    Stage,
    StageChange,
    StageKind,
)
from followup_desktop.core.services._base import PanelMember
from followup_desktop.core.services.contacts import ContactsMixin
from followup_desktop.core.timeutil import check_zone_name, ensure_aware

_NOTHING = InterviewFields()


# The date fields an interview update may set, as a message names them.
_DATE_FIELDS = {"decision_date": N_("Decision date"), "check_back_on": N_("Check back on")}


class InterviewsMixin(ContactsMixin):
    """Interviews: recorded, changed (a move re-plans in the same transaction), panels."""

    def record_interview(
        self,
        opportunity_id: int,
        starts_at: datetime,
        ends_at: datetime,
        timezone: str = "UTC",
        fields: InterviewFields = _NOTHING,
        *,
        advance_stage: bool = False,
    ) -> Change:
        """Add an interview; its follow-ups are planned from its end.

        With ``advance_stage`` a card not yet interviewing moves to the interviewing
        stage (the last "active" column, as an imported invitation's new card) in the
        same transaction; a card in that stage or a later one stays where it is.
        """
        with self._write() as session:
            opportunity = self._get(session, Opportunity, opportunity_id, "Opportunity")
            moved = advance_stage and _advance_to_interviewing(session, opportunity, self.clock())
            interview = Interview(opportunity_id=opportunity_id)
            self._apply_interview_fields(
                interview, fields.but(starts_at=starts_at, ends_at=ends_at, timezone=timezone)
            )
            if fields.round is UNSET:
                count = session.scalar(
                    select(func.count()).where(Interview.opportunity_id == opportunity_id)
                )
                interview.round = int(count or 0) + 1
            session.add(interview)
            session.flush()
            touched = {"interview", "opportunity", "stage_history"} if moved else {"interview"}
            return self._finish(session, [opportunity_id], touched, interview.id)

    def update_interview(self, interview_id: int, fields: InterviewFields) -> Change:
        """Change an interview's given fields (times, what they said about next steps, ...).

        New times and the re-plan they cause are one transaction: if planning fails, the
        interview has not moved either.
        """
        with self._write() as session:
            interview = self._get(session, Interview, interview_id, "Interview")
            self._apply_interview_fields(interview, fields)
            return self._finish(session, [interview.opportunity_id], {"interview"})

    @staticmethod
    def _apply_interview_fields(interview: Interview, fields: InterviewFields) -> None:
        starts = ensure_aware(given(fields.starts_at, interview.starts_at), "start time")
        ends = ensure_aware(given(fields.ends_at, interview.ends_at), "end time")
        validation.interview_times(starts, ends)
        interview.starts_at, interview.ends_at = starts, ends
        if fields.timezone is not UNSET:
            interview.timezone = check_zone_name(fields.timezone)
        if fields.round is not UNSET:
            if int(fields.round) < 1:
                raise ValidationError(_("The round is a number from 1."), "round")
            interview.round = int(fields.round)
        if fields.kind is not UNSET:
            interview.kind = InterviewKind(fields.kind)
        set_text(interview, INTERVIEW_TEXT, fields)
        if fields.decision_timeline_days is not UNSET:
            interview.decision_timeline_days = validation.timeline_days(
                fields.decision_timeline_days
            )
        values = fields.given()
        for name in ("decision_date", "check_back_on"):
            if name in values:
                value = values[name]
                if value is not None and not isinstance(value, date):
                    raise ValidationError(
                        _("{field} must be a date.").format(field=i18n._(_DATE_FIELDS[name])),
                        name,
                    )
                setattr(interview, name, value)
        _apply_choices(interview, fields)

    def set_panel(self, interview_id: int, panel: Sequence[PanelMember]) -> Change:
        """Replace who was on the panel, creating contacts for new names."""
        with self._write() as session:
            interview = self._get(session, Interview, interview_id, "Interview")
            self._set_panel(session, interview, panel)
            return self._finish(session, [interview.opportunity_id], {"interview", "contact"})

    def _set_panel(
        self, session: Session, interview: Interview, panel: Sequence[PanelMember]
    ) -> None:
        for index, member in enumerate(panel):
            if not member.name.strip():
                raise ValidationError(
                    _("Panel row {row} needs a name.").format(row=index + 1), f"panel[{index}]"
                )
            validation.email(
                member.email,
                f"panel[{index}].email",
                _("Row {row}'s email").format(row=index + 1),
            )
        interview.participants.clear()
        session.flush()
        seen: set[int] = set()
        for index, member in enumerate(panel):
            fields = ContactFields(
                name=member.name, title=member.title, email=member.email, phone=member.phone
            )
            if member.contact_id is not None:
                contact = self._get(session, Contact, member.contact_id, "Contact")
                if not member.email.strip():
                    # A panel row names a known person; a row without an address must
                    # not erase the one their contact card already has.
                    fields = fields.but(email=UNSET)
            else:
                contact = Contact(name="")
                session.add(contact)
            self._apply_contact_fields(contact, fields)
            session.flush()
            if contact.id in seen:
                raise ValidationError(
                    _("{person} is on the panel twice.").format(person=contact.name),
                    f"panel[{index}]",
                )
            seen.add(contact.id)
            interview.participants.append(
                InterviewParticipant(contact_id=contact.id, position=index, mention=member.mention)
            )
            key = (interview.opportunity_id, contact.id, ContactRole.INTERVIEWER)
            if session.get(OpportunityContact, key) is None:
                session.add(
                    OpportunityContact(
                        opportunity_id=interview.opportunity_id,
                        contact_id=contact.id,
                        role=ContactRole.INTERVIEWER,
                    )
                )


def interviewing_stage(session: Session) -> Stage | None:
    """The board's interviewing stage: its last "active" column."""
    return session.scalars(
        select(Stage).where(Stage.kind == StageKind.ACTIVE).order_by(Stage.position.desc())
    ).first()


def _advance_to_interviewing(session: Session, opportunity: Opportunity, now: datetime) -> bool:
    """Move ``opportunity`` forward to the interviewing stage; True when it moved.

    Only forward: a card already there, further right, or in a closed stage stays.
    """
    target = interviewing_stage(session)
    current = session.get(Stage, opportunity.stage_id)
    if target is None or current is None or current.id == target.id:
        return False
    if current.kind not in (StageKind.PROSPECT, StageKind.ACTIVE):
        return False
    if current.position > target.position:
        return False
    session.add(
        StageChange(
            opportunity_id=opportunity.id,
            from_stage_id=current.id,
            to_stage_id=target.id,
            changed_at=now,
            note=_("Interview recorded"),
        )
    )
    opportunity.stage_id = target.id
    opportunity.updated_at = now
    return True


def _apply_choices(interview: Interview, fields: InterviewFields) -> None:
    """The interview's yes/no and pick-one fields, as given."""
    if fields.may_check_in is not UNSET:
        interview.may_check_in = fields.may_check_in
    if fields.preferred_channel is not UNSET:
        channel = fields.preferred_channel
        interview.preferred_channel = None if channel is None else Channel(channel)
    if fields.ical_uid is not UNSET:
        interview.ical_uid = fields.ical_uid
