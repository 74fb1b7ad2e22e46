"""Board timings on a 10,000-opportunity database, each measured in a fresh process.

``board_load_ms``: from nothing to a window with a painted board (query, models, paint).
``board_filter_ms``: one keystroke in the search box until the board is repainted.
``board_move_ms``: dropping a card into another column until the board shows it there
(service call with its history row and re-plan, incremental model update, repaint).
``app_rss_mb_10k``: resident memory of the process with the board shown.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

SCRIPT = r"""
import json, os, statistics, sys, tempfile, time
from pathlib import Path
from PySide6.QtCore import QCoreApplication, QEvent, QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

app = QApplication([])
from followup_desktop.core.db import open_database
from followup_desktop.core.services import FollowupService
from followup_desktop.gui.dialogs import Dialogs
from followup_desktop.gui.main_window import MainWindow

db = open_database(Path(sys.argv[1]))
service = FollowupService(db)
import gc
gc.freeze()  # as run_gui() does before it builds the window
settings = QSettings(str(Path(tempfile.mkdtemp()) / "w.ini"), QSettings.Format.IniFormat)


def painted(window):
    window.repaint()  # synchronous: returns once every visible widget has painted
    app.processEvents()


def settled(window):
    # Let the window finish what it reads after the first paint (the Today panel, the
    # search text), so one measurement does not run into the previous one's work.
    while not window.settled:
        window.tasks.wait()
        app.processEvents()


def load_once():
    started = time.perf_counter()
    window = MainWindow(service, dialogs=Dialogs(), settings=settings)
    window.resize(1600, 1000)
    window.show()
    painted(window)
    return (time.perf_counter() - started) * 1000, window


loads = []
window = None
for _ in range(5):
    elapsed, window = load_once()
    loads.append(elapsed)
    settled(window)
    if len(loads) < 5:
        window.close()
        window.deleteLater()
        # deleteLater() waits for an event loop; run the deletion now, or every earlier
        # window would stay in memory and count in the resident size below.
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        app.processEvents()

filters = []
for text in ("a", "ac", "acm", "ac", "a", "", "s", "so", "s", ""):
    started = time.perf_counter()
    window.search.setText(text)
    painted(window)
    filters.append((time.perf_counter() - started) * 1000)
keystroke = []
window.search.clear()
window.search.setFocus()
for key in "enginer":
    started = time.perf_counter()
    QTest.keyClick(window.search, key)
    painted(window)
    keystroke.append((time.perf_counter() - started) * 1000)
window.search.clear()
painted(window)

moves = []
columns = window.board.columns
source, target = columns[1], columns[2]
for _ in range(9):
    card = source.view.proxy.id_at(0)
    started = time.perf_counter()
    window.handle_drop([card], target.stage.id, 0)
    painted(window)
    moves.append((time.perf_counter() - started) * 1000)
    assert target.view.proxy.id_at(0) == card
    settled(window)  # the Today panel re-reads after each move, off the GUI thread
    source, target = target, source

rss_kb = 0
with open("/proc/self/status") as status:
    for line in status:
        if line.startswith("VmRSS:"):
            rss_kb = int(line.split()[1])
print(json.dumps({
    "cards": len(window.board_model.cards()),
    "board_load_ms": statistics.median(loads),
    "board_load_first_ms": loads[0],
    "board_filter_ms": statistics.median(filters + keystroke),
    "board_filter_max_ms": max(filters + keystroke),
    "board_move_ms": statistics.median(moves),
    "board_move_max_ms": max(moves),
    "app_rss_mb_10k": rss_kb / 1024,
}))
"""


def run(db_path: Path) -> dict[str, float]:
    """Board metrics on an existing 10,000-opportunity database (copied, never changed)."""
    import shutil
    import sqlite3
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        # Moves write to the database; work on a copy so the demo file stays as built.
        copy = Path(folder) / "board.sqlite3"
        with sqlite3.connect(db_path) as source, sqlite3.connect(copy) as target:
            source.backup(target)
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=folder)
        results = []
        for _ in range(3):
            output = subprocess.run(
                [sys.executable, "-c", SCRIPT, str(copy)],
                check=True,
                capture_output=True,
                text=True,
                env=env,
                timeout=600,
            ).stdout
            results.append(json.loads(output.strip().splitlines()[-1]))
        shutil.rmtree(folder, ignore_errors=True)
    print(f"board: {results[0]['cards']} cards", file=sys.stderr)
    keys = [key for key in results[0] if key != "cards"]
    return {key: statistics.median(float(result[key]) for result in results) for key in keys}


if __name__ == "__main__":
    print(json.dumps(run(Path(sys.argv[1])), indent=2))
