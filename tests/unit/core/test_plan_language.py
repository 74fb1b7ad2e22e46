"""The stored plan speaks the language of the process that last planned it.

Reasons are stored in words at plan time; a person who switches language must not keep
reading old steps in the old one. A re-plan through the service (the window's start-up
re-plan is ``service.replan([])``) rewrites every open step's reason when the language
differs from the one the plan remembers, and leaves done and dismissed steps alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from followup_desktop.core import i18n
from followup_desktop.core.db import Database
from followup_desktop.core.models import Action, ActionState, Setting
from followup_desktop.core.playbook import PLAN_LANGUAGE_KEY, plan_language
from followup_desktop.core.services import FollowupService

NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)


@pytest.fixture
def service(database: Database) -> FollowupService:
    return FollowupService(database, clock=lambda: NOW)


@pytest.fixture
def english_again() -> Iterator[None]:
    yield
    i18n.set_language("en")


def _planned(service: FollowupService) -> None:
    """An opportunity with an interview yesterday: a debrief, a thank-you, a follow-up."""
    opportunity = service.create_opportunity("Acme", "Analyst").created_id
    assert opportunity is not None
    service.record_interview(
        opportunity, NOW - timedelta(days=1, hours=2), NOW - timedelta(days=1, hours=1), "UTC"
    )


def _actions(service: FollowupService) -> list[tuple[int, str, ActionState, str]]:
    with service.db.session() as session:
        rows = session.execute(
            select(Action.id, Action.kind, Action.state, Action.reason).order_by(Action.id)
        ).all()
    return [(row.id, str(row.kind), row.state, row.reason) for row in rows]


def test_a_change_of_language_rewrites_the_open_reasons_and_keeps_the_settled(
    service: FollowupService, english_again: None
) -> None:
    _planned(service)
    before = _actions(service)
    assert len(before) >= 3
    done_id = before[0][0]
    service.complete_action(done_id)
    done_reason = before[0][3]
    with service.db.session() as session:
        assert plan_language(session) == "en"
        # English is what an absent setting means: nothing was written for it.
        assert session.get(Setting, PLAN_LANGUAGE_KEY) is None

    i18n.set_language("de")
    service.replan([])  # what the window runs on the worker at start-up

    after = _actions(service)
    assert Counter((kind, state) for _, kind, state, _ in after) == Counter(
        (kind, ActionState.DONE if ident == done_id else state) for ident, kind, state, _ in before
    )
    by_id = {ident: (state, reason) for ident, _, state, reason in after}
    assert by_id[done_id] == (ActionState.DONE, done_reason)  # what the person saw then
    open_reasons = [reason for ident, (state, reason) in by_id.items() if ident != done_id]
    assert open_reasons
    for reason in open_reasons:
        assert reason not in {r for _, _, _, r in before}, reason
    assert any("Gespräch" in reason for reason in open_reasons), open_reasons
    with service.db.session() as session:
        assert plan_language(session) == "de"

    # The same language again changes nothing: no second rewrite.
    assert service.replan([]).opportunity_ids == frozenset()
    assert _actions(service) == after


def test_a_re_plan_of_one_opportunity_rewrites_every_open_reason(
    service: FollowupService, english_again: None
) -> None:
    _planned(service)
    _planned(service)
    # The search-wide nudge comes and goes with the number of opportunities; the
    # opportunities' own steps stay.
    first_ids = {ident for ident, kind, *_ in _actions(service) if kind != "keep_options_open"}
    i18n.set_language("fr")
    # Any write re-plans only what it touched; a new language widens it to everything.
    created = service.create_opportunity("Globex", "Engineer").created_id
    assert created is not None
    after = _actions(service)
    assert {ident for ident, *_ in after} >= first_ids
    earlier = [reason for ident, _kind, _state, reason in after if ident in first_ids]
    for reason in earlier:
        assert "interview" not in reason, reason
    assert any("entretien" in reason for reason in earlier), earlier
    with service.db.session() as session:
        assert plan_language(session) == "fr"


def test_german_and_french_reasons_read_as_one_sentence_each() -> None:
    """Whole sentences, the person's days, and one full stop after an abbreviated date."""
    import test_playbook_engine as fixtures
    from followup_desktop.core.playbook import plan
    from followup_desktop.core.playbook.facts import DebriefFacts

    facts = fixtures.opportunity(
        referrer=fixtures.JO,
        interviews=(
            fixtures.interview(decision_timeline_days=7, debrief=DebriefFacts(False, "slides")),
        ),
    )
    english = plan(facts, fixtures.SETTINGS, fixtures.NOW)
    try:
        for language, word in (("de", "Gespräch"), ("fr", "entretien")):
            i18n.set_language(language)
            actions = plan(facts, fixtures.SETTINGS, fixtures.NOW)
            assert [a.plan_key for a in actions] == [a.plan_key for a in english]
            for action, before in zip(actions, english, strict=True):
                assert action.reason != before.reason
                assert action.reason.endswith(".") and not action.reason.endswith("..")
                assert "{" not in action.reason, action.reason
            # Most steps name the interview they follow (as the English ones do).
            assert sum(word in a.reason for a in actions) >= 4
        i18n.set_language("de")
        follow_up = next(
            a for a in plan(facts, fixtures.SETTINGS, fixtures.NOW) if a.kind == "status_follow_up"
        )
        assert follow_up.reason.endswith(
            "für zwei Wochen nach dem Gespräch angesetzt, am Di., 8. Dez."
        )
    finally:
        i18n.set_language("en")
