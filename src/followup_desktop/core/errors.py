"""Errors the core raises for problems a person can fix.

Each carries a message written for the user: what is wrong and what to do about it.
Anything else that escapes the core is a bug.
"""

from __future__ import annotations

from pathlib import Path


class FollowupError(Exception):
    """Base for every error whose message is meant for the user."""


class ValidationError(FollowupError):
    """Input that cannot be stored as given; ``field`` names what to fix."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFoundError(FollowupError):
    """A record that the caller named does not exist (any more)."""


class DatabaseError(FollowupError):
    """The database file cannot be used; it has not been changed."""

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


class DatabaseTooNewError(DatabaseError):
    """The file was written by a newer Followup than this one."""


class ImportFormatError(FollowupError):
    """An import file is not acceptable; ``json_path`` points at the first problem."""

    def __init__(self, message: str, json_path: str = "$") -> None:
        super().__init__(f"{json_path}: {message}")
        self.json_path = json_path
        self.detail = message
