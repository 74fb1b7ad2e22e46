"""One writer per database file, whoever and wherever it runs: a lock beside the file.

``<database>.lock`` sits next to the database, so two runtime folders, two login sessions
or a command-line import while the window is open all meet the same lock. It is an
``flock`` held for as long as the writer runs: the kernel drops it when the process dies,
``kill -9`` included, so a stale lock never needs clearing by hand. The file records the
owner's process id, host and kind (the window or a command), only to say in the message
who holds it and what to do: a command refused because the window is open is told to do
it in the window or to quit Followup there (closing the window keeps it running).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
from pathlib import Path

from followup_desktop.core.i18n import N_, _
from followup_desktop.core.storage_errors import StorageLocked, classify

#: What this process is, written in the lock it holds: ``"window"`` or ``"command"``.
WINDOW, COMMAND = "window", "command"
_holder = COMMAND


def declare_holder(kind: str) -> None:
    """Say what this process is (:data:`WINDOW` or :data:`COMMAND`) before it takes a lock."""
    global _holder  # noqa: PLW0603 - one fact about the process, set once at start
    if kind not in (WINDOW, COMMAND):
        raise ValueError(f"unknown lock holder {kind!r}")
    _holder = kind


class DatabaseInUse(StorageLocked):
    """Another Followup (window or command) is already writing to this file."""

    summary = N_("Followup is already open on this database")
    advice = N_(
        "Close the other Followup window (or wait for its command to finish), then try again."
    )

    def __init__(self, message: str, path: Path | None = None, *, holder: str = "") -> None:
        super().__init__(message, path)
        #: Who holds the lock: :data:`WINDOW`, :data:`COMMAND`, or "" when not known.
        self.holder = holder


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
            owner, holder = _read_owner(fd)
            os.close(fd)
            raise DatabaseInUse(
                _in_use_message(self.database, owner, holder), self.database, holder=holder
            ) from None
        # Only to name the owner in a message: on a full disk the lock holds without it.
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()} {socket.gethostname()} {_holder}\n".encode())
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


def _read_owner(fd: int) -> tuple[str, str]:
    """A sentence naming the lock's owner ("" if unknown) and its kind ("" if unknown)."""
    with contextlib.suppress(OSError, ValueError):
        text = os.pread(fd, 200, 0).decode(errors="replace").split()
        if len(text) >= 2:
            holder = text[2] if len(text) >= 3 and text[2] in (WINDOW, COMMAND) else ""
            owner = _("It is process {pid} on {host}.").format(pid=int(text[0]), host=text[1])
            return owner, holder
    return "", ""


def _in_use_message(database: Path, owner: str, holder: str) -> str:
    """What to do about the lock, by who holds it (the owner's sentence after the first)."""
    if holder == WINDOW:
        first = _("Followup's window is open on {database}.").format(database=database)
        rest = _(
            "Only one Followup at a time may change a database: do this in the window, or "
            "quit Followup there (File → Quit, Ctrl+Q; closing the window keeps it running "
            "in the tray) and run the command again."
        )
    elif holder == COMMAND:
        first = _("Another Followup command is changing {database}.").format(database=database)
        rest = _("Wait for it to finish, then run this one again.")
    else:
        first = _("Followup is already open on {database}.").format(database=database)
        rest = _(
            "Only one Followup at a time may change a database: quit the other window "
            "(File → Quit) or wait for its command to finish, then try again."
        )
    return " ".join(part for part in (first, owner, rest) if part)


__all__ = ["COMMAND", "WINDOW", "DatabaseInUse", "DatabaseLock", "declare_holder", "lock_path"]
