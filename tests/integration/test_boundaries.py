"""The core stays Qt-free: checked by import-linter and by importing it in a clean process."""

from __future__ import annotations

import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import followup_desktop.core

ROOT = Path(__file__).resolve().parents[2]


def test_importing_every_core_module_loads_no_qt() -> None:
    modules = [
        info.name
        for info in pkgutil.walk_packages(followup_desktop.core.__path__, "followup_desktop.core.")
        if ".migrations" not in info.name
    ]
    assert "followup_desktop.core.services" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_linter_contract_holds() -> None:
    lint_imports = shutil.which("lint-imports") or str(
        Path(sys.executable).with_name("lint-imports")
    )
    result = subprocess.run([lint_imports], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "KEPT" in result.stdout


GUI = ROOT / "src" / "followup_desktop" / "gui"
# What only storage code may name: a session or engine of the database, or the
# exception classes of SQLAlchemy and the driver.
STORAGE_ATTRIBUTES = frozenset({"session", "sessions", "engine"})
# (``DatabaseError`` is left out: the core's own, in core.errors, is the family's parent.)
STORAGE_ERRORS = frozenset({"SQLAlchemyError", "OperationalError", "DBAPIError", "IntegrityError"})


def _storage_uses(path: Path) -> list[str]:
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in STORAGE_ATTRIBUTES
        ):
            found.append(f"{path.name}:{node.lineno} calls .{node.func.attr}()")
        elif isinstance(node, ast.ExceptHandler) and node.type is not None:
            names = {
                item.attr if isinstance(item, ast.Attribute) else getattr(item, "id", "")
                for item in ast.walk(node.type)
                if isinstance(item, ast.Attribute | ast.Name)
            }
            if names & STORAGE_ERRORS or ("sqlite3" in names and "Error" in names):
                found.append(f"{path.name}:{node.lineno} catches a driver or SQLAlchemy error")
    return found


def test_the_gui_opens_no_session_and_catches_only_the_cores_storage_errors() -> None:
    uses = [use for path in sorted(GUI.rglob("*.py")) for use in _storage_uses(path)]
    assert uses == []


def test_the_storage_check_sees_a_session_and_a_driver_error(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import sqlite3\n"
        "def f(service):\n"
        "    with service.db.session() as s:\n"
        "        pass\n"
        "    try:\n"
        "        pass\n"
        "    except sqlite3.Error:\n"
        "        pass\n"
        "    except OperationalError:\n"
        "        pass\n",
        encoding="utf-8",
    )
    assert len(_storage_uses(sample)) == 3
