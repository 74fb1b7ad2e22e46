"""The proof-of-search log as a printable PDF or on a printer.

The core gives the rows (:mod:`followup_desktop.core.imports.proof`); this face lays
them out as a form: a title block with the period and blank lines for the person's
name and reference number, one table row per application with the columns job centres
ask for, the header repeated on every page, page numbers, and a declaration with a
line to sign at the end.

Laid out explicitly (our own word wrap on Qt's font metrics) rather than through a
rich-text document: the log of a busy year holds thousands of rows, and every piece of
user text is drawn as plain text, never as markup. The layout draws on a canvas: for a
PDF file, :mod:`followup_desktop.gui.pdf_file` (9,495 applications, 902 pages, in
about half the CPU time Qt's PDF engine takes); for a printer, and for a font that
writer cannot embed, QPainter. The command line calls this too, on an offscreen Qt
platform.
"""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache, partial
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QPointF, QRectF
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
)

from followup_desktop import APP_NAME
from followup_desktop.core import localformat
from followup_desktop.core.files import atomic_path
from followup_desktop.core.i18n import _, formatting_locale
from followup_desktop.core.imports.proof import ProofLog, ProofRow
from followup_desktop.gui import pdf_file

logger = logging.getLogger(__name__)

RESOLUTION = 300


# The columns and their shares of the width; a function, so the captions are in the
# language spoken when the form is drawn.
def columns() -> tuple[tuple[str, float], ...]:
    """The form's columns: caption and share of the page's width."""
    return (
        (_("No."), 0.04),
        (_("Date applied"), 0.085),
        (_("Employer and contact or address"), 0.225),
        (_("Position"), 0.165),
        (_("How applied"), 0.11),
        (_("Stage history"), 0.225),
        (_("Result so far"), 0.15),
    )


_LONGEST_CELL = 600  # characters: a note pasted into a field must not fill a page


def ensure_gui_application() -> QGuiApplication:
    """The running Qt application, or an offscreen one for the command line."""
    app = QGuiApplication.instance()
    if app is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication([APP_NAME])
    assert isinstance(app, QGuiApplication)
    return app


@dataclass
class _Fonts:
    title: QFont
    label: QFont
    body: QFont
    bold: QFont
    small: QFont


def _fonts() -> _Fonts:
    def font(points: float, bold: bool = False) -> QFont:
        value = QFont()
        value.setPointSizeF(points)
        value.setBold(bold)
        # Latin text drawn without the full shaping pass (kerning, optional ligatures):
        # a year's log is two million glyphs, and shaping was a fifth of the drawing.
        # Scripts that need shaping to be legible are still shaped.
        value.setStyleStrategy(QFont.StyleStrategy.PreferNoShaping)
        return value

    return _Fonts(font(15, True), font(9.5), font(8.5), font(8.5, True), font(7.5))


@cache
def _day_in(day: date, locale: str) -> str:
    return localformat.short_date(day, locale=locale)


def day_text(day: date) -> str:
    """A date in a table cell, the locale's short way ("02.12.26", "12/2/26").

    Cached: a year's log writes the same few hundred days tens of thousands of times.
    """
    return _day_in(day, formatting_locale())


def period_text(log: ProofLog) -> str:
    """The log's period in words ("2. Dezember 2026 bis 31. Dezember 2026")."""
    return _("{start} to {end}").format(
        start=localformat.long_date(log.start), end=localformat.long_date(log.end)
    )


def _clip(text: str) -> str:
    text = " ".join(text.split()) if "\n" in text else text
    return text if len(text) <= _LONGEST_CELL else text[: _LONGEST_CELL - 1] + "…"


class _Wrapper:
    """Greedy word wrap in one font, each word measured once.

    A year's log is tens of thousands of cells made of the same few hundred words;
    Qt's own wrapping lays every cell out twice (to measure, then to draw), which made
    a 10,000-application log take many seconds. Lines are drawn one by one instead.
    """

    def __init__(self, font: QFont, device: QPagedPaintDevice) -> None:
        self.font = font
        self.metrics = QFontMetricsF(font, device)
        self.space = self.metrics.horizontalAdvance(" ")
        self.line = self.metrics.lineSpacing()
        self.ascent = self.metrics.ascent()
        self._widths: dict[str, float] = {}
        self._lines: dict[tuple[str, float], tuple[str, ...]] = {}

    def _width(self, word: str) -> float:
        found = self._widths.get(word)
        if found is None:
            found = self._widths[word] = self.metrics.horizontalAdvance(word)
        return found

    def _pieces(self, word: str, width: float) -> list[str]:
        """A word wider than the column (a long address), cut where it must be."""
        pieces, current = [], ""
        for character in word:
            if current and self.metrics.horizontalAdvance(current + character) > width:
                pieces.append(current)
                current = ""
            current += character
        return [*pieces, current]

    def lines(self, text: str, width: float) -> tuple[str, ...]:
        """``text`` broken into lines no wider than ``width``."""
        if "\n" in text:
            # Paragraphs wrap independently, each cached on its own: a row's history is
            # unique as a whole but made of the same "day  stage" lines as every other.
            return tuple(
                line for paragraph in text.split("\n") for line in self.lines(paragraph, width)
            )
        key = (text, width)
        found = self._lines.get(key)
        if found is not None:
            return found
        words = text.split()
        widths, space = self._widths, self.space
        advances = []
        for word in words:
            advance = widths.get(word)
            advances.append(self._width(word) if advance is None else advance)
        lines: list[str] = []
        current: list[str] = []
        used = 0.0
        for whole, whole_advance in zip(words, advances, strict=True):
            pieces = (
                [(piece, self._width(piece)) for piece in self._pieces(whole, width)]
                if whole_advance > width
                else ((whole, whole_advance),)
            )
            for word, advance in pieces:
                if current and used + space + advance > width:
                    lines.append(" ".join(current))
                    current, used = [word], advance
                elif current:
                    current.append(word)
                    used = used + space + advance
                else:
                    current, used = [word], advance
        if current:
            lines.append(" ".join(current))
        result = self._lines[key] = tuple(lines)
        return result


# A cell's text: (wrapper, lines) pieces drawn one under the other.
_Cell = list[tuple[_Wrapper, tuple[str, ...]]]
# A row's lines in one font: (x, baseline below the row's top, line).
_Placed = list[tuple[float, float, str]]


class _Layout:
    """Column positions, and each row's cells broken into lines."""

    def __init__(self, width: float, fonts: _Fonts, device: QPagedPaintDevice) -> None:
        self.pad = RESOLUTION * 0.035  # about 0.9 mm
        self.x: list[float] = []
        self.w: list[float] = []
        left = 0.0
        for _caption, share in columns():
            self.x.append(left)
            self.w.append(width * share)
            left += width * share
        self.width = width
        self.body = _Wrapper(fonts.body, device)
        self.bold = _Wrapper(fonts.bold, device)
        self.inner = [column - 2 * self.pad for column in self.w]
        # One history entry ("day  stage") wrapped to its column, by (day, stage): a
        # year's rows repeat the same few thousand entries.
        self._entries: dict[tuple[date, str], tuple[str, ...]] = {}

    def _history(self, history: Sequence[tuple[date, str]]) -> tuple[str, ...]:
        """The stage history, one entry under the other, each wrapped on its own."""
        entries = self._entries
        lines: list[str] = []
        for entry in history:
            found = entries.get(entry)
            if found is None:
                day, stage = entry
                found = entries[entry] = self.body.lines(
                    f"{day_text(day)}  {_clip(stage)}", self.inner[5]
                )
            lines.extend(found)
        return tuple(lines)

    def cells(self, number: int, row: ProofRow) -> list[_Cell]:
        """The row's cells, wrapped to their columns."""
        inner = self.inner
        body, bold = self.body, self.bold
        employer: _Cell = [(bold, bold.lines(_clip(row.employer), inner[2]))]
        if row.contact:
            employer.append((body, body.lines(_clip(row.contact), inner[2])))
        return [
            [(body, (str(number),))],
            [(body, (day_text(row.applied_on),))],
            employer,
            [(body, body.lines(_clip(row.position), inner[3]))],
            [(body, body.lines(_clip(row.method), inner[4]))],
            [(body, self._history(row.history))],
            [(body, body.lines(_clip(row.result), inner[6]))],
        ]

    def height(self, cells: list[_Cell]) -> float:
        """How tall a row of ``cells`` is."""
        tallest = max(sum(len(lines) * font.line for font, lines in cell) for cell in cells)
        return tallest + 2 * self.pad

    def placed(self, cells: list[_Cell]) -> tuple[_Placed, _Placed]:
        """Where each line of a row goes, in bold and in body text: (x, baseline below
        the row's top, line)."""
        bold: _Placed = []
        body: _Placed = []
        pad = self.pad
        for column, cell in enumerate(cells):
            x = self.x[column] + pad
            line_y = pad
            for font, lines in cell:
                into = bold if font is self.bold else body
                baseline = line_y + font.ascent
                for line in lines:
                    into.append((x, baseline, line))
                    baseline += font.line
                line_y += len(lines) * font.line
        return bold, body


def page_layout() -> QPageLayout:
    """A4 landscape with margins a printer can reach."""
    return QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4),
        QPageLayout.Orientation.Landscape,
        QMarginsF(12, 12, 12, 14),
        QPageLayout.Unit.Millimeter,
    )


class _Canvas(Protocol):
    """What the form is drawn on: a QPainter (printers, and fonts the PDF writer cannot
    embed) or :class:`~followup_desktop.gui.pdf_file.PdfDocument`."""

    def text(self, wrapper: _Wrapper, x: float, baseline: float, line: str) -> None: ...

    def writer(self, wrapper: _Wrapper) -> Callable[[float, float, str], None]:
        """``text`` in one font, for many lines with nothing else drawn between them."""
        ...

    def fill(self, rect: QRectF, colour: str) -> None: ...

    def line(self, x1: int, y1: int, x2: int, y2: int, *, colour: str, width: float) -> None: ...

    def new_page(self) -> None: ...


class _PainterCanvas:
    """The form drawn with QPainter."""

    def __init__(self, painter: QPainter, device: QPagedPaintDevice) -> None:
        self._painter = painter
        self._device = device
        self._font: QFont | None = None
        self._pen: tuple[str, float] = ("", 0.0)

    def _set_pen(self, colour: str, width: float) -> None:
        if self._pen != (colour, width):
            self._painter.setPen(QPen(QColor(colour), width))
            self._pen = (colour, width)

    def _use(self, wrapper: _Wrapper) -> None:
        if wrapper.font is not self._font:
            self._painter.setFont(wrapper.font)
            self._font = wrapper.font
        self._set_pen(_INK, 1)

    def text(self, wrapper: _Wrapper, x: float, baseline: float, line: str) -> None:
        self._use(wrapper)
        self._painter.drawText(QPointF(x, baseline), line)

    def writer(self, wrapper: _Wrapper) -> Callable[[float, float, str], None]:
        self._use(wrapper)
        draw = self._painter.drawText

        def write(x: float, baseline: float, line: str) -> None:
            draw(QPointF(x, baseline), line)

        return write

    def fill(self, rect: QRectF, colour: str) -> None:
        self._painter.fillRect(rect, QColor(colour))

    def line(self, x1: int, y1: int, x2: int, y2: int, *, colour: str, width: float) -> None:
        self._set_pen(colour, width)
        self._painter.drawLine(x1, y1, x2, y2)

    def new_page(self) -> None:
        self._device.newPage()


def _rgb(colour: str) -> pdf_file.Colour:
    value = QColor(colour)
    return (value.redF(), value.greenF(), value.blueF())


class _FileCanvas:
    """The form drawn by our own PDF writer (see :mod:`followup_desktop.gui.pdf_file`)."""

    def __init__(self, document: pdf_file.PdfDocument, device: QPagedPaintDevice) -> None:
        self._document = document
        self._device = device
        self._fonts: dict[int, pdf_file.TextFont] = {}
        self._colours: dict[str, pdf_file.Colour] = {}

    def _colour(self, colour: str) -> pdf_file.Colour:
        found = self._colours.get(colour)
        if found is None:
            found = self._colours[colour] = _rgb(colour)
        return found

    def _font(self, wrapper: _Wrapper) -> pdf_file.TextFont:
        font = self._fonts.get(id(wrapper))
        if font is None:
            font = self._fonts[id(wrapper)] = self._document.text_font(wrapper.font, self._device)
        return font

    def text(self, wrapper: _Wrapper, x: float, baseline: float, line: str) -> None:
        self._document.text(self._font(wrapper), x, baseline, line)

    def writer(self, wrapper: _Wrapper) -> Callable[[float, float, str], None]:
        return partial(self._document.text, self._font(wrapper))

    def fill(self, rect: QRectF, colour: str) -> None:
        self._document.fill(rect.x(), rect.y(), rect.width(), rect.height(), self._colour(colour))

    def line(self, x1: int, y1: int, x2: int, y2: int, *, colour: str, width: float) -> None:
        self._document.line(x1, y1, x2, y2, colour=self._colour(colour), width=width)

    def new_page(self) -> None:
        self._document.new_page()


_INK = "#000000"
_RULE = "#b8c0c8"


class _Writer:
    """Lays the log out on a paged device (a PDF file or a printer) and draws it."""

    def __init__(self, log: ProofLog, device: QPagedPaintDevice, name: str, reference: str) -> None:
        self.log = log
        self.name = name
        self.reference = reference
        self.pdf = device
        self.fonts = _fonts()
        self.page_width = float(self.pdf.width())
        self.page_height = float(self.pdf.height())
        self.layout = _Layout(self.page_width, self.fonts, self.pdf)
        self.title_font = _Wrapper(self.fonts.title, device)
        self.label = _Wrapper(self.fonts.label, device)
        self.small = _Wrapper(self.fonts.small, device)
        self.line = self._metrics(self.fonts.body).height()
        # Worked out once: every page has the header and the footer, and the period in
        # words is two locale date formats.
        self.captions = tuple(caption for caption, _share in columns())
        self.period = period_text(log)
        self.header_height = self._header_height()

    def _metrics(self, font: QFont) -> QFontMetricsF:
        return QFontMetricsF(font, self.pdf)

    # -- pagination ----------------------------------------------------------------------

    def _header_height(self) -> float:
        # A caption may wrap (German and French ones run longer): the row grows to fit.
        bold, pad = self.layout.bold, self.layout.pad
        tallest = max(
            len(bold.lines(caption, self.layout.w[index] - 2 * pad))
            for index, caption in enumerate(self.captions)
        )
        return max(self.line * 1.6, tallest * bold.line + 2 * pad)

    def _title_height(self) -> float:
        return self._metrics(self.fonts.title).height() + self.line * 5.2

    def _paginate(self, heights: Sequence[float]) -> list[list[int]]:
        pages: list[list[int]] = [[]]
        top = self._title_height() + self.header_height
        bottom = self.page_height - self.line * 1.5
        y = top
        for index, height in enumerate(heights):
            if y + height > bottom and pages[-1]:
                pages.append([])
                y = self.header_height
            pages[-1].append(index)
            y += height
        return pages

    # -- drawing -------------------------------------------------------------------------

    def _box(
        self,
        canvas: _Canvas,
        wrapper: _Wrapper,
        rect: QRectF,
        text: str,
        *,
        right: bool = False,
    ) -> None:
        """``text`` wrapped to the width of ``rect`` from its top (or set flush right)."""
        # Text that fits is set as written (the summary's runs of spaces stay).
        fits = "\n" not in text and wrapper.metrics.horizontalAdvance(text) <= rect.width()
        lines = (text,) if fits else wrapper.lines(text, rect.width())
        for index, line in enumerate(lines):
            x = rect.right() - wrapper.metrics.horizontalAdvance(line) if right else rect.x()
            canvas.text(wrapper, x, rect.y() + wrapper.ascent + index * wrapper.line, line)

    def _title(self, canvas: _Canvas) -> float:
        title_height = self._metrics(self.fonts.title).height()
        self._box(
            canvas,
            self.title_font,
            QRectF(0, 0, self.page_width, title_height),
            _("Proof of job search: applications"),
        )
        y = title_height + self.line * 0.6
        fields = (
            (_("Name"), self.name),
            (_("Customer or reference number"), self.reference),
        )
        half = self.page_width / 2
        for column, (caption, value) in enumerate(fields):
            x = column * half
            text = (
                _("{caption}: {value}").format(caption=caption, value=value)
                if value
                else _("{caption}:").format(caption=caption)
            )
            self._box(canvas, self.label, QRectF(x, y, half - self.line, self.line * 1.4), text)
            if not value:
                offset = self.label.metrics.horizontalAdvance(text) + self.line * 0.3
                base = int(y + self.line * 1.05)
                canvas.line(
                    int(x + offset), base, int(x + half - self.line * 2), base, colour=_INK, width=1
                )
        y += self.line * 1.8
        count = len(self.log.rows)
        summary = "   ".join(
            (
                _("Period: {period}.").format(period=self.period),
                _("Applications in this period: {count}.").format(count=localformat.number(count)),
                _("Made on {day} with {app}.").format(
                    day=localformat.long_date(self.log.made_on), app=APP_NAME
                ),
            )
        )
        self._box(canvas, self.label, QRectF(0, y, self.page_width, self.line * 1.4), summary)
        return self._title_height()

    def _table_header(self, canvas: _Canvas, y: float) -> float:
        height = self.header_height
        canvas.fill(QRectF(0, y, self.page_width, height), "#dde3ea")
        pad = self.layout.pad
        for index, caption in enumerate(self.captions):
            self._box(
                canvas,
                self.layout.bold,
                QRectF(self.layout.x[index] + pad, y + pad, self.layout.w[index] - 2 * pad, height),
                caption,
            )
        base = int(y + height)
        canvas.line(0, base, int(self.page_width), base, colour="#555555", width=2)
        return y + height

    def _rows(
        self,
        canvas: _Canvas,
        y: float,
        rows: Sequence[tuple[int, tuple[_Placed, _Placed], float]],
    ) -> float:
        """Draw a page's rows from ``y``: shading and rules first, then the text one font
        at a time (changing fonts is costly in a PDF)."""
        layout = self.layout
        top = y
        right = int(self.page_width)
        for number, _cells, height in rows:
            if number % 2 == 0:
                canvas.fill(QRectF(0, y, self.page_width, height), "#f3f5f7")
            canvas.line(0, int(y + height), right, int(y + height), colour=_RULE, width=1)
            y += height
        for index, wrapper in enumerate((layout.bold, layout.body)):
            text = canvas.writer(wrapper)
            y = top
            for _number, placed, height in rows:
                for x, baseline, line in placed[index]:
                    text(x, y + baseline, line)
                y += height
        return y

    def _footer(self, canvas: _Canvas, page: int, pages: int) -> None:
        self._box(
            canvas,
            self.small,
            QRectF(0, self.page_height - self.line * 1.2, self.page_width, self.line * 1.2),
            _("Proof of job search, {period} — page {page} of {pages}").format(
                period=self.period, page=page, pages=pages
            ),
            right=True,
        )

    def _declaration(self, canvas: _Canvas, y: float) -> None:
        y += self.line * 1.5
        self._box(
            canvas,
            self.label,
            QRectF(0, y, self.page_width, self.line * 1.4),
            _("I confirm that the applications above were made as stated."),
        )
        y += self.line * 3
        caption = _("Date, signature:")
        self._box(canvas, self.label, QRectF(0, y, self.page_width / 2, self.line * 1.4), caption)
        start = self.label.metrics.horizontalAdvance(caption) + self.line * 0.3
        base = int(y + self.line * 1.05)
        canvas.line(int(start), base, int(self.page_width / 2), base, colour=_INK, width=1)

    def write(self, canvas: _Canvas) -> int:
        """Draw every page on ``canvas``; returns how many there are."""
        # Laying out a year's rows makes a hundred thousand small tuples and lists, none
        # of them garbage; the cyclic collector re-scanning them was half the layout time.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._write(canvas)
        finally:
            if collecting:
                gc.enable()

    def _write(self, canvas: _Canvas) -> int:
        rows = self.log.rows
        cells = [self.layout.cells(index + 1, row) for index, row in enumerate(rows)]
        heights = [self.layout.height(row) for row in cells]
        pages = self._paginate(heights)
        end = self.header_height + sum(heights[index] for index in pages[-1])
        if len(pages) == 1:
            end += self._title_height()
        if not rows:
            end += self.line * 3
        # The declaration goes under the table, or on a page of its own when it is full.
        extra = end + self.line * 6.5 > self.page_height - self.line * 1.5
        total = len(pages) + int(extra)
        y = 0.0
        for page_number, indexes in enumerate(pages, start=1):
            if page_number > 1:
                canvas.new_page()
            y = self._title(canvas) if page_number == 1 else 0.0
            y = self._table_header(canvas, y)
            if not rows:
                self._box(
                    canvas,
                    self.label,
                    QRectF(0, y + self.line, self.page_width, self.line * 2),
                    _("No applications in this period."),
                )
                y += self.line * 3
            y = self._rows(
                canvas, y, [(i + 1, self.layout.placed(cells[i]), heights[i]) for i in indexes]
            )
            self._footer(canvas, page_number, total)
        if extra:
            canvas.new_page()
            y = 0.0
            self._footer(canvas, total, total)
        self._declaration(canvas, y)
        return total


def _paint(log: ProofLog, device: QPagedPaintDevice, name: str, reference: str) -> int:
    """Draw the log with QPainter on ``device``; returns the number of pages."""
    writer = _Writer(log, device, name, reference)
    painter = QPainter()
    if not painter.begin(device):
        raise OSError(_("the PDF file or the printer could not be opened"))
    try:
        return writer.write(_PainterCanvas(painter, device))
    finally:
        painter.end()


def _title_of(log: ProofLog) -> str:
    return _("Proof of job search, {period}").format(period=period_text(log))


def _write_with_qt(log: ProofLog, path: Path, name: str, reference: str) -> int:
    """The log written by Qt's PDF engine: the way for fonts our writer cannot embed."""
    pdf = QPdfWriter(str(path))
    pdf.setResolution(RESOLUTION)
    pdf.setTitle(_title_of(log))
    pdf.setCreator(APP_NAME)
    pdf.setPageLayout(page_layout())
    pages = _paint(log, pdf, name, reference)
    del pdf  # QPdfWriter finishes the file when it is deleted
    return pages


def _write_own(log: ProofLog, path: Path, name: str, reference: str) -> int:
    """The log written by :mod:`followup_desktop.gui.pdf_file`, several times faster
    than Qt's engine; :class:`~followup_desktop.gui.pdf_file.UnsupportedFontError` (before the
    file is touched) when a font it needs cannot be embedded."""
    # A PDF device never painted on, for Qt's font metrics and layout at the page's
    # resolution: the same numbers QPainter would work with.
    sink = QBuffer()
    sink.open(QIODevice.OpenModeFlag.WriteOnly)
    device = QPdfWriter(sink)
    device.setResolution(RESOLUTION)
    device.setPageLayout(page_layout())
    document = pdf_file.PdfDocument(
        page_layout(), RESOLUTION, title=_title_of(log), creator=APP_NAME
    )
    pages = _Writer(log, device, name, reference).write(_FileCanvas(document, device))
    document.save(path)
    return pages


def write_proof_pdf(log: ProofLog, path: Path, *, name: str = "", reference: str = "") -> int:
    """Write the log to ``path`` as a PDF; returns its number of pages."""
    ensure_gui_application()
    # Written beside the target (owner-only) and renamed, so a failure never leaves half
    # a PDF.
    with atomic_path(path, _("the proof of search")) as temporary:
        try:
            pages = _write_own(log, temporary, name, reference)
        except pdf_file.UnsupportedFontError as reason:
            logger.info("proof of search written by Qt's PDF engine: %s", reason)
            pages = _write_with_qt(log, temporary, name, reference)
    return pages


def print_proof(
    log: ProofLog, printer: QPagedPaintDevice, *, name: str = "", reference: str = ""
) -> int:
    """Print the log on ``printer`` (A4 landscape); returns the number of pages."""
    ensure_gui_application()
    printer.setPageLayout(page_layout())
    return _paint(log, printer, name, reference)
