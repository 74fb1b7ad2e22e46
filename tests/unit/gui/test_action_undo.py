"""Done, snooze and dismiss from Today go on the window's undo stack and come back exactly."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from followup_desktop.core.change import ActionStatus
from followup_desktop.core.db import Database
from followup_desktop.core.models import Action, ActionState
from followup_desktop.core.queries.window import action_statuses
from followup_desktop.core.services import FollowupService
from followup_desktop.gui.main_window import MainWindow
from gui_helpers import NOW, open_window


@pytest.fixture
def service(database: Database) -> FollowupService:
    return FollowupService(database, clock=lambda: NOW)


def _row_of(window: MainWindow, action_id: int) -> int:
    model = window.agenda_model
    rows = [r for r in range(model.rowCount()) if model.item(r).action_id == action_id]
    assert rows, f"action {action_id} is not listed"
    return rows[0]


def _listed(window: MainWindow, action_id: int) -> bool:
    model = window.agenda_model
    return any(model.item(r).action_id == action_id for r in range(model.rowCount()))


def _status(service: FollowupService, action_id: int) -> ActionStatus:
    return action_statuses(service.db, [action_id])[action_id]


def _overdue_action(service: FollowupService) -> int:
    acme = service.create_opportunity("Acme", "Analyst").created_id
    action = service.add_action(
        "call_recruiter", NOW - timedelta(hours=1), opportunity_id=acme, reason="They asked."
    ).created_id
    assert action is not None
    return action


def test_done_from_today_is_undone_and_redone(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    action = _overdue_action(service)
    window = open_window(qtbot, service, tmp_path)
    before = _status(service, action)
    window.today.select_row(_row_of(window, action))
    window.today.done_button.click()
    assert _status(service, action).state == ActionState.DONE
    assert window.undo_stack.undoText() == "Mark done: Call recruiter (Acme)"
    qtbot.waitUntil(lambda: not _listed(window, action))

    window.undo_stack.undo()
    assert _status(service, action) == before
    qtbot.waitUntil(lambda: _listed(window, action))

    window.undo_stack.redo()
    done = _status(service, action)
    assert done.state == ActionState.DONE
    assert done.completed_at == NOW
    qtbot.waitUntil(lambda: not _listed(window, action))


def test_snooze_from_today_undoes_to_the_earlier_snooze_and_due_time(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    action = _overdue_action(service)
    # Already snoozed once (now past), and its due time moved by hand: both must survive.
    service.reschedule_action(action, NOW - timedelta(hours=3))
    service.restore_actions(
        [
            ActionStatus(
                action, "snoozed", NOW - timedelta(minutes=5), NOW - timedelta(hours=3), None
            )
        ]
    )
    before = _status(service, action)
    assert before.state == ActionState.SNOOZED
    window = open_window(qtbot, service, tmp_path)
    window.today.select_row(_row_of(window, action))
    window.today.snooze(NOW + timedelta(days=1))
    assert _status(service, action).snoozed_until == NOW + timedelta(days=1)
    assert window.undo_stack.undoText().startswith("Snooze: ")

    window.undo_stack.undo()
    assert _status(service, action) == before


def test_clearing_the_missed_list_is_undone(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    first, second = _overdue_action(service), _overdue_action(service)
    missed = [
        ActionStatus(i, "missed", None, NOW - timedelta(days=30), None) for i in (first, second)
    ]
    service.restore_actions(missed)
    window = open_window(qtbot, service, tmp_path)
    assert {item.action_id for item in window.today.missed_items} == {first, second}
    window.today_ctl.clear_missed()
    assert {_status(service, i).state for i in (first, second)} == {ActionState.DISMISSED}
    assert window.undo_stack.undoText() == "Clear the missed list"

    window.undo_stack.undo()
    assert [_status(service, i) for i in (first, second)] == missed
    qtbot.waitUntil(lambda: len(window.today.missed_items) == 2)


def test_a_refused_step_leaves_nothing_to_undo(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    action = _overdue_action(service)
    window = open_window(qtbot, service, tmp_path)
    window.today.select_row(_row_of(window, action))
    window.today.snooze(NOW - timedelta(hours=1))  # the service refuses a past time
    assert window.undo_stack.count() == 0
    assert _status(service, action).state == ActionState.OPEN


def test_undoing_a_done_thank_you_puts_every_step_back(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    from test_messages import _interview_with_panel, _thank_you_actions

    opportunity, interview = _interview_with_panel(service)
    thank_you = _thank_you_actions(service, opportunity, interview)[0]

    def plan() -> list[tuple[int, str, object, object]]:
        with service.db.session() as session:
            rows = session.execute(
                select(Action.id, Action.state, Action.due_at, Action.snoozed_until)
            ).all()
        return sorted((r.id, str(r.state), r.due_at, r.snoozed_until) for r in rows)

    before = plan()
    window = open_window(qtbot, service, tmp_path)
    window.today_ctl.complete_action(thank_you)
    assert plan() != before
    window.undo_stack.undo()
    assert plan() == before, "every step stands as it did, re-planned or not"
