"""The opportunity editor's choice of the language its letters are written in.

A French speaker applying in Germany keeps the window in French and writes the letters
for that opportunity in German. None, the first entry, writes them in the app's language.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtWidgets import QComboBox, QWidget

from followup_desktop.core import i18n
from followup_desktop.core.i18n import _


def letter_language_label() -> str:
    """The form label of the choice (with its accelerator)."""
    return _("Le&tters in")


class LetterLanguageCombo(QComboBox):
    """The app's language, English, Deutsch, Français; the value is None or the code."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(_("Language of the letters"))
        self.setToolTip(_("The language of the letters and messages written for this opportunity."))
        self.addItem(_("The app's language"), None)
        for code in i18n.LANGUAGES:
            self.addItem(i18n.LANGUAGE_NAMES[code], code)

    def language(self) -> str | None:
        """The chosen language, None for the app's."""
        data = self.currentData()
        return data if isinstance(data, str) else None

    def set_language(self, language: str | None) -> None:
        """Show ``language`` (None or one it does not know: the app's language)."""
        self.setCurrentIndex(max(0, self.findData(language)))


class _Form(Protocol):
    def add(self, label: str, field: str, widget: QWidget) -> None: ...


def add_letter_language_row(form: _Form) -> LetterLanguageCombo:
    """Add the choice to an editor form (its errors shown under it as ``letter_language``)."""
    combo = LetterLanguageCombo()
    form.add(letter_language_label(), "letter_language", combo)
    return combo
