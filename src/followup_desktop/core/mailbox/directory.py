"""Who Followup listens for: the contacts and company domains of open opportunities.

Read from the database in a few queries before a scan. Only messages to or from these
addresses, or from these domains, are ever read beyond their headers. Domains come
from the contacts' own addresses and from the opportunity's link (its posting or the
company's website: ``careers.acme.com/jobs/7`` means mail from acme.com or any of its
subdomains). Personal mail providers (gmail.com and the like), scheduling services and
job boards are left out, since their domain says nothing about an employer.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from followup_desktop.core.ics import PERSONAL_DOMAINS, SERVICE_DOMAINS
from followup_desktop.core.models import (
    Action,
    ActionState,
    Contact,
    ContactRole,
    Correspondence,
    Interview,
    InterviewParticipant,
    Opportunity,
    OpportunityContact,
    Stage,
)
from followup_desktop.core.timeutil import ensure_aware

# The people a thank-you or a follow-up goes to.
STEP_ROLES = frozenset({ContactRole.INTERVIEWER, ContactRole.HR, ContactRole.RECRUITER})
# Steps a sent message to the opportunity's people answers, besides the thank-you.
FOLLOW_UP_KINDS = ("status_follow_up", "still_interested", "send_material", "closing_note")
# Where postings are published on an employer's behalf: a link there names no employer.
JOB_BOARDS = frozenset(
    {
        "linkedin.com",
        "indeed.com",
        "indeed.de",
        "indeed.fr",
        "glassdoor.com",
        "monster.com",
        "stepstone.de",
        "xing.com",
        "welcometothejungle.com",
        "wellfound.com",
        "angel.co",
        "ziprecruiter.com",
        "workable.com",
        "recruitee.com",
        "join.com",
        "jobs.ch",
        "apec.fr",
        "hellowork.com",
        "otta.com",
        "builtin.com",
    }
)
# Second-level suffixes under which the registered name is the third label (acme.co.uk).
_TWO_PART_SUFFIXES = frozenset(
    {"co.uk", "org.uk", "ac.uk", "com.au", "net.au", "co.nz", "co.jp", "com.br", "co.in"}
)


@dataclass
class OpportunityScope:
    """One open opportunity as the matcher sees it."""

    id: int
    company: str
    role: str
    first_date: datetime
    # contact id -> (address, roles); an interview panel member counts as interviewer.
    contacts: dict[int, tuple[str, set[str]]] = field(default_factory=dict)
    domains: set[str] = field(default_factory=set)
    # From the opportunity's link: these and their subdomains count as the company's.
    site_domains: set[str] = field(default_factory=set)
    interview_starts: list[datetime] = field(default_factory=list)

    def label(self) -> str:
        """How the person recognises the opportunity."""
        return f"{self.company} — {self.role}" if self.role else self.company

    def writes_from(self, domain: str) -> bool:
        """True when mail from ``domain`` comes from this opportunity's company."""
        if domain in self.domains:
            return True
        return any(domain == site or domain.endswith("." + site) for site in self.site_domains)


def _under(domain: str, parents: frozenset[str]) -> bool:
    return domain in parents or any(domain.endswith("." + parent) for parent in parents)


def employer_domain(address: str) -> str | None:
    """The domain of a work address, or None for personal and service providers."""
    domain = address.rsplit("@", 1)[-1].lower().strip(".")
    if not domain or domain in PERSONAL_DOMAINS or _under(domain, SERVICE_DOMAINS):
        return None
    return domain


def website_domain(link: str) -> str | None:
    """The registered domain of a posting or company page (``jobs.acme.co.uk`` ->
    ``acme.co.uk``), or None for job boards, mail and scheduling services, and links
    that name no host."""
    try:
        host = (urlsplit(link.strip()).hostname or "").lower().strip(".")
    except ValueError:
        return None
    labels = host.split(".")
    if len(labels) < 2 or not all(labels) or host.replace(".", "").isdigit():
        return None
    keep = 3 if len(labels) >= 3 and ".".join(labels[-2:]) in _TWO_PART_SUFFIXES else 2
    domain = ".".join(labels[-keep:])
    if domain in PERSONAL_DOMAINS or _under(host, SERVICE_DOMAINS | JOB_BOARDS):
        return None
    return domain


@dataclass
class Directory:
    """Every open opportunity's people and domains, indexed for matching."""

    opportunities: dict[int, OpportunityScope]

    @property
    def empty(self) -> bool:
        """True when there is nobody to listen for."""
        return not any(
            o.contacts or o.domains or o.site_domains for o in self.opportunities.values()
        )

    def since(self) -> datetime | None:
        """The earliest first date of an open opportunity; nothing older is read."""
        dates = [scope.first_date for scope in self.opportunities.values()]
        return min(dates) if dates else None

    def fingerprint(self) -> str:
        """Changes whenever the addresses or domains listened for change."""
        parts: list[str] = []
        for scope in self.opportunities.values():
            parts.extend(f"a:{address}" for address, _roles in scope.contacts.values())
            parts.extend(f"d:{domain}" for domain in scope.domains)
            parts.extend(f"w:{domain}" for domain in scope.site_domains)
        parts.sort()
        return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:16]

    def by_address(self, address: str) -> list[tuple[OpportunityScope, int, set[str]]]:
        """The opportunities where this address is a contact, with contact id and roles."""
        found = []
        for scope in self.opportunities.values():
            for contact_id, (email, roles) in scope.contacts.items():
                if email == address:
                    found.append((scope, contact_id, roles))
        return found

    def by_domain(self, domain: str) -> list[OpportunityScope]:
        """The opportunities whose people or website use this domain."""
        return [scope for scope in self.opportunities.values() if scope.writes_from(domain)]


def load_directory(session: Session) -> Directory:
    """The open opportunities (not archived, not in a closed stage) and their people."""
    scopes: dict[int, OpportunityScope] = {}
    for opportunity in session.scalars(
        select(Opportunity).join(Stage).where(Opportunity.archived.is_(False))
    ):
        if opportunity.stage.kind.is_closed:
            continue
        scope = OpportunityScope(
            opportunity.id,
            opportunity.company,
            opportunity.role,
            ensure_aware(opportunity.created_at, "created"),
        )
        site = website_domain(opportunity.link)
        if site is not None:
            scope.site_domains.add(site)
        scopes[opportunity.id] = scope
    if not scopes:
        return Directory({})
    ids = list(scopes)

    def add(opportunity_id: int, contact: Contact, role: str) -> None:
        address = contact.email.strip().lower()
        if "@" not in address:
            return
        scope = scopes[opportunity_id]
        scope.contacts.setdefault(contact.id, (address, set()))[1].add(role)
        domain = employer_domain(address)
        if domain is not None:
            scope.domains.add(domain)

    for link in session.scalars(
        select(OpportunityContact).where(OpportunityContact.opportunity_id.in_(ids))
    ):
        add(link.opportunity_id, link.contact, str(link.role))
    for interview in session.scalars(select(Interview).where(Interview.opportunity_id.in_(ids))):
        scope = scopes[interview.opportunity_id]
        starts = ensure_aware(interview.starts_at, "interview start")
        scope.interview_starts.append(starts)
        # An interview imported before the opportunity was typed in still counts.
        scope.first_date = min(scope.first_date, starts - timedelta(days=14))
    for participant, opportunity_id in session.execute(
        select(InterviewParticipant, Interview.opportunity_id)
        .join(Interview, InterviewParticipant.interview_id == Interview.id)
        .where(Interview.opportunity_id.in_(ids))
    ):
        add(opportunity_id, participant.contact, str(ContactRole.INTERVIEWER))
    for opportunity_id, occurred in session.execute(
        select(Correspondence.opportunity_id, Correspondence.occurred_at).where(
            Correspondence.opportunity_id.in_(ids)
        )
    ):
        scope = scopes[opportunity_id]
        scope.first_date = min(scope.first_date, ensure_aware(occurred, "message time"))
    return Directory(scopes)


def open_step_for(
    session: Session,
    opportunity_id: int,
    contact_id: int | None,
    sent_at: datetime,
    address: str = "",
) -> int | None:
    """The step a message sent at ``sent_at`` answers: that person's thank-you (or a
    thank-you planned to go through them, as via HR for an interviewer without an
    address), or else the follow-up due soonest (already due or due within a week)."""
    open_states = (ActionState.OPEN, ActionState.SNOOZED)
    thank_yous = select(Action.id).where(
        Action.opportunity_id == opportunity_id,
        Action.kind == "thank_you",
        Action.state.in_(open_states),
    )
    if contact_id is not None:
        own = session.scalars(
            thank_yous.where(Action.contact_id == contact_id).order_by(Action.due_at)
        ).first()
        if own is not None:
            return own
    if address:
        # The planner writes the recipient as "Name <address>".
        routed = session.scalars(
            thank_yous.where(Action.recipient.contains(f"<{address}>")).order_by(Action.due_at)
        ).first()
        if routed is not None:
            return routed
    follow_up = session.execute(
        select(Action.id, Action.due_at)
        .where(
            Action.opportunity_id == opportunity_id,
            Action.kind.in_(FOLLOW_UP_KINDS),
            Action.state.in_(open_states),
        )
        .order_by(Action.due_at)
    ).first()
    if follow_up is not None and ensure_aware(follow_up[1], "due") <= sent_at + timedelta(days=7):
        return int(follow_up[0])
    return None


def already_logged(
    session: Session, opportunity_id: int, subject: str, occurred_at: datetime
) -> bool:
    """True when this message was logged already (for example sent from Followup)."""
    window = timedelta(minutes=15)
    for logged_subject in session.scalars(
        select(Correspondence.subject).where(
            Correspondence.opportunity_id == opportunity_id,
            Correspondence.occurred_at >= occurred_at - window,
            Correspondence.occurred_at <= occurred_at + window,
        )
    ):
        if " ".join(logged_subject.split()).lower() == " ".join(subject.split()).lower():
            return True
    return False
