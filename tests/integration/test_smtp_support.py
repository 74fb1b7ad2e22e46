"""A real SMTP server on loopback for the message tests, with a certificate made here.

Imported by the other ``test_smtp*`` and ``test_messages*`` files; its own tests check that
the test certificate is what the sender will verify against. aiosmtpd runs in its own
thread; the certificate is made with ``cryptography`` and trusted by passing the test CA
to the sender (production uses the system's default trust store).
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import ssl
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from ipaddress import IPv4Address
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

USER = "sam@example.org"
PASSWORD = "correct horse battery staple ✓"


@dataclass(frozen=True)
class Certificates:
    """Files of a throwaway CA and a server certificate for localhost / 127.0.0.1."""

    ca_file: Path
    cert_file: Path
    key_file: Path

    def client_context(self) -> ssl.SSLContext:
        """A verifying client context that trusts only the test CA."""
        return ssl.create_default_context(cafile=str(self.ca_file))

    def server_context(self) -> ssl.SSLContext:
        """The server side of the test certificate."""
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(str(self.cert_file), str(self.key_file))
        return context


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def make_certificates(folder: Path, *, other_name: str | None = None) -> Certificates:
    """Create a CA and a server certificate signed by it (for loopback, or ``other_name``)."""
    names: list[x509.GeneralName] = (
        [x509.DNSName(other_name)]
        if other_name
        else [x509.DNSName("localhost"), x509.IPAddress(IPv4Address("127.0.0.1"))]
    )
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(_name("Followup test CA"))
        .issuer_name(_name("Followup test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("localhost"))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(names),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = Certificates(folder / "ca.pem", folder / "server.pem", folder / "server.key")
    paths.ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    paths.cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths.key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


@dataclass
class Mailbox:
    """What the server received, and the addresses it refuses."""

    messages: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    logins: list[str] = field(default_factory=list)
    #: A reply to give instead of 250 to RCPT TO for an address (say "452 4.2.2 ...").
    rcpt_replies: dict[str, str] = field(default_factory=dict)
    #: A reply to give instead of accepting the message at DATA (say "421 4.3.2 ...").
    data_reply: str | None = None

    def parsed(self, index: int = -1) -> EmailMessage:
        """A received message, parsed with the modern policy."""
        raw = self.messages[index][2]
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        return message


class _Handler:
    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if address in self.mailbox.refuse:
            return "550 5.1.1 No such mailbox here"
        if address in self.mailbox.rcpt_replies:
            return self.mailbox.rcpt_replies[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        if self.mailbox.data_reply is not None:
            return self.mailbox.data_reply
        self.mailbox.messages.append(
            (envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content))
        )
        return "250 Message accepted"


class _LoopbackController(Controller):
    """aiosmtpd's controller on a socket bound to a free port first (no port race)."""

    def __init__(self, handler: Any, **kwargs: Any) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen()
        port = self._sock.getsockname()[1]
        super().__init__(handler, hostname="127.0.0.1", port=port, **kwargs)

    def _create_server(self) -> Any:
        return self.loop.create_server(self._factory_invoker, sock=self._sock, ssl=self.ssl_context)


@dataclass(frozen=True)
class Server:
    """A running test server."""

    port: int
    mailbox: Mailbox


@contextmanager
def running_smtp_server(certs: Certificates, mode: str, *, login: bool = True) -> Iterator[Server]:
    """An SMTP server on 127.0.0.1: ``mode`` is ``"starttls"``, ``"ssl"`` or ``"plain"``."""
    mailbox = Mailbox()

    def authenticator(
        server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == USER
            and auth_data.password.decode() == PASSWORD
        )
        if ok:
            mailbox.logins.append(auth_data.login.decode())
        return AuthResult(success=ok, handled=False)

    kwargs: dict[str, Any] = {"server_hostname": "localhost", "ready_timeout": 5.0}
    if login:
        kwargs |= {"authenticator": authenticator, "auth_require_tls": True}
    if mode == "starttls":
        kwargs |= {"tls_context": certs.server_context(), "require_starttls": True}
    elif mode == "ssl":
        # aiosmtpd only counts STARTTLS as TLS for auth_require_tls; with implicit TLS the
        # whole session is encrypted, so AUTH may be offered (and it warns about that).
        kwargs |= {"ssl_context": certs.server_context(), "auth_require_tls": False}
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS")
        controller = _LoopbackController(_Handler(mailbox), **kwargs)
    controller.start()
    try:
        yield Server(controller.port, mailbox)
    finally:
        controller.stop()


def test_the_certificate_verifies_for_loopback(tmp_path: Path) -> None:
    certs = make_certificates(tmp_path)
    server_side = certs.server_context()
    client_side = certs.client_context()
    assert client_side.verify_mode == ssl.CERT_REQUIRED
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def greet(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"hello")
        writer.close()

    async def exchange() -> bytes:
        server = await asyncio.start_server(greet, sock=listener, ssl=server_side)
        async with server:
            reader, writer = await asyncio.open_connection(
                "127.0.0.1", port, ssl=client_side, server_hostname="127.0.0.1"
            )
            data = await reader.read()
            writer.close()
            return data

    assert asyncio.run(exchange()) == b"hello"


def test_a_context_without_the_ca_rejects_the_test_server(tmp_path: Path) -> None:
    certs = make_certificates(tmp_path)
    with (
        running_smtp_server(certs, "ssl") as server,
        pytest.raises(ssl.SSLCertVerificationError),
        socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw,
    ):
        ssl.create_default_context().wrap_socket(raw, server_hostname="127.0.0.1")
