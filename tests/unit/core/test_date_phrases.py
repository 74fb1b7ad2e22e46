"""The days a reply names in words, in English, German and French (no server needed)."""

from __future__ import annotations

from datetime import date

import pytest

from followup_desktop.core.date_phrases import mentioned_dates
from followup_desktop.core.mailbox.outcome import SuggestedOutcome, read_reply

# Wednesday, 2 December 2026.
WEDNESDAY = date(2026, 12, 2)


@pytest.mark.parametrize(
    ("text", "phrase", "day"),
    [
        ("We will get back to you by next Friday.", "by next Friday", date(2026, 12, 4)),
        ("by Friday", "by Friday", date(2026, 12, 4)),
        ("Are you free next Tuesday?", "next Tuesday", date(2026, 12, 8)),
        ("How about Friday next week?", "Friday next week", date(2026, 12, 11)),
        ("You will hear from us in two weeks.", "in two weeks", date(2026, 12, 16)),
        ("within a week", "within a week", date(2026, 12, 9)),
        ("in a couple of weeks", "in a couple of weeks", date(2026, 12, 16)),
        ("in 3 days", "in 3 days", date(2026, 12, 5)),
        ("in 3 months", "in 3 months", date(2027, 3, 2)),
        ("by the end of next week", "the end of next week", date(2026, 12, 11)),
        ("before the end of the month", "the end of the month", date(2026, 12, 31)),
        ("tomorrow", "tomorrow", date(2026, 12, 3)),
        ("the day after tomorrow", "the day after tomorrow", date(2026, 12, 4)),
        ("on December 12th", "December 12th", date(2026, 12, 12)),
        ("on 3 May", "3 May", date(2027, 5, 3)),
        ("2026-12-24", "2026-12-24", date(2026, 12, 24)),
        # German
        ("Wir melden uns nächste Woche.", "nächste Woche", date(2026, 12, 11)),
        ("bis Freitag", "bis Freitag", date(2026, 12, 4)),
        ("nächsten Montag", "nächsten Montag", date(2026, 12, 7)),
        ("in zwei Wochen", "in zwei Wochen", date(2026, 12, 16)),
        ("innerhalb einer Woche", "innerhalb einer Woche", date(2026, 12, 9)),
        ("bis Ende nächster Woche", "Ende nächster Woche", date(2026, 12, 11)),
        ("am 12. Januar", "12. Januar", date(2027, 1, 12)),
        ("am 12.12.", "12.12.", date(2026, 12, 12)),
        ("Guten Morgen! Wir rufen morgen an.", "morgen", date(2026, 12, 3)),
        # French
        ("Nous reviendrons vers vous d'ici vendredi.", "d'ici vendredi", date(2026, 12, 4)),
        ("vendredi prochain", "vendredi prochain", date(2026, 12, 4)),
        ("la semaine prochaine", "la semaine prochaine", date(2026, 12, 11)),
        ("dans deux semaines", "dans deux semaines", date(2026, 12, 16)),
        ("sous huitaine", "sous huitaine", date(2026, 12, 10)),
        ("d'ici la fin de la semaine", "la fin de la semaine", date(2026, 12, 4)),
        ("le 1er mars", "1er mars", date(2027, 3, 1)),
        # The same words with the apostrophe French keyboards and phones type.
        (
            "Nous reviendrons vers vous d\u2019ici vendredi.",
            "d\u2019ici vendredi",
            date(2026, 12, 4),
        ),
        ("jusqu\u2019à jeudi", "jusqu\u2019à jeudi", date(2026, 12, 3)),
        ("une réponse d\u2019ici deux semaines", "d\u2019ici deux semaines", date(2026, 12, 16)),
        ("en deux semaines", "en deux semaines", date(2026, 12, 16)),
        # A month's end named by its month.
        ("by the end of January", "the end of January", date(2027, 1, 31)),
        ("Entscheidung bis Ende Februar", "Ende Februar", date(2027, 2, 28)),
        ("une décision fin janvier", "fin janvier", date(2027, 1, 31)),
        ("Ende Dezember 2027", "Ende Dezember 2027", date(2027, 12, 31)),
        # Other German ways of saying within and next week.
        ("binnen 10 Tagen", "binnen 10 Tagen", date(2026, 12, 12)),
        ("innert zwei Wochen", "innert zwei Wochen", date(2026, 12, 16)),
        ("im Laufe der nächsten Woche", "im Laufe der nächsten Woche", date(2026, 12, 11)),
    ],
)
def test_a_phrase_names_a_day(text: str, phrase: str, day: date) -> None:
    found = mentioned_dates(text, WEDNESDAY)
    assert [(m.phrase, m.day) for m in found] == [(phrase, day)]


@pytest.mark.parametrize(
    ("text", "phrase", "days"),
    [
        ("They will decide within 10 days.", "within 10 days", 10),
        ("Sie entscheiden innerhalb von 10 Tagen.", "innerhalb von 10 Tagen", 10),
        ("Ils décideront sous 10 jours.", "sous 10 jours", 10),
        ("Antwort in zwei Wochen", "in zwei Wochen", 14),
        ("réponse dans deux semaines", "dans deux semaines", 14),
        ("retour d\u2019ici dix jours", "d\u2019ici dix jours", 10),
    ],
)
def test_a_length_of_time_is_a_span_in_every_language(text: str, phrase: str, days: int) -> None:
    """What a debrief's next steps offer as the decision timeline, in days."""
    (found,) = mentioned_dates(text, WEDNESDAY)
    assert (found.phrase, found.span_days) == (phrase, days)


def test_the_window_s_language_does_not_change_what_is_read() -> None:
    """French notes in an English window, German in a French one: the same days."""
    from followup_desktop.core import i18n

    text = "Retour d\u2019ici vendredi, sonst bis Ende nächster Woche; by the end of January."
    expected = [date(2026, 12, 4), date(2026, 12, 11), date(2027, 1, 31)]
    try:
        for language in i18n.LANGUAGES:
            i18n.set_language(language)
            assert [m.day for m in mentioned_dates(text, WEDNESDAY)] == expected
    finally:
        i18n.set_language("en")


@pytest.mark.parametrize(
    "text",
    [
        "We will be in touch soon.",
        "You may 2 go ahead.",  # "may" only as a month when written May
        "version 1.2.3 at 192.168.1.10",
        "03/04",  # March or April, depending on who wrote it
        "Guten Morgen, Alex",
        "Thank you for Friday's interview",
        "Thank you for Friday\u2019s interview",
        "en mai",  # a month, not a day
    ],
)
def test_no_day_where_none_is_named(text: str) -> None:
    assert mentioned_dates(text, WEDNESDAY) == []


def test_a_weekday_said_on_that_day_is_the_next_one() -> None:
    friday = date(2026, 12, 4)
    assert [m.day for m in mentioned_dates("by Friday", friday)] == [date(2026, 12, 11)]
    saturday = date(2026, 12, 5)
    # Said at the weekend, "this week" can only be the coming one.
    assert [m.day for m in mentioned_dates("this week", saturday)] == [date(2026, 12, 11)]


@pytest.mark.parametrize(
    ("text", "outcome", "day"),
    [
        ("We will get back to you by next Friday.", SuggestedOutcome.WAIT, date(2026, 12, 4)),
        ("Wir melden uns in zwei Wochen bei Ihnen.", SuggestedOutcome.WAIT, date(2026, 12, 16)),
        (
            "Nous reviendrons vers vous d'ici vendredi ou la semaine prochaine.",
            SuggestedOutcome.WAIT,
            date(2026, 12, 11),  # the longest they asked for
        ),
        (
            "We would like to invite you to a second interview next Tuesday or Thursday.",
            SuggestedOutcome.NEXT_ROUND,
            date(2026, 12, 8),  # the first day they offer
        ),
        ("We will be in touch soon.", None, None),  # a wait with no day is no outcome
        ("Unfortunately we decided by Friday to go with another candidate.", "rejection", None),
    ],
)
def test_a_reply_suggests_an_outcome_with_its_day(
    text: str, outcome: str | None, day: date | None
) -> None:
    reading = read_reply("Re: your application", text, WEDNESDAY)
    assert reading.outcome == outcome
    if day is not None:
        assert reading.day is not None and reading.day.day == day


def test_quoted_history_names_no_day() -> None:
    text = "Thanks!\n\nOn Mon, Alex wrote:\n> I can come by Friday\n"
    assert read_reply("Re: x", text, WEDNESDAY).mentions == ()
