"""A rejection logged in the editor's correspondence moves the card to Rejected, and the
editor's Save keeps it there: the plan then offers the courteous reply, not a status check."""

from __future__ import annotations

from datetime import timedelta

from pytestqt.qtbot import QtBot

from followup_desktop.core.services import FollowupService, OpportunityFields, ReplyOutcome
from followup_desktop.gui.editor import from_utc
from followup_desktop.gui.main_window import MainWindow
from gui_helpers import NOW
from plan_helpers import open_kinds


def stage_named(window: MainWindow, name: str) -> int:
    return next(column.stage.id for column in window.board.columns if column.stage.name == name)


def test_a_rejection_logged_in_the_editor_moves_the_card_and_save_keeps_it(
    window: MainWindow, service: FollowupService, qtbot: QtBot
) -> None:
    interviewing, rejected = stage_named(window, "Interviewing"), stage_named(window, "Rejected")
    change = service.create_opportunity("Acme", "Analyst", OpportunityFields(stage_id=interviewing))
    acme = change.created_id
    assert acme is not None
    service.record_interview(acme, NOW - timedelta(days=3), NOW - timedelta(days=3, hours=-1))
    window.apply_change(change)
    assert "status_follow_up" in open_kinds(service, acme)
    editor = window.make_editor(acme)
    qtbot.addWidget(editor)
    editor.message_when.setDateTime(from_utc(NOW - timedelta(hours=1)))
    editor.message_subject.setText("Your application")
    editor.message_outcome.setCurrentIndex(
        editor.message_outcome.findData(ReplyOutcome.REJECTION.value)
    )
    assert editor.add_message()
    assert editor.stage.currentData() == rejected
    assert editor.save()
    [card] = [c for c in window.board_model.cards() if c.opportunity_id == acme]
    assert card.stage_id == rejected
    kinds = open_kinds(service, acme)
    assert "reply_to_rejection" in kinds
    assert not kinds & {"status_follow_up", "still_interested"}, kinds
