"""What an empty board column says belongs in it.

An empty column that only says "drag a card here" leaves a new person guessing what the
column is for. Each default stage gets its own sentence; a stage the person added or
renamed gets the sentence of its kind, which is always true of it.
"""

from __future__ import annotations

from followup_desktop.core.kinds import StageKind

# The default stages by name (lower case): three of them share the kind "active".
_BY_NAME: dict[str, str] = {
    "wishlist": "Jobs you might apply to.",
    "applied": "Jobs you've applied to.",
    "screening": "Jobs where someone got back to you, or a first call is set.",
    "interviewing": "Jobs where you are having interviews.",
    "final round": "Jobs down to the last interview.",
    "offer": "Jobs that made you an offer.",
    "accepted": "The job you said yes to.",
    "rejected": "Jobs that said no. It happens to everyone.",
    "withdrawn": "Jobs you stepped back from.",
    "moved on": "Jobs that went quiet and that you have let go.",
}

_BY_KIND: dict[StageKind, str] = {
    StageKind.PROSPECT: "Jobs you might apply to.",
    StageKind.ACTIVE: "Jobs you are in the middle of.",
    StageKind.FINAL: "Jobs down to the last interview.",
    StageKind.OFFER: "Jobs that made you an offer.",
    StageKind.ACCEPTED: "The job you said yes to.",
    StageKind.REJECTED: "Jobs that said no.",
    StageKind.WITHDRAWN: "Jobs you stepped back from.",
    StageKind.CLOSED: "Jobs you have let go.",
}

_MOVE_HINT = "Drag a card here, or use Move to (Ctrl+M)."


def empty_column_hint(name: str, kind: StageKind) -> str:
    """The words an empty column of stage ``name`` (of ``kind``) shows: what belongs in it,
    then how a card gets there."""
    what = _BY_NAME.get(name.strip().casefold()) or _BY_KIND.get(kind, "")
    return f"{what}\n{_MOVE_HINT}" if what else _MOVE_HINT


__all__ = ["empty_column_hint"]
