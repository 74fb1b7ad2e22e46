"""The calendar page: the month grid, its keys, opening entries, scheduling, .ics files."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from followup_desktop.core.calendar_query import CalendarEntry, EntryKind
from followup_desktop.core.db import Database
from followup_desktop.core.models import Interview, Opportunity
from followup_desktop.core.services import FollowupService
from followup_desktop.core.timeutil import local_zone
from followup_desktop.gui.calendar import CalendarPage, ScheduleInterviewDialog
from followup_desktop.gui.calendar.day_delegate import cell_text
from followup_desktop.gui.calendar.month_model import (
    EntriesRole,
    IsTodayRole,
    TotalRole,
    add_months,
    first_visible_day,
)
from followup_desktop.gui.editor import OpportunityEditor
from followup_desktop.gui.main_window import MainWindow, dropped_ics
from gui_helpers import NOW, AnsweringDialogs, window_settings

FIXTURES = Path(__file__).parent / "fixtures" / "ics"


@pytest.fixture
def service(database: Database) -> FollowupService:
    return FollowupService(database, clock=lambda: NOW)


def open_window(qtbot: QtBot, service: FollowupService, tmp_path: Path) -> MainWindow:
    window = MainWindow(service, dialogs=AnsweringDialogs(), settings=window_settings(tmp_path))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: not window.tasks.busy)
    return window


def dialogs_of(window: MainWindow) -> AnsweringDialogs:
    assert isinstance(window.dialogs, AnsweringDialogs)
    return window.dialogs


def local(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), local_zone())


def today() -> date:
    return NOW.astimezone(local_zone()).date()


def show_calendar(window: MainWindow) -> CalendarPage:
    window.calendar_action.trigger()
    page = window.calendar
    assert page is not None
    assert window.views.currentWidget() is page
    return page


def test_view_menu_shows_the_calendar_with_ctrl_2(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    window = open_window(qtbot, service, tmp_path)
    assert window.calendar_action.isEnabled()
    assert window.calendar_action.shortcut().toString() == "Ctrl+2"
    assert window.today_action.shortcut().toString() != "Ctrl+2"
    page = show_calendar(window)
    assert window.calendar_action.isChecked()
    assert not window.search.isEnabled()  # the board's filters do not act here
    assert page.view.hasFocus()
    for widget in (page.previous_button, page.today_button, page.next_button, page.view):
        assert widget.accessibleName()
    window.close()
    again = open_window(qtbot, service, tmp_path)
    assert again.views.currentWidget() is again.calendar


def test_a_day_shows_interviews_actions_and_the_expected_decision(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    day = today()
    acme = service.create_opportunity("Acme", "Analyst").created_id
    assert acme is not None
    interview = service.record_interview(
        acme, local(day, 14), local(day, 15), timezone="UTC"
    ).created_id
    assert interview is not None
    service.update_interview(interview, decision_date=day + timedelta(days=3))
    service.add_action(
        "call_recruiter", NOW - timedelta(minutes=30), opportunity_id=acme, reason="Asked to."
    )
    window = open_window(qtbot, service, tmp_path)
    page = show_calendar(window)
    model = page.model
    ModelTester(None).check(model)  # type: ignore[no-untyped-call]
    assert page.title.text() == f"{day:%B} {day.year}"
    index = model.index_of(day)
    assert index.data(IsTodayRole) is True
    assert "(today)" in index.data(Qt.ItemDataRole.ToolTipRole)
    entries: list[CalendarEntry] = index.data(EntriesRole)
    kinds = {entry.kind for entry in entries}
    assert EntryKind.INTERVIEW in kinds
    interview_entry = next(e for e in entries if e.kind is EntryKind.INTERVIEW)
    assert cell_text(interview_entry, page.time_text(interview_entry)).startswith("14:00 Acme")
    call = next(e for e in entries if e.action_kind == "call_recruiter")
    # Overdue is said in words, not only in colour.
    assert call.overdue
    assert "overdue" in cell_text(call, page.time_text(call))
    assert "(overdue)" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert "overdue" in index.data(Qt.ItemDataRole.AccessibleTextRole)
    decision = model.index_of(day + timedelta(days=3)).data(EntriesRole)
    assert [e.kind for e in decision][:1] == [EntryKind.DECISION]
    assert "Decision due: Acme" in cell_text(decision[0], "")


def test_busy_days_say_how_many_more(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    acme = service.create_opportunity("Acme", "Analyst").created_id
    day = today() + timedelta(days=2)
    for minute in range(9):
        service.add_action(
            "custom", local(day, 10) + timedelta(minutes=minute), opportunity_id=acme
        )
    window = open_window(qtbot, service, tmp_path)
    page = show_calendar(window)
    index = page.model.index_of(day)
    assert index.data(TotalRole) >= 9
    assert len(index.data(EntriesRole)) < index.data(TotalRole)  # capped per day
    assert "more" in index.data(Qt.ItemDataRole.ToolTipRole)
    cell = page.delegate.layout(
        page.view.visualRect(index), index.data(EntriesRole), index.data(TotalRole)
    )
    assert cell.more is not None
    assert cell.hidden == index.data(TotalRole) - len(cell.lines)


def test_buttons_and_keys_move_through_the_months(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    window = open_window(qtbot, service, tmp_path)
    page = show_calendar(window)
    month = today().replace(day=1)
    assert page.model.first_day == first_visible_day(month)
    page.next_button.click()
    assert page.model.month == add_months(month, 1)
    page.previous_button.click()
    page.previous_button.click()
    assert page.model.month == add_months(month, -1)
    page.today_button.click()
    assert page.model.month == month
    assert page.selected_day == today()

    qtbot.keyClick(page.view, Qt.Key.Key_PageDown)
    assert page.model.month == add_months(month, 1)
    qtbot.keyClick(page.view, Qt.Key.Key_PageUp)
    qtbot.keyClick(page.view, Qt.Key.Key_PageUp)
    assert page.model.month == add_months(month, -1)
    qtbot.keyClick(page.view, Qt.Key.Key_Home)
    assert (page.model.month, page.selected_day) == (month, today())
    qtbot.keyClick(page.view, Qt.Key.Key_Right)
    qtbot.keyClick(page.view, Qt.Key.Key_Down)
    assert page.selected_day == today() + timedelta(days=8)
    assert page.model.day_at(page.view.currentIndex()) == page.selected_day
    qtbot.keyClick(page.view, Qt.Key.Key_Up)
    qtbot.keyClick(page.view, Qt.Key.Key_Left)
    assert page.selected_day == today()
    # Leaving the month with the arrows turns the page.
    last = add_months(month, 1) - timedelta(days=1)
    page.select_day(last)
    qtbot.keyClick(page.view, Qt.Key.Key_Right)
    assert page.model.month == add_months(month, 1)


def test_opening_entries_routes_to_the_opportunity_or_the_action(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    day = today() + timedelta(days=1)
    acme = service.create_opportunity("Acme", "Analyst").created_id
    assert acme is not None
    service.record_interview(acme, local(day, 11), local(day, 12), timezone="UTC")
    window = open_window(qtbot, service, tmp_path)
    page = show_calendar(window)
    entries = page.model.entries(day)
    interview = next(e for e in entries if e.kind is EntryKind.INTERVIEW)

    # Double-click on the interview's line opens its opportunity (through the window).
    index = page.model.index_of(day)
    cell = page.delegate.layout(
        page.view.visualRect(index), index.data(EntriesRole), index.data(TotalRole)
    )
    line = next(rect for rect, entry in cell.lines if entry.key == interview.key)
    qtbot.mouseDClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=line.center())
    shown = dialogs_of(window).shown
    assert isinstance(shown[-1], OpportunityEditor)
    assert shown[-1].opportunity_id == acme

    # An action goes to open_action; Enter on a busy day offers the list first.
    added = service.add_action("custom", local(day, 16), opportunity_id=acme)
    todo = added.created_id
    window.apply_change(added)
    target = next(e for e in page.model.entries(day) if e.action_id == todo)
    offered: list[list[CalendarEntry]] = []

    def choose(options: list[CalendarEntry], _where: QPoint) -> CalendarEntry | None:
        offered.append(options)
        return target

    page.choose_entry = choose
    page.select_day(day)
    with qtbot.waitSignal(page.open_action) as blocker:
        qtbot.keyClick(page.view, Qt.Key.Key_Return)
    assert blocker.args == [todo]
    assert offered and len(offered[0]) >= 2


def test_enter_on_a_day_with_one_entry_opens_it(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    window = open_window(qtbot, service, tmp_path)
    page = show_calendar(window)
    acme = service.create_opportunity("Acme", "Analyst").created_id
    day = add_months(today(), 2).replace(day=10)
    added = service.add_action("custom", local(day, 9), opportunity_id=acme)
    todo = added.created_id
    window.apply_change(added)
    page.select_day(day)
    assert page.model.total(day) == 1
    with qtbot.waitSignal(page.open_action) as blocker:
        qtbot.keyClick(page.view, Qt.Key.Key_Enter)
    assert blocker.args == [todo]


def test_double_click_on_an_empty_day_schedules_an_interview(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    window = open_window(qtbot, service, tmp_path)
    page = show_calendar(window)
    day = today() + timedelta(days=4)
    seen: list[ScheduleInterviewDialog] = []

    def run(dialog: object) -> int:
        assert isinstance(dialog, ScheduleInterviewDialog)
        seen.append(dialog)
        assert dialog.starts.time().toString("HH:mm") == "10:00"
        assert dialog.ends.time().toString("HH:mm") == "11:00"
        dialog.company.setText("Globex")
        dialog.role.setText("Planner")
        return int(dialog.save())

    dialogs_of(window).run = run  # type: ignore[method-assign]
    center = page.view.visualRect(page.model.index_of(day)).center()
    qtbot.mouseDClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=center)
    assert seen
    with service.db.session() as session:
        interview = session.scalars(select(Interview)).one()
        assert session.get(Opportunity, interview.opportunity_id).company == "Globex"  # type: ignore[union-attr]
        assert interview.starts_at == local(day, 10)
    # The calendar and the board both show it at once.
    assert any(e.kind is EntryKind.INTERVIEW for e in page.model.entries(day))
    assert "Globex" in [card.company for card in window.board_model.cards()]


def test_schedule_dialog_says_what_is_wrong(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    acme = service.create_opportunity("Acme", "Analyst").created_id
    dialog = ScheduleInterviewDialog(service, today(), local_zone())
    qtbot.addWidget(dialog)
    dialog.opportunity.setCurrentIndex(dialog.opportunity.findData(acme))
    assert not dialog.company.isEnabled()
    dialog.ends.setTime(dialog.starts.time())
    assert not dialog.save()
    assert "end after it starts" in dialog.error.text()
    dialog.ends.setTime(dialog.starts.time().addSecs(3600))
    assert dialog.save()
    assert dialog.change is not None and acme in dialog.change.opportunity_ids


def test_import_menu_takes_an_ics_after_a_confirmation(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    window = open_window(qtbot, service, tmp_path)
    dialogs = dialogs_of(window)
    dialogs.answer = False
    dialogs.files.append(FIXTURES / "google.ics")
    window.import_action.trigger()
    assert "Copperleaf" in dialogs.messages[-1][1]
    with service.db.session() as session:
        assert session.scalars(select(Interview)).first() is None
    dialogs.answer = True
    dialogs.files.append(FIXTURES / "google.ics")
    window.import_action.trigger()
    qtbot.waitUntil(lambda: not window.tasks.busy)
    assert "1 interview added" in window.statusBar().currentMessage()
    assert "Copperleaf" in [card.company for card in window.board_model.cards()]
    dialogs.files.append(FIXTURES / "truncated.ics")
    window.import_action.trigger()
    assert dialogs.messages[-1][0] == "warning"


def test_dropping_an_ics_file_imports_it(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    window = open_window(qtbot, service, tmp_path)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(FIXTURES / "google.ics"))])
    drop = QDropEvent(
        QPointF(20, 20),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    # What a drag must carry for the window to accept it (dragEnterEvent asks this).
    assert dropped_ics(mime) == [FIXTURES / "google.ics"]
    # Called directly: offscreen Qt delivers drop events only during a real drag.
    window.dropEvent(drop)
    assert drop.isAccepted()
    qtbot.waitUntil(lambda: "Imported google.ics" in window.statusBar().currentMessage())
    with service.db.session() as session:
        assert session.scalars(select(Interview)).one().ical_uid.endswith("@google.com")  # type: ignore[union-attr]

    text = QMimeData()
    text.setUrls([QUrl.fromLocalFile(str(tmp_path / "notes.txt"))])
    other = QDropEvent(
        QPointF(20, 20),
        Qt.DropAction.CopyAction,
        text,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    assert dropped_ics(text) == []
    other.setAccepted(False)
    window.dropEvent(other)
    assert not other.isAccepted()


def test_second_launch_arguments_import_ics_files(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    window = open_window(qtbot, service, tmp_path)
    window.open_arguments(["--minimized", str(FIXTURES / "google.ics")])
    qtbot.waitUntil(lambda: not window.tasks.busy)
    assert "Imported google.ics" in window.statusBar().currentMessage()


def test_export_calendar_runs_on_the_worker(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    acme = service.create_opportunity("Acme", "Analyst").created_id
    assert acme is not None
    service.record_interview(acme, local(today(), 14), local(today(), 15), timezone="UTC")
    window = open_window(qtbot, service, tmp_path)
    target = tmp_path / "out.ics"
    dialogs_of(window).files.append(target)
    window.export_calendar_action.trigger()
    qtbot.waitUntil(lambda: not window.tasks.busy)
    assert target.read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")
    assert "1 interviews" in window.statusBar().currentMessage()


def test_command_line_hands_ics_files_to_the_window(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from followup_desktop import cli
    from followup_desktop.gui import app

    calls: list[tuple[Path, list[str]]] = []

    def fake_run_gui(db_path: Path, **options: object) -> int:
        arguments = options["arguments"]
        assert isinstance(arguments, list)
        calls.append((db_path, arguments))
        return 0

    monkeypatch.setattr(app, "run_gui", fake_run_gui)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["--db", str(tmp_path / "x.sqlite3"), "invite.ics"]) == 0
    assert calls == [(tmp_path / "x.sqlite3", [str(tmp_path / "invite.ics")])]
    # A subcommand's own file stays its own.
    assert cli._gui_files(["import-ics", "invite.ics"]) == []
