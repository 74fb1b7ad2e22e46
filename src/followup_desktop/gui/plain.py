"""Text in widgets is plain text: a company called ``<img src=…>`` shows as those letters.

Qt reads a label's, a message box's or a tooltip's text as HTML whenever
``Qt.mightBeRichText`` guesses so (``Qt.TextFormat.AutoText``, the default): a tag on the
first line is enough. An imported stage name could then load a local image in a column
title, and an invitation's file name put live links into the import confirmation. So:

* :class:`PlainLabel` is the window's label: plain text always, bidirectional controls
  handled by :func:`~followup_desktop.core.plain_text.for_display`. A label that needs
  our own markup says so with ``setTextFormat(RichText)`` and escapes with :func:`rich`.
* :func:`message_box` shows a message box in plain text (the static ``QMessageBox``
  helpers use AutoText).
* :func:`tooltip` returns tooltip text that Qt cannot misread: unchanged when Qt would
  take it as plain text, else converted to HTML that shows exactly the characters given.

A test walks every window with hostile names in the data and checks each of these.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from followup_desktop.core.plain_text import for_display, without_reordering

__all__ = [
    "PlainLabel",
    "action_text",
    "editable",
    "message_box",
    "rich",
    "shown",
    "tooltip",
]


def shown(text: str) -> str:
    """``text`` as a widget may show it (bidirectional controls handled)."""
    return for_display(text)


def opportunity_name(company: str, role: str) -> str:
    """How a window names one opportunity ("Acme — Analyst"), each part shown safely."""
    from followup_desktop.core.i18n import _

    return _("{company} — {role}").format(company=shown(company), role=shown(role))


def editable(text: str) -> str:
    """Stored text for an editing field: as it will be saved, without reordering controls."""
    return without_reordering(text)


def rich(text: str) -> str:
    """User text to put inside our own markup: displayed safely, then HTML-escaped."""
    return html.escape(for_display(text))


def action_text(text: str) -> str:
    """User text for a menu item or button: "&" is a mnemonic there, so it is doubled."""
    return for_display(text).replace("&", "&&")


def tooltip(text: str) -> str:
    """Tooltip (or ToolTipRole) text that shows exactly these characters, never markup."""
    text = for_display(text)
    if not GuiQt.mightBeRichText(text):
        return text
    # convertFromPlainText escapes <, > and & and keeps line breaks.
    return GuiQt.convertFromPlainText(text, Qt.WhiteSpaceMode.WhiteSpacePre)


class PlainLabel(QLabel):
    """A QLabel that always shows its text as plain text."""

    def __init__(self, text: str | QWidget | None = "", parent: QWidget | None = None) -> None:
        # QLabel(parent) and QLabel(text, parent), as Qt's own constructors take them.
        if isinstance(text, QWidget):
            parent, text = text, None
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        if text:
            self.setText(text)

    def setText(self, text: str) -> None:
        """Show ``text`` literally (bidirectional overrides removed)."""
        super().setText(for_display(text))


def message_box(
    parent: QWidget | None,
    icon: QMessageBox.Icon,
    title: str,
    text: str,
    *,
    buttons: QMessageBox.StandardButton = QMessageBox.StandardButton.Ok,
    default: QMessageBox.StandardButton = QMessageBox.StandardButton.NoButton,
) -> QMessageBox.StandardButton:
    """Show a modal message box with plain text; return the button pressed."""
    box = QMessageBox(icon, title, for_display(text), buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    if default != QMessageBox.StandardButton.NoButton:
        box.setDefaultButton(default)
    return QMessageBox.StandardButton(box.exec())
