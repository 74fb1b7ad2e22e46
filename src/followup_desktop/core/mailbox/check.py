"""A mailbox check from start to end: scan, propose, and confirm or dismiss.

:meth:`MailboxChecker.scan` connects (read-only), reads the headers of new messages in
the Sent folder and the inbox since the earliest open opportunity began, reads in full
only those to or from known people, and stores what it found as proposals. Confirming
one logs it as correspondence through :class:`FollowupService`, which re-plans: a sent
note closes that person's thank-you (or the follow-up due), a reply restarts the cadence,
and the outcome the person chose for a reply (a rejection, an offer, a next round on a
day, wait until a day) is written down too. :meth:`MailboxChecker.propose_message` reads
a message saved as a file (dropped or pasted) the same way, into the same list.
Scanning is blocking by nature: the window runs it on a worker thread.
"""

from __future__ import annotations

import hashlib
import logging
import ssl
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TypedDict, TypeVar

from followup_desktop.core.change import Entity, entities
from followup_desktop.core.errors import FollowupError, NotFoundError, ValidationError
from followup_desktop.core.i18n import _, ngettext
from followup_desktop.core.mailbox.account import IncomingAccount
from followup_desktop.core.mailbox.directory import (
    STEP_ROLES,
    Directory,
    OpportunityScope,
    already_logged,
    load_directory,
    open_step_for,
)
from followup_desktop.core.mailbox.imap import DEFAULT_TIMEOUT, ImapReader
from followup_desktop.core.mailbox.outcome import read_reply
from followup_desktop.core.mailbox.parse import (
    Address,
    Headers,
    ParsedMessage,
    first_lines,
    read_headers,
    read_message,
)
from followup_desktop.core.mailbox.state import (
    FolderMark,
    MailboxState,
    StoredProposal,
    load_state,
)
from followup_desktop.core.models import Action, ActionState, Direction
from followup_desktop.core.services import Change, FollowupService, ReplyOutcome
from followup_desktop.core.timeutil import local_zone

Progress = Callable[[str], None]
_Parsed = TypeVar("_Parsed")
log = logging.getLogger(__name__)
INBOX = "INBOX"
# Where messages dropped or pasted wait while no incoming account is set up.
LOCAL_STATE_KEY = "mailbox.state:files"
# The folder name a dropped or pasted message is filed under in its proposal.
FILE_FOLDER = "(file)"
# A next round given only as a day is written down at this hour, to be corrected.
NEXT_ROUND_HOUR = 10
NOT_SET_UP = _("Reading the mailbox is not set up: fill in Settings → Incoming mail first.")
# One check or answer at a time in this process (the window and the tray may both ask):
# the remembered state is read, changed and written back as a whole.
_STATE_LOCK = threading.RLock()


@dataclass
class ScanResult:
    """What one check did, for the status line and the command line."""

    folders: list[str] = field(default_factory=list)
    headers_read: int = 0
    messages_read: int = 0
    new_proposals: list[StoredProposal] = field(default_factory=list)
    auto_confirmed: list[StoredProposal] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One sentence."""
        found = len(self.new_proposals)
        if not self.auto_confirmed:
            return ngettext(
                "{n} new message to review.", "{n} new messages to review.", found
            ).format(n=found)
        new = ngettext("{n} new message to review", "{n} new messages to review", found).format(
            n=found
        )
        logged = len(self.auto_confirmed)
        return _("{new}, {logged}.").format(
            new=new,
            logged=ngettext(
                "{n} sent note logged automatically", "{n} sent notes logged automatically", logged
            ).format(n=logged),
        )


@dataclass(frozen=True)
class _Match:
    kind: str
    scope: OpportunityScope
    contact_id: int | None
    address: str = ""
    # False for a dropped message sent before any interview: it answers no step.
    answers_step: bool = True


def _message_key(headers: Headers, folder: str, uidvalidity: int, uid: int) -> str:
    if headers.message_id:
        return f"id:{headers.message_id}"
    return f"uid:{folder}:{uidvalidity}:{uid}"


def _proposal_id(message_key: str) -> str:
    return hashlib.sha256(message_key.encode()).hexdigest()[:10]


def _readable(
    read: Callable[[bytes], _Parsed], raw: bytes, folder: str, uid: int
) -> _Parsed | None:
    """The parsed message, or None (and a log line) when it cannot be read at all."""
    try:
        return read(raw)
    except Exception as error:
        log.warning("skipped unreadable message %s/%s: %s", folder, uid, type(error).__name__)
        return None


class _Said(TypedDict, total=False):
    outcome: ReplyOutcome
    check_back_on: date
    next_round_at: datetime


def _said(
    proposal: StoredProposal,
    outcome: ReplyOutcome | str | None,
    on: date | datetime | None,
    *,
    with_invitation: bool,
) -> _Said:
    """The outcome arguments of log_correspondence for what the person chose."""
    if outcome is None or outcome == "":
        return {}
    try:
        chosen = ReplyOutcome(outcome)
    except ValueError:
        choices = ", ".join(str(o) for o in ReplyOutcome)
        raise ValidationError(
            _("The outcome is one of {choices}.").format(choices=choices), "outcome"
        ) from None
    if proposal.kind != "reply":
        raise ValidationError(
            _("Only a reply can say what comes next; a message you sent has no outcome."),
            "outcome",
        )
    if chosen is ReplyOutcome.WAIT:
        if on is None:
            raise ValidationError(_("Give the day they asked you to wait until."), "on")
        return {
            "outcome": chosen,
            "check_back_on": on if not isinstance(on, datetime) else on.date(),
        }
    if chosen is ReplyOutcome.NEXT_ROUND:
        if with_invitation and proposal.invitation:
            return {}  # the invitation is the next round, with its own time
        if on is None:
            raise ValidationError(_("Give the day of the next round."), "on")
        if not isinstance(on, datetime):
            on = datetime.combine(on, time(NEXT_ROUND_HOUR), local_zone())
        return {"outcome": chosen, "next_round_at": on}
    return {"outcome": chosen}


def _latest_interview_before(scope: OpportunityScope, moment: datetime) -> datetime | None:
    started = [start for start in scope.interview_starts if start <= moment]
    return max(started) if started else None


class MailboxChecker:
    """Scans one incoming account and turns proposals into logged correspondence."""

    def __init__(
        self,
        service: FollowupService,
        account: IncomingAccount | None,
        *,
        own_addresses: Iterable[str] = (),
        ssl_context: ssl.SSLContext | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.service = service
        # None: no incoming account; only dropped or pasted messages are proposed.
        self.account = account
        own = {a.lower() for a in own_addresses}
        if account is not None:
            own.add(account.username.lower())
        self.own = frozenset(own)
        self.ssl_context = ssl_context
        self.timeout = timeout

    # -- state --------------------------------------------------------------------

    def require_account(self) -> IncomingAccount:
        """The incoming account; a plain error when none is set up."""
        if self.account is None:
            raise FollowupError(NOT_SET_UP)
        return self.account

    @property
    def state_key(self) -> str:
        """The setting this checker's proposals and marks are kept in."""
        return LOCAL_STATE_KEY if self.account is None else self.account.state_key

    def state(self) -> MailboxState:
        """What is remembered about this mailbox."""
        return load_state(self.service.get_setting(self.state_key))

    def _save(self, state: MailboxState) -> Change:
        return self.service.set_setting(self.state_key, state.to_json())

    def proposals(self) -> list[StoredProposal]:
        """Everything waiting for Confirm or Dismiss, newest first."""
        return sorted(self.state().proposals, key=lambda p: p.occurred_at, reverse=True)

    # -- matching -----------------------------------------------------------------

    def _match(self, directory: Directory, folder: str, headers: Headers) -> _Match | None:
        moment = headers.date
        if moment is None:
            return None
        if folder != INBOX:
            return self._match_sent(directory, headers, moment)
        sender = headers.sender
        if sender is None or sender.email in self.own:
            return None
        return self._match_reply(directory, sender, moment)

    @staticmethod
    def _match_reply(
        directory: Directory, sender: Address, moment: datetime, *, any_time: bool = False
    ) -> _Match | None:
        """The opportunity a message from ``sender`` answers: a contact's, else the
        company's by domain; the latest begun by ``moment`` (or, ``any_time``, any)."""
        people = [
            (scope, contact_id)
            for scope, contact_id, _roles in directory.by_address(sender.email)
            if any_time or scope.first_date <= moment
        ]
        if people:
            scope, contact_id = max(people, key=lambda item: item[0].first_date)
            return _Match("reply", scope, contact_id)
        companies = [
            s for s in directory.by_domain(sender.domain) if any_time or s.first_date <= moment
        ]
        if companies:
            return _Match("reply", max(companies, key=lambda s: s.first_date), None)
        return None

    def _match_file(
        self, directory: Directory, headers: Headers, moment: datetime
    ) -> _Match | None:
        """Where a dropped or pasted message belongs: the person chose it, so it may
        predate the search, and a note sent before any interview is logged but answers
        no step."""
        sender = headers.sender
        if sender is not None and sender.email not in self.own:
            reply = self._match_reply(directory, sender, moment, any_time=True)
            if reply is not None:
                return reply
        sent = self._match_sent(directory, headers, moment)
        if sent is not None:
            return sent
        for recipient in headers.recipients:
            people = directory.by_address(recipient.email)
            if people:
                scope, contact_id, _roles = max(people, key=lambda item: item[0].first_date)
                return _Match("sent", scope, contact_id, recipient.email, answers_step=False)
        return None

    def _match_for(
        self, directory: Directory, headers: Headers, moment: datetime, opportunity_id: int
    ) -> _Match:
        """The person said which opportunity the message is for: keep the address match
        when it names that opportunity, else log it there from whoever wrote it."""
        scope = directory.opportunities.get(opportunity_id)
        if scope is None:
            raise FollowupError(
                _(
                    "This opportunity is archived or closed, so Followup does not log mail "
                    "on it. Reopen it first, then add the message again."
                )
            )
        match = self._match_file(directory, headers, moment)
        if match is not None and match.scope.id == opportunity_id:
            return match
        sender = headers.sender
        if sender is not None and sender.email not in self.own:
            contact = self._contact_of(scope, sender.email)
            return _Match("reply", scope, contact)
        recipient = headers.recipients[0] if headers.recipients else None
        address = recipient.email if recipient is not None else ""
        contact = self._contact_of(scope, address)
        return _Match("sent", scope, contact, address, answers_step=False)

    @staticmethod
    def _contact_of(scope: OpportunityScope, address: str) -> int | None:
        return next(
            (cid for cid, (email, _roles) in scope.contacts.items() if email == address), None
        )

    def _match_sent(
        self, directory: Directory, headers: Headers, moment: datetime
    ) -> _Match | None:
        best: tuple[datetime, OpportunityScope, int, str] | None = None
        for recipient in headers.recipients:
            for scope, contact_id, roles in directory.by_address(recipient.email):
                if not roles & STEP_ROLES:
                    continue
                # Only after an interview: before it, a message answers no step.
                interview = _latest_interview_before(scope, moment)
                if interview is None:
                    continue
                if best is None or interview > best[0]:
                    best = (interview, scope, contact_id, recipient.email)
        if best is None:
            return None
        return _Match("sent", best[1], best[2], best[3])

    def _proposal(
        self, match: _Match, folder: str, uid: int, key: str, message: ParsedMessage
    ) -> StoredProposal:
        headers = message.headers
        assert headers.date is not None  # only dated messages match
        action_id = None
        if match.kind == "sent" and match.answers_step:
            with self.service.db.session() as session:
                action_id = open_step_for(
                    session, match.scope.id, match.contact_id, headers.date, match.address
                )
        sender = headers.sender
        outcome, day, phrase = None, None, ""
        if match.kind == "reply":
            # Days are counted from the day it was written, where the person lives.
            reading = read_reply(
                headers.subject, message.text, headers.date.astimezone(local_zone()).date()
            )
            outcome = None if reading.outcome is None else str(reading.outcome)
            mention = reading.day
            if mention is not None:
                day, phrase = mention.day.isoformat(), mention.phrase
        invitation = None
        if match.kind == "reply" and message.invitations:
            invitation = message.invitations[0].decode("utf-8", "replace")
        return StoredProposal(
            id=_proposal_id(key),
            kind=match.kind,
            message_key=key,
            folder=folder,
            uid=uid,
            opportunity_id=match.scope.id,
            opportunity_label=match.scope.label(),
            contact_id=match.contact_id,
            action_id=action_id,
            sender="" if sender is None else sender.email,
            sender_name="" if sender is None else sender.name,
            recipients=[r.email for r in headers.recipients],
            occurred_at=headers.date.isoformat(),
            subject=headers.subject[:1000],
            first_lines=first_lines(message.text),
            body=message.text,
            outcome=outcome,
            invitation=invitation,
            attachments=list(message.attachment_names),
            day=day,
            day_phrase=phrase,
            source="mailbox" if folder != FILE_FOLDER else "file",
        )

    # -- scanning -----------------------------------------------------------------

    def scan(self, password: str, progress: Progress | None = None) -> ScanResult:
        """Read what is new and store proposals; raises MailboxError in plain words."""
        with _STATE_LOCK:
            return self._scan(password, progress)

    def _scan(self, password: str, progress: Progress | None) -> ScanResult:
        account = self.require_account()
        result = ScanResult()
        with self.service.db.session() as session:
            directory = load_directory(session)
        since_moment = directory.since()
        if since_moment is None or directory.empty:
            result.notes.append(
                _(
                    "No open opportunity has a contact with an email address yet, so there "
                    "is nothing to look for in the mailbox."
                )
            )
            return result
        # A day early: SEARCH SINCE compares dates in the server's own time zone.
        since = (since_moment - timedelta(days=1)).date()
        state = self.state()
        fingerprint = directory.fingerprint()
        with ImapReader(
            account, password, timeout=self.timeout, ssl_context=self.ssl_context
        ) as reader:
            sent = reader.sent_folder()
            folders = [INBOX] if sent is None else [sent.name, INBOX]
            if sent is None:
                result.notes.append(
                    _("The server marks no folder as Sent, so only the inbox was read.")
                )
            for folder in folders:
                if progress is not None:
                    progress(_("Reading {folder}…").format(folder=folder))
                self._scan_folder(
                    reader,
                    folder,
                    since=since,
                    fingerprint=fingerprint,
                    directory=directory,
                    state=state,
                    result=result,
                )
                # Saved per folder: a connection lost later keeps what was done so far.
                self._save(state)
        for proposal in list(result.new_proposals):
            if proposal.kind == "sent" and account.auto_confirm_sent:
                self.confirm(proposal.id)
                result.auto_confirmed.append(proposal)
        return result

    def _scan_folder(
        self,
        reader: ImapReader,
        folder: str,
        *,
        since: date,
        fingerprint: str,
        directory: Directory,
        state: MailboxState,
        result: ScanResult,
    ) -> None:
        status = reader.examine(folder)
        result.folders.append(folder)
        mark = state.folders.get(folder)
        after = 0
        if (
            mark is not None
            and mark.uidvalidity == status.uidvalidity
            and mark.directory == fingerprint
            and mark.since <= since.isoformat()
        ):
            after = mark.last_uid
        uids = reader.search_since(since, after) if status.exists else []
        wanted: dict[int, tuple[_Match, str]] = {}
        for uid, raw in reader.fetch_headers(uids):
            result.headers_read += 1
            headers = _readable(read_headers, raw, folder, uid)
            if headers is None:
                continue
            key = _message_key(headers, folder, status.uidvalidity, uid)
            if state.known(key):
                continue
            match = self._match(directory, folder, headers)
            if match is None or headers.date is None:
                continue
            with self.service.db.session() as session:
                if already_logged(session, match.scope.id, headers.subject, headers.date):
                    continue
            wanted[uid] = (match, key)
        for uid, raw in reader.fetch_messages(sorted(wanted)):
            result.messages_read += 1
            match, key = wanted[uid]
            message = _readable(read_message, raw, folder, uid)
            if message is None:
                continue
            proposal = self._proposal(match, folder, uid, key, message)
            state.proposals.append(proposal)
            result.new_proposals.append(proposal)
        last = max([after, *uids])
        state.folders[folder] = FolderMark(status.uidvalidity, last, since.isoformat(), fingerprint)

    # -- a message saved as a file -------------------------------------------------

    def propose_message(self, raw: bytes, opportunity_id: int | None = None) -> StoredProposal:
        """Read a message dropped or pasted (an .eml file's bytes) into the waiting list.

        Read like mail from the server: matched to an open opportunity's people or
        company, its outcome and the day it names suggested. With ``opportunity_id``
        (the message was dropped on that card) it is proposed for that opportunity even
        when no address matches; it still waits for the person's confirmation. A
        message already waiting is returned as it is; one already logged is refused, in
        words. A message once dismissed is proposed again: dropping it is asking.
        """
        with _STATE_LOCK:
            return self._propose_message(raw, opportunity_id)

    def _propose_message(self, raw: bytes, opportunity_id: int | None = None) -> StoredProposal:
        message = _readable(read_message, raw, FILE_FOLDER, 0)
        headers = None if message is None else message.headers
        if (
            message is None
            or headers is None
            or (headers.sender is None and not headers.recipients)
        ):
            raise FollowupError(
                _(
                    "This is not an e-mail Followup can read: it has no From or To line. Save "
                    "the message from your mail program as a file (.eml) and drop that."
                )
            )
        if headers.date is None:
            raise FollowupError(
                _(
                    "The message has no readable Date line, so Followup cannot tell when it "
                    "was written; save it from your mail program as an .eml file."
                )
            )
        with self.service.db.session() as session:
            directory = load_directory(session)
        if opportunity_id is None:
            match = self._match_file(directory, headers, headers.date)
        else:
            match = self._match_for(directory, headers, headers.date, opportunity_id)
        if match is None:
            raise FollowupError(
                _(
                    "This message is not from or to anyone of an open opportunity, nor from a "
                    "company's domain. Add the person as a contact of the opportunity, then "
                    "drop it again."
                )
            )
        key = _message_key(headers, FILE_FOLDER, 0, 0)
        if not headers.message_id:
            key = "file:" + hashlib.sha256(raw).hexdigest()
        state = self.state()
        waiting = next((p for p in state.proposals if p.message_key == key), None)
        if waiting is not None:
            return waiting
        with self.service.db.session() as session:
            logged = already_logged(session, match.scope.id, headers.subject, headers.date)
        if logged or state.handled.get(key) == "confirmed":
            raise FollowupError(
                _("This message is logged already on {opportunity} ({subject}).").format(
                    opportunity=match.scope.label(), subject=headers.subject or _("no subject")
                )
            )
        proposal = self._proposal(match, FILE_FOLDER, 0, key, message)
        state.handled.pop(key, None)
        state.proposals.append(proposal)
        self._save(state)
        return proposal

    # -- answers ------------------------------------------------------------------

    def _take(self, proposal_id: str) -> tuple[MailboxState, StoredProposal]:
        state = self.state()
        proposal = state.find(proposal_id)
        if proposal is None:
            raise NotFoundError(
                _(
                    "No waiting mailbox message has the id {id}; run mail-check to see the list."
                ).format(id=repr(proposal_id))
            )
        return state, proposal

    def confirm(
        self,
        proposal_id: str,
        *,
        import_invitation: bool = False,
        outcome: ReplyOutcome | str | None = None,
        on: date | datetime | None = None,
    ) -> Change:
        """Log the message; for a sent note, mark the step it answers done.

        ``outcome`` is what the person says the reply means (never taken from the
        suggestion unasked): a rejection or an offer moves the opportunity, a next
        round ``on`` a day (or a time) records the next interview, a wait until ``on``
        sets the day to check back. With an invitation imported, the invitation is the
        next round, so a next-round outcome adds no second interview.
        """
        with _STATE_LOCK:
            return self._confirm(
                proposal_id, import_invitation=import_invitation, outcome=outcome, on=on
            )

    def _confirm(
        self,
        proposal_id: str,
        *,
        import_invitation: bool,
        outcome: ReplyOutcome | str | None,
        on: date | datetime | None,
    ) -> Change:
        state, proposal = self._take(proposal_id)
        sent = proposal.kind == "sent"
        said = _said(proposal, outcome, on, with_invitation=import_invitation)
        change = self.service.log_correspondence(
            proposal.opportunity_id,
            Direction.SENT if sent else Direction.RECEIVED,
            datetime.fromisoformat(proposal.occurred_at),
            subject=proposal.subject,
            body=proposal.body,
            contact_id=proposal.contact_id,
            action_id=proposal.action_id if sent else None,
            **said,
        )
        if sent and proposal.action_id is not None:
            with self.service.db.session() as session:
                action = session.get(Action, proposal.action_id)
                still_open = action is not None and action.state in (
                    ActionState.OPEN,
                    ActionState.SNOOZED,
                )
            if still_open:
                change = change | self.service.complete_action(proposal.action_id)
        if import_invitation and proposal.invitation:
            change = change | self._import_invitation(proposal)
        state.proposals.remove(proposal)
        state.handled[proposal.message_key] = "confirmed"
        return change | self._save(state)

    def _import_invitation(self, proposal: StoredProposal) -> Change:
        from followup_desktop.core.ics import read_invitations

        assert proposal.invitation is not None
        invitations = read_invitations(proposal.invitation.encode("utf-8"))
        result = self.service.import_invitations(invitations)
        return Change(frozenset(result.opportunity_ids), entities(Entity.INTERVIEW, Entity.ACTION))

    def dismiss(self, proposal_id: str) -> Change:
        """Set the message aside for good: it is never proposed again."""
        with _STATE_LOCK:
            state, proposal = self._take(proposal_id)
            state.proposals.remove(proposal)
            state.handled[proposal.message_key] = "dismissed"
            return self._save(state)
