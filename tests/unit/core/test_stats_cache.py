"""What the stats cache keeps: the same figures as a fresh computation, read again after
every kind of commit (this process's or another program's), never past a row dated after
``now``, and not read again when only the period or the clock moved."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from followup_desktop.core import stats as stats_module
from followup_desktop.core.db import Database
from followup_desktop.core.demo import populate_demo
from followup_desktop.core.models import Action, Contact, ContactRole, Direction, Opportunity
from followup_desktop.core.queries.stats import search_stats
from followup_desktop.core.services import FollowupService
from followup_desktop.core.stats import SearchStats, StatsCache, compute_stats
from test_stats import NOW, Clock, at, build_search, interview, stage_ids

PERIODS: list[tuple[date | None, date | None]] = [
    (None, None),
    (date(2026, 10, 10), date(2026, 10, 31)),
    (date(2026, 11, 1), None),
]
ZONES: list[tzinfo] = [UTC, ZoneInfo("Asia/Kolkata"), ZoneInfo("America/Bogota")]


def fresh(
    db: Database,
    now: datetime = NOW,
    tz: tzinfo = UTC,
    start: date | None = None,
    end: date | None = None,
) -> SearchStats:
    with db.session() as session:
        return compute_stats(session, now, tz, start=start, end=end)


@pytest.fixture
def cache(database: Database) -> Iterator[StatsCache]:
    kept = StatsCache(database.path)
    yield kept
    kept.close()


def test_kept_reads_give_the_figures_of_a_fresh_computation(
    database: Database, cache: StatsCache
) -> None:
    populate_demo(database, 120, seed=4, now=NOW)
    # Before the latest row (read afresh), at it, a day and weeks later (kept).
    for now in (NOW - timedelta(days=45), NOW, NOW + timedelta(days=1), NOW + timedelta(days=30)):
        for zone in ZONES:
            for start, end in PERIODS:
                found = cache.stats(database, now, zone, start=start, end=end)
                assert found == fresh(database, now, zone, start, end), (now, zone, start)
                assert found.as_json() == fresh(database, now, zone, start, end).as_json()


def test_only_the_figuring_is_done_again_when_the_period_or_the_clock_moves(
    database: Database, cache: StatsCache
) -> None:
    build_search(database)
    # Applied five days ago, an interview ahead: neither silent nor held yet at NOW.
    service = FollowupService(database, clock=Clock(at("2026-11-25")))
    fir = service.create_opportunity("Fir", "Engineer").created_id
    assert fir is not None
    interview(service, fir, "2026-12-10", decision_timeline_days=3)
    first = cache.stats(database, NOW, UTC)
    assert first == fresh(database)
    for start, end in PERIODS:
        assert cache.stats(database, NOW, UTC, start=start, end=end) == fresh(
            database, start=start, end=end
        )
    # Just past midnight (Sunday to Monday) a new week shows; weeks on, silence is
    # judged anew.
    midnight = datetime(2026, 12, 7, 0, 0, 1, tzinfo=UTC)
    later = NOW + timedelta(days=40)
    next_day = cache.stats(database, midnight, UTC)
    assert next_day == fresh(database, midnight)
    assert next_day.weeks[-1].week_start != first.weeks[-1].week_start
    weeks_on = cache.stats(database, later, UTC)
    assert weeks_on == fresh(database, later)
    assert weeks_on.silence != first.silence
    assert weeks_on.after_interview != first.after_interview
    assert cache.reads == 1


# Each kind of write as (what comes first, the write): the first part runs before the
# figures are kept, so only the write itself stands between the two computations.
_Step = Callable[[FollowupService, int], object]


def _nothing(_service: FollowupService, _cedar: int) -> None:
    return None


def _reply(service: FollowupService, cedar: int) -> None:
    service.log_correspondence(cedar, Direction.RECEIVED, at("2026-11-20"), subject="News")


def _sent(service: FollowupService, cedar: int) -> None:
    service.log_correspondence(cedar, Direction.SENT, at("2026-11-27"), subject="Checking in")


def _move(service: FollowupService, cedar: int) -> None:
    service.move_opportunities([cedar], stage_ids(service)["Interviewing"])


def _interview(service: FollowupService, cedar: int) -> None:
    interview(service, cedar, "2026-11-24", decision_timeline_days=2)


def _plan_step(service: FollowupService, cedar: int) -> None:
    service.add_action("status_follow_up", at("2026-11-28"), opportunity_id=cedar)


def _tick_step(service: FollowupService, _cedar: int) -> None:
    with service.db.session() as session:
        action_id = session.scalar(
            select(Action.id).where(Action.kind == "status_follow_up", Action.origin == "manual")
        )
    assert action_id is not None
    service.complete_action(action_id)


def _reply_from_a_referrer(service: FollowupService, cedar: int) -> None:
    robin = service.add_contact("Robin", opportunity_id=cedar, role=ContactRole.REFERRER)
    assert robin.created_id is not None
    service.log_correspondence(
        cedar, Direction.RECEIVED, at("2026-11-20"), subject="Hi", contact_id=robin.created_id
    )


def _robin_is_hr_too(service: FollowupService, cedar: int) -> None:
    with service.db.session() as session:
        robin = session.scalar(select(Contact.id).where(Contact.name == "Robin"))
    assert robin is not None
    service.link_contact(cedar, robin, ContactRole.HR)


def _reorder(service: FollowupService, _cedar: int) -> None:
    ids = [stage.id for stage in service.stages()]
    service.reorder_stages([ids[0], ids[2], ids[1], *ids[3:]])


def _create(service: FollowupService, _cedar: int) -> None:
    service.create_opportunity("Fir", "Engineer")


WRITES: dict[str, tuple[_Step, _Step]] = {
    "a reply logged": (_nothing, _reply),
    "a message sent": (_nothing, _sent),
    "a stage move": (_nothing, _move),
    "an interview": (_nothing, _interview),
    "a step ticked done": (_plan_step, _tick_step),
    "a role that makes a reply the employer's": (_reply_from_a_referrer, _robin_is_hr_too),
    "stages reordered": (_nothing, _reorder),
    "a new opportunity": (_nothing, _create),
}


@pytest.mark.parametrize("write", list(WRITES), ids=list(WRITES))
def test_every_kind_of_write_is_read_again(
    database: Database, cache: StatsCache, write: str
) -> None:
    build_search(database)
    # Written an hour before the figures' moment: nothing after ``now``, so kept.
    service = FollowupService(database, clock=Clock(NOW - timedelta(hours=1)))
    with database.session() as session:
        cedar = session.scalar(select(Opportunity.id).where(Opportunity.company == "Cedar"))
    assert cedar is not None
    setup, change = WRITES[write]
    setup(service, cedar)
    before = cache.stats(database, NOW, UTC)
    assert cache.stats(database, NOW, UTC) == before
    assert cache.reads == 1
    change(service, cedar)
    after = cache.stats(database, NOW, UTC)
    assert cache.reads == 2
    # Only the touched opportunities are read again, unless the stages changed.
    assert cache.partial_reads == (0 if write == "stages reordered" else 1)
    assert after == fresh(database)
    assert after != before, "the write changes a figure, so a stale answer would show"


def test_a_commit_by_another_program_is_read_again(database: Database, cache: StatsCache) -> None:
    build_search(database)
    before = cache.stats(database, NOW, UTC)
    other = sqlite3.connect(database.path)
    try:
        with other:
            other.execute("UPDATE opportunities SET source = 'Career fair' WHERE company = 'Elm'")
    finally:
        other.close()
    after = cache.stats(database, NOW, UTC)
    assert (cache.reads, cache.partial_reads) == (2, 1)
    assert after == fresh(database)
    assert "Career fair" in {row.label for row in after.by_source}
    assert after.by_source != before.by_source


def test_a_row_dated_after_now_is_read_up_to_now_until_that_moment_comes(
    database: Database, cache: StatsCache
) -> None:
    service = build_search(database)
    with database.session() as session:
        cedar = session.scalar(select(Opportunity.id).where(Opportunity.company == "Cedar"))
    assert cedar is not None
    service.log_correspondence(cedar, Direction.RECEIVED, NOW + timedelta(days=2), subject="Soon")
    for expected_reads in (1, 2):
        assert cache.stats(database, NOW, UTC) == fresh(database)
        assert cache.reads == expected_reads
    # Once that day has come, what was read with no limit serves.
    later = NOW + timedelta(days=3)
    for _ in range(2):
        assert cache.stats(database, later, UTC) == fresh(database, later)
    assert cache.reads == 2
    # And it never serves a moment before its latest row.
    assert cache.stats(database, NOW + timedelta(days=1), UTC) == fresh(
        database, NOW + timedelta(days=1)
    )
    assert cache.reads == 3


def test_a_new_offset_after_daylight_saving_is_read_again(
    database: Database, cache: StatsCache
) -> None:
    build_search(database)
    berlin = ZoneInfo("Europe/Berlin")
    winter, summer = datetime(2026, 12, 20, 12, tzinfo=UTC), datetime(2027, 4, 20, 12, tzinfo=UTC)
    for now in (winter, summer, winter):
        assert cache.stats(database, now, berlin) == fresh(database, now, berlin)
    assert cache.reads == 3


def test_the_query_uses_the_cache_it_is_given_and_a_closed_cache_opens_again(
    database: Database, cache: StatsCache
) -> None:
    build_search(database)
    assert search_stats(database, NOW, UTC, cache=cache) == search_stats(database, NOW, UTC)
    search_stats(database, NOW, UTC, cache=cache)
    assert cache.reads == 1
    was_open = cache.connected
    cache.close()
    assert was_open and not cache.connected
    assert search_stats(database, NOW, UTC, cache=cache) == fresh(database)
    assert cache.reads == 2
    cache.clear()
    search_stats(database, NOW, UTC, cache=cache)
    assert cache.reads == 3


def test_when_the_version_cannot_be_asked_nothing_is_kept(
    database: Database, cache: StatsCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_search(database)
    cache.stats(database, NOW, UTC)
    monkeypatch.setattr(StatsCache, "_version", lambda _self, _offset: None)
    service = FollowupService(database, clock=Clock(NOW - timedelta(hours=1)))
    service.create_opportunity("Fir", "Engineer")
    for expected_reads in (2, 3):
        assert cache.stats(database, NOW, UTC) == fresh(database)
        assert cache.reads == expected_reads


def test_a_cache_answers_only_for_its_own_file(
    database: Database, tmp_path_factory: pytest.TempPathFactory
) -> None:
    other = StatsCache(tmp_path_factory.mktemp("other") / "other.sqlite3")
    with pytest.raises(ValueError, match=r"other\.sqlite3"):
        other.stats(database, NOW, UTC)


# -- reading again only what a write touched ---------------------------------------------

# Writes in plain SQL, as another program could make them: each picks its row at random
# (``random()``) and leaves the schema alone.
_OTHER_PROGRAM: list[str] = [
    "DELETE FROM opportunities WHERE id = (SELECT id FROM opportunities ORDER BY random())",
    "UPDATE interviews SET decision_date = date(ends_at, '+9 days') "
    "WHERE id = (SELECT id FROM interviews ORDER BY random())",
    "UPDATE correspondence SET subject = 'Re: ' || subject WHERE id = "
    "(SELECT id FROM correspondence WHERE direction = 'received' ORDER BY random())",
    "UPDATE actions SET kind = 'thank_you' WHERE id = "
    "(SELECT action_id FROM correspondence WHERE action_id IS NOT NULL ORDER BY random())",
    "DELETE FROM contacts WHERE id = (SELECT contact_id FROM opportunity_contacts "
    "ORDER BY random())",
    "UPDATE stage_changes SET changed_at = datetime(changed_at, '-3 days') WHERE id = "
    "(SELECT id FROM stage_changes ORDER BY random())",
    "UPDATE correspondence SET action_id = NULL WHERE id = "
    "(SELECT id FROM correspondence WHERE action_id IS NOT NULL ORDER BY random())",
    "UPDATE settings SET value = value",  # a commit that touches no opportunity
]


def _service_write(service: FollowupService, chooser: random.Random) -> None:
    with service.db.session() as session:
        ids = list(session.scalars(select(Opportunity.id)))
        open_steps = list(
            session.scalars(select(Action.id).where(Action.state == "open", Action.kind != "x"))
        )
    stages = list(stage_ids(service).values())
    target = chooser.choice(ids)
    day = f"2026-{chooser.randint(9, 11):02d}-{chooser.randint(1, 28):02d}"
    kind = chooser.randrange(6)
    if kind == 0:
        service.log_correspondence(target, Direction.RECEIVED, at(day), subject="News")
    elif kind == 1:
        service.log_correspondence(target, Direction.SENT, at(day), subject="Checking in")
    elif kind == 2:
        service.move_opportunities(chooser.sample(ids, 3), chooser.choice(stages))
    elif kind == 3:
        interview(service, target, day, decision_timeline_days=chooser.randint(2, 14))
    elif kind == 4 and open_steps:
        service.complete_action(chooser.choice(open_steps))
    else:
        robin = service.add_contact("Robin", opportunity_id=target, role=ContactRole.REFERRER)
        service.log_correspondence(
            target, Direction.RECEIVED, at(day), subject="Hi", contact_id=robin.created_id
        )


def test_after_many_kinds_of_write_reading_only_the_touched_gives_the_fresh_figures(
    database: Database, cache: StatsCache
) -> None:
    populate_demo(database, 120, seed=9, now=NOW)
    # Written before the figures' moment, so what is kept serves it.
    service = FollowupService(database, clock=Clock(NOW - timedelta(hours=1)))
    later = NOW + timedelta(days=1)
    chooser = random.Random(5)  # noqa: S311 (a repeatable choice of writes, not a secret)
    other = sqlite3.connect(database.path, isolation_level=None)
    other.execute("PRAGMA foreign_keys=ON")
    try:
        # A zone ahead of UTC: local days and the stated timelines depend on it.
        zone = ZONES[1]
        assert cache.stats(database, later, zone) == fresh(database, later, zone)
        for step in range(1, 31):
            if step % 3:
                _service_write(service, chooser)
            else:
                other.execute(chooser.choice(_OTHER_PROGRAM))
            for start, end in PERIODS:
                found = cache.stats(database, later, zone, start=start, end=end)
                assert found == fresh(database, later, zone, start, end), (step, start)
            # After the first, every read was of the touched opportunities only (a write
            # that changed no row commits nothing, and nothing is read).
            assert cache.reads == cache.partial_reads + 1
    finally:
        other.close()
    assert cache.partial_reads >= 25


def test_everything_is_read_again_after_a_schema_change_or_with_a_trigger_missing(
    database: Database, cache: StatsCache
) -> None:
    build_search(database)
    service = FollowupService(database, clock=Clock(NOW - timedelta(hours=1)))
    with database.session() as session:
        cedar = session.scalar(select(Opportunity.id).where(Opportunity.company == "Cedar"))
    assert cedar is not None
    cache.stats(database, NOW, UTC)
    other = sqlite3.connect(database.path, isolation_level=None)
    try:
        # A migration that rebuilt a table would drop its triggers: the schema changed.
        other.execute("DROP TRIGGER touch_correspondence_insert")
        _reply(service, cedar)
        assert cache.stats(database, NOW, UTC) == fresh(database)
        assert (cache.reads, cache.partial_reads) == (2, 0)
        # And while a trigger is missing, every read is a full one.
        _sent(service, cedar)
        assert cache.stats(database, NOW, UTC) == fresh(database)
        assert (cache.reads, cache.partial_reads) == (3, 0)
    finally:
        other.close()


def test_a_write_touching_very_many_opportunities_is_read_in_full(
    database: Database, cache: StatsCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_search(database)
    cache.stats(database, NOW, UTC)
    monkeypatch.setattr(stats_module, "_MOST_TOUCHED", 2)
    service = FollowupService(database, clock=Clock(NOW - timedelta(hours=1)))
    with database.session() as session:
        ids = list(session.scalars(select(Opportunity.id)))
    assert len(ids) > 2
    service.move_opportunities(ids, stage_ids(service)["Interviewing"])
    assert cache.stats(database, NOW, UTC) == fresh(database)
    assert (cache.reads, cache.partial_reads) == (2, 0)
    service.move_opportunities(ids[:2], stage_ids(service)["Applied"])
    assert cache.stats(database, NOW, UTC) == fresh(database)
    assert (cache.reads, cache.partial_reads) == (3, 1)
