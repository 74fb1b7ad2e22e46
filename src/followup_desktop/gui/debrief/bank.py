"""The bank of stumbled questions: every debrief's questions, grouped, searchable, rehearsed.

A two-level tree model (groups, then questions) over frozen :class:`QuestionRecord`
snapshots; a recursive filter proxy searches every text of a question, and showing a
group's name keeps all its questions. Edits (a better answer, the practiced mark) go
through the service, then the snapshot is replaced.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from followup_desktop.core.errors import FollowupError
from followup_desktop.core.i18n import _, pgettext
from followup_desktop.core.queries.debrief import question_bank
from followup_desktop.core.questions import NO_THEME, QuestionRecord
from followup_desktop.core.services import FollowupService
from followup_desktop.gui.debrief.common import error_colour
from followup_desktop.gui.plain import PlainLabel, shown, tooltip

ModelIndex = QModelIndex | QPersistentModelIndex
# Saves an edit; raises FollowupError when the edit cannot be stored.
SaveQuestion = Callable[[int, bool, str | None], None]
GROUP_ID = 0  # internalId of group rows; question rows carry their group's row + 1


class GroupBy(enum.Enum):
    """How the bank groups its questions."""

    THEME = "theme"
    COMPANY = "company"


class Column(enum.IntEnum):
    """The bank's columns."""

    QUESTION = 0
    BETTER_ANSWER = 1
    PRACTICED = 2
    WHERE = 3
    THEME = 4


HEADERS = {
    Column.QUESTION: _("Question"),
    Column.BETTER_ANSWER: _("Better answer"),
    Column.PRACTICED: _("Practiced"),
    Column.WHERE: _("Asked at"),
    Column.THEME: _("Theme"),
}
QuestionIdRole = Qt.ItemDataRole.UserRole + 1
SearchTextRole = Qt.ItemDataRole.UserRole + 2
PREVIEW = 160


def _first_line(text: str) -> str:
    line = text.strip().split("\n", 1)[0]
    return line[:PREVIEW] + "…" if len(line) > PREVIEW or "\n" in text.strip() else line


class QuestionBankModel(QAbstractItemModel):
    """Groups of stumbled questions; the practiced mark and the better answer are editable."""

    def __init__(self, save: SaveQuestion, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._save = save
        self._group_by = GroupBy.THEME
        self._records: list[QuestionRecord] = []
        self._groups: list[tuple[str, list[QuestionRecord]]] = []
        self.last_error = ""

    # -- content ----------------------------------------------------------------------

    def set_records(self, records: Sequence[QuestionRecord]) -> None:
        """Show ``records`` (a fresh read from the database)."""
        self.beginResetModel()
        self._records = list(records)
        self._regroup()
        self.endResetModel()

    def set_group_by(self, group_by: GroupBy) -> None:
        """Group by theme or by company."""
        if group_by is self._group_by:
            return
        self.beginResetModel()
        self._group_by = group_by
        self._regroup()
        self.endResetModel()

    def _group_name(self, record: QuestionRecord) -> str:
        if self._group_by is GroupBy.COMPANY:
            return record.company
        return record.theme.strip() or NO_THEME

    def _regroup(self) -> None:
        groups: dict[str, list[QuestionRecord]] = {}
        for record in self._records:
            groups.setdefault(self._group_name(record), []).append(record)
        # Named groups alphabetically, the catch-all last.
        self._groups = sorted(
            groups.items(), key=lambda item: (item[0] == NO_THEME, item[0].casefold())
        )

    def record(self, index: ModelIndex) -> QuestionRecord | None:
        """The question behind ``index``, or None for a group row."""
        if not index.isValid() or index.internalId() == GROUP_ID:
            return None
        return self._groups[index.internalId() - 1][1][index.row()]

    def index_of(self, question_id: int) -> QModelIndex:
        """The index of a question by id (invalid when it is not shown)."""
        for group_row, (_name, records) in enumerate(self._groups):
            for row, record in enumerate(records):
                if record.id == question_id:
                    return self.createIndex(row, 0, group_row + 1)
        return QModelIndex()

    # -- Qt interface -----------------------------------------------------------------

    def index(self, row: int, column: int, parent: ModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, GROUP_ID)
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: ModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid() or index.internalId() == GROUP_ID:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, GROUP_ID)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._groups)
        if parent.internalId() == GROUP_ID and parent.column() == 0:
            return len(self._groups[parent.row()][1])
        return 0

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return len(Column)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.internalId() != GROUP_ID:
            if index.column() == Column.PRACTICED:
                flags |= Qt.ItemFlag.ItemIsUserCheckable
            if index.column() == Column.BETTER_ANSWER:
                flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(  # noqa: PLR0911 - one answer per role and column
        self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == GROUP_ID:
            return self._group_data(index, role)
        record = self.record(index)
        assert record is not None
        column = Column(index.column())
        if role == QuestionIdRole:
            return record.id
        if role == SearchTextRole:
            return "\n".join(
                (
                    record.question,
                    record.my_answer,
                    record.better_answer,
                    record.theme,
                    record.company,
                    record.role,
                )
            )
        if role == Qt.ItemDataRole.CheckStateRole and column is Column.PRACTICED:
            return Qt.CheckState.Checked if record.practiced else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.EditRole and column is Column.BETTER_ANSWER:
            return record.better_answer
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            full = role == Qt.ItemDataRole.ToolTipRole
            text = self._cell_text(record, column, full=full)
            return tooltip(text) if full else shown(text)
        return None

    @staticmethod
    def _cell_text(record: QuestionRecord, column: Column, *, full: bool) -> str:
        if column is Column.QUESTION:
            return str(record.question if full else _first_line(record.question))
        if column is Column.BETTER_ANSWER:
            return str(record.better_answer if full else _first_line(record.better_answer))
        if column is Column.PRACTICED:
            return _("Practiced") if record.practiced else _("Not yet")
        if column is Column.WHERE:
            return _("{company} — {role}, round {round}").format(
                company=record.company, role=record.role, round=record.interview_round
            )
        return str(record.theme)

    def _group_data(self, index: ModelIndex, role: int) -> Any:
        name, records = self._groups[index.row()]
        if role == SearchTextRole:
            return name
        if index.column() != 0 or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        practiced = sum(record.practiced for record in records)
        shown_name = pgettext("question group", "No theme") if name == NO_THEME else name
        return _("{group} ({n}, {practiced} practiced)").format(
            group=shown_name, n=len(records), practiced=practiced
        )

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        record = self.record(index)
        if record is None:
            return False
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == Column.PRACTICED:
            practiced = Qt.CheckState(value) == Qt.CheckState.Checked
            return self._update(index, record, practiced=practiced)
        if role == Qt.ItemDataRole.EditRole and index.column() == Column.BETTER_ANSWER:
            return self._update(index, record, better_answer=str(value))
        return False

    def _update(self, index: ModelIndex, record: QuestionRecord, **changes: Any) -> bool:
        updated = dataclasses.replace(record, **changes)
        try:
            self._save(
                record.id,
                updated.practiced,
                updated.better_answer if "better_answer" in changes else None,
            )
        except FollowupError as error:
            self.last_error = str(error)
            return False
        self.last_error = ""
        group_row = index.internalId() - 1
        self._groups[group_row][1][index.row()] = updated
        self._records = [updated if item.id == record.id else item for item in self._records]
        self.dataChanged.emit(
            self.index(index.row(), 0, index.parent()),
            self.index(index.row(), len(Column) - 1, index.parent()),
        )
        group = self.index(group_row, 0)
        self.dataChanged.emit(group, group)
        return True

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(Column)
        ):
            return HEADERS[Column(section)]
        return None


class QuestionFilter(QSortFilterProxyModel):
    """Search across every text of a question; a matching group keeps all its questions."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRecursiveFilteringEnabled(True)
        self.setAutoAcceptChildRows(True)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterRole(SearchTextRole)
        self.setFilterKeyColumn(0)


class QuestionBankWidget(QWidget):
    """Every stumbled question: search, group, rewrite the better answer, mark practiced."""

    changed = Signal(object)

    def __init__(  # noqa: PLR0915 - builds the whole view
        self, service: FollowupService, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.setObjectName("questionBank")
        self.setAccessibleName(_("Question bank"))
        self.setWindowTitle(_("Questions to practise"))

        self.model = QuestionBankModel(self._save, self)
        self.proxy = QuestionFilter(self)
        self.proxy.setSourceModel(self.model)

        self.search = QLineEdit(self)
        self.search.setObjectName("questionSearch")
        self.search.setAccessibleName(_("Search questions"))
        self.search.setPlaceholderText(_("Search questions, answers, companies, themes"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_search)
        search_label = PlainLabel(_("&Search"), self)
        search_label.setBuddy(self.search)
        self.group_by = QComboBox(self)
        self.group_by.setObjectName("questionGroupBy")
        self.group_by.setAccessibleName(_("Group questions by"))
        self.group_by.addItem(_("Theme"), GroupBy.THEME)
        self.group_by.addItem(_("Company"), GroupBy.COMPANY)
        self.group_by.currentIndexChanged.connect(self._on_group_by)
        group_label = PlainLabel(_("&Group by"), self)
        group_label.setBuddy(self.group_by)

        self.view = QTreeView(self)
        self.view.setObjectName("questionTree")
        self.view.setAccessibleName(_("Stumbled questions"))
        self.view.setModel(self.proxy)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)
        header = self.view.header()
        header.setSectionResizeMode(Column.QUESTION, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(Column.BETTER_ANSWER, QHeaderView.ResizeMode.Stretch)
        self.view.selectionModel().currentChanged.connect(self._on_current)

        self.question_text = PlainLabel(self)
        self.question_text.setObjectName("questionText")
        self.question_text.setWordWrap(True)
        self.question_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.question_text.setAccessibleName(_("Selected question"))
        self.my_answer = QPlainTextEdit(self)
        self.my_answer.setObjectName("questionMyAnswer")
        self.my_answer.setAccessibleName(_("What I said"))
        self.my_answer.setReadOnly(True)
        self.my_answer.setTabChangesFocus(True)
        self.better_answer = QPlainTextEdit(self)
        self.better_answer.setObjectName("questionBetterAnswer")
        self.better_answer.setAccessibleName(_("Better answer"))
        self.better_answer.setTabChangesFocus(True)
        self.practiced = QCheckBox(_("&Practiced"), self)
        self.practiced.setObjectName("questionPracticed")
        self.practiced.setAccessibleName(_("Practiced"))
        self.practiced.toggled.connect(self._on_practiced)
        self.save_button = QPushButton(_("Save &answer"), self)
        self.save_button.setObjectName("questionSave")
        self.save_button.setAccessibleName(_("Save the better answer"))
        self.save_button.setToolTip(_("Save the better answer (Ctrl+S)"))
        self.save_button.clicked.connect(self.save_better_answer)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, self.save_better_answer)
        # A better answer is kept for the next interview; the one exception (new evidence
        # that meets a need they have) is the person's call, so it is a button, not a rule.
        self.evidence_button = QPushButton(_("New &evidence they need…"), self)
        self.evidence_button.setObjectName("questionNewEvidence")
        self.evidence_button.setAccessibleName(_("Offer a brief note with new evidence"))
        self.evidence_button.setToolTip(
            _(
                "Better answers are kept for the next interview, not sent. Only when this one "
                "is new evidence that meets a need they have: add one brief note to your list."
            )
        )
        self.evidence_button.clicked.connect(self.offer_evidence_note)
        self.message = PlainLabel(self)
        self.message.setObjectName("questionMessage")
        self.message.setWordWrap(True)

        my_label = PlainLabel(_("What I sa&id"), self)
        my_label.setBuddy(self.my_answer)
        better_label = PlainLabel(_("&Better answer"), self)
        better_label.setBuddy(self.better_answer)
        detail = QWidget(self)
        form = QFormLayout(detail)
        form.addRow(PlainLabel(_("Question"), self), self.question_text)
        form.addRow(my_label, self.my_answer)
        form.addRow(better_label, self.better_answer)
        actions = QHBoxLayout()
        actions.addWidget(self.practiced)
        actions.addStretch(1)
        actions.addWidget(self.evidence_button)
        actions.addWidget(self.save_button)
        form.addRow(actions)
        form.addRow(self.message)

        top = QHBoxLayout()
        top.addWidget(search_label)
        top.addWidget(self.search, 1)
        top.addWidget(group_label)
        top.addWidget(self.group_by)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.view)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        for first, second in (
            (self.search, self.group_by),
            (self.group_by, self.view),
            (self.view, self.better_answer),
            (self.better_answer, self.practiced),
            (self.practiced, self.save_button),
        ):
            QWidget.setTabOrder(first, second)
        self.refresh()

    # -- reading ----------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read every question, keeping the current one selected."""
        current = self.current_question()
        records = question_bank(self.service.db)
        self.model.set_records(records)
        self.view.expandAll()
        if current is not None:
            self.select_question(current.id)
        else:
            self._show_detail(None)

    def current_question(self) -> QuestionRecord | None:
        """The question shown in the detail pane."""
        return self.model.record(self.proxy.mapToSource(self.view.currentIndex()))

    def select_question(self, question_id: int) -> bool:
        """Make a question current; False when the search hides it."""
        index = self.proxy.mapFromSource(self.model.index_of(question_id))
        if not index.isValid():
            self._show_detail(None)
            return False
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)
        return True

    # -- editing ----------------------------------------------------------------------

    def save_better_answer(self) -> bool:
        """Store the better answer typed in the detail pane."""
        record = self.current_question()
        if record is None:
            return False
        return self._set(record, Column.BETTER_ANSWER, self.better_answer.toPlainText())

    def offer_evidence_note(self) -> bool:
        """Put one brief new-evidence note on the list for the current question."""
        record = self.current_question()
        if record is None:
            return False
        try:
            change = self.service.offer_new_evidence_note(record.id)
        except FollowupError as error:
            self._show_message(str(error), error=True)
            return False
        self._show_message(
            _(
                "A short note with the new evidence is on your list. Other better answers stay "
                "here for the next interview."
            ),
            error=False,
        )
        self.changed.emit(change)
        return True

    def _on_practiced(self, checked: bool) -> None:
        record = self.current_question()
        if record is None or record.practiced == checked:
            return
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        self._set(record, Column.PRACTICED, state.value, Qt.ItemDataRole.CheckStateRole)

    def _set(
        self,
        record: QuestionRecord,
        column: Column,
        value: Any,
        role: Qt.ItemDataRole = Qt.ItemDataRole.EditRole,
    ) -> bool:
        source = self.model.index_of(record.id).siblingAtColumn(column)
        ok = self.model.setData(source, value, role)
        if ok:
            self._show_message(_("Saved."), error=False)
        else:
            self._show_message(self.model.last_error or _("Could not save."), error=True)
        return ok

    def _save(self, question_id: int, practiced: bool, better_answer: str | None) -> None:
        change = self.service.set_question_practiced(question_id, practiced, better_answer)
        self.changed.emit(change)

    # -- internals --------------------------------------------------------------------

    def _on_search(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        self.view.expandAll()

    def _on_group_by(self, _index: int) -> None:
        current = self.current_question()
        self.model.set_group_by(self.group_by.currentData())
        self.view.expandAll()
        if current is not None:
            self.select_question(current.id)

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_detail(self.model.record(self.proxy.mapToSource(current)))

    def _show_detail(self, record: QuestionRecord | None) -> None:
        for widget in (self.better_answer, self.practiced, self.save_button, self.my_answer):
            widget.setEnabled(record is not None)
        self.practiced.blockSignals(True)
        self.practiced.setChecked(record is not None and record.practiced)
        self.practiced.blockSignals(False)
        if record is None:
            self.question_text.setText(_("Choose a question to see and rework its answer."))
            self.my_answer.setPlainText("")
            self.better_answer.setPlainText("")
            return
        self.question_text.setText(record.question)
        self.my_answer.setPlainText(record.my_answer)
        if self.better_answer.toPlainText() != record.better_answer:
            self.better_answer.setPlainText(record.better_answer)
        self.message.setText("")

    def _show_message(self, text: str, *, error: bool) -> None:
        self.message.setStyleSheet(f"color: {error_colour(self)};" if error else "")
        self.message.setText(text)
