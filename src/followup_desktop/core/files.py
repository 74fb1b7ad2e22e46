"""Reading a file a person named, with a sentence instead of a traceback when it fails.

Imports read what someone chose in a file dialog or typed on the command line: a folder,
a file they may not read, a device such as ``/dev/zero`` or a named pipe that never
ends. :func:`read_limited` refuses what is not a regular file, reads no more than a
limit (so a huge or endless input cannot exhaust memory) and turns every ``OSError`` into
an :class:`ImportFormatError` that names the file and says what to check.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from followup_desktop.core.errors import ImportFormatError


def _reason(error: OSError) -> str:
    if error.errno in {errno.EACCES, errno.EPERM}:
        return "you do not have permission to read it; check its permissions or copy it"
    if error.errno == errno.ENOENT:
        return "there is no such file; check the name and the folder"
    if error.errno == errno.EISDIR:
        return "it is a folder; choose a file inside it"
    return f"{error.strerror or error}; check the file name and that it is readable"


def read_limited(path: Path, limit: int, what: str) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them, or a clear error.

    ``what`` names the kind of file in the message ("calendar file", "export file").
    """
    shown = str(path)
    try:
        # O_NONBLOCK: opening a named pipe with no writer must not hang the import.
        descriptor = os.open(path.expanduser(), os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise ImportFormatError(f"cannot be read: {_reason(error)}.", shown) from None
    try:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise ImportFormatError(f"is a folder, not a {what}; choose a file inside it.", shown)
        if not stat.S_ISREG(mode):
            raise ImportFormatError(
                f"is not a regular file (a device, a pipe or a socket); save the {what} "
                "to disk and choose that.",
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
        raise ImportFormatError(f"cannot be read: {_reason(error)}.", shown) from None
    finally:
        os.close(descriptor)
    if size > limit:
        raise ImportFormatError(
            f"is larger than {limit // 1_000_000} MB, far more than a {what} of this kind "
            "holds; check that you chose the right file.",
            shown,
        )
    return b"".join(chunks)


__all__ = ["read_limited"]
