"""Writing a plan into the ``actions`` table without ever overruling the person.

Planned and stored actions are matched by ``(opportunity_id, plan_key)``. The rules:

* a planned action with no stored match is **inserted** (open, generated);
* an **open or snoozed** generated match is **updated** in place: kind, reason, recipient,
  channel and links follow the plan; the due time follows it too unless the person moved
  it by hand (``due_edited``); a snooze and its ``snoozed_until`` are kept;
* a **done or dismissed** match, or any **manual** action, is never touched, so nothing the
  person finished or declined comes back;
* a step long past its point (its ``grace`` after the effective due time, a snooze
  included) is set **missed**: it is no longer reminded and waits in the missed list; if
  the clock or the due time says otherwise on a later re-plan it is open again;
* an open, snoozed or missed generated action that the plan no longer contains (an offer
  or a rejection recorded, the opportunity archived, a reply that restarted the cadence) is
  **deleted**. Deleting rather than dismissing keeps "dismissed" meaning "the person said
  no": if the facts change back (a stage move undone), the action simply returns.

Writes are set-based: one executemany per kind of change, none when nothing changed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final, cast

from sqlalchemy import Table, bindparam, delete, insert, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from followup_desktop.core.models import (
    Action,
    ActionOrigin,
    ActionState,
    Channel,
    Opportunity,
)
from followup_desktop.core.playbook.engine import PlannedAction
from followup_desktop.core.playbook.facts import Key, StoredAction
from followup_desktop.core.playbook.rawsql import chunks, driver_connection, stored_instant
from followup_desktop.core.playbook.settings import PlaybookSettings

_ACTIONS = cast(Table, Action.__table__)
_LIVE_STATES: Final = (ActionState.OPEN, ActionState.SNOOZED)
# Columns a re-plan may change on an open action, besides the due time.
_FOLLOWED: Final = ("kind", "recipient", "channel", "reason", "interview_id", "contact_id")


@dataclass
class ActionDiff:
    """What it takes to make the stored actions match a plan."""

    inserts: list[PlannedAction] = field(default_factory=list)
    updates: list[tuple[StoredAction, dict[str, Any]]] = field(default_factory=list)
    deletes: list[StoredAction] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.inserts or self.updates or self.deletes)

    def opportunity_ids(self) -> set[int | None]:
        """Opportunities whose actions change (None for search-wide ones)."""
        ids: set[int | None] = {action.opportunity_id for action in self.inserts}
        ids.update(stored.opportunity_id for stored, _ in self.updates)
        ids.update(stored.opportunity_id for stored in self.deletes)
        return ids

    def extend(self, other: ActionDiff) -> None:
        """Add ``other``'s changes to these."""
        self.inserts += other.inserts
        self.updates += other.updates
        self.deletes += other.deletes


def _state(action: PlannedAction, current: StoredAction | None, now: datetime) -> ActionState:
    """Open (or snoozed) unless the step is long past its point; then missed."""
    if current is None:
        was, snoozed_until, due = ActionState.OPEN, None, action.due_at
    else:
        was, snoozed_until = current.state, current.snoozed_until
        due = current.due_at if current.due_edited else action.due_at
    grace = action.grace
    if grace is not None and (snoozed_until or due) + grace < now:
        return ActionState.MISSED
    if was is ActionState.MISSED:
        return ActionState.SNOOZED if snoozed_until is not None else ActionState.OPEN
    return was


def diff_actions(
    planned: Iterable[PlannedAction],
    stored: Iterable[StoredAction],
    settled: Collection[Key],
    now: datetime | None = None,
) -> ActionDiff:
    """The changes that bring ``stored`` in line with ``planned``; pure.

    ``stored`` holds the open, snoozed and missed generated actions in scope; ``settled``
    the keys of every other action in scope (done, dismissed or manual), which are left
    alone. With ``now``, steps long past their point become missed (see :func:`_state`).
    """
    live: dict[Key, StoredAction] = {}
    diff = ActionDiff()
    for item in stored:
        key = (item.opportunity_id, item.plan_key)
        if key in live:
            # Two open copies of one action (the unique constraint cannot see the NULL
            # opportunity of the search-wide nudge): keep the first, withdraw the other.
            diff.deletes.append(item)
        else:
            live[key] = item
    seen: set[Key] = set()
    for action in planned:
        key = (action.opportunity_id, action.plan_key)
        if key in seen:
            # Two rules producing one key would be an engine bug; refuse to hide it.
            raise AssertionError(f"the plan holds {key} twice")
        seen.add(key)
        if key in settled:
            continue
        current = live.get(key)
        if current is None:
            missed = now is not None and _state(action, None, now) is ActionState.MISSED
            diff.inserts.append(action._replace(state=ActionState.MISSED) if missed else action)
            continue
        state = current.state if now is None else _state(action, current, now)
        # Most open actions are unchanged: one tuple comparison settles that.
        if (
            state is current.state
            and (current.due_edited or action.due_at == current.due_at)
            and (
                action.kind,
                action.recipient,
                action.channel,
                action.reason,
                action.interview_id,
                action.contact_id,
            )
            == (
                current.kind,
                current.recipient,
                current.channel,
                current.reason,
                current.interview_id,
                current.contact_id,
            )
        ):
            continue
        changes = {
            name: getattr(action, name)
            for name in _FOLLOWED
            if getattr(action, name) != getattr(current, name)
        }
        if not current.due_edited and action.due_at != current.due_at:
            changes["due_at"] = action.due_at
        if state is not current.state:
            changes["state"] = state
        if changes:
            diff.updates.append((current, changes))
    diff.deletes += [action for key, action in live.items() if key not in seen]
    return diff


def apply_diff(session: Session, diff: ActionDiff, now: datetime) -> None:
    """Write ``diff`` with one statement per kind of change, then expire stale objects."""
    if not diff:
        return
    connection: Connection = session.connection()
    if diff.inserts:
        connection.execute(
            insert(_ACTIONS),
            [
                {
                    "opportunity_id": action.opportunity_id,
                    "interview_id": action.interview_id,
                    "contact_id": action.contact_id,
                    "kind": str(action.kind),
                    "plan_key": action.plan_key,
                    "due_at": action.due_at,
                    "recipient": action.recipient,
                    "channel": action.channel,
                    "reason": action.reason,
                    "state": action.state,
                    "snoozed_until": None,
                    "origin": ActionOrigin.GENERATED,
                    "due_edited": False,
                    "created_at": now,
                    "completed_at": None,
                }
                for action in diff.inserts
            ],
        )
    # executemany needs the same columns in every row: group the updates by their columns.
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for stored, changes in diff.updates:
        columns = tuple(sorted(changes))
        values = {f"new_{name}": _plain(value) for name, value in changes.items()}
        groups[columns].append({"target_id": stored.id, **values})
    for columns, batch in groups.items():
        statement = (
            update(_ACTIONS)
            .where(_ACTIONS.c.id == bindparam("target_id"))
            .values({name: bindparam(f"new_{name}") for name in columns})
        )
        connection.execute(statement, batch)
    deleted = sorted(stored.id for stored in diff.deletes)
    for chunk in chunks(deleted):
        connection.execute(delete(_ACTIONS).where(_ACTIONS.c.id.in_(chunk)))
    _expire(session, diff)


def _plain(value: Any) -> Any:
    """Enum members as the text the column stores (``kind`` is a plain string column)."""
    if isinstance(value, str) and not isinstance(value, Channel | ActionState):
        return str(value)
    return value


def _expire(session: Session, diff: ActionDiff) -> None:
    """Expire ORM objects the Core writes made stale, so the caller never reads old values."""
    changed_actions = {stored.id for stored, _ in diff.updates}
    changed_actions.update(stored.id for stored in diff.deletes)
    changed_opportunities = diff.opportunity_ids()
    for instance in list(session.identity_map.values()):
        if isinstance(instance, Action) and instance.id in changed_actions:
            session.expire(instance)
        elif isinstance(instance, Opportunity) and instance.id in changed_opportunities:
            session.expire(instance, ["actions"])


def mark_stale(session: Session, settings: PlaybookSettings, now: datetime) -> set[int | None]:
    """Set open planned steps that have gone stale since to missed; return their owners.

    The clock's own re-plan (hourly, and at start-up) plans only the search-wide nudge;
    this one indexed pass keeps it from reminding steps long past their point meanwhile.
    It uses the global settings; the next full re-plan of an opportunity applies its own.
    """
    thanks_before = stored_instant(now - timedelta(days=settings.missed_thank_you_days))
    others_before = stored_instant(now - timedelta(days=settings.missed_after_days))
    connection = driver_connection(session)
    found = connection.execute(
        "SELECT id, opportunity_id FROM actions "
        "WHERE coalesce(snoozed_until, due_at) < max(?, ?) AND state IN ('open', 'snoozed') "
        "AND origin = 'generated' AND plan_key IS NOT NULL AND kind <> 'keep_options_open' "
        "AND coalesce(snoozed_until, due_at) < "
        "CASE kind WHEN 'thank_you' THEN ? ELSE ? END",
        (thanks_before, others_before, thanks_before, others_before),
    ).fetchall()
    if not found:
        return set()
    ids = sorted(ident for ident, _ in found)
    for chunk in chunks(ids):
        connection.execute(
            f"UPDATE actions SET state = 'missed' WHERE id IN ({','.join('?' * len(chunk))})",
            tuple(chunk),
        )
    stale = set(ids)
    for instance in list(session.identity_map.values()):
        if isinstance(instance, Action) and instance.id in stale:
            session.expire(instance)
    return {owner for _, owner in found}


__all__ = ["ActionDiff", "apply_diff", "diff_actions", "mark_stale"]
