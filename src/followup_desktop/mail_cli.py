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
from followup_desktop.core.i18n import _

if TYPE_CHECKING:
    from followup_desktop.core.db import Database
    from followup_desktop.core.mailbox.check import MailboxChecker
    from followup_desktop.core.mailbox.state import StoredProposal
    from followup_desktop.core.services import FollowupService

# What a reply's wording suggests, one whole sentence each.
OUTCOME_WORDS = {
    "rejection": _("Its wording may be a rejection."),
    "offer": _("Its wording may be an offer."),
    "next_round": _("Its wording may invite you to a next round."),
    "wait": _("Its wording may ask you to wait."),
}
# What was recorded, as the confirmation says it.
OUTCOME_NAMES = {
    "rejection": _("rejection"),
    "offer": _("offer"),
    "next_round": _("next round"),
    "wait": _("wait"),
}
OUTCOMES = ("rejection", "offer", "next_round", "wait")


def add_commands(commands: Any) -> None:
    """Add the mailbox subcommands to the main parser's subparsers."""
    setup = commands.add_parser(
        "mail-account", help=_("set up reading the mailbox (IMAP, read-only)")
    )
    setup.add_argument("--host", required=True, help=_("IMAP server, such as imap.example.com"))
    setup.add_argument("--port", type=int, help=_("port (default 993, or 143 with STARTTLS)"))
    setup.add_argument("--security", choices=("ssl", "starttls"), default="ssl")
    setup.add_argument("--user", required=True, help=_("login name"))
    setup.add_argument(
        "--own-password",
        action="store_true",
        help=_("ask for a password for this account (default: the sending account's)"),
    )
    setup.add_argument("--ca-file", default="", help=_("a CA certificate to trust as well"))
    setup.add_argument(
        "--auto-confirm-sent",
        action="store_true",
        help=_("log sent notes found in the Sent folder without asking"),
    )

    check = commands.add_parser(
        "mail-check", help=_("read new mail (read-only) and list what it may mean")
    )
    check.add_argument("--json", action="store_true", help=_("print JSON instead of text"))
    check.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS")

    confirm = commands.add_parser("mail-confirm", help=_("log a message found by mail-check"))
    confirm.add_argument("id", help=_("the id mail-check printed"))
    confirm.add_argument(
        "--import-invitation",
        action="store_true",
        help=_("also add the invitation attached to the message"),
    )
    confirm.add_argument(
        "--outcome",
        choices=OUTCOMES,
        help=_("also record what the reply said (next_round and wait need --on)"),
    )
    confirm.add_argument(
        "--on",
        metavar="DATE",
        help=_("the day of the next round (YYYY-MM-DD, or YYYY-MM-DDTHH:MM) or to wait until"),
    )
    confirm.add_argument(
        "--as-suggested",
        action="store_true",
        help=_("record the outcome and day mail-check suggested"),
    )

    dismiss = commands.add_parser("mail-dismiss", help=_("set a found message aside for good"))
    dismiss.add_argument("id", help=_("the id mail-check printed"))


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
    print(_("Set aside {id}; it will not be proposed again.").format(id=args.id))
    return 0


def _day(text: str | None) -> date | datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            _("--on {text} is not a date; write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM.").format(
                text=repr(text)
            ),
            "on",
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
    logged = (
        _("Logged the sent note “{subject}” on {opportunity}.")
        if proposal.kind == "sent"
        else _("Logged the reply “{subject}” on {opportunity}.")
    )
    print(logged.format(subject=proposal.subject, opportunity=proposal.opportunity_label))
    if outcome:
        name = OUTCOME_NAMES.get(outcome)
        said = name or outcome.replace("_", " ")
        if on is None:
            print(_("Recorded what it said: {outcome}.").format(outcome=said))
        else:
            print(
                _("Recorded what it said: {outcome} ({day}).").format(outcome=said, day=_when(on))
            )
    return 0


def _when(on: date | datetime) -> str:
    """A day or a moment as the person reads it."""
    from followup_desktop.core.localformat import day_and_clock, long_date

    if isinstance(on, datetime):
        return day_and_clock(on.astimezone(), year=True)
    return long_date(on)


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
        password = getpass.getpass(
            _("Password for {user} at {host}: ").format(user=account.username, host=account.host)
        )
        try:
            PasswordStore().set_password(account.own_secret_key, password)
        except SecretStoreError as error:
            raise FollowupError(
                _("{problem} The account was not saved.").format(problem=error)
            ) from None
    save_incoming(service, account)
    print(
        _("Followup will read {user} at {server}, read-only.").format(
            user=account.username, server=f"{account.host}:{account.port}"
        )
    )
    return 0


def _checker(service: FollowupService, *, timeout: float) -> MailboxChecker:
    from followup_desktop.core.mailbox.account import load_incoming, sending_account
    from followup_desktop.core.mailbox.check import MailboxChecker

    account = load_incoming(service)
    if account is None:
        raise ValidationError(
            _(
                "No incoming mail account is set up. Run mail-account --host … --user …, "
                "or fill in incoming mail in Settings → Email account."
            ),
            "account",
        )
    if not 0 < timeout <= 600:
        raise ValidationError(_("--timeout is a number of seconds from 1 to 600."), "timeout")
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
    if result.folders:
        print(
            _("Read {folders}: {summary}").format(
                folders=", ".join(result.folders), summary=result.summary()
            )
        )
    else:
        print(_("Read nothing: {summary}").format(summary=result.summary()))
    for proposal in waiting:
        print()
        print(_describe(proposal))
    if waiting:
        print(
            "\n"
            + _("Log one with: {confirm}   Set one aside: {dismiss}").format(
                confirm="followup-desktop mail-confirm ID", dismiss="mail-dismiss ID"
            )
        )
    return 0


def _describe(proposal: StoredProposal) -> str:
    who = proposal.sender_name or proposal.sender
    if proposal.kind == "sent":
        head = _("Sent to {recipients}").format(recipients=", ".join(proposal.recipients))
    else:
        head = _("Reply from {name} <{address}>").format(name=who, address=proposal.sender)
    lines = [
        f"[{proposal.id}] {head}",
        f"    {_occurred(proposal.occurred_at)} · {proposal.opportunity_label}",
        f"    {proposal.subject}",
    ]
    lines.extend(f"    │ {line}" for line in proposal.first_lines.splitlines())
    if proposal.outcome:
        wording = OUTCOME_WORDS.get(proposal.outcome)
        lines.append("    " + (wording or proposal.outcome))
    if proposal.day_phrase:
        day = _occurred_day(proposal.day)
        lines.append(
            "    "
            + _("It names a day: “{phrase}” ({day}).").format(phrase=proposal.day_phrase, day=day)
        )
    if proposal.outcome:
        lines.append(
            "    " + _("Record that with --as-suggested, or choose with --outcome and --on.")
        )
    if proposal.action_id is not None:
        lines.append("    " + _("Confirming marks step {id} done.").format(id=proposal.action_id))
    if proposal.invitation is not None:
        lines.append(
            "    " + _("It carries an invitation: confirm with --import-invitation to add it.")
        )
    return "\n".join(lines)


def _occurred(text: str) -> str:
    """A stored ISO moment in the person's own zone and way of writing; as stored if odd."""
    from followup_desktop.core.localformat import day_and_clock

    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is None:
        return day_and_clock(moment, year=True) + " UTC"
    return day_and_clock(moment.astimezone(), year=True)


def _occurred_day(text: str | None) -> str:
    from followup_desktop.core.localformat import long_date

    if not text:
        return ""
    try:
        return long_date(date.fromisoformat(text[:10]))
    except ValueError:
        return text
