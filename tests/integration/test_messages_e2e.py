"""From a debrief with three interviewers to three thank-yous sent through a real server.

Each draft is personal, each goes out over STARTTLS with a login, each lands in the
correspondence log, the thank-you steps are done and the schedule moves on. The password
is kept in the (in-memory) keyring only: afterwards it is in no file under the test's
data, config, state or log folders, the database included.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path

import keyring
import pytest
from sqlalchemy import select

from followup_desktop.core.agenda import agenda
from followup_desktop.core.db import Database
from followup_desktop.core.messages import (
    EmailAccount,
    Security,
    SmtpSender,
    draft_for_action,
    email_from_account,
    load_account,
    save_account,
)
from followup_desktop.core.models import Action, ActionState, Correspondence, Direction
from followup_desktop.core.services import FollowupService
from followup_desktop.logs import setup_logging
from followup_desktop.secrets import PasswordStore
from test_keyring import MemoryKeyring
from test_messages import NOW, _interview_with_panel, _thank_you_actions
from test_smtp_support import PASSWORD, USER, make_certificates, running_smtp_server


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_three_thank_yous_sent_logged_and_the_schedule_moves_on(  # noqa: PLR0917 - fixtures
    database: Database,
    db_path: Path,
    tmp_path: Path,
    isolated_home: Path,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    log_file = setup_logging(verbose=True, directory=tmp_path / "logs")
    assert log_file is not None
    # The test server's own chatter (it logs the AUTH exchange) is not the app's log.
    monkeypatch.setattr(logging.getLogger("mail.log"), "level", logging.WARNING)
    service = FollowupService(database, clock=lambda: NOW)
    opportunity, interview = _interview_with_panel(service)
    actions = _thank_you_actions(service, opportunity, interview)
    assert len(actions) == 3
    certs = make_certificates(tmp_path)
    passwords = PasswordStore()

    with running_smtp_server(certs, "starttls") as server:
        account = EmailAccount("127.0.0.1", server.port, Security.STARTTLS, USER, USER, "Sam Lee")
        save_account(service, account)
        passwords.set_password(account.secret_key, PASSWORD)
        for action_id in actions:
            draft = draft_for_action(service, action_id)
            stored = load_account(service)
            assert stored is not None
            message = email_from_account(
                stored,
                to=[r.formatted() for r in draft.recipients],
                subject=draft.subject,
                body=draft.body,
                date=service.clock(),
            )
            SmtpSender(
                stored,
                passwords.get_password(stored.secret_key),
                ssl_context=certs.client_context(),
                timeout=10,
            ).send(message)
            service.record_sent_message(draft, subject=draft.subject, body=draft.body)

    received = [server.mailbox.parsed(i) for i in range(3)]
    assert [m["To"].addresses[0].addr_spec for m in received] == [
        "ana@acme.example",
        "ben@acme.example",
        "chloe@acme.example",
    ]
    assert "nightly reporting pipeline" in received[0].get_content()
    assert "dashboard rebuild" in received[1].get_content()
    assert len({m["Message-ID"] for m in received}) == 3

    with service.db.session() as session:
        log = session.scalars(
            select(Correspondence).where(Correspondence.opportunity_id == opportunity)
        ).all()
        assert sorted(entry.action_id for entry in log if entry.action_id) == sorted(actions)
        assert all(entry.direction is Direction.SENT for entry in log)
        states = {a.id: a.state for a in session.scalars(select(Action))}
        assert all(states[a] is ActionState.DONE for a in actions)
        still_open = session.scalars(
            select(Action.kind).where(
                Action.opportunity_id == opportunity, Action.state == ActionState.OPEN
            )
        ).all()
    with service.db.session() as session:
        listed = {item.action_id for item in agenda(session, NOW, UTC)}
    assert not set(actions) & listed
    # The schedule moves on: what remains is later steps, no thank-you among them.
    assert "thank_you" not in still_open
    assert {"still_interested", "status_follow_up"} & set(still_open), still_open

    # The password never touches disk outside the keyring.
    needle = PASSWORD.encode("utf-8")
    database.close()
    files = [db_path, *db_path.parent.glob(f"{db_path.name}*"), *log_file.parent.glob("*")]
    files += [p for p in isolated_home.rglob("*") if p.is_file()]
    assert log_file.stat().st_size > 0
    for path in files:
        if path.is_file():
            assert needle not in path.read_bytes(), f"password found in {path}"
    assert memory_keyring.items == {(passwords.service_name, account.secret_key): PASSWORD}
