"""The month grid as a table model: six weeks (or one, in week mode) of seven days.

The model holds the visible days and the :class:`CalendarRange` read for exactly
those days (frozen :class:`CalendarEntry` snapshots, capped per day with totals), so
painting reads nothing from the database. Weeks start on the locale's first day
(:func:`localformat.first_weekday`: Sunday in the US, Monday in Germany and France). In
week mode the week's time grid (:class:`WeekView`) paints from it instead of the table.

An interview can be dragged to another day: the drag carries its id under
:data:`INTERVIEW_MIME`, and a drop on a day hands ``(interview id, day)`` to the
model's mover (the page moves the interview through the service).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any, NamedTuple

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from followup_desktop.core import localformat
from followup_desktop.core.calendar_query import CalendarEntry, CalendarRange, EntryKind
from followup_desktop.core.i18n import _, formatting_locale, ngettext
from followup_desktop.gui.plain import shown, tooltip

ModelIndex = QModelIndex | QPersistentModelIndex
# Reads what the calendar shows on ``days`` days from ``first`` (one indexed query a day).
RangeLoader = Callable[[date, int], CalendarRange]
# Moves an interview (by id) to a day; True when it moved.
InterviewMover = Callable[[int, date], bool]
# What a dragged interview carries: its id as ASCII digits.
INTERVIEW_MIME = "application/x-followup-interview-id"

WEEKS = 6
DAYS = 7
_A_MONDAY = date(2024, 1, 1)
VISIBLE_DAYS = WEEKS * DAYS
DayRole = Qt.ItemDataRole.UserRole + 1
EntriesRole = Qt.ItemDataRole.UserRole + 2
TotalRole = Qt.ItemDataRole.UserRole + 3
InMonthRole = Qt.ItemDataRole.UserRole + 4
IsTodayRole = Qt.ItemDataRole.UserRole + 5
EntryRole = Qt.ItemDataRole.UserRole + 6  # one entry (the agenda list)


class DayCell(NamedTuple):
    """What a month cell paints, read in one call (see :meth:`MonthModel.cell`)."""

    number: str
    in_month: bool
    today: bool
    entries: list[CalendarEntry]
    total: int


TOOLTIP_LINES = 12


def first_visible_day(month: date, first_weekday: int | None = None) -> date:
    """The week's first day on or before the first of ``month``: the grid's top-left day."""
    return week_start(month.replace(day=1), first_weekday)


def week_start(day: date, first_weekday: int | None = None) -> date:
    """The week's first day (the locale's, 0 Monday … 6 Sunday, unless given) on or
    before ``day``."""
    start = localformat.first_weekday() if first_weekday is None else first_weekday
    return day - timedelta(days=(day.weekday() - start) % DAYS)


def column_weekday(column: int, first_weekday: int | None = None) -> int:
    """The weekday (0 Monday … 6 Sunday) of a grid column."""
    start = localformat.first_weekday() if first_weekday is None else first_weekday
    return (start + column) % DAYS


def weekday_date(weekday: int) -> date:
    """A date that falls on ``weekday``, to have its name written."""
    return _A_MONDAY + timedelta(days=weekday)


def iso_week(first: date) -> int:
    """The ISO week number of the week row starting on ``first`` (its Monday's week)."""
    return (first + timedelta(days=(0 - first.weekday()) % DAYS)).isocalendar().week


def day_month(day: date) -> str:
    """A day of the month with its month, as a week column's heading: "Dec 2", "2. Dez."."""
    # core.localformat has no day-and-month-only form yet; this is its skeleton, written
    # in the same formatting locale.
    from babel.dates import format_skeleton

    return format_skeleton("MMMd", day, locale=formatting_locale())


def full_day(day: date) -> str:
    """A day in full, as a screen reader says it: "Wednesday, December 2, 2026"."""
    return _("{weekday}, {date}").format(
        weekday=localformat.weekday_name(day, width="wide"), date=localformat.long_date(day)
    )


def interview_mime(interview_id: int) -> QMimeData:
    """The drag data of one interview."""
    mime = QMimeData()
    mime.setData(INTERVIEW_MIME, QByteArray(str(interview_id).encode("ascii")))
    return mime


def dragged_interview(mime: QMimeData) -> int | None:
    """The interview id a drag carries, or None when it carries none."""
    if not mime.hasFormat(INTERVIEW_MIME):
        return None
    text = bytes(mime.data(INTERVIEW_MIME).data()).decode("ascii", "replace").strip()
    return int(text) if text.isdigit() else None


def add_months(month: date, step: int) -> date:
    """The first of the month ``step`` months from ``month``."""
    index = month.year * 12 + month.month - 1 + step
    return date(index // 12, index % 12 + 1, 1)


def entry_line(entry: CalendarEntry, time_text: str) -> str:
    """One entry in words, as a tooltip or the day list says it."""
    if entry.kind is EntryKind.INTERVIEW:
        return _("{time} interview: {title} ({role})").format(
            time=time_text, title=entry.title, role=entry.role
        )
    if entry.kind is EntryKind.DECISION:
        return f"{entry.title} ({entry.role})"
    if entry.overdue:
        return _("{time} {title} (overdue)").format(time=time_text, title=entry.title)
    if entry.snoozed:
        return _("{time} {title} (snoozed)").format(time=time_text, title=entry.title)
    return f"{time_text} {entry.title}"


class MonthModel(QAbstractTableModel):
    """Rows of weeks (six, or one in week mode), seven columns of days; each cell one
    day and its entries."""

    def __init__(
        self,
        loader: RangeLoader,
        today: Callable[[], date],
        time_text: Callable[[CalendarEntry], str],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._loader = loader
        self._today = today
        self._time_text = time_text
        self._month = today().replace(day=1)
        self._first = first_visible_day(self._month)
        self._weeks = WEEKS
        self._range = CalendarRange(self._first, VISIBLE_DAYS, (), {})
        self._by_day: dict[date, list[CalendarEntry]] = {}
        #: Moves a dropped interview; without one the model accepts no drops.
        self.mover: InterviewMover | None = None

    # -- content ----------------------------------------------------------------------

    @property
    def month(self) -> date:
        """The first day of the month shown."""
        return self._month

    @property
    def first_day(self) -> date:
        """The top-left day of the grid."""
        return self._first

    @property
    def week_mode(self) -> bool:
        """True when one week is shown instead of a month."""
        return self._weeks == 1

    @property
    def visible_days(self) -> int:
        """How many days are on the grid (42, or 7 in week mode)."""
        return self._weeks * DAYS

    def set_month(self, month: date) -> None:
        """Show the month holding ``month`` (reads its 42 days), leaving week mode."""
        self._month = month.replace(day=1)
        self._show(first_visible_day(self._month), WEEKS)

    def set_week(self, day: date) -> None:
        """Show the week holding ``day`` from the locale's first weekday (reads 7 days)."""
        self._month = day.replace(day=1)
        self._show(week_start(day), 1)

    def show_day(self, day: date) -> None:
        """Bring ``day`` on screen in the current mode (reads only when it is not)."""
        if self.week_mode:
            if not 0 <= (day - self._first).days < DAYS:
                self.set_week(day)
        elif day.replace(day=1) != self._month:
            self.set_month(day)

    def reload(self) -> None:
        """Read the visible days again (after a change, or when the day turns)."""
        self._show(self._first, self._weeks)

    def _show(self, first: date, weeks: int) -> None:
        loaded = self._loader(first, weeks * DAYS)
        by_day: dict[date, list[CalendarEntry]] = {}
        for entry in loaded.entries:
            by_day.setdefault(entry.day, []).append(entry)
        # The row count may change with the mode, so the reset wraps every field.
        self.beginResetModel()
        self._first = first
        self._weeks = weeks
        self._range = loaded
        self._by_day = by_day
        self.endResetModel()

    def day_at(self, index: ModelIndex) -> date:
        """The day of a cell."""
        return self._first + timedelta(days=index.row() * DAYS + index.column())

    def index_of(self, day: date) -> QModelIndex:
        """The cell of ``day`` (invalid when it is not on the grid)."""
        offset = (day - self._first).days
        if not 0 <= offset < self.visible_days:
            return QModelIndex()
        return self.index(offset // DAYS, offset % DAYS)

    def entries(self, day: date) -> list[CalendarEntry]:
        """The loaded entries of ``day``, in drawing order."""
        return list(self._by_day.get(day, ()))

    def total(self, day: date) -> int:
        """How many entries ``day`` has, loaded or not."""
        return max(self._range.totals.get(day, 0), len(self._by_day.get(day, ())))

    def in_month(self, day: date) -> bool:
        """True for a day of the month shown (a week shows every day alike)."""
        return self.week_mode or (day.month == self._month.month and day.year == self._month.year)

    def cell(self, index: ModelIndex) -> DayCell:
        """Everything the delegate paints for a cell, in one Python call: through
        ``index.data()`` each role crossed into Qt and back, a quarter of a month's
        painting time."""
        day = self.day_at(index)
        entries = self._by_day.get(day, [])
        return DayCell(
            str(day.day), self.in_month(day), day == self._today(), entries, self.total(day)
        )

    # -- Qt interface -----------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._weeks

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else DAYS

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsDragEnabled
            | Qt.ItemFlag.ItemIsDropEnabled
        )

    # -- dragging interviews ----------------------------------------------------------

    def mimeTypes(self) -> list[str]:
        return [INTERVIEW_MIME]

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeData(self, indexes: Sequence[ModelIndex]) -> QMimeData:
        """The first interview of the first cell holding one (empty: nothing to drag).

        The view drags the interview under the pointer itself (:func:`interview_mime`);
        this answers Qt's own drag of a selected cell.
        """
        for index in indexes:
            if not index.isValid():
                continue
            for entry in self._by_day.get(self.day_at(index), ()):
                if entry.kind is EntryKind.INTERVIEW and entry.interview_id is not None:
                    return interview_mime(entry.interview_id)
        return QMimeData()

    def canDropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: ModelIndex,
    ) -> bool:
        # Only on a day cell: the view drops on the cell as parent, row and column -1.
        return (
            self.mover is not None
            and parent.isValid()
            and action in (Qt.DropAction.MoveAction, Qt.DropAction.CopyAction)
            and dragged_interview(data) is not None
        )

    def dropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: ModelIndex,
    ) -> bool:
        """Move the dragged interview to the day dropped on (through the mover)."""
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        interview_id = dragged_interview(data)
        assert interview_id is not None
        assert self.mover is not None
        return self.mover(interview_id, self.day_at(parent))

    def data(  # noqa: PLR0911 - one answer per role
        self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        day = self.day_at(index)
        if role == Qt.ItemDataRole.DisplayRole:
            return str(day.day)
        if role == DayRole:
            return day
        if role == EntriesRole:
            return self.entries(day)
        if role == TotalRole:
            return self.total(day)
        if role == InMonthRole:
            # A week shows every day alike; a month greys the days around it.
            return self.in_month(day)
        if role == IsTodayRole:
            return day == self._today()
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(self.describe(day, full=True))
        if role == Qt.ItemDataRole.AccessibleTextRole:
            # Every entry in words, as the tooltip shows them: a screen reader reads the
            # day's interviews and follow-ups, not only how many there are.
            return shown(self.describe(day, full=True).replace("\n", ". "))
        return None

    def entry_words(self, entry: CalendarEntry) -> str:
        """One entry with its day, as a screen reader says it ("Tuesday, November 24: …")."""
        return _("{day}: {entry}").format(
            day=localformat.weekday_and_date(entry.day),
            entry=entry_line(entry, self._time_text(entry)),
        )

    def describe(self, day: date, *, full: bool) -> str:
        """The day in words: its date, "today", and its entries (all lines or counts)."""
        heading = full_day(day)
        if day == self._today():
            heading = _("{day} (today)").format(day=heading)
        entries = self._by_day.get(day, [])
        total = self.total(day)
        if not total:
            return _("{day}: nothing planned").format(day=heading)
        if not full:
            overdue = sum(1 for entry in entries if entry.overdue)
            words = ngettext("{day}: {n} item", "{day}: {n} items", total).format(
                day=heading, n=total
            )
            if overdue:
                words = _("{items}, {n} overdue").format(items=words, n=overdue)
            return words
        lines = [heading]
        lines += [entry_line(entry, self._time_text(entry)) for entry in entries[:TOOLTIP_LINES]]
        more = total - min(len(entries), TOOLTIP_LINES)
        if more > 0:
            lines.append(ngettext("+{n} more", "+{n} more", more).format(n=more))
        return "\n".join(lines)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < DAYS:
            # The columns follow the first day of the grid, the locale's first weekday.
            weekday = weekday_date(self._first.weekday() + section)
            if role == Qt.ItemDataRole.DisplayRole:
                return localformat.weekday_name(weekday)
            if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
                return localformat.weekday_name(weekday, width="wide")
        if orientation == Qt.Orientation.Vertical and 0 <= section < self._weeks:
            week = iso_week(self._first + timedelta(days=section * DAYS))
            if role == Qt.ItemDataRole.DisplayRole:
                return _("W{week}").format(week=week)
            if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
                return _("Week {week}").format(week=week)
        return None
