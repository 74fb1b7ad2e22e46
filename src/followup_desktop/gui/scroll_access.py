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

from PySide6.QtCore import QObject
from PySide6.QtGui import QAccessible, QAccessibleInterface
from PySide6.QtWidgets import QAccessibleWidget, QScrollArea

# Qt's cache owns the interfaces once made; the Python side keeps them alive too, so the
# cache never holds a pointer whose Python wrapper has been collected.
_made: list[QAccessibleInterface] = []
_installed = False


class ScrollAreaAccessible(QAccessibleWidget):
    """A scroll area whose children are looked up with their index checked."""

    def __init__(self, area: QScrollArea) -> None:
        super().__init__(area, QAccessible.Role.Client)


def _factory(class_name: str, target: QObject) -> QAccessibleInterface | None:
    if isinstance(target, QScrollArea):
        interface = ScrollAreaAccessible(target)
        _made.append(interface)
        return interface
    return None


def install() -> None:
    """Give scroll areas their bounds-checked interface (once per process)."""
    global _installed  # noqa: PLW0603 - one factory per process
    if not _installed:
        QAccessible.installFactory(_factory)
        _installed = True


__all__ = ["ScrollAreaAccessible", "install"]
