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
import errno
import logging
import os
import sqlite3
import stat
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from followup_desktop.core.dblock import DatabaseLock
from followup_desktop.core.errors import DatabaseError, DatabaseTooNewError, FollowupError
from followup_desktop.core.files import fsync_file as _fsync
from followup_desktop.core.files import fsync_folder as _fsync_folder
from followup_desktop.core.gil_share import TakeTurns
from followup_desktop.core.i18n import N_, _
from followup_desktop.core.storage_errors import (
    StorageDamaged,
    StorageError,
    StorageIOError,
    StorageReadOnly,
    check_free_space,
    classify,
    translated,
)
from followup_desktop.core.timeutil import utcnow

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
BACKUPS_KEPT = 10
BUSY_TIMEOUT_MS = 5000


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
    """A plain sentence for an environmental storage failure, or None for anything else.

    Environmental problems (full disk, locked, read-only, damaged) are the user's to fix
    and deserve a message, not a traceback; anything else is a bug. The verdict comes
    from SQLite's result code or the errno (see :mod:`.storage_errors`), never from text.
    """
    found = classify(error)
    return None if found is None else str(found)


def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Take transactions out of the sqlite3 module's hands so that BEGIN is emitted by us
    # (see _on_begin): with its legacy handling DDL would run outside any transaction and
    # a failed migration could not roll back.
    dbapi_connection.isolation_level = None
    dbapi_connection.execute("PRAGMA foreign_keys=ON")
    dbapi_connection.execute("PRAGMA journal_mode=WAL")
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")
    dbapi_connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    # 16 MB of page cache (the default is 2 MB): re-planning reads every open row.
    dbapi_connection.execute("PRAGMA cache_size=-16000")


def make_engine(path: Path) -> Engine:
    """An engine on ``path`` with foreign keys, WAL and a busy timeout on every connection.

    Failures that come from the environment leave the engine as our storage errors
    (``handle_error``), so no caller ever has to know SQLAlchemy's exception classes.
    """
    # Loaded here, not at the top: the file checks above and the command line's plain
    # reads work without SQLAlchemy, which takes a good part of a second to import.
    from sqlalchemy import create_engine, event

    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 5.0})
    event.listen(engine, "connect", _on_connect)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")

    @event.listens_for(engine, "handle_error")
    def _name_storage_errors(context: Any) -> BaseException | None:
        return classify(context.original_exception, path)

    # A worker's long run of statements would keep the GUI thread from the GIL.
    turns = TakeTurns()

    @event.listens_for(engine, "before_cursor_execute")
    def _take_turns(*_args: Any) -> None:
        turns.before_statement()

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


def database_bytes(path: Path) -> int:
    """The size of the database's content, WAL included (what a copy of it needs)."""
    total = 0
    for suffix in ("", "-wal"):
        with contextlib.suppress(OSError):
            total += Path(f"{path}{suffix}").stat().st_size
    return total


def _reraise(error: BaseException, path: Path) -> NoReturn:
    """Raise our class for an environmental failure, else ``error`` as it was."""
    found = classify(error, path)
    if found is None or found is error:
        raise error
    raise found from error


def _cannot_create(error: BaseException, path: Path) -> NoReturn:
    """Raise our storage error, or a plain "cannot create" for another OS refusal."""
    found = classify(error, path)
    if found is error:
        raise error
    if found is not None:
        raise found from error
    if isinstance(error, OSError):
        raise DatabaseError(
            _(
                "Cannot create the database {path}: {reason}. Check the folder's permissions "
                "or choose another file with --db."
            ).format(path=path, reason=error.strerror),
            path,
        ) from error
    raise error


def _remove_quietly(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            Path(f"{path}{suffix}").unlink()


def _copy_sqlite(source: Path, target: Path) -> None:
    """Copy ``source`` into the new file ``target`` with SQLite's backup API, then fsync.

    The copy is made into a file that did not exist, and removed again on any failure,
    so a full disk never leaves an empty or half-written file behind.
    """
    _create_private_file(target)
    try:
        with (
            contextlib.closing(sqlite3.connect(source)) as reader,
            contextlib.closing(sqlite3.connect(target)) as writer,
        ):
            reader.backup(writer)
        _fsync(target)
    except BaseException as error:
        _remove_quietly(target)
        _reraise(error, target)


# link() fails with these where the file system has no hard links (FAT, exFAT, some shares).
_NO_HARD_LINKS = frozenset({errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV})


def _link_or_rename(source: Path, target: Path) -> None:
    """Give ``source`` the name ``target`` without ever replacing a file at ``target``.

    A hard link refuses an existing target atomically; without hard links, a rename
    after checking that nothing is there is the best the file system allows.
    """
    try:
        os.link(source, target)
    except OSError as error:
        if error.errno not in _NO_HARD_LINKS:
            raise
        if target.exists():
            raise FileExistsError(errno.EEXIST, "File exists", str(target)) from error
        source.rename(target)
    else:
        source.unlink()


def backup_database(path: Path, reason: str, destination: Path | None = None) -> Path:
    """Copy ``path`` with SQLite's backup API (WAL content included) and return the copy.

    The source is checked in full first: a damaged file is refused (a copy of it would
    push a good backup out of the ten kept), and there must be room for the copy.
    """
    if destination is None:
        folder = backups_dir(path)
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as error:
            _reraise(error, folder)
        stamp = utcnow().strftime("%Y%m%dT%H%M%S%fZ")
        destination = folder / f"{path.stem}-{stamp}-{reason}.sqlite3"
    if destination.exists():
        raise DatabaseError(
            _("{path} exists; choose a new file name.").format(path=destination), destination
        )
    check_free_space(destination, database_bytes(path) + 64 * 1024, N_("the backup"))
    problem = integrity_check(path)
    if problem is not None:
        raise StorageDamaged(
            _(
                "The database {path} is damaged ({problem}); no backup was made, so the "
                "existing backups stay as they are. Export what can be read, or restore a "
                "backup."
            ).format(path=path, problem=problem),
            path,
            _newest_backup(path),
        )
    _copy_sqlite(path, destination)
    _prune_backups(path)
    log.info("backed up %s to %s", path, destination)
    return destination


def _newest_backup(path: Path) -> Path | None:
    backups = list_backups(path)
    return backups[0] if backups else None


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
            _(
                "{path} is not a Followup database (it is not an SQLite file). It has not "
                "been changed; choose another file with --db."
            ).format(path=path),
            path,
        )


def _check(path: Path, pragma: str, *, immutable: bool = False) -> str | None:
    """Run ``quick_check`` or ``integrity_check``: None when sound, else the findings.

    A damaged page makes the check itself raise SQLITE_CORRUPT instead of returning rows;
    that is a finding. Any other failure (no space, no permission, a lock) says nothing
    about the file and is raised as the storage error it is.
    """
    # A file no one else writes (a backup, our own copy) is read as immutable: no lock
    # and no shared-memory file, which a full disk would refuse to create.
    target = f"file:{path}?immutable=1" if immutable else str(path)
    try:
        with contextlib.closing(sqlite3.connect(target, uri=immutable)) as connection:
            # The check sorts index keys; in memory it needs no temp file on a full disk.
            connection.execute("PRAGMA temp_store=MEMORY")
            rows = connection.execute(f"PRAGMA {pragma}").fetchall()
    except sqlite3.Error as error:
        found = classify(error, path)
        if isinstance(found, StorageDamaged):
            return f"{error} [{getattr(error, 'sqlite_errorname', 'SQLITE_CORRUPT')}]"
        if found is None:
            raise
        raise found from error
    findings = [str(row[0]) for row in rows]
    return None if findings == ["ok"] else "; ".join(findings[:5])


def quick_check(path: Path) -> str | None:
    """SQLite's fast check (page structure, not index contents): None when sound."""
    return _check(path, "quick_check")


def integrity_check(path: Path, *, immutable: bool = False) -> str | None:
    """SQLite's full check, index contents included: None when sound.

    ``immutable`` for a file nothing writes to (a backup): read without locks.
    """
    return _check(path, "integrity_check", immutable=immutable)


#: The tables of the current schema (a test keeps this equal to the models' tables), so
#: the plain read at start-up can look for them without loading SQLAlchemy.
EXPECTED_TABLES = (
    "actions",
    "contacts",
    "correspondence",
    "debrief_drafts",
    "debriefs",
    "interview_participants",
    "interviews",
    "opportunities",
    "opportunity_contacts",
    "reminder_deliveries",
    "settings",
    "stage_changes",
    "stages",
    "stumbled_questions",
)


def missing_tables(connection: sqlite3.Connection) -> list[str]:
    """Tables of the current schema that the database behind ``connection`` lacks."""
    present = {
        str(row[0])
        for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
    }
    return [name for name in EXPECTED_TABLES if name not in present]


def schema_problems(path: Path) -> list[str]:
    """Tables or columns the models expect and the file lacks (at the current revision).

    A file at the newest revision must have every table and column; one that lacks any
    was changed behind Followup's back, and would fail later in an unrelated place.
    """
    from followup_desktop.core.models import Base

    problems = []
    with contextlib.closing(sqlite3.connect(path)) as connection:
        present = {
            str(row[0])
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        for name, table in Base.metadata.tables.items():
            if name not in present:
                problems.append(f"the table {name} is missing")
                continue
            columns = {str(row[1]) for row in connection.execute(f'PRAGMA table_info("{name}")')}
            missing = sorted(column.name for column in table.columns if column.name not in columns)
            if missing:
                problems.append(f"the table {name} lacks {', '.join(missing)}")
    return problems


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


class IntegrityGate:
    """Writes wait until the full check has passed once in this process.

    ``quick_check`` at start-up misses damage inside indexes; the full
    ``integrity_check`` finds it but takes longer, so the window runs it in the
    background (:meth:`run`) and the first write waits for it, or runs it itself when
    nobody has (the command line). A failed check stops every later write with
    :class:`StorageDamaged`, so nothing is written on top of damage.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._done = threading.Event()
        self.problem: str | None = None

    @property
    def passed(self) -> bool:
        """True once the check ran and found nothing."""
        return self._done.is_set() and self.problem is None

    def run(self) -> str | None:
        """Run the check unless it has run; the finding, or None when sound."""
        with self._lock:
            if not self._done.is_set():
                self.problem = integrity_check(self.path)
                self._done.set()
                if self.problem is not None:
                    log.error("integrity check of %s: %s", self.path, self.problem)
            return self.problem

    def wait(self) -> None:
        """Block until the check has passed; raise :class:`StorageDamaged` if it failed."""
        if self.passed:
            return
        problem = self.run()
        if problem is not None:
            raise StorageDamaged(
                _(
                    "The database {path} is damaged ({problem}). Nothing more is written to "
                    "it. Export what can be read, then restore a backup."
                ).format(path=self.path, problem=problem),
                self.path,
                _newest_backup(self.path),
            )


def _run(session: Session, commit: bool) -> Iterator[Session]:
    """Hand ``session`` to the block, then commit (or roll back); roll back on an error."""
    try:
        yield session
    except BaseException:
        session.rollback()
        raise
    if commit:
        session.commit()
    else:
        session.rollback()


@dataclass
class Database:
    """An open, checked, up-to-date database file."""

    path: Path
    engine: Engine
    sessions: sessionmaker[Session]
    gate: IntegrityGate
    lock: DatabaseLock | None = None

    @contextlib.contextmanager
    def session(
        self, *, wait_ms: int | None = None, durable: bool = False, commit: bool = True
    ) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on any error.

        ``wait_ms`` shortens how long a write waits for another program's lock (5 s
        otherwise): the autosave would rather fail fast, say so and retry than freeze
        the window. ``durable`` commits with ``synchronous=FULL`` (the WAL is flushed to
        the disk before the commit returns, about 7 ms here) instead of ``NORMAL``, for
        what cannot be typed again. ``commit=False`` rolls back even on success (a look
        at another moment that must leave nothing behind). The block may roll back and
        carry on in a new transaction. Every failure about the file (SQLAlchemy's, or a
        raw driver call's) comes out here as one of :mod:`.storage_errors`, so no
        caller sees an SQLAlchemy or sqlite3 error for a full, locked or damaged file.
        """
        with translated(self.path):
            if wait_ms is None and not durable:
                with self.sessions() as session:
                    yield from _run(session, commit)
                return
            with self.engine.connect() as connection:
                raw = connection.connection.driver_connection
                assert raw is not None
                # Both are per connection and must be set outside a transaction.
                raw.execute(f"PRAGMA busy_timeout={int(wait_ms or BUSY_TIMEOUT_MS)}")
                if durable:
                    raw.execute("PRAGMA synchronous=FULL")
                try:
                    with self.sessions(bind=connection) as session:
                        yield from _run(session, commit)
                finally:
                    raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
                    raw.execute("PRAGMA synchronous=NORMAL")

    def backup(self, reason: str = "manual", destination: Path | None = None) -> Path:
        """A consistent copy of the database, even while it is in use."""
        return backup_database(self.path, reason, destination)

    def verify(self) -> str | None:
        """The full integrity check (once per process); the finding, or None when sound."""
        return self.gate.run()

    def close(self) -> None:
        """Refresh the planner's statistics, release every connection and the lock.

        SQLite recommends ``PRAGMA optimize`` before closing: it re-analyzes only tables
        whose statistics went stale, so the covering indexes stay chosen as data grows.
        The WAL is checkpointed by SQLite when the last connection closes.
        """
        from sqlalchemy.exc import DBAPIError

        try:
            with self.engine.connect() as connection:
                connection.connection.driver_connection.execute("PRAGMA optimize")  # type: ignore[union-attr]
        except (DBAPIError, sqlite3.Error, StorageError) as error:  # locked or read-only
            log.info("PRAGMA optimize skipped: %s", error)
        self.engine.dispose()
        if self.lock is not None:
            self.lock.release()


def _refuse_special_file(path: Path) -> None:
    """A device, a pipe or a socket is never a database, nor ever replaced by one.

    Such a path reads as empty, which would otherwise pass for a new database to build
    in its place: run as root, ``--db /dev/null`` would swap the system's device out.
    """
    if path.exists() and not path.is_file():
        raise DatabaseError(
            _(
                "{path} is not a regular file (a device, a pipe or a socket), so Followup "
                "neither opens nor replaces it. Give the path of a database file with --db."
            ).format(path=path),
            path,
        )


def _create_new(path: Path) -> None:
    """Build a new database beside ``path`` and move it into place only when complete.

    Building at a temporary name means a failure (a full disk, most often) leaves no
    empty or half-built file at ``path``. ``os.link`` refuses to overwrite, so a file that
    appeared meanwhile is never replaced; an existing empty file is (it holds nothing).
    """
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.new-", dir=path.parent)
    except OSError as error:
        _cannot_create(error, path)
    os.close(fd)
    temporary = Path(name)
    try:
        temporary.chmod(0o600)
        engine = make_engine(temporary)
        try:
            _migrate(engine, "head")
        finally:
            engine.dispose()
        _fsync(temporary)
        if path.is_file() and path.stat().st_size == 0:
            temporary.replace(path)
        else:
            _link_or_rename(temporary, path)
        _fsync_folder(path.parent)
    except BaseException as error:
        _remove_quietly(temporary)
        _cannot_create(error, path)
    _remove_quietly(temporary)


def open_database(path: Path, *, migrate: bool = True, exclusive: bool = False) -> Database:
    """Open ``path``, creating, checking, backing up and migrating it as needed.

    ``exclusive`` takes the lock beside the file for as long as the database stays open
    (the window and commands that write do); without it the lock is still taken while a
    migration runs. Raises :class:`DatabaseError` (or a subclass) with a message for the
    user; the file is left as it was whenever an error is raised before migrating.
    """
    path = path.expanduser().absolute()
    if path.is_dir():
        raise DatabaseError(
            _("{path} is a folder; give the path of a file.").format(path=path), path
        )
    _refuse_special_file(path)
    if path.parent.exists() and not path.parent.is_dir():
        raise DatabaseError(
            _(
                "Cannot create the database {path}: {folder} is a file, not a folder. Choose "
                "another file with --db."
            ).format(path=path, folder=path.parent),
            path,
        )
    new = not path.exists()
    lock = DatabaseLock(path) if exclusive or new else None
    if lock is not None:
        if not path.parent.exists():
            try:
                path.parent.mkdir(mode=0o700, parents=True)
            except OSError as error:
                _cannot_create(error, path)
        lock.acquire()
    try:
        try:
            database = _open(path, migrate, locked=lock is not None)
        except sqlite3.Error as error:  # the raw checks: read-only folder, full disk, ...
            _reraise(error, path)
    except BaseException:
        if lock is not None:
            # A database that could not be created leaves nothing behind, not even its lock.
            if new and not path.exists():
                lock.discard()
            else:
                lock.release()
        raise
    if exclusive:
        database.lock = lock
    elif lock is not None:
        lock.release()
    return database


def _open(path: Path, migrate: bool, *, locked: bool) -> Database:
    try:
        if not path.exists() or path.stat().st_size == 0:
            _create_new(path)
        _check_header(path)
    except OSError as error:
        _reraise(error, path)

    problem = quick_check(path)
    if problem is not None:
        raise StorageDamaged(
            _("The database {path} is damaged ({problem}). It has not been changed.").format(
                path=path, problem=problem
            ),
            path,
            _newest_backup(path),
        )

    stored = _stored_revision(path)
    if stored == shipped_head():
        _refuse_missing_schema(path)
        return _ready(path)

    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    known = {revision.revision for revision in script.walk_revisions()}
    if stored is not None and stored not in known:
        raise DatabaseTooNewError(
            _(
                "The database {path} was written by a newer version of Followup (schema "
                "{schema}). It has not been changed; install the newer version to open it."
            ).format(path=path, schema=stored),
            path,
        )
    if stored is None and _has_tables(path):
        raise DatabaseError(
            _(
                "{path} is an SQLite file but not a Followup database. It has not been "
                "changed; choose another file with --db."
            ).format(path=path),
            path,
        )

    if migrate:
        # No other Followup may write while the schema changes under it.
        lock = None if locked else DatabaseLock(path)
        if lock is not None:
            lock.acquire()
        try:
            if stored is not None:
                backup_database(path, f"before-{script.get_current_head()}")
            engine = make_engine(path)
            try:
                _migrate(engine, "head")
            finally:
                engine.dispose()
        finally:
            if lock is not None:
                lock.release()
    return _ready(path)


def _refuse_missing_schema(path: Path) -> None:
    missing = schema_problems(path)
    if missing:
        raise StorageDamaged(
            _("The database {path} is damaged: {problems}. It has not been changed.").format(
                path=path, problems="; ".join(missing)
            ),
            path,
            _newest_backup(path),
        )


def _ready(path: Path) -> Database:
    from sqlalchemy import event
    from sqlalchemy.orm import sessionmaker

    engine = make_engine(path)
    gate = IntegrityGate(path)

    @event.listens_for(engine, "before_cursor_execute")
    def _writes_wait_for_the_check(
        _conn: Any, _cursor: Any, _statement: str, _params: Any, context: Any, _many: bool
    ) -> None:
        if gate.passed or context is None:
            return
        if context.isinsert or context.isupdate or context.isdelete:
            gate.wait()

    return Database(path, engine, sessionmaker(engine, expire_on_commit=False), gate)


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
                        _(
                            "A migration left broken references ({rows} rows, first in table "
                            "{table}); it was rolled back and the database is unchanged."
                        ).format(rows=len(problems), table=problems[0][0])
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


class RestoreNeedsConfirmation(FollowupError):  # noqa: N818 - a question, not a fault
    """The current database is sound; replacing it with a backup must be asked for."""


def database_is_sound(path: Path) -> bool:
    """True when ``path`` passes the full check and has every table (a healthy file)."""
    if not path.exists() or path.stat().st_size == 0:
        return False
    try:
        return integrity_check(path) is None and not schema_problems(path)
    except sqlite3.Error:
        return False


def restore_backup(path: Path, backup: Path, *, force: bool = False) -> Path | None:
    """Put ``backup`` in place of ``path`` in steps that cannot make things worse.

    1. the backup passes the full check (damage in it is named; a full disk is not);
    2. over a sound database only with ``force`` (:class:`RestoreNeedsConfirmation`);
    3. enough free space for the copy, checked before anything is written;
    4. the copy goes to a temporary file in the same folder and is checked again;
    5. the current file stays beside it (a hard link: no copy, no space needed), then
       ``os.replace`` swaps the new file in, atomically.

    Returns the name the previous file is kept under (None when there was none). Takes
    the lock beside the database, so no Followup is writing meanwhile.
    """
    path = path.expanduser().absolute()
    if not backup.is_file():
        raise DatabaseError(_("There is no backup at {path}.").format(path=backup), backup)
    _refuse_special_file(path)
    lock = DatabaseLock(path)
    lock.acquire()
    try:
        return _restore_locked(path, backup, force=force)
    finally:
        lock.release()


def _restore_locked(path: Path, backup: Path, *, force: bool) -> Path | None:
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        # A rename would replace it all the same; a file made read-only is not ours to swap.
        raise StorageReadOnly(
            _(
                "The database {path} is read-only, so it is not replaced. Make it writable (or "
                "choose another file with --db), then restore again. Nothing was changed."
            ).format(path=path),
            path,
        )
    check_free_space(path, database_bytes(backup) + 256 * 1024, N_("restoring the backup"))
    try:
        problem = integrity_check(backup, immutable=True)
    except StorageError as error:
        raise type(error)(
            _("The backup {path} could not be read: {error} Nothing was changed.").format(
                path=backup, error=error
            ),
            backup,
        ) from error
    if problem is not None:
        raise StorageDamaged(
            _(
                "The backup {path} is damaged ({problem}); nothing was changed. Choose another "
                "backup."
            ).format(path=backup, problem=problem),
            backup,
        )
    if not force and database_is_sound(path):
        raise RestoreNeedsConfirmation(
            _(
                "The database {path} is sound; restoring {backup} would replace what it holds "
                "with the older copy. Confirm to go ahead (--force on the command line); the "
                "current file would be kept beside it."
            ).format(path=path, backup=backup.name)
        )
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.restore-", dir=path.parent)
    except OSError as error:
        _reraise(error, path)
    os.close(fd)
    temporary = Path(name)
    aside: Path | None = None
    try:
        temporary.unlink()  # _copy_sqlite creates it afresh, owner-only
        _copy_sqlite(backup, temporary)
        problem = integrity_check(temporary, immutable=True)
        if problem is not None:
            raise StorageIOError(
                _(
                    "The copy of {path} read back wrong ({problem}); nothing was changed. "
                    "Check the disk, then try again."
                ).format(path=backup, problem=problem),
                path,
            )
        aside = _keep_current(path)
        temporary.replace(path)  # atomic: the old file or the new, never neither
        _fsync_folder(path.parent)
    except BaseException as error:
        _remove_quietly(temporary)
        if aside is not None and not path.exists():
            _put_back(aside, path)  # moved aside (no hard links) and the swap failed
        _reraise(error, path)
    log.info("restored %s into %s (previous file: %s)", backup, path, aside)
    return aside


def _put_back(aside: Path, path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            Path(f"{aside}{suffix}").rename(Path(f"{path}{suffix}"))


def _keep_current(path: Path) -> Path | None:
    """Keep the current file (with its WAL) under a new name beside it, without copying.

    The WAL and shared-memory files belong to the old file: left beside the restored
    one, SQLite would replay the old WAL onto it.
    """
    if not path.exists():
        return None
    stamp = datetime.now().astimezone().strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"{path.name}.before-restore-{stamp}")
    index = 1
    while aside.exists():
        index += 1
        aside = path.with_name(f"{path.name}.before-restore-{stamp}-{index}")
    try:
        os.link(path, aside)
    except OSError as error:
        if error.errno not in _NO_HARD_LINKS:
            raise
        # No hard links: move it aside; the swap that follows puts the copy in its place.
        path.rename(aside)
    for suffix in ("-wal", "-shm"):
        current = Path(f"{path}{suffix}")
        if current.exists():
            current.rename(Path(f"{aside}{suffix}"))
    return aside


def file_mode(path: Path) -> int:
    """Permission bits of ``path`` (for checks and tests)."""
    return stat.S_IMODE(path.stat().st_mode)


__all__ = [
    "Database",
    "IntegrityGate",
    "RestoreNeedsConfirmation",
    "backup_database",
    "database_is_sound",
    "describe_sqlite_error",
    "head_revision",
    "integrity_check",
    "list_backups",
    "open_database",
    "quick_check",
    "restore_backup",
    "schema_problems",
]
