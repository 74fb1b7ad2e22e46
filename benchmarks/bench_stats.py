"""Search statistics on a 10,000-opportunity database, computed as the page's worker does.

``stats_10k_ms``: computing every figure of the "Your search" page (funnel by source and
month, time in stage, silence, weekly activity, response times per company and the
timeline multiplier) when nothing was committed since the last computation (a new
period, Refresh, the clock moving on): the page's :class:`StatsCache` has the rows, so
only the figuring is done. Median of 7 runs after the one that read the rows.
``stats_10k_max_ms``: the slowest of those runs.
``stats_10k_cpu_ms``: the median CPU time of the same runs (the process's own work; on a
shared machine the wall-clock figures also hold the time spent waiting for a core).
``stats_10k_after_write_ms`` / ``stats_10k_after_write_cpu_ms``: the computation after a
commit (the cache must read every row again; the command line's ``stats`` costs the
same), median of 7.
``stats_10k_first_ms`` / ``stats_10k_first_cpu_ms``: the first computation after the
database is opened (SQLite's page cache empty, as when the page is first shown; the file
is in the operating system's cache).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path


def _timed(work: Callable[[], object]) -> tuple[float, float]:
    started = time.perf_counter()
    cpu_started = time.process_time()
    work()
    return (time.perf_counter() - started) * 1000, (time.process_time() - cpu_started) * 1000


def run(db_path: Path) -> dict[str, float]:
    """Time :func:`followup_desktop.core.queries.stats.search_stats` over the whole database."""
    from followup_desktop.core.db import open_database
    from followup_desktop.core.queries.stats import search_stats
    from followup_desktop.core.stats import SearchStats, StatsCache
    from followup_desktop.core.timeutil import local_zone, utcnow

    db = open_database(db_path)
    tz = local_zone()
    now = utcnow()
    cache = StatsCache(db.path)
    found: list[SearchStats] = []

    def compute() -> None:
        found.append(search_stats(db, now, tz, cache=cache))

    try:
        first = _timed(compute)
        kept = [_timed(compute) for _ in range(7)]
        after_write = []
        for _ in range(7):
            cache.clear()  # what a commit does to it (a version check costs microseconds)
            after_write.append(_timed(compute))
        reads = cache.reads
    finally:
        cache.close()
        db.close()
    result = found[-1]
    assert all(item == result for item in found), "kept rows gave other figures"
    assert reads == 8, reads  # the first computation and one after each write
    print(
        f"stats: {result.applied} applications, {len(result.companies)} companies, "
        f"{result.calibration.samples} timeline samples",
        file=sys.stderr,
    )
    return {
        "stats_10k_ms": statistics.median(wall for wall, _cpu in kept),
        "stats_10k_max_ms": max(wall for wall, _cpu in kept),
        "stats_10k_cpu_ms": statistics.median(cpu for _wall, cpu in kept),
        "stats_10k_after_write_ms": statistics.median(wall for wall, _cpu in after_write),
        "stats_10k_after_write_cpu_ms": statistics.median(cpu for _wall, cpu in after_write),
        "stats_10k_first_ms": first[0],
        "stats_10k_first_cpu_ms": first[1],
    }


if __name__ == "__main__":
    print(json.dumps(run(Path(sys.argv[1])), indent=2))
