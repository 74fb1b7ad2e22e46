"""Reading invitation files: what real senders produce, checked before anything is used.

Google Calendar, Outlook/Exchange with Windows zone names, Teams, Zoom, Apple and the
schedulers: VTIMEZONE blocks, Windows zone names mapped to IANA through icalendar's CLDR
table, UTC and all-day times, folded lines, several events per file, ``METHOD:CANCEL``.
The whole file is read and checked here; a broken file raises
:class:`ImportFormatError` before anything is matched or written.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any

import icalendar
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from followup_desktop.core.errors import ImportFormatError, ValidationError
from followup_desktop.core.files import read_limited
from followup_desktop.core.i18n import _
from followup_desktop.core.timeutil import (
    check_zone_name,
    is_pseudo_zone,
    is_zone_name,
    local_zone,
)

# An all-day invitation has no time; the interview is placed at this local hour.
ALL_DAY_HOUR = 9
DEFAULT_LENGTH = timedelta(hours=1)
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
    if uid:
        return _("event {n} (UID {uid})").format(n=index, uid=uid[:60])
    return _("event {n}").format(n=index)


def _event_times(index: int, event: Any, tz: tzinfo) -> tuple[datetime, datetime, str, bool]:
    start_prop = event.get("DTSTART")
    if start_prop is None:
        raise ImportFormatError(
            _("has no start time (DTSTART); the file cannot be used as an invitation."),
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
            _(
                "has a date or time that cannot be read ({error}); ask the sender for a new "
                "invitation."
            ).format(error=error),
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
                _(
                    "has a start time in the zone {zone}: {error} Ask the sender for a new "
                    "invitation."
                ).format(zone=repr(str(tzid or "")), error=error),
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
            _(
                "lasts from {start} to {end} UTC, a day or more; an interview is shorter than "
                "that. Check the end time with the sender."
            ).format(start=_utc_moment(starts_at), end=_utc_moment(ends_at)),
            _where(index, event),
        )
    return starts_at, ends_at, zone_name, False


def _utc_moment(moment: datetime) -> str:
    from followup_desktop.core.localformat import day_and_clock

    return day_and_clock(moment.astimezone(UTC), year=True)


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
            _(
                "contains a NUL byte on line {line}, which a calendar file never holds (the "
                "file may be saved as UTF-16, or damaged). Save the invitation as a plain "
                ".ics file and import that."
            ).format(line=where),
            "file",
        )
    lines = list(_content_lines(data))
    if not lines or lines[0][1].upper() != "BEGIN:VCALENDAR":
        raise ImportFormatError(
            _(
                "is not a calendar file (it does not start with BEGIN:VCALENDAR). Save the "
                "invitation's .ics attachment and import that."
            ),
            "file",
        )
    if lines[-1][1].upper() != "END:VCALENDAR":
        raise ImportFormatError(
            _("ends before END:VCALENDAR: the file is cut off. Download the invitation again."),
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
                        _(
                            "holds more than {limit} events; an invitation holds one or a "
                            "few. This looks like a whole calendar exported from an app: "
                            "import the single invitation instead, or split the file."
                        ).format(limit=MAX_EVENTS),
                        "file",
                    )
        elif name == "END":
            if components:
                components.pop()
        elif components and components[-1] == "VEVENT" and name in SINGLE_EVENT_PROPERTIES:
            if name in seen:
                raise ImportFormatError(
                    _(
                        "gives {name} twice in one event (line {first} and line {second}); an "
                        "event has only one. Ask the sender for a new invitation, or delete "
                        "the wrong line."
                    ).format(name=name, first=seen[name], second=number),
                    "file",
                )
            seen[name] = number


def read_invitations(data: bytes, tz: tzinfo | None = None) -> list[Invitation]:
    """Every event in an .ics file; raises :class:`ImportFormatError` for a bad file."""
    tz = tz or local_zone()
    if len(data) > MAX_FILE_BYTES:
        raise ImportFormatError(
            _(
                "is {size} MB; an invitation is a few kilobytes. Choose the .ics file "
                "attached to the invitation."
            ).format(size=len(data) // 1_000_000),
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
            _(
                "is not a valid calendar ({error}). Save the invitation's .ics attachment "
                "again and import that."
            ).format(error=error),
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
            _("holds no events (VEVENT): there is no interview in it to import."), "file"
        )
    seen: set[str] = set()
    for invitation in invitations:
        if invitation.uid in seen:
            raise ImportFormatError(
                _("names UID {uid} twice; each event needs its own UID.").format(
                    uid=invitation.uid
                ),
                "file",
            )
        seen.add(invitation.uid)
    return invitations


def _invitation(index: int, event: Any, method: str, tz: tzinfo) -> Invitation:
    uid = _text(event, "UID")
    if not uid:
        raise ImportFormatError(
            _(
                "has no UID, so a later update could not find it; ask the sender to send the "
                "invitation from a calendar application."
            ),
            _where(index, event),
        )
    if len(uid) > 500:
        raise ImportFormatError(_("has a UID longer than 500 characters."), _where(index, event))
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
        summary=_text(event, "SUMMARY") or _("Interview"),
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


__all__ = [
    "ALL_DAY_HOUR",
    "CONFIRM_EVENTS",
    "DEFAULT_LENGTH",
    "MAX_EVENTS",
    "MAX_FILE_BYTES",
    "SINGLE_EVENT_PROPERTIES",
    "Invitation",
    "Person",
    "display_name",
    "iana_zone_name",
    "read_invitation_file",
    "read_invitations",
]
