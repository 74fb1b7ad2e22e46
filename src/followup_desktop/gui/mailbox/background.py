"""Checking the mailbox while Followup runs in the tray: as mail arrives, and at an interval.

Where the server offers IMAP IDLE (RFC 2177), a Python thread of its own keeps one
read-only connection waiting on the inbox and checks as soon as the server reports new
mail (see ``core.mailbox.watch``: renewed every 25 minutes, connecting again with a
growing pause after a failure or a sleep). A timer also starts a check on the window's
worker thread every ``check_minutes`` of the incoming account — skipped while IDLE
watches, the only checks where the server offers no IDLE. Nothing runs when no account
is set up, it is disabled, or set to 0 ("only when I ask"). A check that fails —
offline, asleep, a server that does not answer — is reported once in words and simply
tried again; checks never overlap and never block the window. :meth:`stop` (connected
to the application's quit) ends the wait within about a second.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from followup_desktop.core.errors import FollowupError
from followup_desktop.core.mailbox.account import load_incoming
from followup_desktop.core.mailbox.check import MailboxChecker
from followup_desktop.core.mailbox.watch import IDLE_SECONDS, MailboxWatcher, WatchEvents
from followup_desktop.core.services import FollowupService
from followup_desktop.gui.mailbox.proposals import CheckerFactory, default_checker
from followup_desktop.gui.tasks import TaskRunner
from followup_desktop.secrets import PasswordStore

# How long quitting waits for the watch to log out before leaving it to the OS.
STOP_WAIT_SECONDS = 3.0


class MailboxPoller(QObject):
    """Runs mailbox checks as mail arrives and at the account's interval; reports what
    waits or what failed."""

    found = Signal(int)  # proposals waiting after a check
    failed = Signal(str)
    watching_changed = Signal(bool)  # True while IDLE waits for new mail
    # From the watch thread; delivered on the window's thread (queued).
    _watch_found = Signal(int)
    _watch_failed = Signal(str)
    _watch_state = Signal(bool)

    def __init__(
        self,
        service: FollowupService,
        parent: QObject | None = None,
        *,
        tasks: TaskRunner | None = None,
        passwords: PasswordStore | None = None,
        make_checker: CheckerFactory = default_checker,
        idle: bool = True,
        idle_seconds: float = IDLE_SECONDS,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.tasks = tasks or TaskRunner(self)
        self.passwords = passwords or PasswordStore()
        self._make_checker = make_checker
        self.idle = idle
        self.idle_seconds = idle_seconds
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)
        self.running = False
        self.waiting = 0
        self.last_error = ""
        self.watching = False
        self.watcher: MailboxWatcher | None = None
        self._thread: threading.Thread | None = None
        self._watch_found.connect(self._done)
        self._watch_failed.connect(self._report)
        self._watch_state.connect(self._set_watching)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop)

    def start(self) -> bool:
        """Arm the timer and the IDLE watch from the stored account; False when no
        interval applies."""
        self.stop()
        account = load_incoming(self.service)
        if account is None or not account.enabled or account.check_minutes == 0:
            return False
        self.timer.start(account.check_minutes * 60_000)
        if self.idle:
            self._start_watch()
        return True

    def _password(self, checker: MailboxChecker) -> str:
        from followup_desktop.mailbox_login import password_for

        return password_for(self.service, checker.require_account(), self.passwords)

    def _start_watch(self) -> None:
        service, make = self.service, self._make_checker
        watcher = MailboxWatcher(
            lambda: make(service),
            self._password,
            WatchEvents(self._watch_found.emit, self._watch_failed.emit, self._watch_state.emit),
            idle_seconds=self.idle_seconds,
        )
        thread = threading.Thread(target=watcher.run, name="followup-mailbox-idle", daemon=True)
        self.watcher, self._thread = watcher, thread
        thread.start()

    def stop(self) -> None:
        """Stop the timer and end the IDLE watch (it logs out within about a second)."""
        self.timer.stop()
        watcher, thread = self.watcher, self._thread
        self.watcher, self._thread = None, None
        if watcher is not None:
            watcher.stop()
        if thread is not None:
            thread.join(STOP_WAIT_SECONDS)
        self._set_watching(False)

    def _tick(self) -> None:
        # Kept while IDLE watches too: the Sent folder is not watched, and a watch that
        # cannot notice mail must never mean no checks at all.
        self.check_now()

    def check_now(self) -> None:
        """Start one check unless one is running."""
        if self.running:
            return
        service, make = self.service, self._make_checker
        password = self._password

        def work() -> int:
            checker = make(service)
            checker.scan(password(checker))
            return len(checker.proposals())

        self.running = True
        self.tasks.submit(work, self._checked, self._failed, quiet=True)

    def _checked(self, waiting: object) -> None:
        self.running = False
        self._done(int(waiting) if isinstance(waiting, int) else 0)

    def _done(self, waiting: int) -> None:
        self.last_error = ""
        self.waiting = waiting
        self.found.emit(self.waiting)

    def _failed(self, error: BaseException) -> None:
        self.running = False
        self._report(str(error) if isinstance(error, FollowupError) else type(error).__name__)

    def _report(self, message: str) -> None:
        # Said once per kind of trouble: an offline laptop must not nag every interval.
        if message != self.last_error:
            self.last_error = message
            self.failed.emit(message)

    def _set_watching(self, watching: bool) -> None:
        if watching != self.watching:
            self.watching = watching
            self.watching_changed.emit(watching)
