"""From the bytes of a spreadsheet export to a header and rows.

Real files come from Excel, LibreOffice, Google Sheets, Numbers and other trackers:
UTF-8 with or without a byte-order mark, UTF-16 with one (Excel's "Unicode text"),
Windows-1252 from older Excel; commas, semicolons (German and French Excel) or tabs.
Some carry lines before the header: LinkedIn's ``Connections.csv`` starts with a
``Notes:`` paragraph. Nothing here guesses silently: :class:`Sheet` records which
encoding and separator were used so the dry run can say so.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from pathlib import Path

from followup_desktop.core.errors import ImportFormatError
from followup_desktop.core.files import read_limited
from followup_desktop.core.i18n import _

SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}
# A spreadsheet export is small; this is far above any real one and keeps a wrong file
# (a video, a disk image) from being read into memory.
MAX_BYTES = 200 * 1024 * 1024
_SAMPLE_LINES = 30


@dataclass(frozen=True)
class SheetRow:
    """One data row: its number as a spreadsheet shows it (the header is row 1 when
    nothing comes before it) and its cells."""

    number: int
    cells: tuple[str, ...]


@dataclass(frozen=True)
class Sheet:
    """A decoded, split file: how it was read, its header and its data rows."""

    encoding: str
    separator: str
    header: tuple[str, ...]
    header_row: int
    rows: tuple[SheetRow, ...]

    @property
    def separator_name(self) -> str:
        """The separator in words ("semicolon")."""
        return SEPARATORS.get(self.separator, repr(self.separator))


def decode(data: bytes) -> tuple[str, str]:
    """The text of ``data`` and the name of the encoding it was written in."""
    if data.startswith(codecs.BOM_UTF8):
        return _decode(data[3:], "utf-8", "UTF-8 with BOM")
    if data.startswith(codecs.BOM_UTF16_LE):
        return _decode(data[2:], "utf-16-le", "UTF-16 LE")
    if data.startswith(codecs.BOM_UTF16_BE):
        return _decode(data[2:], "utf-16-be", "UTF-16 BE")
    head = data[:4000]
    # UTF-16 without a BOM: every other byte of Latin text is zero.
    if len(head) >= 4 and head.count(0) > len(head) // 3:
        encoding = "utf-16-le" if head[1] == 0 else "utf-16-be"
        return _decode(data, encoding, encoding.upper().replace("-LE", " LE").replace("-BE", " BE"))
    if 0 in head:
        raise ImportFormatError(
            _(
                "This is not a text file (it holds binary data). Export the sheet as CSV "
                "(comma- or semicolon-separated values) and try again."
            ),
            "file",
        )
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    return _decode(data, "cp1252", "Windows-1252")


def _decode(data: bytes, codec: str, name: str) -> tuple[str, str]:
    try:
        return data.decode(codec), name
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n" if "16" not in codec else "\n".encode(codec)) + 1
        raise ImportFormatError(
            _(
                "The file looks like {encoding} but byte {byte} (line {line}) is not valid "
                "{encoding}. Save it again as CSV UTF-8 from your spreadsheet program."
            ).format(encoding=name, byte=error.start, line=line),
            "file",
        ) from None


def _rows(text: str, separator: str) -> list[list[str]]:
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True))
    except csv.Error as error:
        raise ImportFormatError(
            _(
                "The file cannot be split into rows ({error}); a quote is probably left open. "
                "Check the line the spreadsheet program shows as broken, or export it again."
            ).format(error=error),
            "file",
        ) from None


def _header_index(rows: list[list[str]]) -> int:
    """The first row with two or more filled cells: a preamble (``Notes:``, a title
    line, blank lines) has one cell per line at most."""
    for index, row in enumerate(rows):
        if sum(1 for cell in row if cell.strip()) >= 2:
            return index
    raise ImportFormatError(
        _(
            "No header row was found: the file needs a first row of column names "
            "(such as Company, Job Title) and at least two columns."
        ),
        "file",
    )


def _separator(text: str) -> str:
    """The separator that splits the sample into the most consistent, widest rows."""
    lines = [line for line in text.splitlines() if line.strip()][:_SAMPLE_LINES]
    sample = "\n".join(lines)
    best, best_score = ",", (-1, -1)
    for candidate in SEPARATORS:
        try:
            rows = list(csv.reader(io.StringIO(sample), delimiter=candidate))
        except csv.Error:
            continue
        widths = [len(row) for row in rows if len(row) > 1]
        if not widths:
            continue
        common = max(set(widths), key=widths.count)
        score = (widths.count(common) * (common > 1), common)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _check_size(size: int) -> None:
    if size > MAX_BYTES:
        raise ImportFormatError(
            _(
                "The file is {size} MB; a spreadsheet export is far smaller. Check that this "
                "is the right file."
            ).format(size=size // (1024 * 1024)),
            "file",
        )


def read_sheet(data: bytes, separator: str | None = None) -> Sheet:
    """Decode and split ``data``; ``separator`` overrides the detected one."""
    _check_size(len(data))
    text, encoding = decode(data)
    if not text.strip():
        raise ImportFormatError(_("The file is empty."), "file")
    chosen = separator or _separator(text)
    rows = _rows(text, chosen)
    start = _header_index(rows)
    header = tuple(cell.strip() for cell in rows[start])
    body = tuple(
        SheetRow(index + 1, tuple(row))
        for index, row in enumerate(rows)
        if index > start and any(cell.strip() for cell in row)
    )
    return Sheet(encoding, chosen, header, start + 1, body)


def read_sheet_file(path: Path, separator: str | None = None) -> Sheet:
    """:func:`read_sheet` on a file, with a clear message when it cannot be read."""
    # read_limited refuses folders, devices and pipes (/dev/zero never ends) and reads at
    # most one byte past the limit, which _check_size then reports.
    data = read_limited(path, MAX_BYTES + 1, "spreadsheet")
    _check_size(len(data))
    return read_sheet(data, separator)
