"""The import benchmark module measures what it says, on small inputs so the test is quick.

The real figures come from ``benchmarks/run --only imports`` (10,000 rows, and the
10,000-opportunity demo database).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from followup_desktop.core.db import open_database
from followup_desktop.core.demo import populate_demo
from followup_desktop.core.imports.plan import ImportOptions, plan_import_file

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_imports.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_imports", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_generated_export_is_a_teal_file_of_distinct_rows(
    bench: ModuleType, tmp_path: Path
) -> None:
    path = tmp_path / "t.csv"
    bench.make_tracker_export(path, 60)
    db = open_database(tmp_path / "db.sqlite3")
    plan = plan_import_file(db, path, ImportOptions())
    db.close()
    assert plan.format_key == "teal"
    assert not plan.problems
    assert len(plan.rows) == 60
    assert {guess.stage for guess in plan.stage_guesses} >= {"Wishlist", "Screening", "Offer"}


def test_both_timings_run(qapp: object, bench: ModuleType, tmp_path: Path) -> None:
    # qapp: the PDF is drawn by Qt, and a bare QGuiApplication made here would be in the
    # way of every later widget test in this process.
    assert bench.import_seconds(tmp_path, rows=40, runs=1) > 0
    demo = tmp_path / "demo.sqlite3"
    db = open_database(demo)
    populate_demo(db, 30, seed=1)
    db.close()
    assert bench.proof_pdf_seconds(demo, tmp_path, runs=1) > 0
    assert (tmp_path / "proof-0.pdf").read_bytes().startswith(b"%PDF")
