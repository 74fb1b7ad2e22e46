"""Agenda query time and start-up time, the latter read against a bare Qt window."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
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


def startup(db_path: Path, runs: int = 5) -> dict[str, float]:
    """Fresh-process time for a bare PySide6 window and for Followup's own window."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    baseline = _median_process_seconds([sys.executable, "-c", BARE_WINDOW], runs, env)
    app = _median_process_seconds(
        [sys.executable, "-m", "followup_desktop", "--db", str(db_path), "--quit-after-show"],
        runs,
        env,
    )
    return {"baseline_qt_window_s": baseline, "startup_s": app, "startup_ratio": app / baseline}


def run(db_path: Path) -> dict[str, float]:
    """All metrics of this module on an existing 10,000-opportunity database."""
    return {"agenda_10k_ms": agenda_ms(db_path), **startup(db_path)}
