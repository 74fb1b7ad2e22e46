"""The Settings dialog labels each playbook setting in words, and names its field once."""

from __future__ import annotations

from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from followup_desktop.core import i18n
from followup_desktop.core.playbook.settings import describe_settings
from followup_desktop.gui.playbook_choices import DISPUTED_CHOICES
from followup_desktop.gui.setting_labels import (
    EXPLANATIONS,
    GROUPS,
    LABELS,
    OTHER_GROUP,
    setting_label,
    setting_unit,
)
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
        if isinstance(editor, QCheckBox):
            # A yes/no setting is its own sentence: the box says it, with no caption.
            assert editor.text() == setting_label(name)
            assert editor not in labels
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


def test_every_setting_has_one_line_of_explanation_in_plain_words_and_a_group() -> None:
    names = {row["name"] for row in describe_settings()}
    hours = {"timezone", "working_days", "working_hours_start", "working_hours_end"}
    disputed = {choice.setting for choice in DISPUTED_CHOICES}
    assert names - disputed <= set(EXPLANATIONS)
    for name, text in EXPLANATIONS.items():
        assert "_" not in text, name
        assert text.count(". ") == 0 or (text.count(". ") == 1 and "e.g." in text), name
    placed = {name for _title, members in GROUPS for name in members}
    assert names - hours <= placed, f"put these in a group: {sorted(names - hours - placed)}"


def test_number_boxes_say_their_unit_in_the_right_number() -> None:
    assert setting_unit("thank_you_hours", 24) == " hours after the interview"
    assert setting_unit("thank_you_hours", 1) == " hour after the interview"
    assert setting_unit("paper_note_days", 1) == " day after the interview"
    assert setting_unit("timeline_multiplier", 2.0) == " times"


def test_the_playbook_page_is_grouped_and_never_scrolls_sideways(qtbot: QtBot) -> None:
    from followup_desktop.gui.settings_dialog import HOURS_FIELDS

    page = PlaybookPage(None, set(HOURS_FIELDS), "Intro")
    qtbot.addWidget(page)
    # The room the page has in the Settings dialog at its default size (720 x 520,
    # less the list of pages on the left).
    page.resize(520, 460)
    page.show()
    qtbot.waitExposed(page)
    scroll = page.findChild(QScrollArea)
    assert scroll is not None
    assert not scroll.horizontalScrollBar().isVisible()
    assert page.inner.minimumSizeHint().width() <= scroll.viewport().width(), (
        "nothing inside needs more width than there is"
    )
    assert page.inner.width() <= scroll.viewport().width()
    titles = [group.title() for group in page.groups.values()]
    assert titles[0] == "Right after the interview"
    assert OTHER_GROUP not in titles
    texts = [label.text() for label in page.findChildren(QLabel)]
    texts += [box.text() for box in page.findChildren(QCheckBox)]
    texts += [
        combo.itemText(i) for combo in page.findChildren(QComboBox) for i in range(combo.count())
    ]
    assert not [text for text in texts if "_" in text], "no code words on screen"
    page.set_values({})
    thank_you = page.editors["thank_you_hours"]
    assert thank_you.text() == "24 hours after the interview"  # type: ignore[attr-defined]
    assert page.editors["paper_note_days"].text() == "1 day after the interview"  # type: ignore[attr-defined]


def test_units_and_weekdays_follow_the_language(qtbot: QtBot) -> None:
    i18n.set_language("de")
    try:
        assert setting_unit("thank_you_hours", 1) == " Stunde nach dem Gespräch"
        assert setting_unit("thank_you_hours", 24) == " Stunden nach dem Gespräch"
        page = PlaybookPage({"working_days"}, set(), "Intro")
        qtbot.addWidget(page)
        monday = page.findChild(QCheckBox, "day-mon")
        assert monday is not None
        assert monday.text() == "Montag"
        i18n.set_language("fr")
        # French takes the singular for 0 and 1, the plural from 2.
        assert setting_unit("review_offer_days", 0) == " jour"
        assert setting_unit("review_offer_days", 2) == " jours"
    finally:
        i18n.set_language("en")
