"""What the debrief's next-steps text offers for the timeline and decision-date fields."""

from __future__ import annotations

from datetime import date

import pytest

from followup_desktop.core.next_steps import NextStepsOffer, next_steps_offers

# The interview was on Wednesday, 2 December 2026.
INTERVIEW_DAY = date(2026, 12, 2)


@pytest.mark.parametrize(
    ("text", "phrase", "days"),
    [
        ("They expect to decide within 10 days.", "within 10 days", 10),
        ("We'll hear in two weeks", "in two weeks", 14),
        ("Entscheidung innerhalb von zehn Tagen", "innerhalb von zehn Tagen", 10),
        ("Réponse d'ici dix jours", "d'ici dix jours", 10),
        ("They will decide in ten days", "in ten days", 10),
        ("A second round with six people", None, None),
        ("Sie melden sich in zwei Wochen", "in zwei Wochen", 14),
        ("Réponse dans deux semaines", "dans deux semaines", 14),
        ("Réponse sous huitaine", "sous huitaine", 8),
        ("in a month", "in a month", 31),
    ],
)
def test_a_length_of_time_is_offered_for_the_timeline(
    text: str, phrase: str | None, days: int | None
) -> None:
    offers = next_steps_offers(text, INTERVIEW_DAY)
    timeline = [offer for offer in offers if offer.field == "decision_timeline_days"]
    if phrase is None:
        assert timeline == []
    else:
        assert timeline == [NextStepsOffer("decision_timeline_days", phrase, days=days)]


@pytest.mark.parametrize(
    ("text", "phrase", "day"),
    [
        ("They decide by Friday", "by Friday", date(2026, 12, 4)),
        ("Rückmeldung bis Freitag", "bis Freitag", date(2026, 12, 4)),
        ("Réponse d'ici vendredi", "d'ici vendredi", date(2026, 12, 4)),
        ("a decision on 18 December", "18 December", date(2026, 12, 18)),
        ("next week", "next week", date(2026, 12, 11)),
    ],
)
def test_a_named_day_is_offered_for_the_decision_date(text: str, phrase: str, day: date) -> None:
    assert next_steps_offers(text, INTERVIEW_DAY) == (
        NextStepsOffer("decision_date", phrase, day=day),
    )


def test_one_offer_per_field_the_first_written_and_timeline_first() -> None:
    text = "Second round by Friday, then a decision within 10 days or in two weeks."
    offers = next_steps_offers(text, INTERVIEW_DAY)
    assert [(offer.field, offer.phrase) for offer in offers] == [
        ("decision_timeline_days", "within 10 days"),
        ("decision_date", "by Friday"),
    ]


def test_what_the_fields_already_hold_is_not_offered_again() -> None:
    text = "within 10 days, by Friday"
    assert next_steps_offers(text, INTERVIEW_DAY, timeline_days=10) == (
        NextStepsOffer("decision_date", "by Friday", day=date(2026, 12, 4)),
    )
    assert (
        next_steps_offers(text, INTERVIEW_DAY, timeline_days=10, decision_date=date(2026, 12, 4))
        == ()
    )


def test_text_without_timing_and_the_interview_day_itself_offer_nothing() -> None:
    assert next_steps_offers("", INTERVIEW_DAY) == ()
    assert next_steps_offers("A second round with the team", INTERVIEW_DAY) == ()
    assert next_steps_offers("They said they'd call today", INTERVIEW_DAY) == ()
    assert next_steps_offers("within 400 days", INTERVIEW_DAY) == ()  # longer than a year


def test_the_offer_says_what_it_would_set_in_words() -> None:
    timeline, by_day = next_steps_offers("within 1 day or by Friday", INTERVIEW_DAY)
    assert timeline.sentence == "You wrote “within 1 day”: a decision within 1 day?"
    assert timeline.action_name == "Use 1 day as the decision timeline"
    assert by_day.sentence == "You wrote “by Friday”: a decision by December 4, 2026?"
    assert by_day.action_name == "Use December 4, 2026 as the decision date"


def test_the_offer_speaks_the_window_s_language_whatever_the_notes_are_in() -> None:
    from followup_desktop.core import i18n

    try:
        i18n.set_language("de")
        timeline, by_day = next_steps_offers("sous 10 jours, d\u2019ici vendredi", INTERVIEW_DAY)
        assert timeline.sentence == (
            "Sie haben „sous 10 jours“ geschrieben: eine Entscheidung innerhalb von 10 Tagen?"
        )
        assert timeline.action_name == "10 Tage als Entscheidungsfrist übernehmen"
        assert by_day.sentence == (
            "Sie haben „d\u2019ici vendredi“ geschrieben: eine Entscheidung bis 4. Dezember 2026?"
        )
        i18n.set_language("fr")
        (timeline,) = next_steps_offers("innerhalb von 10 Tagen", INTERVIEW_DAY)
        assert timeline.sentence == (
            "Vous avez écrit «\u202finnerhalb von 10 Tagen\u202f»\u202f: "
            "une décision sous 10 jours\u202f?"
        )
    finally:
        i18n.set_language("en")
