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
from PySide6.QtWidgets import (
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QMenu,
    QMessageBox,
    QTimeEdit,
    QWidget,
    QWizard,
)
from shiboken6 import Shiboken

from followup_desktop import APP_NAME
from followup_desktop.core import localformat
from followup_desktop.core.i18n import _
from followup_desktop.gui.plain import message_box


def _qt_pattern(cldr: str) -> str:
    """A CLDR date or time pattern in Qt's display-format letters.

    The two mostly agree; Qt has no lone "y" (CLDR's full year), writes the day-period
    "a" as "AP" and the weekday "E" as "ddd".
    """
    out: list[str] = []
    index = 0
    while index < len(cldr):
        letter = cldr[index]
        run = 1
        while index + run < len(cldr) and cldr[index + run] == letter:
            run += 1
        if letter == "'":
            # A quoted literal stays as it is: Qt quotes the same way.
            end = cldr.find("'", index + 1)
            end = len(cldr) - 1 if end < 0 else end
            out.append(cldr[index : end + 1])
            index = end + 1
            continue
        if letter == "y":
            out.append("yy" if run == 2 else "yyyy")
        elif letter == "a":
            out.append("AP")
        elif letter == "E":
            out.append("ddd")
        else:
            out.append(letter * run)
        index += run
    return "".join(out)


def local_date_format() -> str:
    """The display format of a date field, so it reads as the dates shown elsewhere."""
    return _qt_pattern(localformat.date_pattern())


def local_date_time_format() -> str:
    """The display format of a date-and-time field, in the locale's short patterns."""
    return f"{local_date_format()} {_qt_pattern(localformat.time_pattern())}"


def _standard_texts() -> dict[QDialogButtonBox.StandardButton, str]:
    button = QDialogButtonBox.StandardButton
    return {
        button.Ok: _("OK"),
        button.Cancel: _("&Cancel"),
        button.Save: _("&Save"),
        button.Apply: _("&Apply"),
        button.Close: _("&Close"),
        button.RestoreDefaults: _("&Restore defaults"),
        button.Yes: _("&Yes"),
        button.No: _("&No"),
    }


def name_standard_buttons(box: QDialogButtonBox) -> None:
    """Label a button box's standard buttons in the language Followup speaks.

    Qt names them in its own translation, which follows the system's locale and may be
    missing; these are the person's language whatever the system says.
    """
    for which, text in _standard_texts().items():
        button = box.button(which)
        if button is not None:
            button.setText(text)


def name_wizard_buttons(wizard: QWizard) -> None:
    """Label a wizard's buttons in the language Followup speaks (see above)."""
    wizard.setButtonText(QWizard.WizardButton.BackButton, _("< &Back"))
    wizard.setButtonText(QWizard.WizardButton.NextButton, _("&Next >"))
    wizard.setButtonText(QWizard.WizardButton.FinishButton, _("&Finish"))
    wizard.setButtonText(QWizard.WizardButton.CancelButton, _("Cancel"))


def show_local_dates(*edits: QDateTimeEdit) -> None:
    """Give date, time and date-time fields the locale's display formats (Qt's own
    follow the system's locale, which may not be the language Followup speaks)."""
    for edit in edits:
        if isinstance(edit, QDateEdit):
            edit.setDisplayFormat(local_date_format())
        elif isinstance(edit, QTimeEdit):
            edit.setDisplayFormat(_qt_pattern(localformat.time_pattern()))
        else:
            edit.setDisplayFormat(local_date_time_format())


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
        box.button(QMessageBox.StandardButton.Yes).setText(_("&Yes"))
        box.button(QMessageBox.StandardButton.No).setText(_("&No"))
        return box.exec() == QMessageBox.StandardButton.Yes

    def open_file(self, parent: QWidget | None, title: str, name_filter: str) -> Path | None:
        """A file to read, or None when the person cancels."""
        name, _chosen_filter = QFileDialog.getOpenFileName(
            parent, title, str(Path.home()), name_filter
        )
        return Path(name) if name else None

    def save_file(
        self, parent: QWidget | None, title: str, suggested: str, name_filter: str
    ) -> Path | None:
        """A file to write, or None when the person cancels."""
        name, _chosen_filter = QFileDialog.getSaveFileName(
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
