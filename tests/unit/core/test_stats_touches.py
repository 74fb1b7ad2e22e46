"""The touches the statistics cache reads after a commit (migration 0007): the migration
keeps every row, every trigger the cache relies on is there at the head, each kind of
write, by the service or by plain SQL, cascades included, notes the opportunities whose
rows it changed, and only the latest notes are kept."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select

from followup_desktop.core.db import (
    Database,
    alembic_config,
    make_engine,
    migrate_to,
    open_database,
)
from followup_desktop.core.models import ContactRole, Direction, Opportunity
from followup_desktop.core.services import FollowupService
from followup_desktop.core.stats import _TOUCH_TRIGGERS, StatsCache, _touches_seen
from test_stats import NOW, Clock, at, build_search, interview, stage_ids
from test_stats_cache import fresh
from test_storage import REV1_CHILD_TABLES, _insert_rev1_data

TABLES = REV1_CHILD_TABLES


def _triggers(connection: sqlite3.Connection) -> set[str]:
    return {
        str(name)
        for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    }


def test_the_migration_keeps_every_row_and_the_way_back_too(db_path: Path) -> None:
    migrate_to(db_path, "0001")
    _insert_rev1_data(db_path)
    migrate_to(db_path, "0006")
    with contextlib.closing(sqlite3.connect(db_path)) as before:
        counts = {t: before.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    assert all(counts.values())
    open_database(db_path).close()
    with contextlib.closing(sqlite3.connect(db_path)) as after:
        for table in TABLES:
            assert after.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == counts[table]
        assert after.execute("PRAGMA foreign_key_check").fetchall() == []
        assert _triggers(after) >= _TOUCH_TRIGGERS
        # Nothing noted yet: a cache reads everything the first time anyway.
        assert after.execute("SELECT count(*) FROM touched_opportunities").fetchone() == (0,)
    engine = make_engine(db_path)  # foreign keys on, as the app's connections have them
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, "0006")
    finally:
        engine.dispose()
    with contextlib.closing(sqlite3.connect(db_path)) as back:
        for table in TABLES:
            assert back.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == counts[table]
        assert _triggers(back) == set()
        assert back.execute(
            "SELECT count(*) FROM sqlite_master WHERE name = 'touched_opportunities'"
        ).fetchone() == (0,)


def test_every_trigger_the_cache_relies_on_is_there_at_the_head(database: Database) -> None:
    with contextlib.closing(sqlite3.connect(database.path)) as connection:
        assert _triggers(connection) == set(_TOUCH_TRIGGERS)
        assert _touches_seen(connection) == 0
        connection.execute("DROP TRIGGER touch_interviews_update")
        # One missing (a table rebuilt in batch mode loses its triggers): no touches.
        assert _touches_seen(connection) is None


@pytest.fixture
def noted(database: Database) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(database.path, isolation_level=None)
    connection.execute("PRAGMA foreign_keys=ON")
    yield connection
    connection.close()


def _touched_since(connection: sqlite3.Connection, seen: int) -> set[int]:
    return {
        int(row[0])
        for row in connection.execute(
            "SELECT opportunity_id FROM touched_opportunities WHERE seq > ?", (seen,)
        )
    }


def _ids(database: Database) -> dict[str, int]:
    with database.session() as session:
        rows = session.execute(select(Opportunity.company, Opportunity.id))
        return {row[0]: row[1] for row in rows}


def test_each_write_notes_the_opportunities_it_changed(
    database: Database, noted: sqlite3.Connection
) -> None:
    build_search(database)
    service = FollowupService(database, clock=Clock(NOW - timedelta(hours=1)))
    ids = _ids(database)
    cedar, elm = ids["Cedar"], ids["Elm"]

    def after(write: object) -> set[int]:
        seen = _touches_seen(noted)
        assert seen is not None
        if callable(write):
            write()
        else:
            noted.execute(str(write))
        return _touched_since(noted, seen)

    assert after(
        lambda: service.log_correspondence(cedar, Direction.RECEIVED, at("2026-11-20"))
    ) == {cedar}
    assert after(
        lambda: service.move_opportunities([cedar, elm], stage_ids(service)["Interviewing"])
    ) >= {cedar, elm}
    assert after(lambda: interview(service, elm, "2026-11-24")) == {elm}
    robin = service.add_contact("Robin", opportunity_id=cedar, role=ContactRole.REFERRER)
    assert robin.created_id is not None
    assert after(lambda: service.link_contact(elm, robin.created_id, ContactRole.HR)) == {elm}
    # Another program, in plain SQL: an update, and a contact's deletion, which clears
    # links and referrers through ON DELETE CASCADE / SET NULL.
    assert after(f"UPDATE opportunities SET source = 'Fair' WHERE id = {elm}") == {elm}
    assert after(f"DELETE FROM contacts WHERE id = {robin.created_id}") == {cedar, elm}
    # A sent message linked to a step of another opportunity: both; then the step's kind
    # changes what the message counts as, so the message's opportunity is noted too.
    action = service.add_action("message", at("2026-11-28"), opportunity_id=elm).created_id
    assert action is not None
    assert after(
        "INSERT INTO correspondence (opportunity_id, direction, channel, occurred_at, subject,"
        f" body, action_id) VALUES ({cedar}, 'sent', 'email', '2026-11-27 10:00:00', 'Hi', '',"
        f" {action})"
    ) == {cedar, elm}
    assert after(f"UPDATE actions SET kind = 'thank_you' WHERE id = {action}") == {cedar, elm}
    # An opportunity deleted: every child row goes with it; the message linked to Elm's
    # step goes too, so that step counts again: Elm is noted as well.
    assert after(f"DELETE FROM opportunities WHERE id = {cedar}") == {cedar, elm}
    assert after(f"DELETE FROM opportunities WHERE id = {elm}") == {elm}
    # A write that touches no opportunity notes none, nor a step's new due time (a
    # re-plan rewrites thousands; the figures never read them).
    assert after(lambda: service.add_contact("Sam")) == set()
    assert after("UPDATE actions SET due_at = datetime(due_at, '+1 day')") == set()


def test_only_the_latest_notes_are_kept_and_a_cache_behind_them_reads_everything(
    database: Database, noted: sqlite3.Connection
) -> None:
    build_search(database)
    ids = _ids(database)
    cedar = ids["Cedar"]
    cache = StatsCache(database.path)
    try:
        cache.stats(database, NOW, UTC)
        # Elm's note is among those dropped by what follows: reading only the
        # opportunities in the notes left would miss its new source.
        noted.execute(f"UPDATE opportunities SET source = 'Career fair' WHERE id = {ids['Elm']}")
        # One statement writing more rows than the notes kept (50,000), all for Cedar.
        noted.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50005) "
            "INSERT INTO stage_changes (opportunity_id, to_stage_id, changed_at, note) "
            f"SELECT {cedar}, (SELECT stage_id FROM opportunities WHERE id = {cedar}), "
            "'2026-11-01 10:00:00', '' FROM n"
        )
        first, last, count = noted.execute(
            "SELECT min(seq), max(seq), count(*) FROM touched_opportunities"
        ).fetchone()
        assert count == 50_000
        assert last - first == count - 1
        # The note just after what the cache saw is gone: it reads everything.
        assert cache.stats(database, NOW, UTC) == fresh(database)
        assert (cache.reads, cache.partial_reads) == (2, 0)
        noted.execute(f"UPDATE opportunities SET source = 'Fair' WHERE id = {cedar}")
        assert cache.stats(database, NOW, UTC) == fresh(database)
        assert (cache.reads, cache.partial_reads) == (3, 1)
    finally:
        cache.close()
