"""What the debrief form and the question bank read: the stored debrief, the panel the
form opens with, the form's draft, the contacts a panel row can be completed from, and
every stumbled question.

The form opens with :func:`debrief_form` (a few rows of one interview, quick enough for
the GUI thread); :func:`panel_contacts` reads every contact of the database, which on
a large one takes a tenth of a second or more, so the form asks for it on the worker.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from followup_desktop.core.db import Database
from followup_desktop.core.debrief_draft import (
    DebriefDraft,
    DraftFormatError,
    DraftFromNewerVersion,
)
from followup_desktop.core.fields import PanelMember
from followup_desktop.core.ics.match import own_addresses
from followup_desktop.core.models import (
    Contact,
    ContactRole,
    Debrief,
    DebriefDraftRow,
    DebriefStatus,
    Interview,
    OpportunityContact,
)
from followup_desktop.core.questions import (
    ContactChoice,
    DebriefSnapshot,
    QuestionRecord,
    contact_choices,
    latest_ended_interview_id,
    list_questions,
    load_debrief,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoredDraft:
    """The draft kept for an interview: readable, or refused with the reason."""

    draft: DebriefDraft | None
    refused: str | None = None


@dataclass(frozen=True)
class DebriefForm:
    """Everything the debrief form opens with, read in one transaction (the contacts
    to complete from come apart, from :func:`panel_contacts`).

    ``draft`` is the newest draft still worth restoring (None when there is none, or
    when it is older than the submission); ``draft_refused`` says why a stored draft
    could not be opened (a newer Followup wrote it): it is kept, and not overwritten.
    """

    snapshot: DebriefSnapshot
    draft: DebriefDraft | None
    draft_refused: str | None = None
    #: Who the panel starts with when there is no draft: see :func:`opening_panel`.
    panel: tuple[PanelMember, ...] = ()


def opening_panel(session: Session, snapshot: DebriefSnapshot) -> tuple[PanelMember, ...]:
    """Who was there, as far as Followup knows, for a panel the person has not written.

    The interview's own panel (its participants, which include an imported invitation's
    attendees) comes first. While the debrief was never submitted, the people the card
    names as interviewers of this opportunity join them, so nobody types in a name that
    is already stored. The person themself (the email account's addresses, the same
    rule the invitation import uses) is never offered. Once a debrief is submitted its
    panel is what the person decided, even when they removed everyone.
    """
    own = own_addresses(session)
    panel = [member for member in snapshot.panel if member.email.strip().lower() not in own]
    if snapshot.status is DebriefStatus.SUBMITTED:
        return tuple(panel)
    present = {member.contact_id for member in panel}
    rows = session.execute(
        select(Contact.id, Contact.name, Contact.title, Contact.email, Contact.phone)
        .join(OpportunityContact, OpportunityContact.contact_id == Contact.id)
        .join(Interview, Interview.opportunity_id == OpportunityContact.opportunity_id)
        .where(
            Interview.id == snapshot.interview_id,
            OpportunityContact.role == ContactRole.INTERVIEWER,
        )
        .order_by(Contact.name, Contact.id)
    ).all()
    for contact_id, name, title, email, phone in rows:
        if contact_id in present or email.strip().lower() in own:
            continue
        present.add(contact_id)
        panel.append(
            PanelMember(name=name, title=title, email=email, phone=phone, contact_id=contact_id)
        )
    return tuple(panel)


def _stored_draft(session: Session, snapshot: DebriefSnapshot) -> StoredDraft:
    row = session.execute(
        select(DebriefDraftRow.body).where(DebriefDraftRow.interview_id == snapshot.interview_id)
    ).first()
    if row is None:
        return StoredDraft(None)
    try:
        draft = DebriefDraft.from_json(row.body)
    except DraftFromNewerVersion as error:  # said, and kept as it is
        return StoredDraft(None, str(error))
    except DraftFormatError as error:
        log.warning("the draft of interview %d cannot be read: %s", snapshot.interview_id, error)
        return StoredDraft(None)
    # A draft older than the submission is stale: the submission happened, then the
    # program ended before it could remove the draft.
    if snapshot.submitted_at is not None and snapshot.submitted_at >= draft.saved_at:
        return StoredDraft(None)
    return StoredDraft(draft)


def debrief_form(db: Database, interview_id: int) -> DebriefForm:
    """The stored debrief of ``interview_id``, the panel it opens with, its draft."""
    with db.session() as session:
        snapshot = load_debrief(session, interview_id)
        stored = _stored_draft(session, snapshot)
        panel = opening_panel(session, snapshot)
    return DebriefForm(snapshot, stored.draft, stored.refused, panel)


def panel_contacts(db: Database) -> tuple[ContactChoice, ...]:
    """Every contact, by name, that a panel row can be completed from."""
    with db.session() as session:
        return tuple(contact_choices(session))


def stored_draft(db: Database, snapshot: DebriefSnapshot) -> DebriefDraft | None:
    """The draft that :func:`debrief_form` would restore for ``snapshot``'s interview."""
    with db.session() as session:
        return _stored_draft(session, snapshot).draft


def question_bank(db: Database) -> list[QuestionRecord]:
    """Every stumbled question of every debrief, newest interview first."""
    with db.session() as session:
        return list_questions(session)


def interview_awaiting_debrief(db: Database, now: datetime, within: timedelta) -> int | None:
    """The latest interview that ended in the ``within`` before ``now`` and whose debrief
    is not submitted yet: the one "I just had an interview" means when it is recorded."""
    with db.session() as session:
        return session.scalar(
            select(Interview.id)
            .outerjoin(Debrief, Debrief.interview_id == Interview.id)
            .where(Interview.ends_at <= now, Interview.ends_at >= now - within)
            .where((Debrief.id.is_(None)) | (Debrief.status != DebriefStatus.SUBMITTED))
            .order_by(Interview.ends_at.desc(), Interview.id.desc())
            .limit(1)
        )


def latest_ended_interview(
    db: Database, now: datetime, opportunity_id: int | None = None
) -> int | None:
    """The interview that ended most recently at or before ``now`` (of one opportunity
    when given), if any."""
    with db.session() as session:
        return latest_ended_interview_id(session, now, opportunity_id)


__all__ = [
    "DebriefForm",
    "debrief_form",
    "latest_ended_interview",
    "opening_panel",
    "panel_contacts",
    "question_bank",
    "stored_draft",
]
