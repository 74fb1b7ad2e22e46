"""Checking the mailbox at an interval while Followup runs in the tray.

A timer starts a check on a worker thread every ``check_minutes`` of the incoming
account (never when none is set up, disabled, or set to 0). A check that fails —
offline, asleep, a server that does not answer — is reported once in words and simply
tried again at the next interval; checks never overlap and never block the window.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from followup_desktop.core.errors import FollowupError
from followup_desktop.core.mailbox.account import load_incoming
from followup_desktop.core.services import FollowupService
from followup_desktop.gui.mailbox.proposals import CheckerFactory, default_checker
from followup_desktop.gui.tasks import TaskRunner
from followup_desktop.secrets import PasswordStore


class MailboxPoller(QObject):
    """Runs mailbox checks at the account's interval; reports what waits or what failed."""

    found = Signal(int)  # proposals waiting after a check
    failed = Signal(str)

    def __init__(
        self,
        service: FollowupService,
        parent: QObject | None = None,
        *,
        tasks: TaskRunner | None = None,
        passwords: PasswordStore | None = None,
        make_checker: CheckerFactory = default_checker,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.tasks = tasks or TaskRunner(self)
        self.passwords = passwords or PasswordStore()
        self._make_checker = make_checker
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check_now)
        self.running = False
        self.waiting = 0
        self.last_error = ""

    def start(self) -> bool:
        """Arm the timer from the stored account; False when no interval applies."""
        account = load_incoming(self.service)
        if account is None or not account.enabled or account.check_minutes == 0:
            self.timer.stop()
            return False
        self.timer.start(account.check_minutes * 60_000)
        return True

    def check_now(self) -> None:
        """Start one check unless one is running."""
        if self.running:
            return
        from followup_desktop.mailbox_login import password_for

        service, passwords, make = self.service, self.passwords, self._make_checker

        def work() -> int:
            checker = make(service)
            checker.scan(password_for(service, checker.require_account(), passwords))
            return len(checker.proposals())

        self.running = True
        self.tasks.submit(work, self._done, self._failed, quiet=True)

    def _done(self, waiting: object) -> None:
        self.running = False
        self.last_error = ""
        self.waiting = int(waiting) if isinstance(waiting, int) else 0
        self.found.emit(self.waiting)

    def _failed(self, error: BaseException) -> None:
        self.running = False
        message = str(error) if isinstance(error, FollowupError) else type(error).__name__
        # Said once per kind of trouble: an offline laptop must not nag every interval.
        if message != self.last_error:
            self.last_error = message
            self.failed.emit(message)
