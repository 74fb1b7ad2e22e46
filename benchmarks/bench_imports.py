"""Spreadsheet import and the proof-of-search log at scale.

``run(demo_db)`` reports, in seconds:

* ``import_csv_10k_s`` — a 10,000-row tracker export (Teal-shaped: statuses to guess,
  dates, salaries, links with tracking parameters) planned as a dry run and then
  imported and re-planned, into a new database (median of 3);
* ``proof_of_search_pdf_s`` — the proof-of-search log of the last year of the
  10,000-opportunity demo database, from the query to the written PDF (median of 3).

Run alone with ``python benchmarks/bench_imports.py [DEMO_DB]``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

RUNS = 3
ROWS = 10_000
STATUSES = (
    "Bookmarked",
    "Applied",
    "Phone screen",
    "Interviewing",
    "Offer",
    "Not Selected",
    "I Withdrew",
)


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def make_tracker_export(path: Path, rows: int = ROWS, seed: int = 7) -> None:
    """A Teal-shaped CSV of ``rows`` distinct applications."""
    rng = random.Random(seed)  # noqa: S311 - invented data, not secrets
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        [
            "Company Name",
            "Job Title",
            "Status",
            "Job URL",
            "Location",
            "Salary",
            "Date Saved",
            "Date Applied",
            "Notes",
        ]
    )
    start = date(2026, 1, 1)
    for index in range(rows):
        saved = start + timedelta(days=rng.randrange(300))
        applied = saved + timedelta(days=rng.randrange(1, 10))
        low = rng.randrange(40, 120)
        writer.writerow(
            [
                f"Company {index // 3}",
                f"Engineer {index}",
                rng.choice(STATUSES),
                f"https://jobs.example/{index}/?utm_source=board&trackingId={rng.random()}",
                rng.choice(("Berlin", "Remote", "Hamburg", "Munich")),
                f"€{low}k - €{low + 15}k",
                saved.isoformat(),
                applied.isoformat(),
                "Referred by a friend" if index % 7 == 0 else "",
            ]
        )
    path.write_text(buffer.getvalue(), encoding="utf-8")


def import_seconds(folder: Path, rows: int = ROWS, runs: int = RUNS) -> float:
    from followup_desktop.core.db import open_database
    from followup_desktop.core.imports.plan import ImportOptions, RowAction, plan_import_file
    from followup_desktop.core.services import FollowupService

    source = folder / "tracker-10k.csv"
    make_tracker_export(source, rows)
    timings = []
    for attempt in range(runs):
        target = folder / f"import-{attempt}.sqlite3"
        db = open_database(target)
        try:
            started = time.perf_counter()
            plan = plan_import_file(db, source, ImportOptions())
            FollowupService(db).import_rows(plan)
            timings.append(time.perf_counter() - started)
            assert len(plan.of(RowAction.CREATE)) == rows, plan.summary()
        finally:
            db.close()
    _log(
        f"imports: {rows} rows dry run + import in " + ", ".join(f"{t:.2f}" for t in timings) + " s"
    )
    return statistics.median(timings)


def proof_pdf_seconds(demo_db: Path, folder: Path, runs: int = RUNS) -> float:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from followup_desktop.core.db import open_database
    from followup_desktop.core.imports.proof import proof_of_search
    from followup_desktop.gui.proof_pdf import write_proof_pdf

    today = datetime.now(UTC).date()
    db = open_database(demo_db)
    timings, cpu = [], []
    try:
        for attempt in range(runs):
            out = folder / f"proof-{attempt}.pdf"
            started, started_cpu = time.perf_counter(), time.process_time()
            with db.session() as session:
                log = proof_of_search(session, today - timedelta(days=365), today)
            write_proof_pdf(log, out)
            timings.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        # CPU time beside the wall clock: on a shared machine the wall clock waits for
        # other people's work too.
        _log(
            f"imports: proof of search, {len(log.rows)} applications, "
            f"{out.stat().st_size // 1024} KB, in " + ", ".join(f"{t:.2f}" for t in timings) + " s"
            " (CPU " + ", ".join(f"{t:.2f}" for t in cpu) + " s, load average "
            f"{os.getloadavg()[0]:.2f})"
        )
    finally:
        db.close()
    return statistics.median(timings)


def run(demo_db: Path) -> dict[str, float]:
    """``import_csv_10k_s`` and ``proof_of_search_pdf_s`` (see the module docstring)."""
    folder = Path(tempfile.mkdtemp(prefix="bench-imports-"))
    try:
        return {
            "import_csv_10k_s": import_seconds(folder),
            "proof_of_search_pdf_s": proof_pdf_seconds(demo_db, folder),
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    demo = Path(sys.argv[1]) if len(sys.argv) > 1 else here / ".work" / "demo-10k.sqlite3"
    print(json.dumps(run(demo), indent=2, sort_keys=True))
