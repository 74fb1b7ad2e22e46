"""The week grid's entries as accessible objects of their own, for screen readers.

The week is painted, so Qt would expose it as one object with no children. An
accessibility factory gives :class:`WeekView` an interface whose children, after the
scroll area's own (viewport, scroll bars), are the week's entries: each an object with
its full text in words, its place on screen, and whether it is the selected one. Keys
act on them as on the grid (Up/Down select, Enter opens, Ctrl+M moves), and so do their
actions: "Press" opens the entry, "Move" (interviews only) opens the dialog that moves it
to another day and time (:mod:`entry_actions`). An action selects its entry first.

Lifetime: Qt's accessibility cache owns interfaces once a screen reader has asked for
them. Entry objects are therefore made once per entry key and kept for the view's life
(re-read each time they are asked, never rebuilt), so the cache never holds a pointer
that Python has freed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRect
from PySide6.QtGui import QAccessible, QAccessibleInterface
from PySide6.QtWidgets import QAccessibleWidget, QWidget

from followup_desktop.gui.access_factories import install_factory
from followup_desktop.gui.calendar.entry_actions import MOVE, OPEN, EntryActions, LeafAccessible

if TYPE_CHECKING:
    from followup_desktop.gui.calendar.week_view import WeekView


class EntryAccessible(LeafAccessible):
    """One entry of the week (an interview block or a line of the all-day strip)."""

    def __init__(self, owner: WeekAccessible, key: str) -> None:
        super().__init__()
        self.owner = owner
        self.key = key
        self.actions = EntryActions(self._names, self._act, owner.view)

    def _names(self) -> list[str]:
        return [OPEN, MOVE] if self._view().entry_is_interview(self.key) else [OPEN]

    def _act(self, name: str) -> None:
        view = self._view()
        if view.select_key(self.key):
            (view.activate_requested if name == OPEN else view.move_asked).emit()

    def _view(self) -> WeekView:
        return self.owner.view

    def owner_widget(self) -> QWidget:
        return self.owner.view

    def isValid(self) -> bool:
        return self.key in self.owner.entry_keys()

    def parent(self) -> QAccessibleInterface:
        return self.owner

    def text(self, kind: QAccessible.Text) -> str:
        if kind == QAccessible.Text.Name:
            return self._view().entry_words(self.key)
        return ""

    def rect(self) -> QRect:
        view = self._view()
        local = view.entry_rect(self.key)
        if local is None:
            return QRect()
        viewport = view.viewport()
        return QRect(viewport.mapToGlobal(local.topLeft()), local.size())

    def role(self) -> QAccessible.Role:
        return QAccessible.Role.ListItem

    def state(self) -> QAccessible.State:
        state = QAccessible.State()
        state.focusable = True
        state.selectable = True
        view = self._view()
        state.selected = view.selected_key() == self.key
        state.focused = state.selected and view.hasFocus()
        state.invisible = view.entry_rect(self.key) is None
        return state


class WeekAccessible(QAccessibleWidget):
    """The week grid: a list whose items are the week's entries."""

    def __init__(self, view: WeekView) -> None:
        super().__init__(view, QAccessible.Role.List)
        self.view = view
        self._entries: dict[str, EntryAccessible] = {}

    def entry_keys(self) -> list[str]:
        """The entries' keys, in the order Up/Down and Left/Right walk them."""
        return self.view.entry_keys()

    def _entry(self, key: str) -> EntryAccessible:
        made = self._entries.get(key)
        if made is None:
            made = EntryAccessible(self, key)
            self._entries[key] = made
        return made

    def childCount(self) -> int:
        return super().childCount() + len(self.entry_keys())

    def child(self, index: int) -> QAccessibleInterface | None:  # type: ignore[override]
        base = super().childCount()
        if index < base:
            return super().child(index)
        keys = self.entry_keys()
        position = index - base
        return self._entry(keys[position]) if 0 <= position < len(keys) else None

    def indexOfChild(self, child: QAccessibleInterface) -> int:
        if isinstance(child, EntryAccessible):
            keys = self.entry_keys()
            return super().childCount() + keys.index(child.key) if child.key in keys else -1
        return super().indexOfChild(child)


def install() -> None:
    """Give week grids their accessible entries (once per process)."""
    from followup_desktop.gui.calendar.week_view import WeekView

    install_factory(WeekView, WeekAccessible)


__all__ = ["EntryAccessible", "WeekAccessible", "install"]
