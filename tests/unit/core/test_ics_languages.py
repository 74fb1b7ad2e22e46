"""The notes a calendar import writes are in the person's language and are recognised in
every language, so changing the language never makes an imported interview look like the
person's own work, or a cancelled one look current."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from followup_desktop.core import i18n
from followup_desktop.core.ics.notes import (
    cancelled_notes,
    is_cancelled_note,
    is_invitation_note,
)


@pytest.fixture
def speaking() -> Iterator[None]:
    yield
    i18n.set_language("en")


def test_a_cancellation_written_in_german_is_recognised_in_english(speaking: None) -> None:
    i18n.set_language("de")
    notes = cancelled_notes("Raum 4", datetime(2026, 11, 23, 12, tzinfo=UTC))
    assert notes.startswith("Vom Veranstalter abgesagt am ")
    assert "November 2026" in notes
    assert notes.endswith("\nRaum 4")
    i18n.set_language("en")
    assert is_cancelled_note(notes)
    assert cancelled_notes(notes, datetime(2026, 11, 24, tzinfo=UTC)) == notes  # marked once
    assert not is_cancelled_note("Abgesagt? Nein, verschoben.")


def test_older_english_notes_are_still_recognised() -> None:
    assert is_cancelled_note("Cancelled by the organizer on 2026-11-23.\nRoom 4")
    assert is_invitation_note("From the invitation:\nJoin on Zoom")
    assert is_invitation_note(
        "The invitation was for a whole day without a time; set the real time here."
    )


@pytest.mark.parametrize(
    "notes",
    [
        "Aus der Einladung:\nZoom-Link folgt",
        "D\u2019après l\u2019invitation\u202f:\nSalle 3",
        "Die Einladung galt für einen ganzen Tag ohne Uhrzeit; tragen Sie hier die richtige "
        "Uhrzeit ein.",
    ],
)
def test_invitation_notes_of_every_language_are_the_invitations(notes: str) -> None:
    assert is_invitation_note(notes)


def test_the_persons_own_notes_are_not_the_invitations() -> None:
    assert not is_invitation_note("Ask about the team's on-call rota.")
