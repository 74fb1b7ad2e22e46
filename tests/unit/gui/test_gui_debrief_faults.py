# pytest-qt's QtBot methods carry no annotations.
# mypy: disable-error-code="no-untyped-call"
"""The debrief autosave through real faults: another program's write lock, a full disk.

The autosave must never give up: a failed save shows a banner that stays until a save
succeeds, retries by itself, keeps the window responsive, and in the end every word
typed during the fault is in the database.
"""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from fault_helpers import fill, small_disk
from followup_desktop.core.db import Database, open_database
from followup_desktop.core.queries.debrief import stored_draft
from followup_desktop.core.services import FollowupService
from followup_desktop.gui.debrief import DebriefDialog

NOW = datetime(2026, 11, 23, 14, tzinfo=UTC)
LOCK_SECONDS = 3.0

LOCKER = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")  # the write lock, as a database browser holds it
print("LOCKED", flush=True)
time.sleep(float(sys.argv[2]))
connection.execute("COMMIT")
print("RELEASED", flush=True)
"""


def _interview(service: FollowupService) -> int:
    opportunity = service.create_opportunity("Acme", "Data Analyst").created_id
    assert opportunity is not None
    created = service.record_interview(
        opportunity, NOW - timedelta(hours=3), NOW - timedelta(hours=2), "Europe/Berlin"
    ).created_id
    assert created is not None
    return created


def _open(qtbot: QtBot, service: FollowupService, interview_id: int) -> DebriefDialog:
    dialog = DebriefDialog(service, interview_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _stored(service: FollowupService, dialog: DebriefDialog, field: str) -> str:
    draft = stored_draft(service.db, dialog.snapshot)
    return "" if draft is None else str(draft.form()[field])


@pytest.mark.expected_log("^could not save the debrief draft ")
def test_a_write_lock_held_by_another_program_while_typing_loses_nothing(
    qtbot: QtBot, database: Database, db_path: Path
) -> None:
    service = FollowupService(database, clock=lambda: NOW)
    database.verify()
    dialog = _open(qtbot, service, _interview(service))
    editor = dialog.text["went_well"]
    editor.setFocus()
    qtbot.keyClicks(editor, "before ")
    qtbot.waitUntil(lambda: _stored(service, dialog, "went_well") == "before ", timeout=2000)

    with subprocess.Popen(
        [sys.executable, "-c", LOCKER, str(db_path), str(LOCK_SECONDS)],
        stdout=subprocess.PIPE,
        text=True,
    ) as locker:
        assert locker.stdout is not None
        assert locker.stdout.readline().strip() == "LOCKED"
        gaps: list[float] = []
        last = [time.perf_counter()]

        def type_one() -> None:
            now = time.perf_counter()
            gaps.append(now - last[0])
            last[0] = now
            qtbot.keyClick(editor, "y")

        typist = QTimer()
        typist.setInterval(40)
        typist.timeout.connect(type_one)
        typist.start()
        qtbot.waitUntil(dialog.save_banner.isVisible, timeout=2000)
        assert "Another program is writing" in dialog.save_banner.text()
        assert "Close the other program" in dialog.save_banner.text()
        assert dialog.save_banner.accessibleName() == "Not saved"
        qtbot.waitUntil(lambda: locker.poll() is not None, timeout=int(LOCK_SECONDS * 3000))
        typist.stop()
        assert locker.stdout.readline().strip() == "RELEASED"
    typed = editor.toPlainText()
    assert typed.count("y") >= 20, "the typing went on during the lock"
    # The window never froze on the lock: each save waits a tenth of a second at most.
    assert max(gaps) < 0.5, f"the window stalled for {max(gaps):.2f} s"
    qtbot.waitUntil(lambda: not dialog.save_banner.isVisible(), timeout=5000)
    assert _stored(service, dialog, "went_well") == typed
    assert dialog.failed_saves == 0
    assert "nothing typed was lost" in dialog.status.text()


@pytest.mark.expected_log("^could not save the debrief draft ")
def test_a_full_disk_shows_a_banner_until_space_is_freed_and_loses_nothing(
    qtbot: QtBot, tmp_path: Path
) -> None:
    with small_disk(tmp_path / "disk", "3m") as disk:
        database = open_database(disk / "followup.sqlite3")
        try:
            service = FollowupService(database, clock=lambda: NOW)
            database.verify()
            dialog = _open(qtbot, service, _interview(service))
            with database.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            filler = fill(disk)
            editor = dialog.text["went_badly"]
            editor.setFocus()
            # Enough text that the draft needs pages the full disk cannot give.
            qtbot.keyClicks(editor, "the system design round " * 40)
            qtbot.waitUntil(dialog.save_banner.isVisible, timeout=3000)
            assert "The disk is full" in dialog.save_banner.text()
            assert "Free some space" in dialog.save_banner.text()
            # It keeps trying, and the banner stays while it fails.
            qtbot.waitUntil(lambda: dialog.failed_saves >= 3, timeout=5000)
            assert dialog.save_banner.isVisible()
            # Closing now would lose words: the first close is refused and says so.
            dialog.close()
            assert dialog.isVisible()
            assert "Close again to discard" in dialog.save_banner.text()
            qtbot.keyClicks(editor, "and more")
            filler.unlink()
            qtbot.waitUntil(lambda: not dialog.save_banner.isVisible(), timeout=5000)
            assert _stored(service, dialog, "went_badly") == editor.toPlainText()
            assert editor.toPlainText().endswith("and more")
            dialog.close()
            assert not dialog.isVisible()
        finally:
            database.close()
