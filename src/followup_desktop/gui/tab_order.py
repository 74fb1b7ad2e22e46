"""The window's Tab order: the search first, then its filters, the columns, the Today list.

Qt orders Tab by when widgets were created, and the board and the Today panel are built
before the toolbar; a keyboard or screen-reader user would meet the Today list before
the search. The board's scroll area itself takes no focus: its columns do.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget


def order_tabs(scroll_area: QWidget, chain: Sequence[QWidget]) -> None:
    """Make Tab go through ``chain`` in order; ``scroll_area`` is no stop of its own."""
    scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    for first, second in pairwise(chain):
        QWidget.setTabOrder(first, second)


__all__ = ["order_tabs"]
