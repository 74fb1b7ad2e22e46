"""Reading the portal's colour scheme: the values it sends, and no bus at all."""

from __future__ import annotations

import time
from pathlib import Path

from followup_desktop.portal_appearance import (
    NO_PREFERENCE,
    PREFER_DARK,
    PREFER_LIGHT,
    PortalColorScheme,
    scheme_value,
)


def test_values_are_read_through_their_variants_and_unknown_ones_mean_no_preference() -> None:
    assert scheme_value(("u", 1)) == PREFER_DARK
    assert scheme_value(("v", ("u", 2))) == PREFER_LIGHT  # Read, before portal version 2
    assert scheme_value(("u", 0)) == NO_PREFERENCE
    assert scheme_value(("u", 7)) == NO_PREFERENCE
    assert scheme_value(("s", "dark")) == NO_PREFERENCE


def test_without_a_bus_the_reader_ends_quietly_and_reports_nothing(tmp_path: Path) -> None:
    heard: list[int] = []
    reader = PortalColorScheme(heard.append, bus=f"unix:path={tmp_path / 'no-bus'}")
    reader.start()
    deadline = time.monotonic() + 10
    while reader.running and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not reader.running, "the thread gives up on a missing bus by itself"
    assert heard == []
