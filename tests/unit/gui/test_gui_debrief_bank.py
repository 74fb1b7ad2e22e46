# pytest-qt's QtBot methods carry no annotations.
# mypy: disable-error-code="no-untyped-call"
"""The question bank: model behaviour, grouping, search, and edits that reach the database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from followup_desktop.core.db import Database
from followup_desktop.core.models import StumbledQuestion
from followup_desktop.core.services import FollowupService, QuestionInput
from followup_desktop.gui.debrief import QuestionBankWidget
from followup_desktop.gui.debrief.bank import Column, GroupBy, QuestionBankModel

NOW = datetime(2026, 11, 23, 14, tzinfo=UTC)


@pytest.fixture
def service(database: Database) -> FollowupService:
    service = FollowupService(database, clock=lambda: NOW)
    for company, hours_ago, questions in (
        (
            "Acme",
            50,
            [
                QuestionInput("Why Acme?", "Pay", "Their mission", theme="motivation"),
                QuestionInput("Tell me about a conflict", theme="behaviour"),
            ],
        ),
        (
            "Globex",
            2,
            [
                QuestionInput("Design a rate limiter", "Token bucket, vaguely", theme="technical"),
                QuestionInput("Where in five years?"),
            ],
        ),
    ):
        opportunity = service.create_opportunity(company, "Engineer").created_id
        assert opportunity is not None
        ends = NOW - timedelta(hours=hours_ago)
        interview = service.record_interview(opportunity, ends - timedelta(hours=1), ends)
        assert interview.created_id is not None
        service.save_debrief(interview.created_id, submit=True, questions=questions)
    return service


def _group_names(model: QuestionBankModel) -> list[str]:
    return [model.index(row, 0).data().split(" (")[0] for row in range(model.rowCount())]


def _bank(qtbot: QtBot, service: FollowupService) -> QuestionBankWidget:
    bank = QuestionBankWidget(service)
    qtbot.addWidget(bank)
    bank.show()
    qtbot.waitExposed(bank)
    return bank


def test_models_pass_qt_model_tests(
    qtbot: QtBot, qtmodeltester: ModelTester, service: FollowupService
) -> None:
    bank = _bank(qtbot, service)
    qtmodeltester.check(bank.model)
    qtmodeltester.check(bank.proxy)
    bank.group_by.setCurrentIndex(1)
    bank.search.setText("design")
    qtmodeltester.check(bank.proxy)


def test_groups_by_theme_or_company(qtbot: QtBot, service: FollowupService) -> None:
    bank = _bank(qtbot, service)
    assert _group_names(bank.model) == ["behaviour", "motivation", "technical", "No theme"]
    bank.group_by.setCurrentIndex(bank.group_by.findData(GroupBy.COMPANY))
    assert _group_names(bank.model) == ["Acme", "Globex"]
    acme = bank.model.index(0, 0)
    assert bank.model.rowCount(acme) == 2
    assert acme.data() == "Acme (2, 0 practiced)"
    assert bank.model.index(0, Column.WHERE, acme).data() == "Acme — Engineer, round 1"


def test_search_matches_any_text_and_whole_groups(qtbot: QtBot, service: FollowupService) -> None:
    bank = _bank(qtbot, service)

    def shown() -> list[str]:
        found = []
        for group in range(bank.proxy.rowCount()):
            parent = bank.proxy.index(group, 0)
            found += [
                bank.proxy.index(r, 0, parent).data() for r in range(bank.proxy.rowCount(parent))
            ]
        return sorted(found)

    bank.search.setText("TOKEN BUCKET")  # what I said, any case
    assert shown() == ["Design a rate limiter"]
    bank.search.setText("globex")  # the company
    assert shown() == ["Design a rate limiter", "Where in five years?"]
    bank.search.setText("motivation")  # a group's name keeps the whole group
    assert shown() == ["Why Acme?"]
    bank.search.setText("nothing like this")
    assert bank.proxy.rowCount() == 0
    bank.search.clear()
    assert len(shown()) == 4


def test_practiced_and_better_answer_are_saved(qtbot: QtBot, service: FollowupService) -> None:
    bank = _bank(qtbot, service)
    with service.db.session() as session:
        question_id = session.query(StumbledQuestion.id).filter_by(question="Why Acme?").scalar()
    assert bank.select_question(question_id)
    assert bank.question_text.text() == "Why Acme?"
    assert bank.my_answer.toPlainText() == "Pay"
    assert bank.my_answer.isReadOnly()

    changes: list[object] = []
    bank.changed.connect(changes.append)
    bank.better_answer.setPlainText("Their mission, and the ops team I met — עברית 🎯")
    bank.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is bank)
    bank.better_answer.setFocus()
    qtbot.keyClick(bank.better_answer, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.mouseClick(bank.practiced, Qt.MouseButton.LeftButton)
    assert len(changes) == 2
    with service.db.session() as session:
        question = session.get(StumbledQuestion, question_id)
        assert question is not None
        assert question.practiced is True
        assert question.better_answer == "Their mission, and the ops team I met — עברית 🎯"

    index = bank.model.index_of(question_id)
    assert index.siblingAtColumn(Column.PRACTICED).data(Qt.ItemDataRole.CheckStateRole) == (
        Qt.CheckState.Checked
    )
    group = bank.model.parent(index)
    assert "1 practiced" in group.data()
    # The check box in the tree goes the same way.
    assert bank.model.setData(
        index.siblingAtColumn(Column.PRACTICED),
        Qt.CheckState.Unchecked.value,
        Qt.ItemDataRole.CheckStateRole,
    )
    bank.refresh()
    assert bank.current_question() is not None
    assert bank.current_question().practiced is False  # type: ignore[union-attr]
    assert not bank.practiced.isChecked()


def test_a_failed_save_is_reported_and_nothing_changes(
    qtbot: QtBot, service: FollowupService
) -> None:
    bank = _bank(qtbot, service)
    record = bank.model.record(bank.model.index(0, 0, bank.model.index(0, 0)))
    assert record is not None
    bank.select_question(record.id)
    with service.db.session() as session:
        session.delete(session.get(StumbledQuestion, record.id))
    assert not bank.save_better_answer()
    assert "does not exist" in bank.message.text()
    assert bank.model.record(bank.model.index_of(record.id)) == record


def test_an_empty_bank_explains_itself(qtbot: QtBot, database: Database) -> None:
    bank = _bank(qtbot, FollowupService(database, clock=lambda: NOW))
    assert bank.model.rowCount(QModelIndex()) == 0
    assert "Choose a question" in bank.question_text.text()
    assert not bank.better_answer.isEnabled()


def test_hundreds_of_questions_load(qtbot: QtBot, service: FollowupService) -> None:
    opportunity = service.create_opportunity("Bigcorp", "Engineer").created_id
    assert opportunity is not None
    interview = service.record_interview(
        opportunity, NOW - timedelta(hours=3), NOW - timedelta(hours=2)
    ).created_id
    assert interview is not None
    service.save_debrief(
        interview,
        submit=True,
        questions=[
            QuestionInput(f"Question {n} " + "long " * 200, theme=f"t{n % 7}") for n in range(500)
        ],
    )
    bank = _bank(qtbot, service)
    assert (
        sum(bank.model.rowCount(bank.model.index(g, 0)) for g in range(bank.model.rowCount()))
        == 504
    )
    assert len(bank.model.index(0, 0, bank.model.index(0, 0)).data()) <= 161


def test_new_evidence_is_offered_a_note_only_when_marked(
    qtbot: QtBot, service: FollowupService
) -> None:
    from followup_desktop.core.models import Action

    bank = _bank(qtbot, service)
    with service.db.session() as session:
        question_id = session.query(StumbledQuestion.id).filter_by(question="Why Acme?").scalar()
        assert session.query(Action).filter_by(kind="new_evidence_note").count() == 0
    assert bank.select_question(question_id)
    assert "kept for the next interview" in bank.evidence_button.toolTip()
    changes: list[object] = []
    bank.changed.connect(changes.append)
    qtbot.mouseClick(bank.evidence_button, Qt.MouseButton.LeftButton)
    assert len(changes) == 1
    assert "on your list" in bank.message.text()
    with service.db.session() as session:
        [note] = session.query(Action).filter_by(kind="new_evidence_note").all()
        assert "Why Acme?" in note.reason
