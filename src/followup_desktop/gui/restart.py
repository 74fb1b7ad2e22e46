"""Restart Followup: quit the way File → Quit does, then start the same command again.

Used where a change takes effect only at the next start (the language). The quit is the
window's own (:meth:`MainWindow.request_quit`, registered by the composition root with
:func:`set_quitter`), so the tray, the scheduler and the database close as on any quit;
the new process starts only once :func:`~followup_desktop.gui.app.run_gui` has released
the database and the single-instance lock (:func:`restart_if_requested`).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable

log = logging.getLogger(__name__)


class _State:
    quitter: Callable[[], None] | None = None
    requested = False


def set_quitter(quitter: Callable[[], None] | None) -> None:
    """The function that quits the app for real (the window's File → Quit)."""
    _State.quitter = quitter


def can_restart() -> bool:
    """Whether a window that can quit is running (not in a dialog shown on its own)."""
    return _State.quitter is not None


def request_restart() -> bool:
    """Quit now and start again once everything is closed; False if nothing can quit."""
    if _State.quitter is None:
        return False
    _State.requested = True
    _State.quitter()
    return True


def restart_requested() -> bool:
    """Whether a restart was asked for in this process."""
    return _State.requested


def command() -> list[str]:
    """The command line that started this process, to start it again."""
    if getattr(sys, "frozen", False):
        return [sys.executable, *sys.argv[1:]]
    # The interpreter's own options (-m followup_desktop, -X …) are in orig_argv.
    return [sys.executable, *sys.orig_argv[1:]]


def restart_if_requested() -> None:
    """Replace this process with a new start of Followup, if a restart was asked for."""
    if not _State.requested:
        return
    _State.requested = False
    argv = command()
    log.info("restarting: %s", argv)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(argv[0], argv)  # noqa: S606 - our own command line, no shell wanted
