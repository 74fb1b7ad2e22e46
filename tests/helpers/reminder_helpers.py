"""Shared builders for the reminder tests: a settable clock and quick records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from followup_desktop.core.db import Database
from followup_desktop.core.models import Action, Opportunity, Setting, Stage


@dataclass
class FakeClock:
    """Wall-clock and monotonic time that only move when a test moves them."""

    now: datetime
    mono: float = 1000.0

    def __call__(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        return self.mono

    def advance(self, delta: timedelta, *, asleep: bool = False) -> None:
        """Move time on; while ``asleep`` only the wall clock moves (suspend)."""
        self.now += delta
        if not asleep:
            self.mono += delta.total_seconds()


def add_opportunity(db: Database, company: str = "Acme", *, archived: bool = False) -> int:
    with db.session() as session:
        stage = session.query(Stage).order_by(Stage.position).first()
        assert stage is not None
        opportunity = Opportunity(
            company=company, role="Engineer", stage_id=stage.id, archived=archived
        )
        session.add(opportunity)
        session.flush()
        return opportunity.id


def add_action(
    db: Database, due_at: datetime, *, opportunity_id: int | None = None, kind: str = "thank_you"
) -> int:
    """An open action, written directly so no planner adds others beside it."""
    with db.session() as session:
        action = Action(opportunity_id=opportunity_id, kind=kind, due_at=due_at, recipient="Dana")
        session.add(action)
        session.flush()
        return action.id


def set_setting(db: Database, key: str, value: object) -> None:
    with db.session() as session:
        setting = session.get(Setting, key)
        if setting is None:
            session.add(Setting(key=key, value=value))
        else:
            setting.value = value


ANY_TIME = {"quiet_hours": False}
