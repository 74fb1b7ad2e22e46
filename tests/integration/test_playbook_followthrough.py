"""The plan follows every fact, on real database files.

Imports (through the documented JSON format and the command line, nothing in between),
sent messages, replies and what they said, silence, stale steps, the keep-applying
nudge and public holidays: each rule of PLAYBOOK section 6 and its notes, end to end.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from followup_desktop.core.action_kinds import ActionKind
from followup_desktop.core.agenda import agenda, missed
from followup_desktop.core.db import Database, open_database
from followup_desktop.core.models import (
    Action,
    ActionState,
    Channel,
    ContactRole,
    Direction,
    Opportunity,
    Stage,
    StageKind,
)
from followup_desktop.core.services import (
    ContactFields,
    DebriefFields,
    FollowupService,
    InterviewFields,
    OpportunityFields,
    PanelMember,
    ReplyOutcome,
)
from followup_desktop.core.services.standalone import import_data
from scenario_docs import Document, berlin

BERLIN = ZoneInfo("Europe/Berlin")


def wall(instant: datetime | str) -> str:
    if isinstance(instant, str):
        instant = datetime.fromisoformat(instant)
    return instant.astimezone(BERLIN).strftime("%a %d %b %H:%M")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "followup_desktop", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def cli_agenda(db_path: Path, now: datetime, *extra: str) -> list[dict[str, Any]]:
    result = run("--db", str(db_path), "agenda", "--json", "--now", now.isoformat(), *extra)
    assert result.returncode == 0, result.stderr
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


def northwind(doc: Document, **interview: Any) -> tuple[int, int, int]:
    """Northwind, Data Engineer, interviewing; Dana Levi on the panel on Tue 24 Nov."""
    dana = doc.contact("Dana Levi", email="dana@northwind.example", phone="+49 30 1111")
    opportunity = doc.opportunity(
        "Northwind", "Data Engineer", "Interviewing", berlin(2026, 11, 2, 9)
    )
    ident = doc.interview(
        opportunity, berlin(2026, 11, 24, 10), berlin(2026, 11, 24, 11), panel=(dana,), **interview
    )
    return opportunity, dana, ident


def import_file(tmp_path: Path, db_path: Path, doc: Document, *flags: str) -> None:
    path = tmp_path / "search.json"
    path.write_text(json.dumps(doc.build()), encoding="utf-8")
    result = run("--db", str(db_path), "import", str(path), *flags)
    assert result.returncode == 0, result.stderr


def kinds(rows: list[dict[str, Any]]) -> dict[str, str]:
    return {row["kind"]: wall(row["due_at"]) for row in rows if row["opportunity_id"]}


# -- every import re-plans what it touched (item 1) -------------------------------------


def test_import_then_agenda_shows_the_plan_with_nothing_in_between(
    tmp_path: Path, db_path: Path
) -> None:
    doc = Document()
    northwind(doc)
    import_file(tmp_path, db_path, doc)
    rows = cli_agenda(db_path, berlin(2026, 11, 24, 12))
    assert kinds(rows) == {
        "debrief": "Tue 24 Nov 13:00",
        "thank_you": "Wed 25 Nov 11:00",
        "status_follow_up": "Tue 01 Dec 11:00",
    }
    thanks = next(row for row in rows if row["kind"] == "thank_you")
    assert thanks["recipient"] == "Dana Levi <dana@northwind.example>"
    assert "Dana Levi" in thanks["reason"]


def test_a_thank_you_and_two_follow_ups_sent_as_messages_lead_to_the_call_and_the_note(
    tmp_path: Path, db_path: Path
) -> None:
    doc = Document()
    opportunity, dana, _ = northwind(doc)
    for when in (berlin(2026, 11, 24, 18), berlin(2026, 12, 1, 11, 30), berlin(2026, 12, 8, 11)):
        doc.message(opportunity, "sent", when, contact_id=dana, subject="Data Engineer")
    doc.debrief(1, berlin(2026, 11, 24, 12))
    import_file(tmp_path, db_path, doc)
    rows = cli_agenda(db_path, berlin(2026, 12, 16, 12))
    found = kinds(rows)
    # Never the first follow-up again, nor the thank-you: they were sent.
    assert "status_follow_up" not in found and "thank_you" not in found
    assert found["phone_call"] == "Tue 15 Dec 11:00"
    assert found["closing_note"] == "Tue 15 Dec 11:00"
    call = next(row for row in rows if row["kind"] == "phone_call")
    assert call["recipient"] == "Dana Levi (+49 30 1111)"
    assert "still being considered" in call["reason"]


def test_import_with_replace_keeps_what_the_person_did(tmp_path: Path, db_path: Path) -> None:
    first = Document()
    northwind(first)
    import_file(tmp_path, db_path, first)
    doc = Document()
    opportunity, dana, interview = northwind(doc)
    doc.action(
        opportunity,
        "thank_you",
        berlin(2026, 11, 25, 11),
        plan_key=f"thank_you:interview={interview}:contact={dana}",
        state="done",
        completed_at=berlin(2026, 11, 24, 17),
        interview_id=interview,
        contact_id=dana,
    )
    doc.action(
        opportunity,
        "debrief",
        berlin(2026, 11, 24, 13),
        plan_key=f"debrief:interview={interview}",
        state="dismissed",
        interview_id=interview,
    )
    doc.action(
        opportunity,
        "status_follow_up",
        berlin(2026, 12, 3, 15),
        plan_key=f"status_follow_up:after=i{interview}:n=1",
        due_edited=True,
        interview_id=interview,
    )
    import_file(tmp_path, db_path, doc, "--replace")
    db = open_database(db_path)
    try:
        with db.session() as session:
            stored = {
                action.kind: (action.state, wall(action.due_at))
                for action in session.scalars(
                    select(Action).where(Action.opportunity_id.is_not(None))
                )
            }
    finally:
        db.close()
    assert stored == {
        "thank_you": (ActionState.DONE, "Wed 25 Nov 11:00"),
        "debrief": (ActionState.DISMISSED, "Tue 24 Nov 13:00"),
        # Moved by hand: the plan keeps the person's time.
        "status_follow_up": (ActionState.OPEN, "Thu 03 Dec 15:00"),
    }


def test_import_then_agenda_equals_entering_the_same_by_hand(tmp_path: Path, db_path: Path) -> None:
    now = berlin(2026, 11, 24, 12)
    by_hand = open_database(tmp_path / "by-hand.sqlite3")
    service = FollowupService(by_hand, clock=lambda: now)
    try:
        service.set_setting("playbook", {"timezone": "Europe/Berlin"})
        opportunity = service.create_opportunity("Northwind", "Data Engineer").created_id
        assert opportunity is not None
        interview = service.record_interview(
            opportunity,
            berlin(2026, 11, 24, 10),
            berlin(2026, 11, 24, 11),
            "Europe/Berlin",
            InterviewFields(decision_timeline_days=10),
        ).created_id
        assert interview is not None
        service.set_panel(
            interview, [PanelMember("Dana Levi", email="dana@northwind.example", phone="+49 1")]
        )
        with by_hand.session() as session:
            expected = [
                (item.kind, item.due_at, item.reason, item.recipient)
                for item in agenda(session, now, BERLIN)
            ]
    finally:
        by_hand.close()
    doc = Document()
    dana = doc.contact("Dana Levi", email="dana@northwind.example", phone="+49 1")
    imported = doc.opportunity("Northwind", "Data Engineer", "Applied", now)
    doc.interview(
        imported,
        berlin(2026, 11, 24, 10),
        berlin(2026, 11, 24, 11),
        panel=(dana,),
        decision_timeline_days=10,
    )
    target = open_database(db_path)
    try:
        import_data(target, doc.build(), now=now)
        with target.session() as session:
            found = [
                (item.kind, item.due_at, item.reason, item.recipient)
                for item in agenda(session, now, BERLIN)
            ]
    finally:
        target.close()
    assert found == expected
    assert {kind for kind, *_ in found} >= {"thank_you", "still_interested", "status_follow_up"}


# -- the service: sent messages, replies, silence -----------------------------------------


@pytest.fixture
def clock() -> list[datetime]:
    return [berlin(2026, 11, 24, 12)]


@pytest.fixture
def service(database: Database, clock: list[datetime]) -> FollowupService:
    service = FollowupService(database, clock=lambda: clock[0])
    service.set_setting("playbook", {"timezone": "Europe/Berlin"})
    return service


def interviewed(service: FollowupService, **fields: Any) -> tuple[int, int, int]:
    opportunity = service.create_opportunity("Northwind", "Data Engineer").created_id
    assert opportunity is not None
    interview = service.record_interview(
        opportunity,
        berlin(2026, 11, 24, 10),
        berlin(2026, 11, 24, 11),
        "Europe/Berlin",
        InterviewFields.from_mapping(fields),
    ).created_id
    assert interview is not None
    service.set_panel(
        interview,
        [PanelMember("Dana Levi", email="dana@northwind.example", phone="+49 30 1111")],
    )
    with service.db.session() as session:
        dana = session.scalars(select(Action.contact_id).where(Action.kind == "thank_you")).one()
    assert dana is not None
    return opportunity, interview, dana


def open_steps(service: FollowupService, opportunity: int) -> dict[str, tuple[str, str]]:
    with service.db.session() as session:
        return {
            action.plan_key or action.kind: (action.state.value, wall(action.due_at))
            for action in session.scalars(
                select(Action).where(
                    Action.opportunity_id == opportunity,
                    Action.state.in_([ActionState.OPEN, ActionState.SNOOZED, ActionState.MISSED]),
                )
            )
        }


def action_id(service: FollowupService, opportunity: int, key: str) -> int:
    with service.db.session() as session:
        found = session.scalar(
            select(Action.id).where(Action.opportunity_id == opportunity, Action.plan_key == key)
        )
    assert found is not None, key
    return found


def test_a_message_sent_for_a_step_marks_it_done_when_it_went_out(
    service: FollowupService, clock: list[datetime]
) -> None:
    opportunity, interview, dana = interviewed(service)
    key = f"status_follow_up:after=i{interview}:n=1"
    clock[0] = berlin(2026, 12, 2, 9)
    service.log_correspondence(
        opportunity,
        Direction.SENT,
        berlin(2026, 12, 1, 16),
        contact_id=dana,
        action_id=action_id(service, opportunity, key),
    )
    steps = open_steps(service, opportunity)
    assert key not in steps
    # The second follow-up is timed from when the first went out, not from when logged.
    assert steps[f"status_follow_up:after=i{interview}:n=2"] == ("open", "Tue 08 Dec 16:00")


def test_a_reply_never_brings_the_check_before_their_decision_or_your_promise(
    service: FollowupService, clock: list[datetime]
) -> None:
    # They said they would decide by 11 Dec; the thank-you promised to write on 14 Dec.
    opportunity, _, dana = interviewed(service, decision_date=date(2026, 12, 11))
    service.log_correspondence(
        opportunity,
        Direction.SENT,
        berlin(2026, 11, 24, 17),
        contact_id=dana,
        check_back_on=date(2026, 12, 14),
    )
    clock[0] = berlin(2026, 12, 2, 10)
    change = service.log_correspondence(
        opportunity, Direction.RECEIVED, berlin(2026, 12, 2, 9), contact_id=dana
    )
    steps = open_steps(service, opportunity)
    [(key, due)] = [(k, v) for k, v in steps.items() if k.startswith("status_follow_up")]
    assert key == f"status_follow_up:after=r{change.created_id}:n=1"
    assert due == ("open", "Mon 14 Dec 09:00")


@pytest.mark.parametrize(
    ("outcome", "extra", "expected_kind", "stage_kind"),
    [
        (ReplyOutcome.REJECTION, {}, "reply_to_rejection", StageKind.REJECTED),
        (ReplyOutcome.OFFER, {}, "review_offer", StageKind.OFFER),
        (
            ReplyOutcome.NEXT_ROUND,
            {"next_round_at": berlin(2026, 12, 10, 14)},
            "prepare_next_round",
            StageKind.ACTIVE,
        ),
        (ReplyOutcome.WAIT, {"check_back_on": date(2026, 12, 21)}, "status_follow_up", None),
    ],
)
def test_logging_a_reply_can_say_what_it_said_and_the_plan_follows(  # noqa: PLR0917
    service: FollowupService,
    clock: list[datetime],
    outcome: ReplyOutcome,
    extra: dict[str, Any],
    expected_kind: str,
    stage_kind: StageKind | None,
) -> None:
    opportunity, _, dana = interviewed(service)
    clock[0] = berlin(2026, 11, 30, 10)
    service.log_correspondence(
        opportunity,
        Direction.RECEIVED,
        berlin(2026, 11, 30, 9),
        contact_id=dana,
        outcome=outcome,
        **extra,
    )
    steps = open_steps(service, opportunity)
    found = {key: due for key, due in steps.items() if key.startswith(expected_kind)}
    assert found, steps
    if outcome is ReplyOutcome.REJECTION:
        # The same day, timed from their message.
        assert found == {"reply_to_rejection": ("open", "Mon 30 Nov 09:00")}
    elif outcome is ReplyOutcome.NEXT_ROUND:
        assert list(found.values()) == [("open", "Tue 08 Dec 14:00")]
    elif outcome is ReplyOutcome.WAIT:
        assert list(found.values()) == [("open", "Mon 21 Dec 09:00")]
    if stage_kind is not None:
        with service.db.session() as session:
            stage = session.get(Opportunity, opportunity)
            assert stage is not None and stage.stage.kind is stage_kind


def test_a_wait_without_its_day_is_refused_with_what_to_give(service: FollowupService) -> None:
    from followup_desktop.core.errors import ValidationError

    opportunity, _, _ = interviewed(service)
    with pytest.raises(ValidationError, match="wait until"):
        service.log_correspondence(
            opportunity, Direction.RECEIVED, berlin(2026, 11, 30, 9), outcome=ReplyOutcome.WAIT
        )


def finish(service: FollowupService, opportunity: int, key: str, when: datetime) -> None:
    service.log_correspondence(
        opportunity,
        Direction.SENT,
        when,
        channel=Channel.PHONE if key.startswith("phone_call") else Channel.EMAIL,
        action_id=action_id(service, opportunity, key),
    )


def test_silence_offers_the_call_and_the_note_then_moved_on_reopened_by_a_reply(
    service: FollowupService, clock: list[datetime]
) -> None:
    opportunity, interview, dana = interviewed(service)
    cycle = f"i{interview}"
    clock[0] = berlin(2026, 12, 9, 9)
    finish(service, opportunity, f"status_follow_up:after={cycle}:n=1", berlin(2026, 12, 1, 11))
    finish(service, opportunity, f"status_follow_up:after={cycle}:n=2", berlin(2026, 12, 8, 11))
    steps = open_steps(service, opportunity)
    assert steps[f"phone_call:after={cycle}"] == ("open", "Tue 15 Dec 11:00")
    assert steps[f"closing_note:after={cycle}"] == ("open", "Tue 15 Dec 11:00")
    # Doing one withdraws the other: the closing note sent, the call goes.
    clock[0] = berlin(2026, 12, 15, 12)
    finish(service, opportunity, f"closing_note:after={cycle}", berlin(2026, 12, 15, 11, 30))
    steps = open_steps(service, opportunity)
    assert f"phone_call:after={cycle}" not in steps
    assert steps[f"move_on:after={cycle}"] == ("open", "Tue 15 Dec 11:30")
    with service.db.session() as session:
        moved_on = session.scalars(select(Stage.id).where(Stage.kind == StageKind.CLOSED)).first()
        before = session.get(Opportunity, opportunity)
        assert before is not None
        interviewing = before.stage_id
    assert moved_on is not None
    service.move_opportunities([opportunity], moved_on)
    assert open_steps(service, opportunity) == {}
    # They write after all: the opportunity comes back, and a new cycle starts.
    clock[0] = berlin(2026, 12, 18, 10)
    reply = service.log_correspondence(
        opportunity, Direction.RECEIVED, berlin(2026, 12, 18, 9), contact_id=dana
    ).created_id
    with service.db.session() as session:
        after = session.get(Opportunity, opportunity)
        assert after is not None and after.stage_id == interviewing
    assert f"status_follow_up:after=r{reply}:n=1" in open_steps(service, opportunity)


def test_a_call_made_withdraws_the_note_and_a_second_call_follows(
    service: FollowupService, clock: list[datetime]
) -> None:
    opportunity, interview, _ = interviewed(service)
    cycle = f"i{interview}"
    clock[0] = berlin(2026, 12, 16, 9)
    finish(service, opportunity, f"status_follow_up:after={cycle}:n=1", berlin(2026, 12, 1, 11))
    finish(service, opportunity, f"status_follow_up:after={cycle}:n=2", berlin(2026, 12, 8, 11))
    finish(service, opportunity, f"phone_call:after={cycle}", berlin(2026, 12, 15, 11))
    steps = open_steps(service, opportunity)
    assert f"closing_note:after={cycle}" not in steps
    assert steps[f"phone_call:after={cycle}:n=2"] == ("open", "Tue 22 Dec 11:00")


def test_without_a_phone_number_the_call_asks_for_one(
    service: FollowupService, clock: list[datetime]
) -> None:
    opportunity = service.create_opportunity("Northwind", "Data Engineer").created_id
    assert opportunity is not None
    interview = service.record_interview(
        opportunity, berlin(2026, 11, 24, 10), berlin(2026, 11, 24, 11), "Europe/Berlin"
    ).created_id
    assert interview is not None
    service.set_panel(interview, [PanelMember("Sam Ortiz", email="sam@northwind.example")])
    clock[0] = berlin(2026, 12, 9, 9)
    cycle = f"i{interview}"
    finish(service, opportunity, f"status_follow_up:after={cycle}:n=1", berlin(2026, 12, 1, 11))
    finish(service, opportunity, f"status_follow_up:after={cycle}:n=2", berlin(2026, 12, 8, 11))
    with service.db.session() as session:
        reason = session.scalar(
            select(Action.reason).where(Action.plan_key == f"phone_call:after={cycle}")
        )
    assert reason is not None and "no phone number for Sam Ortiz" in reason


# -- stale steps (item 9) ----------------------------------------------------------------


def test_a_thank_you_a_week_late_is_missed_kept_out_of_the_agenda_and_can_be_cleared(
    service: FollowupService, clock: list[datetime], db_path: Path
) -> None:
    _, interview, dana = interviewed(service)
    key = f"thank_you:interview={interview}:contact={dana}"
    late = berlin(2026, 12, 3, 12)  # due Wed 25 Nov 11:00, so 8 days late
    clock[0] = late
    service.replan()
    with service.db.session() as session:
        due = [item.kind for item in agenda(session, late, BERLIN)]
        gone = [item.kind for item in missed(session)]
    assert "thank_you" not in due
    assert gone == ["thank_you"]
    # Seen from a day when it was not yet late (--now), it is simply due, and the
    # look changes nothing stored.
    earlier = cli_agenda(db_path, berlin(2026, 11, 26, 9))
    assert "thank_you" in kinds(earlier)
    assert [row["kind"] for row in cli_agenda(db_path, late, "--missed")] == ["thank_you"]
    service.clear_missed()
    with service.db.session() as session:
        state = session.scalar(select(Action.state).where(Action.plan_key == key))
        assert missed(session) == []
    assert state is ActionState.DISMISSED


def test_a_step_a_month_overdue_is_missed_and_the_chain_goes_on(
    service: FollowupService, clock: list[datetime]
) -> None:
    opportunity, interview, _ = interviewed(service)
    clock[0] = berlin(2027, 1, 8, 12)  # follow-up 1 was due Tue 1 Dec: 38 days ago
    service.replan()
    steps = open_steps(service, opportunity)
    assert steps[f"status_follow_up:after=i{interview}:n=1"][0] == "missed"
    # Missed on Thu 31 Dec; the second follow-up is timed from then.
    assert steps[f"status_follow_up:after=i{interview}:n=2"] == ("open", "Thu 07 Jan 11:00")


# -- the keep-applying nudge (item 6) and holidays (item 5) --------------------------------


def test_the_nudge_comes_the_morning_after_the_last_active_opportunity_closes(
    service: FollowupService, clock: list[datetime]
) -> None:
    opportunity = service.create_opportunity("Northwind", "Data Engineer").created_id
    assert opportunity is not None
    with service.db.session() as session:
        rejected = session.scalars(select(Stage.id).where(Stage.kind == StageKind.REJECTED)).one()
    clock[0] = berlin(2026, 11, 27, 16)  # a Friday
    service.move_opportunities([opportunity], rejected)
    with service.db.session() as session:
        nudges = list(session.scalars(select(Action).where(Action.kind == "keep_options_open")))
    assert [wall(action.due_at) for action in nudges] == ["Mon 30 Nov 09:00"]
    assert "Northwind is no longer in the running" in nudges[0].reason
    assert "no active opportunity left" in nudges[0].reason


def test_public_holidays_of_the_country_are_not_working_days(
    service: FollowupService, clock: list[datetime]
) -> None:
    opportunity = service.create_opportunity("Northwind", "Data Engineer").created_id
    assert opportunity is not None
    interview = service.record_interview(
        opportunity, berlin(2026, 12, 18, 10), berlin(2026, 12, 18, 11), "Europe/Berlin"
    ).created_id
    clock[0] = berlin(2026, 12, 18, 12)
    key = f"status_follow_up:after=i{interview}:n=1"
    assert open_steps(service, opportunity)[key] == ("open", "Fri 25 Dec 11:00")
    service.set_setting("playbook", {"timezone": "Europe/Berlin", "holiday_country": "DE"})
    # Christmas Day and Boxing Day are public holidays in Germany; then the weekend.
    assert open_steps(service, opportunity)[key] == ("open", "Mon 28 Dec 09:00")


def test_an_unknown_holiday_country_is_refused_by_name(service: FollowupService) -> None:
    from followup_desktop.core.errors import ValidationError

    with pytest.raises(ValidationError, match="country code"):
        service.set_setting("playbook", {"holiday_country": "Atlantis"})


def test_a_referrer_update_keeps_its_day_while_employer_steps_keep_working_hours(
    service: FollowupService, clock: list[datetime]
) -> None:
    opportunity = service.create_opportunity("Northwind", "Data Engineer").created_id
    assert opportunity is not None
    jo = service.add_contact(
        "Jo Park",
        ContactFields(email="jo@mail.example"),
        opportunity_id=opportunity,
        role=ContactRole.REFERRER,
    ).created_id
    interview = service.record_interview(
        opportunity, berlin(2026, 11, 27, 10), berlin(2026, 11, 27, 11), "Europe/Berlin"
    ).created_id
    steps = open_steps(service, opportunity)
    assert steps[f"check_in_referrer:interview={interview}:contact={jo}"] == (
        "open",
        "Sun 29 Nov 11:00",
    )


def test_a_new_evidence_note_is_offered_only_when_marked(
    service: FollowupService, clock: list[datetime]
) -> None:
    from followup_desktop.core.models import StumbledQuestion
    from followup_desktop.core.services import QuestionInput

    opportunity, interview, _ = interviewed(service)
    service.save_debrief(
        interview,
        submit=True,
        questions=[QuestionInput("How would you cut the batch window?", better_answer="Shard")],
    )
    assert not any(key.startswith("new_evidence") for key in open_steps(service, opportunity))
    with service.db.session() as session:
        question = session.scalars(select(StumbledQuestion.id)).one()
    created = service.offer_new_evidence_note(question).created_id
    with service.db.session() as session:
        note = session.get(Action, created)
        assert note is not None
        assert note.kind == "new_evidence_note"
        assert "usually kept for the next interview" in note.reason
    # The planner never takes it back.
    service.replan()
    with service.db.session() as session:
        assert session.get(Action, created) is not None


def test_skills_to_build_become_a_to_do_and_are_named_in_the_follow_up(
    service: FollowupService,
) -> None:
    opportunity, interview, _ = interviewed(service)
    service.save_debrief(interview, DebriefFields(skills_to_build="streaming joins"), submit=True)
    with service.db.session() as session:
        reasons = {
            action.kind: action.reason
            for action in session.scalars(
                select(Action).where(Action.opportunity_id == opportunity)
            )
        }
    assert "streaming joins" in reasons[ActionKind.BUILD_SKILLS]
    assert "streaming joins" in reasons[ActionKind.STATUS_FOLLOW_UP]


def test_shortlisted_gets_criteria_and_a_value_adding_note_every_ten_days(
    service: FollowupService, clock: list[datetime]
) -> None:
    opportunity, interview, _ = interviewed(service)
    with service.db.session() as session:
        final = session.scalars(select(Stage.id).where(Stage.kind == StageKind.FINAL)).one()
    clock[0] = berlin(2026, 11, 25, 10)
    service.move_opportunities([opportunity], final)
    steps = open_steps(service, opportunity)
    assert steps["set_criteria"] == ("open", "Thu 26 Nov 10:00")
    # Ten days after reaching the shortlist falls on a Saturday: the next working morning.
    assert steps[f"value_add:after=i{interview}:n=1"] == ("open", "Mon 07 Dec 09:00")
    clock[0] = berlin(2026, 12, 7, 15)
    finish(service, opportunity, f"value_add:after=i{interview}:n=1", berlin(2026, 12, 7, 14))
    assert open_steps(service, opportunity)[f"value_add:after=i{interview}:n=2"] == (
        "open",
        "Thu 17 Dec 14:00",
    )
    service.update_opportunity(
        opportunity, OpportunityFields(acceptance_criteria="70k, remote Fridays")
    )
    assert "set_criteria" not in open_steps(service, opportunity)


def test_an_announced_next_round_brings_preparation_with_the_stumbled_questions(
    service: FollowupService, clock: list[datetime]
) -> None:
    from followup_desktop.core.services import QuestionInput

    opportunity, interview, _ = interviewed(service)
    service.save_debrief(
        interview,
        submit=True,
        questions=[QuestionInput("Why leave?"), QuestionInput("Biggest failure?")],
    )
    second = service.record_interview(
        opportunity, berlin(2026, 12, 9, 14), berlin(2026, 12, 9, 15), "Europe/Berlin"
    ).created_id
    with service.db.session() as session:
        prepare = session.scalars(
            select(Action).where(Action.plan_key == f"prepare_next_round:interview={second}")
        ).one()
    assert wall(prepare.due_at) == "Mon 07 Dec 14:00"
    assert "2 questions you stumbled on" in prepare.reason


def test_an_unplannable_opportunity_is_imported_and_named(tmp_path: Path, db_path: Path) -> None:
    doc = Document()
    northwind(doc)
    doc.tables["opportunities"][0]["playbook_overrides"] = {"follow_up_days": 10}
    path = tmp_path / "search.json"
    path.write_text(json.dumps(doc.build()), encoding="utf-8")
    result = run("--db", str(db_path), "import", str(path))
    assert result.returncode == 0, result.stderr
    assert "Not planned (opportunity 1)" in result.stderr
    assert "follow_up_days" in result.stderr


def test_dates_are_utc_in_the_agenda(tmp_path: Path, db_path: Path) -> None:
    doc = Document()
    northwind(doc)
    import_file(tmp_path, db_path, doc)
    rows = cli_agenda(db_path, datetime(2026, 11, 24, 11, tzinfo=UTC) + timedelta(hours=1))
    assert all(datetime.fromisoformat(row["due_at"]).utcoffset() == timedelta(0) for row in rows)


def test_the_clocks_hourly_re_plan_marks_steps_gone_stale_meanwhile(
    service: FollowupService, clock: list[datetime]
) -> None:
    opportunity, interview, dana = interviewed(service)
    key = f"thank_you:interview={interview}:contact={dana}"
    clock[0] = berlin(2026, 12, 3, 12)  # eight days after the thank-you was due
    change = service.replan([])  # what the window runs every hour
    assert opportunity in change.opportunity_ids
    assert open_steps(service, opportunity)[key] == ("missed", "Wed 25 Nov 11:00")
    # Not yet stale, the follow-up stays open.
    assert open_steps(service, opportunity)[f"status_follow_up:after=i{interview}:n=1"][0] == "open"


def test_an_invitation_moved_and_imported_again_re_plans_and_keeps_what_was_done(
    tmp_path: Path, database: Database
) -> None:
    from followup_desktop.core.services.standalone import import_ics_file

    fixtures = Path(__file__).parents[1] / "fixtures" / "ics"
    now = datetime(2026, 11, 23, 9, tzinfo=UTC)
    service = FollowupService(database, clock=lambda: now)
    service.set_setting("playbook", {"timezone": "Europe/Berlin"})
    (interview,) = import_ics_file(database, fixtures / "google.ics", now=now).created
    service.set_panel(
        interview, [PanelMember("Marcus Oyelaran", email="marcus@copperleaf.example")]
    )
    with database.session() as session:
        actions = {
            action.plan_key: action.id
            for action in session.scalars(select(Action).where(Action.interview_id == interview))
        }
    [thanks] = [key for key in actions if key and key.startswith("thank_you:")]
    follow_up = f"status_follow_up:after=i{interview}:n=1"
    service.complete_action(actions[thanks])
    service.snooze_action(actions[f"debrief:interview={interview}"], now + timedelta(days=20))
    moved = datetime(2026, 12, 20, 10, tzinfo=UTC)
    service.reschedule_action(actions[follow_up], moved)
    later = (
        (fixtures / "google.ics")
        .read_bytes()
        .replace(b"T140000", b"T160000")
        .replace(b"T150000", b"T170000")
    )
    (tmp_path / "moved.ics").write_bytes(later)
    import_ics_file(database, tmp_path / "moved.ics", now=now)
    with database.session() as session:
        after = {
            action.plan_key: action
            for action in session.scalars(select(Action).where(Action.interview_id == interview))
        }
        assert after[thanks].state is ActionState.DONE
        debrief = after[f"debrief:interview={interview}"]
        assert debrief.state is ActionState.SNOOZED
        assert debrief.snoozed_until == now + timedelta(days=20)
        assert after[follow_up].due_at == moved  # moved by hand: kept
        # The others on the updated invitation's panel get their own thank-you.
        assert len([key for key in after if key and key.startswith("thank_you:")]) > 1


def test_the_agenda_lists_what_is_stored_when_the_file_cannot_be_written(
    tmp_path: Path, db_path: Path
) -> None:
    import sqlite3

    doc = Document()
    northwind(doc)
    import_file(tmp_path, db_path, doc)

    def stored() -> list[tuple[str, str, str]]:
        with contextlib.closing(sqlite3.connect(db_path)) as reader:
            return sorted(reader.execute("SELECT kind, state, due_at FROM actions"))

    # What the import planned depends on the day it runs (a week after the interview the
    # thank-you is missed): the agenda is checked against the file, not a fixed list.
    before = stored()
    open_kinds = {kind for kind, state, _due in before if state in ("open", "snoozed")}
    # Another program holds the write lock for longer than the busy timeout.
    holder = sqlite3.connect(db_path)
    holder.execute("BEGIN IMMEDIATE")
    try:
        # Months later the plan would change (the thank-you missed), which needs a write.
        result = run("--db", str(db_path), "agenda", "--json", "--now", "2027-03-01T09:00:00Z")
    finally:
        holder.rollback()
        holder.close()
    assert result.returncode == 0, result.stderr
    assert {row["kind"] for row in json.loads(result.stdout)} == open_kinds
    assert "Another program is writing to the database" in result.stderr
    assert "as they were last saved" in result.stderr
    assert stored() == before
    # Once the file is free, the same look ahead plans as of that moment again.
    freed = run("--db", str(db_path), "agenda", "--json", "--now", "2027-03-01T09:00:00Z")
    assert freed.returncode == 0, freed.stderr
    assert {row["kind"] for row in json.loads(freed.stdout)} != open_kinds
    assert freed.stderr == ""
