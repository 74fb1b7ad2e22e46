"""The board fits its columns to the window and keeps a moved card in view."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from pytestqt.qtbot import QtBot

from followup_desktop.core.db import Database
from followup_desktop.core.queries.window import read_stages
from followup_desktop.core.services import FollowupService, OpportunityFields
from followup_desktop.gui.board_view import (
    MAX_COLUMN_WIDTH,
    MIN_COLUMN_WIDTH,
    BoardColumn,
    fitted_column_width,
)
from followup_desktop.gui.main_window import MainWindow
from gui_helpers import NOW, open_window


@pytest.fixture
def service(database: Database) -> FollowupService:
    return FollowupService(database, clock=lambda: NOW)


def _visible_in_board(window: MainWindow, column: BoardColumn) -> bool:
    board = window.board
    viewport = board.viewport()
    top_left = column.mapTo(viewport, column.rect().topLeft())
    shown = QRect(top_left, column.size())
    return viewport.rect().contains(shown)


def _card_in_sight(column: BoardColumn, card: int) -> bool:
    view = column.view
    row = view.proxy.row_of(card)
    if row is None:
        return False
    return view.viewport().rect().contains(view.visualRect(view.proxy.index(row, 0)))


def test_a_card_moved_to_a_far_column_is_scrolled_into_view_and_back_on_undo(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    stages = read_stages(service.db)
    first, last = stages[0].id, [s for s in stages if not s.hidden][-1].id
    card = service.create_opportunity(
        "Acme", "Analyst", OpportunityFields(stage_id=first)
    ).created_id
    assert card is not None
    for number in range(30):  # a long target column: the card lands out of sight
        service.create_opportunity(f"Filler {number}", "Role", OpportunityFields(stage_id=last))
    window = open_window(qtbot, service, tmp_path)
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: window.board.viewport().width() < 1366)
    board = window.board
    assert board.select_cards([card])
    target = board.column_for_stage(last)
    assert target is not None
    assert not _visible_in_board(window, target), "the test needs a column out of view"
    window.board_ctl.move_selected_to(last)
    qtbot.waitUntil(lambda: target.view.proxy.row_of(card) is not None)
    qtbot.waitUntil(lambda: _visible_in_board(window, target))
    qtbot.waitUntil(lambda: _card_in_sight(target, card))
    window.undo_stack.undo()
    source = board.column_for_stage(first)
    assert source is not None
    qtbot.waitUntil(lambda: source.view.proxy.row_of(card) is not None)
    qtbot.waitUntil(lambda: _visible_in_board(window, source))


def _has_width(window: MainWindow, width: int) -> bool:
    return window.width() == width


def test_columns_share_the_width_in_whole_columns_never_narrower_than_readable(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    window = open_window(qtbot, service, tmp_path)
    board = window.board
    for width in (1366, 1024, 1920):
        window.resize(width, 768)
        qtbot.waitUntil(partial(_has_width, window, width))
        qtbot.wait(1)
        widths = {column.width() for column in board.columns}
        assert len(widths) == 1
        column_width = widths.pop()
        assert MIN_COLUMN_WIDTH <= column_width <= MAX_COLUMN_WIDTH
        # At rest (scrolled to the left), the columns in view end at the viewport's edge
        # within a spacing: no column is cut in half there.
        inside = board.viewport().width() - 20
        spacing = 10
        whole = (inside + spacing) // (column_width + spacing)
        left_over = inside - whole * (column_width + spacing) + spacing
        assert left_over < MIN_COLUMN_WIDTH
        assert left_over < spacing + whole, f"{width}: {left_over}px of a cut column"


def test_few_stages_are_widened_to_fill_the_board_up_to_a_limit() -> None:
    assert fitted_column_width(700, 2, 10) == (700 - 10) // 2
    assert fitted_column_width(2000, 2, 10) == MAX_COLUMN_WIDTH
    assert fitted_column_width(870, 10, 10) == (870 - 20) // 3
    assert fitted_column_width(200, 10, 10) == MIN_COLUMN_WIDTH
