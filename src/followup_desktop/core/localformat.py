"""Dates, times and numbers written the way the person's locale writes them.

The one way Followup writes a date for a person to read, in the window, the tray, the CLI
and the letters: Babel's CLDR data for the formatting locale of :mod:`core.i18n`. The
window's date fields take their display pattern from here too (:func:`date_pattern`), so
a date typed and a date shown look alike. Stored and exchanged dates stay ISO 8601; these
functions are only for reading.

Babel loads only when a first date is written, not at import.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Literal

from followup_desktop.core.i18n import formatting_locale

Width = Literal["short", "medium", "long", "full"]


if TYPE_CHECKING:
    from babel import Locale


def _locale(locale: str | None) -> Locale:
    # Babel parses a locale given by name on every call: the agenda's 13,000 dates spent
    # half their time there. A parsed Locale is handed back to it as it is.
    return _parsed(locale or formatting_locale())


@cache
def _parsed(name: str) -> Locale:
    from babel import Locale

    from followup_desktop.core.locale_data import preload

    parsed = Locale.parse(name)
    preload(str(parsed))  # Babel's data, merged once and kept (core/locale_data.py)
    return parsed


def _wall(value: date | datetime | time) -> date | datetime | time:
    """The value as its own clock reads it, for a cache key: two aware datetimes at the
    same instant in other zones are equal, but do not read the same."""
    if isinstance(value, datetime | time) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value


# The window, the agenda and the proof-of-search log write the same few hundred days and
# times over and over (13,000 steps at 9:00 on a few hundred days): each is worked out
# once per locale. Keyed by the wall time and the locale's name, so a language set in a
# test is still followed.
_REMEMBERED = 8192


def day(value: date | datetime, *, locale: str | None = None, year: bool = False) -> str:
    """A day as a list shows it: "Wed, Dec 2" (en_US), "Mi., 2. Dez." (de_DE)."""
    return _day(_wall(value), locale or formatting_locale(), year)


@lru_cache(maxsize=_REMEMBERED)
def _day(value: date | datetime, name: str, year: bool) -> str:
    from babel.dates import format_skeleton

    return format_skeleton("yMMMEd" if year else "MMMEd", value, locale=_parsed(name))


def clock(value: time | datetime, *, locale: str | None = None) -> str:
    """A time of day: "2:05 PM" (en_US), "14:05" (de_DE, fr_FR, en_GB)."""
    # A datetime's own time is written as it stands: the caller has already put it in the
    # person's zone, and Babel would otherwise convert an aware value a second time.
    if isinstance(value, datetime):
        value = value.timetz()
    return _clock(value.replace(tzinfo=None), locale or formatting_locale())


@lru_cache(maxsize=_REMEMBERED)
def _clock(value: time, name: str) -> str:
    from babel.dates import format_time

    return format_time(value, "short", locale=_parsed(name))


def day_and_clock(value: datetime, *, locale: str | None = None, year: bool = False) -> str:
    """A day and a time: "Wed, Dec 2, 2:05 PM", "Mi., 2. Dez., 14:05"."""
    return _day_and_clock(_wall(value), locale or formatting_locale(), year)


@lru_cache(maxsize=_REMEMBERED)
def _day_and_clock(value: datetime, name: str, year: bool) -> str:
    from babel.dates import get_datetime_format

    pattern = str(get_datetime_format("short", locale=_parsed(name)))
    return pattern.replace("{1}", _day(value, name, year)).replace(
        "{0}", _clock(value.time(), name)
    )


def long_date(value: date | datetime, *, locale: str | None = None) -> str:
    """A date in a letter: "December 2, 2026", "2. Dezember 2026", "2 décembre 2026"."""
    from babel.dates import format_date

    return format_date(value, "long", locale=_locale(locale))


def medium_date(value: date | datetime, *, locale: str | None = None) -> str:
    """A date on a form or in a log: "Aug 3, 2026", "03.08.2026", "3 août 2026".

    The month is named, or the order is the one the country reads without doubt.
    """
    return _medium_date(_wall(value), locale or formatting_locale())


@lru_cache(maxsize=_REMEMBERED)
def _medium_date(value: date | datetime, name: str) -> str:
    from babel.dates import format_date

    return format_date(value, "medium", locale=_parsed(name))


def short_date(value: date | datetime, *, locale: str | None = None) -> str:
    """A date in a table column: "12/2/26", "02.12.26", "02/12/2026"."""
    from babel.dates import format_date

    return format_date(value, "short", locale=_locale(locale))


def month_and_year(value: date | datetime, *, locale: str | None = None) -> str:
    """A month's heading: "December 2026", "Dezember 2026", "décembre 2026"."""
    from babel.dates import format_skeleton

    return format_skeleton("yMMMM", value, locale=_locale(locale))


def weekday_and_date(value: date | datetime, *, locale: str | None = None) -> str:
    """A day named in a sentence of a letter: "Tuesday, November 17", "Dienstag, 17. November",
    "mardi 17 novembre"."""
    import re

    from babel.dates import format_date, get_date_format

    loc = _locale(locale)
    # The locale's full date without its year ("EEEE, MMMM d, y" → "EEEE, MMMM d"): a
    # skeleton would shorten the weekday, which a letter writes out.
    pattern = str(get_date_format("full", locale=loc).pattern)
    without_year = re.sub(r"[\s,]*\by+\b[\s,.]*$", "", pattern).strip() or pattern
    return format_date(value, without_year, locale=loc)


def weekday_name(
    value: date, *, width: Literal["abbreviated", "wide"] = "abbreviated", locale: str | None = None
) -> str:
    """A day's name: "Wed" / "Wednesday", "Mi." / "Mittwoch"."""
    from babel.dates import format_date

    return format_date(value, "EEE" if width == "abbreviated" else "EEEE", locale=_locale(locale))


def first_weekday(locale: str | None = None) -> int:
    """The week's first day in the locale, 0 for Monday … 6 for Sunday (Sunday in en_US)."""
    # Cached by the locale it resolves to, so a language set later is still followed.
    return _first_weekday(_locale(locale))


@cache
def _first_weekday(locale: Locale) -> int:
    return int(locale.first_week_day)


def date_pattern(locale: str | None = None) -> str:
    """The locale's short date pattern in CLDR letters ("M/d/yy", "dd.MM.yy")."""
    from babel.dates import get_date_format

    return str(get_date_format("short", locale=_locale(locale)).pattern)


def entry_date_pattern(locale: str | None = None) -> str:
    """The pattern of a date typed in a field: the short one with the whole year
    ("M/d/y", "dd.MM.y", "dd/MM/y"), so that a typed "26" is never read as 1926."""
    import re

    return re.sub(r"(?<!y)yy(?!y)", "y", date_pattern(locale))


def entry_date(value: date | datetime, *, locale: str | None = None) -> str:
    """A date as a date field shows it: "12/2/2026", "02.12.2026", "02/12/2026"."""
    from babel.dates import format_date

    return format_date(value, entry_date_pattern(locale), locale=_locale(locale))


def entry_datetime_pattern(locale: str | None = None) -> str:
    """The pattern of a date and time typed in a field ("M/d/y, h:mm a")."""
    from babel.dates import get_datetime_format

    glue = str(get_datetime_format("short", locale=_locale(locale)))
    return glue.replace("{1}", entry_date_pattern(locale)).replace("{0}", time_pattern(locale))


def entry_datetime(value: datetime, *, locale: str | None = None) -> str:
    """A date and time as a date-and-time field shows it: "12/2/2026, 2:05 PM"."""
    from babel.dates import format_datetime

    return format_datetime(
        value.replace(tzinfo=None), entry_datetime_pattern(locale), locale=_locale(locale)
    )


def time_pattern(locale: str | None = None) -> str:
    """The locale's short time pattern in CLDR letters ("h:mm a", "HH:mm")."""
    from babel.dates import get_time_format

    return str(get_time_format("short", locale=_locale(locale)).pattern)


def number(value: int | float | Decimal, *, locale: str | None = None) -> str:
    """A number grouped the locale's way: "62,000", "62.000", "62 000"."""
    from babel.numbers import format_decimal

    return str(format_decimal(value, locale=_locale(locale)))


def percent(value: float, *, locale: str | None = None) -> str:
    """A share as a percentage: "42%", "42 %"."""
    from babel.numbers import format_percent

    return str(format_percent(value, locale=_locale(locale)))


def money(amount: int | float | Decimal, currency: str | None, *, locale: str | None = None) -> str:
    """An amount with its currency: "$62,000", "62.000 €"; without one, just grouped."""
    if not currency:
        return number(amount, locale=locale)
    from babel.numbers import format_currency

    loc = _locale(locale)
    pattern = str(loc.currency_formats["standard"].pattern)
    if Decimal(str(amount)) == int(amount):
        # A salary is a whole number: "62.000 €", not "62.000,00 €".
        pattern = pattern.replace(".00", "")
    try:
        return str(format_currency(amount, currency, pattern, locale=loc, currency_digits=False))
    except (ValueError, KeyError):
        # A code Babel does not know is still the person's: shown as typed after the number.
        return f"{number(amount, locale=locale)} {currency}"
