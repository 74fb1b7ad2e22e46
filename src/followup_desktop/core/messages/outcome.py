"""After a message went out by any route: log it and mark its step done.

One place for this, so Send, Open in my mail app, Copy and Print all record the same
thing: the message in the correspondence log (linked to the action and the contact),
then the action (and any it also covered) completed, which lets the schedule move on.
"""

from __future__ import annotations

from followup_desktop.core.messages.context import Draft
from followup_desktop.core.models import Channel, Direction
from followup_desktop.core.services import Change, FollowupService


def record_outcome(
    service: FollowupService,
    draft: Draft,
    *,
    subject: str,
    body: str,
    channel: Channel | None = None,
    mark_done: bool = True,
) -> Change:
    """Log the message as sent and, if asked, complete the action(s) it fulfils."""
    change = Change()
    if draft.opportunity_id is not None:
        # Keyed on the draft's action: a second press, or a second composer on the same
        # step, logs nothing more and completes nothing again.
        change |= service.log_correspondence(
            draft.opportunity_id,
            Direction.SENT,
            service.clock(),
            channel=channel or draft.channel,
            subject=subject,
            body=body,
            contact_id=draft.contact_id,
            action_id=draft.action_id,
            once_per_action=True,
        )
        if change.created_id is None:
            return change
    if mark_done:
        for action_id in (draft.action_id, *draft.covers_action_ids):
            change |= service.complete_action(action_id)
    return change
