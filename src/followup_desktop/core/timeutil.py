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
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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
    except ValueError:
        raise ValidationError(
            f"The {what} {text!r} is not an ISO 8601 date and time "
            "(for example 2026-11-23T09:30:00+01:00).",
            what,
        ) from None
    return ensure_aware(value, what)


def zone(name: str | None) -> tzinfo:
    """The IANA zone ``name``, or the machine's local zone when ``name`` is empty."""
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
        if name:
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


def __getattr__(name: str) -> Any:
    # The column type moved to sqltypes so that reading the clock never loads SQLAlchemy;
    # the old name still resolves, on first use.
    if name == "UTCDateTime":
        from followup_desktop.core.sqltypes import UTCDateTime

        return UTCDateTime
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
