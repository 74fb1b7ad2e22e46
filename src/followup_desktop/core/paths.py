"""Where Followup keeps its files, overridable for tests and portable use.

Qt-free on purpose: the command line must find the same database as the window.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from followup_desktop import APP_NAME

DB_ENV = "FOLLOWUP_DB"
DB_FILENAME = "followup.sqlite3"


def data_dir() -> Path:
    """The per-user data directory (``~/.local/share/Followup`` on Linux)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    """The per-user state/log directory (``~/.local/state/Followup/log`` on Linux)."""
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """The per-user cache directory (``~/.cache/Followup`` on Linux): only what can be
    made again, so deleting it loses nothing."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def default_db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The database to open: ``--db`` first, then ``$FOLLOWUP_DB``, then the data dir."""
    if explicit:
        return Path(explicit).expanduser().absolute()
    from_env = os.environ.get(DB_ENV)
    if from_env:
        return Path(from_env).expanduser().absolute()
    return data_dir() / DB_FILENAME
