"""What a stage means to the playbook: the one enumeration the board's first paint needs.

Apart from :mod:`models` (which re-exports it) so that reading the board's columns does
not load SQLAlchemy.
"""

from __future__ import annotations

import enum

from followup_desktop.core.i18n import pgettext


class StageKind(enum.StrEnum):
    """What a stage means to the playbook, whatever the person calls it."""

    PROSPECT = "prospect"
    ACTIVE = "active"
    FINAL = "final"
    OFFER = "offer"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"

    @property
    def is_closed(self) -> bool:
        """True when no more follow-ups make sense for an opportunity in this stage."""
        return self in {
            StageKind.ACCEPTED,
            StageKind.REJECTED,
            StageKind.WITHDRAWN,
            StageKind.CLOSED,
        }


__all__ = ["StageKind"]


# The stages a new database starts with are stored in English (the first migration writes
# them); they are shown in the person's language. A stage the person added or renamed is
# shown as they wrote it. The context keeps a column's name apart from the same English
# word elsewhere ("Applied" as a stage, "Applied" as a count of applications).
def _shipped_stage_words() -> dict[str, str]:
    return {
        "Wishlist": pgettext("stage", "Wishlist"),
        "Applied": pgettext("stage", "Applied"),
        "Screening": pgettext("stage", "Screening"),
        "Interviewing": pgettext("stage", "Interviewing"),
        "Final round": pgettext("stage", "Final round"),
        "Offer": pgettext("stage", "Offer"),
        "Accepted": pgettext("stage", "Accepted"),
        "Rejected": pgettext("stage", "Rejected"),
        "Withdrawn": pgettext("stage", "Withdrawn"),
        "Moved on": pgettext("stage", "Moved on"),
    }


def stage_label(name: str) -> str:
    """A stage's name as the person reads it: a shipped stage in their language."""
    return _shipped_stage_words().get(name, name)
