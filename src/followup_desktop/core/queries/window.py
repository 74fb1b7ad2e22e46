"""What the main window reads, as snapshots: the board, the Today panel, an action's target.

The window never opens a session: it calls these with the :class:`Database` (or, before
the database is fully open, the query-only start-up connection) and gets frozen values
back. The board's reads are plain SQL (:mod:`followup_desktop.core.board`), so this
module loads no SQLAlchemy until a function that needs the ORM runs.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, NamedTuple

from followup_desktop.core.action_kinds import ActionKind
from followup_desktop.core.agenda import AgendaItem, agenda, coming_up_end, missed
from followup_desktop.core.board import (
    CardSnapshot,
    StageSnapshot,
    coming_up_count,
    due_counts,
    load_cards,
    load_search_texts,
    load_settings_with_prefix,
    load_stages,
)

# Re-exported: the window names the card order's helpers from here.
from followup_desktop.core.card_order import CARD_ORDER_PREFIX as CARD_ORDER_PREFIX  # noqa: PLC0414
from followup_desktop.core.card_order import card_order_key as order_key
from followup_desktop.core.card_order import ranks_from_setting as ranks_from_setting  # noqa: PLC0414
from followup_desktop.core.card_order import ranks_to_setting as ranks_to_setting  # noqa: PLC0414
from followup_desktop.core.change import ActionStatus

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from followup_desktop.core.db import Database
    from followup_desktop.core.ics import Invitation, Proposal
    from followup_desktop.core.imports.posting import PostingDraft
    from followup_desktop.core.imports.vcard import Card


class BoardData(NamedTuple):
    """Everything the board shows: the stages, every card and the hand-made order."""

    stages: list[StageSnapshot]
    cards: list[CardSnapshot]
    ranks: dict[int, float]


class CardUpdate(NamedTuple):
    """Some cards read again after a change, with the text the search box looks through."""

    ids: frozenset[int]
    cards: list[CardSnapshot]
    search: dict[int, str]


class TodayData(NamedTuple):
    """The Today panel: what is due by tonight or within 24 hours, the overdue, today
    and coming-up counts, the missed."""

    items: list[AgendaItem]
    overdue: int
    today: int
    missed: list[AgendaItem]
    #: Actions after today but within the next 24 hours.
    coming: int = 0


@dataclass(frozen=True, slots=True)
class ActionTarget:
    """What opening an action needs to know about it."""

    action_id: int
    kind: ActionKind
    opportunity_id: int | None
    interview_id: int | None


def _ranks(
    source: Session | sqlite3.Connection,
    stages: Sequence[StageSnapshot],
    cards: Sequence[CardSnapshot],
) -> dict[int, float]:
    stored = load_settings_with_prefix(source, CARD_ORDER_PREFIX)
    ranks: dict[int, float] = {}
    stage_of = {card.opportunity_id: card.stage_id for card in cards}
    for stage in stages:
        column = ranks_from_setting(stored.get(order_key(stage.id), {}))
        # A card moved by keyboard leaves a stale entry in its old column: skip it.
        ranks.update({key: value for key, value in column.items() if stage_of.get(key) == stage.id})
    return ranks


def stages_from(connection: sqlite3.Connection) -> list[StageSnapshot]:
    """The stages, from the start-up connection."""
    return load_stages(connection)


def cards_from(
    connection: sqlite3.Connection, stages: Sequence[StageSnapshot], now: datetime
) -> tuple[list[CardSnapshot], dict[int, float]]:
    """Every card and the card order, from the start-up connection."""
    cards = load_cards(connection, now)
    return cards, _ranks(connection, stages, cards)


def read_stages(db: Database) -> list[StageSnapshot]:
    """Every stage in board order, hidden ones included."""
    with db.session() as session:
        return load_stages(session)


def read_board(db: Database, now: datetime) -> BoardData:
    """The stages, every card and the card order."""
    with db.session() as session:
        stages = load_stages(session)
        cards = load_cards(session, now)
        return BoardData(stages, cards, _ranks(session, stages, cards))


def read_cards(db: Database, now: datetime, ids: Iterable[int]) -> CardUpdate:
    """The cards of ``ids`` that still exist, with their search text."""
    wanted = frozenset(ids)
    with db.session() as session:
        return CardUpdate(
            wanted, load_cards(session, now, wanted), load_search_texts(session, wanted)
        )


def read_search_texts(db: Database) -> dict[int, str]:
    """The text the search box looks through, for every card."""
    with db.session() as session:
        return load_search_texts(session)


def read_today(db: Database, now: datetime, tz: tzinfo, limit: int) -> TodayData:
    """What the Today panel lists (at most ``limit`` of each) and its counts: overdue,
    due today, and coming up in the next 24 hours."""
    with db.session() as session:
        items = agenda(session, now, tz, until=coming_up_end(now, tz), limit=limit)
        overdue, today = due_counts(session, now, tz)
        coming = coming_up_count(session, now, tz)
        gone = missed(session, limit=limit)
    return TodayData(items, overdue, today, gone, coming)


def action_target(db: Database, action_id: int) -> ActionTarget | None:
    """The kind and links of one action, or None when it no longer exists."""
    from sqlalchemy import select

    from followup_desktop.core.models import Action

    with db.session() as session:
        row = session.execute(
            select(Action.kind, Action.opportunity_id, Action.interview_id).where(
                Action.id == action_id
            )
        ).one_or_none()
    if row is None:
        return None
    return ActionTarget(action_id, row.kind, row.opportunity_id, row.interview_id)


def action_statuses(db: Database, action_ids: Iterable[int]) -> dict[int, ActionStatus]:
    """Where each of these actions stands now (missing ones are left out), for undo."""
    from sqlalchemy import select

    from followup_desktop.core.models import Action

    ids = sorted(set(action_ids))
    if not ids:
        return {}
    with db.session() as session:
        rows = session.execute(
            select(
                Action.id, Action.state, Action.snoozed_until, Action.due_at, Action.completed_at
            ).where(Action.id.in_(ids))
        ).all()
    return {
        row.id: ActionStatus(
            row.id, str(row.state), row.snoozed_until, row.due_at, row.completed_at
        )
        for row in rows
    }


def database_is_empty(db: Database) -> bool:
    """True when the database holds no opportunities and no contacts (a new one)."""
    from sqlalchemy import select

    from followup_desktop.core.models import Contact, Opportunity

    with db.session() as session:
        for model in (Opportunity, Contact):
            if session.scalar(select(model.id).limit(1)) is not None:
                return False
    return True


def posting_duplicate(db: Database, draft: PostingDraft) -> str:
    """Words naming the stored opportunity a posting is, or "" when it is new."""
    from followup_desktop.core.imports.posting import find_duplicate

    with db.session() as session:
        return find_duplicate(session, draft)


def invitation_proposals(db: Database, invitations: Sequence[Invitation]) -> list[Proposal]:
    """What importing each invitation would do."""
    from followup_desktop.core.ics import propose

    with db.session() as session:
        return propose(session, invitations)


def contacts_for_export(db: Database, opportunity_id: int | None) -> list[Card]:
    """Everyone as vCards, or the people of one opportunity."""
    from followup_desktop.core.imports.contacts import contact_cards

    with db.session() as session:
        return contact_cards(session, opportunity_id)
