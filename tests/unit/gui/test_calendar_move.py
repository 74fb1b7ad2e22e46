"""Moving an interview from the keyboard ("Move to…") and reading days in words."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QLabel, QMenu
from pytestqt.qtbot import QtBot

from followup_desktop.core import localformat
from followup_desktop.core.calendar_query import CalendarEntry, EntryKind
from followup_desktop.core.db import Database
from followup_desktop.core.models import Interview
from followup_desktop.core.services import FollowupService
from followup_desktop.core.timeutil import local_zone
from followup_desktop.gui import announce as announce_module
from followup_desktop.gui.calendar import CalendarPage
from followup_desktop.gui.calendar.entry_actions import MOVE, OPEN
from followup_desktop.gui.calendar.month_access import DayAccessible, MonthAccessible
from followup_desktop.gui.calendar.month_access import EntryAccessible as MonthEntryAccessible
from followup_desktop.gui.calendar.month_model import full_day
from followup_desktop.gui.calendar.move_dialog import MoveInterviewDialog, movable
from followup_desktop.gui.calendar.week_access import EntryAccessible, WeekAccessible
from followup_desktop.gui.main_window import MainWindow
from gui_helpers import NOW, AnsweringDialogs, window_settings

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise")


@pytest.fixture
def service(database: Database) -> FollowupService:
    return FollowupService(database, clock=lambda: NOW)


@pytest.fixture
def heard() -> Iterator[list[str]]:
    words: list[str] = []
    announce_module.listeners.append(words.append)
    yield words
    announce_module.listeners.remove(words.append)


def _today() -> date:
    return NOW.astimezone(local_zone()).date()


def _local(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), local_zone())


def _page(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> tuple[MainWindow, CalendarPage]:
    window = MainWindow(service, dialogs=AnsweringDialogs(), settings=window_settings(tmp_path))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.settled)
    return window, window.show_calendar()


def _starts(service: FollowupService, interview_id: int) -> datetime:
    with service.db.session() as session:
        interview = session.get(Interview, interview_id)
        assert interview is not None
        return interview.starts_at.astimezone(local_zone())


def _interview(service: FollowupService, day: date, hour: int, company: str = "Acme") -> int:
    opportunity = service.create_opportunity(company, "Analyst").created_id
    assert opportunity is not None
    created = service.record_interview(opportunity, _local(day, hour), _local(day, hour + 1))
    assert created.created_id is not None
    return created.created_id


def _move_by_screen_reader(
    qtbot: QtBot, page: CalendarPage, actions: Any, interview: int, target: datetime
) -> list[list[CalendarEntry]]:
    """A screen reader's "move" on an entry, answered with ``interview`` to ``target``;
    the interviews the move dialog was offered."""
    offered: list[list[CalendarEntry]] = []

    def answer(interviews: list[CalendarEntry]) -> tuple[int, datetime]:
        offered.append(interviews)
        return interview, target

    page.ask_move = answer
    actions.doAction(MOVE)
    assert offered == []  # the dialog waits until the screen reader's call is over
    qtbot.waitUntil(lambda: bool(offered))
    return offered


def test_ctrl_m_moves_the_days_interview_to_another_day_and_time(
    qtbot: QtBot, service: FollowupService, tmp_path: Path, heard: list[str]
) -> None:
    day = _today() + timedelta(days=2)
    interview = _interview(service, day, 10)
    window, page = _page(qtbot, service, tmp_path)
    page.select_day(day)
    offered: list[list[CalendarEntry]] = []
    target = _local(day + timedelta(days=3), 15)

    def answer(interviews: list[CalendarEntry]) -> tuple[int, datetime]:
        offered.append(interviews)
        return interviews[0].interview_id or 0, target

    page.ask_move = answer
    page.view.setFocus()
    qtbot.waitUntil(page.view.hasFocus)
    qtbot.keyClick(page.view, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert [entry.interview_id for entry in offered[0]] == [interview]
    moved = _starts(service, interview)
    assert (moved.date(), moved.hour) == (target.date(), 15)
    assert page.selected_day == target.date()
    assert heard[-1].startswith("Interview with Acme moved to ")
    assert f"{target:%A}, {target:%B} {target.day}, {target.year}, 3:00\u202fPM" in heard[-1]
    window.close()


def test_a_day_without_an_interview_says_what_to_do(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    window, page = _page(qtbot, service, tmp_path)
    asked: list[list[CalendarEntry]] = []

    def ask(interviews: list[CalendarEntry]) -> None:
        asked.append(interviews)

    page.ask_move = ask
    assert page.move_selected_interview() is False
    assert asked == []
    assert "no interview" in page.last_error
    window.close()


def test_the_week_offers_the_selected_interview_first_and_the_context_menu_moves(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    day = _today() + timedelta(days=1)
    first = _interview(service, day, 9, "Acme")
    second = _interview(service, day, 13, "Globex")
    window, page = _page(qtbot, service, tmp_path)
    page.set_mode("week")
    page.select_day(day)
    page.week_view.select_entry(f"interview:{second}")
    assert [e.interview_id for e in page.selected_interviews()] == [second, first]
    menus: list[QMenu] = []
    page.show_menu = lambda menu, where: menus.append(menu)  # type: ignore[method-assign]
    page.ask_move = lambda interviews: (second, _local(day, 16))
    point = page.week_view.block_rect(f"interview:{second}")
    assert point is not None
    page.week_view.customContextMenuRequested.emit(point.center())
    texts = [action.text() for action in menus[0].actions()]
    assert "&Move interview to…" in texts
    next(a for a in menus[0].actions() if a.text() == "&Move interview to…").trigger()
    assert _starts(service, second).hour == 16
    assert _starts(service, first).hour == 9
    window.close()


def test_the_dialog_starts_at_the_interview_and_returns_the_new_start(qtbot: QtBot) -> None:
    tz = local_zone()
    entry = CalendarEntry(
        kind=EntryKind.INTERVIEW,
        key="interview:7",
        opportunity_id=1,
        interview_id=7,
        action_id=None,
        company="Acme",
        role="Analyst",
        starts_at=_local(_today(), 10),
        ends_at=_local(_today(), 11),
        day=_today(),
        round=2,
    )
    dialog = MoveInterviewDialog([entry], tz)
    qtbot.addWidget(dialog)
    assert dialog.interview.currentText().startswith("Acme — Analyst, round 2")
    assert dialog.start.time() == QTime(10, 0)
    tomorrow = _today() + timedelta(days=1)
    dialog.day.setDate(QDate(tomorrow.year, tomorrow.month, tomorrow.day))
    dialog.start.setTime(QTime(14, 30))
    interview_id, starts = dialog.choice()
    assert interview_id == 7
    assert (starts.date(), starts.hour, starts.minute) == (tomorrow, 14, 30)
    # Each field is named by its label, which is its buddy (said once, with the field).
    buddies = {label.buddy(): label.text() for label in dialog.findChildren(QLabel)}
    assert buddies[dialog.day] == "&Day:"
    assert buddies[dialog.start] == "&Start time:"
    assert buddies[dialog.interview] == "&Interview:"
    assert movable([entry]) == [entry]


def test_a_month_cell_reads_every_entry_not_a_count(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    day = _today() + timedelta(days=2)
    _interview(service, day, 10, "Acme")
    _interview(service, day, 14, "Globex")
    window, page = _page(qtbot, service, tmp_path)
    text = page.model.index_of(day).data(Qt.ItemDataRole.AccessibleTextRole)
    assert "Acme" in text and "Globex" in text
    assert "10:00\u202fAM" in text and "2:00\u202fPM" in text
    window.close()


def test_walking_the_week_with_the_arrows_says_each_interview(
    qtbot: QtBot, service: FollowupService, tmp_path: Path, heard: list[str]
) -> None:
    day = _today() + timedelta(days=1)
    _interview(service, day, 9, "Acme")
    _interview(service, day, 13, "Globex")
    window, page = _page(qtbot, service, tmp_path)
    page.set_mode("week")
    page.select_day(day)
    page.week_view.setFocus()
    qtbot.waitUntil(page.week_view.hasFocus)
    entries = page.model.entries(day)
    for _ in entries:
        qtbot.keyClick(page.week_view, Qt.Key.Key_Down)
    # One announcement per entry, the strip's follow-ups first, then the interviews.
    assert len(heard) == len(entries)
    interviews = [words for words in heard if "round" in words or "Interview" in words]
    assert [("Acme" in w, "9:00\u202fAM" in w) for w in interviews[:1]] == [(True, True)]
    assert "Globex" in interviews[-1] and "1:00\u202fPM" in interviews[-1]
    window.close()


def test_the_week_grid_has_an_accessible_object_per_entry(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    day = _today() + timedelta(days=1)
    acme = _interview(service, day, 9, "Acme")
    window, page = _page(qtbot, service, tmp_path)
    page.set_mode("week")
    page.select_day(day)
    page.week_view.select_entry(f"interview:{acme}")
    grid = QAccessible.queryAccessibleInterface(page.week_view)
    assert isinstance(grid, WeekAccessible)
    children = [grid.child(i) for i in range(grid.childCount())]
    entries = [entry for entry in children if isinstance(entry, EntryAccessible)]
    names = [entry.text(QAccessible.Text.Name) for entry in entries]
    assert len(entries) == len(page.week_view.entry_keys())
    block = next(entry for entry in entries if entry.key == f"interview:{acme}")
    assert "Acme" in block.text(QAccessible.Text.Name)
    assert block.text(QAccessible.Text.Name).startswith(f"{day:%A}, {day:%B} {day.day}: ")
    assert block.state().selected
    assert block.role() == QAccessible.Role.ListItem
    assert block.parent() is grid
    assert grid.indexOfChild(block) == grid.childCount() - len(entries) + entries.index(block)
    assert not block.rect().isEmpty()
    assert all(names)
    # The same object each time it is asked for (screen readers keep hold of them).
    assert grid.child(grid.indexOfChild(block)) is block
    window.close()


def test_a_week_entrys_actions_open_it_and_move_it_to_another_day_and_time(
    qtbot: QtBot, service: FollowupService, tmp_path: Path, heard: list[str]
) -> None:
    day = _today() + timedelta(days=1)
    acme = _interview(service, day, 9, "Acme")
    globex = _interview(service, day, 13, "Globex")
    window, page = _page(qtbot, service, tmp_path)
    page.set_mode("week")
    page.select_day(day)
    grid = QAccessible.queryAccessibleInterface(page.week_view)
    assert isinstance(grid, WeekAccessible)
    entries = [grid.child(i) for i in range(grid.childCount())]
    block = next(
        e for e in entries if isinstance(e, EntryAccessible) and e.key == f"interview:{globex}"
    )
    actions = block.actionInterface()
    assert actions is not None
    assert actions.actionNames() == [OPEN, MOVE]
    assert actions.localizedActionName(MOVE) == "Move to another day or time"
    assert actions.keyBindingsForAction(MOVE) == ["Ctrl+M"]

    target = _local(day + timedelta(days=2), 16)
    offered = _move_by_screen_reader(qtbot, page, actions, globex, target)
    # The entry acted on is offered first, though another was selected before.
    assert [e.interview_id for e in offered[0]] == [globex, acme]
    moved = _starts(service, globex)
    assert (moved.date(), moved.hour) == (target.date(), 16)
    assert _starts(service, acme).hour == 9
    assert heard[-1].startswith("Interview with Globex moved to ")
    assert page.week_view.selected_key() == f"interview:{globex}"

    opened: list[int] = []
    page.open_opportunity.connect(opened.append)
    again = next(
        e
        for e in (grid.child(i) for i in range(grid.childCount()))
        if isinstance(e, EntryAccessible) and e.key == f"interview:{acme}"
    )
    again.actionInterface().doAction(OPEN)
    qtbot.waitUntil(lambda: bool(opened))
    with service.db.session() as session:
        interview = session.get(Interview, acme)
        assert interview is not None
        assert opened == [interview.opportunity_id]
    window.close()


def test_a_follow_up_in_the_week_opens_but_does_not_offer_to_move(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    day = _today() + timedelta(days=1)
    _interview(service, day, 9, "Acme")
    window, page = _page(qtbot, service, tmp_path)
    page.set_mode("week")
    page.select_day(day)
    grid = QAccessible.queryAccessibleInterface(page.week_view)
    assert isinstance(grid, WeekAccessible)
    others = [
        e
        for e in (grid.child(i) for i in range(grid.childCount()))
        if isinstance(e, EntryAccessible) and not e.key.startswith("interview:")
    ]
    assert others, "the interview's follow-ups are in the week"
    actions = others[0].actionInterface()
    assert actions is not None
    assert actions.actionNames() == [OPEN]
    window.close()


def test_a_month_days_entries_are_objects_whose_actions_open_and_move_them(
    qtbot: QtBot, service: FollowupService, tmp_path: Path, heard: list[str]
) -> None:
    day = _today() + timedelta(days=1)
    acme = _interview(service, day, 9, "Acme")
    globex = _interview(service, day, 13, "Globex")
    window, page = _page(qtbot, service, tmp_path)
    page.select_day(day)
    grid = QAccessible.queryAccessibleInterface(page.view)
    assert isinstance(grid, MonthAccessible)
    children = [grid.child(i) for i in range(grid.childCount())]
    cells = [c for c in children if isinstance(c, DayAccessible)]
    assert len(cells) == page.model.rowCount() * page.model.columnCount()
    # Qt's own focus events name a cell by the table's index: the same one here.
    current = page.view.currentIndex()
    top = 1 if page.view.horizontalHeader().isVisible() else 0
    side = 1 if page.view.verticalHeader().isVisible() else 0
    at = (current.row() + top) * (page.model.columnCount() + side) + current.column() + side
    cell = grid.child(at)
    assert isinstance(cell, DayAccessible)
    assert cell.text(QAccessible.Text.Name).startswith(full_day(day))
    assert cell.state().selected
    assert grid.indexOfChild(cell) == at
    assert cell.role() == QAccessible.Role.Cell
    entries = [cell.child(i) for i in range(cell.childCount())]
    names = [e.text(QAccessible.Text.Name) for e in entries if e is not None]
    assert any("Acme" in n and localformat.clock(time(9, 0)) in n for n in names), names
    block = next(
        e for e in entries if isinstance(e, MonthEntryAccessible) and e.key == f"interview:{globex}"
    )
    assert block.parent() is cell
    assert cell.indexOfChild(block) == entries.index(block)
    actions = block.actionInterface()
    assert actions is not None
    assert actions.actionNames() == [OPEN, MOVE]

    target = _local(day + timedelta(days=3), 8)
    offered = _move_by_screen_reader(qtbot, page, actions, globex, target)
    assert [e.interview_id for e in offered[0]] == [globex, acme]
    moved = _starts(service, globex)
    assert (moved.date(), moved.hour) == (target.date(), 8)
    assert heard[-1].startswith("Interview with Globex moved to ")

    opened: list[int] = []
    page.open_opportunity.connect(opened.append)
    again = grid.day_cell(day)
    assert again is not None
    acme_entry = next(
        again.child(i)
        for i in range(again.childCount())
        if isinstance(again.child(i), MonthEntryAccessible)
        and again.child(i).key == f"interview:{acme}"  # type: ignore[union-attr]
    )
    assert acme_entry is not None
    acme_entry.actionInterface().doAction(OPEN)
    qtbot.waitUntil(lambda: bool(opened))
    with service.db.session() as session:
        interview = session.get(Interview, acme)
        assert interview is not None
        assert opened == [interview.opportunity_id]
    window.close()
