"""The shipped stages are shown in the person's language; the person's own are not."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from followup_desktop.core import i18n
from followup_desktop.core.board import load_stages
from followup_desktop.core.db import open_database
from followup_desktop.core.kinds import StageKind, stage_label
from followup_desktop.core.services import FollowupService


@pytest.fixture
def german() -> Iterator[None]:
    i18n.set_language("de")
    try:
        yield
    finally:
        i18n.set_language("en")


def test_a_new_databases_stages_read_in_german(tmp_path: Path, german: None) -> None:
    db = open_database(tmp_path / "f.sqlite3")
    try:
        service = FollowupService(db)
        service.add_stage("Applied to the dream job", StageKind.ACTIVE)
        with db.session() as session:
            names = [stage.name for stage in load_stages(session)]
    finally:
        db.close()
    assert names[:4] == ["Merkliste", "Beworben", "Vorauswahl", "Vorstellungsgespräche"]
    assert "Weitergezogen" in names
    # A stage the person named keeps their words, even when it starts like a shipped one.
    assert "Applied to the dream job" in names


def test_in_english_the_stored_name_is_shown() -> None:
    assert stage_label("Applied") == "Applied"
    assert stage_label("My own stage") == "My own stage"


def test_french_names_a_column_apart_from_a_count(german: None) -> None:
    i18n.set_language("fr")
    assert stage_label("Applied") == "Candidature envoyée"


def test_the_stats_name_steps_and_stages_in_german_and_keep_english_for_json(
    german: None,
) -> None:
    from followup_desktop.core.stats import FunnelStep, StageTime

    step = FunnelStep("Applied", 3, None, 1.0)
    assert (step.name, step.label()) == ("Applied", "Beworben")
    stage = StageTime("Screening", 1, 2.0, 2.0, 0)
    assert (stage.stage, stage.label()) == ("Screening", "Vorauswahl")
