"""File > Import of a JSON export: the work runs on the worker with the cyclic collector
paused until the parsed file is freed (resumed earlier, its first passes over the
file's objects held the interpreter lock and froze the window), and the window shows
the imported cards afterwards."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from followup_desktop.core.db import open_database
from followup_desktop.core.exchange import export_database
from followup_desktop.core.exchange.prepare import ImportResult
from followup_desktop.core.services import FollowupService
from followup_desktop.gui.main_window import MainWindow
from gui_helpers import AnsweringDialogs


def _export_with(tmp_path: Path, companies: list[str]) -> Path:
    source = open_database(tmp_path / "source.sqlite3")
    try:
        service = FollowupService(source)
        for company in companies:
            service.create_opportunity(company, "Analyst")
        path = tmp_path / "export.json"
        export_database(source, path)
    finally:
        source.close()
    return path


def _cards(window: MainWindow) -> int:
    return sum(column.view.proxy.rowCount() for column in window.board.columns)


def test_an_import_keeps_the_collector_paused_until_the_file_is_freed_and_the_board_updates(
    qtbot: QtBot, window: MainWindow, service: FollowupService, tmp_path: Path
) -> None:
    path = _export_with(tmp_path, ["Imported One", "Imported Two", "Imported Three"])
    dialogs = window.dialogs
    assert isinstance(dialogs, AnsweringDialogs)
    dialogs.files = [path]
    collecting_during: list[bool] = []
    original = service.import_export

    def spying(document: Any, *, replace: bool = False, plan: bool = True) -> ImportResult:
        collecting_during.append(gc.isenabled())
        return original(document, replace=replace, plan=plan)

    service.import_export = spying  # type: ignore[method-assign]
    assert gc.isenabled()
    assert _cards(window) == 0

    window.import_file()
    qtbot.waitUntil(lambda: bool(collecting_during) and window.settled and _cards(window) == 3)
    assert collecting_during == [False]  # paused while the parsed file was alive
    assert gc.isenabled()  # and running again afterwards
