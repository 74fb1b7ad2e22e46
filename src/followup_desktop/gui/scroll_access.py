"""Scroll areas as screen readers get them, without Qt's out-of-range child lookup.

Qt gives a ``QScrollArea`` the accessible interface ``QAccessibleScrollArea``, whose
children are the viewport plus only the scroll bars and corner widget that are visible
at that moment, and whose ``child(index)`` reads that list without checking the index.
A screen reader asks for a count and then for each child in turn over D-Bus; when a
scroll bar hides in between (the board's, when the window switches to the calendar
page during start-up) it asks for an index that is no longer there, and Qt reads past
the end of the list and crashes (SIGSEGV in ``QAccessibleCache::idForObject``).

This factory gives every ``QScrollArea`` a plain :class:`QAccessibleWidget` instead:
its children are all the area's child widgets, hidden ones included (they say they are
not showing), so the count does not change when a scroll bar hides, and an index out of
range gives no child rather than a crash.
"""

from __future__ import annotations

from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QAccessibleWidget, QScrollArea

from followup_desktop.gui.access_factories import install_factory


class ScrollAreaAccessible(QAccessibleWidget):
    """A scroll area whose children are looked up with their index checked."""

    def __init__(self, area: QScrollArea) -> None:
        super().__init__(area, QAccessible.Role.Client)


def install() -> None:
    """Give scroll areas their bounds-checked interface (once per process)."""
    install_factory(QScrollArea, ScrollAreaAccessible)


__all__ = ["ScrollAreaAccessible", "install"]
