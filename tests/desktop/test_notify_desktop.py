"""The freedesktop notifier against a real notification server (dunst) on a private bus."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conftest import require_tools
from desktop.stack import DesktopStack, wait_until
from followup_desktop.notify import DONE, OPEN, REMINDER_ACTIONS, SNOOZE, Notification
from followup_desktop.notify.freedesktop import FreedesktopNotifier

pytestmark = pytest.mark.desktop


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DesktopStack]:
    require_tools("Xvfb", "dunst", "dunstctl", "dbus-daemon")
    with DesktopStack(tmp_path_factory.mktemp("desktop"), tray=False) as running:
        yield running


def test_notify_carries_escaped_text_buttons_and_hints_and_dunst_invokes_them(
    stack: DesktopStack,
) -> None:
    monitor = stack.monitor()
    chosen: list[tuple[int | None, str]] = []
    closed: list[int | None] = []
    notifier = FreedesktopNotifier(
        "Followup",
        "io.example.Followup",
        bus=stack.bus_address,
        on_action=lambda item, key: chosen.append((item.action_id, key)),
        on_closed=lambda item, _reason: closed.append(item.action_id),
    )
    try:
        assert notifier.connect()
        assert notifier.supports_actions()
        assert "dunst" in notifier.server_name
        notification = Notification(
            # A right-to-left override would show "evil" as "live": removed on the way.
            "Send a thank-you note \u202eevil",
            "<i>Initech</i> & co \u202elive",
            REMINDER_ACTIONS,
            41,
            "action:41",
        )
        assert notifier.notify(notification)
        [call] = wait_until(lambda: monitor.calls("Notify"), 10, "Notify")
        _app, replaces, _icon, summary, body, actions, hints, _timeout = call.body
        assert replaces == 0
        assert summary == "Send a thank-you note evil"
        assert body == "&lt;i&gt;Initech&lt;/i&gt; &amp; co live"
        # One "Open": the default action (a click on the notification), not a button too.
        assert actions == ["default", "Open", "done", "Done", "snooze", "Snooze 1 h"]
        assert hints["urgency"] == ("y", 1)
        assert hints["desktop-entry"] == ("s", "io.example.Followup")

        # The same tag replaces the notification instead of stacking a second one.
        assert notifier.notify(notification)
        calls = wait_until(
            lambda: len(monitor.calls("Notify")) == 2 and monitor.calls("Notify"), 10, "2nd"
        )
        assert calls[1].body[1] != 0

        stack.choose_in_context_menu("#Snooze 1 h")
        wait_until(lambda: chosen, 10, "ActionInvoked")
        assert chosen == [(41, SNOOZE)]
        wait_until(lambda: closed, 10, "NotificationClosed after the action")
        assert closed == [41]

        assert notifier.notify(Notification("Write the debrief", "", REMINDER_ACTIONS, 42))
        stack.choose_in_context_menu("#Done")
        wait_until(lambda: len(chosen) == 2, 10, "second ActionInvoked")
        assert chosen[-1] == (42, DONE)

        # dunst's menu lists the default action once, under its label; it opens.
        assert notifier.notify(Notification("Call back", "", REMINDER_ACTIONS, 43))
        stack.choose_in_context_menu("#Open")
        wait_until(lambda: len(chosen) == 3, 10, "third ActionInvoked")
        assert chosen[-1] == (43, OPEN)
    finally:
        notifier.close()


def test_without_capabilities_the_text_is_plain_and_close_stops_sending(
    stack: DesktopStack,
) -> None:
    notifier = FreedesktopNotifier("Followup", "io.example.Followup", bus=stack.bus_address)
    try:
        assert notifier.connect()
        notifier.capabilities = frozenset()  # a server without buttons or body
        assert not notifier.supports_actions()
        assert notifier.notify(Notification("Plain", "dropped", REMINDER_ACTIONS, 1))
    finally:
        notifier.close()
    assert not notifier.notify(Notification("After close"))
