"""The PyInstaller bundle: its size on disk and how long it takes to open the window.

``bundle_startup_s`` is the wall time of the whole bundle process (unpacking nothing, as
it is one-folder, then Python, Qt, the database and the first paint) started with
``--quit-after-show`` against a copy of the demo database, offscreen; the median of five
runs after one warm-up run that fills the file cache and applies any pending migration.
Both metrics are skipped, with a note, when the bundle has not been built.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUNDLE_ENV = "FOLLOWUP_BUNDLE_DIR"
RUNS = 5
TIMEOUT_S = 120


def bundle_dir() -> Path:
    """Where the bundle is: ``$FOLLOWUP_BUNDLE_DIR`` or the project's dist/followup-desktop."""
    override = os.environ.get(BUNDLE_ENV)
    return Path(override) if override else ROOT / "dist" / "followup-desktop"


def folder_size_mb(folder: Path) -> float:
    """Bytes of the regular files under ``folder`` (symlinks not followed), in MiB."""
    total = 0
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            total += path.stat().st_size
    return total / (1024 * 1024)


def _copy_database(source: Path, target: Path) -> None:
    # SQLite's backup API: a plain copy would miss what is still in the WAL.
    target.unlink(missing_ok=True)
    with (
        contextlib.closing(sqlite3.connect(source)) as src,
        contextlib.closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)


def _environment(workdir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "FOLLOWUP_DB"}
    home = workdir / "bundle-home"
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        folder = home / name.lower()
        folder.mkdir(parents=True, exist_ok=True)
        env[name] = str(folder)
    runtime = home / "runtime"
    runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
    env["XDG_RUNTIME_DIR"] = str(runtime)
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def _start_once(executable: Path, database: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        [str(executable), "--db", str(database), "--quit-after-show"],
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(
            f"the bundle exited with {result.returncode}:\n{result.stderr.strip()}\n"
            "Rebuild it with scripts/build-bundle and check it with scripts/smoke-bundle."
        )
    return elapsed


def _demo_database(workdir: Path) -> Path:
    """A small demo database for when the runner passes none."""
    sys.path.insert(0, str(ROOT / "src"))
    from followup_desktop.core.db import open_database
    from followup_desktop.core.demo import populate_demo

    path = workdir / "bundle-demo-200.sqlite3"
    if not path.exists():
        db = open_database(path)
        try:
            populate_demo(db, opportunities=200, seed=0)
        finally:
            db.close()
    return path


def run(workdir: Path, demo_db: Path | None) -> dict[str, float]:
    """``bundle_mb`` and ``bundle_startup_s``, or {} when there is no bundle."""
    folder = bundle_dir()
    executable = folder / (
        "followup-desktop.exe" if sys.platform == "win32" else "followup-desktop"
    )
    if not executable.is_file():
        print(
            f"   bundle: skipped, {executable} is not built (run scripts/build-bundle)",
            file=sys.stderr,
        )
        return {}
    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / "bundle-startup.sqlite3"
    _copy_database(demo_db if demo_db is not None else _demo_database(workdir), database)
    env = _environment(workdir)
    _start_once(executable, database, env)  # warm-up: file cache, pending migrations
    times = [_start_once(executable, database, env) for _ in range(RUNS)]
    print(
        "   bundle startup runs: " + ", ".join(f"{value:.2f}" for value in times) + " s",
        file=sys.stderr,
    )
    return {"bundle_mb": folder_size_mb(folder), "bundle_startup_s": statistics.median(times)}


if __name__ == "__main__":
    import json
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        print(json.dumps(run(Path(scratch), None), indent=2))
