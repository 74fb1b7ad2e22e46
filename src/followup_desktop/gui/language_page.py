"""Settings → Language: the language Followup speaks, from the next start on.

The choice is kept by :func:`core.i18n.save_language_choice` (a file beside the other
per-desktop settings, not in the database). Module-level tables are built in the
language of the process, so a change applies at the next start; "Restart now" saves the
whole dialog and restarts at once (:mod:`gui.restart`).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from followup_desktop.core import i18n
from followup_desktop.core.i18n import _
from followup_desktop.gui import restart


class LanguagePage(QWidget):
    """A choice of language (or the system's) and a button to restart in it."""

    def __init__(self, apply_all: Callable[[], bool] | None = None) -> None:
        super().__init__()
        self.setAccessibleName(_("Language"))
        self._apply_all = apply_all
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.choice = QComboBox()
        self.choice.setAccessibleName(_("Language"))
        self.choice.addItem(_("Follow the system"), None)
        for code in i18n.LANGUAGES:
            # Each language in its own name: a person looking for theirs recognises it.
            self.choice.addItem(i18n.LANGUAGE_NAMES[code], code)
        self.choice.setCurrentIndex(max(0, self.choice.findData(i18n.chosen_language())))
        self.choice.currentIndexChanged.connect(self._update)
        label = QLabel(_("&Language"))
        label.setBuddy(self.choice)
        form.addRow(label, self.choice)
        layout.addLayout(form)
        self.note = QLabel(_("A new language applies the next time Followup starts."))
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.note)
        self.restart_button = QPushButton(_("&Restart now"))
        self.restart_button.setAccessibleName(_("Restart now"))
        self.restart_button.setToolTip(
            _("Save the settings, close Followup and open it again in the chosen language.")
        )
        self.restart_button.clicked.connect(self.restart_now)
        layout.addWidget(self.restart_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        self._update()

    def selected(self) -> str | None:
        """The language chosen on the page (None: follow the system)."""
        data = self.choice.currentData()
        return data if isinstance(data, str) else None

    def _update(self) -> None:
        self.restart_button.setEnabled(restart.can_restart())

    def apply(self) -> None:
        """Keep the choice for the next start."""
        if self.selected() != i18n.chosen_language():
            i18n.save_language_choice(self.selected())

    def restart_now(self) -> bool:
        """Save the dialog (this page included) and restart; False if a page refused."""
        if self._apply_all is not None:
            if not self._apply_all():
                return False
        else:
            self.apply()
        dialog = self.window()
        if isinstance(dialog, QDialog):
            dialog.accept()
        return restart.request_restart()
