"""File → Proof of search…: the applications of a period, saved as a PDF form or CSV.

The log is read and the PDF drawn on the worker thread; a busy year's log is thousands
of rows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from followup_desktop.core import localformat
from followup_desktop.core.db import Database
from followup_desktop.core.errors import FollowupError
from followup_desktop.core.files import write_atomically
from followup_desktop.core.i18n import _, ngettext
from followup_desktop.core.imports.proof import ProofLog
from followup_desktop.core.queries.imports import proof_log
from followup_desktop.core.timeutil import local_zone
from followup_desktop.gui.dialogs import Dialogs, name_standard_buttons, show_local_dates
from followup_desktop.gui.plain import PlainLabel
from followup_desktop.gui.tasks import TaskRunner

PDF_FILTER = _("PDF documents (*.pdf)")
CSV_FILTER = _("CSV files (*.csv)")


def _day(edit: QDateEdit) -> date:
    value = edit.date()
    return date(value.year(), value.month(), value.day())


def _read(db: Database, start: date, end: date) -> ProofLog:
    return proof_log(db, start, end, local_zone())


def save_pdf(db: Database, start: date, end: date, path: Path, *, name: str, reference: str) -> str:
    """Read the log and write it as a PDF; returns what to tell the person."""
    from followup_desktop.gui.proof_pdf import write_proof_pdf

    log = _read(db, start, end)
    pages = write_proof_pdf(log, path, name=name, reference=reference)
    return _saved(len(log.rows), path, pages)


def save_csv(db: Database, start: date, end: date, path: Path) -> str:
    """Read the log and write it as CSV; returns what to tell the person."""
    log = _read(db, start, end)
    write_atomically(path, log.csv_bytes(), _("the proof of search"))
    return ngettext(
        "Saved {n} application to {path}.", "Saved {n} applications to {path}.", len(log.rows)
    ).format(n=localformat.number(len(log.rows)), path=path)


def _file_name(start: date, end: date) -> str:
    # The dates stay ISO in a file name, so the files of several periods sort by date.
    return _("proof-of-search-{start}-{end}").format(start=start.isoformat(), end=end.isoformat())


def _pages(pages: int) -> str:
    return ngettext("{n} page", "{n} pages", pages).format(n=localformat.number(pages))


def _saved(count: int, path: Path, pages: int) -> str:
    return ngettext(
        "Saved {n} application to {path} ({pages}).",
        "Saved {n} applications to {path} ({pages}).",
        count,
    ).format(n=localformat.number(count), path=path, pages=_pages(pages))


def _ask_print(printer: QPrinter, parent: QWidget) -> bool:
    return QPrintDialog(printer, parent).exec() == QDialog.DialogCode.Accepted


PrintDialog = Callable[[QPrinter, QWidget], bool]


class ProofDialog(QDialog):
    """Choose a period (and the name for the form), then save or print the log."""

    def __init__(
        self,
        db: Database,
        tasks: TaskRunner,
        dialogs: Dialogs,
        today: date,
        parent: QWidget | None = None,
        *,
        print_dialog: PrintDialog = _ask_print,
    ) -> None:
        super().__init__(parent)
        self._print_dialog = print_dialog
        self._printer: QPrinter | None = None
        self._db = db
        self._tasks = tasks
        self._dialogs = dialogs
        self.setWindowTitle(_("Proof of search"))
        self.setObjectName("proofDialog")
        self.setAccessibleName(_("Proof of search"))
        start = today - timedelta(days=30)
        self.start = QDateEdit(QDate(start.year, start.month, start.day))
        self.end = QDateEdit(QDate(today.year, today.month, today.day))
        show_local_dates(self.start, self.end)
        for edit, name in (
            (self.start, _("First day of the period")),
            (self.end, _("Last day of the period")),
        ):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd MMM yyyy")
            edit.setAccessibleName(name)
        self.name = QLineEdit()
        self.name.setAccessibleName(_("Your name, printed on the form"))
        self.reference = QLineEdit()
        self.reference.setAccessibleName(
            _("Your customer or reference number, printed on the form")
        )
        self.status = PlainLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.status.setObjectName("proofStatus")
        self.status.setAccessibleName(_("What was saved"))
        form = QFormLayout()
        form.addRow(_("&From:"), self.start)
        form.addRow(_("&To:"), self.end)
        form.addRow(_("Your &name:"), self.name)
        form.addRow(_("&Reference number:"), self.reference)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        name_standard_buttons(buttons)
        self.pdf_button = QPushButton(_("Save as &PDF…"))
        self.pdf_button.setAccessibleName(_("Save the log as a PDF form"))
        self.csv_button = QPushButton(_("Save as &CSV…"))
        self.csv_button.setAccessibleName(_("Save the log as a CSV file"))
        self.print_button = QPushButton(_("P&rint…"))
        self.print_button.setAccessibleName(_("Print the log"))
        self.print_button.clicked.connect(self.print_log)
        buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.pdf_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.csv_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.pdf_button.clicked.connect(self.save_pdf)
        self.csv_button.clicked.connect(self.save_csv)
        layout = QVBoxLayout(self)
        layout.addWidget(
            PlainLabel(
                _(
                    "Every application of the period with its date, employer and contact, "
                    "position, how you applied, its stages and the result so far."
                )
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(buttons)

    def _period(self) -> tuple[date, date] | None:
        start, end = _day(self.start), _day(self.end)
        if end < start:
            self.status.setText(_("The period ends before it starts; choose a later last day."))
            return None
        return start, end

    def save_pdf(self) -> None:
        """Ask where, then write the PDF on the worker."""
        period = self._period()
        if period is None:
            return
        suggested = _file_name(*period) + ".pdf"
        path = self._dialogs.save_file(self, _("Save the proof of search"), suggested, PDF_FILTER)
        if path is None:
            return
        db, name, reference = self._db, self.name.text().strip(), self.reference.text().strip()
        self._start(lambda: save_pdf(db, *period, path, name=name, reference=reference))

    def save_csv(self) -> None:
        """Ask where, then write the CSV on the worker."""
        period = self._period()
        if period is None:
            return
        suggested = _file_name(*period) + ".csv"
        path = self._dialogs.save_file(self, _("Save the proof of search"), suggested, CSV_FILTER)
        if path is None:
            return
        db = self._db
        self._start(lambda: save_csv(db, *period, path))

    def print_log(self) -> None:
        """Ask the system's print dialog, then print on the worker."""
        period = self._period()
        if period is None:
            return
        printer = QPrinter()
        if not self._print_dialog(printer, self):
            return
        # Kept until the job is done: the worker paints on it.
        self._printer = printer
        db, name, reference = self._db, self.name.text().strip(), self.reference.text().strip()

        def work() -> str:
            from followup_desktop.gui.proof_pdf import print_proof

            log = _read(db, *period)
            pages = print_proof(log, printer, name=name, reference=reference)
            return ngettext(
                "Sent {n} application to the printer ({pages}).",
                "Sent {n} applications to the printer ({pages}).",
                len(log.rows),
            ).format(n=localformat.number(len(log.rows)), pages=_pages(pages))

        self._start(work)

    def _buttons(self) -> tuple[QPushButton, ...]:
        return (self.print_button, self.pdf_button, self.csv_button)

    def _start(self, work: Callable[[], Any]) -> None:
        self.status.setText(_("Saving…"))
        for button in self._buttons():
            button.setEnabled(False)

        def finish(text: str) -> None:
            self.status.setText(text)
            self._printer = None
            for button in self._buttons():
                button.setEnabled(True)

        def failed(error: BaseException) -> None:
            reason = str(error) if isinstance(error, FollowupError | OSError) else repr(error)
            finish(_("Nothing was saved: {reason}").format(reason=reason))

        self._tasks.submit(work, lambda text: finish(str(text)), failed, owner=self)
