"""Range queries of the calendar: only the visible days, capped per day, DST-safe."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from followup_desktop.core.action_kinds import Symbol
from followup_desktop.core.calendar_query import (
    DecisionIndex,
    EntryKind,
    load_decisions,
    load_range,
    symbol_of,
)
from followup_desktop.core.db import Database
from followup_desktop.core.services import FollowupService, InterviewFields

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def service(database: Database) -> FollowupService:
    return FollowupService(database, clock=lambda: NOW)


def interview_at(
    service: FollowupService, opportunity: int, start: datetime, **fields: object
) -> int:
    created = service.record_interview(
        opportunity,
        start,
        start + timedelta(hours=1),
        "Europe/Berlin",
        InterviewFields.from_mapping(fields),
    ).created_id
    assert created is not None
    return created


def test_range_holds_interviews_actions_and_decisions_of_its_days_only(
    service: FollowupService,
) -> None:
    acme = service.create_opportunity("Acme", "Analyst").created_id
    assert acme is not None
    inside = interview_at(
        service, acme, datetime(2026, 11, 20, 10, tzinfo=BERLIN), decision_timeline_days=7
    )
    outside = interview_at(service, acme, datetime(2026, 10, 1, 10, tzinfo=BERLIN))
    overdue = service.add_action("call_recruiter", NOW - timedelta(days=1), opportunity_id=acme)
    with service.db.session() as session:
        decisions = DecisionIndex(load_decisions(session, BERLIN))
        shown = load_range(session, date(2026, 11, 16), 14, NOW, BERLIN, decisions=decisions)
    keys = {entry.key for entry in shown.entries}
    assert f"interview:{inside}" in keys
    assert f"interview:{outside}" not in keys
    decision = next(e for e in shown.entries if e.kind is EntryKind.DECISION)
    assert decision.day == date(2026, 11, 27)
    assert decision.interview_id == inside
    action = next(e for e in shown.entries if e.action_id == overdue.created_id)
    assert action.overdue
    assert action.day == date(2026, 11, 22)
    assert symbol_of(action) is Symbol.TASK
    assert shown.totals[date(2026, 11, 20)] >= 1
    assert all(date(2026, 11, 16) <= e.day < date(2026, 11, 30) for e in shown.entries)


def test_days_follow_the_local_clock_across_a_dst_change(service: FollowupService) -> None:
    acme = service.create_opportunity("Acme", "Analyst").created_id
    assert acme is not None
    # 00:30 local on the Sunday the clocks go back: 22:30 UTC the evening before.
    late = interview_at(service, acme, datetime(2026, 10, 25, 0, 30, tzinfo=BERLIN))
    with service.db.session() as session:
        shown = load_range(session, date(2026, 10, 25), 1, NOW, BERLIN)
        before = load_range(session, date(2026, 10, 24), 1, NOW, BERLIN)
    assert [e.interview_id for e in shown.entries if e.kind is EntryKind.INTERVIEW] == [late]
    assert [e for e in before.entries if e.kind is EntryKind.INTERVIEW] == []


def test_per_day_cap_keeps_the_total(service: FollowupService) -> None:
    acme = service.create_opportunity("Acme", "Analyst").created_id
    assert acme is not None
    for hour in range(8, 16):
        service.add_action(
            f"task_{hour}", datetime(2026, 12, 2, hour, tzinfo=BERLIN), opportunity_id=acme
        )
    with service.db.session() as session:
        shown = load_range(session, date(2026, 12, 2), 1, NOW, BERLIN, per_day=3)
    day = date(2026, 12, 2)
    mine = [e for e in shown.on(day) if (e.action_kind or "").startswith("task_")]
    assert [e.starts_at.astimezone(BERLIN).hour for e in mine] == [8, 9, 10]
    assert shown.hidden(day) >= 5


def test_decision_index_patches_one_opportunity(service: FollowupService) -> None:
    acme = service.create_opportunity("Acme", "Analyst").created_id
    assert acme is not None
    interview = interview_at(
        service, acme, datetime(2026, 11, 20, 10, tzinfo=BERLIN), decision_date=date(2026, 12, 1)
    )
    with service.db.session() as session:
        index = DecisionIndex(load_decisions(session, BERLIN))
    assert [e.day for e in index.between(date(2026, 12, 1), date(2026, 12, 1))] == [
        date(2026, 12, 1)
    ]
    service.update_interview(interview, InterviewFields(decision_date=date(2026, 12, 3)))
    with service.db.session() as session:
        index.update([acme], load_decisions(session, BERLIN, [acme]))
    assert index.between(date(2026, 12, 1), date(2026, 12, 2)) == []
    assert len(index.between(date(2026, 12, 3), date(2026, 12, 3))) == 1


def test_queries_use_the_time_indexes(service: FollowupService) -> None:
    statements: list[str] = []
    acme = service.create_opportunity("Acme", "Analyst").created_id
    assert acme is not None
    interview_at(service, acme, datetime(2026, 11, 20, 10, tzinfo=BERLIN))
    with service.db.session() as session:
        connection = session.connection().connection.driver_connection
        assert connection is not None
        from followup_desktop.core import calendar_query

        for sql, params in (
            (calendar_query._INTERVIEWS_SQL, ("a", "b", 5)),
            (calendar_query._OPEN_ACTIONS_SQL, ("a", "b", 5)),
            (calendar_query._OPEN_COUNT_SQL, ("a", "b")),
            (calendar_query._INTERVIEW_COUNT_SQL, ("a", "b")),
        ):
            plan = " ".join(
                str(row[3]) for row in connection.execute("EXPLAIN QUERY PLAN " + sql, params)
            )
            statements.append(plan)
    assert "ix_interviews_starts_at" in statements[0]
    assert "ix_actions_state_due_at" in statements[1]
    assert "COVERING INDEX ix_actions_state_due_at" in statements[2]
    assert "COVERING INDEX ix_interviews_starts_at" in statements[3]
