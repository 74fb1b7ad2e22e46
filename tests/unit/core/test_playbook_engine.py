"""The playbook engine on hand-built facts: one test per row of PLAYBOOK section 6, then
the disputed choices, humane times, daylight saving, the employer's word, and bad facts.

Pure tests: no database. Times are written on the Berlin wall clock, the zone the
settings use, so each expectation reads like the agenda would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from followup_desktop.core.errors import ValidationError
from followup_desktop.core.models import ActionState, Channel, ContactRole, Direction, StageKind
from followup_desktop.core.playbook import ActionKind, PlannedAction, plan, plan_pipeline
from followup_desktop.core.playbook.facts import (
    ContactFacts,
    ContactLinkFacts,
    CorrespondenceFacts,
    DebriefFacts,
    InterviewFacts,
    OpportunityFacts,
    ParticipantFacts,
    PipelineFacts,
    StageChangeFacts,
    StepFacts,
    WaitingFacts,
)
from followup_desktop.core.playbook.settings import (
    PlaybookSettings,
    describe_settings,
    settings_from,
    validate_settings,
    with_overrides,
)

BERLIN = ZoneInfo("Europe/Berlin")
SETTINGS = PlaybookSettings(timezone="Europe/Berlin")

DANA = ContactFacts(1, "Dana Levi", "dana@northwind.example", "+49 30 1111")
SAM = ContactFacts(2, "Sam Ortiz", "sam@northwind.example")
RITA = ContactFacts(3, "Rita Roe", "rita@northwind.example", "+49 30 3333")
PAT = ContactFacts(4, "Pat Kim", "pat@mail.example", "+49 171 4444")
JO = ContactFacts(5, "Jo Park", "jo@mail.example")
HANNA = ContactFacts(6, "Hanna Berg", "hanna@northwind.example", "+49 30 6666")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A Berlin wall-clock time as the aware UTC instant the core works with."""
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


def wall(instant: datetime) -> str:
    """An instant as read on the Berlin wall clock, e.g. ``Wed 25 Nov 11:00``."""
    return instant.astimezone(BERLIN).strftime("%a %d %b %H:%M")


# Tuesday 24 November 2026, 10:00-11:00 in Berlin: the interview most tests start from.
INTERVIEW = InterviewFacts(
    id=10,
    starts_at=at(2026, 11, 24, 10),
    ends_at=at(2026, 11, 24, 11),
    participants=(ParticipantFacts(DANA, "the pipeline rewrite"), ParticipantFacts(SAM)),
)
NOW = at(2026, 11, 24, 12)


def opportunity(**changes: Any) -> OpportunityFacts:
    """Northwind, Data Engineer, interviewing, with the interview above."""
    base = OpportunityFacts(
        id=1,
        company="Northwind",
        role="Data Engineer",
        stage_kind=StageKind.ACTIVE,
        created_at=at(2026, 11, 2, 9),
        contacts=(
            ContactLinkFacts(DANA, ContactRole.INTERVIEWER),
            ContactLinkFacts(SAM, ContactRole.INTERVIEWER),
            ContactLinkFacts(RITA, ContactRole.RECRUITER),
        ),
        interviews=(INTERVIEW,),
    )
    return base._replace(**changes)


def interview(**changes: Any) -> InterviewFacts:
    return INTERVIEW._replace(**changes)


def done(key: str, at_time: datetime) -> dict[str, StepFacts]:
    return {key: StepFacts(key, ActionState.DONE, at_time, at_time)}


def by_key(actions: list[PlannedAction]) -> dict[str, PlannedAction]:
    keys = [action.plan_key for action in actions]
    assert len(keys) == len(set(keys)), f"duplicate keys in {keys}"
    return {action.plan_key: action for action in actions}


def only(actions: list[PlannedAction], kind: ActionKind) -> list[PlannedAction]:
    return [action for action in actions if action.kind is kind]


# -- PLAYBOOK section 6, row by row -------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One row of the default schedule: facts in, actions of one kind out."""

    name: str
    facts: OpportunityFacts
    kind: ActionKind
    expected: dict[str, str]  # plan key -> due on the Berlin wall clock
    now: datetime = NOW
    recipients: dict[str, str] = field(default_factory=dict)


FU1 = "status_follow_up:after=i10:n=1"
FU2 = "status_follow_up:after=i10:n=2"
CALL = "phone_call:after=i10"
CALL2 = "phone_call:after=i10:n=2"

ROWS = [
    Row(
        "debrief: interview end + 2 h",
        opportunity(),
        ActionKind.DEBRIEF,
        {"debrief:interview=10": "Tue 24 Nov 13:00"},
    ),
    Row(
        "thank-you: one per interviewer, end + 24 h",
        opportunity(),
        ActionKind.THANK_YOU,
        {
            "thank_you:interview=10:contact=1": "Wed 25 Nov 11:00",
            "thank_you:interview=10:contact=2": "Wed 25 Nov 11:00",
        },
        recipients={
            "thank_you:interview=10:contact=1": "Dana Levi <dana@northwind.example>",
            "thank_you:interview=10:contact=2": "Sam Ortiz <sam@northwind.example>",
        },
    ),
    Row(
        "send promised material: end + 2 days",
        opportunity(interviews=(interview(debrief=DebriefFacts(True, "a code sample")),)),
        ActionKind.SEND_MATERIAL,
        {"send_material:interview=10": "Thu 26 Nov 11:00"},
    ),
    Row(
        "tell references: final round recorded + 1 day",
        opportunity(
            stage_kind=StageKind.FINAL,
            contacts=(ContactLinkFacts(PAT, ContactRole.REFERENCE),),
            stage_history=(StageChangeFacts(StageKind.FINAL, at(2026, 11, 25, 15)),),
        ),
        ActionKind.TELL_REFERENCES,
        {"tell_references:contact=4": "Thu 26 Nov 15:00"},
        recipients={"tell_references:contact=4": "Pat Kim <pat@mail.example>"},
    ),
    Row(
        "check in with the referrer: end + 2 days",
        opportunity(referrer=JO),
        ActionKind.CHECK_IN_REFERRER,
        {"check_in_referrer:interview=10:contact=5": "Thu 26 Nov 11:00"},
    ),
    Row(
        "still interested: only with a timeline N, end + N days",
        opportunity(interviews=(interview(decision_timeline_days=7),)),
        ActionKind.STILL_INTERESTED,
        {"still_interested:interview=10": "Tue 01 Dec 11:00"},
    ),
    Row(
        "status follow-up 1: end + 2N days",
        opportunity(interviews=(interview(decision_timeline_days=7),)),
        ActionKind.STATUS_FOLLOW_UP,
        {FU1: "Tue 08 Dec 11:00"},
    ),
    Row(
        "status follow-up 1: end + 7 days without a timeline",
        opportunity(),
        ActionKind.STATUS_FOLLOW_UP,
        {FU1: "Tue 01 Dec 11:00"},
    ),
    Row(
        "status follow-up 2: previous + 7 days",
        opportunity(finished_steps=done(FU1, at(2026, 12, 1, 15))),
        ActionKind.STATUS_FOLLOW_UP,
        {FU2: "Tue 08 Dec 15:00"},
        now=at(2026, 12, 1, 16),
    ),
    Row(
        "phone call: after follow-up 2 + 7 days",
        opportunity(
            finished_steps={
                **done(FU1, at(2026, 12, 1, 15)),
                **done(FU2, at(2026, 12, 8, 10)),
            }
        ),
        ActionKind.PHONE_CALL,
        {CALL: "Tue 15 Dec 10:00"},
        now=at(2026, 12, 8, 11),
        recipients={CALL: "Dana Levi (+49 30 1111)"},
    ),
    Row(
        # Offered with the call, not after it: the person picks one (PLAYBOOK 6 notes).
        "closing note: after follow-up 2 + 7 days, beside the call",
        opportunity(
            finished_steps={
                **done(FU1, at(2026, 12, 1, 15)),
                **done(FU2, at(2026, 12, 8, 10)),
            }
        ),
        ActionKind.CLOSING_NOTE,
        {"closing_note:after=i10": "Tue 15 Dec 10:00"},
        now=at(2026, 12, 8, 11),
    ),
    Row(
        "second call: 7 days after an unanswered first call (the closing note waits)",
        opportunity(
            finished_steps={
                **done(FU1, at(2026, 12, 1, 15)),
                **done(FU2, at(2026, 12, 8, 10)),
                **done(CALL, at(2026, 12, 15, 10)),
            }
        ),
        ActionKind.PHONE_CALL,
        {CALL2: "Tue 22 Dec 10:00"},
        now=at(2026, 12, 15, 11),
    ),
    Row(
        "closing note: 7 days after the second call",
        opportunity(
            finished_steps={
                **done(FU1, at(2026, 12, 1, 15)),
                **done(FU2, at(2026, 12, 8, 10)),
                **done(CALL, at(2026, 12, 15, 10)),
                **done(CALL2, at(2026, 12, 22, 10)),
            }
        ),
        ActionKind.CLOSING_NOTE,
        {"closing_note:after=i10": "Tue 29 Dec 10:00"},
        now=at(2026, 12, 22, 11),
    ),
    Row(
        "reply to a rejection: the same day",
        opportunity(
            stage_kind=StageKind.REJECTED,
            stage_history=(StageChangeFacts(StageKind.REJECTED, at(2026, 11, 30, 14)),),
        ),
        ActionKind.REPLY_TO_REJECTION,
        {"reply_to_rejection": "Mon 30 Nov 14:00"},
        now=at(2026, 11, 30, 15),
        recipients={"reply_to_rejection": "Rita Roe <rita@northwind.example>"},
    ),
]


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_default_schedule_row(row: Row) -> None:
    actions = plan(row.facts, SETTINGS, row.now)
    found = {action.plan_key: wall(action.due_at) for action in only(actions, row.kind)}
    assert found == row.expected
    planned = by_key(actions)
    for key, recipient in row.recipients.items():
        assert planned[key].recipient == recipient


@pytest.mark.parametrize(
    ("pipeline", "expected"),
    [
        # Fewer than three active opportunities while waiting: nudge the next morning.
        (
            PipelineFacts(
                2, at(2026, 11, 23, 9), WaitingFacts(1, "Northwind", at(2026, 11, 24, 11))
            ),
            "Wed 25 Nov 09:00",
        ),
        # Enough active ones, but none added for seven days: nudge when that became true.
        (
            PipelineFacts(
                5, at(2026, 11, 10, 9), WaitingFacts(1, "Northwind", at(2026, 11, 12, 11))
            ),
            "Tue 17 Nov 09:00",
        ),
        # Enough and recent: no nudge.
        (
            PipelineFacts(
                5, at(2026, 11, 23, 9), WaitingFacts(1, "Northwind", at(2026, 11, 24, 11))
            ),
            None,
        ),
        # Thin, but not waiting on anyone: no nudge.
        (PipelineFacts(1, at(2026, 11, 1, 9)), None),
    ],
    ids=["thin", "quiet", "healthy", "not-waiting"],
)
def test_default_schedule_keep_options_open(pipeline: PipelineFacts, expected: str | None) -> None:
    nudge = plan_pipeline(pipeline, SETTINGS, NOW)
    if expected is None:
        assert nudge is None
        return
    assert nudge is not None
    assert nudge.kind is ActionKind.KEEP_OPTIONS_OPEN
    assert nudge.opportunity_id is None
    assert wall(nudge.due_at) == expected
    assert "Northwind" in nudge.reason


def test_debrief_prompts_fifteen_minutes_after_the_end() -> None:
    debrief = by_key(plan(opportunity(), SETTINGS, NOW))["debrief:interview=10"]
    assert debrief.prompt_at == at(2026, 11, 24, 11, 15)


def test_a_submitted_debrief_is_not_asked_for_again() -> None:
    facts = opportunity(interviews=(interview(debrief=DebriefFacts(True)),))
    assert not only(plan(facts, SETTINGS, NOW), ActionKind.DEBRIEF)


def test_follow_up_spacing_grows_by_half() -> None:
    key3 = "status_follow_up:after=i10:n=3"
    facts = opportunity(
        finished_steps={**done(FU1, at(2026, 12, 1, 10)), **done(FU2, at(2026, 12, 8, 10))}
    )
    settings = with_overrides(SETTINGS, {"status_follow_ups": 3})
    actions = by_key(plan(facts, settings, at(2026, 12, 8, 11)))
    # 7 days, then 7 * 1.5 = 10.5, rounded up to 11: Saturday, so Monday morning.
    assert wall(actions[key3].due_at) == "Mon 21 Dec 09:00"


def test_the_chain_waits_for_each_step() -> None:
    actions = plan(opportunity(), SETTINGS, NOW)
    chain = [
        a.plan_key
        for a in actions
        if a.kind in {ActionKind.STATUS_FOLLOW_UP, ActionKind.PHONE_CALL, ActionKind.CLOSING_NOTE}
    ]
    assert chain == [FU1]


def test_a_dismissed_step_counts_as_skipped() -> None:
    facts = opportunity(
        finished_steps={FU1: StepFacts(FU1, ActionState.DISMISSED, at(2026, 12, 1, 11))}
    )
    assert wall(by_key(plan(facts, SETTINGS, NOW))[FU2].due_at) == "Tue 08 Dec 11:00"


def test_closing_note_follows_follow_up_two_when_calls_are_off() -> None:
    facts = opportunity(
        finished_steps={**done(FU1, at(2026, 12, 1, 15)), **done(FU2, at(2026, 12, 8, 10))}
    )
    settings = with_overrides(SETTINGS, {"phone_call": False})
    actions = by_key(plan(facts, settings, at(2026, 12, 8, 11)))
    assert CALL not in actions
    assert wall(actions["closing_note:after=i10"].due_at) == "Tue 15 Dec 10:00"
    assert "2 follow-ups" in actions["closing_note:after=i10"].reason


def test_settled_keys_are_left_out() -> None:
    key = "thank_you:interview=10:contact=1"
    actions = by_key(plan(opportunity(), SETTINGS, NOW, settled={key}))
    assert key not in actions
    assert "thank_you:interview=10:contact=2" in actions


# -- every number is a setting; disputed choices are settings ------------------------------


def test_every_number_of_the_table_is_a_setting_with_its_default() -> None:
    defaults = {row["name"]: row["default"] for row in describe_settings()}
    assert defaults["debrief_due_minutes"] == 120
    assert defaults["debrief_prompt_minutes"] == 15
    assert defaults["thank_you_hours"] == 24
    assert defaults["send_material_days"] == 2
    assert defaults["tell_references_days"] == 1
    assert defaults["check_in_referrer_days"] == 2
    assert defaults["no_timeline_follow_up_days"] == 7
    assert defaults["follow_up_spacing_days"] == 7
    assert defaults["follow_up_spacing_growth"] == 1.5
    assert defaults["status_follow_ups"] == 2
    assert defaults["phone_call_after_days"] == 7
    assert defaults["closing_after_days"] == 7
    assert defaults["pipeline_min_active"] == 3
    assert defaults["pipeline_recent_days"] == 7
    assert defaults["reply_to_rejection_days"] == 0
    # The disagreements between the sources are choices, not constants.
    assert defaults["double_timeline"] is True
    assert defaults["status_channel"] == "preferred"
    assert defaults["status_to_hr"] is False
    assert defaults["thank_you_channel"] == "email"
    assert defaults["paper_note"] == "none"


@pytest.mark.parametrize(
    ("overrides", "key", "expected"),
    [
        ({"debrief_due_minutes": 60}, "debrief:interview=10", "Tue 24 Nov 12:00"),
        ({"thank_you_hours": 6}, "thank_you:interview=10:contact=1", "Tue 24 Nov 17:00"),
        (
            {"check_in_referrer_days": 3},
            "check_in_referrer:interview=10:contact=5",
            "Fri 27 Nov 11:00",
        ),
        ({"no_timeline_follow_up_days": 10}, FU1, "Fri 04 Dec 11:00"),
    ],
)
def test_a_changed_number_changes_the_schedule(
    overrides: dict[str, Any], key: str, expected: str
) -> None:
    facts = opportunity(referrer=JO)
    default = by_key(plan(facts, SETTINGS, NOW))[key]
    changed = by_key(plan(facts, with_overrides(SETTINGS, overrides), NOW))[key]
    assert wall(changed.due_at) == expected
    assert changed.due_at != default.due_at


def test_doubling_the_timeline_is_a_choice() -> None:
    facts = opportunity(interviews=(interview(decision_timeline_days=7),))
    single = with_overrides(SETTINGS, {"double_timeline": False})
    assert wall(by_key(plan(facts, single, NOW))[FU1].due_at) == "Tue 01 Dec 11:00"


def test_status_questions_can_go_to_hr() -> None:
    facts = opportunity(contacts=(*opportunity().contacts, ContactLinkFacts(HANNA, ContactRole.HR)))
    to_hr = with_overrides(SETTINGS, {"status_to_hr": True})
    follow_up = by_key(plan(facts, to_hr, NOW))[FU1]
    assert follow_up.recipient == "Hanna Berg <hanna@northwind.example>"
    assert "Hanna Berg" in follow_up.reason


def test_status_channel_prefers_what_they_asked_for() -> None:
    facts = opportunity(interviews=(interview(preferred_channel=Channel.PHONE),))
    follow_up = by_key(plan(facts, SETTINGS, NOW))[FU1]
    assert follow_up.channel is Channel.PHONE
    assert follow_up.recipient == "Dana Levi (+49 30 1111)"
    always_email = with_overrides(SETTINGS, {"status_channel": "email"})
    assert by_key(plan(facts, always_email, NOW))[FU1].channel is Channel.EMAIL


def test_paper_notes_and_letters_are_choices() -> None:
    handwritten = with_overrides(SETTINGS, {"paper_note": "handwritten"})
    actions = by_key(plan(opportunity(), handwritten, NOW))
    note = actions["thank_you:interview=10:contact=1:paper"]
    assert note.channel is Channel.LETTER
    assert "handwritten" in note.reason
    assert wall(note.due_at) == "Wed 25 Nov 11:00"
    letters = with_overrides(SETTINGS, {"thank_you_channel": "letter"})
    letter = by_key(plan(opportunity(), letters, NOW))["thank_you:interview=10:contact=1"]
    assert letter.channel is Channel.LETTER
    assert letter.recipient == "Dana Levi, Northwind"


def test_settings_refuse_nonsense_with_clear_messages() -> None:
    with pytest.raises(ValidationError, match="'thank_you_hours' must be from 1 to 24") as error:
        validate_settings({"thank_you_hours": 48})
    assert error.value.field == "thank_you_hours"
    with pytest.raises(ValidationError, match="Unknown playbook setting 'thankyou_hours'"):
        validate_settings({"thankyou_hours": 12})
    with pytest.raises(ValidationError, match="must be a whole number"):
        validate_settings({"closing_after_days": 2.5})
    with pytest.raises(ValidationError, match="must be true or false"):
        validate_settings({"double_timeline": "yes"})
    with pytest.raises(ValidationError, match="one of preferred, email, phone"):
        validate_settings({"status_channel": "fax"})
    with pytest.raises(ValidationError, match="not a known time zone"):
        validate_settings({"timezone": "Mars/Olympus"})
    with pytest.raises(ValidationError, match="whole search"):
        validate_settings({"pipeline_min_active": 5}, per_opportunity=True)
    with pytest.raises(ValidationError, match="end after they start"):
        settings_from({"working_hours_start": "18:00", "working_hours_end": "09:00"})


# -- humane times ----------------------------------------------------------------------


def test_a_reminder_at_night_moves_to_the_next_working_morning() -> None:
    # An interview at 19:00-20:00: a week later at 20:00 is evening, so 09:00 next day.
    facts = opportunity(
        interviews=(interview(starts_at=at(2026, 11, 24, 19), ends_at=at(2026, 11, 24, 20)),)
    )
    assert wall(by_key(plan(facts, SETTINGS, NOW))[FU1].due_at) == "Wed 02 Dec 09:00"


def test_a_reminder_on_a_weekend_moves_to_monday() -> None:
    # Friday's interview, a two-day timeline: the still-interested note would fall on Sunday.
    facts = opportunity(
        interviews=(
            interview(
                starts_at=at(2026, 11, 27, 10),
                ends_at=at(2026, 11, 27, 11),
                decision_timeline_days=2,
            ),
        ),
    )
    key = "still_interested:interview=10"
    assert wall(by_key(plan(facts, SETTINGS, NOW))[key].due_at) == "Mon 30 Nov 09:00"


def test_a_note_to_the_referrer_keeps_its_weekend_day_and_only_avoids_the_night() -> None:
    # Working hours are for the employer's people (PLAYBOOK 6 notes): the referrer update
    # of a Friday interview stays on Sunday at the same time.
    facts = opportunity(
        referrer=JO,
        interviews=(interview(starts_at=at(2026, 11, 27, 10), ends_at=at(2026, 11, 27, 11)),),
    )
    key = "check_in_referrer:interview=10:contact=5"
    assert wall(by_key(plan(facts, SETTINGS, NOW))[key].due_at) == "Sun 29 Nov 11:00"
    late = opportunity(
        referrer=JO,
        interviews=(interview(starts_at=at(2026, 11, 27, 21), ends_at=at(2026, 11, 27, 22)),),
    )
    assert wall(by_key(plan(late, SETTINGS, NOW))[key].due_at) == "Mon 30 Nov 09:00"


def test_working_days_and_hours_are_settings() -> None:
    settings = settings_from(
        {
            "timezone": "Europe/Berlin",
            "working_days": ["sun", "mon", "tue", "wed", "thu"],
            "working_hours_start": "08:00",
            "working_hours_end": "16:00",
        }
    )
    facts = opportunity(
        interviews=(
            interview(
                starts_at=at(2026, 11, 27, 10),
                ends_at=at(2026, 11, 27, 11),
                decision_timeline_days=2,
            ),
        ),
    )
    key = "still_interested:interview=10"
    assert wall(by_key(plan(facts, settings, NOW))[key].due_at) == "Sun 29 Nov 11:00"


def test_a_thank_you_is_pulled_forward_rather_than_past_a_day() -> None:
    # Friday 16:00-17:00: 24 hours later is Saturday; the last working moment before it
    # is Friday 18:00, still the same day.
    facts = opportunity(
        interviews=(interview(starts_at=at(2026, 11, 27, 16), ends_at=at(2026, 11, 27, 17)),)
    )
    thank_you = by_key(plan(facts, SETTINGS, NOW))["thank_you:interview=10:contact=1"]
    assert wall(thank_you.due_at) == "Fri 27 Nov 18:00"


def test_a_weekend_interview_still_gets_its_thank_you_within_a_day() -> None:
    facts = opportunity(
        interviews=(interview(starts_at=at(2026, 11, 28, 10), ends_at=at(2026, 11, 28, 11)),)
    )
    thank_you = by_key(plan(facts, SETTINGS, NOW))["thank_you:interview=10:contact=1"]
    assert wall(thank_you.due_at) == "Sun 29 Nov 11:00"
    assert thank_you.due_at - at(2026, 11, 28, 11) <= timedelta(hours=24)


# Tuesdays a few days before each change of 2026, and the change they cross.
DST_CASES = [
    ("Europe/Berlin", date(2026, 3, 24), "spring: Sun 29 Mar"),
    ("Europe/Berlin", date(2026, 10, 20), "autumn: Sun 25 Oct"),
    ("America/New_York", date(2026, 3, 3), "spring: Sun 8 Mar"),
    ("America/New_York", date(2026, 10, 27), "autumn: Sun 1 Nov"),
]


@pytest.mark.parametrize(("zone_name", "day", "change"), DST_CASES)
def test_daylight_saving_never_moves_a_reminder_by_an_hour(
    zone_name: str, day: date, change: str
) -> None:
    zone = ZoneInfo(zone_name)
    settings = PlaybookSettings(timezone=zone_name)
    ends = datetime(day.year, day.month, day.day, 11, tzinfo=zone)
    facts = opportunity(
        referrer=JO,
        interviews=(
            interview(
                starts_at=(ends - timedelta(hours=1)).astimezone(UTC),
                ends_at=ends.astimezone(UTC),
            ),
        ),
    )
    actions = by_key(plan(facts, settings, ends.astimezone(UTC)))
    follow_up = actions[FU1].due_at.astimezone(zone)
    # A week later, across the change: still 11:00 on the wall clock, a Tuesday.
    assert (follow_up.date(), follow_up.hour, follow_up.minute) == (
        day + timedelta(days=7),
        11,
        0,
    ), change
    assert follow_up.utcoffset() != ends.utcoffset(), "the case must cross the change"
    debrief = actions["debrief:interview=10"].due_at.astimezone(zone)
    assert (debrief.hour, debrief.minute) == (13, 0)
    # A date they named is read as 09:00 on that day, whatever the offset then.
    named = plan(
        facts._replace(
            interviews=(facts.interviews[0]._replace(check_back_on=day + timedelta(days=8)),)
        ),
        settings,
        ends.astimezone(UTC),
    )
    morning = by_key(named)[FU1].due_at.astimezone(zone)
    assert (morning.date(), morning.hour) == (day + timedelta(days=8), 9)


# -- what the employer said wins ---------------------------------------------------------


def test_check_back_date_wins_over_the_cadence() -> None:
    facts = opportunity(interviews=(interview(check_back_on=date(2026, 12, 4)),))
    follow_up = by_key(plan(facts, SETTINGS, NOW))[FU1]
    assert wall(follow_up.due_at) == "Fri 04 Dec 09:00"
    assert "check back on Fri, Dec 4" in follow_up.reason


def test_no_follow_up_sooner_than_they_asked() -> None:
    # They said "check back on 20 January"; nothing in the chain may come before it.
    facts = opportunity(
        interviews=(interview(decision_timeline_days=3, check_back_on=date(2027, 1, 20)),),
        finished_steps=done(FU1, at(2027, 1, 20, 10)),
    )
    actions = by_key(plan(facts, SETTINGS, NOW))
    assert "still_interested:interview=10" not in actions
    assert actions[FU2].due_at >= at(2027, 1, 20, 9)


def test_a_step_done_early_does_not_pull_the_next_before_their_date() -> None:
    # Asked to check back on 20 January, the person wrote on 5 January anyway.
    facts = opportunity(
        interviews=(interview(check_back_on=date(2027, 1, 20)),),
        finished_steps=done(FU1, at(2027, 1, 5, 10)),
    )
    assert wall(by_key(plan(facts, SETTINGS, NOW))[FU2].due_at) == "Wed 20 Jan 09:00"


def test_a_reply_restarts_the_cadence() -> None:
    reply = CorrespondenceFacts(77, Direction.RECEIVED, at(2026, 11, 30, 16), RITA.id)
    facts = opportunity(interviews=(interview(decision_timeline_days=7),), correspondence=(reply,))
    actions = by_key(plan(facts, SETTINGS, at(2026, 11, 30, 17)))
    assert FU1 not in actions
    assert "still_interested:interview=10" not in actions
    restarted = actions["status_follow_up:after=r77:n=1"]
    assert wall(restarted.due_at) == "Mon 07 Dec 16:00"
    assert "last wrote on Mon, Nov 30" in restarted.reason


def test_a_reply_with_a_date_sets_the_next_follow_up() -> None:
    reply = CorrespondenceFacts(
        77, Direction.RECEIVED, at(2026, 11, 30, 16), RITA.id, check_back_on=date(2026, 12, 14)
    )
    facts = opportunity(correspondence=(reply,))
    restarted = by_key(plan(facts, SETTINGS, NOW))["status_follow_up:after=r77:n=1"]
    assert wall(restarted.due_at) == "Mon 14 Dec 09:00"


def test_a_referrer_writing_back_is_not_the_employer() -> None:
    note = CorrespondenceFacts(78, Direction.RECEIVED, at(2026, 11, 30, 16), JO.id)
    facts = opportunity(referrer=JO, correspondence=(note,))
    assert FU1 in by_key(plan(facts, SETTINGS, NOW))


def test_no_still_interested_note_or_call_when_asked_not_to_chase() -> None:
    facts = opportunity(
        interviews=(interview(decision_timeline_days=7, may_check_in=False),),
        finished_steps={**done(FU1, at(2026, 12, 8, 11)), **done(FU2, at(2026, 12, 15, 11))},
    )
    actions = by_key(plan(facts, SETTINGS, at(2026, 12, 15, 12)))
    assert "still_interested:interview=10" not in actions
    assert CALL not in actions
    assert "closing_note:after=i10" in actions


# -- outcomes --------------------------------------------------------------------------


def test_a_rejection_leaves_only_the_reply() -> None:
    facts = opportunity(
        stage_kind=StageKind.REJECTED,
        stage_history=(StageChangeFacts(StageKind.REJECTED, at(2026, 11, 30, 20)),),
    )
    actions = plan(facts, SETTINGS, at(2026, 11, 30, 21))
    assert [a.kind for a in actions] == [ActionKind.REPLY_TO_REJECTION]
    # Recorded in the evening: the reply waits for the next working morning.
    assert wall(actions[0].due_at) == "Tue 01 Dec 09:00"


@pytest.mark.parametrize("kind", [StageKind.WITHDRAWN, StageKind.CLOSED, StageKind.ACCEPTED])
def test_closed_opportunities_get_nothing(kind: StageKind) -> None:
    assert plan(opportunity(stage_kind=kind), SETTINGS, NOW) == []


def test_archived_opportunities_get_nothing() -> None:
    assert plan(opportunity(archived=True), SETTINGS, NOW) == []


def test_an_offer_is_reviewed_against_the_criteria_and_the_search_goes_on() -> None:
    facts = opportunity(
        stage_kind=StageKind.OFFER,
        acceptance_criteria="at least 70k, two days remote",
        start_date=date(2027, 2, 1),
        stage_history=(StageChangeFacts(StageKind.OFFER, at(2026, 12, 2, 15)),),
    )
    actions = by_key(plan(facts, SETTINGS, at(2026, 12, 2, 16)))
    review = actions["review_offer"]
    assert wall(review.due_at) == "Thu 03 Dec 15:00"
    assert "at least 70k, two days remote" in review.reason
    assert "until you start on Mon, Feb 1, 2027" in review.reason
    assert not only(list(actions.values()), ActionKind.STATUS_FOLLOW_UP)


def test_an_offer_without_criteria_asks_for_them() -> None:
    facts = opportunity(stage_kind=StageKind.OFFER)
    review = by_key(plan(facts, SETTINGS, NOW))["review_offer"]
    assert "write down your acceptance criteria" in review.reason


def test_holding_an_offer_keeps_the_search_open_until_the_first_day() -> None:
    pipeline = PipelineFacts(
        1,
        at(2026, 11, 1, 9),
        holding_offer=WaitingFacts(1, "Northwind", at(2026, 12, 2, 15), date(2027, 2, 1), True),
    )
    nudge = plan_pipeline(pipeline, SETTINGS, at(2026, 12, 2, 16))
    assert nudge is not None
    assert "start only on Mon, Feb 1, 2027" in nudge.reason


# -- who gets it: contacts without an email ------------------------------------------------


def test_without_an_address_the_thank_you_goes_through_the_organizer() -> None:
    sam_without_email = SAM._replace(email="")
    facts = opportunity(
        interviews=(interview(participants=(ParticipantFacts(sam_without_email),)),)
    )
    thank_you = by_key(plan(facts, SETTINGS, NOW))["thank_you:interview=10:contact=2"]
    assert thank_you.recipient == "Rita Roe <rita@northwind.example>"
    assert thank_you.channel is Channel.EMAIL
    assert thank_you.contact_id == SAM.id  # the action is still about Sam
    assert "naming Sam" in thank_you.reason


def test_without_any_address_the_thank_you_says_what_is_missing() -> None:
    nobody = ContactFacts(9, "Alex Doe")
    facts = opportunity(
        contacts=(), interviews=(interview(participants=(ParticipantFacts(nobody),)),)
    )
    thank_you = by_key(plan(facts, SETTINGS, NOW))["thank_you:interview=10:contact=9"]
    assert thank_you.recipient == "Alex Doe"
    assert thank_you.channel is Channel.EMAIL
    assert "add their email address" in thank_you.reason


def test_a_call_needs_no_email() -> None:
    caller_only = DANA._replace(email="")
    facts = opportunity(
        contacts=(ContactLinkFacts(caller_only, ContactRole.INTERVIEWER),),
        interviews=(interview(participants=(ParticipantFacts(caller_only),)),),
        finished_steps={**done(FU1, at(2026, 12, 1, 15)), **done(FU2, at(2026, 12, 8, 10))},
    )
    call = by_key(plan(facts, SETTINGS, at(2026, 12, 8, 11)))[CALL]
    assert call.channel is Channel.PHONE
    assert call.recipient == "Dana Levi (+49 30 1111)"


def test_an_unrecorded_panel_still_gets_thanked() -> None:
    facts = opportunity(interviews=(interview(participants=()),))
    thank_you = by_key(plan(facts, SETTINGS, NOW))["thank_you:interview=10"]
    assert thank_you.recipient == "Rita Roe <rita@northwind.example>"
    assert "add the panel" in thank_you.reason


# -- reasons read like advice ------------------------------------------------------------


def test_reasons_are_one_sentence_naming_the_facts() -> None:
    facts = opportunity(
        referrer=JO,
        interviews=(interview(decision_timeline_days=7, debrief=DebriefFacts(False, "slides")),),
    )
    actions = plan(facts, SETTINGS, NOW)
    for action in actions:
        assert action.reason.endswith(".")
        assert action.reason.count(". ") == 0, action.reason
        assert action.reason[0].isupper()
    reasons = " ".join(action.reason for action in actions)
    for fact in ("Dana Levi", "Jo Park", "Northwind", "within a week", "Tue, Nov 24", "slides"):
        assert fact in reasons
    follow_up = by_key(actions)[FU1]
    assert follow_up.reason == (
        "They said they would decide within a week; hiring usually runs late, so the status "
        "check with Dana Levi is set for two weeks after the interview, on Tue, Dec 8."
    )


# -- impossible facts --------------------------------------------------------------------

BadFacts = Callable[[], OpportunityFacts]


@pytest.mark.parametrize(
    ("facts", "field_name", "message"),
    [
        (
            lambda: opportunity(interviews=(interview(ends_at=at(2026, 11, 24, 9)),)),
            "ends_at",
            "ends \\(9:00\u202fAM\\) before it starts \\(10:00\u202fAM\\)",
        ),
        (
            lambda: opportunity(interviews=(interview(ends_at=at(2026, 11, 26, 11)),)),
            "ends_at",
            "lasts a day or more",
        ),
        (
            lambda: opportunity(interviews=(interview(decision_timeline_days=0),)),
            "decision_timeline_days",
            "timeline of 0 days; give 1 to 365",
        ),
        (
            lambda: opportunity(interviews=(interview(decision_timeline_days=10_000),)),
            "decision_timeline_days",
            "timeline of 10000 days",
        ),
        (
            lambda: opportunity(interviews=(interview(decision_date=date(2026, 11, 20)),)),
            "decision_date",
            "4 days before it",
        ),
        (
            lambda: opportunity(interviews=(interview(check_back_on=date(2026, 11, 1)),)),
            "check_back_on",
            "23 days before it",
        ),
        (
            lambda: opportunity(
                correspondence=(
                    CorrespondenceFacts(
                        5, Direction.RECEIVED, at(2026, 12, 1, 9), check_back_on=date(2026, 11, 2)
                    ),
                )
            ),
            "check_back_on",
            "The message from Northwind",
        ),
    ],
    ids=[
        "ends-before-start",
        "two-days",
        "timeline-0",
        "timeline-10000",
        "decision-past",
        "check-back-past",
        "message-check-back-past",
    ],
)
def test_impossible_facts_are_refused_clearly(
    facts: BadFacts, field_name: str, message: str
) -> None:
    with pytest.raises(ValidationError, match=message) as error:
        plan(facts(), SETTINGS, NOW)
    assert error.value.field == field_name
    assert "Northwind" in str(error.value)


def test_a_naive_clock_is_refused() -> None:
    with pytest.raises(ValidationError, match="no time zone"):
        plan(opportunity(), SETTINGS, datetime(2026, 11, 24, 12))  # noqa: DTZ001


# -- PLAYBOOK section 6, its notes, rule by rule ------------------------------------------

THANKS = "thank_you:interview=10:contact=1"


def sent(ident: int, when: datetime, contact: int | None = 1, **fields: Any) -> CorrespondenceFacts:
    return CorrespondenceFacts(ident, Direction.SENT, when, contact, **fields)


def received(ident: int, when: datetime, **fields: Any) -> CorrespondenceFacts:
    return CorrespondenceFacts(ident, Direction.RECEIVED, when, 1, **fields)


@dataclass(frozen=True)
class Note:
    """One note of PLAYBOOK 6: facts in, the plan keys (and due times) it must show."""

    name: str
    facts: OpportunityFacts
    now: datetime
    present: dict[str, str]  # plan key -> due on the Berlin wall clock
    absent: tuple[str, ...] = ()
    settings: PlaybookSettings = SETTINGS


NOTES = [
    Note(
        "what counts: a thank-you sent as a message is done",
        opportunity(sent=(sent(40, at(2026, 11, 24, 18)),)),
        at(2026, 11, 24, 19),
        {"thank_you:interview=10:contact=2": "Wed 25 Nov 11:00"},
        absent=(THANKS,),
    ),
    Note(
        "what counts: a message to no one named covers the panel",
        opportunity(sent=(sent(40, at(2026, 11, 24, 18), None),)),
        at(2026, 11, 24, 19),
        {FU1: "Tue 01 Dec 11:00"},
        absent=(THANKS, "thank_you:interview=10:contact=2"),
    ),
    Note(
        "what counts: follow-ups sent as messages advance the chain",
        opportunity(sent=(sent(40, at(2026, 11, 24, 18)), sent(41, at(2026, 12, 1, 12)))),
        at(2026, 12, 1, 13),
        {FU2: "Tue 08 Dec 12:00"},
        absent=(FU1,),
    ),
    Note(
        "what counts: in the five days after, the first message is the thank-you, no follow-up",
        opportunity(sent=(sent(40, at(2026, 11, 27, 9)), sent(41, at(2026, 11, 28, 9)))),
        at(2026, 11, 28, 10),
        {FU1: "Tue 01 Dec 11:00"},
        absent=(THANKS, FU2),
    ),
    Note(
        "what counts: a message linked to its step is not counted twice",
        opportunity(
            sent=(sent(40, at(2026, 11, 24, 18), action_id=7), sent(41, at(2026, 12, 1, 12))),
        ),
        at(2026, 12, 1, 13),
        # The linked thank-you is done through its action (not in these facts), so it is
        # still planned here; the later message is follow-up 1.
        {THANKS: "Wed 25 Nov 11:00", FU2: "Tue 08 Dec 12:00"},
    ),
    Note(
        "what counts: a step ticked and the message logged for it are one step",
        opportunity(
            finished_steps=done(FU1, at(2026, 12, 1, 15)),
            sent=(sent(41, at(2026, 12, 1, 14)),),
        ),
        at(2026, 12, 1, 16),
        {FU2: "Tue 08 Dec 15:00"},
    ),
    Note(
        "after a reply: reply + 7 days when nothing else was said",
        opportunity(correspondence=(received(50, at(2026, 11, 30, 9)),)),
        at(2026, 11, 30, 10),
        {"status_follow_up:after=r50:n=1": "Mon 07 Dec 09:00"},
    ),
    Note(
        "after a reply: their decision date holds it back",
        opportunity(
            interviews=(interview(decision_date=date(2026, 12, 11)),),
            correspondence=(received(50, at(2026, 12, 2, 9)),),
        ),
        at(2026, 12, 2, 10),
        {"status_follow_up:after=r50:n=1": "Fri 11 Dec 09:00"},
    ),
    Note(
        "after a reply: a date the person promised holds it back",
        opportunity(
            interviews=(interview(decision_date=date(2026, 12, 11)),),
            correspondence=(received(50, at(2026, 12, 2, 9)),),
            sent=(sent(40, at(2026, 11, 24, 17), check_back_on=date(2026, 12, 14)),),
        ),
        at(2026, 12, 2, 10),
        {"status_follow_up:after=r50:n=1": "Mon 14 Dec 09:00"},
    ),
    Note(
        "after a reply: a check-back date earlier than the wait does not bring it forward",
        opportunity(
            correspondence=(received(50, at(2026, 11, 30, 9), check_back_on=date(2026, 12, 2)),)
        ),
        at(2026, 11, 30, 10),
        {"status_follow_up:after=r50:n=1": "Mon 07 Dec 09:00"},
    ),
    Note(
        "silence: the call and the closing note together at follow-up 2 + 7 days",
        opportunity(
            sent=(
                sent(40, at(2026, 11, 24, 18)),
                sent(41, at(2026, 12, 1, 12)),
                sent(42, at(2026, 12, 8, 12)),
            )
        ),
        at(2026, 12, 8, 13),
        {CALL: "Tue 15 Dec 12:00", "closing_note:after=i10": "Tue 15 Dec 12:00"},
        absent=(FU1, FU2),
    ),
    Note(
        "silence: with a timeline too, the follow-ups sent leave no still-interested note",
        opportunity(
            interviews=(interview(decision_timeline_days=5),),
            sent=(
                sent(40, at(2026, 11, 24, 18)),
                sent(41, at(2026, 12, 4, 12)),
                sent(42, at(2026, 12, 11, 12)),
            ),
        ),
        at(2026, 12, 11, 13),
        {CALL: "Fri 18 Dec 12:00", "closing_note:after=i10": "Fri 18 Dec 12:00"},
        absent=("still_interested:interview=10", FU1, FU2),
    ),
    Note(
        "silence: a call logged withdraws the note and brings the second call",
        opportunity(
            sent=(
                sent(41, at(2026, 12, 1, 12)),
                sent(42, at(2026, 12, 8, 12)),
                sent(43, at(2026, 12, 15, 12), channel=Channel.PHONE),
            )
        ),
        at(2026, 12, 15, 13),
        {CALL2: "Tue 22 Dec 12:00"},
        absent=("closing_note:after=i10", CALL),
    ),
    Note(
        "silence: after the closing note, moved on is suggested",
        opportunity(
            sent=(
                sent(41, at(2026, 12, 1, 12)),
                sent(42, at(2026, 12, 8, 12)),
                sent(43, at(2026, 12, 15, 12)),
            )
        ),
        at(2026, 12, 15, 13),
        {"move_on:after=i10": "Tue 15 Dec 12:00"},
        absent=("closing_note:after=i10", CALL),
    ),
    Note(
        "days and clocks: +7 days keeps the wall-clock time across the clock change",
        opportunity(
            interviews=(interview(starts_at=at(2026, 10, 20, 10), ends_at=at(2026, 10, 20, 11)),)
        ),
        at(2026, 10, 20, 12),
        {FU1: "Tue 27 Oct 11:00"},
    ),
    Note(
        "working hours: a referrer note keeps its Sunday",
        opportunity(
            referrer=JO,
            interviews=(interview(starts_at=at(2026, 11, 27, 10), ends_at=at(2026, 11, 27, 11)),),
        ),
        NOW,
        {"check_in_referrer:interview=10:contact=5": "Sun 29 Nov 11:00"},
    ),
    Note(
        "working hours: public holidays of the country are skipped",
        opportunity(
            interviews=(interview(starts_at=at(2026, 12, 18, 10), ends_at=at(2026, 12, 18, 11)),)
        ),
        at(2026, 12, 18, 12),
        {FU1: "Mon 28 Dec 09:00"},
        settings=PlaybookSettings(timezone="Europe/Berlin", holiday_country="DE"),
    ),
    Note(
        "working hours: a thank-you is never due later than 24 h after the interview",
        opportunity(
            interviews=(interview(starts_at=at(2026, 12, 24, 10), ends_at=at(2026, 12, 24, 11)),)
        ),
        at(2026, 12, 24, 12),
        {THANKS: "Thu 24 Dec 18:00"},
        settings=PlaybookSettings(timezone="Europe/Berlin", holiday_country="DE"),
    ),
    Note(
        "stale: a month overdue, the follow-up is missed and the next one is planned",
        opportunity(),
        at(2027, 1, 8, 12),
        {FU1: "Tue 01 Dec 11:00", FU2: "Thu 07 Jan 11:00"},
    ),
    Note(
        "spacing: the third gap is half as long again (7, then 11 days)",
        opportunity(
            finished_steps={**done(FU1, at(2026, 12, 1, 15)), **done(FU2, at(2026, 12, 8, 10))}
        ),
        at(2026, 12, 8, 11),
        # 7 times 1.5 rounded up is 11 days: Sat 19 Dec, so the next working morning.
        {"status_follow_up:after=i10:n=3": "Mon 21 Dec 09:00"},
        settings=PlaybookSettings(timezone="Europe/Berlin", status_follow_ups=3),
    ),
]


@pytest.mark.parametrize("note", NOTES, ids=[note.name for note in NOTES])
def test_schedule_note(note: Note) -> None:
    planned = by_key(plan(note.facts, note.settings, note.now))
    found = {key: wall(planned[key].due_at) for key in note.present if key in planned}
    assert found == note.present
    for key in note.absent:
        assert key not in planned, key


def test_a_stale_step_is_marked_missed_when_written() -> None:
    from followup_desktop.core.playbook.reconcile import diff_actions

    facts = opportunity()
    later = at(2026, 12, 3, 12)  # the thank-yous were due Wed 25 Nov 11:00
    diff = diff_actions(plan(facts, SETTINGS, later), [], set(), later)
    states = {action.plan_key: action.state for action in diff.inserts}
    assert states[THANKS] is ActionState.MISSED
    assert states[FU1] is ActionState.OPEN
    # Seen from before, the same thank-you is simply open.
    early = diff_actions(plan(facts, SETTINGS, NOW), [], set(), NOW)
    assert {a.plan_key: a.state for a in early.inserts}[THANKS] is ActionState.OPEN


def test_the_holiday_country_defaults_to_the_locale_and_is_cheap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from followup_desktop.core.playbook.settings import locale_country

    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_TIME", raising=False)
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    assert locale_country() == "DE"
    assert PlaybookSettings().holiday_country == "DE"
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert locale_country() == ""
    monkeypatch.setenv("LC_ALL", "fr_CA.UTF-8")
    assert locale_country() == "CA"
    # The locale's own country is always accepted; a made-up one is refused by name.
    assert validate_settings({"holiday_country": "ca"}) == {"holiday_country": "CA"}
    with pytest.raises(ValidationError, match="country code"):
        validate_settings({"holiday_country": "QQ"})


def test_the_timeline_multiplier_sets_the_first_status_check() -> None:
    facts = opportunity(interviews=(interview(decision_timeline_days=7),))
    ends = facts.interviews[0].ends_at

    def first_check(multiplier: float) -> datetime:
        settings = with_overrides(SETTINGS, {"timeline_multiplier": multiplier})
        return by_key(plan(facts, settings, NOW))[FU1].due_at

    assert first_check(2.0) == by_key(plan(facts, SETTINGS, NOW))[FU1].due_at  # the default
    # 7 days x 1.5 = 10.5, rounded up: 11 days after Tue 24 Nov is Sat 5 Dec, so the next
    # working morning; twice the timeline would be Tue 8 Dec.
    assert ends.date() == date(2026, 11, 24)
    assert wall(first_check(1.5)).startswith("Mon 07 Dec")
    assert first_check(1.5) < first_check(2.0)
    assert (
        first_check(1.0)
        == by_key(plan(facts, with_overrides(SETTINGS, {"double_timeline": False}), NOW))[
            FU1
        ].due_at
    )
    with pytest.raises(ValidationError, match="timeline_multiplier"):
        with_overrides(SETTINGS, {"timeline_multiplier": 0.5})
