"""The month grid as screen readers get it: day cells with their entries as objects.

Qt describes a ``QTableView`` with its own table interface, whose cells are leaves with
no actions but "select". An accessibility factory gives the month view this interface
instead. Its children are laid out as Qt's are (the corner, then for each row of the
grid a week header and the seven day cells, after a first row of weekday headers), so
the focus and selection events the view itself sends, which name a child by that
index, still point at the right day. Each day cell reads its date and every entry in
words, as before, and has the action *Press* (open the day, as Enter does); its
children are its entries, each an object with its full text and the actions *Press*
(open it) and, for an interview, *Move* (the dialog that moves it to another day and
time; :mod:`entry_actions`).

Lifetime: as in :mod:`week_access`, every object is made once (a cell per place on the
grid, an entry per entry key) and kept for the view's life, re-read when asked, so
Qt's cache never holds a pointer Python has freed.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QRect, Qt
from PySide6.QtGui import QAccessible, QAccessibleInterface
from PySide6.QtWidgets import QAccessibleWidget, QWidget

from followup_desktop.core.calendar_query import CalendarEntry, EntryKind
from followup_desktop.core.i18n import pgettext
from followup_desktop.gui.access_factories import install_factory
from followup_desktop.gui.calendar.entry_actions import MOVE, OPEN, EntryActions, LeafAccessible

if TYPE_CHECKING:
    from followup_desktop.gui.calendar.month_model import MonthModel
    from followup_desktop.gui.calendar.page import MonthView


class _Leafy(LeafAccessible):
    """What the grid's own objects share (see :class:`LeafAccessible`), in the grid."""

    def __init__(self, grid: MonthAccessible) -> None:
        super().__init__()
        self.grid = grid
        self.actions: EntryActions | None = None

    def owner_widget(self) -> QWidget:
        return self.grid.view


class HeaderAccessible(_Leafy):
    """A weekday over a column, a week number before a row, or the corner between."""

    def __init__(self, grid: MonthAccessible, orientation: Qt.Orientation | None, section: int):
        super().__init__(grid)
        self.orientation = orientation
        self.section = section

    def isValid(self) -> bool:
        return self.grid.index_of_child(self) >= 0

    def parent(self) -> QAccessibleInterface:
        return self.grid

    def text(self, kind: QAccessible.Text) -> str:
        if kind != QAccessible.Text.Name:
            return ""
        if self.orientation is None:
            return pgettext("calendar header", "Week")
        value = self.grid.model.headerData(
            self.section, self.orientation, Qt.ItemDataRole.AccessibleTextRole
        )
        return str(value or "")

    def rect(self) -> QRect:
        view = self.grid.view
        if self.orientation == Qt.Orientation.Horizontal:
            header = view.horizontalHeader()
            local = QRect(header.sectionViewportPosition(self.section), 0, 0, header.height())
            local.setWidth(header.sectionSize(self.section))
        elif self.orientation == Qt.Orientation.Vertical:
            header = view.verticalHeader()
            local = QRect(0, header.sectionViewportPosition(self.section), header.width(), 0)
            local.setHeight(header.sectionSize(self.section))
        else:
            return QRect()
        return QRect(header.viewport().mapToGlobal(local.topLeft()), local.size())

    def role(self) -> QAccessible.Role:
        if self.orientation == Qt.Orientation.Vertical:
            return QAccessible.Role.RowHeader
        return QAccessible.Role.ColumnHeader

    def state(self) -> QAccessible.State:
        return QAccessible.State()


class DayAccessible(_Leafy):
    """One day of the grid: its date and entries in words; its entries as children."""

    def __init__(self, grid: MonthAccessible, row: int, column: int) -> None:
        super().__init__(grid)
        self.row = row
        self.column = column
        self.actions = EntryActions(lambda: [OPEN], self._act, grid.view)

    def index(self) -> QModelIndex:
        return self.grid.model.index(self.row, self.column)

    def day(self) -> date:
        return self.grid.model.day_at(self.index())

    def _act(self, _name: str) -> None:
        self.grid.view.day_open_requested.emit(self.day())

    def isValid(self) -> bool:
        return self.index().isValid()

    def parent(self) -> QAccessibleInterface:
        return self.grid

    def _entries(self) -> list[EntryAccessible]:
        if not self.isValid():
            return []
        return [self.grid.entry(entry.key) for entry in self.grid.model.entries(self.day())]

    def childCount(self) -> int:
        return len(self._entries())

    def child(self, index: int) -> QAccessibleInterface | None:  # type: ignore[override]
        entries = self._entries()
        return entries[index] if 0 <= index < len(entries) else None

    def indexOfChild(self, child: QAccessibleInterface) -> int:
        entries = self._entries()
        return entries.index(child) if child in entries else -1

    def text(self, kind: QAccessible.Text) -> str:
        if kind != QAccessible.Text.Name or not self.isValid():
            return ""
        return str(self.grid.model.data(self.index(), Qt.ItemDataRole.AccessibleTextRole) or "")

    def rect(self) -> QRect:
        view = self.grid.view
        local = view.visualRect(self.index())
        return QRect(view.viewport().mapToGlobal(local.topLeft()), local.size())

    def role(self) -> QAccessible.Role:
        return QAccessible.Role.Cell

    def state(self) -> QAccessible.State:
        state = QAccessible.State()
        state.focusable = True
        state.selectable = True
        view = self.grid.view
        state.selected = view.currentIndex() == self.index()
        state.focused = state.selected and view.hasFocus()
        return state


class EntryAccessible(_Leafy):
    """One entry of a day in the month, with its full text and actions."""

    def __init__(self, grid: MonthAccessible, key: str) -> None:
        super().__init__(grid)
        self.key = key
        self.actions = EntryActions(self._names, self._act, grid.view)

    def entry(self) -> CalendarEntry | None:
        return self.grid.find_entry(self.key)

    def _names(self) -> list[str]:
        entry = self.entry()
        if entry is None:
            return []
        return [OPEN, MOVE] if entry.kind is EntryKind.INTERVIEW else [OPEN]

    def _act(self, name: str) -> None:
        entry = self.entry()
        if entry is None:
            return
        view = self.grid.view
        if name == MOVE:
            view.entry_move_requested.emit(entry)
        else:
            view.entry_open_requested.emit(entry)

    def isValid(self) -> bool:
        return self.entry() is not None

    def parent(self) -> QAccessibleInterface:
        entry = self.entry()
        if entry is None:
            return self.grid
        return self.grid.day_cell(entry.day) or self.grid

    def text(self, kind: QAccessible.Text) -> str:
        entry = self.entry()
        if kind != QAccessible.Text.Name or entry is None:
            return ""
        return self.grid.model.entry_words(entry)

    def rect(self) -> QRect:
        parent = self.parent()
        return parent.rect() if isinstance(parent, DayAccessible) else QRect()

    def role(self) -> QAccessible.Role:
        return QAccessible.Role.ListItem

    def state(self) -> QAccessible.State:
        state = QAccessible.State()
        state.selectable = True
        return state


class MonthAccessible(QAccessibleWidget):
    """The month grid: headers and day cells in Qt's order; entries under their days."""

    def __init__(self, view: MonthView) -> None:
        super().__init__(view, QAccessible.Role.Table)
        self.view = view
        self._cells: dict[tuple[int, int], DayAccessible] = {}
        self._headers: dict[tuple[int, int], HeaderAccessible] = {}
        self._entries: dict[str, EntryAccessible] = {}

    @property
    def model(self) -> MonthModel:
        from followup_desktop.gui.calendar.month_model import MonthModel

        model = self.view.model()
        assert isinstance(model, MonthModel)
        return model

    def _grid(self) -> tuple[int, int, int, int]:
        """Rows and columns of days, and 1 or 0 for each header shown."""
        model = self.model
        top = 1 if self.view.horizontalHeader().isVisible() else 0
        side = 1 if self.view.verticalHeader().isVisible() else 0
        return model.rowCount(), model.columnCount(), top, side

    def childCount(self) -> int:
        rows, columns, top, side = self._grid()
        return (rows + top) * (columns + side)

    def child(self, index: int) -> QAccessibleInterface | None:  # type: ignore[override]
        rows, columns, top, side = self._grid()
        if not 0 <= index < (rows + top) * (columns + side):
            return None
        row, column = divmod(index, columns + side)
        if side and column == 0:
            if top and row == 0:
                return self._header(None, 0)
            return self._header(Qt.Orientation.Vertical, row - top)
        column -= side
        if top and row == 0:
            return self._header(Qt.Orientation.Horizontal, column)
        return self._cell(row - top, column)

    def indexOfChild(self, child: QAccessibleInterface) -> int:
        return self.index_of_child(child)

    def index_of_child(self, child: QAccessibleInterface) -> int:
        """Where ``child`` is among the grid's children (-1: not one of them)."""
        rows, columns, top, side = self._grid()
        width = columns + side
        if isinstance(child, DayAccessible):
            if child.row < rows and child.column < columns:
                return (child.row + top) * width + child.column + side
            return -1
        if isinstance(child, HeaderAccessible):
            if child.orientation is None:
                return 0 if top and side else -1
            if child.orientation == Qt.Orientation.Horizontal:
                return child.section + side if top and child.section < columns else -1
            return (child.section + top) * width if side and child.section < rows else -1
        return -1

    def _cell(self, row: int, column: int) -> DayAccessible:
        made = self._cells.get((row, column))
        if made is None:
            made = DayAccessible(self, row, column)
            self._cells[(row, column)] = made
        return made

    def _header(self, orientation: Qt.Orientation | None, section: int) -> HeaderAccessible:
        place = (-1 if orientation is None else int(orientation.value), section)
        made = self._headers.get(place)
        if made is None:
            made = HeaderAccessible(self, orientation, section)
            self._headers[place] = made
        return made

    def day_cell(self, day: date) -> DayAccessible | None:
        """The cell of ``day``, when it is on the grid."""
        index = self.model.index_of(day)
        return self._cell(index.row(), index.column()) if index.isValid() else None

    def entry(self, key: str) -> EntryAccessible:
        """The object of the entry ``key`` (made once)."""
        made = self._entries.get(key)
        if made is None:
            made = EntryAccessible(self, key)
            self._entries[key] = made
        return made

    def find_entry(self, key: str) -> CalendarEntry | None:
        """The entry ``key`` among the days shown, if it is there."""
        model = self.model
        for row in range(model.rowCount()):
            for column in range(model.columnCount()):
                for entry in model.entries(model.day_at(model.index(row, column))):
                    if entry.key == key:
                        return entry
        return None


def install() -> None:
    """Give month grids their day cells and entries (once per process)."""
    from followup_desktop.gui.calendar.page import MonthView

    install_factory(MonthView, MonthAccessible)


__all__ = [
    "DayAccessible",
    "EntryAccessible",
    "HeaderAccessible",
    "MonthAccessible",
    "install",
]
