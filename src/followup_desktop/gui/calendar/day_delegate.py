"""Paints one day of the month grid from the model's snapshots; no widget per entry.

A day shows its date (bold, with the word "Today" and a frame on today), then one line
per entry as far as the cell allows: interviews with their local start time, follow-ups
with a symbol for their kind and their words (an overdue one says "overdue" and is drawn
in the overdue colour), and the employer's expected decision. What does not fit becomes
"+N more". The same layout answers which entry lies under the mouse.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from followup_desktop.core.board import DueState
from followup_desktop.core.calendar_query import CalendarEntry, EntryKind, symbol_of
from followup_desktop.core.i18n import _, ngettext
from followup_desktop.gui.calendar.month_model import (
    DayCell,
    EntriesRole,
    InMonthRole,
    IsTodayRole,
    MonthModel,
    TotalRole,
)
from followup_desktop.gui.contrast import legible, over
from followup_desktop.gui.plain import shown
from followup_desktop.gui.theme import muted_text, status_color, tinted

AnyIndex = QModelIndex | QPersistentModelIndex
PADDING = 4
LINE_GAP = 2
# Colour pairs kept for legible(); far more than one palette has.
LEGIBLE_CACHE = 256


def cell_text(entry: CalendarEntry, time_text: str) -> str:
    """The words of one entry line in a day cell."""
    # A symbol per kind (core.action_kinds), so the kind shows without colour.
    symbol = symbol_of(entry).glyph
    if entry.kind is EntryKind.INTERVIEW:
        if entry.cancelled:
            return _("{time} Cancelled: {company} · round {round}").format(
                time=time_text, company=entry.company, round=entry.round
            )
        return _("{time} {company} · round {round}").format(
            time=time_text, company=entry.company, round=entry.round
        )
    if entry.kind is EntryKind.DECISION:
        return _("{symbol} Decision due: {company}").format(symbol=symbol, company=entry.company)
    # The company first, so a narrow cell still says whose step it is; the step's words
    # (naming its person) are the core's, as Today and the tray say them.
    what = entry.action_label
    text = f"{entry.company}: {what}" if entry.company else what
    if entry.overdue:
        return _("{symbol} overdue · {step}").format(symbol=symbol, step=text)
    if entry.snoozed:
        return _("{symbol} snoozed · {step}").format(symbol=symbol, step=text)
    return f"{symbol} {text}"


@dataclass(frozen=True, slots=True)
class CellLayout:
    """Where a day's header, entry lines and "+N more" line go."""

    header: QRect
    lines: list[tuple[QRect, CalendarEntry]]
    more: QRect | None
    hidden: int


class DayDelegate(QStyledItemDelegate):
    """Draws a day cell; :meth:`entry_at` finds the entry under a point."""

    def __init__(
        self, time_text: Callable[[CalendarEntry], str], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._time_text = time_text
        self._font_key: str | None = None
        self._bold = QFont()
        self._small = QFont()
        self._line = 14
        # legible() per pair of colours: a month paints a few hundred lines in a handful
        # of colours, and the contrast arithmetic was a fifth of its painting time.
        self._legible: dict[tuple[object, object], QColor] = {}

    def _fonts(self, base: QFont) -> None:
        key = base.key()
        if key == self._font_key:
            return
        self._font_key = key
        self._bold = QFont(base)
        self._bold.setBold(True)
        self._small = QFont(base)
        size = base.pointSizeF()
        if size > 0:
            self._small.setPointSizeF(max(7.0, size * 0.92))
        self._line = QFontMetrics(self._small).height() + LINE_GAP

    def _readable(self, foreground: QColor, background: QColor) -> QColor:
        key = (foreground.getRgbF(), background.getRgbF())
        color = self._legible.get(key)
        if color is None:
            if len(self._legible) > LEGIBLE_CACHE:  # a new palette: start again
                self._legible.clear()
            color = self._legible[key] = legible(foreground, background)
        return QColor(color)

    def layout(self, rect: QRect, entries: list[CalendarEntry], total: int) -> CellLayout:
        """Place the header and as many entry lines as fit in ``rect``."""
        inner = rect.adjusted(PADDING, PADDING, -PADDING, -PADDING)
        header = QRect(inner.left(), inner.top(), inner.width(), self._line + 2)
        top = header.bottom() + 2
        room = max(0, (inner.bottom() - top + 1) // self._line)
        shown = entries if total <= room and len(entries) <= room else entries[: max(0, room - 1)]
        lines = [
            (QRect(inner.left(), top + i * self._line, inner.width(), self._line), entry)
            for i, entry in enumerate(shown)
        ]
        hidden = total - len(shown)
        more = None
        if hidden > 0 and room > 0:
            more = QRect(inner.left(), top + len(shown) * self._line, inner.width(), self._line)
        return CellLayout(header, lines, more, hidden)

    def entry_at(
        self, rect: QRect, index: AnyIndex, point: QPoint, font: QFont
    ) -> CalendarEntry | None:
        """The entry drawn under ``point`` in the cell ``rect`` (None off the lines)."""
        self._fonts(font)
        cell = self.layout(rect, index.data(EntriesRole) or [], int(index.data(TotalRole) or 0))
        for line, entry in cell.lines:
            if line.contains(point):
                return entry
        return None

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        self._fonts(option.font)
        return QSize(120, self._line * 5 + 2 * PADDING)

    def paint(  # noqa: PLR0915 - one cell, drawn top to bottom
        self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex
    ) -> None:
        rect: QRect = option.rect
        palette: QPalette = option.palette
        state: QStyle.StateFlag = option.state
        self._fonts(option.font)
        facts = _cell(index)
        in_month, today = facts.in_month, facts.today
        selected = bool(state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        role = QPalette.ColorRole.Base if in_month else QPalette.ColorRole.AlternateBase
        background = palette.color(role)
        painter.fillRect(rect, background)
        highlight = palette.color(QPalette.ColorRole.Highlight)
        if today:
            painter.fillRect(rect, tinted(highlight, 0.10))
            background = over(tinted(highlight, 0.10), background)
        # Grid lines: right and bottom edges, in the palette's mid tone.
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
        painter.drawLine(rect.topRight(), rect.bottomRight())
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        if selected or today:
            width = 2 if selected else 1
            painter.setPen(QPen(highlight, width))
            painter.drawRect(rect.adjusted(1, 1, -width, -width))

        # Every text colour is checked against what it is drawn on (AA contrast).
        text = self._readable(palette.color(QPalette.ColorRole.Text), background)
        muted = self._readable(muted_text(palette), background)
        cell = self.layout(rect, facts.entries, facts.total)
        painter.setFont(self._bold if today else self._small)
        painter.setPen(text if in_month else muted)
        number = facts.number
        align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(cell.header, align, number)
        if today:
            painter.setFont(self._bold)
            painter.setPen(self._readable(highlight, background))
            painter.drawText(
                cell.header, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, _("Today")
            )

        painter.setFont(self._small)
        metrics = QFontMetrics(self._small)
        overdue = status_color(palette, DueState.OVERDUE)
        for line, entry in cell.lines:
            words = cell_text(entry, self._time_text(entry))
            if entry.kind is EntryKind.INTERVIEW:
                wash = tinted(highlight, 0.18)
                painter.fillRect(line.adjusted(0, 0, 0, -1), wash)
                ink = muted if entry.cancelled else text
                painter.setPen(self._readable(ink, over(wash, background)))
            elif entry.kind is EntryKind.DECISION:
                wash = tinted(muted, 0.18)
                painter.fillRect(line.adjusted(0, 0, 0, -1), wash)
                painter.setPen(self._readable(text, over(wash, background)))
            else:
                plain = text if in_month else muted
                painter.setPen(self._readable(overdue, background) if entry.overdue else plain)
            inset = line.adjusted(3, 0, -2, 0)
            elided = metrics.elidedText(shown(words), Qt.TextElideMode.ElideRight, inset.width())
            painter.drawText(inset, align, elided)
        if cell.more is not None:
            painter.setPen(muted)
            more = ngettext("+{n} more", "+{n} more", cell.hidden).format(n=cell.hidden)
            painter.drawText(cell.more.adjusted(3, 0, 0, 0), align, more)
        painter.restore()


def _cell(index: AnyIndex) -> DayCell:
    model = index.model()
    if isinstance(model, MonthModel):
        return model.cell(index)
    return DayCell(  # another model with the same roles
        str(index.data(Qt.ItemDataRole.DisplayRole)),
        bool(index.data(InMonthRole)),
        bool(index.data(IsTodayRole)),
        list(index.data(EntriesRole) or []),
        int(index.data(TotalRole) or 0),
    )
