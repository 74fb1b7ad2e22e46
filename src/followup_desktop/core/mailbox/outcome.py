"""Words in a reply that suggest how things stand: rejection, next round, offer or wait.

Only a suggestion shown beside the proposal; Followup moves an opportunity or changes a
plan because of it only when the person confirms that outcome. Phrases in English,
German and French, matched on the reply's own text (quoted history is left out), case
and accents as written. A rejection is checked first, because a refusal often mentions
the offer or the next step it is not making ("we will not be moving to the next round").
"Wait" is suggested only when the reply also names a day ("we will get back to you by
Friday"): a wait with no day to wait until gives the plan nothing to follow.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date

from followup_desktop.core.date_phrases import DateMention, mentioned_dates


class SuggestedOutcome(enum.StrEnum):
    """What a reply's wording suggests."""

    REJECTION = "rejection"
    OFFER = "offer"
    NEXT_ROUND = "next_round"
    WAIT = "wait"


_PHRASES: dict[SuggestedOutcome, tuple[str, ...]] = {
    SuggestedOutcome.REJECTION: (
        # English
        r"unfortunately",
        r"(?:not|won't|will not) (?:be )?(?:moving|move|proceed(?:ing)?) forward",
        r"decided to (?:move forward|proceed|go ahead) with (?:other|another)",
        r"(?:position|role) has (?:now )?been filled",
        r"not (?:be )?(?:able|in a position) to offer",
        r"regret to inform",
        # German
        r"leider",
        r"absage",
        r"nicht (?:weiter )?berücksichtig",
        r"für (?:eine|einen) andere[nr]? (?:kandidat|bewerber)",
        # French
        r"malheureusement",
        r"pas (?:été )?retenu",
        r"ne (?:pas )?donner suite",
        r"regret(?:tons)? de vous (?:informer|annoncer)",
    ),
    SuggestedOutcome.OFFER: (
        r"(?:pleased|happy|delighted) to (?:offer|extend)",
        r"\boffer letter\b",
        r"\bjob offer\b",
        r"\bvertragsangebot\b",
        r"\bjobangebot\b",
        r"freuen uns,? ihnen .{0,60}anzubieten",
        r"offre d'emploi",
        r"proposition d'embauche",
        r"(?:plaisir|heureux|ravis?) de vous (?:proposer|faire une offre)",
    ),
    SuggestedOutcome.NEXT_ROUND: (
        r"\bnext (?:round|stage|interview)\b",
        r"\b(?:second|final|follow-up|onsite|on-site) (?:round|interview)\b",
        r"invite you (?:to|for) (?:a|an|another)",
        r"nächste[nr]? (?:runde|gespräch|schritt)",
        r"zweite[ns]? (?:gespräch|interview|runde)",
        r"(?:laden|möchten) (?:wir )?sie .{0,40}(?:ein|einladen)",
        r"prochaine étape",
        r"(?:second|deuxième|prochain) (?:entretien|tour)",
        r"vous inviter (?:à|pour) (?:un|une)",
    ),
    SuggestedOutcome.WAIT: (
        r"get back to you",
        r"let you know",
        r"be in touch",
        r"hear (?:back )?from (?:us|me)",
        r"(?:make|reach|have) (?:a|our|the) (?:final )?decision",
        r"(?:decide|decision)",
        r"update you",
        r"(?:melden|äußern) (?:uns|mich)",
        r"rückmeldung",
        r"bescheid",
        r"entscheid",
        r"reviendr(?:ons|ai|a) vers vous",
        r"revenir vers vous",
        r"vous (?:re)?contacter",
        r"vous tiendr(?:ons|ai) informée?",
        r"décision",
    ),
}
_COMPILED = {
    outcome: re.compile("|".join(f"(?:{p})" for p in phrases), re.IGNORECASE)
    for outcome, phrases in _PHRASES.items()
}


def own_words(text: str) -> str:
    """The reply without the quoted message it answers."""
    kept = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(">"):
            continue
        if re.match(r"^(On .+ wrote:|Am .+ schrieb .+:|Le .+ a écrit\s?:|-----Original)", stripped):
            break
        kept.append(line)
    return "\n".join(kept)


@dataclass(frozen=True, slots=True)
class ReplyReading:
    """What a reply's own words suggest: an outcome, and the day that goes with it."""

    outcome: SuggestedOutcome | None
    mentions: tuple[DateMention, ...]

    @property
    def day(self) -> DateMention | None:
        """The day to offer: the latest named for a wait (the longest they asked for),
        the earliest otherwise (a next round is on the first day they propose)."""
        if not self.mentions:
            return None
        if self.outcome is SuggestedOutcome.WAIT:
            return max(self.mentions, key=lambda mention: mention.day)
        return min(self.mentions, key=lambda mention: mention.day)


_DECIDED = (SuggestedOutcome.REJECTION, SuggestedOutcome.OFFER, SuggestedOutcome.NEXT_ROUND)


def read_reply(subject: str, text: str, written_on: date) -> ReplyReading:
    """The outcome and the days a reply written on ``written_on`` suggests."""
    own = own_words(text)
    words = f"{subject}\n{own}"
    mentions = tuple(mentioned_dates(own, written_on))
    outcome = next((o for o in _DECIDED if _COMPILED[o].search(words)), None)
    if outcome is None and mentions and _COMPILED[SuggestedOutcome.WAIT].search(words):
        outcome = SuggestedOutcome.WAIT
    return ReplyReading(outcome, mentions)


def suggest_outcome(
    subject: str, text: str, written_on: date | None = None
) -> SuggestedOutcome | None:
    """The outcome a reply's words suggest, or None when they suggest none.

    Without ``written_on`` no day is read, so "wait" is never suggested.
    """
    if written_on is None:
        words = f"{subject}\n{own_words(text)}"
        return next((o for o in _DECIDED if _COMPILED[o].search(words)), None)
    return read_reply(subject, text, written_on).outcome
