"""The domain as SQLAlchemy 2 typed models.

One SQLite file holds everything. Instants use :class:`UTCDateTime`; enumerations are
stored as their lowercase values in plain text columns (no CHECK constraints, so adding a
value later needs no table rebuild). Stages are rows, not an enum: a person can add,
rename, reorder and hide them; ``Stage.kind`` tells the playbook what a stage means.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from followup_desktop.core.action_kinds import ActionKind
from followup_desktop.core.fields import DEBRIEF_TEXT
from followup_desktop.core.kinds import StageKind as StageKind  # noqa: PLC0414 (re-exported)
from followup_desktop.core.sqltypes import ActionKindText, UTCDateTime
from followup_desktop.core.timeutil import utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a naming convention so migrations can name constraints."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _enum(enum_class: type[enum.Enum]) -> Enum:
    return Enum(
        enum_class,
        native_enum=False,
        create_constraint=False,
        length=32,
        validate_strings=True,
        values_callable=lambda members: [member.value for member in members],
    )


class ContactRole(enum.StrEnum):
    """Why a contact matters for an opportunity."""

    INTERVIEWER = "interviewer"
    HR = "hr"
    RECRUITER = "recruiter"
    REFERRER = "referrer"
    INSIDE_CONTACT = "inside_contact"
    REFERENCE = "reference"


class InterviewKind(enum.StrEnum):
    """The form an interview took."""

    PHONE = "phone"
    VIDEO = "video"
    ONSITE = "onsite"
    PANEL = "panel"
    TECHNICAL = "technical"
    OTHER = "other"


class Channel(enum.StrEnum):
    """How a message reaches a person."""

    EMAIL = "email"
    PHONE = "phone"
    LETTER = "letter"
    LINKEDIN = "linkedin"
    IN_PERSON = "in_person"
    #: Any route the app has no name for (handed over by a friend, a form on their site).
    OTHER = "other"


class ActionState(enum.StrEnum):
    """Where an action stands; ``snoozed`` carries ``snoozed_until``.

    ``missed``: a planned step long past its point (see docs/playbook.md); the planner
    sets it and takes it back, it is never reminded, and clearing it dismisses it.
    """

    OPEN = "open"
    DONE = "done"
    SNOOZED = "snoozed"
    DISMISSED = "dismissed"
    MISSED = "missed"


class ActionOrigin(enum.StrEnum):
    """Whether the playbook planned an action or the person added it."""

    GENERATED = "generated"
    MANUAL = "manual"


class Direction(enum.StrEnum):
    """Which way a piece of correspondence went."""

    SENT = "sent"
    RECEIVED = "received"


class DebriefStatus(enum.StrEnum):
    """A debrief is a draft until the person submits it."""

    DRAFT = "draft"
    SUBMITTED = "submitted"


class Stage(Base):
    """A column of the board. ``position`` orders them; ``hidden`` keeps them off it."""

    __tablename__ = "stages"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[StageKind] = mapped_column(_enum(StageKind))
    position: Mapped[int] = mapped_column(Integer)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)


class Contact(Base):
    """A person: interviewer, recruiter, referrer, reference, ..."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(320), default="")
    phone: Mapped[str] = mapped_column(String(64), default="")
    linkedin: Mapped[str] = mapped_column(String(500), default="")
    notes: Mapped[str] = mapped_column(Text, default="")


class Opportunity(Base):
    """One job the person is pursuing, from wishlist to outcome."""

    __tablename__ = "opportunities"
    __table_args__ = (
        Index("ix_opportunities_stage_archived", "stage_id", "archived"),
        CheckConstraint(
            "salary_min IS NULL OR salary_max IS NULL OR salary_min <= salary_max",
            name="salary_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(200))
    link: Mapped[str] = mapped_column(String(2000), default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    salary_min: Mapped[int | None] = mapped_column(Integer, default=None)
    salary_max: Mapped[int | None] = mapped_column(Integer, default=None)
    salary_currency: Mapped[str] = mapped_column(String(3), default="")
    source: Mapped[str] = mapped_column(String(200), default="")
    referrer_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), default=None
    )
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id", ondelete="RESTRICT"))
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    acceptance_criteria: Mapped[str] = mapped_column(Text, default="")
    start_date: Mapped[date | None] = mapped_column(Date, default=None)
    #: The language of the letters written for this opportunity ("en", "de", "fr");
    #: None writes them in the app's language.
    letter_language: Mapped[str | None] = mapped_column(String(8), default=None)
    # Per-opportunity playbook settings that override the global ones (key -> value).
    playbook_overrides: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    stage: Mapped[Stage] = relationship(lazy="joined")
    referrer: Mapped[Contact | None] = relationship()
    stage_history: Mapped[list[StageChange]] = relationship(
        back_populates="opportunity",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="StageChange.changed_at",
    )
    interviews: Mapped[list[Interview]] = relationship(
        back_populates="opportunity",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Interview.starts_at",
    )
    contact_links: Mapped[list[OpportunityContact]] = relationship(
        back_populates="opportunity", cascade="all, delete-orphan", passive_deletes=True
    )
    actions: Mapped[list[Action]] = relationship(
        back_populates="opportunity", cascade="all, delete-orphan", passive_deletes=True
    )
    correspondence: Mapped[list[Correspondence]] = relationship(
        back_populates="opportunity",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Correspondence.occurred_at",
    )


class StageChange(Base):
    """One move of an opportunity from a stage to another (the first has no origin)."""

    __tablename__ = "stage_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE"), index=True
    )
    from_stage_id: Mapped[int | None] = mapped_column(
        ForeignKey("stages.id", ondelete="SET NULL"), default=None
    )
    to_stage_id: Mapped[int | None] = mapped_column(ForeignKey("stages.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")

    opportunity: Mapped[Opportunity] = relationship(back_populates="stage_history")


class OpportunityContact(Base):
    """A contact's role in one opportunity (the same person may have several)."""

    __tablename__ = "opportunity_contacts"

    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE"), primary_key=True
    )
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[ContactRole] = mapped_column(_enum(ContactRole), primary_key=True)

    opportunity: Mapped[Opportunity] = relationship(back_populates="contact_links")
    contact: Mapped[Contact] = relationship(lazy="joined")


class Interview(Base):
    """One conversation with the employer, and what they said about what comes next."""

    __tablename__ = "interviews"
    __table_args__ = (Index("ix_interviews_starts_at", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE"), index=True
    )
    round: Mapped[int] = mapped_column(Integer, default=1)
    kind: Mapped[InterviewKind] = mapped_column(_enum(InterviewKind), default=InterviewKind.VIDEO)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The IANA zone the interview was arranged in, so it shows as agreed.
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    location: Mapped[str] = mapped_column(String(2000), default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    decision_timeline_days: Mapped[int | None] = mapped_column(Integer, default=None)
    decision_date: Mapped[date | None] = mapped_column(Date, default=None)
    may_check_in: Mapped[bool | None] = mapped_column(Boolean, default=None)
    check_back_on: Mapped[date | None] = mapped_column(Date, default=None)
    preferred_channel: Mapped[Channel | None] = mapped_column(_enum(Channel), default=None)
    ical_uid: Mapped[str | None] = mapped_column(String(500), unique=True, default=None)
    notes: Mapped[str] = mapped_column(Text, default="")

    opportunity: Mapped[Opportunity] = relationship(back_populates="interviews")
    participants: Mapped[list[InterviewParticipant]] = relationship(
        back_populates="interview",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="InterviewParticipant.position",
    )
    debrief: Mapped[Debrief | None] = relationship(
        back_populates="interview", cascade="all, delete-orphan", passive_deletes=True
    )


class InterviewParticipant(Base):
    """A person on the panel, with the detail to mention in their thank-you."""

    __tablename__ = "interview_participants"

    interview_id: Mapped[int] = mapped_column(
        ForeignKey("interviews.id", ondelete="CASCADE"), primary_key=True
    )
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    mention: Mapped[str] = mapped_column(Text, default="")

    interview: Mapped[Interview] = relationship(back_populates="participants")
    contact: Mapped[Contact] = relationship(lazy="joined")


# The debrief's free-text fields, in form order, declared with their rules in core.fields.
# The service, the message templates and the debrief form all take their list from there,
# so a field added to the model appears everywhere it should (a test holds this tuple to
# the columns below).
DEBRIEF_TEXT_FIELDS: tuple[str, ...] = tuple(DEBRIEF_TEXT)


class Debrief(Base):
    """What the person wrote right after an interview (PLAYBOOK section 1)."""

    __tablename__ = "debriefs"

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(
        ForeignKey("interviews.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[DebriefStatus] = mapped_column(_enum(DebriefStatus), default=DebriefStatus.DRAFT)
    went_well: Mapped[str] = mapped_column(Text, default="")
    went_badly: Mapped[str] = mapped_column(Text, default="")
    preparedness: Mapped[int | None] = mapped_column(Integer, default=None)
    tied_experience: Mapped[bool | None] = mapped_column(Boolean, default=None)
    learned_job: Mapped[str] = mapped_column(Text, default="")
    learned_organization: Mapped[str] = mapped_column(Text, default="")
    skills_to_build: Mapped[str] = mapped_column(Text, default="")
    promised_material: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    interview: Mapped[Interview] = relationship(back_populates="debrief")
    questions: Mapped[list[StumbledQuestion]] = relationship(
        back_populates="debrief",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="StumbledQuestion.position",
    )


class StumbledQuestion(Base):
    """A question answered badly, and the better answer to rehearse."""

    __tablename__ = "stumbled_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    debrief_id: Mapped[int] = mapped_column(
        ForeignKey("debriefs.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    question: Mapped[str] = mapped_column(Text)
    my_answer: Mapped[str] = mapped_column(Text, default="")
    better_answer: Mapped[str] = mapped_column(Text, default="")
    theme: Mapped[str] = mapped_column(String(200), default="")
    practiced: Mapped[bool] = mapped_column(Boolean, default=False)

    debrief: Mapped[Debrief] = relationship(back_populates="questions")


class Action(Base):
    """Something to do by a time, with the reason it is worth doing.

    ``plan_key`` identifies a generated action across re-planning (for example
    ``thank_you:interview=4:contact=9``) so the planner updates instead of duplicating.
    """

    __tablename__ = "actions"
    __table_args__ = (
        UniqueConstraint("opportunity_id", "plan_key", name="uq_actions_opportunity_plan_key"),
        Index("ix_actions_state_due_at", "state", "due_at"),
        # Covers "next open action per opportunity" (board and planner); see migration 0004.
        Index(
            "ix_actions_opportunity_next",
            "opportunity_id",
            "state",
            "due_at",
            "snoozed_until",
            "kind",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Empty for actions about the whole search, such as keeping options open.
    opportunity_id: Mapped[int | None] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE"), index=True
    )
    interview_id: Mapped[int | None] = mapped_column(
        ForeignKey("interviews.id", ondelete="CASCADE"), default=None, index=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), default=None
    )
    kind: Mapped[ActionKind] = mapped_column(ActionKindText())
    plan_key: Mapped[str | None] = mapped_column(String(200), default=None)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recipient: Mapped[str] = mapped_column(String(400), default="")
    channel: Mapped[Channel | None] = mapped_column(_enum(Channel), default=None)
    reason: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[ActionState] = mapped_column(_enum(ActionState), default=ActionState.OPEN)
    snoozed_until: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    origin: Mapped[ActionOrigin] = mapped_column(
        _enum(ActionOrigin), default=ActionOrigin.GENERATED
    )
    # The person moved the due time by hand; re-planning must keep it.
    due_edited: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    opportunity: Mapped[Opportunity | None] = relationship(back_populates="actions")


# The agenda sorts by the effective due time (a snooze postpones an action); see 0004.
Index(
    "ix_actions_effective_due",
    func.coalesce(Action.__table__.c.snoozed_until, Action.__table__.c.due_at),
    Action.__table__.c.state,
)


class Correspondence(Base):
    """A message or call, sent or received; a received one resets the follow-up cadence."""

    __tablename__ = "correspondence"

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), default=None
    )
    action_id: Mapped[int | None] = mapped_column(
        ForeignKey("actions.id", ondelete="SET NULL"), default=None
    )
    direction: Mapped[Direction] = mapped_column(_enum(Direction))
    channel: Mapped[Channel] = mapped_column(_enum(Channel), default=Channel.EMAIL)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    subject: Mapped[str] = mapped_column(String(1000), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    # Set on a received message that asks to be contacted again on a given day.
    check_back_on: Mapped[date | None] = mapped_column(Date, default=None)

    opportunity: Mapped[Opportunity] = relationship(back_populates="correspondence")


class Setting(Base):
    """One user setting; values are JSON so a setting can be a number, text or list."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


DEFAULT_STAGES: tuple[tuple[str, StageKind], ...] = (
    ("Wishlist", StageKind.PROSPECT),
    ("Applied", StageKind.ACTIVE),
    ("Screening", StageKind.ACTIVE),
    ("Interviewing", StageKind.ACTIVE),
    ("Final round", StageKind.FINAL),
    ("Offer", StageKind.OFFER),
    ("Accepted", StageKind.ACCEPTED),
    ("Rejected", StageKind.REJECTED),
    ("Withdrawn", StageKind.WITHDRAWN),
    ("Moved on", StageKind.CLOSED),
)


class ReminderDelivery(Base):
    """A reminder that reached the person: one row per action and announced due time.

    A snooze gives the action a new due time and so a new row; the unique constraint
    keeps a restart from announcing the same due time twice. ``grouped`` marks a
    reminder that went out inside a summary ("3 things came due ...").
    """

    __tablename__ = "reminder_deliveries"
    __table_args__ = (
        UniqueConstraint("action_id", "due_at", name="uq_reminder_deliveries_action_id_due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    channel: Mapped[str] = mapped_column(String(32))
    grouped: Mapped[bool] = mapped_column(Boolean, default=False)


class DebriefDraftRow(Base):
    """A debrief being typed, one per interview (see :mod:`followup_desktop.core.debrief_draft`).

    ``body`` is the draft's JSON in format ``version``; the row goes with its interview.
    """

    __tablename__ = "debrief_drafts"

    interview_id: Mapped[int] = mapped_column(
        ForeignKey("interviews.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime)
    body: Mapped[str] = mapped_column(Text)


def configure_orm() -> None:
    """Run SQLAlchemy's one-time mapper set-up now (on a worker), not on first use (which
    may be on the GUI thread)."""
    from sqlalchemy.orm import configure_mappers

    configure_mappers()
