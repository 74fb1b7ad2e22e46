"""Tab goes through the window search first: filters, columns, then the Today list."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from followup_desktop.core.db import Database
from followup_desktop.core.services import FollowupService
from followup_desktop.gui.main_window import MainWindow
from gui_helpers import NOW, AnsweringDialogs, window_settings


def _stops(start: QWidget, count: int) -> list[QWidget]:
    stops: list[QWidget] = []
    widget = start
    while len(stops) < count:
        policy = widget.focusPolicy()
        if (
            widget.isVisible()
            and widget.isEnabled()
            and policy & Qt.FocusPolicy.TabFocus == Qt.FocusPolicy.TabFocus
        ):
            stops.append(widget)
        following = widget.nextInFocusChain()
        assert following is not None, "the focus chain is a ring"
        widget = following
    return stops


def test_tab_starts_at_the_search_and_ends_with_the_today_list(
    qtbot: QtBot, database: Database, tmp_path: Path
) -> None:
    service = FollowupService(database, clock=lambda: NOW)
    service.create_opportunity("Acme", "Analyst")
    window = MainWindow(service, dialogs=AnsweringDialogs(), settings=window_settings(tmp_path))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.settled)
    columns = window.board.views()
    expected = [window.search, window.needs_action, window.show_archived, *columns]
    expected.append(window.agenda_view)
    stops = _stops(window.search, len(expected) + 1)
    assert stops == [*expected, window.search]
    assert window.board not in stops, "the board's scroll area is not a stop of its own"

    window.search.setFocus()
    qtbot.waitUntil(window.search.hasFocus)
    qtbot.keyClick(window.search, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is window.needs_action

    # Columns rebuilt (a stage shown again) keep the order.
    hidden = window.board.columns[2].stage.id
    window.apply_change(service.set_stage_hidden(hidden, True))
    window.apply_change(service.set_stage_hidden(hidden, False))
    columns = window.board.views()
    qtbot.waitUntil(lambda: all(column.isVisible() for column in columns))  # shown queued
    stops = _stops(window.search, 4 + len(columns))
    assert stops[3:] == [*columns, window.agenda_view]
