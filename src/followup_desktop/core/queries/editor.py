"""What the opportunity editor shows: one opportunity's fields, people, interviews and
messages, read column by column into frozen snapshots.

Only shown columns are read: a message's body (which may be long) is not, nor any
interview field the list does not show. SQLAlchemy is imported where the query runs,
so :mod:`followup_desktop.core.board` (on the start-up path) can re-export the snapshots.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from followup_desktop.core.errors import NotFoundError
from followup_desktop.core.i18n import _

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from followup_desktop.core.db import Database


@dataclass(frozen=True, slots=True)
class ContactSnapshot:
    """A person linked to an opportunity, in one role."""

    contact_id: int
    name: str
    role: str
    title: str
    email: str
    phone: str
    linkedin: str = ""


@dataclass(frozen=True, slots=True)
class InterviewSnapshot:
    """One interview as the editor lists it."""

    interview_id: int
    round: int
    kind: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    location: str
    next_steps: str


@dataclass(frozen=True, slots=True)
class CorrespondenceSnapshot:
    """One message or call as the editor lists it."""

    correspondence_id: int
    direction: str
    channel: str
    occurred_at: datetime
    subject: str


@dataclass(frozen=True, slots=True)
class OpportunityDetails:
    """Every field of one opportunity, with its contacts, interviews and correspondence."""

    opportunity_id: int
    company: str
    role: str
    link: str
    location: str
    source: str
    salary_min: int | None
    salary_max: int | None
    salary_currency: str
    stage_id: int
    archived: bool
    notes: str
    acceptance_criteria: str
    start_date: date | None
    contacts: tuple[ContactSnapshot, ...]
    interviews: tuple[InterviewSnapshot, ...]
    correspondence: tuple[CorrespondenceSnapshot, ...]
    # This opportunity's own playbook choices (setting name -> value); a copy.
    playbook_overrides: dict[str, Any] = field(default_factory=dict)
    # The language of its letters; None: the app's.
    letter_language: str | None = None

    def field_values(self) -> dict[str, Any]:
        """The editable fields by the names the service takes."""
        return {
            "company": self.company,
            "role": self.role,
            "link": self.link,
            "location": self.location,
            "source": self.source,
            "salary_min": self.salary_min,
            "salary_max": self.salary_max,
            "salary_currency": self.salary_currency,
            "stage_id": self.stage_id,
            "archived": self.archived,
            "notes": self.notes,
            "acceptance_criteria": self.acceptance_criteria,
            "start_date": self.start_date,
            "letter_language": self.letter_language,
            "playbook_overrides": dict(self.playbook_overrides),
        }


def opportunity_details(session: Session, opportunity_id: int) -> OpportunityDetails:
    """Everything the editor shows about one opportunity."""
    from sqlalchemy import select

    from followup_desktop.core.models import (
        Contact,
        Correspondence,
        Interview,
        Opportunity,
        OpportunityContact,
    )

    o = Opportunity
    row = session.execute(
        select(
            o.id,
            o.company,
            o.role,
            o.link,
            o.location,
            o.source,
            o.salary_min,
            o.salary_max,
            o.salary_currency,
            o.stage_id,
            o.archived,
            o.notes,
            o.acceptance_criteria,
            o.start_date,
            o.playbook_overrides,
            o.letter_language,
        ).where(o.id == opportunity_id)
    ).first()
    if row is None:
        raise NotFoundError(
            _("Opportunity {number} does not exist (it may have been deleted).").format(
                number=opportunity_id
            )
        )
    contacts = session.execute(
        select(
            Contact.id,
            Contact.name,
            OpportunityContact.role,
            Contact.title,
            Contact.email,
            Contact.phone,
            Contact.linkedin,
        )
        .join(OpportunityContact, OpportunityContact.contact_id == Contact.id)
        .where(OpportunityContact.opportunity_id == opportunity_id)
        .order_by(Contact.name, OpportunityContact.role)
    )
    i = Interview
    interviews = session.execute(
        select(i.id, i.round, i.kind, i.starts_at, i.ends_at, i.timezone, i.location, i.next_steps)
        .where(i.opportunity_id == opportunity_id)
        .order_by(i.starts_at)
    )
    c = Correspondence
    messages = session.execute(
        select(c.id, c.direction, c.channel, c.occurred_at, c.subject)
        .where(c.opportunity_id == opportunity_id)
        .order_by(c.occurred_at.desc())
    )
    (
        ident,
        company,
        role,
        link,
        location,
        source,
        salary_min,
        salary_max,
        currency,
        stage_id,
        archived,
        notes,
        criteria,
        start_date,
        overrides,
        letter_language,
    ) = row
    return OpportunityDetails(
        opportunity_id=ident,
        company=company,
        role=role,
        link=link,
        location=location,
        source=source,
        salary_min=salary_min,
        salary_max=salary_max,
        salary_currency=currency,
        stage_id=stage_id,
        archived=archived,
        notes=notes,
        acceptance_criteria=criteria,
        start_date=start_date,
        letter_language=letter_language,
        contacts=tuple(
            ContactSnapshot(
                item.id,
                item.name,
                str(item.role.value),
                item.title,
                item.email,
                item.phone,
                item.linkedin,
            )
            for item in contacts
        ),
        interviews=tuple(
            InterviewSnapshot(item[0], item[1], str(item[2].value), *item[3:])
            for item in interviews
        ),
        correspondence=tuple(
            CorrespondenceSnapshot(
                item[0], str(item[1].value), str(item[2].value), item[3], item[4]
            )
            for item in messages
        ),
        playbook_overrides=dict(overrides or {}),
    )


def load_opportunity(db: Database, opportunity_id: int) -> OpportunityDetails:
    """:func:`opportunity_details` in a session of its own (what the editor calls)."""
    with db.session() as session:
        return opportunity_details(session, opportunity_id)


__all__ = [
    "ContactSnapshot",
    "CorrespondenceSnapshot",
    "InterviewSnapshot",
    "OpportunityDetails",
    "load_opportunity",
    "opportunity_details",
]
