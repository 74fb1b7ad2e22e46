"""The window's actions, menus and toolbar, declared as data.

Each row of :data:`ACTIONS` names an action, its text, what it does (a method of the
window, looked up when triggered), its shortcut and its tip. :data:`MENUS` and
:data:`TOOLBAR` list action names in order (``None`` is a separator, ``"|filters"`` the
search box and the filters, ``"|spacer"`` a stretch). :func:`build_actions` makes the
``QAction`` objects; the window keeps each as ``<name>_action`` too,
and :attr:`MainWindow.named_actions` by name.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu, QSizePolicy, QToolBar, QToolButton, QWidget

from followup_desktop.core.i18n import _

if TYPE_CHECKING:
    from followup_desktop.gui.main_window import MainWindow

Key = QKeySequence.StandardKey
Shortcut = QKeySequence.StandardKey | str | None
Slot = Callable[["MainWindow"], object]


class NamedActions:
    """The window's actions as attributes (``window.import_action``), for code that names
    one; :func:`build_actions` makes them and the window sets each. A test holds this list
    to the actions built."""

    new_action: QAction
    import_action: QAction
    export_action: QAction
    import_sheet_action: QAction
    export_sheet_action: QAction
    posting_action: QAction
    paste_posting_action: QAction
    contacts_action: QAction
    export_contacts_action: QAction
    proof_action: QAction
    export_calendar_action: QAction
    backup_action: QAction
    quit_action: QAction
    find_action: QAction
    open_card_action: QAction
    debrief_action: QAction
    just_had_action: QAction
    next_stage_action: QAction
    previous_stage_action: QAction
    archive_action: QAction
    move_to_action: QAction
    settings_action: QAction
    mailbox_action: QAction
    board_action: QAction
    questions_action: QAction
    calendar_action: QAction
    stats_action: QAction
    refresh_action: QAction
    about_action: QAction
    undo_action: QAction
    redo_action: QAction
    today_action: QAction


def exchange_available() -> bool:
    """True when the import/export module is installed."""
    return importlib.util.find_spec("followup_desktop.core.exchange") is not None


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """One action of the window: its name, words, what it does, its key and its tip."""

    name: str
    text: str
    slot: Slot
    shortcut: Shortcut = None
    tip: str = ""


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("new", _("&New opportunity…"), lambda w: w.router.new_opportunity(), Key.New,
               _("Add a job you are pursuing")),
    ActionSpec("import", _("&Import…"), lambda w: w.files.import_file(), None,
               _("Read a Followup export (JSON) or a calendar invitation (.ics)")),
    ActionSpec("export", _("&Export…"), lambda w: w.files.export_file(), None,
               _("Write everything to a JSON file")),
    ActionSpec("import_sheet", _("Import &spreadsheet…"), lambda w: w.files.import_spreadsheet(),
               None,
               _("Bring in a CSV from LinkedIn, Huntr, Teal, Simplify, JobSync or your own sheet")),
    ActionSpec("export_sheet", _("Export s&preadsheet…"), lambda w: w.files.export_spreadsheet(),
               None, _("Write every opportunity to a CSV file for spreadsheets")),
    ActionSpec("posting", _("Add job from a &posting page…"),
               lambda w: w.files.import_posting_file(), None,
               _("Read a saved job posting page (.html) into a new wishlist card")),
    ActionSpec("paste_posting", _("Paste job &posting"), lambda w: w.files.paste_posting(),
               "Ctrl+Shift+V",
               _("Read a job posting page copied to the clipboard into a new wishlist card")),
    ActionSpec("contacts", _("Import &contacts…"), lambda w: w.files.import_contacts_file(), None,
               _("Add people from LinkedIn's Connections.csv or a vCard file")),
    ActionSpec("export_contacts", _("Export contacts (&vCard)…"),
               lambda w: w.files.export_contacts_file(), None,
               _("Write everyone, or the selected card's people, as a vCard file")),
    ActionSpec("proof", _("&Proof of search…"), lambda w: w.files.proof_of_search(), None,
               _("Every application of a period, as a PDF form or CSV for a job centre")),
    ActionSpec("export_calendar", _("Export &calendar…"),
               lambda w: w.files.export_calendar_file(), None,
               _("Write interviews, follow-ups and expected decisions to an .ics file")),
    ActionSpec("backup", _("&Back up…"), lambda w: w.files.backup(), None,
               _("Write a consistent copy of the database")),
    ActionSpec("quit", _("&Quit"), lambda w: w.request_quit(), None, _("Stop Followup")),
    ActionSpec("find", _("&Find…"), lambda w: w.focus_search(), Key.Find, _("Search the cards")),
    ActionSpec("open_card", _("&Open card"), lambda w: w.board_ctl.open_current()),
    ActionSpec("debrief", _("&Debrief…"), lambda w: w.router.debrief_or_just_had(),
               "Ctrl+D", _("Write down how the selected card's last interview went; with no "
                           "card selected, record the interview you just had first")),
    ActionSpec("just_had", _("I &just had an interview…"), lambda w: w.router.just_had_interview(),
               "Ctrl+Shift+D", _("Record the interview that just ended and write its debrief")),
    ActionSpec("next_stage", _("Move to &next stage"), lambda w: w.board_ctl.move_selected(1),
               "Ctrl+Shift+Right", _("Move the selected cards one column right")),
    ActionSpec("previous_stage", _("Move to &previous stage"),
               lambda w: w.board_ctl.move_selected(-1), "Ctrl+Shift+Left",
               _("Move the selected cards one column left")),
    ActionSpec("archive", _("&Archive / restore"), lambda w: w.board_ctl.toggle_archived(),
               "Ctrl+Shift+A", _("Archive the selection")),
    ActionSpec("move_to", _("&Move to…"), lambda w: w.board_ctl.show_move_menu(), "Ctrl+M",
               _("Move the selected cards to a stage you choose")),
    ActionSpec("settings", _("&Settings…"), lambda w: w.router.open_settings(), Key.Preferences,
               _("Stages, playbook, working hours")),
    ActionSpec("mailbox", _("From your &mailbox…"), lambda w: w.router.open_mailbox(),
               "Ctrl+Shift+M",
               _("Sent notes and replies found in your mailbox, to confirm or dismiss")),
    ActionSpec("board", _("&Board"), lambda w: w.pages.show_board(), "Ctrl+1"),
    ActionSpec("questions", _("&Question bank"), lambda w: w.pages.show_questions(), "Ctrl+3",
               _("Questions you stumbled on, with better answers to practise")),
    ActionSpec("calendar", _("&Calendar"), lambda w: w.pages.show_calendar(), "Ctrl+2",
               _("Interviews, follow-ups and expected decisions by day")),
    ActionSpec("stats", _("&Your search"), lambda w: w.pages.show_stats(), "Ctrl+4",
               _("Funnel, response times, weekly activity")),
    ActionSpec("refresh", _("&Refresh"), lambda w: w.refresh(), Key.Refresh),
    ActionSpec("about", _("&About Followup"), lambda w: w.about()),
)  # fmt: skip

# One page at a time; the checked item says which is showing.
PAGES = ("board", "calendar", "questions", "stats")
# Acting on cards that are not on screen would surprise: these need a card on the board.
CARD_ACTIONS = ("next_stage", "previous_stage", "move_to", "archive", "open_card")
# Disabled while a job the person started runs (import and export also need the module).
EXCHANGE_ACTIONS = ("import", "export")
JOB_ACTIONS = ("backup", "export_calendar", "import_sheet", "export_sheet")

MENUS: tuple[tuple[str, tuple[str | None, ...]], ...] = (
    (_("&File"), (
        "new", "just_had", "debrief", None,
        "import", "import_sheet", "export", "export_sheet", "export_calendar", None,
        "posting", "contacts", "export_contacts", "proof", None,
        "backup", None, "quit",
    )),
    (_("&Edit"), (
        "undo", "redo", None, "find", "paste_posting", None,
        "next_stage", "previous_stage", "move_to", "archive", None, "settings",
    )),
    (_("&View"), ("board", "calendar", "questions", "stats", "today", "mailbox", None, "refresh")),
    (_("&Help"), ("about",)),
)  # fmt: skip
TOOLBAR = (
    "new",
    "just_had",
    None,
    "undo",
    "redo",
    None,
    "|filters",
    "|spacer",
    "today",
    "settings",
)


def _make(window: MainWindow, spec: ActionSpec) -> QAction:
    action = QAction(spec.text, window)
    if spec.shortcut is not None:
        action.setShortcut(QKeySequence(spec.shortcut))
    if spec.tip:
        action.setToolTip(spec.tip)
        action.setStatusTip(spec.tip)
    # Looked up when triggered, so the action follows the window's parts as they are then.
    action.triggered.connect(lambda _checked=False: spec.slot(window))
    window.addAction(action)
    return action


def build_actions(window: MainWindow) -> dict[str, QAction]:
    """Every action of the window by name, the undo stack's and the Today panel's too."""
    actions = {spec.name: _make(window, spec) for spec in ACTIONS}
    if not exchange_available():
        for name in EXCHANGE_ACTIONS:
            actions[name].setEnabled(False)
            actions[name].setToolTip(_("Import and export are not installed in this build"))
    # The platform's Quit keys, and Ctrl+Q where a platform names none (offscreen, some
    # desktops' themes).
    actions["quit"].setShortcuts(QKeySequence.keyBindings(Key.Quit) or [QKeySequence("Ctrl+Q")])
    # Return also activates the list views; the action's shortcut would clash there.
    actions["open_card"].setShortcut(QKeySequence())
    undo = window.undo_stack.createUndoAction(window, _("&Undo"))
    undo.setShortcut(QKeySequence(Key.Undo))
    redo = window.undo_stack.createRedoAction(window, _("&Redo"))
    redo.setShortcut(QKeySequence(Key.Redo))
    # Tooltips that add to the name, so a screen reader does not say "Undo" twice.
    undo.setToolTip(_("Undo the last change (Ctrl+Z)"))
    redo.setToolTip(_("Redo what was undone (Ctrl+Shift+Z)"))
    actions["undo"], actions["redo"] = undo, redo
    group = QActionGroup(window)
    for name in PAGES:
        actions[name].setCheckable(True)
        group.addAction(actions[name])
    actions["board"].setChecked(True)
    today = window.today_dock.toggleViewAction()
    today.setText(_("&Today"))
    # Ctrl+1..4 are the pages (board, calendar, question bank, your search).
    today.setShortcut(QKeySequence("Ctrl+T"))
    today.setToolTip(_("Show or hide the Today panel (Ctrl+T)"))
    actions["today"] = today
    return actions


def show_busy(window: MainWindow, busy: bool) -> None:
    """While a job the person started runs, the actions that would start another wait."""
    for name in (*EXCHANGE_ACTIONS, *JOB_ACTIONS):
        needs_module = name in EXCHANGE_ACTIONS
        window.named_actions[name].setEnabled(
            not busy and (exchange_available() or not needs_module)
        )
    if not busy:
        window.job_label.clear()


def build_menus(window: MainWindow, actions: dict[str, QAction]) -> None:
    """The menu bar, from :data:`MENUS`."""
    bar = window.menuBar()
    for title, names in MENUS:
        menu = bar.addMenu(title)
        _fill(menu, actions, names)
        if "today" in names:  # the View menu: its pages' tips say what each shows
            menu.setToolTipsVisible(True)


def _fill(menu: QMenu, actions: dict[str, QAction], names: tuple[str | None, ...]) -> None:
    for name in names:
        if name is None:
            menu.addSeparator()
        else:
            menu.addAction(actions[name])


def build_toolbar(
    window: MainWindow, actions: dict[str, QAction], filters: list[QWidget]
) -> QToolBar:
    """The main toolbar, from :data:`TOOLBAR`."""
    toolbar = QToolBar(_("Main toolbar"), window)
    toolbar.setObjectName("mainToolbar")
    toolbar.setAccessibleName(_("Main toolbar"))
    toolbar.setMovable(False)
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    for name in TOOLBAR:
        if name is None:
            toolbar.addSeparator()
        elif name == "|filters":
            for widget in filters:
                toolbar.addWidget(widget)
        elif name == "|spacer":
            spacer = QWidget()
            spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            toolbar.addWidget(spacer)
        else:
            toolbar.addAction(actions[name])
    for action in toolbar.actions():
        widget = toolbar.widgetForAction(action)
        if widget is not None and not widget.accessibleName():
            widget.setAccessibleName(action.text().replace("&", "").rstrip("…"))
    # Qt's own » button, shown when a narrow window cannot hold every action.
    for button in toolbar.findChildren(QToolButton, "qt_toolbar_ext_button"):
        button.setAccessibleName(_("More toolbar actions"))
    window.addToolBar(toolbar)
    return toolbar
