"""Hostile input at the doors: every refusal is a sentence, never a traceback.

The command line runs in-process through ``main`` (exit code 2 and a message on stderr
for bad input) on real database files; the core checks are called directly where the
message itself is the point.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from followup_desktop import cli
from followup_desktop.cli import main
from followup_desktop.core import ics
from followup_desktop.core.db import open_database
from followup_desktop.core.errors import ImportFormatError, ValidationError
from followup_desktop.core.exchange import export_database, parse_export
from followup_desktop.core.plain_text import for_display, for_terminal, refuse_nul
from followup_desktop.core.services import FollowupService
from followup_desktop.core.services.standalone import import_database
from followup_desktop.core.timeutil import check_zone_name, local_zone

RLO = "\u202e"


def event(uid: str, *extra: str, start: str = "20261203T100000Z") -> str:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20261120T090000Z",
        f"DTSTART:{start}",
        "DTEND:20261203T110000Z",
        "SUMMARY:Interview: Data Engineer at Northwind",
        "ORGANIZER;CN=Dana Levi:mailto:dana@northwind.example",
        *extra,
        "END:VEVENT",
    ]
    return "\r\n".join(lines)


def calendar(*events: str) -> bytes:
    head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//Hostile//EN\r\nMETHOD:REQUEST"
    return "\r\n".join([head, *events, "END:VCALENDAR", ""]).encode()


def counts(db_path: Path) -> dict[str, int]:
    db = open_database(db_path)
    try:
        with db.engine.connect() as connection:
            return {
                table: connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one()
                for table in ("opportunities", "interviews", "settings")
            }
    finally:
        db.close()


@pytest.fixture
def db_file(db_path: Path) -> Path:
    db = open_database(db_path)
    db.close()
    return db_path


# --- the display helper --------------------------------------------------------------


def test_overrides_are_removed_so_evil_never_reads_live() -> None:
    assert for_display(f"{RLO}live") == "live"
    assert for_display(f"Acme{RLO}evil\u202c Ltd") == "Acmeevil Ltd"
    for control in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069":
        assert control not in for_display(f"a{control}b")


def test_right_to_left_text_is_isolated_and_left_to_right_text_unchanged() -> None:
    assert for_display("Northwind Analytics") == "Northwind Analytics"
    assert for_display("<b>Acme</b>") == "<b>Acme</b>"  # markup is the GUI's concern
    hebrew = "\u05e9\u05dc\u05d5\u05dd"
    assert for_display(hebrew) == f"\u2068{hebrew}\u2069"
    assert for_display("a\u200fb") == "\u2068a\u200fb\u2069"
    assert for_display("") == ""


def test_terminal_text_has_no_control_sequences() -> None:
    assert for_terminal("Acme\x1b]0;owned\x07 Ltd") == "Acme\ufffd]0;owned\ufffd Ltd"
    assert for_terminal("two\nlines\tand a tab") == "two\nlines\tand a tab"


def test_nul_is_refused_on_input_by_the_service(database: Any) -> None:
    service = FollowupService(database)
    with pytest.raises(ValidationError, match="NUL character") as caught:
        service.create_opportunity("Acme\x00", "Analyst")
    assert caught.value.field == "company"
    with pytest.raises(ValidationError, match="NUL"):
        refuse_nul("a\x00", "notes", "Notes")
    with pytest.raises(ValidationError, match="NUL"):
        service.set_setting("template.thank_you", {"body": ["Dear \x00"]})
    assert service.create_opportunity("Acme", "Analyst").created_id is not None


# --- time zones ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "localtime",
        "posix/Europe/Berlin",
        "right/UTC",
        "Factory",
        "europe/berlin",
        "Europe/Berlin/",
        "",
        "Mars/Olympus",
    ],
)
def test_zone_names_that_name_no_place_are_refused(name: str) -> None:
    with pytest.raises(ValidationError, match="not a known time zone name"):
        check_zone_name(name)


def test_canonical_zone_names_pass_and_hints_name_the_real_one() -> None:
    for name in ("Europe/Berlin", "America/New_York", "UTC", "Asia/Kolkata"):
        assert check_zone_name(name) == name
    with pytest.raises(ValidationError, match="write 'Europe/Berlin'"):
        check_zone_name("posix/Europe/Berlin")


def test_settings_and_interviews_refuse_localtime_as_the_zone(database: Any) -> None:
    service = FollowupService(database)
    with pytest.raises(ValidationError, match="not a known time zone name"):
        service.set_setting("playbook", {"timezone": "localtime"})
    opportunity = service.create_opportunity("Acme", "Analyst").created_id
    assert opportunity is not None
    start = datetime(2026, 12, 1, 10, tzinfo=UTC)
    for name in ("localtime", "posix/Europe/Berlin", "Factory"):
        with pytest.raises(ValidationError, match="not a known time zone name"):
            service.record_interview(opportunity, start, start + timedelta(hours=1), name)
    service.record_interview(opportunity, start, start + timedelta(hours=1), "Europe/Berlin")


def test_invitation_in_a_pseudo_zone_is_refused_naming_it() -> None:
    data = calendar(event("a@x").replace("DTSTART:", "DTSTART;TZID=posix/Europe/Berlin:", 1))
    data = data.replace(b"20261203T100000Z", b"20261203T100000", 1)
    with pytest.raises(ImportFormatError, match="posix/Europe/Berlin"):
        ics.read_invitations(data, local_zone())


# --- calendar files ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "prop", ["DTSTART:20261204T100000Z", "UID:other@x", "SUMMARY:Two", "DTEND:20261203T120000Z"]
)
def test_a_property_given_twice_is_refused_naming_it_and_its_lines(prop: str) -> None:
    data = calendar(event("a@x", prop))
    name = prop.split(":", maxsplit=1)[0]
    with pytest.raises(ImportFormatError) as caught:
        ics.read_invitations(data)
    message = str(caught.value)
    assert f"gives {name} twice" in message
    lines = data.decode().split("\r\n")
    first = next(i for i, line in enumerate(lines, 1) if line.startswith(name + ":"))
    second = next(i for i, line in enumerate(lines, 1) if line.startswith(name + ":") and i > first)
    assert f"line {first} and line {second}" in message


def test_a_property_repeated_in_an_alarm_or_another_event_is_fine() -> None:
    alarm = "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:soon\r\nTRIGGER:-PT15M\r\nEND:VALARM"
    data = calendar(event("a@x", "DESCRIPTION:the interview", alarm), event("b@x"))
    assert [item.uid for item in ics.read_invitations(data)] == ["a@x", "b@x"]


def test_nul_in_a_calendar_is_refused_with_its_line() -> None:
    data = calendar(event("a@x")).replace(b"SUMMARY:", b"SUMMARY:\x00", 1)
    with pytest.raises(ImportFormatError, match="NUL byte on line 10"):
        ics.read_invitations(data)


def test_more_events_than_an_invitation_holds_are_refused_before_parsing(
    db_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = [event(f"e{number}@x") for number in range(ics.MAX_EVENTS + 1)]
    path = tmp_path / "whole-calendar.ics"
    path.write_bytes(calendar(*events))
    assert main(["--db", str(db_file), "import-ics", str(path), "--yes"]) == 2
    assert f"more than {ics.MAX_EVENTS} events" in capsys.readouterr().err
    assert counts(db_file)["interviews"] == 0


def test_cli_asks_before_importing_more_than_a_few_events(
    db_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.CONFIRM_EVENTS == ics.CONFIRM_EVENTS
    path = tmp_path / "series.ics"
    path.write_bytes(calendar(*(event(f"s{n}@x") for n in range(cli.CONFIRM_EVENTS + 1))))
    # No terminal (as under pytest or in a script): the answer is no, nothing is written.
    assert main(["--db", str(db_file), "import-ics", str(path)]) == 2
    captured = capsys.readouterr()
    assert "holds 6 events" in captured.out
    assert "run the command again with --yes" in captured.err
    assert counts(db_file)["interviews"] == 0
    assert main(["--db", str(db_file), "import-ics", str(path), "--yes"]) == 0
    assert counts(db_file)["interviews"] == cli.CONFIRM_EVENTS + 1


def test_a_few_events_import_without_asking(db_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "two.ics"
    path.write_bytes(calendar(event("one@x"), event("two@x")))
    assert main(["--db", str(db_file), "import-ics", str(path)]) == 0
    assert counts(db_file)["interviews"] == 2


def test_dry_run_shows_the_plan_and_writes_nothing(
    db_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "one.ics"
    path.write_bytes(calendar(event("one@x").replace("SUMMARY:", f"SUMMARY:{RLO}\x1b[2J", 1)))
    before = db_file.read_bytes()
    assert main(["--db", str(db_file), "import-ics", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Add an interview on" in out
    assert "Nothing was changed" in out
    assert RLO not in out
    assert "\x1b" not in out
    assert db_file.read_bytes() == before


@pytest.mark.parametrize("command", ["import-ics", "import"])
def test_paths_that_are_not_readable_files_get_a_sentence(
    db_file: Path, tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "pipe.ics"
    os.mkfifo(fifo)
    for target, words in (
        (tmp_path / "absent.ics", "there is no such file"),
        (tmp_path, "is a folder"),
        (Path("/dev/zero"), "not a regular file"),
        (fifo, "not a regular file"),
    ):
        assert main(["--db", str(db_file), command, str(target)]) == 2, target
        err = capsys.readouterr().err
        assert words in err
        assert "Traceback" not in err


@pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="reading as another user needs root and setpriv (util-linux)",
)
@pytest.mark.parametrize("command", ["import-ics", "import"])
def test_a_file_the_user_may_not_read_gets_a_sentence(command: str) -> None:
    # Root reads everything; the command runs as nobody, in a folder of its own under
    # the system's temp folder (pytest's own is private to root), with its own database.
    with tempfile.TemporaryDirectory() as folder:
        _run_as_nobody(Path(folder), command)


def _run_as_nobody(folder: Path, command: str) -> None:
    folder.chmod(0o755)
    home = folder / "nobody"
    home.mkdir()
    os.chown(home, 65534, 65534)
    secret = folder / "secret.ics"
    secret.write_bytes(calendar(event("a@x")))
    secret.chmod(0o000)
    environment = {**os.environ, "HOME": str(home), "XDG_STATE_HOME": str(home / "state")}
    result = subprocess.run(
        [
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            sys.executable,
            "-m",
            "followup_desktop",
            "--db",
            str(home / "db.sqlite3"),
            command,
            str(secret),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env=environment,
    )
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "you do not have permission to read it" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


# --- JSON ----------------------------------------------------------------------------


def test_json_nested_deeper_than_the_format_is_refused_before_parsing() -> None:
    deep = ("[" * 100_000 + "]" * 100_000).encode()
    with pytest.raises(ImportFormatError, match="nested more than 32 levels"):
        parse_export(deep)
    # Deep enough to refuse, shallow enough for the parser: the level-by-level check.
    with pytest.raises(ImportFormatError, match="nested more than 32 levels"):
        parse_export(b'{"a": ' + b"[" * 40 + b"]" * 40 + b"}")
    assert parse_export(b'{"a": ' + b"[" * 30 + b"]" * 30 + b"}") is not None
    quoted = json.dumps({"a": "[" * 1000}).encode()
    assert parse_export(quoted) == {"a": "[" * 1000}  # brackets in text do not count


def test_nul_escape_is_refused_at_its_path_and_an_escaped_backslash_is_not() -> None:
    with pytest.raises(ImportFormatError) as caught:
        parse_export(b'{"settings": [{"key": "k", "value": "a\\u0000b"}]}')
    assert caught.value.json_path == "$.settings[0].value"
    assert parse_export(b'{"a": "\\\\u0000"}') == {"a": "\\u0000"}


@pytest.mark.parametrize(
    ("value", "where", "words"),
    [
        ({"thank_you_hours": "seven"}, "thank_you_hours", "must be a whole number"),
        ({"thank_you_hours": -3}, "thank_you_hours", "must be from 1 to 24"),
        ({"timezone": "localtime"}, "timezone", "not a known time zone name"),
        ({"no_such_setting": 1}, "no_such_setting", "Unknown playbook setting"),
        ("seven", "", "must be a JSON object"),
    ],
)
def test_imported_playbook_settings_are_checked_like_the_settings_dialog(
    db_file: Path, tmp_path: Path, value: Any, where: str, words: str
) -> None:
    db = open_database(db_file)
    source = tmp_path / "export.json"
    export_database(db, source)
    document = json.loads(source.read_text())
    document["settings"] = [{"key": "playbook", "value": value}]
    source.write_text(json.dumps(document))
    before = db_file.read_bytes()
    with pytest.raises(ImportFormatError) as caught:
        import_database(db, source, replace=True)
    db.close()
    assert caught.value.json_path == "$.settings[0].value" + (f".{where}" if where else "")
    assert words in caught.value.detail
    assert db_file.read_bytes() == before


@pytest.mark.expected_log("^unexpected error in followup-desktop ")
def test_unexpected_errors_are_a_sentence_and_the_traceback_goes_to_the_log(
    isolated_home: Path, db_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    from followup_desktop.core import exchange

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom-only-in-the-log")

    monkeypatch.setattr(exchange, "export_database", broken)
    assert main(["--db", str(db_file), "export", str(isolated_home / "x.json")]) == 1
    err = capsys.readouterr().err
    assert "did not expect" in err
    assert "followup.log" in err
    assert "Traceback" not in err
    assert "boom-only-in-the-log" not in err
    log_text = (isolated_home / "state" / "Followup" / "log" / "followup.log").read_text()
    assert "boom-only-in-the-log" in log_text
    assert "Traceback" in log_text


def test_agenda_days_and_now_out_of_range_are_a_sentence(
    db_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(db_file), "agenda", "--days", "99999999999"]) == 2
    assert "Give --days a number from 0 to" in capsys.readouterr().err
    assert main(["--db", str(db_file), "agenda", "--now", "9999-12-31T23:59:59-23:59"]) == 2
    assert "is not an ISO 8601 date and time" in capsys.readouterr().err
    assert main(["--db", str(db_file), "agenda", "--now", "9999-12-01T00:00:00Z"]) == 2
    assert "between the years 1970 and 2200" in capsys.readouterr().err


def test_calendar_export_to_an_unwritable_place_is_a_sentence(
    db_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(db_file), "export-ics", "/proc/followup-test.ics"]) == 2
    assert "Cannot write the calendar" in capsys.readouterr().err


def test_the_local_zone_is_never_a_pseudo_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "posix/Europe/Berlin")
    assert getattr(local_zone(), "key", None) == "Europe/Berlin"
    monkeypatch.setenv("TZ", "Factory")
    assert getattr(local_zone(), "key", None) != "Factory"


@pytest.mark.parametrize(
    "arguments",
    [
        ["export-csv", "/proc/followup-test.csv"],
        ["export-vcard", "/proc/followup-test.vcf"],
        ["import-csv", "/dev/zero"],
        ["import-contacts", "/dev/zero"],
        ["import-posting", "/dev/zero", "--dry-run"],
    ],
)
@pytest.mark.expected_log("^followup-desktop export-(csv|vcard): ")
def test_other_commands_given_an_impossible_file_say_so(
    db_file: Path, arguments: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(db_file), *arguments]) == 2
    err = capsys.readouterr().err
    assert err.startswith("followup-desktop: ")
    assert "did not expect" not in err


def test_a_posting_page_nested_past_the_parser_is_refused_with_a_sentence(
    db_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "deep.html"
    page.write_text(
        '<html><script type="application/ld+json">' + "[" * 5000 + "]" * 5000 + "</script>"
    )
    assert main(["--db", str(db_file), "import-posting", str(page), "--dry-run"]) == 2
    assert "no job posting data" in capsys.readouterr().err


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 1 << 20])
def test_an_export_decoded_in_chunks_reads_as_decoded_whole(
    monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    from followup_desktop.core.exchange import check

    monkeypatch.setattr(check, "DECODE_CHUNK", chunk)
    # Characters of two, three and four bytes fall across every chunk boundary.
    text = '{"notes": "Zoë — 東京 🙂 ﬁn", "n": 1}'
    for payload in (text.encode(), b"\xef\xbb\xbf" + text.encode()):
        assert parse_export(payload) == {"notes": "Zoë — 東京 🙂 ﬁn", "n": 1}
    for blank in (b"", b" \n\t ", b"\xef\xbb\xbf  "):
        with pytest.raises(ImportFormatError, match="the file is empty"):
            parse_export(blank)


@pytest.mark.parametrize("chunk", [1, 4, 1 << 20])
def test_an_undecodable_byte_is_named_at_its_offset_in_the_whole_file(
    monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    from followup_desktop.core.exchange import check

    monkeypatch.setattr(check, "DECODE_CHUNK", chunk)
    with pytest.raises(ImportFormatError, match="offset 14"):
        parse_export('{"a": "Zoë", \xff}'.encode("latin-1").replace(b"\xeb", "ë".encode()))
    # A character cut short by the end of the file.
    with pytest.raises(ImportFormatError, match="offset 7"):
        parse_export(b'{"a": "\xe6\x9d')
