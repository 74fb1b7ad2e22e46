"""Calendar timings on a 10,000-opportunity database (copied, never changed).

``calendar_month_query_ms``: reading one month page (42 days, capped per day) with the
decision index already built — the data half of a month switch; the painted
``calendar_month_switch_ms`` needs the calendar page, which is not built yet.
``calendar_decisions_ms``: building the decision index once (off the GUI thread).
``ics_export_10k_s``: writing every interview, open follow-up and decision as .ics.
"""

from __future__ import annotations

import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path


def run(db_path: Path) -> dict[str, float]:
    """Calendar metrics; the export writes SEQUENCE bookkeeping, so it works on a copy."""
    from followup_desktop.core.calendar_query import DecisionIndex, load_decisions, load_range
    from followup_desktop.core.db import open_database
    from followup_desktop.core.ics import export_calendar
    from followup_desktop.core.timeutil import local_zone, utcnow

    folder = Path(tempfile.mkdtemp())
    try:
        copy = folder / "calendar.sqlite3"
        with sqlite3.connect(db_path) as source, sqlite3.connect(copy) as target:
            source.backup(target)
        db = open_database(copy)
        tz = local_zone()
        now = utcnow()
        started = time.perf_counter()
        with db.session() as session:
            index = DecisionIndex(load_decisions(session, tz))
        decisions_ms = (time.perf_counter() - started) * 1000
        month = now.astimezone(tz).date().replace(day=1)
        switches = []
        for step in range(-3, 4):
            first_of_month = (month + timedelta(days=31 * step)).replace(day=1)
            first = first_of_month - timedelta(days=first_of_month.weekday())
            started = time.perf_counter()
            with db.session() as session:
                load_range(session, first, 42, now, tz, per_day=6, decisions=index)
            switches.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        result = export_calendar(db, folder / "all.ics", now=now)
        export_s = time.perf_counter() - started
        print(
            f"calendar: {len(index)} decisions, export of {result.interviews} interviews, "
            f"{result.actions} follow-ups",
            file=sys.stderr,
        )
        db.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "calendar_month_query_ms": statistics.median(switches),
        "calendar_month_query_max_ms": max(switches),
        "calendar_decisions_ms": decisions_ms,
        "ics_export_10k_s": export_s,
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(Path(sys.argv[1])), indent=2))
