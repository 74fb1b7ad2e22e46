"""A read-only table model over a list of frozen snapshots, one column per getter."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from followup_desktop.gui.plain import shown, tooltip

AnyIndex = QModelIndex | QPersistentModelIndex
RowT = TypeVar("RowT")

SnapshotRole = Qt.ItemDataRole.UserRole + 1


class SnapshotTableModel(QAbstractTableModel, Generic[RowT]):
    """Rows are snapshots; ``columns`` pairs a header with a function giving the cell text."""

    def __init__(
        self,
        columns: Sequence[tuple[str, Callable[[RowT], str]]],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[RowT] = []

    def set_rows(self, rows: Sequence[RowT]) -> None:
        """Replace every row (these lists are short: one opportunity's records)."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[RowT]:
        """Every row's snapshot, in order."""
        return list(self._rows)

    def repaint_rows(self) -> None:
        """Say every row may read differently now (texts that depend on the clock)."""
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, len(self._columns) - 1)
            )

    def row_snapshot(self, row: int) -> RowT:
        """The snapshot behind ``row``."""
        return self._rows[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self._columns)
        ):
            return self._columns[section][0]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return shown(str(self._columns[index.column()][1](row)))
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(str(self._columns[index.column()][1](row)))
        if role == SnapshotRole:
            return row
        return None
