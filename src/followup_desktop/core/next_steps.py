"""What the debrief's "next steps" text says about when they decide, offered as fields.

A person writes "they will decide within 10 days" or "we'll hear by Friday" in the
free text; the plan only counts the structured fields (the decision timeline in days,
the decision date). This module reads the text with :mod:`core.date_phrases` and offers
at most one value per field: the first length of time for the timeline, the first named
day for the date. An offer is a suggestion the person applies or ignores; nothing here
fills a field.

Days are counted from the interview's day (in the interview's own zone), which is the
day the words were said. The text is read in English, German and French whatever the
window speaks; the offer itself is in the window's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from followup_desktop.core import localformat
from followup_desktop.core.date_phrases import mentioned_dates
from followup_desktop.core.i18n import _, ngettext
from followup_desktop.core.validation import MAX_TIMELINE_DAYS

OfferField = Literal["decision_timeline_days", "decision_date"]

#: Only the start of the text is read: what they said about timing is a line or two,
#: and the form reads the text again after every pause in typing.
READ_CHARACTERS = 10_000


@dataclass(frozen=True, slots=True)
class NextStepsOffer:
    """A value the next-steps text suggests for one structured field.

    ``days`` is set for the timeline, ``day`` for the decision date; ``phrase`` is the
    words it was read from, as written.
    """

    field: OfferField
    phrase: str
    days: int | None = None
    day: date | None = None

    @property
    def value_text(self) -> str:
        """The value in words: "10 days", or the date as the locale writes it."""
        if self.days is not None:
            return ngettext("{n} day", "{n} days", self.days).format(n=self.days)
        assert self.day is not None
        return localformat.long_date(self.day)

    @property
    def sentence(self) -> str:
        """What the offer says next to its Apply button (plain text)."""
        if self.field == "decision_timeline_days":
            assert self.days is not None
            return ngettext(
                "You wrote “{phrase}”: a decision within {n} day?",
                "You wrote “{phrase}”: a decision within {n} days?",
                self.days,
            ).format(phrase=self.phrase, n=self.days)
        assert self.day is not None
        return _("You wrote “{phrase}”: a decision by {day}?").format(
            phrase=self.phrase, day=localformat.long_date(self.day)
        )

    @property
    def action_name(self) -> str:
        """The Apply button's accessible name, saying what it will set."""
        if self.field == "decision_timeline_days":
            assert self.days is not None
            return ngettext(
                "Use {n} day as the decision timeline",
                "Use {n} days as the decision timeline",
                self.days,
            ).format(n=self.days)
        return _("Use {day} as the decision date").format(day=self.value_text)


def next_steps_offers(
    text: str,
    interview_day: date,
    *,
    timeline_days: int | None = None,
    decision_date: date | None = None,
) -> tuple[NextStepsOffer, ...]:
    """The values ``text`` suggests, timeline first; none that the fields already hold.

    ``timeline_days`` and ``decision_date`` are what the fields hold now: an offer equal
    to them is left out, so an applied offer goes away. A span too long for the timeline
    field (over a year) is not offered.
    """
    timeline: NextStepsOffer | None = None
    by_day: NextStepsOffer | None = None
    for mention in mentioned_dates(text[:READ_CHARACTERS], interview_day):
        if mention.span_days is not None:
            if timeline is None and 1 <= mention.span_days <= MAX_TIMELINE_DAYS:
                timeline = NextStepsOffer(
                    "decision_timeline_days", mention.phrase, days=mention.span_days
                )
        elif by_day is None and mention.day > interview_day:
            by_day = NextStepsOffer("decision_date", mention.phrase, day=mention.day)
    offers: list[NextStepsOffer] = []
    if timeline is not None and timeline.days != timeline_days:
        offers.append(timeline)
    if by_day is not None and by_day.day != decision_date:
        offers.append(by_day)
    return tuple(offers)


__all__ = ["NextStepsOffer", "OfferField", "next_steps_offers"]
