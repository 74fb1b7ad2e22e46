"""The letters' language per opportunity: stored (and migrated, exported, imported),
chosen over the app's, with each language's templates, dates and words, English where a
language has no text of its own, and English edits made before languages still used."""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from followup_desktop.core import i18n
from followup_desktop.core.db import Database, migrate_to, open_database
from followup_desktop.core.errors import ValidationError
from followup_desktop.core.exchange import export_data
from followup_desktop.core.messages import TEMPLATES, TemplateStore, draft_for_action
from followup_desktop.core.messages import templates as templates_module
from followup_desktop.core.messages.context import sample_context
from followup_desktop.core.messages.templates import default_source, render_source
from followup_desktop.core.queries.editor import opportunity_details
from followup_desktop.core.services import FollowupService, OpportunityFields
from followup_desktop.core.services.standalone import import_database
from test_exchange import small_document, write_json
from test_messages import END, NOW, _interview_with_panel, _thank_you_actions
from test_storage import _insert_rev1_data

FRENCH_EDIT = (
    "Subject: Merci pour notre {{ interview.kind }}\n"
    "Bonjour {{ recipient.first_name }},\n\n"
    "merci pour notre {{ interview.kind }} {{ interview.day }}, le {{ interview.date }}.\n"
)


def _thank_you_draft(service: FollowupService, language: str | None) -> Any:
    opportunity, interview = _interview_with_panel(service)
    service.update_opportunity(opportunity, OpportunityFields(letter_language=language))
    action = _thank_you_actions(service, opportunity, interview)[0]
    return draft_for_action(service, action)


def test_a_french_letter_from_an_english_window(database: Database) -> None:
    service = FollowupService(database, clock=lambda: NOW)
    TemplateStore(service).save("thank_you", FRENCH_EDIT, "fr")
    assert i18n.current_language() == "en"
    draft = _thank_you_draft(service, "fr")
    assert draft.language == "fr"
    assert draft.subject == "Merci pour notre entretien en visio"
    # The interview ended on Tuesday 17 November, earlier the same day (Berlin).
    assert "notre entretien en visio aujourd\u2019hui, le mardi 17 novembre." in draft.body
    # What the composer shows beside the letter stays in the window's language.
    assert "Went well" in {h.label for h in draft.highlights}


def test_letters_follow_the_app_when_the_opportunity_has_no_choice(database: Database) -> None:
    service = FollowupService(database, clock=lambda: NOW)
    TemplateStore(service).save("thank_you", FRENCH_EDIT, "fr")
    draft = _thank_you_draft(service, None)
    assert draft.language == "en"
    assert "pleasure to meet you today" in draft.body


def test_an_english_edit_from_before_languages_is_still_used(database: Database) -> None:
    service = FollowupService(database, clock=lambda: NOW)
    # Stored the way edits were stored before there were languages.
    service.set_setting("template.thank_you", "Subject: Hi\nThanks, {{ recipient.name }}.\n")
    store = TemplateStore(service)
    assert store.setting_key("thank_you", "en") == "template.thank_you"
    assert store.setting_key("thank_you", "de") == "template.de.thank_you"
    assert store.is_customized("thank_you", "en")
    assert not store.is_customized("thank_you", "de")
    draft = _thank_you_draft(service, "en")
    assert draft.body.startswith("Thanks, Ana Silva.")
    # A German letter does not use the English edit.
    german = draft_for_action(service, draft.action_id)
    assert german.body == draft.body  # still English: the opportunity says English
    service.update_opportunity(draft.opportunity_id, OpportunityFields(letter_language="de"))
    german = draft_for_action(service, draft.action_id)
    assert german.language == "de"
    assert "Thanks, Ana Silva." not in german.body


def test_a_missing_translation_falls_back_to_english_with_a_log_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "templates"
    (folder / "fr").mkdir(parents=True)
    (folder / "thank_you.txt").write_text("Subject: Thanks\nEnglish text\n", encoding="utf-8")
    (folder / "closing_note.txt").write_text("Subject: Bye\nEnglish bye\n", encoding="utf-8")
    (folder / "fr" / "closing_note.txt").write_text("Subject: Au revoir\nAu revoir\n", "utf-8")
    monkeypatch.setattr(templates_module, "template_folder", lambda: folder)
    templates_module._log_missing.cache_clear()
    with caplog.at_level(logging.INFO, logger="followup_desktop.core.messages.templates"):
        assert default_source("thank_you", "fr") == "Subject: Thanks\nEnglish text\n"
        assert default_source("closing_note", "fr") == "Subject: Au revoir\nAu revoir\n"
        assert default_source("closing_note", "en") == "Subject: Bye\nEnglish bye\n"
    assert [r.getMessage() for r in caplog.records] == [
        "no fr text of the template thank_you; the English one is used"
    ]
    templates_module._log_missing.cache_clear()


@pytest.mark.parametrize("language", ["de", "fr"])
@pytest.mark.parametrize("info", TEMPLATES, ids=lambda info: info.key)
def test_every_shipped_template_renders_in_each_language(language: str, info: Any) -> None:
    source = default_source(info.key, language)
    rendered = render_source(source, sample_context(info.key), info.key)
    assert "Sam Lee" in rendered.body
    assert bool(rendered.subject) == info.is_email


def test_the_service_refuses_a_language_letters_are_not_written_in(
    database: Database,
) -> None:
    service = FollowupService(database, clock=lambda: END)
    opportunity = service.create_opportunity(
        "Acme", "Analyst", OpportunityFields(letter_language="de")
    ).created_id
    assert opportunity is not None
    with database.session() as session:
        assert opportunity_details(session, opportunity).letter_language == "de"
    with pytest.raises(ValidationError, match="cannot be written in 'es'") as refused:
        service.update_opportunity(opportunity, OpportunityFields(letter_language="es"))
    assert refused.value.field == "letter_language"
    service.update_opportunity(opportunity, OpportunityFields(letter_language=""))
    with database.session() as session:
        assert opportunity_details(session, opportunity).letter_language is None


def test_the_migration_keeps_every_row_and_child(db_path: Path) -> None:
    migrate_to(db_path, "0001")
    _insert_rev1_data(db_path)
    migrate_to(db_path, "0005")
    tables = ["opportunities", "interviews", "interview_participants", "actions"]
    tables += ["correspondence", "stage_changes", "contacts"]
    with sqlite3.connect(db_path) as before:
        counts = {t: before.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    before.close()
    assert all(counts.values())
    open_database(db_path).close()
    with sqlite3.connect(db_path) as after:
        for table in tables:
            assert after.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == counts[table]
        assert after.execute("SELECT company, letter_language FROM opportunities").fetchall() == [
            ("Acme", None)
        ]
        assert after.execute("PRAGMA foreign_key_check").fetchall() == []
    after.close()


def test_an_export_from_before_the_field_still_imports(database: Database, tmp_path: Path) -> None:
    document = small_document()
    for row in document["opportunities"]:
        del row["letter_language"]
    path = write_json(tmp_path / "old.json", document)
    import_database(database, path, replace=True)
    with database.session() as session:
        exported = export_data(session)
    assert [row["letter_language"] for row in exported["opportunities"]] == [None, None]


def test_the_letter_language_travels_through_export_and_import(
    database: Database, tmp_path: Path
) -> None:
    document = small_document()
    document["opportunities"][0]["letter_language"] = "de"
    path = write_json(tmp_path / "new.json", document)
    import_database(database, path, replace=True)
    with database.session() as session:
        exported = export_data(session)
    assert [row["letter_language"] for row in exported["opportunities"]] == ["de", "fr"]
    document["opportunities"][0]["letter_language"] = "es"
    bad = write_json(tmp_path / "bad.json", document)
    with pytest.raises(Exception, match="letter_language"):
        import_database(database, bad, replace=True)
    assert (
        json.loads(path.read_text(encoding="utf-8"))["opportunities"][0]["letter_language"] == "de"
    )


def test_the_way_back_keeps_every_row_even_with_foreign_keys_on(db_path: Path) -> None:
    from alembic import command

    from followup_desktop.core.db import alembic_config, make_engine

    db = open_database(db_path)
    service = FollowupService(db, clock=lambda: NOW)
    opportunity, _interview = _interview_with_panel(service)
    service.update_opportunity(opportunity, OpportunityFields(letter_language="fr"))
    db.close()
    tables = ["opportunities", "interviews", "interview_participants", "actions", "debriefs"]
    with sqlite3.connect(db_path) as before:
        counts = {t: before.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    before.close()
    assert all(counts.values())
    engine = make_engine(db_path)  # foreign keys on, as the app's connections have them
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, "0005")
    finally:
        engine.dispose()
    with sqlite3.connect(db_path) as after:
        for table in tables:
            assert after.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == counts[table]
        columns = [row[1] for row in after.execute("PRAGMA table_info(opportunities)")]
        assert "letter_language" not in columns
    after.close()
