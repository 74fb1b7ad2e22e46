# pytest-qt's QtBot methods carry no annotations.
# mypy: disable-error-code="no-untyped-call"
"""The debrief form: filling, validation, submitting, autosave, keyboard and large input."""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from followup_desktop.core import i18n
from followup_desktop.core.db import Database
from followup_desktop.core.models import (
    Action,
    Contact,
    Debrief,
    DebriefDraftRow,
    DebriefStatus,
    Interview,
    InterviewParticipant,
)
from followup_desktop.core.queries.debrief import panel_contacts, stored_draft
from followup_desktop.core.questions import ContactChoice
from followup_desktop.core.services import ContactFields, FollowupService
from followup_desktop.core.storage_errors import StorageIOError
from followup_desktop.gui import debrief as debrief_package
from followup_desktop.gui.debrief import DebriefDialog, open_debrief, open_latest_debrief
from followup_desktop.gui.debrief import dialog as dialog_module

NOW = datetime(2026, 11, 23, 14, tzinfo=UTC)
MEGABYTE = 1_000_000


@pytest.fixture
def service(database: Database) -> FollowupService:
    return FollowupService(database, clock=lambda: NOW)


@pytest.fixture
def interview_id(service: FollowupService) -> int:
    opportunity = service.create_opportunity("Acme", "Data Analyst").created_id
    assert opportunity is not None
    created = service.record_interview(
        opportunity, NOW - timedelta(hours=3), NOW - timedelta(hours=2), "Europe/Berlin"
    ).created_id
    assert created is not None
    return created


@pytest.fixture
def dana(service: FollowupService) -> int:
    created = service.add_contact(
        "Dana Okafor",
        ContactFields(title="Head of Data", email="dana@acme.test", phone="+49 30 1234"),
    ).created_id
    assert created is not None
    return created


def _open(qtbot: QtBot, service: FollowupService, interview_id: int) -> DebriefDialog:
    dialog = DebriefDialog(service, interview_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _type(qtbot: QtBot, widget: QWidget, text: str) -> None:
    widget.setFocus()
    qtbot.keyClicks(widget, text)


def _count(service: FollowupService, model: type[object]) -> int:
    with service.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _fill(qtbot: QtBot, dialog: DebriefDialog) -> None:
    dialog.panel.add_button.click()
    _type(qtbot, dialog.panel.editors["name"], "Sam Lee")
    _type(qtbot, dialog.panel.editors["title"], "Team lead")
    _type(qtbot, dialog.panel.editors["email"], "sam@acme.test")
    _type(qtbot, dialog.panel.editors["mention"], "the migration to dbt")
    _type(qtbot, dialog.text["went_well"], "Clear SQL walkthrough")
    _type(qtbot, dialog.text["went_badly"], "Rambled on the salary question")
    dialog.preparedness_buttons[3].click()
    dialog.tied_experience.setCurrentIndex(1)
    dialog.questions.add_button.click()
    _type(qtbot, dialog.questions.editors["question"], "Tell me about a conflict")
    _type(qtbot, dialog.questions.editors["my_answer"], "Something vague")
    _type(qtbot, dialog.questions.editors["better_answer"], "The release-freeze story")
    _type(qtbot, dialog.questions.editors["theme"], "conflict")
    _type(qtbot, dialog.text["learned_job"], "On call once a month")
    _type(qtbot, dialog.text["learned_organization"], "New CFO")
    _type(qtbot, dialog.text["skills_to_build"], "dbt tests")
    _type(qtbot, dialog.text["promised_material"], "Dashboard sample")
    _type(qtbot, dialog.text["next_steps"], "Second round with the team")
    dialog.timeline_days.setValue(10)
    dialog.date_edits["decision_date"].setText("2026-12-04")  # a date picker now
    dialog.may_check_in.setCurrentIndex(1)
    dialog.date_edits["check_back_on"].setText("2026-12-07")
    dialog.preferred_channel.setCurrentIndex(2)  # Phone


# The completer's popup asks the offscreen platform to raise it and grab the keyboard,
# which that platform cannot do; a real display can.
@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")
def test_filling_and_submitting_stores_everything_and_plans_thank_yous(
    qtbot: QtBot, service: FollowupService, interview_id: int, dana: int
) -> None:
    dialog = _open(qtbot, service, interview_id)
    _fill(qtbot, dialog)
    # A second person, picked from the existing contacts by the completer.
    dialog.panel.add_row()
    _type(qtbot, dialog.panel.editors["name"], "Dana")
    popup = dialog.completer.popup()
    assert popup is not None
    qtbot.waitUntil(popup.isVisible)
    with qtbot.waitSignal(dialog.completer.activated):
        qtbot.keyClick(popup, Qt.Key.Key_Down)
        qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert dialog.panel.editors["title"].text() == "Head of Data"  # type: ignore[union-attr]
    assert dialog.panel.editors["phone"].text() == "+49 30 1234"  # type: ignore[union-attr]
    _type(qtbot, dialog.panel.editors["mention"], "her question on data contracts")
    contacts_before = _count(service, Contact)

    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    with qtbot.waitSignal(dialog.submitted):
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    assert dialog.result() == DebriefDialog.DialogCode.Accepted
    assert _count(service, Contact) == contacts_before + 1  # Sam is new, Dana reused
    with service.db.session() as session:
        interview = session.get(Interview, interview_id)
        assert interview is not None
        debrief = interview.debrief
        assert debrief is not None
        assert debrief.status is DebriefStatus.SUBMITTED
        assert debrief.went_well == "Clear SQL walkthrough"
        assert debrief.went_badly == "Rambled on the salary question"
        assert debrief.preparedness == 4
        assert debrief.tied_experience is True
        assert debrief.learned_organization == "New CFO"
        assert debrief.promised_material == "Dashboard sample"
        assert [(q.question, q.my_answer, q.better_answer, q.theme) for q in debrief.questions] == [
            ("Tell me about a conflict", "Something vague", "The release-freeze story", "conflict")
        ]
        assert interview.next_steps == "Second round with the team"
        assert interview.decision_timeline_days == 10
        assert interview.decision_date == date(2026, 12, 4)
        assert interview.may_check_in is True
        assert interview.check_back_on == date(2026, 12, 7)
        assert interview.preferred_channel is not None
        assert interview.preferred_channel.value == "phone"
        panel = [
            (p.contact.name, p.contact.title, p.contact.email, p.mention)
            for p in interview.participants
        ]
        assert panel == [
            ("Sam Lee", "Team lead", "sam@acme.test", "the migration to dbt"),
            ("Dana Okafor", "Head of Data", "dana@acme.test", "her question on data contracts"),
        ]
        assert interview.participants[1].contact_id == dana
        thank_yous = session.scalars(
            select(Action).where(Action.interview_id == interview_id, Action.kind == "thank_you")
        ).all()
        assert sorted(action.contact_id or 0 for action in thank_yous) == sorted(
            p.contact_id for p in interview.participants
        )
        assert session.get(DebriefDraftRow, interview_id) is None  # the draft is gone

    # Reopening shows what was submitted.
    again = _open(qtbot, service, interview_id)
    assert again.text["went_well"].toPlainText() == "Clear SQL walkthrough"
    assert [row["name"] for row in again.panel.rows()] == ["Sam Lee", "Dana Okafor"]
    assert "Submitted" in again.status.text()


def test_a_panel_row_without_a_name_is_shown_at_the_field_and_nothing_is_saved(
    qtbot: QtBot, service: FollowupService, interview_id: int
) -> None:
    dialog = _open(qtbot, service, interview_id)
    dialog.panel.add_row()
    _type(qtbot, dialog.panel.editors["name"], "Sam Lee")
    dialog.panel.add_row()
    _type(qtbot, dialog.panel.editors["title"], "Recruiter")
    contacts = _count(service, Contact)

    assert dialog.submit() is False

    error = dialog.panel.errors["name"]
    assert error.isVisible()
    assert "Person 2" in error.text()
    assert "full name" in error.text()
    assert dialog.panel.current_row() == 1
    assert dialog.focusWidget() is dialog.panel.editors["name"]
    assert dialog.panel.editors["name"].accessibleDescription() == error.text()
    assert _count(service, Contact) == contacts
    assert _count(service, Debrief) == 0
    # Typing a name clears the message.
    _type(qtbot, dialog.panel.editors["name"], "Ira Cohen")
    assert not error.isVisible()


def test_bad_email_and_bad_dates_are_refused_next_to_their_fields(
    qtbot: QtBot, service: FollowupService, interview_id: int
) -> None:
    dialog = _open(qtbot, service, interview_id)
    dialog.panel.add_row()
    _type(qtbot, dialog.panel.editors["name"], "Sam Lee")
    _type(qtbot, dialog.panel.editors["email"], "sam at acme")
    assert dialog.submit() is False
    assert "not an email address" in dialog.panel.errors["email"].text()
    assert dialog.focusWidget() is dialog.panel.editors["email"]

    dialog.panel.editors["email"].clear()
    # A date picker cannot hold a day that does not exist: it stays empty.
    dialog.date_edits["decision_date"].setText("2026-13-01")
    assert dialog.date_edits["decision_date"].text() == ""

    dialog.date_edits["decision_date"].setText("2025-11-30")
    assert dialog.submit() is False
    assert "before the interview" in dialog.errors["decision_date"].text()
    assert dialog.focusWidget() is dialog.date_edits["decision_date"]

    dialog.date_edits["decision_date"].setText("2026-12-01")
    dialog.date_edits["check_back_on"].setText("2031-01-01")
    assert dialog.submit() is False
    assert not dialog.errors["decision_date"].isVisible()
    assert "more than a year" in dialog.errors["check_back_on"].text()

    dialog.questions.add_row()
    _type(qtbot, dialog.questions.editors["my_answer"], "an answer without its question")
    dialog.date_edits["check_back_on"].setText("")
    assert dialog.submit() is False
    assert "Question 1" in dialog.questions.errors["question"].text()
    assert dialog.focusWidget() is dialog.questions.editors["question"]
    assert _count(service, Debrief) == 0

    dialog.questions.remove_current()
    assert dialog.submit() is True


def test_autosave_writes_a_draft_within_a_second_without_creating_contacts_or_plans(
    qtbot: QtBot, service: FollowupService, interview_id: int
) -> None:
    dialog = _open(qtbot, service, interview_id)
    actions_before = _count(service, Action)
    dialog.panel.add_row()
    _type(qtbot, dialog.panel.editors["name"], "Half typed")
    _type(qtbot, dialog.panel.editors["email"], "not-yet@")
    with qtbot.waitSignal(dialog.draft_saved, timeout=2000):
        started = time.perf_counter()
        _type(qtbot, dialog.text["went_well"], "fine ")
        # QTest types ASCII only; a paste brings the rest (right-to-left text, emoji).
        dialog.text["went_well"].insertPlainText("ثانية 🎉")
    latency = time.perf_counter() - started
    assert latency < 1.0
    assert not dialog.has_unsaved_edits()
    assert _count(service, Contact) == 0
    assert _count(service, Debrief) == 0
    assert _count(service, Action) == actions_before

    restored = DebriefDialog(service, interview_id)
    qtbot.addWidget(restored)
    assert restored.form_state() == dialog.form_state()
    assert "Restored the draft" in restored.status.text()


def test_typing_is_saved_while_it_goes_on_and_every_key_reaches_the_database(
    qtbot: QtBot, service: FollowupService, interview_id: int
) -> None:
    # How soon each key is stored is a benchmark (debrief_key_to_disk_ms); here, that
    # drafts are written during the typing, not only after it, and that none is lost.
    dialog = _open(qtbot, service, interview_id)
    editor = dialog.text["went_badly"]
    editor.setFocus()
    # One key every 30 ms, faster than any pause a debounce would wait for.
    typed: list[float] = []
    saves: list[tuple[float, int]] = []

    def type_one() -> None:
        qtbot.keyClick(editor, "x")
        typed.append(time.perf_counter())

    def saved(_milliseconds: float) -> None:
        draft = stored_draft(service.db, dialog.snapshot)
        assert draft is not None
        saves.append((time.perf_counter(), len(draft.texts["went_badly"])))

    dialog.draft_saved.connect(saved)
    typist = QTimer()
    typist.setInterval(30)
    typist.timeout.connect(type_one)
    typist.start()
    qtbot.waitUntil(lambda: len(typed) >= 40, timeout=10_000)
    typist.stop()
    qtbot.waitUntil(lambda: not dialog.has_unsaved_edits(), timeout=2000)
    during = [length for when, length in saves if when <= typed[-1]]
    assert len(during) >= 5, "it saved while the typing went on, not only after"
    assert during == sorted(during) and during[-1] < len(typed)
    assert saves[-1][1] == len(typed), "the last key typed is in the stored draft"


def test_closing_flushes_the_draft_at_once(
    qtbot: QtBot, service: FollowupService, interview_id: int
) -> None:
    dialog = _open(qtbot, service, interview_id)
    _type(qtbot, dialog.text["skills_to_build"], "window functions")
    assert dialog.has_unsaved_edits()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.has_unsaved_edits()
    restored = DebriefDialog(service, interview_id)
    qtbot.addWidget(restored)
    assert restored.text["skills_to_build"].toPlainText() == "window functions"


def test_a_draft_from_a_newer_followup_is_said_and_never_overwritten(
    qtbot: QtBot, service: FollowupService, interview_id: int
) -> None:
    newer = '{"version": 99, "saved_at": "2026-11-23T14:00:00+00:00"}'
    with service.db.session() as session:
        session.add(
            DebriefDraftRow(interview_id=interview_id, version=99, saved_at=NOW, body=newer)
        )
    dialog = _open(qtbot, service, interview_id)
    assert "newer version of Followup" in dialog.problem.text()
    _type(qtbot, dialog.text["went_well"], "typed here")
    assert not dialog.save_draft()
    with service.db.session() as session:
        row = session.get(DebriefDraftRow, interview_id)
        assert row is not None and (row.version, row.body) == (99, newer)


def test_a_draft_whose_interview_went_stops_saving_with_a_sentence(
    qtbot: QtBot, service: FollowupService, interview_id: int
) -> None:
    dialog = _open(qtbot, service, interview_id)
    opportunity = dialog.snapshot.opportunity_id
    # Deleted by another program (Followup itself has no delete): its interviews go
    # by cascade, and their drafts with them.
    with sqlite3.connect(service.db.path) as connection:
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("DELETE FROM opportunities WHERE id = ?", (opportunity,))
    _type(qtbot, dialog.text["went_well"], "still typing")
    assert not dialog.save_draft()
    assert "no longer exists" in dialog.problem.text()
    assert _count(service, DebriefDraftRow) == 0


def test_large_input_round_trips_and_submits(
    qtbot: QtBot, service: FollowupService, interview_id: int
) -> None:
    dialog = _open(qtbot, service, interview_id)
    notes = ("Notes with émoji 😀 and עברית text.\n" * 30_000)[:MEGABYTE]
    state = dialog.form_state()
    state["learned_job"] = notes
    state["panel"] = [
        {
            "name": "نور الهدى",
            "title": "مديرة",
            "email": "noor@example.test",
            "phone": "",
            "mention": "שאלה על 🚀",
            "contact_id": None,
        },
        {
            "name": "Zoë 👩‍💻 Ødegård",
            "title": "",
            "email": "",
            "phone": "",
            "mention": "",
            "contact_id": None,
        },
    ]
    state["questions"] = [
        {
            "question": f"Question {n} ❓",
            "my_answer": "meh",
            "better_answer": f"Answer {n}",
            "theme": "behaviour" if n % 2 else "technical",
            "practiced": False,
        }
        for n in range(100)
    ]
    dialog.set_form_state(state)
    with qtbot.waitSignal(dialog.draft_saved, timeout=3000):
        _type(qtbot, dialog.text["went_well"], "!")
    assert dialog.last_save_ms < 500
    restored = DebriefDialog(service, interview_id)
    qtbot.addWidget(restored)
    assert restored.form_state() == dialog.form_state()
    assert restored.questions.model.rowCount() == 100

    assert restored.submit() is True
    with service.db.session() as session:
        interview = session.get(Interview, interview_id)
        assert interview is not None and interview.debrief is not None
        assert interview.debrief.learned_job == notes.strip()
        assert len(interview.debrief.questions) == 100
        names = session.scalars(
            select(Contact.name).join(InterviewParticipant).order_by(InterviewParticipant.position)
        ).all()
        assert names == ["نور الهدى", "Zoë 👩‍💻 Ødegård"]


def test_every_field_has_a_name_a_label_and_a_keyboard_path(
    qtbot: QtBot, service: FollowupService, interview_id: int
) -> None:
    dialog = _open(qtbot, service, interview_id)
    dialog.panel.add_row()
    dialog.questions.add_row()
    focusable = [
        widget
        for widget in dialog.findChildren(QWidget)
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        and widget.isVisible()
        and not isinstance(widget, QLabel)
        # Qt's own parts of a scroll area and a spin box; their owners carry the name.
        and widget.objectName() not in {"qt_scrollarea_viewport", "qt_spinbox_lineedit"}
    ]
    unnamed = [widget for widget in focusable if not widget.accessibleName()]
    assert unnamed == [], [f"{w.metaObject().className()} {w.objectName()}" for w in unnamed]

    labels = [label for label in dialog.findChildren(QLabel) if "&" in label.text()]
    mnemonic_texts = [label.text() for label in labels] + [
        button.text() for button in dialog.findChildren(QAbstractButton) if "&" in button.text()
    ]
    letters = [re.search(r"&(\w)", text).group(1).lower() for text in mnemonic_texts]  # type: ignore[union-attr]
    assert len(letters) == len(set(letters)), sorted(letters)
    assert all(label.buddy() is not None for label in labels)
    for editor in (*dialog.text.values(), *dialog.date_edits.values()):
        assert any(label.buddy() is editor for label in labels), editor.objectName()

    # Tab walks the whole form in reading order, ending on Submit.
    chain = []
    widget: QWidget | None = dialog.panel.table
    for _ in range(60):
        assert widget is not None
        chain.append(widget.objectName())
        widget = widget.nextInFocusChain()
        while widget is not None and not (
            widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            and widget.isEnabled()
            and widget.isVisible()
        ):
            widget = widget.nextInFocusChain()
        if widget is dialog.submit_button:
            chain.append(widget.objectName())
            break
    assert chain.index("panel_name") < chain.index("went_well") < chain.index("questions_question")
    assert chain.index("questions_theme") < chain.index("learned_job") < chain.index("next_steps")
    assert chain[-2:] == ["closeButton", "submitButton"]

    # Shortcuts add rows wherever the focus is.
    dialog.text["went_well"].setFocus()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    qtbot.keyClick(
        dialog.text["went_well"],
        Qt.Key.Key_P,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert dialog.panel.model.rowCount() == 2
    assert QApplication.focusWidget() is dialog.panel.editors["name"]
    qtbot.keyClick(
        dialog.panel.editors["name"],
        Qt.Key.Key_Q,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert dialog.questions.model.rowCount() == 2
    # Delete in the table removes the current row.
    dialog.questions.table.setFocus()
    qtbot.keyClick(dialog.questions.table, Qt.Key.Key_Delete)
    assert dialog.questions.model.rowCount() == 1


def test_text_fields_follow_the_palette(
    qtbot: QtBot, service: FollowupService, interview_id: int
) -> None:
    dialog = _open(qtbot, service, interview_id)
    # No style sheet forces colours on the fields; only error labels are tinted.
    styled = [
        widget.objectName()
        for widget in dialog.findChildren(QWidget)
        if widget.styleSheet() and isinstance(widget, QLineEdit | QPlainTextEdit)
    ]
    assert styled == []


# Raising an open dialog asks the offscreen platform for something it cannot do.
@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_open_latest_debrief_picks_the_interview_that_ended_last(
    qtbot: QtBot, service: FollowupService, interview_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    opportunity = service.create_opportunity("Globex", "Analyst").created_id
    assert opportunity is not None
    later = service.record_interview(
        opportunity, NOW - timedelta(minutes=90), NOW - timedelta(minutes=30)
    ).created_id
    service.record_interview(opportunity, NOW + timedelta(hours=1), NOW + timedelta(hours=2))
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = open_latest_debrief(service, parent)
    assert dialog is not None
    assert dialog.interview_id == later
    assert "Globex" in dialog.windowTitle()
    assert open_debrief(service, later, parent) is dialog  # raised, not opened twice
    assert open_debrief(service, interview_id, parent) is not dialog
    dialog.close()


def test_open_latest_debrief_says_so_when_no_interview_has_ended(
    qtbot: QtBot, service: FollowupService, monkeypatch: pytest.MonkeyPatch
) -> None:
    told: list[str] = []
    monkeypatch.setattr(debrief_package, "inform", lambda _p, title, _text: told.append(title))
    assert open_latest_debrief(service, None) is None
    assert told == ["No interview to debrief"]


def test_the_questions_say_a_better_answer_is_for_next_time(
    qtbot: QtBot, service: FollowupService, interview_id: int
) -> None:
    from followup_desktop.core.questions import BETTER_ANSWER_HINT

    dialog = DebriefDialog(service, interview_id)
    qtbot.addWidget(dialog)
    hint = dialog.better_answer_hint
    assert hint.text() == BETTER_ANSWER_HINT
    assert "next interview" in hint.text() and "new evidence" in hint.text()
    assert hint.parent() is dialog.questions.parent()


def test_the_panel_opens_with_the_cards_interviewers_editable_and_removable(
    qtbot: QtBot, service: FollowupService, interview_id: int
) -> None:
    with service.db.session() as session:
        interview = session.get(Interview, interview_id)
        assert interview is not None
        opportunity = interview.opportunity_id
    for name, email in (("Dana Kim", "dana@acme.test"), ("Omar Ruiz", "omar@acme.test")):
        service.add_contact(name, ContactFields(email=email), opportunity_id=opportunity)
    dialog = _open(qtbot, service, interview_id)
    assert [row["name"] for row in dialog.panel.rows()] == ["Dana Kim", "Omar Ruiz"]
    assert dialog.panel_hint.isVisible()
    assert "remove anyone who was not there" in dialog.panel_hint.text()

    dialog.panel.select_row(1)
    dialog.panel.remove_button.click()
    dialog.panel.select_row(0)
    _type(qtbot, dialog.panel.editors["mention"], "the robot arm demo")
    with qtbot.waitSignal(dialog.submitted):
        dialog.submit_button.click()

    with service.db.session() as session:
        interview = session.get(Interview, interview_id)
        assert interview is not None
        assert [(p.contact.name, p.mention) for p in interview.participants] == [
            ("Dana Kim", "the robot arm demo")
        ]
    # Omar was removed on purpose: reopening the submitted debrief does not bring him back.
    again = _open(qtbot, service, interview_id)
    assert [row["name"] for row in again.panel.rows()] == ["Dana Kim"]
    assert not again.panel_hint.isVisible()


def test_a_draft_wins_over_the_opening_panel(
    qtbot: QtBot, service: FollowupService, interview_id: int
) -> None:
    with service.db.session() as session:
        interview = session.get(Interview, interview_id)
        assert interview is not None
        opportunity = interview.opportunity_id
    service.add_contact("Dana Kim", ContactFields(email="d@acme.test"), opportunity_id=opportunity)
    dialog = _open(qtbot, service, interview_id)
    dialog.panel.select_row(0)
    dialog.panel.remove_button.click()
    dialog.panel.add_row()
    _type(qtbot, dialog.panel.editors["name"], "Lee Brandt")
    assert dialog.save_draft()
    dialog.close()

    again = _open(qtbot, service, interview_id)
    assert [row["name"] for row in again.panel.rows()] == ["Lee Brandt"]


def test_a_timing_in_next_steps_is_offered_and_applied_only_on_request(
    qtbot: QtBot, service: FollowupService, interview_id: int
) -> None:
    dialog = _open(qtbot, service, interview_id)
    offers = dialog.next_steps_offers
    assert not offers.isVisible()
    _type(qtbot, dialog.text["next_steps"], "Decision within 10 days, the panel meets by Friday")
    qtbot.waitUntil(offers.isVisible)
    apply_days = offers.buttons["decision_timeline_days"]
    apply_date = offers.buttons["decision_date"]
    assert apply_days.isVisible() and apply_date.isVisible()
    assert "“within 10 days”" in offers.labels["decision_timeline_days"].text()
    assert offers.labels["decision_timeline_days"].textFormat() == Qt.TextFormat.PlainText
    assert apply_days.accessibleName() == "Use 10 days as the decision timeline"
    # The interview was on Monday 23 November 2026: "by Friday" is the 27th.
    assert apply_date.accessibleName() == "Use November 27, 2026 as the decision date"
    # Offered, not filled in.
    assert dialog.timeline_days.value() == 0
    assert dialog.date_edits["decision_date"].text() == ""

    # Keyboard: Tab from the text reaches the first Apply button; Space presses it.
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    dialog.text["next_steps"].setFocus()
    qtbot.keyClick(dialog.text["next_steps"], Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is apply_days
    qtbot.keyClick(apply_days, Qt.Key.Key_Space)
    assert dialog.timeline_days.value() == 10
    assert not apply_days.isVisible()  # applied: the offer goes away
    assert QApplication.focusWidget() is dialog.timeline_days
    assert apply_date.isVisible()

    apply_date.click()
    assert dialog.date_edits["decision_date"].text() == "2026-11-27"
    assert not offers.isVisible()

    with qtbot.waitSignal(dialog.submitted):
        dialog.submit_button.click()
    with service.db.session() as session:
        interview = session.get(Interview, interview_id)
        assert interview is not None
        assert interview.decision_timeline_days == 10
        assert interview.decision_date == date(2026, 11, 27)


def test_a_german_or_french_timing_is_offered_too_and_text_without_one_offers_nothing(
    qtbot: QtBot, service: FollowupService, interview_id: int
) -> None:
    dialog = _open(qtbot, service, interview_id)
    _type(qtbot, dialog.text["next_steps"], "Zweite Runde mit dem Team")
    dialog.refresh_offers()
    assert not dialog.next_steps_offers.isVisible()
    dialog.text["next_steps"].setPlainText("Réponse dans deux semaines")
    dialog.refresh_offers()
    assert [offer.days for offer in dialog.next_steps_offers.offers()] == [14]
    assert dialog.timeline_days.value() == 0


def test_in_german_the_debrief_speaks_german_and_writes_german_dates(
    qtbot: QtBot, service: FollowupService, interview_id: int
) -> None:
    i18n.set_language("de")
    try:
        dialog = _open(qtbot, service, interview_id)
        subheading = dialog.findChild(QLabel, "subheading")
        assert subheading is not None
        # The interview was on Monday 23 November 2026, 12:00 to 13:00 in Berlin.
        assert "Runde 1" in subheading.text()
        assert "23. Nov. 2026" in subheading.text()
        assert "12:00 bis 13:00" in subheading.text()
        assert dialog.submit_button.text() == "Nachbereitung &abschließen"
        dialog.date_edits["decision_date"].setText("2025-11-30")
        assert dialog.submit() is False
        assert "liegt vor dem Gespräch" in dialog.errors["decision_date"].text()
        assert "30. Nov. 2025" in dialog.errors["decision_date"].text()
        dialog.date_edits["decision_date"].setText("")
        dialog.questions.add_row()
        _type(qtbot, dialog.questions.editors["my_answer"], "eine Antwort ohne Frage")
        assert dialog.submit() is False
        assert dialog.questions.errors["question"].text().startswith("Frage 1: ")
    finally:
        i18n.set_language("en")


def _contacts_ready(dialog: DebriefDialog) -> bool:
    return dialog.contacts_ready


def _gate_contacts(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    # The real read, held until the test lets it go: it stands for a large database
    # whose contacts take a while to read.
    gate = threading.Event()
    real = panel_contacts

    def held(db: Database) -> tuple[ContactChoice, ...]:
        gate.wait(5)
        return real(db)

    monkeypatch.setattr(dialog_module, "panel_contacts", held)
    return gate


@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")
def test_the_form_opens_before_the_contacts_and_suggests_a_name_typed_meanwhile(
    qtbot: QtBot,
    service: FollowupService,
    interview_id: int,
    dana: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gate = _gate_contacts(monkeypatch)
    dialog = _open(qtbot, service, interview_id)
    linked = dialog.findChild(QLabel, "panelLinked")
    assert linked is not None
    dialog.panel.add_row()
    assert not _contacts_ready(dialog)
    assert linked.text() == dialog_module.CONTACTS_LOADING
    _type(qtbot, dialog.panel.editors["name"], "dan")
    _type(qtbot, dialog.text["went_well"], "Good rapport")
    dialog.panel.editors["name"].setFocus()
    qtbot.wait(50)
    assert not _contacts_ready(dialog)  # still reading: everything typed stays

    popup = dialog.completer.popup()
    assert popup is not None
    with qtbot.waitSignal(dialog.contacts_read) as read:
        gate.set()
    assert read.args == [True]
    assert _contacts_ready(dialog)
    assert dialog.panel.editors["name"].text() == "dan"  # type: ignore[union-attr]
    assert dialog.text["went_well"].toPlainText() == "Good rapport"
    # What was typed meanwhile is completed as if typed now.
    qtbot.waitUntil(popup.isVisible)
    assert dialog.completer.currentCompletion() == "Dana Okafor"
    with qtbot.waitSignal(dialog.completer.activated):
        qtbot.keyClick(popup, Qt.Key.Key_Down)
        qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert dialog.panel.editors["title"].text() == "Head of Data"  # type: ignore[union-attr]
    assert dialog.panel.rows()[0]["contact_id"] == dana
    assert linked.text().startswith("Linked to an existing contact")


@pytest.mark.expected_log("^could not read the contacts to suggest panel names")
def test_contacts_that_cannot_be_read_are_said_and_the_form_still_submits(
    qtbot: QtBot,
    service: FollowupService,
    interview_id: int,
    dana: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def unreadable(_db: Database) -> tuple[ContactChoice, ...]:
        raise StorageIOError()

    monkeypatch.setattr(dialog_module, "panel_contacts", unreadable)
    dialog = _open(qtbot, service, interview_id)
    dialog.panel.add_row()
    _type(qtbot, dialog.panel.editors["name"], "Sam Lee")
    with qtbot.waitSignal(dialog.contacts_read) as read:
        pass
    assert read.args == [False]
    linked = dialog.findChild(QLabel, "panelLinked")
    assert linked is not None
    assert linked.text() == dialog_module.CONTACTS_UNREADABLE
    assert dialog.panel.editors["name"].text() == "Sam Lee"  # type: ignore[union-attr]
    contacts = _count(service, Contact)
    assert dialog.submit() is True
    assert _count(service, Contact) == contacts + 1
