"""What a test must not leave behind: unexpected warnings, running timers and threads.

:class:`Guard` watches one test. It collects the app's log records at WARNING and above
(loggers under ``followup_desktop``) and Qt's warnings outside pytest-qt's own capture,
which ends with the test's call (so a warning while a window closes in teardown counts
too). At the end it lists what was not declared expected, any ``QTimer`` still active,
and any non-daemon thread, thread pool task or ``QThread`` still running.

A test declares the warnings it provokes with ``@pytest.mark.expected_log("regex", ...)``
or the ``expected_logs`` fixture (``expected_logs.expect("regex")``); Qt warnings with
pytest-qt's ``@pytest.mark.qt_log_ignore``.
"""

from __future__ import annotations

import gc
import logging
import re
import threading
import time
from collections.abc import Iterable

import shiboken6
from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QMessageLogContext,
    QObject,
    QThread,
    QThreadPool,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)

APP_LOGGER = "followup_desktop"
# How long a thread or pool may take to finish after teardown before it counts as left.
GRACE_SECONDS = 2.0

_QT_LEVELS = {
    QtMsgType.QtWarningMsg: "WARNING",
    QtMsgType.QtCriticalMsg: "CRITICAL",
    QtMsgType.QtFatalMsg: "FATAL",
}


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class QtMessages:
    """Qt's warnings while pytest-qt's handler is not installed (it restores this one)."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, str]] = []

    def install(self) -> None:
        qInstallMessageHandler(self._handle)

    def _handle(self, kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
        level = _QT_LEVELS.get(kind)
        if level is not None:
            self.messages.append((level, message))


def _active_timers() -> list[QTimer]:
    return [
        wrapper
        for wrapper in shiboken6.Shiboken.getAllValidWrappers()
        if isinstance(wrapper, QTimer) and wrapper.isActive()
    ]


def _busy_pools() -> list[QObject]:
    return [
        wrapper
        for wrapper in shiboken6.Shiboken.getAllValidWrappers()
        if (isinstance(wrapper, QThreadPool) and wrapper.activeThreadCount() > 0)
        or (isinstance(wrapper, QThread) and wrapper.isRunning())
    ]


def _still_busy(item: QObject) -> bool:
    if isinstance(item, QThreadPool):
        return item.activeThreadCount() > 0
    return isinstance(item, QThread) and item.isRunning()


def _describe(item: QObject) -> str:
    owners: list[str] = []
    parent = item.parent()
    while parent is not None and len(owners) < 4:
        owners.append(_name(parent))
        parent = parent.parent()
    detail = _name(item)
    if isinstance(item, QTimer):
        detail += f" every {item.interval()} ms"
        if item.isSingleShot():
            detail += " (single shot)"
    return detail + (f" in {' in '.join(owners)}" if owners else " without a parent")


def _name(item: QObject) -> str:
    name = item.objectName()
    return f"{type(item).__name__} {name!r}" if name else type(item).__name__


class Guard:
    """One test's watch; :meth:`problems` says what it found, as lines."""

    def __init__(self, qt: QtMessages, qt_ignore: Iterable[str], expected: Iterable[str]) -> None:
        self.qt = qt
        self.qt.messages.clear()
        self.qt_ignore = [re.compile(pattern) for pattern in qt_ignore]
        self.expected = [re.compile(pattern) for pattern in expected]
        self.handler = _Records()
        logging.getLogger(APP_LOGGER).addHandler(self.handler)
        self.threads = set(threading.enumerate())
        self.timers = {id(timer) for timer in _active_timers()}

    def expect(self, pattern: str) -> None:
        """Declare a warning the test provokes on purpose (a regular expression)."""
        self.expected.append(re.compile(pattern))

    def problems(self) -> list[str]:
        """Everything left or said that the test did not declare, as readable lines."""
        logging.getLogger(APP_LOGGER).removeHandler(self.handler)
        found = [
            f"unexpected log {record.levelname} from {record.name}: {record.getMessage()}"
            for record in self.handler.records
            if not any(pattern.search(record.getMessage()) for pattern in self.expected)
        ]
        found += [
            f"unexpected Qt {level} in teardown: {message}"
            for level, message in self.qt.messages
            if not any(pattern.search(message) for pattern in self.qt_ignore)
        ]
        found += self._left_running()
        return found

    def _left_running(self) -> list[str]:
        deadline = time.monotonic() + GRACE_SECONDS
        # Pools and threads first, by polling: a blocking wait here would hold the
        # interpreter lock their Python tasks need to finish (and so would deleting a
        # pool's owner, whose destructor waits for the pool).
        busy = _busy_pools()
        while busy and time.monotonic() < deadline:
            time.sleep(0.005)
            busy = [item for item in busy if _still_busy(item)]
        found = [f"a thread pool or QThread still busy: {_describe(item)}" for item in busy]
        for thread in threading.enumerate():
            if thread in self.threads or thread.daemon:
                continue
            thread.join(max(0.0, deadline - time.monotonic()))
            if thread.is_alive():
                found.append(f"a non-daemon thread still running: {thread.name}")
        if busy:
            return found  # deleting their owners now would hang; the timers can wait
        return found + self._timers_left()

    def _timers_left(self) -> list[str]:
        application = QCoreApplication.instance()
        if application is not None:
            # pytest-qt closes the test's widgets with deleteLater(); let that happen.
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        timers = [timer for timer in _active_timers() if id(timer) not in self.timers]
        if timers:
            gc.collect()  # an owner held only by a reference cycle goes now, as it would
            if application is not None:
                QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            timers = [timer for timer in _active_timers() if id(timer) not in self.timers]
        return [f"a QTimer still running: {_describe(timer)}" for timer in timers]
