"""The tray: Followup's presence while the window is closed, and where reminders start.

The icon carries the overdue count and a tooltip naming the next due action; a left
click shows or hides the window; the menu is rebuilt each time it opens (so it is never
stale) with the most urgent actions and the reminder commands. Closing the window keeps
Followup running in the tray (said once, remembered in QSettings). With no tray but a
notification server on the session bus (stock GNOME), closing the window keeps Followup
running in the background, said once too: reminders still arrive with their buttons, and
launching Followup again shows the window. With neither, closing the window quits and
reminders appear in the window's banner. Quit (the tray's, the window's menu, Ctrl+Q)
always ends the process.

:func:`install_tray` is the one call the composition root makes; it builds the notifier
chain (freedesktop D-Bus, then the tray's balloon, then the in-app banner), the
scheduler and this controller, and wires them together.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QRect, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QGuiApplication,
    QIcon,
    QPainter,
    QPixmap,
    QUndoStack,
)
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu, QSystemTrayIcon

from followup_desktop import APP_ID, APP_NAME
from followup_desktop.core import localformat
from followup_desktop.core.i18n import _, ngettext
from followup_desktop.core.reminders import ReminderService, TrayStatus
from followup_desktop.core.services import FollowupService
from followup_desktop.core.timeutil import local_zone
from followup_desktop.gui.commands import ActionStepCommand, Runner, run_at_once
from followup_desktop.gui.plain import action_text, shown
from followup_desktop.gui.scheduler import ReminderScheduler
from followup_desktop.gui.theme import app_icon as packaged_icon
from followup_desktop.notify import Notification, Notifier, NotifierChain
from followup_desktop.notify.banner import BannerNotifier
from followup_desktop.notify.tray_balloon import TrayBalloonNotifier

if TYPE_CHECKING:
    from followup_desktop.gui.tasks import TaskRunner

log = logging.getLogger(__name__)

URGENT_IN_MENU = 5
CLOSE_HINT_KEY = "tray/close_hint_shown"
BACKGROUND_HINT_KEY = "background/close_hint_shown"
# Notifiers that reach the person with the window hidden and no tray icon.
WINDOWLESS_NOTIFIERS = frozenset({"freedesktop"})
# How often to look for a tray that was not there (a panel that starts after us).
TRAY_WATCH_MS = 2000
# How long the tray menu offers to undo a step taken from a notification or the menu:
# long enough to notice a wrong click, short enough that "Undo" never means something
# long forgotten. The window's Edit → Undo keeps it for good.
UNDO_OFFER_S = 120.0
# Started minimized at login before the panel: how long to wait for a tray before
# showing the window instead.
TRAY_GRACE = timedelta(seconds=10)
ICON_SIZE = 64
SYMBOLIC_ICON_NAME = f"{APP_ID}-symbolic"


def app_icon() -> QIcon:
    """Followup's icon: from the icon theme when installed, else from the package."""
    icon = QIcon.fromTheme(APP_ID)
    if not icon.isNull():
        return icon
    icon = packaged_icon()
    if icon.isNull():
        # Packaging data missing (a bare checkout): a plain disc still marks the tray.
        pixmap = QPixmap(ICON_SIZE, ICON_SIZE)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(QColor("#2f6f9f"))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawEllipse(4, 4, ICON_SIZE - 8, ICON_SIZE - 8)
        painter.end()
        icon = QIcon(pixmap)
    return icon


def tray_icon() -> QIcon:
    """The tray's icon: the one-colour symbolic icon where the icon theme has it.

    Panels (GNOME's AppIndicator extension, KDE, XFCE) recolour a ``-symbolic`` theme
    icon to match their text, where the full-colour icon would stand out on a dark
    panel. It comes by name from the theme (Followup installs it with its desktop
    entry), so a tray on D-Bus is handed the name rather than a picture, and it is
    marked as a mask for platforms that tint masks. Not installed: the colour icon.
    """
    symbolic = QIcon.fromTheme(SYMBOLIC_ICON_NAME)
    if not symbolic.isNull():
        symbolic.setIsMask(True)
        return symbolic
    return app_icon()


def badged_icon(base: QIcon, count: int) -> QIcon:
    """``base`` with ``count`` drawn in a red badge in the corner (unchanged for 0)."""
    if count <= 0:
        return base
    pixmap = base.pixmap(ICON_SIZE, ICON_SIZE)
    if pixmap.isNull():
        pixmap = QPixmap(ICON_SIZE, ICON_SIZE)
        pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    badge = QRect(ICON_SIZE // 3, 0, ICON_SIZE * 2 // 3, ICON_SIZE * 2 // 3 - 8)
    painter.setBrush(QColor("#c62828"))
    painter.setPen(QColor("white"))
    painter.drawRoundedRect(badge, badge.height() / 2, badge.height() / 2)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(badge.height() * 2 // 3)
    painter.setFont(font)
    painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, "99+" if count > 99 else str(count))
    painter.end()
    return QIcon(pixmap)


class TrayController(QObject):
    """The tray icon, its menu, and what closing the window means."""

    open_action_requested = Signal(int)
    new_debrief_requested = Signal()
    arguments_received = Signal(list)
    mailbox_requested = Signal()

    def __init__(
        self,
        window: QMainWindow,
        reminders: ReminderService,
        *,
        icon: QSystemTrayIcon | None = None,
        settings: QSettings | None = None,
        tray_available: Callable[[], bool] = QSystemTrayIcon.isSystemTrayAvailable,
        quit_app: Callable[[], None] | None = None,
        tz: tzinfo | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.window = window
        self.reminders = reminders
        self.settings = settings if settings is not None else QSettings()
        self.tray_available = tray_available
        self.quit_app = quit_app or QApplication.quit
        self.tz = tz or local_zone()
        self.base_icon = tray_icon()
        self.icon = icon or QSystemTrayIcon(self.base_icon, self)
        self.icon.setIcon(self.base_icon)
        self.icon.setToolTip(APP_NAME)
        self.menu = QMenu()
        self.menu.setObjectName("trayMenu")
        self.menu.aboutToShow.connect(self.rebuild_menu)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self.scheduler: ReminderScheduler | None = None
        self.notifier: NotifierChain | None = None
        # Set by install_tray when the mailbox is read at an interval.
        self.mailbox_waiting = 0
        self.mailbox_error = ""
        self.mailbox_poller: QObject | None = None
        self.status: TrayStatus | None = None
        self._quitting = False
        self._minimized_start: datetime | None = None
        # The last step taken from a notification or this menu, offered for undo here
        # (the window's Edit → Undo has it too, but the window may be closed).
        self.monotonic: Callable[[], float] = time.monotonic
        self._undo_offer: tuple[str, Callable[[], None], float] | None = None
        # With a worker (use_worker), the badge is read there after each check.
        self._tasks: TaskRunner | None = None
        self._refreshing = False
        self._refresh_again = False
        self._tray_watch = QTimer(self)
        self._tray_watch.setInterval(TRAY_WATCH_MS)
        self._tray_watch.timeout.connect(self._look_for_tray)
        window.installEventFilter(self)

    def attach(self, scheduler: ReminderScheduler, notifier: NotifierChain) -> None:
        """Connect the scheduler whose reminders this tray reflects."""
        self.scheduler = scheduler
        self.notifier = notifier
        scheduler.status_changed.connect(self._status_changed)
        scheduler.open_action_requested.connect(self.open_action)
        scheduler.open_window_requested.connect(self.show_window)
        scheduler.delivered.connect(self._delivered)

    # -- showing -----------------------------------------------------------------------

    @property
    def in_tray(self) -> bool:
        """True when the icon is showing in a real tray."""
        return self.icon.isVisible() and self.tray_available()

    @property
    def in_background(self) -> bool:
        """True when, with no tray, reminders still reach the desktop's notifications."""
        chain = self.notifier
        if self.in_tray or chain is None:
            return False
        return any(
            notifier.name in WINDOWLESS_NOTIFIERS and notifier.available()
            for notifier in chain.notifiers
        )

    def start(self, *, minimized: bool = False) -> None:
        """Show the icon (or wait for a tray) and the window unless started minimized."""
        if self.tray_available():
            self.icon.show()
        else:
            self._tray_watch.start()
        if not minimized:
            self.show_window()
        elif not self.in_tray:
            # At login the panel may come after us: give it a moment before giving up.
            self._minimized_start = datetime.now().astimezone()
        self._status_changed()

    def _look_for_tray(self) -> None:
        if self.tray_available():
            log.info("a system tray appeared")
            self._tray_watch.stop()
            self.icon.show()
            self._minimized_start = None
            self.refresh()
            return
        started = self._minimized_start
        if started is not None and datetime.now().astimezone() - started > TRAY_GRACE:
            self._minimized_start = None
            if self.in_background:
                # Started at login on a desktop without a tray: notifications are enough.
                log.info("no system tray; reminding through notifications in the background")
                return
            log.info("no system tray; showing the window instead")
            self._minimized_start = None
            self.show_window()

    def show_window(self) -> None:
        """Bring the window to the front (restoring it when minimized)."""
        window = self.window
        if window.isMinimized():
            window.showNormal()
        window.show()
        window.raise_()
        window.activateWindow()

    def toggle_window(self) -> None:
        """Hide the window when it is in front, else show it."""
        if self.window.isVisible() and not self.window.isMinimized():
            self.window.hide()
        else:
            self.show_window()

    def open_action(self, action_id: int) -> None:
        """Show the window and ask it to open ``action_id``."""
        self.show_window()
        self.open_action_requested.emit(action_id)

    def handle_arguments(self, arguments: Sequence[str]) -> None:
        """A second launch handed us its arguments: come forward and pass them on."""
        self.show_window()
        self.arguments_received.emit(list(arguments))

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.toggle_window()

    def _delivered(self, _plan: object, channel: str) -> None:
        if channel == "banner":
            if not self.window.isVisible():
                self.show_window()
            QApplication.alert(self.window, 0)

    # -- status ------------------------------------------------------------------------

    def use_worker(self, tasks: TaskRunner) -> None:
        """Read the badge's figures on ``tasks``'s worker after each check from now on:
        they count every overdue step, and on a large database the window would pause."""
        self._tasks = tasks

    def _status_changed(self) -> None:
        if self._tasks is None:
            self.refresh()
        else:
            self.refresh_later(self._tasks)

    def refresh(self) -> None:
        """Redraw the badge and tooltip from the database."""
        now = self.reminders.clock()
        self._show_status(self.reminders.status(now, self.tz, limit=URGENT_IN_MENU))

    def refresh_later(self, tasks: TaskRunner) -> None:
        """:meth:`refresh`, its read on the worker; a read already asked for is not
        asked again, and the newest answer is the one shown."""
        if self._refreshing:
            self._refresh_again = True
            return
        self._refreshing = True
        reminders, tz = self.reminders, self.tz

        def done(status: TrayStatus) -> None:
            self._refreshing = False
            self._show_status(status)
            if self._refresh_again:
                self._refresh_again = False
                self.refresh_later(tasks)

        def failed(error: BaseException) -> None:
            self._refreshing = False
            log.info("reading the tray's status on the worker failed: %r", error)
            self.refresh()  # on the GUI thread then, where a failure is reported

        tasks.submit(
            lambda: reminders.status(reminders.clock(), tz, limit=URGENT_IN_MENU),
            done,
            failed,
            quiet=True,
        )

    def _show_status(self, status: TrayStatus) -> None:
        self.status = status
        self.icon.setIcon(badged_icon(self.base_icon, status.overdue))
        self.icon.setToolTip(self.tooltip(status))

    def tooltip(self, status: TrayStatus) -> str:
        """The tray's tooltip text for ``status`` (plain text)."""
        lines = [APP_NAME]
        if status.next_item is not None:
            item = status.next_item
            when = localformat.day_and_clock(item.due_at.astimezone(self.tz))
            what = item.headline
            lines.append(_("Next: {step} ({when})").format(step=shown(what), when=when))
        else:
            lines.append(_("Nothing else planned"))
        if status.overdue:
            lines.append(
                ngettext("{n} overdue", "{n} overdue", status.overdue).format(n=status.overdue)
            )
        if status.paused_until is not None:
            paused = status.paused_until.astimezone(self.tz)
            until = _("{weekday} {time}").format(
                weekday=localformat.weekday_name(paused.date()), time=localformat.clock(paused)
            )
            lines.append(_("Reminders paused until {when}").format(when=until))
        return "\n".join(lines)

    # -- undo --------------------------------------------------------------------------

    def offer_undo(self, text: str, undo: Callable[[], None]) -> None:
        """Offer "Undo ``text``" in the menu for :data:`UNDO_OFFER_S` seconds."""
        self._undo_offer = (text, undo, self.monotonic() + UNDO_OFFER_S)

    @property
    def undo_text(self) -> str | None:
        """What the menu offers to undo, or None (nothing, or offered too long ago)."""
        offer = self._undo_offer
        if offer is None or self.monotonic() > offer[2]:
            self._undo_offer = None
            return None
        return offer[0]

    def _undo(self) -> None:
        offer, self._undo_offer = self._undo_offer, None
        if offer is not None:
            offer[1]()

    # -- the menu ----------------------------------------------------------------------

    def rebuild_menu(self) -> None:
        """Fill the menu afresh (connected to ``aboutToShow``)."""
        self.refresh()
        status = self.status
        menu = self.menu
        menu.clear()
        if status is not None and status.urgent:
            menu.addSection(_("Most urgent"))
            now = self.reminders.clock()
            for item in status.urgent:
                what = item.headline
                if item.due_at < now:
                    what = _("{step} (overdue)").format(step=what)
                action = menu.addAction(action_text(what))
                action.setObjectName(f"trayUrgent_{item.action_id}")
                action.triggered.connect(
                    lambda _checked=False, chosen=item.action_id: self.open_action(chosen)
                )
            menu.addSeparator()
        if self.mailbox_waiting:
            self._add(
                menu,
                ngettext(
                    "From your mailbox ({n})…", "From your mailbox ({n})…", self.mailbox_waiting
                ).format(n=self.mailbox_waiting),
                "trayMailbox",
                self._open_mailbox,
            )
        if self.mailbox_error:
            note = menu.addAction(
                action_text(_("Mailbox not checked: {reason}").format(reason=self.mailbox_error))
            )
            note.setObjectName("trayMailboxError")
            note.setEnabled(False)
        undo_text = self.undo_text
        if undo_text is not None:
            self._add(
                menu, action_text(_("Undo {what}").format(what=undo_text)), "trayUndo", self._undo
            )
        self._add(menu, _("I just had an interview…"), "trayJustInterviewed", self._new_debrief)
        self._add(menu, _("Open Followup"), "trayOpen", self.show_window)
        snooze = self._add(menu, _("Snooze all for an hour"), "traySnoozeAll", self._snooze_all)
        snooze.setEnabled(self.scheduler is not None and bool(status and status.overdue))
        if status is not None and status.paused_until is not None:
            self._add(menu, _("Resume reminders"), "trayResume", self._resume)
        else:
            self._add(menu, _("Pause reminders until tomorrow"), "trayPause", self._pause)
        menu.addSeparator()
        self._add(menu, _("Quit"), "trayQuit", self.quit)

    def _add(self, menu: QMenu, text: str, name: str, slot: Callable[[], None]) -> QAction:
        action = menu.addAction(text)
        action.setObjectName(name)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _open_mailbox(self) -> None:
        self.show_window()
        self.mailbox_requested.emit()

    def set_mailbox_waiting(self, waiting: int) -> None:
        """How many mailbox proposals wait (after a background check)."""
        self.mailbox_waiting = waiting
        self.mailbox_error = ""

    def set_mailbox_error(self, message: str) -> None:
        """Why the last background check failed; shown in the menu, not as a pop-up."""
        log.info("background mailbox check failed: %s", message)
        self.mailbox_error = message

    def _new_debrief(self) -> None:
        self.show_window()
        self.new_debrief_requested.emit()

    def _snooze_all(self) -> None:
        if self.scheduler is not None:
            self.scheduler.snooze_all()

    def _pause(self) -> None:
        if self.scheduler is not None:
            self.scheduler.pause_until_tomorrow()

    def _resume(self) -> None:
        if self.scheduler is not None:
            self.scheduler.resume()

    # -- closing and quitting ----------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Turn the window's close into a hide while a tray or the background holds Followup."""
        if watched is self.window and event.type() == QEvent.Type.Close and not self._quitting:
            if self.in_tray:
                event.ignore()
                self.window.hide()
                self._say_once_still_running()
                return True
            if self.in_background:
                event.ignore()
                self.window.hide()
                self._say_once_in_background()
                return True
            # Nothing could remind with the window closed: closing it is quitting.
            QTimer.singleShot(0, self.quit)
        return super().eventFilter(watched, event)

    def _first_time(self, key: str) -> bool:
        if self.settings.value(key, False, type=bool):
            return False
        self.settings.setValue(key, True)
        self.settings.sync()
        return True

    def _say_once_still_running(self) -> None:
        if not self._first_time(CLOSE_HINT_KEY):
            return
        message = Notification(
            summary=_("{app} is still running").format(app=APP_NAME),
            body=_(
                "It keeps reminding you from the tray. Choose Quit in the tray menu, or "
                "Quit (Ctrl+Q) in the window's File menu, to stop it."
            ),
        )
        if QSystemTrayIcon.supportsMessages() and QGuiApplication.platformName() != "offscreen":
            self.icon.showMessage(message.summary, message.body)
        elif self.notifier is not None:
            self.notifier.deliver(message)

    def _say_once_in_background(self) -> None:
        if not self._first_time(BACKGROUND_HINT_KEY) or self.notifier is None:
            return
        self.notifier.deliver(
            Notification(
                summary=_("{app} keeps running in the background").format(app=APP_NAME),
                body=_(
                    "Reminders still arrive as notifications. Open Followup again from "
                    "the application menu to see the window; choose Quit (Ctrl+Q) in its File "
                    "menu to stop it."
                ),
            )
        )

    def quit(self) -> None:
        """Quit Followup for real."""
        self._quitting = True
        self.quit_app()

    def shutdown(self) -> None:
        """Stop timers, close notifier connections and remove the icon."""
        # However the quit came (Quit, a signal, the session ending), closing the window
        # from here on closes it.
        self._quitting = True
        self._tray_watch.stop()
        if self.scheduler is not None:
            self.scheduler.stop()
        if self.notifier is not None:
            self.notifier.close()
        self.icon.hide()


def build_notifiers(
    window: QMainWindow, icon: QSystemTrayIcon, *, dbus: bool = True, bus: str = "SESSION"
) -> list[Notifier]:
    """The fallback chain: freedesktop (Linux), the tray's balloon, the in-app banner."""
    notifiers: list[Notifier] = []
    if dbus and sys.platform.startswith("linux"):
        from followup_desktop.notify.freedesktop import FreedesktopNotifier

        freedesktop = FreedesktopNotifier(APP_NAME, APP_ID, icon=APP_ID, bus=bus)
        freedesktop.connect()
        notifiers.append(freedesktop)
    notifiers.append(TrayBalloonNotifier(icon))
    notifiers.append(BannerNotifier(window))
    return notifiers


def _start_mailbox(
    service: FollowupService, controller: TrayController, tasks: TaskRunner | None
) -> None:
    """Start checking the mailbox once its code has loaded, without pausing the window."""

    def start_mailbox() -> None:
        from followup_desktop.gui.mailbox.background import MailboxPoller

        poller = MailboxPoller(service, controller)
        poller.found.connect(controller.set_mailbox_waiting)
        poller.failed.connect(controller.set_mailbox_error)
        controller.mailbox_poller = poller
        poller.start()

    def failed_to_load(error: BaseException) -> None:
        log.info("loading the mailbox code on the worker failed: %r", error)
        start_mailbox()

    if tasks is None:
        # In an event of its own, once the tray is up: loading the mailbox code takes
        # some 50 ms, which made the pause after the first paint that much longer.
        QTimer.singleShot(0, controller, start_mailbox)
    else:
        # Most of that code (parsing mail, its date phrases, SMTP) is plain Python with
        # regular expressions to compile: loaded on the worker, the GUI thread keeps
        # beating; only the poller's Qt side then loads here.
        tasks.submit(
            _load_mailbox_core,
            lambda _loaded: start_mailbox(),
            failed_to_load,
            quiet=True,
            owner=controller,
        )


def _load_mailbox_core() -> None:
    """On the worker: import the mailbox checker's Qt-free modules (see install_tray)."""
    import followup_desktop.core.mailbox.account
    import followup_desktop.core.mailbox.check
    import followup_desktop.core.mailbox.watch
    import followup_desktop.secrets  # noqa: F401 - loaded now, used by the poller


def install_tray(
    app: QApplication,
    window: QMainWindow,
    service: FollowupService,
    *,
    minimized: bool = False,
    on_open_action: Callable[[int], None] | None = None,
    on_new_debrief: Callable[[], None] | None = None,
    on_change: Callable[[object], None] | None = None,
    settings: QSettings | None = None,
    dbus: bool = True,
    undo_stack: QUndoStack | None = None,
    run: Runner = run_at_once,
    start_reminders: bool = True,
    tasks: TaskRunner | None = None,
) -> TrayController:
    """Give Followup its tray, notifications and reminder scheduler; returns the controller.

    ``on_open_action(action_id)`` opens an action in the window, ``on_new_debrief()``
    starts a debrief and ``on_change(change)`` tells the window that a button in a
    notification or the tray menu changed actions (so it refreshes). Call
    ``controller.scheduler.reschedule()`` after the window changes actions itself.

    A step taken from a notification or the tray menu (done, snooze) goes on
    ``undo_stack`` (the window's, whose writes ``run`` runs) and is offered for undo in
    the tray menu for a while, so it can be taken back with the window closed.

    With ``tasks`` (the window's worker), what is due and the badge's figures are read
    on its worker, not on the GUI thread.
    """
    app.setQuitOnLastWindowClosed(False)
    reminders = ReminderService.of(service)
    controller = TrayController(window, reminders, settings=settings, parent=app)
    notifiers = build_notifiers(window, controller.icon, dbus=dbus)
    chain = NotifierChain(notifiers)
    scheduler = ReminderScheduler(reminders, service, chain, parent=controller)
    for notifier in notifiers:
        notifier.on_action = scheduler.on_action_chosen
    controller.attach(scheduler, chain)
    if tasks is not None:
        controller.use_worker(tasks)
        scheduler.use_worker(tasks)
    if on_open_action is not None:
        controller.open_action_requested.connect(on_open_action)
    if on_new_debrief is not None:
        controller.new_debrief_requested.connect(on_new_debrief)
    if on_change is not None:
        scheduler.changed.connect(on_change)

    def step_taken(text: str, before: object, after: object) -> None:
        assert isinstance(before, dict)
        assert isinstance(after, dict)
        command = ActionStepCommand(service, text, before, after, sink=scheduler.undone, run=run)
        if undo_stack is None:
            controller.offer_undo(text, command.undo)
            return
        undo_stack.push(command)

        def undo() -> None:
            # Only while it is still the next step to undo: the window may have undone
            # it, or done something since, and the tray must not undo that instead.
            index = undo_stack.index()
            if index > 0 and undo_stack.command(index - 1) is command:
                undo_stack.undo()

        controller.offer_undo(text, undo)

    scheduler.step_taken.connect(step_taken)
    app.aboutToQuit.connect(controller.shutdown)

    _start_mailbox(service, controller, tasks)
    first = chain.first_available()
    log.info("reminders go through %s", first.name if first is not None else "nothing")
    controller.start(minimized=minimized)
    if start_reminders:
        scheduler.start()
    return controller


__all__ = [
    "TrayController",
    "app_icon",
    "badged_icon",
    "build_notifiers",
    "install_tray",
    "tray_icon",
]
