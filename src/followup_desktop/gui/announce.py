"""Telling screen readers what just happened, through Qt's announcement event.

A move made from the keyboard changes nothing under the focus that a screen reader
would notice by itself (the card keeps the focus, in another column), so the window
announces it in words. :data:`listeners` lets the window's status bar, and tests, hear
the same words.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
from PySide6.QtWidgets import QWidget

#: Called with every announcement (after the accessibility event is sent).
listeners: list[Callable[[str], None]] = []


def announce(widget: QWidget, message: str, *, assertive: bool = False) -> None:
    """Have screen readers say ``message`` (politely: after what they are saying)."""
    event = QAccessibleAnnouncementEvent(widget, message)
    event.setPoliteness(
        QAccessible.AnnouncementPoliteness.Assertive
        if assertive
        else QAccessible.AnnouncementPoliteness.Polite
    )
    QAccessible.updateAccessibility(event)
    for listener in list(listeners):
        listener(message)


__all__ = ["announce", "listeners"]
