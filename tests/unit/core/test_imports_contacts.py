"""Contacts in and out: LinkedIn connections, vCard 3.0/4.0, merges that are never silent."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import vobject
from sqlalchemy import select

from followup_desktop.core.db import Database, open_database
from followup_desktop.core.errors import ImportFormatError, ValidationError
from followup_desktop.core.imports.contacts import (
    ContactAction,
    contact_cards,
    plan_contacts_file,
)
from followup_desktop.core.imports.vcard import Card, read_vcards, write_vcards
from followup_desktop.core.models import Contact, ContactRole
from followup_desktop.core.services import ContactFields, FollowupService

FIXTURES = Path(__file__).parents[2] / "fixtures" / "imports"


def _contacts(db: Database) -> dict[str, dict[str, str]]:
    with db.session() as session:
        return {
            contact.name: {
                "title": contact.title,
                "email": contact.email,
                "phone": contact.phone,
                "linkedin": contact.linkedin,
                "notes": contact.notes,
            }
            for contact in session.scalars(select(Contact))
        }


def test_linkedin_connections_with_their_preamble(database: Database) -> None:
    plan = plan_contacts_file(database, FIXTURES / "Connections.csv")
    assert plan.format_label == "LinkedIn connections"
    assert [(e.line, e.action, e.name) for e in plan.entries] == [
        (5, ContactAction.CREATE, "Dana Levi"),
        (6, ContactAction.CREATE, "Sam Okafor"),
        (7, ContactAction.CREATE, "Priya Raman"),
    ]
    FollowupService(database).import_contacts(plan)
    stored = _contacts(database)
    assert stored["Dana Levi"] == {
        "title": "Engineering Manager",
        "email": "dana.levi@northwind.example",
        "phone": "",
        "linkedin": "https://www.linkedin.com/in/dana-levi-0a1b2c",
        "notes": "Company: Northwind Analytics\nConnected on LinkedIn on 12 Mar 2024.",
    }
    assert stored["Sam Okafor"]["email"] == ""  # LinkedIn often leaves it out


def test_vcards_merge_by_email_then_name_and_company(database: Database) -> None:
    service = FollowupService(database)
    service.import_contacts(plan_contacts_file(database, FIXTURES / "Connections.csv"))
    before = _contacts(database)
    plan = plan_contacts_file(database, FIXTURES / "address-book.vcf")
    merges = {entry.name: entry for entry in plan.of(ContactAction.MERGE)}
    assert merges["Dana Levi"].reason == "the same e-mail"
    assert merges["Dana Levi"].fields["phone"] == "+49 170 1234567"
    assert merges["Sam Okafor"].reason == "the same name and company"
    assert merges["Sam Okafor"].fields["email"] == "sam.okafor@contoso.example"
    assert [entry.name for entry in plan.of(ContactAction.CREATE)] == ["Ren Ito"]
    text = "\n".join(plan.describe())
    assert "Merge (2):" in text and "into #1 (the same e-mail)" in text

    service.import_contacts(plan)
    after = _contacts(database)
    # The dry run is what happened: each merge changed exactly the fields it listed.
    for name, entry in merges.items():
        changed = {key for key in after[name] if after[name][key] != before[name][key]}
        assert changed == set(entry.fields), name
    assert set(after) == set(before) | {"Ren Ito"}
    assert "Met at the Berlin data meetup, March.\nPrefers e-mail." in after["Dana Levi"]["notes"]
    assert after["Dana Levi"]["title"] == "Engineering Manager"
    assert after["Ren Ito"]["notes"].startswith("Company: Fabrikam\nA very long note that goes")

    again = plan_contacts_file(database, FIXTURES / "address-book.vcf")
    assert {entry.action for entry in again.entries} == {ContactAction.SKIP}


def test_a_conflicting_value_is_kept_and_said(database: Database, tmp_path: Path) -> None:
    FollowupService(database).add_contact(
        "Dana Levi", ContactFields(email="dana.levi@northwind.example", title="Head of Data")
    )
    plan = plan_contacts_file(database, FIXTURES / "address-book.vcf")
    dana = next(entry for entry in plan.entries if entry.name == "Dana Levi")
    assert dana.kept == ("title 'Head of Data' (the file says 'Engineering Manager')",)
    assert "title" not in dana.fields


def test_problems_import_nobody(database: Database, tmp_path: Path) -> None:
    plan = plan_contacts_file(database, FIXTURES / "bad-email.vcf")
    assert plan.blocked
    assert "not an email address" in str(plan.problems[0])
    with pytest.raises(ValidationError, match="nobody was imported"):
        FollowupService(database).import_contacts(plan)
    assert _contacts(database) == {}
    cut = tmp_path / "cut.vcf"
    cut.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Half\n", encoding="utf-8")
    with pytest.raises(ImportFormatError, match="no END:VCARD"):
        plan_contacts_file(database, cut)


def test_a_person_twice_in_one_file_is_listed_once(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "twice.csv"
    path.write_text(
        "First Name,Last Name,Email Address,Company\n"
        "Ai,Ito,ai@x.example,X\nAi,Ito,AI@x.example,X\n",
        encoding="utf-8",
    )
    plan = plan_contacts_file(database, path)
    assert [e.action for e in plan.entries] == [ContactAction.CREATE, ContactAction.SKIP]
    assert plan.entries[1].reason == "the same person as line 2 of this file"


def test_vcard_out_for_an_opportunity_reads_in_other_tools(database: Database) -> None:
    service = FollowupService(database)
    acme = service.create_opportunity("Acme; Sons, Ltd", "Analyst").created_id
    service.add_contact(
        "José Núñez",
        ContactFields(
            email="jose@acme.example",
            phone="+34 600 000 000",
            notes="Line one\nLine two, with a comma; and a semicolon " + "long " * 20,
        ),
        opportunity_id=acme,
        role=ContactRole.RECRUITER,
    )
    service.add_contact("Someone Else", ContactFields(email="else@other.example"))
    with database.session() as session:
        cards = contact_cards(session, acme)
        everyone = contact_cards(session)
    assert [card.name for card in cards] == ["José Núñez"]
    assert len(everyone) == 2
    text = write_vcards(cards)
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    parsed = vobject.readOne(text)
    assert parsed.fn.value == "José Núñez"
    assert parsed.org.value == ["Acme; Sons, Ltd"]
    assert parsed.email.value == "jose@acme.example"
    assert parsed.note.value.startswith("Line one\nLine two, with a comma; and a semicolon")
    assert parsed.categories.value == ["Recruiter"]
    back = read_vcards(text)[0]
    assert (back.name, back.company, back.email, back.phone, back.note) == (
        cards[0].name,
        cards[0].company,
        cards[0].email,
        cards[0].phone,
        cards[0].note,
    )


def test_vcard_round_trip_keeps_every_field() -> None:
    card = Card(
        name="Ada Lovelace",
        company="Analytical Engines",
        title="Programmer",
        emails=("ada@engines.example", "a@home.example"),
        phones=("+44 20 0000",),
        url="https://example.org/ada",
        note="First\nSecond; third, fourth \\ fifth",
        categories=("Referrer", "Reference"),
        uid="followup-contact-9",
    )
    back = read_vcards(write_vcards([card]))[0]
    assert back == Card(**{**card.__dict__, "line": 1})


def test_cli_contacts_dry_run_import_and_export(db_path: Path, tmp_path: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "followup_desktop", "--db", str(db_path), *args],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )

    dry = run("import-contacts", str(FIXTURES / "Connections.csv"), "--dry-run")
    assert dry.returncode == 0 and "Dry run: nothing was changed." in dry.stdout
    db = open_database(db_path)
    assert _contacts(db) == {}
    db.close()
    done = run("import-contacts", str(FIXTURES / "Connections.csv"))
    assert "3 added" in done.stdout
    out = tmp_path / "people.vcf"
    exported = run("export-vcard", str(out))
    assert exported.returncode == 0, exported.stderr
    assert [card.name for card in read_vcards(out.read_text(encoding="utf-8"))] == [
        "Dana Levi",
        "Sam Okafor",
        "Priya Raman",
    ]
    assert read_vcards(out.read_text(encoding="utf-8"))[0].company == "Northwind Analytics"
