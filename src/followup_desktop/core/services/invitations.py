"""Calendar files: invitations into the search, and the search's dates out.

:func:`followup_desktop.core.ics.plan_import` decides what each invitation does (it only
reads); :meth:`InvitationOps.import_invitations` writes that plan in one transaction:
new opportunities, interviews with their times and panel, contacts, cancellations, the
SEQUENCE bookkeeping, then the re-plan of every opportunity touched.
:meth:`InvitationOps.export_calendar` writes the .ics file and, once it is safely on
disk, the SEQUENCE bookkeeping of the export.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from followup_desktop.core import validation
from followup_desktop.core.errors import ValidationError
from followup_desktop.core.i18n import _
from followup_desktop.core.ics.apply import (
    IMPORT_ENTITIES,
    Choices,
    IcsImportResult,
    InvitationStep,
    plan_import,
)
from followup_desktop.core.ics.export import (
    ActionsAs,
    ExportResult,
    build_calendar,
    check_calendar_target,
    write_calendar,
)
from followup_desktop.core.ics.notes import cancelled_notes
from followup_desktop.core.ics.parse import Invitation, Person
from followup_desktop.core.ics.sequences import read_sequences, store_sequences
from followup_desktop.core.models import (
    Action,
    ActionState,
    Contact,
    ContactRole,
    Interview,
    InterviewParticipant,
    Opportunity,
    OpportunityContact,
    Stage,
    StageChange,
)
from followup_desktop.core.services._base import ServiceBase
from followup_desktop.core.services.interviews import interviewing_stage


class InvitationOps(ServiceBase):
    """Calendar files: importing invitations (.ics files, the mailbox's) and the export."""

    def export_calendar(
        self,
        path: Path,
        *,
        opportunity_id: int | None = None,
        actions_as: ActionsAs = ActionsAs.EVENTS,
    ) -> ExportResult:
        """Write an .ics file of one opportunity (or everything not archived), atomically.

        Each item's SEQUENCE goes up when it changed since the last export; that
        bookkeeping is committed only once the file is safely written.
        """
        check_calendar_target(path)
        now = self.clock()
        with self._write() as session:
            if opportunity_id is not None and session.get(Opportunity, opportunity_id) is None:
                raise ValidationError(
                    _("Opportunity {number} does not exist; check the number.").format(
                        number=opportunity_id
                    ),
                    "opportunity",
                )
            calendar, counts = build_calendar(
                session, now, opportunity_id=opportunity_id, actions_as=actions_as
            )
            # The file first: the session commits the sequences only if this returns.
            write_calendar(calendar, path)
        return ExportResult(path, counts.interviews, counts.actions, counts.decisions)

    def import_invitations(
        self, invitations: Sequence[Invitation], *, choices: Choices | None = None
    ) -> IcsImportResult:
        """Apply invitations in one transaction; ``choices`` maps a UID to an opportunity.

        A choice of None creates a new opportunity for that invitation even when one
        matched. UIDs already imported are always updated in place. The result says,
        line by line, what was done; its ``change`` is the :class:`Change` for the views.
        """
        now = self.clock()
        result = IcsImportResult()
        with self._write() as session:
            plan = plan_import(session, invitations, choices)
            # Several events of one file for a new company go to one new opportunity.
            created: dict[str, int] = {}
            for step in plan.steps:
                self._invitation_step(session, step, now, result, created)
            setting, sequences = read_sequences(session)
            for invitation in plan.invitations:
                sequences.base(invitation.uid, invitation.sequence)
            store_sequences(session, setting, sequences)
            change = self._finish(session, result.opportunity_ids, IMPORT_ENTITIES)
            if result.cancelled_kept:
                # After planning: the planner does not know the interview was cancelled,
                # so the steps it planned from it are set aside (dismissed stay dismissed).
                _dismiss_open_steps(session, result.cancelled_kept)
        result.replanned = set(change.actions_replanned)
        return result

    def _invitation_step(
        self,
        session: Session,
        step: InvitationStep,
        now: datetime,
        result: IcsImportResult,
        created: dict[str, int],
    ) -> None:
        proposal, invitation = step.proposal, step.invitation
        if proposal.action == "ignore":
            result.note_ignored(invitation)
            return
        if proposal.action == "cancel":
            assert proposal.interview_id is not None
            _cancel(session, proposal.interview_id, step, now, result)
            return
        if proposal.action == "update":
            assert proposal.interview_id is not None
            interview = self._get(session, Interview, proposal.interview_id, "Interview")
            _set_times(interview, invitation)
            if invitation.location:
                interview.location = invitation.location
            _add_people(session, interview, step)
            result.note_updated(invitation, interview.id, interview.opportunity_id)
            return
        opportunity_id = proposal.opportunity_id
        if opportunity_id is None and step.share_new:
            opportunity_id = created.get(step.company_key)
        new = opportunity_id is None
        if opportunity_id is None:
            opportunity_id = _new_opportunity(session, step, now)
            created[step.company_key] = opportunity_id
        rounds = session.scalars(
            select(Interview.id).where(Interview.opportunity_id == opportunity_id)
        ).all()
        interview = Interview(
            opportunity_id=opportunity_id,
            round=len(rounds) + 1,
            kind=step.kind,
            location=invitation.location,
            notes=step.notes,
            ical_uid=invitation.uid,
        )
        _set_times(interview, invitation)
        session.add(interview)
        session.flush()
        _add_people(session, interview, step)
        result.note_added(step, interview.id, opportunity_id, new=new)


def _dismiss_open_steps(session: Session, interview_ids: Sequence[int]) -> None:
    for action in session.scalars(
        select(Action).where(
            Action.interview_id.in_(interview_ids),
            Action.state.in_([ActionState.OPEN, ActionState.SNOOZED]),
        )
    ):
        action.state = ActionState.DISMISSED
        action.snoozed_until = None


def _set_times(interview: Interview, invitation: Invitation) -> None:
    validation.interview_times(invitation.starts_at, invitation.ends_at)
    interview.starts_at = invitation.starts_at
    interview.ends_at = invitation.ends_at
    interview.timezone = invitation.timezone


def _new_opportunity(session: Session, step: InvitationStep, now: datetime) -> int:
    stage = (
        interviewing_stage(session)
        or session.scalars(select(Stage).order_by(Stage.position)).first()
    )
    if stage is None:
        raise ValidationError(_("There are no stages; add one in Settings first."), "stage_id")
    opportunity = Opportunity(
        company=validation.required_text(step.proposal.company, "company", "Company", 200),
        role=validation.required_text(step.proposal.role, "role", "Role", 200),
        stage_id=stage.id,
        source=_("Calendar invitation"),
        created_at=now,
        updated_at=now,
    )
    session.add(opportunity)
    session.flush()
    session.add(StageChange(opportunity_id=opportunity.id, to_stage_id=stage.id, changed_at=now))
    return opportunity.id


def _contact_for(session: Session, person: Person, cache: dict[str, Contact]) -> Contact:
    if person.email in cache:
        return cache[person.email]
    contact = session.scalars(
        select(Contact).where(Contact.email == person.email).order_by(Contact.id)
    ).first()
    if contact is None:
        contact = Contact(
            name=person.name[:200], email=validation.email(person.email, "email", "Email")
        )
        session.add(contact)
        session.flush()
    cache[person.email] = contact
    return contact


def _link(session: Session, opportunity_id: int, contact_id: int, role: ContactRole) -> None:
    if session.get(OpportunityContact, (opportunity_id, contact_id, role)) is None:
        session.add(
            OpportunityContact(opportunity_id=opportunity_id, contact_id=contact_id, role=role)
        )


def _add_people(session: Session, interview: Interview, step: InvitationStep) -> None:
    """The guests join the panel (existing rows and their mentions stay); the recruiter
    is linked to the opportunity."""
    # A person already on the panel keeps their row (and its mention), whichever of
    # several contacts with the same address it points at.
    cache: dict[str, Contact] = {
        participant.contact.email: participant.contact
        for participant in interview.participants
        if participant.contact.email
    }
    present = {participant.contact_id for participant in interview.participants}
    position = len(interview.participants)
    for person in step.guests:
        try:
            contact = _contact_for(session, person, cache)
        except ValidationError:
            continue  # an address that is not one: leave the person out, keep the rest
        if contact.id in present:
            continue
        interview.participants.append(
            InterviewParticipant(contact_id=contact.id, position=position)
        )
        present.add(contact.id)
        position += 1
        _link(session, interview.opportunity_id, contact.id, ContactRole.INTERVIEWER)
    if step.recruiter is not None:
        try:
            contact = _contact_for(session, step.recruiter, cache)
        except ValidationError:
            return
        _link(session, interview.opportunity_id, contact.id, ContactRole.RECRUITER)


def _cancel(
    session: Session,
    interview_id: int,
    step: InvitationStep,
    now: datetime,
    result: IcsImportResult,
) -> None:
    """A cancelled invitation: delete an untouched interview; keep one with the person's
    own work (debrief, notes, ...), marked cancelled, with its open steps dismissed."""
    interview = session.get(Interview, interview_id)
    assert interview is not None
    opportunity_id = interview.opportunity_id
    if step.keep:
        interview.notes = cancelled_notes(interview.notes, now)
    else:
        session.delete(interview)
        session.flush()
    result.note_cancelled(step.invitation, interview_id, opportunity_id, kept=step.keep)


__all__ = ["InvitationOps"]
