"""How the week grid looks: sizes from the font, where everything goes, and painting it.

:func:`build_frame` places a week once per week, width and font: day headings, the
all-day strip with its "+N more", interview blocks (from :mod:`week_layout`'s minutes)
and the hour labels, with every piece of text elided and laid out then as a
:class:`QStaticText`. :func:`paint_week` then only fills rectangles and draws prepared
text, so scrolling and selecting stay cheap on a busy week.

Blocks and hour labels are in grid coordinates (0 = local midnight); the headings and
the strip in viewport coordinates, because they do not scroll.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QPen,
    QStaticText,
    QTransform,
)

from followup_desktop.core import localformat
from followup_desktop.core.board import DueState
from followup_desktop.core.calendar_query import CalendarEntry, EntryKind
from followup_desktop.core.i18n import _, ngettext
from followup_desktop.gui.calendar.day_delegate import cell_text
from followup_desktop.gui.calendar.month_model import DAYS, day_month, iso_week
from followup_desktop.gui.calendar.week_layout import (
    DAY_MINUTES,
    WORKDAY_START,
    DayColumn,
    Placement,
)
from followup_desktop.gui.plain import shown
from followup_desktop.gui.theme import muted_text, status_color, tinted

# Lines of the all-day strip at most; a day with more says "+N more" on the last one.
STRIP_ROWS = 3
# Hours after this are shaded like the hours before the working day.
WORKDAY_END = 18 * 60
PADDING = 4
# Room right of the blocks, so a fully booked hour still has an empty slot to click.
SLOT_MARGIN = 8
# Between a start and an end time: an en dash, written as an escape because it looks
# like a hyphen in the source.
TO = "\u2013"
ALL_DAY = _("All day")
# Formats an instant as the person's local time of day.
TimeText = Callable[[datetime], str]


@dataclass(frozen=True, slots=True)
class WeekMetrics:
    """Sizes that follow from the widget's font, computed once per font."""

    small: QFont
    bold: QFont
    small_metrics: QFontMetrics
    bold_metrics: QFontMetrics
    line: int  # one line of small text
    hour: int  # one hour row
    gutter: int  # the time labels' column
    header: int  # the day headings
    labels: tuple[str, ...]  # the hours in the locale's short time format

    @classmethod
    def for_font(cls, base: QFont) -> WeekMetrics:
        """The sizes for a widget whose font is ``base``."""
        small = QFont(base)
        if base.pointSizeF() > 0:
            small.setPointSizeF(max(7.0, base.pointSizeF() * 0.92))
        bold = QFont(small)
        bold.setBold(True)
        small_metrics, bold_metrics = QFontMetrics(small), QFontMetrics(bold)
        line = small_metrics.height() + 2
        # The hours as the rest of Followup writes times ("2 PM" is "2:00 PM" in en_US).
        labels = tuple(localformat.clock(time(hour, 0)) for hour in range(24))
        widest = max(small_metrics.horizontalAdvance(text) for text in (*labels, ALL_DAY))
        return cls(
            small=small,
            bold=bold,
            small_metrics=small_metrics,
            bold_metrics=bold_metrics,
            line=line,
            # Three lines of text an hour: time, company, round and kind.
            hour=max(48, 3 * line + 6),
            gutter=widest + 3 * PADDING,
            header=2 * line + 2 * PADDING,
            labels=labels,
        )

    def y(self, minutes: float) -> int:
        """Grid y of a minute of the day (0 = midnight)."""
        return round(minutes * self.hour / 60)

    def text(self, words: str, rect: QRect, *, bold: bool = False, right: bool = False) -> Text:
        """``words`` elided to ``rect``'s width, centred in its height, laid out once."""
        metrics = self.bold_metrics if bold else self.small_metrics
        elided = metrics.elidedText(shown(words), Qt.TextElideMode.ElideRight, max(0, rect.width()))
        glyphs = QStaticText(elided)
        glyphs.setTextFormat(Qt.TextFormat.PlainText)
        glyphs.prepare(QTransform(), self.bold if bold else self.small)
        x = rect.right() + 1 - metrics.horizontalAdvance(elided) if right else rect.left()
        return Text(QPoint(x, rect.top() + (rect.height() - metrics.height()) // 2), glyphs, bold)


@dataclass(frozen=True, slots=True)
class Text:
    """One line of prepared text and where its top-left corner goes."""

    at: QPoint
    glyphs: QStaticText
    bold: bool


@dataclass(frozen=True, slots=True)
class Heading:
    """A day's heading: weekday, date, and "Today" on today."""

    rect: QRect
    day: date
    today: bool
    texts: tuple[Text, ...]


@dataclass(frozen=True, slots=True)
class StripLine:
    """One line of a day's all-day strip: an entry, or "+N more" (``entry`` None)."""

    rect: QRect
    day: date
    entry: CalendarEntry | None
    words: str
    text: Text


@dataclass(frozen=True, slots=True)
class Block:
    """An interview's block in grid coordinates, with its lines of text."""

    rect: QRect
    placement: Placement
    lines: tuple[Text, ...]


@dataclass(frozen=True, slots=True)
class WeekFrame:
    """Everything placed for one week, width and font."""

    edges: tuple[int, ...]  # each day column's left edge, then the last right edge
    top: int  # viewport y where the hour grid begins
    headings: tuple[Heading, ...]
    strip: tuple[StripLine, ...]
    blocks: tuple[Block, ...]
    hour_labels: tuple[Text, ...]  # grid coordinates
    corner: tuple[Text, ...]  # the week number and "All day" label

    def day_index(self, x: int) -> int | None:
        """The column under viewport ``x``, or None left or right of the days."""
        if not self.edges[0] <= x < self.edges[-1]:
            return None
        return next(i for i in range(DAYS) if x < self.edges[i + 1])


def build_frame(
    metrics: WeekMetrics,
    columns: list[DayColumn],
    width: int,
    today: date,
    time_text: TimeText,
) -> WeekFrame:
    """Place ``columns`` (one per day, Monday first) in a viewport ``width`` wide."""
    span = max(DAYS, width - metrics.gutter)
    edges = tuple(metrics.gutter + span * i // DAYS for i in range(DAYS + 1))
    needs = [len(column.strip) + (1 if column.unread else 0) for column in columns]
    rows = max(1, min(STRIP_ROWS, max(needs, default=0)))
    headings: list[Heading] = []
    strip: list[StripLine] = []
    blocks: list[Block] = []
    for index, column in enumerate(columns):
        left, right = edges[index], edges[index + 1]
        headings.append(
            _heading(metrics, column.day, QRect(left, 0, right - left, metrics.header), today)
        )
        shown = column.strip if needs[index] <= rows else column.strip[: rows - 1]
        lines: list[tuple[CalendarEntry | None, str]] = [
            (entry, cell_text(entry, time_text(entry.starts_at))) for entry in shown
        ]
        hidden = column.unread + len(column.strip) - len(shown)
        if hidden:
            lines.append((None, ngettext("+{n} more", "+{n} more", hidden).format(n=hidden)))
        for row, (entry, words) in enumerate(lines):
            top = metrics.header + PADDING // 2 + row * metrics.line
            rect = QRect(left + 2, top, right - left - 4, metrics.line - 1)
            strip.append(_strip_line(metrics, rect, column.day, entry, words))
        inner_left, inner_width = left + 2, right - left - 2 - SLOT_MARGIN
        for placement in column.placements:
            x0 = inner_left + inner_width * placement.lane // placement.lanes
            x1 = inner_left + inner_width * (placement.lane + 1) // placement.lanes
            y0, y1 = metrics.y(placement.start), metrics.y(placement.end)
            rect = QRect(x0, y0, x1 - x0, y1 - y0)
            blocks.append(
                Block(rect, placement, _block_lines(metrics, rect, placement.entry, time_text))
            )
    top = metrics.header + rows * metrics.line + PADDING + 1
    label_width = metrics.gutter - 2 * PADDING
    hour_labels = tuple(
        metrics.text(
            metrics.labels[hour],
            QRect(0, metrics.y(hour * 60) - metrics.line // 2, label_width, metrics.line),
            right=True,
        )
        for hour in range(1, 24)
    )
    week = iso_week(columns[0].day) if columns else 0
    corner = (
        metrics.text(
            _("W{week}").format(week=week), QRect(PADDING, PADDING, label_width, metrics.line)
        ),
        metrics.text(ALL_DAY, QRect(PADDING, metrics.header, label_width, metrics.line)),
    )
    return WeekFrame(edges, top, tuple(headings), tuple(strip), tuple(blocks), hour_labels, corner)


def _heading(metrics: WeekMetrics, day: date, rect: QRect, today: date) -> Heading:
    inner = rect.adjusted(PADDING + 2, PADDING, -PADDING, 0)
    first = QRect(inner.left(), inner.top(), inner.width(), metrics.line)
    second = first.translated(0, metrics.line)
    is_today = day == today
    texts = [
        metrics.text(localformat.weekday_name(day), first, bold=is_today),
        metrics.text(day_month(day), second, bold=is_today),
    ]
    if is_today:
        texts.append(metrics.text(_("Today"), first, bold=True, right=True))
    return Heading(rect, day, is_today, tuple(texts))


def _strip_line(
    metrics: WeekMetrics, rect: QRect, day: date, entry: CalendarEntry | None, words: str
) -> StripLine:
    return StripLine(rect, day, entry, words, metrics.text(words, rect.adjusted(3, 0, -2, 0)))


def _block_lines(
    metrics: WeekMetrics, rect: QRect, entry: CalendarEntry, time_text: TimeText
) -> tuple[Text, ...]:
    """Time, company, round and kind, and place, as far as the block's height allows; one
    line in the month cell's words when there is room for no more."""
    box = rect.adjusted(3 + PADDING, 2, -1 - PADDING // 2, -1)
    rows = max(1, box.height() // metrics.line)
    starts = time_text(entry.starts_at)
    if rows == 1:
        return (
            metrics.text(
                cell_text(entry, starts),
                QRect(box.left(), box.top(), box.width(), min(box.height(), metrics.line)),
            ),
        )
    span = f"{starts}{TO}{time_text(entry.ends_at)}"
    # A narrow lane keeps the start rather than an elided "10:0…".
    if metrics.bold_metrics.horizontalAdvance(span) > box.width():
        span = starts
    kind = _("Round {round}").format(round=entry.round)
    if entry.detail:
        kind = f"{kind} · {entry.detail}"
    company = (
        _("Cancelled: {company}").format(company=entry.company)
        if entry.cancelled
        else entry.company
    )
    words = [span, company, kind, entry.location][:rows]
    return tuple(
        metrics.text(
            text,
            QRect(box.left(), box.top() + row * metrics.line, box.width(), metrics.line),
            bold=row == 0,
        )
        for row, text in enumerate(words)
        if text
    )


@dataclass(frozen=True, slots=True)
class Ghost:
    """Where a dragged interview would land (grid coordinates), and what it says."""

    rect: QRect
    words: str


@dataclass(frozen=True, slots=True)
class WeekState:
    """What changes without a new layout: selection, scrolling, the clock, a drag."""

    size: QSize
    scroll: int
    selected_day: date
    entry_key: str | None
    now_day: date
    now_minute: int
    ghost: Ghost | None
    focused: bool  # the keyboard is on the grid


class _Colours:
    """The palette's colours for one paint, looked up once."""

    def __init__(self, palette: QPalette) -> None:
        role = QPalette.ColorRole
        self.base = palette.color(role.Base)
        self.quiet = palette.color(role.AlternateBase)
        self.window = palette.color(role.Window)
        self.ink = palette.color(role.Text)
        self.muted = muted_text(palette)
        self.mid = palette.color(role.Mid)
        self.faint = tinted(self.mid, 0.5)
        self.highlight = palette.color(role.Highlight)
        self.on_highlight = palette.color(role.HighlightedText)
        self.overdue = status_color(palette, DueState.OVERDUE)
        self.block = blend(self.base, self.highlight, 0.22)
        self.cancelled = tinted(self.muted, 0.12)
        self.decision = tinted(self.muted, 0.18)
        self.selected_column = tinted(self.highlight, 0.07)
        self.today = tinted(self.highlight, 0.16)
        self.ghost = tinted(self.highlight, 0.35)


def blend(base: QColor, color: QColor, amount: float) -> QColor:
    """``color`` laid over ``base`` at ``amount`` opacity, as one opaque colour (so the
    shading of the quiet hours does not show through a block)."""
    return QColor(
        round(base.red() + (color.red() - base.red()) * amount),
        round(base.green() + (color.green() - base.green()) * amount),
        round(base.blue() + (color.blue() - base.blue()) * amount),
    )


def paint_week(
    painter: QPainter, palette: QPalette, metrics: WeekMetrics, frame: WeekFrame, state: WeekState
) -> None:
    """Paint the grid (scrolled, below the headings), then the headings and the strip."""
    _WeekPainter(painter, palette, metrics, frame, state).paint()


class _WeekPainter:
    """One paint of the week: the painter, what to paint, and the palette's colours."""

    def __init__(
        self,
        painter: QPainter,
        palette: QPalette,
        metrics: WeekMetrics,
        frame: WeekFrame,
        state: WeekState,
    ) -> None:
        self.painter = painter
        self.metrics = metrics
        self.frame = frame
        self.state = state
        self.colours = _Colours(palette)
        self._bold: bool | None = None

    def write(self, text: Text) -> None:
        """Draw prepared text, switching the font only when it has to."""
        if text.bold != self._bold:
            self._bold = text.bold
            self.painter.setFont(self.metrics.bold if text.bold else self.metrics.small)
        self.painter.drawStaticText(text.at, text.glyphs)

    def paint(self) -> None:
        painter, frame, state = self.painter, self.frame, self.state
        width, height = state.size.width(), state.size.height()
        painter.save()
        painter.setClipRect(QRect(0, frame.top, width, height - frame.top))
        painter.translate(0, frame.top - state.scroll)
        self.hours()
        # Only the blocks on screen: the visible band in grid coordinates.
        first, last = state.scroll, state.scroll + height - frame.top
        for block in frame.blocks:
            if block.rect.bottom() >= first and block.rect.top() <= last:
                self.block(block)
        self.now()
        if state.ghost is not None:
            self.ghost(state.ghost)
        painter.restore()
        self.headings()
        self.strip()

    def _column_of(self, day: date) -> tuple[int, int] | None:
        """The left and right edge of ``day``'s column, if it is in the week."""
        headings = self.frame.headings
        index = (day - headings[0].day).days if headings else -1
        if not 0 <= index < DAYS:
            return None
        return self.frame.edges[index], self.frame.edges[index + 1]

    def hours(self) -> None:
        painter, metrics, colours, edges = (
            self.painter,
            self.metrics,
            self.colours,
            self.frame.edges,
        )
        bottom, days = metrics.y(DAY_MINUTES), edges[-1] - edges[0]
        painter.fillRect(QRect(0, 0, edges[-1], bottom), colours.base)
        # Hours outside the working day are shaded, like a desktop calendar's.
        painter.fillRect(QRect(edges[0], 0, days, metrics.y(WORKDAY_START)), colours.quiet)
        evening = metrics.y(WORKDAY_END)
        painter.fillRect(QRect(edges[0], evening, days, bottom - evening), colours.quiet)
        selected = self._column_of(self.state.selected_day)
        if selected is not None:
            left, right = selected
            painter.fillRect(QRect(left, 0, right - left, bottom), colours.selected_column)
        painter.setPen(QPen(colours.faint, 1, Qt.PenStyle.DotLine))
        for hour in range(24):
            half = metrics.y(hour * 60 + 30)
            painter.drawLine(edges[0], half, edges[-1], half)
        painter.setPen(QPen(colours.mid, 1))
        for hour in range(1, 24):
            y = metrics.y(hour * 60)
            painter.drawLine(edges[0] - PADDING, y, edges[-1], y)
        for x in edges:
            painter.drawLine(x, 0, x, bottom)
        painter.setPen(colours.muted)
        for label in self.frame.hour_labels:
            self.write(label)

    def block(self, block: Block) -> None:
        painter, colours, state = self.painter, self.colours, self.state
        entry = block.placement.entry
        box = block.rect.adjusted(0, 1, -1, -1)
        if entry.key == state.entry_key and entry.day == state.selected_day:
            fill, ink, accent = colours.highlight, colours.on_highlight, colours.ink
        elif entry.cancelled:
            fill, ink, accent = colours.cancelled, colours.muted, colours.muted
        else:
            fill, ink, accent = colours.block, colours.ink, colours.highlight
        painter.fillRect(box, fill)
        painter.fillRect(QRect(box.left(), box.top(), 3, box.height()), accent)
        if entry.cancelled:
            painter.setPen(QPen(colours.muted, 1, Qt.PenStyle.DashLine))
            painter.drawRect(box.adjusted(0, 0, -1, -1))
        painter.save()
        # A block shorter than a line of text must not spill into the next one.
        painter.setClipRect(box, Qt.ClipOperation.IntersectClip)
        painter.setPen(ink)
        for line in block.lines:
            self.write(line)
        painter.restore()

    def now(self) -> None:
        """A line across today's column at the current time."""
        column = self._column_of(self.state.now_day)
        if column is None:
            return
        painter, colour = self.painter, self.colours.overdue
        left, right = column
        y = self.metrics.y(self.state.now_minute)
        painter.setPen(QPen(colour, 2))
        painter.drawLine(left + 1, y, right - 1, y)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setBrush(colour)
        painter.drawEllipse(QPoint(left + 3, y), 3, 3)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)

    def ghost(self, ghost: Ghost) -> None:
        """Where the dragged interview would land, with its new day and times."""
        painter, colours = self.painter, self.colours
        painter.fillRect(ghost.rect, colours.ghost)
        painter.setPen(QPen(colours.highlight, 2, Qt.PenStyle.DashLine))
        painter.drawRect(ghost.rect.adjusted(1, 1, -1, -1))
        painter.setPen(colours.ink)
        painter.setFont(self.metrics.bold)
        self._bold = True
        painter.drawText(
            ghost.rect.adjusted(3 + PADDING, 2, -2, 0),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
            ghost.words,
        )

    def headings(self) -> None:
        painter, colours, frame = self.painter, self.colours, self.frame
        painter.fillRect(QRect(0, 0, self.state.size.width(), frame.top), colours.window)
        painter.setPen(colours.muted)
        for text in frame.corner:
            self.write(text)
        for heading in frame.headings:
            if heading.today:
                painter.fillRect(heading.rect, colours.today)
            weekday, *rest = heading.texts
            painter.setPen(colours.ink if heading.today else colours.muted)
            self.write(weekday)
            painter.setPen(colours.ink)
            for text in rest:
                self.write(text)
            if heading.day == self.state.selected_day:
                # A heavier frame while the keyboard is on the grid shows where it is.
                weight = 2 if self.state.focused else 1
                painter.setPen(QPen(colours.highlight, weight))
                painter.drawRect(heading.rect.adjusted(1, 1, -weight, -weight))
        painter.setPen(QPen(colours.mid, 1))
        for x in frame.edges:
            painter.drawLine(x, 0, x, frame.top)

    def strip(self) -> None:
        painter, colours, state = self.painter, self.colours, self.state
        for line in self.frame.strip:
            entry = line.entry
            if entry is None:
                painter.setPen(colours.muted)
            elif entry.key == state.entry_key and entry.day == state.selected_day:
                painter.fillRect(line.rect, colours.highlight)
                painter.setPen(colours.on_highlight)
            elif entry.kind is EntryKind.DECISION:
                painter.fillRect(line.rect, colours.decision)
                painter.setPen(colours.ink)
            else:
                painter.setPen(colours.overdue if entry.overdue else colours.ink)
            self.write(line.text)
        edges, top = self.frame.edges, self.frame.top
        painter.setPen(QPen(colours.mid, 1))
        painter.drawLine(edges[0], self.metrics.header, edges[-1], self.metrics.header)
        painter.drawLine(0, top - 1, self.state.size.width(), top - 1)
