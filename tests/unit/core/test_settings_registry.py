"""Declared settings: every key once, with its default and its check, used by every writer.

The service refuses an undeclared key or a bad value with a message naming the setting,
and the JSON import refuses the same things at their JSON path, leaving the database as
it was. Keys the program itself writes are all declared.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from followup_desktop.core.db import Database, open_database
from followup_desktop.core.errors import ImportFormatError, ValidationError
from followup_desktop.core.exchange import export_database
from followup_desktop.core.ics import SEQUENCES_SETTING
from followup_desktop.core.imports.formats import MAPPING_SETTING_PREFIX, header_key
from followup_desktop.core.mailbox.account import INCOMING_SETTING
from followup_desktop.core.mailbox.check import LOCAL_STATE_KEY
from followup_desktop.core.messages.account import ACCOUNT_SETTING
from followup_desktop.core.messages.templates import TEMPLATES, TemplateStore
from followup_desktop.core.models import Setting
from followup_desktop.core.playbook.settings import SETTINGS_KEY
from followup_desktop.core.reminders import PREFS_KEY, ReminderPrefs, ReminderService
from followup_desktop.core.services import FollowupService
from followup_desktop.core.services.standalone import export_calendar, import_database
from followup_desktop.core.settings_registry import SETTINGS, check_setting, declared

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)


@pytest.fixture
def service(database: Database) -> FollowupService:
    return FollowupService(database, clock=lambda: NOW)


def test_every_setting_is_declared_once_and_its_default_passes_its_check() -> None:
    prefixes = [setting.key for setting in SETTINGS]
    assert len(set(prefixes)) == len(prefixes)
    for setting in SETTINGS:
        assert setting.label and setting.value
        if setting.default is not None:
            key = setting.key + ("1" if setting.is_family else "")
            assert check_setting(key, setting.default) == setting.default
    assert declared(PREFS_KEY).default == ReminderPrefs().to_json()
    assert declared(SETTINGS_KEY).default == {}


def test_the_keys_the_program_writes_are_declared() -> None:
    written = [
        SETTINGS_KEY,
        PREFS_KEY,
        ACCOUNT_SETTING,
        INCOMING_SETTING,
        SEQUENCES_SETTING,
        "mailbox.state:alex@imap.example",
        LOCAL_STATE_KEY,
        MAPPING_SETTING_PREFIX + header_key(["Company", "Role"]),
        "debrief_draft:12",  # drafts of older versions, still in their exports
        "board_card_order.3",
        *(TemplateStore.setting_key(info.key) for info in TEMPLATES),
    ]
    for key in written:
        assert declared(key).matches(key), key


def test_writers_beside_the_service_store_only_declared_good_values(
    service: FollowupService, tmp_path: Path
) -> None:
    # These write the settings table without set_setting (for now): what they store
    # must still pass its declaration, or an export of it could not be imported.
    opportunity = service.create_opportunity("Acme", "Analyst").created_id
    assert opportunity is not None
    interview = service.record_interview(opportunity, NOW, NOW + timedelta(hours=1)).created_id
    assert interview is not None
    reminders = ReminderService(service.db, lambda: NOW)
    reminders.set_quiet_hours(False)
    reminders.pause_until(NOW + timedelta(hours=3))
    export_calendar(service.db, tmp_path / "all.ics", now=NOW)
    with service.db.session() as session:
        stored = {row.key: row.value for row in session.query(Setting)}
    assert {PREFS_KEY, SEQUENCES_SETTING} <= set(stored)
    for key, value in stored.items():
        check_setting(key, value)


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("playbook.follow_up_days", 7, "'playbook.follow_up_days' is not a setting"),
        ("template.no_such_template", "Hi", "after 'template.' comes the name of a template"),
        ("board_card_order.first", {"1": 1.0}, "after 'board_card_order.' comes a stage id"),
    ],
)
def test_the_service_refuses_an_undeclared_key(
    service: FollowupService, key: str, value: Any, words: str
) -> None:
    with pytest.raises(ValidationError, match=words) as caught:
        service.set_setting(key, value)
    assert caught.value.field == key
    assert service.get_setting(key) is None


@pytest.mark.parametrize(
    ("key", "value", "field", "words"),
    [
        (
            SETTINGS_KEY,
            {"no_timeline_follow_up_days": "seven"},
            "no_timeline_follow_up_days",
            "must be a whole number",
        ),
        (SETTINGS_KEY, {"no_timeline_follow_up_days": -3}, "no_timeline_follow_up_days", "from"),
        (SETTINGS_KEY, {"working_hours_end": "08:00"}, "working_hours_end", "end after"),
        (SETTINGS_KEY, None, SETTINGS_KEY, "cannot be null"),
        (PREFS_KEY, {"quiet_hours": "seven"}, "quiet_hours", "true or false"),
        (PREFS_KEY, {"paused_until": "2026-11-23T18:00"}, "paused_until", "time zone"),
        (PREFS_KEY, {"snooze": 3}, "snooze", "no choice called 'snooze'"),
        ("board_card_order.2", {"7": "first"}, "7", "finite number"),
        ("board_card_order.2", [7, 8], "board_card_order.2", "must be a JSON object"),
        ("template.thank_you", {"body": "Hi"}, "template.thank_you", "the template's text"),
        (SEQUENCES_SETTING, {"uid-1": [-3, "d"]}, "uid-1", "[sequence, digest]"),
        (ACCOUNT_SETTING, {"host": ""}, "host", "Server"),
    ],
)
def test_the_service_refuses_a_bad_value_naming_the_setting_and_the_fix(
    service: FollowupService, key: str, value: Any, field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        service.set_setting(key, value)
    message = str(caught.value)
    assert message.startswith(f"The setting {key!r} (")
    assert words in message
    # Said as a whole, the value's shape is named; a part at fault is named instead.
    assert ("It must be" in message) is (field == key)
    assert caught.value.field == field
    assert service.get_setting(key) is None


def test_a_declared_value_is_stored_cleaned(service: FollowupService) -> None:
    service.set_setting(PREFS_KEY, {"quiet_hours": False, "paused_until": None})
    assert service.get_setting(PREFS_KEY) == {"quiet_hours": False, "paused_until": None}
    service.set_setting("template.thank_you", None)  # back to the shipped text
    assert service.get_setting("template.thank_you", "unset") is None
    service.set_setting(SETTINGS_KEY, {"no_timeline_follow_up_days": 10})
    assert service.get_setting(SETTINGS_KEY) == {"no_timeline_follow_up_days": 10}


@pytest.fixture
def export_file(db_path: Path, tmp_path: Path) -> Path:
    db = open_database(db_path)
    source = tmp_path / "export.json"
    export_database(db, source)
    db.close()
    return source


@pytest.mark.parametrize(
    ("setting", "path", "words"),
    [
        (
            {"key": "playbook.follow_up_days", "value": "seven"},
            "$.settings[0].key",
            "not a setting Followup knows",
        ),
        (
            {"key": "playbook.follow_up_days", "value": -3},
            "$.settings[0].key",
            "not a setting Followup knows",
        ),
        (
            {"key": "playbook", "value": {"no_timeline_follow_up_days": "seven"}},
            "$.settings[0].value.no_timeline_follow_up_days",
            "must be a whole number",
        ),
        (
            {"key": "playbook", "value": {"no_timeline_follow_up_days": -3}},
            "$.settings[0].value.no_timeline_follow_up_days",
            "must be from",
        ),
        (
            {"key": "reminders", "value": {"quiet_hours": "seven"}},
            "$.settings[0].value.quiet_hours",
            "true or false",
        ),
        (
            {"key": "board_card_order.1", "value": {"4": -3, "5": "seven"}},
            "$.settings[0].value['5']",
            "finite number",
        ),
    ],
)
def test_the_import_checks_settings_through_the_same_declarations(
    db_path: Path, export_file: Path, setting: dict[str, Any], path: str, words: str
) -> None:
    document = json.loads(export_file.read_text())
    document["settings"] = [setting]
    export_file.write_text(json.dumps(document))
    before = db_path.read_bytes()
    db = open_database(db_path)
    try:
        with pytest.raises(ImportFormatError) as caught:
            import_database(db, export_file, replace=True)
    finally:
        db.close()
    assert caught.value.json_path == path
    assert words in caught.value.detail
    assert f"The setting {setting['key']!r}" in caught.value.detail or "not a setting" in words
    assert db_path.read_bytes() == before


def test_the_import_takes_declared_settings(db_path: Path, export_file: Path) -> None:
    document = json.loads(export_file.read_text())
    document["settings"] = [
        {"key": "board_card_order.1", "value": {"4": 1.5}},
        {"key": "reminders", "value": {"quiet_hours": False, "paused_until": None}},
    ]
    export_file.write_text(json.dumps(document))
    db = open_database(db_path)
    try:
        import_database(db, export_file, replace=True)
        service = FollowupService(db)
        assert service.get_setting("board_card_order.1") == {"4": 1.5}
        assert service.get_setting("reminders") == {"quiet_hours": False, "paused_until": None}
    finally:
        db.close()


def test_a_refused_setting_is_explained_in_german() -> None:
    from followup_desktop.core import i18n

    try:
        i18n.set_language("de")
        with pytest.raises(ValidationError) as caught:
            check_setting("reminders", [])
        assert str(caught.value) == (
            "Die Einstellung 'reminders' (Erinnerungseinstellungen): muss ein JSON-Objekt "
            'sein, nicht eine Liste. Sie muss ein Objekt mit "quiet_hours" (true oder false) '
            'und "paused_until" (ein Zeitpunkt oder null) sein.'
        )
        with pytest.raises(ValidationError, match="ist keine Einstellung, die Followup kennt"):
            check_setting("nonsense", 1)
    finally:
        i18n.set_language("en")
