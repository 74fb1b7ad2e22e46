"""The tray controller offscreen: menu, tooltip and badge, closing, and the no-tray path."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QCloseEvent, QIcon
from PySide6.QtWidgets import QApplication, QMainWindow
from pytestqt.qtbot import QtBot

from followup_desktop.core.db import Database
from followup_desktop.core.reminders import ReminderService, TrayStatus
from followup_desktop.core.services import FollowupService
from followup_desktop.gui.scheduler import ReminderScheduler
from followup_desktop.gui.tray import (
    BACKGROUND_HINT_KEY,
    CLOSE_HINT_KEY,
    TrayController,
    badged_icon,
    install_tray,
)
from followup_desktop.notify import Notification, NotifierChain
from followup_desktop.notify.banner import BannerNotifier, ReminderBanner
from reminder_helpers import ANY_TIME, FakeClock, add_action, add_opportunity, set_setting

# The offscreen platform cannot raise windows or host a tray; it says so, harmlessly.
pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support raise", "No such signal QPlatformNativeInterface::systemTray"
)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 24, 10, tzinfo=UTC))


@pytest.fixture
def window(qtbot: QtBot) -> QMainWindow:
    made = QMainWindow()
    qtbot.addWidget(made)
    return made


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "qt.ini"), QSettings.Format.IniFormat)


def _menu_names(controller: TrayController) -> list[str]:
    controller.menu.aboutToShow.emit()
    return [action.objectName() for action in controller.menu.actions() if action.objectName()]


def test_without_a_tray_the_window_stays_and_reminders_use_the_banner(
    qtbot: QtBot, database: Database, window: QMainWindow, settings: QSettings
) -> None:
    set_setting(database, "reminders", ANY_TIME)
    add_action(database, datetime.now(UTC) - timedelta(minutes=1))
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    controller = install_tray(
        app, window, FollowupService(database), minimized=True, settings=settings, dbus=False
    )
    try:
        assert not controller.in_tray
        banner = window.findChild(ReminderBanner, "reminderBanner")
        assert banner is not None
        assert banner.text.startswith("Send a thank-you note")
        assert window.isVisible(), "with no tray a reminder brings the window up"
    finally:
        controller.shutdown()


def test_the_menu_lists_urgent_actions_and_the_commands(
    qtbot: QtBot, database: Database, window: QMainWindow, clock: FakeClock, settings: QSettings
) -> None:
    opportunity = add_opportunity(database, "AT&T")
    overdue = add_action(database, clock.now - timedelta(hours=1), opportunity_id=opportunity)
    controller = TrayController(window, ReminderService(database, clock), settings=settings, tz=UTC)
    names = _menu_names(controller)
    assert names == [
        f"trayUrgent_{overdue}",
        "trayJustInterviewed",
        "trayOpen",
        "traySnoozeAll",
        "trayPause",
        "trayQuit",
    ]
    urgent = controller.menu.actions()[1]
    assert urgent.text() == "Send a thank-you note to Dana · AT&&T (overdue)"
    with qtbot.waitSignal(controller.open_action_requested) as blocker:
        urgent.trigger()
    assert blocker.args == [overdue]
    assert window.isVisible()


def test_tooltip_and_badge_show_the_next_action_and_the_overdue_count(
    qtbot: QtBot, database: Database, window: QMainWindow, clock: FakeClock, settings: QSettings
) -> None:
    opportunity = add_opportunity(database, "Globex")
    add_action(database, clock.now - timedelta(hours=1), opportunity_id=opportunity)
    add_action(database, clock.now - timedelta(hours=2))
    add_action(database, clock.now + timedelta(hours=4), opportunity_id=opportunity)
    controller = TrayController(window, ReminderService(database, clock), settings=settings, tz=UTC)
    controller.refresh()
    assert controller.icon.toolTip().splitlines() == [
        "Followup",
        "Next: Send a thank-you note to Dana · Globex (Tue, Nov 24, 2:00\u202fPM)",
        "2 overdue",
    ]
    base = controller.base_icon.pixmap(64, 64).toImage()
    badged = badged_icon(controller.base_icon, 2).pixmap(64, 64).toImage()
    assert badged != base
    assert badged_icon(controller.base_icon, 0) is controller.base_icon


def test_with_a_worker_the_badge_is_read_there_and_the_newest_answer_shown(
    qtbot: QtBot, database: Database, window: QMainWindow, clock: FakeClock, settings: QSettings
) -> None:
    import threading

    from followup_desktop.gui.tasks import TaskRunner

    reminders = ReminderService(database, clock)
    controller = TrayController(window, reminders, settings=settings, tz=UTC)
    scheduler = ReminderScheduler(reminders, FollowupService(database), NotifierChain([]))
    controller.attach(scheduler, NotifierChain([]))
    tasks = TaskRunner()
    controller.use_worker(tasks)
    read_on: list[threading.Thread] = []
    status = reminders.status

    def watched(now: datetime, tz: tzinfo, limit: int = 5) -> TrayStatus:
        read_on.append(threading.current_thread())
        return status(now, tz, limit=limit)

    reminders.status = watched  # type: ignore[method-assign]
    add_action(database, clock.now - timedelta(hours=1))
    scheduler.status_changed.emit()  # a check ended: the badge is read again...
    add_action(database, clock.now - timedelta(hours=2))
    scheduler.status_changed.emit()  # ...and asked again while that read runs
    assert read_on == [] or threading.main_thread() not in read_on  # not read here
    qtbot.waitUntil(lambda: tasks.idle and len(read_on) == 2)
    assert threading.main_thread() not in read_on
    shown = controller.status
    assert shown is not None and shown.overdue == 2
    assert controller.icon.toolTip().splitlines()[-1] == "2 overdue"


def test_closing_the_window_keeps_followup_in_the_tray_and_says_so_once(
    qtbot: QtBot, database: Database, window: QMainWindow, clock: FakeClock, settings: QSettings
) -> None:
    quits: list[bool] = []
    controller = TrayController(
        window,
        ReminderService(database, clock),
        settings=settings,
        tray_available=lambda: True,
        quit_app=lambda: quits.append(True),
    )
    controller.icon.show()
    window.show()
    window.close()
    assert not window.isVisible()
    assert quits == []
    assert settings.value(CLOSE_HINT_KEY, False, type=bool) is True

    controller.quit()
    assert quits == [True]
    event = QCloseEvent()
    QApplication.sendEvent(window, event)
    assert event.isAccepted(), "after Quit, closing really closes"


def test_without_a_tray_closing_the_window_quits(
    qtbot: QtBot, database: Database, window: QMainWindow, clock: FakeClock, settings: QSettings
) -> None:
    quits: list[bool] = []
    controller = TrayController(
        window,
        ReminderService(database, clock),
        settings=settings,
        tray_available=lambda: False,
        quit_app=lambda: quits.append(True),
    )
    controller.start()
    assert window.isVisible()
    window.close()
    qtbot.waitUntil(lambda: quits == [True], timeout=2000)


def test_a_second_launch_raises_the_window_and_passes_its_arguments(
    qtbot: QtBot, database: Database, window: QMainWindow, clock: FakeClock, settings: QSettings
) -> None:
    controller = TrayController(window, ReminderService(database, clock), settings=settings)
    with qtbot.waitSignal(controller.arguments_received) as blocker:
        controller.handle_arguments(["/home/me/interview.ics"])
    assert blocker.args == [["/home/me/interview.ics"]]
    assert window.isVisible()


def test_left_click_toggles_the_window(
    qtbot: QtBot, database: Database, window: QMainWindow, clock: FakeClock, settings: QSettings
) -> None:
    controller = TrayController(window, ReminderService(database, clock), settings=settings)
    controller.toggle_window()
    assert window.isVisible()
    controller.toggle_window()
    assert not window.isVisible()


def test_the_pause_entry_becomes_resume(
    qtbot: QtBot, database: Database, window: QMainWindow, settings: QSettings
) -> None:
    set_setting(database, "reminders", ANY_TIME)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    controller = install_tray(app, window, FollowupService(database), settings=settings, dbus=False)
    try:
        assert "trayPause" in _menu_names(controller)
        next(a for a in controller.menu.actions() if a.objectName() == "trayPause").trigger()
        assert "trayResume" in _menu_names(controller)
        assert "paused until" in controller.icon.toolTip()
        next(a for a in controller.menu.actions() if a.objectName() == "trayResume").trigger()
        assert "trayPause" in _menu_names(controller)
    finally:
        controller.shutdown()


def test_the_app_icon_is_found(qtbot: QtBot) -> None:
    from followup_desktop.gui.tray import app_icon

    icon: QIcon = app_icon()
    assert not icon.isNull()


class WindowlessNotifier:
    """A notification server's stand-in (named as the D-Bus notifier): records messages."""

    name = "freedesktop"
    on_action: Callable[[Notification, str], None] | None = None

    def __init__(self, up: bool = True) -> None:
        self.up = up
        self.shown: list[Notification] = []

    def available(self) -> bool:
        return self.up

    def supports_actions(self) -> bool:
        return True

    def notify(self, notification: Notification) -> bool:
        self.shown.append(notification)
        return True

    def close(self) -> None:
        pass


def _background_controller(
    database: Database,
    window: QMainWindow,
    clock: FakeClock,
    settings: QSettings,
    *,
    notifier: WindowlessNotifier,
    quits: list[bool],
) -> TrayController:
    controller = TrayController(
        window,
        ReminderService(database, clock),
        settings=settings,
        tray_available=lambda: False,
        quit_app=lambda: quits.append(True),
    )
    chain = NotifierChain([notifier, BannerNotifier(window)])
    scheduler = ReminderScheduler(
        ReminderService(database, clock), FollowupService(database, clock), chain
    )
    controller.attach(scheduler, chain)
    return controller


def test_without_a_tray_but_with_notifications_closing_keeps_running_and_says_so_once(
    qtbot: QtBot, database: Database, window: QMainWindow, clock: FakeClock, settings: QSettings
) -> None:
    quits: list[bool] = []
    notifier = WindowlessNotifier()
    controller = _background_controller(
        database, window, clock, settings, notifier=notifier, quits=quits
    )
    controller.start()
    assert not controller.in_tray and controller.in_background
    window.close()
    assert not window.isVisible()
    assert [shown.summary for shown in notifier.shown] == [
        "Followup keeps running in the background"
    ]
    assert "Quit (Ctrl+Q)" in notifier.shown[0].body
    assert settings.value(BACKGROUND_HINT_KEY, False, type=bool) is True

    controller.handle_arguments([])  # what a second launch does
    assert window.isVisible()
    window.close()
    assert not window.isVisible()
    assert len(notifier.shown) == 1, "said once, not at every close"
    qtbot.wait(50)
    assert quits == []

    controller.quit()
    assert quits == [True]
    event = QCloseEvent()
    QApplication.sendEvent(window, event)
    assert event.isAccepted(), "after Quit, closing really closes"


def test_when_the_notification_server_is_gone_closing_quits(
    qtbot: QtBot, database: Database, window: QMainWindow, clock: FakeClock, settings: QSettings
) -> None:
    quits: list[bool] = []
    notifier = WindowlessNotifier(up=False)
    controller = _background_controller(
        database, window, clock, settings, notifier=notifier, quits=quits
    )
    controller.start()
    assert not controller.in_background, "the banner alone cannot remind a closed window"
    window.close()
    qtbot.waitUntil(lambda: quits == [True], timeout=2000)
    assert notifier.shown == []


def test_started_at_login_without_a_tray_it_stays_in_the_background(
    qtbot: QtBot, database: Database, window: QMainWindow, clock: FakeClock, settings: QSettings
) -> None:
    quits: list[bool] = []
    notifier = WindowlessNotifier()
    controller = _background_controller(
        database, window, clock, settings, notifier=notifier, quits=quits
    )
    controller.start(minimized=True)
    assert not window.isVisible()
    # Past the grace period for a panel that starts late: notifications are enough.
    controller._minimized_start = datetime.now().astimezone() - timedelta(minutes=1)
    controller._look_for_tray()
    assert not window.isVisible()
    notifier.up = False
    controller._minimized_start = datetime.now().astimezone() - timedelta(minutes=1)
    controller._look_for_tray()
    assert window.isVisible(), "with nothing to remind through, the window shows"


def test_closed_to_the_tray_with_nothing_due_nothing_wakes_more_than_once_a_minute(
    qtbot: QtBot,
    database: Database,
    settings: QSettings,
    tmp_path: Path,
) -> None:
    from PySide6.QtCore import QTimer

    from followup_desktop.gui.dialogs import Dialogs
    from followup_desktop.gui.main_window import MainWindow

    set_setting(database, "reminders", ANY_TIME)
    add_action(database, datetime.now(UTC) + timedelta(days=3))
    service = FollowupService(database)
    window = MainWindow(
        service,
        dialogs=Dialogs(),
        settings=QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat),
    )
    qtbot.addWidget(window)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    controller = install_tray(app, window, service, settings=settings, dbus=False)
    try:
        # The offscreen platform has no tray; a panel appears, as on a desktop, and the
        # tray's watch for one finds it.
        controller.tray_available = lambda: True
        qtbot.waitUntil(lambda: controller.in_tray, timeout=10_000)
        qtbot.waitUntil(lambda: window.settled)
        assert window.isVisible()
        window.close()
        assert controller.in_tray and not window.isVisible()
        timers = [*app.findChildren(QTimer), *window.findChildren(QTimer)]
        active = [timer for timer in timers if timer.isActive()]
        assert controller.scheduler is not None
        assert controller.scheduler.timer in active  # reminders stay armed
        for timer in active:
            wait = timer.remainingTime() if timer.isSingleShot() else timer.interval()
            assert wait >= 60_000, (timer.objectName(), timer.parent(), wait)
        window.show()  # shown again: the minute tick is back
        assert any(
            timer.isActive() and timer.interval() == 60_000 for timer in window.findChildren(QTimer)
        )
    finally:
        controller.shutdown()


def _trigger(controller: TrayController, name: str) -> None:
    controller.menu.aboutToShow.emit()
    next(a for a in controller.menu.actions() if a.objectName() == name).trigger()


def _status(database: Database, action_id: int) -> tuple[str, datetime | None, datetime]:
    from followup_desktop.core.queries.window import action_statuses

    status = action_statuses(database, [action_id])[action_id]
    return status.state, status.snoozed_until, status.due_at


def test_done_from_a_notification_goes_on_the_undo_stack_and_the_tray_offers_undo(
    qtbot: QtBot, database: Database, window: QMainWindow, settings: QSettings
) -> None:
    from PySide6.QtGui import QUndoStack

    set_setting(database, "reminders", ANY_TIME)
    action = add_action(database, datetime.now(UTC) - timedelta(minutes=1))
    before = _status(database, action)
    stack = QUndoStack(window)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    service = FollowupService(database)
    controller = install_tray(app, window, service, settings=settings, dbus=False, undo_stack=stack)
    scheduler = controller.scheduler
    assert scheduler is not None
    try:
        assert "trayUndo" not in _menu_names(controller)
        chosen = Notification("Send a thank-you note", action_id=action)
        with qtbot.waitSignal(scheduler.step_taken):
            scheduler.on_action_chosen(chosen, "done")  # as the D-Bus listener would
        assert _status(database, action)[0] == "done"
        assert stack.undoText() == "Mark done: Send a thank-you note"
        assert "trayUndo" in _menu_names(controller)
        with qtbot.waitSignal(scheduler.changed):
            _trigger(controller, "trayUndo")
        assert _status(database, action) == before
        assert stack.index() == 0, "the window's Edit → Undo agrees it was undone"
        assert "trayUndo" not in _menu_names(controller)
        stack.redo()
        assert _status(database, action)[0] == "done"
    finally:
        controller.shutdown()


def test_the_tray_never_undoes_a_later_step_of_the_window(
    qtbot: QtBot, database: Database, window: QMainWindow, settings: QSettings
) -> None:
    from PySide6.QtGui import QUndoCommand, QUndoStack

    set_setting(database, "reminders", ANY_TIME)
    action = add_action(database, datetime.now(UTC) - timedelta(minutes=1))
    stack = QUndoStack(window)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    controller = install_tray(
        app, window, FollowupService(database), settings=settings, dbus=False, undo_stack=stack
    )
    scheduler = controller.scheduler
    assert scheduler is not None
    try:
        with qtbot.waitSignal(scheduler.step_taken):
            scheduler.on_action_chosen(Notification("Thank-you", action_id=action), "snooze")
        assert _status(database, action)[0] == "snoozed"
        stack.push(QUndoCommand("Something in the window"))
        _trigger(controller, "trayUndo")
        assert stack.index() == 2, "the window's own step was left alone"
        assert _status(database, action)[0] == "snoozed"
    finally:
        controller.shutdown()


def test_snooze_all_from_the_menu_is_offered_for_undo_for_a_while(
    qtbot: QtBot, database: Database, window: QMainWindow, settings: QSettings
) -> None:
    from followup_desktop.gui.tray import UNDO_OFFER_S

    set_setting(database, "reminders", ANY_TIME)
    actions = [add_action(database, datetime.now(UTC) - timedelta(minutes=m)) for m in (1, 2)]
    before = [_status(database, a) for a in actions]
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    controller = install_tray(app, window, FollowupService(database), settings=settings, dbus=False)
    now = [1000.0]
    controller.monotonic = lambda: now[0]
    try:
        _trigger(controller, "traySnoozeAll")
        assert {_status(database, a)[0] for a in actions} == {"snoozed"}
        now[0] += UNDO_OFFER_S - 1
        _trigger(controller, "trayUndo")  # without a window's stack: undone directly
        assert [_status(database, a) for a in actions] == before
        _trigger(controller, "traySnoozeAll")
        now[0] += UNDO_OFFER_S + 1
        assert "trayUndo" not in _menu_names(controller), "offered only for a while"
    finally:
        controller.shutdown()


def test_two_thank_yous_in_the_menu_name_their_people(
    qtbot: QtBot, database: Database, window: QMainWindow, clock: FakeClock, settings: QSettings
) -> None:
    from followup_desktop.core.services import DebriefFields, PanelMember

    service = FollowupService(database, clock=lambda: clock.now - timedelta(days=2))
    opportunity = service.create_opportunity("Acme Robotics", "Engineer").created_id
    assert opportunity is not None
    end = clock.now - timedelta(days=2)
    interview = service.record_interview(opportunity, end - timedelta(hours=1), end).created_id
    assert interview is not None
    service.submit_debrief(
        interview,
        DebriefFields(went_well="Good"),
        panel=[PanelMember("Dana Kim"), PanelMember("Omar Ruiz")],
    )
    controller = TrayController(window, ReminderService(database, clock), settings=settings, tz=UTC)
    controller.menu.aboutToShow.emit()
    texts = [action.text() for action in controller.menu.actions()]
    assert "Send a thank-you note to Dana Kim · Acme Robotics (overdue)" in texts
    assert "Send a thank-you note to Omar Ruiz · Acme Robotics (overdue)" in texts


def test_with_the_window_s_worker_the_mailbox_check_starts_once_its_code_has_loaded(
    qtbot: QtBot, database: Database, window: QMainWindow, settings: QSettings
) -> None:
    from followup_desktop.gui.mailbox.background import MailboxPoller
    from followup_desktop.gui.tasks import TaskRunner

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    tasks = TaskRunner(window)
    controller = install_tray(
        app, window, FollowupService(database), settings=settings, dbus=False, tasks=tasks
    )
    try:
        qtbot.waitUntil(lambda: controller.mailbox_poller is not None)
        assert isinstance(controller.mailbox_poller, MailboxPoller)
        qtbot.waitUntil(lambda: tasks.idle)
    finally:
        controller.shutdown()
        tasks.wait()
