"""The window's longer sentences: its status line and its About text.

Kept here so the shell stays a shell; each count takes its language's plural and is
grouped the locale's way.
"""

from __future__ import annotations

from pathlib import Path

from followup_desktop import APP_NAME, __version__
from followup_desktop.core.i18n import _, ngettext
from followup_desktop.core.localformat import number


def status_text(shown: int, total: int, overdue: int, today: int) -> str:
    """ "3 of 5 opportunities shown · 1 action overdue · 2 due today"."""
    # Three sentences, each with its own count, so each takes its language's plural.
    parts = (
        ngettext(
            "{shown} of {total} opportunity shown",
            "{shown} of {total} opportunities shown",
            total,
        ).format(shown=number(shown), total=number(total)),
        ngettext("{n} action overdue", "{n} actions overdue", overdue).format(n=number(overdue)),
        ngettext("{n} due today", "{n} due today", today).format(n=number(today)),
    )
    return " · ".join(parts)


def about_text(database: Path) -> str:
    """What Help → About says."""
    return "\n\n".join(
        (
            f"{APP_NAME} {__version__}",
            _(
                "Debriefs, thank-you notes and well-timed follow-ups for the weeks after a "
                "job interview."
            ),
            _("Your data stays on this computer, in {path}.").format(path=database),
        )
    )
