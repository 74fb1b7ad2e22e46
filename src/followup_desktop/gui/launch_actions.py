"""What ``followup-desktop --action NAME`` does in the window (desktop entry actions).

The desktop entry's actions ("I just had an interview", "Today") start Followup with
``--action``; when Followup is already running, the single instance hands the arguments
over and the running window carries the action out. The names and the parsing are in
:mod:`followup_desktop.desktop_integration`, which the command line reads without Qt.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from followup_desktop.desktop_integration import JUST_INTERVIEWED, TODAY, requested_actions

if TYPE_CHECKING:
    from followup_desktop.gui.main_window import MainWindow


def show_today(window: MainWindow) -> None:
    """Show the board with the Today panel, the keyboard in its list."""
    window.show_board()
    window.today_dock.show()
    window.today_dock.raise_()
    window.agenda_view.setFocus(Qt.FocusReason.OtherFocusReason)


def run_launch_actions(window: MainWindow, arguments: Sequence[str]) -> None:
    """Carry out every ``--action`` in ``arguments`` (the window is already in front)."""
    handlers: dict[str, Callable[[], object]] = {
        JUST_INTERVIEWED: window.router.just_interviewed,
        TODAY: lambda: show_today(window),
    }
    for name in requested_actions(arguments):
        handlers[name]()


__all__ = ["run_launch_actions", "show_today"]
