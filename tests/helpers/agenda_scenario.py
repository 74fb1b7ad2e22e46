"""A small agenda for the command-line tests: one overdue call and one step to come."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from followup_desktop.core.db import open_database
from followup_desktop.core.services import FollowupService


def fill_agenda(db_path: Path, now: datetime) -> None:
    """A call to the recruiter three hours overdue at ``now`` (for Acme, to Sam) and a
    portfolio to prepare in three days, each with its reason."""
    db = open_database(db_path)
    service = FollowupService(db, clock=lambda: now)
    opportunity = service.create_opportunity("Acme", "Analyst").created_id
    service.add_action(
        "call_recruiter",
        now - timedelta(hours=3),
        opportunity_id=opportunity,
        reason="They asked for a call.",
        recipient="Sam",
    )
    service.add_action("prepare_portfolio", now + timedelta(days=3), reason="Next round soon.")
    db.close()
