"""The actions room of the service: the steps of the plan and the person's own to-dos."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from followup_desktop.core.change import ActionStatus, Change
from followup_desktop.core.errors import ValidationError
from followup_desktop.core.fields import ACTION_KIND
from followup_desktop.core.i18n import _
from followup_desktop.core.models import (
    Action,
    ActionOrigin,
    ActionState,
    Channel,
    Opportunity,
    ReminderDelivery,
)
from followup_desktop.core.services._base import ServiceBase
from followup_desktop.core.timeutil import ensure_aware


class ActionsMixin(ServiceBase):
    """Actions: done, snoozed, reopened, rescheduled, added by hand; missed ones cleared;
    which reminders went out."""

    def clear_missed(self, action_ids: Sequence[int] | None = None) -> Change:
        """Clear steps from the missed list (all when None): they are dismissed."""
        with self._write() as session:
            query = select(Action).where(Action.state == ActionState.MISSED)
            if action_ids is not None:
                query = query.where(Action.id.in_(list(action_ids)))
            touched: set[int] = set()
            for action in session.scalars(query):
                action.state = ActionState.DISMISSED
                if action.opportunity_id is not None:
                    touched.add(action.opportunity_id)
            return self._finish(session, touched, {"action"})

    def add_action(
        self,
        kind: str,
        due_at: datetime,
        *,
        opportunity_id: int | None = None,
        reason: str = "",
        recipient: str = "",
        channel: Channel | None = None,
    ) -> Change:
        """Add a to-do of the person's own; the planner never changes it."""
        with self._write() as session:
            if opportunity_id is not None:
                self._get(session, Opportunity, opportunity_id, "Opportunity")
            action = Action(
                opportunity_id=opportunity_id,
                kind=ACTION_KIND.clean(kind),
                due_at=ensure_aware(due_at, "due time"),
                reason=reason,
                recipient=recipient,
                channel=channel,
                origin=ActionOrigin.MANUAL,
                created_at=self.clock(),
            )
            session.add(action)
            session.flush()
            ids = [] if opportunity_id is None else [opportunity_id]
            return Change(frozenset(ids), frozenset({"action"}), action.id)

    def _set_action_state(
        self, action_id: int, state: ActionState, snoozed_until: datetime | None = None
    ) -> Change:
        with self._write() as session:
            action = self._get(session, Action, action_id, "Action")
            action.state = state
            action.snoozed_until = snoozed_until
            action.completed_at = self.clock() if state is ActionState.DONE else None
            ids = [] if action.opportunity_id is None else [action.opportunity_id]
            # Completing a step can unlock the next one (a thank-you sent starts the clock).
            return self._finish(session, ids, {"action"})

    def complete_action(self, action_id: int) -> Change:
        """Mark an action done."""
        return self._set_action_state(action_id, ActionState.DONE)

    def reopen_action(self, action_id: int) -> Change:
        """Undo a done, dismissed or snoozed state."""
        return self._set_action_state(action_id, ActionState.OPEN)

    def snooze_action(self, action_id: int, until: datetime) -> Change:
        """Put an action off until a later time."""
        until = ensure_aware(until, "snooze time")
        if until <= self.clock():
            raise ValidationError(_("Snooze until a time in the future."), "snoozed_until")
        return self._set_action_state(action_id, ActionState.SNOOZED, until)

    def restore_actions(self, statuses: Iterable[ActionStatus]) -> Change:
        """Put actions back exactly as they stood (state, snooze, due and done times).

        What undo and redo of done, snooze and dismiss call. An action deleted meanwhile
        is skipped: there is nothing left to restore. A snooze time already past is
        restored as it was; the action is then simply due again.
        """
        with self._write() as session:
            touched: set[int] = set()
            for status in statuses:
                action = session.get(Action, status.action_id)
                if action is None:
                    continue
                action.state = ActionState(status.state)
                action.snoozed_until = status.snoozed_until
                action.due_at = status.due_at
                action.completed_at = status.completed_at
                if action.opportunity_id is not None:
                    touched.add(action.opportunity_id)
            return self._finish(session, touched, {"action"})

    def reschedule_action(self, action_id: int, due_at: datetime) -> Change:
        """Move an action's due time by hand; re-planning keeps it."""
        with self._write() as session:
            action = self._get(session, Action, action_id, "Action")
            action.due_at = ensure_aware(due_at, "due time")
            action.due_edited = True
            ids = [] if action.opportunity_id is None else [action.opportunity_id]
            return Change(frozenset(ids), frozenset({"action"}))

    def record_reminder_deliveries(
        self, deliveries: Sequence[tuple[int, datetime]], channel: str, *, grouped: bool = False
    ) -> int:
        """Remember that reminders (action id, due time) were announced; returns how many
        were new.

        Already-recorded ones are skipped (INSERT OR IGNORE on the unique key), so a
        second copy of the app racing this one cannot announce the same due time twice.
        A delivery log changes nothing a view shows, hence a count and not a Change.
        """
        if not deliveries:
            return 0
        delivered_at = self.clock()
        rows = [
            {
                "action_id": action_id,
                "due_at": due_at,
                "delivered_at": delivered_at,
                "channel": channel[:32],
                "grouped": grouped,
            }
            for action_id, due_at in deliveries
        ]
        statement = sqlite_insert(ReminderDelivery).on_conflict_do_nothing(
            index_elements=["action_id", "due_at"]
        )
        with self._write() as session:
            connection = session.connection()
            # One statement for all rows (a catch-up summary after a week away holds
            # thousands; one statement each took ~0.4 s of CPU on the GUI thread). An
            # executemany reports no usable row count, so the rows added are counted by
            # SQLite's own tally of changes on this connection (the table has no triggers).
            driver = connection.connection.driver_connection
            assert driver is not None  # an open session holds a live connection
            before = driver.total_changes
            connection.execute(statement, rows)
            added = driver.total_changes - before
        return int(added)
