"""The search figures agree with the first, slower computation kept in stats_oracle."""

from __future__ import annotations

from datetime import UTC, date, timedelta, tzinfo
from zoneinfo import ZoneInfo

import pytest

from followup_desktop.core.db import Database
from followup_desktop.core.demo import populate_demo
from followup_desktop.core.stats import compute_stats
from stats_oracle import oracle_stats
from test_stats import NOW, build_search

PERIODS = [
    (None, None),
    (date(2026, 10, 10), date(2026, 10, 31)),
    (date(2026, 11, 1), None),
    (None, date(2026, 9, 30)),
]


# Local weeks and months depend on the zone's offset: none, a half-hour one east, and one
# west of UTC.
ZONES: list[tzinfo] = [UTC, ZoneInfo("Asia/Kolkata"), ZoneInfo("America/Bogota")]


def assert_agree(db: Database) -> None:
    for start, end in PERIODS:
        for now in (NOW, NOW - timedelta(days=45)):
            for zone in ZONES:
                with db.session() as session:
                    expected = oracle_stats(session, now, zone, start=start, end=end)
                    found = compute_stats(session, now, zone, start=start, end=end)
                assert found == expected, (start, end, now, zone)
                assert found.as_json() == expected.as_json()


def test_an_empty_search_agrees(database: Database) -> None:
    assert_agree(database)


def test_the_hand_worked_search_agrees(database: Database) -> None:
    # Opportunities without interviews, replies before the interview, a referrer's note.
    build_search(database)
    assert_agree(database)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_demo_searches_agree(database: Database, seed: int) -> None:
    populate_demo(database, 60 * seed, seed=seed, now=NOW)
    assert_agree(database)
