"""Settings page for editing message templates, with a live preview and clear errors.

The preview renders the text as typed against sample data; a fault shows its line and
what to fix. Saving refuses a broken template, so the last good version stays in use.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from followup_desktop.core.i18n import _
from followup_desktop.core.messages import FIELDS, TEMPLATES, TemplateError, TemplateStore
from followup_desktop.core.services import FollowupService
from followup_desktop.gui.plain import PlainLabel

PREVIEW_DELAY_MS = 200


class TemplateEditorPage(QWidget):
    """The "Templates" page of the settings dialog."""

    def __init__(self, service: FollowupService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = TemplateStore(service)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.refresh_preview)
        layout = QVBoxLayout(self)
        self.chooser = QComboBox()
        self.chooser.setAccessibleName(_("Template"))
        for info in TEMPLATES:
            self.chooser.addItem(info.label, info.key)
        layout.addWidget(self.chooser)
        splitter = QSplitter(self)
        self.editor = QPlainTextEdit()
        self.editor.setAccessibleName(_("Template text"))
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setAccessibleName(_("Preview"))
        splitter.addWidget(self.editor)
        splitter.addWidget(self.preview)
        layout.addWidget(splitter, 1)
        self.error_label = PlainLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setAccessibleName(_("Template problem"))
        layout.addWidget(self.error_label)
        fields = PlainLabel(
            _("Fields: {fields}").format(
                fields="; ".join(f"{{{{ {name} }}}} — {text}" for name, text in FIELDS)
            )
        )
        fields.setWordWrap(True)
        layout.addWidget(fields)
        buttons = QHBoxLayout()
        self.save_button = QPushButton(_("&Save template"))
        self.save_button.clicked.connect(self.save)
        self.reset_button = QPushButton(_("&Restore the original"))
        self.reset_button.clicked.connect(self.reset)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.reset_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.chooser.currentIndexChanged.connect(self.load)
        self.editor.textChanged.connect(self._timer.start)
        self.load()

    @property
    def key(self) -> str:
        """The template being edited."""
        return str(self.chooser.currentData())

    def load(self) -> None:
        """Show the version in use of the chosen template."""
        self.editor.setPlainText(self.store.source(self.key))
        self.refresh_preview()

    def refresh_preview(self) -> bool:
        """Render the text as typed; show the result or the problem. True if it rendered."""
        self._timer.stop()
        try:
            rendered = self.store.check(self.key, self.editor.toPlainText())
        except TemplateError as problem:
            self.error_label.setText(
                _("{problem} The saved version stays in use until fixed.").format(problem=problem)
            )
            self.save_button.setEnabled(False)
            return False
        subject = (
            _("Subject: {subject}").format(subject=rendered.subject) + "\n\n"
            if rendered.subject
            else ""
        )
        self.preview.setPlainText(subject + rendered.body)
        self.error_label.setText("")
        self.save_button.setEnabled(True)
        return True

    def save(self) -> bool:
        """Store the edited text if it works."""
        try:
            self.store.save(self.key, self.editor.toPlainText())
        except TemplateError as problem:
            self.error_label.setText(_("Not saved: {problem}").format(problem=problem))
            return False
        self.error_label.setText(_("Saved."))
        return True

    def reset(self) -> None:
        """Go back to the shipped text."""
        self.store.reset(self.key)
        self.load()
