"""An interview added in the editor moves its card on the board to the interviewing stage."""

from __future__ import annotations

from datetime import timedelta

from pytestqt.qtbot import QtBot

from followup_desktop.core.services import FollowupService, OpportunityFields
from followup_desktop.gui.editor import from_utc
from followup_desktop.gui.main_window import MainWindow
from gui_helpers import NOW


def stage_named(window: MainWindow, name: str) -> int:
    return next(column.stage.id for column in window.board.columns if column.stage.name == name)


def test_an_interview_added_in_the_editor_moves_the_card_and_save_keeps_it(
    window: MainWindow, service: FollowupService, qtbot: QtBot
) -> None:
    applied, interviewing = stage_named(window, "Applied"), stage_named(window, "Interviewing")
    change = service.create_opportunity("Acme", "Analyst", OpportunityFields(stage_id=applied))
    window.apply_change(change)
    acme = change.created_id
    assert acme is not None
    editor = window.make_editor(acme)
    qtbot.addWidget(editor)
    start = from_utc(NOW - timedelta(hours=1))
    editor.interview_starts.setDateTime(start)
    editor.interview_ends.setDateTime(start.addSecs(45 * 60))
    assert editor.add_interview()
    # On the board at once, through the change the editor published.
    [card] = [c for c in window.board_model.cards() if c.opportunity_id == acme]
    assert card.stage_id == interviewing
    assert editor.stage.currentData() == interviewing
    assert editor.save()
    [card] = [c for c in window.board_model.cards() if c.opportunity_id == acme]
    assert card.stage_id == interviewing
