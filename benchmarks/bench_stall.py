"""The longest pause of the GUI thread in a scripted session on the 10,000-opportunity board.

``gui_stall_max_ms`` is the longest gap between two beats of a 5 ms heartbeat timer on the
GUI thread over the whole session; ``gui_stall_<step>_ms`` the longest within one step.
The app is started as a person starts it (``run_gui``, offscreen, isolated home) on a copy
of the demo database; each step is done through the window's own entry points, then the
session waits until the window has settled (its worker idle, the heartbeat beating)
before the next. The steps:

``start`` (first paint until the service is attached, the tray set up and the after-paint
reads done), ``filter`` (typing "enginee" into the search box, a key every 60 ms, and
clearing it),
``move_one`` and ``move_500`` (dropping cards into the next column), ``undo`` (of the 500),
``playbook`` (a playbook setting changed in the settings dialog: every opportunity is
re-planned), ``invitation`` (importing a calendar invitation), ``calendar_open`` (the
month, then its expected decisions once they are read on the worker) and
``calendar_months`` (six months forward), ``editor`` (opening and closing one card),
``debrief`` (opening a debrief form and closing it once the contacts it suggests names
from have arrived from the worker) and ``import_json`` (replacing the
database with a JSON export of itself, as File > Import does).

A gap is what a person would feel as a frozen window; the heartbeat cannot beat while
Python or Qt holds the GUI thread, whatever the work is.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_core import isolated_env

ROOT = Path(__file__).resolve().parent.parent
INVITATION = ROOT / "tests" / "fixtures" / "ics"

SESSION = r"""
import json, os, sys, time
from pathlib import Path
from PySide6.QtCore import QTimer, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from followup_desktop.gui import app as gui_app
from followup_desktop.gui.dialogs import Dialogs

db_path, export_path, invitation_path = (Path(arg) for arg in sys.argv[1:4])
app = gui_app.make_application()


class Heart:
    # The longest gap between beats since reset(); beats every 5 ms when the thread is free.
    def __init__(self):
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(5)
        self.timer.timeout.connect(self.beat)
        self.reset()

    def reset(self):
        self.last = time.perf_counter()
        self.longest = 0.0
        self.beats = 0

    def beat(self):
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        self.last = now
        self.beats += 1

    def measure(self):
        # The gap up to now counts too (a step still blocking when it is read).
        return max(self.longest, time.perf_counter() - self.last) * 1000


class Answering(Dialogs):
    def __init__(self, files):
        self.files = files
        self.on_run = None

    def information(self, parent, text):
        pass

    def warning(self, parent, text):
        print("warning:", text, file=sys.stderr)

    def question(self, parent, text):
        return True

    def open_file(self, parent, title, name_filter):
        return self.files.pop(0) if self.files else None

    def run(self, dialog):
        if self.on_run is not None:
            return self.on_run(dialog)
        return 0


heart = Heart()
results = {}
state = {}


class Sampler:
    # With FOLLOWUP_STALL_TRACE set: while the heartbeat is late by over 30 ms, what the
    # GUI thread is running, sampled every 5 ms from another thread, counted per step by
    # its innermost frames in the project (where to look, not a profile).
    def __init__(self):
        import threading

        self.main = threading.main_thread().ident
        self.step = "start"
        self.counts = {}
        self.armed = False  # from the first paint: before it, nothing is measured
        threading.Thread(target=self.loop, daemon=True).start()

    def loop(self):
        import traceback

        while True:
            time.sleep(0.005)
            if not self.armed or time.perf_counter() - heart.last < 0.03:
                continue
            frame = sys._current_frames().get(self.main)
            if frame is None:
                continue
            stack = traceback.extract_stack(frame)
            ours = [f for f in stack if "followup_desktop" in f.filename][-4:]
            key = " < ".join(
                f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(ours)
            ) or f"{Path(stack[-1].filename).name}:{stack[-1].lineno} {stack[-1].name}"
            per_step = self.counts.setdefault(self.step, {})
            per_step[key] = per_step.get(key, 0) + 1

    def report(self):
        for step, counts in self.counts.items():
            print(f"-- {step}: samples while late", file=sys.stderr)
            for key, count in sorted(counts.items(), key=lambda kv: -kv[1])[:8]:
                print(f"   {count * 5:5d} ms  {key}", file=sys.stderr)


sampler = Sampler() if os.environ.get("FOLLOWUP_STALL_TRACE") else None


def settled():
    window = state["window"]
    return (
        getattr(window, "service_ready", True)
        and window.settled
        and heart.beats >= 3
        and "debrief" not in state
    )


def run_steps(steps):
    if not steps:
        if sampler is not None:
            sampler.report()
        print(json.dumps(results), flush=True)
        # Leave before finalization (see bench_calendar.py): the figures are printed.
        os._exit(0)
    name, action = steps[0]
    if sampler is not None:
        sampler.step = name
    heart.reset()
    started = time.perf_counter()
    action()
    heart.beats = 0

    def check():
        if not settled():
            QTimer.singleShot(5, check)
            return
        results[name] = heart.measure()
        took = 1000 * (time.perf_counter() - started)
        print(f"{name}: {results[name]:.0f} ms (step {took:.0f} ms)", file=sys.stderr, flush=True)
        QTimer.singleShot(20, lambda: run_steps(steps[1:]))

    QTimer.singleShot(0, check)


def window():
    return state["window"]


def typing():
    # 60 ms between keys, 1,000 characters a minute: faster than anyone types. With no
    # pause, the seven keystrokes ran back to back in one call and their pauses added
    # up into one "stall" no person could meet.
    QTest.keyClicks(window().search, "enginee", Qt.KeyboardModifier.NoModifier, 60)
    window().search.clear()


def biggest_column():
    columns = window().board.columns
    return max(range(len(columns) - 1), key=lambda i: columns[i].view.proxy.rowCount())


def move(count):
    def action():
        columns = window().board.columns
        source = biggest_column()
        proxy = columns[source].view.proxy
        ids = [proxy.id_at(row) for row in range(min(count, proxy.rowCount()))]
        window().handle_drop(ids, columns[source + 1].stage.id, 0)
    return action


def playbook():
    def change(dialog):
        spin = dialog.playbook_page.editors["debrief_due_minutes"]
        spin.setValue(spin.value() + 5)
        dialog.apply()
        return 1
    window().dialogs.on_run = change
    window().open_settings()
    window().dialogs.on_run = None


def calendar_months():
    page = window().calendar
    for _ in range(6):
        page.turn_month(1)
        page.repaint()


def editor():
    card = window().board.columns[biggest_column()].view.proxy.id_at(0)
    dialog = window().make_editor(card)
    dialog.show()
    dialog.repaint()
    dialog.close()
    dialog.deleteLater()


def debrief():
    # Closed once the contacts it suggests names from have arrived from the worker (the
    # session waits for that), so the step also holds taking them in.
    dialog = window().new_debrief()
    if dialog is None:
        return
    dialog.repaint()

    def close(*_read):
        dialog.close()
        dialog.deleteLater()
        state.pop("debrief", None)

    if dialog.contacts_ready:
        close()
    else:
        state["debrief"] = dialog
        dialog.contacts_read.connect(close)


def import_json():
    window().dialogs.files = [export_path]
    window().import_file()


STEPS = [
    ("filter", typing),
    ("move_one", move(1)),
    ("move_500", move(500)),
    ("undo", lambda: window().undo_stack.undo()),
    ("playbook", playbook),
    ("invitation", lambda: window().import_calendar_file(invitation_path)),
    ("calendar_open", lambda: window().show_calendar()),
    ("calendar_months", calendar_months),
    ("editor", lambda: (window().show_board(), editor())),
    ("debrief", debrief),
    ("import_json", import_json),
]

report = gui_app._report_first_paint


def watch(window):
    report(window)
    window.dialogs = Answering([])
    window.resize(1600, 1000)
    state["window"] = window

    def painted():
        if sampler is not None:
            sampler.armed = True
        heart.reset()
        heart.timer.start()
        started = time.perf_counter()

        def check():
            if not settled():
                QTimer.singleShot(5, check)
                return
            results["start"] = heart.measure()
            print(f"start: {results['start']:.0f} ms "
                  f"(to settled {1000 * (time.perf_counter() - started):.0f} ms)",
                  file=sys.stderr, flush=True)
            QTimer.singleShot(20, lambda: run_steps(STEPS))

        heart.beats = 0
        QTimer.singleShot(0, check)

    window.first_painted.connect(painted)


gui_app._report_first_paint = watch
sys.exit(gui_app.run_gui(db_path))
"""


def run(db_path: Path) -> dict[str, float]:
    """``gui_stall_max_ms`` and one ``gui_stall_<step>_ms`` per step (see the docstring)."""
    from followup_desktop.core.db import open_database
    from followup_desktop.core.exchange import export_database

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        copy = folder / "stall.sqlite3"
        with sqlite3.connect(db_path) as source, sqlite3.connect(copy) as target:
            source.backup(target)
        export = folder / "export.json"
        db = open_database(copy)
        try:
            export_database(db, export)
        finally:
            db.close()
        invitation = next(iter(sorted(INVITATION.glob("*.ics"))))
        env = isolated_env(folder)
        result = subprocess.run(
            [sys.executable, "-c", SESSION, str(copy), str(export), str(invitation)],
            check=False,
            capture_output=True,
            text=True,
            env=env,
            timeout=900,
        )
        sys.stderr.write(
            "".join(
                f"   {line}\n"
                for line in result.stderr.splitlines()
                if "does not support" not in line
            )
        )
        if result.returncode != 0:
            raise RuntimeError(f"the scripted session failed ({result.returncode})")
    steps = json.loads(result.stdout.strip().splitlines()[-1])
    metrics = {f"gui_stall_{step}_ms": value for step, value in steps.items()}
    metrics["gui_stall_max_ms"] = max(steps.values())
    return metrics


if __name__ == "__main__":
    print(json.dumps(run(Path(sys.argv[1])), indent=2, sort_keys=True))
    os._exit(0)
