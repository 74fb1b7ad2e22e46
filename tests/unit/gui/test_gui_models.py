"""Qt's model checks on the models no other test puts through them.

``qtmodeltester`` runs Qt's ``QAbstractItemModelTester`` on the model and stays attached,
so every reset, insertion, removal and change made afterwards is checked as it happens
(a broken signal or index fails the test as a ``qt.modeltest`` warning).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QModelIndex, Qt
from pytestqt.modeltest import ModelTester

from followup_desktop.core.db import Database
from followup_desktop.core.imports.plan import (
    ImportOptions,
    ImportPlan,
    RowAction,
    plan_import_file,
)
from followup_desktop.core.mailbox.state import StoredProposal
from followup_desktop.core.services import FollowupService
from followup_desktop.gui.debrief.rows import FieldSpec, RowsModel
from followup_desktop.gui.import_wizard import PlanModel
from followup_desktop.gui.mailbox.proposals import ProposalModel

IMPORTS = Path(__file__).parents[2] / "fixtures" / "imports"
NOW = datetime(2026, 9, 1, 10, tzinfo=UTC)


def _proposal(number: int, kind: str) -> StoredProposal:
    return StoredProposal(
        id=f"p{number}",
        kind=kind,
        message_key=f"<m{number}@acme.example>",
        folder="INBOX",
        uid=number,
        opportunity_id=1,
        opportunity_label="Acme — Analyst",
        contact_id=None,
        action_id=None,
        sender="ana@acme.example",
        sender_name="Ana Silva" if number % 2 else "",
        recipients=["me@example.org", "cc@example.org"],
        occurred_at=f"2026-11-2{number}T09:00:00+00:00",
        subject=f"Subject {number}",
        first_lines="Thanks for coming in.",
        body="Thanks for coming in.\nBest, Ana",
        outcome="offer" if number == 2 else None,
    )


def _cells(model: ProposalModel | PlanModel | RowsModel, row: int) -> list[str]:
    return [model.index(row, column).data() for column in range(model.columnCount())]


def test_the_mailbox_proposals_pass_the_model_checks(qtmodeltester: ModelTester) -> None:
    model = ProposalModel()
    qtmodeltester.check(model)
    model.set_proposals([_proposal(1, "reply"), _proposal(2, "sent"), _proposal(3, "reply")])
    qtmodeltester.check(model)
    assert model.rowCount() == 3
    assert _cells(model, 0)[:2] == ["Reply", "Ana Silva"]
    assert _cells(model, 1)[:2] == ["Sent by you", "me@example.org, cc@example.org"]
    assert model.rowCount(model.index(0, 0)) == 0, "a table: no row has children"
    assert model.proposal(2).id == "p3"
    model.set_proposals([])
    assert model.rowCount() == 0


def test_the_debrief_rows_pass_the_model_checks_while_edited(
    qtmodeltester: ModelTester,
) -> None:
    fields = [
        FieldSpec("name", "&Name", "Name"),
        FieldSpec("notes", "N&otes", "Notes", multiline=True),
        FieldSpec("email", "&Email", "Email", in_table=False),
    ]
    model = RowsModel(fields)
    qtmodeltester.check(model)
    edits: list[bool] = []
    model.edited.connect(lambda: edits.append(True))
    model.set_rows([{"name": "Ana Silva", "notes": "first line\nsecond line"}])
    assert (model.rowCount(), model.columnCount()) == (1, 2)  # email is not in the table
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Name"
    assert model.index(0, 1).data() == "first line…"
    assert edits == [], "loading is not editing"
    model.append({"name": "Ben Okafor"})
    model.set_value(1, "notes", "asked about SQL")
    model.set_value(1, "email", "ben@acme.example")  # outside the table, still kept
    qtmodeltester.check(model)
    assert model.row(1) == {
        "name": "Ben Okafor",
        "notes": "asked about SQL",
        "email": "ben@acme.example",
    }
    model.remove(0)
    assert [row["name"] for row in model.rows()] == ["Ben Okafor"]
    assert len(edits) == 4
    assert model.rowCount(QModelIndex()) == 1


def _plan(database: Database) -> ImportPlan:
    return plan_import_file(
        database, IMPORTS / "huntr.csv", ImportOptions(), tz=ZoneInfo("Europe/Berlin"), now=NOW
    )


def test_the_import_plan_passes_the_model_checks(
    qtmodeltester: ModelTester, database: Database
) -> None:
    model = PlanModel()
    qtmodeltester.check(model)
    first = _plan(database)
    model.set_rows(first.rows)
    qtmodeltester.check(model)
    created = model.rowCount()
    assert created > 0
    assert {row.action for row in first.rows} == {RowAction.CREATE}
    assert {_cells(model, row)[1] for row in range(created)} == {"Create"}
    FollowupService(database, clock=lambda: NOW).import_rows(first)
    model.set_rows(_plan(database).rows)  # the same file again: every row a duplicate
    assert model.rowCount() == created
    assert {_cells(model, row)[1] for row in range(created)} == {"Skip"}
    assert all(_cells(model, row)[5] for row in range(created)), "a skip says why"
    assert model.headerData(2, Qt.Orientation.Horizontal) == "Company"


def test_an_update_names_its_fields_and_groups_salaries_in_the_persons_language() -> None:
    from followup_desktop.core import i18n
    from followup_desktop.core.imports.plan import PlannedRow
    from followup_desktop.core.imports.stages import StageInfo
    from followup_desktop.core.kinds import StageKind

    row = PlannedRow(
        row=2,
        action=RowAction.UPDATE,
        company="Acme",
        role="Analyst",
        stage=StageInfo(1, "Applied", StageKind.ACTIVE),
        changes=(("salary_min", "60000", "65000"), ("archived", "no", "yes")),
    )
    model = PlanModel()
    model.set_rows([row])
    assert _cells(model, 0)[5] == ("Salary minimum: “60,000” → “65,000”; Archived: “no” → “yes”")
    i18n.set_language("de")
    try:
        assert _cells(model, 0)[5] == (
            "Mindestgehalt: „60.000“ → „65.000“; Archiviert: „nein“ → „ja“"
        )
    finally:
        i18n.set_language("en")
