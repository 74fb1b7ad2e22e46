"""File → Import spreadsheet…: a wizard from a CSV file to imported opportunities.

Pick a file; see the format Followup recognised and the column mapping (one editable
field per column); preview what would happen with the stage guesses editable, the
duplicate policy, the day-first switch, a few dates read back and every problem listed
by row and column; import on the worker thread; read the summary.

The dry run (:func:`~followup_desktop.core.queries.imports.import_preview`) and the
import (:meth:`FollowupService.import_rows`) run on the worker; the wizard holds only the
immutable plan. Every value from the file is shown as plain text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from followup_desktop.core import localformat
from followup_desktop.core.errors import FollowupError
from followup_desktop.core.i18n import _, ngettext, pgettext
from followup_desktop.core.imports.formats import (
    FAMILIES,
    FIELD_LABELS,
    Field,
)
from followup_desktop.core.imports.plan import (
    DuplicatePolicy,
    ImportOptions,
    ImportPlan,
    PlannedRow,
    RowAction,
    resolve_mapping,
)
from followup_desktop.core.imports.sheet import Sheet, read_sheet_file
from followup_desktop.core.queries.imports import import_preview, remembered_mapping
from followup_desktop.core.services import Change, FollowupService
from followup_desktop.core.timeutil import local_zone
from followup_desktop.gui.dialogs import Dialogs, name_wizard_buttons
from followup_desktop.gui.plain import PlainLabel
from followup_desktop.gui.tasks import TaskRunner

CSV_FILTER = _("Spreadsheets (*.csv *.tsv *.txt);;All files (*)")
FORMAT_LABELS = {
    "auto": _("Recognise from the headers"),
    "linkedin": _("LinkedIn (applications or saved jobs)"),
    "huntr": "Huntr",
    "teal": "Teal",
    "simplify": "Simplify",
    "jobsync": "JobSync",
    "followup": _("Followup's own spreadsheet export"),
    "generic": _("My own spreadsheet (map the columns)"),
}
POLICY_LABELS = {
    DuplicatePolicy.SKIP: _("Skip them"),
    DuplicatePolicy.UPDATE: _("Update the stored ones"),
    DuplicatePolicy.KEEP_BOTH: _("Keep both"),
}


def _changed_field(name: str) -> str:
    """What an update changes, by the field's name in the plan."""
    labels = {
        "link": pgettext("import field", "Link"),
        "location": pgettext("import field", "Location"),
        "source": pgettext("import field", "Source"),
        "salary_currency": pgettext("import field", "Currency"),
        "salary_min": pgettext("import field", "Salary minimum"),
        "salary_max": pgettext("import field", "Salary maximum"),
        "notes": pgettext("import field", "Notes"),
        "stage": pgettext("import field", "Stage"),
        "archived": pgettext("import field", "Archived"),
    }
    return labels.get(name, name)


def _changed_value(name: str, value: str) -> str:
    # A salary is grouped the locale's way ("62.000"), like everywhere it is shown.
    if name in ("salary_min", "salary_max") and value.isdigit():
        return localformat.number(int(value))
    if name == "archived":
        return _("yes") if value == "yes" else _("no")
    return value


def _plain(label: QLabel) -> QLabel:
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


class PlanModel(QAbstractTableModel):
    """The planned rows of a dry run (thousands for a big file): one line each."""

    HEADERS = (_("Row"), _("Action"), _("Company"), _("Role"), _("Stage"), _("Details"))

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: Sequence[PlannedRow] = ()

    def set_rows(self, rows: Sequence[PlannedRow]) -> None:
        """Show ``rows``."""
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        return self._cells(self._rows[index.row()])[index.column()]

    @staticmethod
    def _cells(row: PlannedRow) -> tuple[str, ...]:
        if row.action is RowAction.UPDATE:
            details = "; ".join(
                _("{field}: “{old}” → “{new}”").format(
                    field=_changed_field(name),
                    old=_changed_value(name, old),
                    new=_changed_value(name, new),
                )
                for name, old, new in row.changes
            )
        elif row.action is RowAction.CREATE:
            details = ", ".join(
                _("{stage} {day}").format(
                    stage=step.stage_name, day=localformat.day(step.at, year=True)
                )
                for step in row.history
            )
        else:
            details = row.reason
        action = {
            RowAction.CREATE: _("Create"),
            RowAction.UPDATE: _("Update"),
            RowAction.SKIP: _("Skip"),
        }
        return (str(row.row), action[row.action], row.company, row.role, row.stage.name, details)


class FilePage(QWizardPage):
    """Step 1: which file."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(_("Choose a spreadsheet"))
        self.setSubTitle(
            _(
                "A CSV export from LinkedIn, Huntr, Teal, Simplify or JobSync, or any sheet of "
                "your own saved as CSV (comma, semicolon or tab; any common encoding)."
            )
        )
        self.path = QLineEdit()
        self.path.setObjectName("importPath")
        self.path.setAccessibleName(_("Spreadsheet file to import"))
        self.path.textChanged.connect(self.completeChanged)
        browse = QPushButton(_("&Choose…"))
        browse.setAccessibleName(_("Choose the spreadsheet file"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.error = _plain(PlainLabel())
        self.error.setObjectName("importFileError")
        self.error.setAccessibleName(_("Why the file cannot be read"))
        layout = QVBoxLayout(self)
        label = PlainLabel(_("&File:"))
        label.setBuddy(self.path)
        layout.addWidget(label)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addStretch(1)

    def _browse(self) -> None:
        chosen = self._wizard.dialogs.open_file(self, _("Import a spreadsheet"), CSV_FILTER)
        if chosen is not None:
            self.path.setText(str(chosen))

    def isComplete(self) -> bool:
        return bool(self.path.text().strip())

    def validatePage(self) -> bool:
        # Reading and splitting is quick even for 10,000 rows; the dry run is not and
        # runs on the worker (next pages).
        try:
            self._wizard.sheet = read_sheet_file(Path(self.path.text().strip()).expanduser())
        except FollowupError as error:
            self.error.setText(str(error))
            return False
        self.error.clear()
        self._wizard.file_name = Path(self.path.text().strip()).name
        return True


class MappingPage(QWizardPage):
    """Step 2: the format and what each column holds."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(_("Columns"))
        self.setSubTitle(_("Check what each column holds; choose “Do not import” for the rest."))
        self.detected = _plain(PlainLabel())
        self.detected.setObjectName("importDetected")
        self.detected.setAccessibleName(_("The format Followup recognised"))
        self.format = QComboBox()
        self.format.setObjectName("importFormat")
        self.format.setAccessibleName(_("File format"))
        for key in FAMILIES:
            self.format.addItem(FORMAT_LABELS[key], key)
        self.format.currentIndexChanged.connect(self._format_changed)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("importMapping")
        self.table.setAccessibleName(_("Column mapping"))
        self.table.setHorizontalHeaderLabels(["Column", _("First value"), _("Goes into")])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Tab walks through the field choices rather than the cells around them.
        self.table.setTabKeyNavigation(False)
        self.error = _plain(PlainLabel())
        self.error.setObjectName("importMappingError")
        self.error.setAccessibleName(_("What is wrong with the mapping"))
        self.combos: dict[str, QComboBox] = {}
        form = QFormLayout()
        form.addRow(_("&Format:"), self.format)
        layout = QVBoxLayout(self)
        layout.addWidget(self.detected)
        layout.addLayout(form)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)

    def initializePage(self) -> None:
        self.format.blockSignals(True)
        self.format.setCurrentIndex(0)
        self.format.blockSignals(False)
        self._fill()

    def _format_changed(self) -> None:
        self._fill()

    def _fill(self) -> None:
        sheet = self._wizard.sheet
        assert sheet is not None
        options = ImportOptions(format=str(self.format.currentData()))
        try:
            remembered = remembered_mapping(self._wizard.service.db, sheet.header)
            fmt, mapping = resolve_mapping(sheet, options, remembered)
            self.error.clear()
        except FollowupError as error:
            # Unmapped company or role: show the guess so the person can finish it.
            from followup_desktop.core.imports.formats import guess_mapping

            fmt, mapping = None, guess_mapping(sheet.header)
            self.error.setText(str(error))
        label = fmt.label if fmt else _("your own spreadsheet")
        self.detected.setText(
            ngettext(
                "{file}: {format} ({encoding}, {separator}-separated), {n} row.",
                "{file}: {format} ({encoding}, {separator}-separated), {n} rows.",
                len(sheet.rows),
            ).format(
                file=self._wizard.file_name,
                format=label,
                encoding=sheet.encoding,
                separator=sheet.separator_name,
                n=localformat.number(len(sheet.rows)),
            )
        )
        first = sheet.rows[0].cells if sheet.rows else ()
        columns = [name for name in sheet.header if name.strip()]
        self.table.setRowCount(len(columns))
        self.combos.clear()
        for row, column in enumerate(columns):
            index = sheet.header.index(column)
            self.table.setItem(row, 0, QTableWidgetItem(column))
            self.table.setItem(row, 1, QTableWidgetItem(first[index] if index < len(first) else ""))
            combo = QComboBox()
            combo.setAccessibleName(_("Field for the column {column}").format(column=column))
            for target in Field:
                combo.addItem(FIELD_LABELS[target], target.value)
            combo.setCurrentIndex(combo.findData(mapping.get(column, Field.IGNORE).value))
            combo.currentIndexChanged.connect(self._changed)
            self.table.setCellWidget(row, 2, combo)
            self.combos[column] = combo
        self.completeChanged.emit()

    def mapping(self) -> dict[str, Field]:
        """The mapping as chosen."""
        return {column: Field(combo.currentData()) for column, combo in self.combos.items()}

    def _changed(self) -> None:
        from followup_desktop.core.imports.formats import check_mapping

        try:
            check_mapping(self.mapping())
            self.error.clear()
        except FollowupError as error:
            self.error.setText(str(error))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        from followup_desktop.core.imports.formats import check_mapping

        try:
            check_mapping(self.mapping())
        except FollowupError:
            return False
        return True


class PreviewPage(QWizardPage):
    """Step 3: what the import will do, with the choices that change it."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(_("Preview"))
        self.setSubTitle(_("Nothing is written until you choose Import."))
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, _("&Import"))
        self.plan: ImportPlan | None = None
        self._generation = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self._replan)

        self._build_choices()
        self._build_results()
        options = QFormLayout()
        options.addRow(self.day_first)
        options.addRow(_("Already in &Followup:"), self.policy)
        options.addRow(self.skip_bad)
        layout = QVBoxLayout(self)
        layout.addLayout(options)
        layout.addWidget(self.dates)
        for text, widget, stretch in (
            (_("&Stages (change a guess if it is wrong):"), self.stages, 1),
            (_("P&roblems:"), self.problems, 1),
            (_("What &happens to each row:"), self.rows, 2),
        ):
            label = PlainLabel(text)
            label.setBuddy(widget)
            layout.addWidget(label)
            layout.addWidget(widget, stretch)
        layout.addWidget(self.summary)

    def _build_choices(self) -> None:
        self.day_first = QCheckBox(_("&Day first (03/04/2026 is 3 April)"))
        self.day_first.setObjectName("importDayFirst")
        self.day_first.setAccessibleName(_("Read dates day first"))
        self.day_first.toggled.connect(self.schedule)
        self.policy = QComboBox()
        self.policy.setObjectName("importPolicy")
        self.policy.setAccessibleName(_("What to do with opportunities already in Followup"))
        for policy, text in POLICY_LABELS.items():
            self.policy.addItem(text, policy.value)
        self.policy.currentIndexChanged.connect(self.schedule)
        self.skip_bad = QCheckBox(_("Import the other rows and &leave out rows with problems"))
        self.skip_bad.setObjectName("importSkipBad")
        self.skip_bad.setAccessibleName(_("Leave out rows with problems"))
        self.skip_bad.toggled.connect(self.schedule)

    def _build_results(self) -> None:
        self.dates = _plain(PlainLabel())
        self.dates.setObjectName("importDates")
        self.dates.setAccessibleName(_("Dates as Followup reads them"))
        self.stages = QTableWidget(0, 3)
        self.stages.setObjectName("importStages")
        self.stages.setAccessibleName(_("Stages guessed from the file"))
        self.stages.setHorizontalHeaderLabels(["In the file", _("Stage"), _("Rows")])
        self.stages.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.stages.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.stages.setTabKeyNavigation(False)
        self.stage_combos: dict[str, QComboBox] = {}
        self.problems = QListWidget()
        self.problems.setObjectName("importProblems")
        self.problems.setAccessibleName(_("Problems in the file, by row and column"))
        self.rows_model = PlanModel(self)
        self.rows = QTableView()
        self.rows.setObjectName("importRows")
        self.rows.setAccessibleName(_("What happens to each row"))
        self.rows.setModel(self.rows_model)
        self.rows.horizontalHeader().setStretchLastSection(True)
        self.rows.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.summary = _plain(PlainLabel(_("Reading the file…")))
        self.summary.setObjectName("importSummary")
        self.summary.setAccessibleName(_("What the import will do"))

    def initializePage(self) -> None:
        self.stage_combos.clear()
        self.stages.setRowCount(0)
        self._replan()

    def schedule(self) -> None:
        """Re-plan shortly (a burst of changes plans once)."""
        self.plan = None
        self.completeChanged.emit()
        self._timer.start()

    def options(self) -> ImportOptions:
        """The options as chosen on the last two pages."""
        mapping_page = self._wizard.mapping_page
        corrections = {
            text: str(combo.currentData())
            for text, combo in self.stage_combos.items()
            if combo.property("changed")
        }
        return ImportOptions(
            format=str(mapping_page.format.currentData()),
            mapping=mapping_page.mapping(),
            day_first=self.day_first.isChecked(),
            on_duplicate=DuplicatePolicy(self.policy.currentData()),
            skip_bad_rows=self.skip_bad.isChecked(),
            stages=corrections,
        )

    def _replan(self) -> None:
        self._generation += 1
        generation = self._generation
        sheet, options = self._wizard.sheet, self.options()
        assert sheet is not None
        db, clock, name = (
            self._wizard.service.db,
            self._wizard.service.clock,
            self._wizard.file_name,
        )
        self.summary.setText(_("Checking the file…"))

        def work() -> ImportPlan:
            return import_preview(db, sheet, options, file_name=name, tz=local_zone(), now=clock())

        def done(result: object) -> None:
            if generation == self._generation:
                assert isinstance(result, ImportPlan)
                self.show_plan(result)

        def failed(error: BaseException) -> None:
            if generation == self._generation:
                self.summary.setText(
                    str(error) if isinstance(error, FollowupError) else repr(error)
                )

        self._wizard.run(work, done, failed)

    def show_plan(self, plan: ImportPlan) -> None:
        """Show a finished dry run."""
        self.plan = plan
        samples = "; ".join(
            _("row {row}: “{text}” → {day}").format(
                row=s.row,
                text=s.text,
                day=localformat.day(s.value.astimezone(local_zone()), year=True),
            )
            for s in plan.sample_dates
        )
        if not samples:
            self.dates.setText(_("No dates in this file."))
        elif plan.day_first:
            self.dates.setText(_("Dates read day first: {samples}").format(samples=samples))
        else:
            self.dates.setText(_("Dates read month first: {samples}").format(samples=samples))
        stage_names = [stage.name for stage in self._wizard.service.stages()]
        for guess in plan.stage_guesses:
            if guess.text in self.stage_combos or not guess.text:
                continue
            row = self.stages.rowCount()
            self.stages.insertRow(row)
            shown = (
                guess.text
                if guess.recognised
                else _("{text} (not recognised: check)").format(text=guess.text)
            )
            self.stages.setItem(row, 0, QTableWidgetItem(shown))
            self.stages.setItem(row, 2, QTableWidgetItem(str(guess.rows)))
            combo = QComboBox()
            combo.setAccessibleName(_("Stage for rows marked {text}").format(text=guess.text))
            for name in stage_names:
                combo.addItem(name, name)
            combo.setCurrentIndex(max(0, combo.findData(guess.stage)))
            combo.currentIndexChanged.connect(lambda _i, box=combo: self._stage_changed(box))
            self.stages.setCellWidget(row, 1, combo)
            self.stage_combos[guess.text] = combo
        self.problems.clear()
        self.problems.addItems([str(problem) for problem in plan.problems])
        self.rows_model.set_rows(plan.rows)
        if plan.blocked:
            self.summary.setText(
                ngettext(
                    "{n} problem: nothing will be imported until it is fixed in the file, "
                    "or choose to leave that row out.",
                    "{n} problems: nothing will be imported until they are fixed in the file, "
                    "or choose to leave those rows out.",
                    len(plan.problems),
                ).format(n=localformat.number(len(plan.problems)))
            )
        else:
            self.summary.setText(
                _("Import will do this: {summary}.").format(summary=plan.summary())
            )
        self.completeChanged.emit()

    def _stage_changed(self, combo: QComboBox) -> None:
        combo.setProperty("changed", True)
        self.schedule()

    def isComplete(self) -> bool:
        return (
            self.plan is not None
            and not self.plan.blocked
            and bool(self.plan.of(RowAction.CREATE) or self.plan.of(RowAction.UPDATE))
        )


class DonePage(QWizardPage):
    """Step 4: the import runs on the worker; then what it did."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(_("Import"))
        self.finished = False
        self.result = _plain(PlainLabel())
        self.result.setObjectName("importResult")
        self.result.setAccessibleName(_("What the import did"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.result)
        layout.addStretch(1)

    def initializePage(self) -> None:
        plan = self._wizard.preview_page.plan
        assert plan is not None
        self.finished = False
        self.result.setText(_("Importing {file}…").format(file=plan.file_name))
        service = self._wizard.service

        def done(result: object) -> None:
            assert isinstance(result, Change)
            self.finished = True
            self.result.setText(
                _("Imported {file}: {summary}.").format(file=plan.file_name, summary=plan.summary())
            )
            self._wizard.imported.emit(result)
            self.completeChanged.emit()

        def failed(error: BaseException) -> None:
            self.finished = True
            message = str(error) if isinstance(error, FollowupError) else repr(error)
            self.result.setText(_("Nothing was imported: {reason}").format(reason=message))
            self.completeChanged.emit()

        self._wizard.run(lambda: service.import_rows(plan), done, failed)

    def isComplete(self) -> bool:
        return self.finished


class ImportWizard(QWizard):
    """The spreadsheet import, step by step; emits ``imported`` with the Change."""

    imported = Signal(object)

    def __init__(
        self,
        service: FollowupService,
        tasks: TaskRunner,
        dialogs: Dialogs,
        parent: QWidget | None = None,
        path: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.tasks = tasks
        self.dialogs = dialogs
        self.sheet: Sheet | None = None
        self.file_name = ""
        self.setWindowTitle(_("Import a spreadsheet"))
        self.setObjectName("importWizard")
        self.setAccessibleName(_("Import a spreadsheet"))
        name_wizard_buttons(self)
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.preview_page = PreviewPage(self)
        self.done_page = DonePage(self)
        for page in (self.file_page, self.mapping_page, self.preview_page, self.done_page):
            self.addPage(page)
        self.resize(900, 680)
        if path is not None:
            self.file_page.path.setText(str(path))

    def run(
        self,
        work: Callable[[], Any],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        """Run slow work on the window's worker thread."""
        self.tasks.submit(work, done, failed, owner=self)
