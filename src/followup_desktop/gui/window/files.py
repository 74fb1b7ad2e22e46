"""File jobs: import and export (JSON, .ics, CSV, contacts), postings, proof of search,
backups, and the files dropped on the window or handed over on the command line.

Imports write through the window's :class:`~followup_desktop.gui.window.writer.Writer`
on the worker, so their Change reaches the bus with the board already read; exports and
backups only read, on the same worker queue. The confirmation an import needs (what an
invitation would do, which people a contacts file adds) is read first, on the GUI
thread: those files are small.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QMimeData

from followup_desktop.core.change import Change, Entity, entities
from followup_desktop.core.errors import FollowupError
from followup_desktop.core.i18n import _, ngettext
from followup_desktop.core.localformat import number
from followup_desktop.core.plain_text import for_display
from followup_desktop.core.queries.window import (
    contacts_for_export,
    database_is_empty,
    invitation_proposals,
    posting_duplicate,
)
from followup_desktop.gui.dropped import MAIL_SUFFIX, local_files
from followup_desktop.gui.window.bus import EVERYTHING_CHANGED

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from followup_desktop.core.exchange import ImportResult
    from followup_desktop.core.ics import Proposal
    from followup_desktop.gui.main_window import MainWindow

JSON_FILTER = _("Followup export (*.json);;All files (*)")
IMPORT_FILTER = _(
    "Followup export or calendar invitation (*.json *.ics);;Followup export (*.json);;"
    "Calendar invitation (*.ics);;All files (*)"
)
ICS_FILTER = _("Calendar file (*.ics);;All files (*)")
ICS_SUFFIX = ".ics"
# Interviews that a confirmation lists one by one before "and N more".
PROPOSAL_LINES = 8
SQLITE_FILTER = _("SQLite database (*.sqlite3 *.db);;All files (*)")
CSV_FILTER = _("CSV file (*.csv);;All files (*)")
SHEET_SUFFIXES = frozenset({".csv", ".tsv"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
VCARD_SUFFIX = ".vcf"
DROPPABLE_SUFFIXES = frozenset(
    {ICS_SUFFIX, VCARD_SUFFIX, MAIL_SUFFIX, *SHEET_SUFFIXES, *HTML_SUFFIXES}
)
HTML_FILTER = _("Web pages (*.html *.htm);;All files (*)")
CONTACTS_FILTER = _("Contacts (*.vcf *.csv);;All files (*)")
VCARD_FILTER = _("vCard (*.vcf);;All files (*)")
REPLACE_QUESTION = _(
    "Replace everything in this database with the file's contents? A backup is taken first."
)
IMPORT_CONFLICT = _(
    "The import was stopped: this database is no longer empty. Choose "
    "Import again to replace its contents; nothing was changed."
)
CANCELLED = _("Import cancelled; nothing was changed.")
# What the status bar reports after an import, in the person's words, with each
# language's plural.
IMPORT_SUMMARY: tuple[tuple[str, Callable[[int], str]], ...] = (
    ("opportunities", lambda n: ngettext("{n} opportunity", "{n} opportunities", n)),
    ("contacts", lambda n: ngettext("{n} contact", "{n} contacts", n)),
    ("interviews", lambda n: ngettext("{n} interview", "{n} interviews", n)),
    ("debriefs", lambda n: ngettext("{n} debrief", "{n} debriefs", n)),
    ("actions", lambda n: ngettext("{n} action", "{n} actions", n)),
    ("correspondence", lambda n: ngettext("{n} message", "{n} messages", n)),
)
T = TypeVar("T")
# A contacts plan shows this many lines before "…".
PLAN_LINES = 40


def ics_paths(arguments: Sequence[str]) -> list[Path]:
    """The calendar files among command-line arguments or dropped file names."""
    return [Path(text) for text in arguments if text.lower().endswith(ICS_SUFFIX)]


def describe_proposals(path: Path, proposals: Sequence[Proposal], tz: tzinfo) -> str:
    """The confirmation asked before an .ics import: what each invitation would do."""
    from followup_desktop.core.ics import describe_proposal  # loaded with the importer

    lines = [_("Import {file}?").format(file=for_display(path.name))]
    lines += [
        f"• {for_display(describe_proposal(proposal, tz))}"
        for proposal in proposals[:PROPOSAL_LINES]
    ]
    if len(proposals) > PROPOSAL_LINES:
        more = len(proposals) - PROPOSAL_LINES
        lines.append(ngettext("… and {n} more.", "… and {n} more.", more).format(n=more))
    return "\n".join(lines)


def import_summary(path: Path, result: ImportResult) -> str:
    """One line for the status bar: what an import brought in and where the backup is."""
    counts = ", ".join(
        words(result.counts[table]).format(n=number(result.counts[table]))
        for table, words in IMPORT_SUMMARY
        if result.counts.get(table, 0)
    )
    text = _("Imported {file}: {counts}, and planned what comes next.").format(
        file=path.name, counts=counts or _("no records")
    )
    if result.unplanned:
        unplanned = len(result.unplanned)
        text += " " + ngettext(
            "{n} could not be planned (open it to correct the facts the playbook names).",
            "{n} could not be planned (open them to correct the facts the playbook names).",
            unplanned,
        ).format(n=unplanned)
    if result.backup is not None:
        text += " " + _("The previous data is backed up in {path}.").format(path=result.backup)
    return text


def dropped_files(mime: QMimeData) -> list[Path]:
    """The local files a drag carries that Followup imports: calendar invitations,
    spreadsheets, saved posting pages, vCards and saved e-mails (none for anything
    else)."""
    return local_files(mime, DROPPABLE_SUFFIXES)


def dropped_ics(mime: QMimeData) -> list[Path]:
    """The local .ics files a drag carries (none for anything else)."""
    return [path for path in dropped_files(mime) if path.suffix.lower() == ICS_SUFFIX]


class FileJobs:
    """Every way a file comes in or goes out of the window."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window

    def _say(self, text: str, msecs: int) -> None:
        self._window.statusBar().showMessage(text, msecs)

    def _warn(self, text: str) -> None:
        self._window.dialogs.warning(self._window, text)

    def _read_job(
        self, what: str, label: str, work: Callable[[], T], done: Callable[[T], None]
    ) -> None:
        # A job that only reads (an export, a backup): on the worker, after any write.
        window = self._window
        window.job_label.setText(label)
        window.tasks.submit(work, done, window.report_failure(what))

    # -- JSON and .ics ---------------------------------------------------------------

    def import_file(self) -> None:
        """Read a JSON export into the database, on the worker thread.

        An import replaces the whole database (there is no merge): into a new, empty
        database it goes straight in; otherwise the person confirms the replacement and
        a backup is taken first.
        """
        window = self._window
        if window.writer.refuse_while_busy():
            return
        path = window.dialogs.open_file(
            window, _("Import a Followup export or a calendar invitation"), IMPORT_FILTER
        )
        if path is None:
            return
        if path.suffix.lower() == ICS_SUFFIX:
            self.import_calendar_file(path)
            return
        db = window.service.db
        replace = not database_is_empty(db)
        if replace and not window.dialogs.question(window, REPLACE_QUESTION):
            self._say(CANCELLED, 5000)
            return
        service = window.service
        results: list[ImportResult] = []

        def work() -> Change:
            # Loaded here, on the worker: its schema and checks took 20 ms to load on
            # the GUI thread.
            from followup_desktop.core import exchange

            # The collector stays paused until the parsed file is freed again: resumed
            # with its millions of objects still alive, its first passes scanned them all
            # while holding the interpreter lock, and the window froze for those.
            with exchange.gc_paused():
                document = exchange.read_export(path)
                results.append(service.import_export(document, replace=replace))
                exchange.release_gradually(document)
                del document
            return EVERYTHING_CHANGED

        def then(_change: Change) -> None:
            # Undo steps may name records the import replaced; they no longer apply.
            window.undo_stack.clear()
            self._say(import_summary(path, results[0]), 15_000)

        report = window.report_failure(_("The import"))

        def failed(error: BaseException) -> None:
            from followup_desktop.core.exchange import ImportConflictError  # loaded by now

            # Something was added between the check above and the import.
            if isinstance(error, ImportConflictError):
                self._warn(IMPORT_CONFLICT)
            else:
                report(error)

        window.writer.later(
            _("Importing {file}…").format(file=path.name), work, then=then, failed=failed
        )

    def export_file(self) -> None:
        """Write the whole database as JSON, on the worker thread."""
        window = self._window
        path = window.dialogs.save_file(
            window, _("Export to JSON"), "followup-export.json", JSON_FILTER
        )
        if path is None:
            return
        from followup_desktop.core.salvage import ExportOutcome, export_checked

        db = window.service.db

        def done(outcome: ExportOutcome) -> None:
            if outcome.salvaged:
                # A damaged file: say what the export holds and what it could not read.
                self._warn(_("Exported to {path}.").format(path=path) + " " + outcome.summary())
            else:
                self._say(_("Exported to {path}.").format(path=path), 5000)

        # The full check runs first; from a damaged file the export keeps what it can read.
        self._read_job(
            _("The export"),
            _("Exporting to {file}…").format(file=path.name),
            lambda: export_checked(db.path, path, db),
            done,
        )

    def import_calendar_file(self, path: Path) -> bool:
        """Import a calendar invitation after the person confirms what it would do.

        The file is read and matched here (small and quick); the import itself runs on
        the worker thread. False when the file is unreadable or the person declines.
        """
        from followup_desktop.core.ics import read_invitation_file

        window = self._window
        if window.writer.refuse_while_busy():
            return False
        try:
            invitations = read_invitation_file(path, window.tz)
            proposals = invitation_proposals(window.service.db, invitations)
        except FollowupError as error:
            self._warn(_("The invitation could not be imported: {error}").format(error=error))
            return False
        if not window.dialogs.question(window, describe_proposals(path, proposals, window.tz)):
            self._say(CANCELLED, 5000)
            return False
        service = window.service
        summaries: list[str] = []

        def work() -> Change:
            result = service.import_invitations(invitations)
            summaries.append(result.summary())
            return Change(
                frozenset(result.opportunity_ids),
                entities(Entity.OPPORTUNITY, Entity.INTERVIEW, Entity.ACTION, Entity.CONTACT),
                actions_replanned=frozenset(result.replanned),
            )

        window.writer.later(
            _("Importing {file}…").format(file=path.name),
            work,
            then=lambda _change: self._say(
                _("Imported {file}: {summary}.").format(file=path.name, summary=summaries[0]),
                15_000,
            ),
            failed=window.report_failure(_("The invitation import")),
        )
        return True

    def export_calendar_file(self) -> None:
        """Write interviews, follow-ups and decision dates as .ics, on the worker thread."""
        window = self._window
        path = window.dialogs.save_file(
            window, _("Export the calendar"), "followup.ics", ICS_FILTER
        )
        if path is None:
            return
        from followup_desktop.core.ics import ExportResult

        service = window.service

        def done(result: ExportResult) -> None:
            counts = ", ".join(
                (
                    ngettext("{n} interview", "{n} interviews", result.interviews).format(
                        n=number(result.interviews)
                    ),
                    ngettext("{n} follow-up", "{n} follow-ups", result.actions).format(
                        n=number(result.actions)
                    ),
                    ngettext(
                        "{n} expected decision", "{n} expected decisions", result.decisions
                    ).format(n=number(result.decisions)),
                )
            )
            self._say(
                _("Exported the calendar to {path}: {counts}.").format(path=path, counts=counts),
                10_000,
            )

        self._read_job(
            _("The calendar export"),
            _("Exporting the calendar to {file}…").format(file=path.name),
            lambda: service.export_calendar(path),
            done,
        )

    # -- spreadsheets, postings, contacts --------------------------------------------

    def import_spreadsheet(self, path: Path | None = None) -> None:
        """Open the spreadsheet import wizard (its slow steps run on the worker)."""
        from followup_desktop.gui.import_wizard import ImportWizard

        window = self._window
        if window.writer.refuse_while_busy():
            return
        wizard = ImportWizard(window.service, window.tasks, window.dialogs, window, path)
        wizard.imported.connect(self._spreadsheet_imported)
        window.dialogs.run_once(wizard)

    def _spreadsheet_imported(self, change: object) -> None:
        self._window.bus.publish(change)
        self._window.today_ctl.refresh()

    def export_spreadsheet(self) -> None:
        """Write every opportunity to a CSV file, on the worker thread."""
        window = self._window
        path = window.dialogs.save_file(
            window, _("Export a spreadsheet"), "followup.csv", CSV_FILTER
        )
        if path is None:
            return
        from followup_desktop.core.imports.spreadsheet import export_spreadsheet

        db, tz = window.service.db, window.tz
        self._read_job(
            _("The spreadsheet export"),
            _("Exporting to {file}…").format(file=path.name),
            lambda: export_spreadsheet(db, path, tz),
            lambda count: self._say(
                ngettext(
                    "Exported {n} opportunity to {path}.",
                    "Exported {n} opportunities to {path}.",
                    count,
                ).format(n=number(count), path=path),
                5000,
            ),
        )

    def import_posting_file(self, path: Path | None = None) -> None:
        """Read a saved posting page (the one dropped, or one the person picks)."""
        window = self._window
        if path is None:
            path = window.dialogs.open_file(
                window, _("Add a job from its posting page"), HTML_FILTER
            )
        if path is None:
            return
        from followup_desktop.core.files import read_limited
        from followup_desktop.core.imports.posting import MAX_PAGE_BYTES
        from followup_desktop.core.imports.sheet import decode

        try:
            page, _encoding = decode(read_limited(path, MAX_PAGE_BYTES, _("posting page")))
        except FollowupError as error:
            self._warn(_("{file} cannot be read: {error}").format(file=path.name, error=error))
            return
        self.import_posting(page)

    def paste_posting(self) -> None:
        """Read a posting page copied to the clipboard (its HTML, or its text)."""
        from PySide6.QtGui import QGuiApplication

        mime = QGuiApplication.clipboard().mimeData()
        page = mime.html() if mime is not None and mime.hasHtml() else ""
        if not page and mime is not None:
            page = mime.text()
        self.import_posting(page)

    def import_posting(self, page: str) -> bool:
        """Add the job a posting page describes to the wishlist, after the person agrees."""
        from followup_desktop.core.imports.posting import read_posting
        from followup_desktop.core.imports.stages import StageInfo, stage_for_bucket

        window = self._window
        if window.writer.refuse_while_busy():
            return False
        service = window.service
        try:
            draft = read_posting(page)
        except FollowupError as error:
            self._warn(str(error))
            return False
        duplicate = posting_duplicate(service.db, draft)
        if duplicate:
            window.dialogs.information(
                window, _("This job is in Followup already: {job}.").format(job=duplicate)
            )
            return False
        stages = [StageInfo(s.id, s.name, s.kind) for s in window.board_ctl.stages]
        wishlist = stage_for_bucket("prospect", stages)
        ask = _("Add this job to {stage}?").format(stage=wishlist.name)
        question = "\n".join([ask, "", *draft.describe()])
        if not window.dialogs.question_plain(window, question):
            return False
        # Here, not at the top: the window imports this module on the way to its first paint.
        from followup_desktop.core.fields import OpportunityFields

        change = window.writer.now(
            lambda: service.create_opportunity(
                draft.company, draft.role, OpportunityFields(stage_id=wishlist.id, **draft.fields)
            )
        )
        if change is None:
            return False
        self._say(
            _("Added {company} — {role} to {stage}; open it to review.").format(
                company=draft.company, role=draft.role, stage=wishlist.name
            ),
            10_000,
        )
        return True

    def import_contacts_file(self, path: Path | None = None) -> None:
        """Import people from a file after showing what would be added and merged."""
        window = self._window
        if window.writer.refuse_while_busy():
            return
        if path is None:
            path = window.dialogs.open_file(window, _("Import contacts"), CONTACTS_FILTER)
        if path is None:
            return
        from followup_desktop.core.imports.contacts import plan_contacts_file

        try:
            plan = plan_contacts_file(window.service.db, path)
        except FollowupError as error:
            self._warn(_("{file} cannot be imported: {error}").format(file=path.name, error=error))
            return
        lines = plan.describe()
        shown = "\n".join(lines[:PLAN_LINES] + (["…"] if len(lines) > PLAN_LINES else []))
        if plan.blocked:
            self._warn(shown)
            return
        if not window.dialogs.question_plain(window, _("Import these people?") + "\n\n" + shown):
            return
        service = window.service
        window.writer.later(
            _("Importing {file}…").format(file=path.name),
            lambda: service.import_contacts(plan),
            then=lambda _change: self._say(
                _("Imported {file}: {summary}.").format(file=path.name, summary=plan.summary()),
                10_000,
            ),
            failed=window.report_failure(_("The contact import")),
        )

    def export_contacts_file(self) -> None:
        """Write the selected card's people (or everyone) as a vCard file."""
        window = self._window
        current = window.board.current_id() if window.pages.showing(window.board) else None
        path = window.dialogs.save_file(window, _("Export contacts"), "contacts.vcf", VCARD_FILTER)
        if path is None:
            return
        from followup_desktop.core.files import write_atomically
        from followup_desktop.core.imports.vcard import write_vcards

        db = window.service.db

        def work() -> int:
            cards = contacts_for_export(db, current)
            write_atomically(path, write_vcards(cards).encode("utf-8"), _("the contacts"))
            return len(cards)

        window.tasks.submit(
            work,
            lambda count: self._say(
                ngettext(
                    "Wrote {n} contact to {path}.", "Wrote {n} contacts to {path}.", count
                ).format(n=number(count), path=path),
                5000,
            ),
            window.report_failure(_("The contact export")),
        )

    def proof_of_search(self) -> None:
        """Open the proof-of-search dialog."""
        from followup_desktop.gui.proof_dialog import ProofDialog

        window = self._window
        today = window.service.clock().astimezone(window.tz).date()
        dialog = ProofDialog(window.service.db, window.tasks, window.dialogs, today, window)
        window.dialogs.run_once(dialog)

    def backup(self) -> None:
        """Write a consistent copy of the database, on the worker thread."""
        window = self._window
        stamp = window.service.clock().astimezone(window.tz).strftime("%Y-%m-%d")
        path = window.dialogs.save_file(
            window, _("Back up the database"), f"followup-backup-{stamp}.sqlite3", SQLITE_FILTER
        )
        if path is None:
            return
        if path.exists():
            self._warn(_("{path} exists already; choose a new file name.").format(path=path))
            return
        db = window.service.db
        self._read_job(
            _("The backup"),
            _("Backing up to {file}…").format(file=path.name),
            lambda: db.backup("manual", path),
            lambda result: self._say(_("Backed up to {path}.").format(path=result), 5000),
        )

    # -- files handed over ------------------------------------------------------------

    def open_arguments(self, arguments: Sequence[str]) -> None:
        """Files handed over by a second launch or the command line: import .ics ones."""
        for path in ics_paths(arguments):
            self.import_calendar_file(path.expanduser().absolute())

    def open_all_dropped(self, paths: Sequence[Path]) -> None:
        """Each file dropped on the window, to its importer; saved e-mails dropped
        together are read into one "From your mailbox" window."""
        absolute = [path.expanduser().absolute() for path in paths]
        for path in absolute:
            if path.suffix.lower() != MAIL_SUFFIX:
                self.open_dropped(path)
        mail = [path for path in absolute if path.suffix.lower() == MAIL_SUFFIX]
        if mail:
            self.open_mail_files(mail)

    def open_dropped(self, path: Path) -> None:
        """A file dropped on the window: each kind goes to its importer."""
        suffix = path.suffix.lower()
        if suffix == ICS_SUFFIX:
            self.import_calendar_file(path)
        elif suffix in SHEET_SUFFIXES:
            from followup_desktop.core.imports.contacts import looks_like_people

            if looks_like_people(path):
                self.import_contacts_file(path)
            else:
                self.import_spreadsheet(path)
        elif suffix in HTML_SUFFIXES:
            self.import_posting_file(path)
        elif suffix == VCARD_SUFFIX:
            self.import_contacts_file(path)
        elif suffix == MAIL_SUFFIX:
            self.open_mail_files([path])

    def open_mail_files(
        self,
        paths: Sequence[Path],
        opportunity: tuple[int, str] | None = None,
        parent: QWidget | None = None,
        changed: Callable[[Change], None] | None = None,
    ) -> None:
        """Saved e-mails: read as mail from the server is, into "From your mailbox".

        Dropped on a card or an opportunity's editor, ``opportunity`` (its id and name)
        says which opportunity they are for; ``parent`` is the editor they were dropped
        on, so the review opens on top of it, and ``changed`` hears each confirm as
        the board does."""
        from followup_desktop.gui.mailbox import dropped_mail_dialog  # loaded when used

        window = self._window
        if window.writer.refuse_while_busy():
            return
        dialog = dropped_mail_dialog(
            window.service,
            paths,
            parent or window,
            tasks=window.tasks,
            passwords=window.passwords,
            opportunity=opportunity,
        )
        dialog.changed.connect(window.bus.publish)
        if changed is not None:
            dialog.changed.connect(changed)
        window.dialogs.run_once(dialog)
