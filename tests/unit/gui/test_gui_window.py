"""The main window: Today panel, menus, remembered state, crash handling, settings, jobs."""

from __future__ import annotations

import sqlite3
import sys
from datetime import timedelta
from pathlib import Path

import keyring.backends.null
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QDialog, QMenu
from pytestqt.qtbot import QtBot
from sqlalchemy.exc import OperationalError

from followup_desktop.core.change import Change
from followup_desktop.core.db import Database
from followup_desktop.core.models import Action, ActionState
from followup_desktop.core.playbook.settings import SETTINGS_KEY
from followup_desktop.core.services import FollowupService
from followup_desktop.core.storage_errors import StorageFull
from followup_desktop.gui.crash import CrashDialog, CrashReporter, crash_details, plain_message
from followup_desktop.gui.editor import OpportunityEditor
from followup_desktop.gui.main_window import MainWindow, exchange_available
from followup_desktop.gui.settings_dialog import SettingsDialog
from followup_desktop.secrets import PasswordStore
from gui_helpers import NOW, AnsweringDialogs, window_settings


@pytest.fixture
def service(database: Database) -> FollowupService:
    return FollowupService(database, clock=lambda: NOW)


def open_window(qtbot: QtBot, service: FollowupService, tmp_path: Path) -> MainWindow:
    window = MainWindow(service, dialogs=AnsweringDialogs(), settings=window_settings(tmp_path))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.settled)  # the Today panel loads off-thread
    return window


def menu_of(action: QAction) -> QMenu:
    menu = action.menu()
    assert isinstance(menu, QMenu)
    return menu


def dialogs_of(window: MainWindow) -> AnsweringDialogs:
    assert isinstance(window.dialogs, AnsweringDialogs)
    return window.dialogs


def test_today_lists_overdue_actions_with_reasons_and_acts_on_them(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    acme = service.create_opportunity("Acme", "Analyst").created_id
    action = service.add_action(
        "call_recruiter", NOW - timedelta(hours=1), opportunity_id=acme, reason="They asked."
    ).created_id
    window = open_window(qtbot, service, tmp_path)
    model = window.agenda_model
    rows = [r for r in range(model.rowCount()) if model.item(r).action_id == action]
    assert rows
    row = rows[0]
    assert "Call recruiter" in model.index(row, 2).data()
    assert model.index(row, 1).data() == "Overdue"
    assert model.index(row, 4).data() == "They asked."
    assert window.agenda_view.accessibleName()
    assert "overdue" in window.statusBar().currentMessage()
    assert "overdue" in window.today.summary.text()

    window.today.select_row(row)
    window.today.open_button.click()
    assert isinstance(dialogs_of(window).shown[-1], OpportunityEditor)

    window.today.snooze(NOW + timedelta(days=1))
    with service.db.session() as session:
        assert session.get(Action, action).state is ActionState.SNOOZED  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: all(model.item(r).action_id != action for r in range(model.rowCount())))
    service.reopen_action(action)  # type: ignore[arg-type]
    window.refresh_today()
    rows = [r for r in range(model.rowCount()) if model.item(r).action_id == action]
    window.today.select_row(rows[0])
    window.today.done_button.click()
    with service.db.session() as session:
        assert session.get(Action, action).state is ActionState.DONE  # type: ignore[union-attr]


def test_menus_hold_the_commands(qtbot: QtBot, service: FollowupService, tmp_path: Path) -> None:
    window = open_window(qtbot, service, tmp_path)
    menus = {
        action.text().replace("&", ""): [
            item.text().replace("&", "") for item in menu_of(action).actions() if item.text()
        ]
        for action in window.menuBar().actions()
    }
    assert set(menus) == {"File", "Edit", "View", "Help"}
    for wanted in (
        "New opportunity…",
        "Debrief…",
        "I just had an interview…",
        "Import…",
        "Export…",
        "Back up…",
        "Quit",
    ):
        assert wanted in menus["File"]
    assert {"Undo", "Redo", "Find…", "Settings…"} <= set(menus["Edit"])
    assert {"Board", "Question bank", "Calendar", "Your search", "Today"} <= set(menus["View"])
    shortcuts = {
        action.text().replace("&", ""): action.shortcut().toString()
        for action in (
            window.debrief_action,
            window.board_action,
            window.calendar_action,
            window.questions_action,
            window.stats_action,
        )
    }
    assert shortcuts == {
        "Debrief…": "Ctrl+D",
        "Board": "Ctrl+1",
        "Calendar": "Ctrl+2",
        "Question bank": "Ctrl+3",
        "Your search": "Ctrl+4",
    }
    assert window.calendar_action.isEnabled()
    assert "Export calendar…" in menus["File"]
    assert window.import_action.isEnabled() == exchange_available()
    assert window.search.isVisible()  # not pushed into the toolbar's overflow menu
    window.find_action.trigger()
    qtbot.waitUntil(window.search.hasFocus)
    window.about_action.trigger()
    assert "Followup" in dialogs_of(window).messages[-1][1]


def test_new_opportunity_opens_the_editor_and_selects_the_card(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    window = open_window(qtbot, service, tmp_path)
    dialogs = dialogs_of(window)

    def run(dialog: object) -> int:
        assert isinstance(dialog, OpportunityEditor)
        dialog.company.setText("Hooli")
        dialog.role.setText("Engineer")
        return int(dialog.save())

    dialogs.run = run  # type: ignore[method-assign]
    window.new_action.trigger()
    card = next(c for c in window.board_model.cards() if c.company == "Hooli")
    assert window.board.selected_ids() == [card.opportunity_id]


def test_closing_and_reopening_restores_the_window(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    acme = service.create_opportunity("Acme", "Analyst").created_id
    service.create_opportunity("Beta", "Engineer")
    window = open_window(qtbot, service, tmp_path)
    window.resize(701, 503)
    window.today_dock.hide()
    window.needs_action.setChecked(False)
    window.show_archived.setChecked(True)
    window.search.setText("a")
    assert acme is not None
    window.board.select_cards([acme])
    window.close()

    again = open_window(qtbot, service, tmp_path)
    assert (again.width(), again.height()) == (701, 503)
    assert not again.today_dock.isVisible()
    assert again.show_archived.isChecked()
    assert again.search.text() == "a"
    assert again.board.selected_ids() == [acme]


def test_environmental_errors_get_a_plain_message() -> None:
    messages: list[str] = []
    crashes: list[QDialog] = []
    reporter = CrashReporter(messages.append, crashes.append)
    full = StorageFull(None, Path("/media/stick/followup.sqlite3"))
    reporter(type(full), full, None)
    assert messages == [str(full)]
    assert "Free some space" in messages[0]
    # SQLAlchemy's own class with no SQLite code says nothing about the disk: a bug.
    unnamed = OperationalError("INSERT", {}, sqlite3.OperationalError("database or disk is full"))
    assert plain_message(unnamed) is None
    assert crashes == []


@pytest.mark.expected_log("^unexpected error$")
def test_bugs_get_a_crash_dialog_with_copyable_details(qtbot: QtBot) -> None:
    messages: list[str] = []
    crashes: list[QDialog] = []
    reporter = CrashReporter(messages.append, crashes.append)
    try:
        raise ValueError("boom")
    except ValueError as error:
        reporter(type(error), error, error.__traceback__)
    assert messages == []
    [dialog] = crashes
    assert isinstance(dialog, CrashDialog)
    qtbot.addWidget(dialog)
    details = dialog.details.toPlainText()
    assert "ValueError: boom" in details
    assert "Traceback" in details
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == details

    previous = sys.excepthook
    reporter.install()
    assert sys.excepthook is reporter
    reporter.uninstall()
    assert sys.excepthook is previous
    assert "Followup" in crash_details(ValueError, ValueError("x"), None)


def test_settings_change_stages_and_the_playbook(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    window = open_window(qtbot, service, tmp_path)
    no_store = PasswordStore(backend=keyring.backends.null.Keyring())
    dialog = SettingsDialog(service, window, passwords=no_store)
    qtbot.addWidget(dialog)
    dialog.changed.connect(window.apply_change)
    page = dialog.stages_page

    page.name.setText("Phone screen")
    assert page.add_stage()
    assert window.board.columns[-1].stage.name == "Phone screen"
    page.name.setText("Phone screen")
    assert not page.add_stage()
    assert "exists already" in page.error.text()

    page.list.setCurrentRow(page.list.count() - 1)
    page.name.setText("Call")
    assert page.rename_selected()
    assert window.board.columns[-1].stage.name == "Call"
    assert page.move_selected(-1)
    assert window.board.columns[-2].stage.name == "Call"
    from PySide6.QtCore import Qt

    item = page.list.item(page.list.count() - 2)
    item.setCheckState(Qt.CheckState.Unchecked)
    assert "Call" not in [column.stage.name for column in window.board.columns]

    spin = dialog.playbook_page.editors["thank_you_hours"]
    spin.setValue(12)  # type: ignore[attr-defined]
    assert dialog.apply()
    assert service.get_setting(SETTINGS_KEY)["thank_you_hours"] == 12

    start = dialog.hours_page.editors["working_hours_start"]
    end = dialog.hours_page.editors["working_hours_end"]
    from PySide6.QtCore import QTime

    start.setTime(QTime(18, 0))  # type: ignore[attr-defined]
    end.setTime(QTime(9, 0))  # type: ignore[attr-defined]
    assert not dialog.apply()
    assert "end after they start" in dialog.error.text()


def test_backup_runs_off_the_gui_thread(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    service.create_opportunity("Acme", "Analyst")
    window = open_window(qtbot, service, tmp_path)
    target = tmp_path / "copy.sqlite3"
    dialogs_of(window).files.append(target)
    window.backup_action.trigger()
    qtbot.waitUntil(lambda: window.settled)
    assert target.exists()
    with sqlite3.connect(target) as connection:
        assert connection.execute("SELECT company FROM opportunities").fetchone() == ("Acme",)
    assert "Backed up" in window.statusBar().currentMessage()


@pytest.mark.skipif(not exchange_available(), reason="core.exchange is not installed yet")
def test_export_then_import_through_the_worker(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    service.create_opportunity("Acme", "Analyst")
    window = open_window(qtbot, service, tmp_path)
    export = tmp_path / "export.json"
    dialogs_of(window).files.append(export)
    window.export_action.trigger()
    qtbot.waitUntil(lambda: window.settled)
    assert export.exists()
    dialogs_of(window).files.append(export)
    dialogs_of(window).answer = True  # replace
    window.import_action.trigger()
    qtbot.waitUntil(lambda: window.settled)
    assert [card.company for card in window.board_model.cards()] == ["Acme"]
    assert not [m for m in dialogs_of(window).messages if m[0] == "warning"]


def test_today_panel_spells_out_the_selected_reason(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    acme = service.create_opportunity("Acme", "Analyst").created_id
    service.add_action(
        "call_recruiter",
        NOW - timedelta(hours=2),
        opportunity_id=acme,
        reason="They asked you to ring back before Friday.",
        recipient="Sam",
    )
    window = open_window(qtbot, service, tmp_path)
    panel = window.today
    rows = [
        r for r in range(panel.model.rowCount()) if panel.model.item(r).kind == "call_recruiter"
    ]
    panel.select_row(rows[0])
    assert "Why: They asked you to ring back before Friday." in panel.details.text()
    assert "Call recruiter (Sam) (Acme — Analyst)" in panel.details.text()
    panel.view.clearSelection()
    assert panel.details.text() == ""


def test_settings_switch_start_at_login_and_quiet_hours(
    qtbot: QtBot, service: FollowupService, tmp_path: Path, isolated_home: Path
) -> None:
    from followup_desktop.autostart import autostart_path
    from followup_desktop.core.reminders import ReminderService

    window = open_window(qtbot, service, tmp_path)
    no_store = PasswordStore(backend=keyring.backends.null.Keyring())
    dialog = SettingsDialog(service, window, passwords=no_store)
    qtbot.addWidget(dialog)
    page = dialog.reminders_page
    assert dialog.pages.findItems("Reminders", Qt.MatchFlag.MatchExactly)
    assert not page.start_at_login.isChecked()
    assert page.quiet_hours.isChecked()  # reminders keep to working hours by default

    page.start_at_login.setChecked(True)
    page.quiet_hours.setChecked(False)
    with qtbot.waitSignal(dialog.changed):
        assert dialog.apply()
    entry = autostart_path()
    assert entry.is_relative_to(isolated_home)
    assert "--minimized" in entry.read_text()
    assert ReminderService(service.db, service.clock).prefs().quiet_hours is False

    page.start_at_login.setChecked(False)
    assert dialog.apply()
    assert not entry.exists()

    # A folder that cannot hold the entry: a plain message, the dialog stays open.
    entry.parent.rmdir()
    entry.parent.write_text("not a folder")
    page.start_at_login.setChecked(True)
    assert not dialog.apply()
    assert "Cannot write" in dialog.error.text()


WINDOW_SOURCES = [
    Path(__file__).parents[3] / "src/followup_desktop/gui/main_window.py",
    *sorted((Path(__file__).parents[3] / "src/followup_desktop/gui/window").glob("*.py")),
]


@pytest.mark.parametrize("source", WINDOW_SOURCES, ids=lambda path: path.name)
def test_the_window_opens_no_session_and_imports_no_sqlalchemy(source: Path) -> None:
    import ast

    tree = ast.parse(source.read_text(encoding="utf-8"))
    imported = [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ] + [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not [name for name in imported if name.split(".")[0] == "sqlalchemy"]
    sessions = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "session"
    ]
    assert sessions == []


def test_the_shell_stays_a_shell() -> None:
    assert len(WINDOW_SOURCES[0].read_text(encoding="utf-8").splitlines()) <= 400


def test_every_route_of_an_action_does_something() -> None:
    from followup_desktop.gui.window.router import OPENERS, Route

    assert set(OPENERS) == set(Route)


def test_the_window_publishes_every_change_on_one_bus(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    acme = service.create_opportunity("Acme", "Analyst").created_id
    assert acme is not None
    window = open_window(qtbot, service, tmp_path)
    heard: list[object] = []
    window.bus.changed.connect(heard.append)
    archive = window.named_actions["archive"]
    assert window.board.select_cards([acme])
    window.update_actions()
    archive.trigger()
    assert len(heard) == 1
    change = heard[0]
    assert isinstance(change, Change)
    assert acme in change.opportunity_ids
    card = window.board_model.card(acme)
    assert card is not None
    assert card.archived


def test_every_action_built_is_declared_as_an_attribute(window: MainWindow) -> None:
    from followup_desktop.gui.window.actions import NamedActions

    declared = {name.removesuffix("_action") for name in NamedActions.__annotations__}
    assert declared == set(window.named_actions)
    for name in declared:
        assert getattr(window, f"{name}_action") is window.named_actions[name]


def test_a_quiet_write_runs_on_the_worker_and_never_marks_the_window_busy(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    import threading

    window = open_window(qtbot, service, tmp_path)
    ran_on: list[threading.Thread] = []
    published: list[Change] = []
    window.bus.changed.connect(published.append)
    busy_seen: list[bool] = []

    def nudge() -> Change:
        ran_on.append(threading.current_thread())
        return service.replan([])

    window.writer.later("Checking how your search is going…", nudge, quiet=True)
    busy_seen.append(window.writer.busy or window.tasks.busy)
    qtbot.waitUntil(lambda: bool(published) and window.tasks.idle)
    assert busy_seen == [False]  # Import, Export and Backup stay available meanwhile
    assert ran_on and threading.main_thread() not in ran_on
    assert "Checking" not in window.statusBar().currentMessage()


def test_the_window_warms_up_jinja_on_the_worker_once_settled(
    qtbot: QtBot, service: FollowupService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from followup_desktop.core.messages import templates
    from followup_desktop.core.timeutil import canonical_zone_names
    from followup_desktop.gui import app

    window = open_window(qtbot, service, tmp_path)
    canonical_zone_names.cache_clear()
    warmed_on: list[threading.Thread] = []
    monkeypatch.setattr(templates, "warm_up", lambda: warmed_on.append(threading.current_thread()))
    monkeypatch.setattr(app, "WARM_UP_AFTER_MS", 0)
    app._warm_up_later(window)
    assert warmed_on == []  # later, not while start-up runs
    qtbot.waitUntil(lambda: bool(warmed_on) and window.tasks.idle)
    assert threading.main_thread() not in warmed_on
    assert canonical_zone_names.cache_info().currsize == 1  # Settings' zone list is ready
    qtbot.waitUntil(lambda: all(name in sys.modules for name in app.WARM_UP_MODULES))
    assert "followup_desktop.gui.calendar.page" in sys.modules


def test_the_calendar_warms_up_only_while_the_worker_is_idle(
    qtbot: QtBot, service: FollowupService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from followup_desktop.core.messages import templates
    from followup_desktop.gui import app

    window = open_window(qtbot, service, tmp_path)
    qtbot.waitUntil(lambda: window.tasks.idle)
    monkeypatch.delitem(sys.modules, "followup_desktop.gui.calendar")  # loaded again here
    warming, warmed, release = threading.Event(), threading.Event(), threading.Event()

    def warm_up() -> None:
        warming.set()
        warmed.wait(10)

    monkeypatch.setattr(templates, "warm_up", warm_up)
    monkeypatch.setattr(app, "WARM_UP_AFTER_MS", 0)
    monkeypatch.setattr(app, "WARM_UP_RETRY_MS", 5)
    app._warm_up_later(window)
    qtbot.waitUntil(warming.is_set)
    # Another job queues behind the templates and still runs once they are done.
    window.tasks.submit(lambda: release.wait(10), lambda _r: None, lambda _e: None)
    warmed.set()
    qtbot.wait(100)  # twenty tries or so, each finding the worker busy
    assert "followup_desktop.gui.calendar" not in sys.modules
    release.set()
    qtbot.waitUntil(lambda: "followup_desktop.gui.calendar" in sys.modules)
    qtbot.waitUntil(lambda: window.tasks.idle)
