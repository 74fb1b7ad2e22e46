"""One writer per database file, whoever and wherever it runs: a lock beside the file.

``<database>.lock`` sits next to the database, so two runtime folders, two login sessions
or a command-line import while the window is open all meet the same lock. It is an
``flock`` held for as long as the writer runs: the kernel drops it when the process dies,
``kill -9`` included, so a stale lock never needs clearing by hand. The file records the
owner's process id and host, only to name the owner in the message.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
from pathlib import Path

from followup_desktop.core.i18n import N_, _
from followup_desktop.core.storage_errors import StorageLocked, classify


class DatabaseInUse(StorageLocked):
    """Another Followup (window or command) is already writing to this file."""

    summary = N_("Followup is already open on this database")
    advice = N_(
        "Close the other Followup window (or wait for its command to finish), then try again."
    )


def lock_path(database: Path) -> Path:
    """The lock file that guards ``database``."""
    return database.with_name(f"{database.name}.lock")


class DatabaseLock:
    """An exclusive, process-lifetime lock on one database file."""

    def __init__(self, database: Path) -> None:
        self.database = database
        self.path = lock_path(database)
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        """True while this object holds the lock."""
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock now or raise :class:`DatabaseInUse` naming the owner."""
        if self._fd is not None:
            return
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError as error:
            found = classify(error, self.path)
            if found is not None:
                raise found from error
            raise
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = _read_owner(fd)
            os.close(fd)
            raise DatabaseInUse(
                _(
                    "Followup is already open on {path}{owner}. Only one Followup at a time "
                    "may change a database: close the other window (or wait for its command "
                    "to finish), then try again."
                ).format(path=self.database, owner=owner),
                self.database,
            ) from None
        # Only to name the owner in a message: on a full disk the lock holds without it.
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()} {socket.gethostname()}\n".encode())
        self._fd = fd

    def discard(self) -> None:
        """Release and remove the lock file (after failing to create the database it guards)."""
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            self.path.unlink()
        self.release()

    def release(self) -> None:
        """Give the lock back (the lock file stays: removing it would race a new owner)."""
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None


def _read_owner(fd: int) -> str:
    with contextlib.suppress(OSError, ValueError):
        text = os.pread(fd, 200, 0).decode(errors="replace").split()
        if len(text) >= 2:
            return _(" (process {pid} on {host})").format(pid=int(text[0]), host=text[1])
    return ""


__all__ = ["DatabaseInUse", "DatabaseLock", "lock_path"]
