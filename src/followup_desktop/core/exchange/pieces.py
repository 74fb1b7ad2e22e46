"""Reading a large export a piece at a time, so the window never waits on the parser.

An import runs on a worker thread, but Python lets only one thread run at a time, and a
single call into C keeps the others waiting until it returns. Decoding a 60 MB export
in one call, or handing the whole text to ``json.loads`` after joining it, held the
window still for 100 to 400 ms on this kind of machine. Here the bytes are decoded a chunk
at a time, and the document is parsed one array element at a time with the standard
library's own decoder (``raw_decode``), so no call holds on for longer than one chunk or
one row takes. The result is exactly what ``json.loads`` gives with the same decoder.

Only the shape every export has is read this way: one object whose values are arrays
or single values. Anything else, and any error (a syntax error, a constant JSON does not
allow, nesting too deep, bytes that are not UTF-8), raises :class:`UnusualError`, and the
caller parses the whole text the ordinary way, which also words the error with its line
and column.
"""

from __future__ import annotations

import codecs
import json
import re
from typing import Any

_SPACE = re.compile(r"[ \t\n\r]*")
# What could still belong to a number the decoder stopped reading.
_NUMBER_TAIL = re.compile(r"[0-9.eE+-]*")


class UnusualError(Exception):
    """Not the shape read in pieces, or not valid JSON: read the text whole instead."""


class _Source:
    """The decoded text seen so far, from the last unread character on."""

    def __init__(self, payload: bytes, chunk: int) -> None:
        self._view = memoryview(payload)
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self._offset = 0
        self._chunk = chunk
        self.text = ""
        self.pos = 0

    @property
    def exhausted(self) -> bool:
        return self._offset >= len(self._view)

    def more(self, at_least: int = 0) -> bool:
        """Decode the next piece of the file onto what is unread; False at the end."""
        if self.exhausted:
            return False
        size = max(self._chunk, at_least)
        piece = self._view[self._offset : self._offset + size]
        self._offset += len(piece)
        try:
            decoded = self._decoder.decode(piece, final=self.exhausted)
        except UnicodeDecodeError:
            raise UnusualError from None
        self.text = self.text[self.pos :] + decoded
        self.pos = 0
        return True

    def peek(self) -> str:
        """The next character that is not white space ("" at the end of the file)."""
        while True:
            self.pos = _SPACE.match(self.text, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.text) or not self.more():
                return self.text[self.pos : self.pos + 1]

    def expect(self, *characters: str) -> str:
        """Step over the next character, which must be one of ``characters``."""
        found = self.peek()
        if not found or found not in characters:
            raise UnusualError
        self.pos += 1
        return found

    def value(self, decoder: json.JSONDecoder, marks: list[Any]) -> Any:
        """The next JSON value, decoding more of the file until it is whole."""
        self.peek()
        # The C scanner, without raw_decode's Python wrapper (not in the type stubs).
        scan = decoder.scan_once  # type: ignore[attr-defined]
        kept = len(marks)
        while True:
            try:
                found, end = scan(self.text, self.pos)
            except (StopIteration, ValueError, RecursionError):
                # Cut off by the end of what is decoded, or wrong: with the whole rest
                # of the file in view, a value still wrong is an error, read whole.
                del marks[kept:]
                if not self.more(at_least=len(self.text)):
                    raise UnusualError from None
                continue
            if self._number_may_go_on(found, end):
                del marks[kept:]
                self.more()
                continue
            self.pos = end
            return found

    def _number_may_go_on(self, found: object, end: int) -> bool:
        # A number may go on in the next piece: "12" then "34", or "0." then "5", where
        # the scanner took "0" for the whole number.
        return (
            type(found) in (int, float)
            and not self.exhausted
            and _NUMBER_TAIL.match(self.text, end).end() == len(self.text)  # type: ignore[union-attr]
        )


def parse_in_pieces(payload: bytes, decoder: json.JSONDecoder, marks: list[Any], chunk: int) -> Any:
    """The JSON object ``payload`` holds, read as described in the module docstring.

    ``marks`` is the list the decoder's object hook appends to (duplicate keys): a value
    read twice, because it ran past the end of a piece, is marked only once.
    """
    source = _Source(payload, chunk)
    source.expect("{")
    pairs: list[tuple[str, Any]] = []
    if source.peek() == "}":
        source.pos += 1
    else:
        while True:
            if source.peek() != '"':
                raise UnusualError
            key = source.value(decoder, marks)
            source.expect(":")
            pairs.append((key, _member(source, decoder, marks)))
            if source.expect(",", "}") == "}":
                break
    if source.peek():
        raise UnusualError  # something after the object
    hook = decoder.object_pairs_hook
    return hook(pairs) if hook is not None else dict(pairs)


def _member(source: _Source, decoder: json.JSONDecoder, marks: list[Any]) -> Any:
    if source.peek() != "[":
        return source.value(decoder, marks)
    source.pos += 1
    items: list[Any] = []
    if source.peek() == "]":
        source.pos += 1
        return items
    scan = decoder.scan_once  # type: ignore[attr-defined]
    append, space = items.append, _SPACE.match
    while True:
        # The usual row, whole in what is decoded and followed by a comma, is read here
        # without a call more: an export has 200,000 of them.
        text = source.text
        start = space(text, source.pos).end()  # type: ignore[union-attr]
        kept = len(marks)
        try:
            found, end = scan(text, start)
        except (StopIteration, ValueError, RecursionError):
            del marks[kept:]
            found, end = None, -1
        if end < 0 or source._number_may_go_on(found, end):
            del marks[kept:]
            source.pos = start
            found = source.value(decoder, marks)
        else:
            source.pos = end
        append(found)
        text, after = source.text, source.pos
        if after < len(text) and text[after] == ",":
            source.pos = after + 1
            continue
        if source.expect(",", "]") == "]":
            return items


__all__ = ["UnusualError", "parse_in_pieces"]
