"""A list of rows edited master-detail: a table of rows and one form for the current row.

The debrief has two such lists (the panel, the stumbled questions) and either may grow
to a hundred rows, so the rows live in a model shown by one view, and a single set of
fields edits whichever row is current; no widget is made per row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from followup_desktop.gui.debrief.common import FieldError
from followup_desktop.gui.plain import PlainLabel, editable, shown, tooltip

Row = dict[str, Any]
ModelIndex = QModelIndex | QPersistentModelIndex
# How much of a long text a table cell shows; the detail field shows all of it.
CELL_PREVIEW = 120


@dataclass(frozen=True)
class FieldSpec:
    """One field of a row: its key, its label (with a mnemonic) and how it is edited."""

    key: str
    label: str
    accessible_name: str
    multiline: bool = False
    max_length: int = 0
    placeholder: str = ""
    in_table: bool = True


class RowsModel(QAbstractTableModel):
    """Rows of plain values (``dict``), shown one column per field that is ``in_table``."""

    edited = Signal()

    def __init__(self, fields: Sequence[FieldSpec], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._columns = [spec for spec in fields if spec.in_table]
        self._keys = [spec.key for spec in fields]
        self._rows: list[Row] = []

    # -- Qt interface -----------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        value = str(self._rows[index.row()].get(self._columns[index.column()].key, ""))
        if role == Qt.ItemDataRole.DisplayRole:
            first_line = value[: CELL_PREVIEW * 2].strip().split("\n", 1)[0]
            if len(first_line) > CELL_PREVIEW or "\n" in value.strip():
                return shown(first_line[:CELL_PREVIEW] + "…")
            return shown(first_line)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(value[:2000])
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return shown(value[:2000])
        return None

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._columns):
            return self._columns[section].label.replace("&", "")
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None

    # -- editing ----------------------------------------------------------------------

    def rows(self) -> list[Row]:
        """Copies of every row, in order."""
        return [dict(row) for row in self._rows]

    def row(self, row: int) -> Row:
        """A copy of one row."""
        return dict(self._rows[row])

    def set_rows(self, rows: Sequence[Row]) -> None:
        """Replace every row (no ``edited``: this is loading, not editing)."""
        self.beginResetModel()
        self._rows = [{key: row.get(key, "") for key in self._keys} | dict(row) for row in rows]
        self.endResetModel()

    def set_value(self, row: int, key: str, value: Any) -> None:
        """Change one value of one row."""
        if self._rows[row].get(key) == value:
            return
        self._rows[row][key] = value
        keys = [spec.key for spec in self._columns]
        if key in keys:
            index = self.index(row, keys.index(key))
            self.dataChanged.emit(index, index)
        self.edited.emit()

    def append(self, row: Row) -> int:
        """Add a row at the end and return its number."""
        position = len(self._rows)
        self.beginInsertRows(QModelIndex(), position, position)
        self._rows.append(dict.fromkeys(self._keys, "") | row)
        self.endInsertRows()
        self.edited.emit()
        return position

    def remove(self, row: int) -> None:
        """Delete one row."""
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        self.endRemoveRows()
        self.edited.emit()


@dataclass(frozen=True)
class RowTexts:
    """What a list calls itself and its rows, as whole translated sentences."""

    #: The table's accessible name ("Panel list").
    list_name: str
    #: The remove button ("Remove person") and its accessible name.
    remove_label: str
    remove_name: str
    #: A problem in one row: "Person {row}: {message}".
    row_problem: str


class RowListEditor(QWidget):
    """A table of rows beside the fields that edit the current row, with add and remove.

    ``Insert`` in the table adds a row, ``Delete`` removes the current one; the add button
    carries a mnemonic and the dialog gives it a shortcut too.
    """

    edited = Signal()
    current_row_changed = Signal(int)

    def __init__(  # noqa: PLR0915 - builds one form, field by field
        self,
        name: str,
        texts: RowTexts,
        fields: Sequence[FieldSpec],
        *,
        add_label: str,
        new_row: Callable[[], Row],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._texts = texts
        self._new_row = new_row
        self._loading = False
        self.model = RowsModel(fields, self)
        self.model.edited.connect(self.edited)

        self.table = QTableView(self)
        self.table.setObjectName(f"{name}Table")
        self.table.setAccessibleName(texts.list_name)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.setMinimumHeight(self.table.fontMetrics().height() * 7)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)

        self.add_button = QPushButton(add_label, self)
        self.add_button.setObjectName(f"{name}Add")
        self.add_button.setAccessibleName(add_label.replace("&", ""))
        self.add_button.clicked.connect(self.add_row)
        self.remove_button = QPushButton(texts.remove_label, self)
        self.remove_button.setObjectName(f"{name}Remove")
        self.remove_button.setAccessibleName(texts.remove_name)
        self.remove_button.clicked.connect(self.remove_current)
        for key, slot in (
            (QKeySequence(Qt.Key.Key_Insert), self.add_row),
            (QKeySequence(QKeySequence.StandardKey.Delete), self.remove_current),
        ):
            shortcut = QShortcut(key, self.table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)

        self.editors: dict[str, QLineEdit | QPlainTextEdit] = {}
        self.errors: dict[str, FieldError] = {}
        self.labels: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for spec in fields:
            editor: QLineEdit | QPlainTextEdit
            if spec.multiline:
                editor = QPlainTextEdit(self)
                editor.setTabChangesFocus(True)
                editor.setPlaceholderText(spec.placeholder)
                editor.setFixedHeight(editor.fontMetrics().lineSpacing() * 4 + 12)
                editor.textChanged.connect(
                    lambda key=spec.key, widget=editor: self._on_text(key, widget.toPlainText())
                )
            else:
                editor = QLineEdit(self)
                editor.setPlaceholderText(spec.placeholder)
                if spec.max_length:
                    editor.setMaxLength(spec.max_length)
                editor.textChanged.connect(lambda text, key=spec.key: self._on_text(key, text))
            editor.setObjectName(f"{name}_{spec.key}")
            editor.setAccessibleName(spec.accessible_name)
            label = PlainLabel(spec.label, self)
            label.setBuddy(editor)
            error = FieldError(editor, self)
            cell = QVBoxLayout()
            cell.setContentsMargins(0, 0, 0, 0)
            cell.setSpacing(2)
            cell.addWidget(editor)
            cell.addWidget(error)
            form.addRow(label, cell)
            self.editors[spec.key] = editor
            self.errors[spec.key] = error
            self.labels[spec.key] = label

        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(self.table, 1)
        left.addLayout(buttons)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(left, 5)
        layout.addLayout(form, 6)
        self._sync_enabled()

    # -- rows -------------------------------------------------------------------------

    def focus_chain(self) -> list[QWidget]:
        """This editor's widgets in the order Tab should visit them."""
        return [
            self.table,
            self.add_button,
            self.remove_button,
            *self.editors.values(),
        ]

    def set_rows(self, rows: Sequence[Row]) -> None:
        """Show ``rows``, the first one current."""
        self.model.set_rows(rows)
        self.clear_errors()
        if rows:
            self.select_row(0)
        else:
            self._load_current()
        self._sync_enabled()

    def rows(self) -> list[Row]:
        """Every row as typed."""
        return self.model.rows()

    def current_row(self) -> int:
        """The row the fields edit, or -1."""
        return self.table.currentIndex().row() if self.table.currentIndex().isValid() else -1

    def select_row(self, row: int) -> None:
        """Make ``row`` current (the fields then show it)."""
        self.table.setCurrentIndex(self.model.index(row, 0))
        self.table.scrollTo(self.model.index(row, 0))

    def add_row(self) -> None:
        """Append an empty row, make it current and put the cursor in its first field."""
        row = self.model.append(self._new_row())
        self._sync_enabled()
        self.select_row(row)
        next(iter(self.editors.values())).setFocus(Qt.FocusReason.ShortcutFocusReason)

    def remove_current(self) -> None:
        """Delete the current row; the next one (or the last) becomes current."""
        row = self.current_row()
        if row < 0:
            return
        self.model.remove(row)
        self.clear_errors()
        self._sync_enabled()
        if self.model.rowCount():
            self.select_row(min(row, self.model.rowCount() - 1))
        else:
            self._load_current()

    def set_current_value(self, key: str, value: Any) -> None:
        """Change a value of the current row, updating its field if it has one."""
        row = self.current_row()
        if row < 0:
            return
        self.model.set_value(row, key, value)
        if key in self.editors:
            self._load_current()

    # -- errors -----------------------------------------------------------------------

    def show_error(self, row: int, key: str, message: str) -> QWidget:
        """Select ``row`` and show ``message`` under its ``key`` field; return the field."""
        self.select_row(row)
        self.errors[key].show_message(self._texts.row_problem.format(row=row + 1, message=message))
        return self.editors[key]

    def clear_errors(self) -> None:
        """Hide every message."""
        for error in self.errors.values():
            error.clear_message()

    # -- internals --------------------------------------------------------------------

    def _sync_enabled(self) -> None:
        has_rows = self.model.rowCount() > 0
        self.remove_button.setEnabled(has_rows)
        for editor in self.editors.values():
            editor.setEnabled(has_rows)

    def _on_current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        del previous
        self.clear_errors()
        self._load_current()
        self.current_row_changed.emit(current.row() if current.isValid() else -1)

    def _load_current(self) -> None:
        row = self.current_row()
        values = self.model.row(row) if row >= 0 else {}
        self._loading = True
        try:
            for key, editor in self.editors.items():
                text = editable(str(values.get(key, "")))
                if isinstance(editor, QPlainTextEdit):
                    if editor.toPlainText() != text:
                        editor.setPlainText(text)
                elif editor.text() != text:
                    editor.setText(text)
        finally:
            self._loading = False

    def _on_text(self, key: str, text: str) -> None:
        if self._loading:
            return
        row = self.current_row()
        if row >= 0:
            self.errors[key].clear_message()
            self.model.set_value(row, key, text)
