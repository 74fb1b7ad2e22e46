"""The board's stages, for Settings and the editor's stage list."""

from __future__ import annotations

from followup_desktop.core.board import StageSnapshot, load_stages
from followup_desktop.core.db import Database


def stage_list(db: Database) -> list[StageSnapshot]:
    """Every stage in board order, hidden ones included."""
    with db.session() as session:
        return load_stages(session)


__all__ = ["StageSnapshot", "stage_list"]
