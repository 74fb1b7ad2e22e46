"""Re-planning against a real SQLite file: loading facts, reconciling, respecting the person.

Rows are written with the ORM models directly (not the service layer) so these tests pin
the playbook's own behaviour: what ``replan`` inserts, updates, keeps and withdraws.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from followup_desktop.core.db import Database
from followup_desktop.core.errors import ValidationError
from followup_desktop.core.models import (
    Action,
    ActionOrigin,
    ActionState,
    Contact,
    ContactRole,
    Correspondence,
    Debrief,
    DebriefStatus,
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
from followup_desktop.core.playbook import (
    load_facts,
    load_settings,
    plan,
    replan,
    replan_all,
    replan_report,
)
from followup_desktop.core.playbook.facts import (
    ContactFacts,
    ContactLinkFacts,
    CorrespondenceFacts,
    DebriefFacts,
    InterviewFacts,
    OpportunityFacts,
    ParticipantFacts,
    StageChangeFacts,
)

BERLIN = ZoneInfo("Europe/Berlin")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


NOW = at(2026, 11, 24, 12)
FU1 = "status_follow_up:after=i{}:n=1"


@pytest.fixture
def db(database: Database) -> Database:
    with database.session() as session:
        session.add(Setting(key="playbook", value={"timezone": "Europe/Berlin"}))
    return database


def stage(session: Session, kind: StageKind) -> Stage:
    found = session.scalars(select(Stage).where(Stage.kind == kind).order_by(Stage.id)).first()
    assert found is not None
    return found


def add_opportunity(
    session: Session,
    company: str = "Northwind",
    *,
    kind: StageKind = StageKind.ACTIVE,
    created: datetime | None = None,
    **fields: Any,
) -> Opportunity:
    created = created or at(2026, 11, 2, 9)
    opportunity = Opportunity(
        company=company,
        role="Data Engineer",
        stage_id=stage(session, kind).id,
        created_at=created,
        updated_at=created,
        **fields,
    )
    session.add(opportunity)
    session.flush()
    session.add(
        StageChange(
            opportunity_id=opportunity.id, to_stage_id=opportunity.stage_id, changed_at=created
        )
    )
    return opportunity


def add_interview(
    session: Session,
    opportunity: Opportunity,
    starts: datetime | None = None,
    minutes: int = 60,
    panel: tuple[Contact, ...] = (),
    **fields: Any,
) -> Interview:
    starts = starts or at(2026, 11, 24, 10)
    interview = Interview(
        opportunity_id=opportunity.id,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=minutes),
        timezone="Europe/Berlin",
        **fields,
    )
    session.add(interview)
    session.flush()
    for position, person in enumerate(panel):
        session.add(
            InterviewParticipant(
                interview_id=interview.id, contact_id=person.id, position=position, mention=""
            )
        )
        link(session, opportunity, person, ContactRole.INTERVIEWER)
    return interview


def add_contact(session: Session, name: str, email: str = "", phone: str = "") -> Contact:
    contact = Contact(name=name, email=email, phone=phone)
    session.add(contact)
    session.flush()
    return contact


def link(session: Session, opportunity: Opportunity, person: Contact, role: ContactRole) -> None:
    session.add(OpportunityContact(opportunity_id=opportunity.id, contact_id=person.id, role=role))
    session.flush()


def actions(session: Session, opportunity_id: int | None = None) -> dict[str, Action]:
    query = select(Action).where(Action.plan_key.is_not(None))
    if opportunity_id is not None:
        query = query.where(Action.opportunity_id == opportunity_id)
    found = list(session.scalars(query))
    keys = [(action.opportunity_id, action.plan_key) for action in found]
    assert len(keys) == len(set(keys)), "duplicate actions"
    return {str(action.plan_key): action for action in found}


@contextlib.contextmanager
def northwind(db: Database) -> Iterator[tuple[Session, Opportunity, Interview]]:
    """A session with Northwind interviewed by Dana on Tue 24 Nov, planned once."""
    with db.session() as session:
        opportunity = add_opportunity(session)
        dana = add_contact(session, "Dana Levi", "dana@northwind.example", "+49 30 1111")
        rita = add_contact(session, "Rita Roe", "rita@northwind.example")
        link(session, opportunity, rita, ContactRole.RECRUITER)
        interview = add_interview(session, opportunity, panel=(dana,), decision_timeline_days=7)
        replan(session, [opportunity.id], NOW)
        yield session, opportunity, interview


# -- loading -----------------------------------------------------------------------------


def test_loaded_facts_match_what_the_orm_sees(db: Database) -> None:
    with db.session() as session:
        opportunity = add_opportunity(
            session, acceptance_criteria="70k", start_date=date(2027, 2, 1)
        )
        dana = add_contact(session, "Dana Levi", "dana@northwind.example", "+49 30 1111")
        jo = add_contact(session, "Jo Park", "jo@mail.example")
        opportunity.referrer_id = jo.id
        link(session, opportunity, jo, ContactRole.REFERRER)
        first = add_interview(
            session,
            opportunity,
            panel=(dana,),
            decision_timeline_days=7,
            check_back_on=date(2026, 12, 4),
        )
        session.add(
            Debrief(
                interview_id=first.id, status=DebriefStatus.SUBMITTED, promised_material="slides"
            )
        )
        reply = Correspondence(
            opportunity_id=opportunity.id,
            contact_id=dana.id,
            direction=Direction.RECEIVED,
            occurred_at=at(2026, 11, 30, 9),
            check_back_on=date(2026, 12, 7),
        )
        session.add(reply)
        thanks = Correspondence(
            opportunity_id=opportunity.id,
            contact_id=dana.id,
            direction=Direction.SENT,
            occurred_at=at(2026, 11, 25, 9),
            check_back_on=date(2026, 12, 14),
        )
        session.add(thanks)
        session.flush()
        facts = load_facts(session, [opportunity.id])[opportunity.id]
        dana_facts = ContactFacts(dana.id, "Dana Levi", "dana@northwind.example", "+49 30 1111")
        jo_facts = ContactFacts(jo.id, "Jo Park", "jo@mail.example")
        expected = OpportunityFacts(
            id=opportunity.id,
            company="Northwind",
            role="Data Engineer",
            stage_kind=StageKind.ACTIVE,
            created_at=at(2026, 11, 2, 9),
            acceptance_criteria="70k",
            start_date=date(2027, 2, 1),
            referrer=jo_facts,
            contacts=facts.contacts,  # order of links is the table's; compared as a set below
            stage_history=(StageChangeFacts(StageKind.ACTIVE, at(2026, 11, 2, 9)),),
            interviews=(
                InterviewFacts(
                    first.id,
                    at(2026, 11, 24, 10),
                    at(2026, 11, 24, 11),
                    decision_timeline_days=7,
                    check_back_on=date(2026, 12, 4),
                    participants=(ParticipantFacts(dana_facts, ""),),
                    debrief=DebriefFacts(True, "slides"),
                ),
            ),
            correspondence=(
                CorrespondenceFacts(
                    reply.id,
                    Direction.RECEIVED,
                    at(2026, 11, 30, 9),
                    dana.id,
                    check_back_on=date(2026, 12, 7),
                ),
            ),
            # Sent messages count as the steps they did (and carry a date promised in them).
            sent=(
                CorrespondenceFacts(
                    thanks.id,
                    Direction.SENT,
                    at(2026, 11, 25, 9),
                    dana.id,
                    check_back_on=date(2026, 12, 14),
                ),
            ),
        )
        assert facts == expected
        assert set(facts.contacts) == {
            ContactLinkFacts(jo_facts, ContactRole.REFERRER),
            ContactLinkFacts(dana_facts, ContactRole.INTERVIEWER),
        }
        # The whole-table path gives the same facts as the by-id path.
        assert load_facts(session)[opportunity.id] == facts


def test_loading_is_set_based(db: Database) -> None:
    """The number of statements does not grow with the number of opportunities."""

    def statements_for(count: int) -> int:
        with db.session() as session:
            ids = []
            for number in range(count):
                opportunity = add_opportunity(session, f"Company {number}")
                person = add_contact(session, f"Person {number}", f"p{number}@example.com")
                add_interview(session, opportunity, panel=(person,))
                ids.append(opportunity.id)
            session.flush()
            raw = session.connection().connection.driver_connection
            assert raw is not None
            seen: list[str] = []
            raw.set_trace_callback(seen.append)
            try:
                replan(session, ids, NOW)
            finally:
                raw.set_trace_callback(None)
            return len([sql for sql in seen if sql.lstrip().upper().startswith("SELECT")])

    assert statements_for(3) == statements_for(40)


# -- reconciling -------------------------------------------------------------------------


def test_replanning_is_idempotent(db: Database) -> None:
    with northwind(db) as (session, opportunity, interview):
        planned = actions(session, opportunity.id)
        assert FU1.format(interview.id) in planned
        assert replan(session, [opportunity.id], NOW) == set()
        assert replan_all(session, NOW) == set()
        report = replan_report(session, None, NOW)
        assert (report.inserted, report.updated, report.withdrawn) == (0, 0, 0)
        assert actions(session, opportunity.id).keys() == planned.keys()


def test_a_change_updates_open_actions_in_place(db: Database) -> None:
    with northwind(db) as (session, opportunity, interview):
        before = actions(session, opportunity.id)[FU1.format(interview.id)]
        identity, due = before.id, before.due_at
        interview.decision_timeline_days = 3
        assert replan(session, [opportunity.id], NOW) == {opportunity.id}
        after = actions(session, opportunity.id)[FU1.format(interview.id)]
        assert after.id == identity
        assert after.due_at == at(2026, 11, 30, 11)  # 2 x 3 days, on Monday
        assert after.due_at != due
        assert "within 3 days" in after.reason


def test_done_and_dismissed_actions_never_come_back(db: Database) -> None:
    with northwind(db) as (session, opportunity, interview):
        planned = actions(session, opportunity.id)
        debrief = planned[f"debrief:interview={interview.id}"]
        debrief.state = ActionState.DONE
        debrief.completed_at = NOW
        thank_you = next(a for key, a in planned.items() if key.startswith("thank_you"))
        thank_you.state = ActionState.DISMISSED
        session.flush()
        interview.decision_timeline_days = 10
        replan(session, [opportunity.id], NOW)
        replan_all(session, NOW)
        again = actions(session, opportunity.id)
        assert again[f"debrief:interview={interview.id}"].state is ActionState.DONE
        assert again[str(thank_you.plan_key)].state is ActionState.DISMISSED
        assert session.scalar(select(func.count()).select_from(Action)) == len(again) + 1


def test_a_snooze_and_a_hand_edited_time_are_kept(db: Database) -> None:
    with northwind(db) as (session, opportunity, interview):
        planned = actions(session, opportunity.id)
        follow_up = planned[FU1.format(interview.id)]
        follow_up.state = ActionState.SNOOZED
        follow_up.snoozed_until = at(2026, 12, 20, 9)
        note = planned[f"still_interested:interview={interview.id}"]
        note.due_at = at(2026, 12, 2, 16)
        note.due_edited = True
        session.flush()
        interview.decision_timeline_days = 3
        replan(session, [opportunity.id], NOW)
        again = actions(session, opportunity.id)
        snoozed = again[FU1.format(interview.id)]
        assert snoozed.state is ActionState.SNOOZED
        assert snoozed.snoozed_until == at(2026, 12, 20, 9)
        assert "within 3 days" in snoozed.reason  # the reason still follows the facts
        edited = again[f"still_interested:interview={interview.id}"]
        assert edited.due_at == at(2026, 12, 2, 16)
        assert "within 3 days" in edited.reason


def test_manual_actions_are_never_touched(db: Database) -> None:
    with northwind(db) as (session, opportunity, _interview):
        mine = Action(
            opportunity_id=opportunity.id,
            kind="call_mum",
            due_at=at(2026, 11, 25, 20),
            reason="Tell her how it went.",
            origin=ActionOrigin.MANUAL,
            created_at=NOW,
        )
        session.add(mine)
        rejected = stage(session, StageKind.REJECTED)
        opportunity.stage_id = rejected.id
        session.add(
            StageChange(
                opportunity_id=opportunity.id,
                to_stage_id=rejected.id,
                changed_at=at(2026, 11, 30, 14),
            )
        )
        replan(session, [opportunity.id], at(2026, 11, 30, 15))
        session.refresh(mine)
        assert (mine.kind, mine.due_at, mine.state) == (
            "call_mum",
            at(2026, 11, 25, 20),
            ActionState.OPEN,
        )


def test_a_rejection_withdraws_open_actions_and_asks_for_a_reply(db: Database) -> None:
    with northwind(db) as (session, opportunity, interview):
        debrief = actions(session, opportunity.id)[f"debrief:interview={interview.id}"]
        debrief.state = ActionState.DONE
        rejected = stage(session, StageKind.REJECTED)
        opportunity.stage_id = rejected.id
        session.add(
            StageChange(
                opportunity_id=opportunity.id,
                to_stage_id=rejected.id,
                changed_at=at(2026, 11, 30, 14),
            )
        )
        assert replan(session, [opportunity.id], at(2026, 11, 30, 15)) == {opportunity.id}
        left = actions(session, opportunity.id)
        assert set(left) == {f"debrief:interview={interview.id}", "reply_to_rejection"}
        assert left["reply_to_rejection"].due_at == at(2026, 11, 30, 14)
        assert left["reply_to_rejection"].recipient == "Rita Roe <rita@northwind.example>"
        # Once answered, nothing more is planned and nothing is re-read.
        left["reply_to_rejection"].state = ActionState.DONE
        session.flush()
        assert replan(session, [opportunity.id], at(2026, 12, 1, 9)) == set()


def test_an_offer_withdraws_the_follow_ups(db: Database) -> None:
    with northwind(db) as (session, opportunity, interview):
        offer = stage(session, StageKind.OFFER)
        opportunity.stage_id = offer.id
        session.add(
            StageChange(
                opportunity_id=opportunity.id, to_stage_id=offer.id, changed_at=at(2026, 11, 26, 10)
            )
        )
        replan(session, [opportunity.id], at(2026, 11, 26, 11))
        left = actions(session, opportunity.id)
        assert "review_offer" in left
        assert FU1.format(interview.id) not in left
        assert f"still_interested:interview={interview.id}" not in left


def test_archiving_withdraws_everything_open(db: Database) -> None:
    with northwind(db) as (session, opportunity, interview):
        actions(session, opportunity.id)[
            f"debrief:interview={interview.id}"
        ].state = ActionState.DONE
        opportunity.archived = True
        replan(session, [opportunity.id], NOW)
        assert set(actions(session, opportunity.id)) == {f"debrief:interview={interview.id}"}


def test_a_reply_restarts_the_cadence_in_the_database(db: Database) -> None:
    with northwind(db) as (session, opportunity, interview):
        reply = Correspondence(
            opportunity_id=opportunity.id,
            direction=Direction.RECEIVED,
            occurred_at=at(2026, 11, 27, 10),
        )
        session.add(reply)
        session.flush()
        replan(session, [opportunity.id], at(2026, 11, 27, 11))
        left = actions(session, opportunity.id)
        assert FU1.format(interview.id) not in left
        assert left[f"status_follow_up:after=r{reply.id}:n=1"].due_at == at(2026, 12, 4, 10)


def test_the_next_step_appears_when_the_last_is_done(db: Database) -> None:
    with northwind(db) as (session, opportunity, interview):
        first = actions(session, opportunity.id)[FU1.format(interview.id)]
        first.state = ActionState.DONE
        first.completed_at = at(2026, 12, 9, 10)
        session.flush()
        replan(session, [opportunity.id], at(2026, 12, 9, 11))
        second = actions(session, opportunity.id)[f"status_follow_up:after=i{interview.id}:n=2"]
        assert second.due_at == at(2026, 12, 16, 10)
        # Reopening the first withdraws the second again.
        first.state = ActionState.OPEN
        first.completed_at = None
        session.flush()
        replan(session, [opportunity.id], at(2026, 12, 9, 12))
        assert f"status_follow_up:after=i{interview.id}:n=2" not in actions(session, opportunity.id)


def test_orm_objects_in_the_session_see_the_new_plan(db: Database) -> None:
    with northwind(db) as (session, opportunity, interview):
        loaded = actions(session, opportunity.id)[FU1.format(interview.id)]
        interview.decision_timeline_days = 3
        replan(session, [opportunity.id], NOW)
        assert loaded.due_at == at(2026, 11, 30, 11)


# -- settings from the database ------------------------------------------------------------


def test_global_settings_and_overrides_come_from_the_database(db: Database) -> None:
    with northwind(db) as (session, opportunity, interview):
        setting = session.get(Setting, "playbook")
        assert setting is not None
        setting.value = {"timezone": "Europe/Berlin", "double_timeline": False}
        session.flush()
        replan_all(session, NOW)
        assert actions(session, opportunity.id)[FU1.format(interview.id)].due_at == at(
            2026, 12, 1, 11
        )
        opportunity.playbook_overrides = {"double_timeline": True, "closing_after_days": 10}
        session.flush()
        replan(session, [opportunity.id], NOW)
        assert actions(session, opportunity.id)[FU1.format(interview.id)].due_at == at(
            2026, 12, 8, 11
        )


def test_bad_settings_or_facts_are_refused_and_nothing_is_written(db: Database) -> None:
    with northwind(db) as (session, opportunity, interview):
        count = session.scalar(select(func.count()).select_from(Action))
        opportunity.playbook_overrides = {"timezone": "Europe/Paris"}
        session.flush()
        with pytest.raises(ValidationError, match=r"Northwind .* whole search"):
            replan(session, [opportunity.id], NOW)
        opportunity.playbook_overrides = {}
        interview.decision_timeline_days = 0
        session.flush()
        with pytest.raises(ValidationError, match="timeline of 0 days"):
            replan_all(session, NOW)
        assert session.scalar(select(func.count()).select_from(Action)) == count


# -- the whole search ----------------------------------------------------------------------


def test_one_keep_options_open_nudge_for_the_whole_search(db: Database) -> None:
    with db.session() as session:
        ids = []
        for number in range(2):
            opportunity = add_opportunity(session, f"Company {number}")
            add_interview(session, opportunity, starts=at(2026, 11, 20 + number, 10))
            ids.append(opportunity.id)
        for opportunity_id in ids:
            replan(session, [opportunity_id], NOW)
        replan_all(session, NOW)
        nudges = list(session.scalars(select(Action).where(Action.opportunity_id.is_(None))))
        assert len(nudges) == 1
        assert nudges[0].kind == "keep_options_open"
        assert "Company 1" in nudges[0].reason  # the most recent interview
        assert "only 2 active opportunities" in nudges[0].reason
        # A third opportunity, added today: the nudge is withdrawn.
        add_opportunity(session, "Company 2", created=at(2026, 11, 24, 9))
        report = replan_report(session, [], NOW)
        assert report.search_wide_changed
        assert (
            session.scalar(
                select(func.count()).select_from(Action).where(Action.opportunity_id.is_(None))
            )
            == 0
        )


def test_a_done_nudge_is_not_repeated_until_the_situation_changes(db: Database) -> None:
    with db.session() as session:
        opportunity = add_opportunity(session)
        add_interview(session, opportunity)
        replan(session, [opportunity.id], NOW)
        nudge = session.scalars(select(Action).where(Action.opportunity_id.is_(None))).one()
        nudge.state = ActionState.DONE
        session.flush()
        replan_all(session, at(2026, 11, 26, 9))
        assert (
            session.scalar(
                select(func.count())
                .select_from(Action)
                .where(Action.state == ActionState.OPEN, Action.opportunity_id.is_(None))
            )
            == 0
        )
        add_interview(session, opportunity, starts=at(2026, 12, 3, 10))
        replan_all(session, at(2026, 12, 3, 12))
        fresh = session.scalars(
            select(Action).where(Action.opportunity_id.is_(None), Action.state == ActionState.OPEN)
        ).one()
        assert fresh.plan_key != nudge.plan_key


def test_many_ids_are_read_in_slices(db: Database) -> None:
    with db.session() as session:
        opportunity = add_opportunity(session)
        add_interview(session, opportunity)
        missing = list(range(10_000, 11_200))  # ids that do not exist, beyond one slice
        assert replan(session, [*missing, opportunity.id], NOW) == {opportunity.id}
        assert FU1.format(opportunity.interviews[0].id) in actions(session, opportunity.id)


def test_a_duplicated_nudge_is_cleaned_up(db: Database) -> None:
    with db.session() as session:
        opportunity = add_opportunity(session)
        add_interview(session, opportunity)
        replan(session, [opportunity.id], NOW)
        nudge = session.scalars(select(Action).where(Action.opportunity_id.is_(None))).one()
        # Another process planned the same nudge at the same moment.
        session.add(
            Action(
                opportunity_id=None,
                kind=nudge.kind,
                plan_key=nudge.plan_key,
                due_at=nudge.due_at,
                reason=nudge.reason,
                created_at=NOW,
            )
        )
        session.flush()
        report = replan_report(session, [], NOW)
        assert report.withdrawn == 1
        assert session.scalars(select(Action).where(Action.opportunity_id.is_(None))).one()


def test_holding_an_offer_keeps_the_nudge_until_the_first_day(db: Database) -> None:
    with db.session() as session:
        opportunity = add_opportunity(session, "Globex", kind=StageKind.OFFER)
        replan(session, [opportunity.id], NOW)
        nudge = session.scalars(select(Action).where(Action.opportunity_id.is_(None))).one()
        assert "You hold an offer from Globex" in nudge.reason
        accepted = stage(session, StageKind.ACCEPTED)
        opportunity.stage_id = accepted.id
        opportunity.start_date = date(2027, 1, 4)
        session.add(
            StageChange(
                opportunity_id=opportunity.id,
                to_stage_id=accepted.id,
                changed_at=at(2026, 11, 25, 10),
            )
        )
        replan(session, [opportunity.id], at(2026, 11, 25, 11))
        nudge = session.scalars(select(Action).where(Action.opportunity_id.is_(None))).one()
        assert "accepted Globex's offer but start only on Mon, Jan 4, 2027" in nudge.reason
        # From the first day on, the search may rest.
        replan(session, [opportunity.id], at(2027, 1, 4, 9))
        assert session.scalars(select(Action).where(Action.opportunity_id.is_(None))).all() == []


def test_reading_only_what_planning_needs_plans_the_same(db: Database) -> None:
    with db.session() as session:
        dana = add_contact(session, "Dana Levi", "dana@northwind.example")
        for kind in (
            StageKind.ACTIVE,
            StageKind.FINAL,
            StageKind.OFFER,
            StageKind.REJECTED,
            StageKind.CLOSED,
        ):
            opportunity = add_opportunity(session, f"{kind} Ltd")
            add_interview(session, opportunity, panel=(dana,))
            if kind is not StageKind.ACTIVE:
                target = stage(session, kind)
                session.add(
                    StageChange(
                        opportunity_id=opportunity.id,
                        to_stage_id=target.id,
                        changed_at=at(2026, 11, 26, 10),
                    )
                )
                session.add(
                    StageChange(
                        opportunity_id=opportunity.id,
                        to_stage_id=target.id,
                        changed_at=at(2026, 11, 27, 10),
                    )
                )
                opportunity.stage_id = target.id
        add_opportunity(session, "Applied only")  # no interview: nothing to plan
        session.flush()
        settings = load_settings(session)
        everything = load_facts(session)
        needed = load_facts(session, plannable_only=True)
        assert len(needed) == 4
        assert set(needed) < set(everything)
        for ident, facts in needed.items():
            assert plan(facts, settings, NOW) == plan(everything[ident], settings, NOW)
