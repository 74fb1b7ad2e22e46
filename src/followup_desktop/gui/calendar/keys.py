"""The keys every calendar mode shares: Page Up/Down, Home, and Enter (or Space).

Each view (month grid, week grid, agenda list) declares the three signals of
:class:`PagedView`; :func:`page_key` turns a key into one of them, so the page wires every
mode the same way.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import Qt, SignalInstance


class PagedView(Protocol):
    """A calendar view that asks the page to turn, go to today, or open the selection."""

    @property
    def page_requested(self) -> SignalInstance:
        """Emitted with the number of pages to turn (negative: back)."""
        ...

    @property
    def today_requested(self) -> SignalInstance:
        """Emitted to come back to today."""
        ...

    @property
    def activate_requested(self) -> SignalInstance:
        """Emitted to open what is selected."""
        ...


def page_key(view: PagedView, key: int) -> bool:
    """Emit the request ``key`` stands for on ``view``; True when it was one of them."""
    if key == Qt.Key.Key_PageUp:
        view.page_requested.emit(-1)
    elif key == Qt.Key.Key_PageDown:
        view.page_requested.emit(1)
    elif key == Qt.Key.Key_Home:
        view.today_requested.emit()
    elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
        view.activate_requested.emit()
    else:
        return False
    return True
