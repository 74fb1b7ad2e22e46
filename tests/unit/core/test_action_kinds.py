"""Every action kind, declared once, walked through its label, template, symbol and opening.

The registry in ``core.action_kinds`` is the only table of kinds; these tests read each
kind back from a real database through the agenda, the composer's draft and the calendar,
so a kind added to :class:`ActionKind` without its entry (or with an entry the faces do
not honour) fails here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from followup_desktop.core.action_kinds import (
    ACTION_KINDS,
    COMPOSER_KINDS,
    FOLLOW_UP_KINDS,
    MESSAGE_KINDS,
    ActionKind,
    Opening,
    Symbol,
    kind_info,
    kind_label,
    legend,
)
from followup_desktop.core.agenda import agenda
from followup_desktop.core.calendar_query import EntryKind, load_range, symbol_of
from followup_desktop.core.db import Database
from followup_desktop.core.messages import draft_for_action
from followup_desktop.core.messages.templates import TEMPLATES
from followup_desktop.core.models import Action
from followup_desktop.core.playbook import engine
from followup_desktop.core.services import FollowupService

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
TEMPLATE_KEYS = {info.key for info in TEMPLATES}


@pytest.fixture
def service(database: Database) -> FollowupService:
    return FollowupService(database, clock=lambda: NOW)


def test_every_kind_is_declared_once_with_everything_the_faces_need() -> None:
    assert list(ACTION_KINDS) == list(ActionKind)
    labels = [info.label for info in ACTION_KINDS.values()]
    assert len(set(labels)) == len(labels)
    for kind, info in ACTION_KINDS.items():
        assert info.kind is kind
        assert info.label and info.label[0].isupper() and not info.label.endswith(".")
        assert isinstance(info.symbol, Symbol) and info.symbol.glyph
        assert isinstance(info.opening, Opening)
        # The composer opens exactly the kinds that have a template it can draft from.
        assert (info.opening is Opening.COMPOSER) == (info.template is not None), kind
        assert info.template is None or info.template in TEMPLATE_KEYS, kind
        if info.is_message:
            assert info.symbol is Symbol.MESSAGE and info.opening is Opening.COMPOSER, kind


def test_a_value_add_is_a_message_wherever_it_is_shown() -> None:
    # It used to open the composer but be painted as a to-do on the calendar.
    info = ACTION_KINDS[ActionKind.VALUE_ADD]
    assert info.opening is Opening.COMPOSER
    assert info.symbol is Symbol.MESSAGE
    assert ActionKind.VALUE_ADD in MESSAGE_KINDS
    assert ActionKind.NEW_EVIDENCE_NOTE in MESSAGE_KINDS
    # A call gets a script in the composer, but is no message sent.
    assert ACTION_KINDS[ActionKind.PHONE_CALL].symbol is Symbol.CALL
    assert ActionKind.PHONE_CALL in COMPOSER_KINDS
    assert ActionKind.PHONE_CALL not in MESSAGE_KINDS
    assert FOLLOW_UP_KINDS == ("still_interested", "status_follow_up", "phone_call")


def test_the_planner_names_its_kinds_from_the_registry() -> None:
    assert engine.ActionKind is ActionKind


def test_an_own_kind_is_a_to_do_named_after_its_text() -> None:
    own = ActionKind.of("call_recruiter")
    assert isinstance(own, ActionKind)
    assert own == "call_recruiter" and own.value == "call_recruiter"
    assert not own.is_declared and ActionKind.THANK_YOU.is_declared
    assert own not in list(ActionKind)
    assert ActionKind.of("call_recruiter") is own  # one object per own kind
    assert ActionKind.of("thank_you") is ActionKind.THANK_YOU
    with pytest.raises(ValueError, match="call_recruiter"):
        ActionKind("call_recruiter")  # the enum itself stays strict, for code
    info = kind_info("call_recruiter")
    assert (info.label, info.template, info.symbol, info.opening) == (
        "Call recruiter",
        None,
        Symbol.TASK,
        Opening.EDITOR,
    )
    # A kind an earlier version stored for a value-add note is read as one.
    assert kind_info("share_article") is ACTION_KINDS[ActionKind.VALUE_ADD]
    assert "share_article" in COMPOSER_KINDS


def test_the_legend_names_every_symbol_once() -> None:
    text = legend()
    for symbol in Symbol:
        assert text.count(symbol.glyph) == 1
        assert symbol.words in text
    assert text.index(Symbol.INTERVIEW.glyph) < text.index(Symbol.DECISION.glyph)


def _one_action_of_each_kind(service: FollowupService) -> dict[int, ActionKind]:
    opportunity = service.create_opportunity("Acme", "Analyst").created_id
    assert opportunity is not None
    created = {}
    for offset, kind in enumerate(ActionKind):
        due = NOW + timedelta(hours=1, minutes=offset)
        action = service.add_action(kind, due, opportunity_id=opportunity).created_id
        assert action is not None
        created[action] = kind
    return created


def test_every_kind_reads_back_typed_with_its_label_and_symbol(service: FollowupService) -> None:
    created = _one_action_of_each_kind(service)
    with service.db.session() as session:
        for action_id, kind in created.items():
            stored = session.get(Action, action_id)
            assert stored is not None
            assert stored.kind is kind  # the column gives the member back, not text
        listed = {item.action_id: item for item in agenda(session, NOW, UTC)}
        shown = load_range(session, date(2026, 11, 23), 1, NOW, UTC)
    for action_id, kind in created.items():
        assert listed[action_id].kind is kind
        assert listed[action_id].label == ACTION_KINDS[kind].label == kind_label(kind)
        assert listed[action_id].as_json()["kind"] == kind.value
    entries = {e.action_id: e for e in shown.entries if e.kind is EntryKind.ACTION}
    for action_id, kind in created.items():
        assert entries[action_id].action_kind is kind
        assert symbol_of(entries[action_id]) is ACTION_KINDS[kind].symbol
        assert entries[action_id].title == f"{ACTION_KINDS[kind].label} · Acme"


@pytest.mark.parametrize("kind", [kind for kind in ActionKind if kind in COMPOSER_KINDS])
def test_every_composer_kind_drafts_from_its_template(
    service: FollowupService, kind: ActionKind
) -> None:
    opportunity = service.create_opportunity("Acme", "Analyst").created_id
    action = service.add_action(kind, NOW, opportunity_id=opportunity).created_id
    assert action is not None
    draft = draft_for_action(service, action)
    template = ACTION_KINDS[kind].template
    # A thank-you with nobody to name goes through the organizer: its sibling template.
    assert draft.template_key in {template, f"{template}_organizer"}
    assert draft.is_email is not (kind is ActionKind.PHONE_CALL)


def test_a_kind_without_a_template_starts_an_empty_draft(service: FollowupService) -> None:
    action = service.add_action(ActionKind.REVIEW_OFFER, NOW).created_id
    assert action is not None
    draft = draft_for_action(service, action)
    assert draft.template_key is None
    assert draft.body == ""


def test_labels_and_person_phrases_speak_the_person_s_language() -> None:
    """Declared kinds are translated when shown; a kind of the person's own keeps its words."""
    from followup_desktop.core import i18n
    from followup_desktop.core.action_kinds import ACTION_KINDS, action_title, kind_label, legend

    try:
        i18n.set_language("de")
        assert action_title("thank_you", "Dana Kim") == "Dankesnachricht an Dana Kim senden"
        assert action_title("review_offer", "Dana Kim") == "Angebot prüfen (Dana Kim)"
        assert kind_label("call_recruiter") == "Call recruiter"
        assert "Nachbereitung" in legend()
        german = {kind: kind_label(kind) for kind in ACTION_KINDS}
        i18n.set_language("fr")
        assert action_title("status_follow_up", "{person}") == (
            "Demander à {person} où en est votre candidature"
        )
        french = {kind: kind_label(kind) for kind in ACTION_KINDS}
        i18n.set_language("en")
        english = {kind: kind_label(kind) for kind in ACTION_KINDS}
        for kind in ACTION_KINDS:
            assert german[kind] != english[kind], kind
            assert french[kind] != english[kind], kind
    finally:
        i18n.set_language("en")
