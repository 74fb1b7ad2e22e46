"""What opening and closing the opportunity editor costs in memory, in a fresh process.

``editor_rss_growth_mb_10_opens``: resident memory after ten opens and closes of one
opportunity's editor, less the memory after the first (a freed editor leaves nothing).
``editor_widgets_left_10_opens``: live widgets left over by those ten opens.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

SCRIPT = r"""
import gc, json, sys, tempfile
from pathlib import Path
from PySide6.QtCore import QCoreApplication, QEvent, QSettings, QTimer
from PySide6.QtWidgets import QApplication

app = QApplication([])
from followup_desktop.core.db import open_database
from followup_desktop.core.services import FollowupService
from followup_desktop.gui.dialogs import Dialogs
from followup_desktop.gui.main_window import MainWindow


class Closing(Dialogs):
    def run(self, dialog):
        QTimer.singleShot(0, dialog.reject)
        return dialog.exec()


def settle():
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        app.processEvents()
    gc.collect()


def rss_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


service = FollowupService(open_database(Path(sys.argv[1])))
settings = QSettings(str(Path(tempfile.mkdtemp()) / "w.ini"), QSettings.Format.IniFormat)
window = MainWindow(service, dialogs=Closing(), settings=settings)
window.show()
while not window.settled:
    window.tasks.wait()
    app.processEvents()
card = window.board.columns[1].view.proxy.id_at(0)
window.router.open_opportunity(card)
settle()
before, widgets = rss_mb(), len(QApplication.allWidgets())
for _ in range(10):
    window.router.open_opportunity(card)
    settle()
print(json.dumps({
    "editor_rss_growth_mb_10_opens": rss_mb() - before,
    "editor_widgets_left_10_opens": len(QApplication.allWidgets()) - widgets,
}))
"""


def run(db_path: Path) -> dict[str, float]:
    """Editor memory on a copy of the demo database (the editor's Apply could write)."""
    folder = tempfile.mkdtemp()
    try:
        copy = Path(folder) / "dialogs.sqlite3"
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
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {key: statistics.median(float(r[key]) for r in results) for key in results[0]}


if __name__ == "__main__":
    print(json.dumps(run(Path(sys.argv[1])), indent=2))
