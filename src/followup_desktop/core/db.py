"""Opening the database: checks, backups and migrations, in an order that never loses data.

The order matters. The file is created owner-only before SQLite touches it; SQLite's own
``quick_check`` runs before anything writes; a file from a newer Followup is refused
before a migration could damage it; every migration is preceded by a backup through
SQLite's backup API (a plain file copy misses what is still in the WAL) and runs with
foreign keys off, because SQLite's table rebuilds would otherwise cascade-delete child
rows, then ends with ``PRAGMA foreign_key_check``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from followup_desktop.core.errors import (
    DatabaseDamagedError,
    DatabaseError,
    DatabaseTooNewError,
)
from followup_desktop.core.timeutil import utcnow

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
BACKUPS_KEPT = 10


def _migrations_dir() -> str:
    # An absolute path through importlib.resources works from a wheel and a frozen bundle.
    return str(resources.files("followup_desktop.core") / "migrations")


def alembic_config() -> Config:
    """Alembic configured in code; no ``alembic.ini`` ships."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", _migrations_dir())
    return config


def head_revision() -> str:
    """The newest schema revision this version of Followup knows."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def shipped_head() -> str:
    """The head revision read from the migration file names, without loading Alembic.

    Revisions are numbered ``0001``, ``0002``, ... in a single line (a test checks that
    each file's revision is its number and that this agrees with Alembic), so start-up can
    tell "already up to date" in microseconds and only load Alembic when there is work.
    """
    versions = resources.files("followup_desktop.core") / "migrations" / "versions"
    numbers = [
        entry.name[:4]
        for entry in versions.iterdir()
        if entry.name.endswith(".py") and entry.name[:4].isdigit()
    ]
    return max(numbers)


def describe_sqlite_error(error: BaseException) -> str | None:
    """A plain sentence for an environmental SQLite failure, or None for anything else.

    Environmental problems (full disk, locked, read-only, damaged) are the user's to fix
    and deserve a message, not a traceback; anything else is a bug.
    """
    original = getattr(error, "orig", error)
    text = str(original).lower()
    if "database or disk is full" in text or "no space" in text:
        return "The disk is full. Free some space, then try again; nothing was saved."
    if "locked" in text or "busy" in text:
        return (
            "The database is busy in another program (perhaps a second Followup). "
            "Close it and try again."
        )
    if "readonly" in text or "read-only" in text:
        return (
            "The database file or its folder is read-only. Make it writable "
            "(or choose another file with --db) and try again."
        )
    if "malformed" in text or "not a database" in text or "disk i/o error" in text:
        return (
            "The database file is damaged or unreadable. It has not been changed; "
            "restore it from a backup."
        )
    if "unable to open" in text:
        return "The database file cannot be opened: check that its folder exists and is yours."
    return None


def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Take transactions out of the sqlite3 module's hands so that BEGIN is emitted by us
    # (see _on_begin): with its legacy handling DDL would run outside any transaction and
    # a failed migration could not roll back.
    dbapi_connection.isolation_level = None
    dbapi_connection.execute("PRAGMA foreign_keys=ON")
    dbapi_connection.execute("PRAGMA journal_mode=WAL")
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")
    dbapi_connection.execute("PRAGMA busy_timeout=5000")
    # 16 MB of page cache (the default is 2 MB): re-planning reads every open row.
    dbapi_connection.execute("PRAGMA cache_size=-16000")


def make_engine(path: Path) -> Engine:
    """An engine on ``path`` with foreign keys, WAL and a busy timeout on every connection."""
    # Loaded here, not at the top: the file checks above and the command line's plain
    # reads work without SQLAlchemy, which takes a good part of a second to import.
    from sqlalchemy import create_engine, event

    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 5.0})
    event.listen(engine, "connect", _on_connect)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")

    return engine


def backups_dir(path: Path) -> Path:
    """Where automatic backups of ``path`` go: a folder beside it."""
    return path.with_name(f"{path.stem}-backups")


def list_backups(path: Path) -> list[Path]:
    """Automatic backups of ``path``, newest first."""
    folder = backups_dir(path)
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{path.stem}-*.sqlite3"), reverse=True)


def backup_database(path: Path, reason: str, destination: Path | None = None) -> Path:
    """Copy ``path`` with SQLite's backup API (WAL content included) and return the copy."""
    if destination is None:
        folder = backups_dir(path)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        stamp = utcnow().strftime("%Y%m%dT%H%M%S%fZ")
        destination = folder / f"{path.stem}-{stamp}-{reason}.sqlite3"
    _create_private_file(destination)
    with (
        contextlib.closing(sqlite3.connect(path)) as source,
        contextlib.closing(sqlite3.connect(destination)) as target,
    ):
        source.backup(target)
    _prune_backups(path)
    log.info("backed up %s to %s", path, destination)
    return destination


def _prune_backups(path: Path) -> None:
    for old in list_backups(path)[BACKUPS_KEPT:]:
        with contextlib.suppress(OSError):
            old.unlink()


def _create_private_file(path: Path) -> None:
    """Create ``path`` empty and owner-only unless it exists; never truncate."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)


def _check_header(path: Path) -> None:
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header and header != SQLITE_HEADER:
        raise DatabaseError(
            f"{path} is not a Followup database (it is not an SQLite file). "
            "It has not been changed; choose another file with --db.",
            path,
        )


def quick_check(path: Path) -> str | None:
    """None when SQLite finds the file sound, else what it found."""
    try:
        with contextlib.closing(sqlite3.connect(path)) as connection:
            rows = connection.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as error:
        # A damaged page makes the check itself raise instead of returning rows.
        return str(error)
    findings = [str(row[0]) for row in rows]
    return None if findings == ["ok"] else "; ".join(findings[:5])


def _stored_revision(path: Path) -> str | None:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        table = connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        ).fetchone()
        if table is None:
            return None
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        return None if row is None else str(row[0])


def _has_tables(path: Path) -> bool:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        count: int = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        return count > 0


@dataclass
class Database:
    """An open, checked, up-to-date database file."""

    path: Path
    engine: Engine
    sessions: sessionmaker[Session]

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on any error."""
        with self.sessions.begin() as session:
            yield session

    def backup(self, reason: str = "manual", destination: Path | None = None) -> Path:
        """A consistent copy of the database, even while it is in use."""
        return backup_database(self.path, reason, destination)

    def close(self) -> None:
        """Refresh the planner's statistics and release every connection.

        SQLite recommends ``PRAGMA optimize`` before closing: it re-analyzes only tables
        whose statistics went stale, so the covering indexes stay chosen as data grows.
        The WAL is checkpointed by SQLite when the last connection closes.
        """
        from sqlalchemy.exc import DBAPIError

        try:
            with self.engine.connect() as connection:
                connection.connection.driver_connection.execute("PRAGMA optimize")  # type: ignore[union-attr]
        except (DBAPIError, sqlite3.Error) as error:  # locked or read-only: still close
            log.info("PRAGMA optimize skipped: %s", error)
        self.engine.dispose()


def open_database(path: Path, *, migrate: bool = True) -> Database:
    """Open ``path``, creating, checking, backing up and migrating it as needed.

    Raises :class:`DatabaseError` (or a subclass) with a message for the user; the file
    is left as it was whenever an error is raised before migrating.
    """
    path = path.expanduser().absolute()
    try:
        _create_private_file(path)
    except OSError as error:
        raise DatabaseError(
            f"Cannot create the database {path}: {error.strerror}. "
            "Check the folder's permissions or choose another file with --db.",
            path,
        ) from error
    if path.is_dir():
        raise DatabaseError(f"{path} is a folder; give the path of a file.", path)
    _check_header(path)

    problem = quick_check(path)
    if problem is not None:
        backups = list_backups(path)
        raise DatabaseDamagedError(
            f"The database {path} is damaged ({problem}). It has not been changed.",
            path,
            backups[0] if backups else None,
        )

    stored = _stored_revision(path)
    if stored == shipped_head():
        return _ready(path)

    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    known = {revision.revision for revision in script.walk_revisions()}
    if stored is not None and stored not in known:
        raise DatabaseTooNewError(
            f"The database {path} was written by a newer version of Followup "
            f"(schema {stored}). It has not been changed; install the newer version "
            "to open it.",
            path,
        )
    if stored is None and _has_tables(path):
        raise DatabaseError(
            f"{path} is an SQLite file but not a Followup database. It has not been "
            "changed; choose another file with --db.",
            path,
        )

    if migrate:
        if stored is not None:
            backup_database(path, f"before-{script.get_current_head()}")
        engine = make_engine(path)
        try:
            _migrate(engine, "head")
        finally:
            engine.dispose()
    return _ready(path)


def _ready(path: Path) -> Database:
    from sqlalchemy.orm import sessionmaker

    engine = make_engine(path)
    return Database(path, engine, sessionmaker(engine, expire_on_commit=False))


def _migrate(engine: Engine, target: str) -> None:
    from alembic import command

    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        assert raw is not None
        # A no-op inside a transaction, so it must come before BEGIN (SQLite's 12-step ALTER).
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                config = alembic_config()
                config.attributes["connection"] = connection
                command.upgrade(config, target)
                problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if problems:
                    raise DatabaseError(
                        "A migration left broken references "
                        f"({len(problems)} rows, first in table {problems[0][0]}); "
                        "it was rolled back and the database is unchanged."
                    )
        finally:
            raw.execute("PRAGMA foreign_keys=ON")


def migrate_to(path: Path, revision: str) -> None:
    """Bring ``path`` to ``revision`` exactly (tests use it to build old databases)."""
    _create_private_file(path)
    engine = make_engine(path)
    try:
        _migrate(engine, revision)
    finally:
        engine.dispose()


def current_revision(engine: Engine) -> str | None:
    """The schema revision stored in the database behind ``engine``."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def restore_backup(path: Path, backup: Path) -> Path:
    """Replace ``path`` with ``backup``, keeping the damaged file aside; returns its new name."""
    if quick_check(backup) is not None:
        raise DatabaseError(f"The backup {backup} is damaged too; choose another.", backup)
    stamp = datetime.now().astimezone().strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        current = Path(f"{path}{suffix}")
        if current.exists():
            current.rename(Path(f"{aside}{suffix}"))
    _create_private_file(path)
    with (
        contextlib.closing(sqlite3.connect(backup)) as source,
        contextlib.closing(sqlite3.connect(path)) as target,
    ):
        source.backup(target)
    return aside


def file_mode(path: Path) -> int:
    """Permission bits of ``path`` (for checks and tests)."""
    return stat.S_IMODE(path.stat().st_mode)


__all__ = [
    "Database",
    "backup_database",
    "describe_sqlite_error",
    "head_revision",
    "list_backups",
    "open_database",
    "quick_check",
    "restore_backup",
]
