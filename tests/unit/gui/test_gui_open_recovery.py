"""The window's opening: restore is offered for proven damage only, never for a full disk."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from fault_helpers import (
    damage_index,
    fill,
    filled_database,
    page_of,
    small_disk,
    write_into_page,
)
from followup_desktop.core.db import backup_database, integrity_check, open_database
from followup_desktop.core.services import FollowupService
from followup_desktop.core.storage_errors import StorageDamaged
from followup_desktop.gui import app as app_module


class Boxes:
    """Stands in for the plain-text message boxes app.py shows; records what they said."""

    def __init__(self, answer: QMessageBox.StandardButton) -> None:
        self.answer = answer
        self.questions: list[str] = []
        self.errors: list[str] = []

    def __call__(
        self,
        _parent: object,
        icon: QMessageBox.Icon,
        _title: str,
        text: str,
        **_buttons: object,
    ) -> QMessageBox.StandardButton:
        if icon == QMessageBox.Icon.Question:
            self.questions.append(text)
            return self.answer
        assert icon == QMessageBox.Icon.Critical
        self.errors.append(text)
        return QMessageBox.StandardButton.Ok


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> Boxes:
    recorder = Boxes(QMessageBox.StandardButton.Yes)
    # gui.plain.message_box, as app.py imported it: every box there shows plain text.
    monkeypatch.setattr(app_module, "message_box", recorder)
    return recorder


def _with_opportunities(path: Path, count: int) -> None:
    db = open_database(path)
    service = FollowupService(db)
    for index in range(count):
        service.create_opportunity(f"Company {index:03d}", "Role " * 39)
    db.close()


@pytest.mark.expected_log("^damaged database: ")
def test_a_damaged_file_offers_the_backup_and_keeps_the_damaged_file(
    qtbot: QtBot, boxes: Boxes, db_path: Path
) -> None:
    _with_opportunities(db_path, 60)
    backup_database(db_path, "manual")
    write_into_page(db_path, page_of(db_path, "opportunities", "leaf"), 8, b"\xa5" * 3000)
    db = app_module._open_with_recovery(db_path)
    assert db is not None
    try:
        assert len(boxes.questions) == 1
        assert "damaged" in boxes.questions[0]
        assert integrity_check(db_path) is None
    finally:
        db.close()
    [kept] = [p for p in db_path.parent.iterdir() if ".before-restore-" in p.name]
    assert integrity_check(kept) is not None  # the damaged file, beside the restored one


@pytest.mark.expected_log("^cannot open database: ")
def test_a_full_disk_at_opening_is_named_and_offers_no_restore(
    qtbot: QtBot, boxes: Boxes, tmp_path: Path
) -> None:
    with small_disk(tmp_path / "disk") as disk:
        path = disk / "followup.sqlite3"
        _with_opportunities(path, 3)
        backup_database(path, "manual")
        for leftover in disk.glob("followup.sqlite3-*"):
            leftover.unlink()  # closed cleanly: the next open must create its WAL index
        fill(disk)
        assert app_module._open_with_recovery(path) is None
        assert boxes.questions == [], "no restore offered: nothing is damaged"
        [message] = boxes.errors
        assert "disk is full" in message
        assert "damaged" not in message


@pytest.mark.expected_log("^integrity check of ")
def test_the_background_check_finds_index_damage_and_writes_then_wait(
    qtbot: QtBot, db_path: Path
) -> None:
    filled_database(db_path, 120)
    damage_index(db_path)
    db = open_database(db_path)  # quick_check cannot see it
    try:
        watch = app_module.IntegrityWatch(db)
        with qtbot.waitSignal(watch.finished, timeout=20_000) as blocker:
            watch.start()
        watch.checker.join()
        assert blocker.args is not None and blocker.args[0] is not None
        assert watch.checker.name == "integrity-check"
        with pytest.raises(StorageDamaged):
            FollowupService(db).create_opportunity("Onto damage", "No")
    finally:
        db.close()
