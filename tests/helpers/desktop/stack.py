"""A private, disposable desktop for tests: Xvfb, a session D-Bus, trayer and dunst.

Nothing is shared with the developer's session: the bus has its own configuration (no
service activation, so no stray notification daemon gets started), dunst its own config
(notifications never expire; its context menu answers through a file the test writes)
and every process runs in its own session so teardown can kill the whole group.
Readiness is polled with short intervals under a deadline, never waited for blindly.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import select
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jeepney import HeaderFields, MatchRule, message_bus
from jeepney.bus_messages import Monitoring
from jeepney.io.blocking import open_dbus_connection

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""

DUNSTRC = """[global]
dmenu = {picker}
[urgency_low]
timeout = 0
[urgency_normal]
timeout = 0
[urgency_critical]
timeout = 0
"""

# dunst pipes the context menu's lines to "dmenu" and reads back the chosen one; this
# picker chooses the first line containing the text in the pick file.
PICKER = """#!/bin/sh
menu=$(cat)
printf '%s\\n' "$menu" > "{workdir}/menu.txt"
printf '%s\\n' "$menu" | grep -m1 -F -- "$(cat '{workdir}/pick')"
"""

NOTIFICATIONS = "org.freedesktop.Notifications"


def wait_until(predicate: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll ``predicate`` every 20 ms until it returns something truthy, or fail."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)


def _read_line_from(fd: int, timeout: float, what: str) -> str:
    deadline = time.monotonic() + timeout
    data = b""
    while b"\n" not in data:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"timed out waiting for {what}")
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            chunk = os.read(fd, 4096)
            if not chunk:
                raise RuntimeError(f"{what}: the process exited before answering")
            data += chunk
    return data.decode().strip()


def tray_owned(display: str) -> bool:
    """True when an XEmbed tray host owns the ``_NET_SYSTEM_TRAY_S0`` selection."""
    x11 = ctypes.CDLL("libX11.so.6")
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XInternAtom.restype = ctypes.c_ulong
    x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x11.XGetSelectionOwner.restype = ctypes.c_ulong
    x11.XGetSelectionOwner.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    connection = x11.XOpenDisplay(display.encode())
    if not connection:
        return False
    try:
        atom = x11.XInternAtom(connection, b"_NET_SYSTEM_TRAY_S0", 0)
        return bool(x11.XGetSelectionOwner(connection, atom))
    finally:
        x11.XCloseDisplay(connection)


class _ClientMessage(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("serial", ctypes.c_ulong),
        ("send_event", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("window", ctypes.c_ulong),
        ("message_type", ctypes.c_ulong),
        ("format", ctypes.c_int),
        ("data", ctypes.c_long * 5),
    ]


class _XEvent(ctypes.Union):
    _fields_ = [("client", _ClientMessage), ("pad", ctypes.c_long * 24)]


CLIENT_MESSAGE = 33


def ask_window_to_close(display: str, window: int) -> None:
    """Send ``WM_DELETE_WINDOW`` to ``window``: what a window manager's close button does."""
    x11 = ctypes.CDLL("libX11.so.6")
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XInternAtom.restype = ctypes.c_ulong
    x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x11.XSendEvent.argtypes = [
        ctypes.c_void_p,
        ctypes.c_ulong,
        ctypes.c_int,
        ctypes.c_long,
        ctypes.POINTER(_XEvent),
    ]
    x11.XFlush.argtypes = [ctypes.c_void_p]
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    connection = x11.XOpenDisplay(display.encode())
    if not connection:
        raise RuntimeError(f"cannot open display {display}")
    try:
        event = _XEvent()
        event.client.type = CLIENT_MESSAGE
        event.client.window = window
        event.client.message_type = x11.XInternAtom(connection, b"WM_PROTOCOLS", 0)
        event.client.format = 32
        event.client.data[0] = x11.XInternAtom(connection, b"WM_DELETE_WINDOW", 0)
        event.client.data[1] = 0  # CurrentTime
        if not x11.XSendEvent(connection, window, 0, 0, ctypes.byref(event)):
            raise RuntimeError("XSendEvent refused the close request")
        x11.XFlush(connection)
    finally:
        x11.XCloseDisplay(connection)


@dataclass
class BusMessage:
    """A message seen on the bus, with when it arrived (wall-clock seconds)."""

    member: str
    kind: str
    body: tuple[Any, ...]
    seen_at: float


@dataclass
class NotificationMonitor:
    """Watches ``org.freedesktop.Notifications`` traffic, as ``dbus-monitor`` would."""

    address: str
    messages: list[BusMessage] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _connection: Any = None

    def start(self) -> None:
        self._connection = open_dbus_connection(self.address)
        rule = MatchRule(interface=NOTIFICATIONS)
        reply = self._connection.send_and_get_reply(
            Monitoring().BecomeMonitor([rule.serialise()]), timeout=5
        )
        assert reply.header.message_type.name != "error", reply.body
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                message = self._connection.receive(timeout=0.05)
            except TimeoutError:
                continue
            except OSError:
                return
            fields = message.header.fields
            if fields.get(HeaderFields.interface) != NOTIFICATIONS:
                continue
            self.messages.append(
                BusMessage(
                    member=str(fields.get(HeaderFields.member)),
                    kind=message.header.message_type.name,
                    body=tuple(message.body),
                    seen_at=time.time(),
                )
            )

    def calls(self, member: str) -> list[BusMessage]:
        """Messages seen so far with this member name (Notify, ActionInvoked, ...)."""
        return [message for message in list(self.messages) if message.member == member]

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._connection is not None:
            self._connection.close()


class DesktopStack:
    """Xvfb + private session bus (+ trayer) (+ dunst), torn down completely on exit."""

    def __init__(self, workdir: Path, *, tray: bool = True, notifications: bool = True) -> None:
        self.workdir = workdir
        self.want_tray = tray
        self.want_notifications = notifications
        self.display = ""
        self.bus_address = ""
        self._processes: list[subprocess.Popen[bytes]] = []
        self._monitors: list[NotificationMonitor] = []

    @property
    def env(self) -> dict[str, str]:
        """The environment a program on this desktop needs."""
        env = dict(os.environ)
        env.update(
            DISPLAY=self.display,
            DBUS_SESSION_BUS_ADDRESS=self.bus_address,
            QT_QPA_PLATFORM="xcb",
            NO_AT_BRIDGE="1",
        )
        env.pop("WAYLAND_DISPLAY", None)
        return env

    def _spawn(self, command: list[str], name: str, **kwargs: Any) -> subprocess.Popen[bytes]:
        log = (self.workdir / f"{name}.log").open("wb")
        process = subprocess.Popen(
            command, stdout=kwargs.pop("stdout", log), stderr=log, start_new_session=True, **kwargs
        )
        log.close()
        self._processes.append(process)
        return process

    def _start_tray(self) -> None:
        """Start trayer and wait for it to own the tray selection.

        On a loaded machine trayer has been seen to end, or to never take the selection,
        when it started just as the X server came up: it is started again (three tries),
        and the last failure names what its log said.
        """
        for attempt in range(3):
            trayer = self._spawn(
                ["trayer", "--edge", "top", "--align", "right"], f"trayer-{attempt}", env=self.env
            )
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                if tray_owned(self.display):
                    return
                if trayer.poll() is not None:
                    break  # it ended: start it again
                time.sleep(0.02)
            if trayer.poll() is None:
                trayer.terminate()
                trayer.wait(timeout=10)
        said = (self.workdir / "trayer-2.log").read_text(encoding="utf-8", errors="replace")
        raise TimeoutError(f"trayer did not own the tray in three tries; it said: {said[-500:]}")

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        read_fd, write_fd = os.pipe()
        try:
            self._spawn(
                [
                    "Xvfb",
                    "-displayfd",
                    str(write_fd),
                    "-screen",
                    "0",
                    "1280x800x24",
                    "-nolisten",
                    "tcp",
                ],
                "xvfb",
                pass_fds=(write_fd,),
            )
            os.close(write_fd)
            self.display = ":" + _read_line_from(read_fd, 20, "Xvfb's display number")
        finally:
            os.close(read_fd)

        config = self.workdir / "bus.conf"
        config.write_text(BUS_CONFIG)
        bus = self._spawn(
            ["dbus-daemon", f"--config-file={config}", "--nofork", "--print-address=1"],
            "dbus",
            stdout=subprocess.PIPE,
        )
        assert bus.stdout is not None
        self.bus_address = _read_line_from(bus.stdout.fileno(), 20, "the bus address")

        if self.want_tray:
            self._start_tray()
        if self.want_notifications:
            picker = self.workdir / "picker.sh"
            picker.write_text(PICKER.format(workdir=self.workdir))
            picker.chmod(0o755)
            (self.workdir / "pick").write_text("Done")
            dunstrc = self.workdir / "dunstrc"
            dunstrc.write_text(DUNSTRC.format(picker=picker))
            self._spawn(["dunst", "-config", str(dunstrc)], "dunst", env=self.env)
            wait_until(lambda: self.name_has_owner(NOTIFICATIONS), 20, "dunst on the bus")

    def name_has_owner(self, name: str) -> bool:
        with open_dbus_connection(self.bus_address) as connection:
            reply = connection.send_and_get_reply(message_bus.NameHasOwner(name), timeout=5)
            return bool(reply.body[0])

    def monitor(self) -> NotificationMonitor:
        """Start watching notification traffic on the bus."""
        monitor = NotificationMonitor(self.bus_address)
        monitor.start()
        self._monitors.append(monitor)
        return monitor

    def xdotool(self, *args: str) -> str:
        """Run ``xdotool`` on this stack's display; its output (empty when nothing matched)."""
        result = subprocess.run(
            ["xdotool", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
        return result.stdout.strip()

    def visible_windows(self, title: str) -> list[int]:
        """Ids of the mapped windows whose title is exactly ``title``."""
        found = self.xdotool("search", "--onlyvisible", "--name", f"^{title}$")
        return [int(line) for line in found.split()]

    def dunst_history(self) -> list[str]:
        """The summaries dunst keeps in its history (closed notifications), newest first."""
        data = json.loads(self.dunstctl("history"))
        return [str(entry["summary"]["data"]) for entry in data["data"][0]]

    def dunstctl(self, *args: str) -> str:
        """Run ``dunstctl`` against this stack's dunst."""
        result = subprocess.run(
            ["dunstctl", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=20,
            check=True,
        )
        return result.stdout

    def choose_in_context_menu(self, text: str) -> None:
        """Make dunst invoke the action whose menu line contains ``text`` (e.g. "Done")."""
        (self.workdir / "pick").write_text(text)
        self.dunstctl("context")

    def stop(self) -> None:
        for monitor in self._monitors:
            monitor.stop()
        for process in reversed(self._processes):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
            if process.stdout is not None:
                process.stdout.close()
        self._processes.clear()

    def __enter__(self) -> DesktopStack:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


@contextlib.contextmanager
def desktop_stack(workdir: Path, **options: bool) -> Iterator[DesktopStack]:
    """A started :class:`DesktopStack`, stopped afterwards whatever happens."""
    with DesktopStack(workdir, **options) as stack:
        yield stack
