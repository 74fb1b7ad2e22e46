"""The calendar page: a month, a week or an agenda list of interviews, follow-ups and
expected decisions.

The month is a table of day cells; the week is a time grid (:class:`WeekView`) over the
same model in week mode; the agenda is a list. The page reads only the days it shows
(:func:`load_range` for the 42, 7 or :data:`AGENDA_DAYS` days) and keeps a
:class:`DecisionIndex` beside it, patched per changed opportunity. In the window the
index is built on the worker (it reads every open opportunity's decision): the days show
at once with their interviews and follow-ups, and the expected decisions join them when
the index arrives. It knows nothing about
the window: activating an entry emits :attr:`CalendarPage.open_opportunity` or
:attr:`CalendarPage.open_action`, and an empty day (or an empty slot of the week) asks for
an interview through :attr:`CalendarPage.schedule_requested`.

Keyboard: arrows move the selected day (crossing into the next or previous month when
they leave it; in the week, Up and Down walk the day's entries), Page Up/Down turn the
month (the week in week mode, two weeks in the agenda), Home comes back to today, Enter
opens the selected entry, or the selected day's (or row's) entries.

Ctrl+M (or "Move interview to…" in an entry's context menu) asks for a new day and start
time for the selected interview: the keyboard's way to do what a drag does.
Dragging an interview to another day moves it there, keeping its time of day in its own
zone and its length; in the week it can also go to another quarter hour of the person's
zone. The service re-plans its follow-ups and the resulting change is emitted through
:attr:`CalendarPage.changed` (the window refreshes every view with it).
"""

from __future__ import annotations

import calendar
import logging
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta, tzinfo

from PySide6.QtCore import QMetaMethod, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QDrag, QKeyEvent, QKeySequence, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QListView,
    QMenu,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from followup_desktop.core import localformat
from followup_desktop.core.action_kinds import legend
from followup_desktop.core.calendar_query import (
    CalendarEntry,
    CalendarRange,
    DecisionIndex,
    EntryKind,
)
from followup_desktop.core.db import Database
from followup_desktop.core.errors import FollowupError
from followup_desktop.core.fields import InterviewFields
from followup_desktop.core.i18n import _, ngettext
from followup_desktop.core.queries.calendar import (
    calendar_range,
    expected_decisions,
    interview_times,
)
from followup_desktop.core.services import Change, FollowupService
from followup_desktop.core.timeutil import zone
from followup_desktop.gui.announce import announce
from followup_desktop.gui.calendar.agenda_model import AGENDA_DAYS, AgendaModel
from followup_desktop.gui.calendar.day_delegate import DayDelegate, cell_text
from followup_desktop.gui.calendar.keys import page_key
from followup_desktop.gui.calendar.month_access import install as install_month_access
from followup_desktop.gui.calendar.month_model import (
    MonthModel,
    add_months,
    entry_line,
    full_day,
    interview_mime,
    iso_week,
)
from followup_desktop.gui.calendar.move_dialog import ask_move, movable
from followup_desktop.gui.calendar.week_view import WeekView
from followup_desktop.gui.plain import PlainLabel, action_text, tooltip
from followup_desktop.gui.tasks import TaskRunner

log = logging.getLogger(__name__)

# How many interviews and how many follow-ups a day are read for a month cell.
PER_DAY = 6
# Past this many changed opportunities, rebuilding the decision index is simpler.
PATCH_LIMIT = 500
# Chooses one of a day's entries (a small menu; tests replace it).
EntryChooser = Callable[[list[CalendarEntry], QPoint], CalendarEntry | None]
# Where "Move to…" sends one of these interviews: its id and new start, or None.
MoveAsker = Callable[[list[CalendarEntry]], tuple[int, datetime] | None]
# The entry drawn at a viewport point (the page's delegate knows the layout).
EntryFinder = Callable[[QPoint], CalendarEntry | None]


def moved_times(
    starts: datetime, ends: datetime, zone_name: str, days: int
) -> tuple[datetime, datetime]:
    """``starts``/``ends`` moved by ``days`` calendar days: the same wall-clock start in
    the interview's own zone ``zone_name`` (so a move across a DST change keeps 10:00 at
    10:00) and the same length."""
    try:
        own = zone(zone_name)
    except FollowupError:
        own = UTC  # an unknown stored zone: keep the UTC time of day
    local = starts.astimezone(own)
    wall = datetime.combine(local.date() + timedelta(days=days), local.time(), own)
    new_start = wall.astimezone(UTC)
    return new_start, new_start + (ends - starts)


class MonthView(QTableView):
    """The month grid: a table of day cells with calendar keys."""

    step_requested = Signal(int)  # move the selected day by this many days
    page_requested = Signal(int)  # turn this many pages (months or weeks)
    today_requested = Signal()
    activate_requested = Signal()
    double_clicked = Signal(QPoint)  # where, in viewport coordinates
    # A screen reader's actions on a day cell and on an entry (month_access.py).
    day_open_requested = Signal(object)  # a date
    entry_open_requested = Signal(object)  # a CalendarEntry
    entry_move_requested = Signal(object)  # a CalendarEntry (an interview)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Screen readers get each day's entries as objects with actions.
        install_month_access()
        #: Finds the entry under a point, so a drag takes that interview.
        self.entry_under: EntryFinder | None = None
        self._press: QPoint | None = None
        # Drops go through the model (dropMimeData); drags start in mouseMoveEvent.
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDropIndicatorShown(True)
        # A drop anywhere in a cell is on that day, never "between" two cells.
        self.setDragDropOverwriteMode(True)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press = (
            event.position().toPoint() if event.button() == Qt.MouseButton.LeftButton else None
        )
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        press = self._press
        if (
            press is not None
            and event.buttons() & Qt.MouseButton.LeftButton
            and (event.position().toPoint() - press).manhattanLength()
            >= QApplication.startDragDistance()
        ):
            self._press = None
            entry = self.entry_under(press) if self.entry_under is not None else None
            # Only interviews move by dragging; a follow-up's day is the planner's.
            if entry is not None and entry.kind is EntryKind.INTERVIEW and entry.interview_id:
                drag = QDrag(self)
                drag.setMimeData(interview_mime(entry.interview_id))
                drag.exec(Qt.DropAction.MoveAction)
                return
        super().mouseMoveEvent(event)

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
        elif not page_key(self, key):
            super().keyPressEvent(event)


class AgendaView(QListView):
    """The agenda list, with the calendar's page keys."""

    page_requested = Signal(int)  # move this many pages of days
    today_requested = Signal()
    activate_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not page_key(self, event.key()):
            super().keyPressEvent(event)


MONTH, WEEK, AGENDA = "month", "week", "agenda"


class CalendarPage(QWidget):
    """Month, week or agenda view of the job search, with its navigation bar."""

    open_opportunity = Signal(int)
    open_action = Signal(int)
    schedule_requested = Signal(object)  # a date
    changed = Signal(object)  # the Change of a move made here
    move_failed = Signal(str)  # why an interview could not move, and what to do

    def __init__(  # noqa: PLR0915 - builds the whole page
        self,
        db: Database,
        clock: Callable[[], datetime],
        tz: tzinfo,
        parent: QWidget | None = None,
        *,
        service: FollowupService | None = None,
        tasks: TaskRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("calendarPage")
        self.setAccessibleName(_("Calendar"))
        self._db = db
        # Moves go through the service so they re-plan; it holds only the db and clock.
        self._service = service or FollowupService(db, clock=clock)
        self.last_error = ""
        # True (after saying why) when the window's long write runs: a move made now
        # would meet that write's lock. The window sets it; alone, a page always writes.
        self.refuse_write: Callable[[], bool] = lambda: False
        self._clock = clock
        self._tz = tz
        self._clock_texts: dict[tuple[int, int], str] = {}
        self._decisions: DecisionIndex | None = None
        # With a runner (the window's), the decision index is read there: see _load.
        self._tasks = tasks
        self._decisions_reading = False
        # What changed while the index was being read: patched in, or read again.
        self._changed_while_reading: set[int] = set()
        self._everything_while_reading = False
        self._stale = False
        self._selected = self.today()
        #: Picks one entry of a busy day; replaced in tests (a QMenu blocks).
        self.choose_entry: EntryChooser = self._choose_from_menu
        #: Asks where an interview goes ("Move to…"); replaced in tests (a dialog blocks).
        self.ask_move: MoveAsker = lambda interviews: ask_move(interviews, self._tz, self)

        self.model = MonthModel(self._load, self.today, self.time_text, self)
        self.delegate = DayDelegate(self.time_text, self)
        self.model.mover = self.move_interview
        self.view = MonthView()
        self.view.setObjectName("calendarMonth")
        self.view.entry_under = self.entry_at
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
        self.view.page_requested.connect(self.turn_page)
        self.view.today_requested.connect(self.go_to_today)
        self.view.activate_requested.connect(self.activate_selected)
        self.view.clicked.connect(self._clicked)
        self.view.double_clicked.connect(self.double_click)

        self.previous_button = QPushButton(_("Previous"))
        self.previous_button.setAccessibleName(_("Previous month"))
        self.previous_button.setToolTip(_("Previous month (Page Up)"))
        self.previous_button.clicked.connect(lambda: self.turn_page(-1))
        self.today_button = QPushButton(_("Today"))
        self.today_button.setAccessibleName(_("Go to today"))
        self.today_button.setToolTip(_("Back to today's month (Home)"))
        self.today_button.clicked.connect(self.go_to_today)
        self.next_button = QPushButton(_("Next"))
        self.next_button.setAccessibleName(_("Next month"))
        self.next_button.setToolTip(_("Next month (Page Down)"))
        self.next_button.clicked.connect(lambda: self.turn_page(1))
        self._mode = MONTH
        self.agenda = AgendaModel(self._load, self.time_text, self._selected, self)
        self.agenda_view = AgendaView()
        self.agenda_view.setObjectName("calendarAgenda")
        self.agenda_view.setModel(self.agenda)
        self.agenda_view.setUniformItemSizes(True)
        self.agenda_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.agenda_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.agenda_view.page_requested.connect(self.turn_page)
        self.agenda_view.today_requested.connect(self.go_to_today)
        self.agenda_view.activate_requested.connect(self.activate_agenda_row)
        self.agenda_view.doubleClicked.connect(self.activate_agenda_row)
        self.week_view = WeekView(self.model, tz, clock)
        self.week_view.setObjectName("calendarWeek")
        self.week_view.step_requested.connect(self.move_selection)
        self.week_view.page_requested.connect(self.turn_page)
        self.week_view.today_requested.connect(self.go_to_today)
        self.week_view.activate_requested.connect(self.activate_week_selection)
        self.week_view.day_selected.connect(self._week_day_clicked)
        self.week_view.entry_activated.connect(self._open_entry)
        self.week_view.schedule_requested.connect(self._schedule_on)
        self.week_view.more_requested.connect(self.activate_day)
        self.week_view.move_requested.connect(self.move_interview_to)
        self.week_view.move_asked.connect(self.move_selected_interview)
        self.view.day_open_requested.connect(self.activate_day)
        self.view.entry_open_requested.connect(self._open_entry)
        self.view.entry_move_requested.connect(self.move_entry)
        # No mnemonics: Alt+letters belong to the window's menus; Tab reaches these.
        self.month_button = QPushButton(_("Month"))
        self.month_button.setAccessibleName(_("Month view"))
        self.month_button.setToolTip(_("Show six weeks around the month"))
        self.week_button = QPushButton(_("Week"))
        self.week_button.setAccessibleName(_("Week view"))
        self.week_button.setToolTip(
            _(
                "Show one week by the hour: interviews as blocks you can drag to another day "
                "or time, follow-ups and decisions above the hours"
            )
        )
        self.agenda_button = QPushButton(_("Agenda"))
        self.agenda_button.setAccessibleName(_("Agenda view"))
        self.agenda_button.setToolTip(
            ngettext(
                "List the entries of {n} day, soonest first",
                "List the entries of {n} days, soonest first",
                AGENDA_DAYS,
            ).format(n=AGENDA_DAYS)
        )
        self.modes = QButtonGroup(self)
        for button in (self.month_button, self.week_button, self.agenda_button):
            button.setCheckable(True)
            self.modes.addButton(button)
        self.month_button.setChecked(True)
        self.month_button.clicked.connect(lambda: self.set_mode(MONTH))
        self.week_button.clicked.connect(lambda: self.set_mode(WEEK))
        self.agenda_button.clicked.connect(lambda: self.set_mode(AGENDA))
        self.title = PlainLabel()
        self.title.setObjectName("calendarTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.legend = PlainLabel(legend())
        self.legend.setAccessibleName(_("Legend of the calendar symbols"))
        # The legend sits under the grid and wraps, and the title wraps too: the bar must
        # not make the page wider than a laptop screen, nor re-lay out the window each
        # time the title's length changes.
        self.legend.setWordWrap(True)
        self.title.setWordWrap(True)
        self.title.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar = QHBoxLayout()
        bar.addWidget(self.previous_button)
        bar.addWidget(self.today_button)
        bar.addWidget(self.next_button)
        bar.addSpacing(12)
        bar.addWidget(self.month_button)
        bar.addWidget(self.week_button)
        bar.addWidget(self.agenda_button)
        bar.addSpacing(12)
        bar.addWidget(self.title, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.week_view)
        self.stack.addWidget(self.agenda_view)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.legend)
        self.view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFocusProxy(self.view)
        self.move_action = QAction(_("&Move interview to…"), self)
        self.move_action.setObjectName("calendarMoveInterview")
        self.move_action.setShortcut(QKeySequence("Ctrl+M"))
        self.move_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.move_action.setToolTip(_("Move the selected interview to another day and time"))
        self.move_action.triggered.connect(lambda _checked=False: self.move_selected_interview())
        self.addAction(self.move_action)
        for grid in (self.view, self.week_view, self.agenda_view):
            grid.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            grid.customContextMenuRequested.connect(
                lambda point, shown=grid: self._entry_menu(shown, point)
            )

    # -- time -------------------------------------------------------------------------

    def today(self) -> date:
        """Today in the person's zone."""
        return self._clock().astimezone(self._tz).date()

    def time_text(self, entry: CalendarEntry) -> str:
        """An entry's local time of day, the locale's way ("2:05 PM", "14:05")."""
        local = entry.starts_at.astimezone(self._tz)
        # Kept per time of day: a month paints hundreds of them, and Babel takes a
        # tenth of a millisecond for each (the language is fixed per process).
        key = (local.hour, local.minute)
        text = self._clock_texts.get(key)
        if text is None:
            text = self._clock_texts[key] = localformat.clock(local)
        return text

    # -- reading ----------------------------------------------------------------------

    @property
    def decisions_ready(self) -> bool:
        """True once the expected decisions are known (and so shown)."""
        return self._decisions is not None

    def _load(self, first: date, days: int) -> CalendarRange:
        if self._decisions is None and self._tasks is None:
            # Alone (no worker), the index is built here, once.
            self._decisions = DecisionIndex(expected_decisions(self._db, self._tz))
        shown = calendar_range(
            self._db,
            first,
            days,
            self._clock(),
            self._tz,
            per_day=PER_DAY,
            decisions=self._decisions or DecisionIndex(),
        )
        if self._decisions is None:
            # 30 to 60 ms on 10,000 opportunities: on the worker, and the days shown
            # without decisions until it is back (_decisions_arrived shows them). Only
            # asked for now: read at the same time, each read slowed the other down
            # (the driver lets go of the interpreter lock on every step).
            self._read_decisions_later()
        return shown

    def _read_decisions_later(self) -> None:
        if self._decisions_reading or self._tasks is None:
            return
        self._decisions_reading = True
        self._changed_while_reading.clear()
        self._everything_while_reading = False
        db, tz = self._db, self._tz
        self._tasks.submit(
            lambda: DecisionIndex(expected_decisions(db, tz)),
            self._decisions_arrived,
            self._decisions_failed,
            quiet=True,
            owner=self,
        )

    def _decisions_arrived(self, index: DecisionIndex) -> None:
        self._decisions_reading = False
        changed = set(self._changed_while_reading)
        self._changed_while_reading.clear()
        if self._everything_while_reading or len(changed) > PATCH_LIMIT:
            # Read before a change that touched nearly everything: read it again.
            self._read_decisions_later()
            return
        if changed:
            # The read may have begun before these were written (small writes run on
            # the GUI thread): what it says about them is read again, here (a few rows).
            index.update(changed, expected_decisions(self._db, self._tz, changed))
        self._decisions = index
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def _decisions_failed(self, error: BaseException) -> None:
        # The days stay shown without decisions; the next read of the page tries again.
        self._decisions_reading = False
        log.warning("could not read the expected decisions for the calendar: %s", error)

    def refresh(self) -> None:
        """Read the visible days again."""
        self._stale = False
        if self._mode == AGENDA:
            self.agenda.reload()
        else:
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
        if self._decisions_reading:
            self._everything_while_reading |= everything
            self._changed_while_reading |= ids
        if everything or len(ids) > PATCH_LIMIT:
            self._decisions = None
        elif ids and self._decisions is not None:
            self._decisions.update(ids, expected_decisions(self._db, self._tz, ids))
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    # -- navigation -------------------------------------------------------------------

    @property
    def selected_day(self) -> date:
        """The day the keyboard is on."""
        return self._selected

    @property
    def mode(self) -> str:
        """What the page shows: ``"month"``, ``"week"`` or ``"agenda"``."""
        return self._mode

    @property
    def week_mode(self) -> bool:
        """True when the page shows one week."""
        return self._mode == WEEK

    def set_week_mode(self, on: bool) -> None:
        """Show the selected day's week (``on``) or its month."""
        self.set_mode(WEEK if on else MONTH)

    def set_mode(self, mode: str) -> None:
        """Show the month, the week or the agenda around the selected day."""
        if mode not in (MONTH, WEEK, AGENDA):
            raise ValueError(f"Unknown calendar mode {mode!r}; use month, week or agenda.")
        self._mode = mode
        if mode == WEEK:
            self.model.set_week(self._selected)
        elif mode == MONTH:
            self.model.set_month(self._selected)
        else:
            self.agenda.set_first_day(self._selected)
        shown = {MONTH: self.view, WEEK: self.week_view, AGENDA: self.agenda_view}[mode]
        had_focus = any(view.hasFocus() for view in (self.view, self.week_view, self.agenda_view))
        self.stack.setCurrentWidget(shown)
        self.setFocusProxy(shown)
        if had_focus:
            shown.setFocus(Qt.FocusReason.OtherFocusReason)
        buttons = {MONTH: self.month_button, WEEK: self.week_button, AGENDA: self.agenda_button}
        buttons[mode].setChecked(True)
        # Whole sentences per mode: "previous" agrees with its noun in German and French.
        previous, following = {
            MONTH: (_("Previous month"), _("Next month")),
            WEEK: (_("Previous week"), _("Next week")),
            AGENDA: (
                ngettext("Previous {n} day", "Previous {n} days", AGENDA_DAYS),
                ngettext("Next {n} day", "Next {n} days", AGENDA_DAYS),
            ),
        }[mode]
        previous, following = previous.format(n=AGENDA_DAYS), following.format(n=AGENDA_DAYS)
        self.previous_button.setAccessibleName(previous)
        self.previous_button.setToolTip(_("{what} (Page Up)").format(what=previous))
        self.next_button.setAccessibleName(following)
        self.next_button.setToolTip(_("{what} (Page Down)").format(what=following))
        self.today_button.setToolTip(_("Back to today (Home)"))
        self._show_selection()

    def select_day(self, day: date) -> None:
        """Select ``day``, turning to its month (week, days) when it is not shown."""
        self._selected = day
        if self._mode == AGENDA:
            if not self.agenda.first_day <= day <= self.agenda.last_day:
                self.agenda.set_first_day(day)
        else:
            self.model.show_day(day)
        self._show_selection()

    def _show_selection(self) -> None:
        if self._mode == AGENDA:
            first, last = self.agenda.first_day, self.agenda.last_day
            text = _("{first} to {last}").format(
                first=localformat.day(first), last=localformat.day(last, year=True)
            )
            self.title.setText(text)
            self.agenda_view.setAccessibleName(_("Agenda from {days}").format(days=text))
            row = self.agenda.row_of(self._selected)
            if row >= 0:
                self.agenda_view.setCurrentIndex(self.agenda.index(row))
            return
        if self._mode == WEEK:
            first = self.model.first_day
            last = first + timedelta(days=6)
            text = _("Week {week}: {first} to {last}").format(
                week=iso_week(first),
                first=localformat.day(first),
                last=localformat.day(last, year=True),
            )
            self.title.setText(text)
            self.week_view.setAccessibleName(
                _("Week of {day}").format(day=localformat.long_date(first))
            )
            self.week_view.set_selected_day(self._selected)
            return
        month = self.model.month
        self.title.setText(localformat.month_and_year(month))
        name = _("Month of {month}").format(month=localformat.month_and_year(month))
        self.view.setAccessibleName(name)
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

    def turn_page(self, step: int) -> None:
        """Page Up/Down and the arrow buttons: ``step`` months, weeks in week mode, or
        :data:`AGENDA_DAYS` days in the agenda."""
        if self._mode == AGENDA:
            # The list turns as a whole, whichever row the keyboard is on.
            self.select_day(self.agenda.first_day + timedelta(days=AGENDA_DAYS * step))
        elif self._mode == WEEK:
            self.move_selection(7 * step)
        else:
            self.turn_month(step)

    def go_to_today(self) -> None:
        """Show today's month with today selected."""
        self.select_day(self.today())

    # -- moving interviews ------------------------------------------------------------

    def move_interview(self, interview_id: int, day: date) -> bool:
        """Move an interview to the local ``day``, keeping its time of day in its own
        zone and its length; the service re-plans its follow-ups. False when nothing
        moved (same day, or an error, said through :attr:`move_failed`)."""
        interview = interview_times(self._db, interview_id)
        if interview is None:
            return self._gone(interview_id)
        starts, ends, zone_name = interview.starts_at, interview.ends_at, interview.timezone
        # The day it is drawn on is in the person's zone; the move is in whole days.
        days = (day - starts.astimezone(self._tz).date()).days
        if days == 0:
            return False
        new_starts, new_ends = moved_times(starts, ends, zone_name, days)
        return self._reschedule(interview_id, new_starts, new_ends, day)

    def move_interview_to(self, interview_id: int, new_start_local: datetime) -> bool:
        """Move an interview to start at ``new_start_local``, a wall-clock time in the
        person's zone (a naive value is read in that zone), keeping its length.

        When only the day changes, this is :meth:`move_interview` (the time of day stays
        as it is in the interview's own zone); a new time of day is taken as the person
        sees it. False when nothing moved (same start, or an error, said through
        :attr:`move_failed`).
        """
        interview = interview_times(self._db, interview_id)
        if interview is None:
            return self._gone(interview_id)
        starts, ends = interview.starts_at, interview.ends_at
        if new_start_local.tzinfo is None:
            wanted = new_start_local.replace(tzinfo=self._tz)
        else:
            wanted = new_start_local.astimezone(self._tz)
        old = starts.astimezone(self._tz)
        if (wanted.hour, wanted.minute) == (old.hour, old.minute):
            return self.move_interview(interview_id, wanted.date())
        new_starts = wanted.astimezone(UTC)
        return self._reschedule(
            interview_id, new_starts, new_starts + (ends - starts), wanted.date()
        )

    def _reschedule(self, interview_id: int, starts: datetime, ends: datetime, day: date) -> bool:
        """Store new times through the service (which re-plans), then show ``day`` with
        the interview selected.

        One interview's move re-plans one opportunity (a few milliseconds): a small
        write, made at once, as the window's writer makes them.
        """
        if self.refuse_write():
            return False
        try:
            change = self._service.update_interview(
                interview_id, InterviewFields(starts_at=starts, ends_at=ends)
            )
        except FollowupError as error:
            return self._fail(_("The interview could not move: {error}").format(error=error))
        self.select_day(day)
        self.report(change)
        if self._mode == WEEK:
            self.week_view.select_entry(f"interview:{interview_id}")
        return True

    def selected_interviews(self, first: CalendarEntry | None = None) -> list[CalendarEntry]:
        """The interviews "Move to…" offers: the selected one (or ``first``) first, then
        the day's."""
        if self._mode == AGENDA and first is None:
            entry = self.agenda.entry_at(self.agenda_view.currentIndex())
            return movable([entry]) if entry is not None else []
        interviews = movable(self.model.entries(self._selected))
        chosen = self.week_view.selected_entry if self._mode == WEEK else None
        chosen = first or chosen
        if chosen is not None and chosen in interviews:
            interviews.remove(chosen)
            interviews.insert(0, chosen)
        return interviews

    def move_entry(self, entry: CalendarEntry) -> bool:
        """A month entry's Move action: select its day and move it, offered first."""
        self.select_day(entry.day)
        return self.move_selected_interview(entry)

    def move_selected_interview(self, first: CalendarEntry | None = None) -> bool:
        """Ctrl+M: ask where the selected interview (or ``first``) goes, move it there
        and say so."""
        interviews = self.selected_interviews(first)
        if not interviews:
            return self._fail(
                _(
                    "There is no interview on {day} to move. Select a day or an agenda row "
                    "with an interview (◷) first."
                ).format(day=localformat.long_date(self._selected))
            )
        answer = self.ask_move(interviews)
        if answer is None:
            return False
        interview_id, starts = answer
        entry = next(e for e in interviews if e.interview_id == interview_id)
        if not self.move_interview_to(interview_id, starts):
            return False
        local = starts.astimezone(self._tz)
        words = _("Interview with {company} moved to {day}, {time}").format(
            company=entry.company, day=full_day(local.date()), time=localformat.clock(local)
        )
        announce(self, words)
        return True

    def _entry_menu(self, grid: QWidget, point: QPoint) -> None:
        """The context menu of a day or an entry: open it, move the interview, schedule."""
        self.setFocusProxy(grid)
        if grid is self.view:
            index = self.view.indexAt(point)
            if index.isValid():
                self._selected = self.model.day_at(index)
                self.view.setCurrentIndex(index)
        elif grid is self.agenda_view:
            index = self.agenda_view.indexAt(point)
            if index.isValid():
                self.agenda_view.setCurrentIndex(index)
        menu = QMenu(self)
        menu.setObjectName("calendarEntryMenu")
        opener = menu.addAction(_("&Open"))
        opener.triggered.connect(lambda _checked=False: self._open_selection(grid))
        menu.addAction(self.move_action)
        self.move_action.setEnabled(bool(self.selected_interviews()))
        day = self._selected
        schedule = menu.addAction(_("&Schedule an interview on this day…"))
        schedule.triggered.connect(lambda _checked=False: self.schedule_requested.emit(day))
        self.show_menu(menu, grid.mapToGlobal(point))
        self.move_action.setEnabled(True)

    def _open_selection(self, grid: QWidget) -> None:
        if grid is self.agenda_view:
            self.activate_agenda_row()
        elif grid is self.week_view:
            self.activate_week_selection()
        else:
            self.activate_selected()

    def show_menu(self, menu: QMenu, where: QPoint) -> None:
        """Run a context menu (tests replace this: a menu blocks)."""
        menu.exec(where)
        menu.deleteLater()

    def _fail(self, message: str) -> bool:
        self.last_error = message
        self.move_failed.emit(message)
        return False

    def _gone(self, interview_id: int) -> bool:
        return self._fail(
            _("Interview {id} no longer exists; refresh the calendar and try again.").format(
                id=interview_id
            )
        )

    def report(self, change: Change) -> None:
        """Hand a change made here to the window; re-read alone when nobody listens."""
        if self.isSignalConnected(QMetaMethod.fromSignal(self.changed)):
            self.changed.emit(change)
        else:
            self.apply_change(change.opportunity_ids)

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
        # ``where`` is in the shown grid's viewport: the week's or the month's.
        if self._mode == WEEK:
            viewport = self.week_view.viewport()
            if where is None:
                where = self.week_view.day_rect(day).center()
        else:
            viewport = self.view.viewport()
            if where is None:
                where = self.view.visualRect(self.model.index_of(day)).center()
        chosen = self.choose_entry(entries, viewport.mapToGlobal(where))
        if chosen is not None:
            self.activate(chosen)

    def activate_agenda_row(self, index: QModelIndex | None = None) -> None:
        """Open the agenda row ``index`` (or the current one)."""
        entry = self.agenda.entry_at(
            index if index is not None else self.agenda_view.currentIndex()
        )
        if entry is not None:
            self._selected = entry.day
            self.activate(entry)

    def activate_selected(self) -> None:
        """Enter on the selected day."""
        self.activate_day(self._selected)

    def activate_week_selection(self) -> None:
        """Enter in the week: the selected entry, else the selected day."""
        entry = self.week_view.selected_entry
        if entry is not None:
            self.activate(entry)
        else:
            self.activate_selected()

    def _week_day_clicked(self, day: date) -> None:
        self._selected = day
        self._show_selection()

    def _open_entry(self, entry: CalendarEntry) -> None:
        self.select_day(entry.day)
        self.activate(entry)

    def _schedule_on(self, day: date) -> None:
        self.select_day(day)
        self.schedule_requested.emit(day)

    def _choose_from_menu(
        self, entries: list[CalendarEntry], where: QPoint
    ) -> CalendarEntry | None:
        menu = QMenu(self)
        menu.setAccessibleName(_("Entries of the day"))
        choices = {}
        for entry in entries:
            action = menu.addAction(action_text(cell_text(entry, self.time_text(entry))))
            action.setToolTip(tooltip(entry_line(entry, self.time_text(entry))))
            choices[action] = entry
        hidden = self.model.total(entries[0].day) - len(entries)
        if hidden > 0:
            more = menu.addAction(
                ngettext(
                    "+{n} more (see the board and the Today panel)",
                    "+{n} more (see the board and the Today panel)",
                    hidden,
                ).format(n=hidden)
            )
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
