"""The reminder scheduler: one timer armed for the next due moment, never a busy poll.

The timer is re-armed after every check and every change, and at least every few
minutes (``resync_interval``) so a change made elsewhere (the command line, a second
window) is picked up. A cheap heartbeat compares wall-clock time with monotonic time: a
gap means the machine slept or the clock was set, and the schedule is re-checked at once
(Qt's timers run on monotonic time, which on Linux stands still during suspend).

Both clocks are injected, so tests drive DST, sleep and clock jumps without waiting. The
rules themselves (quiet hours, catch-up summary, once per due time) live in the Qt-free
:mod:`followup_desktop.core.reminders`.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from followup_desktop.core.change import ActionStatus
from followup_desktop.core.errors import FollowupError
from followup_desktop.core.i18n import _
from followup_desktop.core.queries.window import action_statuses
from followup_desktop.core.reminders import DeliveryPlan, Reminder, ReminderService, plan_delivery
from followup_desktop.core.services import Change, FollowupService
from followup_desktop.notify import (
    DONE,
    OPEN,
    OPEN_APP,
    REMINDER_ACTIONS,
    SNOOZE,
    SUMMARY_ACTIONS,
    Notification,
)

if TYPE_CHECKING:
    from followup_desktop.gui.tasks import TaskRunner

log = logging.getLogger(__name__)

SNOOZE_FOR = timedelta(hours=1)
# After a delivery failed everywhere, wait this long before trying again (no hot loop).
RETRY_AFTER = timedelta(minutes=1)


class Deliverer(Protocol):
    """What the scheduler needs from a notifier chain."""

    def deliver(self, notification: Notification) -> str | None:
        """Show ``notification``; the channel that did, or None."""
        ...


def reminder_notification(reminder: Reminder) -> Notification:
    """The notification announcing one reminder (plain text; notifiers escape)."""
    return Notification(
        summary=reminder.title,
        body="\n".join(reminder.body_lines()),
        actions=REMINDER_ACTIONS,
        action_id=reminder.action_id,
        tag=f"action:{reminder.action_id}",
    )


class ReminderScheduler(QObject):
    """Announces due reminders on time, and acts on the buttons chosen in them."""

    delivered = Signal(object, str)  # DeliveryPlan, channel name
    changed = Signal(object)  # services.Change made by a button or the tray menu
    #: A step taken from a notification or the tray menu, for undo: what it was (its
    #: words), and the actions' statuses (ActionStatus by id) before and after.
    step_taken = Signal(str, object, object)
    status_changed = Signal()  # something the tray shows may have changed
    open_action_requested = Signal(int)
    open_window_requested = Signal()
    _action_chosen = Signal(object, str)

    def __init__(
        self,
        reminders: ReminderService,
        service: FollowupService,
        notifier: Deliverer,
        *,
        clock: Callable[[], datetime] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        resync_interval: timedelta = timedelta(minutes=10),
        # Once a minute: idle in the tray, nothing may wake Followup more often.
        heartbeat_interval: timedelta = timedelta(seconds=60),
        jump_tolerance: timedelta = timedelta(seconds=20),
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.reminders = reminders
        self.service = service
        self.notifier = notifier
        self.clock = clock or reminders.clock
        self.monotonic = monotonic
        self.resync_interval = resync_interval
        self.jump_tolerance = jump_tolerance
        self.started_at: datetime | None = None
        self.next_fire: datetime | None = None
        self._catch_up_pending = True
        self._retry_at: datetime | None = None
        self._last_wall: datetime | None = None
        self._last_mono = 0.0
        # With a worker (use_worker), the timer's check reads what is due there.
        self._tasks: TaskRunner | None = None
        self._checking = False

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        # The default coarse timer may be 5 % late: 30 s on a 10-minute wait.
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._due)
        self.heartbeat = QTimer(self)
        self.heartbeat.setInterval(int(heartbeat_interval.total_seconds() * 1000))
        self.heartbeat.timeout.connect(self.heartbeat_tick)
        # Notifiers call back from their own threads; a queued signal brings us home.
        self._action_chosen.connect(self._handle_action, Qt.ConnectionType.QueuedConnection)

    # -- life cycle --------------------------------------------------------------------

    def use_worker(self, tasks: TaskRunner) -> None:
        """Read what is due on ``tasks``'s worker from now on, when the timer fires and
        after a sleep: those reads scan every debrief still due, and on a large database
        the window would pause for them (announcing stays on the GUI thread)."""
        self._tasks = tasks

    def start(self) -> None:
        """Note when Followup started (for the catch-up summary) and check at once (its
        reads on the worker, with use_worker)."""
        self.started_at = self.clock()
        self._catch_up_pending = True
        self._mark_clocks()
        self.heartbeat.start()
        if self._tasks is None:
            # At once, on this thread: the timer is armed when start returns.
            self.check()
            return
        # Armed at once for the next resync; the check's reads run on the worker (they
        # scan every debrief still due) and arm it for the next due moment.
        self._arm(self.started_at, None)
        self.check_later(self._tasks)

    def stop(self) -> None:
        """Stop both timers."""
        self.timer.stop()
        self.heartbeat.stop()

    @property
    def armed_ms(self) -> int:
        """Milliseconds until the timer fires (-1 when it is not armed)."""
        return self.timer.remainingTime() if self.timer.isActive() else -1

    # -- the schedule ------------------------------------------------------------------

    def reschedule(self) -> None:
        """Arm the timer for the next due moment, or for the next resync, whichever is first."""
        now = self.clock()
        self._arm(now, self.reminders.next_delivery(now))

    def reschedule_later(self, tasks: TaskRunner) -> None:
        """:meth:`reschedule`, its read on the worker (it scans every debrief still due).

        For the window's changes, many in a row at times: the window stays responsive,
        and a reminder due meanwhile is announced a moment later at worst.
        """
        now = self.clock()
        reminders = self.reminders

        def failed(error: BaseException) -> None:
            log.info("reading the next reminder on the worker failed: %r", error)
            self.reschedule()  # on the GUI thread then, where a failure is reported

        tasks.submit(
            lambda: reminders.next_delivery(now),
            lambda upcoming: self._arm(now, upcoming),
            failed,
            quiet=True,
        )

    def _arm(self, now: datetime, upcoming: datetime | None) -> None:
        if upcoming is not None and self._retry_at is not None and upcoming < self._retry_at:
            upcoming = self._retry_at
        self.next_fire = upcoming
        delay_ms = int(self.resync_interval.total_seconds() * 1000)
        if upcoming is not None:
            # Rounded up: firing a millisecond early would find nothing due and re-arm.
            until_due = math.ceil(max(0.0, (upcoming - now).total_seconds()) * 1000)
            delay_ms = min(delay_ms, until_due)
        self.timer.start(delay_ms)
        self._mark_clocks()

    def check(self) -> DeliveryPlan:
        """Announce whatever is due now, then re-arm; returns what was announced."""
        now = self.clock()
        plan = self._announce(now, self._read_due(self.reminders, now))
        self.reschedule()
        self.status_changed.emit()
        return plan

    def check_later(self, tasks: TaskRunner) -> None:
        """:meth:`check`, its reads on the worker; the announcing follows on the GUI thread.

        A check asked for while one is reading is the same check: it is not queued twice.
        """
        if self._checking:
            return
        self._checking = True
        now = self.clock()
        reminders = self.reminders

        def done(pending: list[Reminder] | None) -> None:
            self._checking = False
            self._announce(now, pending, tasks)
            self.reschedule_later(tasks)
            self.status_changed.emit()

        def failed(error: BaseException) -> None:
            self._checking = False
            log.info("reading the due reminders on the worker failed: %r", error)
            self.check()  # on the GUI thread then, where a failure is reported

        tasks.submit(lambda: self._read_due(reminders, now), done, failed, quiet=True)

    def _due(self) -> None:
        """The timer fired (or a start or a sleep asks): check, on the worker if there is one."""
        if self._tasks is None:
            self.check()
        else:
            self.check_later(self._tasks)

    @staticmethod
    def _read_due(reminders: ReminderService, now: datetime) -> list[Reminder] | None:
        """What is due at ``now``; None while a pause or quiet hours hold reminders."""
        if reminders.held_until(now) is not None:
            return None
        return reminders.pending(now)

    def _announce(
        self, now: datetime, pending: list[Reminder] | None, tasks: TaskRunner | None = None
    ) -> DeliveryPlan:
        plan = DeliveryPlan()
        if pending is not None:
            if pending:
                catch_up = self.started_at if self._catch_up_pending else None
                plan = plan_delivery(pending, catch_up_before=catch_up)
            # The catch-up summary is for the first announcement after a start only; held
            # by quiet hours, it still waits for them to end.
            self._catch_up_pending = False
        if not plan.empty:
            self._deliver(plan, now, tasks)
        return plan

    def _deliver(self, plan: DeliveryPlan, now: datetime, tasks: TaskRunner | None) -> None:
        """Show the plan's notifications here; record them here, or with ``tasks`` on
        the worker (a summary after a night away records thousands of rows). The worker's
        queue runs in order, so the next read of what is due comes after that write."""
        failed = False
        channels: list[str] = []
        announced: list[tuple[Sequence[Reminder], str, bool]] = []
        for reminder in plan.single:
            channel = self.notifier.deliver(reminder_notification(reminder))
            if channel is None:
                failed = True
                continue
            announced.append(([reminder], channel, False))
            channels.append(channel)
        if plan.summary is not None:
            summary = plan.summary
            notification = Notification(
                summary=summary.title,
                body="\n".join(summary.body_lines()),
                actions=SUMMARY_ACTIONS,
                tag="summary",
            )
            channel = self.notifier.deliver(notification)
            if channel is None:
                failed = True
            else:
                announced.append((summary.reminders, channel, True))
                channels.append(channel)
        reminders = self.reminders

        def record() -> None:
            for which, channel, grouped in announced:
                reminders.record(which, channel, grouped=grouped)

        if tasks is None or not announced:
            record()
        else:

            def not_recorded(error: BaseException) -> None:
                # Not recorded: the next check finds them due and announces them again,
                # which is better than never.
                log.warning("recording the announced reminders failed: %r", error)

            tasks.submit(record, lambda _none: None, not_recorded, quiet=True)
        self._retry_at = now + RETRY_AFTER if failed else None
        if channels:
            self.delivered.emit(plan, channels[0])

    def _mark_clocks(self) -> None:
        self._last_wall = self.clock()
        self._last_mono = self.monotonic()

    def heartbeat_tick(self) -> bool:
        """Notice sleep or a clock jump (wall time moving unlike monotonic time); True if so."""
        wall, mono = self.clock(), self.monotonic()
        previous_wall, previous_mono = self._last_wall, self._last_mono
        self._last_wall, self._last_mono = wall, mono
        if previous_wall is None:
            return False
        drift = (wall - previous_wall).total_seconds() - (mono - previous_mono)
        if abs(drift) <= self.jump_tolerance.total_seconds():
            return False
        log.info("wall clock moved %+.0f s against monotonic time (sleep or clock change)", drift)
        self._due()
        return True

    # -- buttons -----------------------------------------------------------------------

    def on_action_chosen(self, notification: Notification, key: str) -> None:
        """Thread-safe entry for notifiers: act on ``key`` in the GUI thread."""
        self._action_chosen.emit(notification, key)

    def _handle_action(self, notification: Notification, key: str) -> None:
        action_id = notification.action_id
        if key == OPEN_APP or (key == OPEN and action_id is None):
            self.open_window_requested.emit()
            return
        if action_id is None:
            return
        if key == OPEN:
            self.open_action_requested.emit(action_id)
            return
        verb = {DONE: _("Mark done"), SNOOZE: _("Snooze for an hour")}.get(key)
        if verb is None:
            log.warning("unknown notification action %r ignored", key)
            return
        before = action_statuses(self.service.db, [action_id])
        try:
            if key == DONE:
                change = self.service.complete_action(action_id)
            else:
                change = self.service.snooze_action(action_id, self.clock() + SNOOZE_FOR)
        except FollowupError as error:
            # Typically the action was deleted or finished in the window meanwhile.
            log.warning("could not %s action %s: %s", key, action_id, error)
            return
        self.changed.emit(change)
        self._step_taken(_("{verb}: {step}").format(verb=verb, step=notification.summary), before)
        self.reschedule()
        self.status_changed.emit()

    def undone(self, change: Change) -> None:
        """A step taken here was undone (or redone): tell the window, re-arm, redraw."""
        self.changed.emit(change)
        self.reschedule()
        self.status_changed.emit()

    def _step_taken(self, text: str, before: dict[int, ActionStatus]) -> None:
        if before:
            self.step_taken.emit(text, before, action_statuses(self.service.db, before))

    # -- tray menu commands -------------------------------------------------------------

    def snooze_all(self, duration: timedelta = SNOOZE_FOR) -> Change:
        """Snooze every action due now by ``duration``; returns what changed."""
        until = self.clock() + duration
        change = Change()
        due = list(self.reminders.due_action_ids(self.clock()))
        before = action_statuses(self.service.db, due)
        snoozed: list[int] = []
        for action_id in due:
            try:
                change = change | self.service.snooze_action(action_id, until)
            except FollowupError as error:
                log.warning("could not snooze action %s: %s", action_id, error)
            else:
                snoozed.append(action_id)
        self.changed.emit(change)
        self._step_taken(_("Snooze all"), {i: before[i] for i in snoozed if i in before})
        self.reschedule()
        self.status_changed.emit()
        return change

    def pause_until_tomorrow(self) -> datetime:
        """Hold reminders until tomorrow's working hours; returns when they resume."""
        until = self.reminders.tomorrow_morning(self.clock())
        self.reminders.pause_until(until)
        self.reschedule()
        self.status_changed.emit()
        return until

    def resume(self) -> None:
        """End a pause."""
        self.reminders.pause_until(None)
        self.check()
