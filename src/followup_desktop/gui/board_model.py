"""The board's item models: one list model of card snapshots and one proxy per column.

Filtering 10,000 cards with ``QSortFilterProxyModel.filterAcceptsRow`` overridden in
Python costs one Python call per card per column on every keystroke (about 100,000 calls
for ten columns), far over a keystroke's budget. So the source model filters and groups
its snapshots in one Python pass over plain lists, and each column is a thin
``QAbstractProxyModel`` that maps its rows to source rows and applies the difference
between its old and new card lists as row inserts and removals. Qt only calls back into
Python for the cards a column actually paints.

The text the search box looks through arrives separately (after the first paint, see
:func:`~followup_desktop.core.board.load_search_texts`); until it has, the model says so
and the window reads it before the first search.
"""

from __future__ import annotations

import bisect
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractProxyModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from followup_desktop.core import localformat
from followup_desktop.core.action_kinds import kind_label
from followup_desktop.core.board import CardSnapshot, DueState, due_state
from followup_desktop.core.i18n import _, ngettext
from followup_desktop.gui.plain import shown, tooltip

AnyIndex = QModelIndex | QPersistentModelIndex
CARD_MIME_TYPE = "application/x-followup-opportunity-ids"
# Past this many row changes in one column a reset is cheaper than single inserts.
RESET_THRESHOLD = 200
# Past this many changed cards, re-sorting everything beats placing each one.
INCREMENTAL_CARDS = 300

CardRole = Qt.ItemDataRole.UserRole + 1
OpportunityIdRole = Qt.ItemDataRole.UserRole + 2
StageIdRole = Qt.ItemDataRole.UserRole + 3

DropHandler = Callable[[list[int], int, int], bool]


def encode_ids(ids: Iterable[int]) -> QMimeData:
    """MIME data carrying opportunity ids (and a plain-text form for other programs)."""
    ids = list(ids)
    mime = QMimeData()
    mime.setData(CARD_MIME_TYPE, QByteArray(json.dumps(ids).encode()))
    return mime


def decode_ids(mime: QMimeData) -> list[int]:
    """The ids in ``mime``, or an empty list when it carries none of ours."""
    if not mime.hasFormat(CARD_MIME_TYPE):
        return []
    try:
        values = json.loads(bytes(mime.data(CARD_MIME_TYPE).data()).decode())
    except (ValueError, UnicodeDecodeError):
        return []
    if not isinstance(values, list):
        return []
    return [value for value in values if isinstance(value, int) and not isinstance(value, bool)]


@dataclass(frozen=True, slots=True)
class BoardFilter:
    """What the board shows: search text, only cards needing action, archived or not."""

    text: str = ""
    needs_action: bool = False
    show_archived: bool = False


def next_step_text(card: CardSnapshot) -> str:
    """The card's next step in full, and how many more are open ("" with none)."""
    if card.next_action_kind is None:
        return ""
    step = kind_label(card.next_action_kind)
    more = card.open_actions - 1
    if more < 1:
        return step
    return ngettext("{step}, and {n} more step", "{step}, and {n} more steps", more).format(
        step=step, n=more
    )


def describe_card(card: CardSnapshot, now: datetime, tz: tzinfo) -> str:
    """The card in words, for screen readers and tooltips."""
    parts = [f"{card.company}, {card.role}"]
    state = due_state(card.next_action_due, now, tz)
    if card.next_action_kind is not None and card.next_action_due is not None:
        when = localformat.day_and_clock(card.next_action_due.astimezone(tz))
        parts.append(
            _("next: {step}, {state} ({when})").format(
                step=kind_label(card.next_action_kind), state=due_state_words(state), when=when
            )
        )
    else:
        parts.append(_("no open action"))
    if card.next_interview_at is not None:
        interview = localformat.day(card.next_interview_at.astimezone(tz))
        parts.append(_("interview {day}").format(day=interview))
    if card.last_contact_at is not None:
        days = max(0, (now - card.last_contact_at).days)
        parts.append(
            ngettext("last contact {n} day ago", "last contact {n} days ago", days).format(n=days)
        )
    if card.archived:
        parts.append(_("archived"))
    return "; ".join(parts)


def due_state_words(state: DueState) -> str:
    """A due state as a screen reader says it: "overdue", "due today"."""
    return {
        DueState.NONE: _("nothing planned"),
        DueState.OVERDUE: _("overdue"),
        DueState.TODAY: _("due today"),
        DueState.LATER: _("later"),
    }[state]


class BoardModel(QAbstractListModel):
    """Every card as a row, in board order; filtering and grouping happen here in bulk."""

    arrangement_changed = Signal()
    #: The snapshots of these opportunity ids changed (``None``: of every card). The
    #: column proxies follow this, not ``dataChanged``: one signal for a change of 500
    #: cards, where a ``dataChanged`` each cost every column a Python call per card.
    cards_changed = Signal(object)

    def __init__(
        self, clock: Callable[[], datetime], tz: tzinfo, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._tz = tz
        self._cards: list[CardSnapshot] = []
        self._row_of: dict[int, int] = {}
        self._stage_of: dict[int, int] = {}
        self._archived: set[int] = set()
        self._ranks: dict[int, float] = {}
        self._sort_keys: dict[int, tuple[float, float, str, int]] = {}
        self._order: list[int] = []
        self._filter = BoardFilter()
        self._needle = ""
        self._by_stage: dict[int, list[int]] = {}
        self._group_of: dict[int, int] = {}
        self._search: dict[int, str] = {}
        self._search_complete = True
        # Cards whose search text came with an update while the full set was on its way.
        self._search_fresh: set[int] = set()
        self._generation = 0

    # -- loading -----------------------------------------------------------------------

    def set_cards(self, cards: Sequence[CardSnapshot], ranks: dict[int, float]) -> None:
        """Replace every card (the first load, or after an import).

        The search texts are then owed: :attr:`search_complete` is False until
        :meth:`set_search_texts` brings them for this :attr:`generation`.
        """
        self.beginResetModel()
        self._generation += 1
        self._search = {}
        self._search_complete = False
        self._search_fresh = set()
        self._cards = list(cards)
        self._row_of = {card.opportunity_id: row for row, card in enumerate(self._cards)}
        self._stage_of = {card.opportunity_id: card.stage_id for card in self._cards}
        self._archived = {card.opportunity_id for card in self._cards if card.archived}
        self._ranks = dict(ranks)
        sort_key = self._sort_key
        self._sort_keys = {card.opportunity_id: sort_key(card) for card in self._cards}
        self._resort()
        self._regroup()
        self.endResetModel()
        self.arrangement_changed.emit()

    @property
    def generation(self) -> int:
        """Counts full reloads, so a late answer for an earlier load can be told apart."""
        return self._generation

    @property
    def search_complete(self) -> bool:
        """True when every card's search text is here (the search box can filter)."""
        return self._search_complete

    def set_search_texts(self, texts: Mapping[int, str], generation: int) -> None:
        """Take every card's search text, read for the load numbered ``generation``."""
        if generation != self._generation or self._search_complete:
            return  # for cards since replaced, or already here
        merged = {key: value for key, value in texts.items() if key in self._row_of}
        # Updates that arrived meanwhile are at least as new as this read.
        merged.update({key: self._search[key] for key in self._search_fresh})
        self._search = merged
        self._search_complete = True
        self._search_fresh = set()
        if self._needle:
            self._regroup()
            self.arrangement_changed.emit()

    def search_text(self, opportunity_id: int) -> str:
        """What the search box looks through for one card ("" while it is owed)."""
        return self._search.get(opportunity_id, "")

    def update_cards(
        self,
        cards: Sequence[CardSnapshot],
        removed: Iterable[int] = (),
        ranks: dict[int, float] | None = None,
        search: Mapping[int, str] | None = None,
    ) -> None:
        """Apply changed, new and deleted cards without touching the others."""
        if search is not None:
            self._search.update(search)
            if not self._search_complete:
                self._search_fresh.update(search)
        touched: set[int] = set()
        if ranks is not None:
            # Only the cards whose rank changed need a new sort key.
            touched = {
                key
                for key in self._ranks.keys() | ranks.keys()
                if self._ranks.get(key) != ranks.get(key) and key in self._row_of
            }
            self._ranks = dict(ranks)
        gone = [card_id for card_id in removed if card_id in self._row_of]
        if gone:
            self._remove(gone)
            touched -= set(gone)
        added: set[int] = set()
        changed: list[int] = []
        for card in cards:
            touched.add(card.opportunity_id)
            if self._store(card):
                added.add(card.opportunity_id)
            else:
                changed.append(card.opportunity_id)
        if changed:
            self._emit_changed(changed)
        if gone or len(touched) > INCREMENTAL_CARDS:
            for card_id in touched:
                self._sort_keys[card_id] = self._sort_key(self._cards[self._row_of[card_id]])
            self._resort()
            self._regroup()
        else:
            self._reposition(touched, added)
        self.arrangement_changed.emit()

    def _remove(self, gone: list[int]) -> None:
        # The column proxies drop these ids before the rows disappear from under them.
        gone_set = set(gone)
        self._order = [card_id for card_id in self._order if card_id not in gone_set]
        self._regroup(exclude=gone_set)
        self.arrangement_changed.emit()
        for card_id in gone:
            row = self._row_of[card_id]
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._cards[row]
            self._row_of = {card.opportunity_id: r for r, card in enumerate(self._cards)}
            self._sort_keys.pop(card_id, None)
            self._stage_of.pop(card_id, None)
            self._archived.discard(card_id)
            self._search.pop(card_id, None)
            self._search_fresh.discard(card_id)
            self.endRemoveRows()

    def _store(self, card: CardSnapshot) -> bool:
        """Put a changed or new card in place; True when it is new."""
        card_id = card.opportunity_id
        self._stage_of[card_id] = card.stage_id
        if card.archived:
            self._archived.add(card_id)
        else:
            self._archived.discard(card_id)
        known = self._row_of.get(card_id)
        if known is not None:
            self._cards[known] = card  # told in one go by update_cards
            return False
        row = len(self._cards)
        self.beginInsertRows(QModelIndex(), row, row)
        self._cards.append(card)
        self._row_of[card_id] = row
        self.endInsertRows()
        return True

    def _emit_changed(self, ids: list[int]) -> None:
        rows = [self._row_of[card_id] for card_id in ids]
        # One range over them all: a view repaints what it shows of it either way.
        self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), 0))
        self.cards_changed.emit(ids)

    def _reposition(self, touched: set[int], added: set[int]) -> None:
        """Move a few cards to their new places in the order and in their columns."""
        key = self._sort_keys.__getitem__
        end_of_today = self._end_of_today()
        for card_id in touched:
            if card_id not in added:
                self._order.remove(card_id)
                stage = self._group_of.pop(card_id, None)
                if stage is not None:
                    self._by_stage[stage].remove(card_id)
            card = self._cards[self._row_of[card_id]]
            self._sort_keys[card_id] = self._sort_key(card)
            bisect.insort(self._order, card_id, key=key)
            if self._passes(card, end_of_today):
                bisect.insort(self._by_stage.setdefault(card.stage_id, []), card_id, key=key)
                self._group_of[card_id] = card.stage_id

    def set_now(self) -> None:
        """Re-read the clock: due states and the needs-action filter depend on it."""
        self._regroup()
        if self._cards:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._cards) - 1, 0))
            self.cards_changed.emit(None)
        self.arrangement_changed.emit()

    # -- filtering and order -----------------------------------------------------------

    @property
    def board_filter(self) -> BoardFilter:
        """The filter now applied."""
        return self._filter

    def set_filter(self, board_filter: BoardFilter) -> None:
        """Filter every column at once, without asking the database."""
        if board_filter == self._filter:
            return
        self._filter = board_filter
        self._needle = board_filter.text.strip().casefold()
        self._regroup()
        self.arrangement_changed.emit()

    def ranks(self) -> dict[int, float]:
        """The hand-made order of cards (opportunity id -> rank)."""
        return dict(self._ranks)

    def _sort_key(self, card: CardSnapshot) -> tuple[float, float, str, int]:
        # Cards placed by hand keep their place; the rest follow by their next due time.
        rank = self._ranks.get(card.opportunity_id, math.inf)
        due = card.next_action_due.timestamp() if card.next_action_due else math.inf
        return (rank, due, card.company.casefold(), card.opportunity_id)

    def _resort(self) -> None:
        # Each key ends with the card's id: sorting the keys themselves and reading the
        # ids back avoids a Python key call per card.
        self._order = [key[3] for key in sorted(self._sort_keys.values())]

    def _end_of_today(self) -> datetime:
        local_now = self._clock().astimezone(self._tz)
        midnight = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
        return midnight + timedelta(days=1)

    def _passes(self, card: CardSnapshot, end_of_today: datetime) -> bool:
        flt = self._filter
        if card.archived and not flt.show_archived:
            return False
        if self._needle and self._needle not in self._search.get(card.opportunity_id, ""):
            return False
        return not (
            flt.needs_action
            and (card.next_action_due is None or card.next_action_due >= end_of_today)
        )

    def _regroup(self, exclude: set[int] | None = None) -> None:
        # Runs on each keystroke in the search box over 10,000 cards: one list
        # comprehension per filter (the search first, as it removes the most), then one
        # grouping pass. Must agree with _passes().
        flt = self._filter
        ids = self._order
        if exclude:
            ids = [card_id for card_id in ids if card_id not in exclude]
        if self._needle:
            needle = self._needle
            text = self._search.get
            ids = [card_id for card_id in ids if needle in text(card_id, "")]
        if not flt.show_archived and self._archived:
            archived = self._archived
            ids = [card_id for card_id in ids if card_id not in archived]
        if flt.needs_action:
            end_of_today = self._end_of_today()
            cards = self._cards
            row_of = self._row_of
            ids = [
                card_id
                for card_id in ids
                if (due := cards[row_of[card_id]].next_action_due) is not None
                and due < end_of_today
            ]
        stage_of = self._stage_of
        groups: dict[int, list[int]] = {}
        for card_id in ids:
            stage = stage_of[card_id]
            group = groups.get(stage)
            if group is None:
                groups[stage] = [card_id]
            else:
                group.append(card_id)
        self._by_stage = groups
        self._group_of = {card_id: stage_of[card_id] for card_id in ids}

    def visible_ids(self, stage_id: int) -> list[int]:
        """Ids of the cards shown in a stage's column, in order."""
        return self._by_stage.get(stage_id, [])

    def ids_in_stage(self, stage_id: int) -> list[int]:
        """Every card of a stage in board order, whatever the filter."""
        stage_of = self._stage_of
        return [card_id for card_id in self._order if stage_of[card_id] == stage_id]

    def visible_count(self) -> int:
        """How many cards the filter lets through (hidden stages included)."""
        return sum(len(ids) for ids in self._by_stage.values())

    # -- access ------------------------------------------------------------------------

    def card(self, opportunity_id: int) -> CardSnapshot | None:
        """The snapshot of one card, if it is loaded."""
        row = self._row_of.get(opportunity_id)
        return None if row is None else self._cards[row]

    def row_of(self, opportunity_id: int) -> int | None:
        """The source row of a card."""
        return self._row_of.get(opportunity_id)

    def ids_in_rows(self, first: int, last: int) -> list[int]:
        """Opportunity ids of source rows ``first`` to ``last``."""
        return [card.opportunity_id for card in self._cards[first : last + 1]]

    def cards(self) -> list[CardSnapshot]:
        """Every loaded card."""
        return list(self._cards)

    def due_state_of(self, card: CardSnapshot) -> DueState:
        """The card's due state now."""
        return due_state(card.next_action_due, self._clock(), self._tz)

    def now(self) -> datetime:
        """The model's clock."""
        return self._clock()

    @property
    def tz(self) -> tzinfo:
        """The zone cards are shown in."""
        return self._tz

    # -- Qt model interface --------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._cards)

    def data(  # noqa: PLR0911 - one return per role
        self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._cards):
            return None
        card = self._cards[index.row()]
        if role == CardRole:
            return card
        if role == OpportunityIdRole:
            return card.opportunity_id
        if role == StageIdRole:
            return card.stage_id
        if role == Qt.ItemDataRole.DisplayRole:
            return shown(f"{card.company} — {card.role}")
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(describe_card(card, self._clock(), self._tz))
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return shown(describe_card(card, self._clock(), self._tz))
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            # The next step whole: on the card it may be cut short at a word.
            return shown(next_step_text(card))
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsDragEnabled
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def mimeTypes(self) -> list[str]:
        return [CARD_MIME_TYPE]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        ids: list[int] = []
        for index in indexes:
            if index.isValid() and 0 <= index.row() < len(self._cards):
                card_id = self._cards[index.row()].opportunity_id
                if card_id not in ids:
                    ids.append(card_id)
        return encode_ids(ids)

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction


class StageColumnProxy(QAbstractProxyModel):
    """One board column: the cards of one stage that pass the board's filter."""

    def __init__(self, source: BoardModel, stage_id: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.stage_id = stage_id
        self._board = source
        self._ids: list[int] = []
        self._positions: dict[int, int] | None = {}
        self.drop_handler: DropHandler | None = None
        self.setSourceModel(source)
        source.arrangement_changed.connect(self._rearrange)
        source.modelAboutToBeReset.connect(self.beginResetModel)
        source.modelReset.connect(self._after_source_reset)
        source.cards_changed.connect(self._cards_changed)
        self._set_ids(list(source.visible_ids(stage_id)))

    def detach(self) -> None:
        """Stop following the board model (the column is going away)."""
        source = self._board
        source.arrangement_changed.disconnect(self._rearrange)
        source.modelAboutToBeReset.disconnect(self.beginResetModel)
        source.modelReset.disconnect(self._after_source_reset)
        source.cards_changed.disconnect(self._cards_changed)

    # -- keeping up with the source ----------------------------------------------------

    def _set_ids(self, ids: list[int]) -> None:
        self._ids = ids
        # Rebuilt when next asked for: a filter can remove hundreds of separate runs of
        # rows, and rebuilding after each would cost a pass over the column per run.
        self._positions = None

    @property
    def _position(self) -> dict[int, int]:
        if self._positions is None:
            self._positions = {card_id: row for row, card_id in enumerate(self._ids)}
        return self._positions

    def _after_source_reset(self) -> None:
        self._set_ids(list(self._board.visible_ids(self.stage_id)))
        self.endResetModel()

    def _cards_changed(self, ids: Sequence[int] | None) -> None:
        if not self._ids:
            return
        if ids is None:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, 0))
            return
        position = self._position
        rows = [position[card_id] for card_id in ids if card_id in position]
        if rows:
            self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), 0))

    def _rearrange(self) -> None:
        new = self._board.visible_ids(self.stage_id)
        old = self._ids
        if new == old:
            return
        new_set = set(new)
        old_set = set(old)
        removed = len(old_set - new_set)
        added = len(new_set - old_set)
        retained_old = [card_id for card_id in old if card_id in new_set]
        retained_new = [card_id for card_id in new if card_id in old_set]
        if removed + added > RESET_THRESHOLD or retained_old != retained_new:
            self.beginResetModel()
            self._set_ids(list(new))
            self.endResetModel()
            return
        # Remove from the bottom up so earlier row numbers stay valid.
        row = len(old) - 1
        current = list(old)
        while row >= 0:
            if current[row] not in new_set:
                end = row
                while row - 1 >= 0 and current[row - 1] not in new_set:
                    row -= 1
                self.beginRemoveRows(QModelIndex(), row, end)
                del current[row : end + 1]
                self._set_ids(current)
                self.endRemoveRows()
            row -= 1
        row = 0
        while row < len(new):
            if new[row] not in old_set:
                start = row
                while row + 1 < len(new) and new[row + 1] not in old_set:
                    row += 1
                self.beginInsertRows(QModelIndex(), start, row)
                current[start:start] = new[start : row + 1]
                self._set_ids(current)
                self.endInsertRows()
            row += 1

    # -- the proxy interface -----------------------------------------------------------

    def ids(self) -> list[int]:
        """The opportunity ids shown, top to bottom."""
        return list(self._ids)

    def id_at(self, row: int) -> int:
        """The opportunity id on ``row``."""
        return self._ids[row]

    def row_of(self, opportunity_id: int) -> int | None:
        """The row a card is on in this column, if it is shown here."""
        return self._position.get(opportunity_id)

    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if parent.isValid() or column != 0 or not 0 <= row < len(self._ids):
            return QModelIndex()
        return self.createIndex(row, column)

    def parent(self, child: AnyIndex | None = None) -> Any:
        if child is None:
            return super().parent()
        return QModelIndex()

    def sibling(self, row: int, column: int, index: AnyIndex) -> QModelIndex:
        return self.index(row, column)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 1

    def hasChildren(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and bool(self._ids)

    def mapToSource(self, proxy_index: AnyIndex) -> QModelIndex:
        if not proxy_index.isValid() or not 0 <= proxy_index.row() < len(self._ids):
            return QModelIndex()
        row = self._board.row_of(self._ids[proxy_index.row()])
        return QModelIndex() if row is None else self._board.index(row, 0)

    def mapFromSource(self, source_index: AnyIndex) -> QModelIndex:
        if not source_index.isValid():
            return QModelIndex()
        card = self._board.card(source_index.data(OpportunityIdRole))
        if card is None:
            return QModelIndex()
        row = self._position.get(card.opportunity_id)
        return QModelIndex() if row is None else self.createIndex(row, 0)

    def canDropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: AnyIndex,
    ) -> bool:
        del row, column, parent
        return action == Qt.DropAction.MoveAction and bool(decode_ids(data))

    def dropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: AnyIndex,
    ) -> bool:
        del column
        ids = decode_ids(data)
        if action != Qt.DropAction.MoveAction or not ids or self.drop_handler is None:
            return False
        if parent.isValid():
            row = parent.row()
        if row < 0 or row > len(self._ids):
            row = len(self._ids)
        return self.drop_handler(ids, self.stage_id, row)
