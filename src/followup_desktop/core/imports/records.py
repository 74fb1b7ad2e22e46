"""Opportunities with their stage history and people, read in a few set-based queries
for the spreadsheet export and the proof-of-search log."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from followup_desktop.core.models import (
    Contact,
    ContactRole,
    Opportunity,
    OpportunityContact,
    Stage,
    StageChange,
    StageKind,
)


@dataclass(frozen=True)
class StageEntry:
    """An opportunity entered a stage at a time (``note`` says e.g. "imported")."""

    stage: str
    kind: StageKind
    at: datetime
    note: str


@dataclass(frozen=True)
class Person:
    """Someone linked to an opportunity."""

    name: str
    title: str
    email: str
    phone: str
    role: ContactRole


@dataclass(frozen=True)
class Record:
    """One opportunity as the exports need it."""

    id: int
    company: str
    role: str
    link: str
    location: str
    salary_min: int | None
    salary_max: int | None
    salary_currency: str
    source: str
    notes: str
    archived: bool
    created_at: datetime
    stage: str
    stage_kind: StageKind
    history: tuple[StageEntry, ...]
    people: tuple[Person, ...]

    @property
    def stage_since(self) -> datetime:
        """When the opportunity entered its current stage (its creation if unrecorded)."""
        return self.history[-1].at if self.history else self.created_at


def load_records(session: Session) -> list[Record]:
    """Every opportunity, by id, with its stage history (oldest first) and people."""
    to_stage = aliased(Stage)
    history: dict[int, list[StageEntry]] = defaultdict(list)
    for opportunity_id, name, kind, at, note in session.execute(
        select(
            StageChange.opportunity_id,
            to_stage.name,
            to_stage.kind,
            StageChange.changed_at,
            StageChange.note,
        )
        .join(to_stage, to_stage.id == StageChange.to_stage_id)
        .order_by(StageChange.opportunity_id, StageChange.changed_at, StageChange.id)
    ):
        history[opportunity_id].append(StageEntry(name, StageKind(kind), at, note))
    people: dict[int, list[Person]] = defaultdict(list)
    for opportunity_id, name, title, email, phone, role in session.execute(
        select(
            OpportunityContact.opportunity_id,
            Contact.name,
            Contact.title,
            Contact.email,
            Contact.phone,
            OpportunityContact.role,
        )
        .join(Contact, Contact.id == OpportunityContact.contact_id)
        .order_by(OpportunityContact.opportunity_id, Contact.id)
    ):
        people[opportunity_id].append(Person(name, title, email, phone, ContactRole(role)))
    rows = session.execute(
        select(
            Opportunity.id,
            Opportunity.company,
            Opportunity.role,
            Opportunity.link,
            Opportunity.location,
            Opportunity.salary_min,
            Opportunity.salary_max,
            Opportunity.salary_currency,
            Opportunity.source,
            Opportunity.notes,
            Opportunity.archived,
            Opportunity.created_at,
            Stage.name,
            Stage.kind,
        )
        .join(Stage, Stage.id == Opportunity.stage_id)
        .order_by(Opportunity.id)
    )
    return [
        Record(
            id=row.id,
            company=row.company,
            role=row.role,
            link=row.link,
            location=row.location,
            salary_min=row.salary_min,
            salary_max=row.salary_max,
            salary_currency=row.salary_currency,
            source=row.source,
            notes=row.notes,
            archived=row.archived,
            created_at=row.created_at,
            stage=row.name,
            stage_kind=StageKind(row.kind),
            history=tuple(history.get(row.id, ())),
            people=tuple(people.get(row.id, ())),
        )
        for row in rows
    ]
