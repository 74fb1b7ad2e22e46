"""The main window's parts: the change bus, the actions table, the board and Today
controllers, the file jobs, the action router and the pages.

:class:`~followup_desktop.gui.main_window.MainWindow` is the shell that builds them and
lays them out; each part reaches the others through it.
"""
