"""Moving a card to any stage by name, from the keyboard and the context menu; announced."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from followup_desktop.core.db import Database
from followup_desktop.core.models import Opportunity
from followup_desktop.core.services import FollowupService, OpportunityFields
from followup_desktop.gui import announce as announce_module
from followup_desktop.gui.main_window import MainWindow
from gui_helpers import NOW, AnsweringDialogs, window_settings

WISHLIST, APPLIED, SCREENING = 1, 2, 3


@pytest.fixture
def service(database: Database) -> FollowupService:
    return FollowupService(database, clock=lambda: NOW)


@pytest.fixture
def heard() -> Iterator[list[str]]:
    words: list[str] = []
    announce_module.listeners.append(words.append)
    yield words
    announce_module.listeners.remove(words.append)


@pytest.fixture
def window(qtbot: QtBot, service: FollowupService, tmp_path: Path) -> Iterator[MainWindow]:
    service.create_opportunity("Acme", "Analyst", OpportunityFields(stage_id=WISHLIST))
    service.create_opportunity("Beta", "Engineer", OpportunityFields(stage_id=APPLIED))
    win = MainWindow(service, dialogs=AnsweringDialogs(), settings=window_settings(tmp_path))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.settled)
    yield win
    win.close()


def _acme(window: MainWindow) -> int:
    return next(c.opportunity_id for c in window.board_model.cards() if c.company == "Acme")


def _menus(window: MainWindow) -> list[QMenu]:
    dialogs = window.dialogs
    assert isinstance(dialogs, AnsweringDialogs)
    return dialogs.menus


def _stage_of(service: FollowupService, opportunity_id: int) -> int:
    with service.db.session() as session:
        opportunity = session.get(Opportunity, opportunity_id)
        assert opportunity is not None
        return opportunity.stage_id


def test_ctrl_m_moves_the_focused_card_to_a_chosen_stage_keeping_focus_and_saying_so(
    window: MainWindow, service: FollowupService, qtbot: QtBot, heard: list[str]
) -> None:
    acme = _acme(window)
    window.board.select_cards([acme])
    wishlist = window.board.column_for_stage(WISHLIST)
    assert wishlist is not None
    qtbot.waitUntil(wishlist.view.hasFocus)
    qtbot.keyClick(wishlist.view, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    menu = _menus(window)[-1]
    items = {action.text(): action for action in menu.actions()}
    assert list(items)[:3] == ["Wishlist", "Applied", "Screening"]
    assert items["Wishlist"].isChecked() and not items["Wishlist"].isEnabled()
    items["Screening"].trigger()  # two columns away, in one step

    assert _stage_of(service, acme) == SCREENING
    screening = window.board.column_for_stage(SCREENING)
    assert screening is not None
    assert QApplication.focusWidget() is screening.view, "the focus stays on the moved card"
    assert window.board.current_id() == acme
    assert heard[-1] == "Acme — Analyst moved to Screening"

    window.undo_stack.undo()
    assert _stage_of(service, acme) == WISHLIST
    assert heard[-1] == "Acme — Analyst moved to Wishlist"
    assert window.board.current_id() == acme


def test_the_context_menu_opens_moves_and_archives(
    window: MainWindow, service: FollowupService, heard: list[str]
) -> None:
    acme = _acme(window)
    window.board.select_cards([acme])
    view = window.board.focused_view()
    assert view is not None
    # What the Menu key (or a right click on the card) asks for.
    view.customContextMenuRequested.emit(view.visualRect(view.currentIndex()).center())
    menu = _menus(window)[-1]
    texts = [action.text() for action in menu.actions() if not action.isSeparator()]
    assert texts == ["&Open", "Move &to", "&Archive / restore"]
    move_to = next(action.menu() for action in menu.actions() if action.menu())
    assert isinstance(move_to, QMenu)
    next(action for action in move_to.actions() if action.text() == "Applied").trigger()
    assert _stage_of(service, acme) == APPLIED
    assert heard[-1] == "Acme — Analyst moved to Applied"


def test_moving_nowhere_changes_nothing(window: MainWindow) -> None:
    acme = _acme(window)
    window.board.select_cards([acme])
    assert window.move_selected_to(WISHLIST) is False
    assert window.undo_stack.count() == 0
