"""The command line, run as a user runs it: a real process on a real file."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from agenda_scenario import fill_agenda
from followup_desktop import __version__
from followup_desktop.cli import main
from followup_desktop.core.db import open_database
from followup_desktop.core.services import FollowupService


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "followup_desktop", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"followup-desktop {__version__}"


def test_agenda_json_shape_and_buckets(db_path: Path) -> None:
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    fill_agenda(db_path, now)

    result = run("--db", str(db_path), "agenda", "--json", "--now", "2026-11-23T12:00:00Z")
    assert result.returncode == 0, result.stderr
    rows = [
        row
        for row in json.loads(result.stdout)
        if row["kind"] in {"call_recruiter", "prepare_portfolio"}
    ]
    assert [row["kind"] for row in rows] == ["call_recruiter", "prepare_portfolio"]
    first = rows[0]
    for key in (
        "opportunity_id",
        "company",
        "role",
        "kind",
        "due_at",
        "recipient",
        "channel",
        "reason",
    ):
        assert key in first
    assert first["company"] == "Acme"
    assert first["bucket"] == "overdue"
    assert datetime.fromisoformat(first["due_at"]) == now - timedelta(hours=3)
    assert datetime.fromisoformat(first["due_at"]).utcoffset() is not None
    assert rows[1]["opportunity_id"] is None
    assert rows[1]["bucket"] == "upcoming"

    text = run("--db", str(db_path), "agenda", "--now", "2026-11-23T12:00:00+00:00")
    assert "Overdue" in text.stdout
    assert "Why: They asked for a call." in text.stdout


def test_bad_now_is_a_clear_error(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(db_path), "agenda", "--now", "yesterday"]) == 2
    assert "is not an ISO 8601 date and time" in capsys.readouterr().err
    assert main(["--db", str(db_path), "agenda", "--now", "2026-11-23T10:00"]) == 2
    assert "has no time zone" in capsys.readouterr().err


def test_damaged_database_names_the_backup_and_restore_works(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = open_database(db_path)
    FollowupService(db).create_opportunity("Kept", "Safe")
    db.close()
    assert main(["--db", str(db_path), "backup"]) == 0
    data = bytearray(db_path.read_bytes())
    data[4096 * 2 : 4096 * 4] = b"\x5a" * (4096 * 2)
    db_path.write_bytes(bytes(data))
    assert main(["--db", str(db_path), "agenda"]) == 3
    err = capsys.readouterr().err
    assert "damaged" in err
    assert "restore-backup" in err
    assert main(["--db", str(db_path), "restore-backup"]) == 0
    assert main(["--db", str(db_path), "agenda"]) == 0


def test_db_from_environment(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOLLOWUP_DB", str(db_path))
    assert main(["agenda"]) == 0
    assert db_path.exists()


def test_logging_goes_to_a_rotating_file(isolated_home: Path) -> None:
    result = run("--db", str(isolated_home / "x.sqlite3"), "agenda")
    assert result.returncode == 0
    log_file = isolated_home / "state" / "Followup" / "log" / "followup.log"
    assert log_file.exists()


def test_unexpected_exception_is_logged_with_traceback(isolated_home: Path) -> None:
    code = (
        "import sys; from followup_desktop.logs import setup_logging, install_excepthook\n"
        "setup_logging(); install_excepthook()\n"
        "raise RuntimeError('boom-for-the-log')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    log_text = (isolated_home / "state" / "Followup" / "log" / "followup.log").read_text()
    assert "boom-for-the-log" in log_text
    assert "Traceback" in log_text


def test_agenda_piped_into_a_reader_that_stops_early(db_path: Path) -> None:
    # Enough rows to overflow the pipe buffer, so the writer really meets a closed pipe.
    assert main(["--db", str(db_path), "demo", "--opportunities", "500"]) == 0
    process = subprocess.Popen(
        [sys.executable, "-m", "followup_desktop", "--db", str(db_path), "agenda"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()
    process.stdout.close()  # like `| head -1`
    errors = process.stderr.read().decode()
    process.stderr.close()
    assert process.wait(timeout=60) == 0
    assert "Traceback" not in errors


def test_demo_refuses_a_database_with_data(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(db_path), "demo", "--opportunities", "3"]) == 0
    assert main(["--db", str(db_path), "demo", "--opportunities", "3"]) == 2
    assert "already holds 3 opportunities" in capsys.readouterr().err
    assert main(["--db", str(db_path), "demo", "--opportunities", "0"]) == 2


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--db", "x.sqlite3"],
        ["--db=x.sqlite3", "--verbose"],
        ["--minimized", "--quit-after-show", "--db", "agenda"],
        ["--action", "today"],
        ["--action=just-interviewed", "--db", "x"],
    ],
)
def test_the_window_s_own_options_read_alike_without_the_commands(argv: list[str]) -> None:
    # The window starts without building every command's parser: it must read its
    # options exactly as the whole parser does.
    from followup_desktop.cli import _only_window_options, _parser

    assert _only_window_options(argv)
    assert _parser(commands=False).parse_args(argv) == _parser().parse_args(argv)


@pytest.mark.parametrize(
    "argv",
    [
        ["agenda"],
        ["--db", "x", "agenda"],
        ["--help"],
        ["--version"],
        ["--self-test"],
        ["--verb"],  # an abbreviation argparse accepts: the whole parser reads it
        ["--db"],
        ["--db", "--verbose"],
        ["--verbose=yes"],
        ["--action", "nonsense", "export", "x.json"],
    ],
)
def test_anything_but_the_window_s_options_goes_to_the_whole_parser(argv: list[str]) -> None:
    from followup_desktop.cli import _only_window_options

    assert not _only_window_options(argv)
