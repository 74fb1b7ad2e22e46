"""The mailbox window and settings page, driven as a person would, on a real server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import keyring
import pytest
from PySide6.QtCore import QMimeData, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QLabel,
    QMainWindow,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from followup_desktop.core.db import Database
from followup_desktop.core.mailbox.account import IncomingAccount, load_incoming, save_incoming
from followup_desktop.core.models import (
    Action,
    ActionState,
    Correspondence,
    Opportunity,
    StageKind,
)
from followup_desktop.core.reminders import ReminderService
from followup_desktop.core.services import FollowupService
from followup_desktop.core.timeutil import local_zone
from followup_desktop.gui.mailbox import IncomingMailPage, MailboxDialog, MailboxPoller
from followup_desktop.gui.tray import TrayController
from followup_desktop.secrets import PasswordStore
from imap_support import PASSWORD, USER, Dovecot, running_dovecot
from mailbox_scenario import Story, build_search, fill_mailbox
from test_keyring import MemoryKeyring

# The offscreen platform cannot raise windows or host a tray; it says so, harmlessly.
pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support raise", "No such signal QPlatformNativeInterface::systemTray"
)

_W = TypeVar("_W", bound=QWidget)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Dovecot]:
    with running_dovecot(tmp_path / "dovecot") as running:
        yield running


@pytest.fixture
def service(database: Database) -> FollowupService:
    return FollowupService(database)


@pytest.fixture
def story(service: FollowupService, server: Dovecot) -> Story:
    now = datetime.now(UTC)
    built = build_search(service, now)
    fill_mailbox(server, built, now)
    return built


def _set_up(service: FollowupService, server: Dovecot, passwords: PasswordStore) -> None:
    account = IncomingAccount.from_json(
        {
            "host": "127.0.0.1",
            "port": server.port,
            "username": USER,
            "same_password_as_sending": False,
            "ca_file": str(server.certs.ca_file),
        }
    )
    save_incoming(service, account)
    passwords.set_password(account.own_secret_key, PASSWORD)


def test_check_confirm_and_dismiss_from_the_window(
    qtbot: QtBot,
    memory_keyring: MemoryKeyring,
    service: FollowupService,
    server: Dovecot,
    story: Story,
) -> None:
    passwords = PasswordStore()
    _set_up(service, server, passwords)
    dialog = MailboxDialog(service, passwords=passwords)
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == 0

    dialog.check_button.click()
    # The click returns at once: the check runs on the worker thread.
    assert not dialog.check_button.isEnabled()
    assert "Checking" in dialog.status_label.text()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 4, timeout=30_000)
    assert "4 new messages to review" in dialog.status_label.text()

    rows = {dialog.model.proposal(r).subject: r for r in range(dialog.model.rowCount())}
    dialog.table.selectRow(rows["Acme Robotics : prochaine étape"])
    preview = dialog.preview.toPlainText()
    assert "Bonjour Alex," in preview and "<p>" not in preview
    assert "next round" in preview
    assert dialog.invitation_box.isVisibleTo(dialog)

    dialog.table.selectRow(rows["Thank you for today's conversation"])
    changes: list[object] = []
    dialog.changed.connect(changes.append)
    dialog.confirm_button.click()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 3, timeout=10_000)
    assert changes
    with service.db.session() as session:
        thank_you = session.scalars(
            select(Action).where(Action.kind == "thank_you", Action.contact_id == story.dana)
        ).one()
        assert thank_you.state is ActionState.DONE
        assert len(session.scalars(select(Correspondence)).all()) == 1

    rows = {dialog.model.proposal(r).subject: r for r in range(dialog.model.rowCount())}
    dialog.table.selectRow(rows["Ihre Bewerbung"])
    dialog.dismiss_button.click()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2, timeout=10_000)
    subjects = {dialog.model.proposal(r).subject for r in range(dialog.model.rowCount())}
    assert "Ihre Bewerbung" not in subjects
    dialog.tasks.wait(5000)


def test_a_fault_is_shown_in_words(
    qtbot: QtBot,
    memory_keyring: MemoryKeyring,
    service: FollowupService,
    server: Dovecot,
    story: Story,
) -> None:
    passwords = PasswordStore()
    _set_up(service, server, passwords)
    account = load_incoming(service)
    assert account is not None
    passwords.set_password(account.own_secret_key, "wrong")
    dialog = MailboxDialog(service, passwords=passwords)
    qtbot.addWidget(dialog)
    dialog.check_button.click()
    qtbot.waitUntil(dialog.check_button.isEnabled, timeout=30_000)
    assert "refused the user name or password" in dialog.status_label.text()
    dialog.tasks.wait(5000)


def test_the_incoming_mail_page_stores_the_account_and_its_password(
    qtbot: QtBot, memory_keyring: MemoryKeyring, service: FollowupService
) -> None:
    passwords = PasswordStore()
    page = IncomingMailPage(service, passwords=passwords)
    qtbot.addWidget(page)
    assert page.apply()  # nothing entered, nothing wanted: nothing stored
    assert load_incoming(service) is None
    page.enabled_box.setChecked(True)
    page.host_edit.setText("imap example.com")
    page.username_edit.setText("me@example.com")
    assert not page.apply()
    assert "host name" in page.status_label.text()
    page.host_edit.setText("imap.example.com")
    page.same_password_box.setChecked(False)
    page.password_edit.setText("s3cret")
    page.auto_box.setChecked(True)
    assert page.apply()
    account = load_incoming(service)
    assert account is not None
    assert (account.host, account.port, account.auto_confirm_sent) == (
        "imap.example.com",
        993,
        True,
    )
    assert passwords.get_password(account.own_secret_key) == "s3cret"


@pytest.mark.usefixtures("memory_keyring")
def test_the_tray_checks_at_the_interval_and_names_trouble_once(
    qtbot: QtBot,
    service: FollowupService,
    server: Dovecot,
    story: Story,
    tmp_path: Path,
) -> None:
    passwords = PasswordStore()
    poller = MailboxPoller(service, passwords=passwords, idle=False)
    assert not poller.start()  # nothing set up: no timer
    _set_up(service, server, passwords)
    assert poller.start()
    assert poller.timer.isActive() and poller.timer.interval() == 30 * 60_000
    with qtbot.waitSignal(poller.found, timeout=30_000) as found:
        poller.check_now()
        poller.check_now()  # a second request while one runs is ignored
    assert found.args == [4]

    window = QMainWindow()
    qtbot.addWidget(window)
    settings = QSettings(str(tmp_path / "qt.ini"), QSettings.Format.IniFormat)
    controller = TrayController(window, ReminderService(service.db), settings=settings, tz=UTC)
    poller.found.connect(controller.set_mailbox_waiting)
    poller.failed.connect(controller.set_mailbox_error)
    controller.set_mailbox_waiting(poller.waiting)
    controller.menu.aboutToShow.emit()
    entry = next(a for a in controller.menu.actions() if a.objectName() == "trayMailbox")
    assert entry.text() == "From your mailbox (4)…"
    asked: list[bool] = []
    controller.mailbox_requested.connect(lambda: asked.append(True))
    entry.trigger()
    assert asked == [True]

    # Offline: said once, not at every interval.
    server.stop()
    failures: list[str] = []
    poller.failed.connect(failures.append)
    for _ in range(2):
        poller.check_now()
        qtbot.waitUntil(lambda: not poller.running, timeout=30_000)
    assert len(failures) == 1 and "Nothing accepted a connection" in failures[0]
    controller.menu.aboutToShow.emit()
    names = [a.objectName() for a in controller.menu.actions()]
    assert "trayMailboxError" in names
    poller.tasks.wait(5000)
    poller.stop()
    assert not poller.timer.isActive()


@pytest.mark.usefixtures("memory_keyring")
def test_the_tray_watches_with_idle_notices_mail_and_stops_at_quit(
    qtbot: QtBot,
    service: FollowupService,
    server: Dovecot,
    story: Story,
    tmp_path: Path,
) -> None:
    from mailbox_scenario import ME, message

    passwords = PasswordStore()
    _set_up(service, server, passwords)
    poller = MailboxPoller(service, passwords=passwords)
    window = QMainWindow()
    qtbot.addWidget(window)
    settings = QSettings(str(tmp_path / "qt.ini"), QSettings.Format.IniFormat)
    controller = TrayController(window, ReminderService(service.db), settings=settings, tz=UTC)
    poller.found.connect(controller.set_mailbox_waiting)
    poller.failed.connect(controller.set_mailbox_error)
    # Dovecot offers IDLE: the watch catches up, then waits; start() itself returns at
    # once, the connecting and the first check run on the watch's own thread.
    with qtbot.waitSignal(poller.watching_changed, timeout=30_000) as watching:
        assert poller.start()
    assert watching.args == [True]
    assert poller.waiting == 4
    when = datetime.now(UTC)
    reply = message(
        "Dana Kowalski <dana.kowalski@acme-robotics.example>",
        ME,
        "Final round",
        when,
        "<tray-watch@acme-robotics.example>",
        text="Hi Alex,\n\nwe would like to invite you to a final interview.\n",
    )
    # Noticed by the server's word, with no interval check asked for.
    with qtbot.waitSignal(poller.found, timeout=30_000) as found:
        server.deliver("INBOX", reply.as_bytes(), when=when, fresh=True)
    assert found.args == [5]
    assert not poller.running  # the interval's worker check never ran
    controller.menu.aboutToShow.emit()
    entry = next(a for a in controller.menu.actions() if a.objectName() == "trayMailbox")
    assert entry.text() == "From your mailbox (5)…"

    # The server gone: named in words in the menu, no traceback; the watch keeps trying.
    with qtbot.waitSignal(poller.failed, timeout=30_000) as failed:
        server.kill()
    assert "127.0.0.1" in failed.args[0] and "Traceback" not in failed.args[0]
    assert not poller.watching
    controller.menu.aboutToShow.emit()
    note = next(a for a in controller.menu.actions() if a.objectName() == "trayMailboxError")
    assert "127.0.0.1" in note.text()

    # Quitting ends the watch's thread, even in its pause before the next attempt.
    poller.stop()
    assert not any(t.name == "followup-mailbox-idle" for t in threading.enumerate())
    assert not poller.timer.isActive()


# What Dovecot says after login, less IDLE: a server that cannot tell of new mail.
NO_IDLE = "imap_capability = IMAP4rev1 LITERAL+ SASL-IR LOGIN-REFERRALS ID ENABLE UIDPLUS\n"


@pytest.mark.usefixtures("memory_keyring")
def test_without_idle_the_tray_keeps_to_its_interval_checks(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    passwords = PasswordStore()
    with running_dovecot(tmp_path / "no-idle", NO_IDLE) as plain:
        now = datetime.now(UTC)
        fill_mailbox(plain, build_search(service, now), now)
        _set_up(service, plain, passwords)
        poller = MailboxPoller(service, passwords=passwords)
        changes: list[bool] = []
        poller.watching_changed.connect(changes.append)
        # The watch catches up once, finds no IDLE and ends by itself, saying nothing
        # went wrong.
        with qtbot.waitSignal(poller.found, timeout=30_000) as caught_up:
            assert poller.start()
        assert caught_up.args == [4]
        qtbot.waitUntil(
            lambda: all(t.name != "followup-mailbox-idle" for t in threading.enumerate()),
            timeout=30_000,
        )
        assert poller.watcher is not None and poller.watcher.unsupported
        assert poller.timer.isActive() and poller.timer.interval() == 30 * 60_000
        with qtbot.waitSignal(poller.found, timeout=30_000) as found:
            poller.check_now()
        assert found.args == [4]
        assert True not in changes and poller.last_error == ""
        poller.tasks.wait(5000)
        poller.stop()


def test_a_saved_email_dropped_on_the_window_is_proposed_for_review(
    qtbot: QtBot, tmp_path: Path, database: Database
) -> None:
    from followup_desktop.gui.main_window import MainWindow
    from gui_helpers import AnsweringDialogs, window_settings
    from mailbox_scenario import ME, message

    service = FollowupService(database)
    story = build_search(service, datetime.now(UTC))
    eml = tmp_path / "reply.eml"
    eml.write_bytes(
        message(
            "Hélène Martin <helene.martin@acme-robotics.example>",
            ME,
            "Votre candidature",
            story.interview_start,
            "<window-drop@acme-robotics.example>",
            text="Bonjour Alex,\n\nnous reviendrons vers vous d'ici vendredi.\n",
        ).as_bytes()
    )
    dialogs = AnsweringDialogs()
    window = MainWindow(service, dialogs=dialogs, settings=window_settings(tmp_path))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.settled)
    # Dropped as a file manager drops it: a file URL in the drag's data.
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(eml))])
    drop = QDropEvent(
        QPointF(window.rect().center()),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(drop)
    assert drop.isAccepted()
    qtbot.waitUntil(lambda: any(isinstance(d, MailboxDialog) for d in dialogs.shown))

    shown = [dialog for dialog in dialogs.shown if isinstance(dialog, MailboxDialog)]
    assert len(shown) == 1
    dialog = shown[0]
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: "Reading" not in dialog.status_label.text(), timeout=10_000)
    assert dialog.model.rowCount() == 1, dialog.status_label.text()
    proposal = dialog.model.proposal(0)
    assert (proposal.kind, proposal.contact_id) == ("reply", story.helene)
    # Nothing is logged before the person confirms.
    with service.db.session() as session:
        assert not session.scalars(select(Correspondence)).all()
    # "d'ici vendredi": wait until the Friday after the message, suggested and recorded.
    dialog.table.selectRow(0)
    said = _named(dialog, QComboBox, "What the reply said")
    assert said.currentText() == "Wait until"
    suggested = _named(dialog, QDateEdit, "Day").date().toPython()
    assert isinstance(suggested, date) and suggested.weekday() == 4
    confirm = _named(dialog, QPushButton, "Confirm")
    confirm.setFocus()
    qtbot.keyClick(confirm, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 0, timeout=10_000)
    with service.db.session() as session:
        logged = session.scalars(select(Correspondence)).one()
        assert (logged.contact_id, logged.check_back_on) == (story.helene, suggested)
    dialog.tasks.wait(5000)


# -- "What they said" and pasting, through the names a screen reader hears -------------


def _named(dialog: MailboxDialog, kind: type[_W], name: str) -> _W:
    found = [w for w in dialog.findChildren(kind) if w.accessibleName() == name]
    assert len(found) == 1, f"{len(found)} controls named {name!r}"
    return found[0]


def _paste_reply(qtbot: QtBot, dialog: MailboxDialog, raw: bytes) -> None:
    mime = QMimeData()
    mime.setText(raw.decode("utf-8"))
    QGuiApplication.clipboard().setMimeData(mime)
    paste = _named(dialog, QPushButton, "Paste e-mail")
    paste.setFocus()
    qtbot.keyClick(paste, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=10_000)
    qtbot.waitUntil(lambda: "Reading" not in dialog.status_label.text(), timeout=10_000)
    dialog.table.selectRow(0)


def _dana_says(story: Story, text: str, key: str) -> tuple[bytes, datetime]:
    from mailbox_scenario import ME, message

    when = story.interview_start + timedelta(hours=30)
    raw = message(
        "Dana Kowalski <dana.kowalski@acme-robotics.example>",
        ME,
        "Re: Next steps",
        when,
        f"<{key}@acme-robotics.example>",
        text=f"Hi Alex,\n\n{text}\n\nBest,\nDana\n",
    ).as_bytes()
    return raw, when


def test_a_pasted_reply_suggests_wait_until_its_day_and_confirm_records_it(
    qtbot: QtBot, service: FollowupService
) -> None:
    story = build_search(service, datetime.now(UTC))
    raw, when = _dana_says(
        story, "We will get back to you by next Friday, once the panel has met.", "paste-wait"
    )
    dialog = MailboxDialog(service)
    qtbot.addWidget(dialog)
    _paste_reply(qtbot, dialog, raw)

    said = _named(dialog, QComboBox, "What the reply said")
    day = _named(dialog, QDateEdit, "Day")
    written = when.astimezone(local_zone()).date()
    friday = written + timedelta(days=(4 - written.weekday() - 1) % 7 + 1)
    assert said.currentText() == "Wait until" and said.isVisibleTo(dialog)
    assert day.isVisibleTo(dialog) and day.date().toPython() == friday
    # Nothing is written before Confirm.
    with service.db.session() as session:
        assert not session.scalars(select(Correspondence)).all()

    confirm = _named(dialog, QPushButton, "Confirm")
    confirm.setFocus()
    qtbot.keyClick(confirm, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 0, timeout=10_000)
    with service.db.session() as session:
        logged = session.scalars(select(Correspondence)).one()
        assert (logged.check_back_on, logged.contact_id) == (friday, story.dana)
    dialog.tasks.wait(5000)


def test_the_person_can_change_what_the_reply_said_before_confirming(
    qtbot: QtBot, service: FollowupService
) -> None:
    story = build_search(service, datetime.now(UTC))
    raw, _when = _dana_says(
        story, "We will get back to you by next Friday, once the panel has met.", "paste-no"
    )
    dialog = MailboxDialog(service)
    qtbot.addWidget(dialog)
    _paste_reply(qtbot, dialog, raw)
    said = _named(dialog, QComboBox, "What the reply said")
    said.setFocus()
    # From the keyboard: down from "Wait until" past "Next round on" to "A rejection".
    qtbot.keyClick(said, Qt.Key.Key_Down)
    qtbot.keyClick(said, Qt.Key.Key_Down)
    assert said.currentText() == "A rejection"
    assert not _named(dialog, QDateEdit, "Day").isVisibleTo(dialog)  # no day to give
    confirm = _named(dialog, QPushButton, "Confirm")
    confirm.setFocus()
    qtbot.keyClick(confirm, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 0, timeout=10_000)
    with service.db.session() as session:
        opportunity = session.get(Opportunity, story.opportunity)
        assert opportunity is not None and opportunity.stage.kind is StageKind.REJECTED
        assert len(session.scalars(select(Correspondence)).all()) == 1
    dialog.tasks.wait(5000)


def test_pasting_text_that_is_no_email_says_what_to_do_instead(
    qtbot: QtBot, service: FollowupService
) -> None:
    mime = QMimeData()
    mime.setText("just a few words")
    QGuiApplication.clipboard().setMimeData(mime)
    dialog = MailboxDialog(service)
    qtbot.addWidget(dialog)
    paste = _named(dialog, QPushButton, "Paste e-mail")
    paste.setFocus()
    qtbot.keyClick(paste, Qt.Key.Key_Space)
    status = _named(dialog, QLabel, "Mailbox status")
    qtbot.waitUntil(lambda: "Reading" not in status.text(), timeout=10_000)
    assert "not an e-mail" in status.text() and "no From or To line" in status.text()
    assert ".eml" in status.text()
    assert dialog.model.rowCount() == 0
    with service.db.session() as session:
        assert not session.scalars(select(Correspondence)).all()
