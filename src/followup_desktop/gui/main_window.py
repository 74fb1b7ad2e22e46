"""The main window: the board in the middle, the Today panel beside it, menus around them.

This is the shell; the parts live in :mod:`followup_desktop.gui.window`: the actions
table, the board controller, the Today controller, the pages, the file jobs, the action
router and the writer. Every change goes through :class:`FollowupService`; the
:class:`Change` it returns is published on the window's one :class:`ChangeBus`
(:attr:`MainWindow.bus`), which the board, the Today panel, the pages and the application
(re-arming its reminders) subscribe to. Slow jobs and long writes run on the window's
queue of the application's one worker pool (:mod:`followup_desktop.gui.tasks`).

:meth:`MainWindow.open_action` is the one way to act on a planned step, from the Today
panel, the tray or a notification (:mod:`followup_desktop.gui.window.router`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QHideEvent,
    QShowEvent,
    QUndoStack,
)
from PySide6.QtWidgets import QMainWindow

from followup_desktop import APP_NAME
from followup_desktop.core.change import Change
from followup_desktop.core.i18n import _
from followup_desktop.core.queries.window import BoardData
from followup_desktop.core.timeutil import local_zone
from followup_desktop.gui.dialogs import Dialogs
from followup_desktop.gui.plain import PlainLabel
from followup_desktop.gui.screen_fit import size_for_screen
from followup_desktop.gui.tasks import TaskRunner
from followup_desktop.gui.window.actions import (
    CARD_ACTIONS,
    NamedActions,
    build_actions,
    build_menus,
    build_toolbar,
    exchange_available,
    show_busy,
)
from followup_desktop.gui.window.board import BoardController, start_first_read
from followup_desktop.gui.window.bus import ChangeBus
from followup_desktop.gui.window.external import ExternalChanges
from followup_desktop.gui.window.files import (
    REPLACE_QUESTION,
    FileJobs,
    dropped_files,
    dropped_ics,
)
from followup_desktop.gui.window.pages import PAGE_BOARD, Pages
from followup_desktop.gui.window.refresh import refresh_later, refresh_now
from followup_desktop.gui.window.router import ActionRouter
from followup_desktop.gui.window.startup import InputGate, StartupSource
from followup_desktop.gui.window.state import restore_state, save_state, window_settings_path
from followup_desktop.gui.window.today import TodayController
from followup_desktop.gui.window.words import about_text, status_text
from followup_desktop.gui.window.writer import Writer, failure_reporter
from followup_desktop.secrets import PasswordStore

if TYPE_CHECKING:
    from followup_desktop.core.services import FollowupService
    from followup_desktop.gui.calendar import CalendarPage
    from followup_desktop.gui.debrief import QuestionBankWidget
    from followup_desktop.gui.stats import StatsPage

# Named here too, where callers have always found them.
__all__ = ["REPLACE_QUESTION", "MainWindow", "StartupSource", "dropped_files", "dropped_ics"]
__all__ += ["exchange_available"]

# The Today panel and the search text are read after the first paint, or this long after
# the window is shown, whichever comes first.
AFTER_SHOW_FALLBACK_MS = 1000
CLOCK_TICK_MS = 60_000


class MainWindow(QMainWindow, NamedActions):
    """Followup's window: the board of opportunities and what is due today."""

    #: Emitted once, when the window with its board has painted for the first time.
    first_painted = Signal()
    # The parts (see _build_parts), declared for the type checker.
    bus: ChangeBus
    tasks: TaskRunner
    writer: Writer
    router: ActionRouter
    files: FileJobs
    board_ctl: BoardController
    pages: Pages
    today_ctl: TodayController
    named_actions: dict[str, QAction]

    def __init__(
        self,
        service: FollowupService | StartupSource,
        *,
        dialogs: Dialogs | None = None,
        settings: QSettings | None = None,
        passwords: PasswordStore | None = None,
    ) -> None:
        super().__init__()
        self._startup = service if isinstance(service, StartupSource) else None
        if not isinstance(service, StartupSource):
            self.service = service
        self._clock = service.clock
        # The card query runs on the worker while the widgets are built.
        first_read = start_first_read(service, self.now)
        self._gate: InputGate | None = None
        # Reads nothing on screen needs for the first paint (the Today panel, the search
        # text) wait for it, so they do not compete with it for the interpreter.
        self.after_paint_started = False
        # A child timer, so it dies with the window (a bare singleShot could fire after).
        self._after_paint_timer = QTimer(self)
        self._after_paint_timer.setSingleShot(True)
        self._after_paint_timer.timeout.connect(self._after_first_paint)
        # One store for everything this window opens: a password kept "for this session"
        # in the settings must be there for the composer.
        self.passwords = passwords if passwords is not None else PasswordStore()
        #: Called by File → Quit and Ctrl+Q (the application ends the process there).
        self.on_quit: Callable[[], None] | None = None
        self.dialogs = dialogs or Dialogs()
        self._settings = settings or QSettings(
            str(window_settings_path()), QSettings.Format.IniFormat
        )
        self.tz = self._tz = local_zone()
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        self.setAccessibleName(APP_NAME)
        # As much as the screen allows, up to 1280 by 800 (a small laptop, 200 % scaling).
        size_for_screen(self)
        self._build_parts()
        self.job_label = PlainLabel()
        self.job_label.setAccessibleName(_("Background work"))
        self.statusBar().addPermanentWidget(self.job_label)
        self._clock_timer = QTimer(self)
        self._clock_timer.setInterval(CLOCK_TICK_MS)
        self._clock_timer.timeout.connect(self._tick)
        self._clock_timer.start()
        self.board_ctl.reload(first_read())
        page = restore_state(self, self._settings)
        # The pages read through the service, which comes after the first paint: they
        # open then (a start on them crashed before).
        self._page_after_start = page if self._startup is not None else PAGE_BOARD
        if self._startup is None:
            self.pages.show_saved(page)
        self.update_actions()
        if self._startup is not None:
            # Nothing may be written before the database is fully open: the board shows,
            # but clicks and keys wait (a fraction of a second) until attach_service().
            self._gate = InputGate(self)
            self.statusBar().showMessage(_("Opening the database…"))

    def _build_parts(self) -> None:
        self.bus = ChangeBus(self)
        self.tasks = TaskRunner(self)
        self.tasks.busy_changed.connect(lambda busy: show_busy(self, busy))
        self.undo_stack = QUndoStack(self)
        self.writer = Writer(self)
        self.router = ActionRouter(self)
        self.files = FileJobs(self)
        self.board_ctl = board = BoardController(self)
        self.board, self.board_model, self.search = board.view, board.model, board.search
        self.needs_action, self.show_archived = board.needs_action, board.show_archived
        self.pages = Pages(self, self.board)
        self.views = self.pages.stack
        # A calendar invitation (or a sheet, a posting, a vCard) dropped on it is imported.
        self.setAcceptDrops(True)
        self.setCentralWidget(self.views)
        self.today_ctl = today = TodayController(self)
        self.today, self.agenda_model, self.today_dock = today.panel, today.model, today.dock
        self.agenda_view, self.external = today.panel.view, ExternalChanges(self)
        self.named_actions = build_actions(self)
        for name, action in self.named_actions.items():
            setattr(self, f"{name}_action", action)  # window.import_action and the like
        build_menus(self, self.named_actions)
        self.toolbar = build_toolbar(self, self.named_actions, board.filters)
        # In the order the window brings its parts up to date; the app subscribes after.
        for part in (board, self.pages, today):
            self.bus.changed.connect(part.on_change)
        # The parts' entry points, where the application, the tray and scripts call them.
        self.handle_drop, self.move_selected = board.handle_drop, board.move_selected
        self.move_selected_to = board.move_selected_to
        self.show_board, self.show_questions = self.pages.show_board, self.pages.show_questions
        self.show_calendar, self.show_stats = self.pages.show_calendar, self.pages.show_stats
        self.open_action, self.make_editor = self.router.open_action, self.router.make_editor
        self.open_composer, self.open_debrief = self.router.open_composer, self.router.open_debrief
        self.new_debrief, self.open_settings = self.router.new_debrief, self.router.open_settings
        self.open_mailbox = self.router.open_mailbox
        self.new_opportunity = self.router.new_opportunity
        self.import_file, self.open_arguments = self.files.import_file, self.files.open_arguments
        self.import_calendar_file = self.files.import_calendar_file
        self.refresh_today, self.refresh_today_later = today.refresh, today.refresh_later

    # -- start-up ----------------------------------------------------------------------

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
        self.service = service
        self._clock = service.clock
        if self._gate is not None:
            self._gate.release()
            self._gate = None
        if startup is not None:
            startup.connection.close()
        self.update_status()
        if self.after_paint_started:
            self.today_ctl.refresh_later()
            self.board_ctl.read_search_texts_later()
        page, self._page_after_start = self._page_after_start, PAGE_BOARD
        self.pages.show_saved(page)

    def event(self, event: QEvent) -> bool:
        if not self.after_paint_started:
            kind = event.type()
            if kind == QEvent.Type.Paint:
                # Queued, so it runs once this paint and the rest of the window's are done.
                self._after_paint_timer.start(0)
            elif kind == QEvent.Type.Show and not self._after_paint_timer.isActive():
                # In case a platform shows the window without painting it as a whole.
                self._after_paint_timer.start(AFTER_SHOW_FALLBACK_MS)
        return super().event(event)

    def _after_first_paint(self) -> None:
        if self.after_paint_started:
            return
        self.after_paint_started = True
        self.first_painted.emit()
        if self._startup is None:
            self.today_ctl.refresh_later()
            self.board_ctl.read_search_texts_later()
        # Otherwise attach_service() reads them, once there is a service to read with.

    @property
    def settled(self) -> bool:
        """True once the window has painted and read everything it reads after that."""
        return self.after_paint_started and self._startup is None and self.tasks.idle

    # -- what the parts share ----------------------------------------------------------

    def now(self) -> datetime:
        """The service's clock once there is a service (tests give it a fixed one)."""
        return self._clock()

    def apply_change(self, change: Change) -> None:
        """Publish a Change made elsewhere (the tray, a scheduler) on the window's bus."""
        self.bus.publish(change)

    def open_opportunity(self, opportunity_id: int) -> None:
        """Open the editor on an opportunity."""
        self.router.open_opportunity(opportunity_id)

    @property
    def calendar(self) -> CalendarPage | None:
        """The calendar page, once it has been shown."""
        return self.pages.calendar

    @property
    def question_bank(self) -> QuestionBankWidget | None:
        """The question bank, once it has been shown."""
        return self.pages.question_bank

    @property
    def stats_page(self) -> StatsPage | None:
        """ "Your search", once it has been shown."""
        return self.pages.stats

    def reload_board(self, data: BoardData | None = None) -> None:
        """Read the stages and every card again (start-up, a restored backup)."""
        self.board_ctl.reload(data)

    def refresh(self) -> None:
        """Re-read everything from the database."""
        refresh_now(self)

    def refresh_later(self, then: Callable[[], None] | None = None) -> None:
        """Re-read everything, the board's cards and the Today panel on the worker."""
        refresh_later(self, then)

    def _tick(self) -> None:
        # Due states move with the clock: a card due at 14:00 is overdue at 14:01.
        self.board_model.set_now()
        if self._startup is None:
            self.today_ctl.refresh_later()
        self.pages.tick()

    def update_status(self) -> None:
        """The status line: cards shown of all, actions overdue and due today."""
        shown, total = self.board_ctl.status_counts()
        overdue, today = self.today.counts
        self.statusBar().showMessage(status_text(shown, total, overdue, today))

    def update_actions(self) -> None:
        """Enable the card actions when a card on the board is selected or focused."""
        enabled = self.pages.showing(self.board) and self.board_ctl.has_selection()
        for name in CARD_ACTIONS:
            self.named_actions[name].setEnabled(enabled)

    def page_changed(self, on_board: bool) -> None:
        """A page was shown: the filters act on the board only; greyed out, they say so."""
        for widget in self.board_ctl.filters:
            widget.setEnabled(on_board)
        self.update_actions()

    def focus_search(self) -> None:
        """Put the cursor in the search box of the page showing."""
        bank = self.pages.question_bank
        search = bank.search if bank is not None and self.pages.showing(bank) else self.search
        search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        search.selectAll()

    def about(self) -> None:
        """Say what this is."""
        self.dialogs.information(
            self,
            about_text(self.service.db.path),
        )

    def report_failure(self, what: str) -> Callable[[BaseException], None]:
        """A job's failure handler: a warning in plain words (anything else is a bug)."""
        return failure_reporter(self, what)

    # -- the window's own events -------------------------------------------------------

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
        QTimer.singleShot(0, lambda: self.files.open_all_dropped(paths))

    def save_state(self) -> None:
        """Remember geometry, panels, filters and selection for the next start."""
        save_state(self, self._settings)

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
            if self.after_paint_started:
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
        if self.pages.stats is not None:
            self.pages.stats.close_cache()
        super().closeEvent(event)
