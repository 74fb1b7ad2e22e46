"""The reminder scheduler with pytest-qt: timer arming, clock jumps, buttons, catch-up."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from followup_desktop.core.db import Database
from followup_desktop.core.models import Action, ActionState, ReminderDelivery
from followup_desktop.core.reminders import Reminder, ReminderService
from followup_desktop.core.services import FollowupService
from followup_desktop.core.timeutil import utcnow
from followup_desktop.gui.scheduler import ReminderScheduler
from followup_desktop.notify import DONE, OPEN, SNOOZE, Notification
from reminder_helpers import ANY_TIME, FakeClock, add_action, add_opportunity, set_setting

BERLIN = ZoneInfo("Europe/Berlin")
RESYNC = timedelta(minutes=10)


class RecordingNotifier:
    """Stands in for the notifier chain; ``channel`` None simulates "nothing could show it"."""

    def __init__(self) -> None:
        self.shown: list[Notification] = []
        self.channel: str | None = "fake"

    def deliver(self, notification: Notification) -> str | None:
        if self.channel is not None:
            self.shown.append(notification)
        return self.channel


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 24, 10, tzinfo=UTC))


@pytest.fixture
def notifier() -> RecordingNotifier:
    return RecordingNotifier()


@pytest.fixture
def scheduler(
    qtbot: QtBot, database: Database, clock: FakeClock, notifier: RecordingNotifier
) -> Iterator[ReminderScheduler]:
    set_setting(database, "reminders", ANY_TIME)
    made = ReminderScheduler(
        ReminderService(database, clock),
        FollowupService(database, clock),
        notifier,
        monotonic=clock.monotonic,
        resync_interval=RESYNC,
    )
    yield made
    made.stop()


def _state(database: Database, action_id: int) -> ActionState:
    with database.session() as session:
        action = session.get(Action, action_id)
        assert action is not None
        return action.state


def _deliveries(database: Database) -> int:
    with database.session() as session:
        return int(session.scalar(select(func.count(ReminderDelivery.id))) or 0)


def test_the_timer_is_armed_for_the_next_due_moment(
    database: Database, scheduler: ReminderScheduler, clock: FakeClock, notifier: RecordingNotifier
) -> None:
    action_id = add_action(database, clock.now + timedelta(seconds=90))
    scheduler.start()
    assert notifier.shown == []
    planned = scheduler.next_fire  # read once: the check below changes it
    assert planned == clock.now + timedelta(seconds=90)
    assert 89_000 < scheduler.armed_ms <= 90_000

    clock.advance(timedelta(seconds=90))
    scheduler.check()  # what the timer's timeout does
    assert [shown.action_id for shown in notifier.shown] == [action_id]
    assert notifier.shown[0].summary == "Send a thank-you note to Dana"
    assert [key for key, _label in notifier.shown[0].actions] == [OPEN, DONE, SNOOZE]
    assert scheduler.next_fire is None
    assert scheduler.armed_ms > 599_000  # only the periodic resync remains

    scheduler.check()
    assert len(notifier.shown) == 1, "a due time is announced once"


def test_a_far_reminder_waits_for_the_periodic_resync_not_a_huge_timer(
    database: Database, scheduler: ReminderScheduler, clock: FakeClock
) -> None:
    add_action(database, clock.now + timedelta(days=3))
    scheduler.start()
    assert scheduler.next_fire == clock.now + timedelta(days=3)
    assert scheduler.armed_ms <= RESYNC.total_seconds() * 1000


def test_a_change_re_arms_the_timer(
    database: Database, scheduler: ReminderScheduler, clock: FakeClock
) -> None:
    scheduler.start()
    assert scheduler.next_fire is None
    add_action(database, clock.now + timedelta(seconds=30))
    scheduler.reschedule()
    assert scheduler.next_fire == clock.now + timedelta(seconds=30)
    assert 29_000 < scheduler.armed_ms <= 30_000


def test_a_change_re_arms_the_timer_from_a_read_on_the_worker(
    qtbot: QtBot, database: Database, scheduler: ReminderScheduler, clock: FakeClock
) -> None:
    import threading

    from followup_desktop.gui.tasks import TaskRunner

    scheduler.start()
    add_action(database, clock.now + timedelta(seconds=30))
    tasks = TaskRunner()
    gui = threading.get_ident()
    read_on: list[int] = []
    reminders = scheduler.reminders
    next_delivery = reminders.next_delivery

    def recorded(now: datetime) -> datetime | None:
        read_on.append(threading.get_ident())
        return next_delivery(now)

    reminders.next_delivery = recorded  # type: ignore[method-assign]
    scheduler.reschedule_later(tasks)
    assert scheduler.next_fire is None  # not yet: the read is on the worker
    qtbot.waitUntil(lambda: tasks.idle)
    assert read_on and gui not in read_on
    assert scheduler.next_fire == clock.now + timedelta(seconds=30)
    assert 29_000 < scheduler.armed_ms <= 30_000


def test_with_a_worker_the_due_reminders_are_read_and_recorded_there_and_shown_once(
    qtbot: QtBot,
    database: Database,
    scheduler: ReminderScheduler,
    clock: FakeClock,
    notifier: RecordingNotifier,
) -> None:
    import threading

    from followup_desktop.gui.tasks import TaskRunner

    action_id = add_action(database, clock.now + timedelta(seconds=90))
    tasks = TaskRunner()
    scheduler.use_worker(tasks)
    gui = threading.get_ident()
    read_on: list[int] = []
    reminders = scheduler.reminders
    pending = reminders.pending

    written_on: list[int] = []
    record = reminders.record

    def recorded(now: datetime) -> list[Reminder]:
        read_on.append(threading.get_ident())
        return pending(now)

    def writing(reminders: Sequence[Reminder], channel: str, *, grouped: bool = False) -> int:
        written_on.append(threading.get_ident())
        return record(reminders, channel, grouped=grouped)

    started_on: list[int] = []
    next_delivery = reminders.next_delivery

    def looked_ahead(now: datetime) -> datetime | None:
        started_on.append(threading.get_ident())
        return next_delivery(now)

    reminders.next_delivery = looked_ahead  # type: ignore[method-assign]
    scheduler.start()  # with a worker, even the first check reads there
    assert scheduler.armed_ms > 599_000  # armed at once, for the resync, meanwhile
    qtbot.waitUntil(lambda: tasks.idle and scheduler.next_fire == clock.now + timedelta(seconds=90))
    assert started_on and gui not in started_on
    assert notifier.shown == []
    reminders.pending = recorded  # type: ignore[method-assign]
    reminders.record = writing  # type: ignore[method-assign]

    clock.advance(timedelta(seconds=90))
    scheduler.timer.timeout.emit()  # the timer fires...
    scheduler.timer.timeout.emit()  # ...and fires again while the first read runs
    assert notifier.shown == []  # not yet: what is due is read on the worker
    qtbot.waitUntil(lambda: tasks.idle and len(notifier.shown) == 1)
    qtbot.waitUntil(lambda: tasks.idle and scheduler.next_fire is None)
    assert [shown.action_id for shown in notifier.shown] == [action_id]
    assert _deliveries(database) == 1
    assert len(read_on) == 1 and gui not in read_on
    assert len(written_on) == 1 and gui not in written_on
    assert scheduler.armed_ms > 599_000  # only the periodic resync remains


def test_the_real_timer_fires_on_time(qtbot: QtBot, database: Database) -> None:
    set_setting(database, "reminders", ANY_TIME)
    notifier = RecordingNotifier()
    scheduler = ReminderScheduler(ReminderService(database), FollowupService(database), notifier)
    add_action(database, utcnow() + timedelta(milliseconds=150))
    scheduler.start()
    assert notifier.shown == []
    with qtbot.waitSignal(scheduler.delivered, timeout=3000):
        pass
    assert len(notifier.shown) == 1
    scheduler.stop()


def test_sleep_is_noticed_by_the_heartbeat_and_due_reminders_go_out(
    database: Database, scheduler: ReminderScheduler, clock: FakeClock, notifier: RecordingNotifier
) -> None:
    add_action(database, clock.now + timedelta(hours=1))
    scheduler.start()
    clock.advance(timedelta(seconds=30))
    assert scheduler.heartbeat_tick() is False  # normal time passing
    clock.advance(timedelta(hours=2), asleep=True)  # suspended: monotonic time stood still
    assert scheduler.heartbeat_tick() is True
    assert len(notifier.shown) == 1


def test_a_clock_set_backwards_is_noticed_too(
    database: Database, scheduler: ReminderScheduler, clock: FakeClock
) -> None:
    add_action(database, clock.now + timedelta(hours=1))
    scheduler.start()
    clock.now -= timedelta(hours=1)
    assert scheduler.heartbeat_tick() is True
    assert scheduler.next_fire == clock.now + timedelta(hours=2)


def test_snooze_button_snoozes_and_the_reminder_comes_back_an_hour_later(
    qtbot: QtBot,
    database: Database,
    scheduler: ReminderScheduler,
    clock: FakeClock,
    notifier: RecordingNotifier,
) -> None:
    action_id = add_action(database, clock.now)
    scheduler.start()
    [shown] = notifier.shown
    with qtbot.waitSignal(scheduler.changed, timeout=2000):
        scheduler.on_action_chosen(shown, SNOOZE)  # as the D-Bus listener thread would
    assert _state(database, action_id) is ActionState.SNOOZED
    assert scheduler.next_fire == clock.now + timedelta(hours=1)

    clock.advance(timedelta(hours=1))
    scheduler.check()
    assert [item.action_id for item in notifier.shown] == [action_id, action_id]
    assert _deliveries(database) == 2


def test_done_button_finishes_the_action(
    qtbot: QtBot,
    database: Database,
    scheduler: ReminderScheduler,
    clock: FakeClock,
    notifier: RecordingNotifier,
) -> None:
    action_id = add_action(database, clock.now)
    scheduler.start()
    with qtbot.waitSignal(scheduler.changed, timeout=2000):
        scheduler.on_action_chosen(notifier.shown[0], DONE)
    assert _state(database, action_id) is ActionState.DONE


def test_open_button_asks_the_window_to_open_the_action(
    qtbot: QtBot,
    database: Database,
    scheduler: ReminderScheduler,
    clock: FakeClock,
    notifier: RecordingNotifier,
) -> None:
    action_id = add_action(database, clock.now)
    scheduler.start()
    with qtbot.waitSignal(scheduler.open_action_requested, timeout=2000) as blocker:
        scheduler.on_action_chosen(notifier.shown[0], OPEN)
    assert blocker.args == [action_id]


@pytest.mark.expected_log("^could not done action ")
def test_a_button_for_a_deleted_action_is_ignored(
    qtbot: QtBot,
    database: Database,
    scheduler: ReminderScheduler,
    clock: FakeClock,
    notifier: RecordingNotifier,
) -> None:
    action_id = add_action(database, clock.now)
    scheduler.start()
    with database.session() as session:
        session.delete(session.get(Action, action_id))
    with qtbot.assertNotEmitted(scheduler.changed, wait=100):
        scheduler.on_action_chosen(notifier.shown[0], DONE)


def test_catch_up_summary_appears_once_after_a_night_closed(
    qtbot: QtBot, database: Database, clock: FakeClock, notifier: RecordingNotifier
) -> None:
    set_setting(database, "reminders", ANY_TIME)
    opportunity = add_opportunity(database, "Initech")
    for hours in (10, 8, 3):
        add_action(database, clock.now - timedelta(hours=hours), opportunity_id=opportunity)
    later = add_action(database, clock.now + timedelta(minutes=5))

    def start_app() -> ReminderScheduler:
        made = ReminderScheduler(
            ReminderService(database, clock),
            FollowupService(database, clock),
            notifier,
            monotonic=clock.monotonic,
        )
        made.start()
        return made

    first = start_app()
    [summary] = notifier.shown
    assert summary.summary == "3 things came due while Followup was closed"
    assert summary.action_id is None
    assert "Send a thank-you note to Dana · Initech" in summary.body

    clock.advance(timedelta(minutes=5))
    first.check()
    assert notifier.shown[-1].action_id == later, "later reminders come one by one"
    first.stop()

    second = start_app()  # a restart repeats nothing
    assert len(notifier.shown) == 2
    second.stop()


def test_quiet_hours_hold_the_catch_up_until_the_morning(
    qtbot: QtBot, database: Database, clock: FakeClock, notifier: RecordingNotifier
) -> None:
    set_setting(database, "playbook", {"timezone": "Europe/Berlin"})
    clock.now = datetime(2026, 11, 24, 6, 0, tzinfo=BERLIN)
    for hours in (1, 2):
        add_action(database, clock.now - timedelta(hours=hours))
    scheduler = ReminderScheduler(
        ReminderService(database, clock),
        FollowupService(database, clock),
        notifier,
        monotonic=clock.monotonic,
    )
    scheduler.start()
    assert notifier.shown == []
    assert scheduler.next_fire == datetime(2026, 11, 24, 9, 0, tzinfo=BERLIN)
    clock.now = datetime(2026, 11, 24, 9, 0, tzinfo=BERLIN)
    scheduler.check()
    assert [shown.summary for shown in notifier.shown] == [
        "2 things came due while Followup was closed"
    ]
    scheduler.stop()


def test_pause_until_tomorrow_and_resume(
    database: Database, scheduler: ReminderScheduler, clock: FakeClock, notifier: RecordingNotifier
) -> None:
    scheduler.start()
    until = scheduler.pause_until_tomorrow()
    assert until > clock.now
    add_action(database, clock.now)
    scheduler.check()
    assert notifier.shown == []
    assert scheduler.next_fire == until
    scheduler.resume()
    assert len(notifier.shown) == 1


def test_snooze_all_moves_every_due_action(
    database: Database, scheduler: ReminderScheduler, clock: FakeClock
) -> None:
    first = add_action(database, clock.now - timedelta(hours=2))
    second = add_action(database, clock.now - timedelta(minutes=1))
    future = add_action(database, clock.now + timedelta(hours=5))
    scheduler.start()
    scheduler.snooze_all()
    assert _state(database, first) is ActionState.SNOOZED
    assert _state(database, second) is ActionState.SNOOZED
    assert _state(database, future) is ActionState.OPEN
    assert scheduler.next_fire == clock.now + timedelta(hours=1)


def test_when_nothing_can_show_a_reminder_it_is_kept_and_retried(
    database: Database, scheduler: ReminderScheduler, clock: FakeClock, notifier: RecordingNotifier
) -> None:
    add_action(database, clock.now)
    notifier.channel = None
    scheduler.start()
    assert _deliveries(database) == 0
    assert scheduler.next_fire == clock.now + timedelta(minutes=1), "no hot loop"
    notifier.channel = "fake"
    clock.advance(timedelta(minutes=1))
    scheduler.check()
    assert _deliveries(database) == 1
