"""The email password in the OS secret store, through ``keyring``, and nowhere else.

An adapter with an explicit availability check. keyring picks a backend by itself, and
some of its choices cannot keep a secret: ``fail`` (no store at all), ``null`` (forgets
everything) and every ``keyrings.alt`` backend (plain or weakly protected files). Those
count as "cannot store" here, and so does a chain of backends with nothing better in it.
A chain that holds a real store is not used as a chain: keyring's chainer falls through
to the next backend when one fails, which could land a password in a file. We talk to
the real store directly instead.

When nothing can store, nothing is written: the caller explains that and may keep the
password in this process's memory for the session, if the person agrees.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from followup_desktop.core.i18n import _

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

# keyring is imported where a password is first asked for, not with this module: finding
# its backends takes a noticeable part of start-up, and most sessions send no mail.

log = logging.getLogger(__name__)

SERVICE_NAME = "io.github.followup_desktop.Followup/smtp"

# What went wrong, for each thing the store was asked to do: whole sentences, so that each
# language can say them its own way. (locked, no store at all, another failure {error}).
_FAILURES = {
    "save": (
        _(
            "The password store is locked, so Followup could not save the password. Unlock "
            "it (for example by logging in to your desktop session), then try again."
        ),
        _("No password store is available to save the password."),
        _(
            "The password store could not save the password ({error}). Check that your "
            "desktop's keyring service is running."
        ),
    ),
    "read": (
        _(
            "The password store is locked, so Followup could not read the password. Unlock "
            "it (for example by logging in to your desktop session), then try again."
        ),
        _("No password store is available to read the password."),
        _(
            "The password store could not read the password ({error}). Check that your "
            "desktop's keyring service is running."
        ),
    ),
    "delete": (
        _(
            "The password store is locked, so Followup could not delete the password. "
            "Unlock it (for example by logging in to your desktop session), then try again."
        ),
        _("No password store is available to delete the password."),
        _(
            "The password store could not delete the password ({error}). Check that your "
            "desktop's keyring service is running."
        ),
    ),
}

_UNSAFE_MODULES = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")


class SecretStoreError(Exception):
    """The secret store could not do what was asked; the message says what to do."""


@dataclass(frozen=True, slots=True)
class StoreStatus:
    """Whether passwords can be kept safely, which store does it, or why not."""

    available: bool
    backend_name: str
    reason: str = ""


def _is_unsafe(backend: KeyringBackend) -> bool:
    module = type(backend).__module__
    return any(module == name or module.startswith(f"{name}.") for name in _UNSAFE_MODULES)


def _label(backend: KeyringBackend) -> str:
    name = getattr(type(backend), "name", "") or type(backend).__name__
    return str(name)


def _candidates(backend: KeyringBackend) -> list[KeyringBackend]:
    # Duck-typed: keyring.backends.chainer.ChainerBackend exposes its members as .backends.
    from keyring.backend import KeyringBackend

    members = getattr(backend, "backends", None)
    if isinstance(members, list | tuple):
        return [m for m in members if isinstance(m, KeyringBackend)]
    return [backend]


def pick_backend(
    backend: KeyringBackend | None = None,
) -> tuple[KeyringBackend | None, StoreStatus]:
    """The backend that will hold the password, or None with the reason why none can."""
    import keyring

    chosen_from = backend if backend is not None else keyring.get_keyring()
    usable = [b for b in _candidates(chosen_from) if not _is_unsafe(b)]
    if usable:
        best = usable[0]
        return best, StoreStatus(True, _label(best))
    names = ", ".join(_label(b) for b in _candidates(chosen_from)) or _label(chosen_from)
    return None, StoreStatus(
        False,
        names,
        _(
            "This system has no secure password store that Followup can use "
            "(keyring found only: {names}). On Linux, install and start a Secret Service "
            "such as GNOME Keyring or KWallet, then restart Followup."
        ).format(names=names),
    )


class PasswordStore:
    """Keep, read and forget the SMTP password; in the OS store or, if agreed, in memory.

    Session-only passwords live in this object and die with the process. Create one per
    application and hand it to the parts that need it.
    """

    def __init__(
        self, service_name: str = SERVICE_NAME, backend: KeyringBackend | None = None
    ) -> None:
        self.service_name = service_name
        self._backend = backend
        self._session: dict[str, str] = {}

    def __repr__(self) -> str:  # the session passwords never show, even in a traceback
        return f"PasswordStore({self.service_name!r}, {len(self._session)} in memory)"

    def status(self) -> StoreStatus:
        """Whether the OS store can be used right now."""
        return pick_backend(self._backend)[1]

    def _store(self) -> KeyringBackend:
        backend, status = pick_backend(self._backend)
        if backend is None:
            raise SecretStoreError(status.reason)
        return backend

    def _explain(self, error: Exception, doing: str) -> SecretStoreError:
        import keyring.errors

        locked, missing, failed = _FAILURES[doing]
        if isinstance(error, keyring.errors.KeyringLocked):
            text = locked
        elif isinstance(error, keyring.errors.NoKeyringError):
            text = self.status().reason or missing
        else:
            text = failed.format(error=type(error).__name__)
        # Log the kind of failure only: keyring messages can echo what was passed in.
        log.warning("secret store failed to %s: %s", doing, type(error).__name__)
        return SecretStoreError(text)

    def set_password(self, account_key: str, password: str) -> None:
        """Keep the password in the OS store; raise SecretStoreError if it cannot."""
        import keyring.errors

        backend = self._store()
        try:
            backend.set_password(self.service_name, account_key, password)
        except keyring.errors.KeyringError as error:
            raise self._explain(error, "save") from None
        self._session.pop(account_key, None)

    def get_password(self, account_key: str) -> str | None:
        """The password from memory (this session) or the OS store; None if not kept."""
        if account_key in self._session:
            return self._session[account_key]
        import keyring.errors

        backend, _status = pick_backend(self._backend)
        if backend is None:
            return None
        try:
            return backend.get_password(self.service_name, account_key)
        except keyring.errors.KeyringError as error:
            raise self._explain(error, "read") from None

    def delete_password(self, account_key: str) -> None:
        """Forget the password everywhere Followup put it."""
        import keyring.errors

        self._session.pop(account_key, None)
        backend, _status = pick_backend(self._backend)
        if backend is None:
            return
        try:
            backend.delete_password(self.service_name, account_key)
        except keyring.errors.PasswordDeleteError:
            pass  # nothing was stored: already forgotten
        except keyring.errors.KeyringError as error:
            raise self._explain(error, "delete") from None

    def keep_for_session(self, account_key: str, password: str) -> None:
        """Hold the password in memory only, until Followup quits (person agreed)."""
        self._session[account_key] = password

    def has_session_password(self, account_key: str) -> bool:
        """True when a password for this account is held in memory."""
        return account_key in self._session
