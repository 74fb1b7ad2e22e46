"""Sending mail over SMTP with ``smtplib``: always encrypted, always verified.

Implicit TLS (``SSL``) or ``STARTTLS``; never plain text, and the server's certificate
and host name are always checked (``ssl.create_default_context()``). Tests may pass
their own context to trust a test certificate, but a context that does not verify is
refused. Every failure becomes a :class:`SendError` whose message says in plain words
what went wrong and what to check. Blocking by nature: the GUI runs it on a worker
thread and may call :meth:`SmtpSender.cancel` from another thread.
"""

from __future__ import annotations

import base64
import contextlib
import smtplib
import socket
import ssl
import threading
from collections.abc import Callable
from email.message import EmailMessage

from followup_desktop.core.i18n import _
from followup_desktop.core.messages.account import EmailAccount, Security
from followup_desktop.core.messages.mailerror import (
    MailError,
    MailErrorKind,
    transport_failure,
    verifying_context,
)

DEFAULT_TIMEOUT = 30.0
Progress = Callable[[str], None]


# One kind for every mail failure; the name stays for the code that sends.
SendErrorKind = MailErrorKind


class SendError(MailError):
    """Sending failed; the message is written for the person, ``kind`` for the program."""


def _reply_text(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return " ".join(text.split())


_KEPT = _("Nothing was sent; the message stays in the composer.")


def _reply_codes(error: BaseException) -> list[int]:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return [code for code, _reply in error.recipients.values()]
    if isinstance(error, smtplib.SMTPResponseException):
        return [error.smtp_code]
    return []


def _temporary_reply(error: BaseException, where: str) -> SendError | None:
    """The advice for a 4xx reply (RFC 5321 4.2.1: try again later), or None for others.

    421 means the server is busy or shutting down, 452 (and 4.2.2) that a mailbox or the
    server's storage is full; a 5xx reply is permanent and handled by the caller.
    """
    codes = _reply_codes(error)
    if not codes or not all(400 <= code < 500 for code in codes):
        return None
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        details = ", ".join(
            f"{address} ({code} {_reply_text(reply)})"
            for address, (code, reply) in error.recipients.items()
        )
        replies = " ".join(_reply_text(reply) for _code, reply in error.recipients.values())
    else:
        assert isinstance(error, smtplib.SMTPResponseException)
        replies = _reply_text(error.smtp_error)
        details = f"{error.smtp_code} {replies}"
    if 421 in codes:
        advice = _(
            "The server at {where} is busy or closing for maintenance ({details}). This is "
            "temporary: try again in a few minutes."
        ).format(where=where, details=details)
    elif 452 in codes or " 4.2.2" in f" {replies}":
        full = (
            _(
                "The server cannot take the message now: the recipient's mailbox is full or "
                "the server is short of storage ({details}). This is temporary: try again "
                "later, in a few hours, or write to another address."
            )
            if isinstance(error, smtplib.SMTPRecipientsRefused)
            else _(
                "The server cannot take the message now: a mailbox is full or the server is "
                "short of storage ({details}). This is temporary: try again later, in a few "
                "hours, or write to another address."
            )
        )
        advice = full.format(details=details)
    else:
        advice = _(
            "The server cannot take the message right now ({details}). This is temporary: "
            "try again later."
        ).format(details=details)
    return SendError(SendErrorKind.TEMPORARY, f"{advice} {_KEPT}")


def _explain(error: BaseException, account: EmailAccount, timeout: float) -> SendError:  # noqa: PLR0911, PLR0912 - one answer per failure
    where = f"{account.host}:{account.port}"
    if isinstance(error, SendError):
        return error
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return SendError(
            SendErrorKind.LOGIN,
            _(
                "The server refused the user name or password ({reply}). Check them in "
                "Settings → Email account; some providers need an app password instead of "
                "your normal one."
            ).format(reply=f"{error.smtp_code} {_reply_text(error.smtp_error)}"),
        )
    temporary = _temporary_reply(error, where)
    if temporary is not None:
        return temporary
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        refused = ", ".join(
            f"{address} ({code} {_reply_text(reply)})"
            for address, (code, reply) in error.recipients.items()
        )
        return SendError(
            SendErrorKind.REFUSED,
            _(
                "The server refused these recipients for good: {refused}. Check the "
                "addresses; sending again unchanged will not help."
            ).format(refused=refused),
        )
    if isinstance(error, smtplib.SMTPSenderRefused):
        return SendError(
            SendErrorKind.REFUSED,
            _(
                "The server would not send from {sender} ({reply}). Use the From address your "
                "account may send as."
            ).format(
                sender=repr(error.sender),
                reply=f"{error.smtp_code} {_reply_text(error.smtp_error)}",
            ),
        )
    if isinstance(error, smtplib.SMTPDataError):
        return SendError(
            SendErrorKind.REFUSED,
            _("The server refused the message ({reply}). Nothing was sent.").format(
                reply=f"{error.smtp_code} {_reply_text(error.smtp_error)}"
            ),
        )
    if isinstance(error, smtplib.SMTPNotSupportedError):
        text = str(error)
        if "STARTTLS" in text.upper():
            return SendError(
                SendErrorKind.TLS,
                _(
                    "The server at {where} does not offer STARTTLS, and Followup never sends "
                    "without encryption. Check the port, or choose SSL (usually port 465)."
                ).format(where=where),
            )
        return SendError(
            SendErrorKind.LOGIN,
            _(
                "The server at {where} does not accept a login on this connection ({text}). "
                "Check the port and security setting with your provider."
            ).format(where=where, text=text),
        )
    transport = transport_failure(
        error,
        account.host,
        account.port,
        timeout,
        reading=False,
        chained_timeout=True,
    )
    if transport is not None:
        return SendError(*transport)
    if isinstance(error, socket.gaierror):
        return SendError(
            SendErrorKind.NOT_FOUND,
            _(
                "The server {host} could not be found. Check the name in Settings → Email "
                "account and your internet connection."
            ).format(host=repr(account.host)),
        )
    if isinstance(error, ConnectionRefusedError):
        return SendError(
            SendErrorKind.UNREACHABLE,
            _(
                "The server at {where} refused the connection. Check the port "
                "(usually 465 for SSL or 587 for STARTTLS)."
            ).format(where=where),
        )
    if isinstance(error, smtplib.SMTPServerDisconnected | ConnectionError):
        return SendError(
            SendErrorKind.SERVER,
            _(
                "The server at {where} closed the connection unexpectedly. Check the port and "
                "security setting, then try again."
            ).format(where=where),
        )
    if isinstance(error, smtplib.SMTPResponseException):
        return SendError(
            SendErrorKind.SERVER,
            _("The server answered with an error ({reply}). Try again later.").format(
                reply=f"{error.smtp_code} {_reply_text(error.smtp_error)}"
            ),
        )
    if isinstance(error, OSError):
        reason = error.strerror or str(error)
        return SendError(
            SendErrorKind.UNREACHABLE,
            _(
                "The server at {where} could not be reached ({reason}). Check your internet "
                "connection."
            ).format(where=where, reason=reason),
        )
    return SendError(SendErrorKind.SERVER, _("Sending failed: {error}.").format(error=error))


def _login(smtp: smtplib.SMTP, username: str, password: str) -> None:
    if (username + password).isascii():
        smtp.login(username, password)
        return
    # smtplib encodes credentials as ASCII; AUTH PLAIN is defined over UTF-8 (RFC 4616),
    # so a password with accents or symbols goes that way instead of failing.
    if not smtp.has_extn("auth"):
        raise smtplib.SMTPNotSupportedError("SMTP AUTH extension not supported by server.")
    if "PLAIN" not in smtp.esmtp_features.get("auth", "").upper().split():
        raise SendError(
            SendErrorKind.LOGIN,
            _(
                "Your user name or password contains characters beyond plain ASCII, and this "
                "server offers no login method that can carry them. Ask your provider for an "
                "app password, or change the password."
            ),
        )
    token = base64.b64encode(f"\0{username}\0{password}".encode()).decode("ascii")
    code, reply = smtp.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


class SmtpSender:
    """One connection's worth of work: test a login, or send one message.

    ``cancel()`` may be called from any thread; it shuts the socket down so a blocked
    read returns at once, and the operation raises a ``CANCELLED`` :class:`SendError`.
    """

    def __init__(
        self,
        account: EmailAccount,
        password: str | None,
        *,
        ssl_context: ssl.SSLContext | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.account = account
        self._password = password
        self._context = verifying_context(ssl_context)
        self.timeout = timeout
        self._cancelled = threading.Event()
        self._lock = threading.Lock()
        self._smtp: smtplib.SMTP | None = None
        self._handing_over = False

    def __repr__(self) -> str:  # never show the password, even in a traceback
        return f"SmtpSender({self.account.host}:{self.account.port}, {self.account.security})"

    @property
    def cancelled(self) -> bool:
        """True once :meth:`cancel` was called."""
        return self._cancelled.is_set()

    def cancel(self) -> None:
        """Stop as soon as possible (safe to call from another thread)."""
        self._cancelled.set()
        with self._lock:
            smtp = self._smtp
        sock = getattr(smtp, "sock", None) if smtp is not None else None
        if sock is not None:
            # Already closed means nothing is left to interrupt.
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def _step(self, progress: Progress | None, text: str) -> None:
        if self._cancelled.is_set():
            raise SendError(SendErrorKind.CANCELLED, _("Sending was cancelled; nothing was sent."))
        if progress is not None:
            progress(text)

    def _connect(self, progress: Progress | None) -> smtplib.SMTP:
        account = self.account
        self._step(progress, _("Connecting to {host}…").format(host=account.host))
        smtp: smtplib.SMTP
        if account.security is Security.SSL:
            smtp = smtplib.SMTP_SSL(timeout=self.timeout, context=self._context)
        else:
            smtp = smtplib.SMTP(timeout=self.timeout)
        with self._lock:
            self._smtp = smtp
        # Connect as a separate step so cancel() can reach the socket while the greeting or
        # the handshake is slow. smtplib reads the name to check the certificate against
        # from ``_host``, which only its constructor sets when it connects there itself.
        smtp._host = account.host  # type: ignore[attr-defined]  # private in typeshed
        smtp.connect(account.host, account.port)
        # A cancel that came before the socket existed had nothing to shut down; without
        # this look the greeting below would wait for the whole timeout.
        self._step(None, "")
        smtp.ehlo()
        if account.security is Security.STARTTLS:
            self._step(progress, _("Starting encryption…"))
            smtp.starttls(context=self._context)
            smtp.ehlo()
        if self._password is not None and account.username:
            self._step(progress, _("Logging in…"))
            _login(smtp, account.username, self._password)
        return smtp

    def _run(self, work: Callable[[smtplib.SMTP], None], progress: Progress | None) -> None:
        try:
            smtp = self._connect(progress)
            work(smtp)
            # The work is done; a server that hangs up early changes nothing.
            with contextlib.suppress(smtplib.SMTPException, OSError):
                smtp.quit()
        except BaseException as error:
            if self._cancelled.is_set():
                if self._handing_over:
                    raise SendError(
                        SendErrorKind.CANCELLED,
                        _(
                            "Sending was cancelled while the message was being handed over; "
                            "the server may have received it. Check before sending it again."
                        ),
                    ) from None
                raise SendError(
                    SendErrorKind.CANCELLED, _("Sending was cancelled; nothing was sent.")
                ) from None
            if isinstance(error, KeyboardInterrupt | SystemExit):
                raise
            raise _explain(error, self.account, self.timeout) from None
        finally:
            # _connect() files the connection as soon as it exists, so one that failed
            # half-way (say at login) is closed here too.
            with self._lock:
                opened, self._smtp = self._smtp, None
            if opened is not None:
                opened.close()

    def test_connection(self, progress: Progress | None = None) -> None:
        """Connect, encrypt and log in, then hang up; raise :class:`SendError` on failure."""

        def work(smtp: smtplib.SMTP) -> None:
            smtp.noop()

        self._run(work, progress)

    def send(self, message: EmailMessage, progress: Progress | None = None) -> None:
        """Send one message; raise :class:`SendError` (nothing sent) on failure."""

        def work(smtp: smtplib.SMTP) -> None:
            self._step(progress, _("Sending the message…"))
            self._handing_over = True
            smtp.send_message(message)
            if progress is not None:
                progress(_("Sent."))

        self._run(work, progress)
