"""A date written by the core and shown by the window's date fields agree, for the same
instant, under en_US, de_DE and fr_FR (each in its own process, as the app starts)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from followup_desktop.gui.date_fields import qt_pattern

PROBE = """
import json
from datetime import datetime
from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import QDateTimeEdit, QTimeEdit
from followup_desktop.core import localformat
from followup_desktop.gui.app import make_application
from followup_desktop.gui.date_fields import OptionalDateEdit, date_edit, localize_date_edit

app = make_application([])
moment = datetime(2026, 12, 2, 14, 5)
day = date_edit()
day.setDate(QDate(2026, 12, 2))
clock = localize_date_edit(QTimeEdit())
clock.setTime(QTime(14, 5))
both = localize_date_edit(QDateTimeEdit())
both.setDateTime(QDateTime(QDate(2026, 12, 2), QTime(14, 5)))
optional = OptionalDateEdit()
empty = optional.lineEdit().text()
optional.setText("2026-12-02")
print(json.dumps({
    "gui": [day.text(), clock.text(), both.text(), optional.lineEdit().text()],
    "core": [
        localformat.entry_date(moment),
        localformat.clock(moment),
        localformat.entry_datetime(moment),
        localformat.entry_date(moment),
    ],
    "first_day": [day.calendarWidget().firstDayOfWeek().value, localformat.first_weekday()],
    "iso": optional.text(),
    "empty": empty,
}))
"""


@pytest.mark.parametrize(
    ("language", "lang", "expected_day", "expected_clock", "monday_first"),
    [
        ("en", "en_US.UTF-8", "12/2/2026", "2:05\u202fPM", False),
        ("de", "de_DE.UTF-8", "02.12.2026", "14:05", True),
        ("fr", "fr_FR.UTF-8", "02/12/2026", "14:05", True),
    ],
)
def test_core_and_gui_write_the_same_instant_alike(
    language: str, lang: str, expected_day: str, expected_clock: str, monday_first: bool
) -> None:
    env = dict(os.environ, FOLLOWUP_LANGUAGE=language, LANG=lang, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["gui"] == found["core"]
    assert found["core"][0] == expected_day
    assert found["core"][1].replace(" ", "\u202f") == expected_clock
    qt_first, core_first = found["first_day"]
    assert qt_first == core_first + 1
    assert (core_first == 0) == monday_first
    assert found["iso"] == "2026-12-02"
    assert found["empty"] != ""  # an empty field says so, it is not blank


@pytest.mark.parametrize(
    ("cldr", "qt"),
    [
        ("M/d/yy", "M/d/yy"),
        ("dd.MM.y", "dd.MM.yyyy"),
        ("h:mm\u202fa", "h:mm\u202fAP"),
        ("EEEE d MMMM y", "dddd d MMMM yyyy"),
        ("d 'de' MMMM", "d 'de' MMMM"),
        ("y-MM-dd G", "yyyy-MM-dd"),
    ],
)
def test_cldr_patterns_become_qt_patterns(cldr: str, qt: str) -> None:
    assert qt_pattern(cldr) == qt
