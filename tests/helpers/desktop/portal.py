"""A small desktop portal for tests: ``org.freedesktop.portal.Settings`` on a real bus.

It owns ``org.freedesktop.portal.Desktop`` on the bus it is given, answers ``ReadOne``
(or, as portals before version 2 do, only ``Read``, whose answer is a variant in a
variant) for ``org.freedesktop.appearance`` ``color-scheme``, refuses other keys as
xdg-desktop-portal does, and emits ``SettingChanged`` when the test changes the value.
It runs on a thread of its own with its own connection, so the code under test talks
to it over D-Bus exactly as to the real portal.
"""

from __future__ import annotations

import threading
from typing import Any

from jeepney import (
    DBusAddress,
    HeaderFields,
    MessageType,
    new_error,
    new_method_return,
    new_signal,
)
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

NAME = "org.freedesktop.portal.Desktop"
PATH = "/org/freedesktop/portal/desktop"
SETTINGS = "org.freedesktop.portal.Settings"
APPEARANCE = "org.freedesktop.appearance"
KEY = "color-scheme"


class SettingsPortal:
    """The Settings portal with one value, ``color-scheme``, that the test can change."""

    def __init__(self, bus_address: str, value: int, *, read_one: bool = True) -> None:
        self.bus_address = bus_address
        self.value = value
        self.read_one = read_one
        self.calls: list[str] = []
        self._connection: Any = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="test-portal", daemon=True)

    def start(self) -> None:
        self._connection = open_dbus_connection(self.bus_address)
        reply = self._connection.send_and_get_reply(message_bus.RequestName(NAME), timeout=5)
        assert reply.body[0] == 1, f"could not own {NAME}: {reply.body}"
        self._thread.start()

    def change(self, value: int) -> None:
        """Set a new value and say so, as the portal does when the person switches."""
        with self._lock:
            self.value = value
            signal = new_signal(
                DBusAddress(PATH, interface=SETTINGS),
                "SettingChanged",
                "ssv",
                (APPEARANCE, KEY, ("u", value)),
            )
            self._connection.send_message(signal)

    def _answer(self, message: Any) -> Any:
        fields = message.header.fields
        member = fields.get(HeaderFields.member)
        self.calls.append(str(member))
        namespace, key = message.body if len(message.body) == 2 else ("", "")
        if member == "ReadOne" and not self.read_one:
            return new_error(message, "org.freedesktop.DBus.Error.UnknownMethod")
        if member not in ("Read", "ReadOne"):
            return new_error(message, "org.freedesktop.DBus.Error.UnknownMethod")
        if (namespace, key) != (APPEARANCE, KEY):
            return new_error(message, "org.freedesktop.portal.Error.NotFound")
        value = ("u", self.value)
        if member == "Read":
            return new_method_return(message, "v", (("v", value),))
        return new_method_return(message, "v", (value,))

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                message = self._connection.receive(timeout=0.2)
            except TimeoutError:
                continue
            except (OSError, EOFError):
                return
            if message.header.message_type != MessageType.method_call:
                continue
            if message.header.fields.get(HeaderFields.interface) != SETTINGS:
                continue
            with self._lock:
                self._connection.send_message(self._answer(message))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        if self._connection is not None:
            self._connection.close()

    def __enter__(self) -> SettingsPortal:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
