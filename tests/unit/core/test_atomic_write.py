"""Every export is written by one atomic writer: owner-only, whole or not at all."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from followup_desktop.cli import main
from followup_desktop.core.db import open_database
from followup_desktop.core.demo import populate_demo
from followup_desktop.core.files import (
    FileWriteError,
    WriteProblem,
    atomic_path,
    write_atomically,
    write_problem,
)
from followup_desktop.core.salvage import salvage_export

NOW = datetime(2026, 11, 20, 9, tzinfo=UTC)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(".tmp"))


def proof_of_search(search: Path, *output: str) -> list[str]:
    """The command line writing this year's proof of search."""
    period = ["--from", "2026-01-01", "--to", "2026-12-31"]
    return ["--db", str(search), "proof-of-search", *period, *output]


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The umask most desktops run with: new files readable by everyone."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.fixture
def search(tmp_path: Path) -> Path:
    """A database with a small demo search in it."""
    path = tmp_path / "search.sqlite3"
    db = open_database(path)
    populate_demo(db, 20, seed=2, now=NOW)  # an export of about 80 KB
    db.close()
    return path


def test_the_umask_alone_would_make_files_world_readable(tmp_path: Path, usual_umask: None) -> None:
    # The premise of the tests below: a plain write under this umask is readable by all.
    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    assert mode(plain) == 0o644


def test_every_export_of_the_command_line_is_owner_only(
    search: Path, tmp_path: Path, usual_umask: None
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    targets = {
        "export": out / "all.json",
        "export-ics": out / "calendar.ics",
        "export-csv": out / "sheet.csv",
        "export-vcard": out / "people.vcf",
    }
    for target in targets.values():
        # An older export readable by everyone is replaced by an owner-only one.
        target.write_text("old")
        target.chmod(0o644)
    for command, target in targets.items():
        assert main(["--db", str(search), command, str(target)]) == 0, command
    proof = out / "proof.csv"
    assert main(proof_of_search(search, "--csv", str(proof))) == 0
    for target in [*targets.values(), proof]:
        assert target.read_bytes() != b"old", target.name
        assert mode(target) == 0o600, target.name
    assert leftovers(out) == []


def test_the_proof_of_search_pdf_is_owner_only(
    search: Path, tmp_path: Path, usual_umask: None
) -> None:
    pdf = tmp_path / "proof.pdf"
    result = subprocess.run(
        [sys.executable, "-m", "followup_desktop", *proof_of_search(search, "--pdf", str(pdf))],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    assert mode(pdf) == 0o600
    assert leftovers(tmp_path) == []


def test_a_salvage_is_owner_only(search: Path, tmp_path: Path, usual_umask: None) -> None:
    target = tmp_path / "salvaged.json"
    outcome = salvage_export(search, target, "a test of the salvage path")
    assert outcome.salvaged
    assert sum(outcome.rows.values()) > 0
    assert mode(target) == 0o600


def test_the_writer_creates_owner_only_even_with_an_open_umask(tmp_path: Path) -> None:
    previous = os.umask(0)
    try:
        target = tmp_path / "x.bin"
        write_atomically(target, b"payload")
        with atomic_path(tmp_path / "y.bin") as temporary:
            assert mode(temporary) == 0o600  # before anything is written into it
            temporary.write_bytes(b"by name")
    finally:
        os.umask(previous)
    assert target.read_bytes() == b"payload"
    assert mode(target) == 0o600
    assert (tmp_path / "y.bin").read_bytes() == b"by name"
    assert mode(tmp_path / "y.bin") == 0o600


_TOO_LARGE = """
import resource, signal, sys
from pathlib import Path
# Beyond the limit a write fails with EFBIG instead of killing the process.
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
from followup_desktop.core.db import open_database
from followup_desktop.core.exchange import export_database
from followup_desktop.core.files import FileWriteError
db = open_database(Path(sys.argv[1]))
with db.session():
    pass  # the database's own files (the 32 KB -shm among them) exist before the limit
resource.setrlimit(resource.RLIMIT_FSIZE, (48_000, 48_000))
try:
    export_database(db, Path(sys.argv[2]))
except FileWriteError as error:
    print(error.problem.value)
    print(error)
    sys.exit(0)
sys.exit("the export was written beyond the file size limit")
"""


def test_a_failed_export_leaves_the_old_file_and_no_temporary(search: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / "export.json"
    target.write_bytes(b"the previous export")
    # A real failure of the write itself: the file size limit (RLIMIT_FSIZE) gives EFBIG
    # part-way through, as a full disk gives ENOSPC.
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_TOO_LARGE), str(search), str(target)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    problem, message = result.stdout.splitlines()[:2]
    assert problem == WriteProblem.TOO_LARGE.value
    assert message.startswith(f"Cannot write the export to {target}: the file would be larger")
    assert target.read_bytes() == b"the previous export"
    assert leftovers(out) == []


def test_a_failed_rename_leaves_the_target_and_no_temporary(tmp_path: Path) -> None:
    # A folder where the file should go: the rename over it fails (EISDIR), for real.
    target = tmp_path / "calendar.ics"
    target.mkdir()
    (target / "inside.txt").write_text("kept")
    with pytest.raises(FileWriteError, match=r"Cannot write the calendar to .*a folder") as caught:
        write_atomically(target, b"BEGIN:VCALENDAR", "the calendar")
    assert caught.value.problem is WriteProblem.IS_FOLDER
    assert isinstance(caught.value, OSError)  # handlers of the system's error still work
    assert (target / "inside.txt").read_text() == "kept"
    assert leftovers(tmp_path) == []


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(FileWriteError, match="the folder does not exist") as caught:
        write_atomically(tmp_path / "nope" / "x.csv", b"a,b\n", "the table")
    assert caught.value.problem is WriteProblem.NO_FOLDER


def test_an_error_inside_the_block_keeps_the_target(tmp_path: Path) -> None:
    target = tmp_path / "proof.pdf"
    target.write_bytes(b"old pdf")

    class StopError(Exception):
        pass

    def write_half() -> None:
        with atomic_path(target) as temporary:
            temporary.write_bytes(b"half a pdf")
            raise StopError

    with pytest.raises(StopError):
        write_half()
    assert target.read_bytes() == b"old pdf"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("number", "problem", "words"),
    [
        (errno.ENOSPC, WriteProblem.FULL, "the disk is full"),
        (errno.EDQUOT, WriteProblem.FULL, "the disk is full"),
        (errno.EACCES, WriteProblem.PERMISSION, "no permission"),
        (errno.EROFS, WriteProblem.PERMISSION, "no permission"),
        (errno.EFBIG, WriteProblem.TOO_LARGE, "larger than a file may be"),
        (errno.EIO, WriteProblem.OTHER, "the system refused the write"),
    ],
)
def test_the_cause_is_named_by_the_error_number(
    number: int, problem: WriteProblem, words: str
) -> None:
    error = OSError(number, os.strerror(number))
    assert write_problem(error) is problem
    wrapped = FileWriteError(Path("/somewhere/x.json"), "the export", error)
    assert str(wrapped).startswith("Cannot write the export to /somewhere/x.json: ")
    assert words in str(wrapped)
    assert wrapped.errno == number
