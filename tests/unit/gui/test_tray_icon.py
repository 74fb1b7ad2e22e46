"""The tray shows the symbolic icon where the icon theme has it, the colour one if not."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QIcon
from pytestqt.qtbot import QtBot

import followup_desktop
from followup_desktop.desktop_integration import SYMBOLIC_ICON
from followup_desktop.gui.tray import SYMBOLIC_ICON_NAME, tray_icon

PACKAGED = Path(followup_desktop.__file__).parent / "resources" / "icons" / "hicolor"
INDEX = """[Icon Theme]
Name=Hicolor
Directories=symbolic/apps

[symbolic/apps]
Size=16
MinSize=8
MaxSize=512
Type=Scalable
"""


@pytest.fixture
def icon_themes(tmp_path: Path) -> Iterator[Path]:
    """A folder of icon themes Qt searches alone, restored afterwards."""
    saved = (QIcon.themeSearchPaths(), QIcon.themeName(), QIcon.fallbackThemeName())
    QIcon.setThemeSearchPaths([str(tmp_path)])
    QIcon.setThemeName("hicolor")
    QIcon.setFallbackThemeName("hicolor")
    yield tmp_path
    QIcon.setThemeSearchPaths(saved[0])
    QIcon.setThemeName(saved[1])
    QIcon.setFallbackThemeName(saved[2])


def test_the_tray_takes_the_symbolic_icon_by_name_from_the_theme(
    qtbot: QtBot, icon_themes: Path
) -> None:
    hicolor = icon_themes / "hicolor"
    (hicolor / SYMBOLIC_ICON).parent.mkdir(parents=True)
    (hicolor / "index.theme").write_text(INDEX)
    shutil.copy(PACKAGED / SYMBOLIC_ICON, hicolor / SYMBOLIC_ICON)
    icon = tray_icon()
    assert icon.name() == SYMBOLIC_ICON_NAME
    assert icon.isMask()
    assert not icon.pixmap(22, 22).isNull()


def test_without_the_symbolic_icon_installed_the_tray_shows_the_colour_icon(
    qtbot: QtBot, icon_themes: Path
) -> None:
    icon = tray_icon()
    assert icon.name() != SYMBOLIC_ICON_NAME
    assert not icon.isMask()
    assert not icon.pixmap(22, 22).isNull()
