"""The proof-of-search log: rows from a real database, CSV, and a PDF read back."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from conftest import require_tools
from followup_desktop.core.db import Database, open_database
from followup_desktop.core.errors import ValidationError
from followup_desktop.core.imports.proof import CSV_HEADER, how_applied, proof_of_search
from followup_desktop.core.models import ContactRole
from followup_desktop.core.services import ContactFields, FollowupService, OpportunityFields

BERLIN = ZoneInfo("Europe/Berlin")


class _Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 5, 9, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def set(self, day: str) -> None:
        self.now = datetime.fromisoformat(day + "T09:00:00+00:00")


def _search(db: Database) -> None:
    clock = _Clock()
    service = FollowupService(db, clock=clock)
    stages = {stage.name: stage.id for stage in service.stages()}
    # Saved in January, applied in February.
    northwind = service.create_opportunity(
        "Northwind",
        "Data Engineer",
        OpportunityFields(stage_id=stages["Wishlist"], source="LinkedIn"),
    ).created_id
    assert northwind is not None
    service.add_contact(
        "Dana Levi",
        ContactFields(title="HR Partner", email="dana@northwind.example"),
        opportunity_id=northwind,
        role=ContactRole.HR,
    )
    clock.set("2026-02-01")
    service.move_opportunities([northwind], stages["Applied"])
    clock.set("2026-02-10")
    service.move_opportunities([northwind], stages["Interviewing"])
    # Never applied to: not an application.
    service.create_opportunity(
        "Wishful Ltd", "Dreamer", OpportunityFields(stage_id=stages["Wishlist"])
    )
    # Applied by letter in March, rejected later in March.
    clock.set("2026-03-03")
    contoso = service.create_opportunity(
        "Contoso",
        "Analyst",
        OpportunityFields(source="letter", location="Hauptstr. 1, 10115 Berlin"),
    ).created_id
    assert contoso is not None
    clock.set("2026-03-20")
    service.move_opportunities([contoso], stages["Rejected"])
    # Outside the period.
    clock.set("2026-06-01")
    service.create_opportunity("Later GmbH", "Engineer", OpportunityFields(source="E-mail"))


def test_rows_cover_the_period_with_what_job_centres_ask(database: Database) -> None:
    _search(database)
    with database.session() as session:
        log = proof_of_search(
            session, date(2026, 1, 1), date(2026, 3, 31), tz=BERLIN, made_on=date(2026, 4, 1)
        )
    assert [(row.applied_on.isoformat(), row.employer) for row in log.rows] == [
        ("2026-02-01", "Northwind"),
        ("2026-03-03", "Contoso"),
    ]
    northwind, contoso = log.rows
    assert northwind.contact == "Dana Levi, HR Partner (dana@northwind.example)"
    assert northwind.method == "Online (LinkedIn)"
    assert northwind.history_text == "Feb 1, 2026 Applied → Feb 10, 2026 Interviewing"
    assert northwind.result == "Open: Interviewing"
    assert contoso.contact == "Hauptstr. 1, 10115 Berlin"
    assert contoso.method == "Letter"
    assert contoso.result == "Rejected (Mar 20, 2026)"

    table = list(csv.reader(io.StringIO(log.csv_bytes().decode("utf-8-sig"))))
    assert tuple(table[0]) == CSV_HEADER
    assert table[1][:5] == [
        "2026-02-01",
        "Northwind",
        "Dana Levi, HR Partner (dana@northwind.example)",
        "Data Engineer",
        "Online (LinkedIn)",
    ]
    with database.session() as session, pytest.raises(ValidationError, match="before it starts"):
        proof_of_search(session, date(2026, 3, 1), date(2026, 2, 1))


def test_how_applied_words() -> None:
    assert how_applied("E-mail", "") == "E-mail"
    assert how_applied("Indeed", "") == "Online (Indeed)"
    assert how_applied("job fair", "") == "In person (job fair)"
    assert how_applied("", "https://x.example") == "Online"
    assert how_applied("", "") == "Not recorded"
    assert how_applied("Cousin", "") == "Cousin"


def _run(*args: str, language: str = "en") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "followup_desktop", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={
            **os.environ,
            "TZ": "Europe/Berlin",
            "QT_QPA_PLATFORM": "offscreen",
            "FOLLOWUP_LANGUAGE": language,
        },
    )


def _proof(db_path: Path, *extra: str, language: str = "en") -> subprocess.CompletedProcess[str]:
    """The first quarter of 2026's log of the database, as the command line writes it."""
    return _run(
        "--db",
        str(db_path),
        "proof-of-search",
        "--from",
        "2026-01-01",
        "--to",
        "2026-03-31",
        *extra,
        language=language,
    )


@pytest.mark.parametrize(
    ("language", "rejected", "applied"),
    [
        ("de", "20.03.2026", "03.03.2026"),
        ("fr", "20 mars 2026", "3 mars 2026"),
    ],
)
def test_the_log_writes_its_dates_the_way_the_language_does(
    db_path: Path, tmp_path: Path, language: str, rejected: str, applied: str
) -> None:
    db = open_database(db_path)
    _search(db)
    db.close()
    table = tmp_path / "proof.csv"
    result = _proof(db_path, "--csv", str(table), language=language)
    assert result.returncode == 0, result.stderr
    written = table.read_text(encoding="utf-8-sig")
    assert rejected in written
    # The dates a person reads follow the language; the column a sheet sorts by stays ISO.
    assert "Mar 20" not in written and "20 Mar" not in written
    assert "2026-03-03" in written
    shown = _proof(db_path, language=language)
    assert shown.returncode == 0, shown.stderr
    assert f"{applied}  Contoso" in shown.stdout


# The PDF is drawn by Qt: these tests take pytest-qt's application, as the window would
# have one, instead of letting the log make a bare QGuiApplication that every later
# widget test in the same process would then find in its way.
def test_cli_writes_csv_and_a_pdf_that_reads_like_the_form(
    qapp: object, db_path: Path, tmp_path: Path
) -> None:
    require_tools("pdftoppm", "pdftotext")
    db = open_database(db_path)
    _search(db)
    db.close()
    pdf, table = tmp_path / "proof.pdf", tmp_path / "proof.csv"
    result = _proof(
        db_path, "--csv", str(table), "--pdf", str(pdf), "--name", "Alex Example <b>bold</b>"
    )
    assert result.returncode == 0, result.stderr
    assert "Wrote 2 applications" in result.stdout
    assert table.read_text(encoding="utf-8-sig").count("\n") == 3
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for expected in (
        "Proof of job search",
        "Name: Alex Example <b>bold</b>",  # user text is drawn as text, never markup
        "Period: January 1, 2026 to March 31, 2026",
        "Applications in this period: 2",
        "Date applied",
        "How applied",
        "Result so far",
        "Northwind",
        "dana@northwind.example",
        "Rejected (Mar 20, 2026)",
        "Date, signature:",
        "page 1 of 1",
    ):
        assert expected in text, expected
    assert "Wishful" not in text and "Later GmbH" not in text
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True)
    page = tmp_path / "page-1.png"
    assert page.stat().st_size > 5000  # a drawn page, not a blank one


def test_a_long_log_repeats_its_header_and_numbers_its_pages(qapp: object, tmp_path: Path) -> None:
    require_tools("pdftotext")
    from followup_desktop.core.imports.proof import ProofLog, ProofRow
    from followup_desktop.gui.proof_pdf import write_proof_pdf

    rows = tuple(
        ProofRow(
            index,
            date(2026, 1, 1 + index % 28),
            f"Employer {index}",
            "",
            "Engineer",
            "Online",
            ((date(2026, 1, 1 + index % 28), "Applied"),),
            "Open: Applied",
            "",
        )
        for index in range(120)
    )
    log = ProofLog(date(2026, 1, 1), date(2026, 1, 31), date(2026, 2, 1), rows)
    pages = write_proof_pdf(log, tmp_path / "long.pdf")
    assert pages >= 3
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "long.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    with_rows = [page for page in text.split("\f") if "Employer " in page]
    assert len(with_rows) >= 3
    assert all("Result so far" in page for page in with_rows)  # the header on every page
    assert f"page {pages} of {pages}" in text
    assert "Employer 0" in text and "Employer 119" in text
