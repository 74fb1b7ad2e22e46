"""Settings page for incoming mail: the IMAP server Followup may read, read-only."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from followup_desktop.core.errors import FollowupError, ValidationError
from followup_desktop.core.i18n import _
from followup_desktop.core.mailbox.account import (
    IMAP_PORTS,
    INCOMING_SETTING,
    IncomingAccount,
    load_incoming,
    save_incoming,
)
from followup_desktop.core.messages.account import Security
from followup_desktop.core.services import FollowupService
from followup_desktop.gui.composer.account_page import ServerFields
from followup_desktop.gui.plain import PlainLabel
from followup_desktop.secrets import PasswordStore, SecretStoreError


class IncomingMailPage(QWidget):
    """The "Incoming mail" page of the settings dialog; call :meth:`apply` on OK."""

    saved = Signal()

    def __init__(
        self,
        service: FollowupService,
        parent: QWidget | None = None,
        *,
        passwords: PasswordStore | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.passwords = passwords or PasswordStore()
        self._build()
        self.load()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        intro = PlainLabel(
            _(
                "Followup can read your Sent folder and inbox, read-only, to notice thank-you "
                "notes you sent and replies you received. It only proposes; you confirm. "
                "Nothing in the mailbox is ever changed."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.enabled_box = QCheckBox(_("&Read my mailbox"))
        self.server = ServerFields("imap.example.com", IMAP_PORTS, Security.SSL)
        self.host_edit = self.server.host_edit
        self.security_box = self.server.security_box
        self.port_box = self.server.port_box
        self.username_edit = QLineEdit()
        self.same_password_box = QCheckBox(_("Use the sending account's &password"))
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.same_password_box.toggled.connect(lambda same: self.password_edit.setEnabled(not same))
        self.ca_edit = QLineEdit()
        self.ca_edit.setPlaceholderText(_("(optional) a CA certificate file to trust"))
        self.auto_box = QCheckBox(_("Log sent notes found in the Sent folder &without asking"))
        self.interval_box = QSpinBox()
        self.interval_box.setRange(0, 1440)
        self.interval_box.setSuffix(_(" min"))
        self.interval_box.setSpecialValueText(_("only when I ask"))
        for label, widget, name in (
            ("", self.enabled_box, _("Read my mailbox")),
            (_("IMAP &server:"), self.host_edit, _("IMAP server")),
            (_("Securit&y:"), self.security_box, _("Incoming security")),
            (_("P&ort:"), self.port_box, _("Incoming port")),
            (_("User na&me:"), self.username_edit, _("Incoming user name")),
            ("", self.same_password_box, _("Use the sending account's password")),
            (_("Own pass&word:"), self.password_edit, _("Incoming password")),
            (_("&CA file:"), self.ca_edit, _("CA file")),
            ("", self.auto_box, _("Log sent notes without asking")),
            (_("Check &every:"), self.interval_box, _("Check every (minutes)")),
        ):
            widget.setAccessibleName(name)
            form.addRow(label, widget)
        layout.addLayout(form)
        self.save_button = QPushButton(_("Sa&ve incoming mail"))
        self.save_button.clicked.connect(self.apply)
        layout.addWidget(self.save_button)
        self.status_label = PlainLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setAccessibleName(_("Incoming mail status"))
        layout.addWidget(self.status_label)
        layout.addStretch(1)

    def load(self) -> None:
        """Show the stored account (or sensible defaults)."""
        account = load_incoming(self.service)
        self.server.fill()
        self.same_password_box.setChecked(True)
        self.enabled_box.setChecked(account is not None and account.enabled)
        self.interval_box.setValue(30 if account is None else account.check_minutes)
        if account is not None:
            self.server.fill(account.host, account.security, account.port)
            self.username_edit.setText(account.username)
            self.same_password_box.setChecked(account.same_password_as_sending)
            self.ca_edit.setText(account.ca_file)
            self.auto_box.setChecked(account.auto_confirm_sent)

    def account(self) -> IncomingAccount:
        """The account as entered; raises ValidationError naming the field to fix."""
        return IncomingAccount.from_json(
            {
                **self.server.values(),
                "username": self.username_edit.text().strip(),
                "same_password_as_sending": self.same_password_box.isChecked(),
                "auto_confirm_sent": self.auto_box.isChecked(),
                "ca_file": self.ca_edit.text().strip(),
                "enabled": self.enabled_box.isChecked(),
                "check_minutes": self.interval_box.value(),
            }
        )

    def apply(self) -> bool:
        """Store what is entered; False (with the reason shown) if something is wrong."""
        nothing_entered = not self.host_edit.text().strip() and not self.enabled_box.isChecked()
        if nothing_entered and self.service.get_setting(INCOMING_SETTING) is None:
            return True  # never set up, still not wanted: nothing to store
        try:
            account = self.account()
            typed = self.password_edit.text()
            if typed and not account.same_password_as_sending:
                self.passwords.set_password(account.own_secret_key, typed)
            elif typed:
                raise ValidationError(
                    _(
                        "Untick 'Use the sending account's password' to keep a password of its "
                        "own for incoming mail."
                    ),
                    "password",
                )
            save_incoming(self.service, account)
        except (FollowupError, SecretStoreError) as error:
            self.status_label.setText(str(error))
            return False
        self.password_edit.clear()
        self.status_label.setText(_("Saved."))
        self.saved.emit()
        return True
