"""The main window's parts speak German and French: menus, status line, counts, dates.

Each case runs a fresh interpreter with ``FOLLOWUP_LANGUAGE`` set, since module-level
tables (the actions, the menus) are built in the language of the process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap


def _run(language: str, locale: str, code: str) -> object:
    env = {
        **os.environ,
        "FOLLOWUP_LANGUAGE": language,
        "LANG": locale,
        "LC_ALL": locale,
        "QT_QPA_PLATFORM": "offscreen",
    }
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


WINDOW = """
    import json, re
    from followup_desktop.core.i18n import _
    from followup_desktop.gui.window.actions import ACTIONS, MENUS
    from followup_desktop.gui.window.words import status_text
    texts = {spec.name: spec.text for spec in ACTIONS}
    texts.update(undo=_("&Undo"), redo=_("&Redo"), today=_("&Today"))
    letters = [
        [re.search(r"&(\\w)", texts[name]).group(1).lower() for name in names if name]
        for _title, names in MENUS
    ]
    print(json.dumps({
        "letters": letters,
        "menus": [title for title, _names in MENUS],
        "new": next(spec.text for spec in ACTIONS if spec.name == "new"),
        "actions": [spec.text for spec in ACTIONS],
        "status": status_text(1, 12000, 1, 2),
    }))
"""


def test_the_menus_and_status_line_speak_german() -> None:
    seen = _run("de", "de_DE.UTF-8", WINDOW)
    assert isinstance(seen, dict)
    assert seen["menus"] == ["&Datei", "&Bearbeiten", "&Ansicht", "&Hilfe"]
    assert seen["new"] == "&Neue Stelle…"
    # Each label keeps exactly one shortcut letter, and no two items of a menu share one.
    assert all(text.count("&") == 1 for text in seen["actions"])
    assert all(len(set(menu)) == len(menu) for menu in seen["letters"])
    assert seen["status"] == (
        "1 von 12.000 Stellen angezeigt · 1 Schritt überfällig · 2 heute fällig"
    )


def test_the_menus_and_status_line_speak_french() -> None:
    seen = _run("fr", "fr_FR.UTF-8", WINDOW)
    assert isinstance(seen, dict)
    assert seen["menus"] == ["&Fichier", "&Édition", "&Affichage", "Aid&e"]
    assert all(text.count("&") == 1 for text in seen["actions"])
    assert all(len(set(menu)) == len(menu) for menu in seen["letters"])
    # French groups thousands with a narrow no-break space.
    assert seen["status"] == (
        "1 sur 12\u202f000 opportunités affichées · 1 action en retard · 2 à faire aujourd'hui"
    )


BOARD = """
    import json
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo
    from followup_desktop.core.board import DueState
    from followup_desktop.core.kinds import StageKind
    from followup_desktop.gui.board_hints import empty_column_hint
    from followup_desktop.gui.card_delegate import due_words
    now = datetime(2026, 12, 2, 9, tzinfo=UTC)
    tz = ZoneInfo("Europe/Berlin")
    print(json.dumps({
        "later": due_words(datetime(2026, 12, 4, 13, tzinfo=UTC), DueState.LATER, now, tz),
        "today": due_words(datetime(2026, 12, 2, 13, tzinfo=UTC), DueState.TODAY, now, tz),
        "overdue": due_words(now - timedelta(days=3), DueState.OVERDUE, now, tz),
        "hint": empty_column_hint("Applied", StageKind.ACTIVE),
    }))
"""


def test_card_badges_write_dates_the_german_way() -> None:
    seen = _run("de", "de_DE.UTF-8", BOARD)
    assert seen == {
        "later": "Fällig Fr., 4. Dez.",
        "today": "Heute 14:00",
        "overdue": "3 Tg. überfällig",
        "hint": "Stellen, auf die Sie sich beworben haben.\n"
        "Ziehen Sie eine Karte hierher oder nutzen Sie „In Phase verschieben“ (Strg+M).",
    }


def test_card_badges_write_dates_the_french_way() -> None:
    seen = _run("fr", "fr_FR.UTF-8", BOARD)
    assert isinstance(seen, dict)
    assert seen["later"] == "Prévue ven. 4 déc."
    assert seen["today"] == "Aujourd'hui 14:00"
    assert seen["overdue"] == "En retard de 3 j"


TODAY = """
    import json
    from followup_desktop.gui.agenda_model import COMING_UP_HEADING
    from followup_desktop.gui.today_panel import summary_text
    print(json.dumps({
        "heading": COMING_UP_HEADING,
        "quiet": summary_text(0, 0, 1, 1),
        "busy": summary_text(2, 1, 3, 5),
    }))
"""


def test_the_today_panel_counts_in_german() -> None:
    seen = _run("de", "de_DE.UTF-8", TODAY)
    assert seen == {
        "heading": "Nächste 24 Stunden",
        "quiet": "Nichts ist überfällig oder heute fällig; 1 Schritt in den nächsten 24 Stunden.",
        "busy": "2 überfällig, 1 heute fällig, 3 weitere in den nächsten 24 Stunden "
        "(die ersten 5 aufgeführt)",
    }


def test_the_today_panel_counts_in_french() -> None:
    seen = _run("fr", "fr_FR.UTF-8", TODAY)
    assert isinstance(seen, dict)
    assert seen["heading"] == "Prochaines 24 heures"
    assert seen["quiet"] == (
        "Rien n'est en retard ni prévu aujourd'hui\u202f; 1 action dans les 24 prochaines heures."
    )


CALENDAR = """
    import json
    from datetime import date, time
    from PySide6.QtCore import QCoreApplication, Qt
    from followup_desktop.core.calendar_query import CalendarRange
    from followup_desktop.gui.calendar.month_model import (
        MonthModel, first_visible_day, full_day, week_start,
    )
    from followup_desktop.core import localformat
    app = QCoreApplication([])
    day = date(2026, 12, 2)
    model = MonthModel(
        lambda first, days: CalendarRange(first, days, (), {}), lambda: day, lambda entry: ""
    )
    model.set_month(day)
    print(json.dumps({
        "week_start": week_start(day).isoformat(),
        "grid_start": first_visible_day(day).isoformat(),
        "model_start": model.first_day.isoformat(),
        "columns": [model.headerData(c, Qt.Orientation.Horizontal) for c in range(7)],
        "week": model.headerData(0, Qt.Orientation.Vertical),
        "month": localformat.month_and_year(day),
        "day": model.describe(day, full=False),
        "hour": localformat.clock(time(14, 0)),
    }))
"""


def test_the_us_calendar_starts_its_weeks_on_sunday() -> None:
    seen = _run("en", "en_US.UTF-8", CALENDAR)
    assert isinstance(seen, dict)
    assert seen["week_start"] == "2026-11-29"  # a Sunday
    assert seen["grid_start"] == seen["model_start"] == "2026-11-29"
    assert seen["columns"] == ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    # The row's week number is its Monday's ISO week.
    assert seen["week"] == "W49"
    assert seen["day"] == "Wednesday, December 2, 2026 (today): nothing planned"


def test_the_german_calendar_starts_its_weeks_on_monday() -> None:
    seen = _run("de", "de_DE.UTF-8", CALENDAR)
    assert isinstance(seen, dict)
    assert seen["week_start"] == "2026-11-30"  # a Monday
    assert seen["grid_start"] == seen["model_start"] == "2026-11-30"
    assert seen["columns"] == ["Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So."]
    assert seen["week"] == "KW49"
    assert seen["month"] == "Dezember 2026"
    assert seen["day"] == "Mittwoch, 2. Dezember 2026 (heute): nichts geplant"
    assert seen["hour"] == "14:00"


def test_the_french_calendar_starts_its_weeks_on_monday() -> None:
    seen = _run("fr", "fr_FR.UTF-8", CALENDAR)
    assert isinstance(seen, dict)
    assert seen["model_start"] == "2026-11-30"
    assert seen["columns"][0] == "lun."
    assert seen["month"] == "décembre 2026"
    assert seen["day"] == "mercredi 2 décembre 2026 (aujourd'hui)\u202f: rien de prévu"


TRAY = """
    import json
    from followup_desktop.autostart import autostart_entry
    from followup_desktop.notify import REMINDER_ACTIONS
    print(json.dumps({
        "buttons": [label for _key, label in REMINDER_ACTIONS],
        "entry": autostart_entry(["followup"]),
    }))
"""


def test_reminder_buttons_speak_german() -> None:
    seen = _run("de", "de_DE.UTF-8", TRAY)
    assert isinstance(seen, dict)
    assert seen["buttons"] == ["Öffnen", "Erledigt", "1 Std. später"]


def test_the_login_entry_carries_its_comment_in_each_language() -> None:
    # Written the same in any language: the desktop picks the comment of its own.
    seen = _run("en", "en_US.UTF-8", TRAY)
    assert isinstance(seen, dict)
    lines = str(seen["entry"]).splitlines()
    assert "Comment=Reminders for your job-interview follow-ups, from the tray" in lines
    assert (
        "Comment[de]=Erinnerungen zum Nachfassen nach Ihren Vorstellungsgesprächen, "
        "aus dem Infobereich"
    ) in lines
    assert any(line.startswith("Comment[fr]=Des rappels pour relancer") for line in lines)


def test_a_narrow_card_keeps_the_interview_day_whole() -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from followup_desktop.core.board import CardSnapshot
    from followup_desktop.gui.card_delegate import interview_text

    card = CardSnapshot(
        opportunity_id=1,
        stage_id=1,
        company="Acme",
        role="Analyst",
        archived=False,
        next_action_kind=None,
        next_action_due=None,
        open_actions=0,
        next_interview_at=datetime(2026, 12, 4, 13, tzinfo=UTC),
        last_interview_at=None,
        last_contact_at=None,
    )
    now = datetime(2026, 12, 2, 9, tzinfo=UTC)
    tz = ZoneInfo("America/New_York")
    assert interview_text(card, now, tz) == "Interview Fri, Dec 4, 8:00\u202fAM"
    assert interview_text(card, now, tz, with_time=False) == "Interview Fri, Dec 4"


def test_the_desktop_entry_names_itself_in_german_and_french() -> None:
    from importlib import resources

    entry = (
        resources.files("followup_desktop")
        / "resources"
        / "io.github.followup_desktop.Followup.desktop"
    ).read_text(encoding="utf-8")
    keys = {line.split("=", 1)[0] for line in entry.splitlines() if "=" in line}
    for key in ("GenericName", "Comment", "Keywords"):
        assert {f"{key}[de]", f"{key}[fr]"} <= keys
    # The two launch actions ("I just had an interview", "Today") too.
    lines = entry.splitlines()
    assert sum(line.startswith("Name[de]=") for line in lines) == 2
    assert sum(line.startswith("Name[fr]=") for line in lines) == 2
    assert "Name[de]=Ich hatte gerade ein Vorstellungsgespräch" in entry
