"""Hostile names shown literally: every window walked with markup and overrides in the data.

Company, role, stage, contact, question and file names hold HTML (an image, a link, bold)
and a right-to-left override. The test opens the main window (board, Today panel), the
opportunity editor, the debrief, the question bank, the calendar and the .ics import
confirmation (a real QMessageBox) and checks every label, tooltip, item text and window
title: none is read as rich text, the hostile strings appear as the characters they are,
and no override reaches the screen.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt, QTimer
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from followup_desktop.core.db import Database
from followup_desktop.core.plain_text import for_display
from followup_desktop.core.services import (
    DebriefFields,
    FollowupService,
    OpportunityFields,
    PanelMember,
    QuestionInput,
)
from followup_desktop.gui.debrief import DebriefDialog, QuestionBankWidget
from followup_desktop.gui.dialogs import Dialogs
from followup_desktop.gui.main_window import MainWindow
from followup_desktop.gui.plain import PlainLabel, tooltip
from gui_helpers import NOW, AnsweringDialogs, window_settings

RLO = "\u202e"
COMPANY = '<img src="hostile.png">Acme'
ROLE = '<a href="https://evil.example/">Data Engineer</a>'
STAGE = "<b>Interviewing</b>"
CONTACT = f"{RLO}evil Dana"
QUESTION = "<i>Why</i> us? <u>really</u>"
FILE_NAME = '<a href="https://evil.example/">invite</a>.ics'
# The hostile markup itself; our own (a bold heading) may be rich text.
MARKUP = (COMPANY, ROLE, STAGE, QUESTION, '<img src="hostile.png">', '<a href="https://evil')


def label_shown(label: QLabel) -> tuple[str, bool]:
    """What a label shows, and whether Qt reads it as rich text."""
    text = label.text()
    fmt = label.textFormat()
    is_rich = fmt == Qt.TextFormat.RichText or (
        fmt == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(text)
    )
    if not is_rich:
        return text, False
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText(), True


def tip_shown(text: str) -> str:
    if not GuiQt.mightBeRichText(text):
        return text
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText().replace("\u2028", "\n").replace("\u2029", "\n")


def model_texts(model: QAbstractItemModel, parent: QModelIndex | None = None) -> Iterator[str]:
    parent = parent or QModelIndex()
    try:
        columns = model.columnCount(parent)
    except TypeError:  # a list model (a completer's) keeps columnCount private
        columns = 1
    for row in range(min(model.rowCount(parent), 200)):
        for column in range(columns):
            index = model.index(row, column, parent)
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                value = model.data(index, role)
                if isinstance(value, str):
                    yield value
            tip = model.data(index, Qt.ItemDataRole.ToolTipRole)
            if isinstance(tip, str):
                assert not any(markup in tip for markup in MARKUP if GuiQt.mightBeRichText(tip))
                yield tip_shown(tip)
            if column == 0 and model.rowCount(index) > 0:
                yield from model_texts(model, index)
    for section in range(columns):
        header = model.headerData(section, Qt.Orientation.Horizontal)
        if isinstance(header, str):
            yield header


def shown_texts(root: QWidget) -> list[str]:
    """Every text ``root`` and its children show, checking each as it goes."""
    texts = [root.windowTitle()]
    widgets = [root, *root.findChildren(QWidget)]
    for widget in widgets:
        if isinstance(widget, QLabel):
            shown, is_rich = label_shown(widget)
            if is_rich:
                # Only our own markup may be rich; user text inside it is escaped.
                assert not any(markup in widget.text() for markup in MARKUP), widget.text()
            texts.append(shown)
        if isinstance(widget, QAbstractButton):
            texts.append(widget.text())
        if isinstance(widget, QLineEdit):
            texts.append(widget.text())
        if widget.toolTip():
            raw = widget.toolTip()
            if GuiQt.mightBeRichText(raw):
                assert not any(markup in raw for markup in MARKUP), raw
            texts.append(tip_shown(raw))
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            texts.extend(model_texts(widget.model()))
        texts.append(widget.windowTitle())
    for text in texts:
        assert RLO not in text, text
    return texts


def assert_literal(texts: list[str], literal: str) -> None:
    wanted = for_display(literal)
    assert any(wanted in text for text in texts), (literal, [text for text in texts if text][:40])


@pytest.fixture
def service(database: Database) -> FollowupService:
    service = FollowupService(database, clock=lambda: NOW)
    stage = next(stage for stage in service.stages() if stage.name == "Interviewing")
    service.rename_stage(stage.id, STAGE)
    opportunity = service.create_opportunity(
        COMPANY, ROLE, OpportunityFields(stage_id=stage.id)
    ).created_id
    assert opportunity is not None
    end = NOW - timedelta(hours=3)
    interview = service.record_interview(
        opportunity, end - timedelta(hours=1), end, timezone="Europe/Berlin"
    ).created_id
    assert interview is not None
    service.save_debrief(
        interview,
        DebriefFields(went_well="<script>alert(1)</script> went well"),
        questions=[QuestionInput(QUESTION, "<b>Er</b>")],
    )
    service.set_panel(
        interview, [PanelMember(CONTACT, title="<b>CTO</b>", email="dana@acme.example")]
    )
    return service


@pytest.fixture
def window(qtbot: QtBot, service: FollowupService, tmp_path: Path) -> MainWindow:
    window = MainWindow(service, dialogs=AnsweringDialogs(), settings=window_settings(tmp_path))

    def settle(window: MainWindow) -> None:
        for dialog in window.findChildren(QDialog):
            dialog.close()
        qtbot.waitUntil(lambda: window.settled)

    qtbot.addWidget(window, before_close_func=settle)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.settled)
    return window


def test_the_plain_helpers_show_exactly_the_characters_given(qtbot: QtBot) -> None:
    label = PlainLabel(COMPANY)
    qtbot.addWidget(label)
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert label.text() == COMPANY
    label.setText(f"{RLO}live")
    assert label.text() == "live"
    for text in (COMPANY, ROLE, "a < b & c", "two\nlines <b>x</b>"):
        assert tip_shown(tooltip(text)) == text


def test_main_window_board_and_today_show_hostile_names_literally(window: MainWindow) -> None:
    texts = shown_texts(window)
    for literal in (COMPANY, ROLE, STAGE):
        assert_literal(texts, literal)
    # The column title of the imported stage: the case that loaded an image before.
    [title] = [label for label in window.board.findChildren(QLabel) if label.text() == STAGE]
    assert title.textFormat() == Qt.TextFormat.PlainText


def test_editor_shows_hostile_names_literally(
    qtbot: QtBot, window: MainWindow, service: FollowupService
) -> None:
    [card] = window.board_model.cards()
    editor = window.make_editor(card.opportunity_id)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    texts = shown_texts(editor)
    assert editor.windowTitle() == f"{COMPANY} — {ROLE}"
    assert_literal(texts, STAGE)
    assert_literal(texts, COMPANY)  # the company field


def test_debrief_and_question_bank_show_hostile_text_literally(
    qtbot: QtBot, service: FollowupService
) -> None:
    with service.db.session() as session:
        from followup_desktop.core.models import Interview

        interview = session.query(Interview).one().id
    dialog = DebriefDialog(service, interview)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    # The panel's completer holds the names once they are read on the worker.
    qtbot.waitUntil(lambda: dialog.contacts_ready)
    texts = shown_texts(dialog)
    for literal in (COMPANY, ROLE, CONTACT, QUESTION):
        assert_literal(texts, literal)
    heading = next(label for label in dialog.findChildren(QLabel) if "Acme" in label.text())
    assert label_shown(heading) == (f"{COMPANY} — {ROLE}", True)
    dialog.close()
    bank = QuestionBankWidget(service)
    qtbot.addWidget(bank)
    bank.show()
    qtbot.waitExposed(bank)
    assert_literal(shown_texts(bank), QUESTION)


def test_calendar_shows_hostile_names_literally(qtbot: QtBot, window: MainWindow) -> None:
    page = window.show_calendar()
    qtbot.waitUntil(page.isVisible)
    texts = shown_texts(page)
    assert any(for_display(COMPANY) in text for text in texts)


def test_import_confirmation_is_a_plain_text_message_box(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    folder = tmp_path / "hostile"
    folder.mkdir()
    path = folder / FILE_NAME.replace("/", "\u2215")  # no slash in a file name
    path.write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//T//T//EN\r\nBEGIN:VEVENT\r\n"
        b"UID:hostile@example.com\r\nDTSTAMP:20261120T090000Z\r\n"
        b"DTSTART:20261125T100000Z\r\nDTEND:20261125T110000Z\r\n"
        + f"SUMMARY:{RLO}evil <img src=x> interview\r\n".encode()
        + b"ORGANIZER;CN=Dana:mailto:dana@acme.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    window.dialogs = Dialogs()  # the real message box, answered below
    seen: list[tuple[QMessageBox.Icon, list[str]]] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        seen.append((box.icon(), shown_texts(box)))
        assert box.textFormat() == Qt.TextFormat.PlainText
        box.button(QMessageBox.StandardButton.No).click()

    QTimer.singleShot(0, answer)
    assert window.import_calendar_file(path) is False
    [(icon, texts)] = seen
    assert icon == QMessageBox.Icon.Question
    assert_literal(texts, f"Import {path.name}?")
    assert any("Add an interview on" in text for text in texts)


def test_composer_shows_hostile_names_literally(qtbot: QtBot, service: FollowupService) -> None:
    import keyring.backends.null
    from sqlalchemy import select

    from followup_desktop.core.models import Action, Interview
    from followup_desktop.gui.composer import ComposerDialog
    from followup_desktop.secrets import PasswordStore

    with service.db.session() as session:
        interview = session.scalars(select(Interview.id)).one()
    service.save_debrief(interview, submit=True)
    with service.db.session() as session:
        action = session.scalars(select(Action.id).where(Action.kind == "thank_you")).first()
    assert action is not None
    dialog = ComposerDialog(
        service,
        action,
        passwords=PasswordStore(backend=keyring.backends.null.Keyring()),
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    texts = shown_texts(dialog)
    heading = next(label for label in dialog.findChildren(QLabel) if "Acme" in label.text())
    shown, is_rich = label_shown(heading)
    assert is_rich  # our bold, their text escaped
    assert f"{ROLE} at {COMPANY}" in shown
    assert_literal(texts, COMPANY)


def test_settings_dialog_lists_a_hostile_stage_literally(
    qtbot: QtBot, service: FollowupService
) -> None:
    import keyring.backends.null

    from followup_desktop.gui.settings_dialog import SettingsDialog
    from followup_desktop.secrets import PasswordStore

    dialog = SettingsDialog(
        service,
        passwords=PasswordStore(backend=keyring.backends.null.Keyring()),
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert_literal(shown_texts(dialog), STAGE)
