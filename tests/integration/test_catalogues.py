"""Every sentence of the code is translated into German and French, and the compiled
catalogues are those of the .po files (scripts/i18n check, run as a test)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "scripts" / "i18n_tool.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["i18n_tool"] = module
    spec.loader.exec_module(module)
    return module


def test_every_sentence_is_translated_and_compiled() -> None:
    problems = _tool().problems()
    assert not problems, (
        "\n".join(problems[:60]) + f"\n({len(problems)} in all: scripts/i18n check)"
    )


def test_the_check_finds_a_sentence_without_translation(tmp_path: Path) -> None:
    tool = _tool()
    source = tmp_path / "sample.py"
    source.write_text(
        "from followup_desktop.core.i18n import _\n"
        "x = _('Nothing is due today')\n"
        "y = _(f'Due {x}')\n"
        "for _ in range(2):\n    pass\n",
        encoding="utf-8",
    )
    found = tool.extract([source])
    assert ("Nothing is due today", None) in found
    bad = tool.non_literal_calls([source])
    assert any("non-literal" in line for line in bad)
    assert any("assigns to _" in line for line in bad)


def test_placeholders_must_match() -> None:
    tool = _tool()
    assert tool.placeholders("Send a thank-you to {person} by {day:%a}") == {"person", "day"}
    assert tool.placeholders("{{literal}} braces") == set()
