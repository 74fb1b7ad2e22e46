"""Dates a text mentions in words: "by Friday", "in two weeks", "nächste Woche".

A reply that says when they will decide, or how long to wait, names a day the plan can
use (a check-back day, the day of a next round); so does what the person wrote down
about next steps in a debrief. This module finds such phrases in
English, German and French and turns each into a calendar day, counted from the day the
message was written. It is a suggestion the person confirms or corrects, so the rules
are few and fixed:

- a weekday ("Friday", "by Friday", "next Friday", "vendredi prochain", "bis Freitag")
  is the first such day *after* the message's day; "Friday next week" is the one in the
  following week;
- "tomorrow" is the next day; "in N days/weeks/months" and "within N ..." count from the
  message's day ("a couple of" is two, "a few" three);
- "this week" / "end of the week" ("diese Woche", "cette semaine") is the coming
  Friday, "next week" the Friday of the following week (the latest day it can mean: a
  day to *wait until*), "end of the month" / "next month" the month's last day, "end of
  January" ("Ende Januar", "fin janvier") that month's last day;
- a span ("in N days", "within two weeks", "sous huitaine") is marked as one
  (:attr:`DateMention.span_days`), so a caller can keep "ten days" as a length;
- a written date ("12 December", "December 12th", "12. Dezember", "le 1er décembre",
  "12.12.2026", "2026-12-12") without a year is the next such day on or after the
  message's day. Dates written with slashes are left alone: 03/04 is March or April
  depending on who wrote it.

The phrases of all three languages are read whatever language the window speaks: a
French speaker may keep French notes in an English window. The apostrophe may be the
typewriter one or the typographic one (U+2019) that French keyboards and phones put in
"d'ici" and "jusqu'à".

No date-phrase library is used: the phrases a recruiter writes about timing are few,
and a library (dateparser and the like) would add megabytes and noticeable start-up
time for rules this module states in a page.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

_WEEKDAYS: dict[str, int] = {}
for _index, _names in enumerate(
    (
        ("monday", "montag", "lundi"),
        ("tuesday", "dienstag", "mardi"),
        ("wednesday", "mittwoch", "mercredi"),
        ("thursday", "donnerstag", "jeudi"),
        ("friday", "freitag", "vendredi"),
        ("saturday", "samstag", "sonnabend", "samedi"),
        ("sunday", "sonntag", "dimanche"),
    )
):
    _WEEKDAYS.update(dict.fromkeys(_names, _index))

_MONTHS: dict[str, int] = {}
for _index, _names in enumerate(
    (
        ("january", "jan", "januar", "jänner", "janvier"),
        ("february", "feb", "februar", "février", "fevrier"),
        ("march", "mar", "märz", "maerz", "mars"),
        ("april", "apr", "avril"),
        ("may", "mai"),
        ("june", "jun", "juni", "juin"),
        ("july", "jul", "juli", "juillet"),
        ("august", "aug", "août", "aout"),
        ("september", "sep", "sept", "septembre"),
        ("october", "oct", "oktober", "okt", "octobre"),
        ("november", "nov", "novembre"),
        ("december", "dec", "dezember", "dez", "décembre", "decembre"),
    ),
    start=1,
):
    _MONTHS.update(dict.fromkeys(_names, _index))

_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
    "fourteen": 14,
    "a couple of": 2,
    "a few": 3,
    "ein": 1,
    "eine": 1,
    "einer": 1,
    "einem": 1,
    "einen": 1,
    "zwei": 2,
    "drei": 3,
    "vier": 4,
    "fünf": 5,
    "sechs": 6,
    "sieben": 7,
    "acht": 8,
    "neun": 9,
    "zehn": 10,
    "zwölf": 12,
    "vierzehn": 14,
    "ein paar": 3,
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "douze": 12,
    "quelques": 3,
}
_UNIT_DAYS = {"day": 1, "week": 7, "tag": 1, "woche": 7, "jour": 1, "semaine": 7}


def _alternatives(words: Iterable[str]) -> str:
    # Longest first, so "a couple of" is tried before "a".
    return "|".join(re.escape(name) for name in sorted(words, key=len, reverse=True))


_WEEKDAY = rf"(?P<weekday>{_alternatives(_WEEKDAYS)})"
# "may" is a month only when written as one: "you may 2 go" names no day.
_MONTH = rf"(?P<month>{_alternatives(set(_MONTHS) - {'may'})}|(?-i:May))\.?"
_COUNT = rf"(?P<count>\d{{1,2}}|{_alternatives(_NUMBERS)})"
_UNIT = r"(?P<unit>days?|weeks?|months?|tag(?:e|en)?|wochen?|monat(?:e|en)?|jours?|semaines?|mois)"
_YEAR = r"(?:,?\s+(?P<year>20\d\d))?"
# French writes "d'ici" with either apostrophe; phones and word processors put U+2019.
_APOSTROPHE = "['\u2019]"


@dataclass(frozen=True, slots=True)
class DateMention:
    """A phrase naming a day, as written, and the day it means."""

    phrase: str
    day: date
    start: int  # where it is in the text, so mentions keep their order
    #: For a length of time ("within 10 days"): the days from the reference; else None.
    span_days: int | None = None


def _next_weekday(after: date, weekday: int) -> date:
    return after + timedelta(days=(weekday - after.weekday() - 1) % 7 + 1)


def _friday_of_week(day: date, weeks_ahead: int) -> date:
    monday = day - timedelta(days=day.weekday()) + timedelta(weeks=weeks_ahead)
    return monday + timedelta(days=4)


def _month_end(day: date, months_ahead: int) -> date:
    month = day.month - 1 + months_ahead
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: date, months: int) -> date:
    end = _month_end(day, months)
    return end.replace(day=min(day.day, end.day))


def _written(reference: date, day: int, month: int, year: str | None) -> date | None:
    try:
        found = date(int(year) if year else reference.year, month, day)
    except ValueError:
        return None
    if not year and found < reference:
        try:
            found = found.replace(year=found.year + 1)
        except ValueError:  # 29 February
            return None
    return found


Resolve = Callable[[re.Match[str], date], date | None]


def _weekday(match: re.Match[str], reference: date) -> date | None:
    weekday = _WEEKDAYS[match["weekday"].lower()]
    if match.groupdict().get("nextweek"):
        monday = reference - timedelta(days=reference.weekday()) + timedelta(weeks=1)
        return monday + timedelta(days=weekday)
    return _next_weekday(reference, weekday)


def _count(match: re.Match[str], reference: date) -> date | None:
    raw = " ".join(match["count"].lower().split())
    count = int(raw) if raw.isdigit() else _NUMBERS.get(raw)
    if not count:
        return None
    unit = match["unit"].lower()
    if unit.startswith(("month", "monat", "mois")):
        return _add_months(reference, count)
    days = next(size for stem, size in _UNIT_DAYS.items() if unit.startswith(stem))
    return reference + timedelta(days=days * count)


def _named_date(match: re.Match[str], reference: date) -> date | None:
    return _written(reference, int(match["day"]), _MONTHS[match["month"].lower()], match["year"])


def _dotted(match: re.Match[str], reference: date) -> date | None:
    year = match["year"]
    if year is not None and len(year) == 2:
        year = "20" + year
    return _written(reference, int(match["day"]), int(match["num"]), year)


def _iso(match: re.Match[str], reference: date) -> date | None:
    return _written(reference, int(match["day"]), int(match["num"]), match["year"])


def _fixed(days: int) -> Resolve:
    return lambda _match, reference: reference + timedelta(days=days)


def _week_friday(weeks_ahead: int) -> Resolve:
    def resolve(_match: re.Match[str], reference: date) -> date:
        friday = _friday_of_week(reference, weeks_ahead)
        # Said at the weekend, "this week" can only mean the coming one.
        return friday if friday >= reference else _friday_of_week(reference, weeks_ahead + 1)

    return resolve


def _month_last(months_ahead: int) -> Resolve:
    return lambda _match, reference: _month_end(reference, months_ahead)


def _named_month_end(match: re.Match[str], reference: date) -> date | None:
    month = _MONTHS[match["month"].lower()]
    year = int(match["year"]) if match["year"] else reference.year
    end = date(year, month, calendar.monthrange(year, month)[1])
    if not match["year"] and end < reference:
        end = date(year + 1, month, calendar.monthrange(year + 1, month)[1])
    return end


_EIGHT_DAYS = _fixed(8)
_FIFTEEN_DAYS = _fixed(15)
#: The rules that read a length of time rather than name a day.
_SPANS: frozenset[Resolve] = frozenset({_count, _EIGHT_DAYS, _FIFTEEN_DAYS})

# Longest phrases first: "end of next week" must not be read as "next week".
_RULES: tuple[tuple[str, Resolve], ...] = (
    (r"(?:the\s+)?end\s+of\s+next\s+week", _week_friday(1)),
    (r"ende\s+(?:der\s+)?(?:nächsten|nächster|kommenden|kommender)\s+woche", _week_friday(1)),
    (r"fin\s+de\s+la\s+semaine\s+prochaine", _week_friday(1)),
    (r"(?:the\s+)?end\s+of\s+(?:the|this)\s+month", _month_last(0)),
    (r"ende\s+(?:des|dieses)\s+monats|monatsende", _month_last(0)),
    (r"(?:la\s+)?fin\s+(?:du|de\s+ce)\s+mois", _month_last(0)),
    (r"(?:the\s+)?end\s+of\s+(?:the|this)\s+week", _week_friday(0)),
    (r"ende\s+(?:der|dieser)\s+woche", _week_friday(0)),
    (r"(?:la\s+)?fin\s+de\s+(?:la|cette)\s+semaine", _week_friday(0)),
    (rf"{_WEEKDAY}(?:,)?\s+(?P<nextweek>next\s+week|nächster\s+woche|kommender\s+woche)", _weekday),
    (rf"{_WEEKDAY}\s+(?P<nextweek>de\s+la\s+semaine\s+prochaine)", _weekday),
    (
        r"(?:im\s+laufe\s+der\s+|in\s+der\s+)(?:nächsten|kommenden)\s+woche",
        _week_friday(1),
    ),
    (r"next\s+week|(?:nächste|kommende)\s+woche|(?:la\s+)?semaine\s+prochaine", _week_friday(1)),
    (r"this\s+week|diese\s+woche|cette\s+semaine", _week_friday(0)),
    (r"next\s+month|(?:nächsten|kommenden)\s+monat|(?:le\s+)?mois\s+prochain", _month_last(1)),
    (r"the\s+day\s+after\s+tomorrow|übermorgen|après-demain", _fixed(2)),
    (r"tomorrow|(?<!guten\s)(?<!am\s)morgen|demain", _fixed(1)),
    (r"sous\s+huitaine", _EIGHT_DAYS),
    (r"sous\s+quinzaine|(?:dans|sous)\s+(?:les\s+)?quinze\s+jours", _FIFTEEN_DAYS),
    (
        rf"(?:in|within|innerhalb(?:\s+von)?|binnen|innert|dans|sous|d{_APOSTROPHE}ici|en)"
        rf"\s+{_COUNT}\s+{_UNIT}",
        _count,
    ),
    (
        rf"(?:(?:by|until|till|before|on|this|next|coming|no\s+later\s+than)\s+)+{_WEEKDAY}",
        _weekday,
    ),
    (
        rf"(?:(?:bis|am|spätestens|nächsten|nächster|kommenden|diesen|zum)\s+)+{_WEEKDAY}",
        _weekday,
    ),
    (
        rf"(?:d{_APOSTROPHE}ici|avant|jusqu{_APOSTROPHE}à|jusqu{_APOSTROPHE}au|ce)\s+{_WEEKDAY}",
        _weekday,
    ),
    (rf"{_WEEKDAY}\s+prochain", _weekday),
    (
        rf"(?P<day>[0-3]?\d)(?:st|nd|rd|th|er|\.)?\s+(?:of\s+)?{_MONTH}{_YEAR}",
        _named_date,
    ),
    (rf"{_MONTH}\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b{_YEAR}", _named_date),
    (
        rf"(?:(?:the\s+)?end\s+of\s+|ende\s+|(?:la\s+)?fin\s+(?:de\s+|d{_APOSTROPHE})?)"
        rf"{_MONTH}{_YEAR}",
        _named_month_end,
    ),
    (r"(?P<year>20\d\d)-(?P<num>[01]\d)-(?P<day>[0-3]\d)", _iso),
    (r"(?P<day>[0-3]?\d)\.(?P<num>[01]?\d)\.(?P<year>(?:20)?\d\d)?(?!\d)", _dotted),
)
_COMPILED = tuple(
    (re.compile(rf"(?<![\w'\u2019])(?:{pattern})(?!\w)", re.IGNORECASE), resolve)
    for pattern, resolve in _RULES
)


def mentioned_dates(text: str, reference: date) -> list[DateMention]:
    """Every day ``text`` names, in the order written; ``reference`` is the day it was
    written (a message's day, an interview's day).

    Phrases never overlap: where two rules match the same words, the longer phrase
    (listed first) wins. Days before ``reference`` are dropped: a reply's plan looks ahead.
    """
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    for pattern, resolve in _COMPILED:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < stop and begin < end for begin, stop in taken):
                continue
            day = resolve(match, reference)
            if day is None or day < reference:
                continue
            taken.append((start, end))
            span = (day - reference).days if resolve in _SPANS else None
            found.append(DateMention(" ".join(match.group(0).split()), day, start, span))
    return sorted(found, key=lambda mention: mention.start)
