"""The first window fits the screen: sizes, restored geometry, and the real screens."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSize

from conftest import require_tools
from followup_desktop.gui.screen_fit import PREFERRED, fitted_rect, fitted_size

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "scripts" / "screenshot-screens"


def test_a_roomy_screen_gets_the_preferred_size() -> None:
    assert fitted_size(QSize(1920, 1080)) == PREFERRED


def test_a_small_laptop_screen_gets_a_window_that_fits_with_its_frame() -> None:
    # 1366x768 less a 32 px top panel: the old fixed 1280x800 ran off the bottom.
    available = QSize(1366, 736)
    size = fitted_size(available)
    assert size.width() == PREFERRED.width()
    assert size.height() < available.height()
    assert size.height() >= available.height() - 64


def test_a_restored_geometry_from_a_larger_monitor_is_pulled_back() -> None:
    available = QRect(0, 32, 1366, 736)
    restored = QRect(QPoint(1500, 400), QSize(1800, 1000))
    fitted = fitted_rect(restored, available)
    assert available.contains(fitted)
    assert fitted.width() <= available.width() and fitted.height() <= available.height()
    inside = QRect(100, 100, 800, 500)
    assert fitted_rect(inside, available) == inside, "a window that fits is left alone"


@pytest.mark.desktop
def test_nothing_falls_off_at_1366x768_or_at_200_percent(tmp_path: Path) -> None:
    require_tools("xvfb-run", "Xvfb")
    env = {key: value for key, value in os.environ.items() if key != "QT_QPA_PLATFORM"}
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "DOES NOT FIT" not in result.stdout
    for name, size in (
        ("window-1366x768.png", (1366, 768)),
        ("window-200-percent.png", (2732, 1536)),
    ):
        header = (tmp_path / name).read_bytes()[16:24]
        assert struct.unpack(">II", header) == size, f"{name} is not a grab of the whole screen"
