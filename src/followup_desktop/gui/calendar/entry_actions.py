"""What a screen reader can do with a calendar entry: its AT-SPI actions.

*Press* opens an entry (as Enter does) and, on an interview, *Move* opens the dialog that
moves it to another day and time (as Ctrl+M does). An action runs once the screen
reader's call has returned, never inside it: it may open a modal dialog, which would
hold the call up until the dialog closed.

PySide6 hands ``interface_cast``'s ``void*`` over as a ``shiboken6.VoidPtr``: an
interface with actions returns its action object's C++ address wrapped in one (a plain
``int`` or ``None`` crashes Qt), and ``VoidPtr(0)`` for every interface it lacks
(:func:`cast_to_actions`). :class:`LeafAccessible` is what the month's and the week's
own accessible objects (headers, days, entries) share.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAccessible, QAccessibleActionInterface, QAccessibleInterface, QWindow
from PySide6.QtWidgets import QWidget

from followup_desktop.core.i18n import _, pgettext

OPEN = QAccessibleActionInterface.pressAction()
MOVE = "Move"


class EntryActions(QAccessibleActionInterface):
    """Named actions of one object; each runs after the screen reader's call."""

    def __init__(
        self, names: Callable[[], list[str]], run: Callable[[str], None], owner: QObject
    ) -> None:
        super().__init__()
        self._names = names
        self._run = run
        self._owner = owner  # the timer's context: no action after the view has gone

    def actionNames(self) -> list[str]:
        return self._names()

    def localizedActionName(self, name: str) -> str:
        if name == OPEN:
            return pgettext("screen reader action", "Open")
        if name == MOVE:
            return pgettext("screen reader action", "Move to another day or time")
        return name

    def localizedActionDescription(self, name: str) -> str:
        if name == OPEN:
            return _("Open the job this entry belongs to")
        if name == MOVE:
            return _("Choose a new day and start time for this interview")
        return ""

    def keyBindingsForAction(self, name: str) -> list[str]:
        return {OPEN: ["Return"], MOVE: ["Ctrl+M"]}.get(name, [])

    def doAction(self, name: str) -> None:
        if name in self._names():
            QTimer.singleShot(0, self._owner, lambda: self._run(name))


def cast_to_actions(
    kind: QAccessible.InterfaceType, actions: EntryActions | None
) -> shiboken6.VoidPtr:
    """``interface_cast`` for an object whose only extra interface is ``actions``."""
    if kind == QAccessible.InterfaceType.ActionInterface and actions is not None:
        return shiboken6.VoidPtr(shiboken6.getCppPointer(actions)[0])
    return shiboken6.VoidPtr(0)


class LeafAccessible(QAccessibleInterface):
    """What a calendar grid's own accessible objects share: no widget of their own, no
    relations, no children unless they say so, the window of the view they are in
    (:meth:`owner_widget`), and the actions of :attr:`actions` when there are some."""

    actions: EntryActions | None = None

    def owner_widget(self) -> QWidget:
        """The view this object is drawn in."""
        raise NotImplementedError

    def interface_cast(self, kind: QAccessible.InterfaceType) -> shiboken6.VoidPtr:  # type: ignore[override]
        return cast_to_actions(kind, self.actions)

    def object(self) -> QObject | None:  # type: ignore[override]
        return None

    def window(self) -> QWindow | None:  # type: ignore[override]
        return self.owner_widget().window().windowHandle()

    def relations(self, match: Any = None) -> list[Any]:
        return []

    def focusChild(self) -> QAccessibleInterface | None:  # type: ignore[override]
        return None

    def childAt(self, x: int, y: int) -> QAccessibleInterface | None:  # type: ignore[override]
        return None

    def child(self, index: int) -> QAccessibleInterface | None:  # type: ignore[override]
        return None

    def childCount(self) -> int:
        return 0

    def indexOfChild(self, child: QAccessibleInterface) -> int:
        return -1

    def setText(self, kind: QAccessible.Text, text: str) -> None:
        return


__all__ = ["MOVE", "OPEN", "EntryActions", "LeafAccessible", "cast_to_actions"]
