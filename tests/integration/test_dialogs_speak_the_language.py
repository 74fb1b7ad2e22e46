"""Every dialog says its own words in the person's language: opened under the test-only
pseudo language, which marks each translated sentence, a dialog shows no text written in
its own source that escaped translation.

What a dialog shows unmarked may only come from elsewhere: the person's data (a company,
a stage they named), the locale's own data (weekday names), or another part of the app
with its own catalogue.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

from followup_desktop.core.i18n import PSEUDO_OPEN

ROOT = Path(__file__).resolve().parents[2]
GUI = ROOT / "src" / "followup_desktop" / "gui"
DIALOG_SOURCES = [
    GUI / "editor.py",
    *sorted((GUI / "debrief").glob("*.py")),
    *sorted((GUI / "composer").glob("*.py")),
    GUI / "settings_dialog.py",
    GUI / "playbook_choices.py",
    GUI / "setting_labels.py",
    GUI / "appearance.py",
    GUI / "import_wizard.py",
    GUI / "proof_dialog.py",
    *sorted((GUI / "mailbox").glob("*.py")),
    *sorted((GUI / "stats").glob("*.py")),
    GUI / "dialogs.py",
]
# Not words: a web address's start and a currency code, shown as examples.
NOT_WORDS = {"https://…", "EUR"}


def _literals() -> set[str]:
    """Every string written in the dialogs' source, as it could reach the screen."""
    found: set[str] = set()
    for path in DIALOG_SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value.strip()
                if (any(ch.isalpha() for ch in text) and " " in text) or text[:1].isupper():
                    found.add(text)
    return found


def _shown() -> list[dict[str, str]]:
    env = dict(os.environ, FOLLOWUP_LANGUAGE="pseudo", QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "helpers" / "dialog_walk.py")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def test_no_dialog_shows_a_sentence_of_its_own_left_in_english() -> None:
    shown = _shown()
    # The person's own words: the stages as the board names them, the card's details.
    data = {line["text"] for line in shown if line["dialog"] == "data"}
    dialogs = {line["dialog"] for line in shown}
    assert {"editor", "debrief", "composer", "settings", "import", "mailbox", "stats"} <= dialogs
    marked = [line for line in shown if PSEUDO_OPEN in line["text"]]
    assert len(marked) > 300  # the walk reached the dialogs' words
    literals = _literals() - data
    # A whole sentence of the source inside a longer text (one glued to a value).
    sentences = {text for text in literals if len(text.split()) >= 5}
    escaped = sorted(
        {
            f"{line['dialog']}: {line['what']} of {line['object'] or 'a widget'}: {line['text']!r}"
            for line in shown
            if line["dialog"] != "data"
            and PSEUDO_OPEN not in line["text"]
            and line["text"].strip() not in NOT_WORDS
            and (
                line["text"].strip() in literals
                or line["text"].replace("&", "").strip() in literals
                or any(text in line["text"] for text in sentences)
            )
        }
    )
    assert not escaped, "\n".join(escaped)
