"""The app as a person starts it: a real process, a real database, offscreen Qt."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ALLOWED_QT_NOISE = (
    # The offscreen platform has no window manager to pass hints to or raise windows with.
    "This plugin does not support propagateSizeHints()",
    "This plugin does not support raise()",
)


def app_env(home: Path) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    return env


def unexpected_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip() and line not in ALLOWED_QT_NOISE]


def test_starts_on_a_demo_database_and_quits_cleanly(isolated_home: Path, db_path: Path) -> None:
    command = [sys.executable, "-m", "followup_desktop", "--db", str(db_path)]
    subprocess.run([*command, "demo", "--opportunities", "30"], check=True, capture_output=True)
    result = subprocess.run(
        [*command, "--quit-after-show"],
        capture_output=True,
        text=True,
        env=app_env(isolated_home),
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert unexpected_lines(result.stderr) == []
    assert (isolated_home / "config" / "Followup").exists()  # window state was saved


def test_a_second_launch_hands_over_to_the_first(isolated_home: Path, db_path: Path) -> None:
    env = app_env(isolated_home)
    command = [sys.executable, "-m", "followup_desktop", "--db", str(db_path)]
    first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        runtime = isolated_home / "runtime"
        deadline = time.monotonic() + 60
        while not any(path.suffix == ".lock" for path in runtime.iterdir()):
            assert first.poll() is None, first.communicate()
            if time.monotonic() > deadline:
                pytest.fail("the first instance never took its lock")
            time.sleep(0.05)
        started = time.monotonic()
        second = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=60, check=False
        )
        assert second.returncode == 0, second.stderr
        assert time.monotonic() - started < 30
        assert first.poll() is None  # the first one is still running
    finally:
        first.terminate()
        first.communicate(timeout=30)


def test_a_second_launch_for_another_database_says_which_file_is_open(
    isolated_home: Path, db_path: Path, tmp_path: Path
) -> None:
    env = app_env(isolated_home)
    first = subprocess.Popen(
        [sys.executable, "-m", "followup_desktop", "--db", str(db_path)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        from followup_desktop import APP_ID
        from followup_desktop.gui.single_instance import socket_path

        listening = Path(socket_path(isolated_home / "runtime", f"{APP_ID}-{os.getuid()}"))
        deadline = time.monotonic() + 60
        while not listening.is_socket():
            assert first.poll() is None, first.communicate()
            if time.monotonic() > deadline:
                pytest.fail("the first instance never listened")
            time.sleep(0.05)
        demo = tmp_path / "demo.sqlite3"
        second = subprocess.run(
            [sys.executable, "-m", "followup_desktop", "--db", str(demo)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert second.returncode == 4, second.stderr
        assert f"already open on another database, {db_path}" in second.stderr
        assert not demo.exists(), "the other file was not opened (nor created)"
        assert first.poll() is None
    finally:
        first.terminate()
        first.communicate(timeout=30)
