"""The search figures as the first version of :mod:`followup_desktop.core.stats` computed
them: five plain reads joined per opportunity in Python. Kept as the oracle the SQL
computation is compared with (tests/test_stats_oracle.py); it is not shipped.
"""

from __future__ import annotations

import gc
import math
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from statistics import fmean, median
from typing import Any, Final

from sqlalchemy.orm import Session

from followup_desktop.core.errors import ValidationError
from followup_desktop.core.models import StageKind
from followup_desktop.core.playbook.rawsql import driver_connection
from followup_desktop.core.playbook.settings import load_settings
from followup_desktop.core.stats import (
    DEFINITIONS,
    FOLLOW_UP_KINDS,
    MESSAGE_KINDS,
    OUTGOING_KINDS,
    QUIET_DAYS,
    STEP_NAMES,
    THANK_YOU_WINDOW_DAYS,
    Calibration,
    CompanyResponse,
    FunnelRow,
    FunnelStep,
    ResponseSummary,
    SearchStats,
    Silence,
    StageTime,
    WeekActivity,
    suggest_multiplier,
)
from followup_desktop.core.timeutil import start_of_day


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


# -- reading -----------------------------------------------------------------------------

# Five plain statements, each one pass over one table (or an indexed join), in the order
# SQLite reads them cheaply. SQL does the per-row work it does well: which stage counts
# as which funnel step, which messages come from the employer, instants as Julian days
# (floats compare and subtract quickly), local weeks and months. Python then joins the
# per-opportunity facts with dictionaries and takes the medians SQLite has no aggregate
# for. One statement with every figure in SQL measured 340 ms of CPU on the 10,000-
# opportunity database; this way it is about a third of that.

# Every stage change up to now, oldest first per opportunity.
_CHANGES_SQL = """
SELECT opportunity_id, to_stage_id, julianday(changed_at) FROM stage_changes
WHERE changed_at <= :now ORDER BY opportunity_id, changed_at, id
"""
_OPPORTUNITIES_SQL = """
SELECT id, company, trim(source), stage_id, julianday(created_at) FROM opportunities
"""
# The stated timeline in days: to a stated decision date from the interview's local day,
# else the stated number (the playbook reads it the same way).
_INTERVIEWS_SQL = """
SELECT opportunity_id, julianday(starts_at), julianday(ends_at),
       CASE WHEN decision_date IS NOT NULL
            THEN julianday(decision_date) - julianday(date(ends_at, :offset))
            ELSE decision_timeline_days END,
       date(starts_at, :offset, 'weekday 0', '-6 days')
FROM interviews ORDER BY opportunity_id, starts_at
"""
# What the person sent or did towards the employer: logged messages (kind 'message', or
# 'thank_you' when linked to a thank-you action), and steps ticked done without a logged
# message (PLAYBOOK 6 notes: a step is done whichever way it is recorded).
_OUTGOING_SQL = """
SELECT c.opportunity_id, julianday(c.occurred_at),
       CASE WHEN t.kind = 'thank_you' THEN 'thank_you' ELSE 'message' END,
       date(c.occurred_at, :offset, 'weekday 0', '-6 days')
FROM correspondence AS c LEFT JOIN actions AS t ON t.id = c.action_id
WHERE c.direction = 'sent' AND c.occurred_at <= :now
UNION ALL
SELECT opportunity_id, julianday(completed_at), kind,
       date(completed_at, :offset, 'weekday 0', '-6 days')
FROM actions
-- "+state": one plain scan beats thousands of look-ups through the state index here.
WHERE +state = 'done' AND completed_at <= :now AND opportunity_id IS NOT NULL
  AND kind IN ({outgoing_kinds})
  AND id NOT IN (SELECT action_id FROM correspondence WHERE action_id IS NOT NULL)
"""
# Messages from the employer: not from the opportunity's referrer, nor from someone linked
# to it only as a referrer or a reference (the playbook reads replies the same way), and
# not the acknowledgement of a thank-you ("Re: " and the subject of a thank-you sent).
_INBOUND_SQL = """
WITH not_employer(oid, cid) AS (
    SELECT r.opportunity_id, r.contact_id FROM opportunity_contacts AS r
    WHERE r.role IN ('referrer', 'reference') AND NOT EXISTS (
        SELECT 1 FROM opportunity_contacts AS x
        WHERE x.opportunity_id = r.opportunity_id AND x.contact_id = r.contact_id
          AND x.role IN ('interviewer', 'hr', 'recruiter'))
    UNION
    SELECT id, referrer_id FROM opportunities WHERE referrer_id IS NOT NULL
)
SELECT b.opportunity_id, julianday(b.occurred_at)
FROM correspondence AS b
LEFT JOIN not_employer AS n ON n.oid = b.opportunity_id AND n.cid = b.contact_id
WHERE b.direction = 'received' AND b.occurred_at <= :now AND n.oid IS NULL
  -- The LIKE first: only a "Re: ..." needs the look-up among the thank-yous sent.
  AND NOT (b.subject LIKE 're:%' AND EXISTS (
      SELECT 1 FROM correspondence AS y JOIN actions AS a ON a.id = y.action_id
      WHERE y.opportunity_id = b.opportunity_id AND y.direction = 'sent'
        AND y.action_id IS NOT NULL AND a.kind = 'thank_you' AND y.occurred_at < b.occurred_at
        AND lower(trim(b.subject)) = 're: ' || lower(trim(y.subject))))
ORDER BY b.opportunity_id, b.occurred_at
"""

_UNIX_EPOCH_JD: Final = 2440587.5
_ENDED_WITH_ANSWER: Final = frozenset(
    {StageKind.REJECTED, StageKind.WITHDRAWN, StageKind.OFFER, StageKind.ACCEPTED}
)


def _julian(moment: datetime) -> float:
    return moment.timestamp() / 86400 + _UNIX_EPOCH_JD


def _quoted(words: Iterable[str]) -> str:
    return ",".join(f"'{word}'" for word in words)  # our own constants, never user text


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


class _Opportunity:
    """What one opportunity contributes, gathered from the five reads."""

    __slots__ = (
        "ahead",
        "applied",
        "closed",
        "follow_ups",
        "held",
        "inbound",
        "interview_ends",
        "interviews",
        "last_end",
        "last_sent",
        "starts",
        "stays",
        "step",
    )

    def __init__(self) -> None:
        self.step = 0
        self.applied: float | None = None
        self.closed: float | None = None
        self.stays: list[tuple[int, float]] = []
        self.held = 0
        self.ahead = False
        self.last_end: float | None = None
        self.last_sent: float | None = None
        self.starts: list[float] = []
        self.interview_ends: list[float] = []
        self.interviews: list[tuple[float, float | None]] = []  # (end, stated) held
        self.follow_ups: list[float] = []
        self.inbound: list[float] = []


class _Reader:
    """The five reads, gathered per opportunity."""

    def __init__(self, connection: Any, params: dict[str, str], bounds: _Bounds) -> None:
        self.connection = connection
        self.params = params
        self.bounds = bounds
        self.stages = _stages(connection)
        self.opps: dict[int, _Opportunity] = {}
        # week (ISO date of its Monday) -> [applications, interviews, messages sent]
        self.weeks: dict[str, list[int]] = {}

    def facts(self, opportunity_id: int) -> _Opportunity:
        found = self.opps.get(opportunity_id)
        if found is None:
            found = self.opps[opportunity_id] = _Opportunity()
        return found

    def week(self, week: str) -> list[int]:
        return self.weeks.setdefault(week, [0, 0, 0])

    def read(self) -> None:
        self.changes()
        self.interviews()
        candidates = self.outgoing()
        for opportunity_id, at in self.connection.execute(_INBOUND_SQL, self.params):
            self.facts(opportunity_id).inbound.append(at)
        self.follow_ups(candidates)

    def changes(self) -> None:
        # The hottest loop (one row per stage change): written out, no calls per row.
        step_of = {stage_id: stage.step for stage_id, stage in self.stages.items()}
        closing = {stage_id for stage_id, stage in self.stages.items() if stage.closed}
        opps = self.opps
        item = _Opportunity()
        previous_id = previous_stage = None
        previous_at = 0.0
        for opportunity_id, stage_id, at in self.connection.execute(_CHANGES_SQL, self.params):
            if opportunity_id != previous_id:
                item = opps[opportunity_id] = _Opportunity()
            elif previous_stage is not None:
                item.stays.append((previous_stage, at - previous_at))
            step = step_of.get(stage_id, 0)
            if step:
                item.step = max(item.step, step)
                if item.applied is None:
                    item.applied = at
            if stage_id in closing and item.closed is None:
                item.closed = at
            previous_id, previous_stage, previous_at = opportunity_id, stage_id, at

    def interviews(self) -> None:
        low, high, now_jd = self.bounds
        rows = self.connection.execute(_INTERVIEWS_SQL, self.params)
        for opportunity_id, starts_at, ends_at, stated, week in rows:
            item = self.facts(opportunity_id)
            item.starts.append(starts_at)
            if ends_at > now_jd:
                item.ahead = True
                continue
            item.held += 1
            item.interview_ends.append(ends_at)
            if item.last_end is None or ends_at > item.last_end:
                item.last_end = ends_at
            if low <= ends_at < high:
                item.interviews.append((ends_at, stated if stated and stated > 0 else None))
            if low <= starts_at < high:
                self.week(week)[1] += 1

    def outgoing(self) -> list[tuple[int, float, bool]]:
        low, high, _now = self.bounds
        sql = _OUTGOING_SQL.format(outgoing_kinds=_quoted(OUTGOING_KINDS))
        candidates: list[tuple[int, float, bool]] = []
        for opportunity_id, at, kind, week in self.connection.execute(sql, self.params):
            item = self.facts(opportunity_id)
            if item.last_sent is None or at > item.last_sent:
                item.last_sent = at
            if not low <= at < high:
                continue
            if kind in MESSAGE_KINDS:
                self.week(week)[2] += 1
            if kind == "message" or kind in FOLLOW_UP_KINDS:
                candidates.append((opportunity_id, at, kind == "message"))
        return candidates

    def follow_ups(self, candidates: Iterable[tuple[int, float, bool]]) -> None:
        """Keep the follow-ups: not a thank-you (a message within two days after an
        interview), and sent before the opportunity was closed."""
        for opportunity_id, at, logged in candidates:
            item = self.opps[opportunity_id]
            if item.closed is not None and at >= item.closed:
                continue
            if logged and any(
                0 <= at - ends < THANK_YOU_WINDOW_DAYS for ends in item.interview_ends
            ):
                continue
            item.follow_ups.append(at)


_Bounds = tuple[float, float, float]  # period start, period end, now: Julian days
_NO_STAGE: Final = _Stage("", StageKind.PROSPECT, 0)


def oracle_stats(
    session: Session,
    now: datetime,
    tz: tzinfo,
    *,
    start: date | None = None,
    end: date | None = None,
) -> SearchStats:
    """Every figure for the applications, interviews and messages from ``start`` to
    ``end`` (local days, both included; open when None), as of ``now``."""
    if start is not None and end is not None and end < start:
        raise ValidationError(
            f"The period ends ({end.isoformat()}) before it starts ({start.isoformat()}); "
            "give the earlier date first.",
            "end",
        )
    offset = _offset_seconds(now, tz)
    bounds = (
        -math.inf if start is None else _julian(start_of_day(start, tz)),
        math.inf if end is None else _julian(start_of_day(end + timedelta(days=1), tz)),
        _julian(now),
    )
    reader = _Reader(
        driver_connection(session), {"now": _stamp(now), "offset": f"{offset:+d} seconds"}, bounds
    )
    settings = load_settings(session)
    # Tens of thousands of small tuples and lists, none of them garbage: left on, the
    # cyclic collector re-scans them over and over (a third of the time at 10,000).
    # exchange.gc_paused does the same, but importing it would load the JSON Schema code.
    collecting = gc.isenabled()
    gc.disable()
    try:
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


# 1970-01-01 as a proleptic Gregorian ordinal (date.fromordinal).
_UNIX_EPOCH_ORDINAL: Final = 719163


def _figures(
    reader: _Reader,
    *,
    period: tuple[datetime, tzinfo, date | None, date | None],
    offset: int,
    current: float,
) -> SearchStats:
    now, tz, start, end = period
    low, high, now_jd = reader.bounds
    opps, stages, weeks = reader.opps, reader.stages, reader.weeks
    quiet = now_jd - QUIET_DAYS
    day_shift = offset / 86400 - _UNIX_EPOCH_JD
    empty = _Opportunity()
    # (reach, source, local day number, stage) -> applications: a few hundred keys, from
    # which the funnel, sources, months, weeks and "still there" are summed afterwards.
    cohort: Counter[tuple[int, str, int, int]] = Counter()
    stays: dict[int, list[float]] = {}
    judged = silent = 0
    prompts: list[tuple[str, bool, float, float | None, _Opportunity]] = []
    for opportunity_id, company, source, stage_id, created in reader.connection.execute(
        _OPPORTUNITIES_SQL
    ):
        item = opps.get(opportunity_id, empty)
        stage = stages.get(stage_id, _NO_STAGE)
        held = item.held
        reach = max(item.step, stage.step, 3 if held >= 2 else 2 * held)
        # Interviews and follow-ups count in their own period, whoever the cohort is.
        if item.interviews:
            prompts.extend((company, False, at, stated, item) for at, stated in item.interviews)
        if item.follow_ups:
            prompts.extend((company, True, at, None, item) for at in item.follow_ups)
        applied = item.applied if item.applied is not None else created
        if reach < 1 or not low <= applied < high:
            continue
        cohort[reach, source or "", math.floor(applied + day_shift), stage_id] += 1
        for stay_stage, days in item.stays:
            stays.setdefault(stay_stage, []).append(days)
        # Silence (see the module's definitions).
        last_out = max(applied, item.last_end or 0.0, item.last_sent or 0.0)
        answered_end = stage.kind in _ENDED_WITH_ANSWER
        if last_out <= quiet or answered_end or stage.kind is StageKind.CLOSED:
            judged += 1
        if (
            not answered_end
            and last_out <= quiet
            and not item.ahead
            and (not item.inbound or item.inbound[-1] < last_out)
        ):
            silent += 1
    funnel = [0, 0, 0, 0]
    sources: dict[str, list[int]] = {}
    months: dict[str, list[int]] = {}
    here: dict[int, int] = {}
    for (reach, source, day_number, stage_id), count in cohort.items():
        day = date.fromordinal(day_number + _UNIX_EPOCH_ORDINAL)
        for row in (
            funnel,
            sources.setdefault(source, [0, 0, 0, 0]),
            months.setdefault(day.isoformat()[:7], [0, 0, 0, 0]),
        ):
            for index in range(min(reach, 4)):
                row[index] += count
        weeks.setdefault((day - timedelta(days=day.weekday())).isoformat(), [0, 0, 0])[0] += count
        here[stage_id] = here.get(stage_id, 0) + count

    after_interview, after_follow_up, companies, calibration = _responses(prompts, now_jd)
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
        silence=Silence(silent, judged),
        weeks=_weeks(weeks, start, end, now, tz),
        after_interview=after_interview,
        after_follow_up=after_follow_up,
        companies=companies,
        calibration=replace(calibration, current=current),
        definitions=dict(DEFINITIONS),
    )


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
    counts: dict[str, list[int]], start: date | None, end: date | None, now: datetime, tz: tzinfo
) -> tuple[WeekActivity, ...]:
    """Every week from the first with activity (or ``start``) to ``end`` (or now), gaps
    included as zeros, so a quiet week shows as one."""
    found = {date.fromisoformat(week): row for week, row in counts.items()}
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


class _Answers:
    """The answered prompts of one company (or of everyone) and one kind, gathered."""

    __slots__ = ("days", "ratios", "stated", "timed")

    def __init__(self) -> None:
        self.days: list[float] = []
        self.ratios: list[float] = []
        self.stated: list[float] = []
        self.timed: list[float] = []  # actual days where a timeline was stated

    def add(self, days: float, stated: float | None) -> None:
        self.days.append(days)
        if stated is not None:
            self.ratios.append(days / stated)
            self.stated.append(stated)
            self.timed.append(days)


def _responses(
    prompts: Iterable[tuple[str, bool, float, float | None, _Opportunity]], now_jd: float
) -> tuple[ResponseSummary, ResponseSummary, tuple[CompanyResponse, ...], Calibration]:
    """Each prompt's answer (see the module's definitions) and the medians over them."""
    companies: dict[str, tuple[_Answers, _Answers]] = {}
    overall = (_Answers(), _Answers())
    unanswered = [0, 0]
    overdue = 0
    for company, follow_up, at, stated, item in prompts:
        kind = int(follow_up)
        answers = item.inbound
        answer = answers[bisect_right(answers, at)] if answers and answers[-1] > at else None
        starts = item.starts  # in time order
        position = bisect_right(starts, at)
        following = starts[position] if position < len(starts) else None
        if answer is None or (following is not None and answer >= following):
            # No answer logged; a later interview shows one came, but not when.
            if following is None:
                unanswered[kind] += 1
                overdue += kind == 0 and stated is not None and now_jd - at > stated
            continue
        overall[kind].add(answer - at, stated)
        pair = companies.get(company)
        if pair is None:
            pair = companies[company] = (_Answers(), _Answers())
        pair[kind].add(answer - at, stated)
    listed = tuple(
        CompanyResponse(
            company=company,
            interviews_answered=len(interview.days),
            median_days_after_interview=_median(interview.days),
            follow_ups_answered=len(follow_up.days),
            median_days_after_follow_up=_median(follow_up.days),
            stated_samples=len(interview.ratios),
            median_stated_days=_median(interview.stated),
            median_actual_days=_median(interview.timed),
            median_ratio=_median(interview.ratios),
        )
        for company, (interview, follow_up) in sorted(
            companies.items(), key=lambda item: (item[0].casefold(), item[0])
        )
    )
    ratio = _median(overall[0].ratios)
    samples = len(overall[0].ratios)
    calibration = Calibration(
        samples=samples,
        median_ratio=ratio,
        suggested=suggest_multiplier(ratio, samples),
        current=1.0,
        overdue_unanswered=overdue,
        median_stated_days=_median(overall[0].stated),
        median_actual_days=_median(overall[0].timed),
    )
    return (
        ResponseSummary("interview", len(overall[0].days), unanswered[0], _median(overall[0].days)),
        ResponseSummary("follow-up", len(overall[1].days), unanswered[1], _median(overall[1].days)),
        listed,
        calibration,
    )
