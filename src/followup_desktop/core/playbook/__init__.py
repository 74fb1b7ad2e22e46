"""The follow-up playbook: from what happened to what to do next, and when.

(Placeholder while the engine is being written: ``replan`` plans nothing.)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.orm import Session


def replan(session: Session, opportunity_ids: Iterable[int] | None, now: datetime) -> set[int]:
    """Re-plan the given opportunities (all when None); return ids whose actions changed."""
    del session, opportunity_ids, now
    return set()
