"""Start at login inside a sandbox: the Background portal, over a real private D-Bus.

The portal itself is a stand-in on the bus (no xdg-desktop-portal runs in CI): it owns
``org.freedesktop.portal.Desktop``, answers ``RequestBackground`` with the request path
the caller predicted and sends the ``Response`` signal there, as the real one does.
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jeepney import DBusAddress, HeaderFields, message_bus, new_method_return, new_signal
from jeepney.io.blocking import open_dbus_connection

from conftest import require_tools
from desktop.stack import BUS_CONFIG, _read_line_from
from followup_desktop.autostart import autostart_enabled, autostart_path, set_autostart
from followup_desktop.core.errors import FollowupError
from followup_desktop.portal_autostart import (
    BACKGROUND,
    PORTAL_NAME,
    REQUEST,
    request_background,
)


class FakePortal:
    """Answers RequestBackground: grants what is asked, or denies (code 1)."""

    def __init__(self, address: str, *, deny: bool = False) -> None:
        self.requests: list[dict[str, Any]] = []
        self.deny = deny
        self._connection = open_dbus_connection(address)
        self._connection.send_and_get_reply(message_bus.RequestName(PORTAL_NAME), timeout=5)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                message = self._connection.receive(timeout=0.05)
            except TimeoutError:
                continue
            except OSError:
                return
            fields = message.header.fields
            if fields.get(HeaderFields.member) != "RequestBackground":
                continue
            assert fields.get(HeaderFields.interface) == BACKGROUND
            _parent, options = message.body
            self.requests.append({key: value[1] for key, value in options.items()})
            sender = str(fields[HeaderFields.sender]).lstrip(":").replace(".", "_")
            handle = (
                f"/org/freedesktop/portal/desktop/request/{sender}/{options['handle_token'][1]}"
            )
            self._connection.send(new_method_return(message, "o", (handle,)))
            results = {
                "background": ("b", not self.deny),
                "autostart": ("b", options["autostart"][1]),
            }
            signal = new_signal(
                DBusAddress(handle, interface=REQUEST),
                "Response",
                "ua{sv}",
                (1 if self.deny else 0, {} if self.deny else results),
            )
            self._connection.send(signal)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._connection.close()


@pytest.fixture
def bus(tmp_path: Path) -> Iterator[str]:
    require_tools("dbus-daemon")
    config = tmp_path / "bus.conf"
    config.write_text(BUS_CONFIG)
    daemon = subprocess.Popen(
        ["dbus-daemon", f"--config-file={config}", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert daemon.stdout is not None
        yield _read_line_from(daemon.stdout.fileno(), 20, "the bus address")
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)
        if daemon.stdout is not None:
            daemon.stdout.close()


@pytest.fixture
def sandbox(bus: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("FLATPAK_ID", "io.github.followup_desktop.Followup")
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bus)
    return bus


def test_inside_a_sandbox_start_at_login_asks_the_portal(sandbox: str) -> None:
    portal = FakePortal(sandbox)
    try:
        set_autostart(True)
        enabling = portal.requests[-1]
        assert enabling["autostart"] is True
        assert enabling["commandline"] == ["followup-desktop", "--minimized"]
        assert "reminds you" in enabling["reason"]
        assert autostart_enabled()
        assert not autostart_path().exists(), "no autostart file inside the sandbox"
        set_autostart(False)
        assert portal.requests[-1]["autostart"] is False
        assert not autostart_enabled()
    finally:
        portal.stop()


def test_a_refusal_is_said_and_nothing_is_recorded(sandbox: str) -> None:
    portal = FakePortal(sandbox, deny=True)
    try:
        with pytest.raises(FollowupError, match="not allowed"):
            set_autostart(True)
        assert not autostart_enabled()
    finally:
        portal.stop()


def test_no_portal_on_the_bus_is_a_clear_error(sandbox: str) -> None:
    with pytest.raises(FollowupError, match="portal"):
        request_background(True, ["followup-desktop"], timeout=2)
    assert os.environ["FLATPAK_ID"]
