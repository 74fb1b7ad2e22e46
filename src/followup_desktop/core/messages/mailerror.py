"""The one shape of a mail failure, sending or reading: a plain sentence and a kind.

Sending (SMTP) and reading (IMAP) fail in the same ways at the transport: a certificate
that cannot be verified, a handshake that fails, a server that does not answer in time.
Both raise a :class:`MailError` subclass whose message is written for the person and
whose ``kind`` is for the program; the sentences for those shared failures are made here
once, with the words that differ (what was not done, which ports go with which security)
passed in.
"""

from __future__ import annotations

import enum
import socket
import ssl

from followup_desktop.core.errors import FollowupError


class MailErrorKind(enum.StrEnum):
    """What kind of thing went wrong, for tests and for choosing what to offer next."""

    LOGIN = "login"
    NOT_FOUND = "not_found"
    UNREACHABLE = "unreachable"
    TLS = "tls"
    TIMEOUT = "timeout"
    REFUSED = "refused"
    CANCELLED = "cancelled"
    SERVER = "server"
    #: A 4xx SMTP reply: the server cannot take the message now but may later.
    TEMPORARY = "temporary"
    #: The connection dropped in the middle of reading the mailbox.
    CONNECTION_LOST = "connection_lost"


class MailError(FollowupError):
    """A mail server conversation failed; ``str()`` is for the person, ``kind`` for code."""

    def __init__(self, kind: MailErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def verifying_context(context: ssl.SSLContext | None) -> ssl.SSLContext:
    """The given TLS context, or the system's; one that does not verify is refused."""
    if context is None:
        return ssl.create_default_context()
    if context.verify_mode != ssl.CERT_REQUIRED or not context.check_hostname:
        raise ValueError("an SSL context that does not verify the server is not allowed")
    return context


def transport_failure(
    error: BaseException,
    host: str,
    port: int,
    timeout: float,
    *,
    server: str,
    undone: str,
    ports: str,
    chained_timeout: bool = False,
) -> tuple[MailErrorKind, str] | None:
    """The kind and sentence for a TLS failure or a timeout; None for anything else.

    ``server`` names the other side ("The server", "The mail server"), ``undone`` says
    what did not happen ("nothing was sent") and ``ports`` which port wants which
    security ("Port 465 usually needs SSL and port 587 STARTTLS"). With
    ``chained_timeout`` an error raised while handling a timeout counts as one (smtplib
    turns a read timeout into SMTPServerDisconnected).
    """
    where = f"{host}:{port}"
    if isinstance(error, ssl.SSLCertVerificationError):
        return (
            MailErrorKind.TLS,
            f"The certificate of {host} could not be verified "
            f"({error.verify_message or error.reason}). Check that the server name is "
            f"exactly what your provider gives; {undone}.",
        )
    if isinstance(error, ssl.SSLError):
        return (
            MailErrorKind.TLS,
            f"An encrypted connection to {where} could not be set up ({error.reason}). "
            f"{ports}; check the security setting.",
        )
    timed_out = chained_timeout and isinstance(error.__context__, TimeoutError)
    if isinstance(error, TimeoutError | socket.timeout) or timed_out:
        return (
            MailErrorKind.TIMEOUT,
            f"{server} at {where} did not answer within {timeout:g} seconds. "
            "Check your internet connection and the port, then try again.",
        )
    return None
