"""A small dialog to put an interview on a day of the calendar.

The time starts at 10:00 to 11:00 local time; the interview goes to an opportunity chosen
from a list or to a new one named by company and role. Saving goes through the service
and the resulting :class:`Change` is emitted, so the window refreshes every view.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, tzinfo

from PySide6.QtCore import QDateTime, QLocale, QTime, QTimeZone, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from followup_desktop.core.errors import FollowupError
from followup_desktop.core.i18n import _
from followup_desktop.core.queries.calendar import open_opportunities as unarchived
from followup_desktop.core.queries.editor import load_opportunity
from followup_desktop.core.services import Change, FollowupService
from followup_desktop.core.timeutil import local_zone_name
from followup_desktop.gui.calendar.month_model import full_day
from followup_desktop.gui.date_fields import datetime_display_format
from followup_desktop.gui.plain import PlainLabel, shown
from followup_desktop.gui.qt_formats import time_format
from followup_desktop.gui.theme import error_color

NEW_OPPORTUNITY = -1
#: How long an interview usually lasts: "I just had an interview" starts it this long ago.
TYPICAL_LENGTH = timedelta(hours=1)


def open_opportunities(service: FollowupService) -> list[tuple[int, str]]:
    """(id, "Company — Role") of every opportunity not archived, by company."""
    return [(item.opportunity_id, item.label) for item in unarchived(service.db)]


class ScheduleInterviewDialog(QDialog):
    """Schedule an interview on one day: when, and for which opportunity."""

    saved = Signal(object)  # the Change

    def __init__(
        self,
        service: FollowupService,
        day: date,
        tz: tzinfo,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._day = day
        self._tz = tz
        self.change: Change | None = None
        self.interview_id: int | None = None
        #: (opportunity, stage before, stage after) when recording moved the card on.
        self.stage_move: tuple[int, int, int] | None = None
        self.setWindowTitle(_("Schedule an interview on {day}").format(day=full_day(day)))
        self.setAccessibleName(_("Schedule an interview"))

        self.opportunity = QComboBox()
        self.opportunity.setAccessibleName(_("Opportunity"))
        self.opportunity.addItem(_("New opportunity…"), NEW_OPPORTUNITY)
        for ident, label in open_opportunities(service):
            self.opportunity.addItem(shown(label), ident)
        self.opportunity.currentIndexChanged.connect(self._opportunity_changed)
        self.company = QLineEdit()
        self.company.setAccessibleName(_("Company"))
        self.company.setPlaceholderText(_("Who is interviewing you"))
        self.role = QLineEdit()
        self.role.setAccessibleName(_("Role"))
        self.role.setPlaceholderText(_("The job title"))
        (start_label, starts), (end_label, ends) = self._time_fields()
        self.error = PlainLabel()
        self.error.setWordWrap(True)
        # Room for a two-line message from the start: one appearing never moves the
        # buttons from under the pointer.
        self.error.setMinimumHeight(2 * self.error.fontMetrics().lineSpacing())
        palette = self.error.palette()
        palette.setColor(self.error.foregroundRole(), error_color(palette))
        self.error.setPalette(palette)

        form = QFormLayout()
        form.addRow(_("&Opportunity:"), self.opportunity)
        form.addRow(_("&Company:"), self.company)
        form.addRow(_("&Role:"), self.role)
        form.addRow(start_label, starts)
        form.addRow(end_label, ends)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._opportunity_changed()

    def _time_fields(self) -> tuple[tuple[str, QWidget], tuple[str, QWidget]]:
        """The start and end fields with their labels: times on the dialog's day."""
        self.starts = QTimeEdit(QTime(10, 0))
        self.starts.setAccessibleName(_("Starts at"))
        self.starts.setDisplayFormat(time_format())
        self.ends = QTimeEdit(QTime(11, 0))
        self.ends.setAccessibleName(_("Ends at"))
        self.ends.setDisplayFormat(time_format())
        return (_("&Starts:"), self.starts), (_("&Ends:"), self.ends)

    def _opportunity_changed(self) -> None:
        new = self.opportunity.currentData() == NEW_OPPORTUNITY
        self.company.setEnabled(new)
        self.role.setEnabled(new)

    def _moment(self, value: QTime) -> datetime:
        local = datetime.combine(self._day, time(value.hour(), value.minute()), self._tz)
        return local.astimezone(self._tz)

    def save(self) -> bool:
        """Store the interview (and a new opportunity when asked); False with a message."""
        starts, ends = self.times()
        if ends <= starts:
            self.error.setText(_("The interview must end after it starts; change the end time."))
            return False
        chosen = int(self.opportunity.currentData())
        change = Change()
        try:
            if chosen == NEW_OPPORTUNITY:
                change = self._service.create_opportunity(self.company.text(), self.role.text())
                assert change.created_id is not None
                chosen = change.created_id
            stage_before = load_opportunity(self._service.db, chosen).stage_id
            recorded = self._service.record_interview(
                chosen,
                starts,
                ends,
                timezone=getattr(self._tz, "key", None) or local_zone_name(),
                advance_stage=True,
            )
            change = change | recorded
        except FollowupError as error:
            # A new opportunity made before a failure stays; say so through the change.
            if change.opportunity_ids:
                self.saved.emit(change)
            self.error.setText(str(error))
            return False
        self.change = change
        self.interview_id = recorded.created_id
        if "stage_history" in recorded.entities:
            # Read back for the window's undo stack: the move is undone on its own.
            stage_after = load_opportunity(self._service.db, chosen).stage_id
            self.stage_move = (chosen, stage_before, stage_after)
        self.saved.emit(change)
        self.accept()
        return True

    def times(self) -> tuple[datetime, datetime]:
        """When the interview starts and ends, as typed, in the dialog's zone."""
        return self._moment(self.starts.time()), self._moment(self.ends.time())


def typing_format(locale: QLocale | None = None) -> str:
    """The locale's short date and time, with every number at a fixed width.

    Short formats such as "M/d/yy h:mm AP" have fields of one or two digits, and a
    field typed over then swallows the next one's digits; "MM/dd/yyyy hh:mm AP" keeps
    the locale's order and separators and takes typing as it comes. Without a QLocale,
    the pattern is the one every other date of the app is written in (CLDR, through
    :mod:`core.localformat`).
    """
    widths = {"d": "dd", "M": "MM", "y": "yyyy", "h": "hh", "H": "HH", "m": "mm", "s": "ss"}
    if locale is None:
        shown = datetime_display_format()
    else:
        shown = locale.dateTimeFormat(QLocale.FormatType.ShortFormat)
    shown = shown.replace("\u202f", " ")
    return re.sub(
        r"([dMyhHms])\1*",
        lambda run: run.group(0) if len(run.group(0)) > 2 else widths[run.group(1)],
        shown,
    )


class TypedDateTimeEdit(QDateTimeEdit):
    """A date and time field that takes a date typed with its separators.

    Qt moves to the next field once one is full, and then reads the separator the
    person types next as "go to the next field" too, so "23.11.2026" skips the month.
    Here a separator right after such a move is taken as already done.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._just_moved = False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if self._just_moved and text and not text.isdigit() and text.isprintable():
            self._just_moved = False
            event.accept()
            return
        before = self.currentSectionIndex()
        super().keyPressEvent(event)
        self._just_moved = text.isdigit() and self.currentSectionIndex() > before


def _date_time_edit(moment: datetime, name: str) -> QDateTimeEdit:
    """A date and time field typed in the person's locale, with a calendar popup."""
    edit = TypedDateTimeEdit()
    edit.setTimeZone(QTimeZone.systemTimeZone())
    edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(moment.timestamp())))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(typing_format())
    edit.setAccessibleName(name)
    return edit


class JustHadInterviewDialog(ScheduleInterviewDialog):
    """Record the interview that has just ended, then go on to its debrief.

    It ends now and started a typical interview's length ago; both can be changed. The
    fields take the date and time as the person's locale writes them, or from a popup.
    """

    def __init__(
        self,
        service: FollowupService,
        now: datetime,
        tz: tzinfo,
        parent: QWidget | None = None,
        opportunity_id: int | None = None,
    ) -> None:
        local_now = now.astimezone(tz)
        ends = local_now.replace(second=0, microsecond=0)
        self._ends_at = ends - timedelta(minutes=ends.minute % 5)
        super().__init__(service, local_now.date(), tz, parent)
        self.setWindowTitle(_("Record the interview you just had"))
        self.setAccessibleName(_("Record the interview you just had"))
        if opportunity_id is not None:
            found = self.opportunity.findData(opportunity_id)
            if found >= 0:
                self.opportunity.setCurrentIndex(found)

    def _time_fields(self) -> tuple[tuple[str, QWidget], tuple[str, QWidget]]:
        """Date and time fields: an interview can end after midnight, or be yesterday's."""
        self.started = _date_time_edit(self._ends_at - TYPICAL_LENGTH, _("Started at"))
        self.ended = _date_time_edit(self._ends_at, _("Ended at"))
        return (_("&Started:"), self.started), (_("&Ended:"), self.ended)

    def times(self) -> tuple[datetime, datetime]:
        """The two moments typed, in the dialog's zone."""

        def moment(edit: QDateTimeEdit) -> datetime:
            seconds = edit.dateTime().toSecsSinceEpoch()
            return datetime.fromtimestamp(seconds, self._tz)

        return moment(self.started), moment(self.ended)
