"""Reading what the service reports back, with the checks a test wants."""

from __future__ import annotations

from followup_desktop.core.change import Change


def created(change: Change) -> int:
    """The id of the record ``change`` says was created; there must be one."""
    assert change.created_id is not None, f"nothing was created: {change}"
    return change.created_id
