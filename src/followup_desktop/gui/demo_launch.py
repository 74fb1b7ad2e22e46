"""Trying Followup on invented data, in a file of its own, in a window of its own.

The welcome offers the demo so a new person can see a board full of cards before they
add their own. The demo never goes into the person's database: it is made in another
file beside it (once; later tries open the same file), then a second Followup is started
on that file. One Followup runs per database, so the two windows do not meet.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QProcess

from followup_desktop.core.i18n import _

if TYPE_CHECKING:
    from followup_desktop.gui.main_window import MainWindow

DEMO_NAME = "followup-demo.sqlite3"
DEMO_OPPORTUNITIES = 40
#: Starts a program apart from this one: (program, arguments) -> started.
Launcher = Callable[[str, list[str]], bool]


def demo_path(own: Path) -> Path:
    """The demo's file, beside ``own`` and never ``own`` itself."""
    path = own.with_name(DEMO_NAME)
    return path if path.resolve() != own.resolve() else own.with_name(f"example-{DEMO_NAME}")


def prepare_demo(path: Path) -> Path:
    """Make the demo file at ``path`` unless an earlier try made it (on the worker)."""
    from followup_desktop.core.db import open_database
    from followup_desktop.core.demo import populate_demo

    if not path.exists():
        db = open_database(path)
        try:
            populate_demo(db, DEMO_OPPORTUNITIES)
        finally:
            db.close()
    return path


def followup_command(database: Path) -> tuple[str, list[str]]:
    """The program and arguments that start Followup's window on ``database``."""
    # A bundle is its own program; from source the package runs under this Python.
    prefix = [] if getattr(sys, "frozen", False) else ["-m", "followup_desktop"]
    return sys.executable, [*prefix, "--db", str(database)]


def start_detached(program: str, arguments: list[str]) -> bool:
    """Start ``program`` on its own: it outlives this window."""
    started, _pid = QProcess.startDetached(program, arguments)
    return bool(started)


def start_demo(window: MainWindow, launch: Launcher) -> None:
    """Make the demo file on the worker, then open it in a Followup of its own."""
    path = demo_path(window.service.db.path)

    def opened(result: object) -> None:
        assert isinstance(result, Path)
        window.statusBar().showMessage(_("Opening the demo in a window of its own…"), 5000)
        if not launch(*followup_command(result)):
            window.dialogs.warning(
                window,
                _("The demo could not be started. Its file is {path}.").format(path=result),
            )

    def failed(error: BaseException) -> None:
        window.dialogs.warning(window, _("The demo could not be made: {error}").format(error=error))

    window.tasks.submit(lambda: prepare_demo(path), opened, failed)


__all__ = ["DEMO_NAME", "demo_path", "followup_command", "prepare_demo", "start_demo"]
