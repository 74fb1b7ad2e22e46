"""The email account used to send: server, security, login name and sender.

Stored as one JSON setting (``email.account``). The password is deliberately not a field
here: it lives only in the OS secret store (see ``followup_desktop.secrets``), so it can
never end up in the database, an export or a log line that prints this object.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from followup_desktop.core import validation
from followup_desktop.core.errors import ValidationError
from followup_desktop.core.i18n import _

ACCOUNT_SETTING = "email.account"


class Security(enum.StrEnum):
    """How the connection is encrypted; both verify the server's certificate."""

    SSL = "ssl"  # TLS from the first byte (usually port 465)
    STARTTLS = "starttls"  # plain connect, then upgrade before anything else (usually 587)


DEFAULT_PORTS = {Security.SSL: 465, Security.STARTTLS: 587}


@dataclass(frozen=True, slots=True)
class ServerWords:
    """How a server's fields are named in messages: sending and reading differ only here."""

    host_label: str  # "Server (host)", "IMAP server"
    example: str  # "smtp.example.com"
    scheme: str  # "smtp", written as "smtp://" in the advice
    port_problem: str  # "The port is a number from 1 to 65535 (often 465 or 587)."


SMTP_WORDS = ServerWords(
    _("Server (host)"),
    "smtp.example.com",
    "smtp",
    _("The port is a number from 1 to 65535 (often 465 or 587)."),
)


def whole_number(value: Any, low: int, high: int) -> int | None:
    """``value`` when it is an int (not a bool) from ``low`` to ``high``, else None."""
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        return None
    return value


def server_fields(
    value: dict[str, Any],
    ports: dict[Security, int],
    default_security: Security,
    words: ServerWords,
) -> tuple[str, Security, int]:
    """Host, security and port of an entered or stored account, checked.

    Shared by the sending and the incoming account so both refuse the same mistakes in
    the same words; raises ValidationError naming the field to fix.
    """
    host = validation.required_text(str(value.get("host") or ""), "host", words.host_label, 253)
    if any(ch.isspace() for ch in host) or "/" in host or ":" in host.strip("[]"):
        raise ValidationError(
            _(
                "Server {host} should be a host name such as {example}, without "
                "'{scheme}://', a port or spaces."
            ).format(host=repr(host), example=words.example, scheme=words.scheme),
            "host",
        )
    try:
        security = Security(value.get("security", default_security))
    except ValueError:
        raise ValidationError(_("Choose SSL or STARTTLS for security."), "security") from None
    port = whole_number(value.get("port", ports[security]), 1, 65535)
    if port is None:
        raise ValidationError(words.port_problem, "port")
    return host, security, port


@dataclass(frozen=True, slots=True)
class EmailAccount:
    """Where and as whom to send mail (no password: that stays in the keyring)."""

    host: str
    port: int
    security: Security
    username: str
    from_address: str
    from_name: str = ""

    @property
    def secret_key(self) -> str:
        """The name the password is filed under in the secret store."""
        return f"{self.username}@{self.host}"

    def to_json(self) -> dict[str, Any]:
        """The setting's value."""
        return {
            "host": self.host,
            "port": self.port,
            "security": str(self.security),
            "username": self.username,
            "from_address": self.from_address,
            "from_name": self.from_name,
        }

    @classmethod
    def from_json(cls, value: Any) -> EmailAccount:
        """Read and check a stored or entered account; raise ValidationError if unusable."""
        if not isinstance(value, dict):
            raise ValidationError(_("The email account setting is not readable; enter it again."))
        host, security, port = server_fields(value, DEFAULT_PORTS, Security.STARTTLS, SMTP_WORDS)
        from_address = validation.required_text(
            str(value.get("from_address") or ""), "from_address", _("From address"), 320
        )
        validation.email(from_address, "from_address", _("From address"))
        username = validation.optional_text(value.get("username"), "username", _("User name"), 320)
        from_name = validation.optional_text(
            value.get("from_name"), "from_name", _("Your name"), 200
        )
        if any(ch in from_name for ch in "\r\n"):
            raise ValidationError(_("Your name must fit on one line."), "from_name")
        return cls(host, port, security, username or from_address, from_address, from_name)


class SettingsReader(Protocol):
    """Reading a setting (FollowupService fits)."""

    def get_setting(self, key: str, default: Any = None) -> Any: ...


class SettingsWriter(SettingsReader, Protocol):
    """Reading and writing settings (FollowupService fits)."""

    def set_setting(self, key: str, value: Any) -> Any: ...


class StoredAccount(Protocol):
    """An account kept as one JSON setting (the sending and the incoming one)."""

    def to_json(self) -> dict[str, Any]: ...


_Account = TypeVar("_Account", bound=StoredAccount)


def load_setting(
    settings: SettingsReader, key: str, read: Callable[[Any], _Account]
) -> _Account | None:
    """The account stored under ``key``, or None when none is set up (or it no longer reads)."""
    value = settings.get_setting(key)
    if value is None:
        return None
    try:
        return read(value)
    except ValidationError:
        return None


def save_setting(
    settings: SettingsWriter, key: str, account: _Account, read: Callable[[Any], _Account]
) -> None:
    """Store the account (checked again, so nothing malformed is ever stored)."""
    settings.set_setting(key, read(account.to_json()).to_json())


def load_account(settings: SettingsReader) -> EmailAccount | None:
    """The configured account, or None when none is set up (or it no longer reads)."""
    return load_setting(settings, ACCOUNT_SETTING, EmailAccount.from_json)


def save_account(settings: SettingsWriter, account: EmailAccount) -> None:
    """Store the account (checked again, so nothing malformed is ever stored)."""
    save_setting(settings, ACCOUNT_SETTING, account, EmailAccount.from_json)
