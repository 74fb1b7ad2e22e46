"""The mailbox commands of ``followup-desktop``: set up, check, confirm, dismiss.

``mail-check`` reads the mailbox (read-only) and lists what it found; nothing is logged
until ``mail-confirm ID``, and ``mail-dismiss ID`` sets a message aside for good.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from followup_desktop.core.errors import ValidationError

if TYPE_CHECKING:
    from followup_desktop.core.db import Database
    from followup_desktop.core.mailbox.check import MailboxChecker
    from followup_desktop.core.mailbox.state import StoredProposal
    from followup_desktop.core.services import FollowupService

OUTCOME_WORDS = {
    "rejection": "may be a rejection",
    "offer": "may be an offer",
    "next_round": "may invite you to a next round",
    "wait": "may ask you to wait",
}
OUTCOMES = ("rejection", "offer", "next_round", "wait")


def add_commands(commands: Any) -> None:
    """Add the mailbox subcommands to the main parser's subparsers."""
    setup = commands.add_parser("mail-account", help="set up reading the mailbox (IMAP, read-only)")
    setup.add_argument("--host", required=True, help="IMAP server, such as imap.example.com")
    setup.add_argument("--port", type=int, help="port (default 993, or 143 with STARTTLS)")
    setup.add_argument("--security", choices=("ssl", "starttls"), default="ssl")
    setup.add_argument("--user", required=True, help="login name")
    setup.add_argument(
        "--own-password",
        action="store_true",
        help="ask for a password for this account (default: the sending account's)",
    )
    setup.add_argument("--ca-file", default="", help="a CA certificate to trust as well")
    setup.add_argument(
        "--auto-confirm-sent",
        action="store_true",
        help="log sent notes found in the Sent folder without asking",
    )

    check = commands.add_parser(
        "mail-check", help="read new mail (read-only) and list what it may mean"
    )
    check.add_argument("--json", action="store_true", help="print JSON instead of text")
    check.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS")

    confirm = commands.add_parser("mail-confirm", help="log a message found by mail-check")
    confirm.add_argument("id", help="the id mail-check printed")
    confirm.add_argument(
        "--import-invitation",
        action="store_true",
        help="also add the invitation attached to the message",
    )
    confirm.add_argument(
        "--outcome",
        choices=OUTCOMES,
        help="also record what the reply said (next_round and wait need --on)",
    )
    confirm.add_argument(
        "--on",
        metavar="DATE",
        help="the day of the next round (YYYY-MM-DD, or YYYY-MM-DDTHH:MM) or to wait until",
    )
    confirm.add_argument(
        "--as-suggested",
        action="store_true",
        help="record the outcome and day mail-check suggested",
    )

    dismiss = commands.add_parser("mail-dismiss", help="set a found message aside for good")
    dismiss.add_argument("id", help="the id mail-check printed")


HANDLERS = ("mail-account", "mail-check", "mail-confirm", "mail-dismiss")


def run(db: Database, args: argparse.Namespace) -> int:
    """Run one mailbox subcommand."""
    from followup_desktop.core.services import FollowupService

    service = FollowupService(db)
    if args.command == "mail-account":
        return _setup(service, args)
    checker = _checker(service, timeout=getattr(args, "timeout", 30.0))
    if args.command == "mail-check":
        return _check(checker, as_json=args.json)
    if args.command == "mail-confirm":
        return _confirm(checker, args)
    checker.dismiss(args.id)
    print(f"Set aside {args.id}; it will not be proposed again.")
    return 0


def _day(text: str | None) -> date | datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            f"--on {text!r} is not a date; write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM.", "on"
        ) from None
    if "T" not in text and " " not in text:
        return moment.date()
    return moment if moment.tzinfo is not None else moment.astimezone()


def _confirm(checker: MailboxChecker, args: argparse.Namespace) -> int:
    proposal = checker.state().find(args.id)
    outcome, on = args.outcome, _day(args.on)
    if args.as_suggested and proposal is not None and outcome is None:
        outcome = proposal.outcome
        if on is None and proposal.day:
            on = date.fromisoformat(proposal.day)
    checker.confirm(args.id, import_invitation=args.import_invitation, outcome=outcome, on=on)
    assert proposal is not None  # confirm raised otherwise
    what = "sent note" if proposal.kind == "sent" else "reply"
    print(f"Logged the {what} {proposal.subject!r} on {proposal.opportunity_label}.")
    if outcome:
        when = f" ({on.isoformat()})" if on is not None else ""
        print(f"Recorded what it said: {outcome.replace('_', ' ')}{when}.")
    return 0


def _setup(service: FollowupService, args: argparse.Namespace) -> int:
    from followup_desktop.core.errors import FollowupError
    from followup_desktop.core.mailbox.account import IncomingAccount, save_incoming
    from followup_desktop.secrets import PasswordStore, SecretStoreError

    value: dict[str, Any] = {
        "host": args.host,
        "security": args.security,
        "username": args.user,
        "same_password_as_sending": not args.own_password,
        "auto_confirm_sent": args.auto_confirm_sent,
        "ca_file": args.ca_file,
    }
    if args.port is not None:
        value["port"] = args.port
    account = IncomingAccount.from_json(value)
    if args.own_password:
        password = getpass.getpass(f"Password for {account.username} at {account.host}: ")
        try:
            PasswordStore().set_password(account.own_secret_key, password)
        except SecretStoreError as error:
            raise FollowupError(f"{error} The account was not saved.") from None
    save_incoming(service, account)
    print(f"Followup will read {account.username} at {account.host}:{account.port}, read-only.")
    return 0


def _checker(service: FollowupService, *, timeout: float) -> MailboxChecker:
    from followup_desktop.core.mailbox.account import load_incoming, sending_account
    from followup_desktop.core.mailbox.check import MailboxChecker

    account = load_incoming(service)
    if account is None:
        raise ValidationError(
            "No incoming mail account is set up. Run mail-account --host … --user …, "
            "or fill in incoming mail in Settings → Email account.",
            "account",
        )
    if not 0 < timeout <= 600:
        raise ValidationError("--timeout is a number of seconds from 1 to 600.", "timeout")
    sending = sending_account(service)
    own = [] if sending is None else [sending.from_address]
    return MailboxChecker(service, account, own_addresses=own, timeout=timeout)


def proposal_json(proposal: StoredProposal) -> dict[str, Any]:
    """What the command line prints for one proposal (no message body)."""
    return {
        "id": proposal.id,
        "kind": proposal.kind,
        "opportunity_id": proposal.opportunity_id,
        "opportunity": proposal.opportunity_label,
        "sender": proposal.sender,
        "sender_name": proposal.sender_name,
        "recipients": proposal.recipients,
        "date": proposal.occurred_at,
        "subject": proposal.subject,
        "first_lines": proposal.first_lines,
        "suggested_outcome": proposal.outcome,
        "suggested_day": proposal.day,
        "day_phrase": proposal.day_phrase,
        "closes_action_id": proposal.action_id,
        "has_invitation": proposal.invitation is not None,
        "attachments": proposal.attachments,
    }


def _check(checker: MailboxChecker, *, as_json: bool) -> int:
    from followup_desktop.mailbox_login import password_for

    result = checker.scan(password_for(checker.service, checker.require_account()))
    waiting = checker.proposals()
    if as_json:
        json.dump(
            {
                "folders": result.folders,
                "headers_read": result.headers_read,
                "messages_read": result.messages_read,
                "new": [p.id for p in result.new_proposals],
                "auto_confirmed": [p.id for p in result.auto_confirmed],
                "notes": result.notes,
                "proposals": [proposal_json(p) for p in waiting],
            },
            sys.stdout,
            ensure_ascii=False,
            indent=2,
        )
        print()
        return 0
    for note in result.notes:
        print(note)
    print(f"Read {', '.join(result.folders) or 'nothing'}: {result.summary()}")
    for proposal in waiting:
        print()
        print(_describe(proposal))
    if waiting:
        print("\nLog one with: followup-desktop mail-confirm ID   Set one aside: mail-dismiss ID")
    return 0


def _describe(proposal: StoredProposal) -> str:
    who = proposal.sender_name or proposal.sender
    if proposal.kind == "sent":
        head = f"[{proposal.id}] Sent to {', '.join(proposal.recipients)}"
    else:
        head = f"[{proposal.id}] Reply from {who} <{proposal.sender}>"
    lines = [
        head,
        f"    {proposal.occurred_at[:16].replace('T', ' ')} UTC · {proposal.opportunity_label}",
        f"    {proposal.subject}",
    ]
    lines.extend(f"    │ {line}" for line in proposal.first_lines.splitlines())
    if proposal.outcome:
        lines.append(f"    Its wording {OUTCOME_WORDS.get(proposal.outcome, proposal.outcome)}.")
    if proposal.day_phrase:
        lines.append(f"    It names a day: {proposal.day_phrase!r} ({proposal.day}).")
    if proposal.outcome:
        lines.append("    Record that with --as-suggested, or choose with --outcome and --on.")
    if proposal.action_id is not None:
        lines.append(f"    Confirming marks step {proposal.action_id} done.")
    if proposal.invitation is not None:
        lines.append("    It carries an invitation: confirm with --import-invitation to add it.")
    return "\n".join(lines)
