"""Search statistics on a 10,000-opportunity database (opened read-only in use).

``stats_10k_ms``: computing every figure of the "Your search" page (funnel by source and
month, time in stage, silence, weekly activity, response times per company and the
timeline multiplier), median of 7 runs after one warm-up, as the page's worker does.
``stats_10k_max_ms``: the slowest of those runs.
``stats_10k_cpu_ms``: the median CPU time of the same runs (the process's own work; on a
shared machine the wall-clock figures also hold the time spent waiting for a core).
``stats_10k_first_ms`` / ``stats_10k_first_cpu_ms``: the warm-up run itself, the first
computation after the database is opened (SQLite's page cache empty, as when the page is
first shown; the file is in the operating system's cache). Nothing is kept between runs:
every run computes everything again.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path


def run(db_path: Path) -> dict[str, float]:
    """Time :func:`followup_desktop.core.stats.compute_stats` over the whole database."""
    from followup_desktop.core.db import open_database
    from followup_desktop.core.stats import compute_stats
    from followup_desktop.core.timeutil import local_zone, utcnow

    db = open_database(db_path)
    tz = local_zone()
    now = utcnow()
    timings = []
    cpu = []
    result = None
    try:
        for _ in range(8):
            started = time.perf_counter()
            cpu_started = time.process_time()
            with db.session() as session:
                result = compute_stats(session, now, tz)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
    finally:
        db.close()
    assert result is not None
    print(
        f"stats: {result.applied} applications, {len(result.companies)} companies, "
        f"{result.calibration.samples} timeline samples",
        file=sys.stderr,
    )
    measured = timings[1:]
    return {
        "stats_10k_ms": statistics.median(measured),
        "stats_10k_max_ms": max(measured),
        "stats_10k_cpu_ms": statistics.median(cpu[1:]),
        "stats_10k_first_ms": timings[0],
        "stats_10k_first_cpu_ms": cpu[0],
    }


if __name__ == "__main__":
    print(json.dumps(run(Path(sys.argv[1])), indent=2))
