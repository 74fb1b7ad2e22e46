"""The board's snapshot query: one row per opportunity with its next action, interviews,
last contact and search text, computed set-wise."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from changes import created
from followup_desktop.core.board import (
    NOTES_SEARCH_CHARS,
    DueState,
    due_state,
    load_cards,
    load_search_texts,
    load_stages,
    opportunity_details,
    stage_of,
)
from followup_desktop.core.db import Database
from followup_desktop.core.errors import NotFoundError
from followup_desktop.core.models import Action, ActionState, ContactRole, Direction
from followup_desktop.core.services import (
    ContactFields,
    FollowupService,
    InterviewFields,
    OpportunityFields,
)

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def service(database: Database) -> FollowupService:
    return FollowupService(database, clock=lambda: NOW)


def test_a_card_carries_what_the_board_shows(service: FollowupService) -> None:
    acme = service.create_opportunity(
        "Acme", "Analyst", OpportunityFields(notes="Loves SQL")
    ).created_id
    assert acme is not None
    service.add_action("later", NOW + timedelta(days=2), opportunity_id=acme)
    # Earlier than anything the playbook plans from the interviews below.
    service.add_action("call", NOW - timedelta(days=10), opportunity_id=acme)
    service.record_interview(acme, NOW - timedelta(days=3), NOW - timedelta(days=3, hours=-1))
    service.record_interview(acme, NOW + timedelta(days=4), NOW + timedelta(days=4, hours=1))
    service.log_correspondence(acme, Direction.RECEIVED, NOW - timedelta(days=1))
    service.add_contact("Jane Roe", ContactFields(email="jane@example.org"), opportunity_id=acme)
    quiet = created(service.create_opportunity("Quiet", "Clerk"))

    with service.db.session() as session:
        cards = {card.opportunity_id: card for card in load_cards(session, NOW)}

    card = cards[acme]
    assert (card.company, card.role) == ("Acme", "Analyst")
    assert card.next_action_kind == "call"
    assert card.next_action_due == NOW - timedelta(days=10)
    with service.db.session() as session:
        open_count = session.scalar(
            select(func.count())
            .select_from(Action)
            .where(Action.opportunity_id == acme)
            .where(Action.state.in_([ActionState.OPEN, ActionState.SNOOZED]))
        )
    assert open_count is not None
    assert card.open_actions == open_count >= 2
    assert card.next_interview_at == NOW + timedelta(days=4)
    assert card.last_interview_at == NOW - timedelta(days=3)
    assert card.last_contact_at == NOW - timedelta(days=1)
    with service.db.session() as session:
        texts = load_search_texts(session)
    assert set(texts) == {acme, quiet}
    assert "jane roe" in texts[acme]
    assert "jane@example.org" in texts[acme]
    assert "loves sql" in texts[acme]
    assert texts[acme].startswith("acme analyst")
    assert "jane" not in texts[quiet]
    empty = cards[quiet]
    assert empty.next_action_kind is None
    assert empty.next_action_due is None
    assert empty.open_actions == 0
    assert empty.last_contact_at is None


def test_done_actions_do_not_count_and_snoozes_postpone(service: FollowupService) -> None:
    acme = service.create_opportunity("Acme", "Analyst").created_id
    assert acme is not None
    done = service.add_action("old", NOW - timedelta(days=1), opportunity_id=acme).created_id
    assert done is not None
    service.complete_action(done)
    snoozed = service.add_action("snoozed", NOW - timedelta(hours=1), opportunity_id=acme)
    assert snoozed.created_id is not None
    service.snooze_action(snoozed.created_id, NOW + timedelta(days=3))
    with service.db.session() as session:
        [card] = load_cards(session, NOW, [acme])
    assert card.next_action_kind == "snoozed"
    assert card.next_action_due == NOW + timedelta(days=3)
    assert card.open_actions == 1


def test_only_the_asked_cards_are_loaded_in_one_statement(service: FollowupService) -> None:
    ids = [created(service.create_opportunity(f"Company {n}", "Role")) for n in range(30)]
    statements: list[str] = []
    with service.db.session() as session:
        driver = session.connection().connection.driver_connection
        assert driver is not None
        # Counted at the SQLite driver: the board reads through its cursor directly.
        driver.set_trace_callback(statements.append)
        try:
            every = load_cards(session, NOW)
            some = load_cards(session, NOW, ids[:3])
            none = load_cards(session, NOW, [])
            some_texts = load_search_texts(session, ids[:3])
            no_texts = load_search_texts(session, [])
        finally:
            driver.set_trace_callback(None)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 3  # one per call with ids, none for an empty list: never N+1
    assert len(every) == 30
    assert [card.opportunity_id for card in some] == ids[:3]
    assert none == []
    assert sorted(some_texts) == ids[:3]
    assert no_texts == {}


def test_search_text_keeps_only_the_start_of_long_notes(service: FollowupService) -> None:
    notes = "early words " + "x" * NOTES_SEARCH_CHARS + " buried"
    acme = service.create_opportunity("Acme", "Analyst", OpportunityFields(notes=notes)).created_id
    assert acme is not None
    with service.db.session() as session:
        text = load_search_texts(session)[acme]
    assert "early words" in text
    assert "buried" not in text


def test_due_states_follow_the_local_day() -> None:
    # 09:00 UTC is 10:00 in Berlin; the local day ends at 23:00 UTC.
    assert due_state(None, NOW, BERLIN) is DueState.NONE
    assert due_state(NOW - timedelta(minutes=1), NOW, BERLIN) is DueState.OVERDUE
    assert due_state(NOW + timedelta(hours=13, minutes=59), NOW, BERLIN) is DueState.TODAY
    assert due_state(NOW + timedelta(hours=14), NOW, BERLIN) is DueState.LATER


def test_stages_and_details_for_the_editor(service: FollowupService) -> None:
    acme = service.create_opportunity(
        "Acme",
        "Analyst",
        OpportunityFields(link="https://acme.example/jobs/1", salary_min=50, salary_max=60),
    ).created_id
    assert acme is not None
    service.add_contact("Jane", opportunity_id=acme, role=ContactRole.RECRUITER)
    service.record_interview(
        acme, NOW, NOW + timedelta(hours=1), fields=InterviewFields(next_steps="call")
    )
    service.log_correspondence(acme, Direction.SENT, NOW, subject="Thanks")
    with service.db.session() as session:
        stages = load_stages(session)
        details = opportunity_details(session, acme)
        assert stage_of(session, [acme]) == {acme: details.stage_id}
        assert stage_of(session, []) == {}
        with pytest.raises(NotFoundError, match="does not exist"):
            opportunity_details(session, 999)
    assert [stage.position for stage in stages] == sorted(stage.position for stage in stages)
    assert details.link == "https://acme.example/jobs/1"
    assert (details.salary_min, details.salary_max) == (50, 60)
    assert [(c.name, c.role) for c in details.contacts] == [("Jane", "recruiter")]
    assert details.interviews[0].next_steps == "call"
    assert details.correspondence[0].subject == "Thanks"
    assert details.field_values()["company"] == "Acme"


def test_reading_some_cards_keeps_one_sql_text_whatever_the_cards(
    service: FollowupService, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The driver caches prepared statements by their text (128 per connection): ids
    # spelt out in the SQL made a new statement for every set of cards read after a
    # change, and memory grew with the hours the window stayed open.
    from followup_desktop.core import board

    ids = [created(service.create_opportunity(f"Company {n}", "Role")) for n in range(12)]
    texts: set[str] = set()
    real_cursor = board._cursor

    class Recording:
        def __init__(self, connection: sqlite3.Connection) -> None:
            self.connection = connection

        def execute(self, sql: str, *params: object) -> sqlite3.Cursor:
            texts.add(sql)
            return self.connection.execute(sql, *params)  # type: ignore[arg-type]

    monkeypatch.setattr(board, "_cursor", lambda session: Recording(real_cursor(session)))
    with service.db.session() as session:
        for chosen in (ids[:1], ids[2:5], ids[3:12], [ids[7], ids[0]]):
            cards = load_cards(session, NOW, chosen)
            assert sorted(card.opportunity_id for card in cards) == sorted(chosen)
            assert sorted(load_search_texts(session, chosen)) == sorted(chosen)
    assert len(texts) == 2  # the cards' query and the search text's, once each
