"""``--self-test``: passes on a working installation and says clearly what broke otherwise."""

from __future__ import annotations

import gettext
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from followup_desktop import selftest
from followup_desktop.core.errors import DatabaseError
from followup_desktop.selftest import run_self_test

XDG = ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "FOLLOWUP_DB")


def _run(opportunities: int = selftest.DEMO_OPPORTUNITIES) -> tuple[int, str]:
    out = io.StringIO()
    code = run_self_test(out=out, opportunities=opportunities)
    return code, out.getvalue()


def test_self_test_passes_in_a_fresh_process(isolated_home: Path) -> None:
    # No display at all: the self-test must choose the offscreen platform by itself.
    env = {key: value for key, value in os.environ.items() if key != "QT_QPA_PLATFORM"}
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    result = subprocess.run(
        [sys.executable, "-m", "followup_desktop", "--self-test"],
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Self-test passed" in result.stdout
    assert "Traceback" not in result.stderr
    assert "drawn on offscreen" in result.stdout
    # It worked in its own temporary folder: nothing landed in the user's folders.
    assert not any(path.is_file() for path in (isolated_home / "data").rglob("*"))


def test_self_test_passes_in_process_and_restores_the_environment(qapp: object) -> None:
    del qapp  # the self-test reuses the running QApplication
    before = {name: os.environ.get(name) for name in XDG}
    code, report = _run()
    assert code == 0, report
    for check in ("files", "database", "planner", "window", "password storage", "languages"):
        assert f"ok      {check}: " in report, report
    assert "open actions planned" in report
    assert "Self-test passed" in report
    assert {name: os.environ.get(name) for name in XDG} == before


def test_a_database_failure_is_reported_and_skips_what_needs_it(
    qapp: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    del qapp

    def refuse(path: Path, **_: object) -> object:
        raise DatabaseError(f"The disk is full. Free some space ({path.name}).", path)

    monkeypatch.setattr("followup_desktop.core.db.open_database", refuse)
    code, report = _run()
    assert code == 1
    assert "FAILED  database: could not create a database" in report
    assert "The disk is full" in report
    assert "skipped planner: needs the database check to pass" in report
    assert "skipped window:" in report
    assert "ok      files:" in report
    assert "Self-test FAILED (1 of 6 checks)" in report


def test_missing_files_are_named(qapp: object, monkeypatch: pytest.MonkeyPatch) -> None:
    del qapp
    monkeypatch.setattr(selftest, "ICON_SIZES", (*selftest.ICON_SIZES, 999))
    code, report = _run(opportunities=3)
    assert code == 1
    assert "FAILED  files: files missing from the installation" in report
    assert "999x999" in report


def test_an_unexpected_error_is_reported_with_its_traceback(
    qapp: object, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    del qapp

    def broken(*_: object) -> None:
        raise RuntimeError("the window is broken")

    monkeypatch.setattr("followup_desktop.gui.main_window.MainWindow", broken)
    code, report = _run(opportunities=3)
    assert code == 1
    assert "FAILED  window: unexpected RuntimeError: the window is broken" in report
    assert "Traceback" in capsys.readouterr().err


def test_a_missing_catalogue_is_named(qapp: object, monkeypatch: pytest.MonkeyPatch) -> None:
    del qapp
    from followup_desktop.core import i18n

    # A bundle that lost its German catalogue speaks English in its place.
    real = i18n.translations_for

    def without_german(language: str) -> gettext.NullTranslations:
        return gettext.NullTranslations() if language == "de" else real(language)

    monkeypatch.setattr(i18n, "translations_for", without_german)
    code, report = _run()
    assert code == 1
    assert "the German catalogue does not load" in report
