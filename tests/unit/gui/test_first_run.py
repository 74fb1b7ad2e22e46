"""A first run: what an empty board says to someone who has just installed Followup."""

from __future__ import annotations

from followup_desktop.core.kinds import StageKind
from followup_desktop.core.services import FollowupService
from followup_desktop.gui.board_hints import empty_column_hint
from followup_desktop.gui.main_window import MainWindow


def test_empty_columns_say_what_belongs_in_them(window: MainWindow) -> None:
    by_name = {column.stage.name: column for column in window.board.columns}
    applied = by_name["Applied"].view
    assert applied.accessibleName() == "Applied column, 0 cards"
    assert applied.empty_hint.startswith("Jobs you've applied to.")
    assert "Jobs you've applied to." in applied.accessibleDescription()
    # Each column has its own words, not one sentence for all.
    hints = {column.view.empty_hint for column in window.board.columns}
    assert len(hints) == len(window.board.columns)


def test_a_renamed_or_added_stage_is_described_by_its_kind() -> None:
    assert empty_column_hint("Applied", StageKind.ACTIVE).startswith("Jobs you've applied to.")
    assert empty_column_hint(" APPLIED ", StageKind.ACTIVE).startswith("Jobs you've applied")
    assert empty_column_hint("Tech test", StageKind.ACTIVE).startswith(
        "Jobs you are in the middle of."
    )
    assert "Move to" in empty_column_hint("Tech test", StageKind.ACTIVE)


def test_a_column_with_a_card_drops_its_hint(window: MainWindow, service: FollowupService) -> None:
    window.apply_change(service.create_opportunity("Acme", "Analyst"))
    column = next(c for c in window.board.columns if c.view.proxy.rowCount() == 1)
    assert column.view.accessibleDescription() == ""
    assert column.view.accessibleName().endswith("1 card")
