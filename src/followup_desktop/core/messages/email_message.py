"""Building the email itself with the standard library's ``email`` package.

The SMTP policy gives CRLF line ends and folds headers at 78 characters; display names
and subjects outside ASCII are encoded by the policy (RFC 2047). The body is sent as
7-bit when it is plain ASCII with short lines, and as quoted-printable UTF-8 otherwise,
so no line on the wire is longer than the RFC's limits and no server needs 8BITMIME.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, getaddresses, make_msgid

from followup_desktop.core.errors import ValidationError
from followup_desktop.core.i18n import _
from followup_desktop.core.messages.account import EmailAccount
from followup_desktop.core.validation import email as check_email

MAX_PLAIN_LINE = 78


def parse_recipients(text: str | Sequence[str], field: str = "to") -> list[Address]:
    """Read ``Name <a@b>, c@d`` (or a list of such) into addresses; raise if malformed."""
    items = [text] if isinstance(text, str) else list(text)
    result: list[Address] = []
    for name, address in getaddresses(items):
        if not address:
            continue
        check_email(address, field, _("Recipient"))
        local, _at, domain = address.rpartition("@")
        result.append(Address(display_name=name, username=local, domain=domain))
    return result


def _body_encoding(body: str) -> str:
    lines = body.splitlines() or [""]
    if body.isascii() and max(len(line) for line in lines) <= MAX_PLAIN_LINE:
        return "7bit"
    return "quoted-printable"


def build_message(
    *,
    sender_name: str,
    sender_address: str,
    to: Sequence[Address],
    subject: str,
    body: str,
    date: datetime,
    cc: Sequence[Address] = (),
) -> EmailMessage:
    """A plain-text email with Date and Message-ID, ready for ``smtplib``."""
    if not to:
        raise ValidationError(_("Add at least one recipient with an email address."), "to")
    if any(ch in subject for ch in "\r\n"):
        subject = " ".join(subject.splitlines())
    local, _at, domain = sender_address.rpartition("@")
    message = EmailMessage(policy=SMTP)
    message["From"] = Address(display_name=sender_name, username=local, domain=domain)
    message["To"] = list(to)
    if cc:
        message["Cc"] = list(cc)
    message["Subject"] = subject
    message["Date"] = format_datetime(date)
    message["Message-ID"] = make_msgid(domain=domain or None)
    text = body.replace("\r\n", "\n")
    if not text.endswith("\n"):
        text += "\n"
    message.set_content(text, subtype="plain", charset="utf-8", cte=_body_encoding(text))
    return message


def email_from_account(
    account: EmailAccount,
    *,
    to: str | Sequence[str],
    subject: str,
    body: str,
    date: datetime,
    cc: str | Sequence[str] = (),
) -> EmailMessage:
    """The message as the composer sends it: from the account, to the typed recipients."""
    return build_message(
        sender_name=account.from_name,
        sender_address=account.from_address,
        to=parse_recipients(to, "to"),
        subject=subject,
        body=body,
        date=date,
        cc=parse_recipients(cc, "cc") if cc else (),
    )
