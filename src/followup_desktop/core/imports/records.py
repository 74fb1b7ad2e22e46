"""Opportunities with their stage history and people, read in a few set-based queries
for the spreadsheet export and the proof-of-search log."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from followup_desktop.core.models import ContactRole, StageKind
from followup_desktop.core.playbook.rawsql import driver_connection, instant


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


_HISTORY_SQL = """
SELECT c.opportunity_id, s.name, s.kind, c.changed_at, c.note
FROM stage_changes AS c JOIN stages AS s ON s.id = c.to_stage_id
ORDER BY c.opportunity_id, c.changed_at, c.id
"""
_PEOPLE_SQL = """
SELECT l.opportunity_id, c.name, c.title, c.email, c.phone, l.role
FROM opportunity_contacts AS l JOIN contacts AS c ON c.id = l.contact_id
ORDER BY l.opportunity_id, c.id
"""
_OPPORTUNITIES_SQL = """
SELECT o.id, o.company, o.role, o.link, o.location, o.salary_min, o.salary_max,
       o.salary_currency, o.source, {notes}, o.archived, o.created_at, s.name, s.kind
FROM opportunities AS o JOIN stages AS s ON s.id = o.stage_id
ORDER BY o.id
"""


def load_records(session: Session, *, with_notes: bool = True) -> list[Record]:
    """Every opportunity, by id, with its stage history (oldest first) and people.

    ``with_notes=False`` leaves the notes empty (the proof-of-search log shows none, and
    they are most of the bytes).

    Plain SQL on the session's connection: a year's log of a busy search reads tens of
    thousands of rows, and SQLAlchemy's per-value processing would be most of the time.
    """
    connection = driver_connection(session)
    kinds = {kind.value: kind for kind in StageKind}
    roles = {role.value: role for role in ContactRole}
    history: dict[int, list[StageEntry]] = defaultdict(list)
    for opportunity_id, name, kind, at, note in connection.execute(_HISTORY_SQL):
        history[opportunity_id].append(StageEntry(name, kinds[kind], instant(at), note))
    people: dict[int, list[Person]] = defaultdict(list)
    for opportunity_id, name, title, email, phone, role in connection.execute(_PEOPLE_SQL):
        people[opportunity_id].append(Person(name, title, email, phone, roles[role]))
    return [
        Record(
            id=row[0],
            company=row[1],
            role=row[2],
            link=row[3],
            location=row[4],
            salary_min=row[5],
            salary_max=row[6],
            salary_currency=row[7],
            source=row[8],
            notes=row[9],
            archived=bool(row[10]),
            created_at=instant(row[11]),
            stage=row[12],
            stage_kind=kinds[row[13]],
            history=tuple(history.get(row[0], ())),
            people=tuple(people.get(row[0], ())),
        )
        for row in connection.execute(
            _OPPORTUNITIES_SQL.format(notes="o.notes" if with_notes else "''")
        )
    ]
