"""The mailbox check against a real IMAP server (a private Dovecot on loopback).

The story (see ``mailbox_scenario``): a thank-you sent from another mail program closes
that person's step after one confirmation; a reply restarts the cadence; what a reply
said (wait until a day, a next round, a rejection) feeds the plan only when confirmed;
mail from the domain of an opportunity's link is its company's; the mailbox is
byte-for-byte the same afterwards; and each fault gives a plain message.
"""

from __future__ import annotations

import imaplib
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from followup_desktop.core.db import Database
from followup_desktop.core.errors import ValidationError
from followup_desktop.core.localformat import long_date
from followup_desktop.core.mailbox import check as check_module
from followup_desktop.core.mailbox import imap as imap_module
from followup_desktop.core.mailbox.account import IncomingAccount, save_incoming
from followup_desktop.core.mailbox.check import MailboxChecker
from followup_desktop.core.mailbox.imap import ImapReader, MailboxError, MailboxErrorKind
from followup_desktop.core.mailbox.parse import read_headers
from followup_desktop.core.mailbox.watch import MailboxWatcher, WatchEvents
from followup_desktop.core.models import (
    Action,
    ActionState,
    ContactRole,
    Correspondence,
    Direction,
    Interview,
    Opportunity,
    StageKind,
)
from followup_desktop.core.services import ContactFields, FollowupService, OpportunityFields
from followup_desktop.core.timeutil import local_zone
from imap_support import PASSWORD, USER, Dovecot, mailbox_digest, running_dovecot
from mailbox_scenario import ME, Story, build_search, fill_mailbox, message


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Dovecot]:
    with running_dovecot(tmp_path / "dovecot") as running:
        yield running


@pytest.fixture
def service(database: Database) -> FollowupService:
    return FollowupService(database)


@pytest.fixture
def now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def story(service: FollowupService, server: Dovecot, now: datetime) -> Story:
    built = build_search(service, now)
    fill_mailbox(server, built, now)
    return built


def account_for(server: Dovecot, **changes: object) -> IncomingAccount:
    value: dict[str, object] = {
        "host": "127.0.0.1",
        "port": server.port,
        "security": "ssl",
        "username": USER,
        "same_password_as_sending": False,
        "ca_file": str(server.certs.ca_file),
    }
    value.update(changes)
    return IncomingAccount.from_json(value)


def checker_for(service: FollowupService, server: Dovecot, **changes: object) -> MailboxChecker:
    return MailboxChecker(service, account_for(server, **changes), own_addresses=[ME], timeout=10)


def thank_you_for(service: FollowupService, story: Story) -> Action:
    with service.db.session() as session:
        action = session.scalars(
            select(Action).where(
                Action.opportunity_id == story.opportunity,
                Action.kind == "thank_you",
                Action.contact_id == story.dana,
            )
        ).one()
        session.expunge(action)
        return action


def test_a_scan_proposes_the_sent_note_and_the_replies(
    service: FollowupService, server: Dovecot, story: Story
) -> None:
    checker = checker_for(service, server)
    result = checker.scan(PASSWORD)

    assert result.folders == ["Sent", "INBOX"]
    # The 90-day-old message is outside the search (SINCE); the rest are header-read.
    assert result.headers_read == 6
    # Only the four messages to or from the company are read in full.
    assert result.messages_read == 4, [(p.kind, p.subject) for p in result.new_proposals]
    by_subject = {p.subject: p for p in checker.proposals()}
    assert set(by_subject) == {
        "Thank you for today's conversation",
        "Acme Robotics : prochaine étape",
        "Ihre Bewerbung",
        "Re: Thank you for today's conversation",
    }
    thanks = by_subject["Thank you for today's conversation"]
    assert thanks.kind == "sent"
    assert thanks.contact_id == story.dana
    assert thanks.action_id == thank_you_for(service, story).id
    assert thanks.first_lines.startswith("Dear Dana,")
    assert "Viele Grüße" in thanks.body  # quoted-printable decoded

    invite = by_subject["Acme Robotics : prochaine étape"]
    assert invite.kind == "reply"
    assert invite.sender_name == "Hélène Martin"  # encoded word decoded
    assert invite.contact_id == story.helene  # address matched whatever its case
    assert invite.outcome == "next_round"
    assert invite.invitation is not None and "second-round-4711" in invite.invitation
    # HTML reduced to text: no tags, no script or style, entities decoded.
    assert "<" not in invite.body and "alert" not in invite.body and "color" not in invite.body
    assert "second entretien & une rencontre avec l'équipe." in invite.body

    refusal = by_subject["Ihre Bewerbung"]
    assert refusal.contact_id is None  # matched by the company's domain
    assert refusal.outcome == "rejection"
    assert refusal.attachments == ["a.pdf"]

    dana_reply = by_subject["Re: Thank you for today's conversation"]
    # "unfortunately" appears only in the quoted message, which does not count.
    assert dana_reply.outcome is None

    # Nothing is logged before the person confirms.
    with service.db.session() as session:
        assert session.scalars(select(Correspondence)).all() == []
    assert thank_you_for(service, story).state is ActionState.OPEN


def test_confirming_the_sent_note_closes_that_persons_thank_you(
    service: FollowupService, server: Dovecot, story: Story
) -> None:
    checker = checker_for(service, server)
    checker.scan(PASSWORD)
    thanks = next(p for p in checker.proposals() if p.kind == "sent")

    change = checker.confirm(thanks.id)

    assert story.opportunity in change.opportunity_ids
    assert thank_you_for(service, story).state is ActionState.DONE
    with service.db.session() as session:
        logged = session.scalars(select(Correspondence)).one()
        assert logged.direction is Direction.SENT
        assert logged.contact_id == story.dana
        assert logged.subject == "Thank you for today's conversation"
    assert thanks.id not in {p.id for p in checker.proposals()}


def test_confirming_a_reply_logs_it_and_can_add_its_invitation(
    service: FollowupService, server: Dovecot, story: Story
) -> None:
    checker = checker_for(service, server)
    checker.scan(PASSWORD)
    invite = next(p for p in checker.proposals() if p.invitation is not None)

    checker.confirm(invite.id, import_invitation=True)

    with service.db.session() as session:
        logged = session.scalars(select(Correspondence)).one()
        assert logged.direction is Direction.RECEIVED
        assert logged.contact_id == story.helene
        uids = set(session.scalars(select(Interview.ical_uid)))
    assert "second-round-4711@acme-robotics.example" in uids


def _open_follow_up_due(service: FollowupService, story: Story) -> datetime:
    with service.db.session() as session:
        return session.scalars(
            select(Action.due_at).where(
                Action.opportunity_id == story.opportunity,
                Action.kind == "status_follow_up",
                Action.state == ActionState.OPEN,
            )
        ).one()


def test_confirming_a_recruiters_reply_restarts_the_cadence(
    service: FollowupService, server: Dovecot, story: Story
) -> None:
    checker = checker_for(service, server)
    checker.scan(PASSWORD)
    before = _open_follow_up_due(service, story)
    reply = next(p for p in checker.proposals() if p.subject.startswith("Acme Robotics :"))
    checker.confirm(reply.id)
    after = _open_follow_up_due(service, story)
    # The next follow-up now counts from the reply, not from the interview.
    assert after > before
    assert after > datetime.fromisoformat(reply.occurred_at)


def test_a_dismissed_message_is_never_proposed_again(
    service: FollowupService, server: Dovecot, story: Story
) -> None:
    checker = checker_for(service, server)
    checker.scan(PASSWORD)
    refusal = next(p for p in checker.proposals() if p.subject == "Ihre Bewerbung")
    checker.dismiss(refusal.id)
    # A new contact changes whom Followup listens for, so the folders are read again.
    service.add_contact(
        "Sam",
        ContactFields(email="sam@friends.example"),
        opportunity_id=story.opportunity,
        role=ContactRole.REFERENCE,
    )
    again = checker.scan(PASSWORD)
    assert again.headers_read == 6
    assert "Ihre Bewerbung" not in {p.subject for p in checker.proposals()}
    assert [p.subject for p in again.new_proposals] == []
    with pytest.raises(Exception, match="No waiting mailbox message"):
        checker.confirm(refusal.id)


def test_a_later_check_reads_only_what_is_new(
    service: FollowupService, server: Dovecot, story: Story, now: datetime
) -> None:
    checker = checker_for(service, server)
    checker.scan(PASSWORD)
    nothing_new = checker.scan(PASSWORD)
    assert (nothing_new.headers_read, nothing_new.messages_read) == (0, 0)
    assert nothing_new.new_proposals == []

    message = (
        "From: Dana Kowalski <dana.kowalski@acme-robotics.example>\r\n"
        f"To: {ME}\r\nSubject: One more question\r\nMessage-ID: <q-2@acme-robotics.example>\r\n"
        f"Date: {now.strftime('%a, %d %b %Y %H:%M:%S +0000')}\r\n\r\n"
        "Could you send the code sample?\r\n"
    ).encode()
    server.deliver("INBOX", message, when=now, fresh=True)
    # A broken message beside it does not stop the check.
    server.deliver("INBOX", b"\xff\xfe\x00 From: <<< Date: ???\r\n\r\n\x00", when=now)
    later = checker.scan(PASSWORD)
    assert (later.headers_read, later.messages_read) == (2, 1)
    assert [p.subject for p in later.new_proposals] == ["One more question"]


def test_a_message_already_logged_is_not_proposed_again(
    service: FollowupService, server: Dovecot, story: Story
) -> None:
    # Sent from Followup itself: the composer logged it, and the server filed a copy.
    sent_at = story.interview_start + timedelta(hours=4, minutes=2)
    service.log_correspondence(
        story.opportunity,
        Direction.SENT,
        sent_at,
        subject="Thank you for today's  conversation",
        contact_id=story.dana,
    )
    checker = checker_for(service, server)
    result = checker.scan(PASSWORD)
    assert "sent" not in {p.kind for p in result.new_proposals}
    assert len(result.new_proposals) == 3


def test_sent_notes_can_be_confirmed_automatically(
    service: FollowupService, server: Dovecot, story: Story
) -> None:
    checker = checker_for(service, server, auto_confirm_sent=True)
    result = checker.scan(PASSWORD)
    assert [p.kind for p in result.auto_confirmed] == ["sent"]
    assert thank_you_for(service, story).state is ActionState.DONE
    # Replies still wait for the person.
    assert {p.kind for p in checker.proposals()} == {"reply"}


def test_a_scan_changes_nothing_in_the_mailbox(
    service: FollowupService, server: Dovecot, story: Story
) -> None:
    before = mailbox_digest(server.maildir)
    assert any(name.startswith("new/") for name in before)  # unread, undelivered mail too
    checker = checker_for(service, server)
    checker.scan(PASSWORD)
    for proposal in checker.proposals():
        checker.confirm(proposal.id)
    checker.scan(PASSWORD)
    assert mailbox_digest(server.maildir) == before

    # The check above can fail: an ordinary mail program's read marks a message \Seen.
    imap = imaplib.IMAP4_SSL(
        "127.0.0.1", server.port, ssl_context=server.certs.client_context(), timeout=10
    )
    imap.login(USER, PASSWORD)
    imap.select("INBOX")
    imap.fetch("1:*", "(BODY[])")
    imap.logout()
    assert mailbox_digest(server.maildir) != before


def test_starttls_is_verified_like_implicit_tls(
    service: FollowupService, server: Dovecot, story: Story
) -> None:
    upgraded = checker_for(service, server, security="starttls", port=server.starttls_port)
    assert len(upgraded.scan(PASSWORD).new_proposals) == 4
    untrusted = checker_for(
        service, server, security="starttls", port=server.starttls_port, ca_file=""
    )
    with pytest.raises(MailboxError) as caught:
        untrusted.scan(PASSWORD)
    assert caught.value.kind is MailboxErrorKind.TLS


# -- faults ------------------------------------------------------------------------


def test_a_wrong_password_is_named(service: FollowupService, server: Dovecot, story: Story) -> None:
    with pytest.raises(MailboxError) as caught:
        checker_for(service, server).scan("not the password")
    assert caught.value.kind is MailboxErrorKind.LOGIN
    assert "refused the user name or password" in str(caught.value)


def test_an_untrusted_certificate_is_refused(
    service: FollowupService, server: Dovecot, story: Story
) -> None:
    with pytest.raises(MailboxError) as caught:
        checker_for(service, server, ca_file="").scan(PASSWORD)
    assert caught.value.kind is MailboxErrorKind.TLS
    assert "could not be verified" in str(caught.value)


def test_a_server_that_never_answers_times_out(
    service: FollowupService, server: Dovecot, story: Story
) -> None:
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    try:
        checker = MailboxChecker(
            service, account_for(server, port=silent.getsockname()[1]), timeout=1
        )
        with pytest.raises(MailboxError) as caught:
            checker.scan(PASSWORD)
    finally:
        silent.close()
    assert caught.value.kind is MailboxErrorKind.TIMEOUT
    assert "did not answer within 1 seconds" in str(caught.value)


def test_the_server_gone_mid_fetch_is_named_and_keeps_what_was_done(
    service: FollowupService,
    server: Dovecot,
    story: Story,
    now: datetime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Enough mail for several FETCH batches, so the server can vanish between two.
    for number in range(900):
        raw = (
            f"From: Shop <news{number}@shop.example>\r\nTo: {ME}\r\n"
            f"Subject: Offer {number}\r\nMessage-ID: <bulk-{number}@shop.example>\r\n"
            f"Date: {now.strftime('%a, %d %b %Y %H:%M:%S +0000')}\r\n\r\nsale\r\n"
        ).encode()
        server.deliver("INBOX", raw, when=now)
    real = read_headers
    seen: list[int] = []

    def read_and_pull_the_plug(raw: bytes) -> object:
        seen.append(1)
        if len(seen) == 20:  # inside the inbox's first batch
            server.kill()
        return real(raw)

    monkeypatch.setattr(check_module, "read_headers", read_and_pull_the_plug)
    checker = checker_for(service, server)
    with pytest.raises(MailboxError) as caught:
        checker.scan(PASSWORD)
    assert caught.value.kind is MailboxErrorKind.CONNECTION_LOST
    assert "connection to 127.0.0.1" in str(caught.value)
    # The Sent folder was finished before the server went: its proposal is kept.
    assert [p.kind for p in checker.proposals()] == ["sent"]


# -- the command line ------------------------------------------------------------

KEYRING_MODULE = '''
"""A file-backed keyring for the command-line tests only."""
import json, os
from keyring.backend import KeyringBackend

class TestFileKeyring(KeyringBackend):
    priority = 1
    def _load(self):
        path = os.environ["FOLLOWUP_TEST_KEYRING"]
        return json.load(open(path)) if os.path.exists(path) else {}
    def get_password(self, service, username):
        return self._load().get(f"{service}|{username}")
    def set_password(self, service, username, password):
        data = self._load(); data[f"{service}|{username}"] = password
        json.dump(data, open(os.environ["FOLLOWUP_TEST_KEYRING"], "w"))
    def delete_password(self, service, username):
        data = self._load(); data.pop(f"{service}|{username}", None)
        json.dump(data, open(os.environ["FOLLOWUP_TEST_KEYRING"], "w"))
'''


def run_cli(
    tmp_path: Path, db: Path, *args: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    module_dir = tmp_path / "keyring_module"
    module_dir.mkdir(exist_ok=True)
    (module_dir / "test_file_keyring.py").write_text(KEYRING_MODULE)
    env = {
        **os.environ,
        "PYTHONPATH": str(module_dir),
        "PYTHON_KEYRING_BACKEND": "test_file_keyring.TestFileKeyring",
        "FOLLOWUP_TEST_KEYRING": str(tmp_path / "keyring.json"),
    }
    return subprocess.run(
        [sys.executable, "-m", "followup_desktop", "--db", str(db), *args],
        capture_output=True,
        text=True,
        input=stdin,
        env=env,
        # No controlling terminal: the password prompt reads standard input.
        start_new_session=True,
        timeout=60,
        check=False,
    )


def test_the_command_line_checks_confirms_and_dismisses(
    tmp_path: Path, service: FollowupService, server: Dovecot, story: Story
) -> None:
    db = service.db.path
    # Set up as a person would: the password is typed (here on standard input).
    setup = run_cli(
        tmp_path,
        db,
        "mail-account",
        "--host",
        "127.0.0.1",
        "--port",
        str(server.port),
        "--user",
        USER,
        "--ca-file",
        str(server.certs.ca_file),
        "--own-password",
        stdin=PASSWORD + "\n",
    )
    assert setup.returncode == 0, setup.stderr
    assert "read-only" in setup.stdout
    stored = json.loads((tmp_path / "keyring.json").read_text())
    assert list(stored.values()) == [PASSWORD]
    checked = run_cli(tmp_path, db, "mail-check", "--json")
    assert checked.returncode == 0, checked.stderr
    report = json.loads(checked.stdout)
    assert report["folders"] == ["Sent", "INBOX"]
    kinds = {p["subject"]: (p["kind"], p["id"]) for p in report["proposals"]}
    assert kinds["Thank you for today's conversation"][0] == "sent"

    confirmed = run_cli(
        tmp_path, db, "mail-confirm", kinds["Thank you for today's conversation"][1]
    )
    assert confirmed.returncode == 0, confirmed.stderr
    assert "Logged the sent note" in confirmed.stdout
    assert thank_you_for(service, story).state is ActionState.DONE

    dismissed = run_cli(tmp_path, db, "mail-dismiss", kinds["Ihre Bewerbung"][1])
    assert dismissed.returncode == 0, dismissed.stderr
    text = run_cli(tmp_path, db, "mail-check")
    assert "Ihre Bewerbung" not in text.stdout
    assert "Reply from Hélène Martin" in text.stdout
    assert "may invite you to a next round" in text.stdout

    # What a reply said is recorded only when asked, with the day given.
    dana = kinds["Re: Thank you for today's conversation"][1]
    wrong = run_cli(tmp_path, db, "mail-confirm", dana, "--outcome", "wait", "--on", "soon")
    assert wrong.returncode != 0 and "Traceback" not in wrong.stderr
    assert "YYYY-MM-DD" in wrong.stderr
    day = datetime.now(local_zone()).date() + timedelta(days=20)
    waited = run_cli(tmp_path, db, "mail-confirm", dana, "--outcome", "wait", "--on", str(day))
    assert waited.returncode == 0, waited.stderr
    assert f"Recorded what it said: wait ({long_date(day)})." in waited.stdout
    with service.db.session() as session:
        logged = session.scalars(
            select(Correspondence).where(Correspondence.direction == Direction.RECEIVED)
        ).one()
        assert logged.check_back_on == day


def test_the_command_line_names_a_fault_without_a_traceback(
    tmp_path: Path, service: FollowupService, server: Dovecot, story: Story
) -> None:
    account = account_for(server)
    save_incoming(service, account)
    (tmp_path / "keyring.json").write_text(
        json.dumps({f"io.github.followup_desktop.Followup/smtp|{account.own_secret_key}": "wrong"})
    )
    failed = run_cli(tmp_path, service.db.path, "mail-check")
    assert failed.returncode == 2
    assert "refused the user name or password" in failed.stderr
    assert "Traceback" not in failed.stderr
    server.stop()
    gone = run_cli(tmp_path, service.db.path, "mail-check", "--timeout", "5")
    assert gone.returncode == 2
    assert "Nothing accepted a connection" in gone.stderr
    assert "Traceback" not in gone.stderr


def test_two_checks_at_once_find_each_message_once(
    service: FollowupService, server: Dovecot, story: Story
) -> None:
    # The window and the tray may both start a check; they take turns.
    errors: list[BaseException] = []

    def scan() -> None:
        try:
            checker_for(service, server).scan(PASSWORD)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert len(checker_for(service, server).proposals()) == 4


def test_without_dovecot_ci_fails_instead_of_skipping(monkeypatch: pytest.MonkeyPatch) -> None:
    import imap_support

    monkeypatch.setattr(shutil, "which", lambda _name: None)
    monkeypatch.setattr(imap_support, "DOVECOT", "/nonexistent/dovecot")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run the mailbox tests"):
        imap_support.dovecot_binary()
    monkeypatch.delenv("CI")
    monkeypatch.delenv("FOLLOWUP_REQUIRE_DESKTOP", raising=False)
    with pytest.raises(pytest.skip.Exception):
        imap_support.dovecot_binary()


# -- what a confirmed reply said, and the company's website ---------------------------


def next_friday(moment: datetime) -> date:
    written = moment.astimezone(local_zone()).date()
    return written + timedelta(days=(4 - written.weekday() - 1) % 7 + 1)


def deliver_wait_reply(server: Dovecot, story: Story) -> datetime:
    when = story.interview_start + timedelta(hours=30)
    reply = message(
        "Dana Kowalski <dana.kowalski@acme-robotics.example>",
        ME,
        "Re: Next steps",
        when,
        "<wait-1@acme-robotics.example>",
        text="Hi Alex,\n\nthank you for your patience. We will get back to you by next "
        "Friday, once the whole panel has met.\n\nBest,\nDana\n",
    )
    server.deliver("INBOX", reply.as_bytes(), when=when)
    return when


def _stage_kind(service: FollowupService, story: Story) -> StageKind:
    with service.db.session() as session:
        opportunity = session.get(Opportunity, story.opportunity)
        assert opportunity is not None
        return opportunity.stage.kind


def test_a_reply_asking_to_wait_suggests_the_day_and_the_plan_follows_on_confirm(
    service: FollowupService, server: Dovecot, story: Story
) -> None:
    sent_at = deliver_wait_reply(server, story)
    checker = checker_for(service, server)
    checker.scan(PASSWORD)
    wait = next(p for p in checker.proposals() if p.subject == "Re: Next steps")
    friday = next_friday(sent_at)
    assert (wait.outcome, wait.day, wait.day_phrase) == (
        "wait",
        friday.isoformat(),
        "by next Friday",
    )
    before = _open_follow_up_due(service, story)

    assert wait.day is not None
    checker.confirm(wait.id, outcome=wait.outcome, on=date.fromisoformat(wait.day))

    with service.db.session() as session:
        logged = session.scalars(select(Correspondence)).one()
        assert logged.check_back_on == friday
    after = _open_follow_up_due(service, story)
    # The follow-up waits for the day they named, not the usual cadence.
    assert after != before
    assert after.astimezone(local_zone()).date() >= friday


def test_a_suggested_rejection_is_recorded_only_when_the_person_confirms_it(
    service: FollowupService, server: Dovecot, story: Story
) -> None:
    checker = checker_for(service, server)
    checker.scan(PASSWORD)
    refusal = next(p for p in checker.proposals() if p.subject == "Ihre Bewerbung")
    assert refusal.outcome == "rejection"
    stage_before = _stage_kind(service, story)

    # Confirmed as a plain reply: logged, but the opportunity stays where it is.
    checker.confirm(refusal.id)
    assert stage_before is not StageKind.REJECTED
    assert _stage_kind(service, story) is stage_before

    again = checker_for(service, server)
    with service.db.session() as session:
        assert len(session.scalars(select(Correspondence)).all()) == 1
    invite = next(p for p in again.proposals() if p.subject.startswith("Acme Robotics"))
    # A sent note or a wrong name is refused in words.
    with pytest.raises(ValidationError, match="outcome is one of"):
        again.confirm(invite.id, outcome="maybe")
    thanks = next(p for p in again.proposals() if p.kind == "sent")
    with pytest.raises(ValidationError, match="Only a reply"):
        again.confirm(thanks.id, outcome="rejection")
    with pytest.raises(ValidationError, match="day of the next round"):
        again.confirm(invite.id, outcome="next_round")
    assert invite.id in {p.id for p in again.proposals()}  # still waiting


def test_a_confirmed_rejection_moves_the_opportunity(
    service: FollowupService, server: Dovecot, story: Story
) -> None:
    checker = checker_for(service, server)
    checker.scan(PASSWORD)
    refusal = next(p for p in checker.proposals() if p.subject == "Ihre Bewerbung")
    checker.confirm(refusal.id, outcome=refusal.outcome)
    assert _stage_kind(service, story) is StageKind.REJECTED


def test_a_next_round_on_a_day_becomes_the_next_interview_unless_invited(
    service: FollowupService, server: Dovecot, story: Story
) -> None:
    checker = checker_for(service, server)
    checker.scan(PASSWORD)
    invite = next(p for p in checker.proposals() if p.subject.startswith("Acme Robotics"))
    assert invite.outcome == "next_round"
    # With its invitation the invitation is the next round: one interview, not two.
    checker.confirm(invite.id, import_invitation=True, outcome="next_round", on=date(2030, 1, 7))
    with service.db.session() as session:
        rounds = session.scalars(select(Interview).order_by(Interview.starts_at)).all()
        assert len(rounds) == 2
        assert rounds[-1].ical_uid == "second-round-4711@acme-robotics.example"

    dana = next(p for p in checker.proposals() if p.subject.startswith("Re: Thank you"))
    checker.confirm(dana.id, outcome="next_round", on=date(2030, 1, 7))
    with service.db.session() as session:
        latest = session.scalars(select(Interview).order_by(Interview.starts_at.desc())).first()
        assert latest is not None
        starts = latest.starts_at.astimezone(local_zone())
    assert (starts.date(), starts.hour) == (date(2030, 1, 7), 10)


def test_mail_from_the_domain_of_the_posting_link_is_a_reply(
    service: FollowupService, server: Dovecot
) -> None:
    # No contact yet, only the posting: its domain names the company's mail.
    globex = service.create_opportunity(
        "Globex", "Planner", OpportunityFields(link="https://careers.globex.example/jobs/42")
    ).created_id
    board = service.create_opportunity(
        "Initrode", "Tester", OpportunityFields(link="https://www.linkedin.com/jobs/view/77")
    ).created_id
    # Written after the opportunity was added: nothing older belongs to the search.
    when = datetime.now(UTC) + timedelta(minutes=1)
    for sender, subject, key in (
        ("Globex Recruiting <jobs@mail.globex.example>", "Your application", "g1"),
        ("A Friend <friend@gmail.com>", "Globex? Saw your application", "f1"),
        ("LinkedIn <jobs-noreply@linkedin.com>", "Initrode viewed your profile", "l1"),
    ):
        server.deliver(
            "INBOX",
            message(sender, ME, subject, when, f"<{key}@x.example>", text="Hello").as_bytes(),
            when=when,
        )
    checker = checker_for(service, server)
    result = checker.scan(PASSWORD)
    assert [(p.subject, p.opportunity_id) for p in result.new_proposals] == [
        ("Your application", globex)
    ]
    assert result.new_proposals[0].contact_id is None
    assert board not in {p.opportunity_id for p in checker.proposals()}


# -- waiting for new mail (IDLE) -----------------------------------------------------


class _Idling:
    """One IDLE on its own thread, as the tray's watch runs it."""

    def __init__(self, reader: ImapReader, seconds: float = 60.0) -> None:
        self.stop = threading.Event()
        self.ready = threading.Event()
        self.result: list[object] = []
        self.ended_at = 0.0

        def run() -> None:
            try:
                self.result.append(reader.idle("INBOX", seconds, self.stop, self.ready))
            except MailboxError as error:
                self.result.append(error)
            self.ended_at = time.monotonic()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        assert self.ready.wait(15), "the server did not start waiting"

    def join(self, seconds: float) -> object:
        self.thread.join(seconds)
        assert not self.thread.is_alive(), "IDLE did not end"
        return self.result[0]


def _reader(server: Dovecot) -> ImapReader:
    return ImapReader(account_for(server), PASSWORD, timeout=10)


def _fresh_reply(server: Dovecot, when: datetime, key: str, subject: str) -> None:
    reply = message(
        "Dana Kowalski <dana.kowalski@acme-robotics.example>",
        ME,
        subject,
        when,
        f"<{key}@acme-robotics.example>",
        text="Hi Alex,\n\nwe would like to invite you to a final interview.\n",
    )
    server.deliver("INBOX", reply.as_bytes(), when=when, fresh=True)


def test_a_message_delivered_while_idling_is_noticed_at_once(
    server: Dovecot, story: Story, now: datetime
) -> None:
    with _reader(server) as reader:
        assert reader.offers_idle()  # Dovecot does
        idling = _Idling(reader)
        delivered = time.monotonic()
        _fresh_reply(server, now, "idle-1", "Final round")
        assert idling.join(15) is True
        latency = idling.ended_at - delivered
        # IDLE ended with DONE: the connection is still good for the check that follows.
        assert reader.search_since(now.date() - timedelta(days=1))
    assert latency < 5, f"noticed after {latency:.2f} s"


def test_idle_ends_at_its_time_or_when_stopped_and_changes_nothing(
    server: Dovecot, story: Story, now: datetime
) -> None:
    before = mailbox_digest(server.maildir)
    with _reader(server) as reader:
        started = time.monotonic()
        timed = _Idling(reader, seconds=1.5)
        assert timed.join(15) is False
        assert 1.4 <= timed.ended_at - started < 10
        stopped = _Idling(reader)
        asked = time.monotonic()
        stopped.stop.set()
        assert stopped.join(10) is False
        # Looked at about once a second: quitting never waits long.
        assert stopped.ended_at - asked < 2.5
        assert reader.search_since(now.date() - timedelta(days=1))
    # EXAMINE, IDLE and DONE: nothing marked read, moved or flagged.
    assert mailbox_digest(server.maildir) == before


def test_the_server_gone_while_idling_is_named(server: Dovecot, story: Story) -> None:
    with _reader(server) as reader:
        idling = _Idling(reader)
        server.kill()
        error = idling.join(15)
    assert isinstance(error, MailboxError)
    assert error.kind is MailboxErrorKind.CONNECTION_LOST
    assert "connection to 127.0.0.1" in str(error)


def test_a_sleep_while_idling_means_connecting_again(
    server: Dovecot, story: Story, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = time.time
    with _reader(server) as reader:
        idling = _Idling(reader)
        # After a suspend the wall clock has moved on while the monotonic one stood still.
        monkeypatch.setattr(imap_module, "wall_clock", lambda: real() + 3600)
        error = idling.join(10)
    assert isinstance(error, MailboxError)
    assert error.kind is MailboxErrorKind.CONNECTION_LOST
    assert "slept" in str(error)


# -- the watcher: catch up, wait, check, connect again ---------------------------------


class _Watching:
    """A :class:`MailboxWatcher` on its own thread, recording what it tells."""

    def __init__(self, service: FollowupService, server: Dovecot, **options: object) -> None:
        self.found: list[int] = []
        self.failed: list[str] = []
        self.watching: list[bool] = []
        self.changed = threading.Condition()
        events = WatchEvents(
            found=lambda count: self._record(self.found, count),
            failed=lambda message: self._record(self.failed, message),
            watching=lambda on: self._record(self.watching, on),
        )
        self.watcher = MailboxWatcher(
            lambda: checker_for(service, server),
            lambda _checker: PASSWORD,
            events,
            **options,  # type: ignore[arg-type]
        )
        self.thread = threading.Thread(target=self.watcher.run, daemon=True)
        self.thread.start()

    def _record(self, into: list[Any], value: object) -> None:
        with self.changed:
            into.append(value)
            self.changed.notify_all()

    def wait_for(self, what: Callable[[], bool], seconds: float = 20) -> None:
        with self.changed:
            assert self.changed.wait_for(what, seconds), (
                f"found={self.found} failed={self.failed} watching={self.watching}"
            )

    def idling(self) -> None:
        """Wait until the watcher's connection waits in IDLE (the server said '+')."""
        self.wait_for(lambda: bool(self.watching) and self.watching[-1])
        # The check is done and the wait begun: the next EXAMINE/IDLE is on its way.

    def stop(self) -> float:
        asked = time.monotonic()
        self.watcher.stop()
        self.thread.join(10)
        assert not self.thread.is_alive(), "the watcher did not stop"
        return time.monotonic() - asked


def test_the_watcher_notices_each_message_and_connects_again_after_a_loss(
    service: FollowupService,
    server: Dovecot,
    story: Story,
    now: datetime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    watch = _Watching(service, server, backoff=(0.2,))
    try:
        watch.idling()
        caught_up = watch.found[-1]
        # The first message while waiting.
        _fresh_reply(server, now, "watch-1", "Final round")
        watch.wait_for(lambda: watch.found[-1] == caught_up + 1)
        # The second, delivered at once after the first: it may come while the check
        # of the first runs, when no IDLE is open on the watching connection.
        _fresh_reply(server, now, "watch-2", "Final round, the agenda")
        watch.wait_for(lambda: watch.found[-1] == caught_up + 2)
        # The connection lost (a sleep, as the wall clock jumping ahead shows it): named,
        # then connected again, and a third message is noticed on the new connection.
        real = time.time
        readings = iter(range(1_000_000))
        # The first reading is as before, every later one an hour on: the jump is seen
        # whether the wait was already running or about to start.
        monkeypatch.setattr(
            imap_module, "wall_clock", lambda: real() + (3600 if next(readings) else 0)
        )
        watch.wait_for(lambda: any("slept" in text for text in watch.failed))
        monkeypatch.setattr(imap_module, "wall_clock", real)
        watch.wait_for(lambda: watch.watching[-1] is True and len(watch.failed) >= 1)
        watch.idling()
        _fresh_reply(server, now, "watch-3", "Final round, the address")
        watch.wait_for(lambda: watch.found[-1] == caught_up + 3)
    finally:
        stopped_in = watch.stop()
    assert watch.watching[-1] is False
    assert stopped_in < 2.5, f"stopped after {stopped_in:.2f} s"


def test_two_messages_back_to_back_are_both_noticed(
    service: FollowupService, server: Dovecot, story: Story, now: datetime
) -> None:
    watch = _Watching(service, server)
    try:
        watch.idling()
        caught_up = watch.found[-1]
        _fresh_reply(server, now, "pair-1", "Final round")
        _fresh_reply(server, now, "pair-2", "Final round, the agenda")
        watch.wait_for(lambda: watch.found[-1] == caught_up + 2)
    finally:
        watch.stop()


def test_the_server_killed_is_named_and_the_watcher_keeps_trying(
    service: FollowupService, server: Dovecot, story: Story
) -> None:
    watch = _Watching(service, server, backoff=(0.2, 0.4))
    try:
        watch.idling()
        server.kill()
        watch.wait_for(lambda: len(watch.failed) >= 3)
    finally:
        stopped_in = watch.stop()
    assert "connection to 127.0.0.1" in watch.failed[0]
    # After the loss every attempt fails to connect, each named in words.
    assert all("127.0.0.1" in text and "Traceback" not in text for text in watch.failed)
    assert watch.watching[-1] is False
    assert stopped_in < 2.5, f"stopped after {stopped_in:.2f} s"


def test_stop_ends_the_watch_while_idling_within_a_second(
    service: FollowupService, server: Dovecot, story: Story
) -> None:
    watch = _Watching(service, server)
    watch.idling()
    time.sleep(0.3)  # well inside the IDLE
    stopped_in = watch.stop()
    assert stopped_in < 2.5, f"stopped after {stopped_in:.2f} s"
    assert watch.failed == []
