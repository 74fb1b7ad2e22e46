"""The desktop's dark preference, heard from a desktop portal on a real session bus.

A small Settings portal (``tests/helpers/desktop/portal.py``) owns
``org.freedesktop.portal.Desktop`` on the private bus of a :class:`DesktopStack`; the
follower reads ``color-scheme`` from it over D-Bus and follows its ``SettingChanged``
signal, and the application's palette turns dark and light with it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from conftest import require_tools
from desktop.portal import SettingsPortal
from desktop.stack import DesktopStack
from followup_desktop.gui.appearance import SYSTEM, apply_appearance
from followup_desktop.gui.theme import ColorSchemeFollower, is_dark
from followup_desktop.portal_appearance import PREFER_DARK, PREFER_LIGHT, PortalColorScheme

pytestmark = pytest.mark.desktop


@pytest.fixture
def bus(tmp_path: Path) -> Iterator[str]:
    require_tools("Xvfb", "dbus-daemon")
    with DesktopStack(tmp_path / "desktop", tray=False, notifications=False) as stack:
        yield stack.bus_address


@pytest.fixture
def follower(qapp: QApplication) -> Iterator[ColorSchemeFollower]:
    made = ColorSchemeFollower(qapp)
    made.setObjectName("portalTestFollower")  # not the application's own follower
    yield made
    made.stop()
    made.deleteLater()
    apply_appearance(qapp, SYSTEM)  # the palette the other tests expect


def test_the_palette_follows_the_portals_colour_scheme_and_its_changes(
    qtbot: QtBot, qapp: QApplication, bus: str, follower: ColorSchemeFollower
) -> None:
    with SettingsPortal(bus, PREFER_DARK) as portal:
        follower.listen_to_portal(bus)
        qtbot.waitUntil(lambda: is_dark(qapp.palette()), timeout=10000)
        assert follower.portal == Qt.ColorScheme.Dark
        assert portal.calls[0] == "ReadOne"
        portal.change(PREFER_LIGHT)
        qtbot.waitUntil(lambda: not is_dark(qapp.palette()), timeout=10000)
        portal.change(PREFER_DARK)
        qtbot.waitUntil(lambda: is_dark(qapp.palette()), timeout=10000)
        # The person's own choice holds whatever the desktop says.
        follower.forced = Qt.ColorScheme.Light
        follower.apply(Qt.ColorScheme.Unknown)
        assert not is_dark(qapp.palette())
        portal.change(PREFER_LIGHT)
        portal.change(PREFER_DARK)
        qtbot.waitUntil(lambda: follower.portal == Qt.ColorScheme.Dark, timeout=10000)
        qtbot.wait(200)
        assert not is_dark(qapp.palette())


def _switches(thread_id: int) -> int:
    """How many times the kernel has switched the thread in and out (Linux /proc)."""
    status = Path(f"/proc/self/task/{thread_id}/status").read_text(encoding="ascii")
    return sum(int(line.split()[1]) for line in status.splitlines() if "ctxt_switches" in line)


def test_the_listener_sleeps_until_the_portal_speaks_and_ends_when_stopped(bus: str) -> None:
    heard: list[int] = []
    with SettingsPortal(bus, PREFER_DARK) as portal:
        reader = PortalColorScheme(heard.append, bus=bus)
        reader.start()
        deadline = time.monotonic() + 10
        while not heard and time.monotonic() < deadline:
            time.sleep(0.01)
        assert heard == [PREFER_DARK]
        thread = reader._thread
        assert thread is not None and thread.native_id is not None
        time.sleep(0.2)  # into its wait for signals
        before = _switches(thread.native_id)
        time.sleep(2.0)
        # Idle, it does not wake at all (a look every half second was 4 wake-ups here).
        assert _switches(thread.native_id) - before <= 1
        portal.change(PREFER_LIGHT)
        deadline = time.monotonic() + 10
        while len(heard) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert heard == [PREFER_DARK, PREFER_LIGHT]
        started = time.monotonic()
        reader.stop(wait=5)
        assert not reader.running
        assert time.monotonic() - started < 1


def test_an_older_portal_without_read_one_is_read_with_read(
    qtbot: QtBot, qapp: QApplication, bus: str, follower: ColorSchemeFollower
) -> None:
    with SettingsPortal(bus, PREFER_DARK, read_one=False) as portal:
        follower.listen_to_portal(bus)
        qtbot.waitUntil(lambda: is_dark(qapp.palette()), timeout=10000)
        assert portal.calls[:2] == ["ReadOne", "Read"]


STARTS = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from followup_desktop.gui.appearance import SYSTEM, apply_appearance
    from followup_desktop.gui.theme import is_dark

    app = QApplication([])
    apply_appearance(app, SYSTEM)  # as the app's start does
    print("at-start", "dark" if is_dark(app.palette()) else "light", flush=True)
    def look():
        if is_dark(app.palette()):
            print("dark", flush=True)
            app.quit()
    timer = QTimer(interval=50, timeout=look)
    timer.start()
    QTimer.singleShot(10000, app.quit)
    app.exec()
    """
)


def test_a_starting_app_on_system_turns_dark_when_the_portal_prefers_dark(
    bus: str, tmp_path: Path
) -> None:
    with SettingsPortal(bus, PREFER_DARK):
        env = {
            **os.environ,
            "DBUS_SESSION_BUS_ADDRESS": bus,
            "QT_QPA_PLATFORM": "offscreen",
        }
        result = subprocess.run(
            [sys.executable, "-c", STARTS],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            cwd=tmp_path,
        )
    lines = result.stdout.split()
    # The start did not wait for the bus: the palette was still the light one when
    # apply_appearance returned, and turned dark once the portal had answered.
    assert lines[:2] == ["at-start", "light"], result.stdout + result.stderr
    assert "dark" in lines[2:], result.stdout + result.stderr
