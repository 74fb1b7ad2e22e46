"""Test harness: strict, isolated, and honest about missing tools.

Every test gets its own data, config, state and runtime directories and its own database
file, so nothing leaks between tests or into the developer's real files. Qt runs
offscreen unless a test starts a real display itself.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# Before Qt is imported anywhere: tests never need a real screen unless they make one.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REQUIRE_DESKTOP_ENV = "FOLLOWUP_REQUIRE_DESKTOP"


def require_tools(*names: str) -> None:
    """Skip when a tool is missing locally; fail when CI promised to install it."""
    missing = [name for name in names if shutil.which(name) is None]
    if not missing:
        return
    message = f"missing tools: {', '.join(missing)}"
    if os.environ.get(REQUIRE_DESKTOP_ENV) == "1":
        pytest.fail(f"{message} ({REQUIRE_DESKTOP_ENV}=1, so this must run)")
    pytest.skip(message)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point every per-user directory at the test's own temp folder."""
    home = tmp_path / "home"
    for variable, sub in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        folder = home / sub
        folder.mkdir(parents=True)
        monkeypatch.setenv(variable, str(folder))
    runtime = home / "runtime"
    runtime.mkdir(mode=0o700, parents=True)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    monkeypatch.delenv("FOLLOWUP_DB", raising=False)
    previous_hook = sys.excepthook
    yield home
    # main() installs file logging and a hook; close them so no test leaks a file handle.
    from followup_desktop.logs import teardown_logging

    teardown_logging()
    sys.excepthook = previous_hook


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A path for a new database file in the test's temp folder."""
    return tmp_path / "followup.sqlite3"


@pytest.fixture
def database(db_path: Path) -> Iterator[object]:
    """A fresh, migrated database on a real file."""
    from followup_desktop.core.db import open_database

    db = open_database(db_path)
    yield db
    db.close()
