"""The database file: creation, pragmas, migrations, refusals, damage and backups."""

from __future__ import annotations

import hashlib
import sqlite3
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text

from followup_desktop.core.db import (
    Database,
    backup_database,
    file_mode,
    head_revision,
    list_backups,
    migrate_to,
    open_database,
    restore_backup,
)
from followup_desktop.core.errors import DatabaseError, DatabaseTooNewError
from followup_desktop.core.models import (
    DEFAULT_STAGES,
    Action,
    Contact,
    Interview,
    Opportunity,
    Stage,
)
from followup_desktop.core.storage_errors import StorageDamaged


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.real_migrations
def test_new_database_is_private_migrated_and_seeded(db_path: Path) -> None:
    db = open_database(db_path)
    try:
        assert file_mode(db_path) == 0o600
        with db.session() as session:
            names = [
                stage.name for stage in session.scalars(select(Stage).order_by(Stage.position))
            ]
            assert names == [name for name, _ in DEFAULT_STAGES]
            revision = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
            assert revision == head_revision()
    finally:
        db.close()


def test_every_connection_has_wal_foreign_keys_and_busy_timeout(database: Database) -> None:
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_naive_datetimes_are_refused(database: Database) -> None:
    naive = datetime(2026, 1, 1)  # noqa: DTZ001 - the point of the test
    with database.session() as session:
        session.add(Opportunity(company="A", role="B", stage_id=1, created_at=naive))
        with pytest.raises(Exception, match="naive datetime"):
            session.flush()
        session.rollback()
    with database.session() as session:
        assert session.scalar(select(Opportunity.id)) is None


def test_aware_times_keep_their_instant(database: Database) -> None:
    berlin = datetime(2026, 3, 29, 9, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    with database.session() as session:
        session.add(Opportunity(company="A", role="B", stage_id=1, created_at=berlin))
    with database.session() as session:
        stored = session.scalars(select(Opportunity)).one().created_at
    assert stored == berlin
    assert stored.tzinfo is UTC
    assert stored.hour == 7  # 09:30 in Berlin (CEST) is 07:30 UTC


#: The tables revision 0001's data fills, parents first: a migration keeps every row.
REV1_CHILD_TABLES = [
    "opportunities",
    "interviews",
    "interview_participants",
    "actions",
    "correspondence",
    "stage_changes",
    "contacts",
]


def _insert_rev1_data(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA foreign_keys=ON")
    connection.executescript(
        """
        INSERT INTO contacts (id, name, title, email, phone, linkedin, notes)
            VALUES (1, 'Dana Levi', 'CTO', 'dana@example.com', '', '', '');
        INSERT INTO opportunities (id, company, role, link, location, salary_min, salary_max,
            salary_currency, source, referrer_id, stage_id, archived, notes,
            playbook_overrides, created_at, updated_at)
            VALUES (1, 'Acme', 'Analyst', '', '', 90000, 60000, 'EUR', '', 1, 4, 0, 'n',
                    '{}', '2026-01-01 00:00:00', '2026-01-01 00:00:00');
        INSERT INTO interviews (id, opportunity_id, round, kind, starts_at, ends_at, timezone,
            location, next_steps, notes)
            VALUES (1, 1, 1, 'video', '2026-01-05 09:00:00', '2026-01-05 10:00:00',
                    'Europe/Berlin', '', '', '');
        INSERT INTO interview_participants (interview_id, contact_id, position, mention)
            VALUES (1, 1, 0, 'the data platform');
        INSERT INTO actions (id, opportunity_id, interview_id, contact_id, kind, plan_key,
            due_at, recipient, reason, state, origin, due_edited, created_at)
            VALUES (1, 1, 1, 1, 'thank_you', 'k', '2026-01-06 09:00:00', 'Dana', '', 'open',
                    'generated', 0, '2026-01-05 10:00:00');
        INSERT INTO correspondence (id, opportunity_id, direction, channel, occurred_at,
            subject, body) VALUES (1, 1, 'sent', 'email', '2026-01-05 12:00:00', 'Thanks', '');
        INSERT INTO stage_changes (opportunity_id, to_stage_id, changed_at, note)
            VALUES (1, 4, '2026-01-01 00:00:00', '');
        """
    )
    connection.commit()
    connection.close()


def test_migration_from_first_revision_keeps_every_child_row(db_path: Path) -> None:
    migrate_to(db_path, "0001")
    _insert_rev1_data(db_path)
    tables = REV1_CHILD_TABLES
    with sqlite3.connect(db_path) as before:
        counts = {t: before.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}

    db = open_database(db_path)
    try:
        with sqlite3.connect(db_path) as after:
            for table in tables:
                assert after.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == counts[table]
            # A range typed the wrong way round is mended, not dropped.
            assert after.execute("SELECT salary_min, salary_max FROM opportunities").fetchone() == (
                60000,
                90000,
            )
            assert after.execute("PRAGMA foreign_key_check").fetchall() == []
            with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
                after.execute("UPDATE opportunities SET salary_min = 100000")
        backups = list_backups(db_path)
        assert len(backups) == 1
        assert f"before-{head_revision()}" in backups[0].name
        with sqlite3.connect(backups[0]) as copy:
            assert copy.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
            assert copy.execute("SELECT count(*) FROM interviews").fetchone() == (1,)
        with db.session() as session:
            assert session.scalars(select(Interview)).one().starts_at.tzinfo is UTC
    finally:
        db.close()


def test_database_from_a_newer_version_is_refused_untouched(db_path: Path) -> None:
    open_database(db_path).close()
    with sqlite3.connect(db_path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
    connection.close()
    before = digest(db_path)
    with pytest.raises(DatabaseTooNewError, match="newer version of Followup"):
        open_database(db_path)
    assert digest(db_path) == before
    assert list_backups(db_path) == []


def test_a_file_that_is_not_sqlite_is_refused_untouched(db_path: Path) -> None:
    db_path.write_text("my notes, not a database\n")
    with pytest.raises(DatabaseError, match="not a Followup database"):
        open_database(db_path)
    assert db_path.read_text() == "my notes, not a database\n"


def test_another_programs_sqlite_file_is_refused_untouched(db_path: Path) -> None:
    with sqlite3.connect(db_path) as connection:
        connection.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY)")
    connection.close()
    before = digest(db_path)
    with pytest.raises(DatabaseError, match="not a Followup database"):
        open_database(db_path)
    assert digest(db_path) == before


def _damage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    page = 4096
    # Scribble over the b-tree pages after the schema page; the header stays valid.
    for offset in range(page * 2, min(len(data), page * 6)):
        data[offset] = 0x5A
    path.write_bytes(bytes(data))


def _filled(path: Path, rows: int = 300) -> None:
    db = open_database(path)
    with db.session() as session:
        for index in range(rows):
            session.add(Opportunity(company=f"Company {index}", role="Role " * 20, stage_id=2))
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def test_damaged_file_is_reported_never_overwritten_and_can_be_restored(db_path: Path) -> None:
    _filled(db_path)
    backup = backup_database(db_path, "manual")
    _damage(db_path)
    before = digest(db_path)
    with pytest.raises(StorageDamaged) as caught:
        open_database(db_path)
    assert "damaged" in str(caught.value)
    assert caught.value.backup == backup
    assert digest(db_path) == before

    aside = restore_backup(db_path, backup)
    assert aside is not None
    assert digest(aside) == before  # the damaged file is kept, not deleted
    db = open_database(db_path)
    try:
        with db.session() as session:
            assert len(session.scalars(select(Opportunity)).all()) == 300
    finally:
        db.close()


def test_backup_while_open_includes_what_is_still_in_the_wal(database: Database) -> None:
    with database.session() as session:
        session.add(Opportunity(company="Only in WAL", role="R", stage_id=2))
    copy = database.backup("manual")
    assert file_mode(copy) == 0o600
    with sqlite3.connect(copy) as connection:
        assert connection.execute("SELECT company FROM opportunities").fetchall() == [
            ("Only in WAL",)
        ]
    connection.close()


def test_cascade_rules(database: Database) -> None:
    start = datetime(2026, 5, 4, 9, tzinfo=UTC)
    with database.session() as session:
        referrer = Contact(name="Ref")
        interviewer = Contact(name="Int")
        session.add_all([referrer, interviewer])
        session.flush()
        opportunity = Opportunity(company="A", role="B", stage_id=4, referrer_id=referrer.id)
        session.add(opportunity)
        session.flush()
        interview = Interview(
            opportunity_id=opportunity.id, starts_at=start, ends_at=start + timedelta(hours=1)
        )
        session.add(interview)
        session.flush()
        session.add(
            Action(
                opportunity_id=opportunity.id,
                interview_id=interview.id,
                kind="x",
                due_at=start,
                contact_id=interviewer.id,
            )
        )
        opportunity_id, referrer_id, interviewer_id = opportunity.id, referrer.id, interviewer.id

    with database.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM contacts WHERE id = ?", (referrer_id,))
        connection.exec_driver_sql("DELETE FROM contacts WHERE id = ?", (interviewer_id,))
        row = connection.exec_driver_sql(
            "SELECT referrer_id FROM opportunities WHERE id = ?", (opportunity_id,)
        ).one()
        assert row[0] is None  # SET NULL: losing a contact never loses the opportunity
        assert connection.exec_driver_sql("SELECT contact_id FROM actions").scalar() is None
        with pytest.raises(Exception, match="FOREIGN KEY"):
            connection.exec_driver_sql("DELETE FROM stages WHERE id = 4")  # RESTRICT
    with database.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM opportunities WHERE id = ?", (opportunity_id,))
        for table in ("interviews", "actions", "stage_changes"):
            assert connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar() == 0


def test_unusable_location_gives_a_plain_message(tmp_path: Path) -> None:
    # A file where a folder should be fails for every user, root included.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(DatabaseError, match="Cannot create the database"):
        open_database(blocker / "sub" / "f.sqlite3")
    assert blocker.read_text() == "x"


def test_a_folder_given_as_database_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError):
        open_database(tmp_path)


def test_migration_files_form_one_numbered_line() -> None:
    from importlib import resources

    from alembic.script import ScriptDirectory

    from followup_desktop.core.db import alembic_config, shipped_head

    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1
    for revision in script.walk_revisions():
        assert revision.path is not None
        assert Path(revision.path).name.startswith(f"{revision.revision}_")
    assert shipped_head() == head_revision()
    versions = resources.files("followup_desktop.core") / "migrations" / "versions"
    assert shipped_head() in {entry.name[:4] for entry in versions.iterdir()}


@pytest.mark.real_migrations
def test_migrations_build_exactly_the_models_schema(database: Database) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from followup_desktop.core.models import Base

    with database.engine.connect() as connection, warnings.catch_warnings():
        # SQLAlchemy cannot reflect expression indexes; that one is checked by name below.
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression")
        warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression")
        # The touches the statistics read (migration 0007) are kept by triggers, never by
        # the models; tests/unit/core/test_stats_touches.py checks that table.
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_name": lambda name, kind, _parent: (
                    kind != "table" or name != "touched_opportunities"
                ),
            },
        )
        differences = compare_metadata(context, Base.metadata)
        names = {row[1] for row in connection.exec_driver_sql("PRAGMA index_list(actions)").all()}
    assert differences == []
    assert "ix_actions_effective_due" in names


def test_durable_sessions_flush_to_disk_and_others_stay_normal(database: Database) -> None:
    from sqlalchemy import event

    seen: list[int] = []

    def record(connection: object, _cursor: object, statement: str, *_rest: object) -> None:
        if statement.startswith("INSERT"):
            seen.append(database_synchronous(connection))

    def database_synchronous(connection: object) -> int:
        raw = connection.connection.driver_connection  # type: ignore[attr-defined]
        return int(raw.execute("PRAGMA synchronous").fetchone()[0])

    event.listen(database.engine, "before_cursor_execute", record)
    with database.session(durable=True) as session:
        session.add(Opportunity(company="Durable", role="R", stage_id=2))
    with database.session() as session:
        session.add(Opportunity(company="Normal", role="R", stage_id=2))
    event.remove(database.engine, "before_cursor_execute", record)
    assert seen == [2, 1]  # FULL for the one, NORMAL for the other (and after)
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1


def test_without_hard_links_a_new_database_and_a_restore_still_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # FAT and exFAT have no hard links (no such file system can be mounted here): link()
    # fails as it does there, and the rename path must keep every promise.
    import errno
    import os

    def no_links(_source: object, _target: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    path = tmp_path / "stick" / "followup.sqlite3"
    db = open_database(path)
    db.close()
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".")] == []
    backup = backup_database(path, "manual")
    aside = restore_backup(path, backup, force=True)
    assert aside is not None and aside.exists()
    reopened = open_database(path)
    reopened.close()


def test_the_plain_read_knows_every_table_of_the_models() -> None:
    from followup_desktop.core.db import EXPECTED_TABLES
    from followup_desktop.core.models import Base

    assert sorted(EXPECTED_TABLES) == sorted(Base.metadata.tables)
