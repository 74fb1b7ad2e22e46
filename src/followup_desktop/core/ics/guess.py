"""Guesses from an invitation: the employer, the role, the kind of interview, who is who.

An invitation names no company or role field; they are read from the organizer's
address and the title, as described in docs/calendar.md. Pure functions of the text.
"""

from __future__ import annotations

import re

from followup_desktop.core.i18n import _
from followup_desktop.core.ics.parse import Invitation, Person
from followup_desktop.core.models import InterviewKind

# Addresses at these domains belong to people, not to an employer: their domain says
# nothing about the company, and a guest there is most likely the person themself.
PERSONAL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "yahoo.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "zoho.com",
        "fastmail.com",
        "mail.com",
    }
)
# Scheduling and meeting services send on an employer's behalf from their own domain.
SERVICE_DOMAINS = frozenset(
    {
        "calendly.com",
        "zoom.us",
        "google.com",
        "microsoft.com",
        "greenhouse.io",
        "lever.co",
        "goodtime.io",
        "ashbyhq.com",
        "myworkday.com",
        "workday.com",
        "smartrecruiters.com",
        "teamtailor.com",
        "personio.de",
    }
)
# Second-level suffixes under which the company is the third label (acme.co.uk).
_TWO_PART_SUFFIXES = frozenset(
    {"co.uk", "org.uk", "ac.uk", "com.au", "net.au", "co.nz", "co.jp", "com.br", "co.in"}
)
_COMPANY_SUFFIXES = re.compile(
    r"\b(gmbh|ag|inc|ltd|llc|plc|sa|sas|bv|nv|ab|oy|co|corp|corporation|limited|group)\b\.?",
    re.IGNORECASE,
)
# Words that describe the meeting, not the company or the role.
_MEETING_WORDS = re.compile(
    r"\b(?:interviews?|invitation|invite|technical|panel|phone|video|screen(?:ing)?|call|"
    r"chat|meeting|conversation|round|first|second|third|final|on-?site|assessment|day|"
    r"recruiter|hiring\s+manager|meet\s+the\s+team|team|with|for|the|and|at|of|zoom|teams)\b",
    re.IGNORECASE,
)
_ROLE_NOUNS = (
    r"engineer|developer|designer|analyst|manager|scientist|lead|architect|specialist|"
    r"consultant|director|intern|administrator|coordinator|officer|associate|researcher|"
    r"writer|editor|accountant|assistant|representative|technician|strategist|sre"
)
_ROLE_WORDS = re.compile(rf"\b(?:{_ROLE_NOUNS})s?\b", re.IGNORECASE)
# A job title: up to four capitalised words ending in a role noun ("Staff Data Engineer").
_ROLE_PHRASE = re.compile(rf"(?:\b[A-Z][\w&+.-]*\s+){{0,4}}\b(?:{_ROLE_NOUNS.title()})s?\b")
# Shared mailboxes are not people to thank; they stay off the panel.
_GENERIC_MAILBOXES = frozenset(
    {
        "noreply",
        "no-reply",
        "recruiting",
        "recruitment",
        "careers",
        "jobs",
        "talent",
        "hr",
        "calendar",
        "interviews",
        "hiring",
        "people",
    }
)
_SEPARATORS = re.compile("\\s*(?:<>|\\||:|\u2013|\u2014|\\s-\\s|\\(|\\)|/)\\s*")
_VIDEO_HINTS = ("zoom.us", "teams.microsoft", "meet.google", "webex", "whereby", "teams meeting")


def company_domain(email: str) -> str | None:
    """The employer's name label of an address (``talent.acme.co.uk`` -> ``acme``)."""
    domain = email.rsplit("@", 1)[-1].lower().strip(".")
    if not domain or domain in PERSONAL_DOMAINS or domain in SERVICE_DOMAINS:
        return None
    if any(domain.endswith("." + service) for service in SERVICE_DOMAINS):
        return None
    labels = domain.split(".")
    if len(labels) >= 3 and ".".join(labels[-2:]) in _TWO_PART_SUFFIXES:
        return labels[-3]
    return labels[-2] if len(labels) >= 2 else labels[0]


def company_key(name: str) -> str:
    """A company name reduced for comparison: no legal form, only letters and digits."""
    return re.sub(r"[^a-z0-9]", "", _COMPANY_SUFFIXES.sub("", name.lower()))


def _clean_part(part: str) -> str:
    return re.sub(r"\s{2,}", " ", _MEETING_WORDS.sub(" ", part)).strip(" -,.")


def guess_company_and_role(summary: str, organizer: Person | None) -> tuple[str, str]:
    """Company and role from an invitation's organizer domain and summary.

    The company is the organizer's email domain (unless it is a personal or scheduling
    service address), written as the summary writes it when the summary names it;
    otherwise the summary's first part without meeting words. The role is a part in
    parentheses, else the part that names a job, else what is left of the summary.
    """
    parts = [part for part in _SEPARATORS.split(summary) if part and part.strip()]
    label = company_domain(organizer.email) if organizer else None
    company = ""
    if label:
        match = re.search(rf"\b{re.escape(label)}\b", summary, re.IGNORECASE)
        company = match.group(0) if match else label
        if company.islower():
            company = company.capitalize()
    parenthesised = re.findall(r"\(([^()]+)\)", summary)
    candidates = [_clean_part(part) for part in parts]
    if not company:
        company = next((c for c in candidates if c and not _ROLE_WORDS.search(c)), "")
        if not company:
            company = next((c for c in candidates if c), "") or _("Unknown company")
    key = company_key(company)

    def is_company(text: str) -> bool:
        return bool(key) and company_key(text) == key

    role = ""
    for text in [*parenthesised, *parts]:
        phrase = _ROLE_PHRASE.search(text)
        if phrase and not is_company(phrase.group(0)):
            words = phrase.group(0).split()
            while len(words) > 1 and _MEETING_WORDS.fullmatch(words[0]):
                words.pop(0)
            role = " ".join(words)
            break
    if not role:
        role = next(
            (c for c in candidates if c and _ROLE_WORDS.search(c) and not is_company(c)), ""
        )
    if not role:
        role = next((_clean_part(t) for t in parenthesised if _clean_part(t)), "")
    if not role:
        without = re.sub(re.escape(company), " ", summary, flags=re.IGNORECASE) if key else summary
        role = _clean_part(" ".join(_SEPARATORS.split(without))) or _("Role from an invitation")
    return company[:200], role[:200]


def guess_kind(invitation: Invitation) -> InterviewKind:
    """The kind of interview an invitation describes, from its title and place."""
    text = invitation.summary.lower()
    where = invitation.location.lower()
    if "technical" in text or "coding" in text:
        return InterviewKind.TECHNICAL
    if "panel" in text:
        return InterviewKind.PANEL
    if "phone" in text or "call" in text:
        return InterviewKind.PHONE
    if any(hint in where or hint in invitation.description.lower() for hint in _VIDEO_HINTS):
        return InterviewKind.VIDEO
    if where and not where.startswith("http"):
        return InterviewKind.ONSITE
    return InterviewKind.VIDEO


def is_not_a_guest(person: Person, invitation: Invitation, own: frozenset[str]) -> bool:
    """True for the person themself (``own`` addresses) and shared mailboxes."""
    if person.email in own or person.email.split("@", 1)[0] in _GENERIC_MAILBOXES:
        return True
    if own:
        return False
    # No account set up: a personal address among an employer's is the candidate.
    organizer_is_company = bool(invitation.organizer and company_domain(invitation.organizer.email))
    return organizer_is_company and person.email.rsplit("@", 1)[-1] in PERSONAL_DOMAINS


__all__ = [
    "PERSONAL_DOMAINS",
    "SERVICE_DOMAINS",
    "company_domain",
    "company_key",
    "guess_company_and_role",
    "guess_kind",
    "is_not_a_guest",
]
