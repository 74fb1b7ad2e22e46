"""The export's own iCalendar writer: escaping, folding, times, and agreement with icalendar.

The writer exists for speed; the icalendar package builds the same calendar through the
same export code. vobject, an independent parser, reads both files and must see the
same components with the same values and parameters.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject

from followup_desktop.core.db import Database
from followup_desktop.core.demo import populate_demo
from followup_desktop.core.ics import build_calendar
from followup_desktop.core.ics import writer as ics_writer
from followup_desktop.core.ics.writer import (
    Calendar,
    Event,
    escape_text,
    fold,
    format_duration,
    parameter_value,
)

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def physical_lines(data: bytes) -> list[bytes]:
    assert data.endswith(b"\r\n")
    return data[:-2].split(b"\r\n")


def unfold(data: bytes) -> list[str]:
    return data.decode("utf-8").replace("\r\n ", "").split("\r\n")[:-1]


def test_text_escapes_backslash_semicolon_comma_and_every_line_break() -> None:
    assert escape_text("plain words") == "plain words"
    assert escape_text("a,b;c\\d") == "a\\,b\\;c\\\\d"
    assert escape_text("one\ntwo\r\nthree\rfour") == "one\\ntwo\\nthree\\nfour"


def test_parameters_are_quoted_and_caret_escaped_only_when_needed() -> None:
    assert parameter_value("Ada") == "Ada"
    assert parameter_value("Lovelace, Ada") == '"Lovelace, Ada"'
    assert parameter_value('Ada "the first"') == "\"Ada ^'the first^'\""
    assert parameter_value("a^b") == "a^^b"
    assert parameter_value("two\nlines") == "two^nlines"


def test_durations() -> None:
    assert format_duration(timedelta(0)) == "P0D"
    assert format_duration(timedelta(minutes=-15)) == "-PT15M"
    assert format_duration(timedelta(days=1, hours=2, seconds=5)) == "P1DT2H5S"
    assert format_duration(timedelta(weeks=2)) == "P14D"


def test_long_lines_fold_at_75_octets_without_splitting_a_character_or_an_escape() -> None:
    line = "DESCRIPTION:" + "Zürich — café, " * 20
    folded = fold(escape_text(line)).encode("utf-8") + b"\r\n"
    lines = physical_lines(folded)
    assert len(lines) > 3
    assert all(len(physical) <= 75 for physical in lines)
    assert all(physical.startswith(b" ") for physical in lines[1:])
    for physical in lines:
        physical.decode("utf-8")  # raises if a character was cut in two
        assert not physical.endswith(b"\\") or physical.endswith(b"\\\\")
    assert unfold(folded) == [escape_text(line)]


def test_backslash_runs_stay_in_escape_pairs_across_folds() -> None:
    for width in range(60, 80):
        text = "X" * width + "\\" * 9 + ","
        line = "SUMMARY:" + escape_text(text)
        folded = fold(line)
        for physical in folded.split("\r\n "):
            # No piece may end inside an escape: its trailing backslashes come in pairs.
            run = len(physical) - len(physical.rstrip("\\"))
            assert run % 2 == 0, (width, folded)
        assert folded.replace("\r\n ", "") == line


def test_short_ascii_lines_are_left_alone() -> None:
    assert fold("SUMMARY:short") == "SUMMARY:short"


def test_times_are_utc_zoned_floating_or_dates() -> None:
    event = Event()
    event.add("dtstart", datetime(2026, 3, 2, 9, 30, 15, 999, tzinfo=UTC))
    event.add("dtend", datetime(2026, 3, 2, 10, 30, tzinfo=ZoneInfo("Europe/Berlin")))
    event.add("due", datetime(2026, 3, 2, 10, 30, tzinfo=timezone(timedelta(hours=2))))
    event.add("recurrence-id", datetime(2026, 3, 2, 8, 0, tzinfo=UTC).replace(tzinfo=None))
    event.add("x-day", date(2026, 3, 2))
    event.add("x-utc-zone", datetime(2026, 3, 2, 8, 0, tzinfo=ZoneInfo("Etc/UTC")))
    assert unfold(event.to_ical())[1:-1] == [
        "DTSTART:20260302T093015Z",
        "DTEND;TZID=Europe/Berlin:20260302T103000",
        "DUE:20260302T083000Z",
        "RECURRENCE-ID:20260302T080000",
        "X-DAY;VALUE=DATE:20260302",
        "X-UTC-ZONE:20260302T080000Z",
    ]
    assert event.zones() == {"Europe/Berlin"}


def test_calendar_adds_one_timezone_block_per_zone_used() -> None:
    calendar = Calendar()
    calendar.add("version", "2.0")
    for zone in ("Europe/Berlin", "America/New_York", "Europe/Berlin"):
        event = Event()
        event.add("dtstart", datetime(2026, 7, 1, 9, tzinfo=ZoneInfo(zone)))
        calendar.add_component(event)
    calendar.add_missing_timezones()
    text = unfold(calendar.to_ical())
    assert [line for line in text if line.startswith("TZID:")] == [
        "TZID:America/New_York",
        "TZID:Europe/Berlin",
    ]
    assert text.index("BEGIN:VTIMEZONE") < text.index("BEGIN:VEVENT")
    parsed = vobject.readOne(calendar.to_ical().decode("utf-8"))
    # Wall time and zone as written (vobject's own reading of the zone rules is its own).
    starts = sorted(
        (event.dtstart.value.strftime("%Y%m%dT%H%M"), repr(event.dtstart.value.tzinfo))
        for event in parsed.vevent_list
    )
    assert starts == [
        ("20260701T0900", "<tzicalvtz 'America/New_York'>"),
        ("20260701T0900", "<tzicalvtz 'Europe/Berlin'>"),
        ("20260701T0900", "<tzicalvtz 'Europe/Berlin'>"),
    ]


def test_values_it_cannot_write_are_refused_by_name() -> None:
    with pytest.raises(TypeError, match="cannot write float"):
        Event().add("x-number", 1.5)


def test_text_survives_a_round_trip_through_vobject() -> None:
    awkward = 'Lovelace, Ada; "the first"\\ — naïve café\nsecond line, ' + "long " * 30
    event = Event()
    event.add("summary", awkward)
    event.add("categories", ["Follow-up", "a,b"])
    event.add("attendee", "mailto:ada@example.com", parameters={"CN": "Lovelace, Ada"})
    calendar = Calendar()
    calendar.add_component(event)
    parsed = vobject.readOne(calendar.to_ical().decode("utf-8")).vevent
    assert parsed.summary.value == awkward
    assert parsed.categories.value == ["Follow-up", "a,b"]
    assert parsed.attendee.value == "mailto:ada@example.com"
    assert parsed.attendee.params["CN"] == ["Lovelace, Ada"]


def _comparable(data: bytes) -> dict[tuple[str, str], dict[str, list[Any]]]:
    """Each component of a file by (kind, UID): its properties as vobject parsed them."""
    calendar = vobject.readOne(data.decode("utf-8"))
    found: dict[tuple[str, str], dict[str, list[Any]]] = {}

    def properties(component: Any) -> dict[str, list[Any]]:
        result: dict[str, list[Any]] = {}
        for name, lines in component.contents.items():
            values: list[Any] = []
            for line in lines:
                if isinstance(line, vobject.base.Component):
                    values.append(properties(line))
                    continue
                value = line.value
                if isinstance(value, datetime) and value.tzinfo is not None:
                    # The same instant in the same zone, whichever way the zone was written.
                    value = (value.astimezone(UTC), value.utcoffset())
                params = {key: sorted(item) for key, item in line.params.items()}
                values.append((value, params))
            result[name] = sorted(values, key=repr)
        return result

    for component in calendar.getChildren():
        if not isinstance(component, vobject.base.Component):
            continue
        uid = component.contents.get("uid") or component.contents.get("tzid")
        assert uid is not None
        found[(component.name, uid[0].value)] = properties(component)
    top = {
        name: [line.value for line in lines]
        for name, lines in calendar.contents.items()
        if not isinstance(lines[0], vobject.base.Component)
    }
    found[("VCALENDAR", "")] = {name: sorted(values) for name, values in top.items()}
    return found


@pytest.mark.parametrize("actions_as", ["events", "todos"])
def test_vobject_reads_the_demo_export_exactly_as_it_reads_icalendar_s(
    database: Database, actions_as: str
) -> None:
    from followup_desktop.core.ics import ActionsAs

    populate_demo(database, 60, seed=7, now=NOW)
    with database.session() as session:
        ours, counts = build_calendar(session, NOW, actions_as=ActionsAs(actions_as))
        reference, reference_counts = build_calendar(
            session, NOW, actions_as=ActionsAs(actions_as), backend=icalendar
        )
    assert counts == reference_counts
    assert counts.interviews > 50 and counts.actions > 20 and counts.decisions > 5
    ours_parsed = _comparable(ours.to_ical())
    reference_parsed = _comparable(reference.to_ical())
    assert ours_parsed.keys() == reference_parsed.keys()
    zones = [key for key in ours_parsed if key[0] == "VTIMEZONE"]
    assert zones, "the demo data has interviews in named zones"
    for key, properties in reference_parsed.items():
        assert ours_parsed[key] == properties, key
    assert all(len(line) <= 75 for line in physical_lines(ours.to_ical()))


def test_the_writer_is_what_the_export_uses_by_default(database: Database) -> None:
    populate_demo(database, 5, seed=1, now=NOW)
    with database.session() as session:
        calendar, _counts = build_calendar(session, NOW)
    assert isinstance(calendar, ics_writer.Calendar)
