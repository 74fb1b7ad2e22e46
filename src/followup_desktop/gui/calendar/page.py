"""The calendar page: a month of interviews, follow-ups and expected decisions.

The page reads only the days it shows (:func:`load_range` for the 42 visible days) and
keeps a :class:`DecisionIndex` beside it, patched per changed opportunity. It knows
nothing about the window: activating an entry emits :attr:`CalendarPage.open_opportunity`
or :attr:`CalendarPage.open_action`, and an empty day asks for an interview through
:attr:`CalendarPage.schedule_requested`.

Keyboard: arrows move the selected day (crossing into the next or previous month when
they leave it), Page Up/Down turn the month, Home comes back to today, Enter opens the
selected day's entries.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta, tzinfo

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from followup_desktop.core.calendar_query import (
    CalendarEntry,
    CalendarRange,
    DecisionIndex,
    EntryKind,
    load_decisions,
    load_range,
)
from followup_desktop.core.db import Database
from followup_desktop.gui.calendar.day_delegate import DayDelegate, cell_text
from followup_desktop.gui.calendar.month_model import MonthModel, add_months, entry_line

# How many interviews and how many follow-ups a day are read for a month cell.
PER_DAY = 6
# Past this many changed opportunities, rebuilding the decision index is simpler.
PATCH_LIMIT = 500
# Chooses one of a day's entries (a small menu; tests replace it).
EntryChooser = Callable[[list[CalendarEntry], QPoint], CalendarEntry | None]


class MonthView(QTableView):
    """The month grid: a table of day cells with calendar keys."""

    step_requested = Signal(int)  # move the selected day by this many days
    month_requested = Signal(int)  # turn this many months
    today_requested = Signal()
    activate_requested = Signal()
    double_clicked = Signal(QPoint)  # where, in viewport coordinates

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        # Handled here rather than through doubleClicked, which carries no point.
        if event.button() == Qt.MouseButton.LeftButton:
            self.double_clicked.emit(event.position().toPoint())
            event.accept()
        else:
            super().mouseDoubleClickEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        steps = {
            Qt.Key.Key_Left: -1,
            Qt.Key.Key_Right: 1,
            Qt.Key.Key_Up: -7,
            Qt.Key.Key_Down: 7,
        }
        if key in steps and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self.step_requested.emit(steps[Qt.Key(key)])
        elif key == Qt.Key.Key_PageUp:
            self.month_requested.emit(-1)
        elif key == Qt.Key.Key_PageDown:
            self.month_requested.emit(1)
        elif key == Qt.Key.Key_Home:
            self.today_requested.emit()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.activate_requested.emit()
        else:
            super().keyPressEvent(event)


class CalendarPage(QWidget):
    """Month view of the job search, with its navigation bar."""

    open_opportunity = Signal(int)
    open_action = Signal(int)
    schedule_requested = Signal(object)  # a date

    def __init__(  # noqa: PLR0915 - builds the whole page
        self,
        db: Database,
        clock: Callable[[], datetime],
        tz: tzinfo,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("calendarPage")
        self.setAccessibleName("Calendar")
        self._db = db
        self._clock = clock
        self._tz = tz
        self._decisions: DecisionIndex | None = None
        self._stale = False
        self._selected = self.today()
        #: Picks one entry of a busy day; replaced in tests (a QMenu blocks).
        self.choose_entry: EntryChooser = self._choose_from_menu

        self.model = MonthModel(self._load, self.today, self.time_text, self)
        self.delegate = DayDelegate(self.time_text, self)
        self.view = MonthView()
        self.view.setObjectName("calendarMonth")
        self.view.setModel(self.model)
        self.view.setItemDelegate(self.delegate)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setShowGrid(False)
        self.view.setCornerButtonEnabled(False)
        self.view.setMouseTracking(True)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.view.verticalHeader().setMinimumSectionSize(48)
        self.view.horizontalHeader().setHighlightSections(False)
        self.view.verticalHeader().setHighlightSections(False)
        self.view.step_requested.connect(self.move_selection)
        self.view.month_requested.connect(self.turn_month)
        self.view.today_requested.connect(self.go_to_today)
        self.view.activate_requested.connect(self.activate_selected)
        self.view.clicked.connect(self._clicked)
        self.view.double_clicked.connect(self.double_click)

        self.previous_button = QPushButton("Previous")
        self.previous_button.setAccessibleName("Previous month")
        self.previous_button.setToolTip("Previous month (Page Up)")
        self.previous_button.clicked.connect(lambda: self.turn_month(-1))
        self.today_button = QPushButton("Today")
        self.today_button.setAccessibleName("Go to today")
        self.today_button.setToolTip("Back to today's month (Home)")
        self.today_button.clicked.connect(self.go_to_today)
        self.next_button = QPushButton("Next")
        self.next_button.setAccessibleName("Next month")
        self.next_button.setToolTip("Next month (Page Down)")
        self.next_button.clicked.connect(lambda: self.turn_month(1))
        self.title = QLabel()
        self.title.setObjectName("calendarTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.legend = QLabel(
            "◷ interview   ✉ message   ☎ call   ✎ debrief   ☐ to-do   ⚑ expected decision"
        )
        self.legend.setAccessibleName("Legend of the calendar symbols")
        bar = QHBoxLayout()
        bar.addWidget(self.previous_button)
        bar.addWidget(self.today_button)
        bar.addWidget(self.next_button)
        bar.addSpacing(12)
        bar.addWidget(self.title)
        bar.addStretch(1)
        bar.addWidget(self.legend)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        self.view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFocusProxy(self.view)

    # -- time -------------------------------------------------------------------------

    def today(self) -> date:
        """Today in the person's zone."""
        return self._clock().astimezone(self._tz).date()

    def time_text(self, entry: CalendarEntry) -> str:
        """An entry's local time of day (HH:MM)."""
        return entry.starts_at.astimezone(self._tz).strftime("%H:%M")

    # -- reading ----------------------------------------------------------------------

    def _load(self, first: date, days: int) -> CalendarRange:
        with self._db.session() as session:
            if self._decisions is None:
                # Built once, on first show (about 50 ms on 10,000 opportunities).
                self._decisions = DecisionIndex(load_decisions(session, self._tz))
            return load_range(
                session,
                first,
                days,
                self._clock(),
                self._tz,
                per_day=PER_DAY,
                decisions=self._decisions,
            )

    def refresh(self) -> None:
        """Read the visible days again."""
        self._stale = False
        self.model.reload()
        self._show_selection()

    def refresh_if_stale(self) -> None:
        """Re-read when a change arrived while the page was hidden."""
        if self._stale:
            self.refresh()

    def apply_change(self, opportunity_ids: Iterable[int], *, everything: bool = False) -> None:
        """Patch the decision index for ``opportunity_ids`` and re-read the month.

        Hidden, the page only notes that it is stale and re-reads when shown again.
        """
        ids = set(opportunity_ids)
        if everything or len(ids) > PATCH_LIMIT:
            self._decisions = None
        elif ids and self._decisions is not None:
            with self._db.session() as session:
                self._decisions.update(ids, load_decisions(session, self._tz, ids))
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    # -- navigation -------------------------------------------------------------------

    @property
    def selected_day(self) -> date:
        """The day the keyboard is on."""
        return self._selected

    def select_day(self, day: date) -> None:
        """Select ``day``, turning to its month when it is not the one shown."""
        self._selected = day
        if day.replace(day=1) != self.model.month:
            self.model.set_month(day)
        self._show_selection()

    def _show_selection(self) -> None:
        month = self.model.month
        self.title.setText(f"{calendar.month_name[month.month]} {month.year}")
        self.view.setAccessibleName(f"Month of {calendar.month_name[month.month]} {month.year}")
        index = self.model.index_of(self._selected)
        if index.isValid():
            self.view.setCurrentIndex(index)

    def move_selection(self, days: int) -> None:
        """Move the selected day by ``days``."""
        self.select_day(self._selected + timedelta(days=days))

    def turn_month(self, step: int) -> None:
        """Show the month ``step`` months away, keeping the day of the month if it exists."""
        month = add_months(self.model.month, step)
        last = calendar.monthrange(month.year, month.month)[1]
        self.select_day(month.replace(day=min(self._selected.day, last)))

    def go_to_today(self) -> None:
        """Show today's month with today selected."""
        self.select_day(self.today())

    # -- activation -------------------------------------------------------------------

    def activate(self, entry: CalendarEntry) -> None:
        """Open what an entry stands for."""
        if entry.kind is EntryKind.ACTION and entry.action_id is not None:
            self.open_action.emit(entry.action_id)
        elif entry.opportunity_id is not None:
            self.open_opportunity.emit(entry.opportunity_id)

    def activate_day(self, day: date, where: QPoint | None = None) -> None:
        """Open a day: its one entry, a choice among several, or a new interview."""
        self.select_day(day)
        entries = self.model.entries(day)
        if not entries:
            self.schedule_requested.emit(day)
            return
        if len(entries) == 1 and self.model.total(day) == 1:
            self.activate(entries[0])
            return
        index = self.model.index_of(day)
        if where is None:
            where = self.view.visualRect(index).center()
        chosen = self.choose_entry(entries, self.view.viewport().mapToGlobal(where))
        if chosen is not None:
            self.activate(chosen)

    def activate_selected(self) -> None:
        """Enter on the selected day."""
        self.activate_day(self._selected)

    def _choose_from_menu(
        self, entries: list[CalendarEntry], where: QPoint
    ) -> CalendarEntry | None:
        menu = QMenu(self)
        menu.setAccessibleName("Entries of the day")
        choices = {}
        for entry in entries:
            action = menu.addAction(cell_text(entry, self.time_text(entry)))
            action.setToolTip(entry_line(entry, self.time_text(entry)))
            choices[action] = entry
        hidden = self.model.total(entries[0].day) - len(entries)
        if hidden > 0:
            more = menu.addAction(f"+{hidden} more (see the board and the Today panel)")
            more.setEnabled(False)
        chosen = menu.exec(where)
        menu.deleteLater()
        return choices.get(chosen) if chosen is not None else None

    def entry_at(self, point: QPoint) -> CalendarEntry | None:
        """The entry drawn at a viewport point, if any."""
        index = self.view.indexAt(point)
        if not index.isValid():
            return None
        return self.delegate.entry_at(self.view.visualRect(index), index, point, self.view.font())

    def _clicked(self, index: QModelIndex) -> None:
        self._selected = self.model.day_at(index)
        if self._selected.replace(day=1) != self.model.month:
            self.select_day(self._selected)

    def double_click(self, point: QPoint) -> None:
        """A double-click at a viewport point: open the entry there, else the day."""
        index = self.view.indexAt(point)
        if not index.isValid():
            return
        entry = self.entry_at(point)
        if entry is not None:
            self.select_day(entry.day)
            self.activate(entry)
        else:
            self.activate_day(self.model.day_at(index), point)
