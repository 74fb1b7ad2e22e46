"""The agenda: open actions in due order, sorted into overdue, today and upcoming.

"Coming up" is the part of upcoming that falls within :data:`COMING_UP` of now: Today
lists it too, so a thank-you due tomorrow morning is in sight the evening before.

Read-only and cheap: one indexed query in plain SQL on the driver (no ORM objects, and no
SQLAlchemy needed to run it), so the command line, the Today panel and the tray can all
ask often.
"""

from __future__ import annotations

import enum
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, Final

from followup_desktop.core.action_kinds import (
    ActionKind,
    action_headline,
    action_title,
    kind_lookup,
    person_named,
)
from followup_desktop.core.action_kinds import kind_label as kind_label  # noqa: PLC0414 (re-exported)
from followup_desktop.core.i18n import _

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


#: How far ahead Today looks beyond what is overdue or due today.
COMING_UP: Final = timedelta(hours=24)


def end_of_day(now: datetime, tz: tzinfo) -> datetime:
    """Midnight at the end of ``now``'s calendar day in ``tz``."""
    local = now.astimezone(tz)
    return local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)


def coming_up_end(now: datetime, tz: tzinfo) -> datetime:
    """Where Today stops: the end of today, or 24 hours from now if that is later.

    In UTC: 24 real hours, and a day of 25 hours (clocks going back) compared as such.
    """
    return max(end_of_day(now, tz).astimezone(UTC), now.astimezone(UTC) + COMING_UP)


def is_coming_up(item: AgendaItem, now: datetime) -> bool:
    """True for an action after today that is due within the next 24 hours."""
    return item.bucket is Bucket.UPCOMING and item.due_at < now.astimezone(UTC) + COMING_UP


class Bucket(enum.StrEnum):
    """Where an action stands against the clock."""

    OVERDUE = "overdue"
    TODAY = "today"
    UPCOMING = "upcoming"
    # Long past its point: no longer reminded, listed apart until cleared.
    MISSED = "missed"


@dataclass(frozen=True, slots=True)
class AgendaItem:
    """One open action as shown to the person, with its effective due time."""

    action_id: int
    opportunity_id: int | None
    company: str
    role: str
    kind: ActionKind
    due_at: datetime
    snoozed: bool
    recipient: str
    channel: str | None
    reason: str
    bucket: Bucket
    #: Whom the step is about (the action's contact, else the recipient's name).
    person: str = ""

    @property
    def label(self) -> str:
        """What kind of step, in words (the same for every person)."""
        return kind_label(self.kind)

    @property
    def who(self) -> str:
        """The person the step is about, or the recipient's name when none was read."""
        return person_named(self.person, self.recipient)

    @property
    def title(self) -> str:
        """What to do, naming the person: "Send a thank-you note to Dana Kim"."""
        return action_title(self.kind, self.who)

    @property
    def headline(self) -> str:
        """The title and the company: what a row or a notification says."""
        return action_headline(self.kind, self.who, self.company)

    @property
    def sent_to(self) -> str:
        """Who the message goes to when that says more than the title: the address of
        the person named, or someone else ("via Lee Brandt <lee@...>") who passes it on."""
        recipient = " ".join(self.recipient.split())
        who = self.who
        if not recipient:
            return ""
        if not who or not recipient.startswith(who):
            return _("via {recipient}").format(recipient=recipient)
        # "Dana Kim <dana@acme.test>" for Dana Kim: only the address is new, shown bare
        # ("at dana@acme.test"), not in the brackets it is stored with.
        address = recipient[len(who) :].strip(" ,")
        if address.startswith("<") and address.endswith(">"):
            address = address[1:-1].strip()
        return _("at {address}").format(address=address) if address else ""

    def as_json(self) -> dict[str, Any]:
        """The stable JSON shape of ``followup-desktop agenda --json``."""
        return {
            "action_id": self.action_id,
            "opportunity_id": self.opportunity_id,
            "company": self.company,
            "role": self.role,
            "kind": self.kind.value,
            "label": self.label,
            "person": self.who,
            "title": self.title,
            "due_at": self.due_at.isoformat(),
            "bucket": self.bucket.value,
            "snoozed": self.snoozed,
            "recipient": self.recipient,
            "channel": self.channel,
            "reason": self.reason,
        }


def effective_due_column() -> Any:
    """SQL expression for when an action is really due (a snooze postpones it)."""
    from sqlalchemy import func

    from followup_desktop.core.models import Action

    return func.coalesce(Action.snoozed_until, Action.due_at)


# The same statement the ORM would build, on the driver: the command line reads the agenda
# without loading SQLAlchemy, and 10,000 rows come back without per-value processing.
# Instants are the naive UTC text UTCDateTime stores (fixed width, so text order is time
# order); the expression in ORDER BY is the one ix_actions_effective_due indexes.
_AGENDA_SQL = """
SELECT a.id, a.opportunity_id, o.company, o.role, a.kind,
       a.due_at || '+00:00', a.snoozed_until || '+00:00', a.state, a.recipient, a.channel,
       a.reason, c.name
FROM actions AS a LEFT OUTER JOIN opportunities AS o ON a.opportunity_id = o.id
LEFT OUTER JOIN contacts AS c ON a.contact_id = c.id
WHERE a.state IN ('open', 'snoozed') AND (o.id IS NULL OR o.archived IS 0) {bounds}
ORDER BY coalesce(a.snoozed_until, a.due_at), a.id
{limit}
"""


def _stored(moment: datetime) -> str:
    """An aware instant in the text form UTCDateTime stores."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def driver_connection(source: Session | sqlite3.Connection) -> sqlite3.Connection:
    """The sqlite3 connection behind a session (or the connection itself)."""
    if isinstance(source, sqlite3.Connection):
        return source
    connection = source.connection().connection.driver_connection
    assert isinstance(connection, sqlite3.Connection)
    return connection


def agenda(
    source: Session | sqlite3.Connection,
    now: datetime,
    tz: tzinfo,
    *,
    until: datetime | None = None,
    since: datetime | None = None,
    limit: int | None = None,
) -> list[AgendaItem]:
    """Open and snoozed actions due from ``since`` to before ``until``, soonest first.

    Both bounds are optional. The sort follows an index on the effective due time, so a
    small ``limit`` reads only the first few rows however many actions there are.
    ``source`` is a session or a plain sqlite3 connection on a checked database.

    "Today" is the person's calendar day in ``tz``; anything due before ``now`` is overdue.
    """
    bounds = ""
    parameters: dict[str, object] = {}
    if until is not None:
        bounds += " AND coalesce(a.snoozed_until, a.due_at) < :until"
        parameters["until"] = _stored(until)
    if since is not None:
        bounds += " AND coalesce(a.snoozed_until, a.due_at) >= :since"
        parameters["since"] = _stored(since)
    sql = _AGENDA_SQL.format(bounds=bounds, limit="" if limit is None else "LIMIT :limit")
    if limit is not None:
        parameters["limit"] = limit
    end_of_today = end_of_day(now, tz)
    parse = datetime.fromisoformat
    known, of = kind_lookup(), ActionKind.of
    items = []
    rows = driver_connection(source).execute(sql, parameters).fetchall()
    for (
        action_id,
        opportunity_id,
        company,
        role,
        kind,
        due_text,
        snoozed_text,
        state,
        recipient,
        channel,
        reason,
        contact_name,
    ) in rows:
        snoozed = state == "snoozed" and snoozed_text is not None
        due_at = parse(snoozed_text if snoozed else due_text)
        if due_at < now:
            bucket = Bucket.OVERDUE
        elif due_at.astimezone(tz) < end_of_today:
            bucket = Bucket.TODAY
        else:
            bucket = Bucket.UPCOMING
        items.append(
            AgendaItem(
                action_id=action_id,
                opportunity_id=opportunity_id,
                company=company or "",
                role=role or "",
                kind=known(kind) or of(kind),
                due_at=due_at,
                snoozed=snoozed,
                recipient=recipient,
                channel=channel,
                reason=reason,
                bucket=bucket,
                person=person_named(contact_name, recipient),
            )
        )
    return items


_MISSED_SQL = """
SELECT a.id, a.opportunity_id, o.company, o.role, a.kind, a.due_at || '+00:00',
       a.recipient, a.channel, a.reason, c.name
FROM actions AS a LEFT OUTER JOIN opportunities AS o ON a.opportunity_id = o.id
LEFT OUTER JOIN contacts AS c ON a.contact_id = c.id
WHERE a.state = 'missed' AND (o.id IS NULL OR o.archived IS 0)
ORDER BY a.due_at, a.id
{limit}
"""


def missed(source: Session | sqlite3.Connection, limit: int | None = None) -> list[AgendaItem]:
    """Steps the playbook marked missed (long past their point), oldest first."""
    sql = _MISSED_SQL.format(limit="" if limit is None else "LIMIT :limit")
    parameters: dict[str, object] = {} if limit is None else {"limit": limit}
    parse = datetime.fromisoformat
    return [
        AgendaItem(
            action_id=action_id,
            opportunity_id=opportunity_id,
            company=company or "",
            role=role or "",
            kind=ActionKind.of(kind),
            due_at=parse(due_text),
            snoozed=False,
            recipient=recipient,
            channel=channel,
            reason=reason,
            bucket=Bucket.MISSED,
            person=person_named(contact_name, recipient),
        )
        for (
            action_id,
            opportunity_id,
            company,
            role,
            kind,
            due_text,
            recipient,
            channel,
            reason,
            contact_name,
        ) in driver_connection(source).execute(sql, parameters).fetchall()
    ]
