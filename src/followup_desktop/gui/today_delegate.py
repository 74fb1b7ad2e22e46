"""Paints one Today-panel row from its agenda snapshot: two compact lines, no widget per row.

Line one is a rounded badge whose words give the state ("Overdue 3d", "Today 14:00",
with "snoozed" added when a snooze set the time), drawn in the state colour, followed by
the action in bold. Line two, muted, names the opportunity. Both lines are elided to the
row's width, so the panel never needs a horizontal scrollbar however narrow the dock.
Fonts and metrics are derived once per font, not per paint.

Today also lists what falls due in the next 24 hours after today's actions; the first
such row carries a "Next 24 hours" heading above it, in words, so the section does not
depend on colour.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from followup_desktop.core import localformat
from followup_desktop.core.action_kinds import recipient_name as recipient_name  # noqa: PLC0414
from followup_desktop.core.agenda import AgendaItem, Bucket
from followup_desktop.core.board import DueState
from followup_desktop.core.i18n import _
from followup_desktop.gui.agenda_model import COMING_UP_HEADING, AgendaModel
from followup_desktop.gui.card_delegate import due_words
from followup_desktop.gui.contrast import legible, over
from followup_desktop.gui.plain import shown
from followup_desktop.gui.snapshot_table import SnapshotRole
from followup_desktop.gui.theme import blend, muted_text, status_color, tinted

MARGIN_X = 4
MARGIN_Y = 2
PADDING_X = 8
PADDING_Y = 6
LINE_GAP = 3
BADGE_PAD_X = 7
BADGE_PAD_Y = 2
BADGE_GAP = 8
RADIUS = 5.0
#: Narrow enough for any dock; the list view stretches each row to its own width.
MIN_ROW_WIDTH = 160

AnyIndex = QModelIndex | QPersistentModelIndex

_STATES = {Bucket.OVERDUE: DueState.OVERDUE, Bucket.TODAY: DueState.TODAY}


def bucket_state(bucket: Bucket) -> DueState:
    """The board's due state for an agenda bucket, so both share the status colours."""
    return _STATES.get(bucket, DueState.LATER)


def badge_text(item: AgendaItem, now: datetime, tz: tzinfo) -> str:
    """The badge's words: the state and, where it helps, how late or at what time."""
    if item.bucket is Bucket.UPCOMING:
        due = item.due_at.astimezone(tz)
        tomorrow = (now.astimezone(tz) + timedelta(days=1)).date()
        if due.date() == tomorrow:
            text = _("Tomorrow {time}").format(time=localformat.clock(due))
        else:
            text = localformat.day_and_clock(due)
    else:
        text = due_words(item.due_at, bucket_state(item.bucket), now, tz)
    # A snoozed action's time is the one the person chose; saying so explains why it
    # reappeared (or has not yet).
    return _("{when} · snoozed").format(when=text) if item.snoozed else text


def action_text(item: AgendaItem) -> str:
    """Line one after the badge: what to do, naming the person (the core's wording).

    The address would crowd the action out of a row; the details below the list and
    the accessible text keep it.
    """
    return item.title


def where_text(item: AgendaItem) -> str:
    """Line two: the opportunity, or the whole search for actions that have none."""
    return f"{item.company} — {item.role}" if item.company else _("Your whole search")


class TodayDelegate(QStyledItemDelegate):
    """Draws one agenda action per row of a list view over :class:`AgendaModel`."""

    def __init__(
        self, clock: Callable[[], datetime], tz: tzinfo, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._tz = tz
        self._font_key: str | None = None
        self._bold_font = QFont()
        self._body_font = QFont()
        self._badge_font = QFont()
        self._badge_bold_font = QFont()
        self._bold_metrics = QFontMetrics(self._bold_font)
        self._body_metrics = QFontMetrics(self._body_font)
        self._badge_metrics = QFontMetrics(self._badge_font)
        self._badge_bold_metrics = QFontMetrics(self._badge_bold_font)

    def _fonts(self, base: QFont) -> None:
        key = base.key()
        if key == self._font_key:
            return
        self._font_key = key
        self._bold_font = QFont(base)
        self._bold_font.setBold(True)
        self._body_font = QFont(base)
        self._badge_font = QFont(base)
        self._badge_font.setPointSizeF(base.pointSizeF() * 0.9)
        self._badge_bold_font = QFont(self._badge_font)
        self._badge_bold_font.setBold(True)
        self._bold_metrics = QFontMetrics(self._bold_font)
        self._body_metrics = QFontMetrics(self._body_font)
        self._badge_metrics = QFontMetrics(self._badge_font)
        self._badge_bold_metrics = QFontMetrics(self._badge_bold_font)

    def _first_line_height(self) -> int:
        badge = self._badge_bold_metrics.height() + 2 * BADGE_PAD_Y
        return max(badge, self._bold_metrics.height())

    def row_height(self, font: QFont) -> int:
        """The height of every row (all rows are the same size, so the list lays out fast)."""
        self._fonts(font)
        return (
            2 * MARGIN_Y
            + 2 * PADDING_Y
            + self._first_line_height()
            + LINE_GAP
            + self._body_metrics.height()
        )

    def heading_height(self, font: QFont) -> int:
        """The room the "Next 24 hours" heading takes above its row."""
        self._fonts(font)
        return self._bold_metrics.height() + 2 * PADDING_Y

    @staticmethod
    def _starts_coming_up(index: AnyIndex) -> bool:
        model = index.model()
        return isinstance(model, AgendaModel) and model.starts_coming_up(index.row())

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        # The width is only a floor: a top-to-bottom list gives every row the viewport's
        # width, and anything wider than the viewport would bring back the scrollbar.
        height = self.row_height(option.font)
        if self._starts_coming_up(index):
            height += self.heading_height(option.font)
        return QSize(MIN_ROW_WIDTH, height)

    def elided_action(self, item: AgendaItem, width: int, font: QFont | None = None) -> str:
        """Line one's words cut to ``width`` pixels of the bold font.

        Elided in the middle: the person's name at the end is what tells two thank-yous
        apart, so it stays in sight on a narrow dock.
        """
        if font is not None:
            self._fonts(font)
        return self._bold_metrics.elidedText(
            shown(action_text(item)), Qt.TextElideMode.ElideMiddle, width
        )

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        item = index.data(SnapshotRole)
        if not isinstance(item, AgendaItem):
            super().paint(painter, option, index)
            return
        self._fonts(option.font)
        palette: QPalette = option.palette
        state = bucket_state(item.bucket)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        focused = bool(option.state & QStyle.StateFlag.State_HasFocus)

        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        rect = option.rect.adjusted(MARGIN_X, MARGIN_Y, -MARGIN_X, -MARGIN_Y)
        base = palette.color(QPalette.ColorRole.Base)
        if self._starts_coming_up(index):
            # The section heading, in words, above the first action after today.
            heading = self.heading_height(option.font)
            painter.setFont(self._bold_font)
            painter.setPen(legible(palette.color(QPalette.ColorRole.Text), base))
            painter.drawText(
                QRect(rect.left() + PADDING_X, rect.top(), rect.width(), heading),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom,
                COMING_UP_HEADING,
            )
            rect.setTop(rect.top() + heading)
        highlight = palette.color(QPalette.ColorRole.Highlight)
        background = blend(base, highlight, 0.22) if selected else base
        # Every text colour is checked against the row's own background (AA contrast).
        text_color = legible(palette.color(QPalette.ColorRole.Text), background)
        muted = legible(muted_text(palette), background)
        if selected or focused:
            # A light wash of the highlight, not the full colour: the state colours and
            # the normal text colour stay readable on it in light and dark palettes.
            painter.setPen(QPen(highlight, 1.5))
            painter.setBrush(background)
            painter.drawRoundedRect(QRectF(rect).adjusted(0.75, 0.75, -0.75, -0.75), RADIUS, RADIUS)
        else:
            # A hairline between rows keeps two-line entries apart without boxing each.
            painter.setPen(QPen(tinted(muted, 0.35), 1.0))
            bottom = option.rect.bottom() + 0.5
            painter.drawLine(QPointF(rect.left() + 2, bottom), QPointF(rect.right() - 2, bottom))

        left = rect.left() + PADDING_X
        width = rect.width() - 2 * PADDING_X
        top = rect.top() + PADDING_Y
        first = self._first_line_height()

        # Line 1: the badge (state in words and colour), then the action in bold.
        badge_width = self._paint_badge(
            painter,
            QRect(left, top, width, first),
            badge_text(item, self._clock(), self._tz),
            status_color(palette, state),
            urgent=state in (DueState.OVERDUE, DueState.TODAY),
            background=background,
        )
        rest = width - badge_width - BADGE_GAP
        if rest > 0:
            painter.setFont(self._bold_font)
            painter.setPen(text_color)
            painter.drawText(
                QRect(left + badge_width + BADGE_GAP, top, rest, first),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                self.elided_action(item, rest),
            )

        # Line 2: the opportunity, muted.
        top += first + LINE_GAP
        painter.setFont(self._body_font)
        painter.setPen(muted)
        painter.drawText(
            QRect(left, top, width, self._body_metrics.height()),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            self._body_metrics.elidedText(
                shown(where_text(item)), Qt.TextElideMode.ElideRight, width
            ),
        )
        painter.restore()

    def _paint_badge(
        self,
        painter: QPainter,
        line: QRect,
        words: str,
        accent: QColor,
        *,
        urgent: bool,
        background: QColor,
    ) -> int:
        """Draw the state badge at the left of ``line``; return the width it took."""
        font = self._badge_bold_font if urgent else self._badge_font
        metrics = self._badge_bold_metrics if urgent else self._badge_metrics
        # The bold metrics for every badge, so rows keep one height whatever their state.
        height = self._badge_bold_metrics.height() + 2 * BADGE_PAD_Y
        # Never wider than the row: on a very narrow dock the badge's words are elided too.
        width = min(metrics.horizontalAdvance(words) + 2 * BADGE_PAD_X, line.width())
        badge = QRect(line.left(), line.top() + (line.height() - height) // 2, width, height)
        painter.setPen(Qt.PenStyle.NoPen)
        wash = tinted(accent, 0.16)
        painter.setBrush(wash)
        painter.drawRoundedRect(QRectF(badge), height / 2, height / 2)
        painter.setFont(font)
        painter.setPen(legible(accent, over(wash, background)))
        painter.drawText(
            badge,
            Qt.AlignmentFlag.AlignCenter,
            metrics.elidedText(shown(words), Qt.TextElideMode.ElideRight, width - 4),
        )
        return width
