"""The command line in German and French: a real process on a real SQLite file, with the
language chosen the way a person chooses it ($FOLLOWUP_LANGUAGE)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from agenda_scenario import fill_agenda
from followup_desktop.core.localformat import day_and_clock

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)
NNBSP = "\u202f"


def run(language: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FOLLOWUP_LANGUAGE": language, "TZ": "UTC"}
    return subprocess.run(
        [sys.executable, "-m", "followup_desktop", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env=env,
    )


def _fill(db_path: Path) -> None:
    fill_agenda(db_path, NOW)


def test_agenda_in_german(db_path: Path) -> None:
    _fill(db_path)
    result = run("de", "--db", str(db_path), "agenda", "--now", "2026-11-23T12:00:00Z")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "Überfällig" in lines
    assert "Demnächst" in lines
    assert "Overdue" not in result.stdout
    # The day and time as German writes them ("Mo., 23. Nov. 2026, 09:00"), not English.
    due = day_and_clock(NOW - timedelta(hours=3), locale="de_DE", year=True)
    assert f"  {due}  Acme — Analyst" in lines
    assert "23. Nov. 2026" in due
    assert "      Warum: They asked for a call." in lines
    assert (
        "  " + day_and_clock(NOW + timedelta(days=3), locale="de_DE", year=True) + ("  Ihre Suche")
        in lines
    )


def test_agenda_json_stays_the_same_in_german(db_path: Path) -> None:
    _fill(db_path)
    english = run("en", "--db", str(db_path), "agenda", "--json", "--now", "2026-11-23T12:00Z")
    german = run("de", "--db", str(db_path), "agenda", "--json", "--now", "2026-11-23T12:00Z")
    assert english.returncode == german.returncode == 0, german.stderr
    assert json.loads(german.stdout) == json.loads(english.stdout)
    first = json.loads(german.stdout)[0]
    assert first["bucket"] == "overdue"
    assert datetime.fromisoformat(first["due_at"]) == NOW - timedelta(hours=3)


def test_help_in_german() -> None:
    result = run("de", "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Aufruf: followup-desktop")
    assert "Optionen:" in result.stdout
    words = " ".join(result.stdout.split())  # argparse wraps lines at the terminal's width
    assert "Nachfassen zur rechten Zeit nach Vorstellungsgesprächen" in words
    assert "offene Schritte auflisten" in words


def test_errors_in_french(db_path: Path) -> None:
    _fill(db_path)
    out_of_range = run("fr", "--db", str(db_path), "agenda", "--days", "99999")
    assert out_of_range.returncode == 2
    assert "Donnez à --days un nombre de 0 à 3660." in out_of_range.stderr
    assert "Traceback" not in out_of_range.stderr

    # argparse's own message, in French with French spacing before the colon.
    not_a_number = run("fr", "--db", str(db_path), "agenda", "--days", "many")
    assert not_a_number.returncode == 2
    assert f"erreur{NNBSP}: argument --days{NNBSP}: valeur int invalide{NNBSP}: 'many'" in (
        not_a_number.stderr
    )
    assert not_a_number.stderr.startswith(f"utilisation{NNBSP}: followup-desktop")

    missing = run("fr", "--db", str(tmp_backup := db_path.with_name("none.sqlite3")), "backup")
    assert missing.returncode == 0, missing.stderr
    assert missing.stdout.startswith("Sauvegardé dans ")
    again = run("fr", "--db", str(tmp_backup), "backup", str(db_path))
    assert again.returncode == 2
    assert f"{db_path} existe déjà{NNBSP}; choisissez un autre nom de fichier." in again.stderr


def test_a_calendar_file_problem_in_french(db_path: Path, tmp_path: Path) -> None:
    _fill(db_path)
    bad = tmp_path / "invitation.ics"
    bad.write_text("Hello, this is not a calendar.\n", encoding="utf-8")
    result = run("fr", "--db", str(db_path), "import-ics", str(bad))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "n\u2019est pas un fichier d\u2019agenda (il ne commence pas par BEGIN:VCALENDAR)" in (
        result.stderr
    )


def test_a_spreadsheet_row_problem_in_german(db_path: Path, tmp_path: Path) -> None:
    _fill(db_path)
    sheet = tmp_path / "jobs.csv"
    sheet.write_text(
        "Company,Job Title,Date Applied\nAcme,Analyst,2026-11-02\n,Engineer,2026-11-03\n"
    )
    result = run("de", "--db", str(db_path), "import-csv", str(sheet), "--dry-run")
    assert result.returncode == 2
    assert "Zeile 3, Spalte 'Company': leer; jede Zeile braucht ein Unternehmen." in (result.stdout)
    assert "1 Problem in " in result.stderr and "nichts wurde importiert" in result.stderr


def test_an_export_file_problem_in_german(db_path: Path, tmp_path: Path) -> None:
    bad = tmp_path / "export.json"
    bad.write_text('{"format": "followup", "version": 99}', encoding="utf-8")
    result = run("de", "--db", str(db_path), "import", str(bad))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert (
        "diese Datei hat Formatversion 99 und stammt aus einem neueren Followup; dieses liest "
        "Versionen bis 1. Aktualisieren Sie Followup, um sie zu importieren."
    ) in result.stderr
