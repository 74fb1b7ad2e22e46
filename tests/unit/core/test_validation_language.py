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
