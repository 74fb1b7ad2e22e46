"""Finding widgets as a person (or a screen reader) does: by role and accessible name.

The name is the one the accessibility bridge reports (``QAccessible``), so a field named
only by its form label (its buddy) is found by that label, as a screen reader says it;
private attributes of the app's classes are never used.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication, QLabel, QWidget

W = TypeVar("W", bound=QWidget)


def accessible_name(widget: QWidget) -> str:
    """What a screen reader calls ``widget``: its own name, else its label's (on Linux a
    combo box's name is its value, and the reader says the label through the relation)."""
    if widget.accessibleName():
        return widget.accessibleName()
    top = widget.window()
    for label in top.findChildren(QLabel):
        if label.buddy() is widget:
            return label.text().replace("&", "").rstrip(":")
    interface = QAccessible.queryAccessibleInterface(widget)
    if interface is None or not interface.isValid():
        return ""
    return interface.text(QAccessible.Text.Name)


def find_all(root: QWidget | None, kind: type[W], name: str) -> list[W]:
    """Every visible ``kind`` named ``name`` under ``root`` (every window when None)."""
    roots = [root] if root is not None else QApplication.topLevelWidgets()
    found: list[W] = []
    for top in roots:
        candidates = [top] if isinstance(top, kind) else []
        candidates += top.findChildren(kind)
        found += [w for w in candidates if w.isVisible() and accessible_name(w) == name]
    return found


def find_by_name(root: QWidget | None, kind: type[W], name: str) -> W:
    """The one visible ``kind`` named ``name`` under ``root``; fails naming what is there."""
    found = find_all(root, kind, name)
    if len(found) == 1:
        return found[0]
    roots = [root] if root is not None else QApplication.topLevelWidgets()
    seen = sorted(
        {
            accessible_name(w)
            for top in roots
            for w in top.findChildren(kind)
            if w.isVisible() and accessible_name(w)
        }
    )
    raise LookupError(
        f"{len(found)} visible {kind.__name__} named {name!r}; the visible ones are {seen}"
    )


def window_named(name: str) -> QWidget | None:
    """The visible top-level window whose accessible name is ``name``, if one is."""
    for top in QApplication.topLevelWidgets():
        if top.isVisible() and accessible_name(top) == name:
            return top
    return None
