"""A job posting in one paste: the schema.org ``JobPosting`` data of a saved page.

Most job boards embed the posting as JSON-LD (``<script type="application/ld+json">``)
for search engines: title, hiring organisation, location, salary, dates, link. This
reads a saved HTML page (nothing is fetched) and makes a draft opportunity of it, to be
reviewed before it is added to the wishlist.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from followup_desktop.core.errors import ImportFormatError
from followup_desktop.core.i18n import _
from followup_desktop.core.imports.dedupe import company_role_key, normalise_link
from followup_desktop.core.models import Opportunity

MAX_NOTES = 6000
# A saved posting page is a few hundred kilobytes; far beyond that is not one.
MAX_PAGE_BYTES = 20_000_000
_YEARLY = {"", "YEAR", "ANNUAL", "YEARLY", "P1Y"}


@dataclass(frozen=True)
class PostingDraft:
    """What a posting says, as opportunity fields (``fields``) and in words."""

    company: str
    role: str
    fields: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> list[str]:
        """The draft in words, one field a line."""
        from followup_desktop.core.localformat import money

        lines = [
            _("Company: {company}").format(company=self.company),
            _("Role: {role}").format(role=self.role),
        ]
        labels = {
            "location": _("Location: {value}"),
            "link": _("Link: {value}"),
            "source": _("Source: {value}"),
        }
        for name, label in labels.items():
            if self.fields.get(name):
                lines.append(label.format(value=self.fields[name]))
        low, high = self.fields.get("salary_min"), self.fields.get("salary_max")
        if low is not None or high is not None:
            currency = self.fields.get("salary_currency", "") or None
            if low is None or high is None or low == high:
                amount = low if low is not None else high
                lines.append(_("Salary: {amount}").format(amount=money(amount or 0, currency)))
            else:
                lines.append(
                    _("Salary: {low} to {high}").format(
                        low=money(low, currency), high=money(high, currency)
                    )
                )
        notes = str(self.fields.get("notes", ""))
        if notes:
            lines.append(_("Notes: {notes}").format(notes=notes.splitlines()[0]))
        return lines


class _Scripts(HTMLParser):
    """Collects JSON-LD blocks and the page's canonical address."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.canonical = ""
        self._inside = False
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key.lower(): (value or "") for key, value in attrs}
        if tag == "script" and values.get("type", "").lower().startswith("application/ld+json"):
            self._inside, self._text = True, []
        elif tag == "link" and values.get("rel", "").lower() == "canonical":
            self.canonical = self.canonical or values.get("href", "")
        elif tag == "meta" and values.get("property", "").lower() == "og:url":
            self.canonical = self.canonical or values.get("content", "")

    def handle_data(self, data: str) -> None:
        if self._inside:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._inside:
            self.blocks.append("".join(self._text))
            self._inside = False


def _walk(value: Any) -> Iterator[dict[str, Any]]:
    """Every object in a JSON-LD value (lists and ``@graph`` included).

    With a stack, not recursion: a page's script may nest lists hundreds deep.
    """
    pending = [value]
    while pending:
        current = pending.pop()
        if isinstance(current, list):
            pending += reversed(current)
        elif isinstance(current, dict):
            yield current
            pending += [
                current[key]
                for key in reversed(("@graph", "mainEntity", "itemListElement", "item"))
                if key in current
            ]


def _is_posting(item: dict[str, Any]) -> bool:
    kind = item.get("@type", "")
    kinds = kind if isinstance(kind, list) else [kind]
    return any(str(name).rsplit("/", 1)[-1] == "JobPosting" for name in kinds)


def _text(value: Any) -> str:
    if isinstance(value, dict):
        return _text(value.get("name", ""))
    if isinstance(value, list):
        return _text(value[0]) if value else ""
    return html.unescape(str(value or "")).strip()


def _plain(markup: str) -> str:
    """A description's HTML as plain text with its paragraphs kept."""
    text = re.sub(r"(?i)<\s*(br|/p|/li|/h\d|/div)\s*/?>", "\n", markup)
    text = re.sub(r"(?i)<\s*li[^>]*>", "• ", text)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _location(posting: dict[str, Any]) -> str:
    places = posting.get("jobLocation") or []
    places = places if isinstance(places, list) else [places]
    names = []
    for place in places:
        address = place.get("address", {}) if isinstance(place, dict) else place
        if isinstance(address, dict):
            parts = [
                _text(address.get(key))
                for key in ("addressLocality", "addressRegion", "addressCountry")
            ]
            name = ", ".join(dict.fromkeys(part for part in parts if part))
        else:
            name = _text(address)
        if name:
            names.append(name)
    if str(posting.get("jobLocationType", "")).upper() == "TELECOMMUTE":
        names.append("Remote")
    return "; ".join(dict.fromkeys(names))[:200]


def _amount(value: Any) -> int | None:
    try:
        return None if value in (None, "") else int(float(str(value).replace(",", "")))
    except ValueError:
        return None


def _salary(posting: dict[str, Any]) -> tuple[int | None, int | None, str, str, str]:
    """(minimum, maximum, currency, unit, in words); a salary not by the year is kept
    in words only."""
    salary = posting.get("baseSalary") or posting.get("estimatedSalary")
    if isinstance(salary, list):
        salary = salary[0] if salary else None
    if not isinstance(salary, dict):
        return None, None, "", "", ""
    currency = _text(salary.get("currency"))[:3].upper()
    value = salary.get("value", salary)
    if isinstance(value, dict):
        texts = [_text(value.get(key, value.get("value"))) for key in ("minValue", "maxValue")]
        unit = _text(value.get("unitText")).upper()
    else:
        texts = [_text(value)] * 2
        unit = _text(salary.get("unitText")).upper()
    low, high = _amount(texts[0]), _amount(texts[1])
    if low is not None and high is not None and low > high:
        low, high = high, low
        texts.reverse()
    shown = texts[0] if texts[0] == texts[1] else f"{texts[0]} to {texts[1]}"
    return low, high, currency, unit, f"{shown} {currency}".strip()


def read_posting(page: str, *, url: str = "") -> PostingDraft:
    """The first ``JobPosting`` of a saved page as a draft opportunity."""
    parser = _Scripts()
    parser.feed(page)
    postings = []
    for block in parser.blocks:
        try:
            data = json.loads(block.strip().removeprefix("<!--").removesuffix("-->"))
        except (json.JSONDecodeError, RecursionError):
            # A page's other scripts may be broken (or nested past the parser's stack);
            # the posting may be elsewhere.
            continue
        postings += [item for item in _walk(data) if _is_posting(item)]
    if not postings:
        raise ImportFormatError(
            _(
                "This page holds no job posting data (schema.org JobPosting). Save the "
                "posting's own page (not a search result) as HTML, or add the job by hand."
            ),
            "file",
        )
    posting = postings[0]
    role = _text(posting.get("title"))[:200]
    company = _text(posting.get("hiringOrganization"))[:200]
    if not role or not company:
        raise ImportFormatError(
            _("The posting data has no title; add the job by hand.")
            if not role
            else _("The posting data has no hiring organisation; add the job by hand."),
            "file",
        )
    link = url or _text(posting.get("url")) or parser.canonical
    if link and not link.lower().startswith(("http://", "https://")):
        link = ""
    low, high, currency, unit, salary_words = _salary(posting)
    notes = []
    facts = []
    if posting.get("datePosted"):
        facts.append(f"Posted {_text(posting['datePosted'])[:10]}")
    if posting.get("validThrough"):
        facts.append(f"apply by {_text(posting['validThrough'])[:10]}")
    kinds = posting.get("employmentType")
    if kinds:
        kinds = kinds if isinstance(kinds, list) else [kinds]
        facts.append(", ".join(str(kind).replace("_", " ").lower() for kind in kinds))
    if unit not in _YEARLY and (low is not None or high is not None):
        facts.append(f"salary {salary_words} per {unit.lower()}")
        low = high = None
    if facts:
        sentence = "; ".join(facts)
        notes.append(sentence[:1].upper() + sentence[1:] + ".")
    description = _plain(_text(posting.get("description")))
    if description:
        notes.append(description)
    text = "\n\n".join(notes)
    if len(text) > MAX_NOTES:
        text = text[: MAX_NOTES - 1] + "…"
    fields: dict[str, Any] = {
        "link": link[:2000],
        "location": _location(posting),
        "source": (urlsplit(link).hostname or "").removeprefix("www.") if link else "",
        "notes": text,
        "salary_min": low,
        "salary_max": high,
        "salary_currency": currency,
    }
    return PostingDraft(company, role, fields)


def find_duplicate(session: Session, draft: PostingDraft) -> str:
    """Words naming the stored opportunity this posting is, or "" when it is new."""
    link = normalise_link(str(draft.fields.get("link", "")))
    key = company_role_key(draft.company, draft.role)
    rows = session.execute(
        select(Opportunity.id, Opportunity.company, Opportunity.role, Opportunity.link)
    )
    for ident, company, role, stored_link in rows:
        if (link and normalise_link(stored_link) == link) or company_role_key(company, role) == key:
            return f"#{ident} {company} — {role}"
    return ""
