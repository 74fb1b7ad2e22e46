"""A table model over agenda snapshots (no live ORM objects reach ``data()``).

The Today panel lists it in one column painted by its own delegate; the other columns
keep each field as plain text for callers and tests that read them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt

from followup_desktop.core import localformat
from followup_desktop.core.agenda import AgendaItem, Bucket
from followup_desktop.core.i18n import _
from followup_desktop.gui.plain import shown, tooltip
from followup_desktop.gui.snapshot_table import SnapshotRole, SnapshotTableModel

_BUCKET_TEXT = {
    Bucket.OVERDUE: _("Overdue"),
    Bucket.TODAY: _("Today"),
    Bucket.UPCOMING: _("Upcoming"),
}
#: The heading above the first action after today (Today lists the next 24 hours).
COMING_UP_HEADING = _("Next 24 hours")


def _status(item: AgendaItem) -> str:
    # Words, not only colour, say where an action stands.
    if item.snoozed:
        return _("{state} (snoozed)").format(state=_BUCKET_TEXT[item.bucket])
    return _BUCKET_TEXT[item.bucket]


def _what(item: AgendaItem) -> str:
    if item.sent_to:
        return _("{step}, {person}").format(step=item.title, person=item.sent_to)
    return item.title


def _where(item: AgendaItem) -> str:
    return f"{item.company} — {item.role}" if item.company else _("Your whole search")


def accessible_text(item: AgendaItem, tz: tzinfo) -> str:
    """The row as one sentence for screen readers: state and when, what, and where."""
    due = item.due_at.astimezone(tz)
    day, time = localformat.day(due), localformat.clock(due)
    if item.bucket is Bucket.OVERDUE:
        when = _("Overdue since {day} at {time}").format(day=day, time=time)
    elif item.bucket is Bucket.TODAY:
        when = _("Due today at {time}").format(time=time)
    else:
        when = _("Due {day} at {time}").format(day=day, time=time)
    if item.snoozed:
        when = _("{when} (snoozed)").format(when=when)
    if item.company:
        return _("{when}: {step}, for {company} — {role}.").format(
            when=when, step=_what(item), company=item.company, role=item.role
        )
    return _("{when}: {step}, for your whole search.").format(when=when, step=_what(item))


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
                (_("When"), lambda item: localformat.day_and_clock(item.due_at.astimezone(tz))),
                (_("Status"), _status),
                (_("What"), _what),
                (_("Opportunity"), _where),
                (_("Why"), lambda item: item.reason),
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
                    value = _("{heading}. {row}").format(heading=COMING_UP_HEADING, row=value)
            else:
                value = super().data(index, Qt.ItemDataRole.DisplayRole)
        else:
            value = super().data(index, role)
        return value
