"""Today's read lists the next 24 hours too: thank-yous planned by a debrief are in sight."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from followup_desktop.core.agenda import Bucket, coming_up_end, end_of_day, is_coming_up
from followup_desktop.core.db import Database
from followup_desktop.core.queries.window import read_today
from followup_desktop.core.services import DebriefFields, FollowupService, PanelMember

BERLIN = ZoneInfo("Europe/Berlin")
# Monday 23 November 2026, 18:00 in Berlin: the interview ended an hour ago.
NOW = datetime(2026, 11, 23, 17, tzinfo=UTC)


@pytest.fixture
def service(database: Database) -> FollowupService:
    return FollowupService(database, clock=lambda: NOW)


def test_thank_yous_due_tomorrow_are_listed_and_counted_right_after_the_debrief(
    service: FollowupService,
) -> None:
    opportunity = service.create_opportunity("Acme Robotics", "Engineer").created_id
    assert opportunity is not None
    interview = service.record_interview(
        opportunity, NOW - timedelta(hours=2), NOW - timedelta(hours=1), "Europe/Berlin"
    ).created_id
    assert interview is not None
    service.submit_debrief(
        interview,
        DebriefFields(went_well="Good talk"),
        panel=[PanelMember("Dana Kim"), PanelMember("Omar Ruiz")],
    )

    data = read_today(service.db, NOW, BERLIN, limit=200)

    thank_yous = [item for item in data.items if item.kind == "thank_you"]
    assert len(thank_yous) == 2
    assert all(item.bucket is Bucket.UPCOMING for item in thank_yous)
    assert all(is_coming_up(item, NOW) for item in thank_yous)
    assert (data.overdue, data.today) == (0, 0)
    assert data.coming == len([item for item in data.items if item.bucket is Bucket.UPCOMING])
    assert data.coming >= 2
    # Nothing beyond the next 24 hours is listed.
    assert all(item.due_at < NOW + timedelta(hours=24) for item in data.items)


def test_the_window_is_the_end_of_today_or_24_hours_whichever_is_later() -> None:
    assert coming_up_end(NOW, BERLIN) == NOW + timedelta(hours=24)
    assert end_of_day(NOW, BERLIN) == datetime(2026, 11, 24, tzinfo=BERLIN)
    # Just after midnight on the night the clocks go back the day lasts 25 hours.
    night = datetime(2026, 10, 25, 0, 30, tzinfo=BERLIN)
    assert coming_up_end(night, BERLIN) == end_of_day(night, BERLIN)
    assert end_of_day(night, BERLIN).astimezone(UTC) - night.astimezone(UTC) == timedelta(
        hours=24, minutes=30
    )
