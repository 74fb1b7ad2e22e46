"""What a mutation changed, as the service layer reports it to its callers.

Apart from :mod:`services` so that code which only reacts to changes (the window) can
name it without loading SQLAlchemy; ``followup_desktop.core.services.Change`` is the
same class.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


class Entity(enum.StrEnum):
    """A kind of record a :class:`Change` names.

    A StrEnum, so a producer or listener still written with the plain words (``"action"``)
    compares equal; :class:`Change` turns what it is given into members, so a misspelt
    entity fails where the change is made instead of silently never matching a listener.
    """

    OPPORTUNITY = "opportunity"
    CONTACT = "contact"
    INTERVIEW = "interview"
    DEBRIEF = "debrief"
    QUESTION = "question"
    ACTION = "action"
    STAGE = "stage"
    STAGE_HISTORY = "stage_history"
    CORRESPONDENCE = "correspondence"
    SETTINGS = "settings"
    DEBRIEF_DRAFT = "debrief_draft"


def entities(*names: Entity | str) -> frozenset[Entity]:
    """The entities named, as members (refusing a name that is not one)."""
    return frozenset(Entity(name) for name in names)


def _as_entities(names: Iterable[Entity | str]) -> frozenset[Entity]:
    if isinstance(names, frozenset) and all(type(name) is Entity for name in names):
        return names
    return frozenset(Entity(name) for name in names)


@dataclass(frozen=True, init=False)
class Change:
    """What a mutation changed: the opportunities touched and the kinds of records."""

    opportunity_ids: frozenset[int]
    entities: frozenset[Entity]
    created_id: int | None
    actions_replanned: frozenset[int]

    def __init__(
        self,
        opportunity_ids: Iterable[int] = frozenset(),
        entities: Iterable[Entity | str] = frozenset(),
        created_id: int | None = None,
        actions_replanned: Iterable[int] = frozenset(),
    ) -> None:
        # Producers may still pass the plain words; store members (and check them).
        object.__setattr__(self, "opportunity_ids", frozenset(opportunity_ids))
        object.__setattr__(self, "entities", _as_entities(entities))
        object.__setattr__(self, "created_id", created_id)
        object.__setattr__(self, "actions_replanned", frozenset(actions_replanned))

    def __or__(self, other: Change) -> Change:
        return Change(
            self.opportunity_ids | other.opportunity_ids,
            self.entities | other.entities,
            self.created_id if self.created_id is not None else other.created_id,
            self.actions_replanned | other.actions_replanned,
        )


#: What an import replaces, and what a listener is told afterwards.
EVERYTHING: frozenset[Entity] = entities(
    Entity.OPPORTUNITY,
    Entity.CONTACT,
    Entity.INTERVIEW,
    Entity.DEBRIEF,
    Entity.ACTION,
    Entity.STAGE,
)


__all__ = ["EVERYTHING", "Change", "Entity", "entities"]


@dataclass(frozen=True)
class ActionStatus:
    """Where one action stood at a moment: what undoing done, snooze or dismiss restores.

    ``state`` is the stored word (``"open"``, ``"snoozed"``, ...), so this module needs
    no model class.
    """

    action_id: int
    state: str
    snoozed_until: datetime | None
    due_at: datetime
    completed_at: datetime | None
