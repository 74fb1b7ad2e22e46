"""``--action`` from the desktop entry's actions, and File → Quit, in the window."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import (
    QApplication,
    QDateTimeEdit,
    QLineEdit,
    QMenu,
    QPushButton,
    QToolBar,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from followup_desktop.cli import _parser
from followup_desktop.core.db import Database
from followup_desktop.core.models import Interview
from followup_desktop.core.services import FollowupService
from followup_desktop.desktop_integration import (
    ACTIONS,
    action_arguments,
    requested_actions,
)
from followup_desktop.gui.calendar import JustHadInterviewDialog
from followup_desktop.gui.calendar.schedule import TYPICAL_LENGTH
from followup_desktop.gui.debrief import DebriefDialog
from followup_desktop.gui.launch_actions import run_launch_actions
from followup_desktop.gui.main_window import MainWindow
from gui_helpers import NOW, AnsweringDialogs, window_settings

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise")
_W = TypeVar("_W", bound=QWidget)


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


def _recorder(window: MainWindow) -> JustHadInterviewDialog:
    dialogs = window.dialogs
    assert isinstance(dialogs, AnsweringDialogs)
    [dialog] = [d for d in dialogs.shown if isinstance(d, JustHadInterviewDialog)]
    return dialog


def _named(dialog: QWidget, kind: type[_W], name: str) -> _W:
    [found] = [w for w in dialog.findChildren(kind) if w.accessibleName() == name]
    return found


def test_just_interviewed_with_nothing_recorded_records_it_then_opens_its_debrief(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    # An interview of yesterday is debriefed already: today's is the one to record.
    opportunity = service.create_opportunity("Globex", "Analyst").created_id
    assert opportunity is not None
    service.record_interview(opportunity, NOW - timedelta(days=1, hours=1), NOW - timedelta(days=1))
    window = _window(qtbot, service, tmp_path)
    run_launch_actions(window, ["--action", "just-interviewed"])
    recorder = _recorder(window)
    started = _named(recorder, QDateTimeEdit, "Started at")
    ended = _named(recorder, QDateTimeEdit, "Ended at")
    assert started.calendarPopup() and ended.calendarPopup()
    # It ends now (to five minutes) and began a typical interview's length before.
    end = ended.dateTime().toSecsSinceEpoch()
    assert 0 <= NOW.timestamp() - end < 5 * 60
    assert end - started.dateTime().toSecsSinceEpoch() == TYPICAL_LENGTH.total_seconds()
    _named(recorder, QLineEdit, "Company").setText("Acme Robotics")
    _named(recorder, QLineEdit, "Role").setText("Data Analyst")
    # A typed start, in the locale's own short format, is read as typed.
    started.setFocus()
    qtbot.keyClick(started, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    typed = started.dateTime().addSecs(-30 * 60)
    qtbot.keyClicks(started, QLocale().toString(typed, started.displayFormat()))
    assert started.dateTime() == typed
    [save] = [b for b in recorder.findChildren(QPushButton) if b.text().replace("&", "") == "Save"]
    save.click()
    with service.db.session() as session:
        interview = session.scalars(select(Interview).order_by(Interview.id.desc())).first()
        assert interview is not None
        assert interview.opportunity.company == "Acme Robotics"
        assert interview.starts_at.timestamp() == typed.toSecsSinceEpoch()
        # Recording the interview moved the card on to the interviewing column.
        assert interview.opportunity.stage.name != "Wishlist"
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(DebriefDialog)))
    [debrief] = [d for d in window.findChildren(DebriefDialog) if d.isVisible()]
    assert debrief.interview_id == interview.id
    debrief.close()


def test_i_just_had_an_interview_is_in_the_menu_and_the_toolbar_with_its_key(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    window = _window(qtbot, service, tmp_path)
    action = window.just_had_action
    assert action.shortcut().toString() == "Ctrl+Shift+D"
    assert any(action in menu.actions() for menu in window.menuBar().findChildren(QMenu))
    assert action in window.findChild(QToolBar).actions()  # type: ignore[union-attr]
    action.trigger()
    assert _recorder(window).windowTitle() == "Record the interview you just had"
