"""Qt's stock words follow the app's language: a dialog's Cancel button under German and
French, and Qt's default locale is the one the core formats dates in."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PROBE = """
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QDialogButtonBox
from followup_desktop.gui.app import make_application
app = make_application([])
box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel | QDialogButtonBox.StandardButton.Ok)
cancel = box.button(QDialogButtonBox.StandardButton.Cancel)
print(cancel.text().replace("&", ""))
print(QLocale().name())
"""


def _probe(language: str, lang: str) -> list[str]:
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
    return done.stdout.strip().splitlines()


@pytest.mark.parametrize(
    ("language", "lang", "cancel", "locale"),
    [
        ("de", "de_DE.UTF-8", "Abbrechen", "de_DE"),
        ("fr", "fr_FR.UTF-8", "Annuler", "fr_FR"),
        ("en", "en_US.UTF-8", "Cancel", "en_US"),
        # German chosen on an English system: Qt speaks German, dates are de_DE's.
        ("de", "en_US.UTF-8", "Abbrechen", "de_DE"),
    ],
)
def test_stock_buttons_and_locale_follow_the_language(
    language: str, lang: str, cancel: str, locale: str
) -> None:
    assert _probe(language, lang) == [cancel, locale]
