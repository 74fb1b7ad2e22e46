"""The composition root of the window: builds the application, the core and the window.

Database problems that the person can fix are shown as plain messages, never tracebacks;
a damaged database offers to restore the newest automatic backup.

Start-up puts the board on screen first. A file that passes the checks that come before
anything else (an SQLite file, ``quick_check``, the current schema:
:func:`~followup_desktop.core.plainread.open_current`) is read through the plain sqlite3
driver and painted; SQLAlchemy, the service layer, the tray and the reminder scheduler
are loaded and set up after that paint, the database being opened the whole way
(:func:`open_database`, with all its checks) on the worker thread. The window takes no
input until then, so nothing is written before those checks have passed. Any other file
(new, older, damaged, started minimized) is opened the whole way before the window.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from followup_desktop import APP_ID, APP_NAME, __version__
from followup_desktop.core.change import Change
from followup_desktop.core.db import Database, open_database, restore_backup
from followup_desktop.core.errors import DatabaseDamagedError, DatabaseError
from followup_desktop.core.plainread import open_current
from followup_desktop.gui.crash import CrashReporter
from followup_desktop.gui.main_window import MainWindow, StartupSource
from followup_desktop.gui.single_instance import SingleInstance
from followup_desktop.gui.theme import app_icon, follow_system_color_scheme
from followup_desktop.secrets import PasswordStore

if TYPE_CHECKING:
    from followup_desktop.core.services import FollowupService
    from followup_desktop.gui.tray import TrayController

log = logging.getLogger(__name__)

#: A file descriptor to which the app writes the number of cards on the board once the
#: window has first painted (benchmarks time start-up with it; unset, nothing is written).
FIRST_PAINT_FD_ENV = "FOLLOWUP_FIRST_PAINT_FD"


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


def _report_first_paint(window: MainWindow) -> None:
    descriptor = os.environ.get(FIRST_PAINT_FD_ENV)
    if not descriptor:
        return

    def report() -> None:
        with contextlib.suppress(OSError, ValueError):
            os.write(int(descriptor), f"{len(window.board_model.cards())}\n".encode())

    window.first_painted.connect(report)


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


class _HandedArguments:
    """Files from the command line or a second launch, kept until the tray can take them."""

    def __init__(self, initial: Sequence[str]) -> None:
        self._tray: TrayController | None = None
        self._pending = [list(initial)] if initial else []

    def receive(self, received: Sequence[str]) -> None:
        if self._tray is not None:
            self._tray.handle_arguments(received)
        else:
            self._pending.append(list(received))

    def deliver_to(self, tray: TrayController) -> None:
        self._tray = tray
        for received in self._pending:
            # Once the event loop runs, so the confirmation shows over a painted window.
            QTimer.singleShot(0, lambda received=received: tray.handle_arguments(received))
        self._pending.clear()


def _open_in_background(path: Path) -> Database:
    """Open the database the whole way and load what the window needs next (worker).

    The imports and SQLAlchemy's one-time mapper set-up happen here, off the GUI thread,
    so the painted window does not pause for them.
    """
    db = open_database(path)
    from sqlalchemy.orm import configure_mappers

    import followup_desktop.core.services
    import followup_desktop.gui.tray  # noqa: F401 (loaded here, used on the GUI thread)

    configure_mappers()
    return db


def _service(db: Database) -> FollowupService:
    from followup_desktop.core.services import FollowupService

    return FollowupService(db)


def run_gui(
    db_path: Path,
    *,
    quit_after_show: bool = False,
    minimized: bool = False,
    arguments: Sequence[str] = (),
) -> int:
    """Open the window on ``db_path`` (or hand ``arguments`` to a running one).

    The window is shown and painted first (see the module docstring); the tray, the
    notifiers and the reminder scheduler are set up right after that first paint.
    Started minimized, there is no paint to wait for and everything is set up at once.
    """
    app = make_application()
    instance = SingleInstance()
    if not instance.acquire():
        # Another Followup owns this user's session: it raises its window and takes over.
        log.info("handing over to the running instance")
        return 0 if instance.send(list(arguments)) else 1
    startup = None if minimized else open_current(db_path)
    opened: list[Database] = []
    if startup is None:
        db = _open_with_recovery(db_path)
        if db is None:
            instance.release()
            return 2
        opened.append(db)
    reporter: CrashReporter | None = None
    try:
        follow_system_color_scheme(app)
        app.setWindowIcon(app_icon())
        # What start-up has built so far (modules, the application) lives as long as the
        # app: move it out of the collector's sight, so a full collection later scans
        # only the app's own data instead of pausing the window for ~100 ms.
        gc.freeze()
        source = StartupSource(startup) if startup is not None else _service(opened[0])
        window = MainWindow(source, passwords=PasswordStore())
        _report_first_paint(window)
        reporter = CrashReporter(
            lambda message: window.dialogs.warning(window, message),
            window.dialogs.run,
        )
        reporter.install()
        # Closing the window hides it to the tray; the tray is set up just after the
        # first paint, so keep the app running from the start.
        app.setQuitOnLastWindowClosed(False)
        handed = _HandedArguments(arguments)
        instance.arguments_received.connect(handed.receive)

        def set_up(service: FollowupService) -> None:
            handed.deliver_to(_install_tray(app, window, service, minimized=minimized))
            _keep_search_nudge_current(service, window, app)
            if quit_after_show:
                # Everything start-up does has run: the window painted, the tray armed.
                QTimer.singleShot(0, app.quit)

        if startup is None:
            service = _service(opened[0])
            if minimized:
                set_up(service)
            else:
                window.first_painted.connect(lambda: set_up(service))
                window.show()
        else:
            window.first_painted.connect(
                _open_after_paint(app, window, db_path, opened, set_up),
                Qt.ConnectionType.SingleShotConnection,
            )
            window.show()
        return app.exec()
    finally:
        if reporter is not None:
            reporter.uninstall()
        instance.release()
        for db in opened:
            db.close()


def _open_after_paint(
    app: QApplication,
    window: MainWindow,
    db_path: Path,
    opened: list[Database],
    set_up: Callable[[FollowupService], None],
) -> Callable[[], None]:
    """What runs once the first board has painted: open the database the whole way."""

    def ready(db: Database) -> None:
        opened.append(db)
        service = _service(db)
        window.attach_service(service)
        gc.freeze()  # what the worker loaded lives as long as the app, too
        set_up(service)

    def done(result: object) -> None:
        assert isinstance(result, Database)
        ready(result)

    def failed(error: BaseException) -> None:
        # The whole opening found what the first checks did not (or could not open the
        # file after all): say so as at any start, offering the backup where there is one.
        log.warning("opening after the first paint failed: %s", error, exc_info=error)
        db = _open_with_recovery(db_path)
        if db is None:
            window.hide()
            app.exit(2)
            return
        ready(db)
        window.reload_board()  # a restored backup may hold other cards

    def open_fully() -> None:
        window.tasks.submit(lambda: _open_in_background(db_path), done, failed, quiet=True)

    return open_fully


def _install_tray(
    app: QApplication, window: MainWindow, service: FollowupService, *, minimized: bool
) -> TrayController:
    """The tray, notifiers and reminder scheduler, wired to the window."""
    from followup_desktop.gui.tray import install_tray

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
    tray.mailbox_requested.connect(window.open_mailbox)
    scheduler = tray.scheduler
    assert scheduler is not None
    # The window's own changes (a card moved, an action done) re-arm the reminders.
    window.on_changed = lambda _change: scheduler.reschedule()
    # Files from the command line or a second launch: calendar invitations import.
    tray.arguments_received.connect(window.open_arguments)
    return tray
