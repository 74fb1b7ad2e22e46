"""The window's side of the mailbox check: the incoming-mail settings and the proposals."""

from followup_desktop.gui.mailbox.background import MailboxPoller
from followup_desktop.gui.mailbox.incoming_page import IncomingMailPage
from followup_desktop.gui.mailbox.proposals import (
    MailboxDialog,
    ProposalModel,
    dropped_mail_dialog,
)

__all__ = [
    "IncomingMailPage",
    "MailboxDialog",
    "MailboxPoller",
    "ProposalModel",
    "dropped_mail_dialog",
]
