"""Every dialog the window opens goes through one small object that tests can replace.

Modal dialogs block a test's event loop; with this seam a test swaps in answers (a file
name, a "yes") or records what would have been shown, and the real class stays simple.
Non-modal windows (the composer) go through :meth:`Dialogs.show`, so a test can see
them too.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QDialog, QFileDialog, QMenu, QMessageBox, QWidget
from shiboken6 import Shiboken

from followup_desktop import APP_NAME
from followup_desktop.gui.plain import message_box


class Dialogs:
    """Opens the real Qt dialogs; tests pass a subclass that answers by itself."""

    # Message boxes show plain text: their text often quotes a file name, a company or an
    # imported value (see gui/plain.py).

    def information(self, parent: QWidget | None, text: str) -> None:
        """Tell the person something went as asked."""
        message_box(parent, QMessageBox.Icon.Information, APP_NAME, text)

    def warning(self, parent: QWidget | None, text: str) -> None:
        """Tell the person what went wrong and what to do about it."""
        message_box(parent, QMessageBox.Icon.Warning, APP_NAME, text)

    def question(self, parent: QWidget | None, text: str) -> bool:
        """Ask a yes/no question; True for yes."""
        answer = message_box(
            parent,
            QMessageBox.Icon.Question,
            APP_NAME,
            text,
            buttons=QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            default=QMessageBox.StandardButton.Yes,
        )
        return answer == QMessageBox.StandardButton.Yes

    def question_plain(self, parent: QWidget | None, text: str) -> bool:
        """Ask a yes/no question about text from a file (shown as plain text); True for yes."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            APP_NAME,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            parent,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        return box.exec() == QMessageBox.StandardButton.Yes

    def open_file(self, parent: QWidget | None, title: str, name_filter: str) -> Path | None:
        """A file to read, or None when the person cancels."""
        name, _ = QFileDialog.getOpenFileName(parent, title, str(Path.home()), name_filter)
        return Path(name) if name else None

    def save_file(
        self, parent: QWidget | None, title: str, suggested: str, name_filter: str
    ) -> Path | None:
        """A file to write, or None when the person cancels."""
        name, _ = QFileDialog.getSaveFileName(
            parent, title, str(Path.home() / suggested), name_filter
        )
        return Path(name) if name else None

    def run(self, dialog: QDialog) -> int:
        """Show a dialog modally and return its result code."""
        return dialog.exec()

    def run_once(self, dialog: QDialog) -> int:
        """:meth:`run` a dialog made for this one use, then free it.

        A dialog parented to the window would otherwise live, hidden, as long as the
        window does: one more editor after every card opened. It is freed when control
        is back in the event loop, so the caller can still read what it holds (the id of
        an opportunity it created) right after this returns.
        """
        try:
            return self.run(dialog)
        finally:
            # A dialog with WA_DeleteOnClose (the debrief) may be gone already.
            if Shiboken.isValid(dialog):
                dialog.deleteLater()

    def show(self, dialog: QWidget) -> None:
        """Show a new window beside the main one (not modal), with the keyboard focus."""
        dialog.show()
        dialog.activateWindow()

    def popup(self, menu: QMenu, at: QPoint | None) -> None:
        """Open ``menu`` at ``at`` (global pixels; the pointer when None) until it closes."""
        menu.exec(at if at is not None else QCursor.pos())
        menu.deleteLater()
