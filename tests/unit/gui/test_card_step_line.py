"""A long next step on a card is cut after a word, and said whole to tooltips and screen
readers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from PySide6.QtCore import QPoint, QRect, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetrics, QImage, QPainter
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

from followup_desktop.core.action_kinds import kind_label
from followup_desktop.core.services import FollowupService
from followup_desktop.gui.card_delegate import elide_at_word
from followup_desktop.gui.main_window import MainWindow
from gui_helpers import NOW

# A card as wide as on a laptop's board (a column of the default width, less its frame).
CARD_WIDTH = 284


class TextPainter(QPainter):
    """Notes every piece of text drawn."""

    def __init__(self, image: QImage) -> None:
        super().__init__(image)
        self.texts: list[str] = []

    def drawText(self, *args: Any, **kwargs: Any) -> Any:  # noqa: N802 - Qt's name
        if isinstance(args[0], (QRect, QRectF)) and isinstance(args[-1], str):
            self.texts.append(args[-1])
        return super().drawText(*args, **kwargs)


def test_a_long_next_step_is_cut_at_a_word_and_given_whole_to_tooltip_and_reader(
    window: MainWindow, service: FollowupService
) -> None:
    change = service.create_opportunity("Acme Robotics", "Senior Data Analyst")
    acme = change.created_id
    assert acme is not None
    service.add_action("new_evidence_note", NOW - timedelta(days=3), opportunity_id=acme)
    service.add_action("call_recruiter", NOW + timedelta(days=3), opportunity_id=acme)
    window.refresh()
    step = kind_label("new_evidence_note")
    [view] = [v for v in window.board.views() if acme in v.proxy.ids()]
    index = view.proxy.index(view.proxy.ids().index(acme), 0)

    option = QStyleOptionViewItem()
    option.initFrom(view.viewport())
    option.font = view.font()
    option.palette = view.palette()
    option.state |= QStyle.StateFlag.State_Enabled
    height = view.itemDelegate().sizeHint(option, index).height()
    option.rect = QRect(QPoint(0, 0), QRect(0, 0, CARD_WIDTH, height).size())
    image = QImage(option.rect.size(), QImage.Format.Format_ARGB32)
    painter = TextPainter(image)
    view.itemDelegate().paint(painter, option, index)
    painter.end()

    [line] = [text for text in painter.texts if text.endswith("(+1)")]
    cut = line.removesuffix(" (+1)")
    assert cut != step, "the step fits whole: the test needs a longer one"
    assert cut.endswith("…")
    kept = cut.removesuffix("…")
    assert step.startswith(kept + " "), f"{cut!r} is not cut after a word of {step!r}"

    tooltip = index.data(Qt.ItemDataRole.ToolTipRole)
    assert step in tooltip
    assert index.data(Qt.ItemDataRole.AccessibleDescriptionRole) == f"{step}, and 1 more step"


def test_a_first_word_too_long_for_the_room_is_cut_inside_it() -> None:
    metrics = QFontMetrics(QFont())
    text = "Supercalifragilisticexpialidocious thank-you"
    cut = elide_at_word(metrics, text, metrics.horizontalAdvance("Supercali"))
    assert cut.endswith("…") and text.startswith(cut.removesuffix("…"))
    assert elide_at_word(metrics, "Short", 500) == "Short"
