"""Time handling: every instant is an aware datetime in UTC inside the core.

SQLite has no time zone type and SQLAlchemy's ``DateTime(timezone=True)`` silently drops
the offset there, so the column type ``UTCDateTime`` (in :mod:`sqltypes`, which loads
SQLAlchemy; this module does not) refuses naive values instead of guessing, stores UTC
and gives back aware UTC. Wall-clock events (interviews) keep their IANA zone name
beside the instant so they can be shown as the person agreed to them.
"""

from __future__ import annotations

import contextlib
import logging
import os
import warnings
import zoneinfo
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import cache
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from followup_desktop.core.errors import ValidationError

log = logging.getLogger(__name__)


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


def _is_zone_file(name: str) -> bool:
    """True when ``name`` is, spelt exactly, a zone file of the zone folders.

    One name looked up on its own, for the window's start: :func:`canonical_zone_names`
    opens every file of the folders. What it finds is what that list would hold; a name it
    does not find (a zone only the ``tzdata`` package has) is asked of the list.
    """
    parts = name.split("/")
    if is_pseudo_zone(name) or any(part in ("", ".", "..") for part in parts):
        return False
    for root in zoneinfo.TZPATH:
        folder = Path(root)
        try:
            for part in parts:
                # Listed, not just opened: a case-insensitive file system opens
                # europe/berlin too, which is not a zone's name.
                if part not in os.listdir(folder):  # noqa: PTH208 - names only, quickly
                    break
                folder /= part
            else:
                with folder.open("rb") as handle:
                    if handle.read(4) == b"TZif":
                        return True
        except OSError:
            continue
    return False


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


def _system_zone_name() -> str | None:
    """The IANA name the system gives its zone, or None when it names none.

    ``TZ`` first (read on every call: a test or a launcher may set it), then tzlocal,
    which knows each platform's configuration (``/etc/timezone``, the ``/etc/localtime``
    link, systemd's ``timedatectl``, the Windows registry); then the link read here, for a
    system on which tzlocal fails (conflicting files raise in it).
    """
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    try:
        import tzlocal

        with warnings.catch_warnings():
            # tzlocal warns when nothing is configured; saying so is this function's job.
            warnings.simplefilter("ignore")
            candidates.append(tzlocal.get_localzone_name() or "")
    except Exception as error:  # any failure of tzlocal means "ask the file"
        log.info("tzlocal could not name the local zone (%s); reading /etc/localtime", error)
    with contextlib.suppress(OSError):
        target = str(Path("/etc/localtime").readlink())
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    for name in candidates:
        if not name:
            continue
        if name.startswith(_NOT_ZONE_PREFIXES):
            name = name.split("/", 1)[1]  # noqa: PLW2901 - the same zone without the tree
        if _is_zone_file(name) or is_zone_name(name):
            return name
    return None


def local_zone() -> tzinfo:
    """The machine's local zone, as an IANA zone whenever the system names one.

    A fixed offset would be wrong half the year, so the system's zone name is used
    whenever there is one (:func:`_system_zone_name`); only a system that names no zone
    gets its current offset.
    """
    name = _system_zone_name()
    if name is not None:
        with contextlib.suppress(ZoneInfoNotFoundError, ValueError):
            return ZoneInfo(name)
    local = datetime.now().astimezone().tzinfo
    assert local is not None
    return local


def local_zone_name() -> str:
    """An IANA name for the local zone, never ``UTC`` unless the system is on UTC.

    A system that names no zone is given a zone with its current offset: ``Etc/GMT-1`` for
    UTC+1 (the ``Etc`` names count the other way round), or for an offset of part of an
    hour the first zone that has it now (UTC+5:30: ``Asia/Colombo``).
    """
    local = local_zone()
    key = getattr(local, "key", None)
    if key:
        return str(key)
    offset = datetime.now(local).utcoffset() or timedelta(0)
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds()) // 60
    if minutes % 60 == 0 and is_zone_name(f"Etc/GMT{-minutes // 60:+d}"):
        return f"Etc/GMT{-minutes // 60:+d}"
    now = utcnow()
    for name in sorted(canonical_zone_names()):
        if "/" in name and not name.startswith("Etc/"):
            with contextlib.suppress(ZoneInfoNotFoundError, ValueError):
                if now.astimezone(ZoneInfo(name)).utcoffset() == offset:
                    return name
    log.warning("no zone has the local offset %s; using UTC", offset)
    return "UTC"


def days_between(earlier: datetime, later: datetime) -> int:
    """Whole days from ``earlier`` to ``later`` (negative when reversed)."""
    return (later - earlier) // timedelta(days=1)


def start_of_day(day: date, tz: tzinfo) -> datetime:
    """Midnight at the start of ``day`` in ``tz``, as an aware UTC instant."""
    return datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)
