"""Playbook timings: re-plan a whole 10,000-opportunity database, and one opportunity.

``run(db_path)`` works on a copy of ``db_path`` (the file is left untouched), brings the copy
to a steady state with one full re-plan, then reports the median of several runs:

* ``plan_all_10k_ms`` — ``replan_all`` over every opportunity (load, plan, diff, write);
* ``plan_one_ms`` — ``replan`` of one opportunity right after an edit to its interview,
  as the service layer does after every change (the edit itself is not timed).

Run it alone with ``python benchmarks/bench_playbook.py [DB]``; without a database it
builds one with :func:`populate`, a small generator kept here so this benchmark does not
depend on the demo generator.
"""

from __future__ import annotations

import contextlib
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

RUNS_ALL = 7
RUNS_ONE = 31


def _copy(source: Path, target: Path) -> None:
    with (
        contextlib.closing(sqlite3.connect(source)) as src,
        contextlib.closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)


def _clock(db_path: Path) -> datetime:
    """A clock that fits the data (three hours after its last interview), so runs repeat."""
    with contextlib.closing(sqlite3.connect(db_path)) as connection:
        (latest,) = connection.execute("SELECT max(ends_at) FROM interviews").fetchone()
    if latest is None:
        return datetime.now(UTC)
    return datetime.fromisoformat(latest).replace(tzinfo=UTC) + timedelta(hours=3)


def run(db_path: Path, runs_all: int = RUNS_ALL, runs_one: int = RUNS_ONE) -> dict[str, float]:
    """Median ``plan_all_10k_ms`` and ``plan_one_ms`` on a copy of ``db_path``."""
    from sqlalchemy import func, select, update

    from followup_desktop.core.db import open_database
    from followup_desktop.core.models import Interview, Opportunity, Stage, StageKind
    from followup_desktop.core.playbook import replan, replan_all, replan_report

    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "bench.sqlite3"
        _copy(db_path, copy)
        now = _clock(copy)
        db = open_database(copy)
        try:
            with db.session() as session:
                warm_up = replan_report(session, None, now)
                count = session.scalar(select(func.count()).select_from(Opportunity))
            print(
                f"playbook: {count} opportunities, {warm_up.planned} open planned actions "
                f"(first re-plan: +{warm_up.inserted} ~{warm_up.updated} "
                f"-{warm_up.withdrawn})",
                file=sys.stderr,
            )
            all_ms = []
            for _ in range(runs_all):
                with db.session() as session:
                    started = time.perf_counter()
                    replan_all(session, now)
                    all_ms.append((time.perf_counter() - started) * 1000)
            with db.session() as session:
                candidates = session.execute(
                    select(Interview.id, Interview.opportunity_id)
                    .join(Opportunity, Opportunity.id == Interview.opportunity_id)
                    .join(Stage, Stage.id == Opportunity.stage_id)
                    .where(Stage.kind == StageKind.ACTIVE, Opportunity.archived.is_(False))
                    .order_by(Interview.id)
                ).all()
            if not candidates:
                raise RuntimeError("the database has no active opportunity with an interview")
            picker = random.Random(7)  # noqa: S311 - picks benchmark rows, not secrets
            one_ms = []
            for index in range(runs_one):
                interview_id, opportunity_id = picker.choice(candidates)
                session = db.sessions()
                try:
                    session.begin()
                    # An edit that changes the plan: they named a new decision timeline.
                    session.execute(
                        update(Interview)
                        .where(Interview.id == interview_id)
                        .values(decision_timeline_days=3 + index % 20)
                    )
                    started = time.perf_counter()
                    replan(session, [opportunity_id], now)
                    one_ms.append((time.perf_counter() - started) * 1000)
                finally:
                    session.rollback()
                    session.close()
        finally:
            db.close()
    return {
        "plan_all_10k_ms": statistics.median(all_ms),
        "plan_one_ms": statistics.median(one_ms),
    }


# -- a private generator -------------------------------------------------------------------

_FIRST = ("Dana", "Sam", "Rita", "Noor", "Jonas", "Mia", "Lee", "Ana", "Tomás", "Priya", "Ken")
_LAST = ("Levi", "Ortiz", "Berg", "Haddad", "Kim", "Novak", "Silva", "Okafor", "Weber", "Sato")
_COMPANIES = ("Northwind", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Acme")
_ROLES = ("Data Engineer", "Backend Developer", "Product Designer", "QA Lead", "SRE")
# (stage kind, share of opportunities, interviews so far): shaped like the demo data, most
# of the search in the active middle, where the playbook has the most to do.
_MIX = (
    ("prospect", 0.05, (0,)),
    ("active", 0.21, (0,)),  # applied
    ("active", 0.17, (1,)),  # screening
    ("active", 0.19, (1, 2, 3)),  # interviewing
    ("final", 0.07, (2, 3, 4)),
    ("offer", 0.03, (3, 4)),
    ("accepted", 0.01, (3, 4)),
    ("rejected", 0.15, (0, 1, 2)),
    ("withdrawn", 0.04, (0, 1)),
    ("closed", 0.08, (0, 1, 2)),
)
_ENDED = frozenset({"rejected", "withdrawn", "closed", "accepted"})


class _Generator:
    """Rows for a plausible search, as dictionaries for bulk inserts."""

    def __init__(self, seed: int, now: datetime, stage_ids: dict[str, int]) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - invented data, seeded on purpose
        self.now = now
        self.stage_ids = stage_ids
        self.tables: dict[str, list[dict[str, Any]]] = {
            name: []
            for name in (
                "contacts",
                "opportunities",
                "stage_changes",
                "opportunity_contacts",
                "interviews",
                "participants",
                "debriefs",
                "correspondence",
            )
        }

    def contact(self) -> int:
        rng = self.rng
        ident = len(self.tables["contacts"]) + 1
        self.tables["contacts"].append(
            {
                "id": ident,
                "name": f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
                "title": "",
                "email": "" if rng.random() < 0.15 else f"p{ident}@example.com",
                "phone": "" if rng.random() < 0.5 else f"+49 30 {ident:07d}",
                "linkedin": "",
                "notes": "",
            }
        )
        return ident

    def link(self, opportunity_id: int, contact_id: int, role: str) -> None:
        self.tables["opportunity_contacts"].append(
            {"opportunity_id": opportunity_id, "contact_id": contact_id, "role": role}
        )

    def opportunity(self, ident: int) -> None:
        rng = self.rng
        weights = [share for _, share, _ in _MIX]
        kind, _, rounds = _MIX[rng.choices(range(len(_MIX)), weights)[0]]
        age = rng.uniform(0, 400) if kind in _ENDED else rng.uniform(0, 60)
        created = self.now - timedelta(days=age + 3)
        recruiter = self.contact()
        self.link(ident, recruiter, "recruiter")
        referrer = self.contact() if rng.random() < 0.15 else None
        if referrer is not None:
            self.link(ident, referrer, "referrer")
        if kind in {"final", "offer"} and rng.random() < 0.7:
            self.link(ident, self.contact(), "reference")
        self.tables["opportunities"].append(
            {
                "id": ident,
                "company": f"{rng.choice(_COMPANIES)} {ident}",
                "role": rng.choice(_ROLES),
                "stage_id": self.stage_ids[kind],
                "archived": kind in {"closed", "withdrawn"} and rng.random() < 0.5,
                "referrer_id": referrer,
                "acceptance_criteria": "at least 70k, hybrid" if rng.random() < 0.5 else "",
                "start_date": (self.now + timedelta(days=40)).date()
                if kind == "accepted"
                else None,
                "playbook_overrides": {"double_timeline": False} if rng.random() < 0.03 else {},
                "created_at": created,
                "updated_at": created,
            }
        )
        self.tables["stage_changes"].append(
            {
                "opportunity_id": ident,
                "to_stage_id": self.stage_ids["active"],
                "changed_at": created,
                "note": "",
            }
        )
        last_end = self.interviews(ident, created, rng.choice(rounds), recruiter)
        if kind not in {"prospect", "active"}:
            moved = min(
                self.now - timedelta(hours=1), last_end + timedelta(days=rng.uniform(3, 20))
            )
            self.tables["stage_changes"].append(
                {
                    "opportunity_id": ident,
                    "from_stage_id": self.stage_ids["active"],
                    "to_stage_id": self.stage_ids[kind],
                    "changed_at": moved,
                    "note": "",
                }
            )

    def interviews(
        self, opportunity_id: int, created: datetime, count: int, writer: int
    ) -> datetime:
        rng = self.rng
        when = created + timedelta(days=rng.uniform(2, 10))
        last_end = when
        for round_number in range(1, count + 1):
            ident = len(self.tables["interviews"]) + 1
            hour = rng.choice((8, 9, 10, 13, 14, 15))
            start = when.replace(hour=hour, minute=0, second=0, microsecond=0)
            end = start + timedelta(minutes=rng.choice((30, 45, 60, 90)))
            last_end = end
            self.tables["interviews"].append(
                {
                    "id": ident,
                    "opportunity_id": opportunity_id,
                    "round": round_number,
                    "kind": rng.choice(("phone", "video", "onsite", "panel")),
                    "starts_at": start,
                    "ends_at": end,
                    "timezone": "Europe/Berlin",
                    "location": "",
                    "next_steps": "",
                    "decision_timeline_days": rng.choice((None, None, 5, 7, 10, 14)),
                    "decision_date": None,
                    "may_check_in": rng.choice((None, True, True, False)),
                    "check_back_on": (end + timedelta(days=12)).date()
                    if rng.random() < 0.1
                    else None,
                    "preferred_channel": rng.choice((None, None, "email", "phone")),
                    "ical_uid": None,
                    "notes": "",
                }
            )
            for position in range(rng.choice((1, 1, 2, 3))):
                person = self.contact()
                self.tables["participants"].append(
                    {
                        "interview_id": ident,
                        "contact_id": person,
                        "position": position,
                        "mention": "the migration project" if rng.random() < 0.4 else "",
                    }
                )
                self.link(opportunity_id, person, "interviewer")
            if rng.random() < 0.7:
                self.tables["debriefs"].append(
                    {
                        "interview_id": ident,
                        "status": "submitted" if rng.random() < 0.8 else "draft",
                        "promised_material": "a code sample" if rng.random() < 0.3 else "",
                        "updated_at": end,
                    }
                )
            if rng.random() < 0.3:
                self.tables["correspondence"].append(
                    {
                        "opportunity_id": opportunity_id,
                        "contact_id": writer,
                        "direction": "received",
                        "channel": "email",
                        "occurred_at": end + timedelta(days=rng.uniform(1, 6)),
                        "subject": "Next steps",
                        "body": "",
                        "check_back_on": None,
                    }
                )
            when = end + timedelta(days=rng.uniform(5, 12))
        return last_end


def populate(db_path: Path, opportunities: int = 10_000, seed: int = 1) -> datetime:
    """Fill a new database at ``db_path`` with invented data; return the "now" it fits.

    Plausible, not pretty: interviews with panels, debriefs, replies and stage history;
    then three rounds of planning in which most past-due actions are marked done, so the
    actions table looks like a search that has been going on for a while.
    """
    from sqlalchemy import Table, bindparam, insert, select, update

    from followup_desktop.core.db import open_database
    from followup_desktop.core.models import (
        Action,
        ActionState,
        Contact,
        Correspondence,
        Debrief,
        Interview,
        InterviewParticipant,
        Opportunity,
        OpportunityContact,
        Stage,
        StageChange,
    )
    from followup_desktop.core.playbook import replan_all

    now = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
    models = {
        "contacts": Contact,
        "opportunities": Opportunity,
        "stage_changes": StageChange,
        "opportunity_contacts": OpportunityContact,
        "interviews": Interview,
        "participants": InterviewParticipant,
        "debriefs": Debrief,
        "correspondence": Correspondence,
    }
    db = open_database(db_path)
    try:
        with db.session() as session:
            # Several default stages share a kind; any one of them will do.
            stage_ids = {
                str(kind.value): ident
                for ident, kind in session.execute(select(Stage.id, Stage.kind))
            }
            generator = _Generator(seed, now, stage_ids)
            for ident in range(1, opportunities + 1):
                generator.opportunity(ident)
            for name, model in models.items():
                if generator.tables[name]:
                    session.execute(insert(model), generator.tables[name])
        actions = Action.__table__
        assert isinstance(actions, Table)
        for _ in range(3):
            with db.session() as session:
                replan_all(session, now)
                due = session.execute(
                    select(Action.id, Action.due_at).where(
                        Action.state == ActionState.OPEN, Action.due_at < now
                    )
                ).all()
                done = [
                    {"target": ident, "when": when}
                    for ident, when in due
                    if generator.rng.random() < 0.9
                ]
                if done:
                    session.execute(
                        update(actions)
                        .where(actions.c.id == bindparam("target"))
                        .values(state=ActionState.DONE, completed_at=bindparam("when")),
                        done,
                    )
        with db.session() as session:
            replan_all(session, now)
    finally:
        db.close()
    return now


def main() -> int:
    """``python benchmarks/bench_playbook.py [DB]``: print the timings as JSON."""
    import json

    if len(sys.argv) > 1:
        print(json.dumps(run(Path(sys.argv[1])), indent=2))
        return 0
    keep = Path(__file__).with_name(".work") / "playbook-10k.sqlite3"
    if not keep.exists():
        keep.parent.mkdir(exist_ok=True)
        started = time.perf_counter()
        populate(keep)
        print(f"populated {keep} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    print(json.dumps(run(keep), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
