"""The playbook benchmark module works, on a small database so the test stays quick.

The real figures come from ``benchmarks/run`` on 10,000 opportunities; here the point is
that ``run()`` measures what it says and that its private generator gives the planner
realistic work (open actions of every stage, settled history, a steady state).
"""

from __future__ import annotations

import importlib.util
import shutil
import sqlite3
from pathlib import Path
from types import ModuleType

import pytest

from followup_desktop.core.db import open_database
from followup_desktop.core.playbook import replan_report

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_playbook.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_playbook", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_run_reports_both_timings_and_leaves_the_file_alone(
    bench: ModuleType, tmp_path: Path
) -> None:
    path = tmp_path / "small.sqlite3"
    now = bench.populate(path, opportunities=150, seed=3)
    before = path.read_bytes()
    timings = bench.run(path, runs_all=2, runs_one=3)
    assert set(timings) == {"plan_all_10k_ms", "plan_one_ms"}
    assert all(isinstance(value, float) and value > 0 for value in timings.values())
    assert path.read_bytes() == before
    # The generated search is in a steady state: one more re-plan changes nothing.
    copy = tmp_path / "copy.sqlite3"
    shutil.copy(path, copy)
    db = open_database(copy)
    try:
        with db.session() as session:
            report = replan_report(session, None, now)
        assert (report.inserted, report.updated, report.withdrawn) == (0, 0, 0)
    finally:
        db.close()


def test_the_generator_gives_the_planner_real_work(bench: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "small.sqlite3"
    bench.populate(path, opportunities=150, seed=4)
    with sqlite3.connect(path) as connection:
        states = dict(connection.execute("SELECT state, count(*) FROM actions GROUP BY state"))
        kinds = {row[0] for row in connection.execute("SELECT DISTINCT kind FROM actions")}
    assert states.get("open", 0) > 50
    assert states.get("done", 0) > 50
    assert {"debrief", "thank_you", "status_follow_up", "reply_to_rejection"} <= kinds
