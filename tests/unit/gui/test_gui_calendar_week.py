"""The calendar's week mode: a time grid with interview blocks and an all-day strip."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QMouseEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from followup_desktop.core import localformat
from followup_desktop.core.calendar_query import CalendarEntry, EntryKind
from followup_desktop.core.db import Database
from followup_desktop.core.ics import CANCELLED_PREFIX
from followup_desktop.core.models import Action, ActionState, Interview
from followup_desktop.core.services import FollowupService, InterviewFields
from followup_desktop.gui.calendar import CalendarPage
from followup_desktop.gui.calendar.week_layout import (
    DAY_MINUTES,
    WORKDAY_START,
    day_column,
    first_minute_to_show,
    minute_of_day,
    place_interviews,
    snap,
)
from followup_desktop.gui.calendar.week_paint import STRIP_ROWS
from followup_desktop.gui.theme import dark_palette
from gui_helpers import NOW

# The person lives in Berlin; NOW is Monday 23 November 2026, 10:00 there.
BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = date(2026, 11, 23)
TUESDAY, WEDNESDAY, THURSDAY = (MONDAY + timedelta(days=n) for n in (1, 2, 3))


def berlin(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), BERLIN)


@pytest.fixture(autouse=True)
def monday_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """These weeks start on Monday, as they do in Berlin (en_US, where the tests run,
    starts them on Sunday; test_window_language checks both)."""
    monkeypatch.setattr(localformat, "first_weekday", lambda locale=None: 0)


@pytest.fixture
def service(database: Database) -> FollowupService:
    return FollowupService(database, clock=lambda: NOW)


@pytest.fixture
def page(qtbot: QtBot, service: FollowupService) -> CalendarPage:
    page = CalendarPage(service.db, lambda: NOW, BERLIN, service=service)
    qtbot.addWidget(page)
    # Wide enough for a two-hour block to spell out its round and kind unelided.
    page.resize(1300, 760)
    page.show()
    qtbot.waitExposed(page)
    page.set_mode("week")
    return page


def opportunity(service: FollowupService, company: str = "Acme") -> int:
    created = service.create_opportunity(company, "Analyst").created_id
    assert created is not None
    return created


def interview(
    service: FollowupService,
    opportunity_id: int,
    starts: datetime,
    ends: datetime,
    **fields: object,
) -> int:
    created = service.record_interview(
        opportunity_id, starts, ends, "Europe/Berlin", InterviewFields.from_mapping(fields)
    ).created_id
    assert created is not None
    return created


def thank_you_due(service: FollowupService, interview_id: int) -> datetime:
    with service.db.session() as session:
        actions = session.scalars(
            select(Action).where(
                Action.interview_id == interview_id, Action.state == ActionState.OPEN
            )
        ).all()
        return next(a.due_at for a in actions if "thank" in (a.plan_key or a.kind))


def stored_times(service: FollowupService, interview_id: int) -> tuple[datetime, datetime]:
    with service.db.session() as session:
        stored = session.get(Interview, interview_id)
        assert stored is not None
        return stored.starts_at, stored.ends_at


# -- layout without Qt ----------------------------------------------------------------


def entry(key: str, starts: datetime, ends: datetime) -> CalendarEntry:
    return CalendarEntry(
        kind=EntryKind.INTERVIEW,
        key=key,
        opportunity_id=1,
        interview_id=1,
        action_id=None,
        company="Acme",
        role="Analyst",
        starts_at=starts.astimezone(UTC),
        ends_at=ends.astimezone(UTC),
        day=starts.date(),
    )


def test_overlapping_interviews_get_lanes_and_share_the_lane_count() -> None:
    day = TUESDAY
    chain = [
        entry("a", berlin(day, 10), berlin(day, 11)),
        entry("b", berlin(day, 10, 30), berlin(day, 11, 30)),
        entry("c", berlin(day, 11, 15), berlin(day, 12)),
        entry("d", berlin(day, 14), berlin(day, 15)),
    ]
    placed = {p.entry.key: p for p in place_interviews(chain, BERLIN)}
    assert (placed["a"].start, placed["a"].end) == (600, 660)
    # a and c do not overlap, so c reuses a's lane; the chain shares two lanes.
    assert [(placed[k].lane, placed[k].lanes) for k in "abc"] == [(0, 2), (1, 2), (0, 2)]
    assert (placed["d"].lane, placed["d"].lanes) == (0, 1)
    # Back-to-back short blocks drawn taller than they last go side by side.
    short = [
        entry("x", berlin(day, 9), berlin(day, 9, 5)),
        entry("y", berlin(day, 9, 5), berlin(day, 9, 10)),
    ]
    assert [p.lanes for p in place_interviews(short, BERLIN, shortest=15)] == [2, 2]


def test_minutes_snap_and_stay_inside_the_day() -> None:
    assert snap(607) == 600
    assert snap(608) == 615
    assert snap(-20) == 0
    assert snap(DAY_MINUTES + 50) == DAY_MINUTES - 15
    late = entry("late", berlin(TUESDAY, 23), berlin(WEDNESDAY, 1))
    assert minute_of_day(late.ends_at, TUESDAY, BERLIN) == DAY_MINUTES
    early = day_column(TUESDAY, [entry("e", berlin(TUESDAY, 6), berlin(TUESDAY, 7))], 1, BERLIN, 15)
    assert first_minute_to_show([early]) == 5 * 60 + 30
    assert first_minute_to_show([]) == WORKDAY_START - 30
    # A week whose first interview is in the afternoon opens on it, not on the morning.
    afternoon = day_column(
        TUESDAY, [entry("p", berlin(TUESDAY, 16), berlin(TUESDAY, 17))], 1, BERLIN, 15
    )
    later = day_column(
        WEDNESDAY, [entry("q", berlin(WEDNESDAY, 17), berlin(WEDNESDAY, 18))], 1, BERLIN, 15
    )
    assert first_minute_to_show([later, afternoon]) == 15 * 60 + 30


# -- the grid -------------------------------------------------------------------------


def test_the_week_is_a_time_grid_of_seven_days(page: CalendarPage) -> None:
    view = page.week_view
    assert page.stack.currentWidget() is view
    assert page.model.first_day == MONDAY
    assert view.accessibleName() == "Week of November 23, 2026"
    assert page.title.text().startswith("Week 48")
    # Monday first, one column each, left to right.
    columns = [view.column_rect(MONDAY + timedelta(days=n)) for n in range(7)]
    assert all(a.right() < b.left() for a, b in pairwise(columns))
    # The working day is in view when the week is shown.
    assert view.grid_top <= view.y_of(WORKDAY_START) < view.viewport().height()
    assert view.y_of(7 * 60) < view.y_of(WORKDAY_START)
    assert "Show one week by the hour" in page.week_button.toolTip()


def test_a_week_opens_on_its_first_interview_even_in_the_evening(
    page: CalendarPage, service: FollowupService, qtbot: QtBot
) -> None:
    page.resize(1300, 420)  # a short window: from the working day, 18:00 is far below
    created = interview(service, opportunity(service), berlin(TUESDAY, 18), berlin(TUESDAY, 19))
    page.set_mode("month")
    page.refresh()
    page.set_mode("week")
    view = page.week_view
    qtbot.waitUntil(lambda: view.block_rect(f"interview:{created}") is not None)
    rect = view.block_rect(f"interview:{created}")
    assert rect is not None
    assert view.grid_top <= rect.top() and rect.bottom() < view.viewport().height()
    assert view.y_of(WORKDAY_START) < view.grid_top  # the empty morning is scrolled past


def test_an_interview_is_a_block_from_its_start_to_its_end(
    page: CalendarPage, service: FollowupService
) -> None:
    acme = opportunity(service)
    created = interview(service, acme, berlin(TUESDAY, 10), berlin(TUESDAY, 11, 30))
    page.refresh()
    view = page.week_view
    rect = view.block_rect(f"interview:{created}")
    assert rect is not None
    assert rect.top() == view.y_of(10 * 60)
    assert rect.height() == view.y_of(11 * 60 + 30) - view.y_of(10 * 60)
    assert abs(rect.height() - 1.5 * view.hour_height) <= 1
    column = view.column_rect(TUESDAY)
    assert column.left() <= rect.left() and rect.right() <= column.right()
    # Scrolling moves the block with the grid.
    view.verticalScrollBar().setValue(view.verticalScrollBar().value() + 30)
    moved = view.block_rect(f"interview:{created}")
    assert moved is not None and moved.top() == rect.top() - 30


def test_overlapping_interviews_sit_side_by_side(
    page: CalendarPage, service: FollowupService
) -> None:
    acme, globex = opportunity(service), opportunity(service, "Globex")
    first = interview(service, acme, berlin(TUESDAY, 10), berlin(TUESDAY, 11))
    second = interview(service, globex, berlin(TUESDAY, 10, 30), berlin(TUESDAY, 11, 30))
    alone = interview(service, globex, berlin(TUESDAY, 14), berlin(TUESDAY, 15))
    page.refresh()
    view = page.week_view
    a, b, c = (view.block_rect(f"interview:{i}") for i in (first, second, alone))
    assert a is not None and b is not None and c is not None
    assert a.right() < b.left()
    assert abs(a.width() - b.width()) <= 1
    assert a.width() < c.width() / 2 + 2
    assert b.top() == view.y_of(10 * 60 + 30)


def test_blocks_say_time_company_round_and_kind_and_cancelled_in_words(
    page: CalendarPage, service: FollowupService
) -> None:
    acme, globex = opportunity(service), opportunity(service, "Globex")
    long = interview(
        service, acme, berlin(TUESDAY, 9), berlin(TUESDAY, 11), kind="video", location="Zoom"
    )
    short = interview(service, globex, berlin(WEDNESDAY, 9), berlin(WEDNESDAY, 9, 30))
    called_off = interview(
        service,
        globex,
        berlin(THURSDAY, 14),
        berlin(THURSDAY, 15),
        notes=f"{CANCELLED_PREFIX} 20 November 2026",
    )
    page.refresh()
    view = page.week_view
    assert view.block_texts(f"interview:{long}") == [
        "9:00\u202fAM\u201311:00\u202fAM",
        "Acme",
        "Round 1 · Video interview",
        "Zoom",
    ]
    # Half an hour has room for one line: the month cell's words.
    assert view.block_texts(f"interview:{short}") == ["9:00\u202fAM Globex · round 1"]
    assert view.block_texts(f"interview:{called_off}")[1] == "Cancelled: Globex"


def test_a_newly_shown_week_scrolls_to_its_earliest_interview(
    page: CalendarPage, service: FollowupService
) -> None:
    acme = opportunity(service)
    next_tuesday = TUESDAY + timedelta(days=7)
    early = interview(service, acme, berlin(next_tuesday, 6), berlin(next_tuesday, 6, 45))
    page.refresh()
    view = page.week_view
    page.turn_page(1)
    rect = view.block_rect(f"interview:{early}")
    assert rect is not None
    assert view.grid_top <= rect.top() and rect.bottom() < view.viewport().height()


def test_the_all_day_strip_holds_follow_ups_and_decisions_in_words(
    page: CalendarPage, service: FollowupService
) -> None:
    acme = opportunity(service)
    created = interview(service, acme, berlin(TUESDAY, 10), berlin(TUESDAY, 11))
    service.update_interview(created, InterviewFields(decision_date=WEDNESDAY))
    service.add_action("call_recruiter", berlin(MONDAY, 8), opportunity_id=acme)
    busy = opportunity(service, "Initech")
    for minute in range(6):
        service.add_action("custom", berlin(THURSDAY, 9, minute), opportunity_id=busy)
    # What the window does with a change: the decision index is patched, the days re-read.
    page.apply_change([acme, busy])
    view = page.week_view
    # Overdue in words as well as in colour, with the month's symbols.
    assert any(
        text.startswith("☐ overdue ·") and "Acme" in text for text in view.strip_texts(MONDAY)
    )
    assert "⚑ Decision due: Acme" in view.strip_texts(WEDNESDAY)
    # The interview is a block, not a strip line.
    assert not any("round" in text for text in view.strip_texts(TUESDAY))
    thursday = view.strip_texts(THURSDAY)
    assert len(thursday) == STRIP_ROWS
    assert thursday[-1] == f"+{page.model.total(THURSDAY) - (STRIP_ROWS - 1)} more"


def test_clicking_more_lists_the_whole_day(
    qtbot: QtBot, page: CalendarPage, service: FollowupService
) -> None:
    busy = opportunity(service, "Initech")
    for minute in range(6):
        service.add_action("custom", berlin(THURSDAY, 9, minute), opportunity_id=busy)
    page.refresh()
    view = page.week_view
    offered: list[list[CalendarEntry]] = []

    def choose(options: list[CalendarEntry], _where: QPoint) -> CalendarEntry | None:
        offered.append(options)
        return options[-1]

    page.choose_entry = choose
    assert view.strip_texts(THURSDAY)[-1].endswith(" more")
    point = view.strip_rects(THURSDAY)[-1].center()
    with qtbot.waitSignal(page.open_action) as opened:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert len(offered[0]) == len(page.model.entries(THURSDAY)) == 6
    assert opened.args == [offered[0][-1].action_id]


# -- keyboard -------------------------------------------------------------------------


def test_keys_move_the_day_turn_the_week_and_come_back(qtbot: QtBot, page: CalendarPage) -> None:
    view = page.week_view
    view.setFocus()
    assert page.selected_day == view.selected_day == MONDAY
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert page.selected_day == view.selected_day == TUESDAY
    qtbot.keyClick(view, Qt.Key.Key_Left)
    qtbot.keyClick(view, Qt.Key.Key_Left)  # Sunday before: the previous week
    assert page.model.first_day == MONDAY - timedelta(days=7)
    assert view.accessibleName() == "Week of November 16, 2026"
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert (page.model.first_day, page.selected_day) == (MONDAY, MONDAY)
    qtbot.keyClick(view, Qt.Key.Key_PageDown)
    assert (page.model.first_day, page.selected_day) == (MONDAY + timedelta(days=7),) * 2
    qtbot.keyClick(view, Qt.Key.Key_PageUp)
    assert page.model.first_day == MONDAY
    # Up and Down scroll a day with nothing on it.
    page.select_day(WEDNESDAY)
    bar = view.verticalScrollBar()
    before = bar.value()
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert bar.value() == before + view.hour_height
    # Tab leaves the grid for the next control.
    page.activateWindow()
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert not view.hasFocus()


def test_up_down_walk_the_days_entries_and_enter_opens_them(
    qtbot: QtBot, page: CalendarPage, service: FollowupService
) -> None:
    acme = opportunity(service)
    created = interview(service, acme, berlin(TUESDAY, 11), berlin(TUESDAY, 12))
    todo = service.add_action("custom", berlin(TUESDAY, 16), opportunity_id=acme).created_id
    page.refresh()
    view = page.week_view
    page.select_day(TUESDAY)
    view.setFocus()
    seen: list[str] = []
    for _ in range(6):
        qtbot.keyClick(view, Qt.Key.Key_Down)
        selected = view.selected_entry
        assert selected is not None and selected.day == TUESDAY
        seen.append(selected.key)
    # Strip first, then the blocks; past the last entry the selection stays.
    assert f"action:{todo}" in seen
    assert seen[-1] == f"interview:{created}"
    assert seen.index(f"action:{todo}") < seen.index(f"interview:{created}")
    with qtbot.waitSignal(page.open_opportunity) as opened:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert opened.args == [acme]
    while view.selected_entry is not None and view.selected_entry.action_id != todo:
        qtbot.keyClick(view, Qt.Key.Key_Up)
    with qtbot.waitSignal(page.open_action) as action:
        qtbot.keyClick(view, Qt.Key.Key_Enter)
    assert action.args == [todo]
    # A day change lets the entry go; Enter then opens the day as the month does: its
    # one entry (the thank-you, due on Wednesday).
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert view.selected_entry is None
    (thanks,) = page.model.entries(WEDNESDAY)
    with qtbot.waitSignal(page.open_action) as action:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert action.args == [thanks.action_id]


# -- moving interviews ----------------------------------------------------------------


def test_moving_an_interview_to_a_new_time_replans_it(
    qtbot: QtBot, page: CalendarPage, service: FollowupService
) -> None:
    acme = opportunity(service)
    created = interview(service, acme, berlin(TUESDAY, 11), berlin(TUESDAY, 12))
    before = thank_you_due(service, created)
    page.refresh()
    # The same start is no move.
    assert not page.move_interview_to(created, berlin(TUESDAY, 11))
    assert page.move_interview_to(created, berlin(TUESDAY, 14, 15))
    starts, ends = stored_times(service, created)
    assert starts == berlin(TUESDAY, 14, 15)
    assert ends - starts == timedelta(hours=1)
    assert thank_you_due(service, created) - before == timedelta(hours=3, minutes=15)
    assert page.selected_day == TUESDAY
    assert page.week_view.selected_entry is not None
    assert page.week_view.selected_entry.key == f"interview:{created}"
    rect = page.week_view.block_rect(f"interview:{created}")
    assert rect is not None and rect.top() == page.week_view.y_of(14 * 60 + 15)
    # A naive time is read in the person's zone.
    assert page.move_interview_to(created, berlin(WEDNESDAY, 9, 30).replace(tzinfo=None))
    assert stored_times(service, created)[0] == berlin(WEDNESDAY, 9, 30)
    assert page.selected_day == WEDNESDAY
    # A gone interview says so.
    with qtbot.waitSignal(page.move_failed) as failed:
        assert not page.move_interview_to(9999, berlin(TUESDAY, 9))
    assert "no longer exists" in failed.args[0]


def test_moving_only_the_day_keeps_the_time_in_the_interviews_own_zone(
    page: CalendarPage, service: FollowupService
) -> None:
    york = ZoneInfo("America/New_York")
    acme = opportunity(service)
    starts = datetime.combine(TUESDAY, time(9, 10), york)  # 15:10 in Berlin
    created = service.record_interview(
        acme, starts, starts + timedelta(minutes=40), timezone="America/New_York"
    ).created_id
    assert created is not None
    page.refresh()
    assert page.move_interview_to(created, berlin(THURSDAY, 15, 10))
    moved, ends = stored_times(service, created)
    assert moved.astimezone(york) == starts + timedelta(days=2)
    assert ends - moved == timedelta(minutes=40)


def send_mouse(widget: QWidget, kind: QEvent.Type, point: QPoint, held: bool) -> None:
    """A mouse event with the left button pressed (``held``) or just released."""
    buttons = Qt.MouseButton.LeftButton if held else Qt.MouseButton.NoButton
    button = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseMove else Qt.MouseButton.LeftButton
    event = QMouseEvent(
        kind, QPointF(point), QPointF(point), button, buttons, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(widget, event)


def test_dragging_a_block_with_the_mouse_moves_it_to_that_day_and_quarter_hour(
    page: CalendarPage, service: FollowupService
) -> None:
    acme = opportunity(service)
    created = interview(service, acme, berlin(TUESDAY, 11), berlin(TUESDAY, 12))
    before = thank_you_due(service, created)
    page.refresh()
    view = page.week_view
    viewport = view.viewport()
    block = view.block_rect(f"interview:{created}")
    assert block is not None
    press = QPoint(block.center().x(), view.y_of(11 * 60 + 30))  # the middle of the hour
    send_mouse(viewport, QEvent.Type.MouseButtonPress, press, held=True)
    assert view.selected_entry is not None
    send_mouse(viewport, QEvent.Type.MouseMove, press + QPoint(3, 3), held=True)
    # About 14:33 under the pointer, grabbed half an hour in: 14:03, which snaps to 14:00.
    target = view.slot_point(WEDNESDAY, 14 * 60 + 32)
    send_mouse(viewport, QEvent.Type.MouseMove, target, held=True)
    viewport.grab()  # the drop position is painted while dragging
    send_mouse(viewport, QEvent.Type.MouseButtonRelease, target, held=False)
    starts, ends = stored_times(service, created)
    assert starts == berlin(WEDNESDAY, 14)
    assert ends - starts == timedelta(hours=1)
    assert thank_you_due(service, created) - before == timedelta(days=1, hours=3)
    assert page.selected_day == WEDNESDAY
    moved = view.block_rect(f"interview:{created}")
    assert moved is not None and view.column_rect(WEDNESDAY).contains(moved.center())
    # A press and release without moving is a click, not a move.
    block = view.block_rect(f"interview:{created}")
    assert block is not None
    send_mouse(viewport, QEvent.Type.MouseButtonPress, block.center(), held=True)
    send_mouse(viewport, QEvent.Type.MouseButtonRelease, block.center(), held=False)
    assert stored_times(service, created)[0] == berlin(WEDNESDAY, 14)


def test_double_clicks_open_entries_or_schedule_on_an_empty_slot(
    qtbot: QtBot, page: CalendarPage, service: FollowupService
) -> None:
    acme = opportunity(service)
    created = interview(service, acme, berlin(TUESDAY, 11), berlin(TUESDAY, 12))
    page.refresh()
    view = page.week_view
    with qtbot.waitSignal(page.schedule_requested) as scheduled:
        qtbot.mouseDClick(
            view.viewport(), Qt.MouseButton.LeftButton, pos=view.slot_point(THURSDAY, 15 * 60)
        )
    assert scheduled.args == [THURSDAY]
    assert page.selected_day == THURSDAY
    block = view.block_rect(f"interview:{created}")
    assert block is not None
    with qtbot.waitSignal(page.open_opportunity) as opened:
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=block.center())
    assert opened.args == [acme]
    assert page.selected_day == TUESDAY


# -- looks and words ------------------------------------------------------------------


def test_dark_palette_paints_the_grid_in_dark_colours(
    page: CalendarPage, service: FollowupService
) -> None:
    acme = opportunity(service)
    interview(service, acme, berlin(TUESDAY, 11), berlin(TUESDAY, 12), notes="")
    page.refresh()
    view = page.week_view
    empty = view.slot_point(THURSDAY, 13 * 60 + 20) - QPoint(20, 0)
    light = view.viewport().grab().toImage()
    view.setPalette(dark_palette())
    dark = view.viewport().grab().toImage()
    assert light != dark
    base = dark_palette().color(dark_palette().ColorRole.Base)
    assert QColor(dark.pixel(empty)) == base
    assert QColor(light.pixel(empty)) == page.palette().color(page.palette().ColorRole.Base)


def test_accessible_text_names_the_days_entries(
    qtbot: QtBot, page: CalendarPage, service: FollowupService
) -> None:
    acme = opportunity(service)
    created = interview(service, acme, berlin(TUESDAY, 11), berlin(TUESDAY, 12))
    page.refresh()
    view = page.week_view
    assert view.accessibleName() == "Week of November 23, 2026"
    assert view.accessibleDescription().startswith("Monday, November 23, 2026 (today)")
    page.select_day(TUESDAY)
    described = view.accessibleDescription()
    assert described.startswith("Tuesday, November 24, 2026")
    assert "11:00\u202fAM interview: Acme · round 1 (Analyst)" in described
    view.select_entry(f"interview:{created}")
    assert view.accessibleDescription().endswith(
        "Selected: 11:00\u202fAM interview: Acme · round 1 (Analyst)"
    )


def test_month_and_agenda_are_unchanged_around_the_week(page: CalendarPage) -> None:
    page.month_button.click()
    assert page.stack.currentWidget() is page.view
    assert page.model.rowCount() == 6
    page.agenda_button.click()
    assert page.stack.currentWidget() is page.agenda_view
    page.week_button.click()
    assert page.stack.currentWidget() is page.week_view
    assert page.model.rowCount() == 1
