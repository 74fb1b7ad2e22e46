"""The in-app banner: the last fallback, always there, inside Followup's own window.

It is a tool bar along the top of the main window (added from outside, so the window's
code need not know about it) holding the newest reminder, its buttons and a count of the
ones waiting behind it. Text is set as plain text, so user text is never read as markup.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMainWindow, QToolBar, QToolButton

from followup_desktop.core.i18n import _, ngettext
from followup_desktop.core.plain_text import for_display
from followup_desktop.notify import ActionCallback, Notification

OBJECT_NAME = "reminderBanner"


class ReminderBanner(QToolBar):
    """A dismissable strip showing reminders one at a time, newest first."""

    def __init__(self, window: QMainWindow, on_action: ActionCallback | None = None) -> None:
        super().__init__("Reminders", window)
        self.setObjectName(OBJECT_NAME)
        self.setAccessibleName(_("Reminders"))
        self.setMovable(False)
        self.setFloatable(False)
        self.on_action = on_action
        self.queue: list[Notification] = []
        self._label = QLabel(self)
        self._label.setTextFormat(Qt.TextFormat.PlainText)
        self._label.setWordWrap(True)
        self._label.setObjectName("reminderBannerText")
        self.addWidget(self._label)
        self._button_actions: list[QAction] = []
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self)
        self.hide()

    @property
    def current(self) -> Notification | None:
        """The reminder on show, if any."""
        return self.queue[0] if self.queue else None

    @property
    def text(self) -> str:
        """What the banner says (for tests and screen readers)."""
        return self._label.text()

    def push(self, notification: Notification) -> None:
        """Show ``notification`` in front of the ones waiting (replacing one with its tag)."""
        if notification.tag:
            self.queue = [item for item in self.queue if item.tag != notification.tag]
        self.queue.insert(0, notification)
        self._render()

    def dismiss(self) -> None:
        """Drop the reminder on show and show the next one."""
        if self.queue:
            self.queue.pop(0)
        self._render()

    def _choose(self, key: str) -> None:
        notification = self.current
        self.dismiss()
        if notification is not None and self.on_action is not None:
            self.on_action(notification, key)

    def _render(self) -> None:
        # Only the buttons go: deleting the label's action would delete the label too.
        for action in self._button_actions:
            self.removeAction(action)
            action.deleteLater()
        self._button_actions.clear()
        notification = self.current
        if notification is None:
            self.hide()
            return
        text = notification.summary
        if notification.body:
            text += " — " + " · ".join(notification.body.splitlines())
        waiting = len(self.queue) - 1
        if waiting:
            text += "   " + ngettext("(+{n} more)", "(+{n} more)", waiting).format(n=waiting)
        self._label.setText(for_display(text))
        for key, label in (*notification.actions, ("dismiss", _("Dismiss"))):
            button = QToolButton(self)
            button.setText(label)
            button.setAccessibleName(
                _("{button}: {reminder}").format(button=label, reminder=notification.summary)
            )
            button.setObjectName(f"reminderBanner_{key}")
            if key == "dismiss":
                button.clicked.connect(self.dismiss)
            else:
                button.clicked.connect(lambda _checked=False, chosen=key: self._choose(chosen))
            self._button_actions.append(self.addWidget(button))
        self.show()


class BannerNotifier:
    """Notifies through a :class:`ReminderBanner` in the main window."""

    name = "banner"

    def __init__(self, window: QMainWindow, on_action: ActionCallback | None = None) -> None:
        self.banner = ReminderBanner(window, on_action)
        self.window = window

    @property
    def on_action(self) -> ActionCallback | None:
        """Called with the notification and the chosen button's key."""
        return self.banner.on_action

    @on_action.setter
    def on_action(self, callback: ActionCallback | None) -> None:
        self.banner.on_action = callback

    def available(self) -> bool:
        """Always: the window exists for as long as the app runs."""
        return True

    def supports_actions(self) -> bool:
        """The banner has buttons."""
        return True

    def notify(self, notification: Notification) -> bool:
        """Show the banner (the tray controller decides whether to raise the window)."""
        self.banner.push(notification)
        return True

    def close(self) -> None:
        """Nothing to release."""
