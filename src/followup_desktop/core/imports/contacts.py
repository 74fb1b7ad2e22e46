"""People in and out: LinkedIn's ``Connections.csv`` and vCards in, vCards out.

A contact already known is merged, never duplicated and never silently: by e-mail
first, else by name and company. A merge only fills what the stored contact lacks;
where both say something different the stored value stays and the plan says so. The
plan (:class:`ContactPlan`) is the dry run, and :meth:`FollowupService.import_contacts`
writes exactly it, in one transaction.

Followup keeps no company on a contact (a person's company is the one of the
opportunities they belong to), so an imported company is kept as a first
``Company: ...`` line of the notes, where the merge and the vCard export find it again.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from followup_desktop.core import validation
from followup_desktop.core.errors import ImportFormatError, ValidationError
from followup_desktop.core.fields import CONTACT_TEXT
from followup_desktop.core.files import read_limited
from followup_desktop.core.i18n import _, ngettext
from followup_desktop.core.imports.dedupe import text_key
from followup_desktop.core.imports.formats import normalise_header
from followup_desktop.core.imports.plan import RowProblem
from followup_desktop.core.imports.sheet import MAX_BYTES, decode, read_sheet
from followup_desktop.core.imports.vcard import Card, read_vcards
from followup_desktop.core.models import Contact, ContactRole, Opportunity, OpportunityContact

COMPANY_PREFIX = "Company: "
_ROLE_WORDS = {
    ContactRole.INTERVIEWER: "Interviewer",
    ContactRole.HR: "HR",
    ContactRole.RECRUITER: "Recruiter",
    ContactRole.REFERRER: "Referrer",
    ContactRole.INSIDE_CONTACT: "Inside contact",
    ContactRole.REFERENCE: "Reference",
}
_CSV_COLUMNS = {
    "firstname": "first",
    "lastname": "last",
    "name": "name",
    "fullname": "name",
    "url": "url",
    "profileurl": "url",
    "emailaddress": "email",
    "email": "email",
    "company": "company",
    "position": "title",
    "title": "title",
    "phone": "phone",
    "phonenumber": "phone",
    "connectedon": "connected",
}


class ContactAction(enum.StrEnum):
    """What an import does with one person."""

    CREATE = "create"
    MERGE = "merge"
    SKIP = "skip"


@dataclass(frozen=True)
class ContactEntry:
    """One person of the file and what happens to them. ``fields`` are the contact
    fields to set: all of them for a new contact, the missing ones for a merge."""

    line: int
    action: ContactAction
    name: str
    company: str
    fields: Mapping[str, str] = field(default_factory=dict)
    existing_id: int | None = None
    reason: str = ""
    kept: tuple[str, ...] = ()
    note_lines: tuple[str, ...] = ()  # what a merge adds to the notes

    def as_json(self) -> dict[str, Any]:
        """The entry for ``--json``."""
        data: dict[str, Any] = {
            "line": self.line,
            "action": self.action.value,
            "name": self.name,
            "company": self.company,
            "fields": dict(self.fields),
        }
        if self.existing_id is not None:
            data["contact_id"] = self.existing_id
        if self.reason:
            data["reason"] = self.reason
        if self.kept:
            data["kept"] = list(self.kept)
        return data


@dataclass(frozen=True)
class ContactPlan:
    """Everything a contact import would do."""

    file_name: str
    format_label: str
    entries: tuple[ContactEntry, ...]
    problems: tuple[RowProblem, ...] = ()

    def of(self, action: ContactAction) -> list[ContactEntry]:
        """The entries with ``action``."""
        return [entry for entry in self.entries if entry.action is action]

    @property
    def blocked(self) -> bool:
        """True when the file has problems (nothing is imported then)."""
        return bool(self.problems)

    def summary(self) -> str:
        """How many people are added, merged and already known."""
        return _(
            "{added} added, {merged} merged into contacts you have, {known} already known"
        ).format(
            added=len(self.of(ContactAction.CREATE)),
            merged=len(self.of(ContactAction.MERGE)),
            known=len(self.of(ContactAction.SKIP)),
        )

    def describe(self) -> list[str]:
        """The dry run in words."""
        count = len(self.entries)
        lines = [
            ngettext(
                "{file}: {format}, {n} person.", "{file}: {format}, {n} people.", count
            ).format(file=self.file_name, format=self.format_label, n=count)
        ]
        if self.problems:
            lines.append(_("Problems:"))
            lines += [f"  {problem}" for problem in self.problems]
        for action, title in (
            (ContactAction.CREATE, _("Add ({n}):")),
            (ContactAction.MERGE, _("Merge ({n}):")),
            (ContactAction.SKIP, _("Already known ({n}):")),
        ):
            entries = self.of(action)
            if entries:
                lines.append(title.format(n=len(entries)))
            for entry in entries:
                who = f"{entry.name} ({entry.company})" if entry.company else entry.name
                detail = ""
                if action is ContactAction.MERGE:
                    filled = ", ".join(
                        f"{k} {v!r}" for k, v in entry.fields.items() if k != "notes"
                    )
                    if entry.note_lines:
                        notes = _("notes {text}").format(text=repr(" / ".join(entry.note_lines)))
                        filled = f"{filled}, {notes}" if filled else notes
                    detail = " " + _("into #{id} ({reason}): adds {fields}").format(
                        id=entry.existing_id, reason=entry.reason, fields=filled
                    )
                elif action is ContactAction.SKIP:
                    detail = f": {entry.reason}"
                kept = _("; keeps {kept}").format(kept=", ".join(entry.kept)) if entry.kept else ""
                lines.append(
                    "  " + _("line {line}: {who}").format(line=entry.line, who=who) + detail + kept
                )
        lines.append(
            _("Nothing will be imported until the problems are fixed.")
            if self.blocked
            else _("Result: {summary}.").format(summary=self.summary())
        )
        return lines

    def as_json(self) -> dict[str, Any]:
        """The plan for ``--json``."""
        return {
            "file": self.file_name,
            "format": self.format_label,
            "entries": [entry.as_json() for entry in self.entries],
            "problems": [
                {"row": p.row, "column": p.column, "message": p.message} for p in self.problems
            ],
            "blocked": self.blocked,
        }


def company_of_notes(notes: str) -> str:
    """The company an imported contact's notes start with, or ""."""
    first = notes.split("\n", 1)[0]
    return first[len(COMPANY_PREFIX) :].strip() if first.startswith(COMPANY_PREFIX) else ""


def _connections(data: bytes) -> tuple[list[Card], list[RowProblem]]:
    sheet = read_sheet(data)
    columns = {
        index: _CSV_COLUMNS.get(normalise_header(name)) for index, name in enumerate(sheet.header)
    }
    if not ({"first", "name"} & set(columns.values())):
        raise ImportFormatError(
            _(
                "The file has no name column (First Name and Last Name, or Name); export "
                "Connections.csv from LinkedIn, or a vCard (.vcf) from your address book."
            ),
            "file",
        )
    cards: list[Card] = []
    problems: list[RowProblem] = []
    for row in sheet.rows:
        values: dict[str, str] = {}
        for index, cell in enumerate(row.cells):
            key = columns.get(index)
            if key:
                values[key] = cell.strip()
        name = values.get("name") or " ".join(
            part for part in (values.get("first", ""), values.get("last", "")) if part
        )
        if not name:
            problems.append(
                RowProblem(row.number, "First Name", _("empty; every person needs a name."))
            )
            continue
        connected = values.get("connected", "")
        cards.append(
            Card(
                name=name,
                company=values.get("company", ""),
                title=values.get("title", ""),
                emails=(values["email"],) if values.get("email") else (),
                phones=(values["phone"],) if values.get("phone") else (),
                url=values.get("url", ""),
                note=_("Connected on LinkedIn on {day}.").format(day=connected)
                if connected
                else "",
                line=row.number,
            )
        )
    return cards, problems


def looks_like_people(path: Path) -> bool:
    """True for a CSV of people (LinkedIn's Connections.csv) rather than of jobs."""
    try:
        sheet = read_sheet(read_limited(path, MAX_BYTES + 1, "spreadsheet"))
    except ImportFormatError:
        return False
    names = {normalise_header(name) for name in sheet.header}
    return {"firstname", "lastname"} <= names and not ({"jobtitle", "role"} & names)


def read_contacts(data: bytes) -> tuple[str, list[Card], list[RowProblem]]:
    """People from a vCard file or a LinkedIn ``Connections.csv`` (by content)."""
    text, _encoding = decode(data)
    if "BEGIN:VCARD" in text[:4000].upper():
        return "vCard", read_vcards(text), []
    cards, problems = _connections(data)
    return _("LinkedIn connections"), cards, problems


@dataclass
class _Stored:
    id: int
    name: str
    title: str
    email: str
    phone: str
    linkedin: str
    notes: str
    companies: set[str]


def _stored(session: Session) -> list[_Stored]:
    companies: dict[int, set[str]] = defaultdict(set)
    for contact_id, company in session.execute(
        select(OpportunityContact.contact_id, Opportunity.company).join(
            Opportunity, Opportunity.id == OpportunityContact.opportunity_id
        )
    ):
        companies[contact_id].add(text_key(company))
    stored = []
    for row in session.execute(
        select(
            Contact.id,
            Contact.name,
            Contact.title,
            Contact.email,
            Contact.phone,
            Contact.linkedin,
            Contact.notes,
        )
    ):
        known = set(companies.get(row.id, set()))
        if company_of_notes(row.notes):
            known.add(text_key(company_of_notes(row.notes)))
        stored.append(_Stored(*row, known))
    return stored


def _fields(card: Card) -> dict[str, str]:
    """A card as contact fields."""
    notes = []
    if card.company:
        notes.append(COMPANY_PREFIX + card.company)
    linkedin = card.url if "linkedin.com" in card.url.casefold() else ""
    if card.url and not linkedin:
        notes.append(f"Web: {card.url}")
    if card.note:
        notes.append(card.note)
    return {
        "name": card.name,
        "title": card.title,
        "email": card.email,
        "phone": card.phone,
        "linkedin": linkedin,
        "notes": "\n".join(notes),
    }


def _check(card: Card, fields: Mapping[str, str]) -> list[RowProblem]:
    problems = []
    try:
        validation.email(fields["email"], "email", "E-mail")
    except ValidationError as error:
        problems.append(RowProblem(card.line, "E-mail", str(error)))
    for name in ("name", "title", "phone", "linkedin"):
        limit = CONTACT_TEXT[name].max_length
        if len(fields[name]) > limit:
            problems.append(
                RowProblem(
                    card.line,
                    name,
                    _("{length} characters; at most {limit} fit.").format(
                        length=len(fields[name]), limit=limit
                    ),
                )
            )
    return problems


class _Matcher:
    """Finds a card's stored contact, or an earlier card of the same file."""

    def __init__(self, stored: Sequence[_Stored]) -> None:
        self.by_email: dict[str, _Stored] = {}
        self.by_name: dict[tuple[str, str], _Stored] = {}
        for item in stored:
            if item.email:
                self.by_email.setdefault(item.email.casefold(), item)
            for company in item.companies:
                self.by_name.setdefault((text_key(item.name), company), item)
        self.seen_email: dict[str, int] = {}
        self.seen_name: dict[tuple[str, str], int] = {}

    def stored(self, card: Card) -> tuple[_Stored | None, str]:
        """The stored contact and why it matches."""
        for email in card.emails:
            if email.casefold() in self.by_email:
                return self.by_email[email.casefold()], "the same e-mail"
        if card.company:
            found = self.by_name.get((text_key(card.name), text_key(card.company)))
            if found is not None:
                return found, "the same name and company"
        return None, ""

    def earlier(self, card: Card) -> int | None:
        """The line of an earlier card of the file for the same person; remembers this one."""
        emails = [email.casefold() for email in card.emails]
        key = (text_key(card.name), text_key(card.company))
        line = next((self.seen_email[email] for email in emails if email in self.seen_email), None)
        if line is None and card.company:
            line = self.seen_name.get(key)
        for email in emails:
            self.seen_email.setdefault(email, card.line)
        if card.company:
            self.seen_name.setdefault(key, card.line)
        return line


def plan_contacts(
    session: Session,
    cards: Sequence[Card],
    *,
    file_name: str,
    label: str,
    problems: Iterable[RowProblem] = (),
) -> ContactPlan:
    """What importing ``cards`` would do (reads only)."""
    matcher = _Matcher(_stored(session))
    found = list(problems)
    entries: list[ContactEntry] = []
    for card in cards:
        fields = _fields(card)
        trouble = _check(card, fields)
        if trouble:
            found += trouble
            continue
        match, why = matcher.stored(card)
        earlier = matcher.earlier(card)
        common: dict[str, Any] = {"line": card.line, "name": card.name, "company": card.company}
        if match is None and earlier is not None:
            reason = _("the same person as line {line} of this file").format(line=earlier)
            entries.append(ContactEntry(action=ContactAction.SKIP, reason=reason, **common))
        elif match is None:
            entries.append(ContactEntry(action=ContactAction.CREATE, fields=fields, **common))
        else:
            fill, kept, added = _merge(match, fields)
            action = ContactAction.MERGE if fill else ContactAction.SKIP
            if not fill:
                why = _("#{id} {name} already has all of it").format(id=match.id, name=match.name)
            entries.append(
                ContactEntry(
                    action=action,
                    fields=fill,
                    existing_id=match.id,
                    reason=why,
                    kept=kept,
                    note_lines=added,
                    **common,
                )
            )
    return ContactPlan(file_name, label, tuple(entries), tuple(found))


def _merge(
    stored: _Stored, fields: Mapping[str, str]
) -> tuple[dict[str, str], tuple[str, ...], tuple[str, ...]]:
    fill: dict[str, str] = {}
    kept: list[str] = []
    for name in ("title", "email", "phone", "linkedin"):
        new, old = fields[name], getattr(stored, name)
        if new and not old:
            fill[name] = new
        elif new and old and text_key(new) != text_key(old):
            kept.append(
                _("{field} {value} (the file says {other})").format(
                    field=name, value=repr(old), other=repr(new)
                )
            )
    missing = [line for line in fields["notes"].split("\n") if line and line not in stored.notes]
    if missing:
        fill["notes"] = "\n".join([stored.notes, *missing]) if stored.notes else "\n".join(missing)
    return fill, tuple(kept), tuple(missing)


def plan_contacts_file(db: Any, path: Path) -> ContactPlan:
    """Read ``path`` and plan its import (a dry run)."""
    data = read_limited(path, MAX_BYTES + 1, "contacts file")
    label, cards, problems = read_contacts(data)
    with db.session() as session:
        return plan_contacts(session, cards, file_name=path.name, label=label, problems=problems)


def contact_cards(session: Session, opportunity_id: int | None = None) -> list[Card]:
    """Contacts as vCards: everyone, or the people of one opportunity."""
    links: dict[int, list[tuple[str, ContactRole]]] = defaultdict(list)
    query = select(
        OpportunityContact.contact_id, Opportunity.company, OpportunityContact.role
    ).join(Opportunity, Opportunity.id == OpportunityContact.opportunity_id)
    if opportunity_id is not None:
        if session.get(Opportunity, opportunity_id) is None:
            raise ValidationError(
                _("Opportunity {id} does not exist.").format(id=opportunity_id), "opportunity"
            )
        query = query.where(OpportunityContact.opportunity_id == opportunity_id)
    for contact_id, company, role in session.execute(query.order_by(Opportunity.id)):
        links[contact_id].append((company, ContactRole(role)))
    contacts = select(Contact).order_by(Contact.id)
    if opportunity_id is not None:
        contacts = contacts.where(Contact.id.in_(list(links)))
    cards = []
    for contact in session.scalars(contacts):
        linked = links.get(contact.id, [])
        notes = contact.notes
        company = company_of_notes(notes)
        if company:
            notes = notes.split("\n", 1)[1] if "\n" in notes else ""
        if linked:
            company = linked[0][0]
        cards.append(
            Card(
                name=contact.name,
                company=company,
                title=contact.title,
                emails=(contact.email,) if contact.email else (),
                phones=(contact.phone,) if contact.phone else (),
                url=contact.linkedin,
                note=notes,
                categories=tuple(dict.fromkeys(_ROLE_WORDS[role] for _company, role in linked)),
                uid=f"followup-contact-{contact.id}",
            )
        )
    return cards
