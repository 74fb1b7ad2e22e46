"""The main window: for now the agenda of what to do next, read from the core."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMainWindow, QTableView

from followup_desktop import APP_NAME
from followup_desktop.core.agenda import agenda
from followup_desktop.core.services import FollowupService
from followup_desktop.core.timeutil import local_zone
from followup_desktop.gui.agenda_model import AgendaModel

AGENDA_DAYS = 14


class MainWindow(QMainWindow):
    """Followup's window: what is overdue, due today and coming up."""

    def __init__(self, service: FollowupService) -> None:
        super().__init__()
        self._service = service
        self.setWindowTitle(APP_NAME)
        self.setAccessibleName(APP_NAME)
        self.resize(1000, 640)

        self._tz = local_zone()
        self.agenda_model = AgendaModel(self._tz, self)
        self.agenda_view = QTableView(self)
        self.agenda_view.setObjectName("agendaView")
        self.agenda_view.setAccessibleName("Agenda: open actions, soonest first")
        self.agenda_view.setModel(self.agenda_model)
        self.agenda_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.agenda_view.setAlternatingRowColors(True)
        self.agenda_view.setWordWrap(False)
        self.agenda_view.verticalHeader().hide()
        header = self.agenda_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.setCentralWidget(self.agenda_view)

        file_menu = self.menuBar().addMenu("&File")
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        view_menu = self.menuBar().addMenu("&View")
        refresh = QAction("&Refresh", self)
        refresh.setShortcut(QKeySequence.StandardKey.Refresh)
        refresh.triggered.connect(self.refresh)
        view_menu.addAction(refresh)

        self.refresh()

    def refresh(self) -> None:
        """Re-read the agenda (overdue, today and the next two weeks)."""
        now = self._service.clock()
        with self._service.db.session() as session:
            items = agenda(
                session, now, self._tz, until=now + timedelta(days=AGENDA_DAYS)
            )
        self.agenda_model.set_items(items)
        overdue = sum(1 for item in items if item.bucket.value == "overdue")
        self.statusBar().showMessage(
            f"{len(items)} open actions in the next {AGENDA_DAYS} days, {overdue} overdue"
        )
        self.agenda_view.setFocus(Qt.FocusReason.OtherFocusReason)
