"""What a stage means to the playbook: the one enumeration the board's first paint needs.

Apart from :mod:`models` (which re-exports it) so that reading the board's columns does
not load SQLAlchemy.
"""

from __future__ import annotations

import enum


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
