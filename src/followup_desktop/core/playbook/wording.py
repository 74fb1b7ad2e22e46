"""Small pieces of wording shared by the reasons the engine writes.

Dates are written the same way everywhere ("Tue 24 Nov", with the year only when it is
not the current one) and without the C library's locale, so a reason reads the same on
every machine.
"""

from __future__ import annotations

from datetime import date

from followup_desktop.core.models import Channel
from followup_desktop.core.playbook.facts import ContactFacts

_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_NAMES = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)
_SMALL = {1: "a", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}
_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth"}
_QUOTE_LIMIT = 90


def day_text(day: date, this_year: int) -> str:
    """``Tue 24 Nov``, with the year appended when it is not ``this_year``."""
    text = f"{_DAY_NAMES[day.weekday()]} {day.day} {_MONTH_NAMES[day.month - 1]}"
    return text if day.year == this_year else f"{text} {day.year}"


def span_text(days: int) -> str:
    """A number of days the way a person says it: ``a week``, ``two weeks``, ``10 days``."""
    if days % 7 == 0 and days // 7 in _SMALL:
        weeks = days // 7
        return "a week" if weeks == 1 else f"{_SMALL[weeks]} weeks"
    if days == 1:
        return "a day"
    return f"{days} days"


def ordinal(number: int) -> str:
    """``second`` for 2; digits with a suffix past the small ones."""
    return _ORDINALS.get(number, f"{number}th")


def quoted(text: str) -> str:
    """Free text from the person, on one line and short enough for a sentence."""
    single = " ".join(text.split())
    if len(single) > _QUOTE_LIMIT:
        single = single[: _QUOTE_LIMIT - 1].rstrip() + "…"
    return single.rstrip(".")


def first_name(contact: ContactFacts) -> str:
    """What to call someone in the middle of a sentence after naming them once."""
    parts = contact.name.split()
    return parts[0] if parts else contact.name


def address(contact: ContactFacts | None, channel: Channel | None, company: str = "") -> str:
    """How the recipient is shown: ``Name <email>``, ``Name (phone)``, ``Name, Company``."""
    if contact is None:
        return ""
    if channel is Channel.EMAIL and contact.email:
        return f"{contact.name} <{contact.email}>"
    if channel is Channel.PHONE and contact.phone:
        return f"{contact.name} ({contact.phone})"
    if channel is Channel.LETTER and company:
        return f"{contact.name}, {company}"
    return contact.name


def count_text(count: int, singular: str, plural: str) -> str:
    """``no opportunities``, ``only one opportunity``, ``only 2 opportunities``."""
    if count == 0:
        return f"no {plural}"
    if count == 1:
        return f"only one {singular}"
    return f"only {count} {plural}"


__all__ = ["address", "count_text", "day_text", "first_name", "ordinal", "quoted", "span_text"]
