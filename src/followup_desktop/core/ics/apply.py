"""What importing invitations will do, decided before anything is written.

:func:`plan_import` turns the proposals of :mod:`.match` (and the person's choices) into
an :class:`InvitationPlan`: which interview to add, update or cancel, in which
opportunity (an existing one, or a new one shared by the events of one company in the
file), with which notes, kind and people. It only reads. The service writes the plan in
one transaction (``FollowupService.import_invitations``), so a broken file or a refused
value changes nothing, and records what it did in an :class:`IcsImportResult`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from followup_desktop.core.change import Change
from followup_desktop.core.errors import ValidationError
from followup_desktop.core.i18n import _, ngettext
from followup_desktop.core.ics.guess import company_domain, company_key, guess_kind, is_not_a_guest
from followup_desktop.core.ics.match import Proposal, own_addresses, propose
from followup_desktop.core.ics.notes import ALL_DAY_NOTE, NOTES_PREFIX, is_invitation_note
from followup_desktop.core.ics.parse import Invitation, Person
from followup_desktop.core.models import (
    Action,
    ActionState,
    Debrief,
    Interview,
    InterviewKind,
    Opportunity,
)

if TYPE_CHECKING:
    pass

Choices = Mapping[str, int | None]

# What an invitation import can change, for the views that show it.
IMPORT_ENTITIES = frozenset({"opportunity", "interview", "action", "contact"})


@dataclass(frozen=True)
class InvitationStep:
    """What to do with one invitation.

    ``proposal`` carries the resolved target: an opportunity id, or None for a new one.
    A new one is made once per ``company_key`` when ``share_new`` (events of one file for
    one new company go together); a person's explicit "new opportunity" never shares.
    ``keep`` says a cancelled interview holds the person's own work and stays.
    """

    proposal: Proposal
    company_key: str
    share_new: bool
    kind: InterviewKind
    notes: str
    guests: tuple[Person, ...]
    recruiter: Person | None
    keep: bool = False

    @property
    def invitation(self) -> Invitation:
        """The invitation this step is for."""
        return self.proposal.invitation


@dataclass(frozen=True)
class InvitationPlan:
    """Every invitation's step, in file order."""

    steps: tuple[InvitationStep, ...]

    @property
    def invitations(self) -> tuple[Invitation, ...]:
        """The invitations planned, in file order."""
        return tuple(step.invitation for step in self.steps)


@dataclass
class IcsImportResult:
    """What an import did, one line per invitation, and the change for the views."""

    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    cancelled_deleted: list[int] = field(default_factory=list)
    cancelled_kept: list[int] = field(default_factory=list)
    opportunities_created: list[int] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    opportunity_ids: set[int] = field(default_factory=set)
    replanned: set[int] = field(default_factory=set)

    def summary(self) -> str:
        """One sentence for the status bar or the terminal."""

        parts = []
        if self.created:
            n = len(self.created)
            parts.append(ngettext("{n} interview added", "{n} interviews added", n).format(n=n))
        if self.updated:
            n = len(self.updated)
            parts.append(ngettext("{n} interview updated", "{n} interviews updated", n).format(n=n))
        cancelled = len(self.cancelled_deleted) + len(self.cancelled_kept)
        if cancelled:
            parts.append(
                ngettext("{n} interview cancelled", "{n} interviews cancelled", cancelled).format(
                    n=cancelled
                )
            )
        if self.opportunities_created:
            n = len(self.opportunities_created)
            parts.append(ngettext("{n} new opportunity", "{n} new opportunities", n).format(n=n))
        return ", ".join(parts) or _("nothing changed")

    @property
    def change(self) -> Change:
        """What the import changed, for the views: the opportunities, what was re-planned."""
        return Change(
            frozenset(self.opportunity_ids),
            IMPORT_ENTITIES,
            actions_replanned=frozenset(self.replanned),
        )

    def note_ignored(self, invitation: Invitation) -> None:
        """A cancellation of an invitation that was never imported."""
        self.lines.append(
            _("{event}: cancelled, but it was never imported; nothing to do.").format(
                event=invitation.summary
            )
        )

    def note_updated(self, invitation: Invitation, interview_id: int, opportunity_id: int) -> None:
        """An interview moved or re-placed by a new version of its invitation."""
        self.updated.append(interview_id)
        self.opportunity_ids.add(opportunity_id)
        self.lines.append(
            _("{event}: interview {id} updated.").format(event=invitation.summary, id=interview_id)
        )

    def note_added(
        self, step: InvitationStep, interview_id: int, opportunity_id: int, *, new: bool
    ) -> None:
        """An interview added, to a new opportunity (``new``) or the one matched."""
        proposal = step.proposal
        if new:
            self.opportunities_created.append(opportunity_id)
            line = _("{event}: interview added to new opportunity {company} — {role}.").format(
                event=step.invitation.summary, company=proposal.company, role=proposal.role
            )
        else:
            line = _("{event}: interview added to opportunity {id}, matched by {reason}.").format(
                event=step.invitation.summary, id=opportunity_id, reason=proposal.matched_by
            )
        self.created.append(interview_id)
        self.opportunity_ids.add(opportunity_id)
        self.lines.append(line)

    def note_cancelled(
        self, invitation: Invitation, interview_id: int, opportunity_id: int, *, kept: bool
    ) -> None:
        """A cancelled interview: removed, or ``kept`` (marked) for the person's own work."""
        self.opportunity_ids.add(opportunity_id)
        if kept:
            self.cancelled_kept.append(interview_id)
            self.lines.append(
                _(
                    "{event}: cancelled by the organizer; the interview is kept because it "
                    "holds your debrief or notes, marked cancelled, and its open steps were "
                    "dismissed."
                ).format(event=invitation.summary)
            )
        else:
            self.cancelled_deleted.append(interview_id)
            self.lines.append(
                _(
                    "{event}: cancelled by the organizer; the interview and its planned steps "
                    "were removed (it held nothing you wrote)."
                ).format(event=invitation.summary)
            )


def holds_own_work(session: Session, interview: Interview) -> bool:
    """True when the person wrote something about an interview that must not be lost."""
    if session.scalar(select(Debrief.id).where(Debrief.interview_id == interview.id)):
        return True
    if interview.notes and not is_invitation_note(interview.notes):
        return True
    if interview.next_steps or interview.decision_date or interview.decision_timeline_days:
        return True
    if interview.check_back_on or interview.may_check_in is not None:
        return True
    if any(participant.mention for participant in interview.participants):
        return True
    return bool(
        session.scalar(
            select(Action.id).where(
                Action.interview_id == interview.id,
                (Action.state == ActionState.DONE) | Action.due_edited.is_(True),
            )
        )
    )


def interview_notes(invitation: Invitation) -> str:
    """The notes a new interview starts with: the invitation's text, and a word on all-day."""
    notes = f"{NOTES_PREFIX}\n{invitation.description}" if invitation.description else ""
    if invitation.all_day:
        notes = f"{ALL_DAY_NOTE}\n{notes}".strip()
    return notes


def guests_and_recruiter(
    invitation: Invitation, own: frozenset[str]
) -> tuple[tuple[Person, ...], Person | None]:
    """Who joins the panel (the attendees, but not the person or shared mailboxes), and
    the organizer to link as the recruiter when they write from an employer and do not
    attend themselves."""
    guests = tuple(
        person for person in invitation.attendees if not is_not_a_guest(person, invitation, own)
    )
    organizer = invitation.organizer
    attendee_emails = {person.email for person in invitation.attendees}
    if (
        organizer is not None
        and organizer.email not in attendee_emails
        and not is_not_a_guest(organizer, invitation, own)
        and company_domain(organizer.email)
    ):
        return guests, organizer
    return guests, None


def _resolved(proposal: Proposal, choices: Choices | None, session: Session) -> Proposal:
    """The proposal with the person's choice of opportunity applied (for a new interview)."""
    uid = proposal.invitation.uid
    target, reason = proposal.opportunity_id, proposal.matched_by
    if proposal.action == "create" and choices is not None and uid in choices:
        target, reason = choices[uid], _("your choice")
        if target is not None and session.get(Opportunity, target) is None:
            raise ValidationError(
                _("Opportunity {id} no longer exists; import the file again.").format(id=target),
                "opportunity",
            )
    elif proposal.action == "create" and target is None:
        reason = _("an opportunity made earlier in this file")
    return Proposal(
        proposal.invitation,
        proposal.action,
        proposal.interview_id,
        target,
        proposal.company,
        proposal.role,
        reason,
    )


def plan_import(
    session: Session, invitations: Sequence[Invitation], choices: Choices | None = None
) -> InvitationPlan:
    """Decide what importing ``invitations`` does; reads ``session``, writes nothing.

    ``choices`` maps a UID to an opportunity; a choice of None creates a new opportunity
    for that invitation even when one matched. UIDs already imported are always updated
    in place.
    """
    own = own_addresses(session)
    steps = []
    for proposal in propose(session, invitations):
        chosen = _resolved(proposal, choices, session)
        invitation = proposal.invitation
        guests, recruiter = guests_and_recruiter(invitation, own)
        keep = False
        if proposal.action == "cancel":
            assert proposal.interview_id is not None
            interview = session.get(Interview, proposal.interview_id)
            assert interview is not None
            keep = holds_own_work(session, interview)
        shares = not (choices is not None and invitation.uid in choices)
        steps.append(
            InvitationStep(
                proposal=chosen,
                company_key=company_key(proposal.company),
                share_new=proposal.action == "create" and shares,
                kind=guess_kind(invitation),
                notes=interview_notes(invitation),
                guests=guests,
                recruiter=recruiter,
                keep=keep,
            )
        )
    return InvitationPlan(tuple(steps))


__all__ = [
    "IMPORT_ENTITIES",
    "Choices",
    "IcsImportResult",
    "InvitationPlan",
    "InvitationStep",
    "guests_and_recruiter",
    "holds_own_work",
    "interview_notes",
    "plan_import",
]
