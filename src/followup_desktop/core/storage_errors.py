"""One family of errors for the place the data lives: full, read-only, locked, damaged.

SQLite says what went wrong in a number, its (extended) result code, which Python 3.11
exposes as ``sqlite3.Error.sqlite_errorcode``. :func:`classify` turns that number, or an
``OSError``'s errno, into one of the classes below; the English text of the message is
never consulted, so a translated or reworded SQLite cannot change the verdict.

Only two codes prove damage: ``SQLITE_CORRUPT`` and ``SQLITE_NOTADB``. A "disk I/O error"
(``SQLITE_IOERR``) is the file system refusing a read or a write; it is called full when
the folder has no room left, read-only when the file or folder cannot be written, and an
I/O error otherwise, never damage. The GUI and the command line catch these classes, never
SQLAlchemy's, and show :attr:`StorageError.advice` with them.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from followup_desktop.core import i18n
from followup_desktop.core.errors import DatabaseError
from followup_desktop.core.i18n import N_

# Primary result codes (the low byte of an extended code), from sqlite3.h.
SQLITE_PERM = 3
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_AUTH = 23
SQLITE_NOTADB = 26

# Below this much free space a failed write is taken for a full disk: SQLite needs room
# for a page or two of WAL plus its index, and a file system reports ENOSPC to SQLite as
# an I/O error on some paths (mmap'ed shared memory, truncation).
LOW_SPACE_BYTES = 256 * 1024


class StorageError(DatabaseError):
    """The database file could not be read or written for a reason outside Followup.

    ``advice`` says what the person can do; ``code`` is SQLite's extended result code
    (or None when the error came from the operating system).
    """

    # English, marked for translation; written in the person's language when raised.
    advice: ClassVar[str] = N_("Check the disk and the file, then try again.")
    summary: ClassVar[str] = N_("The database could not be used")

    def __init__(
        self, message: str | None = None, path: Path | None = None, *, code: int | None = None
    ) -> None:
        text = message or i18n._("{summary}. {advice}").format(
            summary=i18n._(self.summary), advice=i18n._(self.advice)
        )
        super().__init__(text, path)
        self.code = code

    @property
    def what(self) -> str:
        """What happened, in the person's language ("The disk is full"), without advice."""
        return i18n._(self.summary)


class StorageFull(StorageError):  # noqa: N818 - named for what happened
    """No room left on the disk that holds the database (SQLITE_FULL, ENOSPC)."""

    summary = N_("The disk is full")
    advice = N_("Free some space on the disk that holds the database, then try again.")


class StorageReadOnly(StorageError):  # noqa: N818 - named for what happened
    """The file or its folder cannot be written (SQLITE_READONLY, EACCES, EROFS)."""

    summary = N_("The database file or its folder is read-only")
    advice = N_(
        "Check the permissions of the file and its folder (they must be yours and "
        "writable), or choose another file with --db."
    )


class StorageLocked(StorageError):  # noqa: N818 - named for what happened
    """Another program holds the write lock for longer than Followup waits (SQLITE_BUSY)."""

    summary = N_("Another program is writing to the database")
    advice = N_(
        "Close the other program using the file (a database browser, a sync tool, "
        "another Followup), then try again."
    )


class StorageIOError(StorageError):
    """The operating system refused a read or write; nothing shows the file is damaged."""

    summary = N_("The disk reported an input/output error")
    advice = N_(
        "Check that the disk is still connected and healthy, then try again. The file "
        "itself has not been found damaged."
    )


class StorageDamaged(StorageError):  # noqa: N818 - named for what happened
    """SQLite found the file damaged (SQLITE_CORRUPT, SQLITE_NOTADB or a failed check).

    ``backup`` is the newest automatic backup, if any: restoring is offered only for
    this class, because only here does the file itself need replacing.
    """

    summary = N_("The database file is damaged")
    advice = N_("It has not been changed. Restore it from a backup.")

    def __init__(
        self,
        message: str | None = None,
        path: Path | None = None,
        backup: Path | None = None,
        *,
        code: int | None = None,
    ) -> None:
        super().__init__(message, path, code=code)
        self.backup = backup


def _free_bytes(folder: Path) -> int | None:
    try:
        stats = os.statvfs(folder)
    except OSError:
        return None
    return stats.f_bavail * stats.f_frsize


def free_bytes(path: Path) -> int | None:
    """Free space for an unprivileged writer in the folder holding ``path``."""
    folder = path if path.is_dir() else path.parent
    return _free_bytes(folder)


def _writable(path: Path) -> bool:
    folder = path.parent
    if not os.access(folder, os.W_OK | os.X_OK):
        return False
    return not path.exists() or os.access(path, os.W_OK)


def _environmental(path: Path | None, code: int | None) -> type[StorageError]:
    """Full, read-only or plain I/O error for a failure that does not say which."""
    if path is not None:
        free = free_bytes(path)
        if free is not None and free < LOW_SPACE_BYTES:
            return StorageFull
        if not _writable(path):
            return StorageReadOnly
    return StorageIOError


def _kind_for_sqlite(code: int, path: Path | None) -> type[StorageError] | None:
    primary = code & 0xFF
    if primary == SQLITE_FULL:
        return StorageFull
    if primary in (SQLITE_READONLY, SQLITE_PERM, SQLITE_AUTH):
        return StorageReadOnly
    if primary in (SQLITE_BUSY, SQLITE_LOCKED):
        return StorageLocked
    if primary in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return StorageDamaged
    if primary in (SQLITE_IOERR, SQLITE_CANTOPEN):
        return _environmental(path, code)
    return None


_ERRNO_KINDS: dict[int, type[StorageError]] = {
    errno.ENOSPC: StorageFull,
    errno.EDQUOT: StorageFull,
    errno.EACCES: StorageReadOnly,
    errno.EPERM: StorageReadOnly,
    errno.EROFS: StorageReadOnly,
    errno.EIO: StorageIOError,
}


def _undecodable_text(error: sqlite3.Error) -> bool:
    """Whether a stored text is not UTF-8, which Followup never writes: damage.

    Python's sqlite3 module raises this itself while converting a row, so it carries no
    SQLite error code; its wording is the module's own fixed text, not SQLite's.
    """
    return isinstance(error, sqlite3.OperationalError) and str(error).startswith(
        "Could not decode to UTF-8"
    )


def classify(error: BaseException, path: Path | None = None) -> StorageError | None:
    """Our storage error for ``error`` (SQLite, SQLAlchemy-wrapped or OS), else None.

    None means the error is not about the environment (a constraint, a programming
    error) and must stay what it is.
    """
    if isinstance(error, StorageError):
        return error
    original = getattr(error, "orig", None) or error
    kind: type[StorageError] | None = None
    code: int | None = None
    if isinstance(original, sqlite3.Error):
        code = getattr(original, "sqlite_errorcode", None)
        if code is not None:
            kind = _kind_for_sqlite(code, path)
        elif _undecodable_text(original):
            kind = StorageDamaged
    elif isinstance(original, OSError) and original.errno is not None:
        kind = _ERRNO_KINDS.get(original.errno)
        if path is None and original.filename:
            path = Path(str(original.filename))
    if kind is None:
        return None
    where = f" ({path})" if path is not None else ""
    name = getattr(original, "sqlite_errorname", None) or (
        errno.errorcode.get(original.errno or 0) if isinstance(original, OSError) else None
    )
    detail = f" [{name}]" if name else ""
    message = i18n._("{summary}{where}{detail}. {advice}").format(
        summary=i18n._(kind.summary), where=where, detail=detail, advice=i18n._(kind.advice)
    )
    if kind is StorageDamaged:
        return StorageDamaged(message, path, code=code)
    return kind(message, path, code=code)


@contextlib.contextmanager
def translated(path: Path | None) -> Iterator[None]:
    """Run the block with raw SQLite errors about the file named as ours.

    For the ends of sessions and plain connections: SQLAlchemy's own calls are named by
    the engine's ``handle_error`` event, raw driver calls here. An OSError is left
    alone (in such a block it is about another file); an error that is not about the
    environment (a constraint, a programming error) stays what it is.
    """
    try:
        yield
    except sqlite3.Error as error:
        found = classify(error, path)
        if found is None:
            raise
        raise found from error


def check_free_space(path: Path, needed: int, what: str) -> None:
    """Raise :class:`StorageFull` unless the folder of ``path`` has ``needed`` bytes free."""
    free = free_bytes(path)
    if free is not None and free < needed:
        raise StorageFull(
            i18n._(
                "There is not enough free space for {what}: it needs about {needed}, and the "
                "disk holding {folder} has {free} free. Nothing was changed. Free some space, "
                "then try again."
            ).format(
                what=i18n._(what),
                needed=_megabytes(needed),
                folder=path.parent,
                free=_megabytes(free),
            ),
            path,
        )


def _megabytes(count: int) -> str:
    from followup_desktop.core import localformat

    return i18n._("{amount} MB").format(amount=localformat.number(round(count / 1_000_000, 1)))


__all__ = [
    "StorageDamaged",
    "StorageError",
    "StorageFull",
    "StorageIOError",
    "StorageLocked",
    "StorageReadOnly",
    "check_free_space",
    "classify",
    "free_bytes",
    "translated",
]
