"""scripts/i18n-walk: the window in the pseudo language, walked for English left behind.

``test_after_merge_every_text_of_the_window_is_translated`` (marker ``i18n_complete``)
is the check of the whole window: it passes once every part of the app is translated and
is meant to be run by whoever merges the translations of all parts
(``scripts/test --fast -m i18n_complete tests/integration/test_i18n_walk.py``). Until
then it fails and lists what is left; it is neither skipped nor expected to fail.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLANTED = "Planted untranslated label"


def _walk(*arguments: str) -> list[dict[str, str]]:
    env = {key: value for key, value in os.environ.items() if key != "FOLLOWUP_LANGUAGE"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "i18n-walk"), "--json", *arguments],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    found: list[dict[str, str]] = json.loads(done.stdout)
    return found


@pytest.mark.slow
def test_the_walk_finds_a_planted_english_label_and_passes_translated_text() -> None:
    found = _walk("--plant", PLANTED)
    texts = {item["text"] for item in found}
    assert PLANTED in texts
    where = {item["where"] for item in found if item["text"] == PLANTED}
    assert "empty: board" in where
    # Translated sentences carry the marker and are never listed; nor are user data
    # (a demo company) and Qt's own stock words.
    assert not [text for text in texts if "⟦" in text]
    assert "Language" not in texts  # Settings → Language, translated
    assert "Cancel" not in texts


@pytest.mark.slow
@pytest.mark.i18n_complete
def test_after_merge_every_text_of_the_window_is_translated() -> None:
    found = _walk()
    shown = "\n".join(f"{i['where']} | {i['kind']} | {i['text']}" for i in found[:80])
    assert not found, f"{len(found)} text(s) in English (scripts/i18n-walk):\n{shown}"
