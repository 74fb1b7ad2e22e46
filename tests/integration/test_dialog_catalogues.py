"""The dialogs' translations keep what a label needs: one keyboard accelerator where the
English has one, and French punctuation with its narrow no-break space."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[2] / "src" / "followup_desktop" / "locale"
AREAS = (
    "gui-editor",
    "gui-debrief",
    "gui-composer",
    "gui-settings",
    "gui-import",
    "gui-mailbox",
    "gui-stats",
)


def _pairs(language: str) -> list[tuple[str, str, str]]:
    pairs: list[tuple[str, str, str]] = []
    for area in AREAS:
        with (LOCALE / language / f"{area}.po").open("rb") as handle:
            for message in read_po(handle, locale=language):
                if not message.id:
                    continue
                ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
                strings = (
                    message.string
                    if isinstance(message.string, tuple | list)
                    else (message.string,)
                )
                pairs.extend((area, ids[0], string or "") for string in strings)
    return pairs


@pytest.mark.parametrize("language", ["de", "fr"])
def test_a_label_keeps_its_one_accelerator(language: str) -> None:
    wrong = [
        f"{area}: {english!r} → {text!r}"
        for area, english, text in _pairs(language)
        if text.replace("&&", "").count("&") != english.replace("&&", "").count("&")
    ]
    assert not wrong, "\n".join(wrong)


def test_french_puts_a_narrow_space_before_double_punctuation() -> None:
    # "Objet :", "Refus ?", « … »; a file filter's ";;" and a web address's "://" are code.
    wrong = [
        f"{area}: {text!r}"
        for area, _english, text in _pairs("fr")
        if re.search(r"[^\u202f;][:;!?](?![/;])", text.replace("*.", ""))
        or re.search(r"«(?!\u202f)|(?<!\u202f)»", text)
    ]
    assert not wrong, "\n".join(wrong)
