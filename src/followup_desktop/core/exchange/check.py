"""Reading an export file and checking it against the schema, before any row is used.

:func:`parse_export` refuses what JSON's own parser lets through (duplicate keys, NaN,
NUL, absurd nesting) and :func:`check_document` holds the top level and every row to
the schema, explaining the first problem through :mod:`.explain`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from followup_desktop.core.errors import ImportFormatError
from followup_desktop.core.exchange.explain import _explain, _find, _json_type, json_path
from followup_desktop.core.exchange.pieces import UnusualError, parse_in_pieces
from followup_desktop.core.exchange.schema import (
    FORMAT_NAME,
    FORMAT_VERSION,
    TABLES,
    _row_checks,
    _row_validator,
    _shallow_validator,
)
from followup_desktop.core.exchange.tables import gc_paused
from followup_desktop.core.files import read_limited
from followup_desktop.core.i18n import _

# The format nests five levels (file, table, row, a setting's object, a list in it);
# anything much deeper is not an export. Checked right after parsing, before any schema
# check or recursive walk could run out of stack on it.
MAX_NESTING: Final = 32
# Measured: an export of 10,000 opportunities is about 60 MB. Far beyond that is not an
# export, and reading it would only exhaust memory.
MAX_EXPORT_BYTES: Final = 1_000_000_000


class _DuplicateKeys(dict[str, Any]):
    """An object in which a key appeared more than once (JSON's last-wins would hide it)."""

    duplicate: str = ""


class _NotJsonConstantError(ValueError):
    pass


def _reject_constant(name: str) -> None:
    raise _NotJsonConstantError(name)


# An escaped NUL: \u0000 preceded by an even number of backslashes (``\\u0000`` is a
# backslash and the letters u0000, which is harmless text).
_NUL_ESCAPE = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


def _check_nesting(document: Any) -> None:
    """Refuse a document whose arrays and objects nest deeper than :data:`MAX_NESTING`.

    Level by level, without recursion: 0.15 s for a 17 MB export of 3,000 opportunities
    (parsing it takes 3.7 s). Scanning the raw text for brackets instead cost 0.7 s there.
    Anything deeper than Python's parser can hold never gets here (see parse_export).
    """
    level = [document] if isinstance(document, dict | list) else []
    depth = 0
    while level:
        depth += 1
        if depth > MAX_NESTING:
            raise _too_deep()
        below: list[Any] = []
        for node in level:
            values = node.values() if isinstance(node, dict) else node
            below += [value for value in values if isinstance(value, dict | list)]
        level = below


def _too_deep() -> ImportFormatError:
    return ImportFormatError(
        _(
            "arrays and objects are nested more than {limit} levels deep; a Followup export "
            "nests five. This is not an export file, or it is damaged."
        ).format(limit=MAX_NESTING)
    )


def _holds_nul(node: object) -> bool:
    return (isinstance(node, str) and "\x00" in node) or (
        isinstance(node, dict) and any("\x00" in key for key in node)
    )


# How much of a file is decoded or searched at a time: one call on 60 MB held the
# interpreter lock for 150 ms (a frozen window while an import ran on the worker); a
# megabyte takes 2 ms.
DECODE_CHUNK = 1 << 20


def parse_export(payload: bytes) -> Any:
    """Decode and parse an export file's bytes, with line and column on a syntax error.

    Read a piece at a time (see :mod:`.pieces`) so that the worker never keeps the
    window waiting; a file that is not an export's shape, or not valid, is read whole,
    which words what is wrong.
    """
    duplicates: list[_DuplicateKeys] = []

    def build_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(pairs)
        if len(result) == len(pairs):
            return result
        marked = _DuplicateKeys(result)
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                marked.duplicate = key
                break
            seen.add(key)
        duplicates.append(marked)
        return marked

    decoder = json.JSONDecoder(object_pairs_hook=build_object, parse_constant=_reject_constant)
    try:
        with gc_paused():
            document = parse_in_pieces(payload, decoder, duplicates, DECODE_CHUNK)
    except UnusualError:
        del duplicates[:]
        document = _parse_whole(payload, decoder)
    _check_nesting(document)
    # The plain substring test first: the pattern has no literal to skip ahead by, so on
    # a large export it ran for seconds holding the GIL (the window froze meanwhile).
    if _mentions_nul(payload) and _NUL_ESCAPE.search(payload):
        location = _find(document, _holds_nul)
        raise ImportFormatError(
            _(
                "this text contains a NUL character (\\u0000), which is not text and cannot "
                "be stored; remove it."
            ),
            json_path(location or ()),
        )
    if duplicates:
        location = _find(document, lambda node: node is duplicates[0])
        raise ImportFormatError(
            _("the key {key} appears more than once in this object; keep only one of them.").format(
                key=repr(duplicates[0].duplicate)
            ),
            json_path(location or ()),
        )
    return document


def _mentions_nul(payload: bytes) -> bool:
    """Whether the file holds the escape ``\\u0000`` anywhere, a chunk at a time."""
    needle = b"\\u0000"
    return any(
        payload.find(needle, start, start + DECODE_CHUNK + len(needle) - 1) >= 0
        for start in range(0, len(payload), DECODE_CHUNK)
    )


def _parse_whole(payload: bytes, decoder: json.JSONDecoder) -> Any:
    """The file read the ordinary way, with every problem in words (only for a file
    that is not an export's shape, or not valid: rare, so decoded in one go)."""
    try:
        # A byte order mark is tolerated: some editors add one when saving.
        text = payload.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFormatError(
            _(
                "the file is not UTF-8 text (undecodable byte at offset {offset}). Export "
                "again from Followup, or save the file as UTF-8."
            ).format(offset=error.start)
        ) from None
    # Not text.strip(): on an export of 60 MB that copies the whole text while holding
    # the interpreter lock.
    if not text or text.isspace():
        raise ImportFormatError(
            _("the file is empty. Choose the file that Followup's export wrote.")
        )
    try:
        with gc_paused():
            return decoder.decode(text)
    except json.JSONDecodeError as error:
        raise ImportFormatError(
            _(
                "the file is not valid JSON: {problem} at line {line}, column {column}. Fix "
                "the file there, or export it again from Followup."
            ).format(problem=error.msg, line=error.lineno, column=error.colno)
        ) from None
    except RecursionError:
        # Nested deeper than the parser's stack (about a thousand levels).
        raise _too_deep() from None
    except _NotJsonConstantError as error:
        raise ImportFormatError(
            _(
                "the file contains {word}, which JSON does not allow; write a number or null "
                "instead."
            ).format(word=error.args[0])
        ) from None


def _check_top_level(document: Any) -> None:
    if not isinstance(document, dict):
        raise ImportFormatError(
            _(
                "the file holds {found}, not a Followup export: an export is a JSON object "
                'that starts with {{"format": "followup", "version": 1, ...}}.'
            ).format(found=_json_type(document))
        )
    if "format" not in document:
        raise ImportFormatError(
            _(
                'there is no "format" field, so this is not a Followup export. Choose a file '
                "written by Followup's export."
            ),
            "$.format",
        )
    if document["format"] != FORMAT_NAME:
        raise ImportFormatError(
            _(
                'the format is {found}, not "followup": this file was not written by '
                "Followup's export."
            ).format(found=_json_type(document["format"])),
            "$.format",
        )
    if "version" not in document:
        raise ImportFormatError(
            _('there is no "version" field; a Followup export names its format version.'),
            "$.version",
        )
    version = document["version"]
    if type(version) is not int:
        raise ImportFormatError(
            _("the format version must be a whole number, not {found}.").format(
                found=_json_type(version)
            ),
            "$.version",
        )
    if version > FORMAT_VERSION:
        raise ImportFormatError(
            _(
                "this file has format version {version} and was written by a newer Followup; "
                "this one reads versions up to {newest}. Update Followup to import it."
            ).format(version=version, newest=FORMAT_VERSION),
            "$.version",
        )
    if version < 1:
        raise ImportFormatError(
            _("format version {version} does not exist; versions start at 1.").format(
                version=version
            ),
            "$.version",
        )
    problem = next(iter(_shallow_validator().iter_errors(document)), None)
    if problem is not None:
        raise _explain(problem, [])


def _check_rows(document: Mapping[str, Any]) -> None:
    checks = _row_checks()
    for table in TABLES:
        check = checks[table]
        for index, row in enumerate(document[table]):
            if not check(row):
                problem = next(iter(_row_validator(table).iter_errors(row)), None)
                if problem is None:  # the compiled form is stricter than the schema: a bug
                    raise AssertionError(f"compiled schema disagrees on {table}[{index}]")
                raise _explain(problem, [table, index])


def check_document(document: Any) -> None:
    """Raise :class:`ImportFormatError` where ``document`` breaks the schema, if anywhere."""
    _check_top_level(document)
    _check_rows(document)


def read_export(path: Path) -> Any:
    """The parsed contents of an export file (not yet validated)."""
    return parse_export(read_limited(path, MAX_EXPORT_BYTES, "Followup export"))


__all__ = ["MAX_EXPORT_BYTES", "MAX_NESTING", "check_document", "parse_export", "read_export"]
