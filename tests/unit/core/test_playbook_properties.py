"""Invariants of the playbook, checked with generated facts (hypothesis).

Whatever the facts: no duplicate actions, nothing before the interview it follows,
nothing for a closed opportunity but a gracious reply, no follow-up sooner than the
employer asked, humane times, re-planning that changes nothing the second time, and
reminders that keep their wall-clock time across the spring and autumn changes in
Berlin and New York.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select, update

from followup_desktop.core.db import Database
from followup_desktop.core.models import (
    Action,
    ActionState,
    Channel,
    Contact,
    ContactRole,
    Correspondence,
    Direction,
    Interview,
    InterviewParticipant,
    Opportunity,
    OpportunityContact,
    Setting,
    Stage,
    StageChange,
    StageKind,
)
from followup_desktop.core.playbook import ActionKind, PlannedAction, plan, replan_report
from followup_desktop.core.playbook.facts import (
    ContactFacts,
    ContactLinkFacts,
    CorrespondenceFacts,
    InterviewFacts,
    OpportunityFacts,
    ParticipantFacts,
    StageChangeFacts,
    StepFacts,
    StoredAction,
)
from followup_desktop.core.playbook.humane import NIGHT_FROM, working_time
from followup_desktop.core.playbook.reconcile import diff_actions
from followup_desktop.core.playbook.settings import PlaybookSettings
from followup_desktop.core.services import InterviewFields

ZONES = ("Europe/Berlin", "America/New_York")
# The changes of 2026 and 2027 in both zones; interviews are drawn around them often.
CHANGES = (
    date(2026, 3, 8),
    date(2026, 3, 29),
    date(2026, 10, 25),
    date(2026, 11, 1),
    date(2027, 3, 14),
    date(2027, 3, 28),
    date(2027, 10, 31),
    date(2027, 11, 7),
)
CHAIN = {ActionKind.STATUS_FOLLOW_UP, ActionKind.PHONE_CALL, ActionKind.CLOSING_NOTE}
# Kinds with a hard deadline that may fall outside working hours (see humane.py).
DEADLINED = {ActionKind.DEBRIEF, ActionKind.THANK_YOU}
# Working hours are for the employer's people (PLAYBOOK 6 notes).
OWN_PEOPLE_OR_TASKS = {
    ActionKind.CHECK_IN_REFERRER,
    ActionKind.TELL_REFERENCES,
    ActionKind.BUILD_SKILLS,
    ActionKind.PREPARE_NEXT_ROUND,
    ActionKind.SET_CRITERIA,
}
PROFILE = settings(max_examples=150, deadline=None, database=None)


@st.composite
def instants(draw: st.DrawFn, zone: ZoneInfo) -> datetime:
    """A wall-clock time in ``zone``, often within a few days of a clock change."""
    if draw(st.booleans()):
        day = draw(st.sampled_from(CHANGES)) + timedelta(days=draw(st.integers(-10, 3)))
    else:
        day = date(2026, 1, 1) + timedelta(days=draw(st.integers(0, 700)))
    minute = draw(st.integers(6 * 60, 21 * 60))
    wall = datetime.combine(day, time(minute // 60, minute % 60))
    return wall.replace(tzinfo=zone).astimezone(UTC)


@st.composite
def people(draw: st.DrawFn, first_id: int, count: int) -> list[ContactFacts]:
    found = []
    for offset in range(count):
        ident = first_id + offset
        found.append(
            ContactFacts(
                ident,
                f"Person {ident}",
                draw(st.sampled_from(["", f"p{ident}@example.com"])),
                draw(st.sampled_from(["", f"+1 555 {ident:04d}"])),
                draw(st.sampled_from(["", f"https://linkedin.example/{ident}"])),
            )
        )
    return found


@st.composite
def playbook_settings(draw: st.DrawFn) -> PlaybookSettings:
    return PlaybookSettings(
        timezone=draw(st.sampled_from(ZONES)),
        double_timeline=draw(st.booleans()),
        phone_call=draw(st.booleans()),
        closing_note=draw(st.booleans()),
        status_follow_ups=draw(st.integers(1, 3)),
        status_to_hr=draw(st.booleans()),
        status_channel=draw(st.sampled_from(["preferred", "email", "phone"])),
        thank_you_channel=draw(st.sampled_from(["email", "letter", "linkedin"])),
        paper_note=draw(st.sampled_from(["none", "printed"])),
        linkedin_connect=draw(st.booleans()),
        send_material_with_thank_you=draw(st.booleans()),
        reply_to_rejection_days=draw(st.integers(0, 2)),
        thank_you_hours=draw(st.sampled_from([2, 12, 24])),
    )


@st.composite
def opportunity_facts(draw: st.DrawFn, zone_name: str) -> OpportunityFacts:
    zone = ZoneInfo(zone_name)
    cast = draw(people(1, 5))
    roles = [
        ContactRole.INTERVIEWER,
        ContactRole.HR,
        ContactRole.RECRUITER,
        ContactRole.REFERRER,
        ContactRole.INSIDE_CONTACT,
        ContactRole.REFERENCE,
    ]
    links = tuple(
        ContactLinkFacts(person, draw(st.sampled_from(roles)))
        for person in cast
        if draw(st.booleans())
    )
    interviews = []
    for number in range(draw(st.sampled_from([1, 2, 0, 3]))):
        starts = draw(instants(zone))
        ends = starts + timedelta(minutes=draw(st.integers(15, 300)))
        end_day = ends.astimezone(zone).date()
        timeline = draw(st.none() | st.integers(1, 60))
        decide_by = None
        if timeline is None and draw(st.booleans()):
            decide_by = end_day + timedelta(days=draw(st.integers(1, 60)))
        panel = tuple(
            ParticipantFacts(person, draw(st.sampled_from(["", "the roadmap"])))
            for person in cast
            if draw(st.integers(0, 2)) == 0
        )
        interviews.append(
            InterviewFacts(
                100 + number,
                starts,
                ends,
                number + 1,
                decision_timeline_days=timeline,
                decision_date=decide_by,
                may_check_in=draw(st.sampled_from([None, True, False])),
                check_back_on=(
                    end_day + timedelta(days=draw(st.integers(0, 60)))
                    if draw(st.booleans())
                    else None
                ),
                preferred_channel=draw(st.sampled_from([None, Channel.EMAIL, Channel.PHONE])),
                participants=panel,
            )
        )
    interviews.sort(key=lambda item: (item.starts_at, item.id))
    replies = []
    if len(interviews) > 0 and draw(st.booleans()):
        for number in range(draw(st.integers(1, 2))):
            sent = max(item.ends_at for item in interviews) + timedelta(
                hours=draw(st.integers(-48, 24 * 20))
            )
            replies.append(
                CorrespondenceFacts(
                    500 + number,
                    Direction.RECEIVED,
                    sent,
                    # Who wrote is left open: a referrer's message is not the employer's
                    # (covered by a unit test), and would blur the floor checked below.
                    None,
                    check_back_on=(
                        sent.astimezone(zone).date() + timedelta(days=draw(st.integers(0, 30)))
                        if draw(st.booleans())
                        else None
                    ),
                )
            )
    # Messages the person sent: thank-yous, follow-ups, calls, some with a promised day.
    outgoing = []
    if len(interviews) > 0 and draw(st.booleans()):
        last_end = max(item.ends_at for item in interviews)
        for number in range(draw(st.integers(1, 5))):
            when = last_end + timedelta(hours=draw(st.integers(1, 24 * 40)))
            outgoing.append(
                CorrespondenceFacts(
                    700 + number,
                    Direction.SENT,
                    when,
                    draw(st.sampled_from([None, cast[0].id, cast[-1].id])),
                    draw(st.sampled_from([Channel.EMAIL, Channel.EMAIL, Channel.PHONE])),
                    check_back_on=(
                        when.astimezone(zone).date() + timedelta(days=draw(st.integers(0, 20)))
                        if draw(st.integers(0, 3)) == 0
                        else None
                    ),
                )
            )
    created = draw(instants(zone)) - timedelta(days=30)
    # Mostly live opportunities, where the playbook has the most to do.
    kind = draw(
        st.sampled_from([StageKind.ACTIVE, StageKind.FINAL]) | st.sampled_from(list(StageKind))
    )
    history = [StageChangeFacts(StageKind.ACTIVE, created)]
    if kind is not StageKind.ACTIVE:
        history.append(StageChangeFacts(kind, created + timedelta(days=draw(st.integers(1, 80)))))
    return OpportunityFacts(
        id=1,
        company="Northwind",
        role="Data Engineer",
        stage_kind=kind,
        created_at=created,
        archived=draw(st.integers(0, 9)) == 9,
        acceptance_criteria=draw(st.sampled_from(["", "at least 70k"])),
        referrer=draw(st.sampled_from([None, cast[0]])),
        contacts=links,
        stage_history=tuple(history),
        interviews=tuple(interviews),
        correspondence=tuple(sorted(replies, key=lambda item: (item.occurred_at, item.id))),
        sent=tuple(sorted(outgoing, key=lambda item: (item.occurred_at, item.id))),
    )


@st.composite
def cases(draw: st.DrawFn) -> tuple[OpportunityFacts, PlaybookSettings, datetime]:
    chosen = draw(playbook_settings())
    facts = draw(opportunity_facts(chosen.timezone))
    now = facts.created_at + timedelta(days=draw(st.integers(0, 200)))
    # Play the chain forward: finish (do or dismiss) a few steps the way a person would.
    for _ in range(draw(st.sampled_from([1, 0, 2, 3, 4, 5, 6]))):
        steps = [action for action in plan(facts, chosen, now) if action.kind in CHAIN]
        if not steps:
            break
        step = steps[0]
        state = draw(st.sampled_from([ActionState.DONE, ActionState.DISMISSED]))
        # Done on time, late, or well before it was due (people jump the gun).
        early = draw(st.sampled_from([-24 * 20, 2, -24 * 8, 30, 96]))
        completed = step.due_at + timedelta(hours=early)
        finished = dict(facts.finished_steps)
        finished[step.plan_key] = StepFacts(
            step.plan_key, state, step.due_at, completed if state is ActionState.DONE else None
        )
        facts = facts._replace(finished_steps=finished)
    return facts, chosen, now


def latest_check_back(facts: OpportunityFacts) -> date | None:
    """The date they last asked to be contacted again, in the current cycle."""
    if not facts.interviews:
        return None
    latest = max(facts.interviews, key=lambda item: (item.ends_at, item.id))
    found = latest.check_back_on
    for message in facts.correspondence:
        if message.occurred_at > latest.ends_at and message.check_back_on is not None:
            found = message.check_back_on
    return found


@PROFILE
@given(cases())
def test_plans_keep_every_promise(
    case: tuple[OpportunityFacts, PlaybookSettings, datetime],
) -> None:
    facts, chosen, now = case
    actions = plan(facts, chosen, now)
    wt = working_time(chosen)
    # Same facts, same plan: planning is a pure function.
    assert actions == plan(facts, chosen, now)
    # No duplicates.
    keys = [action.plan_key for action in actions]
    assert len(keys) == len(set(keys))
    # Nothing for archived or closed opportunities, except the reply to a rejection.
    if facts.archived or facts.stage_kind.is_closed:
        allowed = set() if facts.archived else {ActionKind.REPLY_TO_REJECTION}
        if facts.stage_kind is not StageKind.REJECTED:
            allowed = set()
        assert {action.kind for action in actions} <= allowed
        return
    ends = {interview.id: interview.ends_at for interview in facts.interviews}
    floor = latest_check_back(facts)
    for action in actions:
        assert action.due_at.tzinfo is UTC
        assert action.opportunity_id == facts.id
        assert action.reason.endswith(".")
        # Nothing before the interview it follows has ended.
        if action.interview_id is not None:
            assert action.due_at >= ends[action.interview_id], action
        # Never sooner than they asked.
        if floor is not None and (
            action.kind in CHAIN or action.kind is ActionKind.STILL_INTERESTED
        ):
            assert action.due_at >= wt.at_start(floor), (action, floor)
        # Within working hours, except deadlines that would otherwise be missed.
        deadlined = action.kind in DEADLINED and not action.plan_key.endswith(":paper")
        with_thanks = (
            action.kind is ActionKind.SEND_MATERIAL and chosen.send_material_with_thank_you
        )
        edges = {i.starts_at for i in facts.interviews} | {i.ends_at for i in facts.interviews}
        if action.kind in OWN_PEOPLE_OR_TASKS:
            # Notes to their own people and their own tasks only avoid the night (the
            # preparation for a round is never later than the round, nor before the one
            # it follows, even at an odd hour).
            clock = wt.local(action.due_at).time()
            assert chosen.start_time <= clock <= NIGHT_FROM or (
                action.kind is ActionKind.PREPARE_NEXT_ROUND and action.due_at in edges
            ), action
        elif not deadlined and not with_thanks:
            assert wt.is_working_time(action.due_at), action
        if deadlined and action.interview_id is not None:
            limit = (
                chosen.debrief_due_minutes
                if action.kind is ActionKind.DEBRIEF
                else chosen.thank_you_hours * 60
            )
            assert action.due_at - ends[action.interview_id] <= timedelta(minutes=limit)


@PROFILE
@given(cases())
def test_replanning_twice_changes_nothing(
    case: tuple[OpportunityFacts, PlaybookSettings, datetime],
) -> None:
    facts, chosen, now = case
    first = plan(facts, chosen, now)
    stored = [stored_from(index, action) for index, action in enumerate(first)]
    settled: set[tuple[int | None, str]] = set()
    assert not diff_actions(plan(facts, chosen, now), stored, settled)
    # Settle some, re-plan: the settled ones are neither re-added nor changed.
    for action in first[::2]:
        settled.add((action.opportunity_id, action.plan_key))
    still_open = [item for item in stored if (item.opportunity_id, item.plan_key) not in settled]
    diff = diff_actions(plan(facts, chosen, now), still_open, settled)
    assert not diff.inserts
    assert not diff.updates


@PROFILE
@given(cases())
def test_closing_withdraws_everything_but_the_reply(
    case: tuple[OpportunityFacts, PlaybookSettings, datetime],
) -> None:
    facts, chosen, now = case
    stored = [stored_from(index, action) for index, action in enumerate(plan(facts, chosen, now))]
    rejected_at = now + timedelta(hours=1)
    closed = facts._replace(
        stage_kind=StageKind.REJECTED,
        stage_history=(*facts.stage_history, StageChangeFacts(StageKind.REJECTED, rejected_at)),
    )
    diff = diff_actions(plan(closed, chosen, now), stored, set())
    remaining = {item.plan_key for item in stored} - {item.plan_key for item in diff.deletes}
    remaining |= {action.plan_key for action in diff.inserts}
    assert remaining <= {"reply_to_rejection"}
    # A message sent after the rejection is the reply (to the employer or to no one named).
    replied = any(message.occurred_at >= rejected_at for message in facts.sent)
    if not facts.archived and not replied:
        assert remaining == {"reply_to_rejection"}


def stored_from(index: int, action: PlannedAction) -> StoredAction:
    return StoredAction(
        index,
        action.opportunity_id,
        action.plan_key,
        str(action.kind),
        action.due_at,
        False,
        action.recipient,
        action.channel,
        action.reason,
        action.interview_id,
        action.contact_id,
    )


@settings(max_examples=300, deadline=None, database=None)
@given(
    zone_name=st.sampled_from(ZONES),
    day=st.sampled_from(CHANGES).flatmap(
        lambda change: st.integers(-9, 2).map(lambda shift: change + timedelta(days=shift))
    ),
    minute=st.integers(9 * 60, 18 * 60),
    days=st.integers(1, 30),
)
def test_days_are_calendar_days_across_clock_changes(
    zone_name: str, day: date, minute: int, days: int
) -> None:
    wt = working_time(PlaybookSettings(timezone=zone_name))
    zone = ZoneInfo(zone_name)
    start = datetime.combine(day, time(minute // 60, minute % 60)).replace(tzinfo=zone)
    moved = wt.plus_days(start.astimezone(UTC), days).astimezone(zone)
    assert moved.date() == day + timedelta(days=days)
    assert (moved.hour, moved.minute) == (start.hour, start.minute)
    # The humane shift keeps a working-day time as it is, else goes to 09:00 on a weekday.
    shifted = wt.next_working(wt.plus_days(start.astimezone(UTC), days)).astimezone(zone)
    if moved.weekday() < 5:
        assert shifted == moved
    else:
        assert (shifted.weekday(), shifted.hour, shifted.minute) == (0, 9, 0)


# -- the same, end to end in a database ----------------------------------------------------


@settings(
    max_examples=12,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=cases())
def test_replan_in_the_database_is_idempotent(
    database: Database, case: tuple[OpportunityFacts, PlaybookSettings, datetime]
) -> None:
    facts, chosen, now = case
    with database.session() as session:
        for table in (
            Action,
            Correspondence,
            InterviewParticipant,
            Interview,
            OpportunityContact,
            StageChange,
            Opportunity,
            Contact,
            Setting,
        ):
            session.execute(delete(table))
        session.add(Setting(key="playbook", value=chosen.to_json()))
        write(session, facts)
        first = replan_report(session, None, now)
        stored = session.scalar(select(func.count()).select_from(Action))
        assert stored == first.inserted
        second = replan_report(session, None, now)
        assert (second.inserted, second.updated, second.withdrawn) == (0, 0, 0)
        # Settle everything, change nothing: only the next step of a chain may appear.
        session.execute(update(Action).values(state=ActionState.DONE, completed_at=now))
        replan_report(session, None, now)
        reopened = session.scalars(select(Action.kind).where(Action.state == ActionState.OPEN))
        assert set(reopened) <= {
            "status_follow_up",
            "phone_call",
            "closing_note",
            "move_on",
            "value_add",
        }


def write(session: Any, facts: OpportunityFacts) -> None:
    """Store generated facts as rows (ids kept, so plan keys can be compared)."""
    kinds = {stage.kind: stage.id for stage in session.scalars(select(Stage))}
    people = {link.contact.id: link.contact for link in facts.contacts}
    for interview in facts.interviews:
        people.update({p.contact.id: p.contact for p in interview.participants})
    if facts.referrer is not None:
        people[facts.referrer.id] = facts.referrer
    for person in people.values():
        session.add(
            Contact(
                id=person.id,
                name=person.name,
                email=person.email,
                phone=person.phone,
                linkedin=person.linkedin,
            )
        )
    session.flush()
    session.add(
        Opportunity(
            id=facts.id,
            company=facts.company,
            role=facts.role,
            stage_id=kinds[facts.stage_kind],
            archived=facts.archived,
            acceptance_criteria=facts.acceptance_criteria,
            referrer_id=None if facts.referrer is None else facts.referrer.id,
            created_at=facts.created_at,
            updated_at=facts.created_at,
        )
    )
    session.flush()
    for change in facts.stage_history:
        session.add(
            StageChange(
                opportunity_id=facts.id,
                to_stage_id=kinds[change.to_kind or StageKind.ACTIVE],
                changed_at=change.changed_at,
            )
        )
    for link in facts.contacts:
        if session.get(OpportunityContact, (facts.id, link.contact.id, link.role)) is None:
            session.add(
                OpportunityContact(
                    opportunity_id=facts.id, contact_id=link.contact.id, role=link.role
                )
            )
        session.flush()
    for interview in facts.interviews:
        session.add(
            Interview(
                id=interview.id,
                opportunity_id=facts.id,
                round=interview.round,
                starts_at=interview.starts_at,
                ends_at=interview.ends_at,
                decision_timeline_days=interview.decision_timeline_days,
                decision_date=interview.decision_date,
                may_check_in=interview.may_check_in,
                check_back_on=interview.check_back_on,
                preferred_channel=interview.preferred_channel,
            )
        )
        session.flush()
        for position, participant in enumerate(interview.participants):
            session.add(
                InterviewParticipant(
                    interview_id=interview.id,
                    contact_id=participant.contact.id,
                    position=position,
                    mention=participant.mention,
                )
            )
    for message in facts.correspondence:
        session.add(
            Correspondence(
                id=message.id,
                opportunity_id=facts.id,
                contact_id=message.contact_id,
                direction=message.direction,
                occurred_at=message.occurred_at,
                check_back_on=message.check_back_on,
            )
        )
    session.flush()


# -- what was sent, what they replied, and imports ------------------------------------------


@st.composite
def reply_cases(draw: st.DrawFn) -> tuple[OpportunityFacts, PlaybookSettings, datetime]:
    """An interview, messages the person sent (some with a promised day), then replies."""
    chosen = draw(playbook_settings())
    zone = ZoneInfo(chosen.timezone)
    lead = ContactFacts(1, "Dana Levi", "dana@example.com", "+1 555 0001")
    starts = draw(instants(zone))
    ends = starts + timedelta(hours=1)
    end_day = ends.astimezone(zone).date()
    decide_by = end_day + timedelta(days=draw(st.integers(1, 40))) if draw(st.booleans()) else None
    interview = InterviewFacts(
        10, starts, ends, decision_date=decide_by, participants=(ParticipantFacts(lead),)
    )
    moments = sorted(
        ends + timedelta(hours=draw(st.integers(1, 24 * 30)))
        for _ in range(draw(st.integers(0, 3)))
    )
    sent = tuple(
        CorrespondenceFacts(
            200 + index,
            Direction.SENT,
            moment,
            1,
            check_back_on=(
                moment.astimezone(zone).date() + timedelta(days=draw(st.integers(0, 40)))
                if draw(st.booleans())
                else None
            ),
        )
        for index, moment in enumerate(moments)
    )
    replies = tuple(
        CorrespondenceFacts(
            500 + index,
            Direction.RECEIVED,
            ends + timedelta(hours=draw(st.integers(2, 24 * 30)) + 1000 * index),
            1,
            check_back_on=None,
        )
        for index in range(draw(st.integers(1, 2)))
    )
    facts = OpportunityFacts(
        id=1,
        company="Northwind",
        role="Data Engineer",
        stage_kind=StageKind.ACTIVE,
        created_at=starts - timedelta(days=20),
        contacts=(ContactLinkFacts(lead, ContactRole.INTERVIEWER),),
        interviews=(interview,),
        correspondence=replies,
        sent=sent,
    )
    now = max(message.occurred_at for message in replies) + timedelta(hours=1)
    return facts, chosen, now


@PROFILE
@given(reply_cases())
def test_a_reply_never_brings_the_check_before_a_date_given_or_promised(
    case: tuple[OpportunityFacts, PlaybookSettings, datetime],
) -> None:
    facts, chosen, now = case
    wt = working_time(chosen)
    reply = max(facts.correspondence, key=lambda message: message.occurred_at)
    checks = [
        action
        for action in plan(facts, chosen, now)
        if action.kind in CHAIN and f":after=r{reply.id}" in action.plan_key
    ]
    latest = facts.interviews[-1]
    days = [latest.decision_date] + [
        message.check_back_on for message in facts.sent if message.occurred_at > latest.ends_at
    ]
    waited = wt.next_working(wt.plus_days(reply.occurred_at, chosen.no_timeline_follow_up_days))
    for action in checks:
        for day in days:
            if day is not None:
                assert action.due_at >= wt.morning(day), (action, day)
        if action.plan_key.endswith(":n=1"):
            assert action.due_at >= waited, action


@st.composite
def sent_cases(draw: st.DrawFn) -> tuple[OpportunityFacts, PlaybookSettings, datetime, int]:
    """An interview, a thank-you or not, then k written follow-ups sent, no reply."""
    chosen = draw(playbook_settings())
    zone = ZoneInfo(chosen.timezone)
    lead = ContactFacts(1, "Dana Levi", "dana@example.com", "+1 555 0001")
    starts = draw(instants(zone))
    ends = starts + timedelta(hours=1)
    interview = InterviewFacts(10, starts, ends, participants=(ParticipantFacts(lead),))
    messages = []
    if draw(st.booleans()):
        messages.append(ends + timedelta(hours=draw(st.integers(1, 48))))
    thanked = bool(messages)
    # Follow-ups after the days of the thank-yous (the first message there is one).
    moment = ends + timedelta(days=5)
    count = draw(st.integers(0, 5))
    for _ in range(count):
        moment += timedelta(days=draw(st.integers(1, 12)))
        messages.append(moment)
    facts = OpportunityFacts(
        id=1,
        company="Northwind",
        role="Data Engineer",
        stage_kind=StageKind.ACTIVE,
        created_at=starts - timedelta(days=20),
        contacts=(ContactLinkFacts(lead, ContactRole.INTERVIEWER),),
        interviews=(interview,),
        sent=tuple(
            CorrespondenceFacts(200 + index, Direction.SENT, when, 1)
            for index, when in enumerate(messages)
        ),
    )
    now = (messages[-1] if messages else ends) + timedelta(hours=1)
    return facts, chosen, now, count * 2 + thanked


@PROFILE
@given(sent_cases())
def test_sent_messages_advance_the_sequence(
    case: tuple[OpportunityFacts, PlaybookSettings, datetime, int],
) -> None:
    facts, chosen, now, code = case
    count, thanked = divmod(code, 2)
    actions = plan(facts, chosen, now)
    thank_yous = [action for action in actions if action.kind is ActionKind.THANK_YOU]
    assert (
        bool(thank_yous) != bool(thanked) or chosen.paper_note != "none" or chosen.linkedin_connect
    )
    follow_ups = [a for a in actions if a.kind is ActionKind.STATUS_FOLLOW_UP]
    if count < chosen.status_follow_ups:
        # The next one asked for is the one after those sent, never an earlier one.
        assert [a.plan_key for a in follow_ups] == [f"status_follow_up:after=i10:n={count + 1}"]
    else:
        assert follow_ups == []
        if count > chosen.status_follow_ups:
            # One more written message is the closing note: nothing left but moving on.
            assert {a.kind for a in actions if a.kind in CHAIN} == set()


@settings(
    max_examples=15,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_import_then_agenda_equals_entering_it_by_hand(tmp_path_factory: Any, data: Any) -> None:
    """The same search typed in, or exported without its plan and imported: same agenda."""
    from followup_desktop.core.agenda import agenda
    from followup_desktop.core.db import open_database
    from followup_desktop.core.exchange import export_data
    from followup_desktop.core.services import FollowupService, PanelMember
    from followup_desktop.core.services.standalone import import_data

    zone = ZoneInfo("Europe/Berlin")
    draw = data.draw
    starts = draw(instants(zone))
    now = starts + timedelta(hours=draw(st.integers(2, 24 * 40)))
    folder = tmp_path_factory.mktemp("same")
    by_hand = open_database(folder / "by-hand.sqlite3")
    service = FollowupService(by_hand, clock=lambda: now)
    service.set_setting("playbook", {"timezone": "Europe/Berlin"})
    opportunity = service.create_opportunity("Northwind", "Data Engineer").created_id
    assert opportunity is not None
    interview = service.record_interview(
        opportunity,
        starts,
        starts + timedelta(hours=1),
        "Europe/Berlin",
        InterviewFields(
            decision_timeline_days=draw(st.none() | st.integers(1, 20)),
            check_back_on=draw(
                st.none() | st.dates(starts.date(), starts.date() + timedelta(days=30))
            ),
        ),
    ).created_id
    assert interview is not None
    if draw(st.booleans()):
        service.set_panel(interview, [PanelMember("Dana Levi", email="dana@example.com")])
    ends = starts + timedelta(hours=1)
    for _ in range(draw(st.integers(0, 3))):
        when = ends + timedelta(hours=draw(st.integers(1, 24 * 30)))
        if when < now:
            service.log_correspondence(
                opportunity, draw(st.sampled_from([Direction.SENT, Direction.RECEIVED])), when
            )
    if draw(st.booleans()):
        with by_hand.session() as session:
            first = session.scalars(select(Action.id).order_by(Action.id)).first()
        if first is not None:
            service.complete_action(first)
    with by_hand.session() as session:
        expected = [
            (item.kind, item.due_at, item.reason, item.recipient, item.bucket)
            for item in agenda(session, now, zone)
        ]
        document = export_data(session)
    by_hand.close()
    # What another tool would write: the facts and what the person did, not the plan.
    document["actions"] = [row for row in document["actions"] if row["state"] != "open"]
    document["reminder_deliveries"] = []
    for row in document["correspondence"]:
        row["action_id"] = None
    imported = open_database(folder / "imported.sqlite3")
    try:
        import_data(imported, document, now=now)
        with imported.session() as session:
            found = [
                (item.kind, item.due_at, item.reason, item.recipient, item.bucket)
                for item in agenda(session, now, zone)
            ]
    finally:
        imported.close()
    assert found == expected
