"""Read queries for the board, as small frozen snapshots (the editor's: queries.editor).

The board shows thousands of cards, so its query is set-based: one statement joins each
opportunity to grouped sub-queries for its next open action, its next and last interview
and its last correspondence (never one query per card). Results are plain immutable
snapshots, so nothing lazy-loads later from a view's paint code.

The text the search box looks through (contacts, notes) is not on a card, so it has a
query of its own: the board paints without it and reads it just after.
"""

from __future__ import annotations

import enum
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from followup_desktop.core.agenda import (
    COMING_UP,
    driver_connection,
    effective_due_column,
    end_of_day,
)
from followup_desktop.core.kinds import StageKind, stage_label

# The editor's snapshots live with its query; these names stay importable from here.
from followup_desktop.core.queries.editor import (
    ContactSnapshot,
    CorrespondenceSnapshot,
    InterviewSnapshot,
    OpportunityDetails,
    opportunity_details,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# The board's reads (stages, cards, search text, card order) are plain SQL on the driver
# and run on a Session or on a bare sqlite3 connection: the window paints its first board
# before SQLAlchemy is loaded. The editor's and the counters' queries use the ORM and
# import it where they run.

# Search text is cut to this many characters of notes per card: enough to find a word
# in the notes without keeping megabytes of text for 10,000 cards in memory.
NOTES_SEARCH_CHARS = 2000


class DueState(enum.StrEnum):
    """Where a card's next action stands against the clock."""

    NONE = "none"
    OVERDUE = "overdue"
    TODAY = "today"
    LATER = "later"


def due_state(due_at: datetime | None, now: datetime, tz: tzinfo) -> DueState:
    """Overdue before ``now``, today until local midnight, later after that."""
    if due_at is None:
        return DueState.NONE
    if due_at < now:
        return DueState.OVERDUE
    local_now = now.astimezone(tz)
    end_of_today = local_now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    if due_at.astimezone(tz) < end_of_today:
        return DueState.TODAY
    return DueState.LATER


@dataclass(frozen=True, slots=True)
class StageSnapshot:
    """A board column as stored."""

    id: int
    name: str
    kind: StageKind
    position: int
    hidden: bool


class CardSnapshot(NamedTuple):
    """What one card on the board shows.

    A named tuple rather than a frozen dataclass: the board builds 10,000 of these at
    start-up, and a tuple is built about five times quicker.
    """

    opportunity_id: int
    stage_id: int
    company: str
    role: str
    archived: bool
    next_action_kind: str | None
    next_action_due: datetime | None
    open_actions: int
    next_interview_at: datetime | None
    last_interview_at: datetime | None
    last_contact_at: datetime | None


def load_stages(session: Session | sqlite3.Connection) -> list[StageSnapshot]:
    """Every stage in board order, hidden ones included.

    Plain SQL, like the cards: the board's start-up path stays clear of the ORM, whose
    one-time set-up (mapper configuration) then happens after the first paint.
    """
    rows = _cursor(session).execute(
        "SELECT id, name, kind, position, hidden FROM stages ORDER BY position, id"
    )
    return [
        StageSnapshot(stage_id, stage_label(name), StageKind(kind), position, bool(hidden))
        for stage_id, name, kind, position, hidden in rows
    ]


# Stored instants share one fixed-width text form (see UTCDateTime), so text order is time
# order: the later of two is max() of the texts, and the zone is appended here so Python
# parses each value in one call.
#
# Every card comes back as one JSON array in a single row. The driver lets go of the
# interpreter for each row it steps to and must win it back for the next, and at start-up
# this read runs on a thread beside a main thread that imports and builds for a quarter
# of a second: one row per card made it wait for the main thread at every card, so it
# finished long after the SQL itself. One row is one wait; json.loads is quick.
_CARDS_SQL = """
SELECT json_group_array(json_array(o.id, o.stage_id, o.company, o.role, o.archived,
       a.kind, a.due || '+00:00', coalesce(a.open_count, 0),
       i.next_at || '+00:00', i.last_at || '+00:00',
       nullif(max(coalesce(i.last_at, ''), coalesce(m.last_at, '')), '') || '+00:00'))
FROM opportunities AS o
LEFT OUTER JOIN (
    -- SQLite documents that a bare column beside min() comes from the row holding the
    -- minimum: each opportunity's soonest open action and its kind in one pass.
    SELECT opportunity_id, kind, min(coalesce(snoozed_until, due_at)) AS due,
           count(*) AS open_count
    FROM actions
    WHERE state IN ('open', 'snoozed') AND opportunity_id IS NOT NULL {only_actions}
    GROUP BY opportunity_id
) AS a ON a.opportunity_id = o.id
LEFT OUTER JOIN (
    SELECT opportunity_id,
           min(CASE WHEN starts_at >= :now THEN starts_at END) AS next_at,
           max(CASE WHEN starts_at < :now THEN starts_at END) AS last_at
    FROM interviews WHERE 1 {only_interviews}
    GROUP BY opportunity_id
) AS i ON i.opportunity_id = o.id
LEFT OUTER JOIN (
    SELECT opportunity_id, max(occurred_at) AS last_at
    FROM correspondence WHERE 1 {only_messages}
    GROUP BY opportunity_id
) AS m ON m.opportunity_id = o.id
WHERE 1 {only_opportunities}
"""

_SEARCH_SQL = """
SELECT o.id, o.company, o.role, p.names, substr(o.notes, 1, {notes_chars})
FROM opportunities AS o
LEFT OUTER JOIN (
    SELECT oc.opportunity_id, group_concat(c.name || ' ' || c.email, ' ') AS names
    FROM opportunity_contacts AS oc JOIN contacts AS c ON c.id = oc.contact_id
    WHERE 1 {only_people}
    GROUP BY oc.opportunity_id
) AS p ON p.opportunity_id = o.id
WHERE 1 {only_opportunities}
"""


def _id_filters(
    opportunity_ids: Iterable[int] | None, **columns: str
) -> tuple[dict[str, str], dict[str, str]] | None:
    """SQL fragments limiting each named sub-query to some opportunities, and their
    parameters.

    None means every opportunity (no fragment). Returns None when the list is empty,
    so the caller can answer without asking the database.
    """
    if opportunity_ids is None:
        return dict.fromkeys(columns, ""), {}
    wanted = sorted({int(value) for value in opportunity_ids})
    if not wanted:
        return None
    # The ids go in as one JSON parameter, not spelt out: the text of the query stays the
    # same whatever they are, so the driver's cache of prepared statements (128 per
    # connection, keyed by text) holds one statement for it, not one per set of cards.
    # SQLite does not push an outer filter into grouped sub-queries, so each one is
    # filtered itself.
    fragment = "AND {column} IN (SELECT value FROM json_each(:ids))"
    return (
        {name: fragment.format(column=column) for name, column in columns.items()},
        {"ids": json.dumps(wanted)},
    )


def _cursor(session: Session | sqlite3.Connection) -> sqlite3.Connection:
    return driver_connection(session)


def load_settings_with_prefix(session: Session | sqlite3.Connection, prefix: str) -> dict[str, Any]:
    """Every stored setting whose key starts with ``prefix`` (the board's card order).

    A range on the key rather than LIKE, which would read "_" and "%" in the prefix as
    wildcards; values are the JSON the settings table stores.
    """
    rows = _cursor(session).execute(
        "SELECT key, value FROM settings WHERE key >= ? AND key < ?",
        (prefix, prefix + "\U0010ffff"),
    )
    return {
        key: None if value is None else json.loads(value)
        for key, value in rows
        if key.startswith(prefix)
    }


def load_cards(
    session: Session | sqlite3.Connection,
    now: datetime,
    opportunity_ids: Iterable[int] | None = None,
) -> list[CardSnapshot]:
    """Cards for the given opportunities (all when None), in one set-based query.

    Plain SQL on the driver's cursor, because the board loads 10,000 rows at start-up:
    per-value type processing and row objects cost more than the query itself. Instants
    come back as the naive UTC text :class:`UTCDateTime` stores and are parsed here.
    """
    filters = _id_filters(
        opportunity_ids,
        only_actions="opportunity_id",
        only_interviews="opportunity_id",
        only_messages="opportunity_id",
        only_opportunities="o.id",
    )
    if filters is None:
        return []
    fragments, params = filters
    stamp = now.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    (text,) = (
        _cursor(session)
        .execute(_CARDS_SQL.format(**fragments), {"now": stamp, **params})
        .fetchone()
    )
    rows = json.loads(text)
    rows.sort(key=itemgetter(0))  # by id, as before (an aggregate keeps no order)
    # The hot loop of the board's start-up: written out, one parse per instant present.
    parse = datetime.fromisoformat
    make = CardSnapshot._make
    cards: list[CardSnapshot] = []
    append = cards.append
    for (
        opportunity_id,
        stage_id,
        company,
        role,
        archived,
        kind,
        due,
        open_count,
        next_at,
        last_interview,
        last_contact,
    ) in rows:
        append(
            make(
                (
                    opportunity_id,
                    stage_id,
                    company,
                    role,
                    bool(archived),
                    kind,
                    due and parse(due),
                    open_count,
                    next_at and parse(next_at),
                    last_interview and parse(last_interview),
                    last_contact and parse(last_contact),
                )
            )
        )
    return cards


def load_search_texts(
    session: Session | sqlite3.Connection, opportunity_ids: Iterable[int] | None = None
) -> dict[int, str]:
    """What the search box looks through for each opportunity, case-folded.

    Company, role, the names and addresses of its contacts, and the start of its notes.
    """
    filters = _id_filters(
        opportunity_ids, only_people="oc.opportunity_id", only_opportunities="o.id"
    )
    if filters is None:
        return {}
    fragments, params = filters
    sql = _SEARCH_SQL.format(notes_chars=NOTES_SEARCH_CHARS, **fragments)
    return {
        opportunity_id: f"{company} {role} {names or ''} {notes or ''}".casefold()
        for opportunity_id, company, role, names, notes in _cursor(session).execute(sql, params)
    }


def due_counts(session: Session, now: datetime, tz: tzinfo) -> tuple[int, int]:
    """How many open actions are overdue and how many fall later today (local day)."""
    from sqlalchemy import and_, case, func, or_, select, type_coerce

    from followup_desktop.core.models import Action, ActionState, Opportunity
    from followup_desktop.core.sqltypes import UTCDateTime

    due = effective_due_column()
    local_now = now.astimezone(tz)
    end_of_today = local_now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    now_value = type_coerce(now, UTCDateTime)
    end_value = type_coerce(end_of_today.astimezone(UTC), UTCDateTime)
    row = session.execute(
        select(
            func.count(case((due < now_value, 1))),
            func.count(case((and_(due >= now_value, due < end_value), 1))),
        )
        .select_from(Action)
        .outerjoin(Opportunity, Action.opportunity_id == Opportunity.id)
        .where(Action.state.in_([ActionState.OPEN, ActionState.SNOOZED]))
        .where(or_(Opportunity.id.is_(None), Opportunity.archived.is_(False)))
    ).one()
    return int(row[0]), int(row[1])


def coming_up_count(session: Session, now: datetime, tz: tzinfo) -> int:
    """How many open actions fall after today but within the next 24 hours."""
    from sqlalchemy import func, or_, select, type_coerce

    from followup_desktop.core.models import Action, ActionState, Opportunity
    from followup_desktop.core.sqltypes import UTCDateTime

    due = effective_due_column()
    # Real hours (UTC), not wall-clock ones: a zone's datetimes add in wall-clock time.
    end_of_today = end_of_day(now, tz).astimezone(UTC)
    start = type_coerce(max(end_of_today, now.astimezone(UTC)), UTCDateTime)
    end = type_coerce(now.astimezone(UTC) + COMING_UP, UTCDateTime)
    count = session.scalar(
        select(func.count())
        .select_from(Action)
        .outerjoin(Opportunity, Action.opportunity_id == Opportunity.id)
        .where(Action.state.in_([ActionState.OPEN, ActionState.SNOOZED]))
        .where(or_(Opportunity.id.is_(None), Opportunity.archived.is_(False)))
        .where(due >= start, due < end)
    )
    return int(count or 0)


def stage_of(session: Session, opportunity_ids: Sequence[int]) -> dict[int, int]:
    """Each opportunity's current stage (for undoing a move)."""
    from sqlalchemy import and_, select

    from followup_desktop.core.models import Opportunity

    if not opportunity_ids:
        return {}
    rows = session.execute(
        select(Opportunity.id, Opportunity.stage_id).where(
            and_(Opportunity.id.in_(list(opportunity_ids)))
        )
    )
    return {row.id: row.stage_id for row in rows}


__all__ = [
    "CardSnapshot",
    "ContactSnapshot",
    "CorrespondenceSnapshot",
    "DueState",
    "InterviewSnapshot",
    "OpportunityDetails",
    "StageSnapshot",
    "coming_up_count",
    "due_counts",
    "due_state",
    "load_cards",
    "load_search_texts",
    "load_settings_with_prefix",
    "load_stages",
    "opportunity_details",
    "stage_of",
]
