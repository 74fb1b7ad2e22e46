"""The figures of "Your search" (:mod:`followup_desktop.core.stats`), read in one session."""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from followup_desktop.core.db import Database
from followup_desktop.core.stats import SearchStats, StatsCache, compute_stats


def search_stats(
    db: Database,
    now: datetime,
    tz: tzinfo,
    *,
    start: date | None = None,
    end: date | None = None,
    cache: StatsCache | None = None,
) -> SearchStats:
    """Every figure from ``start`` to ``end`` (local days, both included) as of ``now``.

    With ``cache`` (the page keeps one), what was read last time is used again when
    nothing was committed since; the figures are the same either way.
    """
    if cache is not None:
        return cache.stats(db, now, tz, start=start, end=end)
    with db.session() as session:
        return compute_stats(session, now, tz, start=start, end=end)


__all__ = ["SearchStats", "StatsCache", "search_stats"]
