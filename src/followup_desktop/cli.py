"""The ``followup-desktop`` command: the window by default, and tools for the terminal.

Every subcommand works on the same database as the window (``--db``, ``$FOLLOWUP_DB`` or
the data directory) through the Qt-free core; only the default command loads Qt.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import logging
import os
import sqlite3
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from followup_desktop import __version__
from followup_desktop.core.errors import FollowupError
from followup_desktop.core.i18n import N_, _, ngettext
from followup_desktop.core.storage_errors import StorageDamaged
from followup_desktop.desktop_integration import (
    ACTIONS,
    JUST_INTERVIEWED,
    TODAY,
    action_arguments,
)

if TYPE_CHECKING:
    from followup_desktop.core.agenda import AgendaItem
    from followup_desktop.core.db import Database

log = logging.getLogger(__name__)
PROG = "followup-desktop"
# Commands that change the database, and so hold the lock beside it as the window does.
WRITING_COMMANDS = frozenset(
    {
        "import",
        "import-ics",
        "import-csv",
        "import-contacts",
        "import-posting",
        "demo",
        "mail-account",
        "mail-check",
        "mail-confirm",
        "mail-dismiss",
    }
)
# An invitation holds one event or a few: above this many, import-ics asks first (the
# core refuses files of more than 200, ics.MAX_EVENTS). Kept equal to ics.CONFIRM_EVENTS,
# which a test checks, without importing the calendar code for every command.
CONFIRM_EVENTS = 5
MAX_AGENDA_DAYS = 3660  # ten years: further than any plan reaches
AGENDA_YEARS = (1970, 2200)  # a pretended "now" the planner can count days from
# argparse's own sentences (headings, its error messages), so that they are in the
# catalogue; argparse looks each one up through its module's ``_`` at the time it writes,
# which _speak_argparse points at ours.
_ARGPARSE_SENTENCES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("not allowed with argument %s"),
    N_("can't open '%(filename)s': %(error)s"),
)


# The agenda's headings, by bucket, and the channels as a person reads them (the language
# is fixed for the process, so the tables are built in it once).
_BUCKET_HEADINGS = {
    "overdue": _("Overdue"),
    "today": _("Today"),
    "upcoming": _("Upcoming"),
    "missed": _("Missed"),
}
_CHANNELS = {
    "email": _("email"),
    "phone": _("phone"),
    "letter": _("letter"),
    "linkedin": _("LinkedIn"),
    "in_person": _("in person"),
    "other": _("another way"),
}


def _speak_argparse() -> None:
    """Let argparse write its headings and errors in the person's language."""
    argparse._ = _  # type: ignore[attr-defined]


def _parser(*, commands: bool = True) -> argparse.ArgumentParser:
    """The whole command line; ``commands=False``: only the options of the window."""
    _speak_argparse()
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=_(
            "Followup: debriefs, thank-you notes and well-timed follow-ups "
            "after job interviews. Without a command, opens the window."
        ),
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument(
        "--db",
        metavar="PATH",
        help=_("database file (default: $FOLLOWUP_DB or the data folder)"),
    )
    parser.add_argument("--verbose", action="store_true", help=_("log debugging detail"))
    parser.add_argument(
        "--self-test",
        action="store_true",
        help=_("check that this installation works, then exit"),
    )
    # Used by benchmarks and smoke tests: quit once the window has painted and start-up
    # (the database opened the whole way, the tray and reminders) has finished.
    parser.add_argument("--quit-after-show", action="store_true", help=argparse.SUPPRESS)
    # Used by the autostart entry: start in the tray without showing the window.
    parser.add_argument("--minimized", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--action",
        choices=ACTIONS,
        help=_(
            "open the window on this: the debrief of the interview that ended last "
            "({just_interviewed}) or what is due ({today}); a running Followup does it"
        ).format(just_interviewed=JUST_INTERVIEWED, today=TODAY),
    )
    if not commands:
        parser.set_defaults(command=None)
        return parser
    _command_parsers(parser)
    return parser


def _command_parsers(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    export = commands.add_parser("export", help=_("write the whole database as JSON"))
    export.add_argument("file", type=Path)

    import_ = commands.add_parser("import", help=_("read a JSON export (all or nothing)"))
    import_.add_argument("file", type=Path)
    import_.add_argument(
        "--replace",
        action="store_true",
        help=_("replace everything in the database (a backup is taken first)"),
    )

    export_ics = commands.add_parser(
        "export-ics", help=_("write interviews, follow-ups and decision dates as an .ics file")
    )
    export_ics.add_argument("file", type=Path)
    export_ics.add_argument(
        "--opportunity", type=int, metavar="ID", help=_("only this opportunity (default: all)")
    )
    export_ics.add_argument(
        "--actions-as",
        choices=("events", "todos"),
        default="events",
        help=_("write follow-ups as events (default) or as to-dos"),
    )

    import_ics = commands.add_parser(
        "import-ics", help=_("add or update interviews from a calendar invitation (.ics)")
    )
    import_ics.add_argument("file", type=Path)
    import_ics.add_argument(
        "--dry-run",
        action="store_true",
        help=_("only show what the import would do; change nothing"),
    )
    import_ics.add_argument(
        "--yes",
        action="store_true",
        help=_("import a file of more than {count} events without asking").format(
            count=CONFIRM_EVENTS
        ),
    )

    _spreadsheet_parsers(commands)
    demo = commands.add_parser("demo", help=_("fill a new database with invented example data"))
    demo.add_argument("--opportunities", type=int, default=60, metavar="N")
    demo.add_argument("--seed", type=int, default=0)

    agenda = commands.add_parser("agenda", help=_("list open actions: overdue, today, upcoming"))
    agenda.add_argument("--now", metavar="ISO-8601", help=_("pretend it is this time"))
    agenda.add_argument("--days", type=int, metavar="N", help=_("only what is due within N days"))
    agenda.add_argument("--json", action="store_true", help=_("print JSON instead of text"))
    agenda.add_argument(
        "--missed",
        action="store_true",
        help=_("list the steps long past their point (missed) instead"),
    )

    stats = commands.add_parser(
        "stats", help=_("your search in numbers: funnel, silence, activity, response times")
    )
    stats.add_argument("--json", action="store_true", help=_("print JSON instead of text"))
    stats.add_argument("--from", dest="start", metavar="DATE", help=_("first day (YYYY-MM-DD)"))
    stats.add_argument("--to", dest="end", metavar="DATE", help=_("last day (YYYY-MM-DD)"))
    stats.add_argument("--now", metavar="ISO-8601", help=_("pretend it is this time"))
    stats.add_argument(
        "--apply-multiplier",
        action="store_true",
        help=_("wait the suggested multiple of a stated timeline before the first status check"),
    )

    backup = commands.add_parser("backup", help=_("write a consistent copy of the database"))
    backup.add_argument("file", type=Path, nargs="?", help=_("where (default: the backups folder)"))

    restore = commands.add_parser(
        "restore-backup",
        help=_("replace a damaged database with a backup (the newest by default)"),
    )
    restore.add_argument("file", type=Path, nargs="?", help=_("the backup to restore"))
    restore.add_argument(
        "--force",
        action="store_true",
        help=_("also replace a database that is not damaged (it is kept beside the restored one)"),
    )

    entry = commands.add_parser(
        "install-desktop-entry", help=_("add Followup to this user's application menu")
    )
    entry.add_argument("--uninstall", action="store_true", help=_("remove it again"))

    from followup_desktop import mail_cli

    mail_cli.add_commands(commands)


#: The options that can only mean "open the window", with whether each takes a value.
_WINDOW_OPTIONS = {
    "--db": True,
    "--action": True,
    "--verbose": False,
    "--minimized": False,
    "--quit-after-show": False,
}


def _only_window_options(argv: Sequence[str]) -> bool:
    """True when ``argv`` (the .ics files taken out) is nothing but the window's options.

    Then the window starts without building the parser of every command, which costs a
    good part of the time to its first paint. Anything else (a command, --help,
    --version, an abbreviation, a value that looks like an option) goes to the whole
    parser, which reads it as it always has.
    """
    expect_value = False
    for text in argv:
        if expect_value:
            if text.startswith("-"):
                return False
            expect_value = False
            continue
        name, equals, _value = text.partition("=")
        if name not in _WINDOW_OPTIONS or (equals and not _WINDOW_OPTIONS[name]):
            return False
        expect_value = _WINDOW_OPTIONS[name] and not equals
    return not expect_value


def _pair(text: str) -> tuple[str, str]:
    """``NAME=VALUE`` as typed after --map or --stage."""
    name, sep, value = text.rpartition("=")
    if not sep or not name.strip() or not value.strip():
        raise argparse.ArgumentTypeError(_("{text} is not NAME=VALUE").format(text=repr(text)))
    return name.strip(), value.strip()


def _spreadsheet_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Spreadsheets, contacts, postings and the proof-of-search log."""
    from followup_desktop.core.imports.formats import FAMILIES

    parser = commands.add_parser(
        "import-csv",
        help=_("import a spreadsheet or another tracker's CSV export (LinkedIn, Huntr, Teal, ...)"),
    )
    parser.add_argument("file", type=Path)
    parser.add_argument(
        "--format",
        choices=FAMILIES,
        default="auto",
        help=_("the file's format (default: by its headers)"),
    )
    parser.add_argument(
        "--map",
        type=_pair,
        action="append",
        default=[],
        metavar="COLUMN=FIELD",
        help=_("put a column into a field (company, role, link, stage, applied_on, ... or ignore)"),
    )
    parser.add_argument(
        "--stage",
        type=_pair,
        action="append",
        default=[],
        metavar="STATUS=STAGE",
        help=_("put rows with this status into one of your stages (corrects a guess)"),
    )
    parser.add_argument(
        "--day-first",
        action="store_true",
        help=_("read 03/04/2026 as 3 April (default: 4 March)"),
    )
    parser.add_argument(
        "--on-duplicate",
        choices=("skip", "update", "keep-both"),
        default="skip",
        help=_("a row already in Followup: skip it (default), update it, or keep both"),
    )
    parser.add_argument(
        "--skip-bad-rows",
        action="store_true",
        help=_("import the good rows of a file with problems (default: import nothing)"),
    )
    parser.add_argument(
        "--dry-run", action="store_true", help=_("say what would be imported; change nothing")
    )
    parser.add_argument("--json", action="store_true", help=_("print the plan as JSON"))

    export_csv = commands.add_parser(
        "export-csv", help=_("write every opportunity to a CSV file for spreadsheets")
    )
    export_csv.add_argument("file", type=Path)

    contacts = commands.add_parser(
        "import-contacts",
        help=_("add people from LinkedIn's Connections.csv or a vCard file (merging duplicates)"),
    )
    contacts.add_argument("file", type=Path)
    contacts.add_argument("--dry-run", action="store_true", help=_("say what would happen"))
    contacts.add_argument("--json", action="store_true", help=_("print the plan as JSON"))
    vcard = commands.add_parser("export-vcard", help=_("write contacts as a vCard (.vcf) file"))
    vcard.add_argument("file", type=Path)
    vcard.add_argument(
        "--opportunity", type=int, metavar="ID", help=_("only this opportunity's people")
    )

    posting = commands.add_parser(
        "import-posting",
        help=_("add a job from its saved posting page (.html with schema.org JobPosting data)"),
    )
    posting.add_argument("file", type=Path)
    posting.add_argument("--url", default="", help=_("the posting's address, if the page lacks it"))
    posting.add_argument(
        "--dry-run", action="store_true", help=_("show what was read; add nothing")
    )

    proof = commands.add_parser(
        "proof-of-search",
        help=_("every application in a period, for a job centre (text, CSV or PDF)"),
    )
    proof.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
    proof.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD")
    proof.add_argument("--csv", type=Path, metavar="FILE", help=_("write the log as CSV"))
    proof.add_argument("--pdf", type=Path, metavar="FILE", help=_("write the log as a PDF form"))
    proof.add_argument("--name", default="", help=_("your name, printed on the PDF"))
    proof.add_argument(
        "--reference",
        default="",
        help=_("your customer or reference number, printed on the PDF"),
    )


def main(argv: Sequence[str] | None = None) -> int:  # noqa: PLR0911 - one exit code per kind of ending
    """Run the command line; returns the process exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    files = _gui_files(argv)
    rest = [text for text in argv if text not in files]
    args = _parser(commands=not _only_window_options(rest)).parse_args(rest)
    args.files = [str(Path(text).expanduser().absolute()) for text in files]
    from followup_desktop.logs import install_excepthook, setup_logging

    log_path = setup_logging(verbose=args.verbose)
    install_excepthook()
    try:
        return _dispatch(args)
    except StorageDamaged as error:
        _error(str(error))
        if error.backup is not None and error.path is not None:
            print(
                _("The newest automatic backup is {backup}.\nRestore it with: {command}").format(
                    backup=error.backup,
                    command=f"{PROG} --db '{error.path}' restore-backup",
                ),
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
    except OSError as error:
        # A file the person named could not be written or read (no such folder, a
        # read-only place, a full disk): their environment, not a bug. Logged all the same.
        log.warning("%s %s: %s", PROG, args.command or "", error, exc_info=True)
        problem = error.strerror or str(error)
        text = _(
            "{problem}. Check the file name and that the folder exists and is writable; "
            "nothing else was changed."
        ).format(problem=problem)
        _error(f"{error.filename}: {text}" if error.filename else text)
        return 2
    except Exception:
        # A bug, not bad input: the traceback goes to the log file, the person gets a
        # sentence that says where it is.
        log.exception("unexpected error in %s %s", PROG, args.command or "")
        if log_path is not None:
            _error(
                _(
                    "something went wrong that Followup did not expect. The details are in "
                    "{log}. Nothing was changed unless the command said so; please report "
                    "the problem with that file."
                ).format(log=log_path)
            )
        else:
            _error(
                _(
                    "something went wrong that Followup did not expect. Nothing was changed "
                    "unless the command said so; please report the problem."
                )
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


def _desktop_entry(*, uninstall: bool) -> int:
    from followup_desktop import desktop_integration

    if uninstall:
        removed = desktop_integration.uninstall_desktop_entry()
        print(
            ngettext(
                "Removed {n} file from the application menu and icon theme.",
                "Removed {n} files from the application menu and icon theme.",
                len(removed),
            ).format(n=len(removed))
        )
    else:
        written = desktop_integration.install_desktop_entry()
        print(_("Followup is now in your application menu:"))
        for path in written:
            print(f"  {path}")
    return 0


def _agenda_quickly(db_path: Path, args: argparse.Namespace) -> int | None:
    """The agenda of a sound, current file through the plain driver; None otherwise.

    Read-only, so SQLAlchemy is never loaded; anything else goes the whole way (checks,
    messages, migrations), as every other command does.
    """
    from followup_desktop.core.plainread import open_current
    from followup_desktop.core.storage_errors import translated

    connection = open_current(db_path)
    if connection is None:
        return None
    from followup_desktop.core.i18n import current_language
    from followup_desktop.core.plan_language import plan_is_in_language

    if not plan_is_in_language(connection, current_language()):
        # Planned in another language: the whole way re-plans, so no reason stays in it.
        connection.close()
        return None
    # The plain connection's reads end here: damage met on the way is named as ours.
    try:
        with translated(db_path):
            return _agenda(connection, args)
    finally:
        connection.close()


def _dispatch(args: argparse.Namespace) -> int:
    from followup_desktop.core.paths import default_db_path

    db_path = default_db_path(args.db)
    if args.self_test:
        from followup_desktop.selftest import run_self_test

        return run_self_test()
    if args.command is None:
        # No cyclic garbage collection until the window has painted (run_gui turns it
        # back on): start-up allocates hundreds of thousands of objects that all live on
        # (modules, Qt's enums, the cards), and collecting among them took tens of
        # milliseconds on the way to the first paint.
        gc.disable()
        try:
            first_board = None
            if not args.minimized:
                # Read on a thread while Qt and the window's modules load (they take
                # longer).
                from followup_desktop.core.queries.first_board import (
                    start_reading_first_board,
                )

                first_board = start_reading_first_board(db_path)
            from followup_desktop.gui.app import run_gui

            return run_gui(
                db_path,
                quit_after_show=args.quit_after_show,
                minimized=args.minimized,
                arguments=[*args.files, *action_arguments(args.action)],
                first_board=first_board,
            )
        finally:
            # However the window ended (or failed to load), collection is on again.
            gc.enable()
    if args.command == "install-desktop-entry":
        return _desktop_entry(uninstall=args.uninstall)
    if args.command in ("restore-backup", "export"):
        # Both work on the file itself: a damaged one is what they are for.
        return (
            _export(db_path, args.file)
            if args.command == "export"
            else _restore(db_path, args.file, force=args.force)
        )
    if args.command == "agenda" and not args.now and not args.missed:
        # A look at another moment (--now) or at the missed steps plans first, as of that
        # clock, and writes nothing: it goes the whole way below.
        quick = _agenda_quickly(db_path, args)
        if quick is not None:
            return quick

    from followup_desktop.core.db import open_database

    # Commands that write hold the lock beside the file, like the window does.
    writes = args.command in WRITING_COMMANDS or bool(getattr(args, "apply_multiplier", False))
    db = open_database(db_path, exclusive=writes)
    try:
        return _run_on_database(db, args)
    finally:
        db.close()


def _run_on_database(db: Database, args: argparse.Namespace) -> int:
    """The commands that work on an opened (checked, migrated) database."""
    if args.command.startswith("mail-"):
        from followup_desktop import mail_cli

        return mail_cli.run(db, args)
    handler: Callable[[Database, argparse.Namespace], int] = {
        "import": _import,
        "export-ics": _export_ics,
        "import-ics": _import_ics,
        "import-csv": _import_csv,
        "export-csv": _export_csv,
        "proof-of-search": _proof_of_search,
        "import-contacts": _import_contacts,
        "import-posting": _import_posting,
        "export-vcard": _export_vcard,
        "demo": _demo,
        "agenda": _agenda,
        "stats": _stats,
        "backup": _backup,
    }[args.command]
    return handler(db, args)


def _export(db_path: Path, target: Path) -> int:
    """Export after a full check; from a damaged file, export what can be read."""
    from followup_desktop.core.db import open_database
    from followup_desktop.core.salvage import export_checked

    if not db_path.exists():
        open_database(db_path).close()  # as every command does: a new, empty database
    outcome = export_checked(db_path, target)
    if outcome.salvaged:
        _error(outcome.summary())
        print(
            _("Exported what could be read from {database} to {file}.").format(
                database=db_path, file=target
            )
        )
        return 3
    print(_("Exported {database} to {file}.").format(database=db_path, file=target))
    return 0


def _import(db: Database, args: argparse.Namespace) -> int:
    from followup_desktop.core.exchange import read_export
    from followup_desktop.core.services import FollowupService

    result = FollowupService(db).import_export(read_export(args.file), replace=args.replace)
    print(
        _("Imported {file} into {database}, and planned what comes next.").format(
            file=args.file, database=db.path
        )
    )
    for opportunity_id, problem in sorted(
        result.unplanned.items(), key=lambda item: (item[0] is not None, item[0] or 0)
    ):
        line = (
            _("Not planned (settings): {problem}").format(problem=problem)
            if opportunity_id is None
            else _("Not planned (opportunity {id}): {problem}").format(
                id=opportunity_id, problem=problem
            )
        )
        print(f"  {line}", file=sys.stderr)
    return 0


def _export_ics(db: Database, args: argparse.Namespace) -> int:
    from followup_desktop.core.ics import ActionsAs
    from followup_desktop.core.services import FollowupService

    result = FollowupService(db).export_calendar(
        args.file, opportunity_id=args.opportunity, actions_as=ActionsAs(args.actions_as)
    )
    print(
        _("Wrote {file}: {interviews}, {actions}, {decisions}.").format(
            file=args.file,
            interviews=ngettext("{n} interview", "{n} interviews", result.interviews).format(
                n=result.interviews
            ),
            actions=ngettext("{n} follow-up", "{n} follow-ups", result.actions).format(
                n=result.actions
            ),
            decisions=ngettext(
                "{n} expected decision", "{n} expected decisions", result.decisions
            ).format(n=result.decisions),
        )
    )
    return 0


def _import_ics(db: Database, args: argparse.Namespace) -> int:
    from followup_desktop.core.errors import ValidationError
    from followup_desktop.core.ics import describe_proposal, propose, read_invitation_file
    from followup_desktop.core.services import FollowupService
    from followup_desktop.core.timeutil import local_zone

    tz = local_zone()
    invitations = read_invitation_file(args.file, tz)
    if args.dry_run or (len(invitations) > CONFIRM_EVENTS and not args.yes):
        with db.session() as session:
            proposals = propose(session, invitations)
        count = len(invitations)
        print(
            ngettext("{file} holds {n} event:", "{file} holds {n} events:", count).format(
                file=_shown(args.file.name), n=count
            )
        )
        for proposal in proposals:
            print(f"  {_shown(describe_proposal(proposal, tz))}")
        if args.dry_run:
            print(_("Nothing was changed (--dry-run)."))
            return 0
        if not _confirm(_("Import all {n} events? [y/N] ").format(n=count)):
            raise ValidationError(
                _(
                    "Not imported: {file} holds {n} events, more than {limit}. Check the "
                    "list above; run the command again with --yes to import them all."
                ).format(file=args.file, n=count, limit=CONFIRM_EVENTS),
                "yes",
            )
    result = FollowupService(db).import_invitations(invitations)
    for line in result.lines:
        print(f"  {_shown(line)}")
    print(_("Imported {file}: {summary}.").format(file=args.file, summary=result.summary()))
    return 0


def _confirm(question: str) -> bool:
    """Ask on the terminal; no terminal (a script, CI) is a no."""
    if not sys.stdin.isatty():
        return False
    try:
        # Yes in the person's language, and the English y that the prompt's [y/N] shows.
        answers = {"y", "yes", *_("y|yes").lower().split("|")}
        return input(question).strip().lower() in answers
    except EOFError:
        return False


def _shown(text: str) -> str:
    """Text from a file, safe for the terminal: no control sequences, no reordering."""
    from followup_desktop.core.plain_text import for_terminal

    return for_terminal(text)


def _import_csv(db: Database, args: argparse.Namespace) -> int:
    from followup_desktop.core.imports.formats import parse_field
    from followup_desktop.core.imports.plan import (
        DuplicatePolicy,
        ImportOptions,
        plan_import_file,
    )
    from followup_desktop.core.services import FollowupService

    options = ImportOptions(
        format=args.format,
        mapping={column: parse_field(name) for column, name in args.map},
        day_first=args.day_first,
        on_duplicate=DuplicatePolicy(args.on_duplicate),
        skip_bad_rows=args.skip_bad_rows,
        stages=dict(args.stage),
    )
    plan = plan_import_file(db, args.file, options)
    imported = not args.dry_run and not plan.blocked
    if imported:
        FollowupService(db).import_rows(plan)
    if args.json:
        json.dump(
            {**plan.as_json(), "dry_run": args.dry_run, "imported": imported},
            sys.stdout,
            ensure_ascii=False,
            indent=2,
        )
        print()
    else:
        for line in plan.describe():
            print(line)
    if plan.blocked:
        _error(
            ngettext(
                "{n} problem in {file}; nothing was imported. Fix it, "
                "or pass --skip-bad-rows to import the other rows.",
                "{n} problems in {file}; nothing was imported. Fix them, "
                "or pass --skip-bad-rows to import the other rows.",
                len(plan.problems),
            ).format(n=len(plan.problems), file=args.file)
        )
        return 2
    if not args.json:
        print(
            _("Imported {file}: {summary}.").format(file=args.file, summary=plan.summary())
            if imported
            else _("Dry run: nothing was changed.")
        )
    return 0


def _export_csv(db: Database, args: argparse.Namespace) -> int:
    from followup_desktop.core.imports.spreadsheet import export_spreadsheet

    count = export_spreadsheet(db, args.file)
    print(
        ngettext(
            "Wrote {n} opportunity to {file}.", "Wrote {n} opportunities to {file}.", count
        ).format(n=count, file=args.file)
    )
    return 0


def _import_contacts(db: Database, args: argparse.Namespace) -> int:
    from followup_desktop.core.imports.contacts import plan_contacts_file
    from followup_desktop.core.services import FollowupService

    plan = plan_contacts_file(db, args.file)
    imported = not args.dry_run and not plan.blocked
    if imported:
        FollowupService(db).import_contacts(plan)
    if args.json:
        payload = {**plan.as_json(), "dry_run": args.dry_run, "imported": imported}
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        for line in plan.describe():
            print(line)
    if plan.blocked:
        _error(
            ngettext(
                "{n} problem in {file}; nobody was imported.",
                "{n} problems in {file}; nobody was imported.",
                len(plan.problems),
            ).format(n=len(plan.problems), file=args.file)
        )
        return 2
    if not args.json:
        print(
            _("Imported {file}: {summary}.").format(file=args.file, summary=plan.summary())
            if imported
            else _("Dry run: nothing was changed.")
        )
    return 0


def _import_posting(db: Database, args: argparse.Namespace) -> int:
    from followup_desktop.core.files import read_limited
    from followup_desktop.core.imports.posting import MAX_PAGE_BYTES, find_duplicate, read_posting
    from followup_desktop.core.imports.sheet import decode
    from followup_desktop.core.imports.stages import StageInfo, stage_for_bucket
    from followup_desktop.core.services import FollowupService, OpportunityFields

    page, _encoding = decode(read_limited(args.file, MAX_PAGE_BYTES, "posting page"))
    draft = read_posting(page, url=args.url)
    for line in draft.describe():
        print(line)
    with db.session() as session:
        duplicate = find_duplicate(session, draft)
    if duplicate:
        print(_("Already in Followup as {card}; nothing was added.").format(card=duplicate))
        return 0
    if args.dry_run:
        print(_("Dry run: nothing was added."))
        return 0
    service = FollowupService(db)
    stages = [StageInfo(stage.id, stage.name, stage.kind) for stage in service.stages()]
    wishlist = stage_for_bucket("prospect", stages)
    change = service.create_opportunity(
        draft.company, draft.role, OpportunityFields(stage_id=wishlist.id, **draft.fields)
    )
    print(
        _("Added #{id} to {stage}: review it in the window.").format(
            id=change.created_id, stage=wishlist.name
        )
    )
    return 0


def _export_vcard(db: Database, args: argparse.Namespace) -> int:
    from followup_desktop.core.files import write_atomically
    from followup_desktop.core.imports.contacts import contact_cards
    from followup_desktop.core.imports.vcard import write_vcards

    with db.session() as session:
        cards = contact_cards(session, args.opportunity)
    write_atomically(args.file, write_vcards(cards).encode("utf-8"), "the contacts")
    print(
        ngettext(
            "Wrote {n} contact to {file}.", "Wrote {n} contacts to {file}.", len(cards)
        ).format(n=len(cards), file=args.file)
    )
    return 0


def _proof_of_search(db: Database, args: argparse.Namespace) -> int:
    from followup_desktop.core.files import write_atomically
    from followup_desktop.core.imports.proof import day_text, parse_day, proof_of_search

    start, end = parse_day(args.start, "from"), parse_day(args.end, "to")
    with db.session() as session:
        log = proof_of_search(session, start, end)
    if args.csv is not None:
        write_atomically(args.csv, log.csv_bytes(), "the proof of search")
        print(
            _("Wrote {applications} to {file}.").format(
                applications=_applications(len(log.rows)), file=args.csv
            )
        )
    if args.pdf is not None:
        # Qt is loaded for the PDF only; the rest of the command line stays without it.
        from followup_desktop.gui.proof_pdf import write_proof_pdf

        pages = write_proof_pdf(log, args.pdf, name=args.name, reference=args.reference)
        print(
            _("Wrote {applications} to {file} ({pages}).").format(
                applications=_applications(len(log.rows)),
                file=args.pdf,
                pages=ngettext("{n} page", "{n} pages", pages).format(n=pages),
            )
        )
    if args.csv is None and args.pdf is None:
        print(_("Applications from {period}: {n}").format(period=log.period_text, n=len(log.rows)))
        for row in log.rows:
            print(f"\n{day_text(row.applied_on)}  {row.employer} — {row.position}")
            if row.contact:
                print("    " + _("Contact: {contact}").format(contact=row.contact))
            print("    " + _("Applied: {method}").format(method=row.method))
            print("    " + _("History: {history}").format(history=row.history_text))
            print("    " + _("Result: {result}").format(result=row.result))
    return 0


def _applications(count: int) -> str:
    return ngettext("{n} application", "{n} applications", count).format(n=count)


def _demo(db: Database, args: argparse.Namespace) -> int:
    from sqlalchemy import func, select

    from followup_desktop.core.demo import populate_demo
    from followup_desktop.core.errors import ValidationError
    from followup_desktop.core.models import Opportunity

    if args.opportunities < 1:
        raise ValidationError(_("Give --opportunities a number from 1."), "opportunities")
    with db.session() as session:
        existing = session.scalar(select(func.count()).select_from(Opportunity)) or 0
    if existing:
        raise ValidationError(
            ngettext(
                "{database} already holds {n} opportunity; demo data goes into a new "
                "file: pass another --db.",
                "{database} already holds {n} opportunities; demo data goes into a new "
                "file: pass another --db.",
                existing,
            ).format(database=db.path, n=existing),
            "db",
        )
    populate_demo(db, args.opportunities, seed=args.seed)
    print(
        ngettext(
            "Added {n} invented opportunity to {database}.",
            "Added {n} invented opportunities to {database}.",
            args.opportunities,
        ).format(n=args.opportunities, database=db.path)
    )
    return 0


def _agenda(db: Database | sqlite3.Connection, args: argparse.Namespace) -> int:
    from followup_desktop.core.agenda import agenda
    from followup_desktop.core.errors import ValidationError
    from followup_desktop.core.timeutil import local_zone, parse_instant, utcnow

    now = parse_instant(args.now, "--now time") if args.now else utcnow()
    if not AGENDA_YEARS[0] <= now.year <= AGENDA_YEARS[1]:
        raise ValidationError(
            _("Give --now a time between the years {first} and {last}.").format(
                first=AGENDA_YEARS[0], last=AGENDA_YEARS[1]
            ),
            "now",
        )
    if args.days is not None and not 0 <= args.days <= MAX_AGENDA_DAYS:
        raise ValidationError(
            _("Give --days a number from 0 to {last}.").format(last=MAX_AGENDA_DAYS), "days"
        )
    until = None if args.days is None else now + timedelta(days=args.days)
    tz = local_zone()
    if isinstance(db, sqlite3.Connection):
        # The plain read: the stored plan, current as of the last change.
        items = agenda(db, now, tz, until=until)
    else:
        items = _planned_agenda(db, args, now, tz, until)
    if args.json:
        json.dump([item.as_json() for item in items], sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    if not items:
        print(_("Nothing missed.") if args.missed else _("Nothing to do: no open actions."))
        return 0
    from followup_desktop.core.plain_text import for_terminal

    # The same names and reasons come back on many lines: each is made safe once.
    shown = functools.lru_cache(maxsize=8192)(for_terminal)
    your_search, snoozed_mark, why = _("Your search"), " " + _("[snoozed]"), _("Why: {reason}")
    # Written at once, not a print per line: 40,000 lines for a large search.
    lines: list[str] = []
    current = None
    for item in items:
        if item.bucket != current:
            current = item.bucket
            heading = _BUCKET_HEADINGS.get(current.value)
            lines.append(f"\n{heading or current.value.capitalize()}")
        when = _format_local(item.due_at, tz)
        where = f"{item.company} — {item.role}" if item.company else your_search
        to = f" {item.sent_to}" if item.sent_to else ""
        channel = _CHANNELS.get(item.channel or "")
        by = f" ({channel or (item.channel or '').replace('_', ' ')})"
        snoozed = snoozed_mark if item.snoozed else ""
        lines.append(f"  {when}  {shown(where)}")
        lines.append(f"      {shown(item.title + to)}{by if item.channel else ''}{snoozed}")
        if item.reason:
            lines.append("      " + why.format(reason=shown(item.reason)))
    lines.append("")
    sys.stdout.write("\n".join(lines))
    return 0


def _stats(db: Database, args: argparse.Namespace) -> int:
    from followup_desktop.core.errors import ValidationError
    from followup_desktop.core.localformat import number
    from followup_desktop.core.services import FollowupService
    from followup_desktop.core.stats import compute_stats, text_report
    from followup_desktop.core.timeutil import local_zone, parse_instant, utcnow

    now = parse_instant(args.now, "--now time") if args.now else utcnow()
    start, end = _day(args.start, "--from"), _day(args.end, "--to")
    tz = local_zone()
    with db.session() as session:
        stats = compute_stats(session, now, tz, start=start, end=end)
    if args.apply_multiplier:
        suggested = stats.calibration.suggested
        if suggested is None:
            raise ValidationError(
                _(
                    "There is no multiplier to apply yet: it needs at least {needed} "
                    "interviews with a stated timeline and a logged answer (there are {have})."
                ).format(needed=stats.calibration.min_samples, have=stats.calibration.samples),
                "apply-multiplier",
            )
        FollowupService(db, clock=lambda: now).apply_timeline_multiplier(suggested)
        with db.session() as session:
            stats = compute_stats(session, now, tz, start=start, end=end)
    if args.json:
        json.dump(stats.as_json(), sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print("\n".join(text_report(stats)))
    if args.apply_multiplier:
        print(
            _(
                "Applied: the first status check now waits {factor} times their stated timeline."
            ).format(factor=number(stats.calibration.current)),
            file=sys.stderr,
        )
    return 0


def _day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        from followup_desktop.core.errors import ValidationError

        raise ValidationError(
            _("{option} needs a day like 2026-11-01, not {text}.").format(
                option=option, text=repr(text)
            ),
            option.lstrip("-"),
        ) from None


def _planned_agenda(
    db: Database, args: argparse.Namespace, now: datetime, tz: tzinfo, until: datetime | None
) -> list[AgendaItem]:
    """The agenda after planning as of ``now`` (missed steps and the nudge follow the clock).

    A look at another moment (--now) changes nothing in the database; a file that cannot
    be written (read-only, locked) gets the stored plan.
    """
    from followup_desktop.core.agenda import agenda, missed
    from followup_desktop.core.playbook import replan_report
    from followup_desktop.core.storage_errors import StorageError

    with db.session(commit=not args.now) as session:
        try:
            replan_report(session, None, now, skip_invalid=True)
        except StorageError as error:
            if isinstance(error, StorageDamaged):
                raise  # nothing is read from a damaged file as if it were sound
            log.warning("agenda: the plan could not be brought up to date: %s", error)
            session.rollback()
            # Said on standard error, so a --json reader still gets only the agenda; the
            # person learns that these are the steps as last saved, not as of the moment.
            _error(
                _(
                    "{summary}, so the plan could not be brought up to date; the agenda "
                    "shows the steps as they were last saved."
                ).format(summary=error.what)
            )
        items = missed(session) if args.missed else agenda(session, now, tz, until=until)
    return list(items)


def _format_local(moment: datetime, tz: tzinfo) -> str:
    from followup_desktop.core.localformat import day_and_clock

    return day_and_clock(moment.astimezone(tz), year=True)


def _backup(db: Database, args: argparse.Namespace) -> int:

    if args.file is not None and args.file.exists():
        from followup_desktop.core.errors import ValidationError

        raise ValidationError(
            _("{file} exists; choose a new file name.").format(file=args.file), "file"
        )
    target = db.backup("manual", args.file)
    print(_("Backed up to {file}.").format(file=target))
    return 0


def _restore(db_path: Path, backup: Path | None, *, force: bool) -> int:
    from followup_desktop.core.db import RestoreNeedsConfirmation, list_backups, restore_backup
    from followup_desktop.core.errors import DatabaseError

    if backup is None:
        backups = list_backups(db_path)
        if not backups:
            raise DatabaseError(
                _("There is no automatic backup of {database}.").format(database=db_path),
                db_path,
            )
        backup = backups[0]
    try:
        aside = restore_backup(db_path, backup, force=force)
    except RestoreNeedsConfirmation as error:
        _error(f"{error}")
        print(
            _("To replace it anyway: {command}").format(
                command=f"{PROG} --db '{db_path}' restore-backup --force"
            ),
            file=sys.stderr,
        )
        return 4
    if aside is not None:
        print(
            _("Restored {backup} into {database}; the previous file was kept as {aside}.").format(
                backup=backup, database=db_path, aside=aside
            )
        )
    else:
        print(_("Restored {backup} into {database}.").format(backup=backup, database=db_path))
    return 0
