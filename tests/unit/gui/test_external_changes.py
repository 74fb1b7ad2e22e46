"""Another program's change to the database shows in the window without Refresh."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from followup_desktop.core.data_version import DataVersionWatch
from followup_desktop.core.db import Database
from followup_desktop.core.services import FollowupService
from followup_desktop.gui.main_window import MainWindow
from followup_desktop.gui.window.external import POLL_MS
from gui_helpers import NOW, open_window

POSTING = Path(__file__).parents[2] / "fixtures" / "imports" / "posting-greenhouse.html"


@pytest.fixture
def service(database: Database) -> FollowupService:
    return FollowupService(database, clock=lambda: NOW)


def _companies(window: MainWindow) -> set[str]:
    return {card.company for card in window.board_model.cards()}


def _activate(window: MainWindow) -> None:
    # The offscreen platform never makes a window active; say it as the platform would.
    QApplication.sendEvent(window, QEvent(QEvent.Type.WindowActivate))


def _cli(db_path: Path, *args: str) -> None:
    command = [sys.executable, "-m", "followup_desktop", "--db", str(db_path), *args]
    subprocess.run(command, check=True, capture_output=True, timeout=120)


def test_an_opportunity_added_by_the_command_line_appears_without_refresh(
    qtbot: QtBot, service: FollowupService, db_path: Path, tmp_path: Path
) -> None:
    window = open_window(qtbot, service, tmp_path)
    _activate(window)
    assert window.external.timer.isActive(), "polled while the window is active"
    before = _companies(window)
    _cli(db_path, "import-posting", str(POSTING))
    qtbot.waitUntil(lambda: _companies(window) != before, timeout=POLL_MS * 4)
    QApplication.sendEvent(window, QEvent(QEvent.Type.WindowDeactivate))
    assert not window.external.timer.isActive(), "nothing polled in the background"


def test_the_windows_own_writes_are_not_taken_for_someone_elses(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    window = open_window(qtbot, service, tmp_path)
    _activate(window)
    assert not window.external.check()
    window.writer.now(lambda: service.create_opportunity("Mine", "Role"))
    assert not window.external.check(), "our own write is ours"


def test_the_watch_tells_another_connection_from_our_own(database: Database) -> None:
    import sqlite3

    watch = DataVersionWatch(database)
    try:
        assert not watch.changed_elsewhere()
        FollowupService(database, clock=lambda: NOW).create_opportunity("Ours", "Role")
        assert not watch.changed_elsewhere()
        with sqlite3.connect(database.path) as other:
            other.execute("UPDATE opportunities SET role = 'Theirs'")
        assert watch.changed_elsewhere()
        assert not watch.changed_elsewhere(), "said once"
    finally:
        watch.close()
