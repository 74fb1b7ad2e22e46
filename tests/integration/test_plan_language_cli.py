"""The command line in another language rewrites the stored reasons through its re-plan."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from followup_desktop.core.db import open_database
from followup_desktop.core.models import Action, ActionState
from followup_desktop.core.playbook import plan_language
from followup_desktop.core.services import FollowupService
from followup_desktop.core.timeutil import utcnow


def test_a_german_agenda_rewrites_an_english_plan_and_keeps_what_is_done(db_path: Path) -> None:
    db = open_database(db_path)
    service = FollowupService(db)
    now = utcnow()
    opportunity = service.create_opportunity("Acme", "Analyst").created_id
    assert opportunity is not None
    service.record_interview(opportunity, now - timedelta(hours=5), now - timedelta(hours=4), "UTC")
    with db.session() as session:
        before = session.execute(select(Action.id, Action.reason).order_by(Action.id)).all()
    done = before[0].id
    service.complete_action(done)
    db.close()

    result = subprocess.run(
        [sys.executable, "-m", "followup_desktop", "--db", str(db_path), "agenda", "--json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={**os.environ, "FOLLOWUP_LANGUAGE": "de"},
    )
    assert result.returncode == 0, result.stderr
    shown = [row["reason"] for row in json.loads(result.stdout) if row["company"] == "Acme"]
    assert shown and all("Gespräch" in reason for reason in shown), shown

    db = open_database(db_path)
    try:
        with db.session() as session:
            after = dict(session.execute(select(Action.id, Action.reason)).all())
            states = dict(session.execute(select(Action.id, Action.state)).all())
            assert plan_language(session) == "de"
    finally:
        db.close()
    assert set(after) == {row.id for row in before}
    assert states[done] is ActionState.DONE
    assert after[done] == before[0].reason  # the words the person saw when it was done
    for row in before[1:]:
        assert after[row.id] != row.reason
