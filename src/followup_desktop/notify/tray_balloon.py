"""The tray icon's own message balloon: the fallback when no notification service answers.

It carries no buttons; clicking the message opens what it was about. Qt draws the
balloon itself with an XEmbed tray (trayer, older panels) and turns it into a D-Bus
``Notify`` with a StatusNotifierItem host; either way the offscreen platform shows
nothing while ``supportsMessages()`` still says True, so that platform counts as absent.
"""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QSystemTrayIcon

from followup_desktop.core.plain_text import for_display
from followup_desktop.notify import OPEN, OPEN_APP, ActionCallback, Notification

MESSAGE_MS = 15_000


class TrayBalloonNotifier:
    """Shows notifications with :meth:`QSystemTrayIcon.showMessage`."""

    name = "tray"

    def __init__(self, icon: QSystemTrayIcon, on_action: ActionCallback | None = None) -> None:
        self.icon = icon
        self.on_action = on_action
        self._last: Notification | None = None
        icon.messageClicked.connect(self._clicked)

    def available(self) -> bool:
        """True when a real tray shows the icon and can show messages."""
        return (
            QGuiApplication.platformName() != "offscreen"
            and QSystemTrayIcon.isSystemTrayAvailable()
            and QSystemTrayIcon.supportsMessages()
            and self.icon.isVisible()
        )

    def supports_actions(self) -> bool:
        """Balloons have no buttons (a click opens the item)."""
        return False

    def notify(self, notification: Notification) -> bool:
        """Show the balloon (plain text: Qt does not read markup here)."""
        self._last = notification
        self.icon.showMessage(
            for_display(notification.summary),
            for_display(notification.body),
            QSystemTrayIcon.MessageIcon.Information,
            MESSAGE_MS,
        )
        return True

    def _clicked(self) -> None:
        notification = self._last
        if notification is None or self.on_action is None:
            return
        keys = [key for key, _label in notification.actions]
        if OPEN in keys:
            self.on_action(notification, OPEN)
        elif OPEN_APP in keys:
            self.on_action(notification, OPEN_APP)

    def close(self) -> None:
        """Nothing to release: the tray icon belongs to the tray controller."""
