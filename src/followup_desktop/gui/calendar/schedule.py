"""A small dialog to put an interview on a day of the calendar.

The time starts at 10:00 to 11:00 local time; the interview goes to an opportunity chosen
from a list or to a new one named by company and role. Saving goes through the service
and the resulting :class:`Change` is emitted, so the window refreshes every view.
"""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo

from PySide6.QtCore import QTime, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from followup_desktop.core.errors import FollowupError
from followup_desktop.core.queries.calendar import open_opportunities as unarchived
from followup_desktop.core.services import Change, FollowupService
from followup_desktop.core.timeutil import local_zone_name
from followup_desktop.gui.plain import PlainLabel, shown
from followup_desktop.gui.theme import error_color

NEW_OPPORTUNITY = -1


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
        self.setWindowTitle(f"Schedule an interview on {day.strftime('%A %d %B %Y')}")
        self.setAccessibleName("Schedule an interview")

        self.opportunity = QComboBox()
        self.opportunity.setAccessibleName("Opportunity")
        self.opportunity.addItem("New opportunity…", NEW_OPPORTUNITY)
        for ident, label in open_opportunities(service):
            self.opportunity.addItem(shown(label), ident)
        self.opportunity.currentIndexChanged.connect(self._opportunity_changed)
        self.company = QLineEdit()
        self.company.setAccessibleName("Company")
        self.company.setPlaceholderText("Who is interviewing you")
        self.role = QLineEdit()
        self.role.setAccessibleName("Role")
        self.role.setPlaceholderText("The job title")
        self.starts = QTimeEdit(QTime(10, 0))
        self.starts.setAccessibleName("Starts at")
        self.starts.setDisplayFormat("HH:mm")
        self.ends = QTimeEdit(QTime(11, 0))
        self.ends.setAccessibleName("Ends at")
        self.ends.setDisplayFormat("HH:mm")
        self.error = PlainLabel()
        self.error.setWordWrap(True)
        palette = self.error.palette()
        palette.setColor(self.error.foregroundRole(), error_color(palette))
        self.error.setPalette(palette)

        form = QFormLayout()
        form.addRow("&Opportunity:", self.opportunity)
        form.addRow("&Company:", self.company)
        form.addRow("&Role:", self.role)
        form.addRow("&Starts:", self.starts)
        form.addRow("&Ends:", self.ends)
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

    def _opportunity_changed(self) -> None:
        new = self.opportunity.currentData() == NEW_OPPORTUNITY
        self.company.setEnabled(new)
        self.role.setEnabled(new)

    def _moment(self, value: QTime) -> datetime:
        local = datetime.combine(self._day, time(value.hour(), value.minute()), self._tz)
        return local.astimezone(self._tz)

    def save(self) -> bool:
        """Store the interview (and a new opportunity when asked); False with a message."""
        starts, ends = self._moment(self.starts.time()), self._moment(self.ends.time())
        if ends <= starts:
            self.error.setText("The interview must end after it starts; change the end time.")
            return False
        chosen = int(self.opportunity.currentData())
        change = Change()
        try:
            if chosen == NEW_OPPORTUNITY:
                change = self._service.create_opportunity(self.company.text(), self.role.text())
                assert change.created_id is not None
                chosen = change.created_id
            change = change | self._service.record_interview(
                chosen,
                starts,
                ends,
                timezone=getattr(self._tz, "key", None) or local_zone_name(),
                advance_stage=True,
            )
        except FollowupError as error:
            # A new opportunity made before a failure stays; say so through the change.
            if change.opportunity_ids:
                self.saved.emit(change)
            self.error.setText(str(error))
            return False
        self.change = change
        self.saved.emit(change)
        self.accept()
        return True
