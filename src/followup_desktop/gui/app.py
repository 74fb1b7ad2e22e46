"""The composition root of the window: builds the application, the core and the window.

Database problems that the person can fix are shown as plain messages, never tracebacks;
only a database proven damaged offers to restore the newest automatic backup. A second
launch asked to open another database is told which file Followup has open instead of
silently raising a window that shows other data; it does not switch files, because the
running window may hold a debrief in progress and switching under it is not what a
person who typed a command for another file expects.

Start-up puts the board on screen first. The board of a current SQLite file is read
through the plain sqlite3 driver on a thread of its own, started before Qt loads
(:mod:`~followup_desktop.core.queries.first_board`), and painted; SQLAlchemy, the service
layer, the tray and the reminder scheduler are loaded and set up after that paint, the
database being opened the whole way (:func:`open_database`, with ``quick_check`` and all
its other checks) on the worker thread. The window takes no input until then, so nothing
is written before those checks have passed. Any other file (new, older, damaged so that
the read fails, started minimized) is opened the whole way before the window.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import logging
import os
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMessageBox

from followup_desktop import APP_ID, APP_NAME, __version__
from followup_desktop.core.db import Database, open_database, restore_backup
from followup_desktop.core.dblock import WINDOW, declare_holder
from followup_desktop.core.errors import DatabaseError
from followup_desktop.core.i18n import _
from followup_desktop.core.queries.first_board import (
    FirstBoard,
    discard_first_board,
    start_reading_first_board,
)
from followup_desktop.core.storage_errors import StorageDamaged
from followup_desktop.gui.appearance import apply_appearance, saved_appearance
from followup_desktop.gui.crash import CrashReporter
from followup_desktop.gui.launch_actions import run_launch_actions
from followup_desktop.gui.main_window import MainWindow, StartupSource
from followup_desktop.gui.plain import message_box
from followup_desktop.gui.qt_language import install_qt_language
from followup_desktop.gui.restart import restart_if_requested, set_quitter
from followup_desktop.gui.single_instance import SingleInstance
from followup_desktop.gui.theme import app_icon
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
    app = QApplication(argv if argv is not None else sys.argv[:1])
    # Stock buttons, context menus and Qt's date formats in the person's language.
    install_qt_language(app)
    return app


def _critical(text: str) -> None:
    # Plain text: the message names the file, whose path may hold "<" or "&".
    message_box(None, QMessageBox.Icon.Critical, APP_NAME, text)


def _open_with_recovery(path: Path) -> Database | None:
    try:
        return open_database(path, exclusive=True)
    except StorageDamaged as error:
        log.error("damaged database: %s", error)
        if error.backup is None:
            _critical(_("{error}\n\nThere is no automatic backup.").format(error=error))
            return None
        answer = message_box(
            None,
            QMessageBox.Icon.Question,
            APP_NAME,
            _(
                "{error}\n\nRestore the newest automatic backup ({backup})? "
                "The damaged file is kept beside it."
            ).format(error=error, backup=error.backup.name),
            buttons=QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            default=QMessageBox.StandardButton.Yes,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return None
        try:
            # Proven damaged, so no second question: the damaged file is kept beside it.
            restore_backup(path, error.backup, force=True)
            return open_database(path, exclusive=True)
        except DatabaseError as failure:
            log.error("restore failed: %s", failure)
            _critical(str(failure))
            return None
    except DatabaseError as error:
        log.error("cannot open database: %s", error)
        _critical(str(error))
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


def _watch_integrity(
    db: Database, window: MainWindow, app: QApplication, then: Callable[[], None]
) -> IntegrityWatch:
    """Start the full check; ``then()`` runs on the GUI thread once it has ended, either way."""
    watch = IntegrityWatch(db, app)

    def finished(problem: object) -> None:
        then()
        if problem is None:
            log.info("integrity check passed")
            return
        window.dialogs.warning(
            window,
            _(
                "The database {path} is damaged ({problem}). Nothing more is written to "
                "it. Export what can still be read (File > Export), then quit and restore a "
                "backup (followup-desktop restore-backup)."
            ).format(path=db.path, problem=problem),
        )

    def failed(message: str) -> None:
        then()
        window.dialogs.warning(
            window, _("The database could not be checked: {message}").format(message=message)
        )

    watch.finished.connect(finished)
    watch.failed.connect(failed)
    watch.start()
    return watch


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
        # Through the window's writer, on its worker: queued behind a long write instead
        # of racing it, and off the GUI thread (right after the first paint it is one
        # more pause while the window is still settling).
        window.writer.later(
            _("Checking how your search is going…"), lambda: service.replan([]), quiet=True
        )

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
    db = open_database(path, exclusive=True)
    import followup_desktop.core.services
    import followup_desktop.gui.tray  # noqa: F401 (loaded here, used on the GUI thread)
    from followup_desktop.core.models import configure_orm

    configure_orm()
    return db


def _service(db: Database) -> FollowupService:
    from followup_desktop.core.services import FollowupService

    return FollowupService(db)


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


def _tell_other_database(window: MainWindow, db_path: Path) -> Callable[[str], None]:
    """What the open window says when a later launch asked for another database."""

    def tell(wanted: str) -> None:
        if window.isMinimized():
            window.showNormal()
        window.show()
        window.raise_()
        window.activateWindow()
        window.dialogs.information(
            window,
            _(
                "Another launch asked to open {wanted}, but {app} has {path} "
                "open, and shows one database at a time. To open the other file, quit "
                "this window (File > Quit) and start it again."
            ).format(wanted=wanted, app=APP_NAME, path=db_path),
        )

    return tell


def run_gui(
    db_path: Path,
    *,
    quit_after_show: bool = False,
    minimized: bool = False,
    arguments: Sequence[str] = (),
    first_board: Future[FirstBoard | None] | None = None,
) -> int:
    """Open the window on ``db_path`` (or hand ``arguments`` to a running one).

    The window is shown and painted first (see the module docstring); the tray, the
    notifiers and the reminder scheduler are set up right after that first paint.
    Started minimized, there is no paint to wait for and everything is set up at once.
    ``first_board`` is the board's read started ahead by the command line
    (:func:`start_reading_first_board`); without it the read starts here.
    """
    try:
        return _run_gui(
            db_path,
            quit_after_show=quit_after_show,
            minimized=minimized,
            arguments=arguments,
            first_board=first_board,
        )
    finally:
        gc.enable()  # whatever happened, collection is on again (see _collect_after_paint)


def _collect_after_paint(window: MainWindow) -> None:
    """Turn cyclic garbage collection back on once the window has painted.

    The command line turns it off on the way to the first paint. What start-up built
    lives as long as the app, so it is moved out of the collector's sight first.
    """

    def resume() -> None:
        gc.freeze()
        gc.enable()

    window.first_painted.connect(resume, Qt.ConnectionType.SingleShotConnection)


def _run_gui(
    db_path: Path,
    *,
    quit_after_show: bool,
    minimized: bool,
    arguments: Sequence[str],
    first_board: Future[FirstBoard | None] | None,
) -> int:
    if minimized and first_board is not None:
        discard_first_board(first_board)  # no board to paint: opened the whole way
    ahead = None if minimized else first_board or start_reading_first_board(db_path)
    # The lock this process takes says "window": a command refused meanwhile is told so.
    declare_holder(WINDOW)
    app = make_application()
    instance = SingleInstance(database=db_path)
    if not instance.acquire():
        if ahead is not None:
            discard_first_board(ahead)
        return _hand_over(instance, db_path, arguments)
    opened: list[Database] = []
    # Light, dark, or the desktop's own choice (Settings → Appearance).
    apply_appearance(app, saved_appearance())
    app.setWindowIcon(app_icon())
    # The read started ahead has had all the time above: it has finished by now.
    startup = None if ahead is None else ahead.result()
    if startup is None:
        db = _open_with_recovery(db_path)
        if db is None:
            instance.release()
            return 2
        opened.append(db)
    reporter: CrashReporter | None = None
    watches: list[IntegrityWatch] = []
    try:
        # What start-up has built so far (modules, the application) lives as long as the
        # app: move it out of the collector's sight, so a full collection later scans
        # only the app's own data instead of pausing the window for ~100 ms.
        gc.freeze()
        source = (
            StartupSource(startup.connection, board=startup.data)
            if startup is not None
            else _service(opened[0])
        )
        window = MainWindow(source, passwords=PasswordStore())
        if minimized:
            gc.enable()
        else:
            _collect_after_paint(window)
        _report_first_paint(window)
        reporter = CrashReporter(
            lambda message: window.dialogs.warning(window, message),
            window.dialogs.run,
        )
        reporter.install()
        # Closing the window hides it to the tray; the tray is set up just after the
        # first paint, so keep the app running from the start.
        app.setQuitOnLastWindowClosed(False)
        handed = _wire_instance(app, window, instance, db_path, arguments)

        def set_up(service: FollowupService) -> None:
            watches.append(
                _set_up_tray(
                    app,
                    window,
                    service,
                    handed,
                    minimized=minimized,
                    quit_after_show=quit_after_show,
                )
            )

        _show_window(
            app,
            window,
            db_path,
            opened,
            set_up,
            painted_first=startup is not None,
            minimized=minimized,
        )
        code = app.exec()
    finally:
        if reporter is not None:
            reporter.uninstall()
        instance.release()
        for watch in watches:
            watch.checker.join()  # the check's connection must close before the file does
        for db in opened:
            db.close()
        set_quitter(None)
    # Settings → Language → Restart now: everything above is closed; start again.
    restart_if_requested()
    return code


def _show_window(
    app: QApplication,
    window: MainWindow,
    db_path: Path,
    opened: list[Database],
    set_up: Callable[[FollowupService], None],
    *,
    painted_first: bool,
    minimized: bool,
) -> None:
    """Show the window, and set up the rest once it has painted (unless minimized).

    ``painted_first``: the window shows the board read ahead, and the database is opened
    the whole way after that paint; otherwise it is open already (``opened``).
    """
    if painted_first:
        window.first_painted.connect(
            _open_after_paint(app, window, db_path, opened, set_up),
            Qt.ConnectionType.SingleShotConnection,
        )
        window.show()
        return
    service = _service(opened[0])
    if minimized:
        set_up(service)
    else:
        window.first_painted.connect(lambda: set_up(service))
        window.show()


def _set_up_tray(
    app: QApplication,
    window: MainWindow,
    service: FollowupService,
    handed: _HandedArguments,
    *,
    minimized: bool,
    quit_after_show: bool,
) -> IntegrityWatch:
    """Once the service is there: the tray, then reminders once the full check has ended.

    The reminder scheduler's first check may record a delivery, a write, and writes wait
    for the full integrity check: started at once, it held the GUI thread for most of a
    second on a large file while the check ran.
    """
    tray = _install_tray(app, window, service, minimized=minimized)
    handed.deliver_to(tray)
    _keep_search_nudge_current(service, window, app)

    def checked() -> None:
        if tray.scheduler is not None:
            tray.scheduler.start()
        _warm_up_later(window)
        if quit_after_show:
            # Everything start-up does has run: the window painted, the tray and its
            # reminders armed. The tray's Quit, so a window closed to the background
            # really closes.
            QTimer.singleShot(0, tray.quit)

    return _watch_integrity(service.db, window, app, checked)


# How long after the integrity check the window loads what it will need later: once
# start-up's own work is done, before the person is likely to ask for it.
WARM_UP_AFTER_MS = 1500
# While the worker is busy then, how long until the next try: often enough to find the
# short idle moments between one job and the next.
WARM_UP_RETRY_MS = 50


# What the GUI thread loads ahead (they define Qt classes), one module an event: the
# calendar, Settings, the debrief form.
WARM_UP_MODULES = (
    "followup_desktop.gui.calendar",
    "followup_desktop.gui.settings_dialog",
    "followup_desktop.gui.debrief",
)


def _warm_up_later(window: MainWindow) -> None:
    """Load, while nothing else runs, what opening Settings, a letter, the calendar or a
    debrief would otherwise load on the GUI thread while the person waits: Jinja2 and
    the time zones on the worker (plain Python), then :data:`WARM_UP_MODULES` on the GUI
    thread, each in an event of its own.

    Those only while the worker is idle: each file an import opens lets go of the GIL,
    and with the worker running Python (the templates, a move of 500 cards) every one
    cost the GUI thread a switch interval to get it back, which turned a 20 ms import
    into a 100 ms pause.
    """

    def load(names: tuple[str, ...]) -> None:
        if not names:
            return
        if not window.tasks.idle:
            QTimer.singleShot(WARM_UP_RETRY_MS, window, lambda: load(names))
            return
        importlib.import_module(names[0])
        QTimer.singleShot(0, window, lambda: load(names[1:]))

    def failed(error: BaseException) -> None:
        log.info("warming up the templates failed: %r", error)
        load(WARM_UP_MODULES)

    def warm() -> None:
        window.tasks.submit(
            _warm_up_on_worker,
            lambda _result: load(WARM_UP_MODULES),
            failed,
            quiet=True,
            owner=window,
        )

    QTimer.singleShot(WARM_UP_AFTER_MS, window, warm)


def _warm_up_on_worker() -> None:
    """The plain-Python part of the warm-up: Jinja2 and its templates, the list of time
    zones Settings offers (every zone file is opened to make it), its start-at-login
    code (with its D-Bus library), and the catalogues of every language, in which the
    calendar recognises an invitation's cancelled notes."""
    import followup_desktop.autostart  # noqa: F401 - loaded now, used by Settings
    from followup_desktop.core.ics.notes import is_cancelled_note
    from followup_desktop.core.messages import templates
    from followup_desktop.core.timeutil import canonical_zone_names

    templates.warm_up()
    canonical_zone_names()
    is_cancelled_note("")


def _wire_instance(
    app: QApplication,
    window: MainWindow,
    instance: SingleInstance,
    db_path: Path,
    arguments: Sequence[str],
) -> _HandedArguments:
    """What a second launch hands over, and how the window quits."""
    handed = _HandedArguments(arguments)
    instance.arguments_received.connect(handed.receive)
    # File → Quit and Ctrl+Q end the process; once the tray is there, through its Quit.
    window.on_quit = app.quit
    # Settings → Restart now quits through File → Quit, whatever it is at the time.
    set_quitter(window.request_quit)
    instance.other_database_requested.connect(_tell_other_database(window, db_path))
    return handed


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

    def new_debrief() -> None:
        # The tray's "I just had an interview": its debrief, recording it first if needed.
        window.router.just_interviewed()

    tray = install_tray(
        app,
        window,
        service,
        minimized=minimized,
        start_reminders=False,  # started once the integrity check has ended (run_gui)
        on_open_action=window.open_action,
        on_new_debrief=new_debrief,
        on_change=window.bus.publish,
        undo_stack=window.undo_stack,
        run=window.writer.run,
        # What is due, and the badge's figures, are read on the worker: on a large
        # database those reads would pause the window.
        tasks=window.tasks,
    )
    tray.mailbox_requested.connect(window.open_mailbox)
    scheduler = tray.scheduler
    assert scheduler is not None
    # The window's own changes (a card moved, an action done) re-arm the reminders.
    # The read runs on the window's worker queue: a change must not pause the window.
    window.bus.changed.connect(lambda _change: scheduler.reschedule_later(window.tasks))
    # Files from the command line or a second launch: calendar invitations import;
    # --action (the desktop entry's actions) opens a debrief or the Today panel.
    tray.arguments_received.connect(window.open_arguments)
    tray.arguments_received.connect(lambda given: run_launch_actions(window, given))
    # File → Quit and Ctrl+Q end the process, after the same checks as the tray's Quit.
    window.on_quit = tray.quit
    # However Followup ends, the window saves its state and waits for its jobs, even
    # when it was hidden (a hidden window gets no close event from quitting).
    app.aboutToQuit.connect(window.close)
    return tray
