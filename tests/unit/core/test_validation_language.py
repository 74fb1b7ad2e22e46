"""Messages that say what to fix are in the person's language, field names included."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from followup_desktop.core import i18n
from followup_desktop.core.errors import ValidationError
from followup_desktop.core.fields import OPPORTUNITY_TEXT
from followup_desktop.core.validation import email, salary_range


@pytest.fixture
def english_again() -> Iterator[None]:
    yield
    i18n.set_language("en")


def test_a_required_field_is_named_in_german_and_french(english_again: None) -> None:
    i18n.set_language("de")
    with pytest.raises(ValidationError) as caught:
        OPPORTUNITY_TEXT["company"].clean("  ")
    assert str(caught.value) == "„Unternehmen“ ist erforderlich."
    assert caught.value.field == "company"
    i18n.set_language("fr")
    with pytest.raises(ValidationError) as caught:
        OPPORTUNITY_TEXT["company"].clean("")
    assert str(caught.value) == "Le champ «\u202fEntreprise\u202f» est obligatoire."


def test_numbers_in_messages_follow_the_locale(english_again: None) -> None:
    i18n.set_language("de")
    with pytest.raises(ValidationError, match=r"Das Mindestgehalt \(90\.000\) liegt über"):
        salary_range(90_000, 60_000)
    with pytest.raises(ValidationError, match="keine E-Mail-Adresse"):
        email("dana.example.com")


def test_english_stays_as_it_was() -> None:
    with pytest.raises(ValidationError, match=r"^Company is required\.$"):
        OPPORTUNITY_TEXT["company"].clean("")
    with pytest.raises(ValidationError, match=r"The salary minimum \(90,000\) is above"):
        salary_range(90_000, 60_000)


def test_playbook_settings_explain_themselves_in_french(english_again: None) -> None:
    from followup_desktop.core.playbook.settings import describe_settings, validate_settings

    i18n.set_language("fr")
    help_of = {row["name"]: row["help"] for row in describe_settings()}
    assert help_of["thank_you_hours"] == (
        "heures après la fin de l\u2019entretien avant l\u2019échéance du message de remerciement"
    )
    with pytest.raises(ValidationError, match="doit être compris entre 1 et 24") as caught:
        validate_settings({"thank_you_hours": 99})
    assert caught.value.field == "thank_you_hours"
