"""The main window: the board in the middle, the Today panel beside it, menus around them.

Every change goes through :class:`FollowupService`; the :class:`Change` it returns comes
back to :meth:`MainWindow.apply_change`, which re-reads only the cards it names and then
tells :attr:`MainWindow.on_changed` (the application re-arms its reminders there). Slow
jobs (import, export, backup) run on one worker thread. Window geometry, panels, the
page shown (board or question bank), filters and the selected cards are kept in a small
settings file, so a reopened window is where the person left it.

:meth:`MainWindow.open_action` is the one way to act on a planned step, from the Today
panel, the tray or a notification: a debrief opens the debrief form, a message opens
the composer, anything else opens the opportunity.
"""

from __future__ import annotations

import importlib.util
import logging
import sqlite3
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import platformdirs
from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QMimeData,
    QObject,
    QPoint,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QHideEvent,
    QKeySequence,
    QShowEvent,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDockWidget,
    QLineEdit,
    QMainWindow,
    QMenu,
    QSizePolicy,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from followup_desktop import APP_NAME, __version__
from followup_desktop.core.agenda import AgendaItem, agenda, missed
from followup_desktop.core.board import (
    CardSnapshot,
    StageSnapshot,
    due_counts,
    load_cards,
    load_search_texts,
    load_settings_with_prefix,
    load_stages,
)
from followup_desktop.core.change import Change
from followup_desktop.core.errors import FollowupError
from followup_desktop.core.fields import OpportunityFields
from followup_desktop.core.plain_text import for_display
from followup_desktop.core.storage_errors import StorageLocked
from followup_desktop.core.timeutil import local_zone, utcnow
from followup_desktop.gui.agenda_model import AgendaModel
from followup_desktop.gui.announce import announce
from followup_desktop.gui.board_model import BoardFilter, BoardModel
from followup_desktop.gui.board_moves import card_menu, fill_move_menu, moved_words
from followup_desktop.gui.board_view import BoardView
from followup_desktop.gui.commands import (
    CARD_ORDER_PREFIX,
    MoveCardsCommand,
    order_key,
    place_cards,
    ranks_from_setting,
)
from followup_desktop.gui.dialogs import Dialogs
from followup_desktop.gui.plain import PlainLabel
from followup_desktop.gui.screen_fit import keep_on_screen, size_for_screen
from followup_desktop.gui.tab_order import order_tabs
from followup_desktop.gui.tasks import TaskRunner
from followup_desktop.gui.today_panel import TodayPanel
from followup_desktop.secrets import PasswordStore

if TYPE_CHECKING:
    from followup_desktop.core.exchange import ImportResult
    from followup_desktop.core.ics import Proposal
    from followup_desktop.core.services import FollowupService
    from followup_desktop.gui.calendar import CalendarPage
    from followup_desktop.gui.composer import ComposerDialog
    from followup_desktop.gui.debrief import DebriefDialog, QuestionBankWidget
    from followup_desktop.gui.editor import OpportunityEditor
    from followup_desktop.gui.stats import StatsPage

log = logging.getLogger(__name__)

CardData = tuple[list[CardSnapshot], dict[int, float]]
BoardData = tuple[list[StageSnapshot], list[CardSnapshot], dict[int, float]]

# Re-reading a handful of cards is cheaper than all of them; past this, reload the board.
INCREMENTAL_LIMIT = 500
# The Today panel and the search text are read after the first paint, or this long after
# the window is shown, whichever comes first.
AFTER_SHOW_FALLBACK_MS = 1000
CLOCK_TICK_MS = 60_000
# The Today panel lists the most pressing actions; the counts above it cover them all.
TODAY_LIMIT = 200
JSON_FILTER = "Followup export (*.json);;All files (*)"
IMPORT_FILTER = (
    "Followup export or calendar invitation (*.json *.ics);;Followup export (*.json);;"
    "Calendar invitation (*.ics);;All files (*)"
)
ICS_FILTER = "Calendar file (*.ics);;All files (*)"
ICS_SUFFIX = ".ics"
# Interviews that a confirmation lists one by one before "and N more".
PROPOSAL_LINES = 8
SQLITE_FILTER = "SQLite database (*.sqlite3 *.db);;All files (*)"
CSV_FILTER = "CSV file (*.csv);;All files (*)"
SHEET_SUFFIXES = frozenset({".csv", ".tsv"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
VCARD_SUFFIX = ".vcf"
DROPPABLE_SUFFIXES = frozenset({ICS_SUFFIX, VCARD_SUFFIX, *SHEET_SUFFIXES, *HTML_SUFFIXES})
HTML_FILTER = "Web pages (*.html *.htm);;All files (*)"
CONTACTS_FILTER = "Contacts (*.vcf *.csv);;All files (*)"
VCARD_FILTER = "vCard (*.vcf);;All files (*)"
REPLACE_QUESTION = (
    "Replace everything in this database with the file's contents? A backup is taken first."
)
# What the status bar reports after an import, in the person's words.
IMPORT_SUMMARY = (
    ("opportunities", "opportunities"),
    ("contacts", "contacts"),
    ("interviews", "interviews"),
    ("debriefs", "debriefs"),
    ("actions", "actions"),
    ("correspondence", "messages"),
)
# Changes that can alter what the question bank lists (its own edits are "question").
BANK_ENTITIES = frozenset({"debrief", "interview", "opportunity", "contact"})
# An import replaces everything: what the window tells its listeners afterwards.
EVERYTHING_CHANGED = Change(
    entities=frozenset({"opportunity", "contact", "interview", "debrief", "action", "stage"})
)
WIRED_PROPERTY = "followupWired"
PAGE_BOARD = "board"
PAGE_QUESTIONS = "questions"
PAGE_CALENDAR = "calendar"
# Changes that can alter what the calendar shows.
CALENDAR_ENTITIES = frozenset({"interview", "action", "opportunity", "stage"})


def window_settings_path() -> Path:
    """The file that keeps the window's geometry, panels, filters and selection."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "window.ini"


def exchange_available() -> bool:
    """True when the import/export module is installed."""
    return importlib.util.find_spec("followup_desktop.core.exchange") is not None


def message_kinds() -> frozenset[str]:
    """Action kinds the composer drafts (a phone call gets a call script)."""
    from followup_desktop.core.messages import KIND_TEMPLATES  # loaded on first use

    return frozenset(KIND_TEMPLATES)


@dataclass(frozen=True, slots=True)
class ActionTarget:
    """What :meth:`MainWindow.open_action` needs to know about an action."""

    action_id: int
    kind: str
    opportunity_id: int | None
    interview_id: int | None


def read_action_target(service: FollowupService, action_id: int) -> ActionTarget | None:
    """The kind and links of one action, or None when it no longer exists."""
    from sqlalchemy import select

    from followup_desktop.core.models import Action

    with service.db.session() as session:
        row = session.execute(
            select(Action.kind, Action.opportunity_id, Action.interview_id).where(
                Action.id == action_id
            )
        ).one_or_none()
    if row is None:
        return None
    return ActionTarget(action_id, row.kind, row.opportunity_id, row.interview_id)


def ics_paths(arguments: Sequence[str]) -> list[Path]:
    """The calendar files among command-line arguments or dropped file names."""
    return [Path(text) for text in arguments if text.lower().endswith(ICS_SUFFIX)]


def describe_proposals(path: Path, proposals: Sequence[Proposal], tz: tzinfo) -> str:
    """The confirmation asked before an .ics import: what each invitation would do."""
    from followup_desktop.core.ics import describe_proposal  # loaded with the importer

    lines = [f"Import {for_display(path.name)}?"]
    lines += [
        f"• {for_display(describe_proposal(proposal, tz))}"
        for proposal in proposals[:PROPOSAL_LINES]
    ]
    if len(proposals) > PROPOSAL_LINES:
        lines.append(f"… and {len(proposals) - PROPOSAL_LINES} more.")
    return "\n".join(lines)


def import_summary(path: Path, result: ImportResult) -> str:
    """One line for the status bar: what an import brought in and where the backup is."""
    counts = ", ".join(
        f"{result.counts.get(table, 0)} {label}"
        for table, label in IMPORT_SUMMARY
        if result.counts.get(table, 0)
    )
    text = f"Imported {path.name}: {counts or 'no records'}, and planned what comes next."
    if result.unplanned:
        text += (
            f" {len(result.unplanned)} could not be planned (open them to correct the "
            "facts the playbook names)."
        )
    if result.backup is not None:
        text += f" The previous data is backed up in {result.backup}."
    return text


@dataclass(frozen=True)
class StartupSource:
    """What the window paints its first board from before the service layer is ready.

    A query-only connection on a database that passed the opening checks
    (:func:`~followup_desktop.core.plainread.open_current`): the board's reads are plain
    SQL, so the window is on screen before SQLAlchemy is even loaded. The application
    hands the window its :class:`FollowupService` with :meth:`MainWindow.attach_service`
    once the database is fully open; until then the window takes no input.
    """

    connection: sqlite3.Connection
    clock: Callable[[], datetime] = utcnow


class _InputGate(QObject):
    """Holds back clicks, keys and drops aimed at one window until it can act on them."""

    BLOCKED = frozenset(
        {
            QEvent.Type.MouseButtonPress,
            QEvent.Type.MouseButtonRelease,
            QEvent.Type.MouseButtonDblClick,
            QEvent.Type.KeyPress,
            QEvent.Type.KeyRelease,
            QEvent.Type.ShortcutOverride,
            QEvent.Type.Shortcut,
            QEvent.Type.Drop,
            QEvent.Type.ContextMenu,
        }
    )

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self._window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in self.BLOCKED and isinstance(watched, QWidget):
            return watched.window() is self._window
        return False


class MainWindow(QMainWindow):
    """Followup's window: the board of opportunities and what is due today."""

    #: Emitted once, when the window with its board has painted for the first time.
    first_painted = Signal()
    #: The page to show once the service is attached (see _restore_state).
    _page_after_start: str = PAGE_BOARD

    def __init__(
        self,
        service: FollowupService | StartupSource,
        *,
        dialogs: Dialogs | None = None,
        settings: QSettings | None = None,
        passwords: PasswordStore | None = None,
    ) -> None:
        super().__init__()
        self._startup: StartupSource | None = None
        self._gate: _InputGate | None = None
        if isinstance(service, StartupSource):
            self._startup = service
            self._clock = service.clock
        else:
            self._service = service
            self._clock = service.clock
        # Reads nothing on screen needs for the first paint (the Today panel, the search
        # text) wait for it, so they do not compete with it for the interpreter.
        self._after_paint_started = False
        # A child timer, so it dies with the window (a bare singleShot could fire after).
        self._after_paint_timer = QTimer(self)
        self._after_paint_timer.setSingleShot(True)
        self._after_paint_timer.timeout.connect(self._after_first_paint)
        # One store for everything this window opens: a password kept "for this session"
        # in the settings must be there for the composer.
        self.passwords = passwords if passwords is not None else PasswordStore()
        #: Called with every Change the window applies (the app re-arms its reminders).
        self.on_changed: Callable[[Change], None] | None = None
        #: Called by File → Quit and Ctrl+Q (the application ends the process there).
        self.on_quit: Callable[[], None] | None = None
        # The card query waits on SQLite, which releases the GIL: start it on a thread now
        # and build the widgets, columns included, meanwhile (the start-up path to a
        # painted board). The stages are a handful of rows, read first.
        stages, first_load = self._start_first_read()
        self.dialogs = dialogs or Dialogs()
        self._settings = settings or QSettings(
            str(window_settings_path()), QSettings.Format.IniFormat
        )
        self._tz = local_zone()
        self._stages: list[StageSnapshot] = []
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        self.setAccessibleName(APP_NAME)
        # As much as the screen allows, up to 1280 by 800 (a small laptop, 200 % scaling).
        size_for_screen(self)

        self.tasks = TaskRunner(self)
        self.tasks.busy_changed.connect(self._busy_changed)
        self.undo_stack = QUndoStack(self)
        self._build_views()
        self._build_filters()
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self.job_label = PlainLabel()
        self.job_label.setAccessibleName("Background work")
        self.statusBar().addPermanentWidget(self.job_label)

        self._today_timer = QTimer(self)
        self._today_timer.setSingleShot(True)
        self._today_timer.setInterval(0)
        self._today_timer.timeout.connect(self.refresh_today_later)
        self._clock_timer = QTimer(self)
        self._clock_timer.setInterval(CLOCK_TICK_MS)
        self._clock_timer.timeout.connect(self._tick)
        self._clock_timer.start()

        self.board.set_stages(stages)
        self.reload_board((stages, *first_load.result()))
        self._restore_state()
        self._update_actions()
        if self._startup is not None:
            self._hold_input()

    def _start_first_read(self) -> tuple[list[StageSnapshot], _Background]:
        """The stages, and the card query already running on a thread."""
        startup = self._startup
        if startup is not None:
            stages = load_stages(startup.connection)
            return stages, _Background(lambda: self._read_cards(stages, startup.connection))
        with self._service.db.session() as session:
            stages = load_stages(session)
        return stages, _Background(lambda: self._read_cards(stages))

    def _hold_input(self) -> None:
        # Nothing may be written before the database is fully open: the board shows, but
        # clicks and keys wait (a fraction of a second) until attach_service().
        self._gate = _InputGate(self)
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self._gate)
        self.statusBar().showMessage("Opening the database…")

    @property
    def service_ready(self) -> bool:
        """False while the window shows its first board and waits for its service."""
        return self._startup is None

    def attach_service(self, service: FollowupService) -> None:
        """Take the service once the database is fully open; the window then takes input.

        The start-up connection is closed; what waited for the service (the Today panel,
        the search text) is read now if the window has already painted.
        """
        startup, self._startup = self._startup, None
        self._service = service
        self._clock = service.clock
        if self._gate is not None:
            app = QApplication.instance()
            if app is not None:
                app.removeEventFilter(self._gate)
            self._gate.deleteLater()
            self._gate = None
        if startup is not None:
            startup.connection.close()
        self._update_status()
        if self._after_paint_started:
            self.refresh_today_later()
            self._read_search_texts_later()
        page, self._page_after_start = self._page_after_start, PAGE_BOARD
        self._show_saved_page(page)

    # -- building ----------------------------------------------------------------------

    def _build_views(self) -> None:
        clock = self._now
        self.board_model = BoardModel(clock, self._tz, self)
        self.board = BoardView(self.board_model, clock, self._tz, self.handle_drop)
        self.board.open_requested.connect(self.open_opportunity)
        self.board.menu_requested.connect(self.show_card_menu)
        self.board.selection_changed.connect(self._update_actions)
        self.views = QStackedWidget()
        self.views.setObjectName("mainViews")
        self.views.setAccessibleName("Main view")
        self.views.addWidget(self.board)
        # Built when first shown: it reads every stumbled question.
        self.question_bank: QuestionBankWidget | None = None
        # Built when first shown: it builds the index of expected decisions.
        self.calendar: CalendarPage | None = None
        # Built when first shown, chart code and all.
        self.stats_page: StatsPage | None = None
        # A calendar invitation dropped on the window is imported.
        self.setAcceptDrops(True)
        self._bank_stale = False
        self.setCentralWidget(self.views)

        self.agenda_model = AgendaModel(self._tz, self)
        self.today = TodayPanel(self.agenda_model, clock, self._tz)
        self.today.done_requested.connect(self.complete_action)
        self.today.snooze_requested.connect(self.snooze_action)
        self.today.open_action_requested.connect(self.open_action)
        self.today.clear_missed_requested.connect(self.clear_missed)
        self.today_dock = QDockWidget("Today", self)
        self.today_dock.setObjectName("todayDock")
        self.today_dock.setAccessibleName("Today panel")
        self.today_dock.setWidget(self.today)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.today_dock)
        self.agenda_view = self.today.view

    def _build_filters(self) -> None:
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText("Find: company, role, contact, notes  (Ctrl+F)")
        self.search.setAccessibleName("Find cards")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(180)
        self.search.setMaximumWidth(420)
        self.search.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.search.textChanged.connect(self._filter_changed)
        self.needs_action = QCheckBox("Needs action")
        self.needs_action.setObjectName("needsAction")
        self.needs_action.setAccessibleName("Show only cards with something overdue or due today")
        self.needs_action.setToolTip("Only cards with an action overdue or due today")
        self.needs_action.toggled.connect(self._filter_changed)
        self.show_archived = QCheckBox("Archived")
        self.show_archived.setObjectName("showArchived")
        self.show_archived.setAccessibleName("Show archived cards")
        self.show_archived.setToolTip("Also show archived opportunities")
        self.show_archived.toggled.connect(self._filter_changed)

    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        key = QKeySequence.StandardKey
        self.new_action = self._action(
            "&New opportunity…", self.new_opportunity, key.New, "Add a job you are pursuing"
        )
        self.import_action = self._action(
            "&Import…",
            self.import_file,
            None,
            "Read a Followup export (JSON) or a calendar invitation (.ics)",
        )
        self.export_action = self._action(
            "&Export…", self.export_file, None, "Write everything to a JSON file"
        )
        self.import_sheet_action = self._action(
            "Import &spreadsheet…",
            self.import_spreadsheet,
            None,
            "Bring in a CSV from LinkedIn, Huntr, Teal, Simplify, JobSync or your own sheet",
        )
        self.export_sheet_action = self._action(
            "Export s&preadsheet…",
            self.export_spreadsheet,
            None,
            "Write every opportunity to a CSV file for spreadsheets",
        )
        self.posting_action = self._action(
            "Add job from a &posting page…",
            self.import_posting_file,
            None,
            "Read a saved job posting page (.html) into a new wishlist card",
        )
        self.paste_posting_action = self._action(
            "Paste job &posting",
            self.paste_posting,
            "Ctrl+Shift+V",
            "Read a job posting page copied to the clipboard into a new wishlist card",
        )
        self.contacts_action = self._action(
            "Import &contacts…",
            self.import_contacts_file,
            None,
            "Add people from LinkedIn's Connections.csv or a vCard file",
        )
        self.export_contacts_action = self._action(
            "Export contacts (&vCard)…",
            self.export_contacts_file,
            None,
            "Write everyone, or the selected card's people, as a vCard file",
        )
        self.proof_action = self._action(
            "&Proof of search…",
            self.proof_of_search,
            None,
            "Every application of a period, as a PDF form or CSV for a job centre",
        )
        self.export_calendar_action = self._action(
            "Export &calendar…",
            self.export_calendar_file,
            None,
            "Write interviews, follow-ups and expected decisions to an .ics file",
        )
        if not exchange_available():
            for action in (self.import_action, self.export_action):
                action.setEnabled(False)
                action.setToolTip("Import and export are not installed in this build")
        self.backup_action = self._action(
            "&Back up…", self.backup, None, "Write a consistent copy of the database"
        )
        self.quit_action = self._action("&Quit", self.request_quit, None, "Stop Followup")
        # The platform's Quit keys, and Ctrl+Q where a platform names none (offscreen,
        # some desktops' themes).
        self.quit_action.setShortcuts(
            QKeySequence.keyBindings(key.Quit) or [QKeySequence("Ctrl+Q")]
        )
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence(key.Undo))
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcut(QKeySequence(key.Redo))
        # Tooltips that add to the name, so a screen reader does not say "Undo" twice.
        self.undo_action.setToolTip("Undo the last change (Ctrl+Z)")
        self.redo_action.setToolTip("Redo what was undone (Ctrl+Shift+Z)")
        self.find_action = self._action("&Find…", self.focus_search, key.Find, "Search the cards")
        self.open_card_action = self._action("&Open card", self._open_current, "Return")
        # Return also activates the list views; the action's shortcut would clash there.
        self.open_card_action.setShortcut(QKeySequence())
        self.debrief_action = self._action(
            "&Debrief the latest interview…",
            self.new_debrief,
            "Ctrl+D",
            "Write down how the interview that ended last went",
        )
        self.next_stage_action = self._action(
            "Move to &next stage",
            lambda: self.move_selected(1),
            "Ctrl+Shift+Right",
            "Move the selected cards one column right",
        )
        self.previous_stage_action = self._action(
            "Move to &previous stage",
            lambda: self.move_selected(-1),
            "Ctrl+Shift+Left",
            "Move the selected cards one column left",
        )
        self.archive_action = self._action(
            "&Archive / restore", self.toggle_archived, "Ctrl+Shift+A", "Archive the selection"
        )
        self.move_to_action = self._action(
            "&Move to…",
            self.show_move_menu,
            "Ctrl+M",
            "Move the selected cards to a stage you choose",
        )
        self.settings_action = self._action(
            "&Settings…", self.open_settings, key.Preferences, "Stages, playbook, working hours"
        )
        self.mailbox_action = self._action(
            "From your &mailbox…",
            self.open_mailbox,
            "Ctrl+Shift+M",
            "Sent notes and replies found in your mailbox, to confirm or dismiss",
        )
        self.board_action = self._action("&Board", self.show_board, "Ctrl+1")
        self.questions_action = self._action(
            "&Question bank",
            self.show_questions,
            "Ctrl+3",
            "Questions you stumbled on, with better answers to practise",
        )
        self.calendar_action = self._action(
            "&Calendar",
            self.show_calendar,
            "Ctrl+2",
            "Interviews, follow-ups and expected decisions by day",
        )
        self.stats_action = self._action(
            "&Your search", self.show_stats, "Ctrl+4", "Funnel, response times, weekly activity"
        )
        # One page at a time; the checked item says which is showing.
        self._page_group = QActionGroup(self)
        pages = (self.board_action, self.calendar_action, self.questions_action, self.stats_action)
        for action in pages:
            action.setCheckable(True)
            self._page_group.addAction(action)
        self.board_action.setChecked(True)
        self.today_action = self.today_dock.toggleViewAction()
        self.today_action.setText("&Today")
        # Ctrl+1..4 are the pages (board, calendar, question bank, your search).
        self.today_action.setShortcut(QKeySequence("Ctrl+T"))
        self.today_action.setToolTip("Show or hide the Today panel (Ctrl+T)")
        self.refresh_action = self._action("&Refresh", self.refresh, key.Refresh)
        self.about_action = self._action("&About Followup", self.about)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        for action in (self.new_action, self.debrief_action, None):
            self._add(file_menu, action)
        for action in (
            self.import_action,
            self.import_sheet_action,
            self.export_action,
            self.export_sheet_action,
            self.export_calendar_action,
            None,
            self.posting_action,
            self.contacts_action,
            self.export_contacts_action,
            self.proof_action,
            None,
        ):
            self._add(file_menu, action)
        for action in (self.backup_action, None, self.quit_action):
            self._add(file_menu, action)
        edit_menu = bar.addMenu("&Edit")
        for action in (
            self.undo_action,
            self.redo_action,
            None,
            self.find_action,
            self.paste_posting_action,
            None,
            self.next_stage_action,
            self.previous_stage_action,
            self.move_to_action,
            self.archive_action,
            None,
            self.settings_action,
        ):
            self._add(edit_menu, action)
        view_menu = bar.addMenu("&View")
        for action in (
            self.board_action,
            self.calendar_action,
            self.questions_action,
            self.stats_action,
            self.today_action,
            self.mailbox_action,
            None,
            self.refresh_action,
        ):
            self._add(view_menu, action)
        view_menu.setToolTipsVisible(True)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.about_action)

    @staticmethod
    def _add(menu: Any, action: QAction | None) -> None:
        if action is None:
            menu.addSeparator()
        else:
            menu.addAction(action)

    def _build_toolbar(self) -> None:
        toolbar = QToolBar("Main toolbar", self)
        toolbar.setObjectName("mainToolbar")
        toolbar.setAccessibleName("Main toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addAction(self.new_action)
        toolbar.addSeparator()
        toolbar.addAction(self.undo_action)
        toolbar.addAction(self.redo_action)
        toolbar.addSeparator()
        toolbar.addWidget(self.search)
        toolbar.addWidget(self.needs_action)
        toolbar.addWidget(self.show_archived)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        toolbar.addAction(self.today_action)
        toolbar.addAction(self.settings_action)
        for action in toolbar.actions():
            widget = toolbar.widgetForAction(action)
            if widget is not None and not widget.accessibleName():
                widget.setAccessibleName(action.text().replace("&", "").rstrip("…"))
        self.addToolBar(toolbar)
        self.toolbar = toolbar

    # -- reading -----------------------------------------------------------------------

    def _read_board(self) -> BoardData:
        with self._service.db.session() as session:
            stages = load_stages(session)
        return (stages, *self._read_cards(stages))

    def _now(self) -> datetime:
        # The service's clock once there is a service (tests give it a fixed one).
        return self._clock()

    def _read_cards(
        self, stages: Sequence[StageSnapshot], connection: sqlite3.Connection | None = None
    ) -> CardData:
        if connection is not None:
            cards = load_cards(connection, self._now())
            stored = load_settings_with_prefix(connection, CARD_ORDER_PREFIX)
        else:
            with self._service.db.session() as session:
                cards = load_cards(session, self._now())
                stored = load_settings_with_prefix(session, CARD_ORDER_PREFIX)
        ranks: dict[int, float] = {}
        stage_of = {card.opportunity_id: card.stage_id for card in cards}
        for stage in stages:
            column = ranks_from_setting(stored.get(order_key(stage.id), {}))
            # A card moved by keyboard leaves a stale entry in its old column: skip it.
            ranks.update(
                {key: value for key, value in column.items() if stage_of.get(key) == stage.id}
            )
        return cards, ranks

    def reload_board(self, data: BoardData | None = None) -> None:
        """Read the stages and every card again (start-up, imports, big re-plans)."""
        stages, cards, ranks = data if data is not None else self._read_board()
        self._stages = stages
        self.board.set_stages(self._stages)
        self._order_tabs()
        self.board_model.set_cards(cards, ranks)
        self._update_status()
        if self._after_paint_started:
            self._read_search_texts_later()

    def _order_tabs(self) -> None:
        # Search first, then the filters, the columns and the Today list (columns come
        # and go with the stages, so this follows every rebuild).
        filters = [self.search, self.needs_action, self.show_archived]
        order_tabs(self.board, [*filters, *self.board.views(), self.agenda_view])

    def event(self, event: QEvent) -> bool:
        if not self._after_paint_started:
            kind = event.type()
            if kind == QEvent.Type.Paint:
                # Queued, so it runs once this paint and the rest of the window's are done.
                self._after_paint_timer.start(0)
            elif kind == QEvent.Type.Show and not self._after_paint_timer.isActive():
                # In case a platform shows the window without painting it as a whole.
                self._after_paint_timer.start(AFTER_SHOW_FALLBACK_MS)
        return super().event(event)

    def _after_first_paint(self) -> None:
        if self._after_paint_started:
            return
        self._after_paint_started = True
        self.first_painted.emit()
        if self._startup is None:
            self.refresh_today_later()
            self._read_search_texts_later()
        # Otherwise attach_service() reads them, once there is a service to read with.

    @property
    def settled(self) -> bool:
        """True once the window has painted and read everything it reads after that."""
        return self._after_paint_started and self._startup is None and self.tasks.idle

    def _read_search_texts_later(self) -> None:
        # The search box's text is not on the cards: read it once they are painted.
        generation = self.board_model.generation
        self.tasks.submit(
            self._read_search_texts,
            lambda texts: self.board_model.set_search_texts(texts, generation),
            self._report_failure("Reading the text to search"),
            quiet=True,
        )

    def _read_search_texts(self) -> dict[int, str]:
        with self._service.db.session() as session:
            return load_search_texts(session)

    def _ensure_search_texts(self) -> None:
        """Read the search text now when a search starts before it has arrived."""
        if not self.board_model.search_complete:
            self.board_model.set_search_texts(
                self._read_search_texts(), self.board_model.generation
            )

    def _reload_stages(self) -> None:
        selected = self.board.selected_ids()
        with self._service.db.session() as session:
            self._stages = load_stages(session)
        self.board.set_stages(self._stages)
        self._order_tabs()
        self.board.select_cards(selected, focus=False)

    def apply_change(
        self,
        change: Change,
        ranks: Mapping[int, float] | None = None,
        board: BoardData | None = None,
    ) -> None:
        """Bring the board and the Today panel up to date with what a service call changed.

        ``ranks`` is the hand-made card order when the change set it (moves pass it on,
        so the order is not read back from the database). ``board`` is the whole board
        already read (on the worker) for a change too big to apply card by card.
        """
        if "stage" in change.entities:
            self._reload_stages()
        ids = _touched(change)
        if len(ids) > INCREMENTAL_LIMIT:
            self.reload_board(board)
        elif ids:
            with self._service.db.session() as session:
                cards = load_cards(session, self._service.clock(), ids)
                texts = load_search_texts(session, ids)
            found = {card.opportunity_id for card in cards}
            self.board_model.update_cards(
                cards,
                removed=ids - found,
                ranks=None if ranks is None else dict(ranks),
                search=texts,
            )
        if change.entities & BANK_ENTITIES:
            self._question_bank_changed()
        if self.calendar is not None and change.entities & CALENDAR_ENTITIES:
            self.calendar.apply_change(ids, everything="stage" in change.entities)
        if self.stats_page is not None:
            self.stats_page.mark_stale()
        self._update_status()
        self._today_timer.start()
        self._notify(change)

    def _notify(self, change: Change) -> None:
        if self.on_changed is not None:
            self.on_changed(change)

    def _read_today(self) -> tuple[list[AgendaItem], int, int, list[AgendaItem]]:
        now = self._service.clock()
        local = now.astimezone(self._tz)
        end_of_today = local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
        with self._service.db.session() as session:
            items = agenda(session, now, self._tz, until=end_of_today, limit=TODAY_LIMIT)
            overdue, today = due_counts(session, now, self._tz)
            gone = missed(session, limit=TODAY_LIMIT)
        return items, overdue, today, gone

    def _show_today(self, result: object) -> None:
        assert isinstance(result, tuple)
        items, overdue, today, gone = result
        self.today.set_items(list(items), int(overdue), int(today))
        self.today.set_missed(list(gone))
        self._update_status()

    def clear_missed(self) -> None:
        """Dismiss every step in the missed list."""
        self._run_service(self._service.clear_missed)

    def refresh_today(self) -> None:
        """Re-read what is overdue or due today, now."""
        self._show_today(self._read_today())

    def refresh_today_later(self) -> None:
        """Re-read the Today panel on the worker thread (it sorts every open action)."""
        self.tasks.submit(
            self._read_today, self._show_today, self._report_failure("Today"), quiet=True
        )

    def refresh(self) -> None:
        """Re-read everything from the database."""
        selected = self.board.selected_ids()
        self.reload_board()
        self.refresh_today()
        self._question_bank_changed()
        if self.calendar is not None:
            self.calendar.apply_change((), everything=True)
        self.board.select_cards(selected, focus=self.views.currentWidget() is self.board)

    def refresh_later(self, then: Callable[[], None] | None = None) -> None:
        """Re-read everything, the board's cards on the worker; ``then`` runs after."""

        def read() -> tuple[BoardData, tuple[list[AgendaItem], int, int, list[AgendaItem]]]:
            return self._read_board(), self._read_today()

        def show(data: object) -> None:
            board, today = cast("tuple[BoardData, object]", data)
            selected = self.board.selected_ids()
            self.reload_board(board)
            self._show_today(today)
            self._question_bank_changed()
            if self.calendar is not None:
                self.calendar.apply_change((), everything=True)
            self.board.select_cards(selected, focus=self.views.currentWidget() is self.board)
            if then is not None:
                then()

        self.tasks.submit(read, show, self._report_failure("Reading the board"))

    def _tick(self) -> None:
        # Due states move with the clock: a card due at 14:00 is overdue at 14:01.
        self.board_model.set_now()
        if self._startup is None:
            self.refresh_today_later()
        if self.calendar is not None and self.views.currentWidget() is self.calendar:
            # Overdue marks and "today" move with the clock too.
            self.calendar.refresh()

    def _update_status(self) -> None:
        if not hasattr(self, "today"):
            return
        total = len(self.board_model.cards())
        shown = sum(column.view.proxy.rowCount() for column in self.board.columns)
        overdue, today = self.today.counts
        self.statusBar().showMessage(
            f"{shown} of {total} opportunities shown · {overdue} actions overdue · "
            f"{today} due today"
        )

    # -- filters -----------------------------------------------------------------------

    def _filter_changed(self) -> None:
        if self.search.text().strip():
            self._ensure_search_texts()
        self.board_model.set_filter(
            BoardFilter(
                self.search.text(), self.needs_action.isChecked(), self.show_archived.isChecked()
            )
        )
        self._update_status()

    def focus_search(self) -> None:
        """Put the cursor in the search box of the page showing."""
        search = self.search
        if self.question_bank is not None and self.views.currentWidget() is self.question_bank:
            search = self.question_bank.search
        search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        search.selectAll()

    def show_board(self) -> None:
        """Show the board and give it the keyboard focus."""
        self.views.setCurrentWidget(self.board)
        self.board_action.setChecked(True)
        self._page_changed()
        views = self.board.views()
        view = self.board.focused_view() or (views[0] if views else None)
        if view is not None:
            view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def show_questions(self) -> QuestionBankWidget:
        """Show the bank of stumbled questions, with the cursor in its search box."""
        bank = self._question_bank()
        if self._bank_stale:
            bank.refresh()
            self._bank_stale = False
        self.views.setCurrentWidget(bank)
        self.questions_action.setChecked(True)
        self._page_changed()
        bank.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return bank

    def show_calendar(self) -> CalendarPage:
        """Show the calendar page, with the keyboard on the selected day."""
        page = self._calendar_page()
        self.views.setCurrentWidget(page)
        page.refresh_if_stale()
        self.calendar_action.setChecked(True)
        self._page_changed()
        page.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return page

    def _calendar_page(self) -> CalendarPage:
        if self.calendar is None:
            from followup_desktop.gui.calendar import CalendarPage

            page = CalendarPage(
                self._service.db, self._service.clock, self._tz, service=self._service
            )
            page.open_opportunity.connect(self.open_opportunity)
            # A dragged interview re-plans its actions: the board and Today follow.
            page.changed.connect(self.apply_change)
            page.move_failed.connect(lambda message: self.dialogs.warning(self, message))
            page.open_action.connect(self.open_action)
            page.schedule_requested.connect(self.schedule_interview)
            self.views.addWidget(page)
            self.calendar = page
            page.refresh()
        return self.calendar

    def show_stats(self) -> StatsPage:
        """Show "Your search", computing its figures on the worker if they are old."""
        if self.stats_page is None:
            from followup_desktop.gui.stats import StatsPage  # chart code loads here

            self.stats_page = StatsPage(self._service, self.tasks, self._tz, self.dialogs)
            self.stats_page.changed.connect(self.apply_change)
            self.views.addWidget(self.stats_page)
        self.views.setCurrentWidget(self.stats_page)
        self.stats_page.refresh_if_stale()
        self.stats_action.setChecked(True)
        self._page_changed()
        self.stats_page.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return self.stats_page

    def schedule_interview(self, day: object) -> None:
        """Ask for an interview on ``day`` (a date) and store it."""
        from followup_desktop.gui.calendar import ScheduleInterviewDialog

        assert isinstance(day, date)
        dialog = ScheduleInterviewDialog(self._service, day, self._tz, self)
        dialog.saved.connect(self.apply_change)
        self.dialogs.run(dialog)
        dialog.deleteLater()

    def _question_bank(self) -> QuestionBankWidget:
        if self.question_bank is None:
            from followup_desktop.gui.debrief import QuestionBankWidget

            bank = QuestionBankWidget(self._service)
            # Its own edits need no re-read of itself; the rest of the window still hears.
            bank.changed.connect(self.apply_change)
            self.views.addWidget(bank)
            self.question_bank = bank
            self._bank_stale = False
        return self.question_bank

    def _question_bank_changed(self) -> None:
        if self.question_bank is None:
            return
        if self.views.currentWidget() is self.question_bank:
            self.question_bank.refresh()
        else:
            self._bank_stale = True

    def _page_changed(self) -> None:
        on_board = self.views.currentWidget() is self.board
        # The filters act on the board only; greyed out, they say so.
        for widget in (self.search, self.needs_action, self.show_archived):
            widget.setEnabled(on_board)
        self._update_actions()

    # -- moving cards ------------------------------------------------------------------

    def _stage_name(self, stage_id: int) -> str:
        return next((s.name for s in self._stages if s.id == stage_id), "another stage")

    def _previous_stages(self, ids: Sequence[int]) -> dict[int, int]:
        previous: dict[int, int] = {}
        for card_id in ids:
            card = self.board_model.card(card_id)
            if card is not None:
                previous[card_id] = card.stage_id
        return previous

    def handle_drop(self, ids: list[int], stage_id: int, row: int) -> bool:
        """Move dropped cards into a stage before the card now on ``row``; undoable."""
        previous = self._previous_stages(ids)
        column = self.board.column_for_stage(stage_id)
        if not previous or column is None:
            return False
        moving = list(previous)
        shown = column.view.proxy.ids()
        anchor = next((card_id for card_id in shown[row:] if card_id not in previous), None)
        full = self.board_model.ids_in_stage(stage_id)
        before = self.board_model.ranks()
        rest = [card_id for card_id in full if card_id not in previous]
        position = len(rest) if anchor is None else rest.index(anchor)
        new_order = [*rest[:position], *moving, *rest[position:]]
        if all(stage == stage_id for stage in previous.values()) and new_order == full:
            return False
        after = place_cards(full, moving, anchor, before)
        stored_before = {key: before[key] for key in full if key in before}
        stored_after = {key: after[key] for key in new_order if key in after}
        self.undo_stack.push(
            MoveCardsCommand(
                self._service,
                self._apply_and_select(moving),
                previous,
                stage_id,
                self._stage_name(stage_id),
                before,
                after,
                stored_before,
                stored_after,
            )
        )
        return True

    def _apply_and_select(
        self, ids: list[int]
    ) -> Callable[[Change, Mapping[int, float] | None], None]:
        def sink(change: Change, ranks: Mapping[int, float] | None) -> None:
            self.apply_change(change, ranks)
            self.board.select_cards(ids)
            self._announce_move(ids)

        return sink

    def _announce_move(self, ids: Sequence[int]) -> None:
        cards = [card for card in map(self.board_model.card, ids) if card is not None]
        stages = {card.stage_id for card in cards}
        if len(stages) == 1:
            words = moved_words(cards, self._stage_name(stages.pop()))
        else:
            words = f"{len(cards)} cards moved back to their stages"
        self.statusBar().showMessage(words, 5000)
        announce(self.board.focused_view() or self.board, words)

    def show_move_menu(self) -> None:
        """Ctrl+M: a menu of the stages at the focused card; choosing one moves there."""
        current = self.board.current_id()
        card = self.board_model.card(current) if current is not None else None
        menu = QMenu(self)
        menu.setObjectName("moveToMenu")
        menu.setTitle("Move to")
        fill_move_menu(menu, self._stages, card.stage_id if card else None, self.move_selected_to)
        self.dialogs.popup(menu, self.board.current_card_point())

    def show_card_menu(self, point: QPoint) -> None:
        """A card's context menu: open, move to a stage, archive."""
        current = self.board.current_id()
        card = self.board_model.card(current) if current is not None else None
        if card is None:
            return
        self._update_actions()
        menu = card_menu(
            self,
            card,
            self._stages,
            open_card=self._open_current,
            move_to=self.move_selected_to,
            archive=self.archive_action,
        )
        self.dialogs.popup(menu, point)

    def move_selected(self, step: int) -> bool:
        """Move the selected cards to the stage ``step`` columns from the focused card's."""
        ids = self._selected_or_current()
        current = self.board.current_id()
        if not ids:
            return False
        anchor_card = self.board_model.card(current if current is not None else ids[0])
        if anchor_card is None:
            return False
        target = self.board.neighbour_stage(anchor_card.stage_id, step)
        if target is None:
            self.statusBar().showMessage("There is no stage further that way.", 3000)
            return False
        return self.move_selected_to(target)

    def _selected_or_current(self) -> list[int]:
        ids = self.board.selected_ids()
        current = self.board.current_id()
        if not ids and current is not None:
            ids = [current]
        return ids

    def move_selected_to(self, target: int) -> bool:
        """Move the selected cards (or the focused one) to the stage ``target``; undoable."""
        previous = self._previous_stages(self._selected_or_current())
        if not previous or all(stage == target for stage in previous.values()):
            return False
        before = self.board_model.ranks()
        # Cards moved by keyboard take their natural place in the new column.
        after = {key: value for key, value in before.items() if key not in previous}
        self.undo_stack.push(
            MoveCardsCommand(
                self._service,
                self._apply_and_select(list(previous)),
                previous,
                target,
                self._stage_name(target),
                before if after != before else None,
                after if after != before else None,
            )
        )
        return True

    def toggle_archived(self) -> None:
        """Archive the selected cards (or bring them back when all are archived)."""
        ids = self.board.selected_ids()
        if not ids:
            return
        cards = [self.board_model.card(card_id) for card_id in ids]
        archive = not all(card is not None and card.archived for card in cards)
        self._run_service(lambda: self._service.set_archived(ids, archive))

    # -- actions from the Today panel --------------------------------------------------

    def _run_service(self, call: Callable[[], Change]) -> Change | None:
        try:
            change = call()
        except FollowupError as error:
            self.dialogs.warning(self, str(error))
            return None
        self.apply_change(change)
        return change

    def complete_action(self, action_id: int) -> None:
        """Mark an action done."""
        self._run_service(lambda: self._service.complete_action(action_id))

    def snooze_action(self, action_id: int, until: datetime) -> None:
        """Put an action off."""
        self._run_service(lambda: self._service.snooze_action(action_id, until))

    # -- opening actions ---------------------------------------------------------------

    def open_action(self, action_id: int) -> None:
        """Open what an action needs: its debrief, its message, or its opportunity."""
        target = read_action_target(self._service, action_id)
        if target is None:
            self.dialogs.warning(
                self,
                "That step no longer exists: it was done, deleted or re-planned meanwhile. "
                "The Today panel now shows what is current.",
            )
            self.refresh_today_later()
            return
        if target.kind == "debrief" and target.interview_id is not None:
            self.open_debrief(target.interview_id)
        elif target.kind in message_kinds():
            self.open_composer(action_id)
        elif target.opportunity_id is not None:
            self.open_opportunity(target.opportunity_id)
        elif target.kind == "keep_options_open":
            self.dialogs.information(
                self,
                "This step is about your whole search, not one job: keep applying and "
                "interviewing elsewhere until an offer is signed. Add or move the cards "
                "on the board as you do, and mark the step done in the Today panel.",
            )
            self.show_board()
        else:
            self.dialogs.information(
                self,
                "This step belongs to no opportunity, so there is nothing to open. Mark "
                "it done or snooze it in the Today panel.",
            )

    def open_composer(self, action_id: int) -> ComposerDialog | None:
        """Show the composer for a message action (raising one already open for it)."""
        from followup_desktop.gui.composer import ComposerDialog

        for existing in self.findChildren(ComposerDialog):
            if existing.draft.action_id == action_id and existing.isVisible():
                existing.raise_()
                existing.activateWindow()
                return existing
        try:
            dialog = ComposerDialog(self._service, action_id, self, passwords=self.passwords)
        except FollowupError as error:
            self.dialogs.warning(self, f"The message could not be drafted: {error}")
            return None
        # Non-modal, so the person can look at the board while writing; freed on close.
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.changed.connect(self.apply_change)
        self.dialogs.show(dialog)
        return dialog

    def open_debrief(self, interview_id: int) -> DebriefDialog | None:
        """Show the debrief form of an interview, beside the window (not modal)."""
        from followup_desktop.gui.debrief import open_debrief

        try:
            dialog = open_debrief(self._service, interview_id, self)
        except FollowupError as error:
            self.dialogs.warning(self, f"The debrief could not be opened: {error}")
            return None
        self._wire_debrief(dialog)
        return dialog

    def new_debrief(self) -> DebriefDialog | None:
        """Open the debrief of the interview that ended last (says so when there is none)."""
        from followup_desktop.gui.debrief import open_latest_debrief

        try:
            dialog = open_latest_debrief(self._service, self)
        except FollowupError as error:
            self.dialogs.warning(self, f"The debrief could not be opened: {error}")
            return None
        if dialog is not None:
            self._wire_debrief(dialog)
        return dialog

    def _wire_debrief(self, dialog: DebriefDialog) -> None:
        # open_debrief raises a dialog already open instead of making another: connect once.
        if dialog.property(WIRED_PROPERTY):
            return
        dialog.setProperty(WIRED_PROPERTY, True)
        dialog.submitted.connect(self.apply_change)

    # -- dialogs -----------------------------------------------------------------------

    def _open_current(self) -> None:
        current = self.board.current_id()
        if current is not None:
            self.open_opportunity(current)

    def make_editor(self, opportunity_id: int | None) -> OpportunityEditor:
        """The editor for an opportunity (a new one when None), wired to this window."""
        from followup_desktop.gui.editor import OpportunityEditor, debrief_available

        open_debrief = self._open_debrief if debrief_available() else None
        editor = OpportunityEditor(self._service, opportunity_id, self._stages, self, open_debrief)
        editor.saved.connect(self.apply_change)
        return editor

    def open_opportunity(self, opportunity_id: int) -> None:
        """Open the editor on an opportunity."""
        self.dialogs.run(self.make_editor(opportunity_id))

    def new_opportunity(self) -> None:
        """Open the editor on a new opportunity; select it on the board once saved."""
        editor = self.make_editor(None)
        if self.dialogs.run(editor) and editor.opportunity_id is not None:
            self.board.select_cards([editor.opportunity_id])

    def _open_debrief(self, interview_id: int) -> None:
        # From the (modal) editor: a modeless window would be blocked behind it, so the
        # debrief runs modally on top, and the editor re-reads its interviews afterwards.
        from followup_desktop.gui.debrief import DebriefDialog  # only offered when present

        dialog = DebriefDialog(self._service, interview_id, self)
        self._wire_debrief(dialog)
        self.dialogs.run(dialog)

    def open_settings(self) -> None:
        """Open the settings dialog; the board follows stage and playbook changes."""
        from followup_desktop.gui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(
            self._service, self, passwords=self.passwords, background=self.run_in_background
        )
        dialog.changed.connect(self.apply_change)
        self.dialogs.run(dialog)

    def run_in_background(self, what: str, call: Callable[[], Change]) -> None:
        """Run one service call on the worker and apply its Change when it is back.

        For calls long enough to freeze the window (a playbook change re-plans every
        opportunity); the status bar says what runs meanwhile.
        """

        def work() -> tuple[Change, BoardData | None]:
            change = _retry_when_locked(call)
            # A change too big to apply card by card re-reads the board: here, not after.
            big = len(_touched(change)) > INCREMENTAL_LIMIT
            return change, self._read_board() if big else None

        def done(result: object) -> None:
            change, board = cast("tuple[Change, BoardData | None]", result)
            self.apply_change(change, board=board)

        self.job_label.setText(what)
        self.tasks.submit(work, done, self._report_failure(what.removesuffix("…")))

    def open_mailbox(self) -> None:
        """Show what the mailbox check found; checking runs on the worker thread."""
        from followup_desktop.gui.mailbox import MailboxDialog  # loaded when first used

        dialog = MailboxDialog(self._service, self, tasks=self.tasks, passwords=self.passwords)
        dialog.changed.connect(self.apply_change)
        self.dialogs.run(dialog)

    def about(self) -> None:
        """Say what this is."""
        self.dialogs.information(
            self,
            f"{APP_NAME} {__version__}\n\nDebriefs, thank-you notes and well-timed "
            "follow-ups for the weeks after a job interview.\n\nYour data stays on this "
            f"computer, in {self._service.db.path}.",
        )

    # -- slow jobs ---------------------------------------------------------------------

    def _busy_changed(self, busy: bool) -> None:
        for action in (self.import_action, self.export_action, self.backup_action):
            action.setEnabled(not busy and (action is self.backup_action or exchange_available()))
        for action in (
            self.export_calendar_action,
            self.import_sheet_action,
            self.export_sheet_action,
        ):
            action.setEnabled(not busy)
        if not busy:
            self.job_label.clear()

    def _report_failure(self, what: str) -> Callable[[BaseException], None]:
        def report(error: BaseException) -> None:
            from followup_desktop.gui.crash import plain_message

            message = plain_message(error)
            if message is None:
                raise error
            self.dialogs.warning(self, f"{what} failed: {message}")

        return report

    def database_is_empty(self) -> bool:
        """True when the database holds no opportunities and no contacts (a new one)."""
        from sqlalchemy import select

        from followup_desktop.core.models import Contact, Opportunity

        with self._service.db.session() as session:
            for model in (Opportunity, Contact):
                if session.scalar(select(model.id).limit(1)) is not None:
                    return False
        return True

    def import_file(self) -> None:
        """Read a JSON export into the database, on the worker thread.

        An import replaces the whole database (there is no merge): into a new, empty
        database it goes straight in; otherwise the person confirms the replacement and
        a backup is taken first.
        """
        path = self.dialogs.open_file(
            self, "Import a Followup export or a calendar invitation", IMPORT_FILTER
        )
        if path is None:
            return
        if path.suffix.lower() == ICS_SUFFIX:
            self.import_calendar_file(path)
            return
        replace = not self.database_is_empty()
        if replace and not self.dialogs.question(self, REPLACE_QUESTION):
            self.statusBar().showMessage("Import cancelled; nothing was changed.", 5000)
            return
        from followup_desktop.core import exchange

        self.job_label.setText(f"Importing {path.name}…")

        def done(result: object) -> None:
            assert isinstance(result, exchange.ImportResult)
            # Undo steps may name records the import replaced; they no longer apply.
            self.undo_stack.clear()
            self._notify(EVERYTHING_CHANGED)
            summary = import_summary(path, result)
            # Once the board shows the imported cards (its status line would cover it).
            self.refresh_later(lambda: self.statusBar().showMessage(summary, 15_000))

        report = self._report_failure("The import")

        def failed(error: BaseException) -> None:
            if isinstance(error, exchange.ImportConflictError):
                # Something was added between the check above and the import.
                self.dialogs.warning(
                    self,
                    "The import was stopped: this database is no longer empty. Choose "
                    "Import again to replace its contents; nothing was changed.",
                )
                return
            report(error)

        self.tasks.submit(
            lambda: self._service.import_export(exchange.read_export(path), replace=replace),
            done,
            failed,
        )

    def export_file(self) -> None:
        """Write the whole database as JSON, on the worker thread."""
        path = self.dialogs.save_file(self, "Export to JSON", "followup-export.json", JSON_FILTER)
        if path is None:
            return
        from followup_desktop.core.salvage import ExportOutcome, export_checked

        db = self._service.db
        self.job_label.setText(f"Exporting to {path.name}…")

        def done(outcome: ExportOutcome) -> None:
            if outcome.salvaged:
                # A damaged file: say what the export holds and what it could not read.
                self.dialogs.warning(self, f"Exported to {path}. {outcome.summary()}")
            else:
                self.statusBar().showMessage(f"Exported to {path}.", 5000)

        # The full check runs first; from a damaged file the export keeps what it can read.
        self.tasks.submit(
            lambda: export_checked(db.path, path, db), done, self._report_failure("The export")
        )

    def import_spreadsheet(self, path: Path | None = None) -> None:
        """Open the spreadsheet import wizard (its slow steps run on the worker)."""
        from followup_desktop.gui.import_wizard import ImportWizard

        wizard = ImportWizard(self._service, self.tasks, self.dialogs, self, path)
        wizard.imported.connect(self._spreadsheet_imported)
        self.import_wizard = wizard
        self.dialogs.run(wizard)

    def _spreadsheet_imported(self, change: object) -> None:
        assert isinstance(change, Change)
        self.apply_change(change)
        self._today_timer.stop()
        self.refresh_today()

    def export_spreadsheet(self) -> None:
        """Write every opportunity to a CSV file, on the worker thread."""
        path = self.dialogs.save_file(self, "Export a spreadsheet", "followup.csv", CSV_FILTER)
        if path is None:
            return
        from followup_desktop.core.imports.spreadsheet import export_spreadsheet

        db = self._service.db
        self.job_label.setText(f"Exporting to {path.name}…")
        self.tasks.submit(
            lambda: export_spreadsheet(db, path, self._tz),
            lambda count: self.statusBar().showMessage(
                f"Exported {count} opportunities to {path}.", 5000
            ),
            self._report_failure("The spreadsheet export"),
        )

    def import_posting_file(self, path: Path | None = None) -> None:
        """Read a saved posting page (the one dropped, or one the person picks)."""
        if path is None:
            path = self.dialogs.open_file(self, "Add a job from its posting page", HTML_FILTER)
        if path is None:
            return
        from followup_desktop.core.files import read_limited
        from followup_desktop.core.imports.posting import MAX_PAGE_BYTES
        from followup_desktop.core.imports.sheet import decode

        try:
            page, _ = decode(read_limited(path, MAX_PAGE_BYTES, "posting page"))
        except FollowupError as error:
            self.dialogs.warning(self, f"{path.name} cannot be read: {error}")
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
        from followup_desktop.core.imports.posting import find_duplicate, read_posting
        from followup_desktop.core.imports.stages import StageInfo, stage_for_bucket

        try:
            draft = read_posting(page)
        except FollowupError as error:
            self.dialogs.warning(self, str(error))
            return False
        with self._service.db.session() as session:
            duplicate = find_duplicate(session, draft)
        if duplicate:
            self.dialogs.information(self, f"This job is in Followup already: {duplicate}.")
            return False
        stages = [StageInfo(s.id, s.name, s.kind) for s in self._service.stages()]
        wishlist = stage_for_bucket("prospect", stages)
        question = "\n".join([f"Add this job to {wishlist.name}?", "", *draft.describe()])
        if not self.dialogs.question_plain(self, question):
            return False
        change = self._service.create_opportunity(
            draft.company, draft.role, OpportunityFields(stage_id=wishlist.id, **draft.fields)
        )
        self.apply_change(change)
        self.statusBar().showMessage(
            f"Added {draft.company} — {draft.role} to {wishlist.name}; open it to review.", 10_000
        )
        return True

    def import_contacts_file(self, path: Path | None = None) -> None:
        """Import people from a file after showing what would be added and merged."""
        if path is None:
            path = self.dialogs.open_file(self, "Import contacts", CONTACTS_FILTER)
        if path is None:
            return
        from followup_desktop.core.imports.contacts import plan_contacts_file

        try:
            plan = plan_contacts_file(self._service.db, path)
        except FollowupError as error:
            self.dialogs.warning(self, f"{path.name} cannot be imported: {error}")
            return
        lines = plan.describe()
        shown = "\n".join(lines[:40] + (["…"] if len(lines) > 40 else []))
        if plan.blocked:
            self.dialogs.warning(self, shown)
            return
        if not self.dialogs.question_plain(self, f"Import these people?\n\n{shown}"):
            return
        service = self._service
        self.job_label.setText(f"Importing {path.name}…")

        def done(change: object) -> None:
            assert isinstance(change, Change)
            self.apply_change(change)
            self.statusBar().showMessage(f"Imported {path.name}: {plan.summary()}.", 10_000)

        self.tasks.submit(
            lambda: service.import_contacts(plan),
            done,
            self._report_failure("The contact import"),
        )

    def export_contacts_file(self) -> None:
        """Write the selected card's people (or everyone) as a vCard file."""
        current = self.board.current_id() if self.views.currentWidget() is self.board else None
        path = self.dialogs.save_file(self, "Export contacts", "contacts.vcf", VCARD_FILTER)
        if path is None:
            return
        from followup_desktop.core.files import write_atomically
        from followup_desktop.core.imports.contacts import contact_cards
        from followup_desktop.core.imports.vcard import write_vcards

        db = self._service.db

        def work() -> int:
            with db.session() as session:
                cards = contact_cards(session, current)
            write_atomically(path, write_vcards(cards).encode("utf-8"), "the contacts")
            return len(cards)

        self.tasks.submit(
            work,
            lambda count: self.statusBar().showMessage(f"Wrote {count} contacts to {path}.", 5000),
            self._report_failure("The contact export"),
        )

    def proof_of_search(self) -> None:
        """Open the proof-of-search dialog."""
        from followup_desktop.gui.proof_dialog import ProofDialog

        today = self._service.clock().astimezone(self._tz).date()
        dialog = ProofDialog(self._service.db, self.tasks, self.dialogs, today, self)
        self.proof_dialog = dialog
        self.dialogs.run(dialog)

    def export_calendar_file(self) -> None:
        """Write interviews, follow-ups and decision dates as .ics, on the worker thread."""
        path = self.dialogs.save_file(self, "Export the calendar", "followup.ics", ICS_FILTER)
        if path is None:
            return
        from followup_desktop.core.ics import ExportResult

        self.job_label.setText(f"Exporting the calendar to {path.name}…")

        def done(result: object) -> None:
            assert isinstance(result, ExportResult)
            self.statusBar().showMessage(
                f"Exported the calendar to {path}: {result.interviews} interviews, "
                f"{result.actions} follow-ups, {result.decisions} expected decisions.",
                10_000,
            )

        self.tasks.submit(
            lambda: self._service.export_calendar(path),
            done,
            self._report_failure("The calendar export"),
        )

    def import_calendar_file(self, path: Path) -> bool:
        """Import a calendar invitation after the person confirms what it would do.

        The file is read and matched here (small and quick); the import itself runs on
        the worker thread. False when the file is unreadable or the person declines.
        """
        from followup_desktop.core.ics import IcsImportResult, propose, read_invitation_file

        try:
            invitations = read_invitation_file(path, self._tz)
            with self._service.db.session() as session:
                proposals = propose(session, invitations)
        except FollowupError as error:
            self.dialogs.warning(self, f"The invitation could not be imported: {error}")
            return False
        if not self.dialogs.question(self, describe_proposals(path, proposals, self._tz)):
            self.statusBar().showMessage("Import cancelled; nothing was changed.", 5000)
            return False
        self.job_label.setText(f"Importing {path.name}…")

        def done(result: object) -> None:
            assert isinstance(result, IcsImportResult)
            self.apply_change(
                Change(
                    frozenset(result.opportunity_ids),
                    frozenset({"opportunity", "interview", "action", "contact"}),
                    actions_replanned=frozenset(result.replanned),
                )
            )
            # Read the Today panel now: its later refresh would replace the summary.
            self._today_timer.stop()
            self.refresh_today()
            self.statusBar().showMessage(f"Imported {path.name}: {result.summary()}.", 15_000)

        self.tasks.submit(
            lambda: self._service.import_invitations(invitations),
            done,
            self._report_failure("The invitation import"),
        )
        return True

    def open_arguments(self, arguments: Sequence[str]) -> None:
        """Files handed over by a second launch or the command line: import .ics ones."""
        for path in ics_paths(arguments):
            self.import_calendar_file(path.expanduser().absolute())

    def _open_all_dropped(self, paths: Sequence[Path]) -> None:
        for path in paths:
            self.open_dropped(path.expanduser().absolute())

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

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if dropped_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        paths = dropped_files(event.mimeData())
        if not paths:
            super().dropEvent(event)
            return
        event.acceptProposedAction()
        # After the drop returns: a confirmation inside a drop handler would block the
        # drag source (another application) until it is answered.
        QTimer.singleShot(0, lambda: self._open_all_dropped(paths))

    def backup(self) -> None:
        """Write a consistent copy of the database, on the worker thread."""
        stamp = self._service.clock().astimezone(self._tz).strftime("%Y-%m-%d")
        path = self.dialogs.save_file(
            self, "Back up the database", f"followup-backup-{stamp}.sqlite3", SQLITE_FILTER
        )
        if path is None:
            return
        if path.exists():
            self.dialogs.warning(self, f"{path} exists already; choose a new file name.")
            return
        db = self._service.db
        self.job_label.setText(f"Backing up to {path.name}…")
        self.tasks.submit(
            lambda: db.backup("manual", path),
            lambda result: self.statusBar().showMessage(f"Backed up to {result}.", 5000),
            self._report_failure("The backup"),
        )

    # -- state -------------------------------------------------------------------------

    def _update_actions(self) -> None:
        on_board = self.views.currentWidget() is self.board
        has_selection = bool(self.board.selected_ids()) or self.board.current_id() is not None
        for action in (
            self.next_stage_action,
            self.previous_stage_action,
            self.move_to_action,
            self.archive_action,
            self.open_card_action,
        ):
            # Acting on cards that are not on screen would surprise.
            action.setEnabled(on_board and has_selection)

    def _restore_state(self) -> None:
        settings = self._settings
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
            keep_on_screen(self)
        state = settings.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        self.search.setText(str(settings.value("board/search", "") or ""))
        self.needs_action.setChecked(_as_bool(settings.value("board/needs_action", False)))
        self.show_archived.setChecked(_as_bool(settings.value("board/show_archived", False)))
        selected = settings.value("board/selected", "")
        ids = [int(part) for part in str(selected or "").split(",") if part.strip().isdigit()]
        if ids:
            self.board.select_cards(ids)
        scroll = settings.value("board/scroll", 0)
        if str(scroll).isdigit():
            self.board.horizontalScrollBar().setValue(int(str(scroll)))
        page = str(settings.value("window/page", PAGE_BOARD) or PAGE_BOARD)
        if self._startup is not None:
            # The calendar and the question bank read through the service, which comes
            # after the first paint: they open then (a start on them crashed before).
            self._page_after_start = page
        else:
            self._show_saved_page(page)

    def _show_saved_page(self, page: str) -> None:
        if page == PAGE_QUESTIONS:
            self.show_questions()
        elif page == PAGE_CALENDAR:
            self.show_calendar()

    def save_state(self) -> None:
        """Remember geometry, panels, filters and selection for the next start."""
        settings = self._settings
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        settings.setValue("board/search", self.search.text())
        settings.setValue("board/needs_action", self.needs_action.isChecked())
        settings.setValue("board/show_archived", self.show_archived.isChecked())
        settings.setValue("board/selected", ",".join(map(str, self.board.selected_ids())))
        settings.setValue("board/scroll", self.board.horizontalScrollBar().value())
        current = self.views.currentWidget()
        page = PAGE_BOARD
        if current is not None and current is self.calendar:
            page = PAGE_CALENDAR
        elif current is not None and current is self.question_bank:
            page = PAGE_QUESTIONS
        settings.setValue("window/page", page)
        settings.sync()

    def request_quit(self) -> None:
        """File → Quit, Ctrl+Q: end Followup, not only hide the window."""
        if self.on_quit is not None:
            self.on_quit()
        else:
            self.close()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._clock_timer.isActive():
            self._clock_timer.start()
            if self._after_paint_started:
                self._tick()  # catch up with the time spent hidden

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        # Hidden in the tray, nothing on screen needs the minute tick: it would only wake
        # the app (and read the Today panel) every minute for no one.
        self._clock_timer.stop()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        self._clock_timer.stop()
        self._after_paint_timer.stop()
        # A backup or import still running must finish before the database closes.
        self.tasks.wait()
        super().closeEvent(event)


class _Background(threading.Thread):
    """Runs one function on its own thread; ``result()`` waits for it (and re-raises)."""

    def __init__(self, work: Callable[[], CardData]) -> None:
        super().__init__(name="followup-first-load", daemon=True)
        self._work = work
        self._result: CardData | None = None
        self._error: BaseException | None = None
        self.start()

    def run(self) -> None:
        try:
            self._result = self._work()
        except BaseException as error:
            self._error = error

    def result(self) -> CardData:
        self.join()
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result


def _touched(change: Change) -> set[int]:
    """The opportunities whose cards a change may alter."""
    return set(change.opportunity_ids) | set(change.actions_replanned)


# A worker's transaction that read before the GUI thread wrote cannot write any more
# (SQLite answers "locked" at once, without waiting): it is rolled back whole, so it can
# simply be run again.
LOCKED_ATTEMPTS = 3


def _retry_when_locked(call: Callable[[], Change]) -> Change:
    for attempt in range(LOCKED_ATTEMPTS):
        try:
            return call()
        except StorageLocked:
            # Named from SQLite's result code (SQLITE_BUSY / SQLITE_LOCKED) by the core.
            if attempt == LOCKED_ATTEMPTS - 1:
                raise
            log.info("a background change met a concurrent write; running it again")
    raise AssertionError("unreachable")


def dropped_ics(mime: QMimeData) -> list[Path]:
    """The local .ics files a drag carries (none for anything else)."""
    return [path for path in dropped_files(mime) if path.suffix.lower() == ICS_SUFFIX]


def dropped_files(mime: QMimeData) -> list[Path]:
    """The local files a drag carries that Followup imports: calendar invitations,
    spreadsheets, saved posting pages and vCards (none for anything else)."""
    if not mime.hasUrls():
        return []
    paths = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
    return [path for path in paths if path.suffix.lower() in DROPPABLE_SUFFIXES]


def _as_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).lower() in {"true", "1", "yes"}
