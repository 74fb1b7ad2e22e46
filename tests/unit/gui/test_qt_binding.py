"""The installed Qt binding keeps Python's reference counts straight.

PySide6 6.12.0 dropped a reference to ``None`` on every call returning nothing; on Python
3.11 the app then aborted with "deallocating None" after some minutes of painting. The
dependency excludes that release; this test fails on any release with the same bug.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject
from PySide6.QtGui import QColor, QImage, QPainter


def test_calls_returning_nothing_keep_none_alive() -> None:
    thing = QObject()
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    before = sys.getrefcount(None)
    for _ in range(5_000):
        thing.setObjectName("x")
    painter = QPainter(image)
    for _ in range(5_000):
        painter.save()
        painter.setPen(QColor("red"))
        painter.fillRect(0, 0, 2, 2, QColor("blue"))
        painter.restore()
    painter.end()
    # A few references come and go with caches; the bug loses one per call (25,000 here).
    assert sys.getrefcount(None) - before > -500
