"""The disputed playbook choices, per opportunity in the editor and as defaults in Settings."""

from __future__ import annotations

from datetime import timedelta

import keyring.backends.null
import pytest
from PySide6.QtWidgets import QComboBox, QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from followup_desktop.core.board import load_stages
from followup_desktop.core.db import Database
from followup_desktop.core.models import Action, ActionState, ContactRole, Opportunity
from followup_desktop.core.playbook.settings import SETTINGS_KEY
from followup_desktop.core.services import (
    ContactFields,
    FollowupService,
    InterviewFields,
    OpportunityFields,
    PanelMember,
)
from followup_desktop.gui.editor import OpportunityEditor
from followup_desktop.gui.playbook_choices import DISPUTED_CHOICES, USE_DEFAULT
from followup_desktop.gui.settings_dialog import SettingsDialog
from followup_desktop.secrets import PasswordStore
from gui_helpers import NOW

END = NOW - timedelta(hours=3)  # Monday 23 November, 06:00 UTC


@pytest.fixture
def service(database: Database) -> FollowupService:
    return FollowupService(database, clock=lambda: NOW)


def _opportunity(service: FollowupService, company: str = "Acme") -> int:
    """An interview this morning, a stated timeline of 5 days, an interviewer and HR."""
    opportunity = service.create_opportunity(company, "Data Analyst").created_id
    assert opportunity is not None
    interview = service.record_interview(
        opportunity,
        END - timedelta(hours=1),
        END,
        "Europe/Berlin",
        InterviewFields(decision_timeline_days=5),
    ).created_id
    assert interview is not None
    service.add_contact(
        "Rita Moreno",
        ContactFields(email="rita@acme.example"),
        opportunity_id=opportunity,
        role=ContactRole.HR,
    )
    service.save_debrief(
        interview,
        submit=True,
        panel=[PanelMember("Ana Silva", "Head of Data", "ana@acme.example")],
    )
    return opportunity


def _plan(service: FollowupService, opportunity: int) -> dict[str, Action]:
    with service.db.session() as session:
        actions = session.scalars(
            select(Action).where(
                Action.opportunity_id == opportunity, Action.state == ActionState.OPEN
            )
        ).all()
        session.expunge_all()
    return {action.plan_key or f"manual:{action.id}": action for action in actions}


def _first_status_check(service: FollowupService, opportunity: int) -> Action:
    plan = _plan(service, opportunity)
    return plan[next(key for key in sorted(plan) if key.startswith("status_follow_up:"))]


def _paper_notes(service: FollowupService, opportunity: int) -> list[Action]:
    return [a for key, a in _plan(service, opportunity).items() if key.endswith(":paper")]


def _editor(qtbot: QtBot, service: FollowupService, opportunity: int | None) -> OpportunityEditor:
    with service.db.session() as session:
        stages = load_stages(session)
    editor = OpportunityEditor(service, opportunity, stages)
    qtbot.addWidget(editor)
    return editor


def _choose(combo: QComboBox, value: object) -> None:
    for index in range(combo.count()):
        data = combo.itemData(index)
        if type(data) is type(value) and data == value:
            combo.setCurrentIndex(index)
            return
    raise AssertionError(f"{combo.objectName()} has no option {value!r}")


def _overrides(service: FollowupService, opportunity: int) -> dict[str, object]:
    with service.db.session() as session:
        row = session.get(Opportunity, opportunity)
        assert row is not None
        return dict(row.playbook_overrides)


def test_each_choice_starts_at_my_default_and_explains_itself(
    qtbot: QtBot, service: FollowupService
) -> None:
    editor = _editor(qtbot, service, _opportunity(service))
    page = editor.choices
    tab = editor.tabs.indexOf(page)
    assert editor.tabs.isTabEnabled(tab)
    assert editor.tabs.tabText(tab).replace("&", "") == "Follow-up plan"
    for choice in DISPUTED_CHOICES:
        combo = page.combos[choice.setting]
        assert combo.currentData() is USE_DEFAULT
        assert combo.currentText().startswith("Use my default (")
        assert combo.accessibleName() == choice.accessible_name
        assert combo.accessibleDescription() == choice.explanation
        explanation = page.findChild(QLabel, f"{choice.setting}-explanation")
        assert explanation is not None and explanation.text() == choice.explanation
        caption = next(label for label in page.findChildren(QLabel) if label.buddy() is combo)
        assert "&" in caption.text()  # reachable from the keyboard
    # The defaults are the built-in ones: no paper note, the interviewer, a doubled wait.
    assert page.combos["paper_note"].currentText() == "Use my default (no paper note)"
    assert page.combos["status_to_hr"].currentText() == "Use my default (the interviewer)"


def test_changing_the_choices_in_the_editor_changes_the_plan(
    qtbot: QtBot, service: FollowupService
) -> None:
    opportunity = _opportunity(service)
    before = _first_status_check(service, opportunity)
    assert not _paper_notes(service, opportunity)
    assert before.contact_id is not None and "ana@acme.example" in before.recipient
    # Twice the five days they named (Thursday 3 December); once would be Monday 30.
    assert before.due_at.date() > (END + timedelta(days=9)).date()

    editor = _editor(qtbot, service, opportunity)
    _choose(editor.choices.combos["paper_note"], "handwritten")
    _choose(editor.choices.combos["status_to_hr"], True)
    _choose(editor.choices.combos["double_timeline"], False)
    with qtbot.waitSignal(editor.saved):
        assert editor.save()

    assert _overrides(service, opportunity) == {
        "paper_note": "handwritten",
        "status_to_hr": True,
        "double_timeline": False,
    }
    (paper,) = _paper_notes(service, opportunity)
    assert paper.channel is not None and paper.channel.value == "letter"
    assert "handwritten" in paper.reason
    after = _first_status_check(service, opportunity)
    assert "rita@acme.example" in after.recipient
    assert after.due_at < before.due_at
    assert after.due_at.date() <= (END + timedelta(days=7)).date()

    # Back to "Use my default": the overrides go and the plan is as it was.
    editor = _editor(qtbot, service, opportunity)
    assert editor.choices.combos["paper_note"].currentData() == "handwritten"
    assert editor.choices.combos["status_to_hr"].currentData() is True
    for combo in editor.choices.combos.values():
        combo.setCurrentIndex(0)
    assert editor.save()
    assert _overrides(service, opportunity) == {}
    assert not _paper_notes(service, opportunity)
    again = _first_status_check(service, opportunity)
    assert again.due_at == before.due_at and "ana@acme.example" in again.recipient


def test_the_editor_keeps_overrides_it_does_not_show(
    qtbot: QtBot, service: FollowupService
) -> None:
    opportunity = _opportunity(service)
    service.update_opportunity(
        opportunity,
        OpportunityFields(
            playbook_overrides={"no_timeline_follow_up_days": 10, "paper_note": "printed"}
        ),
    )
    editor = _editor(qtbot, service, opportunity)
    assert editor.choices.combos["paper_note"].currentData() == "printed"
    _choose(editor.choices.combos["double_timeline"], False)
    assert editor.save()
    assert _overrides(service, opportunity) == {
        "no_timeline_follow_up_days": 10,
        "paper_note": "printed",
        "double_timeline": False,
    }


def test_a_new_opportunity_can_take_its_choices_at_once(
    qtbot: QtBot, service: FollowupService
) -> None:
    editor = _editor(qtbot, service, None)
    assert editor.tabs.isTabEnabled(editor.tabs.indexOf(editor.choices))
    assert editor.tabs.isTabEnabled(editor.tabs.indexOf(editor.contacts_page))
    qtbot.keyClicks(editor.company, "Globex")
    qtbot.keyClicks(editor.role, "Analyst")
    _choose(editor.choices.combos["status_to_hr"], True)
    assert editor.save()
    assert editor.opportunity_id is not None
    assert _overrides(service, editor.opportunity_id) == {"status_to_hr": True}


def test_settings_set_the_default_that_the_editor_names(
    qtbot: QtBot, service: FollowupService
) -> None:
    own_choice = _opportunity(service, "Acme")
    follows_default = _opportunity(service, "Globex")
    service.update_opportunity(
        own_choice, OpportunityFields(playbook_overrides={"paper_note": "none"})
    )
    no_store = PasswordStore(backend=keyring.backends.null.Keyring())
    dialog = SettingsDialog(service, passwords=no_store)
    qtbot.addWidget(dialog)
    combo = dialog.playbook_page.editors["paper_note"]
    assert isinstance(combo, QComboBox)
    assert combo.accessibleName() == "Paper note after the emailed thanks"
    assert combo.currentData() == "none"  # Settings hold a choice, never "my default"
    assert dialog.playbook_page.findChild(QLabel, "paper_note-explanation") is not None
    hr = dialog.playbook_page.editors["status_to_hr"]
    assert isinstance(hr, QComboBox) and hr.currentData() is False
    _choose(combo, "printed")
    assert dialog.apply()
    assert service.get_setting(SETTINGS_KEY)["paper_note"] == "printed"

    assert [a.reason for a in _paper_notes(service, follows_default)]
    assert "printed" in _paper_notes(service, follows_default)[0].reason
    assert not _paper_notes(service, own_choice)  # its own choice wins over the default

    editor = _editor(qtbot, service, follows_default)
    assert editor.choices.combos["paper_note"].currentText() == (
        "Use my default (a printed letter)"
    )
    # Reopening Settings shows the stored choice, a boolean one included.
    _choose(hr, True)
    assert dialog.apply()
    reopened = SettingsDialog(service, passwords=no_store)
    qtbot.addWidget(reopened)
    assert reopened.playbook_page.editors["status_to_hr"].currentData() is True  # type: ignore[attr-defined]
    assert reopened.playbook_page.editors["paper_note"].currentData() == "printed"  # type: ignore[attr-defined]
    reopened.restore_defaults()
    assert reopened.playbook_page.editors["status_to_hr"].currentData() is False  # type: ignore[attr-defined]
    assert reopened.playbook_page.editors["double_timeline"].currentData() is True  # type: ignore[attr-defined]
