"""A command that writes, run while the window is open on the same file, refuses at once
and says what to do; a command reading the file still works."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from followup_desktop.core.db import open_database
from followup_desktop.core.dblock import lock_path
from followup_desktop.core.plainread import open_current
from followup_desktop.core.queries.window import database_is_empty


def _followup(db_path: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # The timeout only stops a hung command from hanging the suite.
    return subprocess.run(
        [sys.executable, "-m", "followup_desktop", "--db", str(db_path), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def _ready(db_path: Path, kind: str) -> bool:
    """The lock is ``kind``'s and the database it created is complete."""
    lock = lock_path(db_path)
    if not (lock.exists() and lock.read_text().split()[2:3] == [kind]):
        return False
    connection = open_current(db_path)
    if connection is None:
        return False
    connection.close()
    return True


def _wait_for_lock(db_path: Path, holder: subprocess.Popen[bytes], kind: str) -> None:
    deadline = time.monotonic() + 90
    while not _ready(db_path, kind):
        assert holder.poll() is None, holder.communicate()
        if time.monotonic() > deadline:
            pytest.fail(f"the {kind} never took the database lock")
        time.sleep(0.05)


def test_a_command_that_writes_refuses_while_the_window_is_open(
    isolated_home: Path, db_path: Path, tmp_path: Path
) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    sheet = tmp_path / "jobs.csv"
    sheet.write_text("company,role\nAcme Robotics,Data Analyst\n", encoding="utf-8")
    window = subprocess.Popen(
        [sys.executable, "-m", "followup_desktop", "--db", str(db_path)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for_lock(db_path, window, "window")
        refused = _followup(db_path, "import-csv", str(sheet), env=env)
        assert refused.returncode == 2, refused.stderr
        assert "Traceback" not in refused.stderr
        assert f"Followup's window is open on {db_path}. It is process {window.pid} on " in (
            refused.stderr
        )
        assert "do this in the window, or quit Followup there (File → Quit" in refused.stderr
        # Reading is not writing: the agenda still answers beside the window.
        agenda = _followup(db_path, "agenda", env=env)
        assert agenda.returncode == 0, agenda.stderr
        assert window.poll() is None, "the window is still running"
    finally:
        window.terminate()
        window.communicate(timeout=60)
    db = open_database(db_path)
    try:
        assert database_is_empty(db), "nothing was imported"
    finally:
        db.close()
    # With the window gone the same command goes through.
    done = _followup(db_path, "import-csv", str(sheet), env=env)
    assert done.returncode == 0, done.stderr


def test_a_command_that_writes_waits_for_no_other_command(
    isolated_home: Path, db_path: Path, tmp_path: Path
) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, pathlib\n"
            "from followup_desktop.core.db import open_database\n"
            "db = open_database(pathlib.Path(sys.argv[1]), exclusive=True)\n"
            "sys.stdin.read()\n",
            str(db_path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for_lock(db_path, holder, "command")
        refused = _followup(db_path, "demo", env=dict(os.environ))
        assert refused.returncode == 2, refused.stderr
        assert "Another Followup command is changing" in refused.stderr
        assert "Wait for it to finish" in refused.stderr
    finally:
        holder.communicate(b"", timeout=60)
