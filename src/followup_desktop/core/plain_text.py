"""Text from people, imports and mail, made safe to show and to store.

Two hazards, one module, so every face treats them the same way:

* **Bidirectional controls.** An override such as U+202E (RIGHT-TO-LEFT OVERRIDE) in a
  company name before "evil" makes it appear as "live". Wrapping the text in an isolate
  (FSI…PDI) would not help: the override still reverses the letters inside the isolate.
  :func:`for_display` therefore *removes* the explicit embedding, override and isolate
  controls (U+202A to U+202E, U+2066 to U+2069), which only ever reorder what is already there,
  and then isolates (FSI…PDI) whatever still carries right-to-left letters or the
  implicit marks (U+200E, U+200F, U+061C), so a Hebrew or Arabic name shows correctly
  without turning the sentence around it (``שלום — Data Engineer`` stays left to right).
  Plain left-to-right text comes back unchanged.
* **NUL.** A NUL character is not text a person types; SQLite and C libraries cut strings
  at it. :func:`refuse_nul` is the one check that inputs (service validation, importers)
  call, with a message that says what to remove.

Markup is the GUI's part (Qt's AutoText would read a leading tag as rich text): the GUI's
``gui/plain.py`` builds on :func:`for_display`.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from followup_desktop.core.errors import ValidationError

#: Embeddings, overrides and isolates: they reorder text and are removed on display.
EXPLICIT_BIDI_CONTROLS: Final = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: Marks that only steer neutral characters: kept, and isolated with the text.
BIDI_MARKS: Final = frozenset("\u200e\u200f\u061c")
FIRST_STRONG_ISOLATE: Final = "\u2068"
POP_DIRECTIONAL_ISOLATE: Final = "\u2069"

_EXPLICIT = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Hebrew, Arabic, Syriac, Thaana, NKo, Samaritan, Mandaic… and their presentation forms:
# a quick screen before the exact per-character check.
_MAYBE_RTL = re.compile(
    "[\u0590-\u08ff\u200e\u200f\u061c\ufb1d-\ufdff\ufe70-\ufeff"
    "\U00010800-\U00010fff\U0001e800-\U0001efff]"
)


def _needs_isolation(text: str) -> bool:
    if not _MAYBE_RTL.search(text):
        return False
    return any(
        char in BIDI_MARKS or unicodedata.bidirectional(char) in {"R", "AL"} for char in text
    )


def without_reordering(text: str) -> str:
    """``text`` without the explicit embedding, override and isolate controls.

    For fields being edited: they show the text as it will be saved, so an override can
    no more reverse a name while it is being edited than when it is displayed.
    """
    return _EXPLICIT.sub("", text) if _EXPLICIT.search(text) else text


def for_display(text: str) -> str:
    """``text`` as it may be shown: no reordering controls, right-to-left text isolated."""
    if not text:
        return text
    cleaned = without_reordering(text)
    if _needs_isolation(cleaned):
        return f"{FIRST_STRONG_ISOLATE}{cleaned}{POP_DIRECTIONAL_ISOLATE}"
    return cleaned


# C0 and C1 controls but tab and newline: on a terminal, ESC starts a control sequence
# that can rewrite the screen or the window title.
_TERMINAL_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def for_terminal(text: str) -> str:
    """``text`` for a terminal: :func:`for_display`, control characters shown as U+FFFD."""
    return _TERMINAL_CONTROLS.sub("\ufffd", for_display(text))


def has_nul(text: str) -> bool:
    """True when ``text`` holds a NUL character."""
    return "\x00" in text


def refuse_nul(text: str, field: str, label: str) -> str:
    """``text`` unchanged, or :class:`ValidationError` when it holds a NUL character."""
    if "\x00" in text:
        position = text.index("\x00") + 1
        from followup_desktop.core import i18n

        raise ValidationError(
            i18n._(
                "{field} contains a NUL character (at character {position}), which is not "
                "text and cannot be stored; remove it (it often comes from a file saved in "
                "another encoding, such as UTF-16)."
            ).format(field=i18n._(label), position=position),
            field,
        )
    return text


__all__ = [
    "BIDI_MARKS",
    "EXPLICIT_BIDI_CONTROLS",
    "FIRST_STRONG_ISOLATE",
    "POP_DIRECTIONAL_ISOLATE",
    "for_display",
    "for_terminal",
    "has_nul",
    "refuse_nul",
    "without_reordering",
]


# A sentence ends at . ! or ? (with any closing quote or bracket) before a space; "e.g. "
# and "Dr. " end one too, which only shortens a reminder, never cuts a word.
_SENTENCE_END: Final = re.compile("[.!?][\"'\u201d\u2019)\\]]*(?=\\s)")


def first_sentence(text: str, limit: int) -> str:
    """The first sentence of ``text`` in at most ``limit`` characters, ending at a word.

    Runs of white space become one space. A first sentence still longer than ``limit``
    is cut at the last space that fits and ends with an ellipsis; a single word longer
    than the limit (a long address) is the one case cut inside a word.
    """
    flat = " ".join(text.split())
    match = _SENTENCE_END.search(flat)
    sentence = flat[: match.end()] if match else flat
    if len(sentence) <= limit:
        return sentence
    room = sentence[: limit - 1]
    cut = room.rfind(" ")
    kept = room[:cut] if cut > 0 else room
    return kept.rstrip(" ,;:-\u2013\u2014") + "…"
