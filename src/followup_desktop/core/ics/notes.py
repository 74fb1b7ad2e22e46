"""What the calendar import writes into an interview's notes, and how it is recognised.

The export marks a cancelled interview by these notes, and the import keeps an interview
whose notes hold more than what the invitation said; both read the same prefixes. The notes
are written in the person's language, and recognised in any language Followup speaks (and
as older versions wrote them), so a database stays sound when the language changes.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache

from followup_desktop.core.i18n import LANGUAGES, N_, _, translations_for

# The sentences as the code writes them; _() puts them in the person's language.
_FROM_INVITATION = N_("From the invitation:")
_CANCELLED = N_("Cancelled by the organizer on {day}.")
_ALL_DAY = N_("The invitation was for a whole day without a time; set the real time here.")

NOTES_PREFIX = _("From the invitation:")
CANCELLED_PREFIX = "Cancelled by the organizer"
ALL_DAY_NOTE = _("The invitation was for a whole day without a time; set the real time here.")


@cache
def _in_every_language(message: str) -> tuple[str, ...]:
    """``message`` as each language writes it, English first."""
    return tuple(dict.fromkeys(translations_for(code).gettext(message) for code in LANGUAGES))


@cache
def _cancelled_prefixes() -> tuple[str, ...]:
    # What comes before the day: "Cancelled by the organizer on", "Vom Veranstalter …".
    found = [text.split("{day}")[0].strip() for text in _in_every_language(_CANCELLED)]
    return tuple(dict.fromkeys([CANCELLED_PREFIX, *(prefix for prefix in found if prefix)]))


def is_cancelled_note(notes: str) -> bool:
    """True when an interview's notes mark it as cancelled by the organizer."""
    return notes.startswith(_cancelled_prefixes())


def is_invitation_note(notes: str) -> bool:
    """True when the notes are only what an imported invitation put there."""
    all_day_starts = tuple(text.split(";")[0] for text in _in_every_language(_ALL_DAY))
    return notes.startswith((*_in_every_language(_FROM_INVITATION), *all_day_starts))


def cancelled_notes(notes: str, now: datetime) -> str:
    """The notes of an interview the organizer cancelled, marked once, dated ``now``."""
    if is_cancelled_note(notes):
        return notes
    from followup_desktop.core.localformat import long_date

    mark = _("Cancelled by the organizer on {day}.").format(day=long_date(now.astimezone()))
    return f"{mark}\n{notes}".strip()


__all__ = [
    "ALL_DAY_NOTE",
    "CANCELLED_PREFIX",
    "NOTES_PREFIX",
    "cancelled_notes",
    "is_cancelled_note",
    "is_invitation_note",
]
