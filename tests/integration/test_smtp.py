"""Sending through a real SMTP server on loopback: STARTTLS, implicit TLS, and failures."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from email.headerregistry import Address
from pathlib import Path

import pytest

from followup_desktop.core.messages import (
    EmailAccount,
    Security,
    SendError,
    SendErrorKind,
    SmtpSender,
    build_message,
)
from test_smtp_support import (
    PASSWORD,
    USER,
    Certificates,
    Server,
    make_certificates,
    running_smtp_server,
)

WHEN = datetime(2026, 11, 18, 14, 5, tzinfo=UTC)
LONG_LINE = "Ein sehr langer Satz über Äpfel, Birnen und Zusammenarbeit " * 6


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    return make_certificates(tmp_path_factory.mktemp("tls"))


def _account(port: int, security: Security, host: str = "127.0.0.1") -> EmailAccount:
    return EmailAccount(host, port, security, USER, USER, "Sam Lee-Ørsted")


def _message() -> object:
    return build_message(
        sender_name="Sam Lee-Ørsted",
        sender_address=USER,
        to=[Address("Zoë Müller", "zoe", "example.com"), Address("", "ben", "example.com")],
        subject="Danke für das Gespräch über die Stelle als Datenanalyst (zweite Runde) ✓",
        body=f"Liebe Zoë,\n\nvielen Dank.\n\n{LONG_LINE}\n\nSam\n",
        date=WHEN,
    )


@pytest.mark.parametrize("security", [Security.STARTTLS, Security.SSL])
def test_sends_over_verified_tls_and_the_message_is_well_formed(
    certs: Certificates, security: Security
) -> None:
    mode = "starttls" if security is Security.STARTTLS else "ssl"
    with running_smtp_server(certs, mode) as server:
        sender = SmtpSender(
            _account(server.port, security), PASSWORD, ssl_context=certs.client_context()
        )
        steps: list[str] = []
        sender.send(_message(), steps.append)  # type: ignore[arg-type]
    assert server.mailbox.logins == [USER]
    mail_from, rcpt, raw = server.mailbox.messages[0]
    assert mail_from == USER
    assert rcpt == ["zoe@example.com", "ben@example.com"]
    assert steps[0].startswith("Connecting") and steps[-1] == "Sent."
    if security is Security.STARTTLS:
        assert "Starting encryption…" in steps
    for line in raw.split(b"\r\n"):
        assert len(line) <= 998
    header_block = raw.split(b"\r\n\r\n", 1)[0]
    assert all(len(line) <= 78 for line in header_block.split(b"\r\n"))
    assert raw.isascii(), "no 8-bit bytes: any server accepts it"
    message = server.mailbox.parsed()
    assert message["From"].addresses[0].display_name == "Sam Lee-Ørsted"
    assert message["To"].addresses[0].display_name == "Zoë Müller"
    assert str(message["Subject"]).endswith("(zweite Runde) ✓")
    assert message["Date"].datetime == WHEN
    assert message["Message-ID"].startswith("<") and message["Message-ID"].endswith("@example.org>")
    assert message.get_content_type() == "text/plain"
    assert message["Content-Transfer-Encoding"] == "quoted-printable"
    body = message.get_content()
    assert "Liebe Zoë," in body
    assert LONG_LINE.strip() in body


def test_plain_ascii_short_lines_go_as_7bit(certs: Certificates) -> None:
    message = build_message(
        sender_name="Sam",
        sender_address=USER,
        to=[Address("Ana", "ana", "example.com")],
        subject="Thanks",
        body="Dear Ana,\n\nThank you.\n",
        date=WHEN,
    )
    assert message["Content-Transfer-Encoding"] == "7bit"
    assert message.get_content() == "Dear Ana,\n\nThank you.\n"


def test_a_wrong_password_is_a_login_error(certs: Certificates) -> None:
    with running_smtp_server(certs, "starttls") as server:
        sender = SmtpSender(
            _account(server.port, Security.STARTTLS), "wrong", ssl_context=certs.client_context()
        )
        with pytest.raises(SendError) as caught:
            sender.send(_message())  # type: ignore[arg-type]
    assert caught.value.kind is SendErrorKind.LOGIN
    assert "user name or password" in str(caught.value)
    assert "wrong" not in str(caught.value)
    assert server.mailbox.messages == []


def test_test_connection_logs_in_and_sends_nothing(certs: Certificates) -> None:
    with running_smtp_server(certs, "ssl") as server:
        SmtpSender(
            _account(server.port, Security.SSL), PASSWORD, ssl_context=certs.client_context()
        ).test_connection()
    assert server.mailbox.logins == [USER]
    assert server.mailbox.messages == []


def test_an_untrusted_certificate_is_refused(certs: Certificates) -> None:
    with running_smtp_server(certs, "ssl") as server:
        # The default trust store does not know the test CA: verification must fail.
        sender = SmtpSender(_account(server.port, Security.SSL), PASSWORD)
        with pytest.raises(SendError) as caught:
            sender.test_connection()
    assert caught.value.kind is SendErrorKind.TLS
    assert "could not be verified" in str(caught.value)


def test_a_certificate_for_another_name_is_refused(tmp_path: Path) -> None:
    elsewhere = make_certificates(tmp_path, other_name="mail.example.com")
    with running_smtp_server(elsewhere, "starttls") as server:
        account = _account(server.port, Security.STARTTLS)
        with pytest.raises(SendError) as caught:
            SmtpSender(account, PASSWORD, ssl_context=elsewhere.client_context()).test_connection()
    assert caught.value.kind is SendErrorKind.TLS
    assert "mismatch" in str(caught.value).lower() or "match" in str(caught.value)


def test_a_context_that_does_not_verify_is_not_accepted() -> None:
    loose = ssl.create_default_context()
    loose.check_hostname = False
    loose.verify_mode = ssl.CERT_NONE
    with pytest.raises(ValueError, match="does not verify"):
        SmtpSender(_account(1, Security.SSL), PASSWORD, ssl_context=loose)


def test_no_starttls_means_no_sending(certs: Certificates) -> None:
    with running_smtp_server(certs, "plain", login=False) as server:
        sender = SmtpSender(
            _account(server.port, Security.STARTTLS), PASSWORD, ssl_context=certs.client_context()
        )
        with pytest.raises(SendError) as caught:
            sender.send(_message())  # type: ignore[arg-type]
    assert caught.value.kind is SendErrorKind.TLS
    assert "never sends without encryption" in str(caught.value)
    assert server.mailbox.messages == []


def test_ssl_against_a_plain_port_explains_the_setting(certs: Certificates) -> None:
    with running_smtp_server(certs, "plain", login=False) as server:
        sender = SmtpSender(
            _account(server.port, Security.SSL), PASSWORD, ssl_context=certs.client_context()
        )
        with pytest.raises(SendError) as caught:
            sender.test_connection()
    assert caught.value.kind in {SendErrorKind.TLS, SendErrorKind.SERVER}
    assert "465" in str(caught.value) or "security setting" in str(caught.value)


def test_a_refused_recipient_is_named(certs: Certificates) -> None:
    with running_smtp_server(certs, "starttls") as server:
        server.mailbox.refuse.add("ben@example.com")
        sender = SmtpSender(
            _account(server.port, Security.STARTTLS), PASSWORD, ssl_context=certs.client_context()
        )
        message = build_message(
            sender_name="Sam",
            sender_address=USER,
            to=[Address("Ben", "ben", "example.com")],
            subject="Hello",
            body="Hi\n",
            date=WHEN,
        )
        with pytest.raises(SendError) as caught:
            sender.send(message)
    assert caught.value.kind is SendErrorKind.REFUSED
    assert "ben@example.com" in str(caught.value)
    assert "550" in str(caught.value)


@pytest.fixture
def closed_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = int(probe.getsockname()[1])
    probe.close()
    return port


def test_nothing_listening_is_a_plain_refusal(closed_port: int) -> None:
    with pytest.raises(SendError) as caught:
        SmtpSender(_account(closed_port, Security.SSL), PASSWORD, timeout=5).test_connection()
    assert caught.value.kind is SendErrorKind.UNREACHABLE
    assert "refused the connection" in str(caught.value)


def test_an_unknown_host_is_named() -> None:
    account = EmailAccount("no-such-host.invalid", 465, Security.SSL, USER, USER)
    with pytest.raises(SendError) as caught:
        SmtpSender(account, PASSWORD, timeout=5).test_connection()
    assert caught.value.kind is SendErrorKind.NOT_FOUND
    assert "no-such-host.invalid" in str(caught.value)


@pytest.fixture
def silent_server() -> Iterator[int]:
    """Accepts connections and never says a word (a stuck server or a firewall)."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.05)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


def test_a_silent_server_times_out(silent_server: int) -> None:
    sender = SmtpSender(_account(silent_server, Security.STARTTLS), PASSWORD, timeout=0.3)
    with pytest.raises(SendError) as caught:
        sender.test_connection()
    assert caught.value.kind is SendErrorKind.TIMEOUT
    assert "0.3 seconds" in str(caught.value)


def test_cancel_interrupts_a_blocked_send(silent_server: int) -> None:
    sender = SmtpSender(_account(silent_server, Security.STARTTLS), PASSWORD, timeout=30)
    started = threading.Event()
    outcome: list[BaseException] = []

    def run() -> None:
        try:
            sender.test_connection(lambda _text: started.set())
        except SendError as error:
            outcome.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    assert started.wait(5)
    # The worker is now blocked reading the greeting; cancel must free it long before 30 s.
    while thread.is_alive():
        sender.cancel()
        thread.join(0.05)
    assert isinstance(outcome[0], SendError)
    assert outcome[0].kind is SendErrorKind.CANCELLED


def test_the_sender_never_shows_the_password() -> None:
    sender = SmtpSender(_account(1, Security.SSL), PASSWORD)
    assert PASSWORD not in repr(sender)
    assert PASSWORD not in str(sender.__dict__.get("account"))


def test_account_settings_are_checked() -> None:
    from followup_desktop.core.errors import ValidationError

    good = EmailAccount.from_json(
        {"host": "smtp.example.com", "security": "ssl", "from_address": "me@example.com"}
    )
    assert good.port == 465 and good.username == "me@example.com"
    for bad, field in (
        ({"host": "smtp://x", "from_address": "me@example.com"}, "host"),
        ({"host": "x", "port": 0, "from_address": "me@example.com"}, "port"),
        ({"host": "x", "from_address": "not an address"}, "from_address"),
        ({"host": "x", "security": "none", "from_address": "me@example.com"}, "security"),
    ):
        with pytest.raises(ValidationError) as caught:
            EmailAccount.from_json(bad)
        assert caught.value.field == field


def _send_to(server: Server, certs: Certificates, *addresses: str) -> SendError:
    sender = SmtpSender(
        _account(server.port, Security.STARTTLS), PASSWORD, ssl_context=certs.client_context()
    )
    message = build_message(
        sender_name="Sam",
        sender_address=USER,
        to=[Address("", *address.split("@")) for address in addresses],
        subject="Hello",
        body="Hi\n",
        date=WHEN,
    )
    with pytest.raises(SendError) as caught:
        sender.send(message)
    return caught.value


def test_a_busy_server_421_at_data_says_try_again_later(certs: Certificates) -> None:
    with running_smtp_server(certs, "starttls") as server:
        server.mailbox.data_reply = "421 4.3.2 Service shutting down, try later"
        error = _send_to(server, certs, "ben@example.com")
        assert server.mailbox.messages == []
    assert error.kind is SendErrorKind.TEMPORARY
    text = str(error)
    assert "busy" in text
    assert "421" in text
    assert "try again in a few minutes" in text
    assert "stays in the composer" in text


def test_a_full_mailbox_452_at_rcpt_names_the_recipient_and_says_later(
    certs: Certificates,
) -> None:
    with running_smtp_server(certs, "starttls") as server:
        server.mailbox.rcpt_replies["ben@example.com"] = "452 4.2.2 Mailbox full"
        error = _send_to(server, certs, "ben@example.com")
    assert error.kind is SendErrorKind.TEMPORARY
    text = str(error)
    assert "the recipient's mailbox is full" in text
    assert "ben@example.com" in text
    assert "try again later" in text


def test_another_4xx_is_temporary_and_a_5xx_is_permanent(certs: Certificates) -> None:
    with running_smtp_server(certs, "starttls") as server:
        server.mailbox.data_reply = "451 4.3.0 Local error in processing"
        temporary = _send_to(server, certs, "ben@example.com")
    with running_smtp_server(certs, "starttls") as server:
        server.mailbox.data_reply = "554 5.6.0 Message refused"
        permanent = _send_to(server, certs, "ben@example.com")
    with running_smtp_server(certs, "starttls") as server:
        # One address refused for good and one for now: the whole is not worth a retry.
        server.mailbox.rcpt_replies["ann@example.com"] = "452 4.2.2 Mailbox full"
        server.mailbox.refuse.add("ben@example.com")
        mixed = _send_to(server, certs, "ann@example.com", "ben@example.com")
    assert temporary.kind is SendErrorKind.TEMPORARY
    assert "This is temporary: try again later" in str(temporary)
    assert permanent.kind is SendErrorKind.REFUSED
    assert "554" in str(permanent)
    assert "temporary" not in str(permanent)
    assert mixed.kind is SendErrorKind.REFUSED
    assert "for good" in str(mixed)
