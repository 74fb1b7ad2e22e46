"""How long a typed key waits before the debrief's draft holds it on disk.

``debrief_key_to_disk_ms``: a key is typed into the debrief's "what went badly" field
every 30 ms, faster than any pause a debounce would wait for, 40 keys per run; for each
key, the time until a stored draft (read back from the SQLite file) contains it. The
figure is the worst key of the median run of 5. The limit is 250 ms: a crash or a power
cut a quarter of a second after a keystroke loses at most that keystroke.
``debrief_saves_per_run``: how many drafts were written while the typing went on (a
draft written only after the typing stopped would lose everything typed on a crash).

Runs in a child process, offscreen, with a fresh database per run, as the window opens
the form.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_core import isolated_env

RUNS = 5
KEYS = 40

SESSION = r"""
import gc, json, sys, time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from followup_desktop.core.db import open_database
from followup_desktop.core.queries.debrief import stored_draft
from followup_desktop.core.services import FollowupService
from followup_desktop.gui.debrief import DebriefDialog

db_path, keys = Path(sys.argv[1]), int(sys.argv[2])
app = QApplication([])
db = open_database(db_path)
now = datetime.now(UTC)
service = FollowupService(db)
opportunity = service.create_opportunity("Acme", "Data Analyst").created_id
interview = service.record_interview(
    opportunity, now - timedelta(hours=3), now - timedelta(hours=2), "Europe/Berlin"
).created_id
dialog = DebriefDialog(service, interview)
dialog.show()
editor = dialog.text["went_badly"]
editor.setFocus()
typed, saves = [], []

def type_one():
    QTest.keyClick(editor, "x")
    typed.append(time.perf_counter())
    if len(typed) >= keys:
        typist.stop()

def saved(_milliseconds):
    draft = stored_draft(db, dialog.snapshot)
    saves.append((time.perf_counter(), len(draft.texts["went_badly"]) if draft else 0))

dialog.draft_saved.connect(saved)
typist = QTimer()
typist.setInterval(30)
typist.timeout.connect(type_one)
# As run_gui does once the app is up.
gc.collect()
gc.freeze()
typist.start()
deadline = time.perf_counter() + 20
while (len(typed) < keys or dialog.has_unsaved_edits()) and time.perf_counter() < deadline:
    app.processEvents()
    time.sleep(0.001)
lags = []
for index, at in enumerate(typed):
    stored_by = next((when for when, length in saves if length > index), None)
    lags.append(None if stored_by is None else (stored_by - at) * 1000)
during = sum(1 for when, _ in saves if typed and when <= typed[-1])
print(json.dumps({"lags": lags, "saves_during": during}))
dialog.close()
db.close()
"""


def _one_run(workdir: Path) -> tuple[float, int]:
    db_path = workdir / "debrief.sqlite3"
    db_path.unlink(missing_ok=True)
    home = workdir / "home"
    home.mkdir(exist_ok=True)
    env = isolated_env(home)
    done = subprocess.run(
        [sys.executable, "-c", SESSION, str(db_path), str(KEYS)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    lags = report["lags"]
    if any(lag is None for lag in lags):
        raise RuntimeError("a typed key never reached the stored draft")
    return max(lags), int(report["saves_during"])


def run(_db_path: Path) -> dict[str, float]:
    """Type into the debrief form RUNS times; report the median run's worst key."""
    with tempfile.TemporaryDirectory(prefix="followup-bench-debrief-") as tmp:
        runs = [_one_run(Path(tmp)) for _ in range(RUNS)]
    worst = [lag for lag, _ in runs]
    print(f"debrief: worst key per run {[round(lag) for lag in worst]} ms", file=sys.stderr)
    return {
        "debrief_key_to_disk_ms": statistics.median(worst),
        "debrief_saves_per_run": float(statistics.median(saves for _, saves in runs)),
    }
