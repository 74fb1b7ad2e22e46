"""What the window paints its first board from, and the gate that holds input until then.

The window is on screen before the database is fully open: it reads the first board
through a query-only connection (:class:`StartupSource`) and takes no clicks or keys
(:class:`InputGate`) until the application hands it its service, so nothing is written
before every check has passed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

from followup_desktop.core.timeutil import utcnow

if TYPE_CHECKING:
    from followup_desktop.core.queries.window import BoardData


@dataclass(frozen=True)
class StartupSource:
    """What the window paints its first board from before the service layer is ready.

    A query-only connection on a database that passed the opening checks
    (:func:`~followup_desktop.core.plainread.open_current`): the board's reads are plain
    SQL, so the window is on screen before SQLAlchemy is even loaded. The application
    hands the window its :class:`FollowupService` with :meth:`MainWindow.attach_service`
    once the database is fully open; until then the window takes no input. ``board`` is
    the board already read through that connection while Qt loaded
    (:mod:`~followup_desktop.core.queries.first_board`); without it the window reads it.
    """

    connection: sqlite3.Connection
    clock: Callable[[], datetime] = utcnow
    board: BoardData | None = None


class InputGate(QObject):
    """Holds back clicks, keys and drops aimed at one window until it can act on them."""

    BLOCKED = frozenset(
        {
            QEvent.Type.MouseButtonPress,
            QEvent.Type.MouseButtonRelease,
            QEvent.Type.MouseButtonDblClick,
            QEvent.Type.KeyPress,
            QEvent.Type.KeyRelease,
            QEvent.Type.ShortcutOverride,
            QEvent.Type.Shortcut,
            QEvent.Type.Drop,
            QEvent.Type.ContextMenu,
        }
    )

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self._window = window
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in self.BLOCKED and isinstance(watched, QWidget):
            return watched.window() is self._window
        return False

    def release(self) -> None:
        """Let input through again, for good."""
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.deleteLater()
