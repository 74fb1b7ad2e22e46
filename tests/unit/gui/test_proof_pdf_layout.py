"""The proof-of-search PDF's own word wrap: lines fit their column, nothing is lost, each
stage-history entry starts a line of its own, and text beyond Latin survives the faster
unshaped drawing."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtGui import QFont, QFontMetricsF, QPdfWriter
from PySide6.QtWidgets import QApplication

from conftest import require_tools
from followup_desktop.core.imports.proof import ProofLog, ProofRow
from followup_desktop.gui.proof_pdf import (
    RESOLUTION,
    _fonts,
    _Layout,
    _Wrapper,
    day_text,
    ensure_gui_application,
    write_proof_pdf,
)


@pytest.fixture(autouse=True)
def _widgets_app(qapp: QApplication) -> None:
    """pytest-qt's QApplication first: the PDF code would otherwise start a bare
    QGuiApplication, and the widget tests after these in the process could not run."""


def _device(tmp_path: Path) -> QPdfWriter:
    ensure_gui_application()
    pdf = QPdfWriter(str(tmp_path / "measure.pdf"))
    pdf.setResolution(RESOLUTION)
    return pdf


def _row(index: int, history: tuple[tuple[date, str], ...], employer: str = "") -> ProofRow:
    return ProofRow(
        index,
        date(2026, 3, 2),
        employer or f"Employer {index}",
        "",
        "Engineer",
        "Online",
        history,
        "Open: Applied",
        "",
    )


def test_wrapped_lines_fit_their_column_and_keep_every_character(tmp_path: Path) -> None:
    pdf = _device(tmp_path)
    font = _fonts().body
    wrapper = _Wrapper(font, pdf)
    metrics = QFontMetricsF(font, pdf)
    width = metrics.horizontalAdvance("Recruiting Coordinator")
    text = (
        "Julia  Kaur, Recruiting Coordinator (julia.kaur@averyveryveryverylongdomainname"
        ".example, +1 555-0109); Berlin, Germany"
    )
    lines = wrapper.lines(text, width)
    assert len(lines) > 3
    assert all(metrics.horizontalAdvance(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    # Asked again, the same answer (from the cache), and a short text stays on one line
    # with its runs of spaces made single.
    assert wrapper.lines(text, width) == lines
    assert wrapper.lines("Principal   Engineer", width * 3) == ("Principal Engineer",)
    assert wrapper.lines("   ", width) == ()


def test_each_history_entry_starts_its_own_line(tmp_path: Path) -> None:
    pdf = _device(tmp_path)
    layout = _Layout(float(pdf.width()), _fonts(), pdf)
    long_stage = "Second interview with the whole engineering leadership team on site"
    history = (
        (date(2026, 3, 2), "Applied"),
        (date(2026, 3, 9), long_stage),
        (date(2026, 3, 16), "Offer"),
    )
    first = layout.cells(1, _row(1, history))[5][0][1]
    second = layout.cells(2, _row(2, history[1:]))[5][0][1]
    assert first[0] == f"{day_text(date(2026, 3, 2))} Applied"  # spaces made single
    assert first[1].startswith(day_text(date(2026, 3, 9)))
    assert len(first) > 3  # the long stage wrapped within its entry
    assert first[-1].startswith(day_text(date(2026, 3, 16)))
    # The same entry in another row is laid out the same way.
    assert second == first[1:]


def test_names_beyond_latin_are_written(tmp_path: Path) -> None:
    require_tools("pdftotext")
    assert _fonts().body.styleStrategy() & QFont.StyleStrategy.PreferNoShaping
    rows = (
        _row(1, ((date(2026, 3, 2), "Applied"),), employer="Łódź Café Ærø"),
        _row(2, ((date(2026, 3, 2), "Applied"),), employer="Ελληνικά Λύσεις"),
    )
    log = ProofLog(date(2026, 3, 1), date(2026, 3, 31), date(2026, 4, 1), rows)
    path = tmp_path / "names.pdf"
    write_proof_pdf(log, path)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Łódź Café Ærø" in text
    assert "Ελληνικά Λύσεις" in text
