"""The "Your search" page: the funnel, weekly activity and response times, as charts
painted on our own models (with a table of the same numbers beside each) and in words."""

from followup_desktop.gui.stats.page import StatsPage

__all__ = ["StatsPage"]
