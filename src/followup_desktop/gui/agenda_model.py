"""A table model over agenda snapshots (no live ORM objects reach ``data()``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from followup_desktop.core.agenda import AgendaItem, Bucket

_BUCKET_TEXT = {Bucket.OVERDUE: "Overdue", Bucket.TODAY: "Today", Bucket.UPCOMING: "Upcoming"}

AnyIndex = QModelIndex | QPersistentModelIndex


class AgendaModel(QAbstractTableModel):
    """Rows are open actions; columns are when, what, where and why."""

    HEADERS = ("When", "Status", "What", "Opportunity", "Why")
    ActionIdRole = Qt.ItemDataRole.UserRole + 1
    BucketRole = Qt.ItemDataRole.UserRole + 2

    def __init__(self, tz: tzinfo, parent: Any = None) -> None:
        super().__init__(parent)
        self._tz = tz
        self._items: list[AgendaItem] = []

    def set_items(self, items: Sequence[AgendaItem]) -> None:
        """Replace every row (the agenda is re-read as a whole; it is small)."""
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def item(self, row: int) -> AgendaItem:
        """The snapshot behind ``row``."""
        return self._items[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.HEADERS)
        ):
            return self.HEADERS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(item, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return item.reason or None
        if role == self.ActionIdRole:
            return item.action_id
        if role == self.BucketRole:
            return item.bucket.value
        return None

    def _text(self, item: AgendaItem, column: int) -> str | None:
        if column == 0:
            return item.due_at.astimezone(self._tz).strftime("%a %d %b %H:%M")
        if column == 1:
            # Words, not only colour, say where an action stands.
            return _BUCKET_TEXT[item.bucket] + (" (snoozed)" if item.snoozed else "")
        if column == 2:
            return item.label + (f" — {item.recipient}" if item.recipient else "")
        if column == 3:
            return f"{item.company} — {item.role}" if item.company else "Your search"
        if column == 4:
            return item.reason
        return None
