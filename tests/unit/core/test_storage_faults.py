"""Real faults: a full disk (tmpfs), read-only files and folders (as nobody), damaged pages.

Each case checks the same promises: the error is named for what it is (full, read-only,
locked, damaged only when SQLite proves it), the message says what to do, no traceback
reaches the person, no empty or half-written file is left, and the database that was
there is still there, byte for byte.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from fault_helpers import (
    damage_index,
    damage_table,
    fill,
    filled_database,
    run_as_nobody,
    shared_folder,
    small_disk,
    undecodable_text,
)
from followup_desktop.cli import main
from followup_desktop.core import db as db_module
from followup_desktop.core.db import (
    RestoreNeedsConfirmation,
    backup_database,
    integrity_check,
    list_backups,
    open_database,
    quick_check,
    restore_backup,
)
from followup_desktop.core.dblock import DatabaseInUse
from followup_desktop.core.services import FollowupService
from followup_desktop.core.storage_errors import (
    StorageDamaged,
    StorageError,
    StorageFull,
    StorageReadOnly,
    classify,
)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def leftovers(folder: Path, name: str) -> list[str]:
    """Files of database ``name`` other than the database itself (temp copies, empties)."""
    return sorted(
        entry.name
        for entry in folder.iterdir()
        if name in entry.name and entry.name not in {name, f"{name}.lock"}
    )


def empty_files(folder: Path) -> list[str]:
    return sorted(
        str(entry)
        for entry in folder.rglob("*")
        if entry.is_file() and entry.stat().st_size == 0 and entry.suffix != ".lock"
    )


def count(path: Path, table: str) -> int:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


# -- classification ----------------------------------------------------------------------


def test_classification_reads_result_codes_not_words(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute("CREATE TABLE t (x)")
    # A real SQLITE_READONLY from SQLite itself, through a read-only connection.
    with (
        contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as reader,
        pytest.raises(sqlite3.OperationalError) as caught,
    ):
        reader.execute("INSERT INTO t VALUES (1)")
    assert isinstance(classify(caught.value, path), StorageReadOnly)
    # A real SQLITE_NOTADB: proven damage.
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"SQLite format 3\x00" + b"\xff" * 8000)
    with (
        contextlib.closing(sqlite3.connect(junk)) as connection,
        pytest.raises(sqlite3.DatabaseError) as damaged,
    ):
        connection.execute("SELECT * FROM sqlite_master").fetchall()
    assert isinstance(classify(damaged.value, junk), StorageDamaged)
    # Words alone prove nothing: an error without SQLite's code is not ours to name.
    assert classify(sqlite3.OperationalError("database or disk is full")) is None
    assert classify(ValueError("disk is full")) is None


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_a_device_is_never_opened_nor_replaced_by_a_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    device = tmp_path / "null"
    os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    for command in (["agenda"], ["demo", "--opportunities", "1"], ["restore-backup", __file__]):
        assert main(["--db", str(device), *command]) == 2
        assert "not a regular file" in capsys.readouterr().err
        assert stat.S_ISCHR(device.stat().st_mode)
    # No lock, no half-built database beside it (the folder also holds the test's home).
    assert not [path.name for path in tmp_path.iterdir() if "null" in path.name and path != device]


def test_stored_text_that_is_not_utf8_is_named_damage_in_the_window_and_the_agenda(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "followup.sqlite3"
    db = open_database(path)
    service = FollowupService(db)
    service.create_opportunity("Acme", "Engineer")
    db.close()
    # Bytes no Followup writes: what damage inside a table page can leave behind.
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute("UPDATE opportunities SET company = CAST(x'ffe2' AS TEXT)")
        connection.commit()
    with (
        contextlib.closing(sqlite3.connect(path)) as connection,
        pytest.raises(sqlite3.OperationalError) as caught,
    ):
        connection.execute("SELECT company FROM opportunities").fetchall()
    assert isinstance(classify(caught.value, path), StorageDamaged)
    assert main(["--db", str(path), "agenda", "--now", "2026-12-01T09:00:00+00:00"]) != 0
    err = capsys.readouterr().err
    assert "damaged" in err
    assert "Traceback" not in err


# -- a full disk -----------------------------------------------------------------------


@pytest.mark.real_migrations
def test_a_new_database_on_a_full_disk_leaves_no_file(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk") as disk:
        fill(disk)
        with pytest.raises(StorageFull):
            open_database(disk / "followup.sqlite3")
        assert sorted(entry.name for entry in disk.iterdir()) == ["filler.bin"]


@pytest.mark.real_migrations
def test_a_new_database_on_a_full_disk_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with small_disk(tmp_path / "disk") as disk:
        fill(disk)
        assert main(["--db", str(disk / "f.sqlite3"), "agenda"]) == 2
        err = capsys.readouterr().err
        assert "disk is full" in err
        assert "Free some space" in err
        assert "damaged" not in err
        assert "Traceback" not in err
        assert sorted(entry.name for entry in disk.iterdir()) == ["filler.bin"]


def test_writes_on_a_full_disk_are_named_full_and_lose_nothing(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", "4m") as disk:
        path = disk / "followup.sqlite3"
        filled_database(path, 20)
        db = open_database(path)
        service = FollowupService(db)
        db.verify()
        with db.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        filler = fill(disk)
        failure: StorageError | None = None
        for index in range(200):  # until the WAL needs a page the disk does not have
            try:
                service.create_opportunity(f"Late {index}", "Role " * 39)
            except StorageError as error:
                failure = error
                break
        assert isinstance(failure, StorageFull), failure
        assert "Free some space" in str(failure)
        filler.unlink()
        service.create_opportunity("After", "Freeing space")
        db.close()
        assert integrity_check(path) is None
        assert count(path, "interviews") == 20
        assert empty_files(disk) == []


def test_a_backup_on_a_full_disk_is_refused_and_leaves_nothing(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", "8m") as disk:
        path = disk / "followup.sqlite3"
        filled_database(path, 40)
        fill(disk, leave=8192)
        with pytest.raises(StorageFull, match="not enough free space"):
            backup_database(path, "manual")
        assert list_backups(path) == []
        assert empty_files(disk) == []


def test_restore_with_too_little_space_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with small_disk(tmp_path / "disk", "8m") as disk:
        path = disk / "followup.sqlite3"
        filled_database(path, 40)
        backup = backup_database(path, "manual")
        damage_table(path)  # the case restore is for
        before = digest(path)
        fill(disk, leave=4096)
        assert main(["--db", str(path), "restore-backup"]) == 2
        err = capsys.readouterr().err
        assert "not enough free space" in err
        assert "damaged" not in err.split("free space")[0]  # the backup is not blamed
        assert "Traceback" not in err
        assert digest(path) == before
        assert leftovers(disk, path.name) == []
        assert backup.exists()


def test_a_restore_interrupted_by_a_full_disk_keeps_the_current_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with small_disk(tmp_path / "disk", "8m") as disk:
        path = disk / "followup.sqlite3"
        filled_database(path, 40)
        backup = backup_database(path, "manual")
        before = digest(path)
        # Space runs out during the copy (another program filled the disk after the
        # check): remove the first line of defence and prove the second one holds.
        monkeypatch.setattr(db_module, "check_free_space", lambda *_args: None)
        fill(disk, leave=64 * 1024)
        with pytest.raises(StorageFull) as caught:
            restore_backup(path, backup, force=True)
        assert not isinstance(caught.value, StorageDamaged)
        assert digest(path) == before
        assert leftovers(disk, path.name) == []
        assert quick_check(path) is None


# -- read-only, as a user permissions apply to ---------------------------------------


def test_a_read_only_file_is_named_read_only_not_damaged() -> None:
    with shared_folder() as folder:
        home = folder / "home"
        db = folder / "data" / "followup.sqlite3"
        made = run_as_nobody(["--db", str(db), "agenda"], home)
        assert made.returncode == 0, made.stderr
        db.chmod(0o444)
        result = run_as_nobody(["--db", str(db), "demo", "--opportunities", "2"], home)
        assert result.returncode == 2, result.stderr
        assert "read-only" in result.stderr
        assert "damaged" not in result.stderr
        assert "Traceback" not in result.stderr + result.stdout


def test_a_read_only_folder_is_named_read_only_not_damaged() -> None:
    with shared_folder() as folder:
        home = folder / "home"
        data = folder / "data"
        db = data / "followup.sqlite3"
        assert run_as_nobody(["--db", str(db), "agenda"], home).returncode == 0
        before = digest(db)
        data.chmod(0o555)
        result = run_as_nobody(["--db", str(db), "demo", "--opportunities", "2"], home)
        assert result.returncode == 2, result.stderr
        assert "read-only" in result.stderr
        assert "damaged" not in result.stderr
        assert "Traceback" not in result.stderr + result.stdout
        assert digest(db) == before


@pytest.mark.real_migrations
def test_a_new_database_in_a_read_only_folder_leaves_no_file() -> None:
    with shared_folder() as folder:
        data = folder / "locked"
        data.mkdir(mode=0o555)
        result = run_as_nobody(["--db", str(data / "f.sqlite3"), "agenda"], folder / "home")
        assert result.returncode == 2
        assert "read-only" in result.stderr or "permission" in result.stderr.lower()
        assert "Traceback" not in result.stderr
        assert list(data.iterdir()) == []


# -- damage ------------------------------------------------------------------------------


@pytest.mark.expected_log("^integrity check of ", "^exporting from a damaged database ")
def test_damage_in_an_index_passes_quick_check_and_is_found_before_writing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "followup.sqlite3"
    filled_database(path, 120)
    damage_index(path)
    assert quick_check(path) is None, "quick_check does not look inside indexes"
    assert integrity_check(path) is not None
    db = open_database(path)
    try:
        with pytest.raises(StorageDamaged):
            FollowupService(db).create_opportunity("Written onto damage", "No")
    finally:
        db.close()
    assert main(["--db", str(path), "backup"]) == 3
    assert "no backup was made" in capsys.readouterr().err
    target = tmp_path / "export.json"
    assert main(["--db", str(path), "export", str(target)]) == 3
    err = capsys.readouterr().err
    assert "Nothing was lost" in err
    exported = json.loads(target.read_text())
    assert len(exported["opportunities"]) == 120
    assert len(exported["interviews"]) == 120


@pytest.mark.expected_log("^exporting from a damaged database ")
def test_a_damaged_table_page_is_refused_at_open_and_export_salvages_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "followup.sqlite3"
    filled_database(path, 120)
    damage_table(path)
    before = digest(path)
    with pytest.raises(StorageDamaged):
        open_database(path)
    target = tmp_path / "export.json"
    assert main(["--db", str(path), "export", str(target)]) == 3
    err = capsys.readouterr().err
    assert "Could not be read" in err
    assert "Traceback" not in err
    exported = json.loads(target.read_text())
    kept = len(exported["opportunities"])
    assert 0 < kept < 120
    # Interviews of lost opportunities are left out, and said so; the rest are kept.
    assert len(exported["interviews"]) == kept
    assert "Left out" in err
    assert digest(path) == before


@pytest.mark.expected_log("^exporting from a damaged database ")
def test_a_dropped_table_at_the_current_revision_is_damage_named_at_open(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "followup.sqlite3"
    filled_database(path, 5)
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute("DROP TABLE stumbled_questions")
    with pytest.raises(StorageDamaged, match="stumbled_questions is missing"):
        open_database(path)
    assert main(["--db", str(path), "agenda"]) == 3
    assert "stumbled_questions" in capsys.readouterr().err
    target = tmp_path / "export.json"
    assert main(["--db", str(path), "export", str(target)]) == 3
    assert "stumbled_questions (it is missing)" in capsys.readouterr().err
    assert len(json.loads(target.read_text())["opportunities"]) == 5


# -- restore -----------------------------------------------------------------------------


def test_restoring_over_a_healthy_database_asks_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "followup.sqlite3"
    filled_database(path, 3)
    backup = backup_database(path, "manual")
    db = open_database(path)
    FollowupService(db).create_opportunity("Newer than the backup", "Kept")
    db.close()
    before = digest(path)
    with pytest.raises(RestoreNeedsConfirmation):
        restore_backup(path, backup)
    assert main(["--db", str(path), "restore-backup"]) == 4
    assert "--force" in capsys.readouterr().err
    assert digest(path) == before
    assert main(["--db", str(path), "restore-backup", "--force"]) == 0
    [aside] = [entry for entry in tmp_path.iterdir() if ".before-restore-" in entry.name]
    assert count(aside, "opportunities") == 4  # the newer data is kept beside
    assert count(path, "opportunities") == 3


def test_a_damaged_backup_is_named_and_nothing_changes(tmp_path: Path) -> None:
    path = tmp_path / "followup.sqlite3"
    filled_database(path, 60)
    backup = backup_database(path, "manual")
    damage_table(backup)
    damage_table(path)
    before = digest(path)
    with pytest.raises(StorageDamaged, match=r"The backup .* is damaged"):
        restore_backup(path, backup)
    assert digest(path) == before
    assert leftovers(tmp_path, path.name) == []


def test_restore_swaps_atomically_and_keeps_the_wal_with_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "followup.sqlite3"
    filled_database(path, 10)
    backup = backup_database(path, "manual")
    # A live WAL beside the current file: it belongs to the old file, not the restored one.
    holder = sqlite3.connect(path)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("DELETE FROM interviews")
    holder.commit()
    assert Path(f"{path}-wal").stat().st_size > 0
    aside = restore_backup(path, backup, force=True)
    holder.close()
    assert aside is not None
    assert count(path, "interviews") == 10
    assert integrity_check(path) is None
    assert count(aside, "interviews") == 0  # the old file, with its WAL, as it was


# -- one writer per file -------------------------------------------------------------------

HOLDER = """
import sys
from pathlib import Path
from followup_desktop.core.db import open_database
db = open_database(Path(sys.argv[1]), exclusive=True)
print("HELD", flush=True)
sys.stdin.readline()
"""


def test_a_second_writer_from_anywhere_is_refused_by_the_lock_beside_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "followup.sqlite3"
    filled_database(path, 2)
    # Another runtime folder, as a second login session would have: the lock is per file.
    env = {**os.environ, "XDG_RUNTIME_DIR": str(tmp_path / "elsewhere")}
    with subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    ) as holder:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "HELD"
        with pytest.raises(DatabaseInUse, match=f"process {holder.pid}"):
            open_database(path, exclusive=True)
        assert main(["--db", str(path), "demo", "--opportunities", "1"]) == 2
        assert "Another Followup command is changing" in capsys.readouterr().err
        reader = open_database(path)  # reading (agenda, export) stays possible
        reader.close()
        holder.kill()  # SIGKILL: the kernel drops the lock with the process
        holder.wait(timeout=10)
    again = open_database(path, exclusive=True)
    again.close()


def test_storage_errors_are_database_errors_the_faces_already_catch() -> None:
    from followup_desktop.core.errors import DatabaseError, FollowupError

    assert issubclass(StorageError, DatabaseError)
    assert issubclass(StorageError, FollowupError)


@pytest.mark.expected_log("^exporting from a damaged database ")
def test_text_damaged_into_invalid_utf8_passes_every_check_and_export_keeps_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "followup.sqlite3"
    undecodable_text(path)
    assert integrity_check(path) is None
    target = tmp_path / "export.json"
    assert main(["--db", str(path), "export", str(target)]) == 3
    err = capsys.readouterr().err
    assert "not UTF-8" in err
    assert "Traceback" not in err
    companies = [row["company"] for row in json.loads(target.read_text())["opportunities"]]
    assert len(companies) == 10
    assert "C\ufffdmpany 007" in companies


def test_restore_over_a_read_only_file_is_refused_and_changes_nothing() -> None:
    with shared_folder() as folder:
        home = folder / "home"
        db = folder / "data" / "followup.sqlite3"
        assert (
            run_as_nobody(["--db", str(db), "demo", "--opportunities", "2"], home).returncode == 0
        )
        assert run_as_nobody(["--db", str(db), "backup"], home).returncode == 0
        db.chmod(0o444)
        before = digest(db)
        result = run_as_nobody(["--db", str(db), "restore-backup", "--force"], home)
        assert result.returncode == 2, result.stderr
        assert "read-only" in result.stderr
        assert "Traceback" not in result.stderr
        assert digest(db) == before
        assert leftovers(db.parent, db.name) == []


@pytest.mark.expected_log("^exporting from a damaged database ")
def test_a_garbled_value_that_passes_every_check_is_left_out_of_the_export_and_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "followup.sqlite3"
    filled_database(path, 10)
    with contextlib.closing(sqlite3.connect(path)) as connection:
        # What random bytes inside a row can become: well-formed, indexed, and no date.
        connection.execute("UPDATE interviews SET starts_at = 'q\x10\x7f' WHERE id = 3")
        connection.execute("UPDATE stages SET kind = 'nonsense' WHERE id = 6")
        connection.commit()
    assert integrity_check(path) is None
    target = tmp_path / "export.json"
    assert main(["--db", str(path), "export", str(target)]) == 3
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "a value in them is garbled: 1 from stages, 1 from interviews" in err
    exported = json.loads(target.read_text())
    assert len(exported["interviews"]) == 9
    assert len(exported["opportunities"]) == 10


def test_a_lock_written_by_an_older_followup_still_names_its_owner(tmp_path: Path) -> None:
    from followup_desktop.core.dblock import DatabaseLock, lock_path

    path = tmp_path / "followup.sqlite3"
    first = DatabaseLock(path)
    first.acquire()
    try:
        # Before the holder's kind was written: process id and host only.
        lock_path(path).write_text("4242 elsewhere\n", encoding="utf-8")
        with pytest.raises(DatabaseInUse) as refused:
            DatabaseLock(path).acquire()
        assert refused.value.holder == ""
        assert str(refused.value).startswith(f"Followup is already open on {path}. ")
        assert "It is process 4242 on elsewhere." in str(refused.value)
    finally:
        first.release()
