"""A seeded mutator over a valid export: the cases the import fuzzing test runs.

Each case starts from the same valid document and changes one thing the way a damaged
file, a careless edit or a hostile one would: a key deleted, a value of the wrong type,
nesting far beyond the format, a huge or NUL-laden string, an impossible date, a
dangling reference, a setting out of range, raw bytes cut short. The mutator is
deterministic for a seed, so a failing case can be replayed by its number.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

Document = dict[str, Any]


@dataclass(frozen=True)
class Case:
    """One mutated file: its class (for the counts), what was done, and the bytes."""

    kind: str
    description: str
    payload: bytes


def _rows(document: Document, rng: random.Random) -> list[tuple[str, int, dict[str, Any]]]:
    found = [
        (table, index, row)
        for table, rows in document.items()
        if isinstance(rows, list)
        for index, row in enumerate(rows)
        if isinstance(row, dict)
    ]
    rng.shuffle(found)
    return found


def _pick_field(document: Document, rng: random.Random) -> tuple[str, int, dict[str, Any], str]:
    table, index, row = next(
        (table, index, row) for table, index, row in _rows(document, rng) if row
    )
    return table, index, row, rng.choice(sorted(row))


_DEEP = "__nested_this_deep__"


_WRONG_TYPES: tuple[Any, ...] = (
    None,
    True,
    -1,
    0,
    2**70,
    1.5,
    "seven",
    "",
    [],
    {},
    [1, 2],
    {"a": 1},
)
_BAD_DATES = (
    "2026-02-30T10:00:00Z",
    "2026-13-01T10:00:00Z",
    "2026-11-23T25:00:00Z",
    "2026-11-23T10:00:00",
    "23/11/2026",
    "yesterday",
    "0000-01-01T00:00:00Z",
    "9999-12-31T23:59:59+14:00",
    "2026-11-23",
    "2026-11-23T10:00:00+25:00",
)
_BAD_SETTINGS: tuple[Any, ...] = (
    {"thank_you_hours": "seven"},
    {"thank_you_hours": -3},
    {"no_timeline_follow_up_days": 0},
    {"no_timeline_follow_up_days": 1e300},
    {"timezone": "localtime"},
    {"timezone": "posix/Europe/Berlin"},
    {"timezone": "Factory"},
    {"working_days": []},
    {"working_hours_start": "25:00"},
    {"working_hours_start": "17:00", "working_hours_end": "09:00"},
    {"unknown_setting": 1},
    "seven",
    [1, 2, 3],
)


def _delete_key(document: Document, rng: random.Random) -> str:
    if rng.random() < 0.2:
        key = rng.choice(sorted(document))
        del document[key]
        return f"top-level key {key!r} deleted"
    table, index, row, field = _pick_field(document, rng)
    del row[field]
    return f"{table}[{index}].{field} deleted"


def _change_type(document: Document, rng: random.Random) -> str:
    table, index, row, field = _pick_field(document, rng)
    row[field] = copy.deepcopy(rng.choice(_WRONG_TYPES))
    return f"{table}[{index}].{field} = {row[field]!r}"


def _deep_nesting(document: Document, rng: random.Random) -> str:
    depth = rng.choice((33, 100, 1_000, 5_000, 50_000))
    # A marker, replaced by the brackets in the written text: Python's own encoder
    # cannot write what is nested this deep, but a file can hold it.
    marker = f"{_DEEP}{depth}"
    if rng.random() < 0.5 and document.get("settings"):
        document["settings"][0]["value"] = marker
        return f"settings[0].value nested {depth} deep"
    table, index, row, field = _pick_field(document, rng)
    row[field] = marker
    return f"{table}[{index}].{field} nested {depth} deep"


def _expand_deep(payload: bytes) -> bytes:
    start = payload.find(b'"' + _DEEP.encode())
    if start < 0:
        return payload
    end = payload.index(b'"', start + 1)
    depth = int(payload[start + 1 + len(_DEEP) : end])
    nested = b'{"n": ' * (depth // 2) + b"[" * (depth - depth // 2)
    closing = b"]" * (depth - depth // 2) + b"}" * (depth // 2)
    return payload[:start] + nested + b"1" + closing + payload[end + 1 :]


def _huge_string(document: Document, rng: random.Random) -> str:
    table, index, row, field = _pick_field(document, rng)
    size = rng.choice((201, 10_001, 1_000_000, 8_000_000))
    row[field] = rng.choice("aé🚀<") * size
    return f"{table}[{index}].{field} = {size} characters"


def _nul(document: Document, rng: random.Random) -> str:
    table, index, row, field = _pick_field(document, rng)
    value = row[field]
    row[field] = (value if isinstance(value, str) else "x") + "\x00tail"
    return f"{table}[{index}].{field} holds NUL"


def _wrong_date(document: Document, rng: random.Random) -> str:
    candidates = [
        (table, index, row, field)
        for table, index, row in _rows(document, rng)
        for field in row
        if field.endswith(("_at", "_until", "date"))
    ]
    table, index, row, field = rng.choice(candidates)
    row[field] = rng.choice(_BAD_DATES)
    return f"{table}[{index}].{field} = {row[field]!r}"


def _dangling_reference(document: Document, rng: random.Random) -> str:
    candidates = [
        (table, index, row, field)
        for table, index, row in _rows(document, rng)
        for field in row
        if field.endswith("_id") and row[field] is not None
    ]
    table, index, row, field = rng.choice(candidates)
    row[field] = rng.choice((10**9, -1, row[field] + 100_000))
    return f"{table}[{index}].{field} = {row[field]!r}"


def _duplicate_row(document: Document, rng: random.Random) -> str:
    table, index, row = next(
        (table, index, row) for table, index, row in _rows(document, rng) if "id" in row
    )
    document[table].append(copy.deepcopy(row))
    return f"{table}[{index}] repeated"


def _bad_setting(document: Document, rng: random.Random) -> str:
    # The global playbook setting is refused; an opportunity's overrides are imported and
    # the opportunity named as not planned (tests/test_playbook_followthrough.py).
    value = copy.deepcopy(rng.choice(_BAD_SETTINGS))
    document["settings"] = [row for row in document["settings"] if row.get("key") != "playbook"] + [
        {"key": "playbook", "value": value}
    ]
    document["settings"].sort(key=lambda row: row["key"])
    return f"playbook setting = {value!r}"


def _unknown_key(document: Document, rng: random.Random) -> str:
    table, index, row, _field = _pick_field(document, rng)
    row["<img src=x>"] = "extra"
    return f"{table}[{index}] has an unknown key"


def _harmless(document: Document, rng: random.Random) -> str:
    # Changes a valid file can carry: these must import, fully.
    opportunities = document["opportunities"]
    index = rng.randrange(len(opportunities))
    choice = rng.randrange(4)
    if choice == 0:
        opportunities[index]["company"] = '<img src="x">\u202eevil & Co'
    elif choice == 1:
        opportunities[index]["notes"] = "🚀 עברית العربية\r\n\t" * rng.randint(1, 50)
    elif choice == 2:
        opportunities[index]["playbook_overrides"] = {"no_timeline_follow_up_days": 10}
    else:
        opportunities[index]["role"] = "x" * 200
    return f"opportunities[{index}] harmless change {choice}"


_TREE_MUTATIONS: dict[str, Callable[[Document, random.Random], str]] = {
    "delete key": _delete_key,
    "wrong type": _change_type,
    "deep nesting": _deep_nesting,
    "huge string": _huge_string,
    "NUL": _nul,
    "wrong date": _wrong_date,
    "dangling reference": _dangling_reference,
    "duplicate row": _duplicate_row,
    "bad setting": _bad_setting,
    "unknown key": _unknown_key,
    "valid change": _harmless,
}


def _byte_case(payload: bytes, rng: random.Random) -> tuple[str, bytes]:
    choice = rng.randrange(6)
    if choice == 0:
        cut = rng.randrange(len(payload))
        return f"cut at byte {cut}", payload[:cut]
    if choice == 1:
        spot = rng.randrange(len(payload))
        return f"byte {spot} flipped", payload[:spot] + bytes([payload[spot] ^ 0xFF]) + payload[
            spot + 1 :
        ]
    if choice == 2:
        return "UTF-16", payload.decode("utf-8").encode("utf-16")
    if choice == 3:
        return "duplicate key", payload.replace(
            b'"format": "followup"', b'"format": "followup", "format": "x"', 1
        )
    if choice == 4:
        return "NaN", payload.replace(b'"version": 1', b'"version": NaN', 1)
    return "lone surrogate", payload.replace(
        b'"format": "followup"', b'"format": "followup", "x": "\\ud800"', 1
    )


def cases(document: Document, count: int, seed: int = 16) -> Iterator[Case]:
    """``count`` mutated files of ``document``, the same ones for the same seed."""
    rng = random.Random(seed)  # noqa: S311 - reproducible cases, not secrets
    kinds = [*_TREE_MUTATIONS, "raw bytes"]
    original = json.dumps(document, ensure_ascii=False).encode()
    for number in range(count):
        kind = kinds[number % len(kinds)]
        if kind == "raw bytes":
            description, payload = _byte_case(original, rng)
            yield Case(kind, description, payload)
            continue
        mutated = copy.deepcopy(document)
        description = _TREE_MUTATIONS[kind](mutated, rng)
        payload = json.dumps(mutated, ensure_ascii=rng.random() < 0.5).encode()
        yield Case(kind, description, _expand_deep(payload))
