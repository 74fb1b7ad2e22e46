"""Settings page for the email account: server, security, sender, and the password.

The password goes to the OS secret store only. When there is no usable store the page
says so and offers, with the person's consent, to keep it in memory until Followup quits.
"Test connection" connects, encrypts and logs in on the worker thread.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from followup_desktop.core.errors import FollowupError, ValidationError
from followup_desktop.core.i18n import _
from followup_desktop.core.messages import (
    EmailAccount,
    Security,
    SmtpSender,
    load_account,
    save_account,
)
from followup_desktop.core.messages.account import DEFAULT_PORTS
from followup_desktop.core.services import FollowupService
from followup_desktop.gui.composer.composer import MakeSender, shared_password_store
from followup_desktop.gui.composer.worker import SmtpJob, SmtpRunner
from followup_desktop.gui.plain import PlainLabel
from followup_desktop.gui.tasks import TaskRunner
from followup_desktop.secrets import PasswordStore, SecretStoreError, StoreStatus

TEST_TEXT, TEST_NAME = _("&Test connection"), _("Test connection")
CANCEL_TEXT, CANCEL_NAME = _("&Cancel test"), _("Cancel test")


class ServerFields:
    """The server, security and port fields of a mail account page.

    Shared by the sending and the incoming page; picking the other security moves the
    port to that security's usual one, unless the person typed a port of their own.
    """

    def __init__(self, example: str, ports: dict[Security, int], default: Security) -> None:
        self.ports = ports
        self.default = default
        self.host_edit = QLineEdit()
        self.host_edit.setPlaceholderText(example)
        self.security_box = QComboBox()
        self.security_box.addItem(
            _("SSL/TLS (usually port {port})").format(port=ports[Security.SSL]), str(Security.SSL)
        )
        self.security_box.addItem(
            _("STARTTLS (usually port {port})").format(port=ports[Security.STARTTLS]),
            str(Security.STARTTLS),
        )
        self.port_box = QSpinBox()
        self.port_box.setRange(1, 65535)
        self.security_box.currentIndexChanged.connect(self._security_changed)

    def _security_changed(self) -> None:
        security = Security(self.security_box.currentData())
        if self.port_box.value() in self.ports.values():
            self.port_box.setValue(self.ports[security])

    def fill(
        self, host: str | None = None, security: Security | None = None, port: int = 0
    ) -> None:
        """Show a stored server, or (with no host) the defaults."""
        chosen = security or self.default
        self.security_box.setCurrentIndex(0 if chosen is Security.SSL else 1)
        self.port_box.setValue(port or self.ports[chosen])
        if host is not None:
            self.host_edit.setText(host)

    def values(self) -> dict[str, object]:
        """The fields as an account's JSON keys."""
        return {
            "host": self.host_edit.text().strip(),
            "port": self.port_box.value(),
            "security": self.security_box.currentData(),
        }


class EmailAccountPage(QWidget):
    """The "Email account" page of the settings dialog; call :meth:`apply` on OK."""

    saved = Signal()
    #: The password store was asked (on the worker) and its state is shown.
    store_checked = Signal()

    def __init__(
        self,
        service: FollowupService,
        parent: QWidget | None = None,
        *,
        passwords: PasswordStore | None = None,
        make_sender: MakeSender | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.passwords = passwords or shared_password_store()
        self._make_sender = make_sender
        self.runner = SmtpRunner(self)
        # One job at a time, answers in order: the last load's answer is shown last.
        self.tasks = TaskRunner(self)
        # True from Cancel until the stopped test's worker reports: what it says is ignored.
        self._test_cancelled = False
        self._build()
        self.runner.progress.connect(self._on_test_progress)
        self.runner.succeeded.connect(self._on_test_ok)
        self.runner.failed.connect(self._on_test_failed)
        self.load()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.server = ServerFields("smtp.example.com", DEFAULT_PORTS, Security.STARTTLS)
        self.host_edit = self.server.host_edit
        self.security_box = self.server.security_box
        self.port_box = self.server.port_box
        self.username_edit = QLineEdit()
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.from_name_edit = QLineEdit()
        self.from_address_edit = QLineEdit()
        for label, widget, name in (
            (_("&Server:"), self.host_edit, _("SMTP server")),
            (_("S&ecurity:"), self.security_box, _("Security")),
            (_("&Port:"), self.port_box, _("Port")),
            (_("&User name:"), self.username_edit, _("User name")),
            (_("Pass&word:"), self.password_edit, _("Password")),
            (_("Your &name:"), self.from_name_edit, _("Your name")),
            (_("&From address:"), self.from_address_edit, _("From address")),
        ):
            widget.setAccessibleName(name)
            form.addRow(label, widget)
        layout.addLayout(form)
        note = PlainLabel(
            _(
                "The server's certificate is always checked. The password is kept only in your "
                "system's password store, never in Followup's files."
            )
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        self.store_label = PlainLabel()
        self.store_label.setWordWrap(True)
        layout.addWidget(self.store_label)
        self.session_box = QCheckBox(
            _("Keep the password in memory until Followup quits (it is not saved anywhere)")
        )
        layout.addWidget(self.session_box)
        buttons = QHBoxLayout()
        self.test_button = QPushButton(TEST_TEXT)
        self.test_button.setAccessibleName(TEST_NAME)
        self.test_button.clicked.connect(self._test_clicked)
        self.save_button = QPushButton(_("&Save account"))
        self.save_button.clicked.connect(self.apply)
        self.forget_button = QPushButton(_("For&get password"))
        self.forget_button.clicked.connect(self.forget_password)
        for button in (self.test_button, self.save_button, self.forget_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.status_label = PlainLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setAccessibleName(_("Status"))
        layout.addWidget(self.status_label)
        layout.addStretch(1)

    def load(self) -> None:
        """Show the stored account and the state of the password store."""
        account = load_account(self.service)
        self.server.fill()
        if account is not None:
            self.server.fill(account.host, account.security, account.port)
            self.username_edit.setText(account.username)
            self.from_name_edit.setText(account.from_name)
            self.from_address_edit.setText(account.from_address)
        # The password store is asked on the worker: the first question finds the
        # keyring backend (0.1 s), and a locked keyring may wait for the person to
        # unlock it. Until the answer the line says so.
        self.store_label.setText(_("Checking your system's password store…"))
        passwords, has_password = self.passwords, self._has_password

        def work() -> tuple[StoreStatus, bool]:
            return passwords.status(), account is not None and has_password(account)

        def done(answer: tuple[StoreStatus, bool]) -> None:
            self._show_store(*answer)

        def failed(error: BaseException) -> None:
            self.store_label.setText(
                _("Followup could not ask the password store ({error}).").format(
                    error=type(error).__name__
                )
            )
            self.store_checked.emit()

        self.tasks.submit(work, done, failed, quiet=True, owner=self)

    def _show_store(self, status: StoreStatus, has_password: bool) -> None:
        self.session_box.setVisible(not status.available)
        if status.available:
            self.store_label.setText(
                _("Passwords are kept in: {store}.").format(store=status.backend_name)
            )
        else:
            self.store_label.setText(status.reason)
        self.password_edit.setPlaceholderText(
            _("(stored — type to replace)") if has_password else ""
        )
        self.store_checked.emit()

    def _has_password(self, account: EmailAccount) -> bool:
        try:
            return self.passwords.get_password(account.secret_key) is not None
        except SecretStoreError:
            return False

    def account(self) -> EmailAccount:
        """The account as entered; raises ValidationError naming the field to fix."""
        return EmailAccount.from_json(
            {
                **self.server.values(),
                "username": self.username_edit.text().strip(),
                "from_name": self.from_name_edit.text().strip(),
                "from_address": self.from_address_edit.text().strip(),
            }
        )

    def apply(self) -> bool:
        """Store the account, and the password if one was typed; False if something is wrong."""
        try:
            account = self.account()
            save_account(self.service, account)
            self._store_password(account)
        except FollowupError as error:
            self.status_label.setText(str(error))
            return False
        self.password_edit.clear()
        self.load()
        self.status_label.setText(_("Saved."))
        self.saved.emit()
        return True

    def _store_password(self, account: EmailAccount) -> None:
        password = self.password_edit.text()
        if not password:
            return
        if self.passwords.status().available:
            self.passwords.set_password(account.secret_key, password)
        elif self.session_box.isChecked():
            self.passwords.keep_for_session(account.secret_key, password)
        else:
            raise ValidationError(
                _(
                    "The password was not kept: this system has no safe password store. Tick "
                    "'Keep the password in memory' to use it until Followup quits."
                ),
                "password",
            )

    def forget_password(self) -> None:
        """Remove the stored password."""
        try:
            self.passwords.delete_password(self.account().secret_key)
        except FollowupError as error:
            self.status_label.setText(str(error))
            return
        self.load()
        self.status_label.setText(_("The password is forgotten."))

    def _test_clicked(self) -> None:
        if self.runner.busy:
            self.cancel_test()
        else:
            self.test_connection()

    def cancel_test(self) -> None:
        """Stop the running test: the server's answer, whenever it comes, is ignored."""
        if not self.runner.busy or self._test_cancelled:
            return
        self._test_cancelled = True
        self.runner.cancel()
        self.status_label.setText(_("The test was stopped."))
        # Back to its own words at once; enabled again when the worker has let go.
        self._show_test_button(enabled=False)

    def _show_test_button(self, *, enabled: bool, cancel: bool = False) -> None:
        self.test_button.setText(CANCEL_TEXT if cancel else TEST_TEXT)
        self.test_button.setAccessibleName(CANCEL_NAME if cancel else TEST_NAME)
        self.test_button.setEnabled(enabled)

    def test_connection(self) -> None:
        """Connect, encrypt and log in with what is entered (typed password first)."""
        if self.runner.busy:
            return
        try:
            account = self.account()
        except ValidationError as error:
            self.status_label.setText(str(error))
            return
        typed = self.password_edit.text()
        passwords = self.passwords
        make = self._make_sender

        def read_password() -> str | None:
            if typed:
                return typed
            try:
                return passwords.get_password(account.secret_key)
            except SecretStoreError as error:
                raise FollowupError(str(error)) from None

        def build(password: str | None) -> SmtpSender:
            return make(account, password) if make else SmtpSender(account, password)

        job = SmtpJob(
            read_password, build, lambda sender, progress: sender.test_connection(progress)
        )
        self._test_cancelled = False
        self._show_test_button(enabled=True, cancel=True)
        self.status_label.setText(_("Testing the connection…"))
        self.runner.start(job)

    def _on_test_progress(self, text: str) -> None:
        if not self._test_cancelled:
            self.status_label.setText(text)

    def _test_done(self) -> bool:
        """Ready for another test; True when the person is still waiting for this one."""
        waiting = not self._test_cancelled
        self._test_cancelled = False
        self._show_test_button(enabled=True)
        return waiting

    def _on_test_ok(self) -> None:
        if self._test_done():
            self.status_label.setText(_("The connection works: encrypted, verified and logged in."))

    def _on_test_failed(self, message: str, kind: str) -> None:
        if self._test_done():
            self.status_label.setText(message)
