"""The Qt face of Followup: the window and what belongs to it."""
