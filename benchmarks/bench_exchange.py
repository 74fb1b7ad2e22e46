"""Exchange timings: build a 10,000-opportunity demo database, export it, import it.

``run(workdir)`` reports, in seconds:

* ``demo_10k_s`` — :func:`populate_demo` of 10,000 opportunities into a new database
  (generation, bulk import and the playbook's planning; opening the file is not timed);
* ``export_10k_s`` — :func:`export_database` of that database (median of 3);
* ``import_10k_s`` — :func:`import_database` of the export into a new database, the
  whole way from reading the file to the commit (median of 3).

:func:`ensure_demo_db` builds (or reuses) the shared demo database the other benchmarks
work on. Progress goes to standard error. Run alone with
``python benchmarks/bench_exchange.py [WORKDIR]``.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

RUNS = 3
OPPORTUNITIES = 10_000
DEMO_SEED = 2026


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _opportunity_count(path: Path) -> int | None:
    """How many opportunities ``path`` holds, or None when it is no usable database."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            row = db.execute("SELECT count(*) FROM opportunities").fetchone()
    except sqlite3.DatabaseError:
        return None
    return int(row[0])


def _demo_now() -> datetime:
    """Noon UTC today: fresh enough to look current, stable across one day's runs."""
    return datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)


def _build_demo(path: Path, opportunities: int) -> float:
    """Build a demo database at ``path``; return the seconds :func:`populate_demo` took."""
    from followup_desktop.core.db import open_database
    from followup_desktop.core.demo import populate_demo

    _remove_database(path)
    db = open_database(path)
    try:
        started = time.perf_counter()
        populate_demo(db, opportunities, seed=DEMO_SEED, now=_demo_now())
        return time.perf_counter() - started
    finally:
        db.close()


def ensure_demo_db(path: Path, n: int) -> Path:
    """A demo database of ``n`` opportunities at ``path``, reused when already there.

    It is built under a temporary name and renamed when complete, so an interrupted
    build is never mistaken for a finished one.
    """
    if path.exists() and _opportunity_count(path) == n:
        _log(f"demo database: reusing {path}")
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    building = path.with_name(f"{path.name}.building")
    _log(f"demo database: building {n} opportunities in {path} ...")
    seconds = _build_demo(building, n)
    _remove_database(path)
    building.replace(path)
    _log(f"demo database: built in {seconds:.1f} s")
    return path


def run(workdir: Path) -> dict[str, float]:
    """``demo_10k_s``, ``export_10k_s`` and ``import_10k_s`` (see the module docstring)."""
    from followup_desktop.core.db import open_database
    from followup_desktop.core.exchange import export_database
    from followup_desktop.core.services.standalone import import_database

    folder = workdir / "bench-exchange"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    try:
        source = folder / "demo.sqlite3"
        demo_s = _build_demo(source, OPPORTUNITIES)
        _log(f"exchange: demo of {OPPORTUNITIES} opportunities in {demo_s:.2f} s")

        export = folder / "export.json"
        export_times = []
        db = open_database(source)
        try:
            for _ in range(RUNS):
                started = time.perf_counter()
                counts = export_database(db, export)
                export_times.append(time.perf_counter() - started)
        finally:
            db.close()
        size_mb = export.stat().st_size / 1e6
        _log(
            f"exchange: export of {sum(counts.values())} rows ({size_mb:.0f} MB) in "
            + ", ".join(f"{t:.2f}" for t in export_times)
            + " s"
        )

        import_times = []
        for attempt in range(RUNS):
            target_path = folder / f"import-{attempt}.sqlite3"
            target = open_database(target_path)
            try:
                started = time.perf_counter()
                import_database(target, export)
                import_times.append(time.perf_counter() - started)
            finally:
                target.close()
            _remove_database(target_path)
        _log("exchange: import in " + ", ".join(f"{t:.2f}" for t in import_times) + " s")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "demo_10k_s": demo_s,
        "export_10k_s": statistics.median(export_times),
        "import_10k_s": statistics.median(import_times),
    }


if __name__ == "__main__":
    workdir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent / ".work"
    print(json.dumps(run(workdir), indent=2, sort_keys=True))
