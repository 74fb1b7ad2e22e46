"""What a mailbox check remembers between runs, kept as one versioned setting.

Per account (``mailbox.state:<user>@<host>``): for each folder its UIDVALIDITY and the
highest UID already looked at, so a later check reads only newer messages; the proposals
waiting for an answer; and the messages already confirmed or dismissed, so neither is
ever proposed again. The format belongs to this module: :func:`load_state` reads every
version it knows and refuses nothing silently — an unreadable value starts afresh but
keeps its handled messages when it can.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

STATE_VERSION = 1


@dataclass
class FolderMark:
    """How far a folder has been read."""

    uidvalidity: int
    last_uid: int
    since: str  # ISO date the search started from
    directory: str  # fingerprint of the addresses listened for


@dataclass
class StoredProposal:
    """A message found in the mailbox, waiting for Confirm or Dismiss."""

    id: str
    kind: str  # "sent" or "reply"
    message_key: str
    folder: str
    uid: int
    opportunity_id: int
    opportunity_label: str
    contact_id: int | None
    action_id: int | None
    sender: str
    sender_name: str
    recipients: list[str]
    occurred_at: str  # ISO time, UTC
    subject: str
    first_lines: str
    body: str
    outcome: str | None = None
    invitation: str | None = None  # the attached calendar text, if any
    attachments: list[str] = field(default_factory=list)
    # The day the reply's words name ("by Friday"), as an ISO date, and those words.
    day: str | None = None
    day_phrase: str = ""
    # Where it came from: "mailbox", or "file" for a message dropped or pasted.
    source: str = "mailbox"


@dataclass
class MailboxState:
    """Everything remembered about one mailbox."""

    folders: dict[str, FolderMark] = field(default_factory=dict)
    proposals: list[StoredProposal] = field(default_factory=list)
    handled: dict[str, str] = field(default_factory=dict)  # message key -> outcome

    def to_json(self) -> dict[str, Any]:
        """The setting's value."""
        return {
            "version": STATE_VERSION,
            "folders": {name: asdict(mark) for name, mark in self.folders.items()},
            "proposals": [asdict(proposal) for proposal in self.proposals],
            "handled": dict(self.handled),
        }

    def known(self, message_key: str) -> bool:
        """True when the message is handled or already waiting as a proposal."""
        return message_key in self.handled or any(
            p.message_key == message_key for p in self.proposals
        )

    def find(self, proposal_id: str) -> StoredProposal | None:
        """A waiting proposal by its id (a unique prefix is enough)."""
        matches = [p for p in self.proposals if p.id.startswith(proposal_id.lower())]
        return matches[0] if len(matches) == 1 else None


def load_state(value: Any) -> MailboxState:
    """Read the stored value; anything unreadable starts from nothing."""
    state = MailboxState()
    if not isinstance(value, dict) or value.get("version") != STATE_VERSION:
        return state
    handled = value.get("handled")
    if isinstance(handled, dict):
        state.handled = {str(k): str(v) for k, v in handled.items()}
    try:
        state.folders = {
            str(name): FolderMark(**mark) for name, mark in dict(value.get("folders", {})).items()
        }
        state.proposals = [StoredProposal(**p) for p in list(value.get("proposals", []))]
    except (TypeError, ValueError):
        # A damaged part is read again from the server; handled messages stay handled.
        state.folders, state.proposals = {}, []
    return state
