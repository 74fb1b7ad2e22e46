"""What the person reads when the file or the disk fails is in their language."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from pathlib import Path

import pytest

from followup_desktop.core import i18n
from followup_desktop.core.db import open_database
from followup_desktop.core.dblock import DatabaseInUse, DatabaseLock
from followup_desktop.core.errors import DatabaseError
from followup_desktop.core.files import FileWriteError
from followup_desktop.core.storage_errors import StorageFull, check_free_space, classify


@pytest.fixture
def english_again() -> Iterator[None]:
    yield
    i18n.set_language("en")


def test_a_full_disk_is_said_in_german_and_french(english_again: None, tmp_path: Path) -> None:
    error = OSError(errno.ENOSPC, "No space left on device")
    i18n.set_language("de")
    found = classify(error, tmp_path / "followup.db")
    assert isinstance(found, StorageFull)
    assert str(found).startswith("Der Datenträger ist voll (")
    assert "Schaffen Sie Platz" in str(found)
    i18n.set_language("fr")
    assert str(StorageFull()) == (
        "Le disque est plein. Libérez de la place sur le disque qui contient la base de "
        "données, puis réessayez."
    )
    with pytest.raises(StorageFull, match="pas assez d\u2019espace libre pour la sauvegarde"):
        check_free_space(tmp_path / "copy.db", 10**18, "the backup")


def test_a_file_that_is_not_a_database_is_named_in_german(
    english_again: None, tmp_path: Path
) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a database", encoding="utf-8")
    i18n.set_language("de")
    with pytest.raises(DatabaseError, match="ist keine Followup-Datenbank") as caught:
        open_database(path)
    assert caught.value.path == path
    assert path.read_text(encoding="utf-8") == "not a database"


def test_a_second_followup_on_the_file_is_told_in_french(
    english_again: None, tmp_path: Path
) -> None:
    path = tmp_path / "followup.db"
    first = DatabaseLock(path)
    first.acquire()
    try:
        i18n.set_language("fr")
        with pytest.raises(DatabaseInUse, match="Une autre commande Followup modifie"):
            DatabaseLock(path).acquire()
    finally:
        first.release()


def test_a_file_that_cannot_be_written_says_why_in_german(
    english_again: None, tmp_path: Path
) -> None:
    i18n.set_language("de")
    error = FileWriteError(tmp_path / "x.ics", "the backup", OSError(errno.ENOSPC, "full"))
    assert str(error).startswith("Followup konnte die Sicherung nicht nach ")
    assert "der Datenträger ist voll (full). Schaffen Sie Platz" in str(error)


def test_a_file_that_cannot_be_read_is_explained_in_french(
    english_again: None, tmp_path: Path
) -> None:
    from followup_desktop.core.errors import ImportFormatError
    from followup_desktop.core.files import read_limited

    i18n.set_language("fr")
    with pytest.raises(ImportFormatError, match="ce fichier n\u2019existe pas"):
        read_limited(tmp_path / "absent.ics", 1000, "calendar file")
    with pytest.raises(ImportFormatError, match=r"pas un fichier \(fichier d\u2019agenda\)"):
        read_limited(tmp_path, 1000, "calendar file")
