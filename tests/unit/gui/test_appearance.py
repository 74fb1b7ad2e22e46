"""Settings → Appearance: Light, Dark or the system's choice, kept and applied at once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from followup_desktop.gui.appearance import (
    APPEARANCE_KEY,
    DARK,
    LIGHT,
    SYSTEM,
    AppearancePage,
    apply_appearance,
    saved_appearance,
)
from followup_desktop.gui.theme import is_dark


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    instance = qapp
    yield instance
    apply_appearance(instance, SYSTEM)  # leave the palette as the other tests expect it


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "qt.ini"), QSettings.Format.IniFormat)


def test_dark_and_light_hold_whatever_the_system_says(app: QApplication) -> None:
    apply_appearance(app, DARK)
    assert is_dark(app.palette())
    # The desktop turning light does not undo the person's choice.
    QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert is_dark(app.palette())
    apply_appearance(app, LIGHT)
    assert not is_dark(app.palette())
    QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert not is_dark(app.palette())
    apply_appearance(app, SYSTEM)
    QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert is_dark(app.palette()), "following the system again"


def test_the_page_stores_the_choice_and_applies_it(
    qtbot: QtBot, app: QApplication, settings: QSettings
) -> None:
    assert saved_appearance(settings) == SYSTEM
    page = AppearancePage(settings)
    qtbot.addWidget(page)
    assert page.scheme.currentData() == SYSTEM
    assert [page.scheme.itemText(i) for i in range(3)] == ["Follow the system", "Light", "Dark"]
    page.scheme.setCurrentIndex(page.scheme.findData(DARK))
    assert page.apply() is True
    assert settings.value(APPEARANCE_KEY) == DARK
    assert saved_appearance(settings) == DARK
    assert is_dark(app.palette())
    assert page.apply() is False, "nothing changed the second time"
    settings.setValue(APPEARANCE_KEY, "purple")
    assert saved_appearance(settings) == SYSTEM, "an unknown value falls back to the system"
