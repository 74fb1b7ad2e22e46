"""The calendar page of the main window: interviews, follow-ups and decisions by month,
by the hour in a week, or as an agenda list."""

from followup_desktop.gui.calendar.page import CalendarPage
from followup_desktop.gui.calendar.schedule import JustHadInterviewDialog, ScheduleInterviewDialog

__all__ = ["CalendarPage", "JustHadInterviewDialog", "ScheduleInterviewDialog"]
