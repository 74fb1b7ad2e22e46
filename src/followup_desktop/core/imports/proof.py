"""The proof-of-search log: every application in a period, as job centres ask for it.

Benefit offices (Germany's "Nachweis der Eigenbemühungen", US states' weekly work-search
logs) want, per application: the date, the employer with an address or a contact, the
position, how one applied (online, e-mail, letter, in person, phone) and the result so
far. :func:`proof_of_search` produces those rows from the database; the faces render
them (CSV here, PDF with Qt in the window and the command line).

An application's date is the day its opportunity first entered a stage past the
wishlist; a saved job never applied to is not an application.
"""

from __future__ import annotations

import codecs
import csv
import gc
import io
import re
from dataclasses import dataclass
from datetime import date, tzinfo
from functools import cache

from sqlalchemy.orm import Session

from followup_desktop.core import localformat
from followup_desktop.core.errors import ValidationError
from followup_desktop.core.i18n import _
from followup_desktop.core.imports.records import Person, Record, load_records
from followup_desktop.core.models import ContactRole, StageKind
from followup_desktop.core.timeutil import local_zone, utcnow

# Kinds that mean the person had applied (a withdrawal or a close straight from the
# wishlist does not).
_APPLIED_KINDS = frozenset(
    {StageKind.ACTIVE, StageKind.FINAL, StageKind.OFFER, StageKind.ACCEPTED, StageKind.REJECTED}
)
_METHODS: tuple[tuple[str, str], ...] = (
    (r"e-?mail|\bmail\b", "E-mail"),
    (r"letter|\bpost\b|brief|courrier", "Letter"),
    (r"in person|walk-?in|\bfair\b|messe|persönlich", "In person"),
    (r"phone|\bcall\b|telefon", "Phone"),
    (r"referr|referral|empfehlung|recommend", "Referral"),
    (
        r"linkedin|indeed|xing|glassdoor|stepstone|monster|online|web|portal|career|"
        r"karriere|board|huntr|teal|simplify|jobsync|greenhouse|lever|workday",
        "Online",
    ),
)
_CONTACT_ORDER = {
    ContactRole.HR: 0,
    ContactRole.RECRUITER: 1,
    ContactRole.INTERVIEWER: 2,
    ContactRole.INSIDE_CONTACT: 3,
    ContactRole.REFERRER: 4,
    ContactRole.REFERENCE: 5,
}
# How one applied, in the person's language (the patterns above read any of them).
_METHOD_WORDS = {
    "E-mail": _("E-mail"),
    "Letter": _("Letter"),
    "In person": _("In person"),
    "Phone": _("Phone"),
    "Referral": _("Referral"),
    "Online": _("Online"),
}
CSV_HEADER = (
    "Date applied",
    "Employer",
    "Employer contact or address",
    "Position",
    "How applied",
    "Stage history",
    "Result so far",
    "Posting link",
)


@dataclass(frozen=True)
class ProofRow:
    """One application as the log lists it."""

    opportunity_id: int
    applied_on: date
    employer: str
    contact: str
    position: str
    method: str
    history: tuple[tuple[date, str], ...]
    result: str
    link: str

    @property
    def history_text(self) -> str:
        """The stage history in one line ("03 Aug 2026 Applied → 10 Aug 2026 Screening")."""
        return " → ".join(f"{day_text(day)} {stage}" for day, stage in self.history)

    def cells(self) -> tuple[str, ...]:
        """The row's cells in :data:`CSV_HEADER` order."""
        return (
            self.applied_on.isoformat(),
            self.employer,
            self.contact,
            self.position,
            self.method,
            self.history_text,
            self.result,
            self.link,
        )


@dataclass(frozen=True)
class ProofLog:
    """The applications of a period, oldest first."""

    start: date
    end: date
    made_on: date
    rows: tuple[ProofRow, ...]

    @property
    def period_text(self) -> str:
        """The period in words ("01 Jan 2026 to 31 Dec 2026")."""
        return _("{start} to {end}").format(start=day_text(self.start), end=day_text(self.end))

    def csv_bytes(self) -> bytes:
        """The log as a CSV file (UTF-8 with BOM, so Excel shows accents right)."""
        from followup_desktop.core.imports.spreadsheet import guard

        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(CSV_HEADER)
        for row in self.rows:
            writer.writerow([guard(cell) for cell in row.cells()])
        return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


def day_text(day: date) -> str:
    """A date as the log writes it, in the person's language: "Aug 3, 2026" (en_US),
    "03.08.2026" (de_DE), "3 août 2026" (fr_FR); no order a reader could take the wrong way.

    Cached by :mod:`~followup_desktop.core.localformat`: a year's log writes the same few
    hundred days tens of thousands of times.
    """
    return localformat.medium_date(day)


def how_applied(source: str, link: str) -> str:
    """How one applied, in the words the forms use, with the source kept beside it."""
    return _how_applied(source.strip(), bool(link))


@cache
def _how_applied(cleaned: str, has_link: bool) -> str:
    # Cached: a log has thousands of rows and a handful of sources, each matched against
    # every pattern.
    for pattern, label in _METHODS:
        if re.search(pattern, cleaned.casefold()):
            shown = _METHOD_WORDS.get(label, label)
            return (
                shown
                if cleaned.casefold() in (label.casefold(), shown.casefold())
                else (f"{shown} ({cleaned})")
            )
    if cleaned:
        return cleaned
    return _METHOD_WORDS["Online"] if has_link else _("Not recorded")


def _contact_text(people: tuple[Person, ...], location: str) -> str:
    if not people:
        return location
    person = min(people, key=lambda item: _CONTACT_ORDER.get(item.role, 9))
    name = f"{person.name}, {person.title}" if person.title else person.name
    reach = ", ".join(part for part in (person.email, person.phone) if part)
    text = f"{name} ({reach})" if reach else name
    return f"{text}; {location}" if location else text


def _result(record: Record, tz: tzinfo) -> str:
    since = day_text(record.stage_since.astimezone(tz).date())
    kind = record.stage_kind
    if kind is StageKind.OFFER:
        return _("Offer received ({since})").format(since=since)
    if kind is StageKind.ACCEPTED:
        return _("Offer accepted ({since})").format(since=since)
    if kind is StageKind.REJECTED:
        return _("Rejected ({since})").format(since=since)
    if kind is StageKind.WITHDRAWN:
        return _("Withdrawn ({since})").format(since=since)
    if kind is StageKind.CLOSED:
        return _("Closed: {stage} ({since})").format(stage=record.stage, since=since)
    return _("Open: {stage}").format(stage=record.stage)


def _applied_on(record: Record, tz: tzinfo) -> date | None:
    for entry in record.history:
        if entry.kind in _APPLIED_KINDS:
            return entry.at.astimezone(tz).date()
        if entry.kind is not StageKind.PROSPECT:
            return None  # withdrawn or closed before ever applying
    if not record.history and record.stage_kind in _APPLIED_KINDS:
        return record.created_at.astimezone(tz).date()
    return None


def proof_of_search(
    session: Session,
    start: date,
    end: date,
    *,
    tz: tzinfo | None = None,
    made_on: date | None = None,
) -> ProofLog:
    """Every application from ``start`` to ``end`` (both included)."""
    if end < start:
        raise ValidationError(
            _("The period ends ({end}) before it starts ({start}).").format(
                end=end.isoformat(), start=start.isoformat()
            ),
            "to",
        )
    zone = tz or local_zone()
    # Tens of thousands of small records and tuples, none of them garbage: the cyclic
    # collector would re-scan them over and over (a fifth of the time at 10,000).
    collecting = gc.isenabled()
    gc.disable()
    try:
        rows = _rows(session, start, end, zone)
    finally:
        if collecting:
            gc.enable()
    made = made_on or utcnow().astimezone(zone).date()
    return ProofLog(start, end, made, tuple(rows))


def _rows(session: Session, start: date, end: date, zone: tzinfo) -> list[ProofRow]:
    rows: list[ProofRow] = []
    for record in load_records(session, with_notes=False):
        applied = _applied_on(record, zone)
        if applied is None or not start <= applied <= end:
            continue
        rows.append(
            ProofRow(
                opportunity_id=record.id,
                applied_on=applied,
                employer=record.company,
                contact=_contact_text(record.people, record.location),
                position=record.role,
                method=how_applied(record.source, record.link),
                history=tuple(
                    (entry.at.astimezone(zone).date(), entry.stage)
                    for entry in record.history
                    if entry.kind is not StageKind.PROSPECT
                ),
                result=_result(record, zone),
                link=record.link,
            )
        )
    rows.sort(key=lambda row: (row.applied_on, row.employer.casefold(), row.opportunity_id))
    return rows


def parse_day(text: str, what: str) -> date:
    """A date typed as YYYY-MM-DD (for --from and --to)."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(
            _("The {option} date {text} is not a date like 2026-01-31.").format(
                option=what, text=repr(text)
            ),
            what,
        ) from None
