"""Display formats for Qt's date and time fields, from the locale's own patterns.

A date typed and a date shown look alike: the fields take the short patterns
:mod:`core.localformat` writes dates with, translated from CLDR letters to Qt's.
"""

from __future__ import annotations

import re

from followup_desktop.core import localformat
from followup_desktop.gui.date_fields import qt_pattern as _qt


def date_format() -> str:
    """The locale's short date as a Qt display format ("M/d/yy", "dd.MM.yy")."""
    return _qt(localformat.date_pattern())


def weekday_date_format() -> str:
    """The short date with the weekday in front ("ddd M/d/yy", "ddd dd.MM.yy")."""
    return "ddd " + date_format()


def time_format() -> str:
    """The locale's short time as a Qt display format, each number at a fixed width so
    typing over a field never swallows the next one's digits ("hh:mm AP", "HH:mm")."""
    return re.sub(r"(?<![hH])([hH])(?![hH])", r"\1\1", _qt(localformat.time_pattern()))
