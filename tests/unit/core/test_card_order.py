"""Hand-made card order: dropping cards into a column pins as few cards as it can."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from followup_desktop.gui.commands import place_cards


def board_order(ids: list[int], ranks: dict[int, float], natural: list[int]) -> list[int]:
    """How the board sorts a column: hand-placed cards first, then the natural order."""
    position = {card_id: index for index, card_id in enumerate(natural)}
    return sorted(ids, key=lambda i: (ranks.get(i, math.inf), position.get(i, -1), i))


@st.composite
def drops(draw: st.DrawFn) -> tuple[list[int], dict[int, float], list[int], int | None]:
    size = draw(st.integers(0, 30))
    column = list(range(size))
    pinned = draw(st.integers(0, size))
    # The first ``pinned`` cards carry increasing ranks, as earlier drops leave them.
    steps = draw(st.lists(st.floats(0.001, 5), min_size=pinned, max_size=pinned))
    ranks: dict[int, float] = {}
    rank = draw(st.floats(-50, 50))
    for card_id, step in zip(column[:pinned], steps, strict=True):
        rank += step
        ranks[card_id] = rank
    # Moved cards come from this column or from elsewhere (ids 100 and up).
    inside = draw(st.lists(st.sampled_from(column), unique=True)) if column else []
    outside = draw(st.lists(st.integers(100, 105), unique=True))
    moving = inside + outside
    if not moving:
        moving = [100]
    rest = [card_id for card_id in column if card_id not in moving]
    anchor = draw(st.sampled_from([*rest, None]))
    return column, ranks, moving, anchor


@given(drops())
def test_dropped_cards_land_before_the_anchor_and_nothing_else_moves(
    drop: tuple[list[int], dict[int, float], list[int], int | None],
) -> None:
    column, ranks, moving, anchor = drop
    rest = [card_id for card_id in column if card_id not in moving]
    position = rest.index(anchor) if anchor is not None else len(rest)
    result = place_cards(column, moving, anchor, ranks)
    expected = [*rest[:position], *moving, *rest[position:]]
    assert board_order([*rest, *moving], result, column) == expected
    changed = {key for key in result if result.get(key) != ranks.get(key)}
    # Only the moved cards, and unranked cards above the drop, are pinned.
    assert changed - set(moving) <= set(rest[:position]) - set(ranks)


def test_a_drop_at_the_top_of_an_unsorted_column_pins_one_card() -> None:
    column = list(range(2000))
    result = place_cards(column, [5000], 0, {})
    assert result == {5000: 0.0}


def test_a_crowded_gap_renumbers_only_the_hand_placed_cards() -> None:
    column = [1, 2, 3, 4]
    ranks = {1: 0.0, 2: 1e-10, 3: 2e-10}
    result = place_cards(column, [9], 2, ranks)
    assert board_order([*column, 9], result, column) == [1, 9, 2, 3, 4]
    assert 4 not in result
