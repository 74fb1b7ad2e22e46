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
from followup_desktop.core.i18n import _

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
        return _("the number {value}").format(value=repr(value))
    if isinstance(value, str):
        return _("the text {value}").format(value=_shorten(value))
    if isinstance(value, list):
        return _("a list")
    return _("an object")


_TYPE_NAMES = {
    "null": "null",
    "boolean": _("true or false"),
    "integer": _("a whole number"),
    "number": _("a number"),
    "string": _("text"),
    "object": _("an object"),
    "array": _("a list"),
}


def _explain(error: Any, prefix: Sequence[str | int]) -> ImportFormatError:
    """Turn a jsonschema error into a message a person can act on, at the exact path."""
    path: list[str | int] = [*prefix, *error.absolute_path]
    explain = _EXPLANATIONS.get(error.validator)
    if explain is None:
        return ImportFormatError(f"{error.message}.", json_path(path))  # jsonschema's English
    message, field = explain(error.instance, error.validator_value, error.schema)
    return ImportFormatError(message, json_path(path if field is None else [*path, field]))


_Explanation = tuple[str, str | None]


def _explain_required(instance: Any, required: Any, _schema: Any) -> _Explanation:
    missing = next(key for key in required if key not in instance)
    return (
        _(
            "this field is missing. Every field of format version {version} is required; "
            "write null where a value is unknown and the field allows it, or [] for an empty "
            "table."
        ).format(version=FORMAT_VERSION),
        missing,
    )


def _explain_unknown(instance: Any, _value: Any, schema: Any) -> _Explanation:
    allowed = schema.get("properties", {})
    extra = next(key for key in instance if key not in allowed)
    return (
        _(
            "unknown field {field}: format version {version} has no such field. Followup "
            "refuses unknown fields rather than dropping them silently; remove it, or check "
            "the spelling."
        ).format(field=repr(extra), version=FORMAT_VERSION),
        extra,
    )


def _explain_type(instance: Any, expected: Any, _schema: Any) -> _Explanation:
    names = [expected] if isinstance(expected, str) else list(expected)
    words = [_TYPE_NAMES.get(name, name) for name in names]
    wanted = words[0]
    for word in words[1:]:
        wanted = _("{first} or {second}").format(first=wanted, second=word)
    return _("must be {wanted}, not {found}.").format(
        wanted=wanted, found=_json_type(instance)
    ), None


def _explain_enum(instance: Any, choices: Any, _schema: Any) -> _Explanation:
    listed = ", ".join("null" if value is None else repr(value) for value in choices)
    return _("{found} is not allowed here; use one of {choices}.").format(
        found=_json_type(instance), choices=listed
    ), None


def _explain_min_length(_instance: Any, limit: Any, _schema: Any) -> _Explanation:
    if limit == 1:
        return _("must not be empty."), None
    return _("must be at least {limit} characters long.").format(limit=limit), None


def _explain_max_length(instance: Any, limit: Any, _schema: Any) -> _Explanation:
    return (
        _(
            "is {length} characters long; at most {limit} are allowed. Shorten it (longer "
            "text belongs in the notes)."
        ).format(length=len(instance), limit=limit),
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
        _("is {value}; it must be at least {limit}.").format(value=instance, limit=limit),
        None,
    ),
    "maximum": lambda instance, limit, _schema: (
        _("is {value}; it must be at most {limit}.").format(value=instance, limit=limit),
        None,
    ),
    "minItems": lambda _instance, limit, _schema: (
        _(
            "must hold at least {limit} rows: a Followup database always has its board's stages."
        ).format(limit=limit),
        None,
    ),
}


def _shorten(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:37] + "...")


def _explain_pattern(pattern: str, value: str) -> str:
    if pattern == export_schema()["$defs"]["instant"]["pattern"]:
        if _NAIVE_INSTANT.fullmatch(value):
            return _(
                "the time {value} has no time zone offset, so the instant it means is "
                "unknown. Add one: Z for UTC (2026-11-23T08:30:00Z) or the local offset "
                "(2026-11-23T09:30:00+01:00)."
            ).format(value=_shorten(value))
        return _(
            "{value} is not an ISO 8601 date and time with an offset; write it like "
            "2026-11-23T08:30:00Z."
        ).format(value=_shorten(value))
    if pattern == export_schema()["$defs"]["date"]["pattern"]:
        return _("{value} is not a date written as YYYY-MM-DD (for example 2026-11-23).").format(
            value=_shorten(value)
        )
    return _("{value} does not have the expected form ({pattern}).").format(
        value=_shorten(value), pattern=pattern
    )


__all__ = ["json_path"]
