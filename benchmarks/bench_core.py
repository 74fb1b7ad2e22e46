"""Agenda query time and start-up time, the latter read against a bare Qt window; the
cost of the window's check for other programs' changes (``data_version_poll_us``)."""

from __future__ import annotations

import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE_WINDOW = """
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
window.show()
QTimer.singleShot(0, app.quit)
app.exec()
"""


def _median_process_seconds(command: list[str], runs: int, env: dict[str, str]) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, env=env, capture_output=True, timeout=120)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def agenda_ms(db_path: Path, runs: int = 7) -> float:
    """Median time to read the whole agenda of ``db_path``."""
    from followup_desktop.core.agenda import agenda
    from followup_desktop.core.db import open_database
    from followup_desktop.core.timeutil import local_zone, utcnow

    db = open_database(db_path)
    timings = []
    try:
        for _ in range(runs):
            started = time.perf_counter()
            with db.session() as session:
                items = agenda(session, utcnow(), local_zone())
            timings.append((time.perf_counter() - started) * 1000)
        print(f"agenda: {len(items)} open actions", file=sys.stderr)
    finally:
        db.close()
    return statistics.median(timings)


def isolated_env(folder: Path) -> dict[str, str]:
    """Offscreen Qt and per-user folders inside ``folder``, so nothing of the user's is touched."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(folder))
    for variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        path = folder / variable.lower()
        path.mkdir(exist_ok=True)
        env[variable] = str(path)
    runtime = folder / "runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    env["XDG_RUNTIME_DIR"] = str(runtime)
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    return env


def startup(db_path: Path, runs: int = 5) -> dict[str, float]:
    """Fresh-process time for a bare PySide6 window and for Followup's own window.

    The app runs on a copy: starting it records delivered reminders in the database.
    ``--quit-after-show`` quits once the whole start-up has run (the board painted, the
    database opened the whole way after that paint, the tray and reminders set up), so
    ``startup_s`` is the whole process; ``first_paint_ratio`` (bench_startup) is the time
    to the painted board.
    """
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        copy = folder / "startup.sqlite3"
        with sqlite3.connect(db_path) as source, sqlite3.connect(copy) as target:
            source.backup(target)
        env = isolated_env(folder)
        baseline = _median_process_seconds([sys.executable, "-c", BARE_WINDOW], runs, env)
        command = [sys.executable, "-m", "followup_desktop", "--db", str(copy)]
        app = _median_process_seconds([*command, "--quit-after-show"], runs, env)
    return {"baseline_qt_window_s": baseline, "startup_s": app, "startup_ratio": app / baseline}


def data_version_poll_us(db_path: Path, polls: int = 5000) -> float:
    """One look at ``PRAGMA data_version``, as the active window makes every 1.5 s."""
    import shutil

    from followup_desktop.core.data_version import DataVersionWatch
    from followup_desktop.core.db import open_database

    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "poll.sqlite3"
        shutil.copyfile(db_path, copy)
        db = open_database(copy)
        watch = DataVersionWatch(db)
        try:
            started = time.perf_counter()
            for _ in range(polls):
                watch.changed_elsewhere()
            return (time.perf_counter() - started) / polls * 1e6
        finally:
            watch.close()
            db.close()


def run(db_path: Path) -> dict[str, float]:
    """All metrics of this module on an existing 10,000-opportunity database."""
    return {
        "agenda_10k_ms": agenda_ms(db_path),
        "data_version_poll_us": data_version_poll_us(db_path),
        **startup(db_path),
    }
