"""Read queries for the debrief form and the bank of stumbled questions, on a session.

Everything here hands out frozen snapshots (never live ORM objects), so a Qt model can
keep them without anything lazy-loading from ``paint()``. The faces call these through
:mod:`followup_desktop.core.queries.debrief`, which also reads the form's draft.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from followup_desktop.core.errors import NotFoundError
from followup_desktop.core.fields import PanelMember, QuestionInput
from followup_desktop.core.i18n import _
from followup_desktop.core.models import (
    Channel,
    Debrief,
    DebriefStatus,
    Interview,
    InterviewKind,
    Opportunity,
    StumbledQuestion,
)
from followup_desktop.core.playbook.rawsql import driver_connection

# Shown beside the stumbled questions in the debrief and beside a thank-you's draft.
# Translated at import: the language is fixed per process, and the GUI reads these once.
BETTER_ANSWER_HINT = _(
    "Keep a better answer for your next interview rather than sending it now: a second "
    "attempt seldom changes a decision. Only new evidence that meets a need they "
    "described is worth a short note."
)

NO_THEME = _("No theme")


@dataclass(frozen=True)
class QuestionRecord:
    """One stumbled question with where it was asked, for the question bank."""

    id: int
    question: str
    my_answer: str
    better_answer: str
    theme: str
    practiced: bool
    company: str
    role: str
    opportunity_id: int
    interview_id: int
    interview_round: int
    asked_at: datetime


class ContactChoice(NamedTuple):
    """An existing contact offered for completion on a panel row.

    A named tuple rather than a dataclass: the form reads every contact of the
    database, tens of thousands of them, and a tuple is several times quicker to build.
    """

    id: int
    name: str
    title: str
    email: str
    phone: str


@dataclass(frozen=True)
class DebriefSnapshot:
    """What is stored for one interview's debrief, with the interview's next-step facts."""

    interview_id: int
    opportunity_id: int
    company: str
    role: str
    round: int
    kind: InterviewKind
    starts_at: datetime
    ends_at: datetime
    timezone: str
    status: DebriefStatus | None
    submitted_at: datetime | None
    updated_at: datetime | None
    went_well: str
    went_badly: str
    preparedness: int | None
    tied_experience: bool | None
    learned_job: str
    learned_organization: str
    skills_to_build: str
    promised_material: str
    next_steps: str
    decision_timeline_days: int | None
    decision_date: date | None
    may_check_in: bool | None
    check_back_on: date | None
    preferred_channel: Channel | None
    panel: tuple[PanelMember, ...]
    questions: tuple[QuestionInput, ...]


def list_questions(session: Session) -> list[QuestionRecord]:
    """Every stumbled question of every debrief, newest interview first."""
    rows = session.execute(
        select(
            StumbledQuestion.id,
            StumbledQuestion.question,
            StumbledQuestion.my_answer,
            StumbledQuestion.better_answer,
            StumbledQuestion.theme,
            StumbledQuestion.practiced,
            Opportunity.company,
            Opportunity.role,
            Opportunity.id,
            Interview.id,
            Interview.round,
            Interview.starts_at,
        )
        .join(Debrief, StumbledQuestion.debrief_id == Debrief.id)
        .join(Interview, Debrief.interview_id == Interview.id)
        .join(Opportunity, Interview.opportunity_id == Opportunity.id)
        .order_by(Interview.starts_at.desc(), StumbledQuestion.position)
    ).all()
    return [QuestionRecord(*cast(tuple[Any, ...], row)) for row in rows]


_CONTACT_CHOICES_SQL = "SELECT id, name, title, email, phone FROM contacts ORDER BY name, id"


def contact_choices(session: Session) -> list[ContactChoice]:
    """Every contact, by name, for completing panel rows.

    Plain SQL on the driver's cursor: through the ORM, 25,000 contacts took four times
    as long, and the form waits for them (on the worker) before it suggests names.
    """
    rows = driver_connection(session).execute(_CONTACT_CHOICES_SQL).fetchall()
    return list(map(ContactChoice._make, rows))


def latest_ended_interview_id(
    session: Session, now: datetime, opportunity_id: int | None = None
) -> int | None:
    """The interview that ended most recently at or before ``now`` (of one opportunity
    when given), if any."""
    query = select(Interview.id).where(Interview.ends_at <= now)
    if opportunity_id is not None:
        query = query.where(Interview.opportunity_id == opportunity_id)
    return session.scalar(query.order_by(Interview.ends_at.desc(), Interview.id.desc()).limit(1))


def load_debrief(session: Session, interview_id: int) -> DebriefSnapshot:
    """The stored debrief of an interview (empty fields when none was written yet)."""
    interview = session.get(Interview, interview_id)
    if interview is None:
        raise NotFoundError(
            _("Interview {number} does not exist (it may have been deleted).").format(
                number=interview_id
            )
        )
    opportunity = interview.opportunity
    debrief = interview.debrief
    panel = tuple(
        PanelMember(
            name=participant.contact.name,
            title=participant.contact.title,
            email=participant.contact.email,
            phone=participant.contact.phone,
            mention=participant.mention,
            contact_id=participant.contact_id,
        )
        for participant in interview.participants
    )
    questions = tuple(
        QuestionInput(
            question=question.question,
            my_answer=question.my_answer,
            better_answer=question.better_answer,
            theme=question.theme,
            practiced=question.practiced,
        )
        for question in (debrief.questions if debrief is not None else [])
    )
    return DebriefSnapshot(
        interview_id=interview.id,
        opportunity_id=opportunity.id,
        company=opportunity.company,
        role=opportunity.role,
        round=interview.round,
        kind=interview.kind,
        starts_at=interview.starts_at,
        ends_at=interview.ends_at,
        timezone=interview.timezone,
        status=None if debrief is None else debrief.status,
        submitted_at=None if debrief is None else debrief.submitted_at,
        updated_at=None if debrief is None else debrief.updated_at,
        went_well="" if debrief is None else debrief.went_well,
        went_badly="" if debrief is None else debrief.went_badly,
        preparedness=None if debrief is None else debrief.preparedness,
        tied_experience=None if debrief is None else debrief.tied_experience,
        learned_job="" if debrief is None else debrief.learned_job,
        learned_organization="" if debrief is None else debrief.learned_organization,
        skills_to_build="" if debrief is None else debrief.skills_to_build,
        promised_material="" if debrief is None else debrief.promised_material,
        next_steps=interview.next_steps,
        decision_timeline_days=interview.decision_timeline_days,
        decision_date=interview.decision_date,
        may_check_in=interview.may_check_in,
        check_back_on=interview.check_back_on,
        preferred_channel=interview.preferred_channel,
        panel=panel,
        questions=questions,
    )
