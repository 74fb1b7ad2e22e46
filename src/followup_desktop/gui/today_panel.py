"""The Today panel: overdue and due-today actions with their reasons, and what to do now.

Below them, under a "Next 24 hours" heading, come the actions due in the next 24 hours,
so a thank-you due tomorrow morning is in sight the evening of the interview.

Done, Snooze and Open act on the selected action (Open, or a double-click, asks the
window to open what the action needs: the debrief, the message composer or the
opportunity). Each action is one two-line row of a list, painted by
:class:`~followup_desktop.gui.today_delegate.TodayDelegate` so it fits the dock's width.
The panel only reads the agenda; the window carries out the requests
through the service, so every change is reported the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo

from PySide6.QtCore import QItemSelectionModel, QSize, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QListView,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from followup_desktop.core import localformat
from followup_desktop.core.agenda import AgendaItem, Bucket
from followup_desktop.core.i18n import _, ngettext
from followup_desktop.gui.agenda_model import AgendaModel
from followup_desktop.gui.plain import PlainLabel
from followup_desktop.gui.today_delegate import TodayDelegate

MORNING_HOUR = 9
MINIMUM_WIDTH = 320
PREFERRED_WIDTH = 380


def snooze_choices(now: datetime, tz: tzinfo) -> list[tuple[str, datetime]]:
    """The snooze menu: an hour, tomorrow morning, next Monday morning."""
    local = now.astimezone(tz)
    morning = local.replace(hour=MORNING_HOUR, minute=0, second=0, microsecond=0)
    tomorrow = morning + timedelta(days=1)
    monday = morning + timedelta(days=7 - local.weekday())
    return [
        (_("For an hour"), now + timedelta(hours=1)),
        (_("Until tomorrow morning"), tomorrow),
        (_("Until next Monday"), monday),
    ]


class TodayPanel(QWidget):
    """Lists what is overdue, due today or in the next 24 hours; asks the window to act."""

    done_requested = Signal(int)
    snooze_requested = Signal(int, object)
    #: The action to open (its id); the window decides what opening it means.
    open_action_requested = Signal(int)
    #: The person cleared the list of missed steps.
    clear_missed_requested = Signal()

    def __init__(  # noqa: PLR0915 - builds the panel top to bottom
        self, model: AgendaModel, clock: Callable[[], datetime], tz: tzinfo
    ) -> None:
        super().__init__()
        self.setObjectName("todayPanel")
        # No name of its own: the dock around it says "Today", the list says the rest.
        # Rows elide to the width they get, so the panel can be narrow; the board needs
        # the room more.
        self.setMinimumWidth(MINIMUM_WIDTH)
        self.model = model
        self.counts = (0, 0)
        #: Actions after today but within the next 24 hours.
        self.coming = 0
        self._clock = clock
        self._tz = tz
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 8)
        self.summary = PlainLabel()
        self.summary.setObjectName("todaySummary")
        # Read by its text ("3 overdue, 1 due today"), not by a name that hides it.
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.view = QListView()
        self.view.setObjectName("agendaView")
        self.view.setAccessibleName(_("Actions overdue, due today or in the next 24 hours"))
        self.view.setModel(model)
        self.view.setModelColumn(0)
        self.delegate = TodayDelegate(clock, tz, self.view)
        self.view.setItemDelegate(self.delegate)
        # Not uniform: the first row after today's carries the "Next 24 hours" heading.
        self.view.setUniformItemSizes(False)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        # Every row elides to the viewport's width; a horizontal scrollbar would only
        # ever reveal the end of an elided line.
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # activated: a double-click, or Return on the keyboard (one signal, so one open).
        self.view.activated.connect(lambda _index: self._open())
        layout.addWidget(self.view, 1)
        # The reason is the point of an action; a row has no room for a sentence, so the
        # selected one is spelt out here in full.
        self.details = PlainLabel()
        self.details.setObjectName("todayDetails")
        self.details.setAccessibleName(_("Selected action and why it matters"))
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setMinimumHeight(self.details.fontMetrics().lineSpacing() * 4)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.details)
        buttons = QHBoxLayout()
        self.done_button = QPushButton(_("&Done"))
        self.done_button.setAccessibleName(_("Mark the selected action done"))
        self.done_button.clicked.connect(self._done)
        self.snooze_button = QToolButton()
        self.snooze_button.setText(_("S&nooze"))
        self.snooze_button.setAccessibleName(_("Snooze the selected action"))
        self.snooze_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.snooze_menu = QMenu(self.snooze_button)
        self.snooze_menu.aboutToShow.connect(self._fill_snooze_menu)
        self.snooze_button.setMenu(self.snooze_menu)
        self.open_button = QPushButton(_("&Open"))
        self.open_button.setAccessibleName(_("Open the selected action"))
        self.open_button.setToolTip(_("Write the debrief, draft the message or open the card"))
        self.open_button.clicked.connect(self._open)
        for button in (self.done_button, self.snooze_button, self.open_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        # Steps long past their point are no longer reminded; they wait here until the
        # person has looked at them and cleared the list.
        self.missed_button = QToolButton()
        self.missed_button.setObjectName("missedButton")
        self.missed_button.setAccessibleName(_("Missed steps, no longer reminded"))
        self.missed_button.setToolTip(_("Steps long past their point: no longer reminded"))
        self.missed_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.missed_menu = QMenu(self.missed_button)
        self.missed_menu.aboutToShow.connect(self._fill_missed_menu)
        self.missed_button.setMenu(self.missed_menu)
        self.missed_button.setVisible(False)
        self.missed_items: list[AgendaItem] = []
        # What the menu was last built from (None: not yet built).
        self._missed_built: list[AgendaItem] | None = None
        buttons.addWidget(self.missed_button)
        layout.addLayout(buttons)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        model.modelReset.connect(self._update_buttons)
        self._update_buttons()

    def set_items(
        self,
        items: list[AgendaItem],
        overdue: int | None = None,
        today: int | None = None,
        coming: int | None = None,
    ) -> None:
        """Show these agenda items; the counts cover every action, listed or not.

        The same items as shown (most changes leave the most pressing 200 alone) keep
        their rows and the selection: resetting the list and selecting its first row
        again paused the window after a move of 500 cards, and took the keyboard's
        place in the list away.
        """
        unchanged = items == self.model.rows()
        if unchanged:
            self.model.repaint_rows()
        else:
            self.model.set_items(items)
        if overdue is None:
            overdue = sum(1 for item in items if item.bucket is Bucket.OVERDUE)
        if today is None:
            today = sum(1 for item in items if item.bucket is Bucket.TODAY)
        if coming is None:
            coming = sum(1 for item in items if item.bucket is Bucket.UPCOMING)
        self.counts = (overdue, today)
        self.coming = coming
        self.summary.setText(summary_text(overdue, today, coming, len(items)))
        if items and not (unchanged and self.view.currentIndex().isValid()):
            self.select_row(0)

    def set_missed(self, items: list[AgendaItem]) -> None:
        """The steps marked missed: a menu of them, and a way to clear the list."""
        self.missed_items = list(items)
        self.missed_button.setVisible(bool(items))
        self.missed_button.setText(_("&Missed ({n})").format(n=len(items)))

    def _fill_missed_menu(self) -> None:
        # Built as the menu opens, and again only when the steps changed: every change
        # re-reads the panel, and making hundreds of entries each time paused the window.
        items = self.missed_items
        if items == self._missed_built:
            return
        self._missed_built = list(items)
        self.missed_menu.clear()
        for item in items:
            when = localformat.day(item.due_at.astimezone(self._tz))
            if item.company:
                words = _("{company}: {step} (was due {day})").format(
                    company=item.company, step=item.title, day=when
                )
            else:
                words = _("{step} (was due {day})").format(step=item.title, day=when)
            entry = QAction(words, self.missed_menu)
            entry.setEnabled(False)
            self.missed_menu.addAction(entry)
        self.missed_menu.addSeparator()
        clear = QAction(_("&Clear the missed list"), self.missed_menu)
        clear.triggered.connect(self.clear_missed_requested.emit)
        self.missed_menu.addAction(clear)

    def sizeHint(self) -> QSize:
        # Wide enough for a badge and most of an action without eliding; the dock opens
        # at this width and the person can drag it narrower, down to the minimum.
        hint = super().sizeHint()
        return QSize(max(hint.width(), PREFERRED_WIDTH), hint.height())

    def select_row(self, row: int) -> None:
        """Select ``row`` and make it current (keyboard navigation continues from it)."""
        index = self.model.index(row, 0)
        if not index.isValid():
            return
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self.view.scrollTo(index)

    def selected_item(self) -> AgendaItem | None:
        """The selected action, if any."""
        # selectedIndexes, not selectedRows: the list selects column 0 only, and
        # selectedRows counts a row only when every column of it is selected.
        rows = sorted({index.row() for index in self.view.selectionModel().selectedIndexes()})
        return self.model.item(rows[0]) if rows else None

    def _update_buttons(self) -> None:
        item = self.selected_item()
        for button in (self.done_button, self.snooze_button):
            button.setEnabled(item is not None)
        self.open_button.setEnabled(item is not None)
        self.details.setText("" if item is None else describe(item))

    def _done(self) -> None:
        item = self.selected_item()
        if item is not None:
            self.done_requested.emit(item.action_id)

    def _open(self) -> None:
        item = self.selected_item()
        if item is not None:
            self.open_action_requested.emit(item.action_id)

    def _fill_snooze_menu(self) -> None:
        self.snooze_menu.clear()
        for label, until in snooze_choices(self._clock(), self._tz):
            action = QAction(label, self.snooze_menu)
            action.triggered.connect(lambda _checked=False, when=until: self.snooze(when))
            self.snooze_menu.addAction(action)

    def snooze(self, until: datetime) -> None:
        """Ask to snooze the selected action until ``until``."""
        item = self.selected_item()
        if item is not None:
            self.snooze_requested.emit(item.action_id, until)


__all__ = ["TodayPanel", "snooze_choices", "summary_text"]


def summary_text(overdue: int, today: int, coming: int, listed: int) -> str:
    """The line above the list; it never says "nothing" while something is coming up."""
    if not overdue and not today:
        if not coming:
            return _("Nothing is overdue, due today or due in the next 24 hours.")
        return ngettext(
            "Nothing is overdue or due today; {n} step due in the next 24 hours.",
            "Nothing is overdue or due today; {n} steps due in the next 24 hours.",
            coming,
        ).format(n=coming)
    text = _("{overdue} overdue, {today} due today").format(overdue=overdue, today=today)
    if coming:
        text = ngettext(
            "{counts}, {n} more in the next 24 hours",
            "{counts}, {n} more in the next 24 hours",
            coming,
        ).format(counts=text, n=coming)
    if listed < overdue + today + coming:
        text = ngettext(
            "{counts} (the first {n} listed)", "{counts} (the first {n} listed)", listed
        ).format(counts=text, n=listed)
    return text


def describe(item: AgendaItem) -> str:
    """The selected action in full: what, for which opportunity, and why."""
    what = item.title
    if item.sent_to:
        what = _("{step}, {person}").format(step=item.title, person=item.sent_to)
    where = f"{item.company} — {item.role}" if item.company else _("Your whole search")
    lines = [_("{step} ({where})").format(step=what, where=where)]
    if item.reason:
        lines.append(_("Why: {reason}").format(reason=item.reason))
    return "\n".join(lines)
