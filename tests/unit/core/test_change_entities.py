"""What a Change names: Entity members, checked where the change is made."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from followup_desktop.core.change import EVERYTHING, Change, Entity, entities
from followup_desktop.core.db import Database
from followup_desktop.core.services import FollowupService

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)


def test_plain_words_become_members_and_still_compare_equal() -> None:
    change = Change(frozenset({3}), frozenset({"action", "opportunity"}))
    assert change.entities == {Entity.ACTION, Entity.OPPORTUNITY}
    assert all(type(entity) is Entity for entity in change.entities)
    assert "action" in change.entities  # listeners written with words keep working
    assert change == Change(frozenset({3}), entities(Entity.OPPORTUNITY, Entity.ACTION))
    merged = change | Change(entities=frozenset({"stage"}), created_id=9)
    assert merged.entities == {Entity.ACTION, Entity.OPPORTUNITY, Entity.STAGE}
    assert merged.created_id == 9
    assert Entity.SETTINGS not in EVERYTHING and Entity.STAGE in EVERYTHING


def test_a_misspelt_entity_fails_where_the_change_is_made() -> None:
    with pytest.raises(ValueError, match="opportunities"):
        Change(frozenset({1}), frozenset({"opportunities"}))
    with pytest.raises(ValueError, match="actoin"):
        entities("actoin")


def test_the_service_reports_members(database: Database) -> None:
    service = FollowupService(database, clock=lambda: NOW)
    created = service.create_opportunity("Acme", "Analyst")
    assert Entity.OPPORTUNITY in created.entities
    assert all(type(entity) is Entity for entity in created.entities)
    assert service.set_setting("reminders", {"quiet_hours": False}).entities == {Entity.SETTINGS}
