"""Dates and times for a person to read, through the remembered formats.

Each day and time is worked out once per locale and remembered; these check that what
is remembered never answers for another zone's clock or another language.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from followup_desktop.core import i18n, localformat

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def english() -> Iterator[None]:
    i18n.set_language("en")
    yield
    i18n.set_language("en")


def test_the_same_instant_in_two_zones_reads_as_each_clock(english: None) -> None:
    in_utc = datetime(2026, 12, 2, 23, 30, tzinfo=UTC)
    in_berlin = in_utc.astimezone(BERLIN)
    assert in_utc == in_berlin  # equal instants, so a cache keyed by them would mix them
    assert localformat.clock(in_utc) == "11:30\u202fPM"
    assert localformat.clock(in_berlin) == "12:30\u202fAM"
    assert localformat.day(in_utc) == "Wed, Dec 2"
    assert localformat.day(in_berlin) == "Thu, Dec 3"
    assert localformat.day_and_clock(in_berlin, year=True) == "Thu, Dec 3, 2026, 12:30\u202fAM"
    assert localformat.day_and_clock(in_utc) == "Wed, Dec 2, 11:30\u202fPM"


def test_a_language_set_later_is_followed(english: None) -> None:
    moment = datetime(2026, 12, 2, 14, 5, tzinfo=BERLIN)
    assert localformat.day_and_clock(moment) == "Wed, Dec 2, 2:05\u202fPM"
    i18n.set_language("de")
    assert localformat.day_and_clock(moment) == "Mi., 2. Dez., 14:05"
    assert localformat.clock(time(14, 5)) == "14:05"
    i18n.set_language("fr")
    assert localformat.day(date(2026, 12, 2), year=True) == "mer. 2 déc. 2026"
    assert localformat.day(moment, locale="en_US") == "Wed, Dec 2"


def test_a_day_and_a_date_read_alike_and_the_year_is_kept_apart(english: None) -> None:
    assert localformat.day(date(2026, 12, 2)) == localformat.day(
        datetime(2026, 12, 2, 9, tzinfo=BERLIN)
    )
    assert localformat.day(date(2026, 12, 2), year=True) == "Wed, Dec 2, 2026"
    assert localformat.day(date(2026, 12, 2)) == "Wed, Dec 2"
