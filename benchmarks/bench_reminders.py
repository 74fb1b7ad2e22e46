"""reminder_latency_ms: from an action's due time to its notification reaching the bus.

Measured on a real stack (Xvfb, a private session bus, trayer, dunst) with Followup's
tray and scheduler in their own process and the window closed, exactly as the desktop
test runs it. Needs the Debian packages in scripts/system-packages.txt.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "helpers"))

RUNS = 3


def _one_run(workdir: Path) -> float:
    from desktop.stack import DesktopStack, wait_until
    from followup_desktop.core.db import open_database
    from followup_desktop.core.models import Action, Setting
    from followup_desktop.core.timeutil import utcnow

    db_path = workdir / "bench.sqlite3"
    db = open_database(db_path)
    with db.session() as session:
        session.add(Setting(key="reminders", value={"quiet_hours": False}))
        due = utcnow() + timedelta(seconds=4)
        session.add(Action(kind="thank_you", due_at=due, recipient="Dana"))
    db.close()
    with DesktopStack(workdir / "desktop") as stack:
        monitor = stack.monitor()
        app = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "tests" / "helpers" / "desktop" / "reminder_app.py"),
                "--db",
                str(db_path),
                "--settings",
                str(workdir / "qt.ini"),
            ],
            env=stack.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            [notify] = wait_until(lambda: monitor.calls("Notify"), 30, "the reminder")
        finally:
            app.terminate()
            app.wait(timeout=10)
    return float(notify.seen_at - due.timestamp()) * 1000


def run(db_path: Path) -> dict[str, float]:
    """Median latency over a few runs (``db_path`` is not used: each run makes its own)."""
    del db_path
    timings = []
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as folder:
            timings.append(_one_run(Path(folder)))
    print(f"reminder latency runs (ms): {[round(t, 1) for t in timings]}", file=sys.stderr)
    return {"reminder_latency_ms": round(statistics.median(timings), 1)}


if __name__ == "__main__":
    started = time.perf_counter()
    print(run(Path("unused")))
    print(f"took {time.perf_counter() - started:.1f} s", file=sys.stderr)
