"""vCard 3.0 and 4.0 (RFC 2426, RFC 6350): read address-book cards, write version 3.0.

Only what Followup keeps about a person is read: FN, N, ORG, TITLE, ROLE, EMAIL, TEL,
URL, NOTE, CATEGORIES and UID. Folded lines, escaped commas, semicolons and line
breaks, ``TYPE`` and ``PREF`` parameters and the ``item1.`` groups Apple writes are all
understood. Written cards are version 3.0, the version every address book reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from followup_desktop.core.errors import ImportFormatError
from followup_desktop.core.i18n import _


@dataclass(frozen=True)
class Card:
    """One person from a vCard (or written to one)."""

    name: str
    company: str = ""
    title: str = ""
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    url: str = ""
    note: str = ""
    categories: tuple[str, ...] = ()
    uid: str = ""
    line: int = 0  # where the card begins in the file, for messages

    @property
    def email(self) -> str:
        """The first (preferred) e-mail address, or ""."""
        return self.emails[0] if self.emails else ""

    @property
    def phone(self) -> str:
        """The first (preferred) phone number, or ""."""
        return self.phones[0] if self.phones else ""


def _unfold(text: str) -> list[tuple[int, str]]:
    """Content lines with their first line number; a line starting with a space or tab
    continues the previous one."""
    lines: list[tuple[int, str]] = []
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        if raw[:1] in {" ", "\t"} and lines:
            lines[-1] = (lines[-1][0], lines[-1][1] + raw[1:])
        elif raw.strip():
            lines.append((number, raw))
    return lines


def _unescape(value: str) -> str:
    return re.sub(r"\\([\\,;nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def _split(value: str, separator: str) -> list[str]:
    """Split on unescaped separators, then unescape each part."""
    parts = re.split(r"(?<!\\)" + re.escape(separator), value)
    return [_unescape(part) for part in parts]


def _parse_line(line: str) -> tuple[str, dict[str, str], str]:
    head, sep, value = line.partition(":")
    if not sep:
        return "", {}, ""
    name, *params = head.split(";")
    name = name.split(".")[-1].upper()  # "item1.EMAIL" -> EMAIL
    parameters: dict[str, str] = {}
    for param in params:
        key, _equals, text = param.partition("=")
        parameters[key.upper()] = text.strip('"').lower() if text else key.lower()
    return name, parameters, value


def _preferred(values: list[tuple[bool, str]]) -> tuple[str, ...]:
    ordered = sorted(values, key=lambda item: not item[0])
    return tuple(dict.fromkeys(value for _order, value in ordered if value))


@dataclass
class _Draft:
    line: int
    fn: str = ""
    n: str = ""
    company: str = ""
    title: str = ""
    url: str = ""
    note: str = ""
    uid: str = ""
    emails: list[tuple[bool, str]] = field(default_factory=list)
    phones: list[tuple[bool, str]] = field(default_factory=list)
    categories: tuple[str, ...] = ()

    def add(self, name: str, params: dict[str, str], value: str) -> None:
        """Take one property into the card."""
        preferred = "pref" in params.get("TYPE", "") or params.get("PREF", "") == "1"
        text = _unescape(value).strip()
        if name == "N":
            parts = [*_split(value, ";"), "", "", ""]
            self.n = " ".join(
                part.strip() for part in (parts[1], parts[2], parts[0]) if part.strip()
            )
        elif name == "ORG":
            self.company = _split(value, ";")[0].strip()
        elif name in {"TITLE", "ROLE"}:
            self.title = self.title or text
        elif name == "EMAIL":
            self.emails.append((preferred, text.removeprefix("mailto:")))
        elif name == "TEL":
            self.phones.append((preferred, text.removeprefix("tel:")))
        elif name == "CATEGORIES":
            self.categories = tuple(p.strip() for p in _split(value, ",") if p.strip())
        elif name in {"FN", "URL", "NOTE", "UID"}:
            attribute = name.lower()
            if not getattr(self, attribute):
                setattr(self, attribute, text)

    def card(self) -> Card:
        emails = _preferred(self.emails)
        name = self.fn or self.n or (emails[0] if emails else "")
        if not name:
            raise ImportFormatError(
                _(
                    "The card that begins on line {line} has no name (FN) and no e-mail; give "
                    "it a name in your address book."
                ).format(line=self.line),
                "file",
            )
        return Card(
            name=name,
            company=self.company,
            title=self.title,
            emails=emails,
            phones=_preferred(self.phones),
            url=self.url,
            note=self.note,
            categories=self.categories,
            uid=self.uid,
            line=self.line,
        )


def read_vcards(text: str) -> list[Card]:
    """Every card in ``text``; a card without a name or a broken file is refused."""
    cards: list[Card] = []
    current: _Draft | None = None
    for number, line in _unfold(text):
        name, params, value = _parse_line(line)
        if name == "BEGIN" and value.strip().upper() == "VCARD":
            current = _Draft(number)
        elif current is None:
            if not name:
                raise ImportFormatError(
                    _(
                        "Line {line} is not part of a vCard; a .vcf file holds cards from "
                        "BEGIN:VCARD to END:VCARD."
                    ).format(line=number),
                    "file",
                )
        elif name == "END":
            cards.append(current.card())
            current = None
        else:
            current.add(name, params, value)
    if current is not None:
        raise ImportFormatError(
            _(
                "The card that begins on line {line} has no END:VCARD; the file is cut short. "
                "Export the contacts again."
            ).format(line=current.line),
            "file",
        )
    return cards


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets folded as RFC 6350 says, never inside a character."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    pieces: list[str] = []
    current, size = "", 0
    for character in line:
        width = len(character.encode("utf-8"))
        if size + width > (75 if not pieces else 74):
            pieces.append(current)
            current, size = "", 0
        current += character
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def _name_parts(name: str) -> str:
    words = name.split()
    if len(words) < 2:
        return f"{_escape(name)};;;;"
    return f"{_escape(words[-1])};{_escape(' '.join(words[:-1]))};;;"


def write_vcards(cards: Sequence[Card] | Iterable[Card]) -> str:
    """``cards`` as a vCard 3.0 file (CRLF line ends, folded, escaped)."""
    out: list[str] = []
    for card in cards:
        lines = [
            "BEGIN:VCARD",
            "VERSION:3.0",
            f"FN:{_escape(card.name)}",
            f"N:{_name_parts(card.name)}",
        ]
        if card.company:
            lines.append(f"ORG:{_escape(card.company)}")
        if card.title:
            lines.append(f"TITLE:{_escape(card.title)}")
        lines += [f"EMAIL;TYPE=INTERNET:{_escape(email)}" for email in card.emails]
        lines += [f"TEL;TYPE=VOICE:{_escape(phone)}" for phone in card.phones]
        if card.url:
            lines.append(f"URL:{_escape(card.url)}")
        if card.note:
            lines.append(f"NOTE:{_escape(card.note)}")
        if card.categories:
            lines.append("CATEGORIES:" + ",".join(_escape(item) for item in card.categories))
        if card.uid:
            lines.append(f"UID:{_escape(card.uid)}")
        lines.append("END:VCARD")
        out += [_fold(line) for line in lines]
    return "".join(line + "\r\n" for line in out)
