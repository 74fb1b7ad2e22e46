"""Followup idle in the tray, and its memory over a simulated week.

``idle_cpu_pct``: the app started as at login (``--minimized``: the window closed, the tray
icon in a real tray, reminders armed) on a copy of the 10,000-opportunity demo database,
on a real desktop stack (Xvfb, a private session bus, trayer, dunst; see
``tests/desktop/stack.py``). After a settling minute the CPU time the process uses
(user + system, every thread, from ``/proc``) is read over ``FOLLOWUP_IDLE_SECONDS``
(120 by default; the issue's ten minutes are ``FOLLOWUP_IDLE_SECONDS=600``) and given as a
percentage of one core. The rate is what it is over any window of that length: the
app's work when nothing is due is a fixed set of timers (the heartbeat once a minute,
the resync every ten minutes), so two minutes show the same rate as ten give or take one
resync; ``idle_resyncs`` says how many fell in the window. Reminders falling due in the
window are delivered as usual and counted (``idle_notifications``): the demo data has
open actions spread over the coming weeks (in quiet hours they wait, as they should).
``idle_wakeups_per_min`` is the number of context switches of all the process's threads
per minute, an upper bound on its wake-ups (the bus and X connections wake threads too).

``soak_rss_growth_mb``: a simulated week in one process on a copy of the same database:
the reminder scheduler driven by an injected clock from one armed moment to the next
(announcements, the ten-minute resyncs, the tray's status read after each), and the app's
one main window shown from the tray, painted, settled and closed into it again every
eight simulated hours (the window is built once, as ``run_gui`` does). The growth is
the resident size at the end minus after the first simulated day (which warms every
cache); ``soak_rss_growth_last_days_mb`` the same over the last three days only, which
tells memory that keeps growing from native caches and allocator pools settling (the
Python heap's block count and SQLite's own heap are printed per day too: prepared
statements kept by the driver once grew SQLite's by 26 MB a week); ``soak_checks`` and
``soak_window_opens`` say how much was done.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_core import isolated_env

ROOT = Path(__file__).resolve().parent.parent
IDLE_ENV = "FOLLOWUP_IDLE_SECONDS"
SETTLE_S = 60
RESYNC_S = 600


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # utime and stime are fields 14 and 15 (1-based); fields[0] here is field 3.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _context_switches(pid: int) -> int:
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            text = (task / "status").read_text()
        except OSError:
            continue
        for line in text.splitlines():
            if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                total += int(line.split()[1])
    return total


def idle(db_path: Path) -> dict[str, float]:
    """``idle_cpu_pct`` and its companions (see the module docstring)."""
    sys.path.insert(0, str(ROOT / "tests" / "helpers"))
    from desktop.stack import DesktopStack

    seconds = float(os.environ.get(IDLE_ENV, "120"))
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        copy = folder / "idle.sqlite3"
        with sqlite3.connect(db_path) as source, sqlite3.connect(copy) as target:
            source.backup(target)
        with DesktopStack(folder / "desktop") as stack:
            monitor = stack.monitor()
            env = {**isolated_env(folder), **stack.env}
            app = subprocess.Popen(
                [sys.executable, "-m", "followup_desktop", "--db", str(copy), "--minimized"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                # Start-up, the catch-up summary (unless quiet hours hold it) and the
                # first reads all happen in the settling minute.
                time.sleep(SETTLE_S)
                assert app.poll() is None, "the app did not start"
                notified = len(monitor.calls("Notify"))
                cpu, switches = _cpu_seconds(app.pid), _context_switches(app.pid)
                started = time.monotonic()
                time.sleep(seconds)
                elapsed = time.monotonic() - started
                cpu = _cpu_seconds(app.pid) - cpu
                switches = _context_switches(app.pid) - switches
                notified = len(monitor.calls("Notify")) - notified
                assert app.poll() is None, "the app quit while idle"
            finally:
                app.terminate()
                app.wait(timeout=30)
    print(
        f"idle: {cpu:.2f} s of CPU in {elapsed:.0f} s, {switches} context switches, "
        f"{notified} notifications",
        file=sys.stderr,
    )
    return {
        "idle_cpu_pct": 100 * cpu / elapsed,
        "idle_seconds": elapsed,
        "idle_wakeups_per_min": switches / (elapsed / 60),
        "idle_notifications": notified,
        "idle_resyncs": elapsed // RESYNC_S,
    }


SOAK = r"""
import gc, json, sys, tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

app = QApplication([])
from followup_desktop.core.db import open_database
from followup_desktop.core.reminders import ReminderService
from followup_desktop.core.services import FollowupService
from followup_desktop.gui.dialogs import Dialogs
from followup_desktop.gui.main_window import MainWindow
from followup_desktop.gui.scheduler import ReminderScheduler


class Clock:
    def __init__(self):
        self.now = datetime.now(UTC)
        self.mono = 1000.0

    def __call__(self):
        return self.now

    def monotonic(self):
        return self.mono

    def advance_to(self, moment):
        step = max(moment - self.now, timedelta(seconds=1))
        self.now += step
        self.mono += step.total_seconds()


class Counting:
    # A notifier that keeps nothing: the soak measures Followup, not a test double.
    delivered = 0

    def deliver(self, notification):
        Counting.delivered += 1
        return "bench"


def sqlite_mb():
    # SQLite's own heap (page caches, prepared statements), to tell it from Qt's and ours.
    try:
        import ctypes, _sqlite3
        used = ctypes.CDLL(_sqlite3.__file__).sqlite3_memory_used
        used.restype = ctypes.c_int64
        return round(used() / 2**20, 1)
    except (OSError, AttributeError):
        return None


def rss_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


clock = Clock()
db = open_database(Path(sys.argv[1]))
service = FollowupService(db, clock=clock)
reminders = ReminderService(db, clock)
scheduler = ReminderScheduler(
    reminders, service, Counting(), clock=clock, monotonic=clock.monotonic
)
settings = QSettings(str(Path(tempfile.mkdtemp()) / "w.ini"), QSettings.Format.IniFormat)
window = MainWindow(service, dialogs=Dialogs(), settings=settings)  # once, as run_gui does
scheduler.changed.connect(window.apply_change)
gc.freeze()
scheduler.start()
scheduler.timer.stop()  # the clock is driven by hand: no real timer may fire meanwhile
scheduler.heartbeat.stop()
start = clock.now
next_window = start
checks = opens = 0
daily = []
blocks = []  # Python's own allocations, to tell its heap from SQLite's and Qt's
sqlite = []
while clock.now < start + timedelta(days=7):
    if clock.now >= next_window:
        # As the tray does: the one window is shown (it catches up with the clock and
        # re-reads the Today panel), painted, then closed into the tray again.
        window.show()
        window.repaint()
        app.processEvents()
        while not window.settled:
            window.tasks.wait()
            app.processEvents()
        window.hide()
        app.processEvents()
        opens += 1
        next_window += timedelta(hours=8)
    target = scheduler.next_fire or clock.now + timedelta(minutes=10)
    clock.advance_to(min(target, clock.now + timedelta(minutes=10)))
    scheduler.heartbeat_tick()
    scheduler.check()
    scheduler.timer.stop()
    reminders.status(clock.now, UTC, limit=8)  # what the tray reads after every check
    app.processEvents()
    checks += 1
    if clock.now >= start + timedelta(days=len(daily) + 1):
        daily.append(round(rss_mb(), 1))
        blocks.append(sys.getallocatedblocks())
        sqlite.append(sqlite_mb())
end = rss_mb()
print(json.dumps({"growth": end - daily[0], "daily": daily, "end": end, "blocks": blocks,
                  "sqlite": sqlite,
                  "connections": db.engine.pool.checkedin() + db.engine.pool.checkedout(),
                  "checks": checks, "opens": opens, "delivered": Counting.delivered}))
import os
os._exit(0)
"""


def soak(db_path: Path) -> dict[str, float]:
    """``soak_rss_growth_mb`` and its companions (see the module docstring)."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        copy = folder / "soak.sqlite3"
        with sqlite3.connect(db_path) as source, sqlite3.connect(copy) as target:
            source.backup(target)
        env = isolated_env(folder)
        finished = subprocess.run(
            [sys.executable, "-c", SOAK, str(copy)],
            check=False,
            capture_output=True,
            text=True,
            env=env,
            timeout=1800,
        )
        if finished.returncode != 0:
            raise RuntimeError(f"the soak failed: {finished.stderr[-3000:]}")
    result = json.loads(finished.stdout.strip().splitlines()[-1])
    print(
        f"soak: {result['checks']} checks, {result['opens']} window opens, "
        f"{result['delivered']} notifications, {result['connections']} database connections; "
        f"RSS at the end of each day (MB): {result['daily']}, Python blocks: {result['blocks']}, "
        f"SQLite's heap (MB): {result['sqlite']}",
        file=sys.stderr,
    )
    daily = result["daily"]
    return {
        "soak_rss_growth_mb": result["growth"],
        # The last three simulated days alone: growth that goes on, not caches filling.
        "soak_rss_growth_last_days_mb": daily[-1] - daily[-4],
        "soak_checks": result["checks"],
        "soak_window_opens": result["opens"],
    }


def run(db_path: Path) -> dict[str, float]:
    """Every metric of this module on an existing demo database."""
    return {**soak(db_path), **idle(db_path)}


if __name__ == "__main__":
    print(json.dumps(run(Path(sys.argv[1])), indent=2, sort_keys=True))
