"""The proof-of-search PDF's own word wrap: lines fit their column, nothing is lost, each
stage-history entry starts a line of its own, and text beyond Latin survives the faster
unshaped drawing.

The PDF is written by our own writer (:mod:`followup_desktop.gui.pdf_file`), with Qt's
engine kept for fonts it cannot embed: the two are checked against each other, page by
page, as text (pdftotext) and as pictures (pdftoppm)."""

from __future__ import annotations

import subprocess
import unicodedata
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtGui import QFont, QFontDatabase, QFontMetricsF, QGuiApplication, QPdfWriter
from PySide6.QtWidgets import QApplication

from conftest import require_tools
from followup_desktop.core.imports.proof import ProofLog, ProofRow
from followup_desktop.gui import pdf_file
from followup_desktop.gui.proof_pdf import (
    RESOLUTION,
    _fonts,
    _Layout,
    _Wrapper,
    _write_with_qt,
    day_text,
    ensure_gui_application,
    page_layout,
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


# Names as people type them: Polish, Danish, Greek, Cyrillic, a combining mark and a
# soft hyphen pasted from a web page (both drawn through Qt's layout, not the character
# map: the hyphen shows only where a line breaks), and right-to-left scripts.
NAMES = (
    "Łódź Café Ærø",
    "Software\u00adentwicklung AG",
    "Zażółć gęślą jaźń",
    "Ελληνικά Λύσεις",
    "Жёлтый Дом",
    "Zoe\u0308 Studio",
    "شركة النور",
    "שלום בע״מ",
)


def _readable(name: str) -> str:
    """``name`` as a reader gives it back: composed, without its soft hyphens."""
    return unicodedata.normalize("NFC", name).replace("\u00ad", "")


def _text(path: Path, *options: str) -> str:
    return subprocess.run(
        ["pdftotext", *options, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _produced_by_qt(path: Path) -> bool:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return "Qt" in next(line for line in info.stdout.splitlines() if line.startswith("Producer"))


def test_names_beyond_latin_are_written(tmp_path: Path) -> None:
    require_tools("pdftotext", "pdffonts", "pdfinfo")
    assert _fonts().body.styleStrategy() & QFont.StyleStrategy.PreferNoShaping
    rows = tuple(
        _row(index, ((date(2026, 3, 2), "Applied"),), employer=name)
        for index, name in enumerate(NAMES, start=1)
    )
    log = ProofLog(date(2026, 3, 1), date(2026, 3, 31), date(2026, 4, 1), rows)
    path = tmp_path / "names.pdf"
    write_proof_pdf(log, path)
    assert not _produced_by_qt(path)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert "Title:           Proof of job search, March 1, 2026 to March 31, 2026" in info.stdout
    text = unicodedata.normalize("NFC", _text(path))
    for name in NAMES:
        assert _readable(name) in text, name
    # Every font is embedded as a subset, with a map back to the text.
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    listed = fonts.stdout.splitlines()[2:]
    assert listed
    for line in listed:
        name, *_middle, embedded, subset, unicode, _number, _generation = line.split()
        assert "+" in name and (embedded, subset, unicode) == ("yes", "yes", "yes"), line


def _busy_log(count: int) -> ProofLog:
    """Rows of every shape: long contacts that wrap, long histories, names beyond Latin."""
    start = date(2026, 1, 5)
    rows = []
    for index in range(count):
        day = start + timedelta(days=index % 60)
        history = tuple(
            (day + timedelta(days=7 * step), stage)
            for step, stage in enumerate(("Applied", "Screening", "Interviewing", "Offer"))
        )[: 1 + index % 4]
        rows.append(
            ProofRow(
                index,
                day,
                f"Employer {index:03d} {NAMES[index % len(NAMES)]}",
                (
                    f"Julia Kaur, Recruiting Coordinator (julia.kaur{index}@example.com, "
                    "+49 30 1234567); Hybrid — Amsterdam, Netherlands"
                    if index % 3
                    else ""
                ),
                # Glyph numbers that are "(", ")", "\\", CR and LF as bytes (E, F, y,
                # * and ' in DejaVu Sans) must be escaped in the PDF's strings.
                "Senior Platform Engineer, Developer Experience" if index % 2 else "QA *O'Fay*",
                "Online (LinkedIn)",
                history,
                "Open: Applied" if index % 5 else "Rejected (06 Jul 2026)",
                "",
            )
        )
    return ProofLog(date(2026, 1, 1), date(2026, 12, 31), date(2027, 1, 1), tuple(rows))


def _grey_pages(path: Path, folder: Path) -> list[bytes]:
    """Each page as 50 dpi grey pixels (the PGM's pixel bytes)."""
    subprocess.run(
        ["pdftoppm", "-gray", "-r", "50", str(path), str(folder / path.stem)],
        check=True,
        capture_output=True,
    )
    pages = []
    for picture in sorted(folder.glob(f"{path.stem}-*.pgm")):
        data = picture.read_bytes()
        # "P5\n<width> <height>\n255\n" then the pixels.
        _magic, _size, _depth, pixels = data.split(b"\n", 3)
        pages.append(pixels)
    return pages


def test_our_writer_draws_what_qt_draws_and_loses_no_row(tmp_path: Path) -> None:
    require_tools("pdftotext", "pdftoppm", "pdfinfo")
    log = _busy_log(90)
    ours, theirs = tmp_path / "ours.pdf", tmp_path / "theirs.pdf"
    pages = write_proof_pdf(log, ours, name="Ana Łukasiewicz", reference="123D456")
    assert _write_with_qt(log, theirs, "Ana Łukasiewicz", "123D456") == pages
    assert pages >= 5
    assert not _produced_by_qt(ours) and _produced_by_qt(theirs)
    text = unicodedata.normalize("NFC", _text(ours))
    # Every row exactly once, across every page break; the header on every page.
    # (Counted by number: pdftotext reorders a line mixing left-to-right and
    # right-to-left text.)
    for row in log.rows:
        assert text.count(f"Employer {row.opportunity_id:03d}") == 1, row.employer
    sheets = text.split("\f")
    assert all("Result so far" in sheet for sheet in sheets if "Employer " in sheet)
    assert f"page {pages} of {pages}" in text
    assert "Date, signature:" in text and "Name: Ana Łukasiewicz" in text
    # The same words as Qt's engine writes, page by page (order within a page may
    # differ: pdftotext guesses reading order from positions).
    their_sheets = unicodedata.normalize("NFC", _text(theirs)).split("\f")
    assert [Counter(sheet.split()) for sheet in sheets] == [
        Counter(sheet.split()) for sheet in their_sheets
    ]
    # And the same picture: a glyph, an accent, a rule or a shaded row missing or moved
    # changes a hundred pixels or more (accents lost from the font subset: 130 to 170 a
    # page); the two differ only in anti-aliasing, which this threshold ignores.
    mine, qt = _grey_pages(ours, tmp_path), _grey_pages(theirs, tmp_path)
    assert len(mine) == len(qt) == pages
    for number, (left, right) in enumerate(zip(mine, qt, strict=True), start=1):
        assert len(left) == len(right)
        dark = sum(1 for value in left if value < 128)
        assert dark > 2000, f"page {number} is nearly blank"
        apart = sum(1 for a, b in zip(left, right, strict=True) if abs(a - b) > 96)
        assert apart < dark * 0.002, f"page {number}: {apart} pixels differ of {dark} drawn"


def _family_without_bold() -> str:
    aliases = {"Sans Serif", "Serif", "Monospace"}  # fontconfig's names for other families
    for family in QFontDatabase.families():
        styles = QFontDatabase.styles(family)
        if (
            family not in aliases
            and styles
            and not any(QFontDatabase.bold(family, style) for style in styles)
        ):
            return family
    raise AssertionError("this test needs an installed font family without a bold face")


@pytest.fixture
def font_without_bold() -> Iterator[str]:
    """The application's font set to a family Qt has to embolden itself."""
    app = QGuiApplication.instance()
    assert isinstance(app, QGuiApplication)
    before = app.font()
    family = _family_without_bold()
    app.setFont(QFont(family))
    try:
        yield family
    finally:
        app.setFont(before)


def test_a_font_our_writer_cannot_embed_is_left_to_qt(
    tmp_path: Path, font_without_bold: str
) -> None:
    require_tools("pdftotext", "pdfinfo")
    # Bold this font would be synthesised: our writer refuses it before writing a byte.
    bold = QFont(font_without_bold)
    bold.setBold(True)
    document = pdf_file.PdfDocument(
        page_layout(),
        RESOLUTION,
        title="t",
        creator="c",
    )
    with pytest.raises(pdf_file.UnsupportedFontError, match="bold"):
        document.text_font(bold, _device(tmp_path))
    # So the log is written by Qt's engine, whole.
    log = _busy_log(12)
    path = tmp_path / "fallback.pdf"
    write_proof_pdf(log, path)
    assert _produced_by_qt(path)
    text = unicodedata.normalize("NFC", _text(path))
    for row in log.rows:
        assert text.count(f"Employer {row.opportunity_id:03d}") == 1, row.employer


def test_glyph_strings_escape_what_a_pdf_reader_would_misread() -> None:
    # Glyphs 13 and 10 are CR and LF as bytes: a reader takes a bare end of line in a
    # string for a line feed (poppler does not, so the pictures above cannot tell).
    assert pdf_file._literal("000D000A00280029005C0041") == (
        "\x00\\r\x00\\n\x00\\(\x00\\)\x00\\\\\x00A"
    )
