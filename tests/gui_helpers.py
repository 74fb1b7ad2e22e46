"""Shared pieces for the GUI tests: a fixed clock, answering dialogs, a window factory."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog, QWidget

from followup_desktop.gui.dialogs import Dialogs

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


class AnsweringDialogs(Dialogs):
    """Records what would be shown and answers with prepared values; never blocks."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, str]] = []
        self.shown: list[QDialog] = []
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

    def open_file(self, parent: QWidget | None, title: str, name_filter: str) -> Path | None:
        return self.files.pop(0) if self.files else None

    def save_file(
        self, parent: QWidget | None, title: str, suggested: str, name_filter: str
    ) -> Path | None:
        return self.files.pop(0) if self.files else None

    def run(self, dialog: QDialog) -> int:
        self.shown.append(dialog)
        return self.run_result


def window_settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
