"""Which password the mailbox check logs in with, read from the OS secret store.

Shared by the command line and the window: the incoming account either uses the sending
account's entry or its own (see ``core.mailbox.account``).
"""

from __future__ import annotations

from followup_desktop.core.errors import FollowupError
from followup_desktop.core.i18n import _
from followup_desktop.core.mailbox.account import IncomingAccount, sending_account
from followup_desktop.core.services import FollowupService
from followup_desktop.secrets import PasswordStore, SecretStoreError


def password_for(
    service: FollowupService, account: IncomingAccount, store: PasswordStore | None = None
) -> str:
    """The login password; a plain error when none is kept or the store cannot be read."""
    key = account.secret_key(sending_account(service))
    try:
        password = (store or PasswordStore()).get_password(key)
    except SecretStoreError as error:
        raise FollowupError(str(error)) from None
    if not password:
        raise FollowupError(
            _(
                "No password is stored for {key}. Enter it in Settings → Incoming mail, or run "
                "mail-account with --own-password."
            ).format(key=key)
        )
    return password
