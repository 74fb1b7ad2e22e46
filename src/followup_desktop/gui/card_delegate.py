"""Paints a board card from its snapshot: no widget per card, nothing read from disk.

A card shows the company, the role, the next action with its due state (a coloured
badge whose words say the state too), the next or last interview and the days since the
last contact. Fonts and metrics are derived once per font, not per paint.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from followup_desktop.core import localformat
from followup_desktop.core.action_kinds import kind_label
from followup_desktop.core.board import CardSnapshot, DueState, due_state
from followup_desktop.core.i18n import _, ngettext, pgettext
from followup_desktop.gui.board_model import CardRole
from followup_desktop.gui.contrast import legible, over
from followup_desktop.gui.plain import shown
from followup_desktop.gui.theme import blend, muted_text, status_color, tinted

PADDING = 10
MARGIN_X = 6
MARGIN_Y = 4
LINE_GAP = 4
RADIUS = 6.0

AnyIndex = QModelIndex | QPersistentModelIndex


def due_text(card: CardSnapshot, state: DueState, now: datetime, tz: tzinfo) -> str:
    """The badge's words: the state in plain language."""
    if card.next_action_due is None:
        return _("Nothing planned")
    return due_words(card.next_action_due, state, now, tz)


def due_words(due_at: datetime, state: DueState, now: datetime, tz: tzinfo) -> str:
    """A due time in words by its state: "Overdue 3d", "Today 14:00", "Due Wed 25 Nov".

    Shared by the board's cards and the Today panel, so both say it the same way.
    """
    if state is DueState.OVERDUE:
        days = (now - due_at).days
        if days < 1:
            return _("Overdue")
        return ngettext("Overdue {n}d", "Overdue {n}d", days).format(n=days)
    due = due_at.astimezone(tz)
    if state is DueState.TODAY:
        return _("Today {time}").format(time=localformat.clock(due))
    return _("Due {day}").format(day=localformat.day(due))


def interview_text(card: CardSnapshot, now: datetime, tz: tzinfo, *, with_time: bool = True) -> str:
    """The next interview, or how long ago the last one was; ``with_time=False`` gives the
    next interview's day alone, for a card too narrow for its time too."""
    if card.next_interview_at is not None:
        local = card.next_interview_at.astimezone(tz)
        when = localformat.day_and_clock(local) if with_time else localformat.day(local)
        return _("Interview {when}").format(when=when)
    if card.last_interview_at is not None:
        days = max(0, (now - card.last_interview_at).days)
        if days == 0:
            return _("Interviewed today")
        return ngettext("Interviewed {n}d ago", "Interviewed {n}d ago", days).format(n=days)
    return _("No interview yet")


def contact_text(card: CardSnapshot, now: datetime) -> str:
    """Days since the last message, call or interview."""
    if card.last_contact_at is None:
        return _("No contact yet")
    days = max(0, (now - card.last_contact_at).days)
    if days == 0:
        return _("Contact today")
    return ngettext("Contact {n}d ago", "Contact {n}d ago", days).format(n=days)


def elide_at_word(metrics: QFontMetrics, text: str, width: int) -> str:
    """``text`` as it fits in ``width``: whole, or cut after a word with an ellipsis
    (mid-word only when even the first word is too long)."""
    if metrics.horizontalAdvance(text) <= width:
        return text
    words = text.split(" ")
    while len(words) > 1:
        words.pop()
        candidate = " ".join(words).rstrip(",;:") + "…"
        if metrics.horizontalAdvance(candidate) <= width:
            return candidate
    return metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)


def step_line(card: CardSnapshot, metrics: QFontMetrics, width: int) -> str:
    """The card's next step as drawn beside its badge: the step, cut at a word when it
    is too long (the whole text is the row's tooltip and accessible description), and
    "+N" for the further open steps, always kept."""
    if card.next_action_kind is None:
        return ""
    more = f" (+{card.open_actions - 1})" if card.open_actions > 1 else ""
    room = width - metrics.horizontalAdvance(more)
    return elide_at_word(metrics, shown(kind_label(card.next_action_kind)), room) + more


class CardDelegate(QStyledItemDelegate):
    """Draws one card per row of a column proxy."""

    def __init__(
        self, clock: Callable[[], datetime], tz: tzinfo, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._tz = tz
        self._font_key: str | None = None
        self._title_font = QFont()
        self._body_font = QFont()
        self._small_font = QFont()
        self._line_height = 16
        self._small_height = 14

    def _fonts(self, base: QFont) -> None:
        key = base.key()
        if key == self._font_key:
            return
        self._font_key = key
        self._title_font = QFont(base)
        self._title_font.setBold(True)
        self._title_font.setPointSizeF(base.pointSizeF() * 1.08)
        self._body_font = QFont(base)
        self._small_font = QFont(base)
        self._small_font.setPointSizeF(base.pointSizeF() * 0.9)
        self._line_height = QFontMetrics(self._title_font).height()
        self._small_height = QFontMetrics(self._small_font).height()

    def card_height(self, font: QFont) -> int:
        """The height of every card (all cards are the same size, so views lay out fast)."""
        self._fonts(font)
        body = QFontMetrics(self._body_font).height()
        return (
            2 * MARGIN_Y
            + 2 * PADDING
            + self._line_height
            + body
            + (self._small_height + 6)
            + self._small_height
            + 3 * LINE_GAP
        )

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        del index
        return QSize(max(option.rect.width(), 200), self.card_height(option.font))

    def paint(  # noqa: PLR0915 - one card, drawn top to bottom
        self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex
    ) -> None:
        card = index.data(CardRole)
        if not isinstance(card, CardSnapshot):
            super().paint(painter, option, index)
            return
        self._fonts(option.font)
        now = self._clock()
        state = due_state(card.next_action_due, now, self._tz)
        palette: QPalette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        focused = bool(option.state & QStyle.StateFlag.State_HasFocus)

        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        rect = option.rect.adjusted(MARGIN_X, MARGIN_Y, -MARGIN_X, -MARGIN_Y)
        background = palette.color(QPalette.ColorRole.Base)
        highlight = palette.color(QPalette.ColorRole.Highlight)
        if selected:
            background = blend(background, highlight, 0.22)
        border = highlight if (selected or focused) else palette.color(QPalette.ColorRole.Mid)
        painter.setPen(QPen(border, 2.0 if (selected or focused) else 1.0))
        painter.setBrush(background)
        painter.drawRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), RADIUS, RADIUS)

        accent = status_color(palette, state)
        if state is not DueState.NONE:
            # A strip on the left edge: a second cue besides the badge's words.
            strip = QRectF(rect.left() + 1.5, rect.top() + 6, 4, rect.height() - 12)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(accent)
            painter.drawRoundedRect(strip, 2, 2)

        # Every text colour is checked against the card's own background (AA contrast):
        # muted text on a selected card would fall short otherwise.
        text_color = legible(palette.color(QPalette.ColorRole.Text), background)
        muted = legible(muted_text(palette), background)
        left = rect.left() + PADDING + 4
        width = rect.width() - 2 * PADDING - 4
        y = rect.top() + PADDING

        # Line 1: company, with an "Archived" tag at the right when it is.
        painter.setFont(self._title_font)
        painter.setPen(text_color)
        tag_width = 0
        if card.archived:
            painter.setFont(self._small_font)
            tag = pgettext("a card's tag", "Archived")
            tag_width = QFontMetrics(self._small_font).horizontalAdvance(tag) + 12
            tag_rect = QRect(left + width - tag_width, y + 1, tag_width, self._small_height + 2)
            painter.setPen(QPen(muted, 1.0))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(tag_rect), 4, 4)
            painter.drawText(tag_rect, Qt.AlignmentFlag.AlignCenter, tag)
            painter.setFont(self._title_font)
            painter.setPen(text_color)
        metrics = QFontMetrics(self._title_font)
        painter.drawText(
            QRect(left, y, width - tag_width - 4, self._line_height),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            metrics.elidedText(
                shown(card.company), Qt.TextElideMode.ElideRight, width - tag_width - 4
            ),
        )
        y += self._line_height + LINE_GAP

        # Line 2: role.
        painter.setFont(self._body_font)
        painter.setPen(muted)
        body_metrics = QFontMetrics(self._body_font)
        painter.drawText(
            QRect(left, y, width, body_metrics.height()),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            body_metrics.elidedText(shown(card.role), Qt.TextElideMode.ElideRight, width),
        )
        y += body_metrics.height() + LINE_GAP

        # Line 3: a badge with the due state in words, then what to do.
        painter.setFont(self._small_font)
        small = QFontMetrics(self._small_font)
        badge_text = due_text(card, state, now, self._tz)
        badge_width = small.horizontalAdvance(badge_text) + 14
        badge = QRect(left, y, badge_width, self._small_height + 6)
        painter.setPen(Qt.PenStyle.NoPen)
        wash = tinted(accent, 0.16 if state is not DueState.NONE else 0.10)
        painter.setBrush(wash)
        painter.drawRoundedRect(QRectF(badge), badge.height() / 2, badge.height() / 2)
        painter.setPen(legible(accent, over(wash, background)))
        bold_small = QFont(self._small_font)
        bold_small.setBold(state in (DueState.OVERDUE, DueState.TODAY))
        painter.setFont(bold_small)
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, badge_text)
        painter.setFont(self._small_font)
        if card.next_action_kind is not None:
            rest = width - badge_width - 8
            painter.setPen(text_color)
            painter.drawText(
                QRect(left + badge_width + 8, y, rest, badge.height()),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                step_line(card, small, rest),
            )
        y += badge.height() + LINE_GAP

        # Line 4: the interview and the last contact.
        painter.setPen(muted)
        contact = contact_text(card, now)
        contact_width = small.horizontalAdvance(contact)
        painter.drawText(
            QRect(left + width - contact_width, y, contact_width, self._small_height),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            contact,
        )
        interview_room = width - contact_width - 10
        interview = interview_text(card, now, self._tz)
        if small.horizontalAdvance(interview) > interview_room:
            # Longer words (German, French) leave no room for the time: the day stays whole.
            interview = interview_text(card, now, self._tz, with_time=False)
        painter.drawText(
            QRect(left, y, interview_room, self._small_height),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            small.elidedText(interview, Qt.TextElideMode.ElideRight, interview_room),
        )
        painter.restore()
