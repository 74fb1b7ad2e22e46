"""The board's controller: reading the cards, the filter, moves and drops, archiving.

It owns the :class:`BoardModel`, the :class:`BoardView` and the search and filter
widgets above them, listens to the change bus and re-reads only the cards a
:class:`Change` names (the whole board past :data:`INCREMENTAL_LIMIT`). A change made on
the worker brings its cards along (:meth:`BoardController.prefetch`, then
:meth:`~BoardController.prepare`), so the GUI thread only puts them in place. A move is
an undoable :class:`MoveCardsCommand`; one of more than :data:`BULK_MOVE` cards runs on
the worker.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QCheckBox, QLineEdit, QMenu, QSizePolicy, QWidget

from followup_desktop.core.board import CardSnapshot, StageSnapshot
from followup_desktop.core.change import Change
from followup_desktop.core.i18n import _, ngettext
from followup_desktop.core.queries.window import (
    BoardData,
    CardUpdate,
    cards_from,
    read_board,
    read_cards,
    read_search_texts,
    read_stages,
    stages_from,
)
from followup_desktop.gui.announce import announce
from followup_desktop.gui.board_model import BoardFilter, BoardModel
from followup_desktop.gui.board_moves import card_menu, fill_move_menu, moved_words
from followup_desktop.gui.board_view import BoardView
from followup_desktop.gui.commands import MoveCardsCommand, RecordedMoveCommand, place_cards
from followup_desktop.gui.plain import opportunity_name
from followup_desktop.gui.tab_order import order_tabs
from followup_desktop.gui.tasks import run_now
from followup_desktop.gui.window.bus import EVERYTHING_CHANGED
from followup_desktop.gui.window.startup import StartupSource

if TYPE_CHECKING:
    from followup_desktop.core.services import FollowupService
    from followup_desktop.gui.main_window import MainWindow

# Re-reading a handful of cards is cheaper than all of them; past this, reload the board.
INCREMENTAL_LIMIT = 500
# A move of more cards than this runs on the worker (each is re-planned).
BULK_MOVE = 50


def touched(change: Change) -> set[int]:
    """The opportunities whose cards a change may alter."""
    return set(change.opportunity_ids) | set(change.actions_replanned)


def _check_box(name: str, text: str, accessible: str, tip: str) -> QCheckBox:
    box = QCheckBox(text)
    box.setObjectName(name)
    box.setAccessibleName(accessible)
    box.setToolTip(tip)
    return box


def start_first_read(
    source: StartupSource | FollowupService, clock: Callable[[], datetime]
) -> Callable[[], BoardData]:
    """Start reading the stages, the cards and their order on the worker; the call waits.

    The card query waits on SQLite, which releases the GIL: the window builds its widgets
    meanwhile (the start-up path to a painted board).
    """
    future: Future[BoardData]
    if isinstance(source, StartupSource) and source.board is not None:
        read = source.board
        return lambda: read
    if isinstance(source, StartupSource):
        connection = source.connection
        stages = stages_from(connection)  # a handful of rows, read first
        future = run_now(lambda: BoardData(stages, *cards_from(connection, stages, clock())))
    else:
        db = source.db
        future = run_now(lambda: read_board(db, clock()))
    return future.result


class BoardController:
    """The board, its filters and every way cards move on it."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window
        self._stages: list[StageSnapshot] = []
        # What changes made on the worker bring along, until the bus delivers them.
        self._prepared: dict[Change, BoardData | CardUpdate] = {}
        self._ranks: dict[Change, Mapping[int, float]] = {}
        clock, tz = window.now, window.tz
        self.model = BoardModel(clock, tz, window)
        self.view = BoardView(self.model, clock, tz, self.handle_drop)
        self.view.open_requested.connect(window.open_opportunity)
        self.view.menu_requested.connect(self.show_card_menu)
        self.view.mail_dropped.connect(self._mail_dropped)
        self.view.selection_changed.connect(window.update_actions)
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(_("Find: company, role, contact, notes  (Ctrl+F)"))
        self.search.setAccessibleName(_("Find cards"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(180)
        self.search.setMaximumWidth(420)
        self.search.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.search.textChanged.connect(self._filter_changed)
        self.needs_action = _check_box(
            "needsAction",
            _("Needs action"),
            _("Show only cards with something overdue or due today"),
            _("Only cards with an action overdue or due today"),
        )
        self.needs_action.toggled.connect(self._filter_changed)
        self.show_archived = _check_box(
            "showArchived",
            _("Archived"),
            _("Show archived cards"),
            _("Also show archived opportunities"),
        )
        self.show_archived.toggled.connect(self._filter_changed)

    @property
    def filters(self) -> list[QWidget]:
        """The search box and the filter boxes, in toolbar order."""
        return [self.search, self.needs_action, self.show_archived]

    @property
    def stages(self) -> list[StageSnapshot]:
        """The stages as last read, in board order."""
        return self._stages

    # -- reading -----------------------------------------------------------------------

    def reload(self, data: BoardData | None = None) -> None:
        """Show the stages and every card again (start-up, imports, big re-plans)."""
        window = self._window
        if data is None:
            data = read_board(window.service.db, window.now())
        self._stages = data.stages
        self.view.set_stages(self._stages)
        self.order_tabs()
        self.model.set_cards(data.cards, data.ranks)
        window.update_status()
        if window.after_paint_started:
            self.read_search_texts_later()

    def order_tabs(self) -> None:
        """Search first, then the filters, the columns and the Today list."""
        # Columns come and go with the stages, so this follows every rebuild.
        order_tabs(self.view, [*self.filters, *self.view.views(), self._window.agenda_view])

    def read_search_texts_later(self) -> None:
        """The search box's text is not on the cards: read it once they are painted."""
        generation = self.model.generation
        db = self._window.service.db
        self._window.tasks.submit(
            lambda: read_search_texts(db),
            lambda texts: self.model.set_search_texts(texts, generation),
            self._window.report_failure(_("Reading the text to search")),
            quiet=True,
        )

    def _filter_changed(self) -> None:
        if self.search.text().strip() and not self.model.search_complete:
            # A search started before the text arrived: read it now.
            texts = read_search_texts(self._window.service.db)
            self.model.set_search_texts(texts, self.model.generation)
        self.model.set_filter(
            BoardFilter(
                self.search.text(), self.needs_action.isChecked(), self.show_archived.isChecked()
            )
        )
        self._window.update_status()

    def status_counts(self) -> tuple[int, int]:
        """How many cards are shown, and how many there are."""
        shown = sum(column.view.proxy.rowCount() for column in self.view.columns)
        return shown, len(self.model.cards())

    # -- changes -----------------------------------------------------------------------

    def prefetch(self, change: Change) -> BoardData | CardUpdate:
        """On the worker: what the board will show of ``change``."""
        window = self._window
        ids = touched(change)
        if change == EVERYTHING_CHANGED or len(ids) > INCREMENTAL_LIMIT:
            return read_board(window.service.db, window.now())
        return read_cards(window.service.db, window.now(), ids)

    def prepare(self, change: Change, prepared: object) -> None:
        """Keep what :meth:`prefetch` read until the bus delivers ``change``."""
        if isinstance(prepared, BoardData | CardUpdate):
            self._prepared[change] = prepared

    def on_change(self, change: object) -> None:
        """The bus's subscriber: re-read the stages and the cards a change names."""
        assert isinstance(change, Change)
        prepared = self._prepared.pop(change, None)
        ranks = self._ranks.pop(change, None)
        window = self._window
        if "stage" in change.entities and not isinstance(prepared, BoardData):
            selected = self.view.selected_ids()
            self._stages = read_stages(window.service.db)
            self.view.set_stages(self._stages)
            self.order_tabs()
            self.view.select_cards(selected, focus=False)
        ids = touched(change)
        if isinstance(prepared, BoardData):
            self.reload(prepared)
        elif change == EVERYTHING_CHANGED or len(ids) > INCREMENTAL_LIMIT:
            self.reload()
        elif ids:
            update = prepared if isinstance(prepared, CardUpdate) else None
            if update is None or update.ids != ids:
                update = read_cards(window.service.db, window.now(), ids)
            found = {card.opportunity_id for card in update.cards}
            self.model.update_cards(
                update.cards,
                removed=ids - found,
                ranks=None if ranks is None else dict(ranks),
                search=update.search,
            )
        window.update_status()

    # -- moving cards ------------------------------------------------------------------

    def stage_name(self, stage_id: int) -> str:
        """The name of a stage, or words for one that is gone."""
        return next((s.name for s in self._stages if s.id == stage_id), _("another stage"))

    def _previous_stages(self, ids: Sequence[int]) -> dict[int, int]:
        previous: dict[int, int] = {}
        for card_id in ids:
            card = self.model.card(card_id)
            if card is not None:
                previous[card_id] = card.stage_id
        return previous

    def _push_move(
        self,
        previous: Mapping[int, int],
        stage_id: int,
        before: Mapping[int, float] | None = None,
        after: Mapping[int, float] | None = None,
        stored: tuple[Mapping[int, float], Mapping[int, float]] | None = None,
    ) -> None:
        window = self._window
        stored_before, stored_after = stored or (None, None)
        run = window.writer.run if len(previous) <= BULK_MOVE else self._move_later
        window.undo_stack.push(
            MoveCardsCommand(
                window.service,
                self._apply_and_select(list(previous)),
                previous,
                stage_id,
                self.stage_name(stage_id),
                before,
                after,
                stored_before,
                stored_after,
                run=run,
            )
        )

    def record_move(self, opportunity_id: int, previous_stage_id: int, stage_id: int) -> None:
        """Offer for undo a move another write has already made (recording an interview
        moves its card on), and say so in the status bar."""
        window = self._window
        stage_name = self.stage_name(stage_id)
        window.undo_stack.push(
            RecordedMoveCommand(
                window.service,
                self._apply_and_select([opportunity_id]),
                opportunity_id,
                previous_stage_id,
                stage_id,
                stage_name,
                run=window.writer.run,
            )
        )
        # In sight in its new column (a board wider than the window scrolls to it).
        self.view.select_cards([opportunity_id], focus=False)
        words = _(
            "Recording the interview moved the card to {stage}. Edit → Undo puts it back."
        ).format(stage=stage_name)
        window.statusBar().showMessage(words, 8000)
        announce(self.view.focused_view() or self.view, words)

    def _move_later(
        self, what: str, call: Callable[[], Change], done: Callable[[Change], None]
    ) -> None:
        self._window.writer.later(what + "…", call, done)

    def handle_drop(self, ids: list[int], stage_id: int, row: int) -> bool:
        """Move dropped cards into a stage before the card now on ``row``; undoable."""
        # The cards on screen are not yet where a running move puts them: wait for it.
        if self._window.writer.refuse_while_busy():
            return False
        previous = self._previous_stages(ids)
        column = self.view.column_for_stage(stage_id)
        if not previous or column is None:
            return False
        moving = list(previous)
        shown = column.view.proxy.ids()
        anchor = next((card_id for card_id in shown[row:] if card_id not in previous), None)
        full = self.model.ids_in_stage(stage_id)
        before = self.model.ranks()
        rest = [card_id for card_id in full if card_id not in previous]
        position = len(rest) if anchor is None else rest.index(anchor)
        new_order = [*rest[:position], *moving, *rest[position:]]
        if all(stage == stage_id for stage in previous.values()) and new_order == full:
            return False
        after = place_cards(full, moving, anchor, before)
        stored_before = {key: before[key] for key in full if key in before}
        stored_after = {key: after[key] for key in new_order if key in after}
        self._push_move(previous, stage_id, before, after, (stored_before, stored_after))
        return True

    def _apply_and_select(
        self, ids: list[int]
    ) -> Callable[[Change, Mapping[int, float] | None], None]:
        def sink(change: Change, ranks: Mapping[int, float] | None) -> None:
            if ranks is not None:
                self._ranks[change] = ranks
            self._window.bus.publish(change)
            self.view.select_cards(ids)
            self._announce_move(ids)

        return sink

    def _announce_move(self, ids: Sequence[int]) -> None:
        cards = [card for card in map(self.model.card, ids) if card is not None]
        stages = {card.stage_id for card in cards}
        if len(stages) == 1:
            words = moved_words(cards, self.stage_name(stages.pop()))
        else:
            words = ngettext(
                "{n} card moved back to its stage",
                "{n} cards moved back to their stages",
                len(cards),
            ).format(n=len(cards))
        self._window.statusBar().showMessage(words, 5000)
        announce(self.view.focused_view() or self.view, words)

    def current_card(self) -> CardSnapshot | None:
        """The focused card, if any."""
        current = self.view.current_id()
        return self.model.card(current) if current is not None else None

    def show_move_menu(self) -> None:
        """Ctrl+M: a menu of the stages at the focused card; choosing one moves there."""
        card = self.current_card()
        menu = QMenu(self._window)
        menu.setObjectName("moveToMenu")
        menu.setTitle(_("Move to"))
        fill_move_menu(menu, self._stages, card.stage_id if card else None, self.move_selected_to)
        self._window.dialogs.popup(menu, self.view.current_card_point())

    def _mail_dropped(self, opportunity_id: int | None, paths: list[Path]) -> None:
        """Saved e-mails dropped on the board: on a card, read for its opportunity;
        between cards, for whoever their addresses name, as on the window."""
        card = self.model.card(opportunity_id) if opportunity_id is not None else None
        opportunity = (
            None
            if card is None
            else (card.opportunity_id, opportunity_name(card.company, card.role))
        )
        self._window.files.open_mail_files(paths, opportunity)

    def show_card_menu(self, point: QPoint) -> None:
        """A card's context menu: open, move to a stage, archive."""
        card = self.current_card()
        if card is None:
            return
        window = self._window
        window.update_actions()
        menu = card_menu(
            window,
            card,
            self._stages,
            open_card=self.open_current,
            move_to=self.move_selected_to,
            archive=window.named_actions["archive"],
        )
        window.dialogs.popup(menu, point)

    def move_selected(self, step: int) -> bool:
        """Move the selected cards to the stage ``step`` columns from the focused card's."""
        ids = self.selected_or_current()
        current = self.view.current_id()
        if not ids:
            return False
        anchor_card = self.model.card(current if current is not None else ids[0])
        if anchor_card is None:
            return False
        target = self.view.neighbour_stage(anchor_card.stage_id, step)
        if target is None:
            self._window.statusBar().showMessage(_("There is no stage further that way."), 3000)
            return False
        return self.move_selected_to(target)

    def selected_or_current(self) -> list[int]:
        """The selected cards, or the focused one when none is selected."""
        ids = self.view.selected_ids()
        current = self.view.current_id()
        if not ids and current is not None:
            ids = [current]
        return ids

    def move_selected_to(self, target: int) -> bool:
        """Move the selected cards (or the focused one) to the stage ``target``; undoable."""
        if self._window.writer.refuse_while_busy():
            return False
        previous = self._previous_stages(self.selected_or_current())
        if not previous or all(stage == target for stage in previous.values()):
            return False
        before = self.model.ranks()
        # Cards moved by keyboard take their natural place in the new column.
        after = {key: value for key, value in before.items() if key not in previous}
        changed = after != before
        self._push_move(previous, target, before if changed else None, after if changed else None)
        return True

    def toggle_archived(self) -> None:
        """Archive the selected cards (or bring them back when all are archived)."""
        ids = self.view.selected_ids()
        if not ids:
            return
        cards = [self.model.card(card_id) for card_id in ids]
        archive = not all(card is not None and card.archived for card in cards)
        service = self._window.service
        self._window.writer.now(lambda: service.set_archived(ids, archive))

    def open_current(self) -> None:
        """Open the focused card in the editor."""
        current = self.view.current_id()
        if current is not None:
            self._window.open_opportunity(current)

    def has_selection(self) -> bool:
        """True when a card is selected or focused.

        Asked on every change of selection: without listing the selected cards, which
        after selecting hundreds would cost as much as the selection itself.
        """
        if any(view.selectionModel().hasSelection() for view in self.view.views()):
            return True
        focused = self.view.focused_view()
        return focused is not None and focused.currentIndex().isValid()
