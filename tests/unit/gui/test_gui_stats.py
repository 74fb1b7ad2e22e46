"""The "Your search" page: the same numbers as the core and the CLI, reachable and named."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPalette
from PySide6.QtWidgets import QAbstractButton, QApplication, QTableView, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from followup_desktop.cli import main
from followup_desktop.core.db import Database
from followup_desktop.core.playbook.settings import load_settings
from followup_desktop.core.services import Change, FollowupService
from followup_desktop.core.stats import (
    compute_stats,
    csv_tables,
    funnel_summary,
    response_summary,
    weekly_summary,
)
from followup_desktop.gui.main_window import MainWindow
from followup_desktop.gui.stats import StatsPage
from followup_desktop.gui.stats.chart import BarChart
from followup_desktop.gui.theme import dark_palette
from gui_helpers import AnsweringDialogs, window_settings
from test_stats import NOW, build_search

pytestmark = pytest.mark.usefixtures("qapp")


@pytest.fixture
def service(database: Database) -> FollowupService:
    build_search(database)
    return FollowupService(database, clock=lambda: NOW)


def open_page(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> tuple[MainWindow, StatsPage]:
    window = MainWindow(service, dialogs=AnsweringDialogs(), settings=window_settings(tmp_path))
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.settled)
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    page = window.stats_page
    assert page is not None
    qtbot.waitUntil(lambda: page.stats is not None and window.tasks.idle)
    return window, page


def cells(view: QTableView) -> list[list[str]]:
    model = view.model()
    return [
        [str(model.index(row, column).data()) for column in range(model.columnCount())]
        for row in range(model.rowCount())
    ]


def test_ctrl_4_shows_the_page_with_the_numbers_of_the_core(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    window, page = open_page(qtbot, service, tmp_path)
    assert window.views.currentWidget() is page
    assert window.stats_action.isChecked()
    funnel = page.funnel_section.tables[0]
    assert cells(funnel) == [
        ["Applied", "4", "", "100%"],
        ["Screening", "3", "75%", "75%"],
        ["Interviews", "1", "33%", "25%"],
        ["Offer", "1", "100%", "25%"],
    ]
    companies = {row[0]: row for row in cells(page.response_section.tables[1])}
    assert companies["Acme"][1:] == ["2", "10.0", "1", "3.0", "2", "4.5", "10.0", "2.25"]
    weeks = cells(page.weekly_section.tables[0])
    assert weeks[1] == ["10/5/26", "1", "2", "1"]  # Monday 5 October 2026, as en_US writes it
    assert "2 of 4 applications (50%)" in page.silence_label.text()
    assert page.advice.text().startswith("Suggested multiplier: 2, from 3 interviews")
    for model in (page.funnel_model, page.week_model, page.company_model, page.source_model):
        ModelTester(None).check(model)


def test_the_page_agrees_with_the_command_line(
    qtbot: QtBot,
    service: FollowupService,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _window, page = open_page(qtbot, service, tmp_path)
    assert main(["--db", str(service.db.path), "stats", "--json", "--now", NOW.isoformat()]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert page.stats is not None
    assert cli == json.loads(json.dumps(page.stats.as_json()))
    table = cells(page.funnel_section.tables[0])
    assert [int(row[1]) for row in table] == [step["count"] for step in cli["funnel"]]
    weekly = cells(page.weekly_section.tables[0])
    assert [[int(v) for v in row[1:]] for row in weekly] == [
        [w["applications"], w["interviews"], w["messages_sent"]] for w in cli["weeks"]
    ]


def test_summaries_are_the_charts_accessible_descriptions(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    _window, page = open_page(qtbot, service, tmp_path)
    stats = page.stats
    assert stats is not None
    expected = {
        page.funnel_section: funnel_summary(stats),
        page.weekly_section: weekly_summary(stats),
        page.response_section: response_summary(stats),
    }
    for section, sentence in expected.items():
        assert section.summary.text() == sentence
        assert section.chart.accessibleDescription() == sentence
        assert section.chart.accessibleName().endswith("chart")
    assert "Of 4 applications, 3 reached screening (75%)" in funnel_summary(stats)


def test_every_control_is_named_and_reachable_with_tab(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    window, page = open_page(qtbot, service, tmp_path)
    page.funnel_section.png_button.setFocus()
    seen: list[QWidget] = []
    widget = QApplication.focusWidget()
    for _ in range(80):
        assert widget is not None
        seen.append(widget)
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
        widget = QApplication.focusWidget()
        if widget is page.funnel_section.png_button:
            break
    on_page = [w for w in seen if page.isAncestorOf(w)]
    wanted: list[QWidget] = [
        page.refresh_button,
        page.all_time,
        page.funnel_section.csv_button,
        page.weekly_section.png_button,
        page.response_section.csv_button,
        page.funnel_section.chart,
        page.weekly_section.chart,
    ]
    for target in wanted:
        assert target in on_page, target.accessibleName()
    for target in on_page:
        assert target.accessibleName(), f"{type(target).__name__} has no accessible name"
    # The tables are one tab away from each chart, and are named too.
    for section in page.sections:
        for table in section.tables:
            assert table.accessibleName()
        section.tabs.setCurrentIndex(1)
        section.tabs.currentWidget().setFocus()
        assert isinstance(QApplication.focusWidget(), QTableView)
    assert window.isVisible()


def test_applying_the_multiplier_is_a_button_press_and_nothing_else(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    service.apply_timeline_multiplier(1.2)
    window, page = open_page(qtbot, service, tmp_path)
    with service.db.session() as session:
        assert load_settings(session).timeline_multiplier == 1.2  # showing changed nothing
    assert page.apply_button.isEnabled()
    assert page.apply_button.text() == "Use 2 times in the playbook"
    changes: list[Change] = []
    window.bus.changed.connect(changes.append)
    qtbot.mouseClick(page.apply_button, Qt.MouseButton.LeftButton)
    with service.db.session() as session:
        assert load_settings(session).timeline_multiplier == 2.0
    assert changes and "settings" in changes[0].entities
    qtbot.waitUntil(lambda: window.tasks.idle and page.stats is not None)
    qtbot.waitUntil(lambda: page.stats is not None and page.stats.calibration.current == 2.0)
    assert not page.apply_button.isEnabled()


def test_export_png_and_csv(qtbot: QtBot, service: FollowupService, tmp_path: Path) -> None:
    window, page = open_page(qtbot, service, tmp_path)
    dialogs = window.dialogs
    assert isinstance(dialogs, AnsweringDialogs)
    png, csv = tmp_path / "funnel.png", tmp_path / "weekly.csv"
    dialogs.files = [png, csv]
    assert page.export_png(page.funnel_section) == png
    image = QImage(str(png))
    assert not image.isNull() and image.width() > 100
    assert page.export_csv(page.weekly_section) == csv
    assert page.stats is not None
    assert csv.read_text(encoding="utf-8") == csv_tables(page.stats)["weekly"]
    dialogs.files = [tmp_path / "missing-folder" / "x.csv"]
    assert page.export_csv(page.response_section) is None
    assert (
        dialogs.messages[-1][0] == "warning" and "Choose another folder" in dialogs.messages[-1][1]
    )


def test_a_period_is_computed_on_the_worker(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    window, page = open_page(qtbot, service, tmp_path)
    page.start_edit.setDate(page.start_edit.date().fromString("2026-10-10", "yyyy-MM-dd"))
    page.end_edit.setDate(page.end_edit.date().fromString("2026-10-31", "yyyy-MM-dd"))
    page.all_time.setChecked(False)
    qtbot.waitUntil(
        lambda: window.tasks.idle and page.stats is not None and page.stats.start is not None
    )
    assert page.stats is not None
    with service.db.session() as session:
        expected = compute_stats(
            session, NOW, window._tz, start=page.stats.start, end=page.stats.end
        )
    assert page.stats.funnel == expected.funnel
    assert [row[1] for row in cells(page.funnel_section.tables[0])] == ["2", "1", "0", "0"]


def test_a_change_elsewhere_makes_the_page_compute_again(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    window, page = open_page(qtbot, service, tmp_path)
    change = service.create_opportunity("Hazel", "Engineer")
    window.apply_change(change)
    qtbot.waitUntil(lambda: window.tasks.idle)
    qtbot.waitUntil(lambda: page.stats is not None and page.stats.applied == 5)


def test_a_new_period_or_refresh_reads_nothing_again_until_a_write(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    window, page = open_page(qtbot, service, tmp_path)
    assert page.cache.reads == 1
    page.all_time.setChecked(False)
    qtbot.waitUntil(
        lambda: window.tasks.idle and page.stats is not None and page.stats.start is not None
    )
    page.refresh_button.click()
    qtbot.waitUntil(lambda: window.tasks.idle)
    assert page.cache.reads == 1
    window.apply_change(service.create_opportunity("Hazel", "Engineer"))
    qtbot.waitUntil(lambda: window.tasks.idle and page.cache.reads == 2)
    window.close()
    assert not page.cache.connected  # closed with the window


def test_the_chart_follows_the_palette_and_labels_every_bar(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    _window, page = open_page(qtbot, service, tmp_path)
    chart = page.funnel_section.chart
    assert isinstance(chart, BarChart)
    light = chart.colors()[0]
    chart.setPalette(dark_palette())
    assert chart.colors()[0] == dark_palette().color(QPalette.ColorRole.Highlight)
    assert chart.colors()[0] != light or light == dark_palette().color(QPalette.ColorRole.Highlight)
    # Three series, three fill patterns: the weekly chart reads without colour.
    weekly = page.weekly_section.chart
    assert len({weekly._brush(index).style() for index in range(3)}) == 3
    image = chart.grab().toImage()
    assert not image.isNull()


def test_chart_code_loads_only_when_the_page_is_first_opened(
    database: Database, tmp_path: Path
) -> None:
    script = r"""
import sys
from pathlib import Path
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
app = QApplication([])
from followup_desktop.core.db import open_database
from followup_desktop.core.services import FollowupService
from followup_desktop.gui.dialogs import Dialogs
from followup_desktop.gui.main_window import MainWindow
window = MainWindow(FollowupService(open_database(Path(sys.argv[1]))), dialogs=Dialogs(),
                    settings=QSettings(sys.argv[2], QSettings.Format.IniFormat))
window.show()
app.processEvents()
before = "followup_desktop.gui.stats.chart" in sys.modules
window.show_stats()
after = "followup_desktop.gui.stats.chart" in sys.modules
print(before, after)
"""
    database.close()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", script, str(database.path), str(tmp_path / "w.ini")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    assert result.stdout.split()[-2:] == ["False", "True"]


def test_buttons_have_names(qtbot: QtBot, service: FollowupService, tmp_path: Path) -> None:
    _window, page = open_page(qtbot, service, tmp_path)
    buttons = [
        button
        for button in page.findChildren(QAbstractButton)
        if button.focusPolicy() != Qt.FocusPolicy.NoFocus
    ]
    assert len(buttons) >= 8
    for button in buttons:
        assert button.accessibleName() or button.text(), button
