"""What an empty board column says belongs in it.

An empty column that only says "drag a card here" leaves a new person guessing what the
column is for. Each default stage gets its own sentence; a stage the person added or
renamed gets the sentence of its kind, which is always true of it.
"""

from __future__ import annotations

from followup_desktop.core.i18n import _
from followup_desktop.core.kinds import StageKind

# The default stages by name (lower case): three of them share the kind "active".
_BY_NAME: dict[str, str] = {
    "wishlist": _("Jobs you might apply to."),
    "applied": _("Jobs you've applied to."),
    "screening": _("Jobs where someone got back to you, or a first call is set."),
    "interviewing": _("Jobs where you are having interviews."),
    "final round": _("Jobs down to the last interview."),
    "offer": _("Jobs that made you an offer."),
    "accepted": _("The job you said yes to."),
    "rejected": _("Jobs that said no. It happens to everyone."),
    "withdrawn": _("Jobs you stepped back from."),
    "moved on": _("Jobs that went quiet and that you have let go."),
}

_BY_KIND: dict[StageKind, str] = {
    StageKind.PROSPECT: _("Jobs you might apply to."),
    StageKind.ACTIVE: _("Jobs you are in the middle of."),
    StageKind.FINAL: _("Jobs down to the last interview."),
    StageKind.OFFER: _("Jobs that made you an offer."),
    StageKind.ACCEPTED: _("The job you said yes to."),
    StageKind.REJECTED: _("Jobs that said no."),
    StageKind.WITHDRAWN: _("Jobs you stepped back from."),
    StageKind.CLOSED: _("Jobs you have let go."),
}

_MOVE_HINT = _("Drag a card here, or use Move to (Ctrl+M).")


def empty_column_hint(name: str, kind: StageKind) -> str:
    """The words an empty column of stage ``name`` (of ``kind``) shows: what belongs in it,
    then how a card gets there."""
    # The names are those the default stages are stored with.
    what = _BY_NAME.get(name.strip().casefold()) or _BY_KIND.get(kind, "")
    return f"{what}\n{_MOVE_HINT}" if what else _MOVE_HINT


__all__ = ["empty_column_hint"]
