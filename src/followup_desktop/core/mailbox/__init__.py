"""Reading the person's mailbox, read-only, to notice sent notes and replies.

Followup connects to the IMAP server only when asked (or at the tray's interval), opens
the Sent folder and the inbox with EXAMINE, reads the headers of messages since the
earliest open opportunity began, and the text of those to or from known contacts and
their companies' domains. What it finds becomes a proposal; nothing is logged until the
person confirms (or has chosen to confirm sent-mail matches automatically).
"""
