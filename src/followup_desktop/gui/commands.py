"""Undoable operations: moving cards between stages and placing them in a column (also a
move made by recording an interview, :class:`RecordedMoveCommand`); a step marked done,
snoozed or dismissed (:class:`ActionStepCommand`).

Undo moves each card back to its own previous stage (a multi-select move may gather
cards from several columns) and restores the hand-made card order. Both directions go
through :class:`FollowupService`, so every move and every undo is recorded in the stage
history and re-planned. The command hands its writes to a runner: the window's runs a
move of many cards (and its undo) on the worker, and the result comes back later.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

# Re-exported for the window, which names them from here.
from followup_desktop.core.card_order import CARD_ORDER_PREFIX as CARD_ORDER_PREFIX  # noqa: PLC0414
from followup_desktop.core.card_order import card_order_key
from followup_desktop.core.card_order import ranks_from_setting as ranks_from_setting  # noqa: PLC0414
from followup_desktop.core.change import ActionStatus, Change
from followup_desktop.core.i18n import _, ngettext

if TYPE_CHECKING:
    from followup_desktop.core.services import FollowupService

ChangeSink = Callable[[Change, Mapping[int, float] | None], None]


def order_key(stage_id: int) -> str:
    """The setting that keeps one column's hand-made order (one per stage keeps writes small)."""
    return card_order_key(stage_id)


#: Runs a write (``what`` names it for the status bar) and hands its Change to ``done``:
#: at once, or on the worker for a move of many cards.
Runner = Callable[[str, Callable[[], Change], Callable[[Change], None]], None]


def run_at_once(_what: str, call: Callable[[], Change], done: Callable[[Change], None]) -> None:
    """The runner for a command run outside a window (and for small moves)."""
    done(call())


class MoveCardsCommand(QUndoCommand):
    """Move cards to a stage (and optionally to a place in its column)."""

    def __init__(  # noqa: PLR0917 - a command captures all it needs to undo
        self,
        service: FollowupService,
        sink: ChangeSink,
        previous_stages: Mapping[int, int],
        stage_id: int,
        stage_name: str,
        ranks_before: Mapping[int, float] | None = None,
        ranks_after: Mapping[int, float] | None = None,
        stored_before: Mapping[int, float] | None = None,
        stored_after: Mapping[int, float] | None = None,
        run: Runner = run_at_once,
    ) -> None:
        count = len(previous_stages)
        moved_between = any(stage != stage_id for stage in previous_stages.values())
        if moved_between:
            verb = ngettext("Move card to {stage}", "Move {n} cards to {stage}", count).format(
                n=count, stage=stage_name
            )
        else:
            verb = ngettext("Reorder card", "Reorder {n} cards", count).format(n=count)
        super().__init__(verb)
        self._service = service
        self._sink = sink
        self._run = run
        self._previous = dict(previous_stages)
        self._stage_id = stage_id
        self._ranks_before = None if ranks_before is None else dict(ranks_before)
        self._ranks_after = None if ranks_after is None else dict(ranks_after)
        # The target column's order as stored (the model keeps every column's, merged).
        self._stored_before = None if stored_before is None else dict(stored_before)
        self._stored_after = None if stored_after is None else dict(stored_after)

    @property
    def opportunity_ids(self) -> list[int]:
        """The cards this command moves."""
        return list(self._previous)

    def redo(self) -> None:
        ranks = self._ranks_after
        self._run(self.text(), self._move_forward, lambda change: self._sink(change, ranks))

    def undo(self) -> None:
        ranks = self._ranks_before
        self._run(
            _("Undoing: {what}").format(what=self.text()),
            self._move_back,
            lambda change: self._sink(change, ranks),
        )

    def _move_forward(self) -> Change:
        # The move and the column order it leaves are one transaction.
        change = self._service.move_cards(
            dict.fromkeys(self._previous, self._stage_id),
            order_stage_id=self._stage_id,
            ranks=self._stored_after,
        )
        return change | Change(frozenset(self._previous), frozenset({"opportunity"}))

    def _move_back(self) -> Change:
        change = self._service.move_cards(
            self._previous, order_stage_id=self._stage_id, ranks=self._stored_before
        )
        return change | Change(frozenset(self._previous), frozenset({"opportunity"}))


class RecordedMoveCommand(MoveCardsCommand):
    """A card moved on by another write (recording an interview moves it to the
    interviewing stage), undone by putting it back in the stage it was in.

    The move has already run when the command is pushed, so the first ``redo`` does
    nothing; a later redo moves it on again, through the service like any move.
    """

    def __init__(  # noqa: PLR0917 - the same captures as a move
        self,
        service: FollowupService,
        sink: ChangeSink,
        opportunity_id: int,
        previous_stage_id: int,
        stage_id: int,
        stage_name: str,
        run: Runner = run_at_once,
    ) -> None:
        super().__init__(
            service, sink, {opportunity_id: previous_stage_id}, stage_id, stage_name, run=run
        )
        self._applied = True

    def redo(self) -> None:
        if self._applied:
            return
        self._applied = True
        super().redo()

    def undo(self) -> None:
        self._applied = False
        super().undo()


def place_cards(
    column_ids: Sequence[int],
    moving: Sequence[int],
    anchor: int | None,
    ranks: Mapping[int, float],
) -> dict[int, float]:
    """New ranks after putting ``moving`` before ``anchor`` (at the end when None).

    ``column_ids`` is the target column's full order (filter ignored): first the cards
    placed by hand (those with a rank), then the others in their natural order. Only the
    cards that must be pinned get a rank: the moved ones, plus, when they land inside the
    natural part, the unranked cards above them. A drop near the top of a long column
    therefore touches a few cards, not thousands, and the order survives filtering.
    """
    moving_set = set(moving)
    rest = [card_id for card_id in column_ids if card_id not in moving_set]
    position = rest.index(anchor) if anchor in rest else len(rest)
    result = dict(ranks)
    after = rest[position] if position < len(rest) else None
    if after is None or after not in ranks:
        # Landing in (or after) the natural part: pin the unranked cards above the drop,
        # then the moved ones, after the last hand-placed card.
        above = rest[:position]
        pinned = [card_id for card_id in above if card_id in ranks]
        start = ranks[pinned[-1]] + 1.0 if pinned else 0.0
        newly = [card_id for card_id in above if card_id not in ranks]
        for offset, card_id in enumerate([*newly, *moving]):
            result[card_id] = start + offset
        return result
    # Landing among hand-placed cards: between the two neighbours.
    high = ranks[after]
    low = ranks[rest[position - 1]] if position > 0 else high - len(moving) - 1
    step = (high - low) / (len(moving) + 1)
    # Halving leaves room for about fifty moves into the same gap; then renumber the
    # hand-placed cards (only those).
    if step > 1e-9:
        for offset, card_id in enumerate(moving, start=1):
            result[card_id] = low + step * offset
        return result
    placed = [card_id for card_id in rest if card_id in ranks]
    for rank, card_id in enumerate([*placed[:position], *moving, *placed[position:]]):
        result[card_id] = float(rank)
    return result


class ActionStepCommand(QUndoCommand):
    """A step marked done, snoozed or dismissed, undone by putting it back as it was.

    The write itself has already run when the command is pushed (from Today, the tray or
    a notification's button), so the first ``redo`` (QUndoStack.push calls it) does
    nothing. Undo restores the statuses read before the write; redo the ones read after,
    so a redo of a snooze whose time has since passed still restores it exactly.
    """

    def __init__(
        self,
        service: FollowupService,
        text: str,
        before: Mapping[int, ActionStatus],
        after: Mapping[int, ActionStatus],
        *,
        sink: Callable[[Change], None],
        run: Runner = run_at_once,
    ) -> None:
        super().__init__(text)
        self._service = service
        self._before = dict(before)
        self._after = dict(after)
        self._sink = sink
        self._run = run
        self._applied = True

    @property
    def action_ids(self) -> list[int]:
        """The actions this command puts back."""
        return list(self._before)

    def redo(self) -> None:
        if self._applied:
            return
        self._applied = True
        statuses = list(self._after.values())
        self._run(self.text(), lambda: self._service.restore_actions(statuses), self._sink)

    def undo(self) -> None:
        self._applied = False
        statuses = list(self._before.values())
        self._run(
            _("Undoing: {what}").format(what=self.text()),
            lambda: self._service.restore_actions(statuses),
            self._sink,
        )
