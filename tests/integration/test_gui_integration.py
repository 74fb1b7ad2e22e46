"""The window reaches every part: actions open the right thing, debriefs, questions, settings.

Real database, real dialogs (shown offscreen and closed again); only the modal ones go
through the recording :class:`Dialogs` seam.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import keyring.backends.null
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QIcon, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QMenu,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import select

import followup_desktop.gui.debrief as debrief_package
from followup_desktop.core.action_kinds import ACTION_KINDS, Opening
from followup_desktop.core.db import Database
from followup_desktop.core.exchange import export_database
from followup_desktop.core.messages import load_account
from followup_desktop.core.models import Action, ActionState, Opportunity
from followup_desktop.core.services import Change, FollowupService, QuestionInput
from followup_desktop.gui.calendar import JustHadInterviewDialog
from followup_desktop.gui.calendar.schedule import NEW_OPPORTUNITY
from followup_desktop.gui.composer import ComposerDialog, EmailAccountPage, TemplateEditorPage
from followup_desktop.gui.debrief import DebriefDialog, QuestionBankWidget
from followup_desktop.gui.editor import OpportunityEditor
from followup_desktop.gui.main_window import REPLACE_QUESTION, MainWindow
from followup_desktop.gui.settings_dialog import SettingsDialog
from followup_desktop.gui.theme import app_icon, follow_system_color_scheme, is_dark
from followup_desktop.secrets import PasswordStore
from gui_helpers import NOW, AnsweringDialogs, window_settings

# Every kind the registry says opens the composer (a phone call gets a call script).
MESSAGE_KINDS = tuple(
    kind.value for kind, info in ACTION_KINDS.items() if info.opening is Opening.COMPOSER
)
# Every other kind, and one of the person's own, opens the opportunity it belongs to.
EDITOR_KINDS = (
    *(
        kind.value
        for kind, info in ACTION_KINDS.items()
        if info.opening in (Opening.EDITOR, Opening.BOARD)
    ),
    "call_recruiter",
)


class RecordingDialogs(AnsweringDialogs):
    """Also records the non-modal windows, which are really shown (offscreen)."""

    def __init__(self) -> None:
        super().__init__()
        self.shown_modeless: list[QWidget] = []

    def show(self, dialog: QWidget) -> None:
        self.shown_modeless.append(dialog)
        super().show(dialog)


@pytest.fixture
def service(database: Database) -> FollowupService:
    return FollowupService(database, clock=lambda: NOW)


@pytest.fixture
def passwords() -> PasswordStore:
    # No secret store: nothing here may touch the developer's keyring.
    return PasswordStore(backend=keyring.backends.null.Keyring())


@pytest.fixture
def window(
    qtbot: QtBot, service: FollowupService, passwords: PasswordStore, tmp_path: Path
) -> MainWindow:
    window = MainWindow(
        service,
        dialogs=RecordingDialogs(),
        settings=window_settings(tmp_path),
        passwords=passwords,
    )

    def settle(window: MainWindow) -> None:
        # pytest-qt closes and deletes added widgets before fixture teardown runs, so the
        # window must be settled here, while it still exists.
        for dialog in window.findChildren(QDialog):
            dialog.close()
        qtbot.waitUntil(lambda: window.settled)

    qtbot.addWidget(window, before_close_func=settle)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.settled)
    return window


def dialogs_of(window: MainWindow) -> RecordingDialogs:
    assert isinstance(window.dialogs, RecordingDialogs)
    return window.dialogs


def new_opportunity(service: FollowupService, company: str = "Acme") -> int:
    opportunity = service.create_opportunity(company, "Analyst").created_id
    assert opportunity is not None
    return opportunity


def ended_interview(service: FollowupService, opportunity: int, hours_ago: int = 3) -> int:
    end = NOW - timedelta(hours=hours_ago)
    interview = service.record_interview(opportunity, end - timedelta(hours=1), end).created_id
    assert interview is not None
    return interview


def add_action(
    service: FollowupService,
    kind: str,
    opportunity: int | None,
    interview: int | None = None,
) -> int:
    action = service.add_action(
        kind, NOW - timedelta(hours=1), opportunity_id=opportunity, reason="Test step."
    ).created_id
    assert action is not None
    if interview is not None:
        # The service adds manual actions without an interview; the playbook sets it.
        with service.db.session() as session:
            record = session.get(Action, action)
            assert record is not None
            record.interview_id = interview
    return action


def action_state(service: FollowupService, action: int) -> ActionState:
    with service.db.session() as session:
        record = session.get(Action, action)
        assert record is not None
        return record.state


def open_debriefs(window: MainWindow) -> list[DebriefDialog]:
    return [d for d in window.findChildren(DebriefDialog) if d.isVisible()]


# -- open_action ---------------------------------------------------------------------


# Raising a window already open is what these do; the offscreen platform cannot.
RAISE_UNSUPPORTED = pytest.mark.qt_log_ignore("This plugin does not support raise")


@RAISE_UNSUPPORTED
def test_a_debrief_action_opens_its_interviews_debrief_once(
    qtbot: QtBot, service: FollowupService, window: MainWindow
) -> None:
    opportunity = new_opportunity(service)
    interview = ended_interview(service, opportunity)
    action = add_action(service, "debrief", opportunity, interview)
    changes: list[Change] = []
    window.bus.changed.connect(changes.append)

    window.open_action(action)
    [dialog] = open_debriefs(window)
    assert dialog.interview_id == interview
    assert not dialog.isModal()
    window.open_action(action)  # a second request raises the same form
    assert open_debriefs(window) == [dialog]

    change = Change(frozenset({opportunity}), frozenset({"debrief"}))
    dialog.submitted.emit(change)
    assert changes == [change]  # wired once, though opened twice
    dialog.close()
    qtbot.waitUntil(lambda: not open_debriefs(window))


@RAISE_UNSUPPORTED
@pytest.mark.parametrize("kind", MESSAGE_KINDS)
def test_message_actions_open_the_composer_beside_the_window(
    qtbot: QtBot, service: FollowupService, window: MainWindow, kind: str
) -> None:
    opportunity = new_opportunity(service)
    action = add_action(service, kind, opportunity)

    window.open_action(action)
    [composer] = dialogs_of(window).shown_modeless
    assert isinstance(composer, ComposerDialog)
    assert composer.draft.action_id == action
    assert composer.isVisible()
    assert not composer.isModal()
    assert composer.passwords is window.passwords
    window.open_action(action)
    assert len(dialogs_of(window).shown_modeless) == 1  # raised, not opened again
    composer.close()


def test_marking_a_message_sent_in_the_composer_updates_the_window(
    qtbot: QtBot, service: FollowupService, window: MainWindow
) -> None:
    opportunity = new_opportunity(service)
    action = add_action(service, "phone_call", opportunity)
    window.refresh_today()
    model = window.agenda_model
    rows = [r for r in range(model.rowCount()) if model.item(r).action_id == action]
    assert rows
    changes: list[Change] = []
    window.bus.changed.connect(changes.append)

    window.today.select_row(rows[0])
    window.today.open_button.click()
    [composer] = dialogs_of(window).shown_modeless
    assert isinstance(composer, ComposerDialog)
    assert composer.mark_button.text() == "I made the call"  # a call script, not an email
    composer.mark_button.click()

    assert action_state(service, action) is ActionState.DONE
    assert changes and opportunity in changes[-1].opportunity_ids
    qtbot.waitUntil(
        lambda: action not in [model.item(r).action_id for r in range(model.rowCount())]
    )
    composer.close()


@pytest.mark.parametrize("kind", EDITOR_KINDS)
def test_other_actions_with_an_opportunity_open_its_editor(
    service: FollowupService, window: MainWindow, kind: str
) -> None:
    opportunity = new_opportunity(service)
    action = add_action(service, kind, opportunity)
    window.open_action(action)
    editor = dialogs_of(window).shown[-1]
    assert isinstance(editor, OpportunityEditor)
    assert editor.opportunity_id == opportunity
    assert not dialogs_of(window).shown_modeless


def test_keeping_options_open_without_an_opportunity_explains_and_shows_the_board(
    qtbot: QtBot, service: FollowupService, window: MainWindow
) -> None:
    new_opportunity(service)
    window.refresh()
    action = add_action(service, "keep_options_open", None)
    window.show_questions()

    window.refresh_today()
    window.today.select_row(0)
    assert window.today.open_button.isEnabled()  # enabled though there is no card
    window.today.open_button.click()

    kind, text = dialogs_of(window).messages[-1]
    assert kind == "information"
    assert "whole search" in text
    assert not dialogs_of(window).shown
    assert window.pages.showing(window.board)
    qtbot.waitUntil(lambda: window.board.focused_view() is not None)
    assert action_state(service, action) is ActionState.OPEN


def test_an_action_deleted_meanwhile_gets_a_plain_warning(window: MainWindow) -> None:
    window.open_action(987654)
    kind, text = dialogs_of(window).messages[-1]
    assert kind == "warning"
    assert "no longer exists" in text


# -- debrief, questions ----------------------------------------------------------------


def test_ctrl_d_debriefs_the_selected_card_or_records_the_interview_just_had(
    qtbot: QtBot, service: FollowupService, window: MainWindow
) -> None:
    opportunity = new_opportunity(service)
    ended_interview(service, opportunity, hours_ago=30)
    latest = ended_interview(service, opportunity, hours_ago=5)
    # Another card's interview ended later: the selected card's is the one debriefed.
    ended_interview(service, new_opportunity(service, "Globex"), hours_ago=2)
    window.refresh()
    file_menu = window.menuBar().actions()[0].menu()
    assert isinstance(file_menu, QMenu)
    assert window.debrief_action in file_menu.actions()
    assert window.debrief_action.shortcut().toString() == "Ctrl+D"
    assert window.just_had_action.shortcut().toString() == "Ctrl+Shift+D"
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)

    assert window.board.select_cards([opportunity])
    QTest.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    [dialog] = open_debriefs(window)
    assert dialog.interview_id == latest
    dialog.close()

    # Nothing selected: Ctrl+D is "I just had an interview" (offered for the card that
    # has the keyboard focus, as Ctrl+Shift+D does).
    window.board.clear_selection()
    assert not window.board.selected_ids()
    QTest.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    dialogs = window.dialogs
    assert isinstance(dialogs, AnsweringDialogs)
    [recorder] = [d for d in dialogs.shown if isinstance(d, JustHadInterviewDialog)]
    assert recorder.windowTitle() == "Record the interview you just had"
    assert recorder.opportunity.currentData() == (window.board.current_id() or NEW_OPPORTUNITY)
    assert not open_debriefs(window)


def test_new_debrief_without_an_interview_says_so(
    service: FollowupService, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    told: list[str] = []
    monkeypatch.setattr(debrief_package, "inform", lambda _parent, title, _text: told.append(title))
    assert window.new_debrief() is None
    assert told == ["No interview to debrief"]
    assert not open_debriefs(window)


def test_the_question_bank_is_one_shortcut_away_and_stays_current(
    qtbot: QtBot, service: FollowupService, window: MainWindow, tmp_path: Path
) -> None:
    opportunity = new_opportunity(service)
    interview = ended_interview(service, opportunity)
    service.save_debrief(interview, questions=[QuestionInput("Why this company?", "Er…")])
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)

    QTest.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    bank = window.question_bank
    assert isinstance(bank, QuestionBankWidget)
    assert window.views.currentWidget() is bank
    assert bank.accessibleName() == "Question bank"
    assert window.questions_action.isChecked()
    qtbot.waitUntil(bank.search.hasFocus)
    assert "Why this company?" in [r.question for r in bank.model._records]
    assert not window.search.isEnabled()  # the board's filters do not apply here
    assert not window.next_stage_action.isEnabled()

    QTest.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.showing(window.board)
    assert window.search.isEnabled()

    # Questions added while the board shows are there when the bank comes back.
    service.save_debrief(
        interview,
        questions=[QuestionInput("Why this company?", "Er…"), QuestionInput("Salary?")],
    )
    window.apply_change(Change(frozenset({opportunity}), frozenset({"debrief"})))
    window.questions_action.trigger()
    assert {r.question for r in bank.model._records} == {
        "Why this company?",
        "Salary?",
    }

    window.close()  # the page shown is remembered
    again = MainWindow(service, dialogs=RecordingDialogs(), settings=window_settings(tmp_path))
    qtbot.addWidget(again)
    assert again.question_bank is not None
    assert again.views.currentWidget() is again.question_bank


# -- settings --------------------------------------------------------------------------


def make_settings(qtbot: QtBot, window: MainWindow) -> SettingsDialog:
    window.open_settings()
    dialog = dialogs_of(window).shown[-1]
    assert isinstance(dialog, SettingsDialog)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def ok_button(dialog: SettingsDialog) -> QPushButton:
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    return box.button(QDialogButtonBox.StandardButton.Ok)


def page_titles(dialog: SettingsDialog) -> list[str]:
    return [dialog.pages.item(row).text() for row in range(dialog.pages.count())]


def test_settings_hold_the_email_and_template_pages(
    qtbot: QtBot, window: MainWindow, passwords: PasswordStore
) -> None:
    dialog = make_settings(qtbot, window)
    assert page_titles(dialog)[-3:] == ["Email account", "Incoming mail", "Message templates"]
    assert isinstance(dialog.email_page, EmailAccountPage)
    assert dialog.incoming_page.passwords is passwords
    assert isinstance(dialog.templates_page, TemplateEditorPage)
    assert dialog.email_page.passwords is passwords  # the window's store, shared
    dialog.pages.setCurrentRow(page_titles(dialog).index("Email account"))
    assert dialog.stack.currentWidget() is dialog.email_page

    # Nothing typed on the email page: OK is not held up by an empty account form.
    ok_button(dialog).click()
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_a_wrong_email_account_keeps_the_dialog_open_with_the_problem(
    qtbot: QtBot, service: FollowupService, window: MainWindow
) -> None:
    dialog = make_settings(qtbot, window)
    page = dialog.email_page
    page.host_edit.setText("smtp.example.com")
    page.username_edit.setText("me")
    page.from_address_edit.setText("not an address")
    dialog.pages.setCurrentRow(0)

    ok_button(dialog).click()
    assert dialog.isVisible()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.stack.currentWidget() is page  # shows where the problem is
    assert "email account was not saved" in dialog.error.text()
    assert page.status_label.text() in dialog.error.text()
    assert load_account(service) is None

    page.from_address_edit.setText("me@example.com")
    ok_button(dialog).click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    account = load_account(service)
    assert account is not None
    assert account.from_address == "me@example.com"


def test_a_playbook_change_re_plans_on_the_worker_and_says_so(
    qtbot: QtBot, service: FollowupService, window: MainWindow
) -> None:
    from followup_desktop.core.agenda import agenda
    from followup_desktop.core.playbook.settings import SETTINGS_KEY

    acme = service.create_opportunity("Acme", "Analyst").created_id
    assert acme is not None
    end = NOW - timedelta(hours=2)
    service.record_interview(acme, end - timedelta(hours=1), end)

    def debrief_due() -> datetime:
        with service.db.session() as session:
            items = agenda(session, NOW, UTC)
        return next(item.due_at for item in items if item.kind == "debrief")

    before = debrief_due()
    qtbot.waitUntil(lambda: window.settled)
    dialog = make_settings(qtbot, window)
    spin = dialog.playbook_page.editors["debrief_due_minutes"]
    spin.setValue(spin.value() + 60)  # type: ignore[attr-defined]
    ok_button(dialog).click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    # Handed to the worker: the window says what runs and Import waits for it.
    assert "Re-planning" in window.job_label.text()
    assert not window.import_action.isEnabled()
    qtbot.waitUntil(lambda: window.settled)
    assert window.job_label.text() == ""
    minutes = spin.value()  # type: ignore[attr-defined]
    assert service.get_setting(SETTINGS_KEY)["debrief_due_minutes"] == minutes
    assert debrief_due() == before + timedelta(minutes=60)


def test_a_background_change_that_lost_a_write_race_runs_again() -> None:
    import sqlite3

    from followup_desktop.core.change import Change
    from followup_desktop.core.storage_errors import SQLITE_LOCKED, StorageLocked
    from followup_desktop.gui.window.writer import LOCKED_ATTEMPTS, retry_when_locked

    calls: list[int] = []

    def locked_once() -> Change:
        calls.append(1)
        if len(calls) == 1:
            # What the core raises for SQLITE_LOCKED (named from the code, not the words).
            raise StorageLocked(code=SQLITE_LOCKED)
        return Change(entities=frozenset({"settings"}))

    assert retry_when_locked(locked_once).entities == {"settings"}
    assert len(calls) == 2

    def always_locked() -> Change:
        calls.append(1)
        raise StorageLocked(code=SQLITE_LOCKED)

    calls.clear()
    with pytest.raises(StorageLocked):
        retry_when_locked(always_locked)
    assert len(calls) == LOCKED_ATTEMPTS

    def broken() -> Change:
        calls.append(1)
        raise sqlite3.OperationalError("no such table: settings")

    calls.clear()
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        retry_when_locked(broken)
    assert len(calls) == 1  # only a lost race is worth running again


def test_a_broken_template_keeps_the_dialog_open(qtbot: QtBot, window: MainWindow) -> None:
    dialog = make_settings(qtbot, window)
    page = dialog.templates_page
    page.editor.setPlainText("Dear {{ recipient.name ")
    ok_button(dialog).click()
    assert dialog.isVisible()
    assert dialog.stack.currentWidget() is page
    assert "template was not saved" in dialog.error.text()
    page.reset()
    ok_button(dialog).click()
    assert dialog.result() == QDialog.DialogCode.Accepted


# -- import ----------------------------------------------------------------------------


def export_of_one_opportunity(tmp_path: Path, company: str) -> Path:
    from followup_desktop.core.db import open_database

    source = open_database(tmp_path / f"{company}.sqlite3")
    try:
        FollowupService(source, clock=lambda: NOW).create_opportunity(company, "Engineer")
        path = tmp_path / f"{company}.json"
        export_database(source, path)
    finally:
        source.close()
    return path


def companies(service: FollowupService) -> list[str]:
    with service.db.session() as session:
        return list(session.scalars(select(Opportunity.company)))


def test_importing_into_a_used_database_asks_to_replace_it(
    qtbot: QtBot, service: FollowupService, window: MainWindow, tmp_path: Path
) -> None:
    new_opportunity(service, "Acme")
    window.refresh()
    export = export_of_one_opportunity(tmp_path, "Hooli")
    dialogs = dialogs_of(window)
    changes: list[Change] = []
    window.bus.changed.connect(changes.append)

    dialogs.files.append(export)
    dialogs.answer = False
    window.import_action.trigger()
    assert dialogs.messages[-1] == ("question", REPLACE_QUESTION)
    assert not window.tasks.busy
    assert companies(service) == ["Acme"]
    assert "cancelled" in window.statusBar().currentMessage()

    dialogs.files.append(export)
    dialogs.answer = True
    window.import_action.trigger()
    qtbot.waitUntil(lambda: window.settled)
    assert companies(service) == ["Hooli"]
    assert [card.company for card in window.board_model.cards()] == ["Hooli"]
    message = window.statusBar().currentMessage()
    assert "Imported Hooli.json: 1 opportunity" in message
    assert "backed up in" in message
    backups = [part for part in message.split() if "before-import" in part]
    assert backups and Path(backups[0].rstrip(".")).exists()
    assert changes  # the app re-arms its reminders after an import
    assert not [m for m in dialogs.messages if m[0] == "warning"]


def test_importing_into_an_empty_database_does_not_ask(
    qtbot: QtBot, service: FollowupService, window: MainWindow, tmp_path: Path
) -> None:
    export = export_of_one_opportunity(tmp_path, "Hooli")
    dialogs = dialogs_of(window)
    dialogs.files.append(export)
    window.import_action.trigger()
    assert not [m for m in dialogs.messages if m[0] == "question"]
    qtbot.waitUntil(lambda: window.settled)
    assert companies(service) == ["Hooli"]
    message = window.statusBar().currentMessage()
    assert "Imported Hooli.json: 1 opportunity" in message
    assert "backed up" not in message
    assert json.loads(export.read_text(encoding="utf-8"))  # the file itself is untouched


# -- theme -----------------------------------------------------------------------------


@pytest.fixture
def restored_palette(qapp: QApplication) -> Iterator[QApplication]:
    before = QPalette(qapp.palette())
    yield qapp
    # An empty palette is "not set": back to the platform's, as before the test.
    qapp.setPalette(QPalette())
    if qapp.palette() != before:
        qapp.setPalette(before)


def window_lightness(app: QApplication) -> float:
    return app.palette().color(QPalette.ColorRole.Window).lightnessF()


def test_the_palette_follows_the_system_colour_scheme(restored_palette: QApplication) -> None:
    app = restored_palette
    follower = follow_system_color_scheme(app)
    try:
        assert follow_system_color_scheme(app) is follower  # installed once
        follower.apply(Qt.ColorScheme.Dark)
        assert window_lightness(app) < 0.3
        assert is_dark(app.palette())
        follower.apply(Qt.ColorScheme.Light)
        assert window_lightness(app) > 0.7
        # A change of the desktop's setting arrives as a signal.
        QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
        assert window_lightness(app) < 0.3
        QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Unknown)
        assert window_lightness(app) > 0.7  # no opinion: back to the platform's palette
    finally:
        follower.stop()
        follower.deleteLater()


def test_the_app_icon_comes_in_every_packaged_size() -> None:
    icon = app_icon()
    assert isinstance(icon, QIcon)
    assert not icon.isNull()
    assert {size.width() for size in icon.availableSizes()} >= {16, 32, 48, 256}
    assert app_icon() is icon  # built once
