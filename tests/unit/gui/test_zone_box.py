"""Settings → Working hours: the time zone is chosen from a list filtered by what is
typed; a name that is no zone is refused with a message saying what to write."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from followup_desktop.core.playbook.settings import SETTINGS_KEY
from followup_desktop.core.services import FollowupService
from followup_desktop.gui.settings_dialog import SettingsDialog
from followup_desktop.gui.zone_box import ZoneBox, zone_choices


def _box(qtbot: QtBot, service: FollowupService) -> tuple[SettingsDialog, ZoneBox]:
    dialog = SettingsDialog(service)
    qtbot.addWidget(dialog)
    box = dialog.hours_page.editors["timezone"]
    assert isinstance(box, ZoneBox)
    return dialog, box


def test_the_list_holds_places_and_utc_not_aliases() -> None:
    zones = zone_choices()
    assert zones[0] == "UTC"
    assert {"Europe/Berlin", "Europe/Paris", "America/New_York", "Asia/Kolkata"} <= set(zones)
    assert not [z for z in zones if z.startswith(("Etc/", "US/", "posix/"))]
    assert "localtime" not in zones


def test_typing_part_of_a_city_filters_the_list(qtbot: QtBot, service: FollowupService) -> None:
    _dialog, box = _box(qtbot, service)
    completer = box.completer()
    assert completer is not None
    completer.setCompletionPrefix("york")
    found = [
        completer.completionModel().index(row, 0).data()
        for row in range(completer.completionCount())
    ]
    assert "America/New York" in found
    assert all("york" in name.lower() for name in found)


def test_the_stored_zone_is_shown_and_a_chosen_one_saved(
    qtbot: QtBot, service: FollowupService
) -> None:
    dialog, box = _box(qtbot, service)
    box.set_zone("Europe/Berlin")
    assert box.currentText() == "Europe/Berlin"
    box.setEditText("america/new york")  # typed, not picked: still the zone
    assert dialog.hours_page.values()["timezone"] == "America/New_York"
    assert dialog.apply()
    stored = service.get_setting(SETTINGS_KEY, {})
    assert stored["timezone"] == "America/New_York"
    again, box_again = _box(qtbot, service)
    assert box_again.zone() == "America/New_York"
    assert again.hours_page.values()["timezone"] == "America/New_York"


def test_a_typed_name_that_is_no_zone_is_refused_clearly(
    qtbot: QtBot, service: FollowupService
) -> None:
    before = service.get_setting(SETTINGS_KEY, {})
    dialog, box = _box(qtbot, service)
    box.setEditText("Europe/Berln")
    assert not dialog.apply()
    assert "Europe/Berln" in dialog.error.text()
    assert "not a known time zone name" in dialog.error.text()
    assert service.get_setting(SETTINGS_KEY, {}) == before
