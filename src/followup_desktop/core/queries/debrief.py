"""What the debrief form and the question bank read: the stored debrief, the contacts a
panel row can be completed from, the form's draft, and every stumbled question."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from followup_desktop.core.db import Database
from followup_desktop.core.debrief_draft import (
    DebriefDraft,
    DraftFormatError,
    DraftFromNewerVersion,
)
from followup_desktop.core.models import DebriefDraftRow
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
    """Everything the debrief form opens with, read in one transaction.

    ``draft`` is the newest draft still worth restoring (None when there is none, or
    when it is older than the submission); ``draft_refused`` says why a stored draft
    could not be opened (a newer Followup wrote it): it is kept, and not overwritten.
    """

    snapshot: DebriefSnapshot
    contacts: tuple[ContactChoice, ...]
    draft: DebriefDraft | None
    draft_refused: str | None = None


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
    """The stored debrief of ``interview_id``, the contacts to complete from, its draft."""
    with db.session() as session:
        snapshot = load_debrief(session, interview_id)
        stored = _stored_draft(session, snapshot)
        contacts = tuple(contact_choices(session))
    return DebriefForm(snapshot, contacts, stored.draft, stored.refused)


def stored_draft(db: Database, snapshot: DebriefSnapshot) -> DebriefDraft | None:
    """The draft that :func:`debrief_form` would restore for ``snapshot``'s interview."""
    with db.session() as session:
        return _stored_draft(session, snapshot).draft


def question_bank(db: Database) -> list[QuestionRecord]:
    """Every stumbled question of every debrief, newest interview first."""
    with db.session() as session:
        return list_questions(session)


def latest_ended_interview(db: Database, now: datetime) -> int | None:
    """The interview that ended most recently at or before ``now``, if any."""
    with db.session() as session:
        return latest_ended_interview_id(session, now)


__all__ = [
    "DebriefForm",
    "debrief_form",
    "latest_ended_interview",
    "question_bank",
    "stored_draft",
]
