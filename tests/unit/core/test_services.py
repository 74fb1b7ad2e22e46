"""The service layer: validation with clear messages, nothing half-written, changes named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, select

from changes import created
from followup_desktop.core.board import load_settings_with_prefix
from followup_desktop.core.db import Database
from followup_desktop.core.errors import NotFoundError, ValidationError
from followup_desktop.core.models import (
    ActionState,
    Contact,
    ContactRole,
    Direction,
    Interview,
    Opportunity,
    Setting,
    Stage,
    StageChange,
)
from followup_desktop.core.services import (
    ContactFields,
    DebriefFields,
    FollowupService,
    InterviewFields,
    OpportunityFields,
    PanelMember,
    QuestionInput,
)

NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)


@pytest.fixture
def service(database: Database) -> FollowupService:
    return FollowupService(database, clock=lambda: NOW)


def count(db: Database, model: type) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_create_opportunity_records_first_stage(service: FollowupService) -> None:
    change = service.create_opportunity(
        "Acme", "Data analyst", OpportunityFields(link="https://acme.test/jobs/1")
    )
    assert change.created_id is not None
    assert change.entities == {"opportunity"}
    with service.db.session() as session:
        opportunity = session.get(Opportunity, change.created_id)
        assert opportunity is not None
        assert opportunity.stage.name == "Applied"
        history = session.scalars(select(StageChange)).all()
        assert [(h.from_stage_id, h.to_stage_id) for h in history] == [(None, opportunity.stage_id)]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"company": "  ", "role": "R"}, "company", "Company is required"),
        ({"company": "A", "role": ""}, "role", "Role is required"),
        ({"company": "A", "role": "R", "link": "acme.test"}, "link", "https://"),
        ({"company": "A", "role": "R", "salary_min": 9, "salary_max": 5}, "salary_min", "above"),
        ({"company": "A", "role": "R", "salary_min": -1}, "salary_min", "negative"),
        ({"company": "A", "role": "R", "colour": "red"}, "colour", "Unknown"),
    ],
)
def test_bad_opportunity_input_is_refused_and_nothing_written(
    service: FollowupService, fields: dict[str, object], field: str, message: str
) -> None:
    company = str(fields.pop("company"))
    role = str(fields.pop("role"))
    with pytest.raises(ValidationError, match=message) as caught:
        service.create_opportunity(company, role, OpportunityFields.from_mapping(fields))
    assert caught.value.field == field
    assert count(service.db, Opportunity) == 0
    assert count(service.db, StageChange) == 0


def test_emoji_right_to_left_and_large_notes_are_stored_exactly(service: FollowupService) -> None:
    notes = "🚀 שלום עולם — مرحبا\n" * 250_000  # ~5 MB
    change = service.create_opportunity(
        "Ünïcode GmbH 🦄", "מהנדסת נתונים", OpportunityFields(notes=notes)
    )
    with service.db.session() as session:
        opportunity = session.get(Opportunity, change.created_id)
        assert opportunity is not None
        assert opportunity.company == "Ünïcode GmbH 🦄"
        assert opportunity.role == "מהנדסת נתונים"
        assert opportunity.notes == notes.strip()


def test_move_records_history_for_each_card(service: FollowupService) -> None:
    first = service.create_opportunity("A", "R").created_id
    second = service.create_opportunity("B", "R").created_id
    assert first is not None and second is not None
    with service.db.session() as session:
        final = session.scalars(select(Stage).where(Stage.name == "Final round")).one().id
    change = service.move_opportunities([first, second], final, note="both invited")
    assert change.opportunity_ids == {first, second}
    with service.db.session() as session:
        moves = session.scalars(select(StageChange).where(StageChange.to_stage_id == final)).all()
        assert sorted(m.opportunity_id for m in moves) == [first, second]
        assert {m.note for m in moves} == {"both invited"}


def test_unknown_ids_give_not_found(service: FollowupService) -> None:
    with pytest.raises(NotFoundError, match="Opportunity 99 does not exist"):
        service.update_opportunity(99, OpportunityFields(company="X"))
    with pytest.raises(NotFoundError):
        service.move_opportunities([99], 1)


def test_a_bulk_move_reads_its_cards_at_once_and_is_all_or_nothing(
    service: FollowupService,
) -> None:
    ids = [
        created(service.create_opportunity(f"C{n}", "R", OpportunityFields(stage_id=1)))
        for n in range(40)
    ]
    with pytest.raises(NotFoundError, match="Opportunity 9999 does not exist"):
        service.move_opportunities([*ids[:3], 9999], 2)
    with service.db.session() as session:
        moved = select(func.count()).select_from(StageChange).where(StageChange.to_stage_id == 2)
        assert session.scalar(moved) == 0
    statements: list[str] = []

    def record(*arguments: object) -> None:
        statements.append(str(arguments[2]))

    event.listen(service.db.engine, "before_cursor_execute", record)
    try:
        service.move_opportunities([i for i in ids if i is not None], 2)
    finally:
        event.remove(service.db.engine, "before_cursor_execute", record)
    one_by_one = [s for s in statements if s.startswith("SELECT") and "opportunities.id = ?" in s]
    assert one_by_one == []  # the cards are read together, not one query each
    with service.db.session() as session:
        assert session.scalar(moved) == 40


def test_interview_validation(service: FollowupService) -> None:
    opportunity = service.create_opportunity("A", "R").created_id
    assert opportunity is not None
    start = NOW
    with pytest.raises(ValidationError, match="end after it starts"):
        service.record_interview(opportunity, start, start - timedelta(minutes=5))
    with pytest.raises(ValidationError, match="no time zone"):
        service.record_interview(opportunity, start.replace(tzinfo=None), start)
    with pytest.raises(ValidationError, match="not plausible"):
        service.record_interview(
            opportunity,
            start,
            start + timedelta(hours=1),
            fields=InterviewFields(decision_timeline_days=0),
        )
    with pytest.raises(ValidationError, match="not plausible"):
        service.record_interview(
            opportunity,
            start,
            start + timedelta(hours=1),
            fields=InterviewFields(decision_timeline_days=10_000),
        )
    with pytest.raises(ValidationError, match="not a known time zone"):
        service.record_interview(
            opportunity, start, start + timedelta(hours=1), timezone="Mars/Olympus"
        )
    assert count(service.db, Interview) == 0
    made = service.record_interview(
        opportunity,
        start,
        start + timedelta(hours=1),
        timezone="Europe/Berlin",
        fields=InterviewFields(decision_timeline_days=7),
    )
    assert made.created_id is not None


def test_submitted_debrief_saves_panel_and_questions(service: FollowupService) -> None:
    opportunity = service.create_opportunity("A", "R").created_id
    assert opportunity is not None
    interview = service.record_interview(opportunity, NOW, NOW + timedelta(hours=1)).created_id
    assert interview is not None
    with pytest.raises(ValidationError, match="needs a name"):
        service.save_debrief(interview, submit=True, panel=[PanelMember(name=" ")])
    with pytest.raises(ValidationError, match="not an email"):
        service.save_debrief(
            interview, submit=True, panel=[PanelMember(name="Kim", email="kim at acme")]
        )
    assert count(service.db, Contact) == 0
    service.save_debrief(
        interview,
        DebriefFields(went_well="Rapport with the team", preparedness=4),
        submit=True,
        questions=[QuestionInput("Tell me about a failure", better_answer="The migration story")],
        panel=[
            PanelMember(
                name="Kim Lee", title="CTO", email="kim@acme.test", mention="the data platform"
            ),
            PanelMember(name="Ola Nordmann", title="Team lead"),
        ],
    )
    with service.db.session() as session:
        saved = session.get(Interview, interview)
        assert saved is not None and saved.debrief is not None
        assert saved.debrief.status == "submitted"
        assert [p.contact.name for p in saved.participants] == ["Kim Lee", "Ola Nordmann"]
        assert saved.participants[0].mention == "the data platform"
        assert saved.debrief.questions[0].better_answer == "The migration story"
        roles = {link.role for link in saved.opportunity.contact_links}
        assert roles == {ContactRole.INTERVIEWER}


def test_action_states(service: FollowupService) -> None:
    made = service.add_action("call_recruiter", NOW + timedelta(days=1), reason="Mine")
    assert made.created_id is not None
    with pytest.raises(ValidationError, match="future"):
        service.snooze_action(made.created_id, NOW - timedelta(hours=1))
    service.snooze_action(made.created_id, NOW + timedelta(days=2))
    service.complete_action(made.created_id)
    from followup_desktop.core.models import Action

    with service.db.session() as session:
        action = session.get(Action, made.created_id)
        assert action is not None
        assert action.state is ActionState.DONE
        assert action.completed_at == NOW
        assert action.snoozed_until is None


def test_correspondence_requires_known_contact(service: FollowupService) -> None:
    opportunity = service.create_opportunity("A", "R").created_id
    assert opportunity is not None
    with pytest.raises(NotFoundError):
        service.log_correspondence(opportunity, Direction.RECEIVED, NOW, contact_id=42)
    service.log_correspondence(opportunity, Direction.RECEIVED, NOW, subject="Update")


def test_stages_are_data(service: FollowupService) -> None:
    added = service.add_stage("Take-home task").created_id
    assert added is not None
    with pytest.raises(ValidationError, match="exists already"):
        service.add_stage("Applied")
    service.rename_stage(added, "Assignment")
    ids = [stage.id for stage in service.stages()]
    service.reorder_stages([ids[-1], *ids[:-1]])
    assert service.stages()[0].name == "Assignment"
    service.set_stage_hidden(added, True)
    assert "Assignment" not in [stage.name for stage in service.stages(include_hidden=False)]
    with pytest.raises(ValidationError, match="exactly once"):
        service.reorder_stages(ids[:2])


def test_settings_with_a_prefix_are_read_exactly(service: FollowupService) -> None:
    service.set_setting("board_card_order.1", {"7": 1.0})
    service.set_setting("board_card_order.12", {"8": 2.0})
    # Keys no version declares, as an older file might hold: never set through the service.
    with service.db.session() as session:
        session.add(Setting(key="board_card_orders", value="not mine"))  # shares the prefix
        session.add(Setting(key="boardXcardXorder.1", value="not mine"))  # "_" is no wildcard
        session.add(Setting(key="board_card_order", value="not mine"))
    # What the board reads its card order with, at start-up.
    with service.db.session() as session:
        assert load_settings_with_prefix(session, "board_card_order.") == {
            "board_card_order.1": {"7": 1.0},
            "board_card_order.12": {"8": 2.0},
        }
        assert load_settings_with_prefix(session, "nothing.") == {}


def test_playbook_settings_are_validated_before_storing(service: FollowupService) -> None:
    with pytest.raises(ValidationError, match="Unknown playbook setting"):
        service.set_setting("playbook", {"thank_you_hours": 24, "colour": "red"})
    assert service.get_setting("playbook") is None
    opportunity = service.create_opportunity("A", "R").created_id
    assert opportunity is not None
    with pytest.raises(ValidationError, match="whole search"):
        service.update_opportunity(
            opportunity, OpportunityFields(playbook_overrides={"working_days": [0, 1]})
        )


# -- typed inputs, atomic composites ------------------------------------------------------


def _interview(service: FollowupService) -> tuple[int, int]:
    opportunity = service.create_opportunity("Acme", "Analyst").created_id
    assert opportunity is not None
    interview = service.record_interview(
        opportunity, NOW - timedelta(hours=2), NOW - timedelta(hours=1), "UTC"
    ).created_id
    assert interview is not None
    return opportunity, interview


def test_an_update_changes_only_the_fields_given(service: FollowupService) -> None:
    opportunity = service.create_opportunity(
        "Acme", "Analyst", OpportunityFields(location="Berlin", salary_min=50, notes="keep")
    ).created_id
    assert opportunity is not None
    service.update_opportunity(opportunity, OpportunityFields(location="", salary_max=60))
    with service.db.session() as session:
        stored = session.get(Opportunity, opportunity)
        assert stored is not None
        assert (stored.location, stored.salary_min, stored.salary_max) == ("", 50, 60)
        assert (stored.company, stored.notes) == ("Acme", "keep")
    with pytest.raises(ValidationError, match="Unknown opportunity field") as caught:
        OpportunityFields.from_mapping({"company": "A", "colour": "red"})
    assert caught.value.field == "colour"


def test_the_currency_rule_is_the_one_the_import_and_the_editor_use(
    service: FollowupService,
) -> None:
    from followup_desktop.core.fields import OPPORTUNITY_TEXT

    made = service.create_opportunity("A", "R", OpportunityFields(salary_currency=" eur "))
    with service.db.session() as session:
        stored = session.get(Opportunity, made.created_id)
        assert stored is not None and stored.salary_currency == "EUR"
    assert OPPORTUNITY_TEXT["salary_currency"].clean("us") == "US"
    with pytest.raises(ValidationError, match="too long") as caught:
        service.create_opportunity("A", "R", OpportunityFields(salary_currency="EURO"))
    assert caught.value.field == "salary_currency"


def test_submitting_a_debrief_writes_every_part_or_none(service: FollowupService) -> None:
    opportunity, interview = _interview(service)
    dana = service.add_contact("Dana Levi").created_id
    # The last part (the panel: Dana twice) is refused after the interview's fields, the
    # debrief's words and the questions were applied within the transaction.
    with pytest.raises(ValidationError, match="on the panel twice"):
        service.submit_debrief(
            interview,
            DebriefFields(went_well="Rapport"),
            interview=InterviewFields(next_steps="A second round", decision_timeline_days=5),
            questions=[QuestionInput("Why us?")],
            panel=[PanelMember("Dana Levi", contact_id=dana), PanelMember("Dana", contact_id=dana)],
        )
    with service.db.session() as session:
        stored = session.get(Interview, interview)
        assert stored is not None
        assert (stored.next_steps, stored.decision_timeline_days) == ("", None)
        assert stored.debrief is None and stored.participants == []
    change = service.submit_debrief(
        interview,
        DebriefFields(went_well="Rapport"),
        interview=InterviewFields(next_steps="A second round", decision_timeline_days=5),
        questions=[QuestionInput("Why us?")],
        panel=[PanelMember("Dana Levi", contact_id=dana)],
    )
    assert change.entities >= {"interview", "debrief"} and opportunity in change.opportunity_ids
    with service.db.session() as session:
        stored = session.get(Interview, interview)
        assert stored is not None and stored.debrief is not None
        assert stored.next_steps == "A second round"
        assert [question.question for question in stored.debrief.questions] == ["Why us?"]
        assert [person.contact_id for person in stored.participants] == [dana]


def test_a_panel_row_without_an_email_keeps_the_contacts_address(
    service: FollowupService,
) -> None:
    _opportunity, interview = _interview(service)
    dana = service.add_contact(
        "Dana Levi", ContactFields(email="dana@northwind.example", phone="+49 30 1111")
    ).created_id
    service.set_panel(interview, [PanelMember("Dana Levi", title="Head of Data", contact_id=dana)])
    with service.db.session() as session:
        stored = session.get(Contact, dana)
        assert stored is not None
        assert (stored.email, stored.title) == ("dana@northwind.example", "Head of Data")
    service.set_panel(
        interview, [PanelMember("Dana Levi", email="dl@new.example", contact_id=dana)]
    )
    with service.db.session() as session:
        stored = session.get(Contact, dana)
        assert stored is not None and stored.email == "dl@new.example"


def test_an_interview_does_not_move_when_its_replan_fails(
    service: FollowupService, monkeypatch: pytest.MonkeyPatch
) -> None:
    _opportunity, interview = _interview(service)
    later = NOW + timedelta(days=1)

    def broken_replan(*_args: object) -> set[int]:
        raise RuntimeError("the planner failed")

    # The fault is injected where the transaction re-plans, after the new times are set.
    monkeypatch.setattr("followup_desktop.core.services._base.replan", broken_replan)
    with pytest.raises(RuntimeError, match="the planner failed"):
        service.update_interview(
            interview, InterviewFields(starts_at=later, ends_at=later + timedelta(hours=1))
        )
    with service.db.session() as session:
        stored = session.get(Interview, interview)
        assert stored is not None
        assert stored.starts_at.replace(tzinfo=UTC) == NOW - timedelta(hours=2)


def test_cards_move_with_their_ranks_in_one_transaction(service: FollowupService) -> None:
    from followup_desktop.core.card_order import card_order_key

    acme = service.create_opportunity("Acme", "R", OpportunityFields(stage_id=1)).created_id
    beta = service.create_opportunity("Beta", "R", OpportunityFields(stage_id=1)).created_id
    assert acme is not None and beta is not None
    with pytest.raises(NotFoundError, match="Opportunity 9999"):
        service.move_cards({acme: 2, 9999: 2}, order_stage_id=2, ranks={acme: 0.0})
    assert service.get_setting(card_order_key(2)) is None
    with service.db.session() as session:
        assert session.scalar(select(Opportunity.stage_id).where(Opportunity.id == acme)) == 1
    change = service.move_cards({acme: 2, beta: 2}, order_stage_id=2, ranks={beta: 0, acme: 1})
    assert change.opportunity_ids == {acme, beta}
    assert change.entities >= {"opportunity", "stage_history", "settings"}
    assert service.get_setting(card_order_key(2)) == {str(beta): 0.0, str(acme): 1.0}
    # Undo sends each card back to its own stage, with the column's old order.
    service.move_cards({acme: 1, beta: 3}, order_stage_id=2, ranks={})
    with service.db.session() as session:
        stages = dict(session.execute(select(Opportunity.id, Opportunity.stage_id)).all())
    assert stages == {acme: 1, beta: 3}
    assert service.get_setting(card_order_key(2)) == {}
