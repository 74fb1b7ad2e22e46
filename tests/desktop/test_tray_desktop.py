"""End to end on a real desktop: Xvfb, a private session bus, trayer and dunst.

Followup runs in its own process with the window closed; the test watches the bus like
``dbus-monitor`` does, checks that a due thank-you reaches dunst within a second with the
right text and buttons, then has dunst itself invoke "Done" and reads the database.
"""

from __future__ import annotations

import sqlite3
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from conftest import require_tools
from desktop.process import AppProcess, add_thank_you
from desktop.stack import DesktopStack, wait_until
from followup_desktop import APP_ID
from followup_desktop.core.db import open_database
from followup_desktop.core.models import ActionState
from followup_desktop.core.services import FollowupService

pytestmark = pytest.mark.desktop
HARNESS = Path(__file__).parents[1] / "helpers" / "desktop" / "reminder_app.py"


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[DesktopStack]:
    require_tools("Xvfb", "dunst", "dunstctl", "trayer", "dbus-daemon")
    with DesktopStack(tmp_path / "desktop") as running:
        yield running


def _state(db_path: Path, action_id: int) -> str:
    with sqlite3.connect(db_path) as connection:
        row = connection.execute("SELECT state FROM actions WHERE id = ?", (action_id,)).fetchone()
    return str(row[0])


def test_due_thank_you_reaches_dunst_on_time_and_done_works(
    stack: DesktopStack, tmp_path: Path
) -> None:
    db_path = tmp_path / "followup.sqlite3"
    db = open_database(db_path)
    # Reminders at any hour, so the test does not depend on when it runs.
    FollowupService(db).set_setting("reminders", {"quiet_hours": False})
    # Due after the app has surely started, even on a busy machine (it took over 5 s
    # there once): the test is about announcing on time, not about starting fast.
    action_id, due_ts = add_thank_you(db, timedelta(seconds=12))
    db.close()
    monitor = stack.monitor()

    app = AppProcess(
        [
            sys.executable,
            str(HARNESS),
            "--db",
            str(db_path),
            "--settings",
            str(tmp_path / "qt.ini"),
        ],
        stack.env,
    )
    try:
        status = app.wait_for("STATUS tray=True", timeout=20)
        assert "notifier=freedesktop" in status
        assert "window=False" in status, "started minimized, the window stays closed"
        assert time.time() < due_ts, "the app took too long to start for this test"

        notify = wait_until(lambda: monitor.calls("Notify"), 15, "Notify on the bus")[0]
        latency_ms = (notify.seen_at - due_ts) * 1000
        assert latency_ms < 1000, f"reminder reached the bus {latency_ms:.0f} ms after its due time"
        assert notify.seen_at >= due_ts - 0.05, "announced before it was due"

        app_name, replaces_id, _icon, summary, body, actions, hints, timeout = notify.body
        assert app_name == "Followup"
        assert replaces_id == 0
        assert summary == "Send a thank-you note to Dana Example · Müller & <Söhne>"
        assert "Data engineer" in body
        assert "To: Dana Example" in body
        assert "<" not in body
        assert actions == [
            "default",
            "Open",
            "done",
            "Done",
            "snooze",
            "Snooze 1 h",
        ]
        assert hints == {"urgency": ("y", 1), "desktop-entry": ("s", APP_ID)}
        assert timeout == -1
        app.wait_for("DELIVERED freedesktop")
        assert stack.dunstctl("count", "displayed").strip() == "1"

        stack.choose_in_context_menu("#Done")
        app.wait_for("CHANGED", timeout=10)
        assert _state(db_path, action_id) == ActionState.DONE.value
        assert monitor.calls("ActionInvoked")[0].body[1] == "done"
        # Announced once: nothing else reached the server.
        assert len(monitor.calls("Notify")) == 1
    finally:
        app.stop()
    assert app.process.returncode == 0, "\n".join(app.lines)
