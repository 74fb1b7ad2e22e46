"""How a board column's hand-made card order is stored: one setting per stage
(``board_card_order.<stage id>``: card id -> rank), so a drop writes a few numbers, not
the whole board.

Free of SQLAlchemy, so the window can name these before the database layer loads.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

CARD_ORDER_PREFIX: Final = "board_card_order."


def card_order_key(stage_id: int) -> str:
    """The setting that keeps one column's hand-made order."""
    return f"{CARD_ORDER_PREFIX}{stage_id}"


def ranks_to_setting(ranks: Mapping[int, float]) -> dict[str, float]:
    """The card order as stored (JSON object keys are text)."""
    return {str(key): float(value) for key, value in ranks.items()}


def ranks_from_setting(value: object) -> dict[int, float]:
    """The card order from the settings table (ignores anything malformed)."""
    if not isinstance(value, dict):
        return {}
    ranks: dict[int, float] = {}
    for key, rank in value.items():
        if isinstance(rank, int | float) and str(key).isdigit():
            ranks[int(key)] = float(rank)
    return ranks
