"""The worker pool: results come back on the GUI thread, quiet jobs disable nothing,
each queue runs one job at a time, and every queue shares the application's one pool."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from followup_desktop.gui.tasks import Lane, TaskRunner, run_now, worker_pool


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


def test_a_lane_runs_its_jobs_one_at_a_time_in_order() -> None:
    lane = Lane()
    seen: list[str] = []
    running = threading.Lock()
    overlapped: list[int] = []

    def job(number: int) -> Callable[[], None]:
        def run() -> None:
            if not running.acquire(blocking=False):
                overlapped.append(number)
                return
            try:
                time.sleep(0.005)
                seen.append(f"job {number}")
            finally:
                running.release()

        return run

    for number in range(5):
        lane.put(job(number))
    assert lane.wait(5000)
    assert seen == [f"job {number}" for number in range(5)]
    assert overlapped == []


@pytest.mark.expected_log("^a queued job raised")
def test_a_failing_job_does_not_stop_the_lane() -> None:
    lane = Lane()
    after: list[str] = []

    def broken() -> None:
        raise RuntimeError("broken job")

    lane.put(broken)
    lane.put(lambda: after.append("ran"))
    assert lane.wait(5000)
    assert after == ["ran"]


def test_runners_and_first_reads_share_the_application_pool(qtbot: QtBot) -> None:
    pool = worker_pool()
    release = threading.Event()
    started: list[bool] = []
    lock = threading.Lock()

    def job() -> bool:
        with lock:
            # Pool threads are QThreads of the global pool, not Python-made threads.
            started.append(threading.current_thread() is not threading.main_thread())
        return release.wait(5)

    first, second = TaskRunner(), TaskRunner()
    first.submit(job, lambda _: None, print)
    second.submit(job, lambda _: None, print)
    future = run_now(job)
    # Three jobs at once (each waits for the others' release), all on the one pool.
    qtbot.waitUntil(lambda: len(started) == 3)
    assert all(started)
    assert pool.activeThreadCount() >= 3
    release.set()
    assert future.result(5) is True
    qtbot.waitUntil(lambda: first.idle and second.idle)


def test_a_job_back_after_its_dialog_was_freed_tells_no_one(qtbot: QtBot) -> None:
    import shiboken6
    from PySide6.QtWidgets import QDialog

    runner = TaskRunner()
    dialog = QDialog()
    heard: list[object] = []
    release = threading.Event()
    runner.submit(lambda: release.wait(5), heard.append, heard.append, owner=dialog)
    shiboken6.delete(dialog)
    release.set()
    qtbot.waitUntil(lambda: runner.idle)
    assert heard == []
    alive = QDialog()
    runner.submit(lambda: 7, heard.append, heard.append, owner=alive)
    qtbot.waitUntil(lambda: runner.idle)
    assert heard == [7]
    runner.wait(2000)
