"""Small pieces the debrief form and the question bank share: inline error labels."""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QWidget

from followup_desktop.core.i18n import _
from followup_desktop.gui.plain import PlainLabel

# Lightness below which a window background counts as dark.
_DARK_WINDOW = 128


def error_colour(widget: QWidget) -> str:
    """A red that reads well on the current palette's window colour (light or dark)."""
    window = widget.palette().color(QPalette.ColorRole.Window)
    return "#ff8a80" if window.lightness() < _DARK_WINDOW else "#b00020"


class FieldError(PlainLabel):
    """A message shown right under a field that cannot be saved as typed.

    The message is also put in the field's accessible description, so a screen reader
    announces it when focus moves there.
    """

    def __init__(self, field: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._field = field
        self.setWordWrap(True)
        self.setObjectName(f"{field.objectName()}Error")
        self.setAccessibleName(_("Problem with {field}").format(field=field.accessibleName()))
        self.hide()

    def show_message(self, message: str) -> None:
        """Show ``message`` beside the field."""
        self.setStyleSheet(f"color: {error_colour(self)};")
        self.setText(message)
        self._field.setAccessibleDescription(message)
        self.show()

    def clear_message(self) -> None:
        """Hide the message (the field is fine now, or will be checked again)."""
        if self.isHidden() and not self.text():
            return
        self.setText("")
        self._field.setAccessibleDescription("")
        self.hide()
