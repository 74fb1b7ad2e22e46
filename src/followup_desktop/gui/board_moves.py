"""Moving cards to a stage chosen by name: the "Move to" menu and the card's context menu.

The arrows move a card one column at a time; "Move to" (Ctrl+M, the Edit menu, or the
card's context menu from the mouse or the Menu key) goes straight to any stage. The
window does the move (undoable, through the service) and announces it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from followup_desktop.core import localformat
from followup_desktop.core.board import CardSnapshot, StageSnapshot
from followup_desktop.core.i18n import _, ngettext


def fill_move_menu(
    menu: QMenu,
    stages: Sequence[StageSnapshot],
    current_stage: int | None,
    move_to: Callable[[int], object],
) -> list[QAction]:
    """Fill ``menu`` with one item per visible stage; the current one is checked and off."""
    menu.clear()
    actions = []
    for stage in stages:
        if stage.hidden:
            continue
        # A lone "&" in a stage name would become a mnemonic.
        action = menu.addAction(stage.name.replace("&", "&&"))
        action.setObjectName(f"moveTo-{stage.id}")
        here = stage.id == current_stage
        action.setCheckable(here)
        action.setChecked(here)
        action.setEnabled(not here)
        action.setToolTip(_("Move to {stage}").format(stage=stage.name))
        action.triggered.connect(lambda _checked=False, chosen=stage.id: move_to(chosen))
        actions.append(action)
    return actions


def card_menu(
    parent: QWidget,
    card: CardSnapshot,
    stages: Sequence[StageSnapshot],
    *,
    open_card: Callable[[], object],
    move_to: Callable[[int], object],
    archive: QAction,
) -> QMenu:
    """The context menu of a card: open it, move it to a stage, archive or restore it."""
    menu = QMenu(parent)
    menu.setObjectName("cardMenu")
    menu.setAccessibleName(_("Actions for {company}").format(company=card.company))
    opener = menu.addAction(_("&Open"))
    opener.setObjectName("cardMenuOpen")
    opener.triggered.connect(lambda _checked=False: open_card())
    moves = menu.addMenu(_("Move &to"))
    moves.setObjectName("cardMenuMoveTo")
    fill_move_menu(moves, stages, card.stage_id, move_to)
    menu.addSeparator()
    menu.addAction(archive)
    return menu


def moved_words(cards: Sequence[CardSnapshot], stage_name: str) -> str:
    """What a move is announced as: "Acme — Data engineer moved to Applied"."""
    if len(cards) == 1:
        card = cards[0]
        what = f"{card.company} — {card.role}" if card.role else card.company
        return _("{card} moved to {stage}").format(card=what, stage=stage_name)
    return ngettext("{n} card moved to {stage}", "{n} cards moved to {stage}", len(cards)).format(
        n=localformat.number(len(cards)), stage=stage_name
    )


__all__ = ["card_menu", "fill_move_menu", "moved_words"]
