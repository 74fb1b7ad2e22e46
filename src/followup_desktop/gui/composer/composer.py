"""The composer: a drafted message beside the debrief notes that matter for it.

Opened from any action. Ways out: Send (SMTP, on a worker thread), Open in my mail app
(a ``mailto:`` link), Copy, Print, Save as PDF, or just "Mark as sent". Send, Copy, Print
and PDF can log the message and complete the action; opening the mail app logs nothing
until the person presses Mark as sent (it cannot know the message went out). A send that
fails marks nothing and keeps the draft.

A thank-you to an interviewer with no email address offers the ways it can still go
(PLAYBOOK 2): their address, added here; a LinkedIn message when their profile is known;
a note through the person who arranged the interview, naming them; and a printed letter
only when the interview was held in person (a letter cannot be handed in after a call).
Everything that would open a system dialog or another program goes through a function
passed in, so tests can replace it.
"""

from __future__ import annotations

import dataclasses
import html
import ssl
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QDesktopServices,
    QGuiApplication,
    QPdfWriter,
    QTextCursor,
    QTextDocument,
)

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from followup_desktop.core.action_kinds import action_title, kind_label
from followup_desktop.core.errors import FollowupError
from followup_desktop.core.fields import ContactFields
from followup_desktop.core.i18n import _, ngettext
from followup_desktop.core.messages import (
    Draft,
    EmailAccount,
    SendErrorKind,
    SmtpSender,
    carry_over,
    draft_for_action,
    email_from_account,
    load_account,
    mailto_url,
)
from followup_desktop.core.messages.context import long_date
from followup_desktop.core.messages.placeholders import unfilled_placeholders
from followup_desktop.core.models import Channel, ContactRole
from followup_desktop.core.services import FollowupService
from followup_desktop.gui.composer.worker import SmtpJob, SmtpRunner
from followup_desktop.gui.plain import PlainLabel, editable, rich, shown
from followup_desktop.secrets import PasswordStore, SecretStoreError

OpenUrl = Callable[[QUrl], bool]
PrintDialog = Callable[["QPrinter", QWidget], bool]
SavePath = Callable[[QWidget], str]
MakeSender = Callable[[EmailAccount, str | None], SmtpSender]

_shared_passwords: PasswordStore | None = None


def shared_password_store() -> PasswordStore:
    """The process's password store (session-only passwords must outlive one dialog)."""
    global _shared_passwords  # noqa: PLW0603 - one per process, created on first use
    if _shared_passwords is None:
        _shared_passwords = PasswordStore()
    return _shared_passwords


def _ask_print(printer: QPrinter, parent: QWidget) -> bool:
    # Loaded when a letter is printed, not with the composer: the tray loads the
    # composer's modules at start-up, and the bundle leaves QtPrintSupport out.
    from PySide6.QtPrintSupport import QPrintDialog

    return QPrintDialog(printer, parent).exec() == QDialog.DialogCode.Accepted


def _ask_pdf_path(parent: QWidget) -> str:
    path, _filter = QFileDialog.getSaveFileName(
        parent, _("Save the letter as PDF"), "letter.pdf", _("PDF files (*.pdf)")
    )
    return path


def draft_person(draft: Draft) -> str:
    """Whom the draft is for: its first recipient, or the interviewer without an address."""
    if draft.no_address is not None:
        return draft.no_address.name
    return draft.recipients[0].name if draft.recipients else ""


def _default_sender(account: EmailAccount, password: str | None) -> SmtpSender:
    return SmtpSender(account, password)


def sender_with_context(context: ssl.SSLContext) -> MakeSender:
    """A sender factory trusting a given (verifying) context; for tests and special CAs."""

    def make(account: EmailAccount, password: str | None) -> SmtpSender:
        return SmtpSender(account, password, ssl_context=context)

    return make


#: How a note copied for a person without an address went out, and the channel it is
#: logged as. Through the organizer it is still an email, only to them.
ROUTES: tuple[tuple[str, Channel], ...] = (
    (_("A LinkedIn message"), Channel.LINKEDIN),
    (_("A letter"), Channel.LETTER),
    (_("An email to the person who arranged it"), Channel.EMAIL),
    (_("Another way"), Channel.OTHER),
)


class ComposerDialog(QDialog):
    """Draft, edit and send the message for one action."""

    #: Emitted with the service's Change after the message was logged / the action done.
    changed = Signal(object)

    def __init__(
        self,
        service: FollowupService,
        action_id: int,
        parent: QWidget | None = None,
        *,
        passwords: PasswordStore | None = None,
        open_url: OpenUrl = QDesktopServices.openUrl,
        print_dialog: PrintDialog = _ask_print,
        pdf_path: SavePath = _ask_pdf_path,
        make_sender: MakeSender = _default_sender,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.passwords = passwords or shared_password_store()
        self._open_url = open_url
        self._print_dialog = print_dialog
        self._pdf_path = pdf_path
        self._make_sender = make_sender
        self.draft: Draft = draft_for_action(service, action_id)
        self.account = load_account(service)
        self.runner = SmtpRunner(self)
        self.runner.progress.connect(self._on_progress)
        self.runner.succeeded.connect(self._on_sent)
        self.runner.failed.connect(self._on_send_failed)
        self.recorded = False
        self._sent = False
        self._build()
        self._update_send_availability()

    # -- layout ----------------------------------------------------------------------

    def _build(self) -> None:  # noqa: PLR0915 - one window, built top to bottom
        draft = self.draft
        # Named for its person: two thank-yous open side by side are told apart.
        self.setWindowTitle(action_title(draft.kind, shown(draft_person(draft))))
        self.resize(960, 640)
        layout = QVBoxLayout(self)
        company = draft.context.get("company", "")
        role = draft.context.get("role", "")
        heading = PlainLabel(
            _("<b>{kind}</b> — {role} at {company}").format(
                kind=html.escape(kind_label(draft.kind)), role=rich(role), company=rich(company)
            )
            if company
            else f"<b>{html.escape(kind_label(draft.kind))}</b>"
        )
        heading.setTextFormat(Qt.TextFormat.RichText)  # our markup; their text escaped
        layout.addWidget(heading)
        self.notes_label = PlainLabel("\n".join(draft.notes))
        self.notes_label.setWordWrap(True)
        self.notes_label.setVisible(bool(draft.notes))
        layout.addWidget(self.notes_label)
        self.no_address_box = self._build_no_address()
        layout.addWidget(self.no_address_box)

        splitter = QSplitter(self)
        editor = QWidget(splitter)
        form = QFormLayout(editor)
        # Names in the fields without reordering controls, so what is sent reads as shown.
        self.to_edit = QLineEdit(
            editable(", ".join(r.formatted() for r in draft.recipients if r.email))
        )
        self.to_edit.setAccessibleName(_("Recipients"))
        self.to_edit.setPlaceholderText(_("Name <name@example.com>, …"))
        self.subject_edit = QLineEdit(editable(draft.subject))
        self.subject_edit.setAccessibleName(_("Subject"))
        self.body_edit = QPlainTextEdit(editable(draft.body))
        self.body_edit.setAccessibleName(_("Message"))
        if draft.is_email:
            form.addRow(_("&To:"), self.to_edit)
            form.addRow(_("&Subject:"), self.subject_edit)
        else:
            self.to_edit.hide()
            self.subject_edit.hide()
        form.addRow(_("&Message:") if draft.is_email else _("&Script:"), self.body_edit)
        self.option_boxes: dict[str, QCheckBox] = {}
        for option in draft.optional_parts:
            box = QCheckBox(option.label)
            box.setObjectName(f"option-{option.name}")
            box.setAccessibleName(option.label)
            box.setAccessibleDescription(option.explanation)
            box.setToolTip(option.explanation)
            box.setChecked(draft.options.get(option.name, False))
            box.toggled.connect(lambda on, name=option.name: self.set_option(name, on))
            form.addRow("", box)
            self.option_boxes[option.name] = box
        self.highlights = QTextBrowser(splitter)
        self.highlights.setAccessibleName(_("From your debrief"))
        self.highlights.setHtml(self._highlights_html())
        splitter.addWidget(editor)
        splitter.addWidget(self.highlights)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)

        self.mark_done = QCheckBox(
            _("When I use one of these, log the message and mark this step done")
            if draft.is_email
            else _("When I use one of these, log the call and mark this step done")
        )
        self.mark_done.setChecked(True)
        layout.addWidget(self.mark_done)

        status_row = QHBoxLayout()
        self.status_label = PlainLabel("")
        self.status_label.setWordWrap(True)
        self.status_label.setAccessibleName(_("Status"))
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setMaximumWidth(160)
        self.progress.hide()
        self.cancel_button = QPushButton(_("&Cancel sending"))
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.runner.cancel)
        status_row.addWidget(self.status_label, 1)
        status_row.addWidget(self.progress)
        status_row.addWidget(self.cancel_button)
        layout.addLayout(status_row)

        buttons = QHBoxLayout()
        self.send_button = QPushButton(_("Se&nd"))
        self.send_button.clicked.connect(self.send)
        self.mail_app_button = QPushButton(_("Open in my &mail app"))
        self.mail_app_button.clicked.connect(self.open_in_mail_app)
        self.copy_button = QPushButton(_("C&opy"))
        self.copy_button.clicked.connect(self.copy_text)
        self.print_button = QPushButton(_("&Print…"))
        self.print_button.clicked.connect(self.print_letter)
        self.pdf_button = QPushButton(_("Save as P&DF…"))
        self.pdf_button.clicked.connect(self.save_pdf)
        self.mark_button = QPushButton(
            _("Mark as sent") if draft.is_email else _("I made the call")
        )
        self.mark_button.clicked.connect(lambda: self._record(self._copied_route(), force=True))
        close_button = QPushButton(_("Close"))
        close_button.clicked.connect(self.reject)
        for button in (self.send_button, self.mail_app_button):
            button.setVisible(draft.is_email)
            buttons.addWidget(button)
        for button in (self.copy_button, self.print_button, self.pdf_button, self.mark_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close_button)
        layout.addLayout(buttons)
        self._show_routes()

    def _build_no_address(self) -> QWidget:
        """The ways a thank-you can go without the interviewer's address (hidden otherwise)."""
        box = QWidget()
        box.setObjectName("no-address")
        form = QFormLayout(box)
        form.setContentsMargins(0, 0, 0, 0)
        self.address_edit = QLineEdit()
        self.address_edit.setPlaceholderText(_("name@example.com"))
        self.save_address_button = QPushButton(_("Sa&ve address"))
        self.save_address_button.clicked.connect(self.save_address)
        row = QHBoxLayout()
        row.addWidget(self.address_edit, 1)
        row.addWidget(self.save_address_button)
        self.address_label = PlainLabel("")
        self.address_label.setBuddy(self.address_edit)
        form.addRow(self.address_label, row)
        self.linkedin_button = QPushButton(_("Copy the text and open their &LinkedIn profile"))
        self.linkedin_button.setAccessibleName(
            _("Copy the message and open the interviewer's LinkedIn profile")
        )
        self.linkedin_button.clicked.connect(self.send_by_linkedin)
        form.addRow("", self.linkedin_button)
        self.organizer_name_edit = QLineEdit()
        self.organizer_name_edit.setAccessibleName(
            _("Name of the person who arranged the interview")
        )
        self.organizer_name_edit.setPlaceholderText(_("who arranged the interview"))
        self.organizer_address_edit = QLineEdit()
        self.organizer_address_edit.setAccessibleName(
            _("Email address of the person who arranged the interview")
        )
        self.organizer_address_edit.setPlaceholderText(_("their email address"))
        self.organizer_button = QPushButton(_("&Write to them instead"))
        self.organizer_button.setAccessibleName(
            _("Send the thanks through the person who arranged the interview")
        )
        self.organizer_button.clicked.connect(self.write_to_organizer)
        organizer_row = QHBoxLayout()
        organizer_row.addWidget(self.organizer_name_edit, 1)
        organizer_row.addWidget(self.organizer_address_edit, 1)
        organizer_row.addWidget(self.organizer_button)
        self.organizer_label = PlainLabel(_("Or via the person who &arranged it:"))
        self.organizer_label.setBuddy(self.organizer_name_edit)
        form.addRow(self.organizer_label, organizer_row)
        # Copy and Mark as sent log the note by the route chosen here, not as an email
        # that never went out.
        self.route_combo = QComboBox()
        for label, channel in ROUTES:
            self.route_combo.addItem(label, channel.value)
        self.route_combo.setCurrentIndex(self.route_combo.findData(Channel.OTHER.value))
        self.route_combo.setAccessibleName(_("How you sent the note"))
        self.route_label = PlainLabel(_("If you copy it, sent &by:"))
        self.route_label.setBuddy(self.route_combo)
        form.addRow(self.route_label, self.route_combo)
        self.letter_hint = PlainLabel("")
        self.letter_hint.setWordWrap(True)
        form.addRow("", self.letter_hint)
        return box

    def _show_routes(self) -> None:
        """Show the no-address choices that fit the current draft."""
        missing = self.draft.no_address if self.draft.is_email else None
        self.no_address_box.setVisible(missing is not None)
        letters = missing is None or missing.in_person
        self.print_button.setVisible(letters)
        self.pdf_button.setVisible(letters)
        if missing is None:
            return
        name = missing.name
        # A name with "&" in it would otherwise lose it to the label's shortcut.
        self.address_label.setText(
            _("{name}'s &email address:").format(name=name.replace("&", "&&"))
        )
        self.address_edit.setAccessibleName(_("Email address of {name}").format(name=name))
        self.save_address_button.setAccessibleName(
            _("Save the email address of {name}").format(name=name)
        )
        self.linkedin_button.setVisible(bool(missing.linkedin))
        self.linkedin_button.setToolTip(missing.linkedin)
        known = missing.organizer_id is not None
        self.organizer_name_edit.setText(editable(missing.organizer_name))
        self.organizer_name_edit.setReadOnly(known)
        self.letter_hint.setText(
            _("The interview was in person, so a printed letter handed in at reception also works.")
            if missing.in_person
            else _(
                "A printed letter is offered only after an interview in person; "
                "after a call or a video interview it would arrive too late."
            )
        )

    def _redraft(self, why: str) -> None:
        """Draft again after a contact changed (a new address changes who it goes to)."""
        try:
            draft = draft_for_action(self.service, self.draft.action_id, self.draft.options)
        except FollowupError as error:
            self.status_label.setText(str(error))
            return
        self.draft = draft
        self.to_edit.setText(
            editable(", ".join(r.formatted() for r in draft.recipients if r.email))
        )
        self.subject_edit.setText(editable(draft.subject))
        # Through the cursor, so Ctrl+Z in the message brings back what was there before.
        cursor = self.body_edit.textCursor()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(editable(draft.body))
        self.notes_label.setText("\n".join(draft.notes))
        self.notes_label.setVisible(bool(draft.notes))
        self._show_routes()
        self._update_send_availability()
        self.status_label.setText(why)

    def save_address(self) -> bool:
        """Store the interviewer's address on their contact, then address the draft to it."""
        missing = self.draft.no_address
        if missing is None:
            return False
        try:
            change = self.service.update_contact(
                missing.contact_id, ContactFields(email=self.address_edit.text())
            )
        except FollowupError as error:
            self.status_label.setText(str(error))
            return False
        self.changed.emit(change)
        self.address_edit.clear()
        self._redraft(
            _("Saved {name}'s address; the message now goes to them.").format(name=missing.name)
        )
        return True

    def send_by_linkedin(self) -> bool:
        """Copy the message and open the interviewer's profile, to paste it in a message."""
        missing = self.draft.no_address
        if missing is None or not missing.linkedin:
            return False
        QGuiApplication.clipboard().setText(self.body_edit.toPlainText())
        if not self._open_url(QUrl(missing.linkedin)):
            self.status_label.setText(
                _(
                    "The text is copied, but no browser opened {link}; open it "
                    "yourself and paste the message there."
                ).format(link=missing.linkedin)
            )
            return False
        self.status_label.setText(
            _(
                "Copied. Paste it into a LinkedIn message to {name} on the page that just opened."
            ).format(name=missing.name)
        )
        self._record(Channel.LINKEDIN)
        return True

    def write_to_organizer(self) -> bool:
        """Send the thanks through whoever arranged the interview, naming the interviewer."""
        missing = self.draft.no_address
        if missing is None or self.draft.opportunity_id is None:
            return False
        address = self.organizer_address_edit.text()
        name = self.organizer_name_edit.text().strip()
        if not address.strip() or not name:
            self.status_label.setText(
                _(
                    "Give the name and email address of the person who arranged the interview "
                    "(a recruiter or someone in HR)."
                )
            )
            return False
        try:
            if missing.organizer_id is not None:
                change = self.service.update_contact(
                    missing.organizer_id, ContactFields(email=address)
                )
            else:
                change = self.service.add_contact(
                    name,
                    ContactFields(email=address),
                    opportunity_id=self.draft.opportunity_id,
                    role=ContactRole.RECRUITER,
                )
        except FollowupError as error:
            self.status_label.setText(str(error))
            return False
        self.changed.emit(change)
        self.organizer_address_edit.clear()
        self._redraft(
            _(
                "The note now goes to {organizer} and asks them to pass your thanks on to "
                "{interviewer}."
            ).format(organizer=name, interviewer=missing.name)
        )
        return True

    def _highlights_html(self) -> str:
        if not self.draft.highlights:
            return "<p><i>{}</i></p>".format(
                html.escape(_("Nothing from your debrief for this message."))
            )
        rows = "".join(
            f"<p><b>{html.escape(h.label)}</b><br>{rich(h.text)}</p>" for h in self.draft.highlights
        )
        return f"<h3>{html.escape(_('From your debrief'))}</h3>{rows}"

    def _update_send_availability(self) -> None:
        reason = self.send_unavailable_reason()
        self.send_button.setEnabled(reason is None and not self.runner.busy)
        self.send_button.setToolTip(reason or _("Send through your email account"))
        if reason and self.draft.is_email and not self._sent:
            self.status_label.setText(reason)

    def send_unavailable_reason(self) -> str | None:
        """Why Send cannot work right now, in plain words (None when it can)."""
        if self._sent:
            return _("This message has been sent.")
        if self.account is None:
            return _(
                "To send from here, set up your email account in Settings → Email account. "
                "Meanwhile, open the message in your mail app or copy it."
            )
        if self.passwords.has_session_password(self.account.secret_key):
            return None
        status = self.passwords.status()
        if not status.available:
            return _(
                "{reason} Sending from Followup needs a safe place for your "
                "password; open the message in your mail app or copy it instead, or enter "
                "the password in Settings → Email account to keep it for this session only."
            ).format(reason=status.reason)
        return None

    # -- optional paragraphs ----------------------------------------------------------

    def set_option(self, name: str, enabled: bool) -> bool:
        """Add or take out an optional paragraph, keeping the person's edits elsewhere.

        Returns False, with the reason in the status line, when it cannot be done.
        """
        box = self.option_boxes.get(name)
        try:
            redrafted = draft_for_action(
                self.service, self.draft.action_id, {**self.draft.options, name: enabled}
            )
        except FollowupError as error:
            self.status_label.setText(str(error))
            return self._undo_tick(box, enabled)
        merged = carry_over(self.body_edit.toPlainText(), self.draft.body, redrafted.body)
        if merged is None:
            self.status_label.setText(
                _(
                    "Your edits changed the text around that paragraph, so it was not "
                    "added; change the message by hand instead."
                )
                if enabled
                else _(
                    "Your edits changed the text around that paragraph, so it was not "
                    "taken out; change the message by hand instead."
                )
            )
            return self._undo_tick(box, enabled)
        # Through the cursor rather than setPlainText, so Ctrl+Z brings back the old text.
        cursor = self.body_edit.textCursor()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(merged)
        self.draft = dataclasses.replace(
            self.draft, body=redrafted.body, options=dict(redrafted.options)
        )
        if box is not None and box.isChecked() != enabled:
            box.blockSignals(True)
            box.setChecked(enabled)
            box.blockSignals(False)
        return True

    @staticmethod
    def _undo_tick(box: QCheckBox | None, enabled: bool) -> bool:
        if box is not None:
            box.blockSignals(True)
            box.setChecked(not enabled)
            box.blockSignals(False)
        return False

    # -- ways out --------------------------------------------------------------------

    def _copied_route(self) -> Channel | None:
        """The route a copied note took: the one chosen when there is no address."""
        if self.draft.is_email and self.draft.no_address is not None:
            return Channel(self.route_combo.currentData())
        return None

    def _text(self) -> tuple[str, str]:
        return self.subject_edit.text().strip(), self.body_edit.toPlainText()

    def _record(self, channel: Channel | None, *, force: bool = False) -> bool:
        """Log the message and complete the step, if the box says so; True if done."""
        if not (force or self.mark_done.isChecked()) or self.recorded:
            return False
        subject, body = self._text()
        try:
            change = self.service.record_sent_message(
                self.draft, subject=subject, body=body, channel=channel
            )
        except FollowupError as error:
            self.status_label.setText(str(error))
            return False
        self.recorded = True
        # Once logged, the way to log it again is gone: no second entry from a second
        # press (the service also logs a step's message only once).
        self.mark_button.setEnabled(False)
        self.mark_done.setEnabled(False)
        if not change.entities:
            self.status_label.setText(_("This message was already logged; nothing was added."))
            return True
        self.status_label.setText(_("Logged, and the step is marked done."))
        self.changed.emit(change)
        return True

    def send(self) -> None:
        """Send through SMTP on the worker thread."""
        if self.runner.busy or self.send_unavailable_reason() is not None:
            return
        account = self.account
        assert account is not None
        subject, body = self._text()
        left = unfilled_placeholders(subject, body)
        if left:
            self.status_label.setText(
                _("Not sent: replace {part} with your own words first.").format(part=left[0])
                if len(left) == 1
                else ngettext(
                    "Not sent: replace {part} with your own words first "
                    "({n} more part in brackets).",
                    "Not sent: replace {part} with your own words first "
                    "({n} more parts in brackets).",
                    len(left) - 1,
                ).format(part=left[0], n=len(left) - 1)
            )
            self.body_edit.setFocus()
            return
        try:
            message = email_from_account(
                account,
                to=self.to_edit.text(),
                subject=subject,
                body=body,
                date=self.service.clock(),
            )
        except FollowupError as error:
            self.status_label.setText(str(error))
            return
        passwords = self.passwords
        make_sender = self._make_sender

        def read_password() -> str | None:
            try:
                return passwords.get_password(account.secret_key)
            except SecretStoreError as error:
                raise FollowupError(str(error)) from None

        job = SmtpJob(
            read_password,
            lambda password: make_sender(account, password),
            lambda sender, progress: sender.send(message, progress),
        )
        self._set_busy(True)
        self.runner.start(job)

    def _set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        for widget in (
            self.to_edit,
            self.subject_edit,
            self.body_edit,
            *self.option_boxes.values(),
        ):
            widget.setEnabled(not busy)
        self.mark_button.setEnabled(not busy and not self.recorded)
        self.send_button.setEnabled(not busy and self.send_unavailable_reason() is None)

    def _on_progress(self, text: str) -> None:
        self.status_label.setText(text)

    def _on_sent(self) -> None:
        self._set_busy(False)
        self.status_label.setText(_("Sent."))
        self._sent = True
        if self._record(Channel.EMAIL):
            self.status_label.setText(_("Sent, logged, and the step is marked done."))
        self._update_send_availability()

    def _on_send_failed(self, message: str, kind: str) -> None:
        self._set_busy(False)
        # A 4xx reply is worth another try later, a 5xx one is not: the first words say
        # which, so the person knows whether to wait or to change something.
        if kind == SendErrorKind.TEMPORARY:
            prefix = _("Not sent yet, a temporary problem")
        elif kind == SendErrorKind.REFUSED:
            prefix = _("Not sent, refused for good")
        else:
            prefix = _("Not sent")
        self.status_label.setText(_("{problem}: {message}").format(problem=prefix, message=message))
        self._update_send_availability()

    def open_in_mail_app(self) -> None:
        """Hand the draft to the person's mail program as a ``mailto:`` link."""
        subject, body = self._text()
        url = mailto_url([self.to_edit.text()], subject, body)
        if self._open_url(QUrl.fromEncoded(url.encode("ascii"))):
            # Opening a mail program sends nothing: the step waits until the person says
            # the message went out.
            self.status_label.setText(
                _(
                    "Opened in your mail app. Once it has gone out, press Mark as sent so the "
                    "plan moves on."
                )
            )
        else:
            self.status_label.setText(
                _(
                    "No mail program opened the message. Set a default mail app in your "
                    "desktop settings, or copy the text instead."
                )
            )

    def copy_text(self) -> None:
        """Put the message on the clipboard."""
        subject, body = self._text()
        text = (
            _("Subject: {subject}").format(subject=subject) + "\n\n" + body
            if self.draft.is_email and subject
            else body
        )
        QGuiApplication.clipboard().setText(text)
        self.status_label.setText(_("Copied to the clipboard."))
        self._record(self._copied_route())

    def letter_document(self) -> QTextDocument:
        """The message laid out as a letter (or the call script) for printing."""
        subject, body = self._text()
        parts: list[str] = []
        if self.draft.is_email:
            me = self.draft.context.get("me", {})
            sender = "\n".join(x for x in (me.get("name", ""), me.get("email", "")) if x)
            recipient = self.draft.recipients[0].name if self.draft.recipients else ""
            today = long_date(self.service.clock().date())
            parts = [p for p in (sender, today, recipient, subject) if p]
        document = QTextDocument(self)
        document.setPlainText("\n\n".join([*parts, body]))
        return document

    def print_letter(self) -> None:
        """Print the letter through the system's print dialog."""
        from PySide6.QtPrintSupport import QPrinter

        printer = QPrinter()
        if self._print_dialog(printer, self):
            self.letter_document().print_(printer)
            self.status_label.setText(_("Sent to the printer."))
            self._record(Channel.LETTER if self.draft.is_email else None)

    def save_pdf(self) -> None:
        """Save the letter as a PDF file."""
        path = self._pdf_path(self)
        if not path:
            return
        writer = QPdfWriter(path)
        writer.setTitle(self._text()[0] or kind_label(self.draft.kind))
        writer.setResolution(300)
        self.letter_document().print_(writer)
        self.status_label.setText(_("Saved {path}.").format(path=path))
        self._record(Channel.LETTER if self.draft.is_email else None)

    # -- closing ---------------------------------------------------------------------

    def done(self, result: int) -> None:
        """Closing cancels a running send and waits for the worker to stop."""
        if self.runner.busy:
            self.runner.cancel()
            self.runner.wait()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.runner.busy:
            self.runner.cancel()
            self.runner.wait()
        super().closeEvent(event)
