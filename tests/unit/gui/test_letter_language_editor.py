"""The opportunity editor's "Letters in" choice is saved and shown again."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from followup_desktop.core.db import Database
from followup_desktop.core.queries.editor import opportunity_details
from followup_desktop.core.services import FollowupService
from gui_helpers import NOW
from test_gui_editor import make_editor


@pytest.fixture
def service(database: Database) -> FollowupService:
    return FollowupService(database, clock=lambda: NOW)


def test_the_choice_is_saved_and_shown_again(qtbot: QtBot, service: FollowupService) -> None:
    editor = make_editor(qtbot, service, None)
    combo = editor.letter_language
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "The app's language",
        "English",
        "Deutsch",
        "Français",
    ]
    assert combo.language() is None
    editor.company.setText("Kiteloop")
    editor.role.setText("Data Engineer")
    combo.set_language("de")
    assert editor.save()
    opportunity = editor.opportunity_id
    assert opportunity is not None
    with service.db.session() as session:
        assert opportunity_details(session, opportunity).letter_language == "de"
    again = make_editor(qtbot, service, opportunity)
    assert again.letter_language.language() == "de"
    again.letter_language.set_language(None)
    assert again.save()
    with service.db.session() as session:
        assert opportunity_details(session, opportunity).letter_language is None
