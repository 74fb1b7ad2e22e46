"""A small PDF writer for long printed tables: filled rectangles, straight lines and
single lines of text, the text in embedded TrueType font subsets.

Why not Qt's PDF engine: it writes every glyph with a position of its own, about 25
bytes a glyph, and compresses all of it. The proof-of-search log of a busy year holds
two million glyphs; that alone cost more than a second. Here a line of text is one
string of glyph numbers, the reader placing each glyph by the widths embedded with the
font, and each distinct line is turned into PDF operators once.

Qt still decides which glyphs to draw: a line whose every character maps one-to-one to
a glyph of the requested font (Latin, Greek, Cyrillic, the usual punctuation) uses the
font's character map through :class:`QRawFont`; anything else (a character the font
lacks, a script that needs shaping, combining marks) is laid out by
:class:`QTextLayout`, with Qt's font fallback and shaping, and drawn from its glyph runs
at the positions Qt gives. Every font is embedded as a subset of the glyphs used, with
a ToUnicode map so the text can be searched and copied.

Only what this writer can embed faithfully is accepted: TrueType outlines (``glyf``),
not CFF ones, not variable fonts, not colour glyphs, not a bold or italic style Qt would
synthesise, not a font whose licence forbids embedding. For anything else
:class:`UnsupportedFontError` is raised before a byte is written, and the caller draws
with QPainter instead.

The file is PDF 1.4: a catalogue, a page tree, one Flate-compressed content stream a
page, and per font a Type0 font over a CIDFontType2 (Identity-H, CIDToGIDMap Identity,
so character codes are glyph numbers) with its FontFile2 and ToUnicode streams.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtGui import QFont, QPageLayout, QPaintDevice, QRawFont, QTextLayout

# The tables a TrueType font program embedded in a PDF needs (PDF 1.7, 9.9).
_TABLES = ("cvt ", "fpgm", "glyf", "head", "hhea", "hmtx", "loca", "maxp", "prep")
_REQUIRED = ("glyf", "head", "hhea", "hmtx", "loca", "maxp")
_BLACK = (0.0, 0.0, 0.0)
Colour = tuple[float, float, float]


class UnsupportedFontError(Exception):
    """A font this writer cannot embed faithfully; draw with Qt instead."""


def _simple(character: str) -> bool:
    """Drawn as one glyph from the font's character map, with no shaping needed."""
    code = ord(character)
    # Control characters, and the soft hyphen, which Qt shows only where a line breaks.
    if code < 0x20 or 0x7F <= code < 0xA0 or code == 0xAD:
        return False
    return (
        code < 0x0300  # Latin, IPA, spacing modifiers
        or 0x0370 <= code < 0x0483  # Greek, Cyrillic
        or 0x048A <= code < 0x0530  # Cyrillic (after its combining marks) and supplement
        or 0x1E00 <= code < 0x2000  # Latin and Greek extended
        or 0x2010 <= code < 0x2028  # dashes, quotes, bullets, ellipsis
        or 0x2030 <= code < 0x205F
        or 0x20A0 <= code < 0x20C1  # currency signs
        or 0x2100 <= code < 0x2190  # letterlike symbols, number forms
        or 0x2190 <= code < 0x2200  # arrows
    )


def _int16(data: bytes | bytearray, offset: int) -> int:
    value: int = struct.unpack_from(">h", data, offset)[0]
    return value


def _uint16(data: bytes, offset: int) -> int:
    value: int = struct.unpack_from(">H", data, offset)[0]
    return value


def _checksum(data: bytes) -> int:
    padded = data + b"\0" * (-len(data) % 4)
    total: int = sum(struct.unpack(f">{len(padded) // 4}I", padded))
    return total & 0xFFFFFFFF


@dataclass
class _Face:
    """One font file as embedded: its tables, and the glyphs used with their text."""

    name: str  # the resource name in the pages ("F1")
    postscript: str
    tables: dict[str, bytes]
    italic: bool
    capitals: int  # cap height in font units (0: not given)
    used: dict[int, str] = field(default_factory=dict)  # glyph -> text it stands for

    def __post_init__(self) -> None:
        head, hhea = self.tables["head"], self.tables["hhea"]
        self.units = _uint16(head, 18)
        count = _uint16(hhea, 34)
        if not self.units or not count:
            raise UnsupportedFontError(f"{self.postscript}: no units per em or no metrics")
        hmtx = self.tables["hmtx"]
        self._advances = [_uint16(hmtx, 4 * index) for index in range(count)]

    def width(self, glyph: int) -> int:
        """The glyph's advance in thousandths of the font size, as the PDF lists it."""
        advances = self._advances
        advance = advances[glyph] if glyph < len(advances) else advances[-1]
        return round(advance * 1000 / self.units)

    def program(self) -> bytes:
        """The font program with only the used glyphs' outlines (numbers unchanged)."""
        tables = dict(self.tables)
        head = bytearray(tables["head"])
        glyphs = _uint16(tables["maxp"], 4)
        loca, glyf = tables["loca"], tables["glyf"]
        if _int16(head, 50) == 1:
            offsets = list(struct.unpack(f">{glyphs + 1}I", loca[: 4 * (glyphs + 1)]))
        else:
            offsets = [2 * o for o in struct.unpack(f">{glyphs + 1}H", loca[: 2 * (glyphs + 1)])]
        keep = {0, *(glyph for glyph in self.used if glyph < glyphs)}
        waiting = list(keep)
        while waiting:  # a composite glyph is drawn from others: keep them too
            outline = glyf[offsets[waiting[-1]] : offsets[waiting.pop() + 1]]
            if len(outline) < 10 or _int16(outline, 0) >= 0:
                continue
            at = 10
            while True:
                flags, component = struct.unpack_from(">HH", outline, at)
                if component not in keep and component < glyphs:
                    keep.add(component)
                    waiting.append(component)
                at += 4 + (4 if flags & 0x0001 else 2)
                at += 2 if flags & 0x0008 else 4 if flags & 0x0040 else 8 if flags & 0x0080 else 0
                if not flags & 0x0020:
                    break
        pieces, new_offsets, size = [], [0], 0
        for glyph in range(glyphs):
            if glyph in keep:
                outline = glyf[offsets[glyph] : offsets[glyph + 1]]
                outline += b"\0" * (-len(outline) % 4)
                pieces.append(outline)
                size += len(outline)
            new_offsets.append(size)
        tables["glyf"] = b"".join(pieces)
        tables["loca"] = struct.pack(f">{glyphs + 1}I", *new_offsets)
        head[50:52] = struct.pack(">h", 1)  # long offsets in loca
        head[8:12] = b"\0\0\0\0"
        tables["head"] = bytes(head)
        sfnt, head_at = _sfnt(tables)
        adjustment = (0xB1B0AFBA - _checksum(bytes(sfnt))) & 0xFFFFFFFF
        sfnt[head_at + 8 : head_at + 12] = struct.pack(">I", adjustment)
        return bytes(sfnt)


def _sfnt(tables: dict[str, bytes]) -> tuple[bytearray, int]:
    """A TrueType file of ``tables``, and where its head table starts."""
    tags = sorted(tables)
    count = len(tags)
    power = 1 << (count.bit_length() - 1)
    header = struct.pack(">IHHHH", 0x00010000, count, power * 16, power.bit_length() - 1,
                         count * 16 - power * 16)  # fmt: skip
    records, body = [], []
    offset = 12 + 16 * count
    head_at = 0
    for tag in tags:
        data = tables[tag]
        if tag == "head":
            head_at = offset
        records.append(struct.pack(">4sIII", tag.encode("latin-1"), _checksum(data), offset,
                                   len(data)))  # fmt: skip
        padded = data + b"\0" * (-len(data) % 4)
        body.append(padded)
        offset += len(padded)
    return bytearray(header + b"".join(records) + b"".join(body)), head_at


def _postscript_name(tables: dict[str, bytes], fallback: str) -> str:
    name = tables.get("name", b"")
    found = ""
    if len(name) >= 6:
        count, strings = _uint16(name, 2), _uint16(name, 4)
        for index in range(count):
            platform, _encoding, _language, name_id, length, offset = struct.unpack_from(
                ">6H", name, 6 + 12 * index
            )
            if name_id != 6:
                continue
            raw = name[strings + offset : strings + offset + length]
            found = (
                raw.decode("utf-16-be", "ignore") if platform in (0, 3) else raw.decode("latin-1")
            )
            break
    cleaned = "".join(c for c in (found or fallback) if c.isascii() and (c.isalnum() or c == "-"))
    return cleaned[:60] or "Font"


def _literal(hexed: str) -> str:
    """Glyph numbers (four hex digits each) as the bytes of a PDF literal string: half
    the size of a hex string, so half the content to compress. The content stream is
    Latin-1, one character a byte; an unescaped end of line inside a string would be
    read as a line feed."""
    raw = bytes.fromhex(hexed)
    for byte, escaped in _ESCAPES:
        raw = raw.replace(byte, escaped)
    return raw.decode("latin-1")


_ESCAPES = ((b"\\", b"\\\\"), (b"(", b"\\("), (b")", b"\\)"), (b"\r", b"\\r"), (b"\n", b"\\n"))


def _stands_for(face: _Face, glyph: int, text: str) -> None:
    """Record ``glyph`` as used, and the text it stands for if it has none yet."""
    if not face.used.get(glyph):
        face.used[glyph] = text


# A line's pieces: (font selection, x offset, y offset, operators drawing it).
Segment = tuple[str, float, float, str]


class TextFont:
    """A QFont as this writer draws it: text to PDF operators, once per distinct line."""

    def __init__(self, document: PdfDocument, font: QFont, device: QPaintDevice) -> None:
        self._document = document
        self.font = font
        self._device = device
        raw = self._sample("x")
        self._face = document.face(raw, font)
        self.select = f"/{self._face.name} {raw.pixelSize():g} Tf"
        self._raw = raw
        self._glyphs: dict[int, str] = {}  # character -> its glyph number in hex
        self._shaped: set[str] = set()  # characters left to QTextLayout
        self.lines: dict[str, list[Segment]] = {}
        # The common case, looked up first: a line drawn in this font from where it
        # starts, as its text-showing operator.
        self.simple: dict[str, str] = {}

    def _layout(self, text: str) -> tuple[QTextLayout, float]:
        layout = QTextLayout(text, self.font, self._device)
        layout.beginLayout()
        line = layout.createLine()
        layout.endLayout()
        return layout, line.ascent()

    def _sample(self, text: str) -> QRawFont:
        layout, _ascent = self._layout(text)
        return layout.glyphRuns()[0].rawFont()

    def segments(self, text: str) -> list[Segment]:
        """How to draw ``text`` with its baseline at the current point (cached)."""
        found = self.lines.get(text)
        if found is None:
            found = self.lines[text] = self._segments(text)
            if len(found) == 1 and found[0][:3] == (self.select, 0.0, 0.0):
                self.simple[text] = found[0][3]
        return found

    def _segments(self, text: str) -> list[Segment]:
        hexed = text.translate(self._glyphs)
        if len(hexed) != 4 * len(text):
            self._learn(text)
            hexed = text.translate(self._glyphs)
        if len(hexed) == 4 * len(text):
            return [(self.select, 0.0, 0.0, f"({_literal(hexed)}) Tj")]
        return self._runs(text)

    def _learn(self, text: str) -> None:
        for character in set(text):
            code = ord(character)
            if code in self._glyphs or character in self._shaped:
                continue
            glyphs = self._raw.glyphIndexesForString(character) if _simple(character) else []
            if len(glyphs) == 1 and glyphs[0]:
                self._glyphs[code] = f"{glyphs[0]:04X}"
                _stands_for(self._face, glyphs[0], character)
            else:
                self._shaped.add(character)

    def _runs(self, text: str) -> list[Segment]:
        """``text`` as Qt lays it out: fallback fonts, shaping, marks placed."""
        layout, ascent = self._layout(text)
        runs = layout.glyphRuns(-1, -1, QTextLayout.GlyphRunRetrievalFlag.RetrieveAll)
        starts = sorted({index for run in runs for index in run.stringIndexes()})
        following = dict(zip(starts, [*starts[1:], len(text)], strict=True))
        segments: list[Segment] = []
        for run in runs:
            raw = run.rawFont()
            face = self._document.face(raw, self.font)
            size = raw.pixelSize()
            select = f"/{face.name} {size:g} Tf"
            glyphs, positions = run.glyphIndexes(), run.positions()
            indexes = run.stringIndexes()
            seen: set[int] = set()
            for glyph, index in zip(glyphs, indexes, strict=True):
                # The first glyph of a cluster stands for its characters; the others
                # for nothing (ToUnicode maps a glyph to one text).
                _stands_for(face, glyph, "" if index in seen else text[index : following[index]])
                seen.add(index)
            if not glyphs:
                continue
            if all(abs(point.y() - ascent) < 0.01 for point in positions):
                parts = []
                for number, glyph in enumerate(glyphs):
                    parts.append(f"<{glyph:04X}>")
                    if number + 1 < len(glyphs):
                        expected = positions[number].x() + face.width(glyph) * size / 1000
                        shift = (expected - positions[number + 1].x()) * 1000 / size
                        if abs(shift) > 0.05:
                            parts.append(f"{shift:.2f}")
                segments.append((select, positions[0].x(), 0.0, f"[{' '.join(parts)}] TJ"))
            else:  # marks above or below: each glyph where Qt put it
                for glyph, point in zip(glyphs, positions, strict=True):
                    segments.append((select, point.x(), point.y() - ascent, f"<{glyph:04X}> Tj"))
        return segments


class PdfDocument:
    """Pages drawn in device units (``resolution`` dots an inch, y downwards, origin at
    the top left of the printable area), written to a file by :meth:`save`."""

    def __init__(self, layout: QPageLayout, resolution: int, *, title: str, creator: str) -> None:
        full = layout.fullRectPoints()
        paint = layout.paintRectPixels(resolution)
        self._media = f"[0 0 {full.width()} {full.height()}]"
        scale = 72 / resolution
        self._prefix = (
            f"{scale:.6f} 0 0 {-scale:.6f} {paint.x() * scale:.4f} "
            f"{full.height() - paint.y() * scale:.4f} cm 2 J 2 j\n"
        )
        self.title = title
        self.creator = creator
        self._faces: dict[tuple[object, ...], _Face] = {}
        self._pages: list[bytes] = []
        self._out: list[str] = []
        self._in_text = False
        self._font = ""
        self._fill: Colour = _BLACK
        self._stroke: tuple[Colour, float] = (_BLACK, -1.0)
        self.new_page()

    # -- fonts ---------------------------------------------------------------------------

    def face(self, raw: QRawFont, font: QFont) -> _Face:
        """The embedded face for a raw font Qt chose; :class:`UnsupportedFontError` if it cannot
        be embedded as Qt would draw it."""
        head = bytes(raw.fontTable("head").data())
        key = (raw.familyName(), raw.styleName(), raw.weight(), raw.style(), head)
        found = self._faces.get(key)
        if found is not None:
            return found
        tables = {tag: bytes(raw.fontTable(tag).data()) for tag in (*_TABLES, "name", "OS/2")}
        tables = {tag: data for tag, data in tables.items() if data}
        missing = [tag for tag in _REQUIRED if tag not in tables]
        if missing:
            raise UnsupportedFontError(
                f"{raw.familyName()}: no {', '.join(missing)} table (not TrueType)"
            )
        if raw.fontTable("fvar").size():
            raise UnsupportedFontError(f"{raw.familyName()}: a variable font")
        if any(raw.fontTable(tag).size() for tag in ("CBDT", "sbix", "COLR", "SVG ")):
            raise UnsupportedFontError(f"{raw.familyName()}: colour glyphs")
        os2 = tables.pop("OS/2", b"")
        # fsType: 0x0002 no embedding, 0x0100 no subsetting, 0x0200 bitmaps only.
        if len(os2) >= 10 and _uint16(os2, 8) & 0x0302:
            raise UnsupportedFontError(f"{raw.familyName()}: its licence forbids this embedding")
        # What the font file is, not what Qt was asked for: Qt emboldens or slants a
        # face that lacks the style, which an embedded font program would not.
        weight = _uint16(os2, 4) if len(os2) >= 6 else raw.weight()
        if font.bold() and weight < QFont.Weight.DemiBold.value:
            raise UnsupportedFontError(f"{raw.familyName()}: bold would be synthesised")
        italic = bool(_uint16(os2, 62) & 0x0201) if len(os2) >= 64 else bool(head[45] & 0x02)
        if font.italic() and not italic:
            raise UnsupportedFontError(f"{raw.familyName()}: italic would be synthesised")
        postscript = _postscript_name(tables, f"{raw.familyName()}-{raw.styleName()}")
        tables.pop("name", None)
        capitals = _int16(os2, 88) if len(os2) >= 90 and _uint16(os2, 0) >= 2 else 0
        try:
            face = _Face(f"F{len(self._faces) + 1}", postscript, tables, italic, capitals)
        except (struct.error, IndexError) as error:
            raise UnsupportedFontError(f"{raw.familyName()}: {error}") from error
        self._faces[key] = face
        return face

    def text_font(self, font: QFont, device: QPaintDevice) -> TextFont:
        """``font`` ready to draw with (``device`` gives Qt's metrics and layout)."""
        return TextFont(self, font, device)

    # -- drawing -------------------------------------------------------------------------

    def _end_text(self) -> None:
        if self._in_text:
            self._out.append("ET")
            self._in_text = False

    def fill(self, x: float, y: float, width: float, height: float, colour: Colour) -> None:
        """A filled rectangle."""
        self._end_text()
        if colour != self._fill:
            self._out.append(f"{colour[0]:.4f} {colour[1]:.4f} {colour[2]:.4f} rg")
            self._fill = colour
        self._out.append(f"{x:.2f} {y:.2f} {width:.2f} {height:.2f} re f")

    def line(
        self, x1: float, y1: float, x2: float, y2: float, *, colour: Colour, width: float
    ) -> None:
        """A straight line, centred on its ends' coordinates, with square caps."""
        self._end_text()
        if (colour, width) != self._stroke:
            self._out.append(f"{width:.2f} w {colour[0]:.4f} {colour[1]:.4f} {colour[2]:.4f} RG")
            self._stroke = (colour, width)
        self._out.append(f"{x1:.2f} {y1:.2f} m {x2:.2f} {y2:.2f} l S")

    def text(self, font: TextFont, x: float, baseline: float, text: str) -> None:
        """One line of text, in black, starting at ``x`` on ``baseline``."""
        # Called for every line of a long table: the usual case first, in few steps.
        if self._in_text and self._font == font.select:
            operators = font.simple.get(text)
            if operators is not None:
                self._out.append(f"1 0 0 -1 {x:.2f} {baseline:.2f} Tm {operators}")
                return
        segments = font.segments(text)
        out = self._out
        if not self._in_text:
            if self._fill != _BLACK:
                out.append("0 g")
                self._fill = _BLACK
            out.append("BT")
            self._in_text = True
        for select, dx, dy, operators in segments:
            if select != self._font:
                out.append(select)
                self._font = select
            out.append(f"1 0 0 -1 {x + dx:.2f} {baseline + dy:.2f} Tm {operators}")

    def new_page(self) -> None:
        """Finish the current page (if any) and start another."""
        if self._out:
            self._end_text()
            content = "\n".join(self._out).encode("latin-1")
            self._pages.append(zlib.compress(content, 3))
        self._out = [self._prefix]
        self._font = ""  # the text state starts afresh on every page
        self._fill = _BLACK
        self._stroke = (_BLACK, -1.0)

    @property
    def page_count(self) -> int:
        """Pages begun so far."""
        return len(self._pages) + 1

    # -- the file ------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Write the document to ``path``; :class:`UnsupportedFontError` before the file
        is opened if a font's tables turn out unreadable."""
        self.new_page()
        self._out = []
        objects: list[bytes] = []

        def add(body: bytes) -> int:
            objects.append(body)
            return len(objects)

        def stream(data: bytes, extra: str = "") -> int:
            packed = zlib.compress(data, 6)
            return add(
                f"<< /Length {len(packed)} /Filter /FlateDecode{extra} >>\nstream\n".encode()
                + packed
                + b"\nendstream"
            )

        catalogue = add(b"")
        tree = add(b"")
        fonts = []
        for index, face in enumerate(self._faces.values()):
            try:
                fonts.append(f"/{face.name} {self._embed(face, index, add, stream)} 0 R")
            except (struct.error, IndexError) as error:  # tables not as their format says
                raise UnsupportedFontError(f"{face.postscript}: {error}") from error
        resources = add(f"<< /Font << {' '.join(fonts)} >> /ProcSet [/PDF /Text] >>".encode())
        kids = []
        for content in self._pages:
            contents = add(
                f"<< /Length {len(content)} /Filter /FlateDecode >>\nstream\n".encode()
                + content
                + b"\nendstream"
            )
            kids.append(
                add(
                    f"<< /Type /Page /Parent {tree} 0 R /MediaBox {self._media} "
                    f"/Resources {resources} 0 R /Contents {contents} 0 R >>".encode()
                )
            )
        objects[tree - 1] = (
            f"<< /Type /Pages /Count {len(kids)} /Kids [{' '.join(f'{k} 0 R' for k in kids)}] >>"
        ).encode()
        objects[catalogue - 1] = f"<< /Type /Catalog /Pages {tree} 0 R >>".encode()
        made = datetime.now(UTC).strftime("D:%Y%m%d%H%M%SZ")
        info = add(
            f"<< /Title {_text_string(self.title)} /Creator {_text_string(self.creator)} "
            f"/Producer {_text_string(self.creator)} /CreationDate ({made}) >>".encode()
        )
        chunks = [b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"]
        offsets = []
        at = len(chunks[0])
        for number, body in enumerate(objects, start=1):
            chunk = f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
            offsets.append(at)
            chunks.append(chunk)
            at += len(chunk)
        xref = [f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n"]
        xref.extend(f"{offset:010d} 00000 n \n" for offset in offsets)
        xref.append(
            f"trailer\n<< /Size {len(objects) + 1} /Root {catalogue} 0 R /Info {info} 0 R >>\n"
            f"startxref\n{at}\n%%EOF\n"
        )
        chunks.append("".join(xref).encode())
        with path.open("wb") as file:
            file.write(b"".join(chunks))

    def _embed(
        self, face: _Face, index: int, add: Callable[[bytes], int], stream: Callable[..., int]
    ) -> int:
        tag = "".join(chr(65 + (index // 26**place) % 26) for place in range(6))
        base = f"{tag}+{face.postscript}"
        scale = 1000 / face.units
        head, hhea = face.tables["head"], face.tables["hhea"]
        box = " ".join(str(round(_int16(head, at) * scale)) for at in (36, 38, 40, 42))
        ascent = round(_int16(hhea, 4) * scale)
        descent = round(_int16(hhea, 6) * scale)
        capitals = round(face.capitals * scale) or ascent
        program = face.program()
        file = stream(program, f" /Length1 {len(program)}")
        descriptor = add(
            f"<< /Type /FontDescriptor /FontName /{base} /Flags {4 | (64 if face.italic else 0)} "
            f"/FontBBox [{box}] /ItalicAngle {-12 if face.italic else 0} /Ascent {ascent} "
            f"/Descent {descent} /CapHeight {capitals} /StemV 80 /FontFile2 {file} 0 R >>".encode()
        )
        used = sorted(face.used)
        widths = " ".join(f"{glyph} [{face.width(glyph)}]" for glyph in used)
        cid = add(
            f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{base} /CIDSystemInfo "
            f"<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
            f"/FontDescriptor {descriptor} 0 R /DW 1000 /W [{widths}] "
            "/CIDToGIDMap /Identity >>".encode()
        )
        unicode = stream(_to_unicode(face.used))
        return add(
            f"<< /Type /Font /Subtype /Type0 /BaseFont /{base} /Encoding /Identity-H "
            f"/DescendantFonts [{cid} 0 R] /ToUnicode {unicode} 0 R >>".encode()
        )


def _text_string(text: str) -> str:
    return f"<FEFF{text.encode('utf-16-be').hex().upper()}>"


def _to_unicode(used: dict[int, str]) -> bytes:
    """The CMap from glyph numbers to the text they stand for (search, copy, read aloud)."""
    entries = [
        f"<{glyph:04X}> <{text.encode('utf-16-be').hex().upper()}>"
        for glyph, text in sorted(used.items())
        if text
    ]
    blocks = []
    for start in range(0, len(entries), 100):
        block = entries[start : start + 100]
        blocks.append(f"{len(block)} beginbfchar\n" + "\n".join(block) + "\nendbfchar")
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + "\n".join(blocks)
        + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    ).encode()
