"""The composition root of the window: builds the application, the core and the window.

Database problems that the person can fix are shown as plain messages, never tracebacks;
only a database proven damaged offers to restore the newest automatic backup. A second
launch asked to open another database is told which file Followup has open instead of
silently raising a window that shows other data; it does not switch files, because the
running window may hold a debrief in progress and switching under it is not what a
person who typed a command for another file expects.
"""

from __future__ import annotations

import gc
import logging
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMessageBox

from followup_desktop import APP_ID, APP_NAME, __version__
from followup_desktop.core.db import Database, open_database, restore_backup
from followup_desktop.core.errors import DatabaseError
from followup_desktop.core.services import Change, FollowupService
from followup_desktop.core.storage_errors import StorageDamaged
from followup_desktop.gui.crash import CrashReporter
from followup_desktop.gui.main_window import MainWindow
from followup_desktop.gui.single_instance import SingleInstance
from followup_desktop.gui.theme import app_icon, follow_system_color_scheme
from followup_desktop.gui.tray import install_tray
from followup_desktop.secrets import PasswordStore

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
        return open_database(path, exclusive=True)
    except StorageDamaged as error:
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
        try:
            # Proven damaged, so no second question: the damaged file is kept beside it.
            restore_backup(path, error.backup, force=True)
            return open_database(path, exclusive=True)
        except DatabaseError as failure:
            log.error("restore failed: %s", failure)
            QMessageBox.critical(None, APP_NAME, str(failure))
            return None
    except DatabaseError as error:
        log.error("cannot open database: %s", error)
        QMessageBox.critical(None, APP_NAME, str(error))
        return None


class IntegrityWatch(QObject):
    """Runs the full integrity check on its own thread after start; reports on the GUI thread.

    ``quick_check`` at opening misses damage inside indexes; the full check finds it but
    takes most of a second on a large file, so it runs beside the window (SQLite releases
    the GIL while it reads) and not on the worker, where it would delay the Today panel.
    Writes wait for it in the core (:class:`~followup_desktop.core.db.IntegrityGate`).
    """

    #: The finding (a string) when the file is damaged, None when it is sound.
    finished = Signal(object)
    #: The check could not run (an environmental error: its message).
    failed = Signal(str)

    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.checker = threading.Thread(target=self._run, name="integrity-check", daemon=True)

    def start(self) -> None:
        """Begin the check."""
        self.checker.start()

    def _run(self) -> None:
        try:
            problem = self.db.verify()
        except DatabaseError as error:
            self.failed.emit(str(error))
        else:
            self.finished.emit(problem)


def _watch_integrity(db: Database, window: MainWindow, app: QApplication) -> IntegrityWatch:
    watch = IntegrityWatch(db, app)

    def finished(problem: object) -> None:
        if problem is None:
            log.info("integrity check passed")
            return
        window.dialogs.warning(
            window,
            f"The database {db.path} is damaged ({problem}). Nothing more is written to "
            "it. Export what can still be read (File > Export), then quit and restore a "
            "backup (followup-desktop restore-backup).",
        )

    def failed(message: str) -> None:
        window.dialogs.warning(window, f"The database could not be checked: {message}")

    watch.finished.connect(finished)
    watch.failed.connect(failed)
    watch.start()
    return watch


def _keep_search_nudge_current(
    service: FollowupService, window: MainWindow, app: QApplication
) -> QTimer:
    """Re-plan the search-wide nudge now and every hour.

    "Nothing added in the last seven days" depends on the clock, not only on changes, so
    the nudge must be re-checked as time passes; it is one small query.
    """

    def refresh() -> None:
        window.apply_change(service.replan([]))

    timer = QTimer(app)
    timer.setInterval(60 * 60 * 1000)
    timer.timeout.connect(refresh)
    timer.start()
    QTimer.singleShot(0, refresh)
    return timer


def _hand_over(instance: SingleInstance, db_path: Path, arguments: Sequence[str]) -> int:
    """Another Followup owns this user's session: it raises its window and takes over.

    Unless it has another database open: then say so and stop (exit code 4), rather
    than show the person a window with other data than they asked for.
    """
    log.info("handing over to the running instance")
    if instance.send(list(arguments)):
        return 0
    if instance.running_database is not None:
        print(  # noqa: T201 - the person launched us from somewhere: say why we stop
            f"{APP_NAME} is already open on another database, "
            f"{instance.running_database}; {db_path} was not opened. Quit the open "
            "window first (File > Quit), then open this file.",
            file=sys.stderr,
        )
        return 4
    return 1


def run_gui(
    db_path: Path,
    *,
    quit_after_show: bool = False,
    minimized: bool = False,
    arguments: Sequence[str] = (),
) -> int:
    """Open the window on ``db_path`` (or hand ``arguments`` to a running one)."""
    app = make_application()
    instance = SingleInstance(database=db_path)
    if not instance.acquire():
        return _hand_over(instance, db_path, arguments)
    db = _open_with_recovery(db_path)
    if db is None:
        instance.release()
        return 2
    reporter: CrashReporter | None = None
    watch: IntegrityWatch | None = None
    try:
        follow_system_color_scheme(app)
        app.setWindowIcon(app_icon())
        service = FollowupService(db)
        # What start-up has built so far (modules, the application) lives as long as the
        # app: move it out of the collector's sight, so a full collection later scans
        # only the app's own data instead of pausing the window for ~100 ms.
        gc.freeze()
        window = MainWindow(service, passwords=PasswordStore())
        reporter = CrashReporter(
            lambda message: window.dialogs.warning(window, message),
            window.dialogs.run,
        )
        reporter.install()

        def window_changed(change: object) -> None:
            if isinstance(change, Change):
                window.apply_change(change)

        def new_debrief() -> None:
            window.new_debrief()

        tray = install_tray(
            app,
            window,
            service,
            minimized=minimized,
            on_open_action=window.open_action,
            on_new_debrief=new_debrief,
            on_change=window_changed,
        )
        scheduler = tray.scheduler
        assert scheduler is not None
        # The window's own changes (a card moved, an action done) re-arm the reminders.
        window.on_changed = lambda _change: scheduler.reschedule()
        _keep_search_nudge_current(service, window, app)
        watch = _watch_integrity(db, window, app)
        # Files from the command line or a second launch: calendar invitations import.
        tray.arguments_received.connect(window.open_arguments)
        instance.arguments_received.connect(tray.handle_arguments)

        def other_database(wanted: str) -> None:
            tray.show_window()
            window.dialogs.information(
                window,
                f"Another launch asked to open {wanted}, but {APP_NAME} has {db_path} "
                "open, and shows one database at a time. To open the other file, quit "
                "this window (File > Quit) and start it again.",
            )

        instance.other_database_requested.connect(other_database)
        if arguments:
            initial = list(arguments)
            # Once the event loop runs, so the confirmation shows over a painted window.
            QTimer.singleShot(0, lambda: tray.handle_arguments(initial))
        if quit_after_show:
            # Zero-delay: runs once the event loop has processed the show and first paint.
            QTimer.singleShot(0, app.quit)
        return app.exec()
    finally:
        if reporter is not None:
            reporter.uninstall()
        instance.release()
        if watch is not None:
            watch.checker.join()  # the check's connection must close before the file does
        db.close()
