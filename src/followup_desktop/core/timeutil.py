"""Time handling: every instant is an aware datetime in UTC inside the core.

SQLite has no time zone type and SQLAlchemy's ``DateTime(timezone=True)`` silently drops
the offset there, so the column type ``UTCDateTime`` (in :mod:`sqltypes`, which loads
SQLAlchemy; this module does not) refuses naive values instead of guessing, stores UTC
and gives back aware UTC. Wall-clock events (interviews) keep their IANA zone name
beside the instant so they can be shown as the person agreed to them.
"""

from __future__ import annotations

import contextlib
import os
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import cache
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from followup_desktop.core.errors import ValidationError


def utcnow() -> datetime:
    """The current instant, aware, in UTC."""
    return datetime.now(UTC)


def ensure_aware(value: datetime, what: str = "time") -> datetime:
    """Return ``value`` in UTC, or raise a clear error when it has no time zone."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(f"The {what} {value.isoformat()} has no time zone.", what)
    return value.astimezone(UTC)


def parse_instant(text: str, what: str = "time") -> datetime:
    """Parse ISO 8601 text that must carry an offset (``Z`` allowed)."""
    try:
        value = datetime.fromisoformat(text.strip())
        return ensure_aware(value, what)
    except (ValueError, OverflowError):
        # OverflowError: 9999-12-31T23:59-23:59 is fine as text but past year 9999 in UTC.
        raise ValidationError(
            f"The {what} {text!r} is not an ISO 8601 date and time "
            "(for example 2026-11-23T09:30:00+01:00).",
            what,
        ) from None


# Files in the zone folders that load as zones but are not the name of a place: the
# machine's own setting, the placeholder zone, the rule template, and the duplicate trees
# (``posix/`` is a copy, ``right/`` counts leap seconds, which civil time does not).
_NOT_ZONE_NAMES: Final = frozenset({"localtime", "Factory", "posixrules"})
_NOT_ZONE_PREFIXES: Final = ("posix/", "right/")


@cache
def canonical_zone_names() -> frozenset[str]:
    """Every IANA zone and link name this machine knows, spelt as the database spells it.

    ``available_timezones()`` lists the files of the zone folders, which include the
    machine's ``localtime``, ``Factory`` and the ``posix/`` and ``right/`` copies: those
    are left out. Names are compared exactly, so ``europe/berlin`` (which a
    case-insensitive file system would load) is not one of them.
    """
    return frozenset(
        name
        for name in available_timezones()
        if name not in _NOT_ZONE_NAMES and not name.startswith(_NOT_ZONE_PREFIXES)
    )


def is_pseudo_zone(name: str) -> bool:
    """True for a file of the zone folders that names no place (``localtime``, ``posix/…``)."""
    return name in _NOT_ZONE_NAMES or name.startswith(_NOT_ZONE_PREFIXES)


def is_zone_name(name: object) -> bool:
    """True when ``name`` is a canonical IANA zone name (see :func:`check_zone_name`)."""
    return isinstance(name, str) and name in canonical_zone_names()


def check_zone_name(name: object, field: str = "timezone") -> str:
    """``name`` when it is an IANA zone name such as Europe/Berlin; else a clear error.

    Every place that accepts a zone (imports, settings, the command line) goes through
    here, so ``localtime``, ``posix/Europe/Berlin``, ``right/UTC``, ``Factory`` and
    misspellings are refused the same way everywhere.
    """
    if is_zone_name(name):
        assert isinstance(name, str)
        return name
    shown = repr(name)
    hint = ""
    if isinstance(name, str):
        if name.startswith(_NOT_ZONE_PREFIXES) and name.split("/", 1)[1] in canonical_zone_names():
            hint = f" (write {name.split('/', 1)[1]!r})"
        else:
            folded = {zone_name.lower(): zone_name for zone_name in canonical_zone_names()}
            if name.lower() in folded:
                hint = f" (write {folded[name.lower()]!r})"
    raise ValidationError(
        f"{shown} is not a known time zone name{hint}; use an IANA name such as Europe/Berlin "
        "or America/New_York.",
        field,
    )


def zone(name: str | None) -> tzinfo:
    """The IANA zone ``name``, or the machine's local zone when ``name`` is empty.

    This loads what is stored; input is checked with :func:`check_zone_name` first.
    """
    if not name:
        return local_zone()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            f"Unknown time zone {name!r}; use an IANA name such as Europe/Berlin.", "timezone"
        ) from None


def local_zone() -> tzinfo:
    """The machine's local zone, as an IANA zone whenever the system names one.

    A fixed offset would be wrong half the year, so ``TZ`` and the ``/etc/localtime``
    link are consulted first; only a system that names no zone gets its current offset.
    """
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    with contextlib.suppress(OSError):
        target = str(Path("/etc/localtime").readlink())
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    for name in candidates:
        if name.startswith(_NOT_ZONE_PREFIXES):
            name = name.split("/", 1)[1]  # noqa: PLW2901 - the same zone without the tree
        if is_zone_name(name):
            with contextlib.suppress(ZoneInfoNotFoundError, ValueError):
                return ZoneInfo(name)
    local = datetime.now().astimezone().tzinfo
    assert local is not None
    return local


def local_zone_name() -> str:
    """An IANA name for the local zone, or ``UTC`` when the system names none."""
    local = local_zone()
    return getattr(local, "key", None) or "UTC"


def days_between(earlier: datetime, later: datetime) -> int:
    """Whole days from ``earlier`` to ``later`` (negative when reversed)."""
    return (later - earlier) // timedelta(days=1)


def start_of_day(day: date, tz: tzinfo) -> datetime:
    """Midnight at the start of ``day`` in ``tz``, as an aware UTC instant."""
    return datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)
