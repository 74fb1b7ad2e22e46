"""Small pieces of wording shared by the reasons the engine writes.

Dates are written the locale's way through :mod:`core.localformat` ("Tue, Nov 24",
"Di., 24. Nov.", with the year only when it is not the current one), never through the C
library's locale, so a reason reads the same on every machine of one language.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from followup_desktop.core import i18n, localformat
from followup_desktop.core.i18n import N_, _, formatting_locale, ngettext, pgettext
from followup_desktop.core.models import Channel
from followup_desktop.core.playbook.facts import ContactFacts

# Spans of whole weeks as a person says them; past six weeks, days. Marked with N_ and
# looked up when used (i18n._, since the language can change in a running process: the
# re-plan after a change of language writes the new one). Two tables because
# "within" takes another case in German ("innerhalb einer Woche", not "eine Woche").
_WEEKS = {
    1: N_("a week"),
    2: N_("two weeks"),
    3: N_("three weeks"),
    4: N_("four weeks"),
    5: N_("five weeks"),
    6: N_("six weeks"),
}
_WITHIN_WEEKS = {
    1: N_("within a week"),
    2: N_("within two weeks"),
    3: N_("within three weeks"),
    4: N_("within four weeks"),
    5: N_("within five weeks"),
    6: N_("within six weeks"),
}
_QUOTE_LIMIT = 90


@lru_cache(maxsize=4096)
def _day_text(day: date, this_year: int, locale: str) -> str:
    return localformat.day(day, locale=locale, year=day.year != this_year)


def day_text(day: date, this_year: int) -> str:
    """``Tue, Nov 24`` (the locale's way), with the year when it is not ``this_year``."""
    # Cached: a re-plan of everything writes the same few hundred days thousands of times.
    return _day_text(day, this_year, formatting_locale())


def span_text(days: int) -> str:
    """A number of days the way a person says it: ``a week``, ``two weeks``, ``10 days``."""
    if days % 7 == 0 and days // 7 in _WEEKS:
        return i18n._(_WEEKS[days // 7])
    if days == 1:
        return _("a day")
    return ngettext("{n} day", "{n} days", days).format(n=days)


def within_text(days: int) -> str:
    """``within a week``, ``within 10 days``: a span as the limit of a wait."""
    if days % 7 == 0 and days // 7 in _WITHIN_WEEKS:
        return i18n._(_WITHIN_WEEKS[days // 7])
    if days == 1:
        return _("within a day")
    return ngettext("within {n} day", "within {n} days", days).format(n=days)


def ordinal(number: int) -> str:
    """``second`` for 2, as in "a brief second follow-up"; digits past the small ones."""
    small = {
        2: pgettext("follow-up number", "second"),
        3: pgettext("follow-up number", "third"),
        4: pgettext("follow-up number", "fourth"),
        5: pgettext("follow-up number", "fifth"),
        6: pgettext("follow-up number", "sixth"),
    }
    if number in small:
        return small[number]
    return pgettext("follow-up number", "{n}th").format(n=number)


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


__all__ = [
    "address",
    "day_text",
    "first_name",
    "ordinal",
    "quoted",
    "span_text",
    "within_text",
]
