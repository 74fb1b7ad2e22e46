"""Running SMTP work off the GUI thread, with progress, cancel and a plain-words result.

One job at a time per composer, on a serial queue of the application's one worker pool
(:mod:`followup_desktop.gui.tasks`). The job reports through signals, which Qt delivers
in the GUI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from followup_desktop.core.errors import FollowupError
from followup_desktop.core.i18n import _
from followup_desktop.core.messages.smtp import (
    Progress,
    SendError,
    SendErrorKind,
    SmtpSender,
)
from followup_desktop.gui.tasks import Lane

SenderFactory = Callable[[str | None], SmtpSender]


class TaskSignals(QObject):
    """What a background SMTP job reports."""

    progress = Signal(str)
    succeeded = Signal()
    failed = Signal(str, str)  # message, SendErrorKind value


class SmtpJob:
    """Read the password, then connect and do ``work``; cancellable from any thread."""

    def __init__(
        self,
        read_password: Callable[[], str | None],
        make_sender: SenderFactory,
        work: Callable[[SmtpSender, Progress], None],
    ) -> None:
        self._read_password = read_password
        self._make_sender = make_sender
        self._work = work
        self._lock = threading.Lock()
        self._cancelled = False
        self._sender: SmtpSender | None = None

    def cancel(self) -> None:
        """Stop as soon as possible."""
        with self._lock:
            self._cancelled = True
            sender = self._sender
        if sender is not None:
            sender.cancel()

    def run(self, progress: Progress) -> None:
        """Do the work (on the worker thread); raise SendError on failure."""
        progress(_("Reading the password…"))
        password = self._read_password()
        with self._lock:
            if self._cancelled:
                raise SendError(
                    SendErrorKind.CANCELLED, _("Sending was cancelled; nothing was sent.")
                )
            self._sender = self._make_sender(password)
        self._work(self._sender, progress)


def _run(job: SmtpJob, signals: TaskSignals) -> None:
    try:
        job.run(signals.progress.emit)
    except SendError as error:
        signals.failed.emit(str(error), str(error.kind))
    except FollowupError as error:  # e.g. the password store could not be read
        signals.failed.emit(str(error), str(SendErrorKind.LOGIN))
    else:
        signals.succeeded.emit()


class SmtpRunner(QObject):
    """Starts one SMTP job at a time on its own thread and relays what it reports."""

    progress = Signal(str)
    succeeded = Signal()
    failed = Signal(str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lane = Lane()
        self._job: SmtpJob | None = None
        self._signals: TaskSignals | None = None

    @property
    def busy(self) -> bool:
        """True while a job runs."""
        return self._job is not None

    def start(self, job: SmtpJob) -> None:
        """Run ``job`` on the worker thread."""
        if self._job is not None:
            raise RuntimeError("a job is already running")
        self._job = job
        signals = TaskSignals()
        signals.progress.connect(self.progress)
        signals.succeeded.connect(self._on_succeeded)
        signals.failed.connect(self._on_failed)
        self._signals = signals
        self._lane.put(lambda: _run(job, signals))

    def cancel(self) -> None:
        """Ask the running job to stop."""
        if self._job is not None:
            self._job.cancel()

    def wait(self, milliseconds: int = 10_000) -> bool:
        """Block until the worker is idle (used when the window closes)."""
        return self._lane.wait(milliseconds)

    def _on_succeeded(self) -> None:
        self._job = None
        self.succeeded.emit()

    def _on_failed(self, message: str, kind: str) -> None:
        self._job = None
        self.failed.emit(message, kind)
