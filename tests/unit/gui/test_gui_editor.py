"""The opportunity editor: inline validation, one-transaction saves, and its tabs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from PySide6.QtCore import QDateTime
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from followup_desktop.core import i18n
from followup_desktop.core.board import load_stages
from followup_desktop.core.db import Database
from followup_desktop.core.errors import ValidationError
from followup_desktop.core.fields import ContactFields, OpportunityFields
from followup_desktop.core.models import Contact, Correspondence, Direction, Opportunity
from followup_desktop.core.queries.editor import load_opportunity
from followup_desktop.core.services import Change, FollowupService
from followup_desktop.gui.editor import OpportunityEditor, from_utc, to_utc
from gui_helpers import NOW


@pytest.fixture
def service(database: Database) -> FollowupService:
    return FollowupService(database, clock=lambda: NOW)


def make_editor(
    qtbot: QtBot, service: FollowupService, opportunity_id: int | None
) -> OpportunityEditor:
    with service.db.session() as session:
        stages = load_stages(session)
    editor = OpportunityEditor(service, opportunity_id, stages)
    qtbot.addWidget(editor)
    return editor


def count(service: FollowupService) -> int:
    with service.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Opportunity)) or 0)


def test_required_fields_are_checked_before_anything_is_saved(
    qtbot: QtBot, service: FollowupService
) -> None:
    editor = make_editor(qtbot, service, None)
    assert not editor.save()
    assert editor.form.errors["company"].isVisibleTo(editor)
    assert "Company is required" in editor.form.errors["company"].text()
    assert "Role is required" in editor.form.errors["role"].text()
    assert count(service) == 0


def test_messages_appear_as_the_person_types(qtbot: QtBot, service: FollowupService) -> None:
    editor = make_editor(qtbot, service, None)
    qtbot.keyClicks(editor.link, "acme.example")
    assert "https://" in editor.form.errors["link"].text()
    assert not editor.form.errors["company"].text()  # untouched fields stay quiet
    qtbot.keyClicks(editor.salary_min, "90000")
    qtbot.keyClicks(editor.salary_max, "80000")
    assert "above the maximum" in editor.form.errors["salary_min"].text()
    editor.salary_max.clear()
    qtbot.keyClicks(editor.salary_max, "lots")
    assert "whole number" in editor.form.errors["salary_max"].text()


def test_a_valid_form_creates_the_opportunity_in_one_go(
    qtbot: QtBot, service: FollowupService
) -> None:
    editor = make_editor(qtbot, service, None)
    qtbot.keyClicks(editor.company, "Acme")
    qtbot.keyClicks(editor.role, "Analyst")
    qtbot.keyClicks(editor.link, "https://acme.example/jobs/1")
    qtbot.keyClicks(editor.salary_min, "60,000")
    qtbot.keyClicks(editor.salary_max, "70000")
    qtbot.keyClicks(editor.salary_currency, "eur")
    editor.notes.setPlainText("Met them at a meetup")
    with qtbot.waitSignal(editor.saved) as saved:
        assert editor.save()
    assert isinstance(saved.args[0], Change)
    with service.db.session() as session:
        stored = session.scalars(select(Opportunity)).one()
        assert (stored.company, stored.salary_min, stored.salary_max) == ("Acme", 60000, 70000)
        assert stored.salary_currency == "EUR"
        assert stored.notes == "Met them at a meetup"


def test_an_invalid_edit_changes_nothing(qtbot: QtBot, service: FollowupService) -> None:
    acme = service.create_opportunity("Acme", "Analyst").created_id
    editor = make_editor(qtbot, service, acme)
    assert editor.company.text() == "Acme"
    editor.role.setText("Senior Analyst")
    editor.salary_min.setText("100")
    editor.salary_max.setText("50")
    assert not editor.save()
    with service.db.session() as session:
        assert session.get(Opportunity, acme).role == "Analyst"  # type: ignore[union-attr]
    editor.salary_max.setText("150")
    assert editor.save()
    with service.db.session() as session:
        assert session.get(Opportunity, acme).role == "Senior Analyst"  # type: ignore[union-attr]


def test_a_service_error_lands_on_its_field(qtbot: QtBot, service: FollowupService) -> None:
    editor = make_editor(qtbot, service, None)
    editor._show_service_error(ValidationError("That link is wrong.", "link"))
    assert editor.form.errors["link"].text() == "⚠ That link is wrong."
    editor._show_service_error(ValidationError("Something else.", "nowhere"))
    assert "Something else." in editor.general_error.text()


def test_tabs_add_contacts_interviews_and_messages(
    qtbot: QtBot, service: FollowupService, qtmodeltester: ModelTester
) -> None:
    acme = service.create_opportunity("Acme", "Analyst").created_id
    editor = make_editor(qtbot, service, acme)
    for model in (editor.contacts_model, editor.interviews_model, editor.messages_model):
        qtmodeltester.check(model)

    editor.contact_name.setText("Jane Roe")
    qtbot.keyClicks(editor.contact_email, "jane-at-example")
    assert "not an email address" in editor.contact_form.errors["email"].text()
    assert not editor.add_contact()
    editor.contact_email.setText("jane@example.org")
    assert editor.add_contact()
    assert editor.contacts_model.rowCount() == 1
    assert editor.contacts_model.index(0, 0).data() == "Jane Roe"

    start = from_utc(NOW + timedelta(days=1))
    editor.interview_starts.setDateTime(start)
    editor.interview_ends.setDateTime(start.addSecs(-60))
    assert "end after it starts" in editor.interview_form.errors["ends_at"].text()
    assert not editor.add_interview()
    assert editor.interviews_model.rowCount() == 0
    editor.interview_ends.setDateTime(start.addSecs(3600))
    assert editor.add_interview()
    assert editor.interviews_model.rowCount() == 1

    editor.message_when.setDateTime(QDateTime(from_utc(NOW)))
    editor.message_subject.setText("Thanks for today")
    assert editor.add_message()
    assert editor.messages_model.index(0, 3).data() == "Thanks for today"
    assert to_utc(from_utc(NOW)) == NOW


def test_a_logged_reply_can_say_what_it_said(qtbot: QtBot, service: FollowupService) -> None:
    from followup_desktop.core.models import Opportunity, StageKind

    opportunity = service.create_opportunity("Acme", "Analyst").created_id
    assert opportunity is not None
    editor = make_editor(qtbot, service, opportunity)
    editor.message_when.setDateTime(QDateTime(from_utc(NOW)))
    editor.message_outcome.setCurrentIndex(editor.message_outcome.findData("wait"))
    # "Wait until" without its date is refused with what to give, and nothing is logged.
    assert not editor.add_message()
    assert editor.messages_model.rowCount() == 0
    editor.message_outcome.setCurrentIndex(editor.message_outcome.findData("rejection"))
    assert editor.add_message()
    with service.db.session() as session:
        stored = session.get(Opportunity, opportunity)
        assert stored is not None and stored.stage.kind is StageKind.REJECTED
    assert editor.message_outcome.currentIndex() == 0


def test_a_new_opportunitys_tabs_work_before_the_first_save(
    qtbot: QtBot, service: FollowupService
) -> None:
    editor = make_editor(qtbot, service, None)
    for page in (editor.contacts_page, editor.interviews_page, editor.messages_page):
        assert editor.tabs.isTabEnabled(editor.tabs.indexOf(page))
    # Without a company and role the first contact cannot be stored: the details say why.
    editor.tabs.setCurrentWidget(editor.contacts_page)
    editor.contact_name.setText("Jane Roe")
    assert not editor.add_contact()
    assert count(service) == 0
    assert editor.tabs.currentIndex() == 0
    assert "Company is required" in editor.form.errors["company"].text()
    qtbot.keyClicks(editor.company, "Acme")
    qtbot.keyClicks(editor.role, "Analyst")
    assert editor.add_contact()  # creates the opportunity, then adds her
    assert count(service) == 1
    assert editor.opportunity_id is not None
    assert editor.contacts_model.rowCount() == 1
    assert "the details" in editor.saved_note.text()
    assert "contact Jane Roe" in editor.saved_note.text()
    assert editor.saved_note.isVisibleTo(editor)
    editor.message_subject.setText("Invitation")
    assert editor.add_message()
    assert count(service) == 1  # the same opportunity, not a second one


def test_apply_saves_and_keeps_the_dialog_open(qtbot: QtBot, service: FollowupService) -> None:
    editor = make_editor(qtbot, service, None)
    editor.show()
    qtbot.keyClicks(editor.company, "Acme")
    qtbot.keyClicks(editor.role, "Analyst")
    with qtbot.waitSignal(editor.saved):
        editor.apply_button.click()
    assert editor.isVisible()
    assert editor.result() == 0
    first = editor.opportunity_id
    assert first is not None and count(service) == 1
    assert editor.windowTitle() == "Acme — Analyst"
    editor.role.setText("Senior Analyst")
    editor.apply_button.click()
    assert count(service) == 1 and editor.opportunity_id == first
    # Cancel now closes, and says beforehand what it keeps.
    assert "Already saved: the details" in editor.saved_note.text()
    editor.role.setText("Intern")
    editor.cancel_button.click()
    with service.db.session() as session:
        assert session.get(Opportunity, first).role == "Senior Analyst"  # type: ignore[union-attr]


def test_cancel_without_a_save_changes_nothing(qtbot: QtBot, service: FollowupService) -> None:
    acme = service.create_opportunity("Acme", "Analyst").created_id
    editor = make_editor(qtbot, service, acme)
    editor.role.setText("Director")
    editor.contact_name.setText("Jane Roe")
    editor.cancel_button.click()
    assert not editor.saved_note.text()
    details = load_opportunity(service.db, acme or 0)
    assert details.role == "Analyst" and details.contacts == ()


def test_contacts_can_be_changed_removed_and_put_back(
    qtbot: QtBot, service: FollowupService
) -> None:
    acme = service.create_opportunity("Acme", "Analyst").created_id
    assert acme is not None
    jane = service.add_contact(
        "Jane Roe", ContactFields(email="jane@acme.example"), opportunity_id=acme
    ).created_id
    assert jane is not None
    # A message with her: removing her from the opportunity must keep it.
    service.log_correspondence(
        acme, Direction.SENT, NOW, subject="Thanks", contact_id=jane, body="Thank you"
    )
    editor = make_editor(qtbot, service, acme)
    assert not editor.update_contact_button.isEnabled()
    editor.contacts_table.selectRow(0)
    assert editor.contact_name.text() == "Jane Roe"
    assert editor.contact_email.text() == "jane@acme.example"
    assert editor.update_contact_button.isEnabled()

    qtbot.keyClicks(editor.contact_linkedin, "example.com/jane")
    assert "linkedin.com address" in editor.contact_form.errors["linkedin"].text()
    assert not editor.update_contact()
    editor.contact_linkedin.setText("linkedin.com/in/jane-roe")
    editor.contact_title.setText("Head of Data")
    editor.contact_role.setCurrentIndex(editor.contact_role.findData("recruiter"))
    assert editor.update_contact()
    contact = load_opportunity(service.db, acme).contacts[0]
    assert contact.linkedin == "https://linkedin.com/in/jane-roe"
    assert contact.title == "Head of Data"
    assert contact.role == "recruiter"
    assert len(load_opportunity(service.db, acme).contacts) == 1  # the role replaced

    editor.contacts_table.selectRow(0)
    assert editor.remove_contact()
    assert editor.contacts_model.rowCount() == 0
    assert "stay in the history" in editor.contact_status.text()
    with service.db.session() as session:
        kept = session.scalars(select(Correspondence)).one()
        assert kept.contact_id == jane  # the person and the message stay
        assert session.get(Contact, jane) is not None
    assert not editor.undo_remove_button.isHidden()
    assert editor.undo_remove_contact()
    assert [c.role for c in load_opportunity(service.db, acme).contacts] == ["recruiter"]
    assert editor.undo_remove_button.isHidden()


def test_a_logged_message_keeps_its_body(qtbot: QtBot, service: FollowupService) -> None:
    acme = service.create_opportunity("Acme", "Analyst").created_id
    editor = make_editor(qtbot, service, acme)
    editor.message_direction.setCurrentIndex(editor.message_direction.findData("sent"))
    assert not editor.message_outcome.isEnabled()  # only a reply says what comes next
    editor.message_direction.setCurrentIndex(editor.message_direction.findData("received"))
    assert editor.message_outcome.isEnabled()
    editor.message_subject.setText("Re: next steps")
    editor.message_body.setPlainText("We would like you back for a second round.")
    editor.message_outcome.setCurrentIndex(editor.message_outcome.findData("next_round"))
    editor.message_dated.setChecked(True)
    editor.message_date.setDateTime(from_utc(NOW + timedelta(days=3)))
    assert editor.add_message()
    assert not editor.message_body.toPlainText()
    with service.db.session() as session:
        stored = session.scalars(select(Correspondence)).one()
        assert stored.body == "We would like you back for a second round."
        assert stored.direction is Direction.RECEIVED
    assert editor.interviews_model.rowCount() == 1  # the next round, from what they said


@pytest.fixture
def german() -> Iterator[None]:
    i18n.set_language("de")
    yield
    i18n.set_language("en")


@pytest.mark.usefixtures("german")
def test_in_german_the_editor_speaks_german_and_groups_salaries_the_german_way(
    qtbot: QtBot, service: FollowupService
) -> None:
    acme = service.create_opportunity(
        "Acme", "Analyst", OpportunityFields(salary_min=62000, salary_max=70000)
    ).created_id
    editor = make_editor(qtbot, service, acme)
    assert editor.tabs.tabText(0) == "&Angaben"
    assert editor.save_button.accessibleName() == "Stelle speichern und schließen"
    assert editor.salary_min.text() == "62.000"
    editor.salary_max.setText("75.000")
    assert editor.save()
    with service.db.session() as session:
        stored = session.get(Opportunity, acme)
        assert stored is not None
        assert (stored.salary_min, stored.salary_max) == (62000, 75000)
    editor.salary_max.setText("viel")
    assert "ganze Zahl" in editor.check()["salary_max"]
    assert "65.000" in editor.check()["salary_max"]
