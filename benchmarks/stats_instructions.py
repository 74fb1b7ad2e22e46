"""Instructions per search-statistics computation, counted by callgrind (repeatable on a
shared machine, where wall-clock and even CPU times are not).

    valgrind --tool=callgrind --callgrind-out-file=/dev/null \\
        .venv/bin/python benchmarks/stats_instructions.py DB kept|after-write|full-read|compute N

runs N computations after a first one; run it with two values of N and divide the
difference of the "Collected" totals by the difference of N. ``kept`` is the page's
computation with nothing committed since (its cache holds the rows), ``after-write`` the
same after a commit that touched one opportunity (an update that leaves its source as it
was: the cache reads that opportunity again; the update itself is a few thousand
instructions), ``full-read`` the same with the cache cleared (everything read again),
``compute`` the command line's :func:`compute_stats`.
``benchmarks/stats_instructions.sh DB`` does all of it.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main(db_path: Path, how: str, runs: int) -> None:
    from sqlalchemy import text

    from followup_desktop.core.db import open_database
    from followup_desktop.core.queries.stats import search_stats
    from followup_desktop.core.stats import StatsCache, compute_stats
    from followup_desktop.core.timeutil import local_zone, utcnow

    db = open_database(db_path)
    tz = local_zone()
    now = utcnow()
    cache = StatsCache(db.path)
    try:
        for _ in range(runs + 1):
            if how == "compute":
                with db.session() as session:
                    compute_stats(session, now, tz)
                continue
            if how == "after-write":
                with db.session() as session:
                    session.execute(text("UPDATE opportunities SET source = source WHERE id = 101"))
            if how == "full-read":
                cache.clear()
            search_stats(db, now, tz, cache=cache)
    finally:
        cache.close()
        db.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]))
