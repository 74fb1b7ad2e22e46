"""What a mutation changed, as the service layer reports it to its callers.

Apart from :mod:`services` so that code which only reacts to changes (the window) can
name it without loading SQLAlchemy; ``followup_desktop.core.services.Change`` is the
same class.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Change:
    """What a mutation changed: the opportunities touched and the kinds of records."""

    opportunity_ids: frozenset[int] = frozenset()
    entities: frozenset[str] = frozenset()
    created_id: int | None = None
    actions_replanned: frozenset[int] = field(default=frozenset())

    def __or__(self, other: Change) -> Change:
        return Change(
            self.opportunity_ids | other.opportunity_ids,
            self.entities | other.entities,
            self.created_id if self.created_id is not None else other.created_id,
            self.actions_replanned | other.actions_replanned,
        )


__all__ = ["Change"]
