"""What the person sees when something goes wrong in the window.

Environmental database problems (disk full, locked, read-only, damaged) and errors whose
message is written for the user get a plain message. Anything else is a bug: it is logged
with its traceback and shown in a crash dialog whose details can be copied into a report,
together with where the log file is.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from followup_desktop import APP_NAME, __version__
from followup_desktop.core.db import describe_sqlite_error
from followup_desktop.core.errors import FollowupError
from followup_desktop.core.i18n import _
from followup_desktop.core.paths import log_dir
from followup_desktop.gui.plain import PlainLabel
from followup_desktop.logs import log_unexpected

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


def crash_details(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> str:
    """The text to paste into a bug report: versions and the traceback."""
    import platform  # only for a report: not on the way to the first paint

    lines = [
        f"{APP_NAME} {__version__}",
        f"Python {platform.python_version()}, PySide6 {pyside_version}, {platform.platform()}",
        "",
        *traceback.format_exception(exc_type, exc, tb),
    ]
    return "\n".join(line.rstrip("\n") for line in lines)


def plain_message(exc: BaseException) -> str | None:
    """A message for an error the person can act on, or None for a bug."""
    described = describe_sqlite_error(exc)
    if described is not None:
        return described
    if isinstance(exc, OSError) and exc.strerror:
        if exc.filename:
            return _("{problem} ({file}). Check the file and its folder, then try again.").format(
                problem=exc.strerror, file=exc.filename
            )
        return _("{problem}. Check the file and its folder, then try again.").format(
            problem=exc.strerror
        )
    if isinstance(exc, FollowupError):
        return str(exc)
    return None


class CrashDialog(QDialog):
    """Says that something unexpected happened, with copyable details and the log's place."""

    def __init__(self, details: str, log_folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("{app}: unexpected error").format(app=APP_NAME))
        self.setAccessibleName(_("Unexpected error"))
        layout = QVBoxLayout(self)
        intro = PlainLabel(
            _(
                "Something went wrong that Followup did not expect. Your data is safe: every "
                "change is saved when you make it.\n\nPlease copy the details below into a bug "
                "report. The log file is in {folder}."
            ).format(folder=log_folder)
        )
        intro.setWordWrap(True)
        intro.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(intro)
        self.details = QPlainTextEdit(details)
        self.details.setReadOnly(True)
        self.details.setAccessibleName(_("Error details"))
        self.details.setMinimumSize(560, 240)
        layout.addWidget(self.details)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(_("&Copy details"))
        self.copy_button.setAccessibleName(_("Copy details"))
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_details)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def copy_details(self) -> None:
        """Put the details on the clipboard."""
        QGuiApplication.clipboard().setText(self.details.toPlainText())


class CrashReporter:
    """The GUI's ``sys.excepthook``: a message or a crash dialog, never a silent failure."""

    def __init__(
        self, show_message: Callable[[str], None], show_crash: Callable[[QDialog], object]
    ):
        self._show_message = show_message
        self._show_crash = show_crash
        self._previous: ExceptHook | None = None
        self._reporting = False

    def __call__(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt) or self._reporting:
            # A failure while reporting a failure goes to the old hook, not round in circles.
            (self._previous or sys.__excepthook__)(exc_type, exc, tb)
            return
        self._reporting = True
        try:
            message = plain_message(exc)
            if message is not None:
                self._show_message(message)
                return
            log_unexpected(exc_type, exc, tb)
            self._show_crash(CrashDialog(crash_details(exc_type, exc, tb), log_dir()))
        finally:
            self._reporting = False

    def install(self) -> None:
        """Become ``sys.excepthook`` (errors in Qt slots reach it too)."""
        self._previous = sys.excepthook
        sys.excepthook = self

    def uninstall(self) -> None:
        """Put the previous hook back."""
        if sys.excepthook is self and self._previous is not None:
            sys.excepthook = self._previous


@contextmanager
def reporting_errors(reporter: CrashReporter) -> Iterator[None]:
    """Report an exception from a block the way the hook would, then carry on."""
    try:
        yield
    except Exception as error:
        reporter(type(error), error, error.__traceback__)
