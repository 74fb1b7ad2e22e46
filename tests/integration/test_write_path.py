"""Every write goes through the service: the command line, the imports and the window.

The guard (tests/write_guard.py) refuses any INSERT, UPDATE or DELETE that does not run
inside the service's own transaction, at SQLAlchemy's level and at SQLite's, and fails
the test if one happened even when the code under test swallowed the error.
"""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select, text

from followup_desktop.cli import main
from followup_desktop.core.agenda import driver_connection
from followup_desktop.core.board import load_stages
from followup_desktop.core.db import Database
from followup_desktop.core.imports.contacts import plan_contacts_file
from followup_desktop.core.models import Contact, Opportunity, Setting
from followup_desktop.core.reminders import ReminderService
from followup_desktop.core.services import Change, FollowupService, OpportunityFields
from followup_desktop.gui.commands import MoveCardsCommand
from followup_desktop.gui.debrief.dialog import DebriefDialog
from followup_desktop.gui.editor import OpportunityEditor
from gui_helpers import NOW
from write_guard import (
    WriteAroundServiceError,
    WriteGuard,
    write_guard,
    write_guarded_fixture,  # noqa: F401 - the fixture write_guarded
)

FIXTURES = Path(__file__).parents[1] / "fixtures" / "imports"
WISHLIST, APPLIED = 1, 2


@pytest.fixture
def service(database: Database) -> FollowupService:
    return FollowupService(database, clock=lambda: NOW)


def test_the_guard_fails_a_write_around_the_service(service: FollowupService) -> None:
    outer = pytest.raises(WriteAroundServiceError, match="went around the service")
    with outer, write_guard() as guard:
        with pytest.raises(WriteAroundServiceError), service.db.session() as session:
            session.add(Setting(key="sneaky", value=1))
        # A write on the raw driver connection is refused by SQLite itself.
        with service.db.session() as session:
            raw = driver_connection(session)
            with pytest.raises(sqlite3.DatabaseError, match="not authorized"):
                raw.execute("UPDATE stages SET name = 'x' WHERE id = 1")
        assert len(guard.offences) == 2
    assert service.get_setting("sneaky") is None
    # The service's own writes pass, and afterwards plain writes work again.
    with write_guard() as guard:
        service.set_setting("board_card_order.1", {"7": 1.0})
    assert guard.service_writes >= 1
    with service.db.session() as session:
        session.execute(text("UPDATE settings SET value = '{}' WHERE key = 'board_card_order.1'"))


def test_service_operations_write_only_through_the_service(
    service: FollowupService, write_guarded: WriteGuard
) -> None:
    acme = service.create_opportunity("Acme", "Analyst").created_id
    assert acme is not None
    service.update_opportunity(acme, OpportunityFields(location="Berlin"))
    interview = service.record_interview(
        acme, NOW - timedelta(hours=2), NOW - timedelta(hours=1)
    ).created_id
    assert interview is not None
    service.move_cards({acme: APPLIED}, order_stage_id=APPLIED, ranks={acme: 0.0})
    reminders = ReminderService(service.db, clock=lambda: NOW)
    reminders.set_quiet_hours(False)
    reminders.pause_until(NOW + timedelta(hours=1))
    reminders.pause_until(None)
    due = reminders.pending(NOW + timedelta(days=30))
    assert due, "the interview's follow-ups are due within a month"
    assert reminders.record(due, "banner") == len(due)
    assert write_guarded.service_writes > 0


def test_the_command_line_and_the_imports_write_only_through_the_service(
    database: Database, db_path: Path, write_guarded: WriteGuard
) -> None:
    assert main(["--db", str(db_path), "import-csv", str(FIXTURES / "teal.csv")]) == 0
    assert main(["--db", str(db_path), "import-contacts", str(FIXTURES / "Connections.csv")]) == 0
    page = FIXTURES / "posting-greenhouse.html"
    assert main(["--db", str(db_path), "import-posting", str(page)]) == 0
    assert main(["--db", str(db_path), "stats", "--apply-multiplier"]) in {0, 2}
    plan = plan_contacts_file(database, FIXTURES / "address-book.vcf")
    FollowupService(database, clock=lambda: NOW).import_contacts(plan)
    with database.session() as session:
        assert session.scalars(select(Opportunity.id)).first() is not None
        assert session.scalars(select(Contact.id)).first() is not None
    assert not write_guarded.offences


def test_the_demo_and_the_json_and_calendar_imports_write_only_through_the_service(
    tmp_path: Path,
) -> None:
    from followup_desktop.core.db import open_database

    demo, again = tmp_path / "demo.sqlite3", tmp_path / "again.sqlite3"
    # Made (migrated, with their default stages) before the guard: storage's own writes.
    for path in (demo, again):
        open_database(path).close()
    export = tmp_path / "export.json"
    invitation = Path(__file__).parents[1] / "fixtures" / "ics" / "google.ics"
    calendar = tmp_path / "all.ics"
    with write_guard() as guard:
        assert main(["--db", str(demo), "demo", "--opportunities", "12"]) == 0
        assert main(["--db", str(demo), "export", str(export)]) == 0
        assert main(["--db", str(again), "import", str(export)]) == 0
        assert main(["--db", str(again), "import-ics", "--yes", str(invitation)]) == 0
        assert main(["--db", str(again), "export-ics", str(calendar)]) == 0
    assert calendar.exists()
    assert guard.service_writes > 0
    assert not guard.offences


def test_the_boards_move_and_undo_write_only_through_the_service(
    qapp: object, service: FollowupService, write_guarded: WriteGuard
) -> None:
    acme = service.create_opportunity("Acme", "A", OpportunityFields(stage_id=WISHLIST)).created_id
    beta = service.create_opportunity("Beta", "B", OpportunityFields(stage_id=APPLIED)).created_id
    assert acme is not None and beta is not None
    seen: list[Change] = []
    # What the window pushes on its undo stack when a card is dropped above Beta.
    command = MoveCardsCommand(
        service,
        lambda change, _ranks: seen.append(change),
        {acme: WISHLIST},
        APPLIED,
        "Applied",
        stored_before={},
        stored_after={acme: 0.0, beta: 1.0},
    )
    command.redo()
    assert service.get_setting(f"board_card_order.{APPLIED}") == {str(acme): 0.0, str(beta): 1.0}
    command.undo()
    assert service.get_setting(f"board_card_order.{APPLIED}") == {}
    with service.db.session() as session:
        assert (
            session.scalar(select(Opportunity.stage_id).where(Opportunity.id == acme)) == WISHLIST
        )
    assert [acme in change.opportunity_ids for change in seen] == [True, True]
    assert write_guarded.service_writes > 0


def test_the_editor_and_the_debrief_write_only_through_the_service(
    qtbot: QtBot, service: FollowupService, write_guarded: WriteGuard
) -> None:
    with service.db.session() as session:
        stages = load_stages(session)
    editor = OpportunityEditor(service, None, stages)
    qtbot.addWidget(editor)
    qtbot.keyClicks(editor.company, "Acme")
    qtbot.keyClicks(editor.role, "Analyst")
    qtbot.keyClicks(editor.salary_currency, "us")  # what the import and the CLI accept
    assert editor.save()
    opportunity = editor.opportunity_id
    assert opportunity is not None
    interview = service.record_interview(
        opportunity, NOW - timedelta(hours=3), NOW - timedelta(hours=2), "Europe/Berlin"
    ).created_id
    assert interview is not None
    dialog = DebriefDialog(service, interview)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.text["went_well"].setFocus()
    qtbot.keyClicks(dialog.text["went_well"], "Clear SQL walkthrough")
    assert dialog.save_draft()
    assert dialog.submit()
    with service.db.session() as session:
        stored = session.get(Opportunity, opportunity)
        assert stored is not None and stored.salary_currency == "US"
    assert write_guarded.service_writes > 0
