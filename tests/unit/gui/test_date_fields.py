"""The optional date picker: empty until a day is picked, ISO text for the form, Delete
empties it, and stepping from empty starts at the day it was given, not in 1900."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDateTimeEdit
from pytestqt.qtbot import QtBot

from followup_desktop.gui.date_fields import OptionalDateEdit


def test_empty_picked_and_emptied_again(qtbot: QtBot) -> None:
    edit = OptionalDateEdit(first_shown=date(2026, 11, 23))
    qtbot.addWidget(edit)
    seen: list[str] = []
    edit.textChanged.connect(seen.append)
    assert edit.text() == "" and edit.day() is None
    assert edit.lineEdit().text() == "No date"
    assert edit.calendarPopup()
    edit.stepBy(1)
    assert edit.day() == date(2026, 11, 23)
    edit.setCurrentSection(QDateTimeEdit.Section.DaySection)
    edit.stepBy(2)
    assert edit.text() == "2026-11-25"
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    assert edit.text() == ""
    assert seen == ["2026-11-23", "2026-11-25", ""]
    edit.setText("not a date")
    assert edit.text() == ""
