"""The language the stored plan's reasons are written in, readable without SQLAlchemy.

The playbook stores each step's reason in words; the ``plan.language`` setting says in
which language (absent: English, what every plan before it was written in). The
playbook's re-plan rewrites the reasons when the process speaks another language
(:mod:`core.playbook`); a reader that shows stored reasons without re-planning (the
CLI's quick agenda, on a plain driver connection) asks :func:`plan_is_in_language`
first and goes the whole way when it is False. Kept apart from :mod:`core.playbook` so
that asking does not load SQLAlchemy.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Final

#: The setting that holds the language the stored reasons are written in.
PLAN_LANGUAGE_KEY: Final = "plan.language"
#: What an absent setting means: plans made before it existed were written in English.
FIRST_LANGUAGE: Final = "en"


def language_of(raw: object) -> str:
    """The language a stored ``plan.language`` value (JSON text, or None) names."""
    try:
        value = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        value = None  # unreadable: read as the first language, English
    return value if isinstance(value, str) and value else FIRST_LANGUAGE


def plan_is_in_language(connection: sqlite3.Connection, language: str) -> bool:
    """Whether the plan stored behind ``connection`` (a plain driver connection) has its
    reasons in ``language``."""
    row = connection.execute(
        "SELECT value FROM settings WHERE key = ?", (PLAN_LANGUAGE_KEY,)
    ).fetchone()
    return language_of(None if row is None else row[0]) == language


__all__ = ["FIRST_LANGUAGE", "PLAN_LANGUAGE_KEY", "language_of", "plan_is_in_language"]
