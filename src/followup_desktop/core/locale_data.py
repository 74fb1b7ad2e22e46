"""Babel's data for one locale, merged once and kept in the cache directory.

Writing the first date or number of a process made Babel read three files (the root
locale, the language, the territory), merge them key by key and read its global table
to find the parents: about 18 ms, every start of the window and of each command, on the
way to the first paint. The merged result is what Babel keeps in memory for the rest of
the process; this module keeps that same result in a file beside Followup's other
caches (:func:`~followup_desktop.core.paths.cache_dir`), named for Babel's version and
the locale, and hands it to Babel before its first use. Reading it takes under 2 ms.

Only a cache: a file that is missing, unreadable or from another Babel is ignored (and
written again); nothing the person made is in it. Babel keeps its loaded data in
``babel.localedata._cache`` behind ``_cache_lock``; if a later Babel drops those names,
the cache is simply not used.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

#: Set to a path to keep the cache elsewhere, or to an empty string for none (tests).
CACHE_ENV = "FOLLOWUP_LOCALE_CACHE"


def cache_file(name: str) -> Path | None:
    """Where the merged data of locale ``name`` is kept, or None for no cache."""
    import babel

    configured = os.environ.get(CACHE_ENV)
    if configured == "":
        return None
    if configured is not None:
        folder = Path(configured)
    else:
        from followup_desktop.core.paths import cache_dir

        folder = cache_dir() / "locale"
    safe = "".join(c for c in name if c.isalnum() or c in "_-") or "root"
    return folder / f"babel-{babel.__version__}-{safe}.pickle"


def preload(name: str) -> bool:
    """Give Babel the merged data of ``name`` from the cache, writing the cache first if
    there is none; True when Babel now holds it."""
    from babel import localedata

    store: dict[str, Any] | None = getattr(localedata, "_cache", None)
    lock = getattr(localedata, "_cache_lock", None)
    if not isinstance(store, dict) or lock is None:
        return False  # a Babel that keeps its data another way: it loads as it does
    path = cache_file(name)
    if path is None:
        return False
    with lock:
        if store.get(name):
            return True
    data = _read(path)
    if data is None:
        try:
            data = localedata.load(name)
        except (OSError, ValueError):
            return False  # not a locale Babel has: the caller's own call says so
        _write(path, data)
        return True
    with lock:
        store.setdefault(name, data)
    return True


def _read(path: Path) -> dict[str, Any] | None:
    try:
        with path.open("rb") as file:
            # The person's own cache folder, written by _write; Babel's own data files
            # are pickles read the same way. Whoever can write there can already change
            # what the person's session runs.
            data = pickle.load(file)  # noqa: S301
    except FileNotFoundError:
        return None
    except Exception as error:  # a cut or stale file: made again from Babel's own
        log.info("locale cache %s not used: %s", path, error)
        with contextlib.suppress(OSError):
            path.unlink()
        return None
    return data if isinstance(data, dict) and data else None


def _write(path: Path, data: dict[str, Any]) -> None:
    # A whole file or none: written beside, then renamed over.
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Named for this process: two starting at once each write their own, and the
        # second rename replaces a whole file with an equal one.
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            with temporary.open("xb") as file:
                pickle.dump(data, file, protocol=pickle.HIGHEST_PROTOCOL)
            temporary.replace(path)
        except BaseException:
            with contextlib.suppress(OSError):
                temporary.unlink()
            raise
    except (OSError, pickle.PicklingError) as error:
        # A read-only or full cache folder: the next start merges again, that is all.
        log.info("locale cache %s not written: %s", path, error)


__all__ = ["CACHE_ENV", "cache_file", "preload"]
