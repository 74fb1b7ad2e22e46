"""The accessibility tree as a screen reader gets it: AT-SPI on a real desktop stack.

Followup runs on Xvfb with a private session bus, the AT-SPI bus launcher and Qt's
accessibility bridge switched on (``QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1``). The tree is
read by ``desktop/atspi_walk.py`` with the system Python (PyGObject and the Atspi
typelib come from Debian, not PyPI). On the board and on the calendar page: no control
that takes the keyboard focus is without a name, every card and every interview of the
month is reachable with its text, and a column's card count is said once.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from datetime import time as time_of_day
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, QTime

from conftest import REQUIRE_DESKTOP_ENV, require_tools
from desktop.process import AppProcess
from desktop.stack import DesktopStack
from followup_desktop import APP_NAME
from followup_desktop.core import localformat
from followup_desktop.core.timeutil import local_zone, utcnow
from followup_desktop.gui.calendar.month_model import first_visible_day, full_day, week_start
from followup_desktop.gui.qt_formats import time_format, weekday_date_format

pytestmark = pytest.mark.desktop
WALKER = Path(__file__).parents[1] / "helpers" / "desktop" / "atspi_walk.py"
SYSTEM_PYTHON = "/usr/bin/python3"
BUS_LAUNCHER = "/usr/libexec/at-spi-bus-launcher"
OPPORTUNITIES = 12


def _require_atspi() -> None:
    require_tools("Xvfb", "dbus-daemon")
    probe = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import gi; gi.require_version('Atspi', '2.0')"],
        capture_output=True,
        check=False,
    )
    missing = []
    if probe.returncode != 0:
        missing.append("python3-gi and gir1.2-atspi-2.0 for the system Python")
    if not Path(BUS_LAUNCHER).exists():
        missing.append("at-spi2-core")
    if missing:
        message = "missing: " + ", ".join(missing)
        if os.environ.get(REQUIRE_DESKTOP_ENV) == "1":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def a11y_stack(tmp_path: Path) -> Iterator[tuple[DesktopStack, dict[str, str]]]:
    _require_atspi()
    with DesktopStack(tmp_path / "desktop", tray=False, notifications=False) as stack:
        env = stack.env
        env.pop("NO_AT_BRIDGE", None)
        # With CI set in its environment the app never shows on this accessibility bus
        # (seen with Debian 12's at-spi2-core; nothing in Followup reads CI, and the cause
        # is not found yet). A person's desktop session does not set it.
        env.pop("CI", None)
        env["QT_LINUX_ACCESSIBILITY_ALWAYS_ON"] = "1"
        launcher = subprocess.Popen(
            [BUS_LAUNCHER, "--launch-immediately"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            yield stack, env
        finally:
            os.killpg(launcher.pid, 15)
            launcher.wait(timeout=10)


def _walk(
    env: dict[str, str], db_path: Path, *press: str, wait_for: str = "", listen: str = ""
) -> list[dict[str, Any]]:
    app = AppProcess([sys.executable, "-m", "followup_desktop", "--db", str(db_path)], env)
    try:
        if wait_for:
            # A page the window opens after its first paint: ask fresh walkers until it
            # is there (each reads the tree anew).
            deadline = time.monotonic() + 40
            while True:
                check = subprocess.run(
                    [SYSTEM_PYTHON, str(WALKER), APP_NAME, "40"],
                    env={**env, "ATSPI_WAIT_FOR": wait_for},
                    capture_output=True,
                    text=True,
                    timeout=60,
                    check=False,
                )
                if check.returncode == 0:
                    break
                assert time.monotonic() < deadline, (
                    f"{wait_for!r} never appeared: {check.stderr}" + "\n".join(app.lines)
                )
                time.sleep(0.5)
        result = subprocess.run(
            [SYSTEM_PYTHON, str(WALKER), APP_NAME, "40", *press],
            env={**env, "ATSPI_LISTEN": listen} if listen else env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert result.returncode == 0, result.stderr + "\n".join(app.lines)
    finally:
        app.stop()
    return [json.loads(line) for line in result.stdout.splitlines()]


def _unnamed_focusable(nodes: list[dict[str, Any]]) -> list[str]:
    return [
        f"{node['role']} at {node['path']}"
        for node in nodes
        if node["focusable"] and node["showing"] and node["enabled"] and not node["name"].strip()
    ]


def _said_twice(nodes: list[dict[str, Any]]) -> list[str]:
    """Objects whose description repeats their name: a screen reader says it twice."""
    return [
        f"{node['role']} {node['name']!r}"
        for node in nodes
        if node["showing"] and node["name"].strip() and node["description"] == node["name"]
    ]


def _demo(tmp_path: Path) -> Path:
    db_path = tmp_path / "demo.sqlite3"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "followup_desktop",
            "--db",
            str(db_path),
            "demo",
            "--opportunities",
            str(OPPORTUNITIES),
        ],
        check=True,
        capture_output=True,
    )
    return db_path


def test_the_board_and_the_calendar_are_named_and_reachable_through_atspi(
    a11y_stack: tuple[DesktopStack, dict[str, str]], tmp_path: Path
) -> None:
    _stack, env = a11y_stack
    db_path = _demo(tmp_path)
    with sqlite3.connect(db_path) as connection:
        cards = connection.execute(
            "SELECT o.company, o.role FROM opportunities o JOIN stages s ON s.id = o.stage_id "
            "WHERE o.archived = 0 AND s.hidden = 0"
        ).fetchall()

    board = _walk(env, db_path)
    assert not _unnamed_focusable(board), _unnamed_focusable(board)
    assert not _said_twice(board), _said_twice(board)
    items = [node["name"] for node in board if node["role"] == "list item"]
    for company, role in cards:
        assert any(name.startswith(f"{company}, {role}") for name in items), (company, role)
    # Each column says its card count once (not in the panel, the title and the count).
    for panel in (node for node in board if node["role"] == "panel" and node["path"]):
        inside = [
            node["name"]
            for node in board
            if node["path"][: len(panel["path"])] == panel["path"] and " card" in node["name"]
        ]
        assert len(inside) <= 1, inside


def test_the_calendar_is_named_and_reachable_through_atspi(
    a11y_stack: tuple[DesktopStack, dict[str, str]], tmp_path: Path
) -> None:
    # A stack of its own: one app at a time on the accessibility bus.
    _stack, env = a11y_stack
    db_path = _demo(tmp_path)
    with sqlite3.connect(db_path) as connection:
        interviews = connection.execute(
            "SELECT o.company, i.starts_at FROM interviews i "
            "JOIN opportunities o ON o.id = i.opportunity_id"
        ).fetchall()
    _open_on_calendar(env)
    month = _walk(env, db_path, wait_for="Month of ")
    assert not _unnamed_focusable(month), _unnamed_focusable(month)
    assert not _said_twice(month), _said_twice(month)
    cells = [node["name"] for node in month if node["role"] == "table cell"]
    assert len(cells) >= 42, f"the month grid shows {len(cells)} day cells"
    today = utcnow().astimezone(local_zone()).date()
    first = first_visible_day(today.replace(day=1))
    shown = 0
    for company, starts_at in interviews:
        day = _local_day(starts_at)
        if first <= day < first + timedelta(days=42):
            shown += 1
            heading = full_day(day)
            cell = next(name for name in cells if name.startswith(heading))
            assert company in cell, (company, cell)
            # And each entry is an object of its own under the day, with its actions.
            said = f"{localformat.weekday_and_date(day)}:"
            assert any(
                node["role"] == "list item"
                and node["name"].startswith(said)
                and company in node["name"]
                and node["actions"][:2] == ["Press", "Move"]
                for node in month
            ), (company, said)
    assert shown, "the demo data has interviews in the month shown"
    # Every entry the month draws (follow-ups and expected decisions too) is an object
    # under its day, read from the same query the page uses.
    grid = next(node for node in month if node["name"].startswith("Month of "))
    under = [
        node["name"]
        for node in month
        if node["role"] == "list item" and node["path"][: len(grid["path"])] == grid["path"]
    ]
    drawn = _month_entries(db_path, first)
    assert drawn, "the demo data has entries in the month shown"
    for entry in drawn:
        said = f"{localformat.weekday_and_date(entry.day)}:"
        assert any(n.startswith(said) and entry.company in n for n in under), (said, entry)

    # The week: each entry an object of its own, with its day and words.
    week = _walk(env, db_path, "Week view", wait_for="Month of ")
    assert not _unnamed_focusable(week), _unnamed_focusable(week)
    grid = next(node for node in week if node["name"].startswith("Week of "))
    items = [
        node["name"]
        for node in week
        if node["role"] == "list item" and node["path"][: len(grid["path"])] == grid["path"]
    ]
    first_of_week = week_start(today)
    for company, starts_at in interviews:
        day = _local_day(starts_at)
        if first_of_week <= day < first_of_week + timedelta(days=7):
            said = f"{localformat.weekday_and_date(day)}:"
            assert any(company in name and said in name for name in items), (company, items)
    assert items, "the week's entries are reachable"


def _local_day(stored: str) -> Any:
    moment = datetime.fromisoformat(stored)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(local_zone()).date()


def _month_entries(db_path: Path, first: Any) -> list[Any]:
    """What the month page draws on its 42 days, read as the page reads it."""
    from followup_desktop.core.calendar_query import DecisionIndex
    from followup_desktop.core.db import open_database
    from followup_desktop.core.queries.calendar import calendar_range, expected_decisions
    from followup_desktop.gui.calendar.page import PER_DAY

    db = open_database(db_path)
    try:
        tz = local_zone()
        decisions = DecisionIndex(expected_decisions(db, tz))
        shown = calendar_range(db, first, 42, utcnow(), tz, per_day=PER_DAY, decisions=decisions)
        return list(shown.entries)
    finally:
        db.close()


def _open_on_calendar(env: dict[str, str]) -> None:
    """Have the window open on the calendar page, as a reopened window shows it."""
    settings = Path(env["XDG_CONFIG_HOME"]) / APP_NAME / "window.ini"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text("[window]\npage=calendar\n")


def _one_interview(tmp_path: Path, starts: datetime, company: str) -> Path:
    """A database file with one job and one interview of it, written by the service."""
    from followup_desktop.core.db import open_database
    from followup_desktop.core.services import FollowupService

    db_path = tmp_path / "one.sqlite3"
    db = open_database(db_path)
    try:
        service = FollowupService(db)
        opportunity = service.create_opportunity(company, "Analyst").created_id
        assert opportunity is not None
        service.record_interview(opportunity, starts, starts + timedelta(hours=1))
    finally:
        db.close()
    return db_path


@pytest.mark.parametrize("view", ["month", "week"])
def test_a_calendar_entry_moves_to_another_day_and_time_through_its_atspi_actions(
    a11y_stack: tuple[DesktopStack, dict[str, str]], tmp_path: Path, view: str
) -> None:
    # A screen reader's user: the entry's "Move" action opens the move dialog, its
    # fields take a new day and time as text, and its Move button moves the interview.
    _stack, env = a11y_stack
    today = utcnow().astimezone(local_zone()).date()
    starts = datetime(today.year, today.month, today.day, 10, tzinfo=local_zone())
    db_path = _one_interview(tmp_path, starts, "Initech")
    said = f"{localformat.weekday_and_date(today)}:"
    tomorrow = today + timedelta(days=1)
    _open_on_calendar(env)
    seen = _walk(
        env,
        db_path,
        *(["Week view"] if view == "week" else []),
        f"act:{said}:Move",
        # Typed as the dialog's fields show a day and a time in this locale.
        "set:Day:="
        + QDate(tomorrow.year, tomorrow.month, tomorrow.day).toString(weekday_date_format()),
        "set:Start time:=" + QTime(12, 0).toString(time_format()),
        "Move",
        wait_for="Month of ",
        listen="object:announcement",
    )
    events = [n for n in seen if "event" in n]
    seen = [n for n in seen if "event" not in n]
    assert not [n for n in seen if n["role"] == "dialog"], "the dialog closed on Move"
    # The move is said through Qt's announcement event, which reaches AT-SPI.
    said_moved = [e["text"] for e in events if e["text"].startswith("Interview with Initech")]
    assert said_moved, events
    with sqlite3.connect(db_path) as connection:
        (stored,) = connection.execute("SELECT starts_at FROM interviews").fetchone()
    moved = datetime.fromisoformat(stored)
    moved = (moved if moved.tzinfo else moved.replace(tzinfo=UTC)).astimezone(local_zone())
    assert (moved.date(), moved.hour, moved.minute) == (tomorrow, 12, 0)
    # The moved interview is still an object with its actions, on its new day (in the
    # month, under that day's cell).
    grid = next(
        n for n in seen if n["name"].startswith("Week of " if view == "week" else "Month of ")
    )
    block = next(
        n
        for n in seen
        if n["role"] == "list item"
        and n["path"][: len(grid["path"])] == grid["path"]
        and n["name"].startswith(localformat.weekday_and_date(tomorrow))
        and localformat.clock(time_of_day(12, 0)) in n["name"]
    )
    assert "Initech" in block["name"]
    assert block["actions"][:2] == ["Press", "Move"]


def test_a_card_moved_through_the_menu_is_said_and_keeps_the_focus(
    a11y_stack: tuple[DesktopStack, dict[str, str]], tmp_path: Path
) -> None:
    # A screen reader's user moves a card one stage on: the move is said through Qt's
    # announcement event and the focus is on the card, in its new column.
    _stack, env = a11y_stack
    from followup_desktop.core.db import open_database
    from followup_desktop.core.services import FollowupService

    db_path = tmp_path / "card.sqlite3"
    db = open_database(db_path)
    try:
        FollowupService(db).create_opportunity("Initech", "Analyst")
    finally:
        db.close()
    seen = _walk(
        env,
        db_path,
        "act:Applied column:SetFocus",
        "act:Initech, Analyst:Toggle",
        "act:Edit:ShowMenu",
        "act:Move to next stage:Press",
        wait_for="Applied column",
        listen="object:announcement",
    )
    said = [node["text"] for node in seen if node.get("event") == "object:announcement"]
    assert "Initech — Analyst moved to Screening" in said, said
    nodes = [node for node in seen if "event" not in node]
    column = next(node for node in nodes if node["name"].startswith("Screening column"))
    focused = [node for node in nodes if node["focused"] and node["role"] == "list item"]
    assert [node["name"] for node in focused] == ["Initech, Analyst; no open action"]
    assert focused[0]["path"][: len(column["path"])] == column["path"], "in its new column"
