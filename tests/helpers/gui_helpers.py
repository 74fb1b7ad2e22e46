"""Shared pieces for the GUI tests: a fixed clock, answering dialogs, a window factory."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QPoint, QPointF, QSettings, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent
from PySide6.QtWidgets import QDialog, QMenu, QWidget

from followup_desktop.gui.dialogs import Dialogs

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from followup_desktop.core.services import FollowupService
    from followup_desktop.gui.main_window import MainWindow

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


class AnsweringDialogs(Dialogs):
    """Records what would be shown and answers with prepared values; never blocks."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, str]] = []
        self.shown: list[QDialog] = []
        self.menus: list[QMenu] = []
        self.files: list[Path | None] = []
        self.answer = True
        self.run_result = 0

    def information(self, parent: QWidget | None, text: str) -> None:
        self.messages.append(("information", text))

    def warning(self, parent: QWidget | None, text: str) -> None:
        self.messages.append(("warning", text))

    def question(self, parent: QWidget | None, text: str) -> bool:
        self.messages.append(("question", text))
        return self.answer

    def question_plain(self, parent: QWidget | None, text: str) -> bool:
        self.messages.append(("question", text))
        return self.answer

    def open_file(self, parent: QWidget | None, title: str, name_filter: str) -> Path | None:
        return self.files.pop(0) if self.files else None

    def save_file(
        self, parent: QWidget | None, title: str, suggested: str, name_filter: str
    ) -> Path | None:
        return self.files.pop(0) if self.files else None

    def run(self, dialog: QDialog) -> int:
        self.shown.append(dialog)
        return self.run_result

    def run_once(self, dialog: QDialog) -> int:
        # Never shown, so never finished: the test drives the dialog after this returns
        # and it lives with its parent window. Freeing after use is the real class's
        # part, which tests/unit/gui/test_dialog_lifetime.py checks.
        return self.run(dialog)

    def popup(self, menu: QMenu, at: QPoint | None) -> None:
        # A menu runs its own event loop: record it; the test triggers its items.
        self.menus.append(menu)


def window_settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)


def open_window(
    qtbot: QtBot, service: FollowupService, tmp_path: Path, dialogs: Dialogs | None = None
) -> MainWindow:
    """A main window on ``service``, shown, with the Today panel loaded (it loads off-thread)."""
    from followup_desktop.gui.main_window import MainWindow

    window = MainWindow(
        service, dialogs=dialogs or AnsweringDialogs(), settings=window_settings(tmp_path)
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.settled)
    return window


def drag_event(
    kind: type[QDragEnterEvent] | type[QDragMoveEvent],
    point: QPoint,
    actions: Qt.DropAction,
    mime: QMimeData,
) -> QDragEnterEvent | QDragMoveEvent:
    """A drag event at ``point``, made with whichever constructor this PySide6 has.

    PySide6 6.12 added a QPointF overload (and deprecates the QPoint one, a warning that
    fails tests); earlier releases have only QPoint.
    """
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    try:
        made: QDragEnterEvent | QDragMoveEvent = kind(
            QPointF(point),  # type: ignore[arg-type,call-overload,unused-ignore]
            actions,
            mime,
            buttons,
            modifiers,
        )
        return made
    except TypeError:
        return kind(point, actions, mime, buttons, modifiers)
