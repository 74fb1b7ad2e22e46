"""A fast iCalendar (RFC 5545) writer for the calendar export.

The export writes tens of thousands of components for a large search; building them as
icalendar objects costs seconds per thousand properties, because every value becomes a
typed object that is checked, sorted and converted again when serialised. This writer
turns each property into its content line as it is added, so a component is a list of
finished strings and the file is one join.

It offers the small part of icalendar's interface the export uses (``Calendar``,
``Event``, ``Todo``, ``Alarm``; ``add(name, value, parameters=...)``,
``add_component``, ``add_missing_timezones``, ``to_ical``), so the same export code runs
on either, and a test reads both outputs back with an independent parser (vobject) and
compares them. What it writes:

- **Text** is escaped as RFC 5545 section 3.3.11 says: backslash, semicolon and comma get
  a backslash; a line break (CRLF, LF or a lone CR) becomes ``\\n``. A list (CATEGORIES)
  is its escaped items joined by commas. ATTENDEE and ORGANIZER are addresses (URIs),
  written as given.
- **Times**: an aware datetime in UTC is written with ``Z``; one in a named zone
  (:class:`zoneinfo.ZoneInfo`) as local time with ``TZID=`` and that zone's VTIMEZONE
  block added by :meth:`Calendar.add_missing_timezones`; one with any other fixed offset
  is converted to UTC (a bare offset has no TZID). A naive datetime is floating local
  time. A date is ``VALUE=DATE``, a timedelta an RFC 5545 duration, seconds are whole.
- **Parameters** are quoted when they hold ``,``, ``;``, ``:`` or a space, with RFC 6868's
  caret escapes for a double quote, a caret and a line break.
- **Lines** end in CRLF and are folded so no physical line exceeds 75 octets (the
  continuation's leading space included), never inside a UTF-8 character and never
  right after a backslash, so an escape stays whole on one line.

The VTIMEZONE blocks themselves (a handful per file, from the zone database) come from
icalendar's own builder, loaded only when a file has zoned times.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

CRLF = "\r\n"
FOLD_OCTETS = 75
# Properties whose value is an address (CAL-ADDRESS, URI), not text: never escaped.
ADDRESS_PROPERTIES = frozenset({"ATTENDEE", "ORGANIZER", "URL"})
_UTC_KEYS = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Zulu", "Etc/Zulu", "GMT", "Etc/GMT"})
_TEXT_SPECIALS = re.compile(r"[\\;,\r\n]")
_PARAMETER_SPECIALS = re.compile(r'[,;: "^\r\n]')
_PARAMETER_QUOTED = re.compile(r'[,;: "]')


def escape_text(text: str) -> str:
    """``text`` as an RFC 5545 TEXT value: ``\\``, ``;``, ``,`` and line breaks escaped."""
    if _TEXT_SPECIALS.search(text) is None:
        return text
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def parameter_value(value: str) -> str:
    """A parameter value, caret-escaped (RFC 6868) and quoted when it must be."""
    if _PARAMETER_SPECIALS.search(value) is None:
        return value
    quoted = _PARAMETER_QUOTED.search(value) is not None
    value = value.replace("^", "^^").replace('"', "^'").replace("\r\n", "^n")
    value = value.replace("\n", "^n").replace("\r", "^n")
    return f'"{value}"' if quoted else value


def format_duration(value: timedelta) -> str:
    """``value`` as an RFC 5545 duration (``P0D``, ``-PT15M``, ``P1DT2H``)."""
    seconds = int(value.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    days, seconds = divmod(seconds, 86_400)
    hours, seconds = divmod(seconds, 3_600)
    minutes, seconds = divmod(seconds, 60)
    text = f"{sign}P"
    if days:
        text += f"{days}D"
    if hours or minutes or seconds:
        text += "T"
        if hours:
            text += f"{hours}H"
        if minutes:
            text += f"{minutes}M"
        if seconds:
            text += f"{seconds}S"
    elif not days:
        text += "0D"
    return text


def _stamp(value: datetime) -> str:
    return (
        f"{value.year:04d}{value.month:02d}{value.day:02d}"
        f"T{value.hour:02d}{value.minute:02d}{value.second:02d}"
    )


def _zone_key(value: datetime) -> str | None:
    """The TZID of a zoned datetime, "" for UTC, None for a bare offset."""
    zone = value.tzinfo
    if isinstance(zone, ZoneInfo):
        return "" if zone.key in _UTC_KEYS else zone.key
    offset = value.utcoffset()
    return "" if offset == timedelta(0) else None


def fold(line: str) -> str:
    """``line`` folded at 75 octets (RFC 5545 section 3.1), joined with CRLF + space."""
    if len(line) <= FOLD_OCTETS and line.isascii():
        return line
    encoded = line.encode("utf-8")
    if len(encoded) <= FOLD_OCTETS:
        return line
    pieces: list[bytes] = []
    start = 0
    limit = FOLD_OCTETS
    while len(encoded) - start > limit:
        end = start + limit
        # Back off to the start of a UTF-8 character (continuation bytes are 10xxxxxx).
        while encoded[end] & 0xC0 == 0x80:
            end -= 1
        # Keep an escape (backslash and its letter) on one line, for strict readers: a
        # piece starts on an escape boundary, so an odd run of backslashes before the cut
        # means its last one begins an escape.
        run = 0
        while end - run - 1 >= start and encoded[end - run - 1] == 0x5C:
            run += 1
        if run % 2 and end - 1 > start:
            end -= 1
        pieces.append(encoded[start:end])
        start = end
        limit = FOLD_OCTETS - 1  # continuation lines start with a space
    pieces.append(encoded[start:])
    return b"\r\n ".join(pieces).decode("utf-8")


class Component:
    """One BEGIN/END block: its content lines, already serialised, and its children."""

    name = "X-COMPONENT"
    __slots__ = ("_children", "_lines", "_zones")

    def __init__(self) -> None:
        self._lines: list[str] = []
        self._children: list[Component] = []
        self._zones: set[str] | None = None

    def add(self, name: str, value: object, parameters: Mapping[str, str] | None = None) -> None:
        """Add one property; ``value`` is text, a list of text, a time, a duration or a number."""
        name = name.upper()
        head = name
        if parameters:
            head += "".join(
                f";{key.upper()}={parameter_value(str(item))}" for key, item in parameters.items()
            )
        if isinstance(value, str):
            text = value if name in ADDRESS_PROPERTIES else escape_text(value)
        elif isinstance(value, datetime):
            head, text = self._datetime(head, value)
        elif isinstance(value, date):
            head += ";VALUE=DATE"
            text = f"{value.year:04d}{value.month:02d}{value.day:02d}"
        elif isinstance(value, timedelta):
            text = format_duration(value)
        elif isinstance(value, bool):
            text = "TRUE" if value else "FALSE"
        elif isinstance(value, int):
            text = str(value)
        elif isinstance(value, list | tuple):
            text = ",".join(escape_text(str(item)) for item in value)
        else:
            raise TypeError(f"cannot write {type(value).__name__} as an iCalendar value")
        self._lines.append(fold(f"{head}:{text}"))

    def _datetime(self, head: str, value: datetime) -> tuple[str, str]:
        if value.tzinfo is None:
            return head, _stamp(value)
        key = _zone_key(value)
        if key:
            if self._zones is None:
                self._zones = set()
            self._zones.add(key)
            return f"{head};TZID={parameter_value(key)}", _stamp(value)
        return head, _stamp(value.astimezone(ZoneInfo("UTC"))) + "Z"

    def add_component(self, component: Component) -> None:
        """Nest ``component`` inside this one (an alarm in an event, an event in a calendar)."""
        self._children.append(component)

    def zones(self) -> set[str]:
        """Every TZID this component and the components inside it refer to."""
        found = set(self._zones or ())
        for child in self._children:
            if child._zones is not None or child._children:
                found |= child.zones()
        return found

    def _write(self, out: list[str]) -> None:
        out.append(f"BEGIN:{self.name}")
        out.extend(self._lines)
        for child in self._children:
            child._write(out)
        out.append(f"END:{self.name}")

    def to_ical(self) -> bytes:
        """The component as UTF-8 content lines, each ending in CRLF."""
        out: list[str] = []
        self._write(out)
        return (CRLF.join(out) + CRLF).encode("utf-8")


class Event(Component):
    """A VEVENT."""

    name = "VEVENT"
    __slots__ = ()


class Todo(Component):
    """A VTODO."""

    name = "VTODO"
    __slots__ = ()


class Alarm(Component):
    """A VALARM."""

    name = "VALARM"
    __slots__ = ()


class Calendar(Component):
    """A VCALENDAR; its VTIMEZONE blocks are written after its own properties."""

    name = "VCALENDAR"
    __slots__ = ("_timezones",)

    def __init__(self) -> None:
        super().__init__()
        self._timezones: list[str] = []

    def add_missing_timezones(self) -> None:
        """Add a VTIMEZONE for every TZID used; zones the database lacks are left out."""
        self._timezones = list(_timezone_blocks(sorted(self.zones())))

    def _write(self, out: list[str]) -> None:
        out.append(f"BEGIN:{self.name}")
        out.extend(self._lines)
        out.extend(self._timezones)
        for child in self._children:
            child._write(out)
        out.append(f"END:{self.name}")


def _timezone_blocks(keys: Iterable[str]) -> Iterable[str]:
    keys = list(keys)
    if not keys:
        return
    from icalendar import Timezone  # only for files with zoned times

    for key in keys:
        try:
            block = Timezone.from_tzid(key).to_ical().decode("utf-8")
        except ValueError:
            continue
        yield block.rstrip("\r\n")


__all__ = [
    "Alarm",
    "Calendar",
    "Component",
    "Event",
    "Todo",
    "escape_text",
    "fold",
    "format_duration",
    "parameter_value",
]
