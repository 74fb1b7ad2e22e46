"""Text contrast of what the delegates really paint, in the light and the dark palette.

A probe painter records every ``drawText``: the pen's colour and, read from the image
just before the text lands, the background under it. Every card, Today row, month cell
and the week grid is painted this way from a window on invented demo data, unselected
and selected, and each piece of text must reach WCAG AA (4.5:1).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, QPoint, QPointF, QRect, QRectF
from PySide6.QtGui import QColor, QImage, QPainter, QPalette, QStaticText
from PySide6.QtWidgets import QAbstractItemView, QApplication, QStyle, QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from followup_desktop.core.db import open_database
from followup_desktop.core.demo import populate_demo
from followup_desktop.core.services import FollowupService
from followup_desktop.gui.calendar.week_paint import WeekState, paint_week
from followup_desktop.gui.contrast import AA_NORMAL, contrast_ratio, legible
from followup_desktop.gui.main_window import MainWindow
from followup_desktop.gui.theme import dark_palette
from gui_helpers import NOW, AnsweringDialogs, window_settings

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise")


@dataclass(frozen=True)
class Sample:
    where: str
    text: str
    foreground: QColor
    background: QColor

    @property
    def ratio(self) -> float:
        return contrast_ratio(self.foreground, self.background)


class ProbePainter(QPainter):
    """A painter that notes the colours of every piece of text it draws."""

    def __init__(self, image: QImage, where: str, samples: list[Sample]) -> None:
        super().__init__(image)
        self.image = image
        self.where = where
        self.samples = samples

    def _note(self, rect: QRect, text: str) -> None:
        """Record ``text``'s colour and background, when any of it lands in the image."""
        mapped = self.transform().mapRect(rect).intersected(self.image.rect())
        if self.hasClipping():
            mapped = mapped.intersected(self.transform().mapRect(self.clipBoundingRect().toRect()))
        counts: Counter[int] = Counter()
        for x in range(mapped.left(), mapped.right() + 1, 2):
            for y in range(mapped.top(), mapped.bottom() + 1, 2):
                counts[self.image.pixel(x, y)] += 1
        if counts and text.strip():  # off the image (scrolled away): nothing to read
            background = QColor.fromRgb(counts.most_common(1)[0][0])
            self.samples.append(Sample(self.where, text, QColor(self.pen().color()), background))

    def drawText(self, *args: Any, **kwargs: Any) -> Any:  # noqa: N802 - Qt's name
        first = args[0]
        text = args[-1] if isinstance(args[-1], str) else ""
        if isinstance(first, QRectF):
            first = first.toRect()
        if isinstance(first, QRect):
            self._note(first, text)
        return super().drawText(*args, **kwargs)

    def drawStaticText(self, *args: Any, **kwargs: Any) -> None:  # noqa: N802 - Qt's name
        at, text = args[0], args[-1]
        assert isinstance(text, QStaticText)
        point = at.toPoint() if isinstance(at, QPointF) else at
        assert isinstance(point, QPoint), "the views draw static text at a point"
        self._note(QRect(point, text.size().toSize()), text.text())
        super().drawStaticText(*args, **kwargs)


def _paint_item(
    view: QAbstractItemView, index: QModelIndex, samples: list[Sample], where: str
) -> None:
    delegate = view.itemDelegate()
    size = view.visualRect(index).size()
    if size.isEmpty():
        size = delegate.sizeHint(QStyleOptionViewItem(), index).expandedTo(
            QRect(0, 0, 200, 60).size()
        )
    for selected in (False, True):
        option = QStyleOptionViewItem()
        option.initFrom(view.viewport())
        option.rect = QRect(QPoint(0, 0), size)
        option.font = view.font()
        option.palette = view.palette()
        option.state |= QStyle.StateFlag.State_Enabled
        if selected:
            option.state |= QStyle.StateFlag.State_Selected | QStyle.StateFlag.State_HasFocus
        image = QImage(size, QImage.Format.Format_ARGB32)
        image.fill(view.viewport().palette().color(view.viewport().backgroundRole()))
        painter = ProbePainter(image, f"{where}{' selected' if selected else ''}", samples)
        delegate.paint(painter, option, index)
        painter.end()


def _rows(view: QAbstractItemView) -> Iterator[QModelIndex]:
    model = view.model()
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            yield model.index(row, column)


def _window_samples(qtbot: QtBot, tmp_path: Path, palette: QPalette) -> list[Sample]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    previous = app.palette()
    app.setPalette(palette)
    db = open_database(tmp_path / "demo.sqlite3")
    try:
        populate_demo(db, 30, seed=0, now=NOW)
        service = FollowupService(db, clock=lambda: NOW)
        window = MainWindow(service, dialogs=AnsweringDialogs(), settings=window_settings(tmp_path))
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: window.settled)
        samples: list[Sample] = []
        for view in window.board.views():
            for index in _rows(view):
                _paint_item(view, index, samples, f"card in {view.accessibleName()}")
        for index in _rows(window.agenda_view):
            _paint_item(window.agenda_view, index, samples, "Today row")
        page = window.show_calendar()
        page.select_day(page.today() + timedelta(days=1))
        for index in _rows(page.view):
            _paint_item(page.view, index, samples, "month cell")
        page.set_mode("week")
        week = page.week_view
        qtbot.waitUntil(week.isVisible)
        image = QImage(week.viewport().size(), QImage.Format.Format_ARGB32)
        image.fill(week.palette().color(QPalette.ColorRole.Base))
        painter = ProbePainter(image, "week", samples)
        now = NOW.astimezone(page._tz)
        state = WeekState(
            size=week.viewport().size(),
            scroll=week.verticalScrollBar().value(),
            selected_day=page.selected_day,
            entry_key=None,
            now_day=now.date(),
            now_minute=now.hour * 60 + now.minute,
            ghost=None,
            focused=True,
        )
        paint_week(painter, week.palette(), week._fonts(), week._layout(), state)
        painter.end()
        window.close()
        return samples
    finally:
        db.close()
        app.setPalette(previous)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_painted_text_reaches_aa(qtbot: QtBot, tmp_path: Path, scheme: str) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    palette = dark_palette() if scheme == "dark" else app.style().standardPalette()
    samples = _window_samples(qtbot, tmp_path, palette)
    places = {sample.where.split(" in ")[0].removesuffix(" selected") for sample in samples}
    assert {"card", "Today row", "month cell", "week"} <= places, places
    failing = sorted(
        {
            f"{sample.where}: {sample.text!r} {sample.foreground.name()} on "
            f"{sample.background.name()} = {sample.ratio:.2f}"
            for sample in samples
            if sample.ratio < AA_NORMAL
        }
    )
    assert not failing, "\n".join(failing[:40])


def test_legible_keeps_readable_colours_and_fixes_the_rest() -> None:
    white, black = QColor("white"), QColor("black")
    assert legible(QColor("#202124"), white) == QColor("#202124")
    fixed = legible(QColor("#8ab4f8"), white)
    assert contrast_ratio(fixed, white) >= AA_NORMAL
    assert fixed.blue() > fixed.red(), "the hue stays"
    lifted = legible(QColor("#5f6368"), QColor("#2b2c30"))
    assert contrast_ratio(lifted, QColor("#2b2c30")) >= AA_NORMAL
    assert contrast_ratio(black, white) == pytest.approx(21)
