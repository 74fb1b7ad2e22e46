"""A message saved as a file (dropped or pasted) is read like mail from the server.

No server: the message's bytes are what the window hands over. The database is a real
SQLite file; the story is the one of ``mailbox_scenario``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from followup_desktop.core.db import Database
from followup_desktop.core.errors import FollowupError
from followup_desktop.core.mailbox.check import LOCAL_STATE_KEY, MailboxChecker
from followup_desktop.core.models import Action, ActionState, Correspondence, Direction
from followup_desktop.core.services import FollowupService
from mailbox_scenario import ME, Story, build_search, message


@pytest.fixture
def service(database: Database) -> FollowupService:
    return FollowupService(database)


@pytest.fixture
def story(service: FollowupService) -> Story:
    return build_search(service, datetime.now(UTC))


def local_checker(service: FollowupService) -> MailboxChecker:
    # No incoming account: only files are read, and kept in a state of their own.
    return MailboxChecker(service, None, own_addresses=[ME])


def test_a_dropped_reply_is_proposed_with_its_outcome_and_day(
    service: FollowupService, story: Story
) -> None:
    when = story.interview_start + timedelta(days=1)
    raw = message(
        "Hélène Martin <helene.martin@acme-robotics.example>",
        ME,
        "Votre candidature",
        when,
        "<drop-1@acme-robotics.example>",
        text="Bonjour Alex,\n\nnous reviendrons vers vous d'ici vendredi.\n\nHélène\n",
    ).as_bytes()
    checker = local_checker(service)
    proposal = checker.propose_message(raw)

    assert (proposal.kind, proposal.contact_id, proposal.source) == ("reply", story.helene, "file")
    assert proposal.outcome == "wait"
    assert proposal.day_phrase == "d'ici vendredi"
    assert proposal.day is not None
    assert service.get_setting(LOCAL_STATE_KEY)["proposals"][0]["id"] == proposal.id
    # Dropped twice, it waits once.
    assert checker.propose_message(raw).id == proposal.id
    assert len(checker.proposals()) == 1
    # Nothing is logged before the person confirms.
    with service.db.session() as session:
        assert session.scalars(select(Correspondence)).all() == []

    checker.confirm(proposal.id, outcome="wait", on=datetime.fromisoformat(proposal.day))
    with service.db.session() as session:
        logged = session.scalars(select(Correspondence)).one()
        assert logged.direction is Direction.RECEIVED
        assert logged.check_back_on is not None
        assert logged.check_back_on.isoformat() == proposal.day
    with pytest.raises(FollowupError, match="logged already"):
        checker.propose_message(raw)


def test_a_dropped_thank_you_closes_that_persons_step(
    service: FollowupService, story: Story
) -> None:
    when = story.interview_start + timedelta(hours=3)
    raw = message(
        f"Alex Doe <{ME}>",
        "Dana Kowalski <dana.kowalski@acme-robotics.example>",
        "Thank you",
        when,
        "<drop-2@mail.example>",
        text="Dear Dana,\n\nthank you for today.\n\nAlex\n",
    ).as_bytes()
    checker = local_checker(service)
    proposal = checker.propose_message(raw)
    assert (proposal.kind, proposal.contact_id) == ("sent", story.dana)
    assert proposal.action_id is not None
    checker.confirm(proposal.id)
    with service.db.session() as session:
        action = session.get(Action, proposal.action_id)
        assert action is not None and action.state is ActionState.DONE


def test_a_dismissed_file_can_be_dropped_again(service: FollowupService, story: Story) -> None:
    raw = message(
        "Dana Kowalski <dana.kowalski@acme-robotics.example>",
        ME,
        "Quick question",
        story.interview_start + timedelta(days=1),
        "<drop-3@acme-robotics.example>",
        text="Hi Alex, one more thing.",
    ).as_bytes()
    checker = local_checker(service)
    checker.dismiss(checker.propose_message(raw).id)
    assert checker.proposals() == []
    # Dropping it is asking: it is proposed again.
    assert checker.propose_message(raw).subject == "Quick question"


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"just some words someone copied", "no From or To line"),
        (b"\x00\xff\xfe garbage", "no From or To line"),
        (b"From: dana.kowalski@acme-robotics.example\nTo: x@y.example\n\nHi", "no readable Date"),
        (
            message(
                "Sam <sam@friends.example>",
                ME,
                "Dinner?",
                datetime.now(UTC),
                "<f@friends.example>",
                text="Friday?",
            ).as_bytes(),
            "not from or to anyone of an open opportunity",
        ),
    ],
)
def test_a_file_that_cannot_be_placed_is_refused_in_words(
    service: FollowupService, story: Story, raw: bytes, words: str
) -> None:
    with pytest.raises(FollowupError, match=words):
        local_checker(service).propose_message(raw)
    assert service.get_setting(LOCAL_STATE_KEY) is None  # nothing half written


def test_without_an_account_checking_says_it_is_not_set_up(
    service: FollowupService, story: Story
) -> None:
    with pytest.raises(FollowupError, match="not set up"):
        local_checker(service).scan("password")


def test_a_message_dropped_on_a_card_is_proposed_for_it_from_an_unknown_address(
    service: FollowupService, story: Story
) -> None:
    raw = message(
        "Recruiting desk <talent@unknown-agency.example>",
        ME,
        "Your application",
        story.interview_start + timedelta(days=1),
        "<drop-card@unknown-agency.example>",
        text="Hello Alex,\n\nwe will get back to you by Friday.\n",
    ).as_bytes()
    checker = local_checker(service)
    # By addresses alone nobody knows this sender...
    with pytest.raises(FollowupError, match="not from or to anyone"):
        checker.propose_message(raw)
    # ...but dropped on the card, it is proposed for that opportunity.
    proposal = checker.propose_message(raw, opportunity_id=story.opportunity)
    assert (proposal.opportunity_id, proposal.kind, proposal.contact_id) == (
        story.opportunity,
        "reply",
        None,
    )
    assert proposal.day is not None  # "by Friday" is offered as the check-back day
    with service.db.session() as session:
        assert session.scalars(select(Correspondence)).all() == []  # not before confirming
    checker.confirm(proposal.id, outcome="wait", on=datetime.fromisoformat(proposal.day))
    with service.db.session() as session:
        logged = session.scalars(select(Correspondence)).one()
        assert logged.opportunity_id == story.opportunity
        assert logged.direction is Direction.RECEIVED


def test_a_message_dropped_on_an_unknown_opportunity_is_refused_in_words(
    service: FollowupService, story: Story
) -> None:
    raw = message(
        "Dana Kowalski <dana.kowalski@acme-robotics.example>",
        ME,
        "Hi",
        story.interview_start + timedelta(days=1),
        "<drop-gone@acme-robotics.example>",
        text="Hi Alex.",
    ).as_bytes()
    with pytest.raises(FollowupError, match="archived or closed"):
        local_checker(service).propose_message(raw, opportunity_id=story.opportunity + 999)
    assert service.get_setting(LOCAL_STATE_KEY) is None
