"""An app process on the test desktop, and the due reminder the desktop tests wait for."""

from __future__ import annotations

import subprocess
import threading
from datetime import timedelta

from desktop.stack import wait_until
from followup_desktop.core.db import Database
from followup_desktop.core.models import Action, Opportunity, Stage
from followup_desktop.core.timeutil import utcnow


class AppProcess:
    """A Followup process (the app or a harness) and the lines it printed."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, prefix: str, timeout: float = 20) -> str:
        def found() -> str | None:
            if self.process.poll() is not None and not any(
                line.startswith(prefix) for line in self.lines
            ):
                raise AssertionError("the app exited early:\n" + "\n".join(self.lines))
            return next((line for line in self.lines if line.startswith(prefix)), None)

        return str(wait_until(found, timeout, f"{prefix!r} from the app; got {self.lines}"))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._reader.join(timeout=5)
        if self.process.stdout is not None:
            self.process.stdout.close()


def add_thank_you(db: Database, due_in: timedelta) -> tuple[int, float]:
    """A thank-you due ``due_in`` from now; returns its id and due time (epoch seconds)."""
    with db.session() as session:
        stage = session.query(Stage).order_by(Stage.position).first()
        assert stage is not None
        opportunity = Opportunity(
            company="Müller & <Söhne>", role="Data engineer", stage_id=stage.id
        )
        session.add(opportunity)
        session.flush()
        due = utcnow() + due_in
        action = Action(
            opportunity_id=opportunity.id,
            kind="thank_you",
            due_at=due,
            recipient="Dana Example",
            reason="Thank them within a day while the conversation is fresh.",
        )
        session.add(action)
        session.flush()
        return action.id, due.timestamp()
