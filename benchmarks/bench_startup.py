"""Start-up against the toolkit's floor, and the whole ``agenda`` command.

``first_paint_ratio``: the time from starting the process to the window having painted
its board with every card, over the time a bare PySide6 window takes to its first paint,
both measured from this process in the same run (median of each, alternating runs). The
app reports its first paint, with the number of cards on the board, through the file
descriptor named by ``FOLLOWUP_FIRST_PAINT_FD`` (``gui/app.py``); the bare window reports
its own first paint the same way. ``first_paint_s`` and ``first_paint_floor_s`` are the
two times.

``cli_agenda_s``: the whole ``followup-desktop agenda`` process (Python, imports, opening
and checking the file, reading every open action, printing), median of 7.

Both run on a copy of the database in an isolated home (offscreen Qt, no session bus).
Run alone with ``python benchmarks/bench_startup.py DB``.
"""

from __future__ import annotations

import json
import os
import select
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_core import isolated_env

RUNS = 7
TIMEOUT_S = 120

BARE_WINDOW = r"""
import os, sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication([])
window = QMainWindow()


class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            os.write(int(os.environ["FOLLOWUP_FIRST_PAINT_FD"]), b"0\n")
            window.removeEventFilter(self)
            QTimer.singleShot(0, app.quit)
        return False


first_paint = FirstPaint()
window.installEventFilter(first_paint)
window.resize(1280, 800)
window.show()
app.exec()
"""


def time_to_marker(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Seconds from starting ``command`` to its first-paint line, and the number on it."""
    read_end, write_end = os.pipe()
    try:
        started = time.perf_counter()
        process = subprocess.Popen(
            command,
            env={**env, "FOLLOWUP_FIRST_PAINT_FD": str(write_end)},
            pass_fds=(write_end,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        os.close(write_end)
        write_end = -1
        line = b""
        while not line.endswith(b"\n"):
            ready, _, _ = select.select([read_end], [], [], TIMEOUT_S)
            if not ready:
                process.kill()
                raise TimeoutError(f"no first paint from {command[:3]} in {TIMEOUT_S} s")
            chunk = os.read(read_end, 64)
            if not chunk:
                _, errors = process.communicate(timeout=TIMEOUT_S)
                raise RuntimeError(f"{command[:3]} ended before painting: {errors[-2000:]!r}")
            line += chunk
        elapsed = time.perf_counter() - started
        process.terminate()  # the measurement is done; how the app quits is not timed
        process.communicate(timeout=TIMEOUT_S)
        return elapsed, int(line.strip() or 0)
    finally:
        os.close(read_end)
        if write_end >= 0:
            os.close(write_end)


def first_paint(db_path: Path, runs: int = RUNS) -> dict[str, float]:
    """``first_paint_ratio`` and its two times (see the module docstring)."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        copy = folder / "startup.sqlite3"
        with sqlite3.connect(db_path) as source, sqlite3.connect(copy) as target:
            source.backup(target)
        with sqlite3.connect(copy) as check:
            expected = check.execute("SELECT count(*) FROM opportunities").fetchone()[0]
        env = isolated_env(folder)
        app = [sys.executable, "-m", "followup_desktop", "--db", str(copy)]
        bare = [sys.executable, "-c", BARE_WINDOW]
        time_to_marker(app, env)  # warm-up: file cache, bytecode, delivered reminders
        floor_times, app_times = [], []
        for _ in range(runs):
            floor_times.append(time_to_marker(bare, env)[0])
            elapsed, cards = time_to_marker(app, env)
            if cards != expected:
                raise RuntimeError(f"the board painted {cards} cards of {expected}")
            app_times.append(elapsed)
    floor = statistics.median(floor_times)
    app_s = statistics.median(app_times)
    print(
        f"first paint: app {app_s:.3f} s, bare window {floor:.3f} s "
        f"(app runs {', '.join(f'{t:.2f}' for t in app_times)})",
        file=sys.stderr,
    )
    return {
        "first_paint_s": app_s,
        "first_paint_floor_s": floor,
        "first_paint_ratio": app_s / floor,
    }


def cli_agenda(db_path: Path, runs: int = RUNS) -> dict[str, float]:
    """``cli_agenda_s``: the median wall time of the whole ``agenda`` command."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        copy = folder / "agenda.sqlite3"
        with sqlite3.connect(db_path) as source, sqlite3.connect(copy) as target:
            source.backup(target)
        env = isolated_env(folder)
        command = [sys.executable, "-m", "followup_desktop", "--db", str(copy), "agenda"]
        subprocess.run(command, check=True, env=env, capture_output=True, timeout=TIMEOUT_S)
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            result = subprocess.run(
                command, check=True, env=env, capture_output=True, timeout=TIMEOUT_S
            )
            timings.append(time.perf_counter() - started)
        lines = result.stdout.count(b"\n")
    print(f"cli agenda: {lines} lines in {statistics.median(timings):.3f} s", file=sys.stderr)
    return {"cli_agenda_s": statistics.median(timings)}


def run(db_path: Path) -> dict[str, float]:
    """Every metric of this module on an existing demo database."""
    return {**first_paint(db_path), **cli_agenda(db_path)}


if __name__ == "__main__":
    print(json.dumps(run(Path(sys.argv[1])), indent=2))
