"""The freedesktop notification service on the session D-Bus, spoken through jeepney.

Why jeepney and not QtDBus: PySide6 marshals Python ints as int32, but ``Notify``'s
``replaces_id`` is a uint32, so servers such as dunst reject the call (see
PLATFORM-NOTES, "Tray and notifications on Linux"). jeepney takes the explicit signature
``susssasa{sv}i``. It also keeps this adapter Qt-free.

One connection both sends ``Notify`` and receives ``ActionInvoked`` and
``NotificationClosed``: servers send those signals to the connection that created the
notification. jeepney's threading router reads the socket on its own thread; a second
small thread takes the two signals off a queue and calls back. Callbacks therefore run
on that thread, never on the GUI's.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any, Final

from jeepney import (  # type: ignore[import-untyped, unused-ignore]
    DBusAddress,
    DBusErrorResponse,
    HeaderFields,
    MatchRule,
    message_bus,
    new_method_call,
)
from jeepney.io.common import RouterClosed  # type: ignore[import-untyped, unused-ignore]
from jeepney.io.threading import (  # type: ignore[import-untyped, unused-ignore]
    DBusRouter,
    open_dbus_connection,
)

from followup_desktop.core.plain_text import for_display
from followup_desktop.notify import DEFAULT, ActionCallback, Notification, escape_markup

log = logging.getLogger(__name__)

BUS_NAME: Final = "org.freedesktop.Notifications"
OBJECT_PATH: Final = "/org/freedesktop/Notifications"
INTERFACE: Final = "org.freedesktop.Notifications"
NOTIFY_SIGNATURE: Final = "susssasa{sv}i"
URGENCY_NORMAL: Final = 1
# How long to wait before trying a vanished notification service again.
RECONNECT_AFTER_S: Final = 30.0

_NOTIFICATIONS = DBusAddress(OBJECT_PATH, bus_name=BUS_NAME, interface=INTERFACE)
# Whatever jeepney, the socket or the bus can raise when the service is missing or gone.
_DBUS_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    KeyError,
    ValueError,
    TimeoutError,
    EOFError,
    DBusErrorResponse,
    RouterClosed,
)

ClosedCallback = Callable[[Notification, int], None]


def _close_message(notification_id: int) -> Any:
    return new_method_call(_NOTIFICATIONS, "CloseNotification", "u", (notification_id,))


class FreedesktopNotifier:
    """Notifications through ``org.freedesktop.Notifications``, with buttons when supported."""

    name = "freedesktop"

    def __init__(
        self,
        app_name: str,
        desktop_entry: str,
        *,
        icon: str = "",
        on_action: ActionCallback | None = None,
        on_closed: ClosedCallback | None = None,
        bus: str = "SESSION",
        reply_timeout: float = 2.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app_name = app_name
        self.desktop_entry = desktop_entry
        self.icon = icon
        self.on_action = on_action
        self.on_closed = on_closed
        self.bus = bus
        self.reply_timeout = reply_timeout
        self._monotonic = monotonic
        self.capabilities: frozenset[str] = frozenset()
        self.server_name = ""
        self._lock = threading.Lock()
        self._router: Any = None
        self._connection: Any = None
        self._filter: Any = None
        self._signals: queue.Queue[Any] = queue.Queue()
        self._listener: threading.Thread | None = None
        self._sent: dict[int, Notification] = {}
        self._by_tag: dict[str, int] = {}
        self._last_attempt: float | None = None

    # -- connection --------------------------------------------------------------------

    def connect(self) -> bool:
        """Connect to the service; False (and logged) when there is none."""
        with self._lock:
            if self._router is not None:
                return True
            self._last_attempt = self._monotonic()
            try:
                connection = open_dbus_connection(self.bus)
            except _DBUS_ERRORS as error:
                log.info("no session D-Bus for notifications: %s", error)
                return False
            router = DBusRouter(connection)
            try:
                capabilities = self._call(router, "GetCapabilities", "", ())[0]
                information = self._call(router, "GetServerInformation", "", ())
                rule = MatchRule(type="signal", interface=INTERFACE, path=OBJECT_PATH)
                self._signals = queue.Queue()
                handle = router.filter(rule, queue=self._signals)
                router.send_and_get_reply(message_bus.AddMatch(rule), timeout=self.reply_timeout)
            except _DBUS_ERRORS as error:
                log.info("no notification service on the session bus: %s", error)
                router.close()
                connection.close()
                return False
            self._router, self._connection, self._filter = router, connection, handle
            self.capabilities = frozenset(str(item) for item in capabilities)
            self.server_name = " ".join(str(item) for item in information[:2])
            self._listener = threading.Thread(
                target=self._listen, args=(self._signals,), name="notification-signals", daemon=True
            )
            self._listener.start()
        log.info(
            "notifications through %s (capabilities: %s)",
            self.server_name,
            ", ".join(sorted(self.capabilities)),
        )
        return True

    def _call(self, router: Any, method: str, signature: str, body: tuple[Any, ...]) -> Any:
        message = new_method_call(_NOTIFICATIONS, method, signature or None, body)
        reply = router.send_and_get_reply(message, timeout=self.reply_timeout)
        if reply.header.message_type.name == "error":
            raise DBusErrorResponse(reply)
        return reply.body

    def _disconnect(self) -> None:
        with self._lock:
            router, connection, handle = self._router, self._connection, self._filter
            self._router = self._connection = self._filter = None
            listener = self._listener
            self._listener = None
            signals = self._signals
        if handle is not None:
            handle.close()
        if router is not None:
            router.close()
        if connection is not None:
            connection.close()
        if listener is not None:
            signals.put(None)
            listener.join(timeout=5)

    def available(self) -> bool:
        """True when connected (reconnecting now and then after the service went away)."""
        if self._router is not None:
            return True
        last = self._last_attempt
        if last is not None and self._monotonic() - last < RECONNECT_AFTER_S:
            return False
        return self.connect()

    def supports_actions(self) -> bool:
        """True when the server draws buttons (it lists ``actions`` in its capabilities)."""
        return self._router is not None and "actions" in self.capabilities

    def close(self) -> None:
        """Stop listening and close the connection."""
        self._disconnect()

    # -- sending -----------------------------------------------------------------------

    def notify(self, notification: Notification) -> bool:
        """Send ``Notify``; False when the service refused or is gone."""
        router = self._router
        if router is None:
            return False
        # Escaped whatever the capabilities say: dunst 1.9 lists no "body-markup" yet
        # renders tags in the body (checked against dunst's history), and a server that
        # does list it must not see a company's "<" as a tag.
        # Bidirectional overrides are removed first, so "evil" cannot read "live".
        body = escape_markup(for_display(notification.body)) if "body" in self.capabilities else ""
        actions: list[str] = []
        if notification.actions and "actions" in self.capabilities:
            # The first choice (Open) is the default action, what clicking the
            # notification does; the spec's "default" key carries it. Listed again
            # under its own key, servers that draw the default as a button (dunst's
            # menu, KDE) showed "Open" twice.
            first, *others = notification.actions
            actions += [DEFAULT, first[1]]
            for key, label in others:
                actions += [key, label]
        hints = {
            "urgency": ("y", URGENCY_NORMAL),
            "desktop-entry": ("s", self.desktop_entry),
        }
        replaces = self._by_tag.get(notification.tag, 0) if notification.tag else 0
        arguments = (
            self.app_name,
            replaces,
            self.icon,
            for_display(notification.summary),
            body,
            actions,
            hints,
            -1,
        )
        try:
            reply = self._call(router, "Notify", NOTIFY_SIGNATURE, arguments)
        except _DBUS_ERRORS as error:
            log.warning("the notification service refused %r: %s", notification.summary, error)
            self._disconnect()
            return False
        notification_id = int(reply[0])
        with self._lock:
            self._sent[notification_id] = notification
            if notification.tag:
                self._by_tag[notification.tag] = notification_id
        return True

    def withdraw(self, tag: str) -> None:
        """Close the notification sent under ``tag`` (its action was dealt with elsewhere)."""
        notification_id = self._by_tag.get(tag)
        router = self._router
        if notification_id is None or router is None:
            return
        with contextlib.suppress(*_DBUS_ERRORS):
            router.send(_close_message(notification_id))

    # -- receiving ---------------------------------------------------------------------

    def _listen(self, signals: queue.Queue[Any]) -> None:
        while True:
            message = signals.get()
            if message is None:
                return
            try:
                self._dispatch(message)
            except Exception:  # the listener must survive a bad callback
                log.exception("handling a notification signal failed")

    def _dispatch(self, message: Any) -> None:
        member = message.header.fields.get(HeaderFields.member)
        if member == "ActionInvoked":
            notification_id, key = int(message.body[0]), str(message.body[1])
            with self._lock:
                notification = self._sent.get(notification_id)
            if notification is None:
                return  # another program's notification, or one from before a restart
            if key == DEFAULT:
                if not notification.actions:
                    return
                key = notification.actions[0][0]
            if self.on_action is not None:
                self.on_action(notification, key)
            # The spec lets servers keep a notification after an action; ours is done.
            router = self._router
            if router is not None:
                with contextlib.suppress(*_DBUS_ERRORS):
                    router.send(_close_message(notification_id))
        elif member == "NotificationClosed":
            notification_id, reason = int(message.body[0]), int(message.body[1])
            with self._lock:
                notification = self._sent.pop(notification_id, None)
                if (
                    notification is not None
                    and self._by_tag.get(notification.tag) == notification_id
                ):
                    del self._by_tag[notification.tag]
            if notification is not None and self.on_closed is not None:
                self.on_closed(notification, reason)


__all__ = ["NOTIFY_SIGNATURE", "FreedesktopNotifier"]
