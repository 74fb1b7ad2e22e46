"""Settings → Language: the choice is kept for the next start, and Restart now quits the
way File → Quit does, then starts the same command again."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from followup_desktop.core import i18n
from followup_desktop.core.services import FollowupService
from followup_desktop.gui import restart
from followup_desktop.gui.main_window import MainWindow
from followup_desktop.gui.settings_dialog import SettingsDialog


@pytest.fixture(autouse=True)
def own_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("FOLLOWUP_CONFIG_DIR", str(tmp_path / "config"))
    yield
    restart.set_quitter(None)
    restart._State.requested = False


def _dialog(
    qtbot: QtBot, service: FollowupService, parent: MainWindow | None = None
) -> SettingsDialog:
    dialog = SettingsDialog(service, parent)
    qtbot.addWidget(dialog)
    return dialog


def test_the_choice_is_saved_on_ok_and_shown_again(qtbot: QtBot, service: FollowupService) -> None:
    dialog = _dialog(qtbot, service)
    page = dialog.language_page
    assert page.selected() is None  # follows the system until a choice is made
    assert [page.choice.itemText(i) for i in range(1, 4)] == ["English", "Deutsch", "Français"]
    page.choice.setCurrentIndex(page.choice.findData("fr"))
    dialog._ok()
    assert i18n.chosen_language() == "fr"
    again = _dialog(qtbot, service)
    assert again.language_page.selected() == "fr"
    again.language_page.choice.setCurrentIndex(0)
    assert again.apply()
    assert i18n.chosen_language() is None
    assert not i18n.preference_path().exists()


def test_restart_now_saves_and_quits_through_file_quit(
    qtbot: QtBot, service: FollowupService, window: MainWindow
) -> None:
    quits: list[str] = []
    window.on_quit = lambda: quits.append("quit")
    dialog = _dialog(qtbot, service, window)
    assert not dialog.language_page.restart_button.isEnabled()  # no app to restart yet
    restart.set_quitter(window.request_quit)
    dialog.language_page._update()
    assert dialog.language_page.restart_button.isEnabled()
    dialog.language_page.choice.setCurrentIndex(dialog.language_page.choice.findData("de"))
    dialog.show()
    dialog.language_page.restart_button.click()
    assert quits == ["quit"]
    assert restart.restart_requested()
    assert i18n.chosen_language() == "de"
    assert not dialog.isVisible()


def test_restart_now_does_nothing_when_a_page_refuses(
    qtbot: QtBot, service: FollowupService, window: MainWindow
) -> None:
    quits: list[str] = []
    window.on_quit = lambda: quits.append("quit")
    restart.set_quitter(window.request_quit)
    dialog = _dialog(qtbot, service, window)
    dialog.language_page._apply_all = lambda: False
    assert not dialog.language_page.restart_now()
    assert quits == []
    assert not restart.restart_requested()


RESTARTS = """
import os, sys
from followup_desktop.gui import restart
if os.environ.get("RESTARTED"):
    print("started again", sys.argv[1:])
    raise SystemExit(0)
os.environ["RESTARTED"] = "1"
restart.set_quitter(lambda: print("quit"))
restart.request_restart()
restart.restart_if_requested()
print("not reached")
"""


def test_a_requested_restart_runs_the_same_command_again(tmp_path: Path) -> None:
    script = tmp_path / "restarts.py"
    script.write_text(RESTARTS, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script), "--minimized"],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["quit", "started again ['--minimized']"]


def test_the_choice_reaches_the_command_line_and_the_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "cli-config"
    env = {k: v for k, v in os.environ.items() if k != "FOLLOWUP_LANGUAGE"}
    env.update(FOLLOWUP_CONFIG_DIR=str(config), LANG="en_US.UTF-8")
    monkeypatch.setenv("FOLLOWUP_CONFIG_DIR", str(config))
    i18n.save_language_choice("fr")
    probe = (
        "import followup_desktop.cli; from followup_desktop.core import i18n; "
        "print(i18n.current_language())"
    )

    def spoken(extra: dict[str, str]) -> str:
        done = subprocess.run(
            [sys.executable, "-c", probe],
            check=False,
            capture_output=True,
            text=True,
            env={**env, **extra},
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    assert spoken({}) == "fr"
    assert spoken({"FOLLOWUP_LANGUAGE": "de"}) == "de"
