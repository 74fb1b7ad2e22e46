"""One way to give a kind of widget an accessible interface of our own.

``QAccessible.installFactory`` takes plain functions and keeps no Python reference to
what they return, so each interface made is kept here as long as the process lives:
Qt's cache then never holds a pointer whose Python wrapper was collected. Each kind is
installed once per process, whichever of its widgets is built first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QObject
from PySide6.QtGui import QAccessible, QAccessibleInterface

_W = TypeVar("_W", bound=QObject)

_made: list[QAccessibleInterface] = []
_installed: set[type[QObject]] = set()


def install_factory(kind: type[_W], make: Callable[[_W], QAccessibleInterface]) -> None:
    """Have every ``kind`` (subclasses included) described by ``make(widget)``."""
    if kind in _installed:
        return

    def factory(_class_name: str, target: QObject) -> QAccessibleInterface | None:
        if not isinstance(target, kind):
            return None
        interface = make(target)
        _made.append(interface)
        return interface

    QAccessible.installFactory(factory)
    _installed.add(kind)


__all__ = ["install_factory"]
