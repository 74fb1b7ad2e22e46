"""Words in a reply that suggest how things stand: rejection, next round or offer.

Only a suggestion shown beside the proposal; Followup never moves an opportunity or
changes a plan because of it. Phrases in English, German and French, matched on the
reply's own text (quoted history is left out), case and accents as written. A rejection
is checked first, because a refusal often mentions the offer or the next step it is not
making ("we will not be moving to the next round").
"""

from __future__ import annotations

import enum
import re


class SuggestedOutcome(enum.StrEnum):
    """What a reply's wording suggests."""

    REJECTION = "rejection"
    OFFER = "offer"
    NEXT_ROUND = "next_round"


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


def suggest_outcome(subject: str, text: str) -> SuggestedOutcome | None:
    """The outcome a reply's words suggest, or None when they suggest none."""
    words = f"{subject}\n{own_words(text)}"
    order = (SuggestedOutcome.REJECTION, SuggestedOutcome.OFFER, SuggestedOutcome.NEXT_ROUND)
    for outcome in order:
        if _COMPILED[outcome].search(words):
            return outcome
    return None
