"""A table model over agenda snapshots (no live ORM objects reach ``data()``).

The Today panel lists it in one column painted by its own delegate; the other columns
keep each field as plain text for callers and tests that read them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt

from followup_desktop.core.agenda import AgendaItem, Bucket
from followup_desktop.gui.plain import shown, tooltip
from followup_desktop.gui.snapshot_table import SnapshotRole, SnapshotTableModel

_BUCKET_TEXT = {Bucket.OVERDUE: "Overdue", Bucket.TODAY: "Today", Bucket.UPCOMING: "Upcoming"}
#: The heading above the first action after today (Today lists the next 24 hours).
COMING_UP_HEADING = "Next 24 hours"


def _status(item: AgendaItem) -> str:
    # Words, not only colour, say where an action stands.
    return _BUCKET_TEXT[item.bucket] + (" (snoozed)" if item.snoozed else "")


def _what(item: AgendaItem) -> str:
    return item.title + (f", {item.sent_to}" if item.sent_to else "")


def _where(item: AgendaItem) -> str:
    return f"{item.company} — {item.role}" if item.company else "Your whole search"


def accessible_text(item: AgendaItem, tz: tzinfo) -> str:
    """The row as one sentence for screen readers: state and when, what, and where."""
    due = item.due_at.astimezone(tz)
    if item.bucket is Bucket.OVERDUE:
        when = "Overdue since " + due.strftime("%a %d %b at %H:%M")
    elif item.bucket is Bucket.TODAY:
        when = "Due today at " + due.strftime("%H:%M")
    else:
        when = "Due " + due.strftime("%a %d %b at %H:%M")
    if item.snoozed:
        when += " (snoozed)"
    what = _what(item)
    where = f"for {item.company} — {item.role}" if item.company else "for your whole search"
    return f"{when}: {what}, {where}."


class AgendaModel(SnapshotTableModel[AgendaItem]):
    """Rows are open actions; columns are when, what, where and why."""

    ActionIdRole = Qt.ItemDataRole.UserRole + 2
    BucketRole = Qt.ItemDataRole.UserRole + 3
    _OWN_ROLES = frozenset(
        {
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.AccessibleTextRole,
            ActionIdRole,
            BucketRole,
            SnapshotRole,
        }
    )

    def __init__(self, tz: tzinfo, parent: QObject | None = None) -> None:
        super().__init__(
            [
                ("When", lambda item: item.due_at.astimezone(tz).strftime("%a %d %b %H:%M")),
                ("Status", _status),
                ("What", _what),
                ("Opportunity", _where),
                ("Why", lambda item: item.reason),
            ],
            parent,
        )
        self._tz = tz

    def set_items(self, items: Sequence[AgendaItem]) -> None:
        """Replace every row (the agenda is re-read as a whole; it is small)."""
        self.set_rows(items)

    def item(self, row: int) -> AgendaItem:
        """The snapshot behind ``row``."""
        return self.row_snapshot(row)

    def starts_coming_up(self, row: int) -> bool:
        """True for the first row after today's: the "Next 24 hours" heading goes above it.

        Rows come in due order, so everything from here on falls after today.
        """
        if not 0 <= row < self.rowCount():
            return False
        if self.row_snapshot(row).bucket is not Bucket.UPCOMING:
            return False
        return row == 0 or self.row_snapshot(row - 1).bucket is not Bucket.UPCOMING

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        # Views ask for many roles per cell (font, size hint, colours, ...); answer the
        # ones this model has first and everything else at once, without touching rows.
        if role == Qt.ItemDataRole.DisplayRole:
            return super().data(index, role)
        if role not in self._OWN_ROLES or not index.isValid():
            return None
        if not 0 <= index.row() < self.rowCount():
            return None
        item = self.row_snapshot(index.row())
        value: Any
        if role == Qt.ItemDataRole.ToolTipRole:
            value = tooltip(item.reason) if item.reason else None
        elif role == self.ActionIdRole:
            value = item.action_id
        elif role == self.BucketRole:
            value = item.bucket.value
        elif role == Qt.ItemDataRole.AccessibleTextRole:
            # The Today list shows column 0 only, painted by a delegate, so that cell
            # speaks for the whole row; the other cells say just what they hold.
            if index.column() == 0:
                value = shown(accessible_text(item, self._tz))
                if self.starts_coming_up(index.row()):
                    value = f"{COMING_UP_HEADING}. {value}"
            else:
                value = super().data(index, Qt.ItemDataRole.DisplayRole)
        else:
            value = super().data(index, role)
        return value
