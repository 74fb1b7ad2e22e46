"""Calendar files (.ics, RFC 5545): export the search's dates, import interview invitations.

Export writes interviews as events, open actions as events (or to-dos) with an alarm, and
each expected decision as an all-day event. UIDs are stable (an interview keeps the UID
of the invitation it came from), DTSTAMP is always set and SEQUENCE goes up whenever an
item's content changed since the last export (kept in the ``calendar.sequences``
setting), so importing the file again into a calendar application updates its events
instead of duplicating them. The file is written atomically, by the fast writer in
:mod:`followup_desktop.core.ics_writer` (the icalendar package builds the same calendar
through the same code; a test compares the two).

Import reads what real senders produce (Google Calendar, Outlook/Exchange with Windows
zone names, Teams, Zoom, Apple, schedulers): VTIMEZONE blocks, Windows zone names mapped
to IANA through icalendar's CLDR table, UTC and all-day times, folded lines, several
events per file, ``METHOD:CANCEL``. The whole file is read and checked before anything
is written, and everything it changes is written in one transaction, so a broken file
changes nothing. How an invitation finds its opportunity is :func:`propose`; the rule
is described in docs/calendar.md.
"""

from __future__ import annotations

import contextlib
import enum
import hashlib
import os
import re
import tempfile
import warnings
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from followup_desktop.core import ics_writer, validation
from followup_desktop.core.action_kinds import kind_label
from followup_desktop.core.db import Database
from followup_desktop.core.errors import ImportFormatError, ValidationError
from followup_desktop.core.files import read_limited
from followup_desktop.core.models import (
    Action,
    ActionState,
    Contact,
    ContactRole,
    Debrief,
    Interview,
    InterviewKind,
    InterviewParticipant,
    Opportunity,
    OpportunityContact,
    Setting,
    Stage,
    StageChange,
    StageKind,
)
from followup_desktop.core.playbook import replan
from followup_desktop.core.timeutil import (
    check_zone_name,
    is_pseudo_zone,
    is_zone_name,
    local_zone,
    utcnow,
)

PRODID = "-//Followup//followup-desktop//EN"
UID_DOMAIN = "followup.invalid"
SEQUENCES_SETTING = "calendar.sequences"
ACCOUNT_SETTING = "email.account"
ACTION_MINUTES = 15
# An all-day invitation has no time; the interview is placed at this local hour.
ALL_DAY_HOUR = 9
DEFAULT_LENGTH = timedelta(hours=1)
NOTES_PREFIX = "From the invitation:"
CANCELLED_PREFIX = "Cancelled by the organizer"
MAX_FILE_BYTES = 5_000_000
# An invitation holds one event, a series or a busy week a few dozen; a file of
# thousands is an exported calendar, not an invitation, and would create as many
# interviews at once. Refused above this; the command line asks above CONFIRM_EVENTS.
MAX_EVENTS = 200
CONFIRM_EVENTS = 5
# RFC 5545 3.6.1: properties that MUST NOT occur more than once in a VEVENT. A second
# DTSTART or SUMMARY leaves the meaning open, so such a file is refused, not guessed at.
SINGLE_EVENT_PROPERTIES = frozenset(
    {
        "CLASS",
        "CREATED",
        "DESCRIPTION",
        "DTEND",
        "DTSTAMP",
        "DTSTART",
        "DURATION",
        "GEO",
        "LAST-MODIFIED",
        "LOCATION",
        "ORGANIZER",
        "PRIORITY",
        "RECURRENCE-ID",
        "SEQUENCE",
        "STATUS",
        "SUMMARY",
        "TRANSP",
        "UID",
        "URL",
    }
)

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


# ---------------------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------------------


class ActionsAs(enum.StrEnum):
    """How actions go into the file: events (every calendar shows them) or to-dos."""

    EVENTS = "events"
    TODOS = "todos"


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote."""

    path: Path
    interviews: int
    actions: int
    decisions: int


def interview_uid(interview_id: int, ical_uid: str | None) -> str:
    """The UID an interview is exported under: the invitation's, or one of ours."""
    return ical_uid or f"interview-{interview_id}@{UID_DOMAIN}"


def action_uid(action_id: int) -> str:
    """The UID an action is exported under."""
    return f"action-{action_id}@{UID_DOMAIN}"


def decision_uid(interview_id: int) -> str:
    """The UID of the all-day "decision expected" event of an interview."""
    return f"decision-{interview_id}@{UID_DOMAIN}"


def expected_decision(
    ends_at: datetime, decision_date: date | None, timeline_days: int | None, tz: tzinfo
) -> date | None:
    """When the employer said they would decide: the date given, or end + timeline."""
    if decision_date is not None:
        return decision_date
    if timeline_days is not None:
        return ends_at.astimezone(tz).date() + timedelta(days=timeline_days)
    return None


def _zone_or_utc(name: str) -> tzinfo:
    try:
        return ZoneInfo(name) if name else UTC
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def _digest(*parts: object) -> str:
    text = "\x1f".join("" if part is None else str(part) for part in parts)
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:16]


class _Sequences:
    """SEQUENCE per UID, bumped when an item's content digest changed since last time."""

    def __init__(self, stored: Any) -> None:
        self.entries: dict[str, list[Any]] = {}
        if isinstance(stored, dict):
            for uid, value in stored.items():
                if isinstance(value, list) and len(value) == 2 and isinstance(value[0], int):
                    self.entries[str(uid)] = [value[0], str(value[1])]
        self.changed = False

    def sequence(self, uid: str, digest: str) -> int:
        entry = self.entries.get(uid)
        if entry is None:
            self.entries[uid] = [0, digest]
            self.changed = True
            return 0
        if entry[1] != digest:
            entry[0] += 1
            entry[1] = digest
            self.changed = True
        return int(entry[0])

    def base(self, uid: str, sequence: int) -> None:
        """Remember a sequence seen in an invitation, so our next export is newer."""
        entry = self.entries.get(uid)
        if entry is None or entry[0] < sequence:
            self.entries[uid] = [sequence, ""]
            self.changed = True


def _read_sequences(session: Session) -> tuple[Setting | None, _Sequences]:
    setting = session.get(Setting, SEQUENCES_SETTING)
    return setting, _Sequences(None if setting is None else setting.value)


def _store_sequences(session: Session, setting: Setting | None, sequences: _Sequences) -> None:
    if not sequences.changed:
        return
    value = {uid: list(entry) for uid, entry in sequences.entries.items()}
    if setting is None:
        session.add(Setting(key=SEQUENCES_SETTING, value=value))
    else:
        setting.value = value


def _alarm(description: str, backend: ModuleType) -> Any:
    alarm = backend.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", description)
    alarm.add("trigger", timedelta(0))
    return alarm


AnySelect = Select[*tuple[Any, ...]]


@dataclass
class _Builder:
    """Adds components to a calendar, with the DTSTAMP and SEQUENCE bookkeeping.

    ``backend`` makes the components: :mod:`ics_writer` for files, or the icalendar
    package, whose interface it shares (a test compares the two).
    """

    calendar: Any
    stamp: datetime
    sequences: _Sequences
    backend: ModuleType

    def add(self, component: Any, uid: str, *content: object) -> None:
        component.add("uid", uid)
        component.add("dtstamp", self.stamp)
        component.add("sequence", self.sequences.sequence(uid, _digest(*content)))
        self.calendar.add_component(component)


def _queries(opportunity_id: int | None) -> tuple[AnySelect, AnySelect, AnySelect]:
    interviews = (
        select(
            Interview.id,
            Interview.opportunity_id,
            Interview.round,
            Interview.kind,
            Interview.starts_at,
            Interview.ends_at,
            Interview.timezone,
            Interview.location,
            Interview.next_steps,
            Interview.notes,
            Interview.decision_date,
            Interview.decision_timeline_days,
            Interview.ical_uid,
            Opportunity.company,
            Opportunity.role,
            Stage.kind.label("stage_kind"),
        )
        .join(Opportunity, Interview.opportunity_id == Opportunity.id)
        .join(Stage, Opportunity.stage_id == Stage.id)
        .order_by(Interview.starts_at, Interview.id)
    )
    panels = (
        select(InterviewParticipant.interview_id, Contact.name, Contact.email)
        .join(Contact, InterviewParticipant.contact_id == Contact.id)
        .order_by(InterviewParticipant.interview_id, InterviewParticipant.position)
    )
    actions = (
        select(
            Action.id,
            Action.kind,
            Action.due_at,
            Action.snoozed_until,
            Action.state,
            Action.recipient,
            Action.reason,
            Opportunity.company,
            Opportunity.role,
        )
        .outerjoin(Opportunity, Action.opportunity_id == Opportunity.id)
        .where(Action.state.in_([ActionState.OPEN, ActionState.SNOOZED]))
        .order_by(Action.due_at, Action.id)
    )
    if opportunity_id is None:
        interviews = interviews.where(Opportunity.archived.is_(False))
        actions = actions.where(Opportunity.id.is_(None) | Opportunity.archived.is_(False))
    else:
        interviews = interviews.where(Interview.opportunity_id == opportunity_id)
        panels = panels.join(Interview, InterviewParticipant.interview_id == Interview.id).where(
            Interview.opportunity_id == opportunity_id
        )
        actions = actions.where(Action.opportunity_id == opportunity_id)
    return interviews, panels, actions


def _interview_event(row: Any, people: list[tuple[str, str]], builder: _Builder) -> None:
    zone = _zone_or_utc(row.timezone)
    summary = f"Interview: {row.role} at {row.company}"
    if row.round > 1:
        summary += f" (round {row.round})"
    if is_cancelled_note(row.notes):
        summary = f"Cancelled: {summary}"
    lines = [f"{str(row.kind).capitalize()} interview, round {row.round}."]
    if people:
        lines.append("Panel: " + ", ".join(name for name, _ in people) + ".")
    if row.next_steps:
        lines.append(f"Next steps: {row.next_steps}")
    description = "\n".join(lines)
    event = builder.backend.Event()
    event.add("dtstart", row.starts_at.astimezone(zone))
    event.add("dtend", row.ends_at.astimezone(zone))
    event.add("summary", summary)
    if row.location:
        event.add("location", row.location)
    event.add("description", description)
    event.add("categories", ["Interview"])
    if is_cancelled_note(row.notes):
        event.add("status", "CANCELLED")
    for name, email in people:
        if email:
            event.add("attendee", f"mailto:{email}", parameters={"CN": name})
    builder.add(
        event,
        interview_uid(row.id, row.ical_uid),
        row.starts_at,
        row.ends_at,
        row.timezone,
        summary,
        row.location,
        description,
        people,
    )


def _decision_event(
    interview_id: int, decided: date, company: str, role: str, builder: _Builder
) -> None:
    summary = f"Decision expected: {role} at {company}"
    event = builder.backend.Event()
    event.add("dtstart", decided)
    event.add("dtend", decided + timedelta(days=1))
    event.add("summary", summary)
    event.add("transp", "TRANSPARENT")
    event.add("categories", ["Decision"])
    builder.add(event, decision_uid(interview_id), decided, summary)


def _action_component(row: Any, actions_as: ActionsAs, builder: _Builder) -> None:
    snoozed = row.state is ActionState.SNOOZED and row.snoozed_until is not None
    due = row.snoozed_until if snoozed else row.due_at
    where = f"{row.company} \u2014 {row.role}" if row.company else "Your search"
    summary = f"{kind_label(row.kind)}: {where}"
    lines = []
    if row.recipient:
        lines.append(f"To: {row.recipient}")
    if row.reason:
        lines.append(f"Why: {row.reason}")
    description = "\n".join(lines)
    if actions_as is ActionsAs.TODOS:
        component = builder.backend.Todo()
        component.add("due", due)
        component.add("status", "NEEDS-ACTION")
    else:
        component = builder.backend.Event()
        component.add("dtstart", due)
        component.add("dtend", due + timedelta(minutes=ACTION_MINUTES))
        component.add("transp", "TRANSPARENT")
    component.add("summary", summary)
    if description:
        component.add("description", description)
    component.add("categories", ["Follow-up"])
    component.add_component(_alarm(summary, builder.backend))
    builder.add(component, action_uid(row.id), due, summary, description, actions_as)


def build_calendar(
    session: Session,
    now: datetime,
    *,
    opportunity_id: int | None = None,
    actions_as: ActionsAs = ActionsAs.EVENTS,
    backend: ModuleType = ics_writer,
) -> tuple[Any, ExportResult]:
    """The calendar of one opportunity (or all, archived ones left out), and its counts.

    Updates the SEQUENCE bookkeeping in ``session``; the caller commits it once the file
    is safely written. The calendar is built by :mod:`ics_writer` unless ``backend``
    names another module with its interface (the icalendar package).
    """
    setting, sequences = _read_sequences(session)
    calendar = backend.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "Followup")
    builder = _Builder(calendar, now.astimezone(UTC), sequences, backend)
    interview_query, panel_query, action_query = _queries(opportunity_id)
    panels: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for row in session.execute(panel_query):
        panels[row.interview_id].append((row.name, row.email))

    interviews = 0
    # Only the latest stated decision per opportunity counts: a later round supersedes.
    latest: dict[int, tuple[datetime, int, date, str, str]] = {}
    for row in session.execute(interview_query):
        _interview_event(row, panels.get(row.id, []), builder)
        interviews += 1
        decided = expected_decision(
            row.ends_at, row.decision_date, row.decision_timeline_days, _zone_or_utc(row.timezone)
        )
        if decided is None or StageKind(row.stage_kind).is_closed:
            continue
        previous = latest.get(row.opportunity_id)
        if previous is None or previous[0] < row.starts_at:
            latest[row.opportunity_id] = (row.starts_at, row.id, decided, row.company, row.role)
    for _started, interview_id, decided, company, role in latest.values():
        _decision_event(interview_id, decided, company, role, builder)
    actions = 0
    for row in session.execute(action_query):
        _action_component(row, actions_as, builder)
        actions += 1
    calendar.add_missing_timezones()
    _store_sequences(session, setting, sequences)
    return calendar, ExportResult(Path(), interviews, actions, len(latest))


def write_atomically(path: Path, payload: bytes) -> None:
    """Write ``payload`` to ``path`` so a reader sees either the old or the new file."""
    path = path.expanduser().absolute()
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        Path(temporary).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        raise


def export_calendar(
    db: Database,
    path: Path,
    *,
    opportunity_id: int | None = None,
    actions_as: ActionsAs = ActionsAs.EVENTS,
    now: datetime | None = None,
) -> ExportResult:
    """Write an .ics file of one opportunity (or everything not archived), atomically."""
    now = now or utcnow()
    if not path.expanduser().absolute().parent.is_dir():
        raise ValidationError(
            f"The folder of {path} does not exist; choose a file in an existing folder.", "file"
        )
    with db.session() as session:
        if opportunity_id is not None and session.get(Opportunity, opportunity_id) is None:
            raise ValidationError(
                f"Opportunity {opportunity_id} does not exist; check the number.",
                "opportunity",
            )
        calendar, counts = build_calendar(
            session, now, opportunity_id=opportunity_id, actions_as=actions_as
        )
        # The file first: the sequences are committed only once it is safely written.
        try:
            write_atomically(path, calendar.to_ical())
        except OSError as error:
            raise ValidationError(
                f"Cannot write the calendar to {path}: {error.strerror or error}. Check that "
                "the folder is writable, or choose another file.",
                "file",
            ) from error
    return ExportResult(path, counts.interviews, counts.actions, counts.decisions)


# ---------------------------------------------------------------------------------------
# Reading invitations
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """Someone named in an invitation."""

    name: str
    email: str


@dataclass(frozen=True)
class Invitation:
    """One event of an invitation file, with its times in UTC and its IANA zone."""

    uid: str
    sequence: int
    cancelled: bool
    summary: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    all_day: bool
    location: str
    description: str
    organizer: Person | None
    attendees: tuple[Person, ...]


def iana_zone_name(tzid: str | None, value: datetime) -> str:
    """The IANA name for an event's zone: its own, or a Windows name mapped through CLDR."""
    key = getattr(value.tzinfo, "key", None)
    if isinstance(key, str) and key:
        if is_zone_name(key):
            return key
        if is_pseudo_zone(key):
            check_zone_name(key, "TZID")  # raises, saying what was meant
    for candidate in (tzid, str(value.tzinfo) if value.tzinfo else None):
        if not candidate:
            continue
        cleaned = candidate.strip().strip('"')
        mapped = WINDOWS_TO_OLSON.get(cleaned, cleaned)
        if is_zone_name(mapped):
            return mapped
    return "UTC"


def _person(prop: Any) -> Person | None:
    if prop is None:
        return None
    address = str(prop).strip()
    if address.lower().startswith("mailto:"):
        address = address[7:]
    address = address.strip().lower()
    if "@" not in address:
        return None
    name = str(prop.params.get("CN", "")).strip().strip('"') if hasattr(prop, "params") else ""
    return Person(display_name(name, address), address)


def display_name(common_name: str, email: str) -> str:
    """A person's name from CN ("Lehmann, Katrin" -> "Katrin Lehmann"), else the address."""
    name = common_name.strip()
    if not name or "@" in name:
        local = email.split("@", 1)[0]
        parts = [part for part in re.split(r"[._-]+", local) if part and not part.isdigit()]
        return " ".join(part.capitalize() for part in parts) or email
    if name.count(",") == 1:
        last, first = (part.strip() for part in name.split(","))
        if last and first:
            return f"{first} {last}"
    return name


def _text(component: Any, name: str) -> str:
    value = component.get(name)
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0]
    return str(value).strip()


def _where(index: int, component: Any) -> str:
    uid = _text(component, "UID")
    return f"event {index}" + (f" (UID {uid[:60]})" if uid else "")


def _event_times(index: int, event: Any, tz: tzinfo) -> tuple[datetime, datetime, str, bool]:
    start_prop = event.get("DTSTART")
    if start_prop is None:
        raise ImportFormatError(
            "has no start time (DTSTART); the file cannot be used as an invitation.",
            _where(index, event),
        )
    try:
        start = start_prop.dt
        end_prop = event.get("DTEND")
        duration_prop = event.get("DURATION")
        end = end_prop.dt if end_prop is not None else None
        duration = duration_prop.dt if duration_prop is not None else None
    except (ValueError, TypeError) as error:
        raise ImportFormatError(
            f"has a date or time that cannot be read ({error}); ask the sender for a new "
            "invitation.",
            _where(index, event),
        ) from None
    if not isinstance(start, datetime):
        # All day: no time was agreed; place it at a plain morning hour, locally.
        day = start
        starts = datetime.combine(day, time(ALL_DAY_HOUR), tzinfo=tz)
        zone_name = getattr(tz, "key", None) or "UTC"
        return starts.astimezone(UTC), (starts + DEFAULT_LENGTH).astimezone(UTC), zone_name, True
    tzid = start_prop.params.get("TZID") if hasattr(start_prop, "params") else None
    if start.tzinfo is None:
        # A floating time is the reader's wall clock (RFC 5545 3.3.5).
        start = start.replace(tzinfo=tz)
        zone_name = getattr(tz, "key", None) or "UTC"
    else:
        try:
            zone_name = iana_zone_name(tzid, start)
        except ValidationError as error:
            # icalendar loads any file of the zone folders: ``localtime`` would be the
            # reader's own zone and ``posix/…`` a copy. The sender meant a place.
            raise ImportFormatError(
                f"has a start time in the zone {str(tzid or '')!r}: {error} Ask the sender "
                "for a new invitation.",
                _where(index, event),
            ) from None
    if isinstance(end, datetime):
        if end.tzinfo is None:
            end = end.replace(tzinfo=start.tzinfo)
    elif isinstance(duration, timedelta) and duration > timedelta(0):
        end = start + duration
    else:
        end = start + DEFAULT_LENGTH
    starts_at, ends_at = start.astimezone(UTC), end.astimezone(UTC)
    if ends_at <= starts_at:
        ends_at = starts_at + DEFAULT_LENGTH
    if ends_at - starts_at >= timedelta(days=1):
        # Checked here, not first at the import: the preview must say what the import will.
        raise ImportFormatError(
            f"lasts from {starts_at:%d %b %Y %H:%M} to {ends_at:%d %b %Y %H:%M} UTC, a day or "
            "more; an interview is shorter than that. Check the end time with the sender.",
            _where(index, event),
        )
    return starts_at, ends_at, zone_name, False


def _content_lines(data: bytes) -> Iterable[tuple[int, str]]:
    """(line number in the file, unfolded content line), blank lines left out."""
    text = data.decode("utf-8-sig", errors="replace")
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line[:1] in {" ", "\t"} and current:
            current.append(line[1:])  # a folded continuation (RFC 5545 3.1)
            continue
        if current and "".join(current).strip():
            yield start, "".join(current).strip()
        current, start = [line], number
    if current and "".join(current).strip():
        yield start, "".join(current).strip()


def _property_name(line: str) -> str:
    return re.split(r"[;:]", line, maxsplit=1)[0].strip().upper()


def _check_structure(data: bytes) -> None:
    """What icalendar does not check, before it parses: NUL, duplicates, the event cap."""
    if b"\x00" in data:
        where = data[: data.index(b"\x00")].count(b"\n") + 1
        raise ImportFormatError(
            f"contains a NUL byte on line {where}, which a calendar file never holds (the "
            "file may be saved as UTF-16, or damaged). Save the invitation as a plain "
            ".ics file and import that.",
            "file",
        )
    lines = list(_content_lines(data))
    if not lines or lines[0][1].upper() != "BEGIN:VCALENDAR":
        raise ImportFormatError(
            "is not a calendar file (it does not start with BEGIN:VCALENDAR). Save the "
            "invitation's .ics attachment and import that.",
            "file",
        )
    if lines[-1][1].upper() != "END:VCALENDAR":
        raise ImportFormatError(
            "ends before END:VCALENDAR: the file is cut off. Download the invitation again.",
            "file",
        )
    components: list[str] = []
    seen: dict[str, int] = {}
    events = 0
    for number, line in lines:
        name = _property_name(line)
        value = line.split(":", 1)[1].strip().upper() if ":" in line else ""
        if name == "BEGIN":
            components.append(value)
            if value == "VEVENT":
                events += 1
                seen = {}
                if events > MAX_EVENTS:
                    raise ImportFormatError(
                        f"holds more than {MAX_EVENTS} events; an invitation holds one or a "
                        "few. This looks like a whole calendar exported from an app: import "
                        "the single invitation instead, or split the file.",
                        "file",
                    )
        elif name == "END":
            if components:
                components.pop()
        elif components and components[-1] == "VEVENT" and name in SINGLE_EVENT_PROPERTIES:
            if name in seen:
                raise ImportFormatError(
                    f"gives {name} twice in one event (line {seen[name]} and line {number}); "
                    "an event has only one. Ask the sender for a new invitation, or delete "
                    "the wrong line.",
                    "file",
                )
            seen[name] = number


def read_invitations(data: bytes, tz: tzinfo | None = None) -> list[Invitation]:
    """Every event in an .ics file; raises :class:`ImportFormatError` for a bad file."""
    tz = tz or local_zone()
    if len(data) > MAX_FILE_BYTES:
        raise ImportFormatError(
            f"is {len(data) // 1_000_000} MB; an invitation is a few kilobytes. "
            "Choose the .ics file attached to the invitation.",
            "file",
        )
    _check_structure(data)
    try:
        with warnings.catch_warnings():
            # icalendar warns when it guesses a vendor-prefixed TZID; the guess is what
            # we want, and a warning must not abort the import (tests make them errors).
            warnings.simplefilter("ignore")
            calendars = icalendar.Calendar.from_ical(data, multiple=True)
    except ValueError as error:
        raise ImportFormatError(
            f"is not a valid calendar ({error}). Save the invitation's .ics attachment "
            "again and import that.",
            "file",
        ) from None
    invitations: list[Invitation] = []
    index = 0
    for calendar in calendars:
        method = _text(calendar, "METHOD").upper()
        for event in calendar.walk("VEVENT"):
            index += 1
            invitations.append(_invitation(index, event, method, tz))
    if not invitations:
        raise ImportFormatError(
            "holds no events (VEVENT): there is no interview in it to import.", "file"
        )
    seen: set[str] = set()
    for invitation in invitations:
        if invitation.uid in seen:
            raise ImportFormatError(
                f"names UID {invitation.uid} twice; each event needs its own UID.", "file"
            )
        seen.add(invitation.uid)
    return invitations


def _invitation(index: int, event: Any, method: str, tz: tzinfo) -> Invitation:
    uid = _text(event, "UID")
    if not uid:
        raise ImportFormatError(
            "has no UID, so a later update could not find it; ask the sender to send the "
            "invitation from a calendar application.",
            _where(index, event),
        )
    if len(uid) > 500:
        raise ImportFormatError("has a UID longer than 500 characters.", _where(index, event))
    starts_at, ends_at, zone_name, all_day = _event_times(index, event, tz)
    try:
        sequence = int(_text(event, "SEQUENCE") or 0)
    except ValueError:
        sequence = 0
    status = _text(event, "STATUS").upper()
    attendees_raw = event.get("ATTENDEE")
    if attendees_raw is None:
        attendees_raw = []
    elif not isinstance(attendees_raw, list):
        attendees_raw = [attendees_raw]
    attendees = tuple(
        person for person in (_person(item) for item in attendees_raw) if person is not None
    )
    location = _text(event, "LOCATION")
    for conference in ("X-GOOGLE-CONFERENCE", "X-MICROSOFT-SKYPETEAMSMEETINGURL"):
        url = _text(event, conference)
        if url and url not in location:
            location = f"{location}: {url}" if location else url
    return Invitation(
        uid=uid,
        sequence=sequence,
        cancelled=method == "CANCEL" or status == "CANCELLED",
        summary=_text(event, "SUMMARY") or "Interview",
        starts_at=starts_at,
        ends_at=ends_at,
        timezone=zone_name,
        all_day=all_day,
        location=location[:2000],
        description=_text(event, "DESCRIPTION")[:20_000],
        organizer=_person(event.get("ORGANIZER")),
        attendees=attendees,
    )


def read_invitation_file(path: Path, tz: tzinfo | None = None) -> list[Invitation]:
    """Read an .ics file from disk (see :func:`read_invitations`)."""
    data = read_limited(path, MAX_FILE_BYTES, "calendar file")
    try:
        return read_invitations(data, tz)
    except ImportFormatError as error:
        location = path.name if error.json_path == "file" else f"{path.name}, {error.json_path}"
        raise ImportFormatError(error.detail, location) from None


# ---------------------------------------------------------------------------------------
# Which opportunity
# ---------------------------------------------------------------------------------------


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
            company = next((c for c in candidates if c), "") or "Unknown company"
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
        role = _clean_part(" ".join(_SEPARATORS.split(without))) or "Role from an invitation"
    return company[:200], role[:200]


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


@dataclass(frozen=True, slots=True)
class _Candidate:
    id: int
    company: str
    key: str
    closed: bool
    updated_at: datetime


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
    candidates = [
        _Candidate(
            row.id, row.company, company_key(row.company), row.kind.is_closed, row.updated_at
        )
        for row in session.execute(
            select(Opportunity.id, Opportunity.company, Stage.kind, Opportunity.updated_at)
            .join(Stage, Opportunity.stage_id == Stage.id)
            .where(Opportunity.archived.is_(False))
        )
    ]
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
    when = invitation.starts_at.astimezone(tz).strftime("%a %d %b %Y %H:%M")
    target = f"{proposal.company} — {proposal.role}".strip(" —") or "a new opportunity"
    if proposal.action == "update":
        return f"Update the interview on {when} ({target})"
    if proposal.action == "cancel":
        return f"Cancel the interview on {when} ({target})"
    if proposal.action == "ignore":
        return f"Nothing to do for the cancelled {invitation.summary!r}"
    if proposal.opportunity_id is None:
        return f"Add an interview on {when} to a new opportunity: {target}"
    return f"Add an interview on {when} to {target} (matched by {proposal.matched_by})"


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
        hit = _best(c for c in candidates if c.key and c.key == company_key(label))
        if hit is not None:
            return hit.id, f"the organizer's address ({invitation.organizer.email})"  # type: ignore[union-attr]
    summary_words = re.sub(r"[^a-z0-9]+", " ", invitation.summary.lower())
    squashed = summary_words.replace(" ", "")
    hit = _best(
        c
        for c in candidates
        if len(c.key) >= 3
        and (
            re.search(rf"\b{re.escape(c.company.lower())}\b", invitation.summary.lower())
            or (len(c.key) >= 5 and c.key in squashed)
        )
    )
    if hit is not None:
        return hit.id, f"the company name in the title ({hit.company})"
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
            return hit.id, f"a contact who writes from {domain}"
    del company
    return None, "no opportunity matches"


# ---------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------


@dataclass
class IcsImportResult:
    """What an import did, one line per invitation, and the change for the views."""

    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    cancelled_deleted: list[int] = field(default_factory=list)
    cancelled_kept: list[int] = field(default_factory=list)
    opportunities_created: list[int] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    opportunity_ids: set[int] = field(default_factory=set)
    replanned: set[int] = field(default_factory=set)

    def summary(self) -> str:
        """One sentence for the status bar or the terminal."""

        def count(number: int, one: str, many: str) -> str:
            return f"{number} {one if number == 1 else many}"

        parts = []
        if self.created:
            parts.append(count(len(self.created), "interview added", "interviews added"))
        if self.updated:
            parts.append(count(len(self.updated), "interview updated", "interviews updated"))
        cancelled = len(self.cancelled_deleted) + len(self.cancelled_kept)
        if cancelled:
            parts.append(count(cancelled, "interview cancelled", "interviews cancelled"))
        if self.opportunities_created:
            parts.append(
                count(len(self.opportunities_created), "new opportunity", "new opportunities")
            )
        return ", ".join(parts) or "nothing changed"


Choices = Mapping[str, int | None]


def import_invitations(
    db: Database,
    invitations: Sequence[Invitation],
    *,
    choices: Choices | None = None,
    now: datetime | None = None,
) -> IcsImportResult:
    """Apply invitations in one transaction; ``choices`` maps a UID to an opportunity.

    A choice of None creates a new opportunity for that invitation even when one
    matched. UIDs already imported are always updated in place.
    """
    now = now or utcnow()
    result = IcsImportResult()
    with db.session() as session:
        own = own_addresses(session)
        setting, sequences = _read_sequences(session)
        # Several events of one file for a new company go to one new opportunity.
        created: dict[str, int] = {}
        for proposal in propose(session, invitations):
            uid = proposal.invitation.uid
            target = proposal.opportunity_id
            reason = proposal.matched_by
            if proposal.action == "create" and choices is not None and uid in choices:
                target, reason = choices[uid], "your choice"
                if target is not None and session.get(Opportunity, target) is None:
                    raise ValidationError(
                        f"Opportunity {target} no longer exists; import the file again.",
                        "opportunity",
                    )
            elif proposal.action == "create" and target is None:
                target = created.get(company_key(proposal.company))
                reason = "an opportunity made earlier in this file"
            chosen = Proposal(
                proposal.invitation,
                proposal.action,
                proposal.interview_id,
                target,
                proposal.company,
                proposal.role,
                reason,
            )
            before = len(result.opportunities_created)
            _apply(session, chosen, own, now, result)
            if len(result.opportunities_created) > before:
                created[company_key(proposal.company)] = result.opportunities_created[-1]
            sequences.base(uid, proposal.invitation.sequence)
        _store_sequences(session, setting, sequences)
        session.flush()
        if result.opportunity_ids:
            result.replanned = replan(session, sorted(result.opportunity_ids), now)
        if result.cancelled_kept:
            # After planning: the planner does not know the interview was cancelled, so
            # the steps it planned from it are set aside (dismissed steps stay dismissed).
            _dismiss_open_steps(session, result.cancelled_kept)
    return result


def _dismiss_open_steps(session: Session, interview_ids: Sequence[int]) -> None:
    for action in session.scalars(
        select(Action).where(
            Action.interview_id.in_(interview_ids),
            Action.state.in_([ActionState.OPEN, ActionState.SNOOZED]),
        )
    ):
        action.state = ActionState.DISMISSED
        action.snoozed_until = None


def import_ics_file(
    db: Database, path: Path, *, now: datetime | None = None, tz: tzinfo | None = None
) -> IcsImportResult:
    """Read an .ics file and import every invitation in it as :func:`propose` decides."""
    return import_invitations(db, read_invitation_file(path, tz), now=now)


def _kind_of(invitation: Invitation) -> InterviewKind:
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


def _apply(
    session: Session,
    proposal: Proposal,
    own: frozenset[str],
    now: datetime,
    result: IcsImportResult,
) -> None:
    invitation = proposal.invitation
    if proposal.action == "ignore":
        result.lines.append(
            f"{invitation.summary}: cancelled, but it was never imported; nothing to do."
        )
        return
    if proposal.action == "cancel":
        assert proposal.interview_id is not None
        _cancel(session, proposal.interview_id, invitation, now, result)
        return
    if proposal.action == "update":
        assert proposal.interview_id is not None
        interview = session.get(Interview, proposal.interview_id)
        assert interview is not None
        _set_times(interview, invitation)
        if invitation.location:
            interview.location = invitation.location
        _add_people(session, interview, invitation, own)
        result.updated.append(interview.id)
        result.opportunity_ids.add(interview.opportunity_id)
        result.lines.append(f"{invitation.summary}: interview {interview.id} updated.")
        return
    opportunity_id = proposal.opportunity_id
    if opportunity_id is None:
        opportunity_id = _new_opportunity(session, proposal, now)
        result.opportunities_created.append(opportunity_id)
        how = f"new opportunity {proposal.company} — {proposal.role}"
    else:
        how = f"opportunity {opportunity_id}, matched by {proposal.matched_by}"
    rounds = session.scalars(
        select(Interview.id).where(Interview.opportunity_id == opportunity_id)
    ).all()
    notes = f"{NOTES_PREFIX}\n{invitation.description}" if invitation.description else ""
    if invitation.all_day:
        notes = (
            "The invitation was for a whole day without a time; set the real time here.\n" + notes
        ).strip()
    interview = Interview(
        opportunity_id=opportunity_id,
        round=len(rounds) + 1,
        kind=_kind_of(invitation),
        location=invitation.location,
        notes=notes,
        ical_uid=invitation.uid,
    )
    _set_times(interview, invitation)
    session.add(interview)
    session.flush()
    _add_people(session, interview, invitation, own)
    result.created.append(interview.id)
    result.opportunity_ids.add(opportunity_id)
    result.lines.append(f"{invitation.summary}: interview added to {how}.")


def _set_times(interview: Interview, invitation: Invitation) -> None:
    validation.interview_times(invitation.starts_at, invitation.ends_at)
    interview.starts_at = invitation.starts_at
    interview.ends_at = invitation.ends_at
    interview.timezone = invitation.timezone


def _new_opportunity(session: Session, proposal: Proposal, now: datetime) -> int:
    stage = (
        session.scalars(
            select(Stage).where(Stage.kind == StageKind.ACTIVE).order_by(Stage.position.desc())
        ).first()
        or session.scalars(select(Stage).order_by(Stage.position)).first()
    )
    if stage is None:
        raise ValidationError("There are no stages; add one in Settings first.", "stage_id")
    # The interviewing stage: the last "active" column of the board.
    opportunity = Opportunity(
        company=validation.required_text(proposal.company, "company", "Company", 200),
        role=validation.required_text(proposal.role, "role", "Role", 200),
        stage_id=stage.id,
        source="Calendar invitation",
        created_at=now,
        updated_at=now,
    )
    session.add(opportunity)
    session.flush()
    session.add(StageChange(opportunity_id=opportunity.id, to_stage_id=stage.id, changed_at=now))
    return opportunity.id


def _skip(person: Person, invitation: Invitation, own: frozenset[str]) -> bool:
    if person.email in own or person.email.split("@", 1)[0] in _GENERIC_MAILBOXES:
        return True
    if own:
        return False
    # No account set up: a personal address among an employer's is the candidate.
    organizer_is_company = bool(invitation.organizer and company_domain(invitation.organizer.email))
    return organizer_is_company and person.email.rsplit("@", 1)[-1] in PERSONAL_DOMAINS


def _contact_for(session: Session, person: Person, cache: dict[str, Contact]) -> Contact:
    if person.email in cache:
        return cache[person.email]
    contact = session.scalars(
        select(Contact).where(Contact.email == person.email).order_by(Contact.id)
    ).first()
    if contact is None:
        contact = Contact(
            name=person.name[:200], email=validation.email(person.email, "email", "Email")
        )
        session.add(contact)
        session.flush()
    cache[person.email] = contact
    return contact


def _link(session: Session, opportunity_id: int, contact_id: int, role: ContactRole) -> None:
    if session.get(OpportunityContact, (opportunity_id, contact_id, role)) is None:
        session.add(
            OpportunityContact(opportunity_id=opportunity_id, contact_id=contact_id, role=role)
        )


def _add_people(
    session: Session, interview: Interview, invitation: Invitation, own: frozenset[str]
) -> None:
    """Attendees join the panel (existing rows and their mentions stay); the organizer,
    when not an attendee, is linked as the recruiter."""
    # A person already on the panel keeps their row (and its mention), whichever of
    # several contacts with the same address it points at.
    cache: dict[str, Contact] = {
        participant.contact.email: participant.contact
        for participant in interview.participants
        if participant.contact.email
    }
    present = {participant.contact_id for participant in interview.participants}
    position = len(interview.participants)
    attendee_emails = {person.email for person in invitation.attendees}
    for person in invitation.attendees:
        if _skip(person, invitation, own):
            continue
        try:
            contact = _contact_for(session, person, cache)
        except ValidationError:
            continue  # an address that is not one: leave the person out, keep the rest
        if contact.id in present:
            continue
        interview.participants.append(
            InterviewParticipant(contact_id=contact.id, position=position)
        )
        present.add(contact.id)
        position += 1
        _link(session, interview.opportunity_id, contact.id, ContactRole.INTERVIEWER)
    organizer = invitation.organizer
    if (
        organizer is not None
        and organizer.email not in attendee_emails
        and not _skip(organizer, invitation, own)
        and company_domain(organizer.email)
    ):
        with contextlib.suppress(ValidationError):
            contact = _contact_for(session, organizer, cache)
            _link(session, interview.opportunity_id, contact.id, ContactRole.RECRUITER)


def holds_own_work(session: Session, interview: Interview) -> bool:
    """True when the person wrote something about an interview that must not be lost."""
    if session.scalar(select(Debrief.id).where(Debrief.interview_id == interview.id)):
        return True
    if interview.notes and not interview.notes.startswith(
        (NOTES_PREFIX, "The invitation was for a whole day")
    ):
        return True
    if interview.next_steps or interview.decision_date or interview.decision_timeline_days:
        return True
    if interview.check_back_on or interview.may_check_in is not None:
        return True
    if any(participant.mention for participant in interview.participants):
        return True
    return bool(
        session.scalar(
            select(Action.id).where(
                Action.interview_id == interview.id,
                (Action.state == ActionState.DONE) | Action.due_edited.is_(True),
            )
        )
    )


def _cancel(
    session: Session,
    interview_id: int,
    invitation: Invitation,
    now: datetime,
    result: IcsImportResult,
) -> None:
    """A cancelled invitation: delete an untouched interview; keep one with the person's
    own work (debrief, notes, ...), marked cancelled, with its open steps dismissed."""
    interview = session.get(Interview, interview_id)
    assert interview is not None
    result.opportunity_ids.add(interview.opportunity_id)
    if not holds_own_work(session, interview):
        session.delete(interview)
        session.flush()
        result.cancelled_deleted.append(interview_id)
        result.lines.append(
            f"{invitation.summary}: cancelled by the organizer; the interview and its "
            "planned steps were removed (it held nothing you wrote)."
        )
        return
    stamp = now.astimezone(UTC).strftime("%Y-%m-%d")
    if not interview.notes.startswith(CANCELLED_PREFIX):
        interview.notes = f"{CANCELLED_PREFIX} on {stamp}.\n{interview.notes}".strip()
    result.cancelled_kept.append(interview_id)
    result.lines.append(
        f"{invitation.summary}: cancelled by the organizer; the interview is kept because "
        "it holds your debrief or notes, marked cancelled, and its open steps were dismissed."
    )


def is_cancelled_note(notes: str) -> bool:
    """True when an interview's notes mark it as cancelled by the organizer."""
    return notes.startswith(CANCELLED_PREFIX)


__all__ = [
    "ActionsAs",
    "ExportResult",
    "IcsImportResult",
    "Invitation",
    "Person",
    "Proposal",
    "build_calendar",
    "company_domain",
    "display_name",
    "expected_decision",
    "export_calendar",
    "guess_company_and_role",
    "iana_zone_name",
    "import_ics_file",
    "import_invitations",
    "own_addresses",
    "propose",
    "read_invitation_file",
    "read_invitations",
]
