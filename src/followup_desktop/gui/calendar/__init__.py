"""The calendar page of the main window: a month of interviews, follow-ups and decisions."""

from followup_desktop.gui.calendar.page import CalendarPage
from followup_desktop.gui.calendar.schedule import ScheduleInterviewDialog

__all__ = ["CalendarPage", "ScheduleInterviewDialog"]
