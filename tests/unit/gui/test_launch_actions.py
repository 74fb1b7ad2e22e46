"""``--action`` from the desktop entry's actions, and File → Quit, in the window."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from followup_desktop.cli import _parser
from followup_desktop.core.db import Database
from followup_desktop.core.services import FollowupService
from followup_desktop.desktop_integration import (
    ACTIONS,
    action_arguments,
    requested_actions,
)
from followup_desktop.gui.debrief import DebriefDialog
from followup_desktop.gui.launch_actions import run_launch_actions
from followup_desktop.gui.main_window import MainWindow
from gui_helpers import NOW, AnsweringDialogs, window_settings

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise")


@pytest.fixture
def service(database: Database) -> FollowupService:
    return FollowupService(database, clock=lambda: NOW)


def _window(qtbot: QtBot, service: FollowupService, tmp_path: Path) -> MainWindow:
    window = MainWindow(service, dialogs=AnsweringDialogs(), settings=window_settings(tmp_path))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.settled)
    return window


@pytest.mark.expected_log("^ignored the unknown launch action ")
def test_the_command_line_offers_the_actions_the_window_understands() -> None:
    for name in ACTIONS:
        args = _parser().parse_args(["--action", name])
        assert requested_actions(["a.ics", *action_arguments(args.action)]) == [name]
    with pytest.raises(SystemExit):
        _parser().parse_args(["--action", "nonsense"])
    assert requested_actions(["--action", "nonsense", "--action"]) == []
    assert action_arguments(None) == []


def test_today_shows_the_today_panel_with_the_keyboard_in_it(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    window = _window(qtbot, service, tmp_path)
    window.today_dock.hide()
    window.show_calendar()
    run_launch_actions(window, ["--action", "today"])
    assert window.pages.showing(window.board)
    assert window.today_dock.isVisible()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.agenda_view)


def test_just_interviewed_opens_the_debrief_of_the_interview_that_ended_last(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    opportunity = service.create_opportunity("Globex", "Analyst").created_id
    assert opportunity is not None
    ended = service.record_interview(
        opportunity, NOW - timedelta(minutes=90), NOW - timedelta(minutes=30)
    ).created_id
    window = _window(qtbot, service, tmp_path)
    run_launch_actions(window, ["--action", "just-interviewed"])
    dialogs = [d for d in window.findChildren(DebriefDialog) if d.isVisible()]
    assert [dialog.interview_id for dialog in dialogs] == [ended]
    dialogs[0].close()


def test_file_quit_asks_the_application_to_quit(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    window = _window(qtbot, service, tmp_path)
    asked: list[bool] = []
    window.on_quit = lambda: asked.append(True)
    window.quit_action.trigger()
    assert asked == [True]
    assert window.isVisible(), "quitting is the application's job, not a hide"
    assert window.quit_action.shortcut().toString() == "Ctrl+Q"
