"""The local zone comes from the system through tzlocal, and is never "UTC" by mistake."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest
import tzlocal

from followup_desktop.core import timeutil
from followup_desktop.core.timeutil import local_zone, local_zone_name, utcnow


@pytest.fixture
def clean_tz() -> Iterator[None]:
    """TZ as the test sets it, put back (and the C library told) afterwards."""
    saved = os.environ.pop("TZ", None)
    time.tzset()
    yield
    if saved is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = saved
    time.tzset()


def _set_tz(value: str) -> None:
    os.environ["TZ"] = value
    time.tzset()


def test_tz_names_the_zone(clean_tz: None) -> None:
    _set_tz("Europe/Berlin")
    assert local_zone_name() == "Europe/Berlin"
    assert getattr(local_zone(), "key", None) == "Europe/Berlin"


def test_without_tz_the_zone_is_the_one_tzlocal_reads_from_the_system(clean_tz: None) -> None:
    assert local_zone_name() == tzlocal.get_localzone_name()


def test_tzlocal_is_asked_when_tz_is_unset(clean_tz: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tzlocal, "get_localzone_name", lambda: "America/Toronto")
    assert local_zone_name() == "America/Toronto"


def test_a_failing_tzlocal_falls_back_to_tz_and_the_localtime_link(
    clean_tz: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fails() -> str:
        raise ZoneInfoNotFoundError("conflicting configurations")

    monkeypatch.setattr(tzlocal, "get_localzone_name", fails)
    _set_tz("Europe/Paris")
    assert local_zone_name() == "Europe/Paris"


@pytest.mark.parametrize(
    ("posix_tz", "offset", "expected"),
    [
        ("CET-1", timedelta(hours=1), "Etc/GMT-1"),
        ("EST5", timedelta(hours=-5), "Etc/GMT+5"),
        ("IST-5:30", timedelta(hours=5, minutes=30), None),
        ("UTC0", timedelta(0), "UTC"),
    ],
)
def test_a_system_that_names_no_zone_gets_one_with_its_offset(
    clean_tz: None,
    monkeypatch: pytest.MonkeyPatch,
    posix_tz: str,
    offset: timedelta,
    expected: str | None,
) -> None:
    # No name from TZ, tzlocal or the link: only the C library's offset is known.
    monkeypatch.setattr(timeutil, "_system_zone_name", lambda: None)
    _set_tz(posix_tz)
    name = local_zone_name()
    if expected is not None:
        assert name == expected
    assert name != "UTC" or not offset
    assert utcnow().astimezone(ZoneInfo(name)).utcoffset() == offset


def test_a_process_started_in_berlin_plans_in_berlin() -> None:
    env = {k: v for k, v in os.environ.items() if k != "TZ"}
    env["TZ"] = "Europe/Berlin"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from followup_desktop.core.timeutil import local_zone_name as n; print(n())",
        ],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.stdout.strip() == "Europe/Berlin", done.stderr


def test_the_quick_look_at_one_zone_name_agrees_with_the_full_list() -> None:
    # The window's start asks about the system's zone alone instead of listing every
    # file of the zone folders; it must never accept a name the list refuses.
    listed = timeutil.canonical_zone_names()
    found = {name for name in listed if timeutil._is_zone_file(name)}
    assert "Europe/Berlin" in found and "America/Argentina/Buenos_Aires" in found
    # Every name of the folders is found (the tzdata package may list a few more).
    assert len(found) > 0.9 * len(listed)
    refused = (
        "europe/berlin",
        "Europe",
        "posix/Europe/Berlin",
        "right/UTC",
        "localtime",
        "Factory",
        "posixrules",
        "zone.tab",
        "tzdata.zi",
        "Europe/../UTC",
        "/etc/localtime",
        "",
    )
    assert [name for name in refused if timeutil._is_zone_file(name)] == []
    assert not any(name in listed for name in refused)
