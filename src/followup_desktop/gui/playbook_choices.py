"""The playbook choices where the advice differs, as controls for Settings and the editor.

Three points of the follow-up advice have no single right answer (a note on paper after
the emailed thanks, whether status questions go to HR, whether to wait twice their
stated timeline). Settings holds the person's default for each; the opportunity editor can
set each one for a single opportunity, starting from "Use my default". Both build their
controls here so the wording and the options are the same in both places.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from followup_desktop.core.errors import FollowupError
from followup_desktop.core.i18n import _, current_language
from followup_desktop.core.playbook.settings import (
    SETTINGS_KEY,
    PlaybookSettings,
    settings_from,
)
from followup_desktop.core.services import FollowupService
from followup_desktop.gui.plain import PlainLabel

#: The item data of "Use my default" in the editor's controls.
USE_DEFAULT = None


@dataclass(frozen=True, slots=True)
class DisputedChoice:
    """One playbook setting the sources disagree on, with words for a form."""

    setting: str
    label: str  # with a mnemonic
    accessible_name: str
    explanation: str
    options: tuple[tuple[Any, str], ...]

    def text_of(self, value: Any) -> str:
        """The option's words for a stored value (the value itself if unknown)."""
        for option, text in self.options:
            if _same(option, value):
                return text
        return str(value)


DISPUTED_CHOICES: tuple[DisputedChoice, ...] = (
    DisputedChoice(
        "paper_note",
        _("&Paper note after the email"),
        _("Paper note after the emailed thanks"),
        _(
            "Email goes first; advice differs on whether a handwritten card or a printed "
            "letter should follow it."
        ),
        (
            ("none", _("No paper note")),
            ("printed", _("A printed letter")),
            ("handwritten", _("A handwritten card")),
        ),
    ),
    DisputedChoice(
        "status_to_hr",
        _("Status &questions go to"),
        _("Where status questions go"),
        _(
            "Some hiring managers want status questions to go through HR only; others "
            "welcome them directly."
        ),
        ((False, _("The interviewer")), (True, _("HR or the recruiter"))),
    ),
    DisputedChoice(
        "double_timeline",
        _("When they name a &timeline"),
        _("How long to wait when they name a timeline"),
        _(
            "Hiring often runs late, so the status check waits longer than the time they gave "
            "(twice by default: the timeline multiplier, which Your search can suggest from "
            "your own data); choose the shorter wait if they seemed sure of their dates."
        ),
        (
            (True, _("Ask after their timeline times the multiplier")),
            (False, _("Ask once their timeline is up")),
        ),
    ),
)
DISPUTED_SETTINGS = frozenset(choice.setting for choice in DISPUTED_CHOICES)


def _same(left: Any, right: Any) -> bool:
    # True == 1 in Python; a choice between booleans must not match a number.
    return type(left) is type(right) and left == right


def select_value(combo: QComboBox, value: Any) -> bool:
    """Make the item whose data is ``value`` current; False when there is none."""
    for index in range(combo.count()):
        if _same(combo.itemData(index), value):
            combo.setCurrentIndex(index)
            return True
    return False


def _lowered(text: str) -> str:
    # English and French lower a choice's first letter inside the sentence; German keeps
    # it, since a noun ("Keine Notiz auf Papier") starts with a capital letter there.
    if current_language() == "de":
        return text
    return text[:1].lower() + text[1:]


def choice_combo(choice: DisputedChoice, default: Any = USE_DEFAULT) -> QComboBox:
    """A combo box for ``choice``; with a ``default`` it starts with "Use my default (…)"."""
    combo = QComboBox()
    combo.setObjectName(choice.setting)
    combo.setAccessibleName(choice.accessible_name)
    combo.setAccessibleDescription(choice.explanation)
    combo.setToolTip(choice.explanation)
    if default is not USE_DEFAULT:
        text = choice.text_of(default)
        combo.addItem(_("Use my default ({choice})").format(choice=_lowered(text)), USE_DEFAULT)
    for value, text in choice.options:
        combo.addItem(text, value)
    return combo


def explanation_label(choice: DisputedChoice) -> QLabel:
    """The one-line explanation shown under a choice's control."""
    label = PlainLabel(choice.explanation)
    label.setObjectName(f"{choice.setting}-explanation")
    label.setWordWrap(True)
    return label


def with_explanation(combo: QComboBox, choice: DisputedChoice) -> QWidget:
    """The control with its explanation right under it, as one form field."""
    holder = QWidget()
    box = QVBoxLayout(holder)
    box.setContentsMargins(0, 0, 0, 0)
    box.setSpacing(2)
    box.addWidget(combo)
    box.addWidget(explanation_label(choice))
    return holder


def global_settings(service: FollowupService) -> PlaybookSettings:
    """The person's playbook defaults as stored (the built-in ones if they do not read)."""
    stored = service.get_setting(SETTINGS_KEY, {}) or {}
    try:
        return settings_from(stored if isinstance(stored, Mapping) else {})
    except FollowupError:
        return PlaybookSettings()


class OpportunityChoices(QWidget):
    """The editor's page: this opportunity's answer to each disputed choice."""

    def __init__(self, defaults: PlaybookSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        intro = PlainLabel(
            _(
                "Where the advice differs, you can decide for this opportunity alone. "
                "“Use my default” follows Settings → Playbook."
            )
        )
        intro.setWordWrap(True)
        form.addRow(intro)
        self.combos: dict[str, QComboBox] = {}
        for choice in DISPUTED_CHOICES:
            combo = choice_combo(choice, getattr(defaults, choice.setting))
            caption = PlainLabel(choice.label)
            caption.setBuddy(combo)
            form.addRow(caption, with_explanation(combo, choice))
            self.combos[choice.setting] = combo

    def set_overrides(self, overrides: Mapping[str, Any]) -> None:
        """Show an opportunity's stored choices ("Use my default" where it has none)."""
        for name, combo in self.combos.items():
            if name not in overrides or not select_value(combo, overrides[name]):
                combo.setCurrentIndex(0)

    def overrides(self, existing: Mapping[str, Any]) -> dict[str, Any]:
        """``existing`` overrides with these three choices applied (defaults removed)."""
        result = {name: value for name, value in existing.items() if name not in self.combos}
        for name, combo in self.combos.items():
            value = combo.currentData()
            if value is not USE_DEFAULT:
                result[name] = value
        return result


__all__ = [
    "DISPUTED_CHOICES",
    "DISPUTED_SETTINGS",
    "USE_DEFAULT",
    "DisputedChoice",
    "OpportunityChoices",
    "choice_combo",
    "explanation_label",
    "global_settings",
    "select_value",
    "with_explanation",
]
