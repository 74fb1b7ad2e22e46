"""An interview recorded (in the editor, or as the one just had) moves its card on the board
to the interviewing stage; the window offers that move for undo."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from followup_desktop.core.models import Interview, StageChange
from followup_desktop.core.services import FollowupService, OpportunityFields
from followup_desktop.gui.calendar import JustHadInterviewDialog, ScheduleInterviewDialog
from followup_desktop.gui.editor import from_utc
from followup_desktop.gui.main_window import MainWindow
from gui_helpers import NOW, AnsweringDialogs


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


def _card_stage(window: MainWindow, opportunity_id: int) -> int:
    [card] = [c for c in window.board_model.cards() if c.opportunity_id == opportunity_id]
    return card.stage_id


def _save_button(dialog: QWidget) -> QPushButton:
    [save] = [b for b in dialog.findChildren(QPushButton) if b.text().replace("&", "") == "Save"]
    return save


def test_recording_the_interview_just_had_moves_the_card_and_undo_puts_it_back(
    window: MainWindow, service: FollowupService, qtbot: QtBot
) -> None:
    applied, interviewing = stage_named(window, "Applied"), stage_named(window, "Interviewing")
    change = service.create_opportunity("Acme", "Analyst", OpportunityFields(stage_id=applied))
    window.apply_change(change)
    acme = change.created_id
    assert acme is not None
    assert window.board.select_cards([acme])
    window.just_had_action.trigger()
    dialogs = window.dialogs
    assert isinstance(dialogs, AnsweringDialogs)
    [recorder] = [d for d in dialogs.shown if isinstance(d, JustHadInterviewDialog)]
    assert recorder.opportunity.currentData() == acme
    _save_button(recorder).click()
    assert _card_stage(window, acme) == interviewing
    assert "Undo" in window.statusBar().currentMessage()
    assert window.undo_stack.undoText() == "Move card to Interviewing"
    window.undo_stack.undo()
    assert _card_stage(window, acme) == applied
    with service.db.session() as session:
        # Both moves are in the stage history, and the interview itself stays.
        history = session.scalars(
            select(StageChange.to_stage_id)
            .where(StageChange.opportunity_id == acme)
            .order_by(StageChange.id)
        ).all()
        assert history[-2:] == [interviewing, applied]
        assert session.scalar(select(func.count()).select_from(Interview)) == 1
    window.undo_stack.redo()
    assert _card_stage(window, acme) == interviewing


def test_an_interview_that_moves_nothing_leaves_nothing_to_undo(
    window: MainWindow, service: FollowupService, qtbot: QtBot
) -> None:
    interviewing = stage_named(window, "Interviewing")
    change = service.create_opportunity("Acme", "Analyst", OpportunityFields(stage_id=interviewing))
    window.apply_change(change)
    window.router.schedule_interview(NOW.date())
    dialogs = window.dialogs
    assert isinstance(dialogs, AnsweringDialogs)
    [dialog] = [d for d in dialogs.shown if isinstance(d, ScheduleInterviewDialog)]
    dialog.opportunity.setCurrentIndex(dialog.opportunity.findData(change.created_id))
    _save_button(dialog).click()
    assert dialog.interview_id is not None
    assert dialog.stage_move is None
    assert not window.undo_stack.canUndo()
