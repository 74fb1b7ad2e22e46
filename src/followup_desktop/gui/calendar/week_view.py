"""The week as a time grid: seven day columns of hour rows, in one painted widget.

Above the grid each day has a heading (today in bold with the word "Today") and an
all-day strip for the entries that have no length: follow-ups and expected decisions,
in the month cell's symbols and words, with "+N more" when they do not fit. Interviews
are blocks from their local start to their local end in the person's zone; overlapping
ones share the column side by side. The hour rows scroll; the headings and the strip
stay put. :mod:`week_layout` decides minutes and lanes, :mod:`week_paint` pixels and
paint.

The widget reads the page's :class:`MonthModel` in week mode (seven days, read by one
range query) and creates no widget per entry. The layout, text included, is made once
per week, width and font, so scrolling and selecting only paint.

It holds the selected day and, on that day, the selected entry; whatever it cannot do
alone it asks of the page through signals: moving the day, turning the week, opening an
entry, scheduling on an empty slot, and moving a dragged interview to a new day and
quarter hour.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from PySide6.QtCore import QEvent, QPoint, QRect, Qt, Signal
from PySide6.QtGui import (
    QFocusEvent,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
)
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QToolTip, QWidget

from followup_desktop.core import localformat
from followup_desktop.core.calendar_query import CalendarEntry, EntryKind
from followup_desktop.core.i18n import _
from followup_desktop.gui.announce import announce
from followup_desktop.gui.calendar.keys import page_key
from followup_desktop.gui.calendar.month_model import DAYS, MonthModel, entry_line
from followup_desktop.gui.calendar.week_access import install as install_week_access
from followup_desktop.gui.calendar.week_layout import (
    DAY_MINUTES,
    SNAP_MINUTES,
    DayColumn,
    Placement,
    day_column,
    first_minute_to_show,
    minute_of_day,
    snap,
    wall_clock,
)
from followup_desktop.gui.calendar.week_paint import (
    SLOT_MARGIN,
    TO,
    Ghost,
    WeekFrame,
    WeekMetrics,
    WeekState,
    build_frame,
    paint_week,
)
from followup_desktop.gui.plain import tooltip


@dataclass(frozen=True, slots=True)
class _Hit:
    """What lies under a point of the viewport."""

    day: date
    entry: CalendarEntry | None = None
    placement: Placement | None = None
    more: bool = False
    minutes: float | None = None  # where in the day, when the point is on the grid


@dataclass(slots=True)
class _Drag:
    """An interview block being dragged, and where it would land."""

    placement: Placement
    origin: int  # the interview's own start minute (unsnapped)
    press: QPoint
    press_minutes: float
    day: date
    start: int
    active: bool = False


class WeekView(QAbstractScrollArea):
    """Seven days of hour rows with interview blocks and an all-day strip per day."""

    step_requested = Signal(int)  # move the selected day by this many days
    page_requested = Signal(int)  # turn this many weeks
    today_requested = Signal()
    activate_requested = Signal()  # Enter: open the selected entry (or the day)
    day_selected = Signal(object)  # a date clicked on
    entry_activated = Signal(object)  # a CalendarEntry double-clicked
    schedule_requested = Signal(object)  # a date whose empty slot was double-clicked
    more_requested = Signal(object, QPoint)  # a date's "+N more" clicked, where (viewport)
    move_requested = Signal(int, object)  # an interview id, its new local start (aware)
    move_asked = Signal()  # "Move to…" for the selected entry (a screen reader's action)

    def __init__(
        self,
        model: MonthModel,
        tz: tzinfo,
        clock: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._model = model
        self._tz = tz
        self._clock = clock
        self._metrics: WeekMetrics | None = None
        self._frame: WeekFrame | None = None
        self._frame_width = 0
        self._columns: list[DayColumn] = []
        self._day = clock().astimezone(tz).date()
        self._entry_key: str | None = None
        # The week last scrolled to its working day; None outside week mode.
        self._shown_week: date | None = None
        self._drag: _Drag | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Screen readers get each entry as an object of its own (week_access.py).
        install_week_access()
        model.modelReset.connect(self._reload)
        self._reload()

    # -- sizes and layout -------------------------------------------------------------

    def _fonts(self) -> WeekMetrics:
        # Dropped on every font change (changeEvent), so never compared per call.
        if self._metrics is None:
            self._metrics = WeekMetrics.for_font(self.font())
        return self._metrics

    def _reload(self) -> None:
        """Take the model's week: sort each day into blocks and strip, then lay out."""
        self._frame = None
        if not self._model.week_mode:
            # The model holds a month for the month grid; this view is hidden until the
            # page asks for a week again, which it then scrolls to its working day.
            self._columns = []
            self._shown_week = None
            return
        metrics = self._fonts()
        # A block is at least one line of text tall, and never shorter than a quarter hour.
        shortest = max(SNAP_MINUTES, math.ceil(metrics.line * 60 / metrics.hour))
        first = self._model.first_day
        self._columns = []
        for offset in range(DAYS):
            day = first + timedelta(days=offset)
            entries = self._model.entries(day)
            self._columns.append(
                day_column(day, entries, self._model.total(day), self._tz, shortest)
            )
        if self._selected_entry() is None:
            self._entry_key = None
        self._update_range()
        if first != self._shown_week:
            self._shown_week = first
            self.verticalScrollBar().setValue(metrics.y(first_minute_to_show(self._columns)))
        self._describe()
        self.viewport().update()

    def _layout(self) -> WeekFrame:
        # Keyed on the viewport's width rather than on resize events: the viewport also
        # narrows when the scroll bar appears.
        width = self.viewport().width()
        if self._frame is None or self._frame_width != width:
            today = self._clock().astimezone(self._tz).date()
            self._frame = build_frame(self._fonts(), self._columns, width, today, self._hhmm)
            self._frame_width = width
        return self._frame

    def _update_range(self) -> None:
        visible = max(1, self.viewport().height() - self._layout().top)
        bar = self.verticalScrollBar()
        bar.setRange(0, max(0, self._fonts().y(DAY_MINUTES) + 1 - visible))
        bar.setPageStep(visible)
        bar.setSingleStep(max(1, self._fonts().hour // 4))

    def resizeEvent(self, event: QResizeEvent) -> None:
        # The layout follows the viewport's width (see _layout); a height changes only
        # the scroll range.
        self._update_range()
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._metrics = None
            self._reload()
        super().changeEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.viewport().update()  # the selected day's frame shows the focus
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.viewport().update()
        super().focusOutEvent(event)

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        # The headings stay while the grid moves, so the whole viewport is painted again.
        self.viewport().update()

    # -- what tests and the page ask --------------------------------------------------

    @property
    def hour_height(self) -> int:
        """The height of one hour row, in pixels."""
        return self._fonts().hour

    @property
    def grid_top(self) -> int:
        """Where the hour grid begins in the viewport, below the headings and the strip."""
        return self._layout().top

    def y_of(self, minutes: float) -> int:
        """The viewport y of a minute of the day at the current scroll position."""
        return self._layout().top + self._fonts().y(minutes) - self.verticalScrollBar().value()

    def column_rect(self, day: date) -> QRect:
        """The viewport rectangle of ``day``'s column (heading to bottom); empty when the
        day is not in the week."""
        offset = (day - self._model.first_day).days
        if not 0 <= offset < DAYS:
            return QRect()
        edges = self._layout().edges
        return QRect(edges[offset], 0, edges[offset + 1] - edges[offset], self.viewport().height())

    def day_rect(self, day: date) -> QRect:
        """The viewport rectangle of ``day``'s heading (empty when not in the week)."""
        column = self.column_rect(day)
        column.setHeight(self._fonts().header if column.width() else 0)
        return column

    def slot_point(self, day: date, minutes: float) -> QPoint:
        """A viewport point on ``day`` at ``minutes`` after midnight, right of the blocks."""
        column = self.column_rect(day)
        return QPoint(column.right() - SLOT_MARGIN // 2, self.y_of(minutes) + 1)

    def block_rect(self, key: str) -> QRect | None:
        """The viewport rectangle of the block of the interview entry ``key``."""
        offset = self._layout().top - self.verticalScrollBar().value()
        for block in self._layout().blocks:
            if block.placement.entry.key == key:
                return block.rect.translated(0, offset)
        return None

    def block_texts(self, key: str) -> list[str]:
        """The lines drawn in the block of the interview entry ``key``, as elided."""
        for block in self._layout().blocks:
            if block.placement.entry.key == key:
                return [line.glyphs.text() for line in block.lines]
        return []

    def strip_texts(self, day: date) -> list[str]:
        """The all-day strip of ``day`` in words, as drawn before eliding."""
        return [line.words for line in self._layout().strip if line.day == day]

    def entry_keys(self) -> list[str]:
        """Every entry of the week, day by day in keyboard order (for screen readers)."""
        return [entry.key for column in self._columns for entry in column.keyboard_order()]

    def _entry_by_key(self, key: str) -> CalendarEntry | None:
        for column in self._columns:
            for entry in column.keyboard_order():
                if entry.key == key:
                    return entry
        return None

    def entry_words(self, key: str) -> str:
        """The entry ``key`` in words, as a screen reader says it ("" when gone)."""
        entry = self._entry_by_key(key)
        if entry is None:
            return ""
        # The same words as the month's entry, so a listener hears one day one way.
        return _("{day}: {entry}").format(
            day=localformat.weekday_and_date(entry.day),
            entry=entry_line(entry, self._hhmm(entry.starts_at)),
        )

    def entry_rect(self, key: str) -> QRect | None:
        """Where the entry ``key`` is drawn in the viewport; None when not on screen."""
        rect = self.block_rect(key)
        if rect is None:
            rect = next(
                (
                    line.rect
                    for line in self._layout().strip
                    if line.entry is not None and line.entry.key == key
                ),
                None,
            )
        if rect is None or not rect.intersects(self.viewport().rect()):
            return None
        return rect

    def selected_key(self) -> str | None:
        """The key of the selected entry, if any."""
        return self._entry_key

    def strip_rects(self, day: date) -> list[QRect]:
        """The viewport rectangles of ``day``'s strip lines, in :meth:`strip_texts` order."""
        return [line.rect for line in self._layout().strip if line.day == day]

    @property
    def selected_day(self) -> date:
        """The highlighted day."""
        return self._day

    @property
    def selected_entry(self) -> CalendarEntry | None:
        """The selected entry of the selected day, if any."""
        return self._selected_entry()

    def set_selected_day(self, day: date) -> None:
        """Highlight ``day``; a selected entry of another day is let go."""
        if day == self._day:
            return
        self._day = day
        self._entry_key = None
        self._describe()
        self.viewport().update()

    def select_entry(self, key: str | None) -> None:
        """Select the entry ``key`` of the selected day (None: no entry), scrolling its
        block into view."""
        column = self._column(self._day)
        entries = column.keyboard_order() if column is not None else []
        self._entry_key = key if any(entry.key == key for entry in entries) else None
        self._show_entry()
        self._describe()
        self.viewport().update()

    def select_key(self, key: str) -> bool:
        """Select the entry ``key`` on whichever day of the week it is (its day becomes
        the selected one); False when the week has no such entry."""
        entry = self._entry_by_key(key)
        if entry is None:
            return False
        self._select(entry.day, key)
        self._show_entry()
        return True

    def entry_is_interview(self, key: str) -> bool:
        """Whether the entry ``key`` is an interview (the only kind that moves)."""
        entry = self._entry_by_key(key)
        return entry is not None and entry.kind is EntryKind.INTERVIEW

    def _column(self, day: date) -> DayColumn | None:
        offset = (day - self._model.first_day).days
        return self._columns[offset] if 0 <= offset < len(self._columns) else None

    def _selected_entry(self) -> CalendarEntry | None:
        column = self._column(self._day)
        if column is None or self._entry_key is None:
            return None
        return next((e for e in column.keyboard_order() if e.key == self._entry_key), None)

    def _show_entry(self) -> None:
        """Scroll the selected block into view, with half an hour around it."""
        rect = self.block_rect(self._entry_key) if self._entry_key else None
        if rect is None:
            return
        bar, margin = self.verticalScrollBar(), self._fonts().hour // 2
        top, bottom = self._layout().top, self.viewport().height()
        if rect.top() < top:
            bar.setValue(bar.value() - (top - rect.top()) - margin)
        elif rect.bottom() > bottom:
            lift = min(rect.bottom() - bottom + margin, rect.top() - top - margin)
            bar.setValue(bar.value() + max(0, lift))

    def _describe(self) -> None:
        """The accessible description: the selected day's entries in words."""
        words = self._model.describe(self._day, full=True)
        entry = self._selected_entry()
        if entry is not None:
            selected = entry_line(entry, self._hhmm(entry.starts_at))
            words += "\n" + _("Selected: {entry}").format(entry=selected)
        if words != self.accessibleDescription():
            self.setAccessibleDescription(words)

    def _hhmm(self, moment: datetime) -> str:
        return localformat.clock(moment.astimezone(self._tz))

    # -- hit testing ------------------------------------------------------------------

    def _hit(self, point: QPoint) -> _Hit | None:
        frame = self._layout()
        index = frame.day_index(point.x())
        if index is None or not self._columns:
            return None
        day = self._columns[index].day
        if point.y() < frame.top:
            for line in frame.strip:
                if line.rect.contains(point):
                    return _Hit(line.day, line.entry, more=line.entry is None)
            return _Hit(day)
        grid = QPoint(point.x(), point.y() - frame.top + self.verticalScrollBar().value())
        minutes = grid.y() * 60 / self._fonts().hour
        # Later lanes are drawn over earlier ones: search backwards.
        for block in reversed(frame.blocks):
            if block.rect.contains(grid):
                return _Hit(day, block.placement.entry, block.placement, minutes=minutes)
        return _Hit(day, minutes=minutes)

    def _drag_target(self, drag: _Drag, point: QPoint) -> tuple[date, int]:
        """Where a dragged block lands: the day under the pointer and a quarter hour.

        Over the headings only the day changes. A pointer that has moved less than half
        a quarter hour keeps the interview's own minute, so a sideways drag keeps 10:07.
        """
        frame = self._layout()
        index = frame.day_index(point.x())
        if index is None:
            index = 0 if point.x() < frame.edges[0] else DAYS - 1
        day = self._columns[index].day
        if point.y() < frame.top:
            return day, drag.origin
        grid_y = point.y() - frame.top + self.verticalScrollBar().value()
        delta = grid_y * 60 / self._fonts().hour - drag.press_minutes
        if abs(delta) < SNAP_MINUTES / 2:
            return day, drag.origin
        return day, snap(drag.origin + delta)

    # -- keyboard ---------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if key == Qt.Key.Key_Escape and self._drag is not None:
            self._drag = None
            self.unsetCursor()
            self.viewport().update()
        elif plain and key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            self.step_requested.emit(-1 if key == Qt.Key.Key_Left else 1)
        elif plain and key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self._step_entry(-1 if key == Qt.Key.Key_Up else 1)
        elif not page_key(self, key):
            super().keyPressEvent(event)

    def _step_entry(self, step: int) -> None:
        """Up/Down: the previous or next entry of the day; past either end (or on an
        empty day) the grid scrolls by an hour."""
        column = self._column(self._day)
        keys = [entry.key for entry in column.keyboard_order()] if column is not None else []
        if self._entry_key in keys:
            index = keys.index(self._entry_key) + step
        else:
            index = 0 if step > 0 else len(keys) - 1
        if 0 <= index < len(keys):
            self.select_entry(keys[index])
            entry = self._selected_entry()
            if entry is not None:
                # The grid sends no focus event for an entry object: say which it is.
                announce(self, entry_line(entry, self._hhmm(entry.starts_at)))
        else:
            bar = self.verticalScrollBar()
            bar.setValue(bar.value() + step * self._fonts().hour)

    # -- mouse ------------------------------------------------------------------------

    def _select(self, day: date, key: str | None) -> None:
        changed = day != self._day
        self._day = day
        self._entry_key = key
        self._describe()
        self.viewport().update()
        if changed:
            self.day_selected.emit(day)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        point = event.position().toPoint()
        hit = self._hit(point) if event.button() == Qt.MouseButton.LeftButton else None
        if hit is None:
            super().mousePressEvent(event)
            return
        self._select(hit.day, hit.entry.key if hit.entry is not None else None)
        if hit.more:
            self.more_requested.emit(hit.day, point)
        elif (
            hit.placement is not None
            and hit.minutes is not None
            and hit.placement.entry.interview_id is not None
        ):
            entry = hit.placement.entry
            origin = minute_of_day(entry.starts_at, entry.day, self._tz)
            self._drag = _Drag(hit.placement, origin, point, hit.minutes, entry.day, origin)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        drag = self._drag
        if drag is None or not event.buttons() & Qt.MouseButton.LeftButton:
            super().mouseMoveEvent(event)
            return
        point = event.position().toPoint()
        if not drag.active:
            if (point - drag.press).manhattanLength() < QApplication.startDragDistance():
                return
            drag.active = True
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
        drag.day, drag.start = self._drag_target(drag, point)
        self.viewport().update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        drag, self._drag = self._drag, None
        if drag is None or event.button() != Qt.MouseButton.LeftButton:
            super().mouseReleaseEvent(event)
            return
        self.unsetCursor()
        self.viewport().update()
        if not drag.active:
            return
        entry = drag.placement.entry
        day, start = self._drag_target(drag, event.position().toPoint())
        if (day, start) != (entry.day, drag.origin) and entry.interview_id is not None:
            self.move_requested.emit(entry.interview_id, wall_clock(day, start, self._tz))

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        # Not passed on: Qt's default would count it as a second press (and a drag).
        hit = self._hit(event.position().toPoint())
        if event.button() != Qt.MouseButton.LeftButton or hit is None:
            return
        if hit.entry is not None:
            self.entry_activated.emit(hit.entry)
        elif not hit.more:
            self.schedule_requested.emit(hit.day)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            text = self._tooltip(event.pos())
            if text:
                QToolTip.showText(event.globalPos(), tooltip(text), self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def _tooltip(self, point: QPoint) -> str:
        hit = self._hit(point)
        if hit is None:
            return ""
        if hit.entry is None:
            return self._model.describe(hit.day, full=True) if point.y() < self.grid_top else ""
        words = entry_line(hit.entry, self._hhmm(hit.entry.starts_at))
        if hit.entry.kind is EntryKind.INTERVIEW:
            until = self._hhmm(hit.entry.ends_at)
            if hit.entry.location:
                words += "\n" + _("until {time}, {place}").format(
                    time=until, place=hit.entry.location
                )
            else:
                words += "\n" + _("until {time}").format(time=until)
            if hit.entry.interview_id is not None:
                words += "\n" + _("Drag to another day or time to move it.")
        elif hit.entry.detail:
            words += f"\n{hit.entry.detail}"
        return words

    # -- painting ---------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        now = self._clock().astimezone(self._tz)
        state = WeekState(
            size=self.viewport().size(),
            scroll=self.verticalScrollBar().value(),
            selected_day=self._day,
            entry_key=self._entry_key,
            now_day=now.date(),
            now_minute=now.hour * 60 + now.minute,
            ghost=self._ghost(),
            focused=self.hasFocus(),
        )
        painter = QPainter(self.viewport())
        paint_week(painter, self.palette(), self._fonts(), self._layout(), state)
        painter.end()

    def _ghost(self) -> Ghost | None:
        """The dragged interview at its would-be place, saying its new day and times."""
        drag = self._drag
        if drag is None or not drag.active:
            return None
        metrics, frame = self._fonts(), self._layout()
        index = (drag.day - self._model.first_day).days
        left, right = frame.edges[index], frame.edges[index + 1]
        entry = drag.placement.entry
        length = entry.ends_at - entry.starts_at
        minutes = max(SNAP_MINUTES, round(length.total_seconds() / 60))
        top, bottom = metrics.y(drag.start), metrics.y(min(DAY_MINUTES, drag.start + minutes))
        moved = wall_clock(drag.day, drag.start, self._tz)
        words = _("Move to {day} {start}{to}{end}").format(
            day=localformat.weekday_name(drag.day),
            start=self._hhmm(moved),
            to=TO,
            end=self._hhmm(moved + length),
        )
        return Ghost(QRect(left + 2, top, right - left - 2 - SLOT_MARGIN, bottom - top), words)
