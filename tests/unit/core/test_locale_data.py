"""Babel's merged locale data kept in the cache: the same words, and never in the way."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from followup_desktop.core.locale_data import CACHE_ENV

# Every kind of text localformat writes, in one process, as JSON.
WRITE_ALL = r"""
import json, sys
from datetime import date, datetime, time
from followup_desktop.core import localformat as lf
name = sys.argv[1]
moment = datetime(2026, 12, 2, 14, 5)
print(json.dumps([
    lf.number(1234567, locale=name), lf.percent(0.42, locale=name),
    lf.money(62000, "EUR", locale=name), lf.day(moment, locale=name),
    lf.day(moment, locale=name, year=True), lf.clock(time(14, 5), locale=name),
    lf.day_and_clock(moment, locale=name), lf.long_date(moment, locale=name),
    lf.medium_date(date(2026, 8, 3), locale=name), lf.short_date(moment, locale=name),
    lf.month_and_year(moment, locale=name), lf.weekday_and_date(moment, locale=name),
    lf.first_weekday(name), lf.date_pattern(name), lf.time_pattern(name),
]))
"""


def _write_all(locale: str, cache: str) -> list[object]:
    result = subprocess.run(
        [sys.executable, "-c", WRITE_ALL, locale],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env={**os.environ, CACHE_ENV: cache},
    )
    return list(json.loads(result.stdout))


@pytest.mark.parametrize("locale", ["en_US", "de_DE", "fr_FR", "en_GB"])
def test_the_cache_writes_the_same_words_as_babel_alone(tmp_path: Path, locale: str) -> None:
    folder = tmp_path / "cache"
    alone = _write_all(locale, "")
    assert not folder.exists()
    first = _write_all(locale, str(folder))  # merges, and keeps the result
    [kept] = folder.iterdir()
    assert locale in kept.name
    again = _write_all(locale, str(folder))  # reads what was kept
    assert alone == first == again


def test_a_cut_cache_file_is_made_again(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    alone = _write_all("de_DE", "")
    _write_all("de_DE", str(folder))
    [kept] = folder.iterdir()
    whole = kept.read_bytes()
    kept.write_bytes(whole[: len(whole) // 2])
    assert _write_all("de_DE", str(folder)) == alone
    assert kept.read_bytes() == whole  # written again, whole


def test_a_folder_that_cannot_be_written_leaves_the_words_as_they_are(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be", encoding="utf-8")
    assert _write_all("fr_FR", str(blocked / "locale")) == _write_all("fr_FR", "")
    assert blocked.read_text(encoding="utf-8").startswith("a file")
