"""SEQUENCE bookkeeping: an item's SEQUENCE goes up when its content changed.

Kept in the ``calendar.sequences`` setting as ``{uid: [sequence, digest]}``. The export
bumps a sequence when an item's digest changed since the last export; the import
remembers the sequence an invitation carried, so the next export is newer than it.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy.orm import Session

from followup_desktop.core.models import Setting

SEQUENCES_SETTING = "calendar.sequences"


def digest(*parts: object) -> str:
    """A short, stable digest of an item's content."""
    text = "\x1f".join("" if part is None else str(part) for part in parts)
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:16]


class Sequences:
    """SEQUENCE per UID, bumped when an item's content digest changed since last time."""

    def __init__(self, stored: Any) -> None:
        self.entries: dict[str, list[Any]] = {}
        if isinstance(stored, dict):
            for uid, value in stored.items():
                if isinstance(value, list) and len(value) == 2 and isinstance(value[0], int):
                    self.entries[str(uid)] = [value[0], str(value[1])]
        self.changed = False

    def sequence(self, uid: str, digest: str) -> int:
        entry = self.entries.get(uid)
        if entry is None:
            self.entries[uid] = [0, digest]
            self.changed = True
            return 0
        if entry[1] != digest:
            entry[0] += 1
            entry[1] = digest
            self.changed = True
        return int(entry[0])

    def base(self, uid: str, sequence: int) -> None:
        """Remember a sequence seen in an invitation, so our next export is newer."""
        entry = self.entries.get(uid)
        if entry is None or entry[0] < sequence:
            self.entries[uid] = [sequence, ""]
            self.changed = True


def read_sequences(session: Session) -> tuple[Setting | None, Sequences]:
    """The stored setting (None before the first export or import) and its sequences."""
    setting = session.get(Setting, SEQUENCES_SETTING)
    return setting, Sequences(None if setting is None else setting.value)


def store_sequences(session: Session, setting: Setting | None, sequences: Sequences) -> None:
    """Write the sequences back to the setting, when anything changed."""
    if not sequences.changed:
        return
    value = {uid: list(entry) for uid, entry in sequences.entries.items()}
    if setting is None:
        session.add(Setting(key=SEQUENCES_SETTING, value=value))
    else:
        setting.value = value


__all__ = ["SEQUENCES_SETTING", "Sequences", "digest", "read_sequences", "store_sequences"]
