""" "From your mailbox": what a check found, waiting for Confirm or Dismiss.

A table model over the stored proposals and a dialog around it. Checking runs on the
window's worker thread (never blocking the window); so do Confirm and Dismiss, which
write through the service layer. Everything taken from mail is shown as plain text.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from followup_desktop.core.errors import FollowupError
from followup_desktop.core.mailbox.account import load_incoming, sending_account
from followup_desktop.core.mailbox.check import MailboxChecker, ScanResult
from followup_desktop.core.mailbox.state import StoredProposal
from followup_desktop.core.services import Change, FollowupService
from followup_desktop.gui.plain import PlainLabel
from followup_desktop.gui.tasks import TaskRunner
from followup_desktop.secrets import PasswordStore

AnyIndex = QModelIndex | QPersistentModelIndex
CheckerFactory = Callable[[FollowupService], MailboxChecker]
OUTCOME_TEXT = {
    "rejection": "Its wording may mean a rejection.",
    "offer": "Its wording may mean an offer.",
    "next_round": "Its wording may invite you to a next round.",
}
SHORT_OUTCOME = {"rejection": "Rejection?", "offer": "Offer?", "next_round": "Next round?"}
COLUMNS = ("What", "Who", "Date", "Subject", "Opportunity", "Suggests")


def default_checker(service: FollowupService) -> MailboxChecker:
    """A checker for the configured incoming account; a plain error when there is none."""
    account = load_incoming(service)
    if account is None or not account.enabled:
        raise FollowupError(
            "Reading the mailbox is not set up: fill in Settings → Incoming mail first."
        )
    sending = sending_account(service)
    own = [] if sending is None else [sending.from_address]
    return MailboxChecker(service, account, own_addresses=own)


def _when(proposal: StoredProposal) -> str:
    moment = datetime.fromisoformat(proposal.occurred_at).astimezone()
    return moment.strftime("%Y-%m-%d %H:%M")


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
            what, who = "Sent by you", ", ".join(proposal.recipients)
        else:
            what, who = "Reply", proposal.sender_name or proposal.sender
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
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.tasks = tasks or TaskRunner(self)
        self._make_checker = make_checker
        self.passwords = passwords or PasswordStore()
        self.setWindowTitle("From your mailbox")
        self.setAccessibleName("From your mailbox")
        self.resize(860, 520)
        layout = QVBoxLayout(self)
        self.model = ProposalModel(self)
        self.table = QTableView()
        self.table.setAccessibleName("Messages found in your mailbox")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._show_current)
        layout.addWidget(self.table, 2)
        self.preview = QPlainTextEdit()  # plain text: nothing from mail is ever rendered
        self.preview.setReadOnly(True)
        self.preview.setAccessibleName("First lines of the message")
        layout.addWidget(self.preview, 1)
        self.invitation_box = QCheckBox("Also add the &invitation attached to this message")
        self.invitation_box.setAccessibleName("Also add the attached invitation")
        layout.addWidget(self.invitation_box)
        buttons = QHBoxLayout()
        self.check_button = QPushButton("&Check now")
        self.confirm_button = QPushButton("C&onfirm")
        self.dismiss_button = QPushButton("&Dismiss")
        self.close_button = QPushButton("Close")
        self.check_button.clicked.connect(self.check_now)
        self.confirm_button.clicked.connect(self.confirm_current)
        self.dismiss_button.clicked.connect(self.dismiss_current)
        self.close_button.clicked.connect(self.accept)
        for button in (self.check_button, self.confirm_button, self.dismiss_button):
            button.setAccessibleName(button.text().replace("&", ""))
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        self.status_label = PlainLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setAccessibleName("Mailbox status")
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.status_label)
        self.reload()

    # -- showing --------------------------------------------------------------------

    def _checker(self) -> MailboxChecker:
        return self._make_checker(self.service)

    def reload(self) -> None:
        """Show what is waiting (read from the database, which is quick)."""
        try:
            proposals = self._checker().proposals()
        except FollowupError as error:
            proposals = []
            self.status_label.setText(str(error))
        self.model.set_proposals(proposals)
        if proposals:
            self.table.selectRow(0)
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
        if proposal is None:
            self.preview.setPlainText("")
            return
        lines = [proposal.subject, "", proposal.first_lines]
        if proposal.outcome:
            lines += ["", OUTCOME_TEXT.get(proposal.outcome, "")]
        if proposal.kind == "sent" and proposal.action_id is not None:
            lines += ["", "Confirming marks the step this note answers as done."]
        if proposal.attachments:
            lines += ["", "Attached: " + ", ".join(proposal.attachments)]
        self.preview.setPlainText("\n".join(lines))

    # -- working --------------------------------------------------------------------

    def _busy(self, busy: bool, text: str = "") -> None:
        for button in (self.check_button, self.confirm_button, self.dismiss_button):
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
            return checker.scan(password_for(service, checker.account, passwords))

        self._busy(True, "Checking your mailbox (read-only)…")
        self.tasks.submit(work, self._checked, self._failed)

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
            else (f"The check stopped unexpectedly ({type(error).__name__}); see the log.")
        )
        self._busy(False, message)

    def confirm_current(self) -> None:
        """Log the selected message (and its invitation, if ticked)."""
        proposal = self.current()
        if proposal is None:
            return
        with_invitation = self.invitation_box.isVisible() and self.invitation_box.isChecked()
        make, service = self._make_checker, self.service

        def work() -> Change:
            return make(service).confirm(proposal.id, import_invitation=with_invitation)

        self._busy(True, "Logging…")
        self.tasks.submit(work, self._answered, self._failed)

    def dismiss_current(self) -> None:
        """Set the selected message aside for good."""
        proposal = self.current()
        if proposal is None:
            return
        make, service = self._make_checker, self.service
        self._busy(True, "Setting aside…")
        self.tasks.submit(lambda: make(service).dismiss(proposal.id), self._answered, self._failed)

    def _answered(self, change: object) -> None:
        self._busy(False, "Done.")
        self.reload()
        self.status_label.setText("Done.")
        if isinstance(change, Change):
            self.changed.emit(change)
