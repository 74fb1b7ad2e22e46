"""The composition root of the window: builds the application, the core and the window.

Database problems that the person can fix are shown as plain messages, never tracebacks;
a damaged database offers to restore the newest automatic backup.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from followup_desktop import APP_ID, APP_NAME, __version__
from followup_desktop.core.db import Database, open_database, restore_backup
from followup_desktop.core.errors import DatabaseDamagedError, DatabaseError
from followup_desktop.core.services import FollowupService
from followup_desktop.gui.main_window import MainWindow

log = logging.getLogger(__name__)


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication, named so settings, notifications and the desktop entry agree."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QApplication.setApplicationName(APP_NAME)
    QApplication.setOrganizationName(APP_NAME)
    QApplication.setApplicationVersion(__version__)
    QApplication.setDesktopFileName(APP_ID)
    return QApplication(argv if argv is not None else sys.argv[:1])


def _open_with_recovery(path: Path) -> Database | None:
    try:
        return open_database(path)
    except DatabaseDamagedError as error:
        log.error("damaged database: %s", error)
        if error.backup is None:
            QMessageBox.critical(None, APP_NAME, f"{error}\n\nThere is no automatic backup.")
            return None
        answer = QMessageBox.question(
            None,
            APP_NAME,
            f"{error}\n\nRestore the newest automatic backup ({error.backup.name})? "
            "The damaged file is kept beside it.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return None
        restore_backup(path, error.backup)
        return open_database(path)
    except DatabaseError as error:
        log.error("cannot open database: %s", error)
        QMessageBox.critical(None, APP_NAME, str(error))
        return None


def run_gui(db_path: Path, *, quit_after_show: bool = False) -> int:
    """Open the window on ``db_path``; returns the exit code."""
    app = make_application()
    db = _open_with_recovery(db_path)
    if db is None:
        return 2
    try:
        window = MainWindow(FollowupService(db))
        window.show()
        if quit_after_show:
            # Zero-delay: runs once the event loop has processed the show and first paint.
            QTimer.singleShot(0, app.quit)
        return app.exec()
    finally:
        db.close()
