"""A first run: what an empty board says to someone who has just installed Followup."""

from __future__ import annotations

import sqlite3
import sys
from contextlib import closing
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot

from followup_desktop.core.kinds import StageKind
from followup_desktop.core.services import FollowupService
from followup_desktop.gui.board_hints import empty_column_hint
from followup_desktop.gui.demo_launch import DEMO_NAME, demo_path
from followup_desktop.gui.main_window import MainWindow
from followup_desktop.gui.welcome import LINES
from gui_helpers import AnsweringDialogs, open_window


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


def welcome_button(window: MainWindow, name: str) -> QPushButton:
    buttons = [
        b for b in window.pages.welcome.findChildren(QPushButton) if b.accessibleName() == name
    ]
    assert len(buttons) == 1, name
    return buttons[0]


def test_an_empty_database_opens_on_a_welcome_that_goes_with_the_first_card(
    window: MainWindow, service: FollowupService
) -> None:
    assert window.pages.showing(window.board)
    assert window.pages.welcome.isVisible()
    assert window.pages.welcome.accessibleName() == "Welcome to Followup"
    assert window.pages.welcome.text.text() == "\n".join(LINES)
    for name in ("Import an invitation or an export", "Import a spreadsheet"):
        button = welcome_button(window, name)
        assert button.focusPolicy() & Qt.FocusPolicy.TabFocus
        assert button.accessibleDescription()
    window.apply_change(service.create_opportunity("Acme", "Analyst"))
    assert not window.pages.welcome.isVisible()


class AskedForFiles(AnsweringDialogs):
    """Answers like its parent, and notes the title of every file it is asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.titles: list[str] = []

    def open_file(self, parent: QWidget | None, title: str, name_filter: str) -> Path | None:
        self.titles.append(title)
        return None  # the person closed the file dialog: nothing is read


def test_the_welcome_adds_the_job_of_the_interview_just_had(
    window: MainWindow, qtbot: QtBot
) -> None:
    dialogs = window.dialogs
    assert isinstance(dialogs, AnsweringDialogs)
    qtbot.mouseClick(
        welcome_button(window, "Add the job you just interviewed for"), Qt.MouseButton.LeftButton
    )
    assert [type(dialog).__name__ for dialog in dialogs.shown] == ["OpportunityEditor"]
    assert window.pages.welcome.isVisible()  # closed without saving: still nothing on the board


def test_the_welcome_import_buttons_run_the_window_imports(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    dialogs = AskedForFiles()
    window = open_window(qtbot, service, tmp_path, dialogs)
    welcome_button(window, "Import an invitation or an export").click()
    welcome_button(window, "Import a spreadsheet").click()
    # The invitation/export import asks for a file; the spreadsheet one opens its wizard.
    assert dialogs.titles == ["Import a Followup export or a calendar invitation"]
    assert [type(dialog).__name__ for dialog in dialogs.shown] == ["ImportWizard"]


def test_the_demo_opens_in_a_file_of_its_own_and_leaves_yours_empty(
    window: MainWindow, service: FollowupService, qtbot: QtBot
) -> None:
    started: list[tuple[str, list[str]]] = []

    def record(program: str, arguments: list[str]) -> bool:
        started.append((program, arguments))
        return True

    window.pages.welcome.launch = record
    welcome_button(window, "Try the demo").click()
    qtbot.waitUntil(lambda: bool(started))
    own = service.db.path
    demo = own.with_name(DEMO_NAME)
    ((program, arguments),) = started
    assert program == sys.executable
    assert arguments[-2:] == ["--db", str(demo)]
    assert demo.resolve() != own.resolve()
    with closing(sqlite3.connect(demo)) as connection:
        assert connection.execute("SELECT count(*) FROM opportunities").fetchone()[0] > 0
    with closing(sqlite3.connect(own)) as connection:
        assert connection.execute("SELECT count(*) FROM opportunities").fetchone()[0] == 0
    assert window.pages.welcome.isVisible()


def test_the_demo_file_is_never_your_own(tmp_path: Path) -> None:
    own = tmp_path / DEMO_NAME
    assert demo_path(own) != own
    assert demo_path(tmp_path / "followup.sqlite3") == tmp_path / DEMO_NAME


def test_a_demo_that_cannot_start_says_where_its_file_is(
    window: MainWindow, service: FollowupService, qtbot: QtBot
) -> None:
    dialogs = window.dialogs
    assert isinstance(dialogs, AnsweringDialogs)
    window.pages.welcome.launch = lambda program, arguments: False
    welcome_button(window, "Try the demo").click()
    qtbot.waitUntil(lambda: bool(dialogs.messages))
    assert dialogs.messages == [
        (
            "warning",
            f"The demo could not be started. Its file is {service.db.path.with_name(DEMO_NAME)}.",
        )
    ]
