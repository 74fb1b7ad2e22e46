"""Reading and writing a file a person named, with a sentence instead of a traceback.

Imports read what someone chose in a file dialog or typed on the command line: a folder,
a file they may not read, a device such as ``/dev/zero`` or a named pipe that never
ends. :func:`read_limited` refuses what is not a regular file, reads no more than a
limit (so a huge or endless input cannot exhaust memory) and turns every ``OSError`` into
an :class:`ImportFormatError` that names the file and says what to check.

Every export (JSON, .ics, CSV, vCard, the proof-of-search PDF, a salvage) is written by
:func:`write_atomically` (or :func:`atomic_path` for a writer that wants a file name): a
temporary file in the target's folder, created owner-only (0o600, since an export holds
the whole job search), flushed to disk, renamed over the target, and the folder flushed
so the rename survives a power cut. A reader sees the old file or the new one, never half
of one; on any failure the target is untouched and the temporary file removed, and the
:class:`FileWriteError` raised says why (the disk is full, no permission, ...).
"""

from __future__ import annotations

import contextlib
import enum
import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from followup_desktop.core import i18n
from followup_desktop.core.errors import FollowupError, ImportFormatError
from followup_desktop.core.i18n import N_

# What callers call the files they read and write, for the messages (translated there):
# read_limited's kinds of file, and what a write names as its ``what``.
FILE_WORDS = (
    N_("posting page"),
    N_("e-mail file"),
    N_("Followup export"),
    N_("spreadsheet"),
    N_("contacts file"),
    N_("calendar file"),
    N_("the file"),
    N_("the calendar"),
    N_("the contacts"),
    N_("the export"),
    N_("the proof of search"),
    N_("the spreadsheet"),
    N_("the table"),
)


def _reason(error: OSError) -> str:
    if error.errno in {errno.EACCES, errno.EPERM}:
        return i18n._("you do not have permission to read it; check its permissions or copy it")
    if error.errno == errno.ENOENT:
        return i18n._("there is no such file; check the name and the folder")
    if error.errno == errno.EISDIR:
        return i18n._("it is a folder; choose a file inside it")
    return i18n._("{reason}; check the file name and that it is readable").format(
        reason=error.strerror or error
    )


def read_limited(path: Path, limit: int, what: str) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them, or a clear error.

    ``what`` names the kind of file in the message ("calendar file", "export file").
    """
    shown = str(path)
    try:
        # O_NONBLOCK: opening a named pipe with no writer must not hang the import.
        descriptor = os.open(path.expanduser(), os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise ImportFormatError(
            i18n._("cannot be read: {reason}.").format(reason=_reason(error)), shown
        ) from None
    try:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise ImportFormatError(
                i18n._("is a folder, not a {what}; choose a file inside it.").format(
                    what=i18n._(what)
                ),
                shown,
            )
        if not stat.S_ISREG(mode):
            raise ImportFormatError(
                i18n._(
                    "is not a regular file (a device, a pipe or a socket); save the {what} to "
                    "disk and choose that."
                ).format(what=i18n._(what)),
                shown,
            )
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(descriptor, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as error:
        raise ImportFormatError(
            i18n._("cannot be read: {reason}.").format(reason=_reason(error)), shown
        ) from None
    finally:
        os.close(descriptor)
    if size > limit:
        raise ImportFormatError(
            i18n._(
                "is larger than {size}, far more than a {what} of this kind holds; check that "
                "you chose the right file."
            ).format(
                size=i18n._("{amount} MB").format(amount=limit // 1_000_000), what=i18n._(what)
            ),
            shown,
        )
    return b"".join(chunks)


class WriteProblem(enum.StrEnum):
    """Why a file could not be written, from the system's error number."""

    FULL = "full"  # ENOSPC, EDQUOT
    PERMISSION = "permission"  # EACCES, EPERM, EROFS
    TOO_LARGE = "too large"  # EFBIG: larger than a file may be here
    NO_FOLDER = "no folder"  # ENOENT, ENOTDIR
    IS_FOLDER = "is a folder"  # EISDIR: the target is a folder
    OTHER = "other"


_FULL = frozenset({errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)})
_PERMISSION = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})
_WHY: dict[WriteProblem, tuple[str, str]] = {
    WriteProblem.FULL: (N_("the disk is full"), N_("Free some space, or choose another place.")),
    WriteProblem.PERMISSION: (
        N_("there is no permission to write there"),
        N_("Check that the folder is yours and writable, or choose another folder."),
    ),
    WriteProblem.TOO_LARGE: (
        N_("the file would be larger than a file may be there"),
        N_("Choose a place on another disk, or ask whoever set the limit."),
    ),
    WriteProblem.NO_FOLDER: (
        N_("the folder does not exist"),
        N_("Choose a file in an existing folder."),
    ),
    WriteProblem.IS_FOLDER: (N_("a folder has that name"), N_("Choose another file name.")),
    WriteProblem.OTHER: (
        N_("the system refused the write"),
        N_("Check that the folder exists and is writable, or choose another file."),
    ),
}


def write_problem(error: OSError) -> WriteProblem:
    """What an ``OSError`` from writing a file means, by its error number."""
    number = error.errno
    if number in _FULL:
        return WriteProblem.FULL
    if number in _PERMISSION:
        return WriteProblem.PERMISSION
    if number == errno.EFBIG:
        return WriteProblem.TOO_LARGE
    if number in {errno.ENOENT, errno.ENOTDIR}:
        return WriteProblem.NO_FOLDER
    if number == errno.EISDIR:
        return WriteProblem.IS_FOLDER
    return WriteProblem.OTHER


class FileWriteError(FollowupError, OSError):
    """A file Followup was asked to write could not be written; the target is untouched.

    Also an ``OSError`` (with the system's ``errno`` and ``strerror``), so code that
    handled the system's error still does; ``problem`` says why in one word, and the
    message is a sentence naming ``what`` was written, where, why and what to do.
    """

    def __init__(self, path: Path, what: str, error: OSError) -> None:
        OSError.__init__(self, error.errno, error.strerror or str(error))
        self.path = path
        self.what = what
        self.problem = write_problem(error)
        why, advice = _WHY[self.problem]
        system = f" ({error.strerror})" if error.strerror else ""
        # ``what`` is the caller's English words ("the export"), translated when known.
        self.sentence = i18n._("Cannot write {what} to {path}: {why}{system}. {advice}").format(
            what=i18n._(what), path=path, why=i18n._(why), system=system, advice=i18n._(advice)
        )

    def __str__(self) -> str:
        return self.sentence


def fsync_file(path: Path | str) -> None:
    """Flush a file's content to the disk."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def fsync_folder(folder: Path) -> None:
    """Flush a folder's entries (a rename into it), where the platform can open a folder."""
    with contextlib.suppress(OSError):
        fsync_file(folder)


@contextlib.contextmanager
def atomic_path(path: Path, what: str = "the file") -> Iterator[Path]:
    """A temporary file beside ``path`` to write by name, put in place on a clean exit.

    For writers that open a file themselves (Qt's PDF writer). The file exists, empty
    and owner-only, when the block starts; when the block ends without an error it is
    flushed to disk and renamed over ``path``. On any error the temporary file is
    removed and ``path`` is as it was; an ``OSError`` becomes a :class:`FileWriteError`.
    """
    target = path.expanduser().absolute()
    try:
        # mkstemp creates the file with mode 0o600 whatever the umask.
        descriptor, name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
        )
    except OSError as error:
        raise FileWriteError(path, what, error) from error
    os.close(descriptor)
    temporary = Path(name)
    try:
        yield temporary
        fsync_file(name)
        temporary.replace(target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            temporary.unlink()
        if isinstance(error, OSError) and not isinstance(error, FileWriteError):
            raise FileWriteError(path, what, error) from error
        raise
    fsync_folder(target.parent)


def write_atomically(path: Path, payload: bytes, what: str = "the file") -> None:
    """Write ``payload`` to ``path`` owner-only, so a reader sees the old or the new file.

    ``what`` names the file in an error ("the calendar", "the export"); see
    :func:`atomic_path` for what happens on a failure.
    """
    with atomic_path(path, what) as temporary:  # which flushes it to disk at the end
        descriptor = os.open(temporary, os.O_WRONLY | getattr(os, "O_BINARY", 0))
        try:
            view = memoryview(payload)
            while view:
                view = view[os.write(descriptor, view) :]
        finally:
            os.close(descriptor)


__all__ = [
    "FileWriteError",
    "WriteProblem",
    "atomic_path",
    "fsync_file",
    "fsync_folder",
    "read_limited",
    "write_atomically",
    "write_problem",
]
