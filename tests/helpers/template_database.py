"""A migrated database made once per test session and copied into every new one.

Running every Alembic migration costs a fifth of a second or more per database, and most
tests make one. The template is built the real way, by the migrations, the first time a
test needs a new database; after that, a new database gets the template's pages through
SQLite's backup API in place of the migrations. Everything around that step stays as it
is in the app: the private temporary file, the checks, the link into place.

Tests about the migrations themselves ask for them with ``@pytest.mark.real_migrations``.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

Migrate = Callable[["Engine", str], None]


class TemplateDatabase:
    """The session's migrated database, built on first use by the real migrations."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._path: Path | None = None

    def path(self, migrate: Migrate) -> Path:
        """The template's file; ``migrate`` is the real migration step that builds it."""
        if self._path is None:
            from followup_desktop.core.db import make_engine

            path = self.folder / "template.sqlite3"
            path.touch(mode=0o600)
            engine = make_engine(path)
            try:
                migrate(engine, "head")
            finally:
                engine.dispose()
            with contextlib.closing(sqlite3.connect(path)) as connection:
                # Everything in the main file, so a copy needs nothing beside it.
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._path = path
        return self._path

    def copy_to(self, target: Path, migrate: Migrate) -> Path:
        """A new migrated database file at ``target`` (for apps started as processes)."""
        with (
            contextlib.closing(sqlite3.connect(self.path(migrate))) as source,
            contextlib.closing(sqlite3.connect(target)) as copy,
        ):
            source.backup(copy)
        target.chmod(0o600)
        return target

    def migrate_step(self, real: Migrate) -> Migrate:
        """A stand-in for ``core.db._migrate``: an empty database to head gets the copy."""

        def migrate(engine: Engine, target: str) -> None:
            if target != "head":
                real(engine, target)
                return
            with engine.connect() as connection:
                raw = connection.connection.driver_connection
                assert isinstance(raw, sqlite3.Connection)
                empty = raw.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)
                if empty:
                    with contextlib.closing(sqlite3.connect(self.path(real))) as source:
                        source.backup(raw)
            if not empty:
                real(engine, target)

        return migrate
