"""Spreadsheet import: real-shaped exports of other trackers and people's own sheets.

Every test writes through the service layer into a real SQLite file and reads the
result back with plain queries.
"""

from __future__ import annotations

import codecs
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, func, select

from followup_desktop.core.db import Database, open_database
from followup_desktop.core.errors import ImportFormatError, ValidationError
from followup_desktop.core.imports.dedupe import normalise_link
from followup_desktop.core.imports.formats import Field, header_key, recognise
from followup_desktop.core.imports.plan import (
    DuplicatePolicy,
    ImportOptions,
    ImportPlan,
    RowAction,
    plan_import,
    plan_import_file,
)
from followup_desktop.core.imports.sheet import read_sheet
from followup_desktop.core.imports.spreadsheet import export_spreadsheet
from followup_desktop.core.imports.stages import guess_bucket
from followup_desktop.core.imports.values import CellError, parse_date_time, parse_salary
from followup_desktop.core.models import (
    Action,
    ActionState,
    Contact,
    Opportunity,
    Stage,
    StageChange,
)
from followup_desktop.core.services import FollowupService, OpportunityFields

FIXTURES = Path(__file__).parents[2] / "fixtures" / "imports"
BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 9, 1, 10, tzinfo=UTC)


def _service(db: Database) -> FollowupService:
    return FollowupService(db, clock=lambda: NOW)


def _plan(db: Database, name: str | Path, **options: Any) -> ImportPlan:
    path = name if isinstance(name, Path) else FIXTURES / name
    return plan_import_file(db, path, ImportOptions(**options), tz=BERLIN, now=NOW)


def _import(db: Database, name: str | Path, **options: Any) -> ImportPlan:
    plan = _plan(db, name, **options)
    _service(db).import_rows(plan)
    return plan


def _stored(db: Database) -> list[tuple[str, str, str, str]]:
    with db.session() as session:
        rows = session.execute(
            select(Opportunity.company, Opportunity.role, Stage.name, Opportunity.link)
            .join(Stage, Stage.id == Opportunity.stage_id)
            .order_by(Opportunity.id)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def _history(db: Database, company: str) -> list[tuple[str, str]]:
    with db.session() as session:
        rows = session.execute(
            select(Stage.name, StageChange.changed_at)
            .join(Stage, Stage.id == StageChange.to_stage_id)
            .join(Opportunity, Opportunity.id == StageChange.opportunity_id)
            .where(Opportunity.company == company)
            .order_by(StageChange.changed_at)
        )
        return [(name, at.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M")) for name, at in rows]


def _count(db: Database, model: type[Any]) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


# -- every named format -----------------------------------------------------------------


def test_linkedin_applications_with_12_hour_dates_and_contacts(database: Database) -> None:
    plan = _import(database, "linkedin_job_applications.csv")
    assert plan.format_key == "linkedin"
    assert _stored(database) == [
        (
            "Northwind Analytics",
            "Data Engineer",
            "Applied",
            "https://www.linkedin.com/jobs/view/3912345678/",
        ),
        (
            "Fabrikam, Inc.",
            "Senior Analyst",
            "Applied",
            "https://www.linkedin.com/jobs/view/3912345001/",
        ),
        (
            "Contoso",
            "Platform Engineer",
            "Applied",
            "https://www.linkedin.com/jobs/view/3900000042/",
        ),
    ]
    # 8/15/26, 10:03 AM is a local time on 15 August 2026; 4:47 PM is 16:47.
    assert _history(database, "Northwind Analytics") == [("Applied", "2026-08-15 10:03")]
    assert _history(database, "Fabrikam, Inc.") == [("Applied", "2026-08-14 16:47")]
    with database.session() as session:
        northwind = session.scalars(
            select(Opportunity).where(Opportunity.company == "Northwind Analytics")
        ).one()
        assert northwind.source == "LinkedIn"
        assert "Resume Name: Resume-2026.pdf" in northwind.notes
        assert "Years of experience with Python: 6" in northwind.notes
        emails = set(session.scalars(select(Contact.email)))
    assert "talent@northwind.example" in emails


def test_linkedin_saved_jobs_are_prospects(database: Database) -> None:
    plan = _import(database, "linkedin_saved_jobs.csv")
    assert plan.format_key == "linkedin-saved"
    assert [row[:3] for row in _stored(database)] == [
        ("Tailspin Toys", "Machine Learning Engineer", "Wishlist"),
        ("Wingtip", "Analytics Engineer", "Wishlist"),
    ]
    assert _history(database, "Wingtip") == [("Wishlist", "2026-07-30 11:12")]


def test_huntr_lists_salaries_and_multiline_notes(database: Database) -> None:
    plan = _import(database, "huntr.csv")
    assert plan.format_key == "huntr"
    assert [row[:3] for row in _stored(database)] == [
        ("Northwind Analytics", "Data Engineer", "Interviewing"),
        ("Litware", "Backend Developer", "Wishlist"),
        ("Adventure Works", "SRE", "Rejected"),
        ("Proseware", "Data Analyst", "Offer"),
    ]
    with database.session() as session:
        found = {o.company: o for o in session.scalars(select(Opportunity))}
        assert (
            found["Northwind Analytics"].salary_min,
            found["Northwind Analytics"].salary_max,
        ) == (65000, 75000)
        assert found["Northwind Analytics"].salary_currency == "EUR"
        assert found["Northwind Analytics"].notes == "Met Dana at the meetup.\nAsk about on-call."
        assert (found["Adventure Works"].salary_min, found["Adventure Works"].salary_max) == (
            80000,
            90000,
        )
        assert found["Northwind Analytics"].location == "Berlin"


def test_teal_statuses_are_guessed(database: Database) -> None:
    plan = _import(database, "teal.csv")
    assert plan.format_key == "teal"
    assert [row[2] for row in _stored(database)] == [
        "Applied",
        "Wishlist",
        "Withdrawn",
        "Rejected",
        "Offer",
    ]
    assert _history(database, "Contoso") == [
        ("Wishlist", "2026-07-10 12:00"),
        ("Applied", "2026-07-12 12:00"),
    ]
    guesses = {guess.text: (guess.stage, guess.recognised) for guess in plan.stage_guesses}
    assert guesses["I Withdrew"] == ("Withdrawn", True)
    assert guesses["Negotiating"] == ("Offer", True)


def test_simplify_status_dates_and_archived(database: Database) -> None:
    plan = _import(database, "simplify.csv")
    assert plan.format_key == "simplify"
    assert [row[:3] for row in _stored(database)] == [
        ("Woodgrove Bank", "Software Engineer", "Screening"),
        ("Wide World Importers", "Data Engineer", "Rejected"),
        ("Blue Yonder Airlines", "Frontend Engineer", "Applied"),
    ]
    assert _history(database, "Wide World Importers") == [
        ("Applied", "2026-07-20 12:00"),
        ("Rejected", "2026-08-02 12:00"),
    ]
    with database.session() as session:
        archived = dict(session.execute(select(Opportunity.company, Opportunity.archived)).all())
    assert archived == {
        "Woodgrove Bank": False,
        "Wide World Importers": True,
        "Blue Yonder Airlines": False,
    }


def test_jobsync_applied_flag_and_source(database: Database) -> None:
    plan = _import(database, "jobsync-2026-08-20.csv")
    assert plan.format_key == "jobsync"
    assert [row[:3] for row in _stored(database)] == [
        ("Alpine Ski House", "DevOps Engineer", "Interviewing"),
        ("Relecloud", "Cloud Architect", "Wishlist"),
        ("Trey Research", "Research Engineer", "Applied"),
    ]
    with database.session() as session:
        sources = dict(session.execute(select(Opportunity.company, Opportunity.source)).all())
        places = dict(session.execute(select(Opportunity.company, Opportunity.location)).all())
        notes = dict(session.execute(select(Opportunity.company, Opportunity.notes)).all())
    assert sources["Alpine Ski House"] == "Indeed"
    # JobSync writes N/A for what it does not know: nothing, not a place called N/A.
    assert places["Relecloud"] == ""
    assert notes["Relecloud"] == "jobType: Contract"
    # createdAt 09:12:44Z is 11:12 in Berlin in August.
    assert _history(database, "Trey Research") == [
        ("Wishlist", "2026-07-28 10:00"),
        ("Applied", "2026-07-29 10:30"),
    ]


@pytest.mark.parametrize(
    ("name", "encoding", "separator"),
    [
        ("excel_de_cp1252.csv", "Windows-1252", "semicolon"),
        ("excel_de_bom.csv", "UTF-8 with BOM", "semicolon"),
        ("excel_unicode_utf16.txt", "UTF-16 LE", "tab"),
        ("excel_unicode_utf16be.txt", "UTF-16 BE", "tab"),
    ],
)
def test_excel_encodings_and_separators(
    database: Database, name: str, encoding: str, separator: str
) -> None:
    plan = _import(database, name)
    assert (plan.encoding, plan.separator, plan.format_key) == (encoding, separator, "generic")
    assert [row[:3] for row in _stored(database)] == [
        ("Müller & Söhne GmbH", "Entwickler (m/w/d)", "Applied"),
        ("Bäckerei Schäfer", "Filialleitung", "Interviewing"),
        ("Großhandel Weiß AG", "Controller", "Rejected"),
    ]
    # German dates with dots are day first whatever the switch says.
    assert _history(database, "Müller & Söhne GmbH") == [("Applied", "2026-08-03 12:00")]
    with database.session() as session:
        salary = session.scalar(
            select(Opportunity.salary_min).where(Opportunity.company == "Müller & Söhne GmbH")
        )
    assert salary == 55000


def test_day_first_switch_and_sample_dates(database: Database) -> None:
    month_first = _plan(database, "google_fr_dayfirst.csv")
    assert month_first.blocked
    assert [str(problem) for problem in month_first.problems] == [
        "Row 3, column 'Date de candidature': '15/08/2026' is not a real date (read month "
        "first; if the file writes the day first, switch on day-first dates)."
    ]
    assert month_first.sample_dates[0].value.astimezone(BERLIN).date().isoformat() == "2026-04-09"
    day_first = _import(database, "google_fr_dayfirst.csv", day_first=True)
    assert [
        sample.value.astimezone(BERLIN).date().isoformat() for sample in day_first.sample_dates
    ] == [
        "2026-09-04",
        "2026-08-15",
    ]
    assert [row[:3] for row in _stored(database)] == [
        ("Société Générale", "Analyste", "Interviewing"),
        ("Crédit Agricole", "Data Engineer", "Rejected"),
    ]


def test_linkedin_connections_preamble_is_skipped_before_the_header() -> None:
    sheet = read_sheet((FIXTURES / "Connections.csv").read_bytes())
    assert sheet.header[:3] == ("First Name", "Last Name", "URL")
    assert sheet.header_row == 4
    assert [row.cells[0] for row in sheet.rows] == ["Dana", "Sam", "Priya"]


# -- problems: nothing half imported ----------------------------------------------------


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_ragged_and_mutated_rows_are_listed_and_nothing_is_imported(
    database: Database, tmp_path: Path
) -> None:
    source = (FIXTURES / "huntr.csv").read_text(encoding="utf-8").splitlines()
    mutated = [
        *source[:3],
        "Broken Row Inc,Engineer,Applied,https://x.example,Berlin,,2026-07-01,note,EXTRA",
        ",Tester,Applied,,,,2026-07-02,",
        "Dates Ltd,Analyst,Applied,,,,yesterday,",
        "Links plc,Dev,Applied,not a link,,,2026-07-02,",
        *source[3:],
    ]
    # Row 2's note spans two lines, so the spreadsheet rows are 3 to 6.
    path = _write(tmp_path, "huntr-mutated.csv", "\n".join(mutated) + "\n")
    before = _count(database, Opportunity)
    plan = _plan(database, path)
    assert plan.blocked
    assert [(p.row, p.column) for p in plan.problems] == [
        (3, ""),
        (4, "Employer"),
        (5, "Date Saved"),
        (6, "URL"),
    ]
    assert "has 9 cells but the header has 8" in plan.problems[0].message
    assert "every row needs a company" in plan.problems[1].message
    with pytest.raises(ValidationError, match="nothing was imported"):
        _service(database).import_rows(plan)
    assert _count(database, Opportunity) == before == 0
    assert _count(database, StageChange) == 0

    skipping = _import(database, path, skip_bad_rows=True)
    assert skipping.bad_rows == {3, 4, 5, 6}
    assert [row[0] for row in _stored(database)] == [
        "Northwind Analytics",
        "Litware",
        "Adventure Works",
        "Proseware",
    ]


def test_a_failure_during_the_write_rolls_everything_back(database: Database) -> None:
    plan = _plan(database, "teal.csv")
    # The stage the plan put rows into is deleted between the dry run and the import.
    with database.session() as session:
        session.execute(delete(Stage).where(Stage.name == "Offer"))
    with pytest.raises(Exception, match="stage"):
        _service(database).import_rows(plan)
    assert _count(database, Opportunity) == 0


def test_not_a_spreadsheet_is_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="not a text file"):
        read_sheet(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(ImportFormatError, match="quote is probably left open"):
        read_sheet(b'Company,Role\n"Acme,Dev\n')
    with pytest.raises(ImportFormatError, match="empty"):
        read_sheet(b"\xef\xbb\xbf \n")


def test_unmapped_company_is_explained(database: Database, tmp_path: Path) -> None:
    path = _write(tmp_path, "mine.csv", "Arbeitsort,Was\nBerlin,Dev\n")
    with pytest.raises(ValidationError, match="No column is mapped to company"):
        _plan(database, path)
    with pytest.raises(ValidationError, match="Import it with import-contacts"):
        _plan(database, "Connections.csv")


# -- duplicates ---------------------------------------------------------------------------


def test_posting_links_normalise() -> None:
    same = [
        "https://www.LinkedIn.com/jobs/view/3912345678/?refId=abc&trackingId=xyz%3D%3D",
        "http://linkedin.com/jobs/view/3912345678",
        "linkedin.com/jobs/view/3912345678/?utm_source=newsletter#apply",
    ]
    assert {normalise_link(link) for link in same} == {"linkedin.com/jobs/view/3912345678"}
    assert (
        normalise_link("https://boards.example/x?gh_jid=4455&gh_src=abc")
        == "boards.example/x?gh_jid=4455"
    )
    assert normalise_link("https://a.example/jobs/1") != normalise_link("https://a.example/jobs/2")


def test_duplicates_skip_update_and_keep_both(database: Database, tmp_path: Path) -> None:
    service = _service(database)
    stages = {stage.name: stage.id for stage in service.stages()}
    first = service.create_opportunity(
        "Northwind Analytics",
        "Data Engineer",
        OpportunityFields(link="https://boards.example/northwind/123"),
    ).created_id
    second = service.create_opportunity(
        "  litware ", "backend   developer", OpportunityFields(location="Remote")
    ).created_id
    assert first is not None and second is not None

    skipped = _plan(database, "huntr.csv")
    assert [(row.row, row.action, row.existing_id) for row in skipped.rows[:2]] == [
        (2, RowAction.SKIP, first),
        (3, RowAction.SKIP, second),
    ]
    assert "the same posting link" in skipped.rows[0].reason
    assert "the same company and role" in skipped.rows[1].reason

    both = _plan(database, "huntr.csv", on_duplicate=DuplicatePolicy.KEEP_BOTH)
    assert [row.action for row in both.rows] == [RowAction.CREATE] * 4

    update = _import(database, "huntr.csv", on_duplicate=DuplicatePolicy.UPDATE)
    changed = update.rows[0]
    assert changed.action is RowAction.UPDATE
    assert ("stage", "Applied", "Interviewing") in changed.changes
    assert ("location", "", "Berlin") in changed.changes
    with database.session() as session:
        northwind = session.get(Opportunity, first)
        assert northwind is not None
        assert northwind.stage_id == stages["Interviewing"]
        # The stored link is kept when it is the same posting.
        assert northwind.link == "https://boards.example/northwind/123"
        assert northwind.salary_min == 65000


def test_a_file_repeating_a_row_creates_it_once(database: Database, tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "twice.csv",
        "Company,Role,Link\nAcme,Dev,https://acme.example/j/1?utm_campaign=a\nACME , dev,\n"
        "Other,Dev,https://acme.example/j/1/\n",
    )
    plan = _plan(database, path)
    assert [row.action for row in plan.rows] == [RowAction.CREATE, RowAction.SKIP, RowAction.SKIP]
    assert plan.rows[1].reason == "the same company and role as row 2 of this file"
    assert plan.rows[2].reason == "the same posting link as row 2 of this file"


# -- the dry run is what the import does --------------------------------------------------


def _snapshot(db: Database) -> dict[int, dict[str, Any]]:
    with db.session() as session:
        rows = session.execute(
            select(
                Opportunity.id,
                Opportunity.company,
                Opportunity.role,
                Stage.name.label("stage"),
                Opportunity.link,
                Opportunity.location,
                Opportunity.salary_min,
                Opportunity.salary_max,
                Opportunity.salary_currency,
                Opportunity.source,
                Opportunity.notes,
                Opportunity.archived,
            ).join(Stage, Stage.id == Opportunity.stage_id)
        )
        return {row.id: dict(row._mapping) for row in rows}


def test_the_dry_run_matches_what_the_import_does(database: Database, tmp_path: Path) -> None:
    service = _service(database)
    service.create_opportunity(
        "Contoso", "Platform Engineer", OpportunityFields(link="https://contoso.example/jobs/77/")
    )
    service.create_opportunity(
        "Coho Winery", "Data Scientist", OpportunityFields(notes="Met at the fair")
    )
    service.create_opportunity("Fourth Coffee", "Barista Trainer")
    plan = _plan(database, "teal.csv", on_duplicate=DuplicatePolicy.UPDATE)
    dry = json.loads(json.dumps(plan.as_json()))
    before = _snapshot(database)
    history_before = _count(database, StageChange)

    change = service.import_rows(plan)
    after = _snapshot(database)

    created = {ident: row for ident, row in after.items() if ident not in before}
    planned_creates = [row for row in dry["rows"] if row["action"] == "create"]
    assert sorted((r["company"], r["role"], r["stage"]) for r in created.values()) == sorted(
        (r["company"], r["role"], r["stage"]) for r in planned_creates
    )
    for planned in planned_creates:
        stored = next(r for r in created.values() if r["company"] == planned["company"])
        for name, value in planned["fields"].items():
            assert stored[name] == value, name
    changed = {
        ident: {name for name in after[ident] if after[ident][name] != before[ident][name]}
        for ident in before
        if after[ident] != before[ident]
    }
    planned_updates = {
        row["opportunity_id"]: {
            "stage" if c["field"] == "stage" else c["field"] for c in row["changes"]
        }
        for row in dry["rows"]
        if row["action"] == "update"
    }
    assert changed == planned_updates
    # Contoso (link, stage, ...), Coho Winery (stage, ...), Fourth Coffee (to Wishlist).
    assert len(planned_updates) == 3
    moves = sum(len(row["history"]) for row in planned_creates) + sum(
        1
        for row in dry["rows"]
        if row["action"] == "update"
        for c in row["changes"]
        if c["field"] == "stage"
    )
    assert _count(database, StageChange) - history_before == moves
    assert change.opportunity_ids == set(created) | set(planned_updates)
    with database.session() as session:
        notes = session.scalar(
            select(Opportunity.notes).where(Opportunity.company == "Coho Winery")
        )
    assert notes == "Met at the fair"  # Teal has no notes for that row: nothing to add


def test_imported_opportunities_are_planned(database: Database) -> None:
    _import(database, "huntr.csv")
    with database.session() as session:
        kinds = set(
            session.scalars(
                select(Action.kind)
                .join(Opportunity, Opportunity.id == Action.opportunity_id)
                .where(
                    Opportunity.company == "Proseware",
                    # The offer came three months before the clock: its review is long
                    # past its point, so it is planned as missed rather than reminded.
                    Action.state.in_([ActionState.OPEN, ActionState.MISSED]),
                )
            )
        )
    assert "review_offer" in kinds


# -- mapping, remembered ------------------------------------------------------------------


def test_a_mapping_is_remembered_per_header_set(database: Database, tmp_path: Path) -> None:
    text = "Wo,Was,Wie weit\nAcme,Dev,Bewerbung raus\n"
    path = _write(tmp_path, "mine.csv", text)
    mapping = {"Wo": Field.COMPANY, "Was": Field.ROLE, "Wie weit": Field.STAGE}
    plan = _import(database, path, mapping=mapping)
    assert plan.remember_mapping
    assert plan.stage_guesses[0].text == "Bewerbung raus"
    assert plan.stage_guesses[0].recognised is False  # shown as a guess to check
    assert _service(database).get_setting(plan.mapping_key) == {
        "Wo": "company",
        "Was": "role",
        "Wie weit": "stage",
    }
    again = _write(tmp_path, "mine-2.csv", "Was,Wo,Wie weit\nQA,Initech,Abgelehnt\n")
    second = _plan(database, again, stages={"abgelehnt": "Moved on"})
    assert second.mapping == {"Was": Field.ROLE, "Wo": Field.COMPANY, "Wie weit": Field.STAGE}
    assert second.rows[0].stage.name == "Moved on"
    assert header_key(["Was", "Wo", "Wie weit"]) == header_key(["wo", "WAS", "Wie Weit"])


def test_stage_words() -> None:
    assert guess_bucket("Phone screen") == "screening"
    assert guess_bucket("On-site") == "interviewing"
    assert guess_bucket("Final interview") == "final"
    assert guess_bucket("Offer accepted") == "accepted"
    assert guess_bucket("Rejected after interview") == "rejected"
    assert guess_bucket("Declined") == "rejected"
    assert guess_bucket("Not applied yet") == "prospect"
    assert guess_bucket("Saved") == "prospect"
    assert guess_bucket("Submitted") == "applied"
    assert guess_bucket("Zebra") is None


def test_dates_and_salaries() -> None:
    utc = ZoneInfo("UTC")

    def read(text: str, day_first: bool = False) -> str:
        value = parse_date_time(text, day_first=day_first, tz=utc)
        assert value is not None
        return value.strftime("%Y-%m-%d %H:%M")

    assert read("8/15/26, 10:03 AM") == "2026-08-15 10:03"
    assert read("8/15/26, 12:30 AM") == "2026-08-15 00:30"
    assert read("8/15/26, 12:30 PM") == "2026-08-15 12:30"
    assert read("12 Mar 2024") == "2024-03-12 12:00"
    assert read("March 12, 2024") == "2024-03-12 12:00"
    assert read("03/04/2026") == "2026-03-04 12:00"
    assert read("03/04/2026", day_first=True) == "2026-04-03 12:00"
    assert read("2026-08-02T10:00:00.000Z") == "2026-08-02 10:00"
    for bad in ("31/02/2026", "13/13/2026", "someday", "8/15/26, 13:00 PM"):
        with pytest.raises(CellError):
            parse_date_time(bad, day_first=False, tz=utc)
    assert parse_salary("$120k - $140k") == (120000, 140000, "USD")
    assert parse_salary("120-140k") == (120000, 140000, "")
    assert parse_salary("55.000 €") == (55000, 55000, "EUR")
    assert parse_salary("CHF 95000") == (95000, 95000, "CHF")


def test_recognition_prefers_the_most_specific_format() -> None:
    teal = recognise(["Company Name", "Job Title", "Status", "Job URL", "Location", "Salary"])
    simplify = recognise(
        ["Job Title", "Company Name", "Job URL", "Applied Date", "Status", "Status Date"]
    )
    assert (teal and teal.key, simplify and simplify.key) == ("teal", "simplify")
    assert recognise(["company", "role"]) is None


# -- round trip ---------------------------------------------------------------------------


def test_export_csv_imports_back_equal(tmp_path: Path) -> None:
    from followup_desktop.core.demo import populate_demo

    source = open_database(tmp_path / "source.sqlite3")
    populate_demo(source, 40, seed=3, now=NOW)
    _service(source).create_opportunity(
        "=cmd|' /C calc'!A0",
        "Role, with comma",
        OpportunityFields(notes='Line one\n"quoted"; semi', location="-Berlin"),
    )
    out = tmp_path / "all.csv"
    assert export_spreadsheet(source, out, BERLIN) == 41
    assert out.read_bytes().startswith(codecs.BOM_UTF8)
    assert b"'=cmd" in out.read_bytes()  # a spreadsheet shows it instead of running it
    target = open_database(tmp_path / "target.sqlite3")
    plan = _import(target, out)
    assert plan.format_key == "followup"
    assert not plan.problems

    def comparable(db: Database) -> list[tuple[Any, ...]]:
        return sorted(
            tuple(row[name] for name in row if name != "id") for row in _snapshot(db).values()
        )

    assert comparable(target) == comparable(source)
    source.close()
    target.close()


# -- the command line ---------------------------------------------------------------------


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "followup_desktop", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        # The test's own per-user folders (conftest) carry over; only the zone is set.
        env={**os.environ, "TZ": "Europe/Berlin"},
    )


def test_cli_dry_run_then_import(db_path: Path) -> None:
    file = str(FIXTURES / "teal.csv")
    dry = _run("--db", str(db_path), "import-csv", file, "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    data = json.loads(dry.stdout)
    assert data["imported"] is False and data["format"] == "teal"
    assert [row["action"] for row in data["rows"]] == ["create"] * 5
    db = open_database(db_path)
    assert _count(db, Opportunity) == 0
    db.close()

    done = _run("--db", str(db_path), "import-csv", file, "--stage", "Negotiating=Final round")
    assert done.returncode == 0, done.stderr
    assert "'Negotiating' → Final round" in done.stdout
    assert "Imported" in done.stdout and "5 opportunities created" in done.stdout
    db = open_database(db_path)
    assert [row[2] for row in _stored(db)] == [
        "Applied",
        "Wishlist",
        "Withdrawn",
        "Rejected",
        "Final round",
    ]
    db.close()

    again = _run("--db", str(db_path), "import-csv", file, "--dry-run")
    assert "5 duplicates skipped" in again.stdout


def test_cli_refuses_a_file_with_problems(db_path: Path) -> None:
    result = _run("--db", str(db_path), "import-csv", str(FIXTURES / "google_fr_dayfirst.csv"))
    assert result.returncode == 2
    assert "Row 3, column 'Date de candidature'" in result.stdout
    assert "nothing was imported" in result.stderr
    mapped = _run(
        "--db",
        str(db_path),
        "import-csv",
        str(FIXTURES / "google_fr_dayfirst.csv"),
        "--day-first",
        "--map",
        "Lieu=ignore",
    )
    assert mapped.returncode == 0, mapped.stderr
    db = open_database(db_path)
    with db.session() as session:
        assert set(session.scalars(select(Opportunity.location))) == {""}
    db.close()


def test_cli_export_csv(db_path: Path, tmp_path: Path) -> None:
    db = open_database(db_path)
    _service(db).create_opportunity("Acme", "Dev")
    db.close()
    out = tmp_path / "out.csv"
    result = _run("--db", str(db_path), "export-csv", str(out))
    assert result.returncode == 0, result.stderr
    assert "Wrote 1 opportunity to" in result.stdout
    assert out.read_text(encoding="utf-8-sig").splitlines()[1].startswith("Acme,Dev,Applied,")


def test_plan_on_a_session_reads_only(database: Database) -> None:
    sheet = read_sheet((FIXTURES / "teal.csv").read_bytes())
    with database.session() as session:
        plan = plan_import(
            session, sheet, ImportOptions(), file_name="teal.csv", tz=BERLIN, now=NOW
        )
    assert len(plan.of(RowAction.CREATE)) == 5
    assert _count(database, Opportunity) == 0


def test_reactive_resume_style_columns_map_by_alias(database: Database, tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "items.csv",
        "company,role,location,salary,source,sourceUrl,jobDescription,notes,stageEnteredAt\n"
        "Initech,QA Lead,Austin,90000 USD,Referral,https://initech.example/qa,Testing things,"
        "Call Bob,2026-08-20\n",
    )
    plan = _import(database, path)
    assert plan.format_key == "generic" and not plan.problems
    with database.session() as session:
        stored = session.scalars(select(Opportunity)).one()
        assert (stored.link, stored.source, stored.salary_max) == (
            "https://initech.example/qa",
            "Referral",
            90000,
        )
        assert stored.notes == "Call Bob\njobDescription: Testing things"
    assert _history(database, "Initech") == [("Applied", "2026-08-20 12:00")]
