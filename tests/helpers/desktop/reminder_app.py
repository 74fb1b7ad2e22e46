"""Followup's tray and reminders in a process of their own, narrating on stdout.

Tests and the latency benchmark start this on a :class:`~desktop.stack.DesktopStack`
display and bus, the way the app runs after ``install_tray`` in the composition root,
with the window closed (started minimized). Lines it prints:

``STATUS tray=<bool> notifier=<name> window=<bool>`` when that changes,
``DELIVERED <channel>`` per announcement, ``CHANGED`` after a button changed an action.
"""

from __future__ import annotations

# ruff: noqa: T201 - narrating on stdout is this helper's job
import argparse
import signal
import sys
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QMainWindow

from followup_desktop.core.db import open_database
from followup_desktop.core.services import FollowupService
from followup_desktop.gui.app import make_application
from followup_desktop.gui.tray import install_tray


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--settings", type=Path, required=True)
    args = parser.parse_args()

    app = make_application([sys.argv[0]])
    db = open_database(args.db)
    window = QMainWindow()
    window.setWindowTitle("Followup")
    settings = QSettings(str(args.settings), QSettings.Format.IniFormat)
    controller = install_tray(app, window, FollowupService(db), minimized=True, settings=settings)
    scheduler = controller.scheduler
    assert scheduler is not None and controller.notifier is not None
    scheduler.delivered.connect(lambda _plan, channel: print(f"DELIVERED {channel}", flush=True))
    scheduler.changed.connect(lambda _change: print("CHANGED", flush=True))

    last = [""]

    def report() -> None:
        first = controller.notifier.first_available() if controller.notifier else None
        line = (
            f"STATUS tray={controller.in_tray} notifier={first.name if first else None} "
            f"window={window.isVisible()}"
        )
        if line != last[0]:
            last[0] = line
            print(line, flush=True)

    ticker = QTimer()
    ticker.timeout.connect(report)  # also lets Python run its signal handlers
    ticker.start(50)
    signal.signal(signal.SIGTERM, lambda *_args: app.quit())
    report()
    try:
        return app.exec()
    finally:
        db.close()


if __name__ == "__main__":
    sys.exit(main())
