"""Real faults for storage tests: a small full disk, a user root's permissions do not skip.

A tmpfs of a couple of megabytes is a real file system that runs out of space: SQLite
and Python see the same ENOSPC a full laptop disk gives. Mounting needs root, and root
ignores file permissions, so read-only cases run their part as ``nobody`` through
``setpriv``. Locally, without root, these tests skip; in CI (``CI=true`` or
``FOLLOWUP_REQUIRE_DESKTOP=1``, as ``.ci/run`` sets, running as root) they fail instead.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

NOBODY = 65534
SRC = Path(__file__).resolve().parents[2] / "src"


def _must_run() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"} or (
        os.environ.get("FOLLOWUP_REQUIRE_DESKTOP") == "1"
    )


def require_root(what: str) -> None:
    """Skip without root locally; fail in CI, where the tests run as root."""
    if os.geteuid() == 0:
        return
    message = f"{what} needs root (mount a tmpfs, run as another user)"
    if _must_run():
        pytest.fail(f"{message}, and CI must run it")
    pytest.skip(message)


@contextlib.contextmanager
def small_disk(folder: Path, size: str = "2m") -> Iterator[Path]:
    """A tmpfs of ``size`` mounted on ``folder`` (created), unmounted afterwards."""
    require_root("a small disk")
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(folder)],
        check=True,
    )
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path, leave: int = 0) -> Path:
    """Fill the disk holding ``folder`` until at most ``leave`` bytes are free."""
    filler = folder / "filler.bin"
    chunk = b"\0" * 4096
    with filler.open("ab") as handle:
        while True:
            stats = os.statvfs(folder)
            free = stats.f_bavail * stats.f_frsize
            if free <= leave:
                break
            try:
                handle.write(chunk if free - leave >= 4096 else chunk[: free - leave])
                handle.flush()
            except OSError as error:
                if error.errno != errno.ENOSPC:
                    raise
                break
    return filler


def free_space(folder: Path) -> int:
    stats = os.statvfs(folder)
    return stats.f_bavail * stats.f_frsize


@contextlib.contextmanager
def shared_folder() -> Iterator[Path]:
    """A folder of ``nobody``'s under /tmp (pytest's own temp root is private to root)."""
    require_root("running as nobody")
    folder = Path(tempfile.mkdtemp(prefix="followup-nobody-", dir="/tmp"))
    try:
        folder.chmod(0o755)
        os.chown(folder, NOBODY, NOBODY)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run_as_nobody(
    args: list[str], home: Path, *, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run the command line as ``nobody`` with its own home folders under ``home``."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_RUNTIME_DIR": str(home / "runtime"),
        "PYTHONPATH": str(SRC),
        "PYTHONDONTWRITEBYTECODE": "1",
        "QT_QPA_PLATFORM": "offscreen",
    }
    return subprocess.run(
        [
            "setpriv",
            f"--reuid={NOBODY}",
            f"--regid={NOBODY}",
            "--clear-groups",
            sys.executable,
            "-m",
            "followup_desktop",
            *args,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )


def page_of(db: Path, name: str, pagetype: str | None = None) -> int:
    """A page number of table or index ``name`` (from SQLite's ``dbstat``)."""
    with contextlib.closing(sqlite3.connect(db)) as connection:
        query = "SELECT pageno FROM dbstat WHERE name = ?"
        params: tuple[str, ...] = (name,)
        if pagetype is not None:
            query += " AND pagetype = ?"
            params += (pagetype,)
        rows = connection.execute(query + " ORDER BY pageno", params).fetchall()
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    assert rows, f"no pages for {name}"
    assert page_size == 4096
    return int(rows[len(rows) // 2][0])


def write_into_page(db: Path, page: int, offset: int, data: bytes) -> None:
    """Overwrite bytes inside one page (1-based page numbers, 4096-byte pages)."""
    with db.open("r+b") as handle:
        handle.seek((page - 1) * 4096 + offset)
        handle.write(data)


FIRST_INTERVIEW = datetime(2026, 1, 5, 9, tzinfo=UTC)


def filled_database(path: Path, opportunities: int = 60) -> None:
    """A closed, checkpointed database with one interview per opportunity."""
    from followup_desktop.core.db import open_database
    from followup_desktop.core.services import FollowupService

    db = open_database(path)
    service = FollowupService(db)
    for index in range(opportunities):
        created = service.create_opportunity(f"Company {index:03d}", "Role " * 39)
        assert created.created_id is not None
        start = FIRST_INTERVIEW + timedelta(hours=7 * index)
        service.record_interview(created.created_id, start, start + timedelta(hours=1))
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def undecodable_text(path: Path) -> None:
    """A filled database with one flipped byte inside a company name: well-formed pages,
    indexes agree (the column is not indexed), so no check can tell; only reading fails."""
    filled_database(path, 10)
    with path.open("r+b") as handle:
        data = handle.read()
        offset = data.index(b"Company 007")
        handle.seek(offset + 1)
        handle.write(b"\xff")


def damage_index(path: Path) -> None:
    """Change one digit of one key in an index page: structure sound, content wrong."""
    page = page_of(path, "ix_interviews_starts_at", "leaf")
    with path.open("rb") as handle:
        handle.seek((page - 1) * 4096)
        data = handle.read(4096)
    offset = data.index(b"20", 3000)  # a year inside a key, far from the page header
    write_into_page(path, page, offset + 3, b"7")


def damage_table(path: Path) -> None:
    """Scribble over most of one leaf page of the opportunities table."""
    page = page_of(path, "opportunities", "leaf")
    write_into_page(path, page, 8, b"\xa5" * 3000)
