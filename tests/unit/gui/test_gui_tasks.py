"""The worker thread: results come back on the GUI thread, quiet jobs disable nothing."""

from __future__ import annotations

import threading

import pytest
from pytestqt.qtbot import QtBot

from followup_desktop.gui.tasks import TaskRunner


def test_results_and_errors_come_back_on_the_gui_thread(qtbot: QtBot) -> None:
    runner = TaskRunner()
    seen: list[tuple[str, object, bool]] = []
    gui = threading.current_thread()
    worker_threads: list[threading.Thread] = []

    def work() -> int:
        worker_threads.append(threading.current_thread())
        return 42

    def fail() -> None:
        raise ValueError("no")

    runner.submit(
        work, lambda r: seen.append(("done", r, threading.current_thread() is gui)), print
    )
    runner.submit(
        fail, print, lambda e: seen.append(("failed", str(e), threading.current_thread() is gui))
    )
    qtbot.waitUntil(lambda: runner.idle)
    assert seen == [("done", 42, True), ("failed", "no", True)]
    assert worker_threads and worker_threads[0] is not gui


@pytest.mark.parametrize("quiet", [False, True])
def test_only_jobs_the_person_started_make_the_runner_busy(qtbot: QtBot, quiet: bool) -> None:
    runner = TaskRunner()
    states: list[bool] = []
    runner.busy_changed.connect(states.append)
    release = threading.Event()
    runner.submit(lambda: release.wait(5), lambda _: None, print, quiet=quiet)
    assert not runner.idle
    assert runner.busy is not quiet
    release.set()
    qtbot.waitUntil(lambda: runner.idle)
    assert not runner.busy
    assert states == ([] if quiet else [True, False])


def test_a_quiet_job_does_not_end_a_loud_ones_busy_state(qtbot: QtBot) -> None:
    runner = TaskRunner()
    states: list[bool] = []
    runner.busy_changed.connect(states.append)
    release = threading.Event()
    quiet_done: list[object] = []
    runner.submit(lambda: None, quiet_done.append, print, quiet=True)
    runner.submit(lambda: release.wait(5), lambda _: None, print)
    qtbot.waitUntil(lambda: bool(quiet_done))
    assert runner.busy
    assert states == [True]
    release.set()
    qtbot.waitUntil(lambda: runner.idle)
    assert states == [True, False]
