"""Reading everything again: the board, the Today panel and the pages.

For Refresh (F5), and after a failed write on the worker, whose effect the board may
show already. The selection survives the re-read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from followup_desktop.core.i18n import _
from followup_desktop.core.queries.window import BoardData, TodayData, read_board

if TYPE_CHECKING:
    from followup_desktop.gui.main_window import MainWindow


def _show(window: MainWindow, board: BoardData | None, today: TodayData | None) -> None:
    selected = window.board.selected_ids()
    window.board_ctl.reload(board)
    if today is None:
        window.today_ctl.refresh()
    else:
        window.today_ctl.show(today)
    window.pages.everything_changed()
    window.board.select_cards(selected, focus=window.pages.showing(window.board))


def refresh_now(window: MainWindow) -> None:
    """Re-read everything from the database, on the GUI thread."""
    _show(window, None, None)


def refresh_later(window: MainWindow, then: Callable[[], None] | None = None) -> None:
    """Re-read everything, the board's cards and the Today panel on the worker."""
    db, now, today = window.service.db, window.now, window.today_ctl

    def read() -> tuple[BoardData, TodayData]:
        return read_board(db, now()), today.read()

    def show(data: tuple[BoardData, TodayData]) -> None:
        _show(window, *data)
        if then is not None:
            then()

    window.tasks.submit(read, show, window.report_failure(_("Reading the board")))
