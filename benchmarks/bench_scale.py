"""The board, calendar and start-up metrics again on a 50,000-opportunity demo database.

Every metric of ``bench_board``, ``bench_calendar`` and ``bench_startup.first_paint`` is
measured the same way as on the 10,000-opportunity database and reported with ``_50k``
(``board_load_ms_50k``, ``ics_export_50k_s``, ``first_paint_ratio_50k`` ...), so growth
is visible next to the 10k figures. The database is built once (about half a minute)
and cached in the work folder as ``demo-50k.sqlite3``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import bench_board
import bench_calendar
import bench_startup
from bench_exchange import ensure_demo_db

OPPORTUNITIES = 50_000


def _renamed(metrics: dict[str, float]) -> dict[str, float]:
    return {
        key.replace("_10k", "_50k") if "_10k" in key else f"{key}_50k": value
        for key, value in metrics.items()
    }


def run(workdir: Path) -> dict[str, float]:
    """Every ``*_50k`` metric (see the module docstring)."""
    db_path = ensure_demo_db(workdir / "demo-50k.sqlite3", OPPORTUNITIES)
    metrics: dict[str, float] = {}
    for name, measure in (
        ("board", bench_board.run),
        ("calendar", bench_calendar.run),
        ("first paint", bench_startup.first_paint),
    ):
        print(f"   50k: {name}", file=sys.stderr, flush=True)
        metrics.update(_renamed(measure(db_path)))
    return metrics


if __name__ == "__main__":
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent / ".work"
    print(json.dumps(run(folder), indent=2, sort_keys=True))
