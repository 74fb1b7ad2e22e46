"""The service's refusals and the calendar's words are in the person's language."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from followup_desktop.core import i18n
from followup_desktop.core.calendar_query import CalendarEntry, EntryKind
from followup_desktop.core.db import Database
from followup_desktop.core.errors import NotFoundError, ValidationError
from followup_desktop.core.services import FollowupService, OpportunityFields

NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)


@pytest.fixture
def service(database: Database) -> FollowupService:
    return FollowupService(database, clock=lambda: NOW)


@pytest.fixture
def english_again() -> Iterator[None]:
    yield
    i18n.set_language("en")


def test_a_refusal_says_what_to_fix_in_german(
    service: FollowupService, english_again: None
) -> None:
    i18n.set_language("de")
    with pytest.raises(NotFoundError) as missing:
        service.update_opportunity(99, OpportunityFields(company="X"))
    assert str(missing.value) == (
        "Bewerbung 99 gibt es nicht (vielleicht wurde der Eintrag gelöscht)."
    )
    made = service.add_action("call_recruiter", NOW + timedelta(days=1), reason="Mine")
    assert made.created_id is not None
    with pytest.raises(ValidationError, match="Zeitpunkt in der Zukunft") as caught:
        service.snooze_action(made.created_id, NOW - timedelta(hours=1))
    assert caught.value.field == "snoozed_until"


def test_calendar_words_in_french(english_again: None) -> None:
    moment = datetime(2026, 12, 4, 9, tzinfo=UTC)
    entry = CalendarEntry(
        EntryKind.DECISION,
        "d",
        1,
        None,
        None,
        "Globex",
        "Analyste",
        moment,
        moment,
        date(2026, 12, 4),
    )
    interview = CalendarEntry(
        EntryKind.INTERVIEW,
        "i",
        1,
        1,
        None,
        "Globex",
        "Analyste",
        moment,
        moment,
        date(2026, 12, 4),
        cancelled=True,
        round=2,
    )
    i18n.set_language("fr")
    assert entry.title == "Décision attendue\u202f: Globex"
    assert interview.title == "Annulé\u202f: Globex · tour 2"
    assert entry.where == "Globex — Analyste"
