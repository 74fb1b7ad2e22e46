"""The Qt-free reminder rules: quiet hours (with DST), summaries, and delivery records."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import inspect, select

from followup_desktop.core.action_kinds import ActionKind
from followup_desktop.core.db import Database, open_database
from followup_desktop.core.models import Action, ActionState, ReminderDelivery
from followup_desktop.core.plain_text import first_sentence
from followup_desktop.core.reminders import (
    REASON_IN_NOTIFICATION,
    QuietHours,
    Reminder,
    ReminderPrefs,
    ReminderService,
    SummaryKind,
    plan_delivery,
)
from followup_desktop.core.services import Change, DebriefFields, FollowupService
from reminder_helpers import ANY_TIME, FakeClock, add_action, add_opportunity, set_setting

BERLIN = ZoneInfo("Europe/Berlin")
OFFICE = QuietHours(BERLIN, frozenset(range(5)), time(9), time(18))


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)  # type: ignore[arg-type, misc]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[arg-type, misc]


# -- quiet hours ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (berlin(2026, 11, 24, 10, 0), berlin(2026, 11, 24, 10, 0)),  # Tuesday, working
        (berlin(2026, 11, 24, 7, 30), berlin(2026, 11, 24, 9, 0)),  # before hours
        (berlin(2026, 11, 24, 18, 0), berlin(2026, 11, 25, 9, 0)),  # end is exclusive
        (berlin(2026, 11, 27, 19, 0), berlin(2026, 11, 30, 9, 0)),  # Friday night
        (berlin(2026, 11, 28, 12, 0), berlin(2026, 11, 30, 9, 0)),  # Saturday
    ],
)
def test_quiet_hours_hold_reminders_until_working_hours(
    moment: datetime, expected: datetime
) -> None:
    assert OFFICE.next_allowed(moment) == expected


def test_quiet_hours_follow_daylight_saving_time() -> None:
    # Berlin moves to summer time on Sunday 29 March 2026: 09:00 is 08:00 UTC on the
    # Friday before and 07:00 UTC on the Monday after.
    assert OFFICE.next_allowed(utc(2026, 3, 27, 6, 0)) == utc(2026, 3, 27, 8, 0)
    assert OFFICE.next_allowed(utc(2026, 3, 28, 12, 0)) == utc(2026, 3, 30, 7, 0)
    # And back on 25 October.
    assert OFFICE.next_allowed(utc(2026, 10, 24, 12, 0)) == utc(2026, 10, 26, 8, 0)


def test_a_working_start_inside_the_dst_gap_is_still_reached() -> None:
    # 02:30 does not exist on 29 March 2026 in Berlin; the opening lands just after the gap.
    night_shift = QuietHours(BERLIN, frozenset(range(7)), time(2, 30), time(5))
    opening = night_shift.next_allowed(utc(2026, 3, 28, 23, 0))
    assert opening == utc(2026, 3, 29, 1, 30)
    assert not night_shift.is_quiet(opening)


def test_no_quiet_hours_means_any_time() -> None:
    moment = berlin(2026, 11, 28, 3, 0)
    assert QuietHours.never().next_allowed(moment) == moment


# -- summaries -----------------------------------------------------------------------------


def _reminder(action_id: int, due_at: datetime, company: str = "Acme") -> Reminder:
    return Reminder(action_id, due_at, ActionKind.THANK_YOU, company, "Engineer", "", "", None)


def test_things_missed_while_closed_are_summed_up_once() -> None:
    start = utc(2026, 11, 24, 9)
    missed = [_reminder(index, start - timedelta(hours=index)) for index in range(1, 4)]
    plan = plan_delivery(missed, catch_up_before=start)
    assert plan.single == ()
    assert plan.summary is not None
    assert plan.summary.kind is SummaryKind.CATCH_UP
    assert plan.summary.title == "3 things came due while Followup was closed"
    assert len(plan.summary.reminders) == 3


def test_one_missed_reminder_is_shown_by_itself_with_its_buttons() -> None:
    start = utc(2026, 11, 24, 9)
    plan = plan_delivery([_reminder(1, start - timedelta(hours=1))], catch_up_before=start)
    assert [reminder.action_id for reminder in plan.single] == [1]
    assert plan.summary is None


def test_fresh_reminders_beside_a_catch_up_stay_single() -> None:
    start = utc(2026, 11, 24, 9)
    missed = [_reminder(index, start - timedelta(hours=index)) for index in (1, 2)]
    fresh = [_reminder(9, start + timedelta(seconds=1))]
    plan = plan_delivery([*fresh, *missed], catch_up_before=start)
    assert [reminder.action_id for reminder in plan.single] == [9]
    assert plan.summary is not None
    assert [reminder.action_id for reminder in plan.summary.reminders] == [2, 1]


def test_a_flood_after_sleep_becomes_one_summary_naming_the_first_few() -> None:
    now = utc(2026, 11, 24, 9)
    due = [_reminder(index, now - timedelta(minutes=index), f"Co{index}") for index in range(6)]
    plan = plan_delivery(due)
    assert plan.summary is not None
    assert plan.summary.kind is SummaryKind.BATCH
    assert plan.summary.title == "6 things are due"
    lines = plan.summary.body_lines()
    assert lines[-1] == "and 2 more"
    assert lines[0] == "Send a thank-you note · Co5"  # oldest first


# -- the database ----------------------------------------------------------------------------


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(utc(2026, 11, 24, 10))  # a Tuesday


@pytest.fixture
def reminders(database: Database, clock: FakeClock) -> ReminderService:
    set_setting(database, "reminders", ANY_TIME)
    return ReminderService(database, clock)


class _CountingService(FollowupService):
    """The real service, counting the settings it writes."""

    writes = 0

    def set_setting(self, key: str, value: object) -> Change:
        self.writes += 1
        return super().set_setting(key, value)


def test_the_reminders_of_a_service_write_through_that_same_service(
    database: Database, clock: FakeClock
) -> None:
    service = _CountingService(database, clock)
    reminders = ReminderService.of(service)
    assert reminders.db is database and reminders.clock is clock
    reminders.set_quiet_hours(False)
    reminders.pause_until(clock() + timedelta(hours=1))
    assert service.writes == 2
    assert ReminderService(database, clock).prefs().quiet_hours is False


def test_the_migration_creates_the_delivery_table(database: Database) -> None:
    columns = {
        column["name"] for column in inspect(database.engine).get_columns("reminder_deliveries")
    }
    assert columns == {"id", "action_id", "due_at", "delivered_at", "channel", "grouped"}


def test_each_due_time_is_announced_once_even_after_a_restart(
    database: Database, reminders: ReminderService, clock: FakeClock
) -> None:
    opportunity = add_opportunity(database, "Acme & Sons")
    action_id = add_action(database, clock.now - timedelta(minutes=1), opportunity_id=opportunity)
    add_action(database, clock.now + timedelta(hours=2))  # not due yet

    pending = reminders.pending(clock.now)
    assert [reminder.action_id for reminder in pending] == [action_id]
    assert pending[0].title == "Send a thank-you note to Dana · Acme & Sons"
    assert reminders.record(pending, "freedesktop") == 1
    assert reminders.record(pending, "freedesktop") == 0  # the unique key holds
    assert reminders.pending(clock.now) == []

    path = database.path
    database.close()
    reopened = open_database(path)
    try:
        again = ReminderService(reopened, clock)
        assert again.pending(clock.now) == []
        assert again.next_delivery(clock.now) == clock.now + timedelta(hours=2)
    finally:
        reopened.close()


def test_a_large_catch_up_is_recorded_in_one_go_counting_only_new_rows(
    database: Database, reminders: ReminderService, clock: FakeClock
) -> None:
    # A week away: many due at once, recorded with one statement; some already were.
    opportunity = add_opportunity(database, "Acme")
    for minutes in range(1, 41):
        add_action(database, clock.now - timedelta(minutes=minutes), opportunity_id=opportunity)
    pending = reminders.pending(clock.now)
    assert len(pending) == 40
    assert reminders.record(pending[:15], "banner") == 15
    assert reminders.record(pending, "summary-banner", grouped=True) == 25
    assert reminders.record(pending, "banner") == 0
    assert reminders.pending(clock.now) == []
    with database.session() as session:
        stored = session.scalars(select(ReminderDelivery)).all()
    assert sorted((row.action_id, row.due_at) for row in stored) == sorted(
        (reminder.action_id, reminder.due_at) for reminder in pending
    )
    assert sum(row.grouped for row in stored) == 25
    assert {row.channel for row in stored} == {"banner", "summary-banner"}


def test_a_snooze_is_a_new_due_time_announced_again(
    database: Database, reminders: ReminderService, clock: FakeClock
) -> None:
    action_id = add_action(database, clock.now)
    reminders.record(reminders.pending(clock.now), "banner")
    with database.session() as session:
        action = session.get(Action, action_id)
        assert action is not None
        action.state = ActionState.SNOOZED
        action.snoozed_until = clock.now + timedelta(hours=1)
    assert reminders.pending(clock.now) == []
    assert reminders.next_delivery(clock.now) == clock.now + timedelta(hours=1)
    clock.advance(timedelta(hours=1))
    [again] = reminders.pending(clock.now)
    assert again.due_at == clock.now
    reminders.record([again], "banner")
    with database.session() as session:
        rows = session.scalars(select(ReminderDelivery.due_at)).all()
    assert len(rows) == 2


@pytest.mark.parametrize("state", [ActionState.DONE, ActionState.DISMISSED])
def test_finished_actions_are_not_announced(
    database: Database, reminders: ReminderService, clock: FakeClock, state: ActionState
) -> None:
    action_id = add_action(database, clock.now - timedelta(hours=1))
    with database.session() as session:
        action = session.get(Action, action_id)
        assert action is not None
        action.state = state
    assert reminders.pending(clock.now) == []
    assert reminders.next_delivery(clock.now) is None


def test_archived_opportunities_are_not_announced(
    database: Database, reminders: ReminderService, clock: FakeClock
) -> None:
    archived = add_opportunity(database, archived=True)
    add_action(database, clock.now - timedelta(hours=1), opportunity_id=archived)
    assert reminders.pending(clock.now) == []


def test_deleting_an_action_deletes_its_delivery_records(
    database: Database, reminders: ReminderService, clock: FakeClock
) -> None:
    action_id = add_action(database, clock.now)
    reminders.record(reminders.pending(clock.now), "banner")
    with database.session() as session:
        session.delete(session.get(Action, action_id))
    with database.session() as session:
        assert session.scalars(select(ReminderDelivery)).all() == []


def test_quiet_hours_and_pause_push_the_next_delivery_back(
    database: Database, clock: FakeClock
) -> None:
    set_setting(
        database,
        "playbook",
        {"timezone": "Europe/Berlin", "working_hours_start": "09:00", "working_hours_end": "18:00"},
    )
    reminders = ReminderService(database, clock)
    clock.now = berlin(2026, 11, 27, 20, 0)  # Friday evening
    add_action(database, clock.now - timedelta(minutes=5))
    assert reminders.held_until(clock.now) == berlin(2026, 11, 30, 9, 0)
    assert reminders.next_delivery(clock.now) == berlin(2026, 11, 30, 9, 0)

    reminders.pause_until(berlin(2026, 11, 30, 11, 0))
    assert reminders.next_delivery(clock.now) == berlin(2026, 11, 30, 11, 0)
    reminders.pause_until(None)
    reminders.set_quiet_hours(False)
    assert reminders.next_delivery(clock.now) == clock.now
    assert reminders.held_until(clock.now) is None


def test_pause_until_tomorrow_ends_when_work_starts(database: Database, clock: FakeClock) -> None:
    set_setting(database, "playbook", {"timezone": "Europe/Berlin", "working_hours_start": "08:30"})
    reminders = ReminderService(database, clock)
    clock.now = berlin(2026, 11, 24, 23, 30)
    assert reminders.pause_until_tomorrow() == berlin(2026, 11, 25, 8, 30)
    assert reminders.prefs().paused_until == berlin(2026, 11, 25, 8, 30)


@pytest.mark.expected_log("^ignoring a damaged reminder pause time ")
def test_damaged_prefs_fall_back_to_defaults() -> None:
    assert ReminderPrefs.from_json("nonsense") == ReminderPrefs()
    assert ReminderPrefs.from_json({"paused_until": "tomorrow"}).paused_until is None
    prefs = ReminderPrefs(quiet_hours=False, paused_until=utc(2026, 1, 2, 3))
    assert ReminderPrefs.from_json(prefs.to_json()) == prefs


def test_tray_status_counts_overdue_and_names_the_next(
    database: Database, reminders: ReminderService, clock: FakeClock
) -> None:
    opportunity = add_opportunity(database, "Globex")
    add_action(database, clock.now - timedelta(days=1), opportunity_id=opportunity)
    add_action(database, clock.now - timedelta(hours=1), opportunity_id=opportunity)
    later = add_action(database, clock.now + timedelta(hours=3), opportunity_id=opportunity)
    status = reminders.status(clock.now, UTC)
    assert status.overdue == 2
    assert status.next_item is not None
    assert status.next_item.action_id == later
    assert len(status.urgent) == 3
    assert reminders.due_action_ids(clock.now) != []


def test_a_debrief_is_prompted_shortly_after_the_interview_then_when_due(
    database: Database, reminders: ReminderService, clock: FakeClock
) -> None:
    from followup_desktop.core.services import FollowupService

    service = FollowupService(database, clock)
    service.set_setting(
        "playbook", {"timezone": "UTC", "debrief_prompt_minutes": 15, "debrief_due_minutes": 120}
    )
    opportunity = service.create_opportunity("Acme", "Analyst").created_id
    assert opportunity is not None
    ended = clock.now
    service.record_interview(opportunity, ended - timedelta(hours=1), ended, timezone="UTC")
    with database.session() as session:
        debrief = session.scalars(select(Action).where(Action.kind == "debrief")).one()
        due = debrief.due_at
    assert due == ended + timedelta(hours=2)

    # The nudge comes a quarter of an hour after the interview, long before the deadline.
    assert reminders.next_delivery(clock.now) == ended + timedelta(minutes=15)
    assert reminders.pending(ended + timedelta(minutes=14)) == []
    prompt = reminders.pending(ended + timedelta(minutes=16))
    assert [(r.kind, r.due_at) for r in prompt] == [("debrief", ended + timedelta(minutes=15))]
    assert reminders.record(prompt, "freedesktop") == 1

    # Announced once; the deadline itself is announced again if it is still open then.
    clock.now = ended + timedelta(minutes=30)
    assert reminders.pending(clock.now) == []
    assert reminders.next_delivery(clock.now) == due
    assert [r.due_at for r in reminders.pending(due + timedelta(minutes=1))] == [due]

    # Submitting the debrief closes it: nothing more to announce.
    interview_id = debrief.interview_id
    assert interview_id is not None
    service.save_debrief(interview_id, DebriefFields(went_well="Rapport"), submit=True)
    assert reminders.pending(due + timedelta(minutes=1)) == []


def _with_reason(reason: str) -> Reminder:
    return Reminder(
        action_id=1,
        due_at=utc(2026, 11, 24, 9),
        kind=ActionKind.of("thank_you"),
        company="Acme",
        role="Analyst",
        recipient="",
        reason=reason,
        opportunity_id=1,
    )


def test_the_notification_shows_the_reasons_first_sentence_ended_at_a_word() -> None:
    reason = (
        "You met Dana on Monday and a short note keeps you in mind.  It also lets you add "
        "the point you forgot."
    )
    assert _with_reason(reason).body_lines() == [
        "Analyst",
        "You met Dana on Monday and a short note keeps you in mind.",
    ]


def test_a_long_first_sentence_is_cut_at_a_word_with_an_ellipsis() -> None:
    words = "recruiters read their mail in the morning and answer the shortest notes first"
    reason = f"Because {words}, {words}, and {words}"
    line = _with_reason(reason).body_lines()[-1]
    assert line.endswith("…")
    assert len(line) <= REASON_IN_NOTIFICATION
    kept = line.removesuffix("…")
    assert reason.startswith(kept)
    assert reason[len(kept)] in " ,", "cut between words, never inside one"
    assert not kept.endswith((",", " "))


def test_first_sentence_handles_quotes_no_sentence_and_one_endless_word() -> None:
    assert first_sentence('They said "next week." Then nothing.', 80) == 'They said "next week."'
    assert first_sentence("no full stop at all", 80) == "no full stop at all"
    assert first_sentence("Why not? Ask.", 80) == "Why not?"
    assert first_sentence("x" * 50, 10) == "x" * 9 + "…"
    assert first_sentence("", 10) == ""


def test_reminder_reads_keep_the_same_sql_whatever_the_number_of_debriefs(
    database: Database, reminders: ReminderService, clock: FakeClock
) -> None:
    # The driver keeps the statements it prepared (up to 128 per connection), keyed by
    # their text: a query that spelt out a list of ids made a new, larger one each time
    # the number of open debriefs changed, and the tray grew by tens of megabytes a week.
    from sqlalchemy import event

    service = FollowupService(database, clock)
    service.set_setting("playbook", {"timezone": "UTC", "debrief_prompt_minutes": 15})
    seen: list[set[str]] = []
    reading = False

    def record(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        if reading:
            seen[-1].add(statement)

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        for count in (1, 2, 5):
            while len(_open_debriefs(database)) < count:
                created = service.create_opportunity(f"Company {count}", "Analyst").created_id
                assert created is not None
                ended = clock.now - timedelta(minutes=20)  # prompted 5 minutes ago
                service.record_interview(created, ended - timedelta(hours=1), ended)
            seen.append(set())
            reading = True
            assert len(reminders.pending(clock.now)) == count  # each prompted once
            reminders.next_delivery(clock.now)
            reading = False
    finally:
        event.remove(database.engine, "before_cursor_execute", record)
    assert seen[0] == seen[1] == seen[2]


def _open_debriefs(database: Database) -> list[int]:
    with database.session() as session:
        return list(
            session.scalars(
                select(Action.id).where(Action.kind == "debrief", Action.state == ActionState.OPEN)
            )
        )
