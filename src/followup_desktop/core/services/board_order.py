"""The board-order room of the service: cards moved between columns with their places.

A column's hand-made order is kept as one setting per stage (see
:mod:`followup_desktop.core.card_order`). A move and the
ranks it leaves are one transaction: the board never shows moved cards in an old order.
"""

from __future__ import annotations

from collections.abc import Mapping

from followup_desktop.core.card_order import card_order_key, ranks_to_setting
from followup_desktop.core.change import Change
from followup_desktop.core.models import Stage
from followup_desktop.core.services.opportunities import OpportunitiesMixin


class BoardOrderMixin(OpportunitiesMixin):
    """Cards placed in a column by hand, moved together with their stage changes."""

    def move_cards(
        self,
        stages: Mapping[int, int],
        *,
        order_stage_id: int | None = None,
        ranks: Mapping[int, float] | None = None,
        note: str = "",
    ) -> Change:
        """Move each card (opportunity id -> stage id) and store ``order_stage_id``'s
        column order ``ranks``, all in one transaction.

        Undoing a multi-column move sends cards back to several stages at once, hence a
        stage per card.
        """
        by_stage: dict[int, list[int]] = {}
        for opportunity_id, stage_id in stages.items():
            by_stage.setdefault(stage_id, []).append(opportunity_id)
        with self._write() as session:
            moved: list[int] = []
            for stage_id, ids in by_stage.items():
                moved += self._move_all(session, ids, stage_id, note)
            entities = {"opportunity", "stage_history"}
            if order_stage_id is not None and ranks is not None:
                self._get(session, Stage, order_stage_id, "Stage")
                self._store_setting(
                    session, card_order_key(order_stage_id), ranks_to_setting(ranks)
                )
                entities.add("settings")
            return self._finish(session, moved, entities) | Change(frozenset(stages))
