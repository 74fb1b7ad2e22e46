"""The calendar page: the month grid, its keys, opening entries, scheduling, .ics files."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from followup_desktop.core.action_kinds import ActionKind
from followup_desktop.core.calendar_query import CalendarEntry, EntryKind
from followup_desktop.core.db import Database
from followup_desktop.core.models import Action, ActionState, Interview, Opportunity
from followup_desktop.core.queries.calendar import expected_decisions
from followup_desktop.core.services import Change, FollowupService, InterviewFields
from followup_desktop.core.timeutil import local_zone
from followup_desktop.gui.calendar import CalendarPage, ScheduleInterviewDialog
from followup_desktop.gui.calendar import page as page_module
from followup_desktop.gui.calendar.agenda_model import AGENDA_DAYS, day_words
from followup_desktop.gui.calendar.day_delegate import cell_text
from followup_desktop.gui.calendar.month_model import (
    INTERVIEW_MIME,
    EntriesRole,
    InMonthRole,
    IsTodayRole,
    TotalRole,
    add_months,
    dragged_interview,
    first_visible_day,
)
from followup_desktop.gui.calendar.page import moved_times
from followup_desktop.gui.editor import OpportunityEditor
from followup_desktop.gui.main_window import MainWindow, dropped_ics
from gui_helpers import NOW, AnsweringDialogs, window_settings

FIXTURES = Path(__file__).parents[2] / "fixtures" / "ics"


@pytest.fixture
def service(database: Database) -> FollowupService:
    return FollowupService(database, clock=lambda: NOW)


def open_window(qtbot: QtBot, service: FollowupService, tmp_path: Path) -> MainWindow:
    window = MainWindow(service, dialogs=AnsweringDialogs(), settings=window_settings(tmp_path))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.settled)
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
    service.update_interview(interview, InterviewFields(decision_date=day + timedelta(days=3)))
    service.add_action(
        "call_recruiter", NOW - timedelta(minutes=30), opportunity_id=acme, reason="Asked to."
    )
    window = open_window(qtbot, service, tmp_path)
    page = show_calendar(window)
    model = page.model
    ModelTester(None).check(model)
    assert page.title.text() == f"{day:%B} {day.year}"
    index = model.index_of(day)
    assert index.data(IsTodayRole) is True
    assert "(today)" in index.data(Qt.ItemDataRole.ToolTipRole)
    entries: list[CalendarEntry] = index.data(EntriesRole)
    kinds = {entry.kind for entry in entries}
    assert EntryKind.INTERVIEW in kinds
    interview_entry = next(e for e in entries if e.kind is EntryKind.INTERVIEW)
    assert cell_text(interview_entry, page.time_text(interview_entry)).startswith(
        "2:00\u202fPM Acme"
    )
    call = next(e for e in entries if e.action_kind == "call_recruiter")
    # Overdue is said in words, not only in colour.
    assert call.overdue
    assert "overdue" in cell_text(call, page.time_text(call))
    assert "(overdue)" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert "overdue" in index.data(Qt.ItemDataRole.AccessibleTextRole)
    # The expected decisions are read on the window's worker and join the days after.
    qtbot.waitUntil(lambda: page.decisions_ready)
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
    qtbot.waitUntil(lambda: window.settled)
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
    qtbot.waitUntil(lambda: window.settled)
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
    qtbot.waitUntil(lambda: window.settled)
    assert target.read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")
    assert "1 interview," in window.statusBar().currentMessage()


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
    assert gc.isenabled()  # the command line's pause of the collector ended with the window
    # A subcommand's own file stays its own.
    assert cli._gui_files(["import-ics", "invite.ics"]) == []


def planned_for(service: FollowupService, interview_id: int) -> dict[str, datetime]:
    """The open planned steps of an interview, by plan key."""
    with service.db.session() as session:
        actions = session.scalars(
            select(Action).where(
                Action.interview_id == interview_id, Action.state == ActionState.OPEN
            )
        ).all()
        return {action.plan_key or action.kind: action.due_at for action in actions}


def test_dragging_an_interview_to_another_day_moves_and_replans_it(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    acme = service.create_opportunity("Acme", "Analyst").created_id
    assert acme is not None
    # Its own zone is New York: the time of day must stay 14:00 there.
    york = ZoneInfo("America/New_York")
    source = add_months(today(), 1).replace(day=8)
    starts = datetime.combine(source, time(14), york)
    created = service.record_interview(
        acme, starts, starts + timedelta(minutes=45), timezone="America/New_York"
    ).created_id
    assert created is not None
    before = planned_for(service, created)
    assert any("thank" in key for key in before), before
    window = open_window(qtbot, service, tmp_path)
    page = show_calendar(window)
    page.select_day(source)
    model = page.model
    drawn = starts.astimezone(local_zone()).date()
    mime = model.mimeData([model.index_of(drawn)])
    assert mime.hasFormat(INTERVIEW_MIME)
    assert dragged_interview(mime) == created
    target = model.index_of(drawn + timedelta(days=7))
    assert target.isValid()
    move = Qt.DropAction.MoveAction
    assert model.canDropMimeData(mime, move, -1, -1, target)
    # A drag of anything else (an .ics file's URL) is not a move.
    files = QMimeData()
    files.setUrls([QUrl.fromLocalFile(str(FIXTURES / "google.ics"))])
    assert not model.canDropMimeData(files, move, -1, -1, target)
    assert not model.dropMimeData(files, move, -1, -1, target)
    changes: list[Change] = []
    window.bus.changed.connect(changes.append)  # the window hears of the move by itself

    assert model.dropMimeData(mime, move, -1, -1, target)

    with service.db.session() as session:
        interview = session.get(Interview, created)
        assert interview is not None
        assert interview.starts_at.astimezone(york) == starts + timedelta(days=7)
        assert interview.starts_at.astimezone(york).time() == time(14)
        assert interview.ends_at - interview.starts_at == timedelta(minutes=45)
    after = planned_for(service, created)
    thank_you = next(key for key in before if "thank" in key)
    assert after[thank_you] - before[thank_you] == timedelta(days=7)
    assert changes and acme in changes[0].opportunity_ids
    # The grid shows it on the new day at once, and the day is selected.
    assert page.selected_day == drawn + timedelta(days=7)
    assert any(e.interview_id == created for e in model.entries(drawn + timedelta(days=7)))
    assert not any(e.interview_id == created for e in model.entries(drawn))
    # Dropping on the day it already has changes nothing.
    same = model.mimeData([model.index_of(drawn + timedelta(days=7))])
    assert not model.dropMimeData(same, move, -1, -1, model.index_of(drawn + timedelta(days=7)))

    # The view's own drop (what a real drag ends with) moves it back.
    near_edge = page.view.visualRect(model.index_of(drawn)).bottomRight() - QPoint(1, 1)
    drop = QDropEvent(
        QPointF(near_edge), move, same, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    page.view.dropEvent(drop)  # offscreen Qt delivers drops only during a real drag
    assert drop.isAccepted()
    assert planned_for(service, created)[thank_you] == before[thank_you]
    assert any(e.interview_id == created for e in model.entries(drawn))


def test_moving_an_interview_keeps_its_wall_clock_across_dst() -> None:
    york = "America/New_York"
    starts = datetime(2026, 3, 5, 10, 0, tzinfo=ZoneInfo(york))
    ends = starts + timedelta(hours=1)
    new_starts, new_ends = moved_times(starts, ends, york, 7)  # DST begins on 8 March
    assert new_starts.astimezone(ZoneInfo(york)) == datetime(2026, 3, 12, 10, tzinfo=ZoneInfo(york))
    assert new_ends - new_starts == timedelta(hours=1)
    assert new_starts - starts == timedelta(days=7) - timedelta(hours=1)


def test_a_failed_move_says_why(qtbot: QtBot, service: FollowupService, tmp_path: Path) -> None:
    window = open_window(qtbot, service, tmp_path)
    page = show_calendar(window)
    with qtbot.waitSignal(page.move_failed) as blocker:
        assert not page.move_interview(9999, today())
    assert "no longer exists" in blocker.args[0]
    assert dialogs_of(window).messages[-1] == ("warning", blocker.args[0])


def test_week_mode_shows_seven_days_and_pages_by_week(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    acme = service.create_opportunity("Acme", "Analyst").created_id
    assert acme is not None
    service.record_interview(acme, local(today(), 14), local(today(), 15), timezone="UTC")
    window = open_window(qtbot, service, tmp_path)
    page = show_calendar(window)
    assert page.month_button.isChecked()
    for button in (page.month_button, page.week_button):
        assert button.accessibleName()
        assert button.focusPolicy() & Qt.FocusPolicy.TabFocus
    page.week_button.click()
    model = page.model
    week_mode = page.week_mode
    assert week_mode
    # The week is its own time grid over the same seven-day model.
    assert page.stack.currentWidget() is page.week_view
    ModelTester(None).check(model)
    assert (model.rowCount(), model.columnCount()) == (1, 7)
    # The week starts on the locale's first day: Sunday in en_US, where the tests run.
    monday = today() - timedelta(days=(today().weekday() + 1) % 7)
    assert monday.weekday() == 6
    assert model.first_day == monday
    assert page.title.text().startswith(f"Week {(monday + timedelta(days=1)).isocalendar().week}")
    assert page.next_button.accessibleName() == "Next week"
    # The same entries as the month shows.
    assert any(e.kind is EntryKind.INTERVIEW for e in model.index_of(today()).data(EntriesRole))
    qtbot.keyClick(page.week_view, Qt.Key.Key_PageDown)
    assert model.first_day == monday + timedelta(days=7)
    assert page.selected_day == today() + timedelta(days=7)
    qtbot.keyClick(page.week_view, Qt.Key.Key_PageUp)
    qtbot.keyClick(page.week_view, Qt.Key.Key_PageUp)
    assert model.first_day == monday - timedelta(days=7)
    page.next_button.click()
    assert model.first_day == monday
    # Arrows leaving the week turn to the next one; Home comes back.
    page.select_day(monday + timedelta(days=6))
    qtbot.keyClick(page.week_view, Qt.Key.Key_Right)
    assert model.first_day == monday + timedelta(days=7)
    qtbot.keyClick(page.week_view, Qt.Key.Key_Home)
    assert (model.first_day, page.selected_day) == (monday, today())
    page.month_button.click()
    assert not page.week_mode
    assert model.rowCount() == 6
    assert model.first_day == first_visible_day(today())
    assert page.next_button.accessibleName() == "Next month"
    assert page.stack.currentWidget() is page.view


def test_agenda_lists_the_coming_entries_and_opens_them(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    acme = service.create_opportunity("Acme", "Analyst").created_id
    assert acme is not None
    service.record_interview(
        acme, local(today() + timedelta(days=2), 14), local(today() + timedelta(days=2), 15)
    )
    later = today() + timedelta(days=AGENDA_DAYS + 3)
    todo = service.add_action("custom", local(later, 9), opportunity_id=acme).created_id
    window = open_window(qtbot, service, tmp_path)
    page = show_calendar(window)
    page.view.setFocus()
    page.agenda_button.click()
    assert page.mode == "agenda"
    assert page.agenda_button.accessibleName()
    assert page.stack.currentWidget() is page.agenda_view
    agenda = page.agenda
    ModelTester(None).check(agenda)
    assert agenda.first_day == today()
    rows = [agenda.index(row) for row in range(agenda.rowCount())]
    texts = [index.data(Qt.ItemDataRole.DisplayRole) for index in rows]
    interview_row = next(
        i for i, text in enumerate(texts) if "2:00\u202fPM interview: Acme" in text
    )
    assert texts[interview_row].startswith(day_words(today() + timedelta(days=2)))
    # Days in the right order, nothing beyond the last day.
    days = [agenda.entry_at(index).day for index in rows if agenda.entry_at(index) is not None]  # type: ignore[union-attr]
    assert days == sorted(days)
    assert all(today() <= day <= agenda.last_day for day in days)
    assert not any(agenda.entry_at(index).action_id == todo for index in rows)  # type: ignore[union-attr]

    # Enter opens the current row's entry (an interview opens its opportunity).
    page.agenda_view.setCurrentIndex(rows[interview_row])
    qtbot.keyClick(page.agenda_view, Qt.Key.Key_Return)
    shown = dialogs_of(window).shown
    assert isinstance(shown[-1], OpportunityEditor)
    assert shown[-1].opportunity_id == acme

    # Page Down shows the next run of days, with the later to-do.
    qtbot.keyClick(page.agenda_view, Qt.Key.Key_PageDown)
    assert agenda.first_day == today() + timedelta(days=AGENDA_DAYS)
    entries = [agenda.entry_at(agenda.index(row)) for row in range(agenda.rowCount())]
    assert any(entry is not None and entry.action_id == todo for entry in entries)
    qtbot.keyClick(page.agenda_view, Qt.Key.Key_Home)
    assert agenda.first_day == today()
    page.month_button.click()
    assert page.stack.currentWidget() is page.view
    assert page.model.month == today().replace(day=1)


def test_the_calendar_fits_a_laptop_screen_whatever_the_title(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    window = open_window(qtbot, service, tmp_path)
    page = show_calendar(window)
    widths = set()
    for mode in (page.month_button, page.week_button, page.agenda_button):
        mode.click()
        for _ in range(3):
            page.next_button.click()
            widths.add(page.minimumSizeHint().width())
    # The page used to need about 1,170 px for its bar alone (the legend and the title
    # on one line), more than a laptop screen leaves beside the Today panel.
    assert max(widths) < 900
    assert page.legend.wordWrap()
    assert page.title.wordWrap()


def test_an_interview_does_not_move_while_a_long_write_runs_and_moves_after(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    import threading

    day = today()
    acme = service.create_opportunity("Acme", "Analyst").created_id
    assert acme is not None
    interview = service.record_interview(acme, local(day, 14), local(day, 15)).created_id
    assert interview is not None
    window = open_window(qtbot, service, tmp_path)
    page = show_calendar(window)
    release = threading.Event()

    def long_write() -> Change:
        release.wait(10)
        return Change()

    window.writer.later("Re-planning every opportunity…", long_write)
    try:
        # A move now would meet the long write's lock: it is refused, with the reason.
        assert not page.move_interview(interview, day + timedelta(days=1))
        assert "is still running" in window.statusBar().currentMessage()
        with service.db.session() as session:
            assert session.get(Interview, interview).starts_at == local(day, 14)  # type: ignore[union-attr]
    finally:
        release.set()
    qtbot.waitUntil(lambda: not window.writer.busy)
    assert page.move_interview(interview, day + timedelta(days=1))
    with service.db.session() as session:
        moved = session.get(Interview, interview)
        assert moved is not None
        assert moved.starts_at == local(day + timedelta(days=1), 14)


def test_a_calendar_line_names_the_person_of_the_step() -> None:
    moment = datetime(2026, 11, 24, 9, tzinfo=ZoneInfo("UTC"))
    entry = CalendarEntry(
        kind=EntryKind.ACTION,
        key="action:1",
        opportunity_id=1,
        interview_id=None,
        action_id=1,
        company="Acme Robotics",
        role="Engineer",
        starts_at=moment,
        ends_at=moment,
        day=moment.date(),
        action_kind=ActionKind.THANK_YOU,
        person="Dana Kim",
    )
    assert entry.title == "Send a thank-you note to Dana Kim · Acme Robotics"
    assert cell_text(entry, "09:00").endswith("Acme Robotics: Send a thank-you note to Dana Kim")
    assert entry.action_label == "Send a thank-you note to Dana Kim"


def _decided(service: FollowupService, company: str, starts: datetime, decided: date) -> int:
    """An opportunity with an hour's interview at ``starts`` whose decision is expected on
    ``decided``; the interview's id."""
    opportunity = service.create_opportunity(company, "Analyst").created_id
    assert opportunity is not None
    interview = service.record_interview(
        opportunity, starts, starts + timedelta(hours=1), timezone="UTC"
    ).created_id
    assert interview is not None
    service.update_interview(interview, InterviewFields(decision_date=decided))
    return interview


def _decision_days(page: CalendarPage) -> dict[date, str]:
    """Each shown day with an expected decision, and whose it is."""
    model = page.model
    shown: dict[date, str] = {}
    for offset in range(model.visible_days):
        day = model.first_day + timedelta(days=offset)
        for entry in model.index_of(day).data(EntriesRole):
            if entry.kind is EntryKind.DECISION:
                shown[day] = entry.company
    return shown


def test_the_month_shows_at_once_and_its_decisions_join_when_read(
    qtbot: QtBot, service: FollowupService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    day = today()
    interview = _decided(service, "Acme", local(day, 10), day + timedelta(days=3))
    window = open_window(qtbot, service, tmp_path)
    # The real read of every decision, held once it has read (as a slow one would be):
    # what is written meanwhile is not in what it read.
    gate, read_all = threading.Event(), threading.Event()
    real = expected_decisions

    def held(
        db: Database, tz: tzinfo, opportunity_ids: Iterable[int] | None = None
    ) -> list[CalendarEntry]:
        read = real(db, tz, opportunity_ids)
        if opportunity_ids is None:
            read_all.set()
            gate.wait(5)
        return read

    monkeypatch.setattr(page_module, "expected_decisions", held)
    page = show_calendar(window)
    qtbot.waitUntil(read_all.is_set)
    entries = page.model.index_of(day).data(EntriesRole)
    assert EntryKind.INTERVIEW in {entry.kind for entry in entries}  # shown at once
    assert not page.decisions_ready
    assert _decision_days(page) == {}
    # Changed while they are read (a small write, on the GUI thread): the change counts.
    window.bus.publish(
        service.update_interview(interview, InterviewFields(decision_date=day + timedelta(days=4)))
    )
    gate.set()
    qtbot.waitUntil(lambda: page.decisions_ready)
    assert _decision_days(page) == {day + timedelta(days=4): "Acme"}


def test_a_month_shows_the_decisions_of_its_own_days_only(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    day = today()
    decisions = {"Acme": day + timedelta(days=2), "Globex": day + timedelta(days=80)}
    for company, decided in decisions.items():
        _decided(service, company, local(day, 9), decided)
    window = open_window(qtbot, service, tmp_path)
    page = show_calendar(window)
    qtbot.waitUntil(lambda: page.decisions_ready)
    assert _decision_days(page) == {decisions["Acme"]: "Acme"}
    later = add_months(page.model.month, 3)
    while page.model.month != later:
        page.turn_month(1)
    assert _decision_days(page) == {decisions["Globex"]: "Globex"}


def test_decisions_read_before_a_change_to_everything_are_read_again(
    qtbot: QtBot, service: FollowupService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    day = today()
    interview = _decided(service, "Acme", local(day, 10), day + timedelta(days=3))
    window = open_window(qtbot, service, tmp_path)
    gate, read_all = threading.Event(), threading.Event()
    full_reads: list[int] = []

    def held(
        db: Database, tz: tzinfo, opportunity_ids: Iterable[int] | None = None
    ) -> list[CalendarEntry]:
        read = expected_decisions(db, tz, opportunity_ids)
        if opportunity_ids is None:
            full_reads.append(len(read))
            read_all.set()
            gate.wait(5)
        return read

    monkeypatch.setattr(page_module, "expected_decisions", held)
    page = show_calendar(window)
    qtbot.waitUntil(read_all.is_set)
    service.update_interview(interview, InterviewFields(decision_date=day + timedelta(days=5)))
    # A change of the stages (or an import) may move every decision: no patching.
    window.bus.publish(Change(frozenset(), frozenset({"stage"})))
    gate.set()
    qtbot.waitUntil(lambda: page.decisions_ready)
    assert len(full_reads) == 2
    assert _decision_days(page) == {day + timedelta(days=5): "Acme"}


def test_what_a_cell_paints_is_what_its_roles_say(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    day = today()
    acme = service.create_opportunity("Acme", "Analyst").created_id
    assert acme is not None
    service.record_interview(acme, local(day, 10), local(day, 11), timezone="UTC")
    window = open_window(qtbot, service, tmp_path)
    page = show_calendar(window)
    qtbot.waitUntil(lambda: page.decisions_ready)
    model = page.model
    for offset in range(model.visible_days):
        index = model.index_of(model.first_day + timedelta(days=offset))
        cell = model.cell(index)
        assert cell.number == index.data(Qt.ItemDataRole.DisplayRole)
        assert cell.in_month == index.data(InMonthRole)
        assert cell.today == index.data(IsTodayRole)
        assert cell.entries == index.data(EntriesRole)
        assert cell.total == index.data(TotalRole)
    assert model.cell(model.index_of(day)).today
    assert any(
        entry.kind is EntryKind.INTERVIEW for entry in model.cell(model.index_of(day)).entries
    )
