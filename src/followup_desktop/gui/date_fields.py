"""Date and time fields that write dates the way the core does.

The display format of every date or time edit comes from the locale's CLDR patterns
(:func:`core.localformat.entry_date_pattern`, :func:`~core.localformat.time_pattern`),
converted to Qt's pattern letters by :func:`qt_pattern`, so a date typed in the window
and a date written by the core (in a list, the CLI, a letter) look alike. The calendar
popup starts the week on the locale's first day.

:class:`OptionalDateEdit` is a date picker that may be left empty (a debrief's "decision
expected by"); it speaks ISO 8601 text (``text()``/``setText()``, "" for none), as the
line edit it replaces did, so the form's state and drafts stay what they were.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QDateEdit, QDateTimeEdit, QTimeEdit, QWidget

from followup_desktop.core import localformat
from followup_desktop.core.i18n import _

# CLDR pattern letters → Qt's (QDateTime::toString): by letter, a function of the count.
_FIELDS: dict[str, Callable[[int], str]] = {
    "y": lambda n: "yy" if n == 2 else "yyyy",
    "u": lambda n: "yy" if n == 2 else "yyyy",
    "M": lambda n: "M" * min(n, 4),
    "L": lambda n: "M" * min(n, 4),
    "d": lambda n: "d" * min(n, 2),
    "E": lambda n: "dddd" if n == 4 else "ddd",
    "c": lambda n: "dddd" if n == 4 else "ddd",
    "e": lambda n: "dddd" if n == 4 else "ddd",
    "H": lambda n: "H" * min(n, 2),
    "k": lambda n: "H" * min(n, 2),
    "h": lambda n: "h" * min(n, 2),
    "K": lambda n: "h" * min(n, 2),
    "m": lambda n: "m" * min(n, 2),
    "s": lambda n: "s" * min(n, 2),
    "a": lambda _n: "AP",
    "b": lambda _n: "AP",
    "B": lambda _n: "AP",
}
_TOKEN = re.compile(r"'(?:[^']|'')*'|([A-Za-z])\1*|[^A-Za-z']+")


def qt_pattern(cldr: str) -> str:
    """A CLDR date/time pattern ("M/d/yy", "dd.MM.y", "h:mm a") in Qt's letters."""
    out: list[str] = []
    for match in _TOKEN.finditer(cldr):
        token = match.group(0)
        if token.startswith("'"):
            out.append(token)  # quoted literal text: Qt quotes the same way
        elif token[0].isalpha():
            convert = _FIELDS.get(token[0])
            if convert is not None:
                out.append(convert(len(token)))
            # Other fields (era, zone, week number) are not shown in an edit.
        else:
            out.append(token)
    return "".join(out).strip()


def date_display_format() -> str:
    """The Qt display format of a date field in the formatting locale."""
    return qt_pattern(localformat.entry_date_pattern())


def time_display_format() -> str:
    """The Qt display format of a time field in the formatting locale."""
    return qt_pattern(localformat.time_pattern())


def datetime_display_format() -> str:
    """The Qt display format of a date-and-time field in the formatting locale."""
    return qt_pattern(localformat.entry_datetime_pattern())


def _first_day() -> Qt.DayOfWeek:
    return Qt.DayOfWeek(localformat.first_weekday() + 1)  # Qt counts Monday as 1


def localize_date_edit(edit: QDateTimeEdit) -> QDateTimeEdit:
    """Give a QDateEdit, QTimeEdit or QDateTimeEdit the locale's format (and a calendar
    popup starting on the locale's first weekday for the ones with a date)."""
    if isinstance(edit, QTimeEdit):
        edit.setDisplayFormat(time_display_format())
        return edit
    edit.setDisplayFormat(
        date_display_format() if isinstance(edit, QDateEdit) else datetime_display_format()
    )
    edit.setCalendarPopup(True)
    calendar = edit.calendarWidget()
    if calendar is not None:
        calendar.setFirstDayOfWeek(_first_day())
    return edit


def date_edit(parent: QWidget | None = None) -> QDateEdit:
    """A date picker in the locale's format."""
    edit = QDateEdit(parent)
    localize_date_edit(edit)
    return edit


def _today() -> date:
    return datetime.now().astimezone().date()


#: The date an empty :class:`OptionalDateEdit` holds (shown as its "no date" text).
_EMPTY = QDate(1900, 1, 1)


class OptionalDateEdit(QDateEdit):
    """A date picker that may be empty; its text is ISO 8601 or ""."""

    textChanged = Signal(str)  # noqa: N815 - the name of the line edit's signal it replaces

    def __init__(self, parent: QWidget | None = None, *, first_shown: date | None = None) -> None:
        super().__init__(parent)
        localize_date_edit(self)
        self.setMinimumDate(_EMPTY)
        self.setSpecialValueText(_("No date"))
        self.setToolTip(_("Pick a date from the calendar; Delete leaves it empty."))
        self._first_shown = first_shown
        self.setDate(_EMPTY)
        self.dateChanged.connect(lambda _day: self.textChanged.emit(self.text()))

    def is_empty(self) -> bool:
        """True when no date is chosen."""
        return self.date() == _EMPTY

    def day(self) -> date | None:
        """The chosen date, or None."""
        if self.is_empty():
            return None
        value = self.date()
        return date(value.year(), value.month(), value.day())

    def text(self) -> str:
        """The date as ISO 8601 ("2026-12-04"), "" when empty (what the form stores)."""
        value = self.day()
        return "" if value is None else value.isoformat()

    def setText(self, text: str) -> None:
        """Show the ISO date ``text`` ("" or text that is no date: empty)."""
        try:
            value = date.fromisoformat(text.strip()) if text.strip() else None
        except ValueError:
            value = None
        self.setDate(_EMPTY if value is None else QDate(value.year, value.month, value.day))

    def clear(self) -> None:
        """Leave the field empty."""
        self.setDate(_EMPTY)

    def _start_near_today(self) -> None:
        # An empty field would open its calendar in 1900 and step from there.
        if self.is_empty():
            start = self._first_shown or _today()
            calendar = self.calendarWidget()
            if calendar is not None:
                calendar.setCurrentPage(start.year, start.month)

    def stepBy(self, steps: int) -> None:
        if self.is_empty():
            start = self._first_shown or _today()
            self.setDate(QDate(start.year, start.month, start.day))
            return
        super().stepBy(steps)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._start_near_today()
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.clear()
            return
        self._start_near_today()
        super().keyPressEvent(event)
