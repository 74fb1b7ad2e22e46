"""Calendars written by others (tests/data/calendars): a preview or a sentence, never a trace.

Each vendored file goes through ``import-ics --dry-run`` (nothing may change) and then a
real ``import-ics --yes``: exit code 0, or 2 with a message on stderr. The expected
outcome of every file is listed, so a change that starts refusing a good calendar (or
accepting a broken one) shows up here.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from followup_desktop.cli import main
from followup_desktop.core.db import open_database

CALENDARS = Path(__file__).parents[2] / "data" / "calendars"
PREVIEWS, REFUSED = 0, 2
EXPECTED = {
    "icalendar/america_new_york.ics": PREVIEWS,  # holds 1 events
    "icalendar/america_new_york_forward_reference.ics": REFUSED,  # gives DTSTART twice in one event
    "icalendar/big_bad_calendar.ics": REFUSED,  # ends before END
    "icalendar/bom_calendar.ics": REFUSED,  # holds no events
    "icalendar/broken_dtstart.ics": REFUSED,  # has a date or time that cannot be read
    "icalendar/broken_ical.ics": REFUSED,  # has no start time
    "icalendar/calendar_with_unicode.ics": REFUSED,  # holds no events
    "icalendar/event-event_with_recurrence.ics": REFUSED,  # is not a calendar file
    "icalendar/event-event_with_rsvp.ics": REFUSED,  # is not a calendar file
    "icalendar/event-event_with_unicode_organizer.ics": REFUSED,  # is not a calendar file
    "icalendar/event-issue_101_icalendar_chokes_on_umlauts_in_organizer.ics": REFUSED,  # is not a c
    "icalendar/example.ics": PREVIEWS,  # holds 3 events
    "icalendar/fuzz_testcase_0_char_in_component_name.ics": REFUSED,  # contains a NUL byte on line
    "icalendar/fuzz_testcase_invalid_month.ics": REFUSED,  # is not a calendar file
    "icalendar/invalid_duration.ics": REFUSED,  # has a date or time that cannot be read
    "icalendar/issue_104_broken_calendar.ics": REFUSED,  # is not a valid calendar
    "icalendar/issue_1050_multiple_calendars.ics": REFUSED,  # has no start time
    "icalendar/issue_1081_invalid_start_and_end.ics": REFUSED,  # has a date or time that cannot be
    "icalendar/issue_218_bad_tzid.ics": PREVIEWS,  # holds 1 events
    "icalendar/issue_237_fail_to_parse_timezone_with_non_ascii_tzid.ics": REFUSED,  # has no UID, so
    "icalendar/issue_722_missing_timezones.ics": REFUSED,  # has no UID, so a later update could not
    "icalendar/issue_722_timezone_transition_ambiguity.ics": PREVIEWS,  # holds 4 events
    "icalendar/multiple_timezones.ics": PREVIEWS,  # holds 3 events
    "icalendar/pacific_fiji.ics": REFUSED,  # gives DTSTART twice in one event
    "icalendar/parsing_error.ics": REFUSED,  # has no UID, so a later update could not find it
    "icalendar/parsing_error_in_UTC_offset.ics": REFUSED,  # is not a valid calendar
    "icalendar/pr_480_summary_with_colon.ics": REFUSED,  # ends before END
    "icalendar/rfc_7986_conferences.ics": REFUSED,  # has no UID, so a later update could not find i
    "icalendar/rfc_9253_examples.ics": PREVIEWS,  # holds 2 events
    "icalendar/small_bad_calendar.ics": REFUSED,  # ends before END
    "icalendar/timezoned.ics": REFUSED,  # lasts a day or more
    "icalendar/x_location.ics": PREVIEWS,  # holds 1 events
    "vobject/badline.ics": PREVIEWS,  # holds 1 events
    "vobject/badstream.ics": REFUSED,  # is not a valid calendar
    "vobject/freebusy.ics": REFUSED,  # is not a calendar file
    "vobject/ms_tzid.ics": PREVIEWS,  # holds 1 events
    "vobject/radicale-0816.ics": PREVIEWS,  # holds 1 events
    "vobject/radicale-0827.ics": REFUSED,  # names UID 812dae9d-4114-45c1-ba5b-4ee34756ab47 t
    "vobject/recurrence.ics": PREVIEWS,  # holds 1 events
    "vobject/ruby_rrule.ics": PREVIEWS,  # holds 1 events
    "vobject/silly_test.ics": REFUSED,  # is not a calendar file
    "vobject/simple_2_0_test.ics": PREVIEWS,  # holds 1 events
    "vobject/standard_test.ics": PREVIEWS,  # holds 1 events
    "vobject/tz_us_eastern.ics": REFUSED,  # is not a calendar file
    "vobject/tzid_8bit.ics": PREVIEWS,  # holds 1 events
    "vobject/utf8_test.ics": PREVIEWS,  # holds 1 events
}


def test_every_vendored_calendar_is_listed() -> None:
    found = {str(path.relative_to(CALENDARS)) for path in CALENDARS.rglob("*.ics")}
    assert found == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_calendar_from_elsewhere_previews_or_is_refused_with_a_sentence(
    name: str, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    open_database(db_path).close()
    before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    path = CALENDARS / name
    code = main(["--db", str(db_path), "import-ics", str(path), "--dry-run"])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    assert code == EXPECTED[name], captured.err
    if code == REFUSED:
        assert captured.err.startswith(f"followup-desktop: {path.name}")
    else:
        assert "Nothing was changed (--dry-run)." in captured.out
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before
    # The real import agrees with the preview.
    code = main(["--db", str(db_path), "import-ics", str(path), "--yes"])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert code == EXPECTED[name], captured.err
    if code == PREVIEWS:
        assert captured.out.strip().splitlines()[-1].startswith(f"Imported {path}: ")
