"""Storage errors are named as ours where a session or a raw read ends, whoever opened it."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from fault_helpers import undecodable_text
from followup_desktop.core.db import Database, open_database
from followup_desktop.core.playbook.rawsql import driver_connection
from followup_desktop.core.services import FollowupService
from followup_desktop.core.storage_errors import StorageDamaged

SQL = "SELECT company FROM opportunities ORDER BY id"


def _read_all(cursor: Any, read: str) -> None:
    if read == "fetchall":
        cursor.fetchall()
    elif read == "iterate":
        list(cursor)
    else:
        while cursor.fetchone() is not None:
            pass


def _read_inside_database_session(db: Database) -> None:
    with db.session() as session:
        raw = session.connection().connection.driver_connection
        assert raw is not None
        raw.execute(SQL).fetchall()


@pytest.mark.parametrize("read", ["fetchall", "iterate", "fetchone"])
def test_a_raw_read_in_any_session_names_damage(tmp_path: Path, read: str) -> None:
    path = tmp_path / "followup.sqlite3"
    undecodable_text(path)
    db = open_database(path)
    try:
        # A session the caller made itself, not Database.session: the read still says so.
        session = db.sessions()
        try:
            cursor = driver_connection(session).execute(SQL)
            with pytest.raises(StorageDamaged, match="damaged") as caught:
                _read_all(cursor, read)
            assert isinstance(caught.value.__cause__, sqlite3.OperationalError)
        finally:
            session.close()
    finally:
        db.close()


def test_a_raw_driver_call_inside_database_session_names_damage(tmp_path: Path) -> None:
    path = tmp_path / "followup.sqlite3"
    undecodable_text(path)
    db = open_database(path)
    try:
        with pytest.raises(StorageDamaged):
            _read_inside_database_session(db)
    finally:
        db.close()


def test_a_session_without_commit_leaves_nothing_and_may_roll_back_midway(
    database: Database,
) -> None:
    service = FollowupService(database)
    service.create_opportunity("Kept", "Role")
    with database.session(commit=False) as session:
        session.connection().exec_driver_sql("DELETE FROM opportunities")
        session.rollback()  # and go on, in a new transaction
        session.connection().exec_driver_sql("UPDATE opportunities SET company = 'Changed'")
        count = session.connection().exec_driver_sql("SELECT count(*) FROM opportunities")
        assert count.scalar() == 1
    with database.session() as session:
        names = session.connection().exec_driver_sql("SELECT company FROM opportunities")
        assert [row[0] for row in names] == ["Kept"]
