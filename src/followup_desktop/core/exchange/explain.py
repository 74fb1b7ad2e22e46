"""Messages a person can act on, at the exact JSONPath, for a file that is not an export.

jsonschema's own messages name schema keywords; :func:`_explain` turns its first error
into a sentence saying what is wrong and how to write it instead, and :func:`json_path`
names where (``$.opportunities[3].stage_id``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final

from followup_desktop.core.errors import ImportFormatError
from followup_desktop.core.exchange.schema import FORMAT_VERSION, export_schema

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NAIVE_INSTANT = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?"
)


def json_path(parts: Iterable[str | int]) -> str:
    """A JSONPath such as ``$.opportunities[3].stage_id`` for a path of keys and indexes."""
    text = "$"
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _IDENTIFIER.fullmatch(part):
            text += f".{part}"
        else:
            escaped = part.replace("\\", "\\\\").replace("'", "\\'")
            text += f"['{escaped}']"
    return text


def _find(node: Any, wanted: Callable[[Any], bool]) -> list[str | int] | None:
    """The path to the first node (depth-first, in document order) that ``wanted`` accepts."""
    stack: list[tuple[Any, list[str | int]]] = [(node, [])]
    while stack:
        current, path = stack.pop()
        if wanted(current):
            return path
        if isinstance(current, dict):
            children: Iterable[tuple[str | int, Any]] = current.items()
        elif isinstance(current, list):
            children = enumerate(current)
        else:
            continue
        stack.extend((child, [*path, key]) for key, child in reversed(list(children)))
    return None


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {_shorten(value)}"
    if isinstance(value, list):
        return "a list"
    return "an object"


_TYPE_NAMES = {
    "null": "null",
    "boolean": "true or false",
    "integer": "a whole number",
    "number": "a number",
    "string": "text",
    "object": "an object",
    "array": "a list",
}


def _explain(error: Any, prefix: Sequence[str | int]) -> ImportFormatError:
    """Turn a jsonschema error into a message a person can act on, at the exact path."""
    path: list[str | int] = [*prefix, *error.absolute_path]
    explain = _EXPLANATIONS.get(error.validator)
    if explain is None:
        return ImportFormatError(f"{error.message}.", json_path(path))
    message, field = explain(error.instance, error.validator_value, error.schema)
    return ImportFormatError(message, json_path(path if field is None else [*path, field]))


_Explanation = tuple[str, str | None]


def _explain_required(instance: Any, required: Any, _schema: Any) -> _Explanation:
    missing = next(key for key in required if key not in instance)
    return (
        "this field is missing. Every field of format version "
        f"{FORMAT_VERSION} is required; write null where a value is unknown and the field "
        "allows it, or [] for an empty table.",
        missing,
    )


def _explain_unknown(instance: Any, _value: Any, schema: Any) -> _Explanation:
    allowed = schema.get("properties", {})
    extra = next(key for key in instance if key not in allowed)
    return (
        f"unknown field {extra!r}: format version {FORMAT_VERSION} has no such field. "
        "Followup refuses unknown fields rather than dropping them silently; remove it, or "
        "check the spelling.",
        extra,
    )


def _explain_type(instance: Any, expected: Any, _schema: Any) -> _Explanation:
    names = [expected] if isinstance(expected, str) else list(expected)
    wanted = " or ".join(_TYPE_NAMES.get(name, name) for name in names)
    return f"must be {wanted}, not {_json_type(instance)}.", None


def _explain_enum(instance: Any, choices: Any, _schema: Any) -> _Explanation:
    listed = ", ".join("null" if value is None else repr(value) for value in choices)
    return f"{_json_type(instance)} is not allowed here; use one of {listed}.", None


def _explain_min_length(_instance: Any, limit: Any, _schema: Any) -> _Explanation:
    if limit == 1:
        return "must not be empty.", None
    return f"must be at least {limit} characters long.", None


def _explain_max_length(instance: Any, limit: Any, _schema: Any) -> _Explanation:
    return (
        f"is {len(instance)} characters long; at most {limit} are allowed. Shorten it "
        "(longer text belongs in the notes).",
        None,
    )


_EXPLANATIONS: Final[dict[str, Callable[[Any, Any, Any], _Explanation]]] = {
    "required": _explain_required,
    "additionalProperties": _explain_unknown,
    "type": _explain_type,
    "enum": _explain_enum,
    "pattern": lambda instance, pattern, _schema: (_explain_pattern(pattern, instance), None),
    "minLength": _explain_min_length,
    "maxLength": _explain_max_length,
    "minimum": lambda instance, limit, _schema: (
        f"is {instance}; it must be at least {limit}.",
        None,
    ),
    "maximum": lambda instance, limit, _schema: (
        f"is {instance}; it must be at most {limit}.",
        None,
    ),
    "minItems": lambda _instance, limit, _schema: (
        f"must hold at least {limit} row(s): a Followup database always has its board's stages.",
        None,
    ),
}


def _shorten(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:37] + "...")


def _explain_pattern(pattern: str, value: str) -> str:
    if pattern == export_schema()["$defs"]["instant"]["pattern"]:
        if _NAIVE_INSTANT.fullmatch(value):
            return (
                f"the time {_shorten(value)} has no time zone offset, so the instant it "
                "means is unknown. Add one: Z for UTC (2026-11-23T08:30:00Z) or the local "
                "offset (2026-11-23T09:30:00+01:00)."
            )
        return (
            f"{_shorten(value)} is not an ISO 8601 date and time with an offset; write it "
            "like 2026-11-23T08:30:00Z."
        )
    if pattern == export_schema()["$defs"]["date"]["pattern"]:
        return f"{_shorten(value)} is not a date written as YYYY-MM-DD (for example 2026-11-23)."
    return f"{_shorten(value)} does not have the expected form ({pattern})."


__all__ = ["json_path"]
