"""Which interview and opportunity each invitation belongs to (reads, never writes).

:func:`propose` is the rule; docs/calendar.md describes it. Its proposals are what the
confirmation shows and what :mod:`.apply` plans from.

The window asks for them on the GUI thread, before its confirmation, so the matching
is kept cheap on a long search (10,000 opportunities, half as many companies): the
opportunities are read in plain SQL, each company is reduced once, a company is
looked for in a title as a substring before any regular expression is built for it,
and a date is parsed only for the opportunities that match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from followup_desktop.core.db import Database
from followup_desktop.core.i18n import _
from followup_desktop.core.ics.guess import company_domain, company_key, guess_company_and_role
from followup_desktop.core.ics.parse import Invitation, read_invitation_file
from followup_desktop.core.models import (
    Contact,
    Interview,
    OpportunityContact,
    Setting,
    StageKind,
)

ACCOUNT_SETTING = "email.account"


@dataclass(frozen=True)
class Proposal:
    """What importing one invitation would do, before anything is written.

    ``opportunity_id`` None with ``action`` "create" means a new opportunity named
    ``company`` / ``role``; ``matched_by`` says why an existing one was chosen.
    """

    invitation: Invitation
    action: str  # "create", "update", "cancel", "ignore"
    interview_id: int | None
    opportunity_id: int | None
    company: str
    role: str
    matched_by: str


class _Candidate(NamedTuple):
    # A named tuple: ten thousand are made per proposal, quicker than dataclasses.
    id: int
    company: str
    lowered: str  # company.lower()
    key: str  # company_key(company)
    closed: bool
    updated: str  # updated_at as stored (UTC, no offset), parsed only for a match

    @property
    def updated_at(self) -> datetime:
        return datetime.fromisoformat(self.updated).replace(tzinfo=UTC)


_CANDIDATES_SQL = """
SELECT o.id, o.company, s.kind, o.updated_at
FROM opportunities AS o JOIN stages AS s ON s.id = o.stage_id
WHERE o.archived = 0
"""
_CLOSED_KINDS = frozenset(kind.value for kind in StageKind if kind.is_closed)


def _candidates(session: Session) -> list[_Candidate]:
    """Every opportunity not archived, as the matching compares them."""
    rows = session.connection().exec_driver_sql(_CANDIDATES_SQL).fetchall()
    keys: dict[str, str] = {}  # many opportunities share a company
    found = []
    for ident, company, kind, updated in rows:
        key = keys.get(company)
        if key is None:
            key = keys[company] = company_key(company)
        found.append(
            _Candidate(ident, company, company.lower(), key, kind in _CLOSED_KINDS, updated)
        )
    return found


def own_addresses(session: Session) -> frozenset[str]:
    """The person's own email addresses, from the email account setting."""
    setting = session.get(Setting, ACCOUNT_SETTING)
    value = setting.value if setting is not None else None
    found: set[str] = set()
    if isinstance(value, dict):
        for name in ("from_address", "username"):
            text = value.get(name)
            if isinstance(text, str) and "@" in text:
                found.add(text.strip().lower())
    return frozenset(found)


def propose(session: Session, invitations: Sequence[Invitation]) -> list[Proposal]:
    """Decide, for each invitation, which interview and opportunity it belongs to.

    1. An interview with the same UID is updated (or cancelled).
    2. Otherwise the open opportunity whose company matches the organizer's email domain,
       then one whose company is named in the summary, then one whose contacts write
       from the organizer's domain; open ones before closed ones, then the most recently
       updated.
    3. Otherwise a new opportunity, named by :func:`guess_company_and_role`.
    """
    uids = [invitation.uid for invitation in invitations]
    existing = {
        row.ical_uid: (row.id, row.opportunity_id)
        for row in session.execute(
            select(Interview.id, Interview.opportunity_id, Interview.ical_uid).where(
                Interview.ical_uid.in_(uids)
            )
        )
    }
    candidates = _candidates(session) if invitations else []
    proposals = []
    for invitation in invitations:
        company, role = guess_company_and_role(invitation.summary, invitation.organizer)
        found = existing.get(invitation.uid)
        if found is not None:
            action = "cancel" if invitation.cancelled else "update"
            proposals.append(
                Proposal(invitation, action, found[0], found[1], company, role, "the same UID")
            )
            continue
        if invitation.cancelled:
            proposals.append(
                Proposal(invitation, "ignore", None, None, company, role, "nothing to cancel")
            )
            continue
        match, reason = _match(session, candidates, invitation, company)
        proposals.append(Proposal(invitation, "create", None, match, company, role, reason))
    return proposals


def describe_proposal(proposal: Proposal, tz: tzinfo) -> str:
    """One line saying what importing an invitation would do (for confirmations).

    The company, role and summary come from the file: callers show the line as plain text.
    """
    invitation = proposal.invitation
    from followup_desktop.core.localformat import day_and_clock

    when = day_and_clock(invitation.starts_at.astimezone(tz), year=True)
    target = f"{proposal.company} — {proposal.role}".strip(" —") or _("a new opportunity")
    if proposal.action == "update":
        return _("Update the interview on {when} ({target})").format(when=when, target=target)
    if proposal.action == "cancel":
        return _("Cancel the interview on {when} ({target})").format(when=when, target=target)
    if proposal.action == "ignore":
        return _("Nothing to do for the cancelled {event}").format(event=repr(invitation.summary))
    if proposal.opportunity_id is None:
        return _("Add an interview on {when} to a new opportunity: {target}").format(
            when=when, target=target
        )
    return _("Add an interview on {when} to {target} (matched by {reason})").format(
        when=when, target=target, reason=proposal.matched_by
    )


def preview_ics_file(db: Database, path: Path, tz: tzinfo | None = None) -> list[Proposal]:
    """What :func:`import_ics_file` would do with ``path``, without writing anything."""
    invitations = read_invitation_file(path, tz)
    with db.session() as session:
        return propose(session, invitations)


def _best(matches: Iterable[_Candidate]) -> _Candidate | None:
    ordered = sorted(matches, key=lambda c: (c.closed, -c.updated_at.timestamp(), -c.id))
    return ordered[0] if ordered else None


def _match(
    session: Session, candidates: Sequence[_Candidate], invitation: Invitation, company: str
) -> tuple[int | None, str]:
    label = company_domain(invitation.organizer.email) if invitation.organizer else None
    if label:
        wanted = company_key(label)
        hit = _best(c for c in candidates if c.key and c.key == wanted)
        if hit is not None:
            return hit.id, _("the organizer's address ({address})").format(
                address=invitation.organizer.email  # type: ignore[union-attr]
            )
    summary = invitation.summary.lower()
    squashed = re.sub(r"[^a-z0-9]+", " ", summary).replace(" ", "")
    hit = _best(
        c
        for c in candidates
        if len(c.key) >= 3
        and (
            # The substring test first: a pattern per company (thousands of them) would
            # overflow the regular expression cache and be compiled anew every time.
            (c.lowered in summary and re.search(rf"\b{re.escape(c.lowered)}\b", summary))
            or (len(c.key) >= 5 and c.key in squashed)
        )
    )
    if hit is not None:
        return hit.id, _("the company name in the title ({company})").format(company=hit.company)
    if invitation.organizer is not None and label:
        domain = invitation.organizer.email.rsplit("@", 1)[-1]
        linked = set(
            session.scalars(
                select(OpportunityContact.opportunity_id)
                .join(Contact, OpportunityContact.contact_id == Contact.id)
                .where(Contact.email.like(f"%@{domain}"))
            )
        )
        hit = _best(c for c in candidates if c.id in linked)
        if hit is not None:
            return hit.id, _("a contact who writes from {domain}").format(domain=domain)
    del company
    return None, "no opportunity matches"


__all__ = [
    "ACCOUNT_SETTING",
    "Proposal",
    "describe_proposal",
    "own_addresses",
    "preview_ics_file",
    "propose",
]
