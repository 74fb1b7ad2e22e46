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
commit through the service (a reply logged, a message sent, a card moved, in turn, each
on another opportunity): the cache reads again only the opportunities the write touched
(triggers note them, see ``StatsCache``), median of 7. The writes themselves are not
timed; the figures after each are checked against a fresh computation (not timed).
``stats_10k_full_read_ms`` / ``stats_10k_full_read_cpu_ms``: the computation when every row
must be read again (the cache cleared: the first computation of a process, what the
command line's ``stats`` costs, or after a migration or a change of the stages), median
of 7.
``stats_10k_first_ms`` / ``stats_10k_first_cpu_ms``: the first computation after the
database is opened (SQLite's page cache empty, as when the page is first shown; the file
is in the operating system's cache).

The writes go to a copy of the demo database, so the demo file stays as built.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path


def _timed(work: Callable[[], object]) -> tuple[float, float]:
    started = time.perf_counter()
    cpu_started = time.process_time()
    work()
    return (time.perf_counter() - started) * 1000, (time.process_time() - cpu_started) * 1000


def run(db_path: Path) -> dict[str, float]:
    """Time :func:`followup_desktop.core.queries.stats.search_stats` over the whole database."""
    with tempfile.TemporaryDirectory(prefix="bench-stats-") as folder:
        copy = Path(folder) / "stats.sqlite3"
        with (
            contextlib.closing(sqlite3.connect(db_path)) as source,
            contextlib.closing(sqlite3.connect(copy)) as target,
        ):
            source.backup(target)
        return _run(copy)


def _run(db_path: Path) -> dict[str, float]:
    from followup_desktop.core.db import open_database
    from followup_desktop.core.models import Direction
    from followup_desktop.core.queries.stats import search_stats
    from followup_desktop.core.services import FollowupService
    from followup_desktop.core.stats import SearchStats, StatsCache, compute_stats
    from followup_desktop.core.timeutil import local_zone, utcnow

    db = open_database(db_path)
    tz = local_zone()
    now = utcnow()
    cache = StatsCache(db.path)
    # Written a little before the figures' moment, as a write seconds before a refresh.
    service = FollowupService(db, clock=lambda: now - timedelta(minutes=5))
    stages = [stage.id for stage in service.stages()]
    found: list[SearchStats] = []

    def compute() -> None:
        found.append(search_stats(db, now, tz, cache=cache))

    def write(round_number: int) -> None:
        opportunity = 101 + 37 * round_number
        written = now - timedelta(hours=1)
        kind = round_number % 3
        if kind == 0:
            service.log_correspondence(opportunity, Direction.RECEIVED, written, subject="News")
        elif kind == 1:
            service.log_correspondence(opportunity, Direction.SENT, written, subject="Hello")
        else:
            service.move_opportunities([opportunity], stages[round_number % len(stages)])

    try:
        first = _timed(compute)
        kept = [_timed(compute) for _ in range(7)]
        result = found[-1]
        after_write = []
        for round_number in range(7):
            write(round_number)
            after_write.append(_timed(compute))
            with db.session(commit=False) as session:
                fresh = compute_stats(session, now, tz)
            assert found[-1] == fresh, f"after write {round_number} the figures differ"
        partial_reads = cache.partial_reads
        full_read = []
        for _ in range(7):
            cache.clear()  # what the command line, a migration or new stages cost
            full_read.append(_timed(compute))
        reads = cache.reads
    finally:
        cache.close()
        db.close()
    assert all(item == result for item in found[:8]), "kept rows gave other figures"
    assert found[-1] == found[8 + 6], "a full read gave other figures"
    assert reads == 15, reads  # the first computation, one after each write, each full read
    assert partial_reads == 7, partial_reads
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
        "stats_10k_full_read_ms": statistics.median(wall for wall, _cpu in full_read),
        "stats_10k_full_read_cpu_ms": statistics.median(cpu for _wall, cpu in full_read),
        "stats_10k_first_ms": first[0],
        "stats_10k_first_cpu_ms": first[1],
    }


if __name__ == "__main__":
    print(json.dumps(run(Path(sys.argv[1])), indent=2))
