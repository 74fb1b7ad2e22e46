"""Messages: templates, drafts from the debrief, mailto links, and sending by SMTP.

Qt-free. The composer window in ``followup_desktop.gui.composer`` is one face on this;
the rest of the app could draft and send from the command line just the same.
"""

from __future__ import annotations

from followup_desktop.core.messages.account import (
    ACCOUNT_SETTING,
    EmailAccount,
    Security,
    load_account,
    save_account,
)
from followup_desktop.core.messages.context import (
    Draft,
    Highlight,
    NoAddress,
    Recipient,
    draft_for_action,
    held_in_person,
)
from followup_desktop.core.messages.email_message import (
    build_message,
    email_from_account,
    parse_recipients,
)
from followup_desktop.core.messages.mailto import mailto_url
from followup_desktop.core.messages.paragraphs import carry_over
from followup_desktop.core.messages.smtp import SendError, SendErrorKind, SmtpSender
from followup_desktop.core.messages.templates import (
    FIELDS,
    TEMPLATE_OPTIONS,
    TEMPLATES,
    RenderedMessage,
    TemplateError,
    TemplateOption,
    TemplateStore,
    render_source,
)

__all__ = [
    "ACCOUNT_SETTING",
    "FIELDS",
    "TEMPLATES",
    "TEMPLATE_OPTIONS",
    "Draft",
    "EmailAccount",
    "Highlight",
    "NoAddress",
    "Recipient",
    "RenderedMessage",
    "Security",
    "SendError",
    "SendErrorKind",
    "SmtpSender",
    "TemplateError",
    "TemplateOption",
    "TemplateStore",
    "build_message",
    "carry_over",
    "draft_for_action",
    "email_from_account",
    "held_in_person",
    "load_account",
    "mailto_url",
    "parse_recipients",
    "render_source",
    "save_account",
]
