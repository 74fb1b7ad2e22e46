"""A saved job-posting page read into a draft opportunity; nothing is fetched."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from followup_desktop.core.db import open_database
from followup_desktop.core.errors import ImportFormatError
from followup_desktop.core.imports.posting import read_posting
from followup_desktop.core.models import Opportunity, Stage

FIXTURES = Path(__file__).parents[2] / "fixtures" / "imports"


def test_a_greenhouse_style_page() -> None:
    draft = read_posting((FIXTURES / "posting-greenhouse.html").read_text(encoding="utf-8"))
    assert (draft.company, draft.role) == ("Northwind Analytics", "Senior Data Engineer")
    fields = draft.fields
    assert fields["link"] == "https://boards.greenhouse.example/northwind/jobs/4455667?gh_src=abc"
    assert fields["location"] == "Berlin, DE; Remote"
    assert (fields["salary_min"], fields["salary_max"], fields["salary_currency"]) == (
        70000,
        85000,
        "EUR",
    )
    assert fields["source"] == "boards.greenhouse.example"
    assert fields["notes"].startswith("Posted 2026-08-01; apply by 2026-09-30; full time.")
    assert "We are looking for a Senior Data Engineer & mentor." in fields["notes"]
    assert "• Build pipelines" in fields["notes"]
    assert "<strong>" not in fields["notes"]


def test_a_graph_with_an_hourly_wage_keeps_the_wage_in_words() -> None:
    draft = read_posting((FIXTURES / "posting-graph-hourly.html").read_text(encoding="utf-8"))
    assert (draft.company, draft.role) == ("Fourth Coffee", "Barista & Trainer")
    assert draft.fields["link"] == "https://jobs.example.org/view/991"
    assert draft.fields["salary_min"] is None
    assert "Part time; salary 14.50 EUR per hour." in draft.fields["notes"]
    assert draft.fields["location"] == "Leipzig"


def test_a_page_without_posting_data_is_explained() -> None:
    with pytest.raises(ImportFormatError, match="no job posting data"):
        read_posting('<html><script type=\'application/ld+json\'>{"@type":"Article"}</script>')


def test_cli_adds_it_to_the_wishlist_once(db_path: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "followup_desktop", "--db", str(db_path), *args],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )

    page = str(FIXTURES / "posting-greenhouse.html")
    dry = run("import-posting", page, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "Company: Northwind Analytics" in dry.stdout and "Dry run" in dry.stdout
    added = run("import-posting", page)
    assert "Added #1 to Wishlist" in added.stdout
    again = run("import-posting", page)
    assert "Already in Followup as #1 Northwind Analytics — Senior Data Engineer" in again.stdout
    db = open_database(db_path)
    with db.session() as session:
        rows = session.execute(
            select(Opportunity.company, Stage.name, Opportunity.salary_max).join(
                Stage, Stage.id == Opportunity.stage_id
            )
        ).all()
    db.close()
    assert [tuple(row) for row in rows] == [("Northwind Analytics", "Wishlist", 85000)]
