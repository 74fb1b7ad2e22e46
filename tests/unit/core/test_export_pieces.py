"""An export read a piece at a time is exactly what reading it whole gives.

The pieces are made tiny here, so that every value, key, number, escape and multi-byte
character of the generated documents is cut somewhere by a piece's end.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from followup_desktop.core.errors import ImportFormatError
from followup_desktop.core.exchange import check, parse_export
from followup_desktop.core.exchange.pieces import UnusualError, parse_in_pieces

TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=12)
SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
# An export's shape: one object of arrays and single values.
EXPORTS = st.dictionaries(TEXT, st.lists(VALUES, max_size=5) | VALUES, max_size=6)


def _pieces(payload: bytes, chunk: int) -> Any:
    marks: list[Any] = []
    return parse_in_pieces(payload, json.JSONDecoder(), marks, chunk)


@settings(max_examples=300, deadline=None)
@given(
    document=EXPORTS,
    chunk=st.integers(min_value=1, max_value=9),
    indent=st.sampled_from([None, 0, 2]),
    ascii_only=st.booleans(),
    bom=st.booleans(),
)
def test_read_in_pieces_equals_read_whole(
    document: dict[str, Any], chunk: int, indent: int | None, ascii_only: bool, bom: bool
) -> None:
    payload = json.dumps(document, indent=indent, ensure_ascii=ascii_only).encode()
    if bom:
        payload = b"\xef\xbb\xbf" + payload
    assert _pieces(payload, chunk) == json.loads(payload.decode("utf-8-sig"))


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b"   ",
        b"[1, 2]",
        b'"text"',
        b'{"a": [1, 2,]}',
        b'{"a": 1} {"b": 2}',
        b'{"a": "\xff"}',
        b'{"a": [1, 2]',
        b'{"a": "unterminated}',
    ],
)
def test_anything_else_is_left_to_the_whole_reading(payload: bytes) -> None:
    with pytest.raises(UnusualError):
        _pieces(payload, 3)


def test_a_number_cut_by_a_piece_end_is_read_whole() -> None:
    assert _pieces(b'{"n": [12345678, 9.75e3]}', 2) == {"n": [12345678, 9750.0]}


@pytest.mark.parametrize("chunk", [1, 7, 1 << 20])
def test_errors_are_worded_as_before_whatever_the_pieces(
    monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(check, "DECODE_CHUNK", chunk)
    with pytest.raises(ImportFormatError, match=r"line 2, column 10"):
        parse_export(b'{"a": 1,\n "b": [1,,2]}')
    with pytest.raises(ImportFormatError, match="NaN"):
        parse_export(b'{"a": [1, NaN]}')
    with pytest.raises(ImportFormatError, match="empty"):
        parse_export(b"  \n ")
    with pytest.raises(ImportFormatError) as raised:
        parse_export(b'{"a": [{"k": 1, "k": 2}]}')
    assert "'k' appears more than once" in str(raised.value)
    assert "$.a[0]" in str(raised.value)
    with pytest.raises(ImportFormatError) as raised:
        parse_export(b'{"a": [{"k": 1}, {"t": "x\\u0000y"}]}')
    assert "NUL" in str(raised.value) and "$.a[1].t" in str(raised.value)
    assert parse_export(b'{"a": "\\\\u0000"}') == {"a": "\\u0000"}


def test_a_parsed_export_is_released_a_slice_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    from followup_desktop.core.exchange import release_gradually, tables

    monkeypatch.setattr(tables, "RELEASE_SLICE", 3)
    freed: list[int] = []

    class Row(dict[str, int]):
        def __del__(self) -> None:
            freed.append(len(rows))

    rows = [Row(n=n) for n in range(10)]
    document: dict[str, Any] = {"format": "followup", "version": 1, "actions": rows}
    release_gradually(document)
    assert rows == [] and document["format"] == "followup"
    # Freed in slices from the end: the list shrinks to 7, 4, 1, then 0 rows.
    assert sorted(set(freed), reverse=True) == [7, 4, 1, 0]
