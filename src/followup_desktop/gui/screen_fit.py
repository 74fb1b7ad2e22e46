"""Sizing the window to the screen it opens on, so nothing falls off small screens.

A first start asks for :data:`PREFERRED` (roomy on a laptop with a full-HD screen) but
never more than the screen's available area (without panels and docks) leaves, less a
margin for the window frame. A restored geometry from a larger monitor, or from before
the scale factor went up, is pulled back inside the available area the same way.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

PREFERRED = QSize(1280, 800)
# Room for the frame and title bar that the window manager adds around the window.
FRAME_ALLOWANCE = QSize(16, 48)


def fitted_size(available: QSize, preferred: QSize = PREFERRED) -> QSize:
    """``preferred``, shrunk where the available area (less the frame) is smaller."""
    room = available - FRAME_ALLOWANCE
    return QSize(
        max(1, min(preferred.width(), room.width())), max(1, min(preferred.height(), room.height()))
    )


def fitted_rect(current: QRect, available: QRect) -> QRect:
    """``current`` moved and shrunk so that it lies inside ``available`` (with the frame)."""
    size = fitted_size(available.size(), current.size())
    rect = QRect(current.topLeft(), size)
    inner = available.adjusted(0, FRAME_ALLOWANCE.height() - 8, -8, -8)
    if rect.right() > inner.right():
        rect.moveRight(inner.right())
    if rect.bottom() > inner.bottom():
        rect.moveBottom(inner.bottom())
    if rect.left() < available.left():
        rect.moveLeft(available.left())
    if rect.top() < inner.top():
        rect.moveTop(inner.top())
    return rect


def _available(window: QWidget) -> QRect | None:
    screen = window.screen() or QGuiApplication.primaryScreen()
    return None if screen is None else screen.availableGeometry()


def size_for_screen(window: QWidget) -> None:
    """Give a new window its first size: :data:`PREFERRED` where the screen has room."""
    available = _available(window)
    if available is None:
        window.resize(PREFERRED)
        return
    size = fitted_size(available.size())
    window.resize(size)
    # Centred: a window placed by the toolkit at (0, 0) hides under a top panel.
    window.move(available.center() - QRect(0, 0, size.width(), size.height()).center())


def keep_on_screen(window: QWidget) -> None:
    """Pull a restored geometry back inside the screen's available area."""
    available = _available(window)
    if available is None or window.isMaximized() or window.isFullScreen():
        return
    current = window.geometry()
    fitted = fitted_rect(current, available)
    if fitted != current:
        window.setGeometry(fitted)


__all__ = ["PREFERRED", "fitted_rect", "fitted_size", "keep_on_screen", "size_for_screen"]
