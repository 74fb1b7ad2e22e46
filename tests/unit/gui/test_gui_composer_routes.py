"""A thank-you to an interviewer with no email address: the ways it can still go."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from followup_desktop.core.db import Database
from followup_desktop.core.fields import ContactFields, DebriefFields, InterviewFields
from followup_desktop.core.messages import draft_for_action, held_in_person
from followup_desktop.core.models import (
    Action,
    ActionState,
    Channel,
    Contact,
    ContactRole,
    Correspondence,
)
from followup_desktop.core.services import FollowupService, PanelMember
from followup_desktop.gui.composer import ComposerDialog
from followup_desktop.secrets import PasswordStore
from test_messages import END, NOW

PROFILE = "https://www.linkedin.com/in/ana-silva"


@pytest.fixture
def service(database: Database) -> FollowupService:
    return FollowupService(database, clock=lambda: NOW)


def _thank_you_without_address(
    service: FollowupService,
    *,
    kind: str = "video",
    location: str = "",
    linkedin: str = "",
    organizer: str = "",
) -> int:
    """A thank-you action for Ana Silva, whose email address is not known."""
    opportunity = service.create_opportunity("Acme Analytics", "Data Analyst").created_id
    assert opportunity is not None
    interview = service.record_interview(
        opportunity,
        END - timedelta(hours=1),
        END,
        "Europe/Berlin",
        InterviewFields(kind=kind, location=location),
    ).created_id
    assert interview is not None
    if organizer:
        service.add_contact(organizer, opportunity_id=opportunity, role=ContactRole.HR)
    service.save_debrief(
        interview,
        DebriefFields(went_well="the churn case study"),
        submit=True,
        panel=[PanelMember("Ana Silva", "Head of Data", mention="the nightly pipeline")],
    )
    with service.db.session() as session:
        ana = session.scalars(select(Contact).where(Contact.name == "Ana Silva")).one()
        action = session.scalars(
            select(Action.id).where(Action.kind == "thank_you", Action.contact_id == ana.id)
        ).first()
    assert action is not None
    if linkedin:
        service.update_contact(ana.id, ContactFields(linkedin=linkedin))
    return action


def _composer(
    qtbot: QtBot, service: FollowupService, action: int, opened: list[QUrl] | None = None
) -> ComposerDialog:
    def open_url(url: QUrl) -> bool:
        if opened is not None:
            opened.append(url)
        return True

    dialog = ComposerDialog(service, action, passwords=PasswordStore(), open_url=open_url)
    qtbot.addWidget(dialog)
    return dialog


def test_in_person_is_read_from_the_kind_and_the_place() -> None:
    assert held_in_person("onsite", "")
    assert not held_in_person("video", "Acme HQ, room 4")
    assert not held_in_person("phone", "")
    assert held_in_person("panel", "Acme HQ, Berlin, 3rd floor")
    assert not held_in_person("panel", "https://acme.zoom.us/j/123")
    assert not held_in_person("other", "Teams call")
    assert not held_in_person("technical", "")


def test_after_a_video_interview_no_letter_is_offered(
    qtbot: QtBot, service: FollowupService
) -> None:
    action = _thank_you_without_address(service)
    dialog = _composer(qtbot, service, action)
    assert not dialog.no_address_box.isHidden()
    assert dialog.print_button.isHidden() and dialog.pdf_button.isHidden()
    assert "only after an interview in person" in dialog.letter_hint.text()
    assert dialog.linkedin_button.isHidden()  # no profile known
    assert "print the note as a letter" not in dialog.notes_label.text()


def test_after_an_on_site_interview_a_letter_is_offered(
    qtbot: QtBot, service: FollowupService
) -> None:
    action = _thank_you_without_address(service, kind="onsite", location="Acme HQ")
    dialog = _composer(qtbot, service, action)
    assert not dialog.print_button.isHidden()
    assert "in person" in dialog.letter_hint.text()


def test_an_address_added_inline_is_saved_and_addresses_the_note(
    qtbot: QtBot, service: FollowupService
) -> None:
    action = _thank_you_without_address(service)
    dialog = _composer(qtbot, service, action)
    assert dialog.to_edit.text() == ""
    dialog.address_edit.setText("not an address")
    assert not dialog.save_address()
    assert "not an email address" in dialog.status_label.text()
    dialog.address_edit.setText("ana@acme.example")
    with qtbot.waitSignal(dialog.changed):
        assert dialog.save_address()
    with service.db.session() as session:
        ana = session.scalars(select(Contact).where(Contact.name == "Ana Silva")).one()
        assert ana.email == "ana@acme.example"
    assert "ana@acme.example" in dialog.to_edit.text()
    assert dialog.no_address_box.isHidden()
    assert not dialog.print_button.isHidden()  # an ordinary email again
    assert draft_for_action(service, dialog.draft.action_id).no_address is None


def test_a_known_profile_offers_a_linkedin_message(qtbot: QtBot, service: FollowupService) -> None:
    action = _thank_you_without_address(service, linkedin=PROFILE)
    opened: list[QUrl] = []
    dialog = _composer(qtbot, service, action, opened)
    assert not dialog.linkedin_button.isHidden()
    with qtbot.waitSignal(dialog.changed):
        dialog.linkedin_button.click()
    assert [url.toString() for url in opened] == [PROFILE]
    assert QGuiApplication.clipboard().text() == dialog.body_edit.toPlainText()
    with service.db.session() as session:
        logged = session.scalars(select(Correspondence)).one()
        assert logged.channel is Channel.LINKEDIN
        done = session.get(Action, action)
        assert done is not None and done.state is ActionState.DONE


def test_a_note_through_the_organizer_names_the_interviewer(
    qtbot: QtBot, service: FollowupService
) -> None:
    action = _thank_you_without_address(service, organizer="Rita Recruiter")
    dialog = _composer(qtbot, service, action)
    assert dialog.organizer_name_edit.text() == "Rita Recruiter"
    assert dialog.organizer_name_edit.isReadOnly()
    assert not dialog.write_to_organizer()  # no address given yet
    assert "email address" in dialog.status_label.text()
    dialog.organizer_address_edit.setText("rita@acme.example")
    assert dialog.write_to_organizer()
    assert "rita@acme.example" in dialog.to_edit.text()
    assert "Ana" in dialog.body_edit.toPlainText()
    assert dialog.draft.template_key == "thank_you_organizer"
    assert dialog.draft.contact_id is not None


def test_an_organizer_can_be_added_from_the_composer(
    qtbot: QtBot, service: FollowupService
) -> None:
    action = _thank_you_without_address(service)
    dialog = _composer(qtbot, service, action)
    assert not dialog.organizer_name_edit.isReadOnly()
    dialog.organizer_name_edit.setText("Sam Scheduler")
    dialog.organizer_address_edit.setText("sam@acme.example")
    assert dialog.write_to_organizer()
    assert dialog.draft.template_key == "thank_you_organizer"
    assert "Ana" in dialog.body_edit.toPlainText()
    with service.db.session() as session:
        sam = session.scalars(select(Contact).where(Contact.name == "Sam Scheduler")).one()
        assert sam.email == "sam@acme.example"


@pytest.mark.parametrize(
    ("route", "expected"),
    [(None, Channel.OTHER), (Channel.LINKEDIN, Channel.LINKEDIN), (Channel.LETTER, Channel.LETTER)],
)
def test_a_note_copied_without_an_address_is_logged_by_the_route_chosen(
    qtbot: QtBot, service: FollowupService, route: Channel | None, expected: Channel
) -> None:
    action = _thank_you_without_address(service)
    dialog = _composer(qtbot, service, action)
    assert not dialog.route_combo.isHidden()
    if route is not None:
        dialog.route_combo.setCurrentIndex(dialog.route_combo.findData(route.value))
    with qtbot.waitSignal(dialog.changed):
        dialog.copy_button.click()
    with service.db.session() as session:
        logged = session.scalars(select(Correspondence)).one()
        # Never "email": no email went to the interviewer.
        assert logged.channel is expected
        done = session.get(Action, action)
        assert done is not None and done.state is ActionState.DONE


def test_marking_a_note_sent_without_an_address_logs_the_route_chosen(
    qtbot: QtBot, service: FollowupService
) -> None:
    action = _thank_you_without_address(service)
    dialog = _composer(qtbot, service, action)
    dialog.route_combo.setCurrentIndex(dialog.route_combo.findData(Channel.LINKEDIN.value))
    with qtbot.waitSignal(dialog.changed):
        dialog.mark_button.click()
    with service.db.session() as session:
        assert session.scalars(select(Correspondence.channel)).one() is Channel.LINKEDIN
