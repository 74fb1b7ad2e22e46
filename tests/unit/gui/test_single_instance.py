"""One Followup per user: the lock, handing over arguments, and recovery after kill -9."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from followup_desktop.gui.single_instance import SingleInstance

SECOND_LAUNCH = """
import sys
from pathlib import Path
from PySide6.QtCore import QCoreApplication
from followup_desktop.gui.single_instance import SingleInstance
app = QCoreApplication([])
database = Path(sys.argv[5]) if len(sys.argv) > 5 and sys.argv[3] == "send-db" else None
instance = SingleInstance(sys.argv[1], Path(sys.argv[2]), database=database)
if instance.acquire():
    print("PRIMARY", flush=True)
    if sys.argv[3] == "hold":
        sys.stdin.readline()  # hold the lock until killed
    sys.exit(0)
if database is not None:
    taken = instance.send(sys.argv[4:5])
    print(f"RUNNING {instance.running_database}", flush=True)
    sys.exit(0 if taken else 4)
sys.exit(0 if instance.send(sys.argv[4:]) else 3)
"""


@pytest.fixture
def key() -> str:
    # A fresh name per test: the local server's socket lives in the shared temp folder.
    return f"followup-test-{uuid.uuid4().hex[:12]}"


def _launch(key: str, folder: Path, mode: str, *arguments: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", SECOND_LAUNCH, key, str(folder), mode, *arguments],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )


def test_a_second_launch_hands_over_its_arguments(qtbot: QtBot, key: str, tmp_path: Path) -> None:
    first = SingleInstance(key, tmp_path)
    assert first.acquire()
    try:
        assert not SingleInstance(key, tmp_path).acquire(), "the lock is held"
        with qtbot.waitSignal(first.arguments_received, timeout=10_000) as blocker:
            second = _launch(key, tmp_path, "send", "/home/me/interview.ics", "--x")
        qtbot.waitUntil(lambda: second.poll() is not None, timeout=10_000)
        assert second.returncode == 0, "the second launch saw its arguments taken"
        assert blocker.args == [["/home/me/interview.ics", "--x"]]
        assert second.stdout is not None
        assert "PRIMARY" not in second.stdout.read()
        second.stdout.close()
        second.stdin.close()  # type: ignore[union-attr]
    finally:
        first.release()


def test_a_lock_left_by_a_killed_instance_is_recovered(
    qtbot: QtBot, key: str, tmp_path: Path
) -> None:
    holder = _launch(key, tmp_path, "hold")
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "PRIMARY"
    assert not SingleInstance(key, tmp_path).acquire()
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(timeout=10)
    holder.stdout.close()
    holder.stdin.close()  # type: ignore[union-attr]

    recovered = SingleInstance(key, tmp_path)
    assert recovered.acquire(), "the stale lock of a dead process is taken over"
    assert recovered.server is not None and recovered.server.isListening()
    recovered.release()


@pytest.mark.expected_log("^the running Followup does not answer")
def test_when_the_first_instance_does_not_answer_sending_fails(
    qtbot: QtBot, key: str, tmp_path: Path
) -> None:
    assert SingleInstance(key, tmp_path).send(["x"], timeout_ms=200) is False


def test_the_socket_lives_beside_the_lock_in_the_runtime_folder(key: str) -> None:
    # A runtime folder as short as /run/user/<uid>: pytest's own folders can be too
    # long for a socket's path (parallel runs add a folder per worker).
    runtime = Path(tempfile.mkdtemp(prefix="fu-", dir="/tmp"))
    first = SingleInstance(key, runtime)
    try:
        assert first.acquire()
        assert first.server is not None and first.server.isListening()
        socket = Path(first.server.fullServerName())
        assert socket.parent == first.lock_path.parent == runtime
        assert socket.is_socket()
    finally:
        first.release()
        shutil.rmtree(runtime)


def test_a_second_launch_for_another_database_is_told_which_one_is_open(
    qtbot: QtBot, key: str, tmp_path: Path
) -> None:
    mine = tmp_path / "mine.sqlite3"
    first = SingleInstance(key, tmp_path, database=mine)
    assert first.acquire()
    try:
        demo = tmp_path / "demo.sqlite3"
        with qtbot.waitSignal(first.other_database_requested, timeout=10_000) as blocker:
            second = _launch(key, tmp_path, "send-db", "invite.ics", str(demo))
        qtbot.waitUntil(lambda: second.poll() is not None, timeout=10_000)
        assert second.returncode == 4, "not handed over: the window shows another file"
        assert blocker.args == [str(demo)]
        assert second.stdout is not None
        assert f"RUNNING {mine}" in second.stdout.read()
        second.stdout.close()
        second.stdin.close()  # type: ignore[union-attr]

        # The same file is handed over as before.
        with qtbot.waitSignal(first.arguments_received, timeout=10_000):
            same = _launch(key, tmp_path, "send-db", "invite.ics", str(mine))
        qtbot.waitUntil(lambda: same.poll() is not None, timeout=10_000)
        assert same.returncode == 0
        same.stdout.close()  # type: ignore[union-attr]
        same.stdin.close()  # type: ignore[union-attr]
    finally:
        first.release()


def test_a_runtime_folder_too_long_for_a_socket_path_still_gets_its_own(tmp_path: Path) -> None:
    from followup_desktop.gui.single_instance import MAX_SOCKET_PATH, socket_path

    first = socket_path(tmp_path / ("a" * 90), "followup-0")
    second = socket_path(tmp_path / ("b" * 90), "followup-0")
    assert first != second, "two sessions never share one socket"
    assert max(len(first.encode()), len(second.encode())) <= MAX_SOCKET_PATH
    short = socket_path(Path("/run/user/1000"), "followup-1000")
    assert short == "/run/user/1000/followup-1000.socket"
