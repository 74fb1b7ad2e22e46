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
    import json
    from followup_desktop.gui.window.actions import ACTIONS, MENUS
    from followup_desktop.gui.window.words import status_text
    print(json.dumps({
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
    # Each label keeps exactly one shortcut letter.
    assert all(text.count("&") == 1 for text in seen["actions"])
    assert seen["status"] == (
        "1 von 12.000 Stellen angezeigt · 1 Schritt überfällig · 2 heute fällig"
    )


def test_the_menus_and_status_line_speak_french() -> None:
    seen = _run("fr", "fr_FR.UTF-8", WINDOW)
    assert isinstance(seen, dict)
    assert seen["menus"] == ["&Fichier", "&Édition", "&Affichage", "Aid&e"]
    assert all(text.count("&") == 1 for text in seen["actions"])
    # French groups thousands with a narrow no-break space.
    assert seen["status"] == (
        "1 sur 12\u202f000 opportunités affichées · 1 action en retard · 2 à faire aujourd'hui"
    )
