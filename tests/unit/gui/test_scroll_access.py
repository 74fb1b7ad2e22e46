"""A scroll area's accessible children: a stable count and no out-of-range lookup.

Qt's own interface for a ``QScrollArea`` lists only the scroll bars visible at that
moment and reads its list without checking the index; a screen reader asking for a
child counted before a scroll bar hid made the app crash. Ours lists every child widget
and answers an index out of range with no child.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QLabel, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from followup_desktop.gui.scroll_access import ScrollAreaAccessible, install


def test_a_scroll_area_keeps_its_children_when_a_scroll_bar_hides(qtbot: QtBot) -> None:
    install()
    window = QWidget()
    qtbot.addWidget(window)
    area = QScrollArea(window)
    area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
    area.setWidget(QLabel("Something to scroll\n" * 40))
    area.resize(200, 100)
    window.show()
    qtbot.waitExposed(window)
    interface = QAccessible.queryAccessibleInterface(area)
    assert isinstance(interface, ScrollAreaAccessible)
    counted = interface.childCount()
    assert counted >= 2  # the viewport and the scroll bar's container at least
    # The scroll bar hides between a screen reader's count and its lookups.
    area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    window.hide()
    assert interface.childCount() == counted
    for index in range(counted):
        child = interface.child(index)
        assert child is not None
        assert child.object() is not None
    assert interface.child(counted) is None
    assert interface.child(counted + 5) is None
