"""Your search in numbers: the funnel, time in each stage, silence, weekly activity and
how long employers really take compared with what they said.

Everything is read with plain SQL on the session's SQLite connection (read only: SELECT
statements, no temporary tables) and returned as frozen dataclasses, so the window, the
command line and the tests see the same figures.

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
  an interview held, a message sent) is at least :data:`QUIET_DAYS` days old, nothing was
  received from the employer after it, no interview is still ahead, and it is neither
  rejected, withdrawn, at an offer nor accepted ("moved on" counts: that is what silence
  leads to). The share is over the applications that could have gone silent by now:
  those whose last outgoing step is that old, and every ended one.
- **From the employer.** A received message counts unless it came from the
  opportunity's referrer, or from someone linked to it only as a referrer or a reference
  (the same rule the playbook uses for replies).
- **Response time.** Measured from each *prompt*: the end of an interview, or a sent
  follow-up (a sent message that is not a thank-you: not linked to a thank-you action,
  not within two days after an interview, and sent before the opportunity was closed).
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
import io
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any, Final

from sqlalchemy.orm import Session

from followup_desktop.core.errors import ValidationError
from followup_desktop.core.models import StageKind
from followup_desktop.core.playbook.rawsql import driver_connection
from followup_desktop.core.playbook.settings import load_settings
from followup_desktop.core.timeutil import start_of_day

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
FOLLOW_UP_KINDS: Final = ("still_interested", "status_follow_up", "phone_call")
#: Done actions that are messages, counted as sent when no message is logged for them.
MESSAGE_KINDS: Final = (
    "thank_you",
    "still_interested",
    "status_follow_up",
    "send_material",
    "tell_references",
    "check_in_referrer",
    "closing_note",
    "reply_to_rejection",
)
STEP_NAMES: Final = ("Applied", "Screening", "Interviews", "Offer")
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


# -- SQL ---------------------------------------------------------------------------------

# Stored instants are naive UTC text of one fixed width (see UTCDateTime), so text order
# is time order and julianday() reads them. Every statement starts from this block.
_BASE = """
WITH step_of(stage_id, step, closed) AS (VALUES {steps}),
hist AS (
    SELECT sc.opportunity_id AS oid, max(coalesce(s.step, 0)) AS step,
           min(CASE WHEN s.step >= 1 THEN sc.changed_at END) AS applied_at,
           min(CASE WHEN s.closed THEN sc.changed_at END) AS closed_at
    FROM stage_changes AS sc LEFT JOIN step_of AS s ON s.stage_id = sc.to_stage_id
    WHERE sc.changed_at <= :now
    GROUP BY sc.opportunity_id
),
held AS (
    SELECT opportunity_id AS oid, count(*) AS n, max(ends_at) AS last_end
    FROM interviews WHERE ends_at <= :now GROUP BY opportunity_id
),
ahead AS (SELECT DISTINCT opportunity_id AS oid FROM interviews WHERE ends_at > :now),
outgoing(oid, at, follow_up, message) AS (
    SELECT opportunity_id, occurred_at, NULL, 1 FROM correspondence
    WHERE direction = 'sent' AND occurred_at <= :now
    UNION ALL
    -- A step ticked done counts as done, logged as a message or not (PLAYBOOK 6 notes).
    SELECT opportunity_id, completed_at, kind IN ({follow_up_kinds}), kind IN ({message_kinds})
    FROM actions
    WHERE state = 'done' AND completed_at <= :now AND opportunity_id IS NOT NULL
      AND kind IN ({follow_up_kinds}, {message_kinds})
      AND id NOT IN (SELECT action_id FROM correspondence WHERE action_id IS NOT NULL)
),
sent AS (SELECT oid, max(at) AS last_sent FROM outgoing GROUP BY oid),
heard AS (
    SELECT b.opportunity_id AS oid, max(b.occurred_at) AS last_in
    FROM correspondence AS b WHERE b.occurred_at <= :now AND {employer}
    GROUP BY b.opportunity_id
),
opp AS (
    SELECT o.id AS id, o.company AS company, o.source AS source, cur.kind AS kind,
           o.stage_id AS stage_id,
           max(coalesce(h.step, 0), coalesce(cs.step, 0),
               CASE WHEN i.n >= 2 THEN 3 WHEN i.n = 1 THEN 2 ELSE 0 END) AS reach,
           coalesce(h.applied_at, o.created_at) AS applied_at,
           h.closed_at AS closed_at, i.last_end AS last_end, m.last_sent AS last_sent,
           e.last_in AS last_in, a.oid IS NOT NULL AS has_ahead
    FROM opportunities AS o
    JOIN stages AS cur ON cur.id = o.stage_id
    LEFT JOIN step_of AS cs ON cs.stage_id = o.stage_id
    LEFT JOIN hist AS h ON h.oid = o.id
    LEFT JOIN held AS i ON i.oid = o.id
    LEFT JOIN ahead AS a ON a.oid = o.id
    LEFT JOIN sent AS m ON m.oid = o.id
    LEFT JOIN heard AS e ON e.oid = o.id
),
cohort AS (
    SELECT * FROM opp WHERE reach >= 1 AND applied_at >= :start AND applied_at < :end
)
"""

# A received message from the employer (alias b): not from the referrer, nor from someone
# linked only as a referrer or a reference (the playbook reads replies the same way), and
# not the acknowledgement of a thank-you ("Re: " and the subject of a thank-you sent).
_EMPLOYER = """(b.direction = 'received' AND (b.contact_id IS NULL OR NOT (
    b.contact_id IS (SELECT referrer_id FROM opportunities WHERE id = b.opportunity_id)
    OR (EXISTS (SELECT 1 FROM opportunity_contacts AS x
                WHERE x.opportunity_id = b.opportunity_id AND x.contact_id = b.contact_id
                  AND x.role IN ('referrer', 'reference'))
        AND NOT EXISTS (SELECT 1 FROM opportunity_contacts AS x
                WHERE x.opportunity_id = b.opportunity_id AND x.contact_id = b.contact_id
                  AND x.role IN ('interviewer', 'hr', 'recruiter')))))
    AND NOT EXISTS (
        SELECT 1 FROM correspondence AS y LEFT JOIN actions AS ya ON ya.id = y.action_id
        WHERE y.opportunity_id = b.opportunity_id AND y.direction = 'sent'
          AND y.occurred_at < b.occurred_at AND ya.kind = 'thank_you'
          AND lower(trim(b.subject)) = 're: ' || lower(trim(y.subject))))"""

_FUNNEL_COLUMNS = "count(*), sum(reach >= 2), sum(reach >= 3), sum(reach >= 4)"

_FUNNEL_SQL = f"SELECT {_FUNNEL_COLUMNS} FROM cohort"
_BY_SOURCE_SQL = f"""
SELECT trim(source), {_FUNNEL_COLUMNS} FROM cohort
GROUP BY trim(source) ORDER BY count(*) DESC, trim(source)
"""
_BY_MONTH_SQL = f"""
SELECT strftime('%Y-%m', applied_at, :offset) AS month, {_FUNNEL_COLUMNS} FROM cohort
GROUP BY month ORDER BY month
"""

# A process that ended with an answer (rejected, withdrawn, offer, accepted) is judged
# and never silent; "moved on" ended it too, but often because nothing came back.
_SILENCE_SQL = """
SELECT coalesce(sum(last_out <= :quiet OR answered_end OR kind = 'closed'), 0),
       coalesce(sum(NOT answered_end AND last_out <= :quiet AND NOT has_ahead
                    AND (last_in IS NULL OR last_in < last_out)), 0)
FROM (
    SELECT *, kind IN ('rejected', 'withdrawn', 'offer', 'accepted') AS answered_end,
           max(applied_at, coalesce(last_end, ''), coalesce(last_sent, '')) AS last_out
    FROM cohort
)
"""

_STAGE_TIME_SQL = """
, seq AS (
    SELECT sc.to_stage_id AS stage_id, sc.changed_at AS at,
           lead(sc.changed_at) OVER (
               PARTITION BY sc.opportunity_id ORDER BY sc.changed_at, sc.id) AS left_at
    FROM stage_changes AS sc JOIN cohort AS c ON c.id = sc.opportunity_id
    WHERE sc.changed_at <= :now
),
stays AS (
    SELECT stage_id, julianday(left_at) - julianday(at) AS days
    FROM seq WHERE left_at IS NOT NULL AND stage_id IS NOT NULL
),
ranked AS (
    SELECT stage_id, days, row_number() OVER (PARTITION BY stage_id ORDER BY days) AS rn,
           count(*) OVER (PARTITION BY stage_id) AS n
    FROM stays
)
SELECT stage_id, max(n), avg(CASE WHEN rn IN ((n + 1) / 2, (n + 2) / 2) THEN days END),
       avg(days), 0
FROM ranked GROUP BY stage_id
UNION ALL
SELECT stage_id, 0, NULL, NULL, count(*) FROM cohort GROUP BY stage_id
"""

_WEEKS_SQL = """
, events(at, what) AS (
    SELECT applied_at, 0 FROM cohort
    UNION ALL
    SELECT starts_at, 1 FROM interviews
    WHERE starts_at <= :now AND starts_at >= :start AND starts_at < :end
    UNION ALL
    SELECT at, 2 FROM outgoing WHERE message AND at >= :start AND at < :end
)
SELECT date(at, :offset, 'weekday 0', '-6 days') AS week,
       sum(what = 0), sum(what = 1), sum(what = 2)
FROM events GROUP BY week ORDER BY week
"""

# Each prompt with its answer (or none); one row per prompt. The correlated look-ups use
# the per-opportunity indexes on interviews and correspondence.
_PROMPTS = """
, prompts AS MATERIALIZED (
    SELECT i.opportunity_id AS oid, 0 AS follow_up, i.ends_at AS at,
           CASE WHEN i.decision_date IS NOT NULL
                THEN julianday(i.decision_date) - julianday(date(i.ends_at, :offset))
                ELSE i.decision_timeline_days END AS stated
    FROM interviews AS i
    WHERE i.ends_at <= :now AND i.ends_at >= :start AND i.ends_at < :end
    UNION ALL
    SELECT c.opportunity_id, 1, c.occurred_at, NULL
    FROM correspondence AS c
    JOIN opp AS o ON o.id = c.opportunity_id
    LEFT JOIN actions AS t ON t.id = c.action_id
    WHERE c.direction = 'sent' AND c.occurred_at <= :now
      AND c.occurred_at >= :start AND c.occurred_at < :end
      AND coalesce(t.kind, '') <> 'thank_you'
      AND (o.closed_at IS NULL OR c.occurred_at < o.closed_at)
      AND NOT EXISTS (
          SELECT 1 FROM interviews AS j
          WHERE j.opportunity_id = c.opportunity_id AND j.ends_at <= c.occurred_at
            AND julianday(c.occurred_at) < julianday(j.ends_at) + :thank_you_days)
    UNION ALL
    SELECT g.oid, 1, g.at, NULL
    FROM outgoing AS g JOIN opp AS o ON o.id = g.oid
    WHERE g.follow_up AND g.at >= :start AND g.at < :end
      AND (o.closed_at IS NULL OR g.at < o.closed_at)
),
bounded AS (
    SELECT p.*, (SELECT min(j.starts_at) FROM interviews AS j
                 WHERE j.opportunity_id = p.oid AND j.starts_at > p.at) AS next_at
    FROM prompts AS p
),
answers AS MATERIALIZED (
    SELECT o.company AS company, p.follow_up AS follow_up, p.next_at AS next_at,
           CASE WHEN p.stated > 0 THEN p.stated END AS stated, p.at AS at,
           julianday((SELECT min(b.occurred_at) FROM correspondence AS b
                      WHERE b.opportunity_id = p.oid AND b.occurred_at > p.at
                        AND b.occurred_at <= :now
                        AND b.occurred_at < coalesce(p.next_at, '9999')
                        AND {employer})) - julianday(p.at) AS days
    FROM bounded AS p JOIN opportunities AS o ON o.id = p.oid
),
ranked AS (
    SELECT *, days / stated AS ratio,
           row_number() OVER (PARTITION BY company, follow_up ORDER BY days) AS c_rn,
           count(days) OVER (PARTITION BY company, follow_up) AS c_n,
           row_number() OVER (PARTITION BY company, follow_up, stated IS NULL
                              ORDER BY days / stated) AS c_rrn,
           row_number() OVER (PARTITION BY company, follow_up, stated IS NULL
                              ORDER BY stated) AS c_srn,
           row_number() OVER (PARTITION BY company, follow_up, stated IS NULL
                              ORDER BY days) AS c_arn,
           count(days / stated) OVER (PARTITION BY company, follow_up) AS c_sn,
           row_number() OVER (PARTITION BY follow_up ORDER BY days) AS g_rn,
           count(days) OVER (PARTITION BY follow_up) AS g_n,
           row_number() OVER (PARTITION BY follow_up, stated IS NULL
                              ORDER BY days / stated) AS g_rrn,
           count(days / stated) OVER (PARTITION BY follow_up) AS g_sn
    FROM answers WHERE days IS NOT NULL
)
"""

_COMPANIES_SQL = """
SELECT company, follow_up, max(c_n),
       avg(CASE WHEN c_rn IN ((c_n + 1) / 2, (c_n + 2) / 2) THEN days END),
       max(c_sn),
       avg(CASE WHEN stated IS NOT NULL AND c_rrn IN ((c_sn + 1) / 2, (c_sn + 2) / 2)
                THEN ratio END),
       avg(CASE WHEN stated IS NOT NULL AND c_srn IN ((c_sn + 1) / 2, (c_sn + 2) / 2)
                THEN stated END),
       avg(CASE WHEN stated IS NOT NULL AND c_arn IN ((c_sn + 1) / 2, (c_sn + 2) / 2)
                THEN days END)
FROM ranked GROUP BY company, follow_up
UNION ALL
SELECT NULL, follow_up, max(g_n),
       avg(CASE WHEN g_rn IN ((g_n + 1) / 2, (g_n + 2) / 2) THEN days END),
       max(g_sn),
       avg(CASE WHEN stated IS NOT NULL AND g_rrn IN ((g_sn + 1) / 2, (g_sn + 2) / 2)
                THEN ratio END),
       NULL, NULL
FROM ranked GROUP BY follow_up
UNION ALL
SELECT NULL, follow_up - 10,
       sum(days IS NULL AND next_at IS NULL),
       NULL,
       sum(days IS NULL AND next_at IS NULL AND stated IS NOT NULL
           AND julianday(:now) - julianday(at) > stated),
       NULL, NULL, NULL
FROM answers GROUP BY follow_up
"""


_Steps = list[tuple[int, int, bool]]


def _stage_steps(session: Session) -> tuple[_Steps, dict[int, tuple[str, str]]]:
    """Each stage's funnel step (see the module's definitions), and its name and kind."""
    rows = driver_connection(session).execute(
        "SELECT id, name, kind FROM stages ORDER BY position, id"
    )
    steps: list[tuple[int, int, bool]] = []
    names: dict[int, tuple[str, str]] = {}
    active_seen = 0
    for stage_id, name, kind_text in rows:
        kind = StageKind(kind_text)
        names[stage_id] = (name, kind_text)
        if kind is StageKind.ACTIVE:
            step = min(active_seen + 1, 3)
            active_seen += 1
        elif kind is StageKind.FINAL:
            step = 3
        elif kind in (StageKind.OFFER, StageKind.ACCEPTED):
            step = 4
        elif kind is StageKind.REJECTED:
            step = 1
        else:
            step = 0
        steps.append((int(stage_id), step, kind.is_closed))
    return steps, names


def _quoted(words: Sequence[str]) -> str:
    return ",".join(f"'{word}'" for word in words)  # our own constants, never user text


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _offset(now: datetime, tz: tzinfo) -> str:
    """The zone's UTC offset now, as an SQLite date modifier.

    One offset for the whole range: a week or month boundary may sit an hour off across a
    daylight-saving change, which moves an event into the neighbouring week only when it
    happened within that hour of midnight.
    """
    delta = now.astimezone(tz).utcoffset() or timedelta()
    return f"{int(delta.total_seconds()):+d} seconds"


def compute_stats(
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
    steps, names = _stage_steps(session)
    connection = driver_connection(session)
    if not steps:
        steps = [(-1, 0, False)]
    values = ",".join(f"({stage_id},{step},{int(closed)})" for stage_id, step, closed in steps)
    base = _BASE.format(
        steps=values,
        employer=_EMPLOYER,
        follow_up_kinds=_quoted(FOLLOW_UP_KINDS),
        message_kinds=_quoted(MESSAGE_KINDS),
    )
    params: dict[str, Any] = {
        "now": _stamp(now),
        "start": "" if start is None else _stamp(start_of_day(start, tz)),
        "end": _OPEN_END if end is None else _stamp(start_of_day(end + timedelta(days=1), tz)),
        "offset": _offset(now, tz),
        "quiet": _stamp(now - timedelta(days=QUIET_DAYS)),
        "thank_you_days": THANK_YOU_WINDOW_DAYS,
    }

    def run(sql: str) -> list[tuple[Any, ...]]:
        return list(connection.execute(base + sql, params).fetchall())

    applied, screening, interviews, offers = (int(v or 0) for v in run(_FUNNEL_SQL)[0])
    funnel = _funnel((applied, screening, interviews, offers))
    by_source = tuple(
        FunnelRow(label or "(not recorded)", *(int(v or 0) for v in counts))
        for label, *counts in run(_BY_SOURCE_SQL)
    )
    by_month = tuple(
        FunnelRow(label, *(int(v or 0) for v in counts)) for label, *counts in run(_BY_MONTH_SQL)
    )
    judged, silent = run(_SILENCE_SQL)[0]
    silence = Silence(int(silent), int(judged))
    stage_times = _stage_times(run(_STAGE_TIME_SQL), steps, names)
    weeks = _weeks(run(_WEEKS_SQL), start, end, now, tz)
    prompts = run(_PROMPTS.format(employer=_EMPLOYER) + _COMPANIES_SQL)
    after_interview, after_follow_up, companies, overall_ratio, samples, overdue = _responses(
        prompts
    )
    settings = load_settings(session)
    current = settings.timeline_multiplier if settings.double_timeline else 1.0
    return SearchStats(
        now=now,
        start=start,
        end=end,
        funnel=funnel,
        by_source=by_source,
        by_month=by_month,
        stage_times=stage_times,
        silence=silence,
        weeks=weeks,
        after_interview=after_interview,
        after_follow_up=after_follow_up,
        companies=companies,
        calibration=Calibration(
            samples=samples,
            median_ratio=overall_ratio,
            suggested=suggest_multiplier(overall_ratio, samples),
            current=current,
            overdue_unanswered=overdue,
        ),
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
    rows: Iterable[tuple[Any, ...]],
    steps: Sequence[tuple[int, int, bool]],
    names: dict[int, tuple[str, str]],
) -> tuple[StageTime, ...]:
    found: dict[int, list[Any]] = {}
    for stage_id, stays, median, mean, current in rows:
        entry = found.setdefault(stage_id, [0, None, None, 0])
        if stays:
            entry[0:3] = [int(stays), median, mean]
        entry[3] += int(current or 0)
    result = []
    for stage_id, _step, closed in steps:
        # Ended stages have no "time in"; unused stages have nothing to show.
        if closed or stage_id not in found or stage_id not in names:
            continue
        stays, median, mean, current = found[stage_id]
        result.append(StageTime(names[stage_id][0], stays, median, mean, current))
    return tuple(result)


def _weeks(
    rows: Iterable[tuple[Any, ...]], start: date | None, end: date | None, now: datetime, tz: tzinfo
) -> tuple[WeekActivity, ...]:
    """Every week from the first with activity (or ``start``) to ``end`` (or now), gaps
    included as zeros, so a quiet week shows as one."""
    counts = {date.fromisoformat(week): row for week, *row in rows if week is not None}
    if not counts and start is None:
        return ()
    today = now.astimezone(tz).date()
    first = start if start is not None else min(counts)
    last = min(end, today) if end is not None else today
    first -= timedelta(days=first.weekday())
    if counts:
        last = max(last, *counts)
    weeks = []
    week = first
    while week <= last:
        a, i, m = counts.get(week, (0, 0, 0))
        weeks.append(WeekActivity(week, int(a or 0), int(i or 0), int(m or 0)))
        week += timedelta(days=7)
    return tuple(weeks)


def _responses(
    rows: Iterable[tuple[Any, ...]],
) -> tuple[
    ResponseSummary,
    ResponseSummary,
    tuple[CompanyResponse, ...],
    float | None,
    int,
    int,
]:
    companies: dict[str, dict[int, tuple[Any, ...]]] = {}
    overall: dict[int, tuple[Any, ...]] = {}
    unanswered = {0: 0, 1: 0}
    overdue = 0
    for company, kind, n, median, sn, ratio, stated, actual in rows:
        if kind < 0:  # the unanswered counts (kind - 10)
            unanswered[kind + 10] = int(n or 0)
            if kind + 10 == 0:
                overdue = int(sn or 0)
        elif company is None:
            overall[kind] = (int(n or 0), median, int(sn or 0), ratio)
        else:
            companies.setdefault(company, {})[kind] = (
                int(n or 0),
                median,
                int(sn or 0),
                ratio,
                stated,
                actual,
            )

    def summary(kind: int, label: str) -> ResponseSummary:
        n, median, _sn, _ratio = overall.get(kind, (0, None, 0, None))
        return ResponseSummary(label, n, unanswered[kind], median)

    listed = []
    for company in sorted(companies, key=str.casefold):
        after = companies[company]
        interview = after.get(0, (0, None, 0, None, None, None))
        follow_up = after.get(1, (0, None, 0, None, None, None))
        listed.append(
            CompanyResponse(
                company=company,
                interviews_answered=interview[0],
                median_days_after_interview=interview[1],
                follow_ups_answered=follow_up[0],
                median_days_after_follow_up=follow_up[1],
                stated_samples=interview[2],
                median_stated_days=interview[4],
                median_actual_days=interview[5],
                median_ratio=interview[3],
            )
        )
    _n, _median, samples, ratio = overall.get(0, (0, None, 0, None))
    return (
        summary(0, "interview"),
        summary(1, "follow-up"),
        tuple(listed),
        ratio,
        samples,
        overdue,
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
    "WeekActivity",
    "compute_stats",
    "csv_tables",
    "suggest_multiplier",
]
