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
from followup_desktop.core.i18n import _


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
    reading: bool,
    chained_timeout: bool = False,
) -> tuple[MailErrorKind, str] | None:
    """The kind and sentence for a TLS failure or a timeout; None for anything else.

    ``reading`` says which side is speaking: the mailbox (IMAP, "nothing was read", ports
    993 and 143) or sending (SMTP, "nothing was sent", ports 465 and 587); each has its own
    whole sentences, so that a language can say them its own way. With
    ``chained_timeout`` an error raised while handling a timeout counts as one (smtplib
    turns a read timeout into SMTPServerDisconnected).
    """
    where = f"{host}:{port}"
    if isinstance(error, ssl.SSLCertVerificationError):
        text = (
            _(
                "The certificate of {host} could not be verified ({reason}). Check that the "
                "server name is exactly what your provider gives; nothing was read."
            )
            if reading
            else _(
                "The certificate of {host} could not be verified ({reason}). Check that the "
                "server name is exactly what your provider gives; nothing was sent."
            )
        )
        return MailErrorKind.TLS, text.format(
            host=host, reason=error.verify_message or error.reason
        )
    if isinstance(error, ssl.SSLError):
        text = (
            _(
                "An encrypted connection to {where} could not be set up ({reason}). Port 993 "
                "usually needs SSL and port 143 STARTTLS; check the security setting."
            )
            if reading
            else _(
                "An encrypted connection to {where} could not be set up ({reason}). Port 465 "
                "usually needs SSL and port 587 STARTTLS; check the security setting."
            )
        )
        return MailErrorKind.TLS, text.format(where=where, reason=error.reason)
    timed_out = chained_timeout and isinstance(error.__context__, TimeoutError)
    if isinstance(error, TimeoutError | socket.timeout) or timed_out:
        from followup_desktop.core.localformat import number

        text = (
            _(
                "The mail server at {where} did not answer within {seconds} seconds. "
                "Check your internet connection and the port, then try again."
            )
            if reading
            else _(
                "The server at {where} did not answer within {seconds} seconds. "
                "Check your internet connection and the port, then try again."
            )
        )
        return MailErrorKind.TIMEOUT, text.format(where=where, seconds=number(timeout))
    return None
