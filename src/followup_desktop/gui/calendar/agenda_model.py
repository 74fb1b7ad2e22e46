"""The agenda: the coming entries of a run of days as one list, soonest first.

Like the month grid it holds one :class:`CalendarRange` snapshot for exactly the days
it covers (:data:`AGENDA_DAYS` from its first day), so scrolling reads nothing. A day
with more entries than were read ends with a "+N more" row that cannot be selected.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, Qt

from followup_desktop.core import localformat
from followup_desktop.core.calendar_query import CalendarEntry, EntryKind, symbol_of
from followup_desktop.core.i18n import ngettext
from followup_desktop.gui.calendar.month_model import (
    EntryRole,
    ModelIndex,
    RangeLoader,
    entry_line,
)
from followup_desktop.gui.plain import shown, tooltip

AGENDA_DAYS = 14


@dataclass(frozen=True, slots=True)
class AgendaRow:
    """One line of the agenda: an entry, or how many more a day holds."""

    day: date
    entry: CalendarEntry | None
    more: int = 0


def day_words(day: date) -> str:
    """A day as the agenda prefixes it ("Mon, Nov 23", "Mo., 23. Nov.")."""
    return localformat.day(day)


class AgendaModel(QAbstractListModel):
    """The entries of :data:`AGENDA_DAYS` days from :attr:`first_day`, one per row."""

    def __init__(
        self,
        loader: RangeLoader,
        time_text: Callable[[CalendarEntry], str],
        first: date,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._loader = loader
        self._time_text = time_text
        self._first = first
        self._rows: list[AgendaRow] = []

    @property
    def first_day(self) -> date:
        """The first day listed."""
        return self._first

    @property
    def last_day(self) -> date:
        """The last day listed."""
        return self._first + timedelta(days=AGENDA_DAYS - 1)

    def set_first_day(self, first: date) -> None:
        """List :data:`AGENDA_DAYS` days from ``first`` (reads them)."""
        self._first = first
        self.reload()

    def reload(self) -> None:
        """Read the listed days again."""
        loaded = self._loader(self._first, AGENDA_DAYS)
        rows: list[AgendaRow] = []
        by_day: dict[date, list[CalendarEntry]] = {}
        for entry in loaded.entries:
            by_day.setdefault(entry.day, []).append(entry)
        for offset in range(AGENDA_DAYS):
            day = self._first + timedelta(days=offset)
            entries = by_day.get(day, [])
            rows += [AgendaRow(day, entry) for entry in entries]
            hidden = loaded.totals.get(day, 0) - len(entries)
            if hidden > 0:
                rows.append(AgendaRow(day, None, hidden))
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def entry_at(self, index: ModelIndex) -> CalendarEntry | None:
        """The entry of a row (None for a "+N more" row)."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self._rows[index.row()].entry

    def row_of(self, day: date) -> int:
        """The first row on or after ``day`` (-1 when none)."""
        return next((i for i, row in enumerate(self._rows) if row.day >= day), -1)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if self.entry_at(index) is None:
            # "+N more" is information, not something to open.
            return Qt.ItemFlag.ItemIsEnabled if index.isValid() else Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        entry = row.entry
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if entry is None:
                return ngettext(
                    "{day} · +{n} more (see the board)",
                    "{day} · +{n} more (see the board)",
                    row.more,
                ).format(day=day_words(row.day), n=row.more)
            symbol = symbol_of(entry).glyph
            time_text = "" if entry.kind is EntryKind.DECISION else self._time_text(entry)
            return shown(f"{day_words(row.day)} · {symbol} {entry_line(entry, time_text).strip()}")
        if role == Qt.ItemDataRole.ToolTipRole and entry is not None:
            return tooltip("\n".join(part for part in (entry.where, entry.detail) if part))
        if role == EntryRole:
            return entry
        return None
