"""Invented but plausible data, for screenshots, manual testing and benchmarks.

:func:`populate_demo` fills an empty database with a job search in full swing: companies
and roles spread over every default stage, interviews behind and ahead with panels in
several time zones, debriefs, thank-you notes, replies and stage history that agrees
with each opportunity's stage. Everything is drawn from one seeded ``random.Random`` and
placed relative to ``now``, so the same seed and ``now`` give the same database.

The rows are built as a document of the export format (:mod:`followup_desktop.core.exchange`)
and stored through its bulk import: 10,000 opportunities (190,000 rows) are generated and
stored in about 4 s on the 2-core reference machine, and every run proves that demo data
passes the import's validation. The playbook's planning comes on top (about 2.5 s).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from typing import Any, Final
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from followup_desktop.core.db import Database
from followup_desktop.core.errors import FollowupError
from followup_desktop.core.exchange import export_data, gc_paused, instant_to_text
from followup_desktop.core.i18n import _
from followup_desktop.core.models import Action, ActionOrigin, ActionState, StageKind
from followup_desktop.core.services import FollowupService
from followup_desktop.core.timeutil import ensure_aware, utcnow

# --- Word lists (all invented; any likeness to a real company is accidental) -----------
# They live in demo_data/words.json, as data; their order matters (a seed picks by index).

WORDS_FILE: Final = "words.json"


def _frozen(value: Any) -> Any:
    """JSON lists as tuples, all the way down (the lists are constants)."""
    if isinstance(value, list):
        return tuple(_frozen(item) for item in value)
    if isinstance(value, dict):
        return {key: _frozen(item) for key, item in value.items()}
    return value


def _word_lists() -> dict[str, Any]:
    """The word lists shipped as ``demo_data/words.json`` (data, not code, to edit freely)."""
    text = (resources.files("followup_desktop.core") / "demo_data" / WORDS_FILE).read_text(
        encoding="utf-8"
    )
    loaded: dict[str, Any] = json.loads(text)
    return {key: _frozen(value) for key, value in loaded.items() if not key.startswith("$")}


_WORDS: Final = _word_lists()
_COMPANY_HEADS: Final[tuple[str, ...]] = _WORDS["company_heads"]
_COMPANY_TAILS: Final[tuple[str, ...]] = _WORDS["company_tails"]
_COMPANY_KINDS: Final[tuple[str, ...]] = _WORDS["company_kinds"]
_LEGAL: Final[tuple[str, ...]] = _WORDS["legal"]
_ROLES: Final[tuple[str, ...]] = _WORDS["roles"]
_SENIORITY: Final[tuple[str, ...]] = _WORDS["seniority"]
# (shown location, IANA zone, currency, typical salary midpoint in thousands)
_LOCATIONS: Final[tuple[tuple[str, str, str, int], ...]] = _WORDS["locations"]
_FIRST_NAMES: Final[tuple[str, ...]] = _WORDS["first_names"]
_LAST_NAMES: Final[tuple[str, ...]] = _WORDS["last_names"]
# Right-to-left names (shown name, e-mail local part), so the app meets bidirectional text.
_RTL_NAMES: Final[tuple[tuple[str, str], ...]] = _WORDS["rtl_names"]
_RECRUITER_TITLES: Final[tuple[str, ...]] = _WORDS["recruiter_titles"]
_HR_TITLES: Final[tuple[str, ...]] = _WORDS["hr_titles"]
_INTERVIEWER_TITLES: Final[tuple[str, ...]] = _WORDS["interviewer_titles"]
_REFERRER_TITLES: Final[tuple[str, ...]] = _WORDS["referrer_titles"]
_REFERENCES: Final[tuple[tuple[str, str], ...]] = _WORDS["references"]
# (source, weight)
_SOURCES: Final[tuple[tuple[str, int], ...]] = _WORDS["sources"]
_MENTIONS: Final[tuple[str, ...]] = _WORDS["mentions"]
_NEXT_STEPS: Final[tuple[str, ...]] = _WORDS["next_steps"]
_INTERVIEW_NOTES: Final[tuple[str, ...]] = _WORDS["interview_notes"]
_WENT_WELL: Final[tuple[str, ...]] = _WORDS["went_well"]
_WENT_BADLY: Final[tuple[str, ...]] = _WORDS["went_badly"]
_LEARNED_JOB: Final[tuple[str, ...]] = _WORDS["learned_job"]
_LEARNED_ORGANIZATION: Final[tuple[str, ...]] = _WORDS["learned_organization"]
_SKILLS: Final[tuple[str, ...]] = _WORDS["skills"]
# (question, theme, my answer, a better answer)
_QUESTIONS: Final[tuple[tuple[str, str, str, str], ...]] = _WORDS["questions"]
_STAGE_NOTES: Final[tuple[str, ...]] = _WORDS["stage_notes"]
_OPPORTUNITY_NOTES: Final[tuple[str, ...]] = _WORDS["opportunity_notes"]
_ACCEPTANCE: Final[tuple[str, ...]] = _WORDS["acceptance"]
_MANUAL_ACTIONS: Final[tuple[str, ...]] = _WORDS["manual_actions"]
_INTERVIEW_PLACES: Final[dict[str, tuple[str, ...]]] = _WORDS["interview_places"]
_ANSWER_SUBJECT: Final[str] = _WORDS["answer_subject"]
_ANSWER_BODY: Final[str] = _WORDS["answer_body"]


_ASCII: Final = str.maketrans({"á": "a", "í": "i", "ü": "ue", "'": None})


_INTERVIEW_MINUTES: Final = {
    "phone": (30, 30),
    "video": (45, 60),
    "technical": (60, 90),
    "panel": (60, 90),
    "onsite": (180, 240),
    "other": (30, 60),
}

# Where the demo's opportunities stand, with weights: most in the active middle.
_OUTCOMES: Final = (
    ("wishlist", 5),
    ("applied", 21),
    ("screening", 17),
    ("interviewing", 19),
    ("final", 7),
    ("offer", 3),
    ("accepted", 1),
    ("rejected", 15),
    ("withdrawn", 4),
    ("moved_on", 8),
)
_PIPELINE: Final = ("applied", "screening", "interviewing", "final", "offer", "accepted")


@dataclass(frozen=True)
class _Step:
    """A stage after Applied: when it comes, and the interviews held while in it."""

    stage: str
    days_before: tuple[float, float]
    kinds: tuple[str, ...] = ()
    rounds: tuple[int, ...] = (0,)
    days_between: tuple[float, float] = (0, 0)
    # For an opportunity standing in this stage: the chance its next interview is ahead.
    ahead_chance: float = 0.0


_STEPS: Final = (
    _Step("screening", (3, 12), ("phone", "phone", "phone", "video", "video"), (1,), (1, 7), 0.5),
    _Step("interviewing", (1, 4), ("video", "technical", "panel"), (1, 1, 2), (4, 10), 0.35),
    _Step("final", (1, 4), ("onsite", "panel", "other"), (1, 1, 2), (3, 8), 0.4),
    _Step("offer", (3, 9)),
    _Step("accepted", (2, 7)),
)
_ENDINGS: Final = ("rejected", "withdrawn", "moved_on")


def _cumulative(pairs: Sequence[tuple[str, int]]) -> tuple[list[str], list[int]]:
    names, totals, total = [], [], 0
    for name, weight in pairs:
        total += weight
        names.append(name)
        totals.append(total)
    return names, totals


_OUTCOME_CHOICES: Final = _cumulative(_OUTCOMES)
_SOURCE_CHOICES: Final = _cumulative(_SOURCES)


@dataclass(frozen=True)
class _Stages:
    """The database's stage ids by meaning: default names first, stage kinds as fallback."""

    by_outcome: dict[str, int]

    @classmethod
    def from_rows(cls, rows: Sequence[dict[str, Any]]) -> _Stages:
        ordered = sorted(rows, key=lambda row: (row["position"], row["id"]))
        by_name = {row["name"]: int(row["id"]) for row in ordered}
        by_kind: dict[str, list[int]] = {}
        for row in ordered:
            by_kind.setdefault(row["kind"], []).append(int(row["id"]))
        wanted = (
            ("wishlist", "Wishlist", StageKind.PROSPECT, 0),
            ("applied", "Applied", StageKind.ACTIVE, 0),
            ("screening", "Screening", StageKind.ACTIVE, 1),
            ("interviewing", "Interviewing", StageKind.ACTIVE, 2),
            ("final", "Final round", StageKind.FINAL, 0),
            ("offer", "Offer", StageKind.OFFER, 0),
            ("accepted", "Accepted", StageKind.ACCEPTED, 0),
            ("rejected", "Rejected", StageKind.REJECTED, 0),
            ("withdrawn", "Withdrawn", StageKind.WITHDRAWN, 0),
            ("moved_on", "Moved on", StageKind.CLOSED, 0),
        )
        found: dict[str, int] = {}
        for outcome, name, kind, nth in wanted:
            candidates = by_kind.get(kind.value) or by_kind.get(StageKind.ACTIVE.value)
            if name in by_name:
                found[outcome] = by_name[name]
            elif candidates:
                found[outcome] = candidates[min(nth, len(candidates) - 1)]
            else:
                raise FollowupError(
                    _(
                        "The database has no stage of kind {kind!r} for demo data; add one in "
                        "Settings, or use a new database."
                    ).format(kind=kind.value)
                )
        return cls(found)


@dataclass
class _Timeline:
    """One opportunity's history on a day axis starting at 0, before it is anchored."""

    entries: list[tuple[float, str]] = field(default_factory=list)  # (day, outcome stage)
    interviews: list[tuple[float, str]] = field(default_factory=list)  # past (day, kind)
    ahead_kind: str | None = None  # the kind of the one interview still to come
    length: float = 0.0


@dataclass
class _Builder:
    """Accumulates the rows of one demo document."""

    rng: random.Random
    now: datetime
    stages: _Stages
    ids: dict[str, int]
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    companies: list[str] = field(default_factory=list)
    references: list[int] = field(default_factory=list)
    addresses: dict[int, str] = field(default_factory=dict)  # contact -> e-mail (or name)
    rtl_left: list[tuple[str, str]] = field(default_factory=lambda: list(_RTL_NAMES))
    # The employer's answers after interviews come from a generator of their own, so
    # adding them left every other row of a seed exactly as it was.
    answers: random.Random = field(default_factory=lambda: random.Random(0))  # noqa: S311

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def add(self, table: str, row: dict[str, Any]) -> None:
        self.tables.setdefault(table, []).append(row)

    # -- people -------------------------------------------------------------------------

    def person(self) -> tuple[str, str]:
        """A name and an e-mail local part; now and then a right-to-left name."""
        rng = self.rng
        if self.rtl_left and rng.random() < 0.02:
            return self.rtl_left.pop(0)
        if rng.random() < 0.004:
            return rng.choice(_RTL_NAMES)
        first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
        return f"{first} {last}", f"{first}.{last}".lower().translate(_ASCII)

    def contact(self, title: str, domain: str, *, notes: str = "", name: str | None = None) -> int:
        rng = self.rng
        if name is None:
            name, local = self.person()
        else:
            local = name.lower().replace(" ", ".")
        phone = ""
        if rng.random() < 0.35:
            # Numbers set aside for fiction: 555-01xx (North America), 020 7946 0xxx (UK).
            phone = (
                f"+1 555-01{rng.randrange(100):02d}"
                if rng.random() < 0.5
                else f"+44 20 7946 0{rng.randrange(1000):03d}"
            )
        slug = local.replace(".", "-")
        contact_id = self.next_id("contacts")
        email = f"{local}@{domain}" if rng.random() < 0.9 else ""
        self.addresses[contact_id] = email or name
        self.add(
            "contacts",
            {
                "id": contact_id,
                "name": name,
                "title": title,
                "email": email,
                "phone": phone,
                "linkedin": (
                    f"https://www.linkedin.com/in/{slug}-{rng.randrange(100, 1000)}"
                    if rng.random() < 0.4
                    else ""
                ),
                "notes": notes,
            },
        )
        return contact_id

    def link(self, opportunity_id: int, contact_id: int, role: str) -> None:
        self.add(
            "opportunity_contacts",
            {"opportunity_id": opportunity_id, "contact_id": contact_id, "role": role},
        )

    # -- time ---------------------------------------------------------------------------

    def at_local(self, day: date, zone_name: str) -> datetime:
        """A working-hours meeting time on ``day`` in the zone, on the quarter hour, in UTC."""
        hour = self.rng.randrange(9, 17)
        minute = self.rng.choice((0, 0, 15, 30, 30, 45))
        local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(zone_name))
        return local.astimezone(UTC)

    def timeline(self, outcome: str) -> _Timeline:
        """The stages passed and interviews held, in order, with plausible gaps."""
        rng = self.rng
        plan = _Timeline()
        if outcome in _PIPELINE:
            reached = _PIPELINE.index(outcome)
        elif outcome == "wishlist":
            reached = -1
        else:  # a closed opportunity ended somewhere between applying and the final round
            reached = rng.choices(range(4), cum_weights=(3, 6, 10, 12))[0]
        day = 0.0
        if outcome == "wishlist" or rng.random() < 0.25:
            plan.entries.append((day, "wishlist"))
            day += rng.uniform(1, 10)
        if reached >= 0:
            plan.entries.append((day, "applied"))
        for step in _STEPS[: max(reached, 0)]:
            day += rng.uniform(*step.days_before)
            plan.entries.append((day, step.stage))
            if not step.kinds:
                continue
            if outcome == step.stage and rng.random() < step.ahead_chance:
                plan.ahead_kind = rng.choice(step.kinds)
                continue
            for _round in range(rng.choice(step.rounds)):
                day += rng.uniform(*step.days_between)
                plan.interviews.append((day, rng.choice(step.kinds)))
        if outcome in _ENDINGS:
            day += rng.uniform(3, 21)
            plan.entries.append((day, outcome))
        plan.length = day
        return plan

    # -- one opportunity ----------------------------------------------------------------

    def opportunity(self) -> None:
        rng = self.rng
        outcome = rng.choices(_OUTCOME_CHOICES[0], cum_weights=_OUTCOME_CHOICES[1])[0]
        company = rng.choice(self.companies)
        domain = "".join(ch for ch in company.split(" ")[0].lower() if ch.isalnum()) + ".example"
        role = rng.choice(_SENIORITY) + rng.choice(_ROLES)
        place = rng.choice(_LOCATIONS)
        opportunity_id = self.next_id("opportunities")
        plan = self.timeline(outcome)
        still_open = outcome not in (*_ENDINGS, "accepted", "wishlist")
        # The last thing that happened lies a little (open) or a while (closed) in the past:
        # at least 1.2 days, so working hours in any zone on that day are behind us too.
        recency = (
            rng.uniform(1.2, 12) if still_open or outcome == "wishlist" else rng.uniform(2, 150)
        )
        origin = self.now - timedelta(days=plan.length + recency)

        def when(day: float) -> datetime:
            return (origin + timedelta(days=day)).replace(second=0, microsecond=0)

        def during_day(day: float) -> datetime:
            return when(day) + timedelta(minutes=rng.randrange(7 * 60, 18 * 60))

        recruiter, referrer, source = self.company_people(opportunity_id, domain, outcome)
        pool: list[int] = []

        def interviewer() -> int:
            if pool and rng.random() < 0.35:
                return rng.choice(pool)
            contact_id = self.contact(rng.choice(_INTERVIEWER_TITLES), domain)
            pool.append(contact_id)
            self.link(opportunity_id, contact_id, "interviewer")
            return contact_id

        schedule = [
            (self.at_local(when(day).date(), self.interview_zone(place[1])), kind, False)
            for day, kind in plan.interviews
        ]
        if plan.ahead_kind is not None:
            ahead_day = (self.now + timedelta(days=rng.uniform(2, 14))).date()
            schedule.append((self.at_local(ahead_day, place[1]), plan.ahead_kind, True))
        last_end: datetime | None = None
        held: list[tuple[datetime, dict[str, Any]]] = []
        for round_number, (start, kind, ahead) in enumerate(schedule, start=1):
            end = self.interview(
                opportunity_id,
                start,
                kind=kind,
                round_number=round_number,
                zone_name=place[1],
                ahead=ahead,
                recruiter=recruiter,
                interviewer=interviewer,
                role=role,
            )
            if not ahead:
                last_end = end
                held.append((end, self.tables["interviews"][-1]))
        self.employer_answers(
            opportunity_id,
            held,
            [start for start, _kind, _ahead in schedule],
            recruiter,
            answers_last=outcome not in ("rejected", "offer", "accepted", "moved_on"),
            role=f"{role} at {company}",
        )

        previous: str | None = None
        for day, stage in plan.entries:
            self.add(
                "stage_changes",
                {
                    "id": self.next_id("stage_changes"),
                    "opportunity_id": opportunity_id,
                    "from_stage_id": None if previous is None else self.stages.by_outcome[previous],
                    "to_stage_id": self.stages.by_outcome[stage],
                    "changed_at": instant_to_text(during_day(day)),
                    "note": "" if previous is None else rng.choice(_STAGE_NOTES),
                },
            )
            previous = stage
        created = during_day(plan.entries[0][0])
        updated = max(during_day(plan.entries[-1][0]), last_end or created)
        self.outcome_messages(
            opportunity_id,
            outcome,
            recruiter,
            role=f"{role} at {company}",
            decided=during_day(plan.entries[-1][0]),
            last_end=last_end,
        )
        self.add(
            "opportunities",
            {
                "id": opportunity_id,
                "company": company,
                "role": role,
                "link": (
                    f"https://careers.{domain}/jobs/{rng.randrange(1000, 99999)}"
                    if rng.random() < 0.7
                    else ""
                ),
                "location": place[0],
                **self.salary(place[2], place[3]),
                "source": source,
                "referrer_id": referrer,
                "stage_id": self.stages.by_outcome[plan.entries[-1][1]],
                "archived": outcome in _ENDINGS and recency > 60 and rng.random() < 0.25,
                "notes": rng.choice(_OPPORTUNITY_NOTES),
                "acceptance_criteria": (
                    rng.choice(_ACCEPTANCE).format(low=place[3], currency=place[2])
                    if outcome in ("final", "offer", "accepted") and rng.random() < 0.7
                    else ""
                ),
                "start_date": (
                    (updated + timedelta(days=rng.randrange(21, 60))).date().isoformat()
                    if outcome == "accepted" or (outcome == "offer" and rng.random() < 0.5)
                    else None
                ),
                "playbook_overrides": {},
                "created_at": instant_to_text(created),
                "updated_at": instant_to_text(min(updated, self.now)),
            },
        )
        if still_open and rng.random() < 0.05:
            self.manual_action(opportunity_id)

    def employer_answers(
        self,
        opportunity_id: int,
        held: Sequence[tuple[datetime, dict[str, Any]]],
        starts: Sequence[datetime],
        recruiter: int | None,
        *,
        answers_last: bool,
        role: str,
    ) -> None:
        """The employer's word after each interview held: usually later than they said.

        After an interview with a stated timeline the answer comes at that timeline
        times a lateness around 1.6 (hiring runs late, PLAYBOOK section 4), else within
        about a week and a half; always a day or two before the next interview. The last
        interview of a process that ended has its answer in the outcome (the rejection,
        the offer) or in the silence (moved on).
        """
        rng = self.answers
        for index, (end, row) in enumerate(held):
            following = starts[index + 1] if index + 1 < len(starts) else None
            if following is None and not answers_last:
                continue
            stated = row["decision_timeline_days"]
            if row["decision_date"] is not None:
                stated = (date.fromisoformat(row["decision_date"]) - end.date()).days
            if rng.random() >= (0.85 if stated else 0.6):
                continue
            lateness = min(max(rng.lognormvariate(0.47, 0.35), 0.8), 3.2)
            if following is not None:
                # The invitation to the next round comes a day or two before it; what
                # they said at this interview is made to agree with that lateness.
                answer = following - timedelta(days=rng.uniform(1, 2))
                if stated:
                    stated = max(1, round((answer - end) / timedelta(days=1) / lateness))
                    row["decision_timeline_days"] = stated
                    if row["decision_date"] is not None:
                        row["decision_date"] = (end + timedelta(days=stated)).date().isoformat()
            elif stated:
                answer = end + timedelta(days=stated * lateness)
            else:
                answer = end + timedelta(days=rng.uniform(3, 10))
            if answer <= end + timedelta(hours=12):
                continue
            self.message(
                opportunity_id,
                recruiter,
                "received",
                answer,
                subject=_ANSWER_SUBJECT.format(role=role),
                body=_ANSWER_BODY,
            )

    def interview_zone(self, home: str) -> str:
        """Mostly the job's own zone; sometimes the panel sits elsewhere."""
        return home if self.rng.random() < 0.85 else self.rng.choice(_LOCATIONS)[1]

    def company_people(
        self, opportunity_id: int, domain: str, outcome: str
    ) -> tuple[int | None, int | None, str]:
        """Recruiter, HR, referrer, inside contact and references; the source heard from."""
        rng = self.rng
        recruiter = None
        if rng.random() < 0.75:
            recruiter = self.contact(rng.choice(_RECRUITER_TITLES), domain)
            self.link(opportunity_id, recruiter, "recruiter")
        if rng.random() < 0.25:
            self.link(opportunity_id, self.contact(rng.choice(_HR_TITLES), domain), "hr")
        source = rng.choices(_SOURCE_CHOICES[0], cum_weights=_SOURCE_CHOICES[1])[0]
        referrer = None
        if source in ("Referral", "Former colleague") or rng.random() < 0.04:
            referrer = self.contact(rng.choice(_REFERRER_TITLES), domain, notes="Worked together.")
            self.link(opportunity_id, referrer, "referrer")
        if rng.random() < 0.08:
            inside = self.contact(rng.choice(_INTERVIEWER_TITLES), domain, notes="Met at a meetup.")
            self.link(opportunity_id, inside, "inside_contact")
        if outcome in ("final", "offer", "accepted") and self.references and rng.random() < 0.6:
            for reference in rng.sample(self.references, rng.choice((1, 2))):
                self.link(opportunity_id, reference, "reference")
        return recruiter, referrer, source

    def salary(self, currency: str, midpoint: int) -> dict[str, Any]:
        rng = self.rng
        spread = rng.random()
        low = round(midpoint * rng.uniform(0.8, 1.1))
        if spread < 0.7:
            high = round(low * rng.uniform(1.1, 1.3))
            return {
                "salary_min": low * 1000,
                "salary_max": high * 1000,
                "salary_currency": currency,
            }
        if spread < 0.8:
            return {"salary_min": low * 1000, "salary_max": None, "salary_currency": currency}
        return {"salary_min": None, "salary_max": None, "salary_currency": ""}

    def outcome_messages(
        self,
        opportunity_id: int,
        outcome: str,
        recruiter: int | None,
        *,
        role: str,
        decided: datetime,
        last_end: datetime | None,
    ) -> None:
        """The rejection, the offer, or the unanswered check-ins before moving on."""
        rng = self.rng
        if outcome == "rejected":
            self.message(
                opportunity_id,
                recruiter,
                "received",
                decided,
                subject=f"Your application: {role}",
                body="Many thanks for your interest and your time. After careful thought we "
                "have chosen another candidate for this role.",
            )
            if rng.random() < 0.6:
                self.message(
                    opportunity_id,
                    recruiter,
                    "sent",
                    decided + timedelta(hours=5),
                    subject=f"Re: Your application: {role}",
                    body="Thanks for the news, and for all the conversations along the way. "
                    "I would be glad to hear from you if a similar role comes up.",
                )
        elif outcome == "moved_on" and last_end is not None:
            for number in range(rng.choice((1, 2))):
                sent = last_end + timedelta(days=7 * (number + 1) + rng.uniform(0, 2))
                if sent < decided:
                    self.message(
                        opportunity_id,
                        recruiter,
                        "sent",
                        sent,
                        subject=f"Checking in: {role}",
                        body="I remain keen on the role and wondered whether the timing "
                        "has become any clearer.",
                    )
        elif outcome in ("offer", "accepted") and last_end is not None:
            self.message(
                opportunity_id,
                recruiter,
                "received",
                last_end + timedelta(days=rng.uniform(2, 5)),
                subject=f"Offer: {role}",
                body="We are pleased to offer you the role. You will find the details "
                "attached; do ask if anything needs explaining.",
            )

    def interview(
        self,
        opportunity_id: int,
        start: datetime,
        *,
        kind: str,
        round_number: int,
        zone_name: str,
        ahead: bool,
        recruiter: int | None,
        interviewer: Callable[[], int],
        role: str,
    ) -> datetime:
        """Add one interview with its panel, debrief and thank-yous; return its end."""
        rng = self.rng
        interview_id = self.next_id("interviews")
        low, high = _INTERVIEW_MINUTES[kind]
        end = start + timedelta(minutes=rng.randrange(low, high + 1, 15))
        panel: list[int] = []
        if kind == "phone" and recruiter is not None:
            panel.append(recruiter)
        else:
            for _person in range(1 if kind in ("phone", "video") else rng.choice((1, 2, 2, 3))):
                person = interviewer()
                if person not in panel:
                    panel.append(person)
        for position, person in enumerate(panel):
            self.add(
                "interview_participants",
                {
                    "interview_id": interview_id,
                    "contact_id": person,
                    "position": position,
                    "mention": "" if ahead else rng.choice(_MENTIONS),
                },
            )
        timeline = None if ahead or rng.random() < 0.6 else rng.choice((3, 5, 7, 10, 14))
        self.add(
            "interviews",
            {
                "id": interview_id,
                "opportunity_id": opportunity_id,
                "round": round_number,
                "kind": kind,
                "starts_at": instant_to_text(start),
                "ends_at": instant_to_text(end),
                "timezone": zone_name,
                "location": rng.choice(_INTERVIEW_PLACES[kind]),
                "next_steps": "" if ahead or rng.random() < 0.3 else rng.choice(_NEXT_STEPS),
                "decision_timeline_days": timeline,
                "decision_date": (
                    (end + timedelta(days=timeline)).date().isoformat()
                    if timeline is not None and rng.random() < 0.5
                    else None
                ),
                "may_check_in": None if ahead else rng.choice((True, True, True, False, None)),
                "check_back_on": (
                    (end + timedelta(days=rng.randrange(7, 15))).date().isoformat()
                    if not ahead and rng.random() < 0.1
                    else None
                ),
                "preferred_channel": (
                    None if ahead else rng.choice(("email", "email", "phone", None, None))
                ),
                "ical_uid": (
                    f"demo-{interview_id}-{rng.getrandbits(32):08x}@followup.invalid"
                    if rng.random() < 0.3
                    else None
                ),
                "notes": "" if ahead else rng.choice(_INTERVIEW_NOTES),
            },
        )
        if not ahead:
            self.debrief(interview_id, end)
            self.thank_yous(
                opportunity_id, interview_id, panel, end, recruiter=recruiter, role=role
            )
        return end

    def thank_yous(
        self,
        opportunity_id: int,
        interview_id: int,
        panel: list[int],
        end: datetime,
        *,
        recruiter: int | None,
        role: str,
    ) -> None:
        """A note to each panel member (usually), and sometimes the recruiter's reply."""
        rng = self.rng
        if rng.random() >= 0.85:
            return
        for person in panel:
            sent = (end + timedelta(hours=rng.uniform(2, 20))).replace(second=0, microsecond=0)
            if sent > self.now:
                continue
            # The playbook's own thank-you action, already done: re-planning keeps done
            # actions as they are, so the demo does not nag about notes long sent.
            action_id = self.next_id("actions")
            self.add(
                "actions",
                {
                    "id": action_id,
                    "opportunity_id": opportunity_id,
                    "interview_id": interview_id,
                    "contact_id": person,
                    "kind": "thank_you",
                    "plan_key": f"thank_you:interview={interview_id}:contact={person}",
                    "due_at": instant_to_text(end + timedelta(hours=24)),
                    "recipient": self.addresses[person],
                    "channel": "email",
                    "reason": "Send your thanks within a day, before they make up their minds.",
                    "state": "done",
                    "snoozed_until": None,
                    "origin": "generated",
                    "due_edited": False,
                    "created_at": instant_to_text(end),
                    "completed_at": instant_to_text(sent),
                },
            )
            self.message(
                opportunity_id,
                person,
                "sent",
                sent,
                subject=f"Thank you — {role} interview",
                body="Many thanks for today's conversation. Hearing about the team made "
                "me keener still on the role.",
                action_id=action_id,
            )
        if recruiter is not None and rng.random() < 0.3:
            replied = end + timedelta(days=rng.uniform(1, 4))
            check_back = None
            if rng.random() < 0.4:
                check_back = (replied + timedelta(days=rng.randrange(7, 15))).date()
            self.message(
                opportunity_id,
                recruiter,
                "received",
                replied,
                subject=f"Re: Thank you — {role} interview",
                body="Thanks for writing. We are still talking to candidates and will "
                "come back to you.",
                check_back_on=check_back,
            )

    def debrief(self, interview_id: int, end: datetime) -> None:
        """Most past interviews get a submitted debrief, a few a draft, some none."""
        rng = self.rng
        roll = rng.random()
        written = end + timedelta(minutes=rng.randrange(20, 180))
        if roll >= 0.73 or written > self.now:
            return
        submitted = roll < 0.65
        debrief_id = self.next_id("debriefs")
        self.add(
            "debriefs",
            {
                "id": debrief_id,
                "interview_id": interview_id,
                "status": "submitted" if submitted else "draft",
                "went_well": rng.choice(_WENT_WELL),
                "went_badly": rng.choice(_WENT_BADLY) if submitted else "",
                "preparedness": rng.randrange(2, 6) if submitted else None,
                "tied_experience": rng.choice((True, True, False)) if submitted else None,
                "learned_job": rng.choice(_LEARNED_JOB) if submitted else "",
                "learned_organization": rng.choice(_LEARNED_ORGANIZATION) if submitted else "",
                "skills_to_build": rng.choice(_SKILLS) if submitted else "",
                "promised_material": (
                    "my write-up of the data migration" if submitted and rng.random() < 0.2 else ""
                ),
                "updated_at": instant_to_text(written),
                "submitted_at": instant_to_text(written) if submitted else None,
            },
        )
        if not submitted:
            return
        count = rng.choices((0, 1, 2, 3), cum_weights=(4, 7, 9, 10))[0]
        for position, (question, theme, mine, better) in enumerate(rng.sample(_QUESTIONS, count)):
            self.add(
                "stumbled_questions",
                {
                    "id": self.next_id("stumbled_questions"),
                    "debrief_id": debrief_id,
                    "position": position,
                    "question": question,
                    "my_answer": mine,
                    "better_answer": better,
                    "theme": theme,
                    "practiced": rng.random() < 0.3,
                },
            )

    def message(
        self,
        opportunity_id: int,
        contact_id: int | None,
        direction: str,
        moment: datetime,
        *,
        subject: str,
        body: str,
        check_back_on: date | None = None,
        action_id: int | None = None,
    ) -> None:
        """Log an e-mail, unless it would lie in the future."""
        if moment > self.now:
            return
        self.add(
            "correspondence",
            {
                "id": self.next_id("correspondence"),
                "opportunity_id": opportunity_id,
                "contact_id": contact_id,
                "action_id": action_id,
                "direction": direction,
                "channel": "email",
                "occurred_at": instant_to_text(moment.replace(second=0, microsecond=0)),
                "subject": subject,
                "body": body,
                "check_back_on": None if check_back_on is None else check_back_on.isoformat(),
            },
        )

    def manual_action(self, opportunity_id: int) -> None:
        """A to-do the person added by hand, in any of the states."""
        rng = self.rng
        state = rng.choice(("open", "open", "done", "snoozed", "dismissed"))
        created = (self.now - timedelta(days=rng.uniform(1, 6))).replace(second=0, microsecond=0)
        due = created + timedelta(hours=rng.randrange(24, 120))
        self.add(
            "actions",
            {
                "id": self.next_id("actions"),
                "opportunity_id": opportunity_id,
                "interview_id": None,
                "contact_id": None,
                "kind": "custom",
                "plan_key": None,
                "due_at": instant_to_text(due),
                "recipient": "",
                "channel": None,
                "reason": rng.choice(_MANUAL_ACTIONS),
                "state": state,
                "snoozed_until": (
                    instant_to_text(due + timedelta(days=rng.randrange(1, 4)))
                    if state == "snoozed"
                    else None
                ),
                "origin": "manual",
                "due_edited": False,
                "created_at": instant_to_text(created),
                "completed_at": instant_to_text(min(due, self.now)) if state == "done" else None,
            },
        )


def _company_names(rng: random.Random, count: int) -> list[str]:
    """Up to ``count`` distinct invented company names."""
    seen: set[str] = set()
    names: list[str] = []
    capacity = len(_COMPANY_HEADS) * len(_COMPANY_TAILS) * (len(_COMPANY_KINDS) - 2)
    while len(names) < min(count, capacity):
        name = rng.choice(_COMPANY_HEADS) + rng.choice(_COMPANY_TAILS) + rng.choice(_COMPANY_KINDS)
        if name not in seen:
            seen.add(name)
            names.append(name + rng.choice(_LEGAL))
    return names


def populate_demo(
    db: Database, opportunities: int, *, seed: int = 0, now: datetime | None = None
) -> None:
    """Fill an empty database with ``opportunities`` invented opportunities and all around.

    The database must hold no opportunities and no contacts (as for an import); its
    stages and settings are kept. Actions are then planned by the playbook as of ``now``
    (the current time when None). The same ``seed`` and ``now`` give the same data.
    """
    if opportunities < 0:
        raise FollowupError(_("The number of demo opportunities cannot be negative."))
    moment = utcnow() if now is None else ensure_aware(now, "demo time")
    with db.session() as session:
        document = export_data(session)
    if document["opportunities"] or document["contacts"]:
        raise FollowupError(
            _(
                "The database {path} already holds opportunities or contacts; demo data goes "
                "into a new, empty database (choose one with --db)."
            ).format(path=db.path)
        )
    # Not for secrets: a seeded generator is the point, so a seed always gives the same data.
    rng = random.Random(seed)  # noqa: S311
    builder = _Builder(
        rng=rng,
        answers=random.Random(seed + 7919),  # noqa: S311 - seeded on purpose, as above
        now=moment,
        stages=_Stages.from_rows(document["stages"]),
        ids={
            table: max((row["id"] for row in document[table]), default=0)
            for table in (
                "contacts",
                "opportunities",
                "stage_changes",
                "interviews",
                "debriefs",
                "stumbled_questions",
                "actions",
                "correspondence",
            )
        },
    )
    builder.companies = _company_names(rng, max(8, opportunities * 2 // 3))
    if opportunities:
        # The same few references vouch for the person across the whole search.
        builder.references = [
            builder.contact(title, "mail.example", notes="Agreed to be a reference.", name=name)
            for name, title in _REFERENCES
        ]
    with gc_paused():
        for _number in range(opportunities):
            builder.opportunity()
    for table, rows in builder.tables.items():
        document[table].extend(rows)
    # The import (through the service, as every write) plans everything as of ``moment``.
    service = FollowupService(db, clock=lambda: moment)
    service.import_export(document)
    # Settle the past and re-plan until nothing old is left to settle: each settled step
    # unlocks the next one (thank-you, then follow-up 1, then 2, ...), and the demo should
    # look like the search of someone who kept up, with a few slips.
    service.settle_demo_past(rng, moment, SETTLE_ROUNDS)


SETTLE_ROUNDS = 6


def settle_the_past(
    session: Session, rng: random.Random, now: datetime, considered: set[int]
) -> int:
    """Mark most planned actions due over two days ago done, a few dismissed.

    A person who keeps up with Followup has done most of what fell due; without this the
    demo would open on a thousand overdue reminders. Some stay overdue, as in real life:
    an action in ``considered`` was left open on purpose in an earlier round and keeps
    its slip. Returns how many actions changed.
    """
    cutoff = now - timedelta(days=2)
    due = session.execute(
        select(Action.id, Action.due_at)
        .where(
            # Long-past steps are missed by now; the demo person kept up with most.
            Action.state.in_([ActionState.OPEN, ActionState.MISSED]),
            Action.origin == ActionOrigin.GENERATED,
            Action.due_at < cutoff,
        )
        .order_by(Action.id)
    ).all()
    changes: list[dict[str, Any]] = []
    for action_id, due_at in due:
        if action_id in considered:
            continue
        considered.add(action_id)
        roll = rng.random()
        if roll < 0.85:
            completed = min(due_at + timedelta(minutes=rng.randrange(-12 * 60, 30 * 60)), now)
            changes.append(
                {
                    "id": action_id,
                    "state": ActionState.DONE,
                    "completed_at": completed,
                    "created_at": min(completed, due_at),
                }
            )
        elif roll < 0.9:
            changes.append({"id": action_id, "state": ActionState.DISMISSED})
    if changes:
        session.execute(update(Action), changes)
    return len(changes)


__all__ = ["populate_demo"]
