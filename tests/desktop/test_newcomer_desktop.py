"""A newcomer's path on a real desktop: from the first card to a rejection.

``desktop/newcomer_path.py`` drives the real window on Xvfb, finding every control by
its accessible name; this side runs the desktop (a session bus with gnome-keyring's
Secret Service keeping the mail password), the SMTP server on loopback with its own CA,
and checks afterwards what reached the server and the database. With
``FOLLOWUP_SCREENSHOTS=1`` the steps' screenshots are written to ``docs/screenshots``
(only then: CI does not rewrite the docs).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from conftest import require_tools
from desktop.process import AppProcess
from desktop.stack import DesktopStack, wait_until
from followup_desktop.core.db import open_database
from followup_desktop.core.messages import EmailAccount, Security, save_account
from followup_desktop.core.models import (
    Action,
    ActionState,
    Channel,
    Correspondence,
    Direction,
    Opportunity,
    StageKind,
)
from followup_desktop.core.services import FollowupService
from test_smtp_support import PASSWORD, USER, make_certificates, running_smtp_server

pytestmark = pytest.mark.desktop
DRIVER = Path(__file__).parents[1] / "helpers" / "desktop" / "newcomer_path.py"
DOCS_SHOTS = Path(__file__).parents[2] / "docs" / "screenshots"
SECRETS = "org.freedesktop.secrets"


@pytest.fixture
def stack(tmp_path: Path, isolated_home: Path) -> Iterator[DesktopStack]:
    """The desktop, with gnome-keyring's Secret Service on its bus."""
    require_tools("Xvfb", "dbus-daemon", "gnome-keyring-daemon")
    with DesktopStack(tmp_path / "desktop", tray=False, notifications=False) as running:
        home = tmp_path / "keyring-home"
        # Without ~/.cache the daemon waits two minutes before it answers (PLATFORM-NOTES).
        (home / ".cache").mkdir(parents=True)
        keyring = running._spawn(
            [
                "gnome-keyring-daemon",
                "--foreground",
                "--replace",
                "--unlock",
                "--components=secrets",
            ],
            "keyring",
            env=running.env | {"HOME": str(home)},
            stdin=subprocess.PIPE,
        )
        assert keyring.stdin is not None
        keyring.stdin.write(b"keyring password")
        keyring.stdin.close()
        wait_until(lambda: running.name_has_owner(SECRETS), 30, "the Secret Service on the bus")
        yield running


@pytest.mark.timeout(360)
def test_a_newcomer_goes_from_the_first_card_to_a_rejection(
    stack: DesktopStack, tmp_path: Path
) -> None:
    db_path = tmp_path / "followup.sqlite3"
    certs = make_certificates(tmp_path)
    shots = ["--shots", str(DOCS_SHOTS)] if os.environ.get("FOLLOWUP_SCREENSHOTS") == "1" else []
    with running_smtp_server(certs, "starttls") as server:
        db = open_database(db_path)
        try:
            account = EmailAccount(
                "127.0.0.1", server.port, Security.STARTTLS, USER, USER, "Alex Newcomer"
            )
            save_account(FollowupService(db), account)
        finally:
            db.close()
        env = stack.env | {
            # The server's certificate is signed by the test's own CA: trusted as a
            # company CA would be, through the system's usual variable.
            "SSL_CERT_FILE": str(certs.ca_file),
            "NEWCOMER_SMTP_PASSWORD": PASSWORD,
        }
        driver = AppProcess(
            [
                sys.executable,
                str(DRIVER),
                "--db",
                str(db_path),
                "--settings",
                str(tmp_path / "window.ini"),
                *shots,
            ],
            env,
        )
        try:
            # Each step waits at most STEP_TIMEOUT in the driver; this only stops a hang.
            driver.process.wait(timeout=150)
        except subprocess.TimeoutExpired:
            pytest.fail("the path hung after:\n" + "\n".join(driver.lines))
        finally:
            driver.stop()
        said = "\n".join(driver.lines)
        assert driver.process.returncode == 0, said
        assert "PATH DONE" in driver.lines, said
        [(sender, recipients, _raw)] = server.mailbox.messages
    assert sender == USER
    assert recipients == ["sam@acme.test"]
    sent = server.mailbox.parsed()
    assert "the migration to dbt" in sent.get_content()
    db = open_database(db_path)
    try:
        with db.session() as session:
            log = session.scalars(select(Correspondence).order_by(Correspondence.id)).all()
            assert [entry.direction for entry in log] == [
                Direction.SENT,
                Direction.SENT,
                Direction.RECEIVED,
                Direction.RECEIVED,
            ]
            assert [entry.subject for entry in log[2:]] == ["Re: Thank you", "Your application"]
            # Dana's note went by LinkedIn, and is logged so.
            assert [entry.channel for entry in log[:2]] == [Channel.EMAIL, Channel.LINKEDIN]
            # The rejection moved the card, and the plan follows it: a reply, no chasing.
            [opportunity] = session.scalars(select(Opportunity)).all()
            assert opportunity.stage.kind is StageKind.REJECTED
            still_open = {
                action.kind
                for action in session.scalars(
                    select(Action).where(Action.state == ActionState.OPEN)
                )
            }
            assert "reply_to_rejection" in still_open
            assert not still_open & {"status_follow_up", "still_interested"}, still_open
            thank_yous = session.scalars(select(Action).where(Action.kind == "thank_you")).all()
            assert sorted(action.recipient.split(" <")[0] for action in thank_yous) == [
                "Dana Okafor",
                "Sam Lee",
            ]
            assert all(action.state is ActionState.DONE for action in thank_yous)
    finally:
        db.close()
