"""Turning raw mail into what Followup needs: who, when, subject, plain text, invitation.

Everything goes through the standard library's ``email`` package with
``policy.default``, which decodes encoded names (``=?utf-8?q?...?=``), quoted-printable
and base64 bodies and character sets. A message with only an HTML body is reduced to
text here, with the standard HTML parser: no markup ever leaves this module, and nothing
in the HTML (images, links, scripts) is fetched or run.
"""

from __future__ import annotations

import email
import email.utils
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from html.parser import HTMLParser

# Elements whose content is never text for a person.
_SKIPPED = frozenset({"script", "style", "head", "title", "template"})
_BLOCKS = frozenset(
    {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table"}
)
MAX_TEXT = 20_000


@dataclass(frozen=True, slots=True)
class Address:
    """One person on a message: display name (decoded) and lower-case address."""

    name: str
    email: str

    @property
    def domain(self) -> str:
        """The part after the @."""
        return self.email.rsplit("@", 1)[-1]


@dataclass(frozen=True, slots=True)
class Headers:
    """The header fields a scan reads for every message in range."""

    message_id: str
    sender: Address | None
    recipients: tuple[Address, ...]
    date: datetime | None
    subject: str


@dataclass(frozen=True, slots=True)
class ParsedMessage:
    """A message read in full: its headers, plain text and attached invitations."""

    headers: Headers
    text: str
    invitations: tuple[bytes, ...]
    attachment_names: tuple[str, ...]


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skip += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """The readable text of an HTML body, paragraphs kept as lines."""
    extractor = _TextExtractor()
    extractor.feed(markup)
    extractor.close()
    text = "".join(extractor.parts)  # character references already decoded
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _addresses(values: list[str]) -> tuple[Address, ...]:
    found = []
    for name, raw in email.utils.getaddresses(values):
        address = raw.strip().lower()
        if "@" in address:
            found.append(Address(" ".join(name.split()), address))
    return tuple(found)


def _header(message: EmailMessage, name: str) -> str:
    try:
        value = message.get(name)
    except (ValueError, TypeError, IndexError):
        # A header the strict parser cannot read: fall back to its raw text.
        raw = message.get_all(name, failobj=[])
        value = raw[0] if raw else None
    return "" if value is None else " ".join(str(value).split())


def _date(text: str) -> datetime | None:
    if not text:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def normalise_message_id(value: str) -> str:
    """A Message-ID compared as the same whatever its brackets and spacing."""
    return value.strip().strip("<>").strip().lower()


def read_headers(data: bytes) -> Headers:
    """The header fields of a message (or of just its header block)."""
    message = email.message_from_bytes(data, policy=policy.default)
    assert isinstance(message, EmailMessage)  # policy.default always builds these
    return _headers_of(message)


def _headers_of(message: EmailMessage) -> Headers:
    senders = _addresses([_header(message, "From")])
    recipients = _addresses([_header(message, "To"), _header(message, "Cc")])
    return Headers(
        message_id=normalise_message_id(_header(message, "Message-ID")),
        sender=senders[0] if senders else None,
        recipients=recipients,
        date=_date(_header(message, "Date")),
        subject=_header(message, "Subject"),
    )


def _content(part: EmailMessage) -> str:
    try:
        content = part.get_content()
    except (LookupError, ValueError, AssertionError):
        # An unknown charset or a broken transfer encoding: read what can be read.
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    return content if isinstance(content, str) else ""


def read_message(data: bytes) -> ParsedMessage:
    """A whole message: headers, the text a person wrote, and invitations attached."""
    message = email.message_from_bytes(data, policy=policy.default)
    assert isinstance(message, EmailMessage)
    invitations: list[bytes] = []
    names: list[str] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        kind = part.get_content_type()
        filename = part.get_filename()
        if kind == "text/calendar" or (filename or "").lower().endswith(".ics"):
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes) and payload:
                invitations.append(payload)
        if filename:
            names.append(" ".join(filename.split()))
    body = message.get_body(preferencelist=("plain", "html"))
    text = ""
    if isinstance(body, EmailMessage):
        content = _content(body)
        text = html_to_text(content) if body.get_content_type() == "text/html" else content
    text = text.replace("\r\n", "\n").strip()[:MAX_TEXT]
    return ParsedMessage(_headers_of(message), text, tuple(invitations), tuple(names))


def first_lines(text: str, count: int = 3, width: int = 300) -> str:
    """The opening lines a person wrote, without quoted history or blank lines."""
    kept: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(">"):
            continue
        if re.match(r"^(On .+ wrote:|Am .+ schrieb .+:|Le .+ a écrit\s?:)$", stripped):
            break
        kept.append(stripped)
        if len(kept) == count:
            break
    return "\n".join(kept)[:width]
