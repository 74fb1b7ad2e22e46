"""What a screen reader can do with a calendar entry: its AT-SPI actions.

*Press* opens an entry (as Enter does) and, on an interview, *Move* opens the dialog that
moves it to another day and time (as Ctrl+M does). An action runs once the screen
reader's call has returned, never inside it: it may open a modal dialog, which would
hold the call up until the dialog closed.

PySide6 hands ``interface_cast``'s ``void*`` over as a ``shiboken6.VoidPtr``: an
interface with actions returns its action object's C++ address wrapped in one (a plain
``int`` or ``None`` crashes Qt), and ``VoidPtr(0)`` for every interface it lacks
(:func:`cast_to_actions`).
"""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAccessible, QAccessibleActionInterface

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


__all__ = ["MOVE", "OPEN", "EntryActions", "cast_to_actions"]
