"""A stage guessed from the words other trackers and spreadsheets use.

Every tracker names its columns differently ("Bookmarked", "Phone screen", "Not
selected", "I withdrew"); the guess goes through a small set of buckets and then to the
person's own stages: a status spelled exactly like one of their stages is that stage;
otherwise the bucket's usual stage name, then the first stage of the bucket's kind.
Guesses are shown in the dry run and can be corrected (``--stage WORD=STAGE``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from followup_desktop.core.models import StageKind

# Bucket -> (usual stage name, its kind). The names are Followup's default stages.
BUCKETS: dict[str, tuple[str, StageKind]] = {
    "prospect": ("Wishlist", StageKind.PROSPECT),
    "applied": ("Applied", StageKind.ACTIVE),
    "screening": ("Screening", StageKind.ACTIVE),
    "interviewing": ("Interviewing", StageKind.ACTIVE),
    "final": ("Final round", StageKind.FINAL),
    "offer": ("Offer", StageKind.OFFER),
    "accepted": ("Accepted", StageKind.ACCEPTED),
    "rejected": ("Rejected", StageKind.REJECTED),
    "withdrawn": ("Withdrawn", StageKind.WITHDRAWN),
    "closed": ("Moved on", StageKind.CLOSED),
}
# Checked in order: "offer accepted" is accepted, "rejected after interview" rejected,
# "not applied yet" a prospect.
_RULES: tuple[tuple[str, str], ...] = (
    (
        r"not\s+(yet\s+)?applied|wish|saved|bookmark|interested|prospect|to apply|"
        r"\bapplying\b|research|idea|draft|merkliste|gemerkt|favori",
        "prospect",
    ),
    (r"withdr|zurückgezogen|retir|i declined|declined offer|abandon", "withdrawn"),
    (r"accept|hired|signed|zusage|angenommen|embauch|contratad", "accepted"),
    (
        r"reject|declin|not selected|not moving|unsuccessful|turned down|absage|abgelehnt|"
        r"refus|rechaz|no offer",
        "rejected",
    ),
    (r"offer|negotiat|angebot|offre|oferta", "offer"),
    (r"final|last round|letzte runde", "final"),
    (r"screen|phone|recruiter call|telefon", "screening"),
    (
        r"interview|on-?site|technical|assessment|case study|panel|vorstellungsgespr|"
        r"entretien|entrevista",
        "interviewing",
    ),
    (
        r"appl|submitted|sent|beworben|candidat|postul|in progress|waiting|pending|"
        r"in review|under review",
        "applied",
    ),
    (
        r"archiv|closed|ghost|no response|no reply|expired|moved on|stale|dead|"
        r"geschlossen",
        "closed",
    ),
)


@dataclass(frozen=True)
class StageInfo:
    """A stage of the database, as the importer needs it."""

    id: int
    name: str
    kind: StageKind


def guess_bucket(text: str) -> str | None:
    """The bucket a status word falls in, or None when no rule recognises it."""
    lowered = " ".join(text.casefold().split())
    for pattern, bucket in _RULES:
        if re.search(pattern, lowered):
            return bucket
    return None


def stage_for_bucket(bucket: str, stages: Sequence[StageInfo]) -> StageInfo:
    """The person's stage for a bucket: its usual name, else its kind, else the first
    active stage (every database has at least one stage)."""
    name, kind = BUCKETS[bucket]
    for stage in stages:
        if stage.name.casefold() == name.casefold():
            return stage
    for stage in stages:
        if stage.kind is kind:
            return stage
    for stage in stages:
        if stage.kind is StageKind.ACTIVE:
            return stage
    return stages[0]


def find_stage(text: str, stages: Sequence[StageInfo]) -> StageInfo | None:
    """The stage whose name is ``text`` (case and spacing aside), or None."""
    wanted = " ".join(text.casefold().split())
    for stage in stages:
        if " ".join(stage.name.casefold().split()) == wanted:
            return stage
    return None


def guess_stage(text: str, stages: Sequence[StageInfo]) -> tuple[StageInfo, bool]:
    """The stage a status names and whether it was recognised (False: the default
    "applied" stage, to be checked)."""
    exact = find_stage(text, stages)
    if exact is not None:
        return exact, True
    bucket = guess_bucket(text)
    if bucket is None:
        return stage_for_bucket("applied", stages), False
    return stage_for_bucket(bucket, stages), True
