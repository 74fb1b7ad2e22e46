"""The window opens on a real database and its agenda model behaves as Qt expects."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from followup_desktop.core.db import Database
from followup_desktop.core.services import FollowupService
from followup_desktop.gui.main_window import MainWindow

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


def test_window_shows_the_agenda(
    qtbot: QtBot, qtmodeltester: ModelTester, database: Database
) -> None:
    service = FollowupService(database, clock=lambda: NOW)
    opportunity = service.create_opportunity("Acme", "Analyst").created_id
    service.add_action(
        "call_recruiter", NOW - timedelta(hours=1), opportunity_id=opportunity, reason="They asked."
    )
    window = MainWindow(service)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtmodeltester.check(window.agenda_model)
    model = window.agenda_model
    texts = [model.index(row, 2).data() for row in range(model.rowCount())]
    assert any("Call recruiter" in text for text in texts)
    overdue_rows = [
        row for row in range(model.rowCount()) if model.index(row, 1).data() == "Overdue"
    ]
    assert overdue_rows
    assert window.agenda_view.accessibleName()
    assert "overdue" in window.statusBar().currentMessage()
