"""SQLAlchemy column types of our own: instants stored as naive UTC, read back aware;
action kinds stored as their text, read back as :class:`ActionKind`.

Kept apart from :mod:`timeutil` so that code needing only the clock (the command line,
the window's first paint) does not load SQLAlchemy.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from followup_desktop.core.action_kinds import ActionKind


class UTCDateTime(TypeDecorator[datetime]):
    """A column type for instants: aware in, aware UTC out, naive rejected."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} refused: give it a time zone")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # raw SQL paths hand back text
            value = datetime.fromisoformat(value)
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC)


class ActionKindText(TypeDecorator[ActionKind]):
    """An action's kind: its text in the column, an :class:`ActionKind` in Python.

    Text that is no declared kind (one of the person's own) comes back as an own kind
    (see :meth:`ActionKind.of`), so nothing stored is refused or lost.
    """

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else str(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> ActionKind | None:
        return None if value is None else ActionKind.of(value)


__all__ = ["ActionKindText", "UTCDateTime"]
