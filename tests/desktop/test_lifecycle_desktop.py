"""Quitting, closing and reopening the real app on a real desktop with no tray.

Followup itself (``python -m followup_desktop``) runs on Xvfb with a private session bus
and dunst but no tray host, as on stock GNOME. Closing the window (the window manager's
close request, ``WM_DELETE_WINDOW``) leaves it running in the background: the once-only
hint and then a due reminder reach dunst. A second launch brings the window back, and
Ctrl+Q ends the process.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from conftest import require_tools
from desktop.process import AppProcess, add_thank_you
from desktop.stack import DesktopStack, ask_window_to_close, wait_until
from followup_desktop.core.db import open_database
from followup_desktop.core.services import FollowupService

pytestmark = pytest.mark.desktop
TITLE = "Followup"
REMINDER = "Send a thank-you note to Dana Example · Müller & <Söhne>"
BACKGROUND_HINT = "Followup keeps running in the background"


@pytest.fixture
def no_tray_stack(tmp_path: Path) -> Iterator[DesktopStack]:
    require_tools("Xvfb", "dunst", "dunstctl", "dbus-daemon", "xdotool")
    with DesktopStack(tmp_path / "desktop", tray=False) as running:
        yield running


def _launch(stack: DesktopStack, db_path: Path, *extra: str) -> AppProcess:
    return AppProcess(
        [sys.executable, "-m", "followup_desktop", "--db", str(db_path), *extra], stack.env
    )


def _summaries(stack: DesktopStack) -> list[str]:
    # Notifications never expire here: close them so dunst moves them to its history.
    stack.dunstctl("close-all")
    return stack.dunst_history()


def test_without_a_tray_followup_keeps_reminding_reopens_and_quits_on_ctrl_q(
    no_tray_stack: DesktopStack, tmp_path: Path
) -> None:
    stack = no_tray_stack
    db_path = tmp_path / "followup.sqlite3"
    db = open_database(db_path)
    FollowupService(db).set_setting("reminders", {"quiet_hours": False})
    add_thank_you(db, timedelta(seconds=12))
    db.close()
    monitor = stack.monitor()

    app = _launch(stack, db_path)
    try:
        window = wait_until(lambda: stack.visible_windows(TITLE), 30, "the window")[0]
        # The reminders are set up right after the first paint; their notifier asks the
        # server what it can do, which says they are ready.
        wait_until(lambda: monitor.calls("GetServerInformation"), 30, "the notifier")
        ask_window_to_close(stack.display, window)
        wait_until(lambda: not stack.visible_windows(TITLE), 10, "the window to close")
        assert app.process.poll() is None, "closing the window must not quit:\n" + "\n".join(
            app.lines
        )
        wait_until(lambda: monitor.calls("Notify"), 10, "the background hint")

        # The reminder comes due with the window closed and still reaches the desktop.
        def reminded() -> bool:
            return any(call.body[3] == REMINDER for call in monitor.calls("Notify"))

        wait_until(reminded, 30, "the reminder on the bus")
        reminder = next(call for call in monitor.calls("Notify") if call.body[3] == REMINDER)
        assert "done" in reminder.body[5], "the reminder keeps its buttons"
        summaries = _summaries(stack)
        assert REMINDER in summaries
        assert summaries.count(BACKGROUND_HINT) == 1

        # Launching again hands over to the running Followup, which shows its window.
        second = _launch(stack, db_path)
        assert second.process.wait(timeout=30) == 0, "\n".join(second.lines)
        second.stop()
        window = wait_until(lambda: stack.visible_windows(TITLE), 20, "the window again")[0]

        # Closing again says nothing new: the hint was once.
        ask_window_to_close(stack.display, window)
        wait_until(lambda: not stack.visible_windows(TITLE), 10, "the window to close again")
        second = _launch(stack, db_path)
        assert second.process.wait(timeout=30) == 0, "\n".join(second.lines)
        second.stop()
        window = wait_until(lambda: stack.visible_windows(TITLE), 20, "the window again")[0]
        assert _summaries(stack).count(BACKGROUND_HINT) == 1

        # Ctrl+Q quits for real.
        stack.xdotool("windowfocus", "--sync", str(window))
        stack.xdotool("key", "--clearmodifiers", "ctrl+q")
        assert app.process.wait(timeout=20) == 0, "\n".join(app.lines)
    finally:
        app.stop()
