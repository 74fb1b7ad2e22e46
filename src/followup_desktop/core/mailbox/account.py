"""The incoming mail account: IMAP server, port, security and whose password to use.

Stored as one JSON setting (``mailbox.account``), beside the sending account. Like that
one it has no password field: the password stays in the OS secret store, either under
the sending account's entry (the common case of one login for both) or under its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from followup_desktop.core import validation
from followup_desktop.core.errors import ValidationError
from followup_desktop.core.i18n import _
from followup_desktop.core.messages.account import (
    EmailAccount,
    Security,
    ServerWords,
    SettingsReader,
    SettingsWriter,
    load_account,
    load_setting,
    save_setting,
    server_fields,
    whole_number,
)

INCOMING_SETTING = "mailbox.account"
IMAP_PORTS = {Security.SSL: 993, Security.STARTTLS: 143}
IMAP_WORDS = ServerWords(
    _("IMAP server"),
    "imap.example.com",
    "imap",
    _("The port is a number from 1 to 65535 (usually 993, or 143 with STARTTLS)."),
)


@dataclass(frozen=True, slots=True)
class IncomingAccount:
    """Where to read mail from and with which login (no password here)."""

    host: str
    port: int
    security: Security
    username: str
    # True: the password filed for the sending account is used for reading too.
    same_password_as_sending: bool = True
    # Confirm "sent" matches without asking; replies are always proposals.
    auto_confirm_sent: bool = False
    # A CA certificate file to trust in addition to the system's (self-hosted servers).
    ca_file: str = ""
    enabled: bool = True
    # How often the tray checks, in minutes; 0 means only when asked.
    check_minutes: int = 30

    @property
    def own_secret_key(self) -> str:
        """The secret-store name of this account's own password."""
        return f"imap:{self.username}@{self.host}"

    def secret_key(self, sending: EmailAccount | None) -> str:
        """Which secret-store entry holds the password to log in with."""
        if self.same_password_as_sending and sending is not None:
            return sending.secret_key
        return self.own_secret_key

    @property
    def state_key(self) -> str:
        """The setting that remembers what was seen in this mailbox."""
        return f"mailbox.state:{self.username}@{self.host}"

    def to_json(self) -> dict[str, Any]:
        """The setting's value."""
        return {
            "host": self.host,
            "port": self.port,
            "security": str(self.security),
            "username": self.username,
            "same_password_as_sending": self.same_password_as_sending,
            "auto_confirm_sent": self.auto_confirm_sent,
            "ca_file": self.ca_file,
            "enabled": self.enabled,
            "check_minutes": self.check_minutes,
        }

    @classmethod
    def from_json(cls, value: Any) -> IncomingAccount:
        """Read and check a stored or entered account; raise ValidationError if unusable."""
        if not isinstance(value, dict):
            raise ValidationError(_("The incoming mail setting is not readable; enter it again."))
        host, security, port = server_fields(value, IMAP_PORTS, Security.SSL, IMAP_WORDS)
        username = validation.required_text(
            str(value.get("username") or ""), "username", _("User name"), 320
        )
        ca_file = validation.optional_text(value.get("ca_file"), "ca_file", _("CA file"), 4096)
        minutes = whole_number(value.get("check_minutes", 30), 0, 1440)
        if minutes is None:
            raise ValidationError(
                _("Check every 0 to 1440 minutes (0: only when you ask)."), "check_minutes"
            )
        return cls(
            host,
            port,
            security,
            username,
            bool(value.get("same_password_as_sending", True)),
            bool(value.get("auto_confirm_sent", False)),
            ca_file,
            bool(value.get("enabled", True)),
            minutes,
        )


def load_incoming(settings: SettingsReader) -> IncomingAccount | None:
    """The configured incoming account, or None when none is set up."""
    return load_setting(settings, INCOMING_SETTING, IncomingAccount.from_json)


def save_incoming(settings: SettingsWriter, account: IncomingAccount) -> None:
    """Store the account (checked again, so nothing malformed is ever stored)."""
    save_setting(settings, INCOMING_SETTING, account, IncomingAccount.from_json)


def sending_account(settings: SettingsReader) -> EmailAccount | None:
    """The sending account, whose password the incoming one may share."""
    return load_account(settings)
