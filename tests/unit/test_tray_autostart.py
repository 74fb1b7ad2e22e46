"""Start at login: the XDG autostart entry is written, read back and removed."""

from __future__ import annotations

import os
from pathlib import Path

from followup_desktop import APP_ID
from followup_desktop.autostart import (
    autostart_enabled,
    autostart_path,
    quote_exec_argument,
    set_autostart,
)


def test_autostart_writes_an_entry_that_starts_minimized() -> None:
    assert not autostart_enabled()
    path = set_autostart(True, ["/opt/Follow up/followup-desktop"])
    assert path == Path(os.environ["XDG_CONFIG_HOME"]) / "autostart" / f"{APP_ID}.desktop"
    text = path.read_text()
    assert 'Exec="/opt/Follow up/followup-desktop" --minimized\n' in text
    assert "Type=Application\n" in text
    assert f"Icon={APP_ID}\n" in text
    assert autostart_enabled()
    set_autostart(False)
    assert not path.exists()
    assert not autostart_enabled()
    set_autostart(False)  # removing twice is fine


def test_an_entry_switched_off_by_the_desktop_counts_as_off() -> None:
    path = set_autostart(True, ["followup-desktop"])
    path.write_text(path.read_text() + "Hidden=true\n")
    assert not autostart_enabled()
    assert autostart_path() == path


def test_exec_arguments_are_quoted_per_the_desktop_entry_spec() -> None:
    assert quote_exec_argument("/usr/bin/followup") == "/usr/bin/followup"
    assert quote_exec_argument("100%") == "100%%"
    assert quote_exec_argument('a "b" $c') == '"a \\"b\\" \\$c"'
