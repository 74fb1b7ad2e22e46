"""Followup: a desktop companion for the weeks after a job interview."""

__version__ = "0.1.0"

APP_NAME = "Followup"
APP_ID = "io.github.followup_desktop.Followup"
