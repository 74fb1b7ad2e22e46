"""The composer and the settings pages, driven like a person would, on a real database."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backends.null
import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from followup_desktop.core.db import Database
from followup_desktop.core.messages import EmailAccount, Security, save_account
from followup_desktop.core.models import Action, ActionState, Correspondence, Setting
from followup_desktop.core.services import ContactFields, FollowupService
from followup_desktop.gui.composer import ComposerDialog, EmailAccountPage, TemplateEditorPage
from followup_desktop.gui.composer.composer import sender_with_context
from followup_desktop.secrets import PasswordStore
from test_keyring import MemoryKeyring
from test_messages import NOW, _interview_with_panel, _thank_you_actions
from test_smtp_support import (
    PASSWORD,
    USER,
    Certificates,
    make_certificates,
    running_smtp_server,
)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    return make_certificates(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def service(database: Database) -> FollowupService:
    return FollowupService(database, clock=lambda: NOW)


def _first_thank_you(service: FollowupService) -> int:
    opportunity, interview = _interview_with_panel(service)
    return _thank_you_actions(service, opportunity, interview)[0]


def _composer_on(
    qtbot: QtBot,
    service: FollowupService,
    action: int,
    port: int,
    certs: Certificates,
    *,
    password: str = PASSWORD,
) -> ComposerDialog:
    """A composer for ``action`` whose account is the loopback server on ``port``."""
    passwords = PasswordStore()
    account = EmailAccount("127.0.0.1", port, Security.STARTTLS, USER, USER, "Sam")
    save_account(service, account)
    passwords.set_password(account.secret_key, password)
    dialog = ComposerDialog(
        service,
        action,
        passwords=passwords,
        make_sender=sender_with_context(certs.client_context()),
    )
    qtbot.addWidget(dialog)
    return dialog


def _state(service: FollowupService, action_id: int) -> ActionState:
    with service.db.session() as session:
        action = session.get(Action, action_id)
        assert action is not None
        return action.state


def _logged(service: FollowupService) -> list[Correspondence]:
    with service.db.session() as session:
        return list(session.scalars(select(Correspondence)))


def test_the_mail_app_gets_an_encoded_link_and_the_step_waits_for_mark_as_sent(
    qtbot: QtBot, service: FollowupService, memory_keyring: MemoryKeyring
) -> None:
    action = _first_thank_you(service)
    opened: list[QUrl] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url)
        return True

    dialog = ComposerDialog(service, action, passwords=PasswordStore(), open_url=open_url)
    qtbot.addWidget(dialog)
    assert dialog.to_edit.text() == "Ana Silva <ana@acme.example>"
    assert "nightly reporting pipeline" in dialog.body_edit.toPlainText()
    assert "the nightly reporting pipeline" in dialog.highlights.toPlainText()
    assert not dialog.send_button.isEnabled()  # no account yet
    assert "Settings → Email account" in dialog.status_label.text()
    dialog.subject_edit.setText("Merci — à bientôt")
    dialog.mail_app_button.click()
    encoded = bytes(opened[0].toEncoded().data()).decode("ascii")
    assert encoded.startswith("mailto:ana@acme.example?subject=Merci%20%E2%80%94%20%C3%A0")
    # Opening the mail program logs nothing: it cannot know the message went out.
    assert _state(service, action) is ActionState.OPEN
    assert _logged(service) == []
    assert "Mark as sent" in dialog.status_label.text()
    with qtbot.waitSignal(dialog.changed):
        dialog.mark_button.click()
    assert _state(service, action) is ActionState.DONE
    [entry] = _logged(service)
    assert entry.action_id == action and entry.subject == "Merci — à bientôt"


def test_send_goes_through_the_server_off_the_gui_thread(
    qtbot: QtBot, service: FollowupService, memory_keyring: MemoryKeyring, certs: Certificates
) -> None:
    action = _first_thank_you(service)
    with running_smtp_server(certs, "starttls") as server:
        dialog = _composer_on(qtbot, service, action, server.port, certs)
        assert dialog.send_button.isEnabled()
        with qtbot.waitSignal(dialog.changed, timeout=10_000):
            dialog.send_button.click()
            assert not dialog.progress.isHidden() and not dialog.cancel_button.isHidden()
    assert server.mailbox.parsed()["To"].addresses[0].addr_spec == "ana@acme.example"
    assert _state(service, action) is ActionState.DONE
    assert "Sent, logged" in dialog.status_label.text()
    assert not dialog.send_button.isEnabled()


def test_a_failed_send_marks_nothing_and_keeps_the_draft(
    qtbot: QtBot, service: FollowupService, memory_keyring: MemoryKeyring, certs: Certificates
) -> None:
    action = _first_thank_you(service)
    with running_smtp_server(certs, "starttls") as server:
        dialog = _composer_on(
            qtbot, service, action, server.port, certs, password="not the password"
        )
        dialog.body_edit.setPlainText("My own careful words.")
        with qtbot.waitSignal(dialog.runner.failed, timeout=10_000):
            dialog.send_button.click()
    assert dialog.status_label.text().startswith("Not sent: The server refused the user name")
    assert dialog.body_edit.toPlainText() == "My own careful words."
    assert _state(service, action) is ActionState.OPEN
    assert _logged(service) == []
    assert dialog.send_button.isEnabled()


def test_without_a_password_store_send_explains_and_copy_still_works(
    qtbot: QtBot, service: FollowupService
) -> None:
    action = _first_thank_you(service)
    save_account(service, EmailAccount("smtp.example.org", 465, Security.SSL, USER, USER, "Sam"))
    dialog = ComposerDialog(
        service, action, passwords=PasswordStore(backend=keyring.backends.null.Keyring())
    )
    qtbot.addWidget(dialog)
    assert not dialog.send_button.isEnabled()
    assert "no secure password store" in dialog.send_button.toolTip()
    assert "session only" in dialog.status_label.text()
    with qtbot.waitSignal(dialog.changed):
        dialog.copy_button.click()
    assert QGuiApplication.clipboard().text().startswith("Subject: Thank you")
    assert _state(service, action) is ActionState.DONE


def test_save_as_pdf_writes_a_letter(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    action = _first_thank_you(service)
    target = tmp_path / "letter.pdf"
    dialog = ComposerDialog(
        service,
        action,
        passwords=PasswordStore(backend=keyring.backends.null.Keyring()),
        pdf_path=lambda _parent: str(target),
    )
    qtbot.addWidget(dialog)
    dialog.mark_done.setChecked(False)
    dialog.pdf_button.click()
    assert target.read_bytes().startswith(b"%PDF")
    assert _state(service, action) is ActionState.OPEN  # the box was unticked
    assert "Dear Ana" in dialog.letter_document().toPlainText()


def test_a_phone_call_shows_a_script_without_send(qtbot: QtBot, service: FollowupService) -> None:
    opportunity, _interview = _interview_with_panel(service)
    action = service.add_action("phone_call", NOW, opportunity_id=opportunity).created_id
    assert action is not None
    dialog = ComposerDialog(
        service, action, passwords=PasswordStore(backend=keyring.backends.null.Keyring())
    )
    qtbot.addWidget(dialog)
    assert dialog.send_button.isHidden() and dialog.subject_edit.isHidden()
    with qtbot.waitSignal(dialog.changed):
        dialog.mark_button.click()
    assert _state(service, action) is ActionState.DONE
    assert _logged(service)[0].channel == "phone"


def test_account_page_keeps_the_password_out_of_settings(
    qtbot: QtBot, service: FollowupService, memory_keyring: MemoryKeyring, certs: Certificates
) -> None:
    passwords = PasswordStore()
    with running_smtp_server(certs, "ssl") as server:
        page = EmailAccountPage(
            service, passwords=passwords, make_sender=sender_with_context(certs.client_context())
        )
        qtbot.addWidget(page)
        page.host_edit.setText("127.0.0.1")
        page.security_box.setCurrentIndex(0)
        page.port_box.setValue(server.port)
        page.username_edit.setText(USER)
        page.password_edit.setText(PASSWORD)
        page.from_name_edit.setText("Sam Lee")
        page.from_address_edit.setText(USER)
        with qtbot.waitSignal(page.runner.succeeded, timeout=10_000):
            page.test_button.click()
        assert "connection works" in page.status_label.text()
        assert page.apply()
    with service.db.session() as session:
        stored = {s.key: s.value for s in session.scalars(select(Setting))}
    assert stored["email.account"]["host"] == "127.0.0.1"
    assert PASSWORD not in repr(stored)
    assert memory_keyring.items == {(passwords.service_name, f"{USER}@127.0.0.1"): PASSWORD}
    assert page.password_edit.text() == ""
    qtbot.waitUntil(lambda: "stored" in page.password_edit.placeholderText(), timeout=5000)


def test_account_page_without_a_store_needs_consent_for_the_session(
    qtbot: QtBot, service: FollowupService
) -> None:
    passwords = PasswordStore(backend=keyring.backends.null.Keyring())
    page = EmailAccountPage(service, passwords=passwords)
    qtbot.addWidget(page)
    assert "Checking" in page.store_label.text()  # asked on the worker, not here
    qtbot.waitSignal(page.store_checked, timeout=5000).wait()
    assert not page.session_box.isHidden()
    page.host_edit.setText("smtp.example.org")
    page.from_address_edit.setText(USER)
    page.password_edit.setText(PASSWORD)
    assert not page.apply()
    assert "not kept" in page.status_label.text()
    page.session_box.setChecked(True)
    page.password_edit.setText(PASSWORD)
    assert page.apply()
    assert passwords.get_password(f"{USER}@smtp.example.org") == PASSWORD


def test_template_page_previews_live_and_refuses_a_broken_edit(
    qtbot: QtBot, service: FollowupService
) -> None:
    page = TemplateEditorPage(service)
    qtbot.addWidget(page)
    assert "Thank you" in page.preview.toPlainText()
    page.editor.setPlainText("Subject: Hi {{ company }}\nDear {{ recipient.nmae }}")
    qtbot.waitUntil(lambda: page.error_label.text() != "", timeout=2000)
    assert page.error_label.text().startswith("Line 2: There is no field 'nmae'")
    assert not page.save_button.isEnabled()
    assert not page.save()
    page.editor.setPlainText("Subject: Hi {{ company }}\nDear {{ recipient.name }}")
    qtbot.waitUntil(lambda: "Dear Ana Silva" in page.preview.toPlainText(), timeout=2000)
    assert page.save()
    assert page.store.source("thank_you").startswith("Subject: Hi")


def test_a_draft_with_a_part_left_in_brackets_is_not_sent(
    qtbot: QtBot, service: FollowupService, memory_keyring: MemoryKeyring, certs: Certificates
) -> None:
    action = _first_thank_you(service)
    with running_smtp_server(certs, "starttls") as server:
        dialog = _composer_on(qtbot, service, action, server.port, certs)
        dialog.body_edit.setPlainText("I have been reading [the article title] and thought of you.")
        dialog.send_button.click()
        assert "replace [the article title] with your own words" in dialog.status_label.text()
        assert not dialog.runner.busy
        assert server.mailbox.messages == []
    assert _state(service, action) is ActionState.OPEN


def test_placeholders_are_found_in_subject_and_body() -> None:
    from followup_desktop.core.messages.placeholders import unfilled_placeholders

    assert unfilled_placeholders("Re: [role]", "Dear Kim,\n[what you did]\nThanks [x]") == [
        "[role]",
        "[what you did]",
        "[x]",
    ]
    assert unfilled_placeholders("Nothing to fill [\nacross lines]", "Done.") == []


@pytest.mark.parametrize(
    ("reply", "first_words"),
    [
        ("421 4.3.2 Service shutting down, try later", "Not sent yet, a temporary problem:"),
        ("554 5.6.0 Message refused", "Not sent, refused for good:"),
    ],
)
def test_a_temporary_refusal_reads_differently_from_a_permanent_one(
    qtbot: QtBot,
    service: FollowupService,
    memory_keyring: MemoryKeyring,
    *,
    certs: Certificates,
    reply: str,
    first_words: str,
) -> None:
    action = _first_thank_you(service)
    with running_smtp_server(certs, "starttls") as server:
        server.mailbox.data_reply = reply
        dialog = _composer_on(qtbot, service, action, server.port, certs)
        dialog.body_edit.setPlainText("Kept whatever the server says.")
        with qtbot.waitSignal(dialog.runner.failed, timeout=10_000):
            dialog.send_button.click()
    assert dialog.status_label.text().startswith(first_words)
    assert reply.split(maxsplit=1)[0] in dialog.status_label.text()
    assert dialog.body_edit.toPlainText() == "Kept whatever the server says."
    assert _state(service, action) is ActionState.OPEN
    assert dialog.send_button.isEnabled()


def _rejection_reply(service: FollowupService) -> int:
    from followup_desktop.core.models import ContactRole

    opportunity, _interview = _interview_with_panel(service)
    service.add_contact(
        "Rita Moreno",
        ContactFields(email="rita@acme.example"),
        opportunity_id=opportunity,
        role=ContactRole.HR,
    )
    action = service.add_action("reply_to_rejection", NOW, opportunity_id=opportunity).created_id
    assert action is not None
    return action


def test_the_feedback_paragraph_switches_on_and_off_around_the_persons_edits(
    qtbot: QtBot, service: FollowupService, memory_keyring: MemoryKeyring
) -> None:
    dialog = ComposerDialog(service, _rejection_reply(service), passwords=PasswordStore())
    qtbot.addWidget(dialog)
    box = dialog.option_boxes["ask_feedback"]
    assert not box.isChecked()
    assert box.accessibleName() == "Ask for feedback" and box.accessibleDescription()
    assert "feedback" not in dialog.body_edit.toPlainText()
    edited = dialog.body_edit.toPlainText().replace("Dear Rita,", "Dear Ms Moreno,")
    dialog.body_edit.setPlainText(edited)

    box.click()
    text = dialog.body_edit.toPlainText()
    assert "welcome any feedback on my interviews" in text
    assert text.startswith("Dear Ms Moreno,")  # the edit stayed
    assert "\n\n\n" not in text

    box.click()
    assert dialog.body_edit.toPlainText() == edited
    # The paragraph went in and out through the editor, so undo brings it back.
    dialog.body_edit.undo()
    assert "welcome any feedback" in dialog.body_edit.toPlainText()


def test_a_paragraph_is_not_forced_into_a_rewritten_message(
    qtbot: QtBot, service: FollowupService, memory_keyring: MemoryKeyring
) -> None:
    dialog = ComposerDialog(service, _rejection_reply(service), passwords=PasswordStore())
    qtbot.addWidget(dialog)
    dialog.body_edit.setPlainText("Thanks, Rita. All the best.\nSam")
    box = dialog.option_boxes["ask_feedback"]
    box.click()
    assert not box.isChecked()
    assert dialog.body_edit.toPlainText() == "Thanks, Rita. All the best.\nSam"
    assert "by hand" in dialog.status_label.text()


def test_the_thank_you_slot_for_something_unsaid_holds_send_until_written(
    qtbot: QtBot, service: FollowupService, memory_keyring: MemoryKeyring
) -> None:
    dialog = ComposerDialog(service, _first_thank_you(service), passwords=PasswordStore())
    qtbot.addWidget(dialog)
    assert set(dialog.option_boxes) == {"forgot_to_say"}
    dialog.option_boxes["forgot_to_say"].click()
    text = dialog.body_edit.toPlainText()
    assert "[what you meant to say in the interview" in text
    dialog.account = EmailAccount("127.0.0.1", 1, Security.STARTTLS, USER, USER, "Sam")
    dialog.passwords.keep_for_session(dialog.account.secret_key, PASSWORD)
    dialog.send()
    assert "replace [what you meant to say" in dialog.status_label.text()
    assert not dialog.runner.busy


def test_the_same_message_is_logged_once_however_often_it_is_marked_sent(
    qtbot: QtBot, service: FollowupService, memory_keyring: MemoryKeyring
) -> None:
    action = _first_thank_you(service)
    first = ComposerDialog(service, action, passwords=PasswordStore(), open_url=lambda _u: True)
    second = ComposerDialog(service, action, passwords=PasswordStore(), open_url=lambda _u: True)
    qtbot.addWidget(first)
    qtbot.addWidget(second)
    # A double click: the button goes grey after the first press; a queued second
    # activation (the signal itself) still logs nothing more.
    with qtbot.waitSignal(first.changed):
        first.mark_button.click()
    assert not first.mark_button.isEnabled()
    first.mark_button.clicked.emit()
    first.copy_button.click()
    assert len(_logged(service)) == 1
    # A second composer opened on the same step before the first logged it.
    second.mark_button.click()
    assert len(_logged(service)) == 1
    assert "already logged" in second.status_label.text()
    assert _state(service, action) is ActionState.DONE


def test_a_connection_test_can_be_cancelled_while_the_server_is_silent(
    qtbot: QtBot, service: FollowupService
) -> None:
    # A server that takes the connection and never greets: the test would wait 30 s.
    with socket.create_server(("127.0.0.1", 0)) as silent:
        page = EmailAccountPage(
            service, passwords=PasswordStore(backend=keyring.backends.null.Keyring())
        )
        qtbot.addWidget(page)
        page.host_edit.setText("127.0.0.1")
        page.security_box.setCurrentIndex(page.security_box.findData(Security.STARTTLS.value))
        page.port_box.setValue(silent.getsockname()[1])
        page.from_address_edit.setText(USER)
        page.test_button.click()
        assert page.runner.busy
        assert page.test_button.accessibleName() == "Cancel test"
        assert page.test_button.isEnabled()
        qtbot.waitUntil(lambda: "Connecting" in page.status_label.text())
        with qtbot.waitSignal(page.runner.failed, timeout=5_000):
            page.test_button.click()
            assert page.status_label.text() == "The test was stopped."
            assert page.test_button.accessibleName() == "Test connection"
        # The worker's answer (cancelled) does not replace what the person was told.
        assert page.status_label.text() == "The test was stopped."
        assert page.runner.wait(1_000)  # the worker has let go: nothing hangs
        assert page.test_button.isEnabled()


def test_the_account_page_asks_the_password_store_off_the_gui_thread(
    qtbot: QtBot, service: FollowupService, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from followup_desktop import secrets

    asked_on: list[threading.Thread] = []
    real = secrets.pick_backend

    def watched(backend: object = None) -> object:
        asked_on.append(threading.current_thread())
        return real(backend)  # type: ignore[arg-type]

    monkeypatch.setattr(secrets, "pick_backend", watched)
    page = EmailAccountPage(
        service, passwords=PasswordStore(backend=keyring.backends.null.Keyring())
    )
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.store_checked, timeout=5000):
        pass
    assert asked_on and threading.main_thread() not in asked_on
    # A later load's answer is the one shown, whatever order the answers come in.
    page.load()
    page.load()
    with qtbot.waitSignal(page.store_checked, timeout=5000):
        pass
    assert "no secure password store" in page.store_label.text()
