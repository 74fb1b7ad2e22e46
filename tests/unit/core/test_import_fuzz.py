"""Several hundred mutated exports: each imports fully or is refused and changes nothing.

The base is a real export of a small demo database. Each case (``json_mutations``) is
imported with ``--replace`` semantics into a copy of a database that holds data; a
refusal must be an :class:`ImportFormatError` (or another of Followup's own errors, with
a message) and leave the database file byte-identical; an import must bring in every
row of the file. The counts per class are written to the log of the test run.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from followup_desktop.cli import main
from followup_desktop.core.db import open_database
from followup_desktop.core.demo import populate_demo
from followup_desktop.core.errors import FollowupError
from followup_desktop.core.exchange import export_database, table_counts
from followup_desktop.core.services.standalone import import_database
from json_mutations import cases

CASES = 480
NOW_SEED = 7


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("fuzz")
    source = folder / "source.sqlite3"
    db = open_database(source)
    populate_demo(db, 4, seed=NOW_SEED)
    export = folder / "export.json"
    export_database(db, export)
    db.close()
    target = folder / "target.sqlite3"
    db = open_database(target)
    populate_demo(db, 2, seed=NOW_SEED + 1)
    db.close()  # checkpointed: the file alone holds the data
    return target, json.loads(export.read_text(encoding="utf-8"))


def test_mutated_exports_import_fully_or_change_nothing(
    baseline: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    target, document = baseline
    tried: Counter[str] = Counter()
    held: Counter[str] = Counter()
    imported: Counter[str] = Counter()
    failures: list[str] = []
    for number, case in enumerate(cases(document, CASES)):
        tried[case.kind] += 1
        database = tmp_path / f"case-{number}.sqlite3"
        shutil.copyfile(target, database)
        before = digest(database)
        source = tmp_path / f"case-{number}.json"
        source.write_bytes(case.payload)
        db = open_database(database)
        try:
            result = import_database(db, source, replace=True)
        except FollowupError as error:
            message = str(error)
            db.close()
            if not message or "Traceback" in message or digest(database) != before:
                failures.append(f"#{number} {case.kind}: {case.description}: changed or mute")
            else:
                held[case.kind] += 1
        except Exception as error:  # counting what escaped is the point
            db.close()
            failures.append(f"#{number} {case.kind}: {case.description}: {error!r}")
        else:
            counts = table_counts(db)
            db.close()
            # Every row of the file came in; the import then plans, which may add or
            # close actions, so that table is compared with what the import reported.
            tables = {
                table: len(rows)
                for table, rows in json.loads(case.payload).items()
                if isinstance(rows, list)
            }
            if any(result.counts[table] != rows for table, rows in tables.items()) or any(
                counts[table] != rows for table, rows in tables.items() if table != "actions"
            ):
                failures.append(f"#{number} {case.kind}: {case.description}: partial import")
            else:
                held[case.kind] += 1
                imported[case.kind] += 1
        database.unlink()
        for leftover in tmp_path.glob(f"case-{number}.sqlite3*"):
            leftover.unlink()
        shutil.rmtree(tmp_path / "followup-backups", ignore_errors=True)
        source.unlink()
    summary = ", ".join(
        f"{kind}: {tried[kind]} tried / {held[kind]} held ({imported[kind]} imported)"
        for kind in sorted(tried)
    )
    logging.getLogger(__name__).info("import fuzz: %s", summary)
    assert sum(tried.values()) == CASES
    assert not failures, "\n".join(failures[:20])
    # The valid changes all imported; of the hostile classes most were refused (some
    # mutations land on a value that is still valid, such as a 201-character note).
    assert imported["valid change"] == tried["valid change"]
    for kind in ("NUL", "bad setting", "dangling reference", "delete key", "deep nesting"):
        assert imported[kind] == 0, kind


def test_the_command_line_refuses_mutated_files_with_a_sentence(
    baseline: tuple[Path, dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target, document = baseline
    database = tmp_path / "cli.sqlite3"
    shutil.copyfile(target, database)
    before = digest(database)
    for number, case in enumerate(cases(document, 60, seed=99)):
        if case.kind == "valid change":
            continue
        source = tmp_path / f"cli-{number}.json"
        source.write_bytes(case.payload)
        code = main(["--db", str(database), "import", str(source), "--replace"])
        err = capsys.readouterr().err
        assert code in {0, 2}, (case.description, err)
        assert "Traceback" not in err
        if code == 2:
            assert err.startswith("followup-desktop: ")
            assert digest(database) == before, case.description
        else:
            before = digest(database)
