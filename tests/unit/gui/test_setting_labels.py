"""The Settings dialog labels each playbook setting in words, and names its field once."""

from __future__ import annotations

from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QComboBox, QLabel, QWidget
from pytestqt.qtbot import QtBot

from followup_desktop.core.playbook.settings import describe_settings
from followup_desktop.gui.playbook_choices import DISPUTED_CHOICES
from followup_desktop.gui.setting_labels import LABELS, setting_label
from followup_desktop.gui.settings_dialog import PlaybookPage


def test_every_setting_has_words_of_its_own() -> None:
    names = {row["name"] for row in describe_settings()}
    assert names <= set(LABELS), f"give these a label in words: {sorted(names - set(LABELS))}"
    for name in names:
        assert "_" not in setting_label(name)
        assert setting_label(name) != name.replace("_", " ").capitalize() or " " not in name


def test_each_field_is_named_by_its_label(qtbot: QtBot) -> None:
    page = PlaybookPage(None, set(), "All of them")
    qtbot.addWidget(page)
    page.show()
    labels = {label.buddy(): label.text() for label in page.findChildren(QLabel) if label.buddy()}
    disputed = {choice.setting: choice for choice in DISPUTED_CHOICES}
    for name, editor in page.editors.items():
        if name in disputed:
            # Where the advice differs, the choice's own words label it (as in the editor).
            assert labels[editor] == disputed[name].label.replace("&", "")
            continue
        assert labels[editor] == setting_label(name)
        interface = QAccessible.queryAccessibleInterface(editor)
        assert interface is not None
        spoken = interface.text(QAccessible.Text.Name).replace("&", "")
        if isinstance(editor, QComboBox):
            # Qt on Linux reads a list box by its value and its label through the
            # label relation (the buddy checked above); elsewhere by this name.
            assert editor.accessibleName() == setting_label(name)
            continue
        if type(editor) is QWidget:
            assert spoken == setting_label(name)  # a group of boxes, named itself
            continue
        assert editor.accessibleName() == "", "the label names the field; no second name"
        # A check box says its own sentence; every other field is named by its label.
        assert spoken in {setting_label(name), editor.property("text")}, (name, spoken)
