"""What the window keeps between runs: geometry, panels, the page, filters, selection.

Kept in a small settings file of its own (:func:`window_settings_path`), so a reopened
window is where the person left it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs
from PySide6.QtCore import QByteArray, QSettings

from followup_desktop import APP_NAME
from followup_desktop.gui.screen_fit import keep_on_screen
from followup_desktop.gui.window.pages import PAGE_BOARD

if TYPE_CHECKING:
    from followup_desktop.gui.main_window import MainWindow


def window_settings_path() -> Path:
    """The file that keeps the window's geometry, panels, filters and selection."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "window.ini"


def _as_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).lower() in {"true", "1", "yes"}


def restore_state(window: MainWindow, settings: QSettings) -> str:
    """Put the window back as it was saved; the name of the page it showed."""
    geometry = settings.value("window/geometry")
    if isinstance(geometry, QByteArray):
        window.restoreGeometry(geometry)
        keep_on_screen(window)
    state = settings.value("window/state")
    if isinstance(state, QByteArray):
        window.restoreState(state)
    board = window.board_ctl
    board.search.setText(str(settings.value("board/search", "") or ""))
    board.needs_action.setChecked(_as_bool(settings.value("board/needs_action", False)))
    board.show_archived.setChecked(_as_bool(settings.value("board/show_archived", False)))
    selected = settings.value("board/selected", "")
    ids = [int(part) for part in str(selected or "").split(",") if part.strip().isdigit()]
    if ids:
        board.view.select_cards(ids)
    scroll = settings.value("board/scroll", 0)
    if str(scroll).isdigit():
        board.view.horizontalScrollBar().setValue(int(str(scroll)))
    return str(settings.value("window/page", PAGE_BOARD) or PAGE_BOARD)


def save_state(window: MainWindow, settings: QSettings) -> None:
    """Remember geometry, panels, filters and selection for the next start."""
    board = window.board_ctl
    settings.setValue("window/geometry", window.saveGeometry())
    settings.setValue("window/state", window.saveState())
    settings.setValue("board/search", board.search.text())
    settings.setValue("board/needs_action", board.needs_action.isChecked())
    settings.setValue("board/show_archived", board.show_archived.isChecked())
    settings.setValue("board/selected", ",".join(map(str, board.view.selected_ids())))
    settings.setValue("board/scroll", board.view.horizontalScrollBar().value())
    settings.setValue("window/page", window.pages.saved_name())
    settings.sync()
