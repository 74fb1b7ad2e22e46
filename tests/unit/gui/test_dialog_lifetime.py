"""Every dialog the window opens is freed once closed: no hidden copies pile up.

Each dialog is opened through the window's own route and closed, 55 times (5 to warm
caches, 50 measured); the count of live Qt widgets and of live Qt wrappers must come
back to where it was, and the process's resident memory must not keep growing. A
dialog kept alive hidden (as the editor once was: 13 editors after 13 opens) adds its
widgets on every open, which fails the count at once.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QPoint, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMenu, QWidget
from pytestqt.qtbot import QtBot
from shiboken6 import Shiboken
from sqlalchemy import select

from followup_desktop.core.db import Database
from followup_desktop.core.fields import DebriefFields, InterviewFields
from followup_desktop.core.models import Action
from followup_desktop.core.services import FollowupService, PanelMember
from followup_desktop.gui.calendar.move_dialog import ask_move
from followup_desktop.gui.dialogs import Dialogs
from followup_desktop.gui.main_window import MainWindow
from gui_helpers import NOW, AnsweringDialogs, open_window

WARM_UP = 5
ROUNDS = 50
# A few objects may be made once and cached on a later round (an icon, a style
# object); a dialog that is not freed adds dozens of widgets every round.
WIDGET_SLACK = 5
WRAPPER_SLACK = 20
# Without freeing, one editor cost about 3 MB (160 -> 189 MB over 10 opens); fifty
# opens of a freed dialog stay well inside this.
RSS_SLACK_BYTES = 40 * 1024 * 1024

MAIL = """From: Rita Recruiter <rita@acme.example>
To: me@example.org
Subject: Re: Data Analyst interview
Date: Mon, 23 Nov 2026 08:00:00 +0000
Message-ID: <lifetime-1@acme.example>

Thanks for coming in; we will be in touch next week.
"""


class ClosingDialogs(AnsweringDialogs):
    """The real way dialogs run and are freed; each one is closed as soon as it shows."""

    def run(self, dialog: QDialog) -> int:
        QTimer.singleShot(0, dialog.reject)
        return dialog.exec()

    # The real run_once (AnsweringDialogs keeps dialogs for tests to drive).
    run_once = Dialogs.run_once

    def show(self, dialog: QWidget) -> None:
        dialog.show()

    def popup(self, menu: QMenu, at: QPoint | None) -> None:
        QTimer.singleShot(0, menu.close)
        Dialogs.popup(self, menu, at)


def _close_open_dialogs() -> None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.isVisible():
            widget.reject()


def _settle(*, collect: bool = False) -> None:
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QCoreApplication.processEvents()
    if collect:
        # Only where it is measured: a full collection of a test process is slow, and
        # what is leaked is still there after it.
        gc.collect()


def _rss() -> int:
    with Path("/proc/self/statm").open() as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class _World:
    """A window on a database with something for every dialog to show."""

    def __init__(self, qtbot: QtBot, service: FollowupService, tmp_path: Path) -> None:
        opportunity = service.create_opportunity("Acme Analytics", "Data Analyst").created_id
        assert opportunity is not None
        self.opportunity = opportunity
        self.ends = NOW - timedelta(hours=3)
        interview = service.record_interview(
            opportunity,
            self.ends - timedelta(hours=1),
            self.ends,
            "Europe/Berlin",
            InterviewFields(kind="video"),
        ).created_id
        assert interview is not None
        self.interview = interview
        service.save_debrief(
            interview,
            DebriefFields(went_well="the case study"),
            submit=True,
            panel=[PanelMember("Ana Silva", "Head of Data", "ana@acme.example")],
        )
        with service.db.session() as session:
            action = session.scalars(select(Action.id).where(Action.kind == "thank_you")).first()
        assert action is not None
        self.action = action
        self.mail = tmp_path / "reply.eml"
        self.mail.write_text(MAIL, encoding="utf-8")
        self.window: MainWindow = open_window(qtbot, service, tmp_path, ClosingDialogs())


def _debrief(world: _World) -> None:
    dialog = world.window.router.open_debrief(world.interview)
    assert dialog is not None
    dialog.close()


def _composer(world: _World) -> None:
    dialog = world.window.router.open_composer(world.action)
    assert dialog is not None
    dialog.close()


def _calendar_move(world: _World) -> None:
    window = world.window
    window.show_calendar()
    page = window.calendar
    assert page is not None
    page.select_day(world.ends.astimezone(page._tz).date())

    def asking(interviews: list) -> object:  # type: ignore[type-arg]
        QTimer.singleShot(0, _close_open_dialogs)
        return ask_move(interviews, page._tz, page)

    page.ask_move = asking  # type: ignore[assignment]
    page.move_selected_interview()


def _board_move_menu(world: _World) -> None:
    world.window.show_board()
    world.window.board_ctl.show_move_menu()


OPENERS: dict[str, Callable[[_World], object]] = {
    "opportunity editor": lambda w: w.window.router.open_opportunity(w.opportunity),
    "new opportunity editor": lambda w: w.window.router.new_opportunity(),
    "debrief": _debrief,
    "debrief from the editor": lambda w: w.window.router._open_debrief_modal(w.interview),
    "composer": _composer,
    "settings": lambda w: w.window.router.open_settings(),
    "mailbox": lambda w: w.window.router.open_mailbox(),
    "dropped e-mail": lambda w: w.window.files.open_mail_files([w.mail]),
    "schedule interview": lambda w: w.window.router.schedule_interview(w.ends.date()),
    "import wizard": lambda w: w.window.files.import_spreadsheet(),
    "proof of search": lambda w: w.window.files.proof_of_search(),
    "calendar move": _calendar_move,
    "board move menu": _board_move_menu,
}


# Offscreen Qt cannot raise a window or grab the keyboard for a popup menu, and says so.
@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")
@pytest.mark.parametrize("name", sorted(OPENERS))
def test_a_closed_dialog_is_freed(
    qtbot: QtBot, database: Database, tmp_path: Path, name: str
) -> None:
    service = FollowupService(database, clock=lambda: NOW)
    world = _World(qtbot, service, tmp_path)
    opener = OPENERS[name]
    for _ in range(WARM_UP):
        opener(world)
        _settle()
    _settle(collect=True)
    widgets = len(QApplication.allWidgets())
    wrappers = len(Shiboken.getAllValidWrappers())
    rss = _rss()
    for _ in range(ROUNDS):
        opener(world)
        _settle()
    _settle(collect=True)
    grown = len(QApplication.allWidgets()) - widgets
    assert grown <= WIDGET_SLACK, f"{name}: {grown} more live widgets after {ROUNDS} opens"
    more = len(Shiboken.getAllValidWrappers()) - wrappers
    assert more <= WRAPPER_SLACK, f"{name}: {more} more live Qt wrappers after {ROUNDS} opens"
    rss_grown = _rss() - rss
    assert rss_grown <= RSS_SLACK_BYTES, f"{name}: memory grew {rss_grown // 1024} KiB"
    assert not [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()
    ]
    world.window.close()
