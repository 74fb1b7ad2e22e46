""" "From your mailbox": what a check found, waiting for Confirm or Dismiss.

A table model over the stored proposals and a dialog around it. Checking runs on the
window's worker thread (never blocking the window); so do Confirm and Dismiss, which
write through the service layer, and reading a message saved as a file (opened, dropped
on the window through :func:`dropped_mail_dialog`, or pasted). For a reply the person
chooses what it said (a wait until a day, a next round, a rejection, an offer); the
suggestion is preselected, and nothing is recorded until Confirm. Everything taken from
mail is shown as plain text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from followup_desktop.core import localformat
from followup_desktop.core.errors import FollowupError
from followup_desktop.core.files import read_limited
from followup_desktop.core.i18n import _
from followup_desktop.core.mailbox.account import load_incoming, sending_account
from followup_desktop.core.mailbox.check import (
    NEXT_ROUND_HOUR,
    NOT_SET_UP,
    MailboxChecker,
    ScanResult,
)
from followup_desktop.core.mailbox.state import StoredProposal
from followup_desktop.core.services import Change, FollowupService
from followup_desktop.gui.dialogs import Dialogs, show_local_dates
from followup_desktop.gui.plain import PlainLabel
from followup_desktop.gui.tasks import TaskRunner
from followup_desktop.secrets import PasswordStore

AnyIndex = QModelIndex | QPersistentModelIndex
CheckerFactory = Callable[[FollowupService], MailboxChecker]
OUTCOME_TEXT = {
    "rejection": _("Its wording may mean a rejection."),
    "offer": _("Its wording may mean an offer."),
    "next_round": _("Its wording may invite you to a next round."),
    "wait": _("Its wording may ask you to wait."),
}
SHORT_OUTCOME = {
    "rejection": _("Rejection?"),
    "offer": _("Offer?"),
    "next_round": _("Next round?"),
    "wait": _("Wait?"),
}
COLUMNS = (_("What"), _("Who"), _("Date"), _("Subject"), _("Opportunity"), _("Suggests"))
# The choices for what a reply said, in the order shown; "" records nothing.
OUTCOME_CHOICES = (
    ("", _("Nothing to record")),
    ("wait", _("Wait until")),
    ("next_round", _("Next round on")),
    ("rejection", _("A rejection")),
    ("offer", _("An offer")),
)
DATED = frozenset({"wait", "next_round"})
# An .eml larger than this is not a reply worth reading (attachments and all).
MAX_MAIL_FILE = 25 * 1024 * 1024
MAIL_FILTER = _("E-mail (*.eml);;All files (*)")


def default_checker(service: FollowupService) -> MailboxChecker:
    """A checker for the configured incoming account, or (none set up, or switched off)
    one that only takes messages dropped or pasted and says so when asked to check."""
    account = load_incoming(service)
    sending = sending_account(service)
    own = [] if sending is None else [sending.from_address]
    if account is None or not account.enabled:
        return MailboxChecker(service, None, own_addresses=own)
    return MailboxChecker(service, account, own_addresses=own)


def mail_from_clipboard(mime: QMimeData | None) -> bytes | None:
    """The message a clipboard holds: a copied .eml file, or a message's raw text."""
    if mime is None:
        return None
    if mime.hasUrls():
        for url in mime.urls():
            if url.isLocalFile() and url.toLocalFile().lower().endswith(".eml"):
                return read_limited(Path(url.toLocalFile()), MAX_MAIL_FILE, _("e-mail file"))
    text = mime.text()
    return text.encode("utf-8") if text.strip() else None


def _when(proposal: StoredProposal) -> str:
    moment = datetime.fromisoformat(proposal.occurred_at).astimezone()
    return localformat.day_and_clock(moment, year=True)


def _named_day(day: str | None) -> str:
    try:
        return localformat.day(date.fromisoformat(day or ""), year=True)
    except ValueError:
        return day or ""


class ProposalModel(QAbstractTableModel):
    """The waiting proposals, newest first; text only (Qt.DisplayRole is plain text)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[StoredProposal] = []

    def set_proposals(self, proposals: list[StoredProposal]) -> None:
        """Replace the rows."""
        self.beginResetModel()
        self._rows = list(proposals)
        self.endResetModel()

    def proposal(self, row: int) -> StoredProposal:
        """The proposal shown in ``row``."""
        return self._rows[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's default
        """One row per proposal."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """The fixed columns."""
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles."""
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell text; the accessible text says the whole row in words."""
        if not index.isValid():
            return None
        proposal = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._cell(proposal, index.column())
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return " · ".join(self._cell(proposal, column) for column in range(len(COLUMNS)))
        return None

    @staticmethod
    def _cell(proposal: StoredProposal, column: int) -> str:
        if proposal.kind == "sent":
            what, who = _("Sent by you"), ", ".join(proposal.recipients)
        else:
            what, who = _("Reply"), proposal.sender_name or proposal.sender
        cells = (
            what,
            who,
            _when(proposal),
            proposal.subject,
            proposal.opportunity_label,
            SHORT_OUTCOME.get(proposal.outcome or "", ""),
        )
        return cells[column]


class MailboxDialog(QDialog):
    """The "From your mailbox" window: Check now, then Confirm or Dismiss each message."""

    changed = Signal(object)  # the Change of a confirm, for the board and Today panel

    def __init__(
        self,
        service: FollowupService,
        parent: QWidget | None = None,
        *,
        tasks: TaskRunner | None = None,
        make_checker: CheckerFactory = default_checker,
        passwords: PasswordStore | None = None,
        dialogs: Dialogs | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.tasks = tasks or TaskRunner(self)
        self._make_checker = make_checker
        self.passwords = passwords or PasswordStore()
        self.dialogs = dialogs or Dialogs()
        # Set by for_opportunity: messages opened or pasted here are read for it.
        self.opportunity_id: int | None = None
        # Files dropped together, read one after the other on the worker.
        self._waiting_files: list[Path] = []
        self._file_problems: list[str] = []
        self.setWindowTitle(_("From your mailbox"))
        self.setAccessibleName(_("From your mailbox"))
        self.resize(860, 520)
        layout = QVBoxLayout(self)
        self.scope_label = PlainLabel()
        self.scope_label.setObjectName("mailScope")
        self.scope_label.setWordWrap(True)
        self.scope_label.setVisible(False)
        layout.addWidget(self.scope_label)
        self.model = ProposalModel(self)
        self.table = QTableView()
        self.table.setAccessibleName(_("Messages found in your mailbox"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._show_current)
        layout.addWidget(self.table, 2)
        self.preview = QPlainTextEdit()  # plain text: nothing from mail is ever rendered
        self.preview.setReadOnly(True)
        self.preview.setAccessibleName(_("First lines of the message"))
        layout.addWidget(self.preview, 1)
        self.invitation_box = QCheckBox(_("Also add the &invitation attached to this message"))
        self.invitation_box.setAccessibleName(_("Also add the attached invitation"))
        layout.addWidget(self.invitation_box)
        layout.addWidget(self._outcome_row())
        layout.addLayout(self._button_row())
        self.status_label = PlainLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setAccessibleName(_("Mailbox status"))
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.status_label)
        self.reload()

    def _button_row(self) -> QHBoxLayout:
        buttons = QHBoxLayout()
        self.check_button = QPushButton(_("&Check now"))
        self.confirm_button = QPushButton(_("C&onfirm"))
        self.dismiss_button = QPushButton(_("&Dismiss"))
        self.open_button = QPushButton(_("Open e-&mail file…"))
        self.paste_button = QPushButton(_("&Paste e-mail"))
        self.close_button = QPushButton(_("Close"))
        self.check_button.clicked.connect(self.check_now)
        self.confirm_button.clicked.connect(self.confirm_current)
        self.dismiss_button.clicked.connect(self.dismiss_current)
        self.open_button.clicked.connect(self.open_file)
        self.paste_button.clicked.connect(self.paste)
        self.close_button.clicked.connect(self.accept)
        # The buttons that start work; none is pressed twice while work runs.
        self.work_buttons = (
            self.check_button,
            self.confirm_button,
            self.dismiss_button,
            self.open_button,
            self.paste_button,
        )
        for button in self.work_buttons:
            button.setAccessibleName(button.text().replace("&", "").removesuffix("…"))
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        return buttons

    def _outcome_row(self) -> QWidget:
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        label = PlainLabel(_("What they said:"))
        self.outcome_box = QComboBox()
        for value, text in OUTCOME_CHOICES:
            self.outcome_box.addItem(text, value)
        self.outcome_box.setAccessibleName(_("What the reply said"))
        label.setBuddy(self.outcome_box)
        self.day_edit = QDateEdit()
        show_local_dates(self.day_edit)
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setAccessibleName(_("Day"))
        self.outcome_box.currentIndexChanged.connect(self._outcome_changed)
        line.addWidget(label)
        line.addWidget(self.outcome_box)
        line.addWidget(self.day_edit)
        line.addStretch(1)
        self.outcome_row = row
        return row

    def _outcome_changed(self) -> None:
        self.day_edit.setVisible(self.outcome_box.currentData() in DATED)

    def chosen_outcome(self) -> tuple[str | None, date | None]:
        """The outcome and day to record on Confirm (None: nothing to record)."""
        if not self.outcome_row.isVisibleTo(self):
            return None, None
        value = str(self.outcome_box.currentData() or "")
        if not value:
            return None, None
        day = self.day_edit.date().toPython() if value in DATED else None
        assert day is None or isinstance(day, date)
        return value, day

    def _show_outcome(self, proposal: StoredProposal | None) -> None:
        reply = proposal is not None and proposal.kind == "reply"
        self.outcome_row.setVisible(reply)
        suggested = proposal.outcome if proposal is not None and reply else None
        index = self.outcome_box.findData(suggested or "")
        self.outcome_box.setCurrentIndex(max(index, 0))
        day = None
        if proposal is not None and proposal.day:
            day = date.fromisoformat(proposal.day)
        elif proposal is not None:
            # Nothing named: a week after the reply, to be moved.
            day = datetime.fromisoformat(proposal.occurred_at).date() + timedelta(days=7)
        if day is not None:
            self.day_edit.setDate(QDate(day.year, day.month, day.day))
        self._outcome_changed()

    # -- showing --------------------------------------------------------------------

    def _checker(self) -> MailboxChecker:
        return self._make_checker(self.service)

    def reload(self, select_id: str | None = None) -> None:
        """Show what is waiting (read from the database, which is quick)."""
        try:
            checker = self._checker()
            proposals = checker.proposals()
            if checker.account is None and not self.status_label.text():
                self.status_label.setText(NOT_SET_UP)
        except FollowupError as error:
            proposals = []
            self.status_label.setText(str(error))
        self.model.set_proposals(proposals)
        ids = [p.id for p in proposals]
        if proposals:
            self.table.selectRow(ids.index(select_id) if select_id in ids else 0)
        self._show_current()

    def current(self) -> StoredProposal | None:
        """The selected proposal, if any."""
        index = self.table.currentIndex()
        return self.model.proposal(index.row()) if index.isValid() else None

    def _show_current(self, *_args: object) -> None:
        proposal = self.current()
        has = proposal is not None
        self.confirm_button.setEnabled(has)
        self.dismiss_button.setEnabled(has)
        self.invitation_box.setVisible(has and proposal is not None and bool(proposal.invitation))
        self._show_outcome(proposal)
        if proposal is None:
            self.preview.setPlainText("")
            return
        lines = [proposal.subject, "", proposal.first_lines]
        if proposal.outcome:
            lines += ["", OUTCOME_TEXT.get(proposal.outcome, "")]
        if proposal.day_phrase:
            lines += [
                _("It names a day: “{phrase}” ({day}).").format(
                    phrase=proposal.day_phrase, day=_named_day(proposal.day)
                )
            ]
        if proposal.kind == "reply":
            lines += [
                "",
                _(
                    "Confirming records what you choose under “What they said”; a next round "
                    "is written down at {time}, to be corrected."
                ).format(time=localformat.clock(time(NEXT_ROUND_HOUR))),
            ]
        if proposal.kind == "sent" and proposal.action_id is not None:
            lines += ["", _("Confirming marks the step this note answers as done.")]
        if proposal.attachments:
            lines += [
                "",
                _("Attached: {files}").format(files=", ".join(proposal.attachments)),
            ]
        self.preview.setPlainText("\n".join(lines))

    # -- working --------------------------------------------------------------------

    def _busy(self, busy: bool, text: str = "") -> None:
        for button in self.work_buttons:
            button.setEnabled(not busy)
        if text:
            self.status_label.setText(text)
        if not busy:
            self._show_current()

    def check_now(self) -> None:
        """Read the mailbox on the worker thread; the window stays usable."""
        from followup_desktop.mailbox_login import password_for

        service, passwords, make = self.service, self.passwords, self._make_checker

        def work() -> ScanResult:
            checker = make(service)
            return checker.scan(password_for(service, checker.require_account(), passwords))

        self._busy(True, _("Checking your mailbox (read-only)…"))
        self.tasks.submit(work, self._checked, self._failed, owner=self)

    def _checked(self, result: object) -> None:
        assert isinstance(result, ScanResult)
        text = " ".join([*result.notes, result.summary()])
        self._busy(False, text)
        self.reload()
        self.status_label.setText(text)

    def _failed(self, error: BaseException) -> None:
        message = (
            str(error)
            if isinstance(error, FollowupError)
            else _("The check stopped unexpectedly ({error}); see the log.").format(
                error=type(error).__name__
            )
        )
        self._busy(False, message)

    def confirm_current(self) -> None:
        """Log the selected message (and its invitation, if ticked)."""
        proposal = self.current()
        if proposal is None:
            return
        with_invitation = self.invitation_box.isVisibleTo(self) and self.invitation_box.isChecked()
        outcome, day = self.chosen_outcome()
        make, service = self._make_checker, self.service

        def work() -> Change:
            return make(service).confirm(
                proposal.id, import_invitation=with_invitation, outcome=outcome, on=day
            )

        self._busy(True, _("Logging…"))
        self.tasks.submit(work, self._answered, self._failed, owner=self)

    def dismiss_current(self) -> None:
        """Set the selected message aside for good."""
        proposal = self.current()
        if proposal is None:
            return
        make, service = self._make_checker, self.service
        self._busy(True, _("Setting aside…"))
        self.tasks.submit(
            lambda: make(service).dismiss(proposal.id),
            self._answered,
            self._failed,
            owner=self,
        )

    def _answered(self, change: object) -> None:
        self._busy(False, _("Done."))
        self.reload()
        self.status_label.setText(_("Done."))
        if isinstance(change, Change):
            self.changed.emit(change)

    # -- a message saved as a file ---------------------------------------------------

    def read_mail(self, raw: bytes, name: str = _("The message")) -> None:
        """Read a dropped, opened or pasted message on the worker thread, then show it.

        In a window for one opportunity (:meth:`for_opportunity`) it is proposed for
        that opportunity whoever wrote it; confirming is still the person's."""
        make, service, opportunity_id = self._make_checker, self.service, self.opportunity_id

        def work() -> StoredProposal:
            return make(service).propose_message(raw, opportunity_id=opportunity_id)

        def failed(error: BaseException) -> None:
            self._failed(error)
            if isinstance(error, FollowupError):
                self.status_label.setText(_("{file}: {problem}").format(file=name, problem=error))
            self._file_read(self.status_label.text(), failed=True)

        self._busy(True, _("Reading {file}…").format(file=name))
        self.tasks.submit(work, self._read, failed, owner=self)

    def read_file(self, path: Path) -> None:
        """Read a saved message (.eml) into the list."""
        try:
            raw = read_limited(path, MAX_MAIL_FILE, _("e-mail file"))
        except FollowupError as error:
            self.status_label.setText(str(error))
            self._file_read(str(error), failed=True)
            return
        self.read_mail(raw, path.name)

    def read_files(self, paths: Sequence[Path]) -> None:
        """Read several saved messages (dropped together), one after the other."""
        self._waiting_files.extend(paths)
        self._read_next_file()

    def _read_next_file(self) -> None:
        if self._waiting_files:
            self.read_file(self._waiting_files.pop(0))

    def _file_read(self, said: str, *, failed: bool) -> None:
        """One message read (or refused): go on with the next file dropped with it, and
        once all are read keep every refusal in view, not only the last words."""
        if failed:
            self._file_problems.append(said)
        if self._waiting_files:
            self._read_next_file()
            return
        problems, self._file_problems = self._file_problems, []
        if problems and (len(problems) > 1 or not failed):
            self.status_label.setText("\n".join([*([] if failed else [said]), *problems]))

    def for_opportunity(self, opportunity_id: int, label: str) -> None:
        """Read every message opened or pasted here for one opportunity (the card or
        editor it was dropped on), whoever sent it; each still waits to be confirmed."""
        self.opportunity_id = opportunity_id
        self.scope_label.setText(
            _(
                "Messages you open or paste here are read for {opportunity}, "
                "whoever wrote them. Nothing is logged until you confirm."
            ).format(opportunity=label)
        )
        self.scope_label.setVisible(True)

    def open_file(self) -> None:
        """Pick a saved message and read it."""
        path = self.dialogs.open_file(self, _("Open an e-mail file"), MAIL_FILTER)
        if path is not None:
            self.read_file(path)

    def paste(self) -> None:
        """Read the message on the clipboard (a copied .eml file or its raw text)."""
        try:
            raw = mail_from_clipboard(QGuiApplication.clipboard().mimeData())
        except FollowupError as error:
            self.status_label.setText(str(error))
            return
        if raw is None:
            self.status_label.setText(
                _(
                    "The clipboard holds no e-mail: copy a saved .eml file, or the message's "
                    "source with its From, To and Date lines."
                )
            )
            return
        self.read_mail(raw, _("The pasted message"))

    def _read(self, proposal: object) -> None:
        assert isinstance(proposal, StoredProposal)
        sentence = (
            _("Read the message you sent “{subject}” for {opportunity}.")
            if proposal.kind == "sent"
            else _("Read the reply “{subject}” for {opportunity}.")
        )
        text = sentence.format(subject=proposal.subject, opportunity=proposal.opportunity_label)
        self._busy(False, text)
        self.reload(proposal.id)
        self.status_label.setText(
            _("{what_was_read} Confirm or dismiss it below.").format(what_was_read=text)
        )
        self._file_read(self.status_label.text(), failed=False)


def dropped_mail_dialog(
    service: FollowupService,
    paths: Sequence[Path],
    parent: QWidget | None = None,
    *,
    tasks: TaskRunner | None = None,
    passwords: PasswordStore | None = None,
    opportunity: tuple[int, str] | None = None,
) -> MailboxDialog:
    """The "From your mailbox" window reading dropped .eml files: run it as the window
    runs any dialog, and connect ``changed`` to refresh the board after a confirm.
    Dropped on a card or an editor, ``opportunity`` (its id and how it is named) says
    which opportunity the messages are for."""
    dialog = MailboxDialog(service, parent, tasks=tasks, passwords=passwords)
    if opportunity is not None:
        dialog.for_opportunity(*opportunity)
    dialog.read_files(paths)
    return dialog
