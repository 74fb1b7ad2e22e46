"""What the calendar shows for a range of time, read with indexed range queries only.

The view asks for the days it shows and nothing else: interviews by ``starts_at``
(``ix_interviews_starts_at``), open actions by ``(state, due_at)`` and snoozed ones by
``(state, snoozed_until)`` (``ix_actions_state_due_at`` narrows both to their state),
and expected decisions from a :class:`DecisionIndex` kept beside the view. Rows come
back as small frozen snapshots.
"""

from __future__ import annotations

import enum
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from followup_desktop.core.action_kinds import (
    ActionKind,
    Symbol,
    action_headline,
    action_title,
    kind_info,
    person_named,
)
from followup_desktop.core.i18n import _
from followup_desktop.core.ics import expected_decision, is_cancelled_note
from followup_desktop.core.models import ActionState, StageKind
from followup_desktop.core.timeutil import start_of_day


class EntryKind(enum.StrEnum):
    """What a calendar item is."""

    INTERVIEW = "interview"
    ACTION = "action"
    DECISION = "decision"


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    """One item on the calendar; ``day`` is the local day it is drawn on."""

    kind: EntryKind
    key: str
    opportunity_id: int | None
    interview_id: int | None
    action_id: int | None
    company: str
    role: str
    starts_at: datetime
    ends_at: datetime
    day: date
    action_kind: ActionKind | None = None
    overdue: bool = False
    snoozed: bool = False
    cancelled: bool = False
    location: str = ""
    round: int = 1
    timezone: str = "UTC"
    detail: str = ""
    #: Whom an action is about (its contact, else the recipient's name).
    person: str = ""

    @property
    def title(self) -> str:
        """The short words drawn on the calendar."""
        if self.kind is EntryKind.INTERVIEW:
            if self.cancelled:
                return _("Cancelled: {company} · round {round}").format(
                    company=self.company, round=self.round
                )
            return _("{company} · round {round}").format(company=self.company, round=self.round)
        if self.kind is EntryKind.DECISION:
            return _("Decision due: {company}").format(company=self.company)
        if self.action_kind is None:
            return ""
        return action_headline(self.action_kind, self.person, self.company)

    @property
    def action_label(self) -> str:
        """What an action item asks, naming its person (empty for other items)."""
        return "" if self.action_kind is None else action_title(self.action_kind, self.person)

    @property
    def where(self) -> str:
        """Company and role, for tooltips."""
        if not self.company:
            return _("Your search")
        return _("{company} — {role}").format(company=self.company, role=self.role)


def symbol_of(entry: CalendarEntry) -> Symbol:
    """How an item is marked: interview, decision, or its action kind's symbol."""
    if entry.kind is EntryKind.INTERVIEW:
        return Symbol.INTERVIEW
    if entry.kind is EntryKind.DECISION:
        return Symbol.DECISION
    assert entry.action_kind is not None
    return kind_info(entry.action_kind).symbol


def day_range(first: date, days: int, tz: tzinfo) -> tuple[datetime, datetime]:
    """The UTC instants bounding ``days`` local days from ``first`` (DST-safe)."""
    return start_of_day(first, tz), start_of_day(first + timedelta(days=days), tz)


@dataclass(frozen=True)
class CalendarRange:
    """What a view shows: up to ``per_day`` items of each kind per day, and day totals."""

    first: date
    days: int
    entries: tuple[CalendarEntry, ...]
    totals: dict[date, int]

    def on(self, day: date) -> list[CalendarEntry]:
        """The loaded items of one day, in drawing order."""
        return [entry for entry in self.entries if entry.day == day]

    def hidden(self, day: date) -> int:
        """How many items of ``day`` were not loaded (the "+N more" of a month cell)."""
        return self.totals.get(day, 0) - sum(1 for entry in self.entries if entry.day == day)


_INTERVIEWS_SQL = """
SELECT i.id, i.opportunity_id, i.round, i.kind, i.starts_at, i.ends_at, i.timezone,
       i.location, substr(i.notes, 1, 40), o.company, o.role
FROM interviews AS i JOIN opportunities AS o ON o.id = i.opportunity_id
WHERE i.starts_at >= ? AND i.starts_at < ? AND o.archived = 0
ORDER BY i.starts_at, i.id LIMIT ?
"""
_INTERVIEW_COUNT_SQL = "SELECT count(*) FROM interviews WHERE starts_at >= ? AND starts_at < ?"
_ACTION_COLUMNS = """
SELECT a.id, a.opportunity_id, a.interview_id, a.kind, a.due_at, a.snoozed_until, a.state,
       a.recipient, a.reason, o.company, o.role, c.name
FROM actions AS a LEFT OUTER JOIN opportunities AS o ON o.id = a.opportunity_id
LEFT OUTER JOIN contacts AS c ON c.id = a.contact_id
"""
_OPEN_ACTIONS_SQL = (
    _ACTION_COLUMNS
    + """WHERE a.state = 'open' AND a.due_at >= ? AND a.due_at < ?
      AND (o.id IS NULL OR o.archived = 0)
ORDER BY a.due_at, a.id LIMIT ?"""
)
# Archived opportunities hold no open actions (the planner obsoletes them), so the
# count can stay on the covering index without the join.
_OPEN_COUNT_SQL = "SELECT count(*) FROM actions WHERE state = 'open' AND due_at >= ? AND due_at < ?"
_SNOOZED_SQL = (
    _ACTION_COLUMNS
    + """WHERE a.state = 'snoozed' AND a.snoozed_until >= ? AND a.snoozed_until < ?
      AND (o.id IS NULL OR o.archived = 0)
ORDER BY a.snoozed_until, a.id"""
)
# The latest interview with a stated decision speaks for its opportunity (SQLite returns
# the bare columns of the row holding max()).
_DECISIONS_SQL = """
SELECT i.id, i.opportunity_id, max(i.starts_at), i.ends_at, i.timezone, i.decision_date,
       i.decision_timeline_days, o.company, o.role, s.kind
FROM interviews AS i
JOIN opportunities AS o ON o.id = i.opportunity_id
JOIN stages AS s ON s.id = o.stage_id
WHERE (i.decision_date IS NOT NULL OR i.decision_timeline_days IS NOT NULL)
  AND o.archived = 0 {only}
GROUP BY i.opportunity_id
"""
_CLOSED_KINDS = frozenset(kind.value for kind in StageKind if kind.is_closed)


def _stored(moment: datetime) -> str:
    """An instant as UTCDateTime stores it (naive UTC text), for range bounds."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def load_range(
    session: Session,
    first: date,
    days: int,
    now: datetime,
    tz: tzinfo,
    *,
    per_day: int = 1000,
    decisions: DecisionIndex | None = None,
) -> CalendarRange:
    """Interviews, open actions and expected decisions on ``days`` local days from
    ``first``: at most ``per_day`` interviews and ``per_day`` actions a day, soonest
    first, with every day's total so a view can say how many more there are.

    Each day is one indexed range query per kind that stops after ``per_day`` rows, so
    a month costs the same on 60 opportunities and on 10,000. Expected decisions come
    from ``decisions`` (see :class:`DecisionIndex`).
    """
    connection = session.connection().connection.driver_connection
    assert connection is not None
    cursor = connection.cursor()
    bounds = [_stored(start_of_day(first + timedelta(days=i), tz)) for i in range(days + 1)]
    entries: list[CalendarEntry] = []
    totals: dict[date, int] = {}
    for index in range(days):
        day = first + timedelta(days=index)
        low, high = bounds[index], bounds[index + 1]
        total = cursor.execute(_INTERVIEW_COUNT_SQL, (low, high)).fetchone()[0]
        total += cursor.execute(_OPEN_COUNT_SQL, (low, high)).fetchone()[0]
        totals[day] = total
        if not total:
            continue
        for row in cursor.execute(_INTERVIEWS_SQL, (low, high, per_day)).fetchall():
            entries.append(_interview_entry(row, day))
        for row in cursor.execute(_OPEN_ACTIONS_SQL, (low, high, per_day)).fetchall():
            entries.append(_action_entry(row, day, now))
    for row in cursor.execute(_SNOOZED_SQL, (bounds[0], bounds[-1])).fetchall():
        entry = _action_entry(row, None, now, tz)
        totals[entry.day] = totals.get(entry.day, 0) + 1
        entries.append(entry)
    if decisions is not None:
        shown: dict[date, int] = {}
        for entry in decisions.between(first, first + timedelta(days=days - 1)):
            totals[entry.day] = totals.get(entry.day, 0) + 1
            if shown.get(entry.day, 0) < per_day:
                shown[entry.day] = shown.get(entry.day, 0) + 1
                entries.append(entry)
    # Decisions head their day; interviews and actions follow in time order.
    entries.sort(key=lambda e: (e.day, e.kind is not EntryKind.DECISION, e.starts_at, e.key))
    return CalendarRange(first, days, tuple(entries), totals)


def _interview_entry(row: tuple[Any, ...], day: date) -> CalendarEntry:
    (ident, opportunity_id, round_, kind, starts, ends, zone, location, notes, company, role) = row
    return CalendarEntry(
        kind=EntryKind.INTERVIEW,
        key=f"interview:{ident}",
        opportunity_id=opportunity_id,
        interview_id=ident,
        action_id=None,
        company=company,
        role=role,
        starts_at=_instant(starts),
        ends_at=_instant(ends),
        day=day,
        cancelled=is_cancelled_note(notes or ""),
        location=location,
        round=round_,
        timezone=zone,
        detail=f"{str(kind).capitalize()} interview",
    )


def _action_entry(
    row: tuple[Any, ...], day: date | None, now: datetime, tz: tzinfo | None = None
) -> CalendarEntry:
    (
        ident,
        opportunity_id,
        interview_id,
        kind,
        due_text,
        snoozed_text,
        state,
        recipient,
        reason,
        company,
        role,
        contact_name,
    ) = row
    snoozed = state == ActionState.SNOOZED.value and snoozed_text is not None
    due = _instant(snoozed_text if snoozed else due_text)
    lines = []
    if recipient:
        lines.append(_("To: {recipient}").format(recipient=recipient))
    if reason:
        lines.append(_("Why: {reason}").format(reason=reason))
    if day is None:
        assert tz is not None
        day = due.astimezone(tz).date()
    return CalendarEntry(
        kind=EntryKind.ACTION,
        key=f"action:{ident}",
        opportunity_id=opportunity_id,
        interview_id=interview_id,
        action_id=ident,
        company=company or "",
        role=role or "",
        starts_at=due,
        ends_at=due,
        day=day,
        action_kind=ActionKind.of(kind),
        overdue=due < now,
        snoozed=snoozed,
        detail="\n".join(lines),
        person=person_named(contact_name, recipient),
    )


class DecisionIndex:
    """Every open opportunity's expected decision day, sorted, for range look-ups.

    A decision day is derived (a stated date, or the interview's end plus a timeline of
    up to a year) and the schema has no index that finds one by day, so a range query
    would have to read a year of interviews on every page turn. Instead the calendar
    keeps this map (at most one small entry per opportunity), built once off the GUI
    thread and patched per changed opportunity by :meth:`update`.
    """

    def __init__(self, entries: Iterable[CalendarEntry] = ()) -> None:
        self._by_opportunity: dict[int, CalendarEntry] = {}
        self._sorted: list[CalendarEntry] | None = None
        for entry in entries:
            assert entry.opportunity_id is not None
            self._by_opportunity[entry.opportunity_id] = entry

    def __len__(self) -> int:
        return len(self._by_opportunity)

    def update(self, opportunity_ids: Iterable[int], entries: Iterable[CalendarEntry]) -> None:
        """Replace what is known about ``opportunity_ids`` with ``entries``."""
        for opportunity_id in opportunity_ids:
            self._by_opportunity.pop(opportunity_id, None)
        for entry in entries:
            assert entry.opportunity_id is not None
            self._by_opportunity[entry.opportunity_id] = entry
        self._sorted = None

    def between(self, first: date, last: date) -> list[CalendarEntry]:
        """Decisions from ``first`` to ``last`` (inclusive), by day."""
        if self._sorted is None:
            self._sorted = sorted(self._by_opportunity.values(), key=lambda e: (e.day, e.key))
            self._days = [entry.day for entry in self._sorted]
        low = bisect_left(self._days, first)
        high = bisect_right(self._days, last)
        return self._sorted[low:high]


def load_decisions(
    session: Session, tz: tzinfo, opportunity_ids: Iterable[int] | None = None
) -> list[CalendarEntry]:
    """The expected decision of each open, unarchived opportunity (the given ones, or
    all): the latest interview that stated a date or a timeline speaks for it."""
    only = ""
    if opportunity_ids is not None:
        wanted = sorted({int(value) for value in opportunity_ids})
        if not wanted:
            return []
        # Integers only (int() above), so the list is safe to inline.
        only = f"AND i.opportunity_id IN ({','.join(map(str, wanted))})"
    connection = session.connection().connection.driver_connection
    assert connection is not None
    entries = []
    zones: dict[str, tzinfo] = {}
    for row in connection.execute(_DECISIONS_SQL.format(only=only)).fetchall():
        (
            ident,
            opportunity_id,
            _starts,
            ends,
            zone,
            decision_text,
            timeline,
            company,
            role,
            stage_kind,
        ) = row
        if stage_kind in _CLOSED_KINDS:
            continue
        if zone not in zones:
            zones[zone] = _zone(zone, tz)
        decided = expected_decision(
            _instant(ends),
            date.fromisoformat(decision_text) if decision_text else None,
            timeline,
            zones[zone],
        )
        if decided is None:
            continue
        entries.append(
            CalendarEntry(
                kind=EntryKind.DECISION,
                key=f"decision:{ident}",
                opportunity_id=opportunity_id,
                interview_id=ident,
                action_id=None,
                company=company,
                role=role,
                starts_at=start_of_day(decided, tz),
                ends_at=start_of_day(decided, tz),
                day=decided,
                detail=_("The employer said they would decide by this day."),
            )
        )
    return entries


def _zone(name: str, fallback: tzinfo) -> tzinfo:
    try:
        return ZoneInfo(name) if name else fallback
    except (ZoneInfoNotFoundError, ValueError):
        return UTC
