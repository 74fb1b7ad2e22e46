"""A bar chart painted with QPainter from a table model.

No chart library: QtCharts lives in PySide6's add-ons (a second wheel of some hundreds of
megabytes) and pyqtgraph brings numpy; three bar charts need neither. The chart reads the
same model as the table beside it, so the two cannot disagree, and repaints when the
model resets. Colours come from the palette (light or dark), each series also has its own
fill pattern, and every bar carries its number, so colour is never the only signal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QStyle, QStyleOptionFocusRect, QWidget

from followup_desktop.core import localformat
from followup_desktop.core.i18n import _
from followup_desktop.gui.snapshot_table import SnapshotTableModel
from followup_desktop.gui.theme import blend

_PATTERNS = (Qt.BrushStyle.SolidPattern, Qt.BrushStyle.BDiagPattern, Qt.BrushStyle.Dense5Pattern)
_MARGIN = 8.0
_GAP = 4.0


@dataclass(frozen=True)
class Series:
    """One set of bars: its name in the legend, and the value of a row (None: no bar)."""

    name: str
    value: Callable[[Any], float | None]
    #: The words on a bar, from its row and value (by default the value).
    text: Callable[[Any, float], str] = lambda _row, value: localformat.number(value)


class BarChart(QWidget):
    """Bars for the rows of ``model``: horizontal (a label per row on the left) or
    vertical (grouped by row along the bottom, the last ``last_rows`` rows)."""

    def __init__(
        self,
        model: SnapshotTableModel[Any],
        label: Callable[[Any], str],
        series: Sequence[Series],
        *,
        horizontal: bool = True,
        last_rows: int | None = None,
        name: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.model = model
        self._label = label
        self.series = list(series)
        self.horizontal = horizontal
        self.last_rows = last_rows
        self.setAccessibleName(name)
        # Reachable with Tab, so a screen reader announces its one-sentence summary.
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        for signal in (model.modelReset, model.dataChanged, model.layoutChanged):
            signal.connect(self.update)

    def rows(self) -> list[Any]:
        """The rows the chart draws, in order."""
        rows = [self.model.row_snapshot(row) for row in range(self.model.rowCount())]
        if self.last_rows is not None:
            rows = rows[-self.last_rows :]
        return rows

    def sizeHint(self) -> QSize:
        line = QFontMetricsF(self.font()).height()
        if self.horizontal:
            bars = max(1, len(self.rows())) * len(self.series)
            return QSize(480, int(line * 2 + bars * (line + _GAP) + 2 * _MARGIN))
        return QSize(480, int(line * 14))

    def minimumSizeHint(self) -> QSize:
        return QSize(240, self.sizeHint().height() if self.horizontal else 160)

    # -- painting ------------------------------------------------------------------------

    def colors(self) -> list[QColor]:
        """A colour per series from the palette: the highlight, then shades of the text."""
        palette = self.palette()
        highlight = palette.color(QPalette.ColorRole.Highlight)
        text = palette.color(QPalette.ColorRole.Text)
        base = palette.color(QPalette.ColorRole.Base)
        return [highlight, blend(text, base, 0.35), blend(highlight, text, 0.5)]

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        area = QRectF(self.rect()).adjusted(_MARGIN, _MARGIN, -_MARGIN, -_MARGIN)
        top = self._legend(painter, area)
        area.setTop(top)
        rows = self.rows()
        if not rows:
            painter.setPen(palette.color(QPalette.ColorRole.Text))
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, _("Nothing to show yet"))
        elif self.horizontal:
            self._horizontal(painter, area, rows)
        else:
            self._vertical(painter, area, rows)
        if self.hasFocus():
            option = QStyleOptionFocusRect()
            option.initFrom(self)
            self.style().drawPrimitive(
                QStyle.PrimitiveElement.PE_FrameFocusRect, option, painter, self
            )
        painter.end()

    def _brush(self, index: int) -> QBrush:
        color = self.colors()[index % 3]
        return QBrush(color, _PATTERNS[index % len(_PATTERNS)])

    def _legend(self, painter: QPainter, area: QRectF) -> float:
        if len(self.series) < 2:
            return area.top()
        metrics = QFontMetricsF(self.font())
        x = area.left()
        size = metrics.height() * 0.8
        painter.setPen(self.palette().color(QPalette.ColorRole.Text))
        for index, series in enumerate(self.series):
            swatch = QRectF(x, area.top() + (metrics.height() - size) / 2, size, size)
            painter.fillRect(swatch, self._brush(index))
            painter.drawRect(swatch)
            x += size + _GAP
            painter.drawText(QRectF(x, area.top(), area.width(), metrics.height()), series.name)
            x += metrics.horizontalAdvance(series.name) + 3 * _GAP
        return area.top() + metrics.height() + _GAP

    def _maximum(self, rows: Sequence[Any]) -> float:
        values = [value for row in rows for series in self.series if (value := series.value(row))]
        return max(values, default=0.0) or 1.0

    def _horizontal(self, painter: QPainter, area: QRectF, rows: Sequence[Any]) -> None:
        metrics = QFontMetricsF(self.font())
        text_color = self.palette().color(QPalette.ColorRole.Text)
        labels = [self._label(row) for row in rows]
        label_width = min(
            area.width() * 0.4, max(metrics.horizontalAdvance(t) for t in labels) + 2 * _GAP
        )
        value_width = metrics.horizontalAdvance(_("no answer logged")) + _GAP
        bar_space = max(1.0, area.width() - label_width - value_width)
        bar_height = metrics.height()
        maximum = self._maximum(rows)
        y = area.top()
        for row, label in zip(rows, labels, strict=True):
            painter.setPen(text_color)
            block = bar_height * len(self.series) + _GAP * (len(self.series) - 1)
            painter.drawText(
                QRectF(area.left(), y, label_width - _GAP, block),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                metrics.elidedText(label, Qt.TextElideMode.ElideRight, label_width - _GAP),
            )
            for index, series in enumerate(self.series):
                value = series.value(row)
                bar = QRectF(area.left() + label_width, y, 0, bar_height - 2)
                if value:
                    bar.setWidth(max(2.0, bar_space * value / maximum))
                    painter.fillRect(bar, self._brush(index))
                    painter.setPen(QPen(self.colors()[index % 3], 1))
                    painter.drawRect(bar)
                painter.setPen(text_color)
                painter.drawText(
                    QRectF(bar.right() + _GAP, y, value_width, bar_height),
                    Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                    _("no answer logged") if value is None else series.text(row, value),
                )
                y += bar_height + _GAP
            y += _GAP

    def _vertical(self, painter: QPainter, area: QRectF, rows: Sequence[Any]) -> None:
        metrics = QFontMetricsF(self.font())
        text_color = self.palette().color(QPalette.ColorRole.Text)
        line = metrics.height()
        plot = area.adjusted(0, line, 0, -line * 1.4)
        maximum = self._maximum(rows)
        slot = plot.width() / len(rows)
        width = max(2.0, (slot - 2 * _GAP) / len(self.series))
        painter.setPen(QPen(blend(text_color, self.palette().color(QPalette.ColorRole.Base), 0.6)))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        for position, row in enumerate(rows):
            x = plot.left() + position * slot + _GAP
            for index, series in enumerate(self.series):
                value = series.value(row) or 0.0
                height = plot.height() * value / maximum
                bar = QRectF(x + index * width, plot.bottom() - height, width - 1, height)
                if value:
                    painter.fillRect(bar, self._brush(index))
                    painter.setPen(QPen(self.colors()[index % 3], 1))
                    painter.drawRect(bar)
                # The number on (above) every bar, so the chart reads without colour.
                painter.setPen(text_color)
                painter.drawText(
                    QRectF(bar.left() - _GAP, bar.top() - line, width + 2 * _GAP, line),
                    Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                    series.text(row, value) if value else "0",
                )
            painter.setPen(text_color)
            painter.drawText(
                QRectF(x - _GAP, plot.bottom() + 2, slot, line * 1.4),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                metrics.elidedText(self._label(row), Qt.TextElideMode.ElideRight, slot),
            )
