"""What the calendar page reads: a range of days, the expected decisions, one interview's
times, and the opportunities an interview can be scheduled for."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from followup_desktop.core.calendar_query import (
    CalendarEntry,
    CalendarRange,
    DecisionIndex,
    load_decisions,
    load_range,
)
from followup_desktop.core.db import Database
from followup_desktop.core.playbook.rawsql import instant


@dataclass(frozen=True, slots=True)
class InterviewTimes:
    """When an interview starts and ends, and the zone it was arranged in."""

    interview_id: int
    starts_at: datetime
    ends_at: datetime
    timezone: str


@dataclass(frozen=True, slots=True)
class OpportunityChoice:
    """An opportunity offered in a list: its id and "Company — Role"."""

    opportunity_id: int
    label: str


def calendar_range(
    db: Database,
    first: date,
    days: int,
    now: datetime,
    tz: tzinfo,
    *,
    per_day: int,
    decisions: DecisionIndex,
) -> CalendarRange:
    """Interviews, open actions and expected decisions on ``days`` local days from ``first``
    (see :func:`~followup_desktop.core.calendar_query.load_range`)."""
    with db.session() as session:
        return load_range(session, first, days, now, tz, per_day=per_day, decisions=decisions)


def expected_decisions(
    db: Database, tz: tzinfo, opportunity_ids: Iterable[int] | None = None
) -> list[CalendarEntry]:
    """The expected decision of each open opportunity (the given ones, or all)."""
    with db.session() as session:
        return load_decisions(session, tz, opportunity_ids)


def interview_times(db: Database, interview_id: int) -> InterviewTimes | None:
    """One interview's start, end and zone; None when it no longer exists."""
    with db.session() as session:
        row = (
            session.connection()
            .exec_driver_sql(
                "SELECT starts_at, ends_at, timezone FROM interviews WHERE id = ?",
                (interview_id,),
            )
            .first()
        )
    if row is None:
        return None
    return InterviewTimes(interview_id, instant(row[0]), instant(row[1]), str(row[2]))


def open_opportunities(db: Database) -> list[OpportunityChoice]:
    """Every opportunity not archived, by company and role (id and label only)."""
    with db.session() as session:
        rows = session.connection().exec_driver_sql(
            "SELECT id, company, role FROM opportunities WHERE archived = 0 "
            "ORDER BY company, role, id"
        )
        return [OpportunityChoice(ident, f"{company} — {role}") for ident, company, role in rows]


__all__ = [
    "InterviewTimes",
    "OpportunityChoice",
    "calendar_range",
    "expected_decisions",
    "interview_times",
    "open_opportunities",
]
