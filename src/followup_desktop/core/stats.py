"""Your search in numbers: the funnel, time in each stage, silence, weekly activity and
how long employers really take compared with what they said.

Five plain SELECT statements on the session's SQLite connection read what is needed (read
only: nothing is written, not even a temporary table); the per-opportunity facts are
joined in Python and the figures returned as frozen dataclasses, so the window, the
command line and the tests see the same numbers. The page keeps what it read in a
:class:`StatsCache` and figures again from it for another period or moment; after a
commit it reads again only the opportunities the commit touched (triggers note them, by
whichever program wrote). docs/stats.md explains them for people.

The definitions, in the words docs/stats.md uses too:

- **Reach.** Each stage has a funnel step: a prospect stage none; the first active stage
  (in board order) *applied*; the second *screening*; later active stages and final-round
  stages *interviews*; offer and accepted stages *offer*; a rejected stage *applied* (no
  one is turned down without applying); withdrawn and moved-on stages none. An
  opportunity reaches the highest step of any stage it has been in (its stage history
  and its current stage), and at least *screening* with one interview held and
  *interviews* with two or more. Its application date is its first move into a stage
  with a step, else the day it was added.
- **Period.** ``start`` / ``end`` limit the cohort (opportunities applied in the period),
  the weekly activity and the response times (interviews and follow-ups in the period).
- **Silent.** An application went silent when its last outgoing step (the application,
  an interview held, a message sent or a step ticked done) is at least
  :data:`QUIET_DAYS` days old, nothing was received from the employer after it, no
  interview is still ahead, and it is neither
  rejected, withdrawn, at an offer nor accepted ("moved on" counts: that is what silence
  leads to). The share is over the applications that could have gone silent by now:
  those whose last outgoing step is that old, and every ended one.
- **From the employer.** A received message counts unless it came from the
  opportunity's referrer, or from someone linked to it only as a referrer or a reference
  (the same rule the playbook uses for replies), or acknowledges a thank-you ("Re: " and
  the subject of a thank-you sent).
- **Response time.** Measured from each *prompt*: the end of an interview, or a
  follow-up (a sent message that is not a thank-you: not linked to a thank-you action
  and not within two days after an interview; or a still-interested note, status
  follow-up or call ticked done), sent before the opportunity was closed.
  The answer is the first message from the employer after the prompt and before the
  next interview starts; a reply logged before an interview never counts for it. A
  prompt followed by another interview but no logged message shows an answer came, but
  not when: it counts neither as answered nor as unanswered.
- **Stated timeline.** What they said at the interview: the days to a stated decision
  date (from the interview's local day), else the stated number of days.
- **Suggested multiplier.** The median, over interviews with both a stated timeline and
  an answer, of actual days / stated days; rounded to a tenth and kept within
  :data:`MULTIPLIER_RANGE`; none below :data:`MIN_SAMPLES` such interviews.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import logging
import math
import sqlite3
import threading
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal
from pathlib import Path
from statistics import fmean, median
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy.orm import Session

from followup_desktop.core import action_kinds, i18n, localformat
from followup_desktop.core.errors import ValidationError
from followup_desktop.core.i18n import N_, _, ngettext
from followup_desktop.core.kinds import stage_label
from followup_desktop.core.models import StageKind
from followup_desktop.core.playbook.rawsql import driver_connection
from followup_desktop.core.playbook.settings import load_settings
from followup_desktop.core.timeutil import start_of_day

if TYPE_CHECKING:
    from followup_desktop.core.db import Database

log = logging.getLogger(__name__)

#: Days without an answer after the last outgoing step before a process counts as silent:
#: three times the playbook's one-week wait, so a normal slow process is not counted.
QUIET_DAYS: Final = 21
#: Fewest interviews with both a stated timeline and an answer before a multiplier is
#: suggested: one or two late answers say little about a whole field.
MIN_SAMPLES: Final = 3
#: A suggestion below 1 would have you ask before the day they named (the playbook waits
#: at least that long); above 3 the check-in comes too late to matter.
MULTIPLIER_RANGE: Final = (1.0, 3.0)
#: A message sent this soon after an interview is a thank-you, not a follow-up.
THANK_YOU_WINDOW_DAYS: Final = 2

#: Done actions that ask the employer where things stand: prompts for an answer.
FOLLOW_UP_KINDS: Final = action_kinds.FOLLOW_UP_KINDS
#: What counts as a message sent: a logged one, or a done step that is a message.
MESSAGE_KINDS: Final = (
    "message",
    "thank_you",
    "still_interested",
    "status_follow_up",
    "send_material",
    "tell_references",
    "check_in_referrer",
    "closing_note",
    "reply_to_rejection",
)
#: Everything the person may have sent or done towards the employer.
OUTGOING_KINDS: Final = tuple(dict.fromkeys((*MESSAGE_KINDS, *FOLLOW_UP_KINDS)))
#: English, marked for translation: shown through ``i18n._`` (text_report, the page).
STEP_NAMES: Final = (N_("Applied"), N_("Screening"), N_("Interviews"), N_("Offer"))
_OPEN_END: Final = "9999-12-31"


@dataclass(frozen=True, slots=True)
class FunnelStep:
    """One step of the funnel: how many reached it, and the share of those before it."""

    name: str
    count: int
    #: Share of the previous step that got this far (None for the first, or when empty).
    rate_from_previous: float | None
    #: Share of all applications that got this far (None when there were none).
    rate_from_applied: float | None

    def label(self) -> str:
        """The step's name in the person's language (``name`` stays English for --json)."""
        return i18n._(self.name)


@dataclass(frozen=True, slots=True)
class FunnelRow:
    """The funnel's counts for one source or one month."""

    label: str
    applied: int
    screening: int
    interviews: int
    offers: int

    @property
    def interview_rate(self) -> float | None:
        """Share of these applications that reached interviews."""
        return _share(self.interviews, self.applied)


@dataclass(frozen=True, slots=True)
class StageTime:
    """How long opportunities stayed in one stage before moving on."""

    stage: str
    #: Stays that ended with a move (the ones the figures rest on).
    stays: int
    median_days: float | None
    mean_days: float | None
    #: Opportunities of the cohort in this stage now (their stay has not ended).
    still_there: int

    def label(self) -> str:
        """The stage's name as the person reads it (a shipped stage in their language)."""
        return stage_label(self.stage)


@dataclass(frozen=True, slots=True)
class Silence:
    """Applications where the employer stopped answering."""

    silent: int
    #: Applications that could have gone silent by now (see the module's definitions).
    judged: int
    quiet_days: int = QUIET_DAYS

    @property
    def share(self) -> float | None:
        """Silent applications as a share of those judged."""
        return _share(self.silent, self.judged)


@dataclass(frozen=True, slots=True)
class WeekActivity:
    """What the person did in one week (Monday to Sunday, local time)."""

    week_start: date
    applications: int
    interviews: int
    messages_sent: int


@dataclass(frozen=True, slots=True)
class ResponseSummary:
    """How quickly employers answered one kind of prompt."""

    prompt: str  # "interview" or "follow-up"
    answered: int
    unanswered: int
    median_days: float | None


@dataclass(frozen=True, slots=True)
class CompanyResponse:
    """One company's answers, against what it said."""

    company: str
    interviews_answered: int
    median_days_after_interview: float | None
    follow_ups_answered: int
    median_days_after_follow_up: float | None
    #: Interviews with a stated timeline and an answer.
    stated_samples: int
    median_stated_days: float | None
    median_actual_days: float | None
    #: Median of actual / stated over those interviews.
    median_ratio: float | None


@dataclass(frozen=True, slots=True)
class Calibration:
    """The suggested personal multiplier for stated timelines, and what it rests on."""

    samples: int
    median_ratio: float | None
    suggested: float | None
    #: What the playbook uses now: the multiplier, or 1 when it does not lengthen at all.
    current: float
    #: Interviews past their stated timeline with no answer yet (not in the median).
    overdue_unanswered: int
    #: Over the same interviews: the median of what they said and of what they took.
    median_stated_days: float | None = None
    median_actual_days: float | None = None
    min_samples: int = MIN_SAMPLES
    bounds: tuple[float, float] = MULTIPLIER_RANGE

    @property
    def differs(self) -> bool:
        """True when there is a suggestion and it is not what the playbook uses."""
        return self.suggested is not None and abs(self.suggested - self.current) >= 0.05


@dataclass(frozen=True, slots=True)
class SearchStats:
    """Every figure of the "Your search" page and ``followup-desktop stats``."""

    now: datetime
    start: date | None
    end: date | None
    funnel: tuple[FunnelStep, ...]
    by_source: tuple[FunnelRow, ...]
    by_month: tuple[FunnelRow, ...]
    stage_times: tuple[StageTime, ...]
    silence: Silence
    weeks: tuple[WeekActivity, ...]
    after_interview: ResponseSummary
    after_follow_up: ResponseSummary
    companies: tuple[CompanyResponse, ...]
    calibration: Calibration
    definitions: dict[str, str] = field(default_factory=dict)

    @property
    def applied(self) -> int:
        """Applications in the period."""
        return self.funnel[0].count

    def as_json(self) -> dict[str, Any]:
        """Plain JSON types: dates as ISO text, rates as fractions (0.25 is 25 %)."""
        data = asdict(self)
        data["now"] = self.now.isoformat()
        data["start"] = None if self.start is None else self.start.isoformat()
        data["end"] = None if self.end is None else self.end.isoformat()
        data["silence"]["share"] = self.silence.share
        data["calibration"]["bounds"] = list(self.calibration.bounds)
        for row, source in zip(data["weeks"], self.weeks, strict=True):
            row["week_start"] = source.week_start.isoformat()
        rounded: dict[str, Any] = _rounded(data)
        return rounded


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(item) for item in value]
    return value


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


DEFINITIONS: Final = {
    "applied": "left the wishlist: the first active stage, or anything later",
    "screening": "the second active stage or later, or one interview held",
    "interviews": "a later active stage or a final round, or two interviews held",
    "offer": "an offer or accepted stage",
    "silent": (
        f"last outgoing step (application, interview, message) {QUIET_DAYS}+ days ago, "
        "nothing from the employer since, no interview ahead, not rejected, withdrawn, "
        "offered or accepted"
    ),
    "response": (
        "first message from the employer after an interview or a follow-up, before the "
        "next interview"
    ),
    "multiplier": (
        f"median of actual / stated days over interviews with both; none under "
        f"{MIN_SAMPLES}; kept within {MULTIPLIER_RANGE[0]:g}-{MULTIPLIER_RANGE[1]:g}"
    ),
}


# -- reading -----------------------------------------------------------------------------

# Five plain statements, each one pass over one table (or an indexed join), in the order
# SQLite reads them cheaply. SQL does the per-row work it does well: which stage counts
# as which funnel step, which messages come from the employer and what each sent row
# counts as, instants as Julian days (floats compare and subtract quickly). Python then
# joins the per-opportunity facts in flat dictionaries, finds local weeks and months from
# the Julian days (only for the rows counted: SQLite's date() with modifiers cost more,
# on every row) and takes the medians. Measured on the 10,000-opportunity database: one
# statement with the joins, windows and medians in SQL cost more CPU than this (the
# per-opportunity join alone about 190 ms); SQLite's sorts and window functions cost
# about a microsecond a row here.

# Each statement reads every opportunity ("NOT INDEXED" as {scan}), or with ``{only}``
# filled in only those a write touched (through the opportunity indexes): see _statements.

# Every stage change up to now, oldest first per opportunity. "NOT INDEXED": one plain
# scan and one sort cost less than walking the opportunity index with a look-up per row.
_CHANGES_SQL = """
SELECT opportunity_id, to_stage_id, julianday(changed_at) FROM stage_changes {scan}
WHERE changed_at <= :now {only} ORDER BY opportunity_id, changed_at, id
"""
_OPPORTUNITIES_SQL = """
SELECT id, company, trim(source), stage_id, julianday(created_at) FROM opportunities
WHERE 1 {only}
"""
# The stated timeline in days: to a stated decision date from the interview's local day,
# else the stated number (the playbook reads it the same way); none unless positive.
# "NOT INDEXED" as for the stage changes (12 ms instead of 15 at 10,000 opportunities).
_INTERVIEWS_SQL = """
SELECT opportunity_id, julianday(starts_at), julianday(ends_at),
       nullif(max(CASE WHEN decision_date IS NOT NULL
                       THEN julianday(decision_date) - julianday(date(ends_at, :offset))
                       ELSE decision_timeline_days END, 0), 0)
FROM interviews {scan} WHERE 1 {only} ORDER BY opportunity_id, starts_at, id
"""
# What the person sent or did towards the employer: logged messages (kind 'message', or
# 'thank_you' when linked to a thank-you action), and steps ticked done without a logged
# message (PLAYBOOK 6 notes: a step is done whichever way it is recorded).
# Each row's flags say what it counts as (the kinds are our own constants, never user text).
_COUNTS_AS_MESSAGE: Final = 1  # in the weekly "messages sent"
_MAY_PROMPT: Final = 2  # a follow-up, unless it turns out to be a thank-you or too late
_LOGGED: Final = 4  # a logged message, not a step ticked done
_OUTGOING_SQL: Final = """
SELECT c.opportunity_id, julianday(c.occurred_at),
       CASE WHEN t.kind = 'thank_you' THEN {message} ELSE {logged_message} END
FROM correspondence AS c LEFT JOIN actions AS t ON t.id = c.action_id
WHERE c.direction = 'sent' AND c.occurred_at <= :now {{only_c}}
UNION ALL
SELECT opportunity_id, julianday(completed_at),
       (kind IN ({message_kinds})) * {message}
           + (kind = 'message' OR kind IN ({follow_up_kinds})) * {prompt}
           + (kind = 'message') * {logged}
FROM actions
-- "+state": one plain scan beats thousands of look-ups through the state index here.
WHERE +state = 'done' AND completed_at <= :now AND opportunity_id IS NOT NULL
  AND kind IN ({outgoing_kinds})
  AND id NOT IN (SELECT action_id FROM correspondence WHERE action_id IS NOT NULL)
  {{only}}
""".format(
    message=_COUNTS_AS_MESSAGE,
    prompt=_MAY_PROMPT,
    logged=_LOGGED,
    logged_message=_COUNTS_AS_MESSAGE | _MAY_PROMPT | _LOGGED,
    message_kinds=",".join(f"'{kind}'" for kind in MESSAGE_KINDS),
    follow_up_kinds=",".join(f"'{kind}'" for kind in FOLLOW_UP_KINDS),
    outgoing_kinds=",".join(f"'{kind}'" for kind in OUTGOING_KINDS),
)
# Messages from the employer: not from the opportunity's referrer, nor from someone linked
# to it only as a referrer or a reference (the playbook reads replies the same way), and
# not the acknowledgement of a thank-you ("Re: " and the subject of a thank-you sent).
_INBOUND_SQL = """
WITH not_employer(oid, cid) AS (
    SELECT r.opportunity_id, r.contact_id FROM opportunity_contacts AS r
    WHERE r.role IN ('referrer', 'reference') AND NOT EXISTS (
        SELECT 1 FROM opportunity_contacts AS x
        WHERE x.opportunity_id = r.opportunity_id AND x.contact_id = r.contact_id
          AND x.role IN ('interviewer', 'hr', 'recruiter')) {only_r}
    UNION
    SELECT id, referrer_id FROM opportunities WHERE referrer_id IS NOT NULL {only_o}
)
SELECT b.opportunity_id, julianday(b.occurred_at)
-- "NOT INDEXED" as for the stage changes: a plain scan and a sort are cheaper here.
FROM correspondence AS b {scan}
LEFT JOIN not_employer AS n ON n.oid = b.opportunity_id AND n.cid = b.contact_id
WHERE b.direction = 'received' AND b.occurred_at <= :now AND n.oid IS NULL {only_b}
  -- The LIKE first: only a "Re: ..." needs the look-up among the thank-yous sent.
  AND NOT (b.subject LIKE 're:%' AND EXISTS (
      SELECT 1 FROM correspondence AS y JOIN actions AS a ON a.id = y.action_id
      WHERE y.opportunity_id = b.opportunity_id AND y.direction = 'sent'
        AND y.action_id IS NOT NULL AND a.kind = 'thank_you' AND y.occurred_at < b.occurred_at
        AND lower(trim(b.subject)) = 're: ' || lower(trim(y.subject))))
ORDER BY b.opportunity_id, b.occurred_at
"""
_TEMPLATES: Final = (
    _CHANGES_SQL,
    _INTERVIEWS_SQL,
    _OUTGOING_SQL,
    _INBOUND_SQL,
    _OPPORTUNITIES_SQL,
)
#: The opportunities a partial read is limited to: a JSON array of ids as ``:ids``.
_ONLY: Final = "AND {column} IN (SELECT value FROM json_each(:ids))"


def _statements(partial: bool) -> tuple[str, ...]:
    """The five reads, of everything or (``partial``) of the opportunities in ``:ids``."""
    if not partial:
        fill = dict.fromkeys(("only", "only_b", "only_c", "only_o", "only_r"), "")
        fill["scan"] = "NOT INDEXED"
        return tuple(template.format(**fill) for template in _TEMPLATES)
    statements = []
    columns = ("opportunity_id", "opportunity_id", "opportunity_id", "b.opportunity_id", "id")
    for template, column in zip(_TEMPLATES, columns, strict=True):
        statements.append(
            template.format(
                scan="",
                only=_ONLY.format(column=column),
                only_c=_ONLY.format(column="c.opportunity_id"),
                only_b=_ONLY.format(column="b.opportunity_id"),
                only_o=_ONLY.format(column="id"),
                only_r=_ONLY.format(column="r.opportunity_id"),
            )
        )
    return tuple(statements)


_FULL_READS: Final = _statements(partial=False)
_PARTIAL_READS: Final = _statements(partial=True)

_UNIX_EPOCH_JD: Final = 2440587.5
_ENDED_WITH_ANSWER: Final = frozenset(
    {StageKind.REJECTED, StageKind.WITHDRAWN, StageKind.OFFER, StageKind.ACCEPTED}
)


def _julian(moment: datetime) -> float:
    return moment.timestamp() / 86400 + _UNIX_EPOCH_JD


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _offset_seconds(now: datetime, tz: tzinfo) -> int:
    """The zone's UTC offset now.

    One offset for the whole range: a week or month boundary may sit an hour off across a
    daylight-saving change, which moves an event into the neighbouring week only when it
    happened within that hour of midnight.
    """
    delta = now.astimezone(tz).utcoffset() or timedelta()
    return int(delta.total_seconds())


@dataclass(frozen=True, slots=True)
class _Stage:
    name: str
    kind: StageKind
    step: int
    closed: bool = False


def _stages(connection: Any) -> dict[int, _Stage]:
    """Each stage's funnel step (see the module's definitions), in board order."""
    stages: dict[int, _Stage] = {}
    active_seen = 0
    for stage_id, name, kind_text in connection.execute(
        "SELECT id, name, kind FROM stages ORDER BY position, id"
    ):
        kind = StageKind(kind_text)
        if kind is StageKind.ACTIVE:
            active_seen += 1
            step = min(active_seen, 3)
        elif kind is StageKind.FINAL:
            step = 3
        elif kind in (StageKind.OFFER, StageKind.ACCEPTED):
            step = 4
        elif kind is StageKind.REJECTED:
            step = 1
        else:
            step = 0
        stages[int(stage_id)] = _Stage(name, kind, step, kind.is_closed)
    return stages


_Bounds = tuple[float, float, float]  # period start, period end, now: Julian days
# week (its Monday as a local day number, days since 1970-01-01) ->
# [applications, interviews, messages sent]
_Weeks = dict[int, list[int]]
_MS_PER_DAY: Final = 86_400_000
# 1970-01-01 00:00 UTC as a Julian day in milliseconds (2440587.5 days).
_UNIX_EPOCH_JD_MS: Final = 210_866_760_000_000


def _week_of(julian_day: float, shift_ms: int) -> int:
    """The Monday of the local week holding ``julian_day``, as a local day number.

    SQLite's ``julianday()`` is its own whole milliseconds divided by 86,400,000, so
    rounding back recovers them exactly; whole-millisecond arithmetic then gives the same
    day as ``date(x, offset)`` would, with none of a float's doubt at midnight. Day 0 was
    a Thursday.
    """
    day = (round(julian_day * _MS_PER_DAY) + shift_ms) // _MS_PER_DAY
    return day - (day + 3) % 7


#: Read "up to now" with this, every row is kept: stored instants are earlier text. (It
#: must not look like a number: compared with a DATETIME column, "9999" would become the
#: number 9999, which sorts before every text.)
_NO_LIMIT: Final = "9999-12-31"
#: A source read with no limit serves a moment only when its latest row is at least this
#: much earlier (two milliseconds, in days): SQLite's Julian days are whole milliseconds,
#: so a row within a millisecond of ``now`` might be after it by the stored text.
_LATEST_MARGIN: Final = 2 / 86_400_000


@dataclass(frozen=True, slots=True)
class _Source:
    """What the five reads found, before a period or the clock applies.

    Nothing here depends on ``now`` except through the reads' "up to now" filters, and
    ``latest`` says when those filtered nothing out, so :class:`StatsCache` can use one
    source for any later moment until something is committed. The week offset is part of
    it (the interviews' stated timelines count from their local day). Never changed
    after it is read: several computations may share it.
    """

    offset: int
    stages: dict[int, _Stage]
    # From the stage history: highest funnel step, first move into a stage with a step
    # (the application), first move into a closed stage, and every ended stay as
    # (opportunity, stage, days) in history order.
    step: dict[int, int]
    applied: dict[int, float]
    closed: dict[int, float]
    stays: list[tuple[int, int, float]]
    # The rows of _INTERVIEWS_SQL, _OUTGOING_SQL and _OPPORTUNITIES_SQL as read.
    interviews: list[tuple[int, float, float, float | None]]
    outgoing: list[tuple[int, float, int]]
    opportunities: list[tuple[int, str, str | None, int, float]]
    # Messages from the employer, in time order per opportunity.
    inbound: dict[int, list[float]]
    #: The latest of the rows read "up to now" (a Julian day; -inf when none): with no
    #: limit, a moment after it is served by the same rows (see StatsCache).
    latest: float


_Change = tuple[int, int | None, float]
_Interview = tuple[int, float, float, float | None]
_Outgoing = tuple[int, float, int]
_Opportunity = tuple[int, str, str | None, int, float]


@dataclass(frozen=True, slots=True)
class _Rows:
    """The five reads' rows as SQLite gave them (each opportunity's rows together, in
    the order of the statements), before anything is made of them: what
    :class:`StatsCache` keeps so that it can replace the rows of a few opportunities."""

    stages: dict[int, _Stage]
    changes: list[_Change]
    interviews: list[_Interview]
    outgoing: list[_Outgoing]
    inbound: dict[int, list[float]]
    opportunities: list[_Opportunity]


def _read_rows(
    connection: Any, stamp: str, offset: int, only: Sequence[int] | None = None
) -> _Rows:
    """Run the five reads up to ``stamp`` (a stored instant) with the zone's ``offset``,
    of every opportunity or ``only`` of those."""
    params: dict[str, object] = {"now": stamp, "offset": f"{offset:+d} seconds"}
    if only is None:
        statements = _FULL_READS
    else:
        statements = _PARTIAL_READS
        params["ids"] = json.dumps(list(only))
    changes_sql, interviews_sql, outgoing_sql, inbound_sql, opportunities_sql = statements
    stages = _stages(connection)
    changes = connection.execute(changes_sql, params).fetchall()
    interviews = connection.execute(interviews_sql, params).fetchall()
    outgoing = connection.execute(outgoing_sql, params).fetchall()
    inbound: dict[int, list[float]] = {}
    for opportunity_id, at in connection.execute(inbound_sql, params):
        found = inbound.get(opportunity_id)
        if found is None:
            inbound[opportunity_id] = [at]
        else:
            found.append(at)
    opportunities = connection.execute(opportunities_sql, params).fetchall()
    return _Rows(stages, changes, interviews, outgoing, inbound, opportunities)


def _merged(kept: _Rows, fresh: _Rows, touched: set[int]) -> _Rows:
    """``kept`` with the rows of the ``touched`` opportunities replaced by ``fresh`` (read
    of those only). Each opportunity's rows stay together and in order, which is all the
    figuring relies on: every figure is a count, a maximum, a median or an exact mean
    (``fmean``), whatever the order of the opportunities."""
    inbound = {key: found for key, found in kept.inbound.items() if key not in touched}
    inbound.update(fresh.inbound)
    return _Rows(
        fresh.stages,
        [row for row in kept.changes if row[0] not in touched] + fresh.changes,
        [row for row in kept.interviews if row[0] not in touched] + fresh.interviews,
        [row for row in kept.outgoing if row[0] not in touched] + fresh.outgoing,
        inbound,
        [row for row in kept.opportunities if row[0] not in touched] + fresh.opportunities,
    )


def _source_of(rows: _Rows, offset: int) -> _Source:
    """What the figuring needs from ``rows``, read with the zone's ``offset``."""
    stages = rows.stages
    # The hottest loop (one row per stage change): written out, no calls per row.
    # Keyed by what stage_changes.to_stage_id holds (None once its stage was deleted).
    step_of: dict[int | None, int] = {
        stage_id: stage.step for stage_id, stage in stages.items() if stage.step
    }
    closing: set[int | None] = {stage_id for stage_id, stage in stages.items() if stage.closed}
    steps: dict[int, int] = {}
    applied: dict[int, float] = {}
    closed: dict[int, float] = {}
    stays: list[tuple[int, int, float]] = []
    previous_id = previous_stage = None
    previous_at = latest = -math.inf
    for opportunity_id, stage_id, at in rows.changes:
        if at > latest:  # noqa: PLR1730 (a call per row costs more in this loop)
            latest = at
        if opportunity_id == previous_id and previous_stage is not None:
            stays.append((opportunity_id, previous_stage, at - previous_at))
        step = step_of.get(stage_id)
        if step:
            if step > steps.get(opportunity_id, 0):
                steps[opportunity_id] = step
            if opportunity_id not in applied:
                applied[opportunity_id] = at
        if stage_id in closing and opportunity_id not in closed:
            closed[opportunity_id] = at
        previous_id, previous_stage, previous_at = opportunity_id, stage_id, at
    # Interviews and opportunities are read whatever their dates; the rest up to now.
    latest = max(
        latest,
        max((row[1] for row in rows.outgoing), default=latest),
        max((found[-1] for found in rows.inbound.values()), default=latest),
    )
    return _Source(
        offset,
        stages,
        steps,
        applied,
        closed,
        stays,
        rows.interviews,
        rows.outgoing,
        rows.opportunities,
        rows.inbound,
        latest,
    )


def _read_source(connection: Any, stamp: str, offset: int) -> _Source:
    """Run the five reads up to ``stamp`` (a stored instant) with the zone's ``offset``."""
    return _source_of(_read_rows(connection, stamp, offset), offset)


class _Reader:
    """What one period and one moment make of a source, in dictionaries keyed by
    opportunity id.

    Flat dictionaries and lists, not an object per opportunity: building ten thousand
    small objects with a dozen fields each cost more than every dictionary look-up.
    """

    def __init__(self, source: _Source, bounds: _Bounds) -> None:
        self.source = source
        self.bounds = bounds
        # Julian milliseconds to local milliseconds since 1970 (see _week_of).
        self.shift_ms = source.offset * 1000 - _UNIX_EPOCH_JD_MS
        self.stages = source.stages
        self.step, self.applied, self.closed = source.step, source.applied, source.closed
        self.stays = source.stays
        self.inbound = source.inbound
        self.weeks: _Weeks = {}
        # From the interviews: every start (in time order), the ends of those held, and
        # the opportunities with one still ahead; the prompts are the held interviews
        # that ended in the period, as (opportunity, end, stated days or None).
        self.starts: dict[int, list[float]] = {}
        self.held_ends: dict[int, list[float]] = {}
        self.ahead: set[int] = set()
        self.interview_prompts: list[tuple[int, float, float | None]] = []
        self.last_sent: dict[int, float] = {}
        self.follow_ups: list[tuple[int, float]] = []

    def read(self) -> None:
        self.interviews()
        self.keep_follow_ups(self.outgoing())

    def interviews(self) -> None:
        low, high, now_jd = self.bounds
        starts, held_ends, prompts, weeks = (
            self.starts,
            self.held_ends,
            self.interview_prompts,
            self.weeks,
        )
        shift_ms = self.shift_ms
        for opportunity_id, starts_at, ends_at, stated in self.source.interviews:
            found = starts.get(opportunity_id)
            if found is None:
                starts[opportunity_id] = [starts_at]
            else:
                found.append(starts_at)
            if ends_at > now_jd:
                self.ahead.add(opportunity_id)
                continue
            ends = held_ends.get(opportunity_id)
            if ends is None:
                held_ends[opportunity_id] = [ends_at]
            else:
                ends.append(ends_at)
            if low <= ends_at < high:
                prompts.append((opportunity_id, ends_at, stated))
            if low <= starts_at < high:
                week = _week_of(starts_at, shift_ms)
                row = weeks.get(week)
                if row is None:
                    row = weeks[week] = [0, 0, 0]
                row[1] += 1

    def outgoing(self) -> list[tuple[int, float, int]]:
        low, high, _now = self.bounds
        last_sent, weeks, shift_ms = self.last_sent, self.weeks, self.shift_ms
        candidates: list[tuple[int, float, int]] = []
        for opportunity_id, at, flags in self.source.outgoing:
            if at > last_sent.get(opportunity_id, -math.inf):
                last_sent[opportunity_id] = at
            if not low <= at < high:
                continue
            if flags & _COUNTS_AS_MESSAGE:
                week = _week_of(at, shift_ms)
                row = weeks.get(week)
                if row is None:
                    row = weeks[week] = [0, 0, 0]
                row[2] += 1
            if flags & _MAY_PROMPT:
                candidates.append((opportunity_id, at, flags & _LOGGED))
        return candidates

    def keep_follow_ups(self, candidates: Iterable[tuple[int, float, int]]) -> None:
        """Keep the follow-ups: not a thank-you (a message within two days after an
        interview), and sent before the opportunity was closed."""
        closed, held_ends, kept = self.closed, self.held_ends, self.follow_ups
        for opportunity_id, at, logged in candidates:
            closed_at = closed.get(opportunity_id)
            if closed_at is not None and at >= closed_at:
                continue
            if logged and any(
                0 <= at - ends < THANK_YOU_WINDOW_DAYS for ends in held_ends.get(opportunity_id, ())
            ):
                continue
            kept.append((opportunity_id, at))


def _check_period(start: date | None, end: date | None) -> None:
    if start is not None and end is not None and end < start:
        raise ValidationError(
            _(
                "The period ends ({end}) before it starts ({start}); give the earlier date first."
            ).format(end=localformat.day(end, year=True), start=localformat.day(start, year=True)),
            "end",
        )


def _bounds(now: datetime, tz: tzinfo, start: date | None, end: date | None) -> _Bounds:
    return (
        -math.inf if start is None else _julian(start_of_day(start, tz)),
        math.inf if end is None else _julian(start_of_day(end + timedelta(days=1), tz)),
        _julian(now),
    )


def _compute(
    session: Session,
    now: datetime,
    tz: tzinfo,
    period: tuple[date | None, date | None],
    source_of: Callable[[Session, int], _Source],
) -> SearchStats:
    """The figures for ``period`` as of ``now``, from what ``source_of(session, offset)``
    reads or keeps."""
    start, end = period
    offset = _offset_seconds(now, tz)
    settings = load_settings(session)
    # Tens of thousands of small tuples and lists, none of them garbage: left on, the
    # cyclic collector re-scans them over and over (a third of the time at 10,000).
    # exchange.gc_paused does the same, but importing it would load the JSON Schema code.
    collecting = gc.isenabled()
    gc.disable()
    try:
        reader = _Reader(source_of(session, offset), _bounds(now, tz, start, end))
        reader.read()
        return _figures(
            reader,
            period=(now, tz, start, end),
            offset=offset,
            current=settings.timeline_multiplier if settings.double_timeline else 1.0,
        )
    finally:
        if collecting:
            gc.enable()


def compute_stats(
    session: Session,
    now: datetime,
    tz: tzinfo,
    *,
    start: date | None = None,
    end: date | None = None,
) -> SearchStats:
    """Every figure for the applications, interviews and messages from ``start`` to
    ``end`` (local days, both included; open when None), as of ``now``.

    Reads everything in ``session`` (which sees what it has flushed); nothing is kept.
    """
    _check_period(start, end)
    stamp = _stamp(now)

    def read(session: Session, offset: int) -> _Source:
        return _read_source(driver_connection(session), stamp, offset)

    return _compute(session, now, tz, (start, end), read)


#: Where every write notes the opportunities it touched, and the triggers that do it
#: (migration 0007): without all of them a partial read could miss a write.
_TOUCHES: Final = "touched_opportunities"
_TOUCH_TRIGGERS: Final = frozenset(
    {
        f"touch_{table}_{event}"
        for table in (
            "opportunities",
            "stage_changes",
            "interviews",
            "opportunity_contacts",
            "correspondence",
            "actions",
        )
        for event in ("insert", "update", "delete")
    }
    | {"touch_actions_linked_messages"}
)
#: Above this many touched opportunities (an import, moving every card) the rows are read
#: again in full. At 10,000 opportunities reading and replacing the rows of 10 took 12 ms,
#: of 1,000 28 ms, of 3,000 55 ms, and reading all of them 90 ms.
_MOST_TOUCHED: Final = 3000


@dataclass(frozen=True, slots=True)
class _Kept:
    """What a :class:`StatsCache` holds of one database."""

    key: tuple[int, int, int, int]
    rows: _Rows
    source: _Source
    #: ``PRAGMA schema_version`` when read: any table, index or trigger created or
    #: dropped since (a migration) means the touches may not have been noted.
    schema: int
    #: The highest touch number when read; None when the database does not note touches.
    seen: int | None


def _schema_version(connection: Any) -> int:
    (version,) = connection.execute("PRAGMA schema_version").fetchone()
    return int(version)


def _touches_seen(connection: Any) -> int | None:
    """The highest touch number, or None when not every trigger that notes them is there."""
    found = {
        name
        for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN "
            "('opportunities', 'stage_changes', 'interviews', 'opportunity_contacts', "
            "'correspondence', 'actions')"
        )
    }
    if not found >= _TOUCH_TRIGGERS:
        return None
    (seen,) = connection.execute(f"SELECT coalesce(max(seq), 0) FROM {_TOUCHES}").fetchone()
    return int(seen)


class StatsCache:
    """The five reads of one database, kept from one computation to the next; after a
    commit, by this process or another, only the opportunities it touched are read again.

    Changing the period, pressing Refresh or the clock moving on then costs only the
    figuring, not the reading (see docs/stats.md, "Speed"). Whether anything was
    committed is SQLite's ``PRAGMA data_version`` on a connection of the cache's own,
    which runs nothing else: it changes whenever any other connection commits. The
    version is taken before the session reads anything, so a commit in between only
    makes the next computation read again.

    After a commit, triggers (migration 0007) have noted in ``touched_opportunities``
    every opportunity whose rows any writer changed, numbered in order; in the session's
    one transaction the cache reads the notes after the last it saw and runs the five
    reads for those opportunities only, replacing their rows. Everything is read again
    instead when the stages changed (every funnel step may move), the schema changed (a
    migration may have dropped a trigger), a trigger is missing, the numbers went back
    (another file's pages) or notes it had not seen were dropped (only the latest are
    kept), or very many opportunities were touched.

    What is kept was read with no "up to now" limit, and serves a moment only when every
    row it holds is earlier; before that (a message dated tomorrow, or ``--now`` in the
    past) the moment is read afresh up to ``now``, as without a cache. It serves only the
    zone's offset it was read with (that changes with daylight saving time). Safe to
    share between threads.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._kept: _Kept | None = None
        #: How many times the tables were read (computations the cache could not spare).
        self.reads = 0
        #: How many of those read only the opportunities touched since the one before
        #: (or found none touched).
        self.partial_reads = 0

    def _version(self, offset: int) -> tuple[int, int, int, int] | None:
        """What must stay the same for kept rows to serve; None when it cannot be told
        (then nothing is kept, and the session's own errors say what is wrong)."""
        try:
            # The file's identity too: a connection on a file since replaced would see
            # no change ever again.
            status = self._path.stat()
            if self._connection is None:
                self._connection = sqlite3.connect(str(self._path), check_same_thread=False)
            (version,) = self._connection.execute("PRAGMA data_version").fetchone()
        except (OSError, sqlite3.Error) as error:
            log.info("stats: not keeping what is read (%s)", error)
            return None
        return (status.st_dev, status.st_ino, int(version), offset)

    def stats(
        self,
        db: Database,
        now: datetime,
        tz: tzinfo,
        *,
        start: date | None = None,
        end: date | None = None,
    ) -> SearchStats:
        """What :func:`compute_stats` gives in a new session of ``db``; the tables are
        read only when something was committed since the last time (or what was read
        cannot serve ``now``)."""
        _check_period(start, end)
        if db.path != self._path:
            raise ValueError(f"a cache of {self._path} asked about {db.path}")
        serves_from = _julian(now) - _LATEST_MARGIN
        with self._lock:
            key = self._version(_offset_seconds(now, tz))
            kept = self._kept if key is not None else None

        def source_of(session: Session, offset: int) -> _Source:
            if kept is not None and kept.key == key and kept.source.latest < serves_from:
                return kept.source
            connection = driver_connection(session)
            with self._lock:
                self.reads += 1
            if key is not None and (kept is None or kept.key != key):
                found = self._read(connection, key, kept)
                # Kept even when it cannot serve this moment: it will serve later ones.
                with self._lock:
                    self._kept = found
                if found.source.latest < serves_from:
                    return found.source
            # Something is dated after ``now``: read up to ``now`` for this moment.
            return _read_source(connection, _stamp(now), offset)

        with db.session(commit=False) as session:
            return _compute(session, now, tz, (start, end), source_of)

    def _read(self, connection: Any, key: tuple[int, int, int, int], kept: _Kept | None) -> _Kept:
        """The rows as of the session's transaction: ``kept`` with the touched
        opportunities read again where it can be, else everything."""
        offset = key[3]
        schema = _schema_version(connection)
        # The same file, offset and schema, and touches noted: read only what changed.
        if (
            kept is not None
            and kept.seen is not None
            and kept.key[:2] == key[:2]
            and kept.key[3] == offset
            and kept.schema == schema
        ):
            found = self._read_touched(connection, key, kept)
            if found is not None:
                return found
        seen = _touches_seen(connection)
        rows = _read_rows(connection, _NO_LIMIT, offset)
        return _Kept(key, rows, _source_of(rows, offset), schema, seen)

    def _read_touched(
        self, connection: Any, key: tuple[int, int, int, int], kept: _Kept
    ) -> _Kept | None:
        """``kept`` with the opportunities touched since it was read read again; None
        when everything must be read (see the class's description)."""
        assert kept.seen is not None
        first, seen = connection.execute(
            f"SELECT min(seq), coalesce(max(seq), 0) FROM {_TOUCHES}"
        ).fetchone()
        # Numbered back (another file's pages), or notes after the last seen dropped.
        if seen < kept.seen or (seen > kept.seen and first > kept.seen + 1):
            return None
        touched = [
            int(opportunity_id)
            for (opportunity_id,) in connection.execute(
                f"SELECT DISTINCT opportunity_id FROM {_TOUCHES} WHERE seq > ?", (kept.seen,)
            )
        ]
        if len(touched) > _MOST_TOUCHED:
            return None
        offset = key[3]
        fresh = _read_rows(connection, _NO_LIMIT, offset, touched)
        if fresh.stages != kept.rows.stages:
            return None
        with self._lock:
            self.partial_reads += 1
        if not touched:  # a write elsewhere (a setting): the rows are as they were
            return replace(kept, key=key)
        rows = _merged(kept.rows, fresh, set(touched))
        return _Kept(key, rows, _source_of(rows, offset), kept.schema, int(seen))

    @property
    def connected(self) -> bool:
        """True while the cache's own connection is open (from the first computation on
        until :meth:`close`)."""
        return self._connection is not None

    def clear(self) -> None:
        """Forget what was read (the next computation reads everything again)."""
        with self._lock:
            self._kept = None

    def close(self) -> None:
        """Forget what was read and close the cache's connection."""
        with self._lock:
            self._kept = None
            if self._connection is not None:
                self._connection.close()
                self._connection = None


# 1970-01-01 as a proleptic Gregorian ordinal (date.fromordinal).
_UNIX_EPOCH_ORDINAL: Final = 719163


class _Cohort:
    """The applications of the period, gathered while the opportunities are read."""

    __slots__ = ("counts", "ids", "judged", "silent")

    def __init__(self) -> None:
        # (reach, source, local day number, stage) -> applications: a few thousand keys,
        # from which the funnel, sources, months, weeks and "still there" are summed.
        self.counts: Counter[tuple[int, str, int, int]] = Counter()
        self.ids: set[int] = set()
        self.judged = 0
        self.silent = 0


def _cohort(reader: _Reader, offset: int, company_of: dict[int, str]) -> _Cohort:
    """Read the opportunities: which applied in the period, and which of those went
    silent (see the module's definitions). Fills ``company_of`` on the way."""
    low, high, now_jd = reader.bounds
    stages, steps, applied_at = reader.stages, reader.step, reader.applied
    held_ends, ahead, last_sent, inbound = (
        reader.held_ends,
        reader.ahead,
        reader.last_sent,
        reader.inbound,
    )
    quiet = now_jd - QUIET_DAYS
    day_shift = offset / 86400 - _UNIX_EPOCH_JD
    # Per stage: its step, whether it ends with an answer (never silent), and whether it
    # is judged whatever the dates (every ended application is).
    facts = {
        stage_id: (
            stage.step,
            stage.kind in _ENDED_WITH_ANSWER,
            stage.kind in _ENDED_WITH_ANSWER or stage.kind is StageKind.CLOSED,
        )
        for stage_id, stage in stages.items()
    }
    unknown = (0, False, False)
    found = _Cohort()
    counts, ids = found.counts, found.ids
    judged = silent = 0
    for opportunity_id, company, source, stage_id, created in reader.source.opportunities:
        company_of[opportunity_id] = company
        step, answered_end, ended = facts.get(stage_id, unknown)
        ends = held_ends.get(opportunity_id)
        held = len(ends) if ends else 0
        reach = max(steps.get(opportunity_id, 0), step, 3 if held >= 2 else 2 * held)
        applied = applied_at.get(opportunity_id, created)
        if reach < 1 or not low <= applied < high:
            continue
        counts[reach, source or "", math.floor(applied + day_shift), stage_id] += 1
        ids.add(opportunity_id)
        last_out = applied
        if ends:
            last_out = max(last_out, *ends)
        sent = last_sent.get(opportunity_id)
        if sent is not None and sent > last_out:
            last_out = sent
        if last_out <= quiet:
            judged += 1
            if not answered_end and opportunity_id not in ahead:
                answers = inbound.get(opportunity_id)
                if not answers or answers[-1] < last_out:
                    silent += 1
        elif ended:
            judged += 1
    found.judged, found.silent = judged, silent
    return found


def _figures(
    reader: _Reader,
    *,
    period: tuple[datetime, tzinfo, date | None, date | None],
    offset: int,
    current: float,
) -> SearchStats:
    now, tz, start, end = period
    stages, weeks = reader.stages, reader.weeks
    company_of: dict[int, str] = {}
    cohort = _cohort(reader, offset, company_of)
    ids = cohort.ids
    stays: dict[int, list[float]] = {}
    for opportunity_id, stay_stage, days in reader.stays:
        if opportunity_id in ids:
            found = stays.get(stay_stage)
            if found is None:
                stays[stay_stage] = [days]
            else:
                found.append(days)
    funnel = [0, 0, 0, 0]
    sources: dict[str, list[int]] = {}
    months: dict[str, list[int]] = {}
    here: dict[int, int] = {}
    for (reach, source, day_number, stage_id), count in cohort.counts.items():
        day = date.fromordinal(day_number + _UNIX_EPOCH_ORDINAL)
        for row in (
            funnel,
            sources.setdefault(source, [0, 0, 0, 0]),
            months.setdefault(day.isoformat()[:7], [0, 0, 0, 0]),
        ):
            for index in range(min(reach, 4)):
                row[index] += count
        weeks.setdefault(day_number - (day_number + 3) % 7, [0, 0, 0])[0] += count
        here[stage_id] = here.get(stage_id, 0) + count

    after_interview, after_follow_up, companies, calibration = _responses(reader, company_of)
    return SearchStats(
        now=now,
        start=start,
        end=end,
        funnel=_funnel(funnel),
        by_source=tuple(
            FunnelRow(label or "(not recorded)", *counts)
            for label, counts in sorted(sources.items(), key=lambda item: (-item[1][0], item[0]))
        ),
        by_month=tuple(FunnelRow(label, *counts) for label, counts in sorted(months.items())),
        stage_times=_stage_times(stays, here, stages),
        silence=Silence(cohort.silent, cohort.judged),
        weeks=_weeks(weeks, start, end, now, tz),
        after_interview=after_interview,
        after_follow_up=after_follow_up,
        companies=companies,
        calibration=replace(calibration, current=current),
        definitions=dict(DEFINITIONS),
    )


def suggest_multiplier(median_ratio: float | None, samples: int) -> float | None:
    """The multiplier to suggest for a median actual/stated ratio over ``samples``."""
    if median_ratio is None or samples < MIN_SAMPLES:
        return None
    low, high = MULTIPLIER_RANGE
    return min(max(round(median_ratio, 1), low), high)


def _funnel(counts: Sequence[int]) -> tuple[FunnelStep, ...]:
    steps = []
    for index, (name, count) in enumerate(zip(STEP_NAMES, counts, strict=True)):
        previous = None if index == 0 else _share(count, counts[index - 1])
        steps.append(FunnelStep(name, count, previous, _share(count, counts[0])))
    return tuple(steps)


def _stage_times(
    stays: dict[int, list[float]], here: dict[int, int], stages: dict[int, _Stage]
) -> tuple[StageTime, ...]:
    result = []
    for stage_id, stage in stages.items():
        # Ended stages have no "time in"; unused stages have nothing to show.
        if stage.kind.is_closed or (stage_id not in stays and stage_id not in here):
            continue
        values = stays.get(stage_id, [])
        result.append(
            StageTime(
                stage.name,
                len(values),
                _median(values),
                fmean(values) if values else None,
                here.get(stage_id, 0),
            )
        )
    return tuple(result)


def _median(values: Sequence[float]) -> float | None:
    """The median, quickly for the one- and two-value lists most companies have."""
    count = len(values)
    if count < 3:
        return None if not count else values[0] if count == 1 else (values[0] + values[1]) / 2
    return median(values)


def _weeks(
    counts: _Weeks, start: date | None, end: date | None, now: datetime, tz: tzinfo
) -> tuple[WeekActivity, ...]:
    """Every week from the first with activity (or ``start``) to ``end`` (or now), gaps
    included as zeros, so a quiet week shows as one."""
    found = {date.fromordinal(week + _UNIX_EPOCH_ORDINAL): row for week, row in counts.items()}
    if not found and start is None:
        return ()
    today = now.astimezone(tz).date()
    first = start if start is not None else min(found)
    last = min(end, today) if end is not None else today
    first -= timedelta(days=first.weekday())
    weeks = []
    week = first
    while week <= last:
        applications, interviews, messages = found.get(week, (0, 0, 0))
        weeks.append(WeekActivity(week, applications, interviews, messages))
        week += timedelta(days=7)
    return tuple(weeks)


# The answered prompts of one company (or of everyone), gathered as five lists of days:
# after interviews; actual / stated, stated and actual where a timeline was stated; after
# follow-ups. Plain lists indexed by these, not an object with methods: a call per answer
# cost more than the rest of the loop.
_AFTER_INTERVIEW, _RATIOS, _STATED, _TIMED, _AFTER_FOLLOW_UP = range(5)


def _answer_time(
    answers: list[float] | None, starts: Sequence[float], at: float
) -> tuple[float | None, bool]:
    """The first answer after ``at`` and before the next interview, and whether another
    interview followed (see the module's definitions)."""
    answer = answers[bisect_right(answers, at)] if answers and answers[-1] > at else None
    position = bisect_right(starts, at)
    if position < len(starts):
        return (answer if answer is not None and answer < starts[position] else None), True
    return answer, False


def _summary(prompt: str, days: list[float], unanswered: int) -> ResponseSummary:
    return ResponseSummary(prompt, len(days), unanswered, _median(days))


def _responses(
    reader: _Reader, company_of: dict[int, str]
) -> tuple[ResponseSummary, ResponseSummary, tuple[CompanyResponse, ...], Calibration]:
    """Each prompt's answer (see the module's definitions) and the medians over them."""
    companies: dict[str, list[list[float]]] = {}
    everyone: list[list[float]] = [[], [], [], [], []]
    unanswered = [0, 0]
    overdue = 0
    now_jd = reader.bounds[2]
    inbound, starts_of = reader.inbound, reader.starts
    no_starts: tuple[float, ...] = ()
    for opportunity_id, at, stated in reader.interview_prompts:
        answer, followed = _answer_time(
            inbound.get(opportunity_id), starts_of.get(opportunity_id, no_starts), at
        )
        if answer is None:
            # No answer logged; a later interview shows one came, but not when.
            if not followed:
                unanswered[0] += 1
                overdue += stated is not None and now_jd - at > stated
            continue
        company = company_of[opportunity_id]
        lists = companies.get(company)
        if lists is None:
            lists = companies[company] = [[], [], [], [], []]
        days = answer - at
        for gathered in (lists, everyone):
            gathered[_AFTER_INTERVIEW].append(days)
            if stated is not None:
                gathered[_RATIOS].append(days / stated)
                gathered[_STATED].append(stated)
                gathered[_TIMED].append(days)
    for opportunity_id, at in reader.follow_ups:
        answer, followed = _answer_time(
            inbound.get(opportunity_id), starts_of.get(opportunity_id, no_starts), at
        )
        if answer is None:
            unanswered[1] += not followed
            continue
        company = company_of[opportunity_id]
        lists = companies.get(company)
        if lists is None:
            lists = companies[company] = [[], [], [], [], []]
        lists[_AFTER_FOLLOW_UP].append(answer - at)
        everyone[_AFTER_FOLLOW_UP].append(answer - at)
    listed = tuple(
        CompanyResponse(
            company,
            len(lists[_AFTER_INTERVIEW]),
            _median(lists[_AFTER_INTERVIEW]),
            len(lists[_AFTER_FOLLOW_UP]),
            _median(lists[_AFTER_FOLLOW_UP]),
            len(lists[_RATIOS]),
            _median(lists[_STATED]),
            _median(lists[_TIMED]),
            _median(lists[_RATIOS]),
        )
        for company, lists in sorted(
            companies.items(), key=lambda item: (item[0].casefold(), item[0])
        )
    )
    ratio = _median(everyone[_RATIOS])
    samples = len(everyone[_RATIOS])
    calibration = Calibration(
        samples=samples,
        median_ratio=ratio,
        suggested=suggest_multiplier(ratio, samples),
        current=1.0,
        overdue_unanswered=overdue,
        median_stated_days=_median(everyone[_STATED]),
        median_actual_days=_median(everyone[_TIMED]),
    )
    return (
        _summary("interview", everyone[_AFTER_INTERVIEW], unanswered[0]),
        _summary("follow-up", everyone[_AFTER_FOLLOW_UP], unanswered[1]),
        listed,
        calibration,
    )


# -- CSV ---------------------------------------------------------------------------------


def _number(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def csv_tables(stats: SearchStats) -> dict[str, str]:
    """Each table of the page as CSV text, by a short name (funnel, weekly, responses)."""

    def table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return buffer.getvalue()

    return {
        "funnel": table(
            ("step", "count", "share of previous", "share of applied"),
            (
                (s.name, s.count, _number(s.rate_from_previous, 3), _number(s.rate_from_applied, 3))
                for s in stats.funnel
            ),
        ),
        "weekly": table(
            ("week starting", "applications", "interviews", "messages sent"),
            (
                (w.week_start.isoformat(), w.applications, w.interviews, w.messages_sent)
                for w in stats.weeks
            ),
        ),
        "responses": table(
            (
                "company",
                "interviews answered",
                "median days after interview",
                "follow-ups answered",
                "median days after follow-up",
                "stated timelines",
                "median stated days",
                "median actual days",
                "median actual / stated",
            ),
            (
                (
                    c.company,
                    c.interviews_answered,
                    _number(c.median_days_after_interview),
                    c.follow_ups_answered,
                    _number(c.median_days_after_follow_up),
                    c.stated_samples,
                    _number(c.median_stated_days),
                    _number(c.median_actual_days),
                    _number(c.median_ratio, 2),
                )
                for c in stats.companies
            ),
        ),
    }


__all__ = [
    "MIN_SAMPLES",
    "MULTIPLIER_RANGE",
    "QUIET_DAYS",
    "Calibration",
    "CompanyResponse",
    "FunnelRow",
    "FunnelStep",
    "ResponseSummary",
    "SearchStats",
    "Silence",
    "StageTime",
    "StatsCache",
    "WeekActivity",
    "compute_stats",
    "csv_tables",
    "suggest_multiplier",
]


# -- words -------------------------------------------------------------------------------
# The command line and the page say the same things in the same words; the one-sentence
# summaries are also what a screen reader hears for each chart.


def _percent(value: float | None) -> str:
    return "-" if value is None else localformat.percent(value)


def _decimal(value: float, places: int) -> str:
    return localformat.number(Decimal(f"{value:.{places}f}"))


def _days(value: float | None) -> str:
    if value is None:
        return "-"
    whole = round(value)
    shown = _decimal(value, 1) if value < 10 else _decimal(value, 0)
    return ngettext("{n} day", "{n} days", whole).format(n=shown)


def funnel_summary(stats: SearchStats) -> str:
    """One sentence on the funnel."""
    applied, screening, interviews, offers = (step.count for step in stats.funnel)
    if not applied:
        return _("No applications in this period yet, so there is no funnel to show.")
    return ngettext(
        "Of {applied} application, {screening} reached screening ({screening_share}), "
        "{interviews} reached interviews ({interviews_share}) and {offers} an offer "
        "({offers_share}).",
        "Of {applied} applications, {screening} reached screening ({screening_share}), "
        "{interviews} reached interviews ({interviews_share}) and {offers} an offer "
        "({offers_share}).",
        applied,
    ).format(
        applied=localformat.number(applied),
        screening=localformat.number(screening),
        interviews=localformat.number(interviews),
        offers=localformat.number(offers),
        screening_share=_percent(stats.funnel[1].rate_from_applied),
        interviews_share=_percent(stats.funnel[2].rate_from_applied),
        offers_share=_percent(stats.funnel[3].rate_from_applied),
    )


def weekly_summary(stats: SearchStats) -> str:
    """One sentence on the weekly activity."""
    if not stats.weeks:
        return _("No activity recorded yet.")
    recent = stats.weeks[-4:]
    return ngettext(
        "Over the last {n} week you sent {applications} applications, had {interviews} "
        "interviews and sent {messages} messages; the busiest of all {weeks} weeks had "
        "{busiest} of them.",
        "Over the last {n} weeks you sent {applications} applications, had {interviews} "
        "interviews and sent {messages} messages; the busiest of all {weeks} weeks had "
        "{busiest} of them.",
        len(recent),
    ).format(
        n=len(recent),
        applications=localformat.number(sum(w.applications for w in recent)),
        interviews=localformat.number(sum(w.interviews for w in recent)),
        messages=localformat.number(sum(w.messages_sent for w in recent)),
        weeks=localformat.number(len(stats.weeks)),
        busiest=localformat.number(
            max(w.applications + w.interviews + w.messages_sent for w in stats.weeks)
        ),
    )


def response_summary(stats: SearchStats) -> str:
    """One sentence on response times and the suggested multiplier."""
    interview = stats.after_interview
    if not interview.answered:
        return _("No employer answer after an interview has been logged yet.")
    calibration = stats.calibration
    if calibration.median_ratio is None:
        template = ngettext(
            "Employers answered {n} interview after a median of {days}.",
            "Employers answered {n} interviews after a median of {days}.",
            interview.answered,
        )
    else:
        template = ngettext(
            "Employers answered {n} interview after a median of {days}; where they named a "
            "timeline they took {ratio} times as long as they said (over {samples} interviews).",
            "Employers answered {n} interviews after a median of {days}; where they named a "
            "timeline they took {ratio} times as long as they said (over {samples} interviews).",
            interview.answered,
        )
    return template.format(
        n=localformat.number(interview.answered),
        days=_days(interview.median_days),
        ratio=_decimal(calibration.median_ratio or 0, 1),
        samples=localformat.number(calibration.samples),
    )


def multiplier_advice(stats: SearchStats) -> str:
    """What the suggested multiplier is, what it rests on, and what the playbook uses."""
    calibration = stats.calibration
    used = _(
        "The playbook now waits {current} times their stated timeline before the first "
        "status check."
    ).format(current=localformat.number(calibration.current))
    if calibration.suggested is None:
        return _(
            "No multiplier suggested yet: it needs at least {needed} interviews with both a "
            "stated timeline and a logged answer (you have {samples}). {used}"
        ).format(needed=calibration.min_samples, samples=calibration.samples, used=used)
    advice = _(
        "Suggested multiplier: {suggested}, from {samples} interviews with a stated timeline "
        "and an answer."
    ).format(
        suggested=localformat.number(calibration.suggested),
        samples=localformat.number(calibration.samples),
    )
    if not calibration.differs:
        return " ".join((advice, used, _("That already matches.")))
    return f"{advice} {used}"


# How each response time is introduced in the report, by what was answered.
_AFTER: Final = {
    "interview": N_(
        "after an interview {answered} answered, median {days}; {unanswered} without an answer"
    ),
    "follow-up": N_(
        "after a follow-up {answered} answered, median {days}; {unanswered} without an answer"
    ),
}


def text_report(stats: SearchStats, *, companies: int = 15) -> list[str]:
    """The figures as lines of plain text (the command line's output)."""
    if stats.start is not None or stats.end is not None:
        start = localformat.day(stats.start, year=True) if stats.start else None
        end = localformat.day(stats.end, year=True) if stats.end else None
        if start and end:
            period = _("{start} to {end}").format(start=start, end=end)
        elif start:
            period = _("{start} to today").format(start=start)
        else:
            period = _("the start to {end}").format(end=end)
        title = _("Your search ({period})").format(period=period)
    else:
        title = _("Your search (everything)")
    lines = [title, "", _("Funnel")]
    for step in stats.funnel:
        lines.append(
            _(
                "  {step:<11} {count:>6}   {from_previous:>4} of the step before, "
                "{from_applied:>4} of applications"
            ).format(
                step=i18n._(step.name),
                count=localformat.number(step.count),
                from_previous=_percent(step.rate_from_previous),
                from_applied=_percent(step.rate_from_applied),
            )
        )
    lines.append(f"  {funnel_summary(stats)}")
    if stats.by_source:
        lines += ["", _("By source (applied / screening / interviews / offer)")]
        lines += [
            f"  {row.label:<28} {row.applied:>5} {row.screening:>5} {row.interviews:>5} "
            f"{row.offers:>5}"
            for row in stats.by_source
        ]
    if stats.by_month:
        lines += ["", _("By month applied (applied / screening / interviews / offer)")]
        lines += [
            f"  {row.label:<28} {row.applied:>5} {row.screening:>5} {row.interviews:>5} "
            f"{row.offers:>5}"
            for row in stats.by_month
        ]
    if stats.stage_times:
        lines += ["", _("Time in each stage (median, stays ended, there now)")]
        lines += [
            f"  {row.stage:<28} {_days(row.median_days):>10} {row.stays:>6} {row.still_there:>6}"
            for row in stats.stage_times
        ]
    silence = stats.silence
    lines += [
        "",
        ngettext(
            "Went silent: {silent} of {judged} application ({share}), no answer {days}+ days "
            "after your last step",
            "Went silent: {silent} of {judged} applications ({share}), no answer {days}+ days "
            "after your last step",
            silence.judged,
        ).format(
            silent=localformat.number(silence.silent),
            judged=localformat.number(silence.judged),
            share=_percent(silence.share),
            days=silence.quiet_days,
        ),
        "",
        _("Weekly activity (week starting: applications / interviews / messages sent)"),
    ]
    lines += [
        f"  {localformat.short_date(week.week_start)}  {week.applications:>5} "
        f"{week.interviews:>5} {week.messages_sent:>5}"
        for week in stats.weeks
    ]
    lines.append(f"  {weekly_summary(stats)}")
    lines += ["", _("Response times")]
    for summary in (stats.after_interview, stats.after_follow_up):
        lines.append(
            "  "
            + i18n._(_AFTER[summary.prompt]).format(
                answered=localformat.number(summary.answered),
                days=_days(summary.median_days),
                unanswered=localformat.number(summary.unanswered),
            )
        )
    lines.append(f"  {response_summary(stats)}")
    timed = sorted(
        (row for row in stats.companies if row.stated_samples),
        key=lambda row: (-row.stated_samples, row.company.casefold()),
    )
    if timed:
        lines += ["", _("What companies said and did (stated / actual, median days)")]
        lines += [
            f"  {row.company:<34} {_days(row.median_stated_days):>10} "
            f"{_days(row.median_actual_days):>10}  x{_decimal(row.median_ratio, 1)}"
            for row in timed[:companies]
            if row.median_ratio is not None
        ]
        if len(timed) > companies:
            lines.append(
                _("  … and {n} more (--json lists every company)").format(n=len(timed) - companies)
            )
    lines += ["", multiplier_advice(stats)]
    return lines
