"""The window's pages beside the board: the calendar, the question bank, "Your search".

Each is built the first time it is shown (each reads a good deal to build) and follows
the change bus from then on: the calendar re-reads the opportunities a change names, the
question bank and the figures are marked stale and re-read when next shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStackedWidget, QWidget

from followup_desktop.core.change import Change, Entity, entities
from followup_desktop.core.i18n import _
from followup_desktop.gui.welcome import WelcomePanel, welcome_steps
from followup_desktop.gui.window.board import touched

if TYPE_CHECKING:
    from followup_desktop.gui.calendar import CalendarPage
    from followup_desktop.gui.debrief import QuestionBankWidget
    from followup_desktop.gui.main_window import MainWindow
    from followup_desktop.gui.stats import StatsPage

PAGE_BOARD = "board"
PAGE_QUESTIONS = "questions"
PAGE_CALENDAR = "calendar"
# Changes that can alter what the question bank lists (its own edits are "question").
BANK_ENTITIES = entities(Entity.DEBRIEF, Entity.INTERVIEW, Entity.OPPORTUNITY, Entity.CONTACT)
# Changes that can alter what the calendar shows.
CALENDAR_ENTITIES = entities(Entity.INTERVIEW, Entity.ACTION, Entity.OPPORTUNITY, Entity.STAGE)


class Pages:
    """The stack of pages in the middle of the window, and which one is showing."""

    def __init__(self, window: MainWindow, board: QWidget) -> None:
        self._window = window
        #: Above an empty board: what Followup does and the first steps.
        self.welcome = WelcomePanel(window.board_model, welcome_steps(window), board)
        self.stack = QStackedWidget()
        self.stack.setObjectName("mainViews")
        self.stack.setAccessibleName(_("Main view"))
        self._board = board
        self._board_page = self.welcome.page
        self.stack.addWidget(self._board_page)
        self.question_bank: QuestionBankWidget | None = None
        self.calendar: CalendarPage | None = None
        self.stats: StatsPage | None = None
        self._bank_stale = False

    def showing(self, page: QWidget | None) -> bool:
        """True when ``page`` is the page on screen."""
        current = self.stack.currentWidget()
        if page is not None and page is self._board:
            return current is self._board_page
        return page is not None and current is page

    def _show(self, page: QWidget, action: str) -> None:
        self.stack.setCurrentWidget(self._board_page if page is self._board else page)
        self._window.named_actions[action].setChecked(True)
        self._window.page_changed(self.showing(self._board))

    def _show_fresh(self, page: CalendarPage | StatsPage, action: str) -> None:
        # Shown first, so a page that re-reads on the worker says so on screen.
        self.stack.setCurrentWidget(page)
        page.refresh_if_stale()
        self._show(page, action)
        page.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def show_board(self) -> None:
        """Show the board and give it the keyboard focus."""
        self._show(self._board, "board")
        board = self._window.board
        views = board.views()
        view = board.focused_view() or (views[0] if views else None)
        if view is not None:
            view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def show_questions(self) -> QuestionBankWidget:
        """Show the bank of stumbled questions, with the cursor in its search box."""
        if self.question_bank is None:
            from followup_desktop.gui.debrief import QuestionBankWidget

            self.question_bank = QuestionBankWidget(self._window.service)
            self.question_bank.changed.connect(self._window.bus.publish)
            self.stack.addWidget(self.question_bank)
        elif self._bank_stale:
            self.question_bank.refresh()
        self._bank_stale = False
        self._show(self.question_bank, "questions")
        self.question_bank.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return self.question_bank

    def show_calendar(self) -> CalendarPage:
        """Show the calendar page, with the keyboard on the selected day."""
        window = self._window
        if self.calendar is None:
            from followup_desktop.gui.calendar import CalendarPage

            service = window.service
            # The window's runner reads the decision index, after any write queued there.
            page = CalendarPage(
                service.db, service.clock, window.tz, service=service, tasks=window.tasks
            )
            page.open_opportunity.connect(window.open_opportunity)
            # A dragged interview re-plans its actions: the board and Today follow.
            page.changed.connect(window.bus.publish)
            page.refuse_write = window.writer.refuse_while_busy
            page.move_failed.connect(lambda message: window.dialogs.warning(window, message))
            page.open_action.connect(window.open_action)
            page.schedule_requested.connect(window.router.schedule_interview)
            self.stack.addWidget(page)
            self.calendar = page
            page.refresh()
        self._show_fresh(self.calendar, "calendar")
        return self.calendar

    def show_stats(self) -> StatsPage:
        """Show "Your search", computing its figures on the worker if they are old."""
        window = self._window
        if self.stats is None:
            from followup_desktop.gui.stats import StatsPage  # chart code loads here

            self.stats = StatsPage(window.service, window.tasks, window.tz, window.dialogs)
            self.stats.changed.connect(window.bus.publish)
            self.stack.addWidget(self.stats)
        self._show_fresh(self.stats, "stats")
        return self.stats

    def everything_changed(self) -> None:
        """After a full re-read: every page reads again when it shows."""
        self._bank_changed()
        if self.calendar is not None:
            self.calendar.apply_change((), everything=True)

    def _bank_changed(self) -> None:
        if self.question_bank is None:
            return
        if self.showing(self.question_bank):
            self.question_bank.refresh()
        else:
            self._bank_stale = True

    def on_change(self, change: object) -> None:
        """The bus's subscriber: bring the pages that show ``change`` up to date."""
        assert isinstance(change, Change)
        if change.entities & BANK_ENTITIES:
            self._bank_changed()
        if self.calendar is not None and change.entities & CALENDAR_ENTITIES:
            self.calendar.apply_change(touched(change), everything="stage" in change.entities)
        if self.stats is not None:
            self.stats.mark_stale()

    def tick(self) -> None:
        """Overdue marks and "today" move with the clock on the calendar too."""
        if self.calendar is not None and self.showing(self.calendar):
            self.calendar.refresh()

    def saved_name(self) -> str:
        """The name the window's settings keep for the page showing."""
        if self.showing(self.calendar):
            return PAGE_CALENDAR
        if self.showing(self.question_bank):
            return PAGE_QUESTIONS
        return PAGE_BOARD

    def show_saved(self, name: str) -> None:
        """Show the page a saved name names (the board is already showing)."""
        if name == PAGE_QUESTIONS:
            self.show_questions()
        elif name == PAGE_CALENDAR:
            self.show_calendar()
