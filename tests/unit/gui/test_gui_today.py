"""The Today panel's list: two-line rows painted by a delegate, read in words, driven by keys."""

from __future__ import annotations

from datetime import UTC, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPalette
from PySide6.QtWidgets import QStyleOptionViewItem
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from followup_desktop.core.action_kinds import ActionKind
from followup_desktop.core.agenda import AgendaItem, Bucket
from followup_desktop.core.board import DueState
from followup_desktop.core.db import Database
from followup_desktop.core.services import FollowupService
from followup_desktop.gui.agenda_model import AgendaModel
from followup_desktop.gui.main_window import MainWindow
from followup_desktop.gui.theme import dark_palette
from followup_desktop.gui.today_delegate import (
    TodayDelegate,
    action_text,
    badge_text,
    bucket_state,
    where_text,
)
from followup_desktop.gui.today_panel import TodayPanel, summary_text
from gui_helpers import NOW, AnsweringDialogs, window_settings

TZ = UTC


def agenda_item(
    action_id: int,
    bucket: Bucket,
    due_delta: timedelta,
    *,
    company: str = "Acme",
    role: str = "Analyst",
    kind: str = "thank_you",
    recipient: str = "",
    snoozed: bool = False,
) -> AgendaItem:
    return AgendaItem(
        action_id=action_id,
        opportunity_id=action_id if company else None,
        company=company,
        role=role if company else "",
        kind=ActionKind.of(kind),
        due_at=NOW + due_delta,
        snoozed=snoozed,
        recipient=recipient,
        channel=None,
        reason=f"Reason {action_id}.",
        bucket=bucket,
    )


ITEMS = [
    agenda_item(
        1,
        Bucket.OVERDUE,
        -timedelta(days=3, hours=2),
        company="Northwind Traders International",
        role="Senior Platform Engineer with a long title",
        recipient="Isabel Kim <isabel.kim@northwind.example>",
    ),
    agenda_item(2, Bucket.TODAY, timedelta(hours=5), kind="debrief"),
    agenda_item(3, Bucket.TODAY, timedelta(hours=2), kind="status_follow_up", snoozed=True),
    agenda_item(4, Bucket.OVERDUE, -timedelta(hours=1), company="", kind="keep_options_open"),
]


@pytest.fixture
def panel(qtbot: QtBot) -> TodayPanel:
    model = AgendaModel(TZ)
    widget = TodayPanel(model, lambda: NOW, TZ)
    qtbot.addWidget(widget)
    widget.resize(340, 520)
    widget.set_items(ITEMS)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def grab(panel: TodayPanel) -> QImage:
    return panel.view.viewport().grab().toImage()


def test_the_badge_says_the_state_in_words() -> None:
    overdue, today, snoozed, whole_search = ITEMS
    assert badge_text(overdue, NOW, TZ) == "Overdue 3d"
    assert badge_text(whole_search, NOW, TZ) == "Overdue"  # less than a day late
    assert badge_text(today, NOW, TZ) == "Today 2:00\u202fPM"
    assert badge_text(snoozed, NOW, TZ) == "Today 11:00\u202fAM · snoozed"
    later = agenda_item(5, Bucket.UPCOMING, timedelta(days=2))
    assert badge_text(later, NOW, TZ) == "Wed, Nov 25, 9:00\u202fAM"
    tomorrow = agenda_item(6, Bucket.UPCOMING, timedelta(hours=20))
    assert badge_text(tomorrow, NOW, TZ) == "Tomorrow 5:00\u202fAM"
    assert bucket_state(Bucket.OVERDUE) is DueState.OVERDUE
    assert bucket_state(Bucket.TODAY) is DueState.TODAY
    assert bucket_state(Bucket.UPCOMING) is DueState.LATER
    assert where_text(whole_search) == "Your whole search"
    assert where_text(today) == "Acme — Analyst"
    # The row names the person; the address stays in the details and the spoken text.
    assert action_text(overdue) == "Send a thank-you note to Isabel Kim"
    assert action_text(today) == "Write the debrief"


def test_every_row_has_the_same_height_and_room_for_two_lines(panel: TodayPanel) -> None:
    view = panel.view
    delegate = view.itemDelegate()
    assert isinstance(delegate, TodayDelegate)
    option = QStyleOptionViewItem()
    option.initFrom(view)
    heights = {
        delegate.sizeHint(option, panel.model.index(row, 0)).height()
        for row in range(panel.model.rowCount())
    }
    assert len(heights) == 1
    [height] = heights
    line = view.fontMetrics().height()
    assert height >= 2 * line + 4
    assert height < 4 * line  # compact: two lines and a little air, not a card
    # The view lays rows out at that height, each as wide as the viewport.
    for row in range(panel.model.rowCount()):
        rect = view.visualRect(panel.model.index(row, 0))
        assert rect.height() == height
        assert rect.width() == view.viewport().width()


def test_rows_fit_the_width_without_a_horizontal_scrollbar(panel: TodayPanel, qtbot: QtBot) -> None:
    panel.resize(panel.minimumWidth(), 520)
    qtbot.wait(10)
    assert not panel.view.horizontalScrollBar().isVisible()
    assert panel.view.horizontalScrollBar().maximum() == 0
    assert panel.minimumWidth() <= 320


def test_painted_rows_show_the_state_colour_and_text(panel: TodayPanel) -> None:
    panel.view.clearSelection()
    image = grab(panel)
    assert not image.isNull()
    rect = panel.view.visualRect(panel.model.index(0, 0))
    base = panel.view.palette().color(QPalette.ColorRole.Base).rgb()
    row_pixels = {
        image.pixel(x, y)
        for x in range(rect.left(), rect.right(), 2)
        for y in range(rect.top(), rect.bottom(), 2)
    }
    # Text, badge and its tint: far more than a blank row's one or two colours.
    assert len(row_pixels - {base}) > 20


def test_the_dark_palette_paints_without_error_and_differently(panel: TodayPanel) -> None:
    # Start from the style's own light palette, whatever an earlier test left the
    # application's palette at.
    panel.view.setPalette(panel.style().standardPalette())
    light = grab(panel)
    panel.view.setPalette(dark_palette())
    dark = grab(panel)
    assert light.size() == dark.size()
    assert light != dark
    # The background of the rows follows the dark palette.
    rect = panel.view.visualRect(panel.model.index(1, 0))
    pixel = dark.pixelColor(rect.right() - 3, rect.center().y())
    assert pixel.lightnessF() < 0.35, pixel.name()


def test_accessible_text_is_a_sentence_with_the_state_and_the_company(panel: TodayPanel) -> None:
    model = panel.model
    first = model.index(0, 0).data(Qt.ItemDataRole.AccessibleTextRole)
    assert first.startswith("Overdue")
    assert "Northwind Traders International" in first
    assert "Send a thank-you note to Isabel Kim" in first
    assert first.endswith(".")
    today = model.index(1, 0).data(Qt.ItemDataRole.AccessibleTextRole)
    assert "today at 2:00\u202fPM" in today
    assert "Acme — Analyst" in today
    assert "snoozed" in model.index(2, 0).data(Qt.ItemDataRole.AccessibleTextRole)
    assert "whole search" in model.index(3, 0).data(Qt.ItemDataRole.AccessibleTextRole)
    assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == "Reason 1."
    assert panel.view.accessibleName() == "Actions overdue, due today or in the next 24 hours"


def test_the_model_still_passes_the_model_tester(
    panel: TodayPanel, qtmodeltester: ModelTester
) -> None:
    qtmodeltester.check(panel.model)


def test_select_row_then_done_asks_to_complete_that_action(panel: TodayPanel, qtbot: QtBot) -> None:
    panel.select_row(2)
    assert panel.view.currentIndex().row() == 2
    selected = panel.selected_item()
    assert selected is not None
    assert selected.action_id == 3
    assert "Ask about the status" in panel.details.text()
    with qtbot.waitSignal(panel.done_requested) as blocker:
        panel.done_button.click()
    assert blocker.args == [3]


def test_keyboard_moves_and_return_opens(panel: TodayPanel, qtbot: QtBot) -> None:
    panel.view.setFocus()
    panel.select_row(0)
    qtbot.keyClick(panel.view, Qt.Key.Key_Down)
    selected = panel.selected_item()
    assert selected is not None
    assert selected.action_id == 2
    with qtbot.waitSignal(panel.open_action_requested) as blocker:
        qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    assert blocker.args == [2]


def test_no_selection_disables_the_buttons(panel: TodayPanel) -> None:
    panel.set_items([])
    assert panel.selected_item() is None
    assert not panel.done_button.isEnabled()
    assert not panel.open_button.isEnabled()
    assert panel.details.text() == ""
    assert panel.summary.text() == "Nothing is overdue, due today or due in the next 24 hours."
    assert not panel.view.currentIndex().isValid()


def test_missed_steps_wait_in_a_menu_that_can_be_cleared(panel: TodayPanel, qtbot: QtBot) -> None:
    assert panel.missed_button.isHidden()
    gone = [agenda_item(7, Bucket.MISSED, -timedelta(days=9), company="Kiteloop")]
    panel.set_missed(gone)
    assert not panel.missed_button.isHidden()
    assert panel.missed_button.text() == "&Missed (1)"
    assert panel.missed_button.accessibleName()
    panel.missed_menu.aboutToShow.emit()  # its entries are made as it opens
    texts = [action.text() for action in panel.missed_menu.actions() if action.text()]
    assert texts[0].startswith("Kiteloop: Send a thank-you note (was due ")
    clear = next(action for action in panel.missed_menu.actions() if "Clear" in action.text())
    with qtbot.waitSignal(panel.clear_missed_requested):
        clear.trigger()
    panel.set_missed([])
    assert panel.missed_button.isHidden()


def test_the_missed_menu_is_made_as_it_opens_and_again_only_when_its_steps_change(
    panel: TodayPanel,
) -> None:
    gone = [agenda_item(7, Bucket.MISSED, -timedelta(days=9), company="Kiteloop")]
    panel.set_missed(gone)
    assert panel.missed_menu.actions() == []  # not while the panel is re-read
    panel.missed_menu.aboutToShow.emit()
    first = panel.missed_menu.actions()
    assert first
    panel.set_missed(list(gone))  # the same steps, read again after some change
    panel.missed_menu.aboutToShow.emit()
    assert panel.missed_menu.actions() == first
    more = [*gone, agenda_item(8, Bucket.MISSED, -timedelta(days=8), company="Brightwave")]
    panel.set_missed(more)
    assert panel.missed_button.text() == "&Missed (2)"
    panel.missed_menu.aboutToShow.emit()
    texts = [action.text() for action in panel.missed_menu.actions() if action.text()]
    assert [text.split(":")[0] for text in texts[:2]] == ["Kiteloop", "Brightwave"]
    assert panel.missed_items == more


def test_a_re_read_with_the_same_items_keeps_the_rows_and_the_selection(
    panel: TodayPanel,
) -> None:
    resets: list[bool] = []
    panel.model.modelReset.connect(lambda: resets.append(True))
    repainted: list[tuple[int, int]] = []
    panel.model.dataChanged.connect(
        lambda top, bottom, *_roles: repainted.append((top.row(), bottom.row()))
    )
    panel.select_row(2)
    panel.set_items(list(ITEMS), overdue=5, today=3, coming=0)
    assert resets == []
    assert repainted == [(0, len(ITEMS) - 1)]  # due words follow the clock
    selected = panel.selected_item()
    assert selected is not None and selected.action_id == ITEMS[2].action_id
    assert panel.counts == (5, 3)  # the counts still follow the read
    changed = [ITEMS[1], ITEMS[0]]
    panel.set_items(changed)
    assert resets == [True]
    selected = panel.selected_item()
    assert selected is not None and selected.action_id == changed[0].action_id


COMING = [
    agenda_item(7, Bucket.UPCOMING, timedelta(hours=20), recipient="Dana Kim <dana@acme.test>"),
    agenda_item(8, Bucket.UPCOMING, timedelta(hours=21), recipient="Omar Ruiz"),
]


def test_the_next_24_hours_have_a_heading_in_words_and_a_truthful_summary(
    panel: TodayPanel,
) -> None:
    panel.set_items(COMING)
    assert (
        panel.summary.text() == "Nothing is overdue or due today; 2 steps due in the next 24 hours."
    )
    model = panel.model
    assert [model.starts_coming_up(row) for row in range(2)] == [True, False]
    spoken = model.index(0, 0).data(Qt.ItemDataRole.AccessibleTextRole)
    assert spoken.startswith("Next 24 hours. Due Tue, Nov 24 at 5:00\u202fAM")
    assert not model.index(1, 0).data(Qt.ItemDataRole.AccessibleTextRole).startswith("Next")
    # The heading row is taller by the heading; the rows below it are not.
    first = panel.view.visualRect(model.index(0, 0))
    second = panel.view.visualRect(model.index(1, 0))
    delegate = panel.view.itemDelegate()
    assert isinstance(delegate, TodayDelegate)
    heading = delegate.heading_height(panel.view.font())
    assert first.height() == second.height() + heading

    panel.set_items([*ITEMS, *COMING])
    assert [model.starts_coming_up(row) for row in range(len(ITEMS) + 2)] == [
        False,
        False,
        False,
        False,
        True,
        False,
    ]
    assert panel.summary.text() == "2 overdue, 2 due today, 2 more in the next 24 hours"
    panel.set_items([*ITEMS, *COMING], overdue=2, today=2, coming=5)
    assert panel.summary.text().endswith("(the first 6 listed)")


def test_the_heading_is_painted_above_the_first_coming_row(panel: TodayPanel) -> None:
    panel.set_items(COMING)
    panel.resize(340, 520)
    image = grab(panel)
    first = panel.view.visualRect(panel.model.index(0, 0))
    delegate = panel.view.itemDelegate()
    assert isinstance(delegate, TodayDelegate)
    heading = delegate.heading_height(panel.view.font())
    band = image.copy(first.left(), first.top(), first.width(), heading)
    background = panel.view.palette().color(QPalette.ColorRole.Base)
    inked = sum(
        1
        for x in range(band.width())
        for y in range(band.height())
        if band.pixelColor(x, y) != background
    )
    assert inked > 50  # the words "Next 24 hours" are drawn there


def test_summary_text_never_says_nothing_while_something_is_coming() -> None:
    assert (
        summary_text(0, 0, 1, 1)
        == "Nothing is overdue or due today; 1 step due in the next 24 hours."
    )
    assert summary_text(1, 0, 0, 1) == "1 overdue, 0 due today"


def test_the_window_lists_tomorrows_step_under_the_heading(
    qtbot: QtBot, database: Database, tmp_path: Path
) -> None:
    service = FollowupService(database, clock=lambda: NOW)
    acme = service.create_opportunity("Acme Robotics", "Engineer").created_id
    service.add_action("call_recruiter", NOW + timedelta(hours=20), opportunity_id=acme)
    service.add_action("later_step", NOW + timedelta(hours=30), opportunity_id=acme)
    window = MainWindow(service, dialogs=AnsweringDialogs(), settings=window_settings(tmp_path))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.settled)
    window.today_ctl.refresh()
    panel = window.today_ctl.panel
    assert panel.summary.text() == (
        "Nothing is overdue or due today; 1 step due in the next 24 hours."
    )
    assert [panel.model.item(row).kind for row in range(panel.model.rowCount())] == [
        "call_recruiter"
    ]
    assert panel.model.starts_coming_up(0)
    window.close()


def test_each_thank_you_row_names_its_interviewer(
    qtbot: QtBot, database: Database, tmp_path: Path
) -> None:
    from followup_desktop.core.services import DebriefFields, PanelMember

    service = FollowupService(database, clock=lambda: NOW)
    acme = service.create_opportunity("Acme Robotics", "Engineer").created_id
    assert acme is not None
    interview = service.record_interview(
        acme, NOW - timedelta(hours=2), NOW - timedelta(hours=1)
    ).created_id
    assert interview is not None
    service.submit_debrief(
        interview,
        DebriefFields(went_well="Good"),
        panel=[PanelMember("Dana Kim"), PanelMember("Omar Ruiz")],
    )
    window = MainWindow(service, dialogs=AnsweringDialogs(), settings=window_settings(tmp_path))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.settled)
    window.today_ctl.refresh()
    model = window.today_ctl.panel.model
    rows = [model.item(row) for row in range(model.rowCount())]
    titles = sorted(action_text(item) for item in rows if item.kind == "thank_you")
    assert titles == ["Send a thank-you note to Dana Kim", "Send a thank-you note to Omar Ruiz"]
    spoken = [
        model.index(row, 0).data(Qt.ItemDataRole.AccessibleTextRole)
        for row in range(model.rowCount())
    ]
    assert any("Send a thank-you note to Omar Ruiz" in text for text in spoken)
    window.close()


def test_a_narrow_row_keeps_the_persons_name_in_sight(panel: TodayPanel) -> None:
    delegate = panel.view.itemDelegate()
    assert isinstance(delegate, TodayDelegate)
    item = COMING[1]
    full = delegate.elided_action(item, 10_000, panel.view.font())
    assert full == "Send a thank-you note to Omar Ruiz"
    narrow = delegate.elided_action(item, 160, panel.view.font())
    assert narrow != full
    assert narrow.endswith("Ruiz")
    assert narrow.startswith("Send")
