"""The desktop's light or dark preference, read from the XDG desktop portal.

GNOME, KDE and others publish the person's choice as the portal setting
``org.freedesktop.appearance`` ``color-scheme`` (0 no preference, 1 prefer dark,
2 prefer light) on ``org.freedesktop.portal.Settings``, and say when it changes with
the ``SettingChanged`` signal. Qt reads it only through some platform themes, which the
bundle does not always have, so Followup reads it itself.

Everything here runs on a thread of its own: connecting, the ``ReadOne`` call (``Read``
on portals older than version 2, whose answer is wrapped in one more variant) and the
wait for signals, each with a timeout, so the window's start never waits for the bus.
The callback is called on that thread with each value heard (the first read included).

Qt-free (jeepney, like the notifications and the Background portal).
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from collections.abc import Callable
from typing import Any, Final

log = logging.getLogger(__name__)

PORTAL_NAME: Final = "org.freedesktop.portal.Desktop"
PORTAL_PATH: Final = "/org/freedesktop/portal/desktop"
SETTINGS: Final = "org.freedesktop.portal.Settings"
APPEARANCE: Final = "org.freedesktop.appearance"
COLOR_SCHEME: Final = "color-scheme"
NO_PREFERENCE, PREFER_DARK, PREFER_LIGHT = 0, 1, 2
# The portal answers in milliseconds; one that does not within this is not there.
REPLY_TIMEOUT_S: Final = 1.0


def _unwrap(value: Any) -> Any:
    """A value without its variant wrappers: ``('v', ('u', 1))`` → 1."""
    while isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str):
        value = value[1]
    return value


def scheme_value(value: Any) -> int:
    """The preference a portal value stands for; anything unknown is no preference."""
    value = _unwrap(value)
    if isinstance(value, int) and value in (PREFER_DARK, PREFER_LIGHT):
        return value
    return NO_PREFERENCE


class PortalColorScheme:
    """Reads the portal's colour scheme on a thread and reports it, then each change."""

    def __init__(
        self,
        on_value: Callable[[int], None],
        *,
        bus: str = "SESSION",
        reply_timeout: float = REPLY_TIMEOUT_S,
    ) -> None:
        self.on_value = on_value
        self.bus = bus
        self.reply_timeout = reply_timeout
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # The listening connection's socket, so stop() can wake the thread blocked on it.
        self._socket: socket.socket | None = None

    def start(self) -> None:
        """Start reading and listening (returns at once; a second call does nothing)."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="portal-color-scheme", daemon=True)
        self._thread.start()

    def stop(self, wait: float = 0.0) -> None:
        """Stop listening; with ``wait``, give the thread that long to end."""
        self._stop.set()
        # The thread waits on the socket with no timeout (a wake-up every few moments
        # to look at a flag would cost an idle app hundreds of wake-ups an hour): shut
        # down, the socket reads as closed and the thread ends.
        listening = self._socket
        if listening is not None:
            with contextlib.suppress(OSError):
                listening.shutdown(socket.SHUT_RDWR)
        if wait and self._thread is not None:
            self._thread.join(wait)

    @property
    def running(self) -> bool:
        """Whether the thread is still reading or listening."""
        return self._thread is not None and self._thread.is_alive()

    def _report(self, value: int) -> None:
        if not self._stop.is_set():
            self.on_value(value)

    def _run(self) -> None:
        # jeepney is imported here, off the thread that paints the first window.
        from jeepney import (  # type: ignore[import-untyped, unused-ignore]
            DBusErrorResponse,
            MatchRule,
            message_bus,
        )
        from jeepney.io.blocking import (  # type: ignore[import-untyped, unused-ignore]
            open_dbus_connection,
        )

        errors = (OSError, KeyError, ValueError, TimeoutError, EOFError, DBusErrorResponse)
        try:
            connection = open_dbus_connection(self.bus)
        except errors as error:
            log.info("no session D-Bus for the colour scheme: %s", error)
            return
        rule = MatchRule(type="signal", interface=SETTINGS, member="SettingChanged")
        rule.add_arg_condition(0, APPEARANCE)
        try:
            with connection, connection.filter(rule, bufsize=16) as heard:
                connection.send_and_get_reply(
                    message_bus.AddMatch(rule), timeout=self.reply_timeout
                )
                value = self._read(connection)
                if value is not None:
                    self._report(value)
                # Kept before the flag is read: a stop() in between finds the socket.
                self._socket = connection.sock
                while not self._stop.is_set():
                    # Blocks until the portal says something or stop() shuts the socket.
                    signal = connection.recv_until_filtered(heard)
                    namespace, key, changed = signal.body
                    if namespace == APPEARANCE and key == COLOR_SCHEME:
                        self._report(scheme_value(changed))
        except errors as error:
            if not self._stop.is_set():
                log.info("stopped following the portal's colour scheme: %s", error)
        finally:
            self._socket = None

    def _read(self, connection: Any) -> int | None:
        """The current value (ReadOne, else the older Read); None without a portal."""
        from jeepney import (  # type: ignore[import-untyped, unused-ignore]
            DBusAddress,
            DBusErrorResponse,
            new_method_call,
        )
        from jeepney.wrappers import unwrap_msg  # type: ignore[import-untyped, unused-ignore]

        settings = DBusAddress(PORTAL_PATH, bus_name=PORTAL_NAME, interface=SETTINGS)
        for method in ("ReadOne", "Read"):
            call = new_method_call(settings, method, "ss", (APPEARANCE, COLOR_SCHEME))
            try:
                reply = connection.send_and_get_reply(call, timeout=self.reply_timeout)
                body = unwrap_msg(reply)
            except DBusErrorResponse as error:
                log.debug("the portal's %s refused: %s", method, error)
                continue
            except TimeoutError:
                log.info("the desktop portal did not answer within %s s", self.reply_timeout)
                return None
            return scheme_value(body[0])
        return None


__all__ = [
    "APPEARANCE",
    "COLOR_SCHEME",
    "NO_PREFERENCE",
    "PREFER_DARK",
    "PREFER_LIGHT",
    "PortalColorScheme",
    "scheme_value",
]
