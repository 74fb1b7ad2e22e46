"""An e-mail dropped on a card or an opportunity's editor, or pasted into the editor.

Driven as a person would: saved .eml files arrive as a file manager drags them (file
URLs), on a real SQLite file, with the window's own worker. Nothing is logged before the
person confirms, and what the words of a pasted message suggest is only offered.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDragMoveEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from followup_desktop.core.db import Database
from followup_desktop.core.models import Correspondence, Direction
from followup_desktop.core.services import FollowupService
from followup_desktop.gui.board_view import CardListView
from followup_desktop.gui.editor import OpportunityEditor
from followup_desktop.gui.mailbox import MailboxDialog
from followup_desktop.gui.main_window import MainWindow
from followup_desktop.gui.message_reading import suggest
from gui_helpers import AnsweringDialogs, drag_event, open_window
from mailbox_scenario import ME, Story, build_search, message

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise")

STRANGER = "Recruiting desk <talent@unknown-agency.example>"


@pytest.fixture
def service(database: Database) -> FollowupService:
    return FollowupService(database)


@pytest.fixture
def story(service: FollowupService) -> Story:
    return build_search(service, datetime.now(UTC))


def _eml(folder: Path, name: str, sender: str, when: datetime, text: str) -> Path:
    path = folder / name
    path.write_bytes(
        message(sender, ME, "Your application", when, f"<{name}@example>", text=text).as_bytes()
    )
    return path


def _files(*paths: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    return mime


def _card_view(window: MainWindow, opportunity: int) -> tuple[CardListView, QPoint]:
    card = window.board_model.card(opportunity)
    assert card is not None
    column = window.board.column_for_stage(card.stage_id)
    assert column is not None
    view = column.view
    row = next(r for r in range(view.proxy.rowCount()) if view.proxy.id_at(r) == opportunity)
    return view, view.visualRect(view.proxy.index(row, 0)).center()


def _drop(target: QWidget, mime: QMimeData, point: QPoint) -> QDropEvent:
    actions = Qt.DropAction.CopyAction
    enter = drag_event(QDragEnterEvent, point, actions, mime)
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted()
    move = drag_event(QDragMoveEvent, point, actions, mime)
    QApplication.sendEvent(target, move)
    assert move.isAccepted()
    drop = QDropEvent(
        QPointF(point), actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(target, drop)
    return drop


def _mailbox(qtbot: QtBot, dialogs: AnsweringDialogs, rows: int) -> MailboxDialog:
    qtbot.waitUntil(lambda: any(isinstance(d, MailboxDialog) for d in dialogs.shown))
    shown = [d for d in dialogs.shown if isinstance(d, MailboxDialog)]
    assert len(shown) == 1
    dialog = shown[0]
    qtbot.waitUntil(lambda: dialog.model.rowCount() == rows, timeout=10_000)
    qtbot.waitUntil(dialog.confirm_button.isEnabled, timeout=10_000)
    return dialog


def _logged(service: FollowupService) -> list[tuple[int, Direction]]:
    with service.db.session() as session:
        return [(c.opportunity_id, c.direction) for c in session.scalars(select(Correspondence))]


def test_an_email_from_a_stranger_dropped_on_a_card_is_read_for_that_opportunity(
    qtbot: QtBot, tmp_path: Path, service: FollowupService, story: Story
) -> None:
    other = service.create_opportunity("Globex", "Data Engineer").created_id
    assert other is not None
    eml = _eml(
        tmp_path,
        "agency.eml",
        STRANGER,
        story.interview_start + timedelta(days=1),
        "Hello Alex,\n\nwe will get back to you by Friday.\n",
    )
    dialogs = AnsweringDialogs()
    window = open_window(qtbot, service, tmp_path, dialogs)
    view, point = _card_view(window, other)

    drop = _drop(view.viewport(), _files(eml), point)

    assert drop.isAccepted() and drop.dropAction() == Qt.DropAction.CopyAction
    dialog = _mailbox(qtbot, dialogs, rows=1)
    qtbot.addWidget(dialog)
    # The dialog says whom it reads for, by name, and the proposal is for that card.
    assert dialog.scope_label.isVisibleTo(dialog)
    assert "Globex — Data Engineer" in dialog.scope_label.text()
    proposal = dialog.model.proposal(0)
    assert (proposal.opportunity_id, proposal.kind, proposal.contact_id) == (other, "reply", None)
    assert _logged(service) == []  # nothing before the person confirms
    dialog.table.selectRow(0)
    dialog.confirm_button.click()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 0, timeout=10_000)
    assert _logged(service) == [(other, Direction.RECEIVED)]
    dialog.tasks.wait(5000)


def test_between_cards_an_email_is_matched_by_its_addresses(
    qtbot: QtBot, tmp_path: Path, service: FollowupService, story: Story
) -> None:
    eml = _eml(
        tmp_path,
        "helene.eml",
        "Hélène Martin <helene.martin@acme-robotics.example>",
        story.interview_start + timedelta(days=1),
        "Bonjour Alex,\n\nmerci pour votre temps.\n",
    )
    dialogs = AnsweringDialogs()
    window = open_window(qtbot, service, tmp_path, dialogs)
    view, point = _card_view(window, story.opportunity)
    below = QPoint(point.x(), view.viewport().height() - 5)
    assert not view.indexAt(below).isValid()

    _drop(view.viewport(), _files(eml), below)

    dialog = _mailbox(qtbot, dialogs, rows=1)
    qtbot.addWidget(dialog)
    assert not dialog.scope_label.isVisibleTo(dialog)
    proposal = dialog.model.proposal(0)
    assert (proposal.opportunity_id, proposal.contact_id) == (story.opportunity, story.helene)
    dialog.tasks.wait(5000)


def test_several_emails_dropped_together_are_all_read_and_a_bad_one_is_named(
    qtbot: QtBot, tmp_path: Path, service: FollowupService, story: Story
) -> None:
    when = story.interview_start + timedelta(days=1)
    first = _eml(tmp_path, "first.eml", STRANGER, when, "Hello,\n\nthanks for coming in.\n")
    second = _eml(
        tmp_path, "second.eml", STRANGER, when + timedelta(hours=3), "Hello,\n\nunfortunately…\n"
    )
    broken = tmp_path / "broken.eml"
    broken.write_bytes(b"this is no e-mail at all\n")
    dialogs = AnsweringDialogs()
    window = open_window(qtbot, service, tmp_path, dialogs)
    view, point = _card_view(window, story.opportunity)

    _drop(view.viewport(), _files(first, broken, second), point)

    dialog = _mailbox(qtbot, dialogs, rows=2)
    qtbot.addWidget(dialog)
    assert {dialog.model.proposal(r).opportunity_id for r in range(2)} == {story.opportunity}
    # The refusal of the broken file stays in view after the last file is read.
    qtbot.waitUntil(lambda: "broken.eml" in dialog.status_label.text(), timeout=10_000)
    dialog.tasks.wait(5000)


def test_an_email_dropped_on_an_archived_card_is_refused_in_words(
    qtbot: QtBot, tmp_path: Path, service: FollowupService, story: Story
) -> None:
    eml = _eml(tmp_path, "late.eml", STRANGER, story.interview_start, "Hello Alex.\n")
    dialogs = AnsweringDialogs()
    window = open_window(qtbot, service, tmp_path, dialogs)
    window.board_ctl.show_archived.setChecked(True)
    window.bus.publish(service.set_archived([story.opportunity]))

    def archived_on_board() -> bool:
        card = window.board_model.card(story.opportunity)
        return card is not None and card.archived

    qtbot.waitUntil(archived_on_board)
    view, point = _card_view(window, story.opportunity)

    _drop(view.viewport(), _files(eml), point)

    qtbot.waitUntil(lambda: any(isinstance(d, MailboxDialog) for d in dialogs.shown))
    dialog = next(d for d in dialogs.shown if isinstance(d, MailboxDialog))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: "archived or closed" in dialog.status_label.text(), timeout=10_000)
    assert dialog.model.rowCount() == 0
    assert _logged(service) == []
    dialog.tasks.wait(5000)


def test_a_dragged_email_outlines_the_card_it_will_land_on(
    qtbot: QtBot, tmp_path: Path, service: FollowupService, story: Story
) -> None:
    eml = _eml(tmp_path, "hover.eml", STRANGER, story.interview_start, "Hello.\n")
    window = open_window(qtbot, service, tmp_path)
    view, point = _card_view(window, story.opportunity)
    view.viewport().repaint()
    before = view.viewport().grab().toImage().convertToFormat(QImage.Format.Format_RGB32)

    mime = _files(eml)  # kept: a drag event does not own its data
    move = drag_event(QDragEnterEvent, point, Qt.DropAction.CopyAction, mime)
    QApplication.sendEvent(view.viewport(), move)
    assert move.isAccepted()
    view.viewport().repaint()
    during = view.viewport().grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    QApplication.sendEvent(view.viewport(), QDragLeaveEvent())
    view.viewport().repaint()
    after = view.viewport().grab().toImage().convertToFormat(QImage.Format.Format_RGB32)

    # The outline is drawn over the card's edge, in the highlight colour.
    card = view.visualRect(view.indexAt(point))
    highlight = view.palette().color(view.palette().ColorRole.Highlight).rgb()
    edge = [during.pixel(x, card.top() + 2) for x in range(card.left() + 4, card.right() - 4)]
    assert highlight in edge
    assert highlight not in [
        before.pixel(x, card.top() + 2) for x in range(card.left() + 4, card.right() - 4)
    ]
    assert after == before


# -- the editor -------------------------------------------------------------------------


def _editor(qtbot: QtBot, window: MainWindow, opportunity: int) -> OpportunityEditor:
    editor = window.router.make_editor(opportunity)
    qtbot.addWidget(editor)
    editor.show()
    editor.tabs.setCurrentWidget(editor.messages_page)
    return editor


def test_an_email_dropped_on_the_editor_is_read_for_it_and_shows_once_confirmed(
    qtbot: QtBot, tmp_path: Path, service: FollowupService, story: Story
) -> None:
    eml = _eml(
        tmp_path,
        "editor.eml",
        STRANGER,
        story.interview_start + timedelta(days=1),
        "Hello Alex,\n\nwe would like to invite you to a second interview.\n",
    )
    dialogs = AnsweringDialogs()
    window = open_window(qtbot, service, tmp_path, dialogs)
    editor = _editor(qtbot, window, story.opportunity)
    assert editor.acceptDrops()

    _drop(editor, _files(eml), editor.rect().center())

    dialog = _mailbox(qtbot, dialogs, rows=1)
    assert dialog.parent() is editor  # on top of the editor it was dropped on
    assert "Acme Robotics — Backend Engineer" in dialog.scope_label.text()
    assert dialog.model.proposal(0).opportunity_id == story.opportunity
    assert editor.messages_model.rowCount() == 0
    dialog.table.selectRow(0)
    dialog.confirm_button.click()
    qtbot.waitUntil(lambda: editor.messages_model.rowCount() == 1, timeout=10_000)
    assert "a message" in editor.saved_note.text()
    dialog.tasks.wait(5000)


def test_read_an_email_opens_the_mailbox_for_the_opportunity_to_paste_into(
    qtbot: QtBot, tmp_path: Path, service: FollowupService, story: Story
) -> None:
    dialogs = AnsweringDialogs()
    window = open_window(qtbot, service, tmp_path, dialogs)
    editor = _editor(qtbot, window, story.opportunity)
    editor.read_mail_button.setFocus()
    qtbot.keyClick(editor.read_mail_button, Qt.Key.Key_Space)

    shown = [d for d in dialogs.shown if isinstance(d, MailboxDialog)]
    assert len(shown) == 1 and shown[0].opportunity_id == story.opportunity
    assert shown[0].model.rowCount() == 0


def _type_body(qtbot: QtBot, editor: OpportunityEditor, text: str) -> None:
    editor.message_body.setPlainText(text)
    qtbot.waitUntil(lambda: not editor.message_reading.timer.isActive(), timeout=5000)


def test_pasted_words_of_a_rejection_are_offered_and_used_only_when_asked(
    qtbot: QtBot, tmp_path: Path, service: FollowupService, story: Story
) -> None:
    window = open_window(qtbot, service, tmp_path)
    editor = _editor(qtbot, window, story.opportunity)
    assert not editor.message_reading.isVisibleTo(editor)

    _type_body(qtbot, editor, "Dear Alex,\n\nunfortunately we have chosen another candidate.")

    assert editor.message_reading.isVisibleTo(editor)
    assert "A rejection" in editor.message_reading.label.text()
    assert editor.message_outcome.currentData() == ""  # offered, not applied
    editor.message_reading.button.click()
    assert editor.message_outcome.currentData() == "rejection"
    assert not editor.message_dated.isChecked()
    assert not editor.message_reading.isVisibleTo(editor)


def test_a_day_named_in_a_pasted_reply_fills_the_date_when_used(
    qtbot: QtBot, tmp_path: Path, service: FollowupService, story: Story
) -> None:
    window = open_window(qtbot, service, tmp_path)
    editor = _editor(qtbot, window, story.opportunity)
    editor.message_when.setDate(editor.message_when.date().fromString("2026-12-01", "yyyy-MM-dd"))

    _type_body(qtbot, editor, "Hi Alex,\n\nwe will get back to you by Friday.\n\nDana")

    text = editor.message_reading.label.text()
    assert "Wait until the date" in text and "by Friday" in text
    editor.message_reading.button.click()
    assert editor.message_outcome.currentData() == "wait"
    assert editor.message_dated.isChecked()
    assert editor.message_date.date().toString("yyyy-MM-dd") == "2026-12-04"


def test_a_sent_message_offers_only_the_day_promised(
    qtbot: QtBot, tmp_path: Path, service: FollowupService, story: Story
) -> None:
    window = open_window(qtbot, service, tmp_path)
    editor = _editor(qtbot, window, story.opportunity)
    editor.message_direction.setCurrentIndex(editor.message_direction.findData("sent"))
    editor.message_when.setDate(editor.message_when.date().fromString("2026-12-01", "yyyy-MM-dd"))

    _type_body(qtbot, editor, "Unfortunately I missed your call; I will send it by Thursday.")

    assert "names a day" in editor.message_reading.label.text()
    editor.message_reading.button.click()
    assert editor.message_outcome.currentData() == ""
    assert editor.message_date.date().toString("yyyy-MM-dd") == "2026-12-03"


def test_clearing_the_body_hides_the_suggestion(
    qtbot: QtBot, tmp_path: Path, service: FollowupService, story: Story
) -> None:
    window = open_window(qtbot, service, tmp_path)
    editor = _editor(qtbot, window, story.opportunity)
    _type_body(qtbot, editor, "We are pleased to offer you the position.")
    assert "An offer" in editor.message_reading.label.text()
    _type_body(qtbot, editor, "")
    assert not editor.message_reading.isVisibleTo(editor)


# -- what the words suggest, without a window --------------------------------------------


@pytest.mark.parametrize(
    ("body", "received", "expected"),
    [
        ("Thanks for your time!", True, None),
        ("Leider müssen wir Ihnen eine Absage erteilen.", True, ("rejection", None)),
        ("Nous reviendrons vers vous d'ici vendredi.", True, ("wait", date(2026, 12, 4))),
        # A rejection is not waited for, whatever day it mentions.
        ("Unfortunately we filled the role on Monday.", True, ("rejection", None)),
        ("I will call you next Tuesday.", False, ("", date(2026, 12, 8))),
        ("Thank you for the interview today.", False, None),
    ],
)
def test_what_the_words_suggest(
    body: str, received: bool, expected: tuple[str, date | None] | None
) -> None:
    found = suggest("", body, date(2026, 12, 1), received=received)
    assert (None if found is None else (found.outcome, found.day)) == expected
