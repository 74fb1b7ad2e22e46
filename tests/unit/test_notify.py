"""Notifier adapters without a desktop: escaping, the fallback chain, the banner."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMainWindow, QSystemTrayIcon, QToolButton
from pytestqt.qtbot import QtBot

from followup_desktop.notify import (
    DONE,
    REMINDER_ACTIONS,
    ActionCallback,
    Notification,
    NotifierChain,
    escape_markup,
)
from followup_desktop.notify.banner import BannerNotifier
from followup_desktop.notify.freedesktop import FreedesktopNotifier
from followup_desktop.notify.tray_balloon import TrayBalloonNotifier


def test_markup_in_user_text_is_escaped() -> None:
    assert escape_markup("AT&T <b>bold</b> 3 > 2") == "AT&amp;T &lt;b&gt;bold&lt;/b&gt; 3 &gt; 2"
    assert escape_markup("&amp;") == "&amp;amp;", "already-escaped text is not trusted either"


class FakeNotifier:
    def __init__(self, name: str, *, available: bool = True, works: bool = True) -> None:
        self.name = name
        self.on_action: ActionCallback | None = None
        self._available = available
        self._works = works
        self.shown: list[Notification] = []

    def available(self) -> bool:
        return self._available

    def supports_actions(self) -> bool:
        return True

    def notify(self, notification: Notification) -> bool:
        if self._works is None:
            raise RuntimeError("adapter bug")
        if self._works:
            self.shown.append(notification)
        return self._works

    def close(self) -> None:
        pass


def test_the_chain_falls_back_in_order() -> None:
    gone = FakeNotifier("freedesktop", available=False)
    refusing = FakeNotifier("tray", works=False)
    banner = FakeNotifier("banner")
    chain = NotifierChain([gone, refusing, banner])
    assert chain.first_available() is refusing
    assert chain.deliver(Notification("Hello")) == "banner"
    assert [shown.summary for shown in banner.shown] == ["Hello"]


@pytest.mark.expected_log("^notifier freedesktop failed")
def test_a_crashing_adapter_does_not_cost_the_reminder(caplog: pytest.LogCaptureFixture) -> None:
    broken = FakeNotifier("freedesktop")
    broken._works = None  # type: ignore[assignment]
    banner = FakeNotifier("banner")
    assert NotifierChain([broken, banner]).deliver(Notification("Hello")) == "banner"
    assert "notifier freedesktop failed" in caplog.text


@pytest.mark.expected_log("^no notifier could show ")
def test_nothing_available_means_no_channel() -> None:
    assert NotifierChain([FakeNotifier("x", available=False)]).deliver(Notification("Hi")) is None


def test_freedesktop_without_a_bus_is_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/followup-test-bus")
    notifier = FreedesktopNotifier("Followup", "io.example.App")
    assert notifier.connect() is False
    assert notifier.available() is False  # and it does not retry at once
    assert notifier.supports_actions() is False
    assert notifier.notify(Notification("Hello")) is False
    notifier.close()


def test_freedesktop_with_no_session_bus_at_all(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    notifier = FreedesktopNotifier("Followup", "io.example.App")
    assert notifier.connect() is False


def test_the_tray_balloon_is_unavailable_offscreen(qtbot: QtBot) -> None:
    icon = QSystemTrayIcon()
    assert TrayBalloonNotifier(icon).available() is False


def test_the_banner_shows_plain_text_and_its_buttons_act(qtbot: QtBot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    chosen: list[tuple[int | None, str]] = []
    notifier = BannerNotifier(window, lambda item, key: chosen.append((item.action_id, key)))
    assert notifier.available() and notifier.supports_actions()
    first = Notification(
        "Send a thank-you note · <b>Acme</b>", "\u202eEngineer", REMINDER_ACTIONS, 7, "a:7"
    )
    second = Notification("Call Globex", "", REMINDER_ACTIONS, 8, "a:8")
    notifier.notify(first)
    notifier.notify(second)
    banner = notifier.banner
    label = banner.findChild(QLabel, "reminderBannerText")
    assert label is not None
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert banner.text.startswith("Call Globex")
    assert "(+1 more)" in banner.text
    done = banner.findChild(QToolButton, "reminderBanner_done")
    assert done is not None
    qtbot.mouseClick(done, Qt.MouseButton.LeftButton)
    assert chosen == [(8, DONE)]
    assert banner.text.startswith("Send a thank-you note · <b>Acme</b> — Engineer")
    banner.dismiss()
    assert banner.current is None
    assert banner.isHidden()


def test_the_banner_replaces_a_reminder_with_the_same_tag(qtbot: QtBot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    notifier = BannerNotifier(window)
    notifier.notify(Notification("Old", tag="a:1"))
    notifier.notify(Notification("New", tag="a:1"))
    assert [item.summary for item in notifier.banner.queue] == ["New"]
