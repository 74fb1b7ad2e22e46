"""Drafts never greet nobody, optional paragraphs switch cleanly, and the debrief's fields agree."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Text

from followup_desktop.core.db import Database
from followup_desktop.core.messages import (
    FIELDS,
    TEMPLATE_OPTIONS,
    TEMPLATES,
    TemplateStore,
    carry_over,
    draft_for_action,
    render_source,
)
from followup_desktop.core.messages.context import sample_context
from followup_desktop.core.messages.placeholders import (
    prompt_for_missing_name,
    unfilled_placeholders,
)
from followup_desktop.core.messages.templates import default_source, options_context
from followup_desktop.core.models import DEBRIEF_TEXT_FIELDS, ContactRole, Debrief
from followup_desktop.core.services import (
    ContactFields,
    DebriefFields,
    FollowupService,
    PanelMember,
)

END = datetime(2026, 11, 17, 15, tzinfo=UTC)
NOW = END + timedelta(hours=3)
REPO = Path(__file__).resolve().parents[3]


def _nameless_context() -> dict[str, object]:
    context = sample_context()
    for person in ("recipient", "interviewer"):
        context[person] = dict.fromkeys(context[person], "")
    context["me"] = {"name": "", "email": ""}
    return context


@pytest.mark.parametrize("info", TEMPLATES, ids=lambda info: info.key)
def test_no_shipped_template_greets_or_signs_with_a_blank(info: object) -> None:
    key = info.key  # type: ignore[attr-defined]
    rendered = render_source(default_source(key), _nameless_context(), key)
    lines = [line.strip() for line in rendered.body.splitlines()]
    assert not any(line.rstrip(",").strip() in {"Dear", "Hello", "Call"} for line in lines)
    assert "Dear ," not in rendered.body and " ," not in rendered.body
    prompts = unfilled_placeholders(rendered.subject, rendered.body)
    assert "[your name]" in prompts
    if info.is_email:  # type: ignore[attr-defined]
        assert lines[0] == "Dear [their name],"
    else:
        assert "[who to call]" in prompts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dear ,\n\nThanks.", "Dear [their name],\n\nThanks."),
        ("Dear  ,", "Dear [their name],"),
        ("Dear\nThanks.", "Dear [their name],\nThanks."),
        ("Hello !\nok", "Hello [their name]!\nok"),
        ("  good morning,", "  good morning [their name],"),
        ("Dear Ana,\n", "Dear Ana,\n"),
        ("Hi there,", "Hi there,"),
        ("I said hello,\nDear team,", "I said hello,\nDear team,"),
    ],
)
def test_an_empty_greeting_becomes_a_prompt(text: str, expected: str) -> None:
    assert prompt_for_missing_name(text) == expected


def _opportunity(service: FollowupService, **debrief: Any) -> tuple[int, int]:
    opportunity = service.create_opportunity("Acme", "Data Analyst").created_id
    assert opportunity is not None
    interview = service.record_interview(
        opportunity, END - timedelta(hours=1), END, "Europe/Berlin"
    ).created_id
    assert interview is not None
    service.save_debrief(
        interview,
        DebriefFields.from_mapping(debrief),
        submit=True,
        panel=[PanelMember("Ana Silva", "Head of Data", "ana@acme.example")],
    )
    return opportunity, interview


def test_an_edited_template_without_a_fallback_still_gets_a_prompt(database: Database) -> None:
    service = FollowupService(database, clock=lambda: NOW)
    opportunity, _ = _opportunity(service)
    TemplateStore(service).save(
        "status_follow_up",
        "Subject: News?\nDear {{ recipient.first_name }},\n\nAny news on {{ role }}?\n",
    )
    action = service.add_action(
        "status_follow_up", NOW, opportunity_id=opportunity, recipient="jobs@acme.example"
    ).created_id
    assert action is not None
    draft = draft_for_action(service, action)
    assert draft.body.startswith("Dear [their name],")
    assert unfilled_placeholders(draft.subject, draft.body) == ["[their name]"]


def test_rejection_reply_asks_for_feedback_only_when_switched_on(database: Database) -> None:
    service = FollowupService(database, clock=lambda: NOW)
    opportunity, _ = _opportunity(service)
    service.add_contact(
        "Rita Moreno",
        ContactFields(email="rita@acme.example"),
        opportunity_id=opportunity,
        role=ContactRole.HR,
    )
    action = service.add_action("reply_to_rejection", NOW, opportunity_id=opportunity).created_id
    assert action is not None
    plain = draft_for_action(service, action)
    assert [option.name for option in plain.optional_parts] == ["ask_feedback"]
    assert plain.options["ask_feedback"] is False
    assert "feedback" not in plain.body
    asking = draft_for_action(service, action, {"ask_feedback": True})
    assert asking.options["ask_feedback"] is True
    assert "welcome any feedback on my interviews" in asking.body
    assert asking.body.startswith("Dear Rita,")
    # The switch adds that one paragraph and changes nothing else.
    assert carry_over(plain.body, plain.body, asking.body) == asking.body


def test_thank_you_offers_a_slot_for_something_left_unsaid(database: Database) -> None:
    service = FollowupService(database, clock=lambda: NOW)
    _opportunity_id, interview = _opportunity(service)
    from sqlalchemy import select

    from followup_desktop.core.models import Action

    with database.session() as session:
        action = session.scalars(
            select(Action.id).where(Action.interview_id == interview, Action.kind == "thank_you")
        ).first()
    assert action is not None
    plain = draft_for_action(service, action)
    assert [option.name for option in plain.optional_parts] == ["forgot_to_say"]
    assert "did not get to mention" not in plain.body
    with_slot = draft_for_action(service, action, {"forgot_to_say": True, "unknown": True})
    assert "unknown" not in with_slot.options
    prompts = unfilled_placeholders(with_slot.body)
    assert any("meant to say" in prompt for prompt in prompts)
    # Send refuses while the prompt is there; once written, the draft is complete.
    written = with_slot.body.replace(
        next(p for p in prompts if "meant to say" in p), "I also led the data-quality work"
    )
    assert not [p for p in unfilled_placeholders(written) if p != "[your name]"]


def test_follow_ups_mention_the_skills_worked_on_while_waiting(database: Database) -> None:
    service = FollowupService(database, clock=lambda: NOW)
    with_skills, _ = _opportunity(service, skills_to_build="forecasting with seasonal models")
    without, _ = _opportunity(service)
    for kind in ("status_follow_up", "still_interested"):
        drafts = []
        for opportunity in (with_skills, without):
            action = service.add_action(kind, NOW, opportunity_id=opportunity).created_id
            assert action is not None
            drafts.append(draft_for_action(service, action))
        skilled, plain = drafts
        assert "working on [in your own words, what you did about: forecasting" in skilled.body
        assert "working on" not in plain.body


# -- carrying a switched paragraph over to an edited draft ---------------------------------

BEFORE = "Dear Kim,\n\nThanks for the call.\n\nI hope we stay in touch.\n\nBest,\nSam\n"
AFTER = (
    "Dear Kim,\n\nThanks for the call.\n\nCould you tell me what I could improve?\n\n"
    "I hope we stay in touch.\n\nBest,\nSam\n"
)


def test_an_untouched_draft_simply_takes_the_new_text() -> None:
    assert carry_over(BEFORE, BEFORE, AFTER) == AFTER
    assert carry_over(AFTER, AFTER, BEFORE) == BEFORE


def test_the_paragraph_joins_an_edited_draft_and_the_edits_stay() -> None:
    edited = BEFORE.replace("Thanks for the call.", "Thank you so much for calling, Kim.")
    added = carry_over(edited, BEFORE, AFTER)
    assert added == (
        "Dear Kim,\n\nThank you so much for calling, Kim.\n\n"
        "Could you tell me what I could improve?\n\nI hope we stay in touch.\n\nBest,\nSam\n"
    )
    assert carry_over(added, AFTER, BEFORE) == edited


def test_a_paragraph_the_person_rewrote_is_not_removed_behind_their_back() -> None:
    rewritten = AFTER.replace("what I could improve", "how I came across")
    assert carry_over(rewritten, AFTER, BEFORE) is None


def test_no_anchor_left_means_no_change() -> None:
    assert carry_over("Something else entirely.", BEFORE, AFTER) is None


# -- one list of debrief fields --------------------------------------------------------------


def test_the_debrief_text_fields_are_declared_once_and_used_everywhere() -> None:
    from followup_desktop.core.debrief_draft import TEXT_FIELDS

    columns = [column.name for column in Debrief.__table__.columns if isinstance(column.type, Text)]
    assert list(DEBRIEF_TEXT_FIELDS) == columns
    assert set(sample_context()["debrief"]) == set(DEBRIEF_TEXT_FIELDS)
    assert set(DEBRIEF_TEXT_FIELDS) <= set(TEXT_FIELDS)
    listed = " ".join(name for name, _ in FIELDS)
    documented = (REPO / "docs" / "messages.md").read_text(encoding="utf-8")
    for name in DEBRIEF_TEXT_FIELDS:
        assert name in listed, name
        assert f"`{name}`" in documented, name


def test_every_option_is_known_to_every_template() -> None:
    names = {option.name for group in TEMPLATE_OPTIONS.values() for option in group}
    assert set(options_context()) == names
    assert set(sample_context()["options"]) == names
    for group in TEMPLATE_OPTIONS.values():
        for option in group:
            assert option.label and option.explanation


def test_the_export_schema_carries_every_debrief_text_field() -> None:
    import json

    schema = json.loads(
        (REPO / "src/followup_desktop/core/schema/followup-export-v1.schema.json").read_text(
            encoding="utf-8"
        )
    )
    debrief = schema["$defs"]["debrief"]
    assert set(DEBRIEF_TEXT_FIELDS) <= set(debrief["properties"])
    assert set(DEBRIEF_TEXT_FIELDS) <= set(debrief["required"])
