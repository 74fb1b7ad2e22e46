"""What the calendar import writes into an interview's notes, and how it is recognised.

The export marks a cancelled interview by these notes, and the import keeps an interview
whose notes hold more than what the invitation said; both read the same prefixes.
"""

from __future__ import annotations

from datetime import UTC, datetime

NOTES_PREFIX = "From the invitation:"
CANCELLED_PREFIX = "Cancelled by the organizer"
ALL_DAY_NOTE = "The invitation was for a whole day without a time; set the real time here."


def is_cancelled_note(notes: str) -> bool:
    """True when an interview's notes mark it as cancelled by the organizer."""
    return notes.startswith(CANCELLED_PREFIX)


def is_invitation_note(notes: str) -> bool:
    """True when the notes are only what an imported invitation put there."""
    return notes.startswith((NOTES_PREFIX, "The invitation was for a whole day"))


def cancelled_notes(notes: str, now: datetime) -> str:
    """The notes of an interview the organizer cancelled, marked once, dated ``now``."""
    if is_cancelled_note(notes):
        return notes
    stamp = now.astimezone(UTC).strftime("%Y-%m-%d")
    return f"{CANCELLED_PREFIX} on {stamp}.\n{notes}".strip()


__all__ = [
    "ALL_DAY_NOTE",
    "CANCELLED_PREFIX",
    "NOTES_PREFIX",
    "cancelled_notes",
    "is_cancelled_note",
    "is_invitation_note",
]
