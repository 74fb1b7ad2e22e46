"""One change bus per window: every :class:`Change` a write returns is published here.

The board, the Today panel, the pages and the application (which re-arms its reminders)
subscribe to :attr:`ChangeBus.changed`; whoever wrote publishes, and nobody fans a change
out by hand.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from followup_desktop.core.change import EVERYTHING, Change

# An import replaces everything: what the window publishes afterwards.
EVERYTHING_CHANGED = Change(entities=EVERYTHING)


class ChangeBus(QObject):
    """Carries every Change made in or for one window to the views that show it."""

    #: A :class:`Change`, always (typed ``object`` because Qt signals carry PyObjects).
    changed = Signal(object)

    def publish(self, change: object) -> None:
        """Tell every subscriber about ``change`` (ignored when it is not a Change).

        Connected directly to the ``changed`` signals of dialogs and pages, so it accepts
        what they emit and drops anything else rather than let a subscriber fail.
        """
        if isinstance(change, Change):
            self.changed.emit(change)
