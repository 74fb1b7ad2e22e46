"""The ``followup-desktop`` command: the window by default, and tools for the terminal.

Every subcommand works on the same database as the window (``--db``, ``$FOLLOWUP_DB`` or
the data directory) through the Qt-free core; only the default command loads Qt.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from followup_desktop import __version__
from followup_desktop.core.errors import DatabaseDamagedError, FollowupError

if TYPE_CHECKING:
    from followup_desktop.core.db import Database

log = logging.getLogger(__name__)
PROG = "followup-desktop"
# An invitation holds one event or a few: above this many, import-ics asks first (the
# core refuses files of more than 200, ics.MAX_EVENTS). Kept equal to ics.CONFIRM_EVENTS,
# which a test checks, without importing the calendar code for every command.
CONFIRM_EVENTS = 5
MAX_AGENDA_DAYS = 3660  # ten years: further than any plan reaches
AGENDA_YEARS = (1970, 2200)  # a pretended "now" the planner can count days from


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Followup: debriefs, thank-you notes and well-timed follow-ups "
        "after job interviews. Without a command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument(
        "--db", metavar="PATH", help="database file (default: $FOLLOWUP_DB or the data folder)"
    )
    parser.add_argument("--verbose", action="store_true", help="log debugging detail")
    parser.add_argument(
        "--self-test", action="store_true", help="check that this installation works, then exit"
    )
    # Used by benchmarks and smoke tests: quit as soon as the window has been shown.
    parser.add_argument("--quit-after-show", action="store_true", help=argparse.SUPPRESS)
    # Used by the autostart entry: start in the tray without showing the window.
    parser.add_argument("--minimized", action="store_true", help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    export = commands.add_parser("export", help="write the whole database as JSON")
    export.add_argument("file", type=Path)

    import_ = commands.add_parser("import", help="read a JSON export (all or nothing)")
    import_.add_argument("file", type=Path)
    import_.add_argument(
        "--replace",
        action="store_true",
        help="replace everything in the database (a backup is taken first)",
    )

    export_ics = commands.add_parser(
        "export-ics", help="write interviews, follow-ups and decision dates as an .ics file"
    )
    export_ics.add_argument("file", type=Path)
    export_ics.add_argument(
        "--opportunity", type=int, metavar="ID", help="only this opportunity (default: all)"
    )
    export_ics.add_argument(
        "--actions-as",
        choices=("events", "todos"),
        default="events",
        help="write follow-ups as events (default) or as to-dos",
    )

    import_ics = commands.add_parser(
        "import-ics", help="add or update interviews from a calendar invitation (.ics)"
    )
    import_ics.add_argument("file", type=Path)
    import_ics.add_argument(
        "--dry-run",
        action="store_true",
        help="only show what the import would do; change nothing",
    )
    import_ics.add_argument(
        "--yes",
        action="store_true",
        help=f"import a file of more than {CONFIRM_EVENTS} events without asking",
    )

    demo = commands.add_parser("demo", help="fill a new database with invented example data")
    demo.add_argument("--opportunities", type=int, default=60, metavar="N")
    demo.add_argument("--seed", type=int, default=0)

    agenda = commands.add_parser("agenda", help="list open actions: overdue, today, upcoming")
    agenda.add_argument("--now", metavar="ISO-8601", help="pretend it is this time")
    agenda.add_argument("--days", type=int, metavar="N", help="only what is due within N days")
    agenda.add_argument("--json", action="store_true", help="print JSON instead of text")

    backup = commands.add_parser("backup", help="write a consistent copy of the database")
    backup.add_argument("file", type=Path, nargs="?", help="where (default: the backups folder)")

    restore = commands.add_parser(
        "restore-backup", help="replace a damaged database with a backup (the newest by default)"
    )
    restore.add_argument("file", type=Path, nargs="?", help="the backup to restore")

    entry = commands.add_parser(
        "install-desktop-entry", help="add Followup to this user's application menu"
    )
    entry.add_argument("--uninstall", action="store_true", help="remove it again")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    files = _gui_files(argv)
    args = _parser().parse_args([text for text in argv if text not in files])
    args.files = [str(Path(text).expanduser().absolute()) for text in files]
    from followup_desktop.logs import install_excepthook, setup_logging

    log_path = setup_logging(verbose=args.verbose)
    install_excepthook()
    try:
        return _dispatch(args)
    except DatabaseDamagedError as error:
        _error(str(error))
        if error.backup is not None:
            print(
                f"The newest automatic backup is {error.backup}.\n"
                f"Restore it with: {PROG} --db '{error.path}' restore-backup",
                file=sys.stderr,
            )
        return 3
    except FollowupError as error:
        _error(str(error))
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (``agenda | head``): stop quietly, as other tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception:
        # A bug, not bad input: the traceback goes to the log file, the person gets a
        # sentence that says where it is.
        log.exception("unexpected error in %s %s", PROG, args.command or "")
        where = f" The details are in {log_path}." if log_path is not None else ""
        _error(
            f"something went wrong that Followup did not expect.{where} Nothing was changed "
            "unless the command said so; please report the problem with that file."
        )
        return 1


def _gui_files(argv: Sequence[str]) -> list[str]:
    """Calendar files to open in the window (``followup-desktop invite.ics``).

    argparse cannot mix an optional positional with subcommands, so the arguments are
    scanned first: .ics names before any subcommand are files for the window; a
    subcommand's own arguments (``import-ics FILE``) are left to it.
    """
    files = []
    skip_value = False
    for text in argv:
        if skip_value:
            skip_value = False
            continue
        if text == "--db":
            skip_value = True
            continue
        if text.startswith("-"):
            continue
        if not text.lower().endswith(".ics"):
            break  # a subcommand: what follows is its own
        files.append(text)
    return files


def _error(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr)


def _dispatch(args: argparse.Namespace) -> int:
    from followup_desktop.core.paths import default_db_path

    db_path = default_db_path(args.db)
    if args.self_test:
        from followup_desktop.selftest import run_self_test

        return run_self_test()
    if args.command is None:
        from followup_desktop.gui.app import run_gui

        return run_gui(
            db_path,
            quit_after_show=args.quit_after_show,
            minimized=args.minimized,
            arguments=args.files,
        )
    if args.command == "install-desktop-entry":
        from followup_desktop import desktop_integration

        if args.uninstall:
            removed = desktop_integration.uninstall_desktop_entry()
            print(f"Removed {len(removed)} files from the application menu and icon theme.")
        else:
            written = desktop_integration.install_desktop_entry()
            print("Followup is now in your application menu:")
            for path in written:
                print(f"  {path}")
        return 0
    if args.command == "restore-backup":
        return _restore(db_path, args.file)

    from followup_desktop.core.db import open_database

    db = open_database(db_path)
    try:
        handler = {
            "export": _export,
            "import": _import,
            "export-ics": _export_ics,
            "import-ics": _import_ics,
            "demo": _demo,
            "agenda": _agenda,
            "backup": _backup,
        }[args.command]
        return handler(db, args)
    finally:
        db.close()


def _export(db: Database, args: argparse.Namespace) -> int:
    from followup_desktop.core.exchange import export_database

    export_database(db, args.file)
    print(f"Exported {db.path} to {args.file}.")
    return 0


def _import(db: Database, args: argparse.Namespace) -> int:
    from followup_desktop.core.exchange import import_database

    import_database(db, args.file, replace=args.replace)
    print(f"Imported {args.file} into {db.path}.")
    return 0


def _export_ics(db: Database, args: argparse.Namespace) -> int:
    from followup_desktop.core.ics import ActionsAs, export_calendar

    result = export_calendar(
        db, args.file, opportunity_id=args.opportunity, actions_as=ActionsAs(args.actions_as)
    )
    print(
        f"Wrote {args.file}: {result.interviews} interviews, {result.actions} follow-ups, "
        f"{result.decisions} expected decisions."
    )
    return 0


def _import_ics(db: Database, args: argparse.Namespace) -> int:
    from followup_desktop.core.errors import ValidationError
    from followup_desktop.core.ics import (
        describe_proposal,
        import_invitations,
        propose,
        read_invitation_file,
    )
    from followup_desktop.core.timeutil import local_zone

    tz = local_zone()
    invitations = read_invitation_file(args.file, tz)
    if args.dry_run or (len(invitations) > CONFIRM_EVENTS and not args.yes):
        with db.session() as session:
            proposals = propose(session, invitations)
        print(f"{_shown(args.file.name)} holds {len(invitations)} events:")
        for proposal in proposals:
            print(f"  {_shown(describe_proposal(proposal, tz))}")
        if args.dry_run:
            print("Nothing was changed (--dry-run).")
            return 0
        if not _confirm(f"Import all {len(invitations)} events? [y/N] "):
            raise ValidationError(
                f"Not imported: {args.file} holds {len(invitations)} events, more than "
                f"{CONFIRM_EVENTS}. Check the list above; run the command again with --yes "
                "to import them all.",
                "yes",
            )
    result = import_invitations(db, invitations)
    for line in result.lines:
        print(f"  {_shown(line)}")
    print(f"Imported {args.file}: {result.summary()}.")
    return 0


def _confirm(question: str) -> bool:
    """Ask on the terminal; no terminal (a script, CI) is a no."""
    if not sys.stdin.isatty():
        return False
    try:
        return input(question).strip().lower() in {"y", "yes"}
    except EOFError:
        return False


def _shown(text: str) -> str:
    """Text from a file, safe for the terminal: no control sequences, no reordering."""
    from followup_desktop.core.plain_text import for_terminal

    return for_terminal(text)


def _demo(db: Database, args: argparse.Namespace) -> int:
    from sqlalchemy import func, select

    from followup_desktop.core.demo import populate_demo
    from followup_desktop.core.errors import ValidationError
    from followup_desktop.core.models import Opportunity

    if args.opportunities < 1:
        raise ValidationError("Give --opportunities a number from 1.", "opportunities")
    with db.session() as session:
        existing = session.scalar(select(func.count()).select_from(Opportunity)) or 0
    if existing:
        raise ValidationError(
            f"{db.path} already holds {existing} opportunities; demo data goes into a new "
            "file: pass another --db.",
            "db",
        )
    populate_demo(db, args.opportunities, seed=args.seed)
    print(f"Added {args.opportunities} invented opportunities to {db.path}.")
    return 0


def _agenda(db: Database, args: argparse.Namespace) -> int:
    from followup_desktop.core.agenda import agenda
    from followup_desktop.core.errors import ValidationError
    from followup_desktop.core.timeutil import local_zone, parse_instant, utcnow

    now = parse_instant(args.now, "--now time") if args.now else utcnow()
    if not AGENDA_YEARS[0] <= now.year <= AGENDA_YEARS[1]:
        raise ValidationError(
            f"Give --now a time between the years {AGENDA_YEARS[0]} and {AGENDA_YEARS[1]}.",
            "now",
        )
    if args.days is not None and not 0 <= args.days <= MAX_AGENDA_DAYS:
        raise ValidationError(f"Give --days a number from 0 to {MAX_AGENDA_DAYS}.", "days")
    until = None if args.days is None else now + timedelta(days=args.days)
    tz = local_zone()
    with db.session() as session:
        items = agenda(session, now, tz, until=until)
    if args.json:
        json.dump([item.as_json() for item in items], sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    if not items:
        print("Nothing to do: no open actions.")
        return 0
    current = None
    for item in items:
        if item.bucket != current:
            current = item.bucket
            print(f"\n{current.value.capitalize()}")
        when = _format_local(item.due_at, tz)
        where = f"{item.company} — {item.role}" if item.company else "Your search"
        to = f" to {item.recipient}" if item.recipient else ""
        by = f" ({item.channel.replace('_', ' ')})" if item.channel else ""
        snoozed = " [snoozed]" if item.snoozed else ""
        print(f"  {when}  {_shown(where)}")
        print(f"      {_shown(item.label + to)}{by}{snoozed}")
        if item.reason:
            print(f"      Why: {_shown(item.reason)}")
    return 0


def _format_local(moment: datetime, tz: tzinfo) -> str:
    return moment.astimezone(tz).strftime("%a %d %b %Y %H:%M")


def _backup(db: Database, args: argparse.Namespace) -> int:

    if args.file is not None and args.file.exists():
        from followup_desktop.core.errors import ValidationError

        raise ValidationError(f"{args.file} exists; choose a new file name.", "file")
    target = db.backup("manual", args.file)
    print(f"Backed up to {target}.")
    return 0


def _restore(db_path: Path, backup: Path | None) -> int:
    from followup_desktop.core.db import list_backups, restore_backup
    from followup_desktop.core.errors import DatabaseError

    if backup is None:
        backups = list_backups(db_path)
        if not backups:
            raise DatabaseError(f"There is no automatic backup of {db_path}.", db_path)
        backup = backups[0]
    aside = restore_backup(db_path, backup)
    print(f"Restored {backup} into {db_path}; the previous file was kept as {aside}.")
    return 0
