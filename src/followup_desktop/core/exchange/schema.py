"""The format's schema: the JSON Schema shipped in ``core/schema/``, and its compiled form.

jsonschema is too slow to run over every row (measured on the 2-core reference machine:
210 µs a row, about 40 s for the 194,000 rows of a 10,000-opportunity export). The schema
is therefore compiled once into plain Python predicates, one per row type, that accept
exactly what the schema accepts (a test holds them to jsonschema): 1.7 µs a row.
jsonschema runs on the top level and on the one row that failed, to give a precise
message and path (:mod:`.explain`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from functools import cache
from importlib import resources
from typing import Any, Final

from jsonschema import Draft202012Validator, validators

FORMAT_NAME: Final = "followup"
FORMAT_VERSION: Final = 1
SCHEMA_FILE: Final = "followup-export-v1.schema.json"

# Parents before children: the order rows are inserted in and tables appear in the file.
TABLES: Final[tuple[str, ...]] = (
    "settings",
    "stages",
    "contacts",
    "opportunities",
    "stage_changes",
    "opportunity_contacts",
    "interviews",
    "interview_participants",
    "debriefs",
    "stumbled_questions",
    "actions",
    "correspondence",
    "reminder_deliveries",
)
# Not part of the format: a debrief draft is unfinished typing on this computer, not
# data about the search (a submitted debrief is exported with its interview).
NOT_EXPORTED: Final = frozenset({"debrief_drafts"})


def _integer(_checker: object, instance: object) -> bool:
    # JSON Schema lets 1.0 pass as an integer; Followup's ids and counts are written as
    # integers, so a float there means a hand-edited or foreign file.
    return type(instance) is int


_Validator = validators.extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _integer),
)


@cache
def export_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the current format version."""
    text = (resources.files("followup_desktop.core") / "schema" / SCHEMA_FILE).read_text(
        encoding="utf-8"
    )
    schema: dict[str, Any] = json.loads(text)
    return schema


def _definition_name(table: str) -> str:
    reference: str = export_schema()["properties"][table]["items"]["$ref"]
    return reference.removeprefix("#/$defs/")


@cache
def _shallow_validator() -> Any:
    """A validator for the top level only: tables must be arrays, rows are not visited."""
    schema = json.loads(json.dumps(export_schema()))
    for table in TABLES:
        del schema["properties"][table]["items"]
    return _Validator(schema)


@cache
def _row_validator(table: str) -> Any:
    """A jsonschema validator for one row of ``table`` (used to explain a failure)."""
    schema = export_schema()
    return _Validator({"$defs": schema["$defs"], "$ref": f"#/$defs/{_definition_name(table)}"})


_ANNOTATIONS = frozenset({"description", "title", "$comment", "examples"})
_FIELD_KEYWORDS = _ANNOTATIONS | {
    "$ref",
    "type",
    "enum",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "pattern",
}
_ROW_KEYWORDS = _ANNOTATIONS | {"type", "properties", "required", "additionalProperties"}
_TYPE_TESTS = {
    "null": "v is None",
    "boolean": "type(v) is bool",
    "integer": "type(v) is int",
    "number": "type(v) in (int, float)",
    "string": "type(v) is str",
    "object": "isinstance(v, dict)",
    "array": "isinstance(v, list)",
}


class _RowCompiler:
    """Turns the schema's row definitions into Python predicates.

    Only the keywords the format uses are supported; anything else raises at start-up,
    so the schema cannot gain a rule the fast path would silently skip.
    """

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self.definitions: Mapping[str, Any] = schema["$defs"]
        self.namespace: dict[str, Any] = {}

    def _constant(self, value: object) -> str:
        name = f"_c{len(self.namespace)}"
        self.namespace[name] = value
        return name

    def _resolve(self, schema: Mapping[str, Any]) -> Mapping[str, Any]:
        while "$ref" in schema:
            extra = set(schema) - _ANNOTATIONS - {"$ref"}
            if extra:
                raise NotImplementedError(f"$ref beside {sorted(extra)} is not compiled")
            reference: str = schema["$ref"]
            if not reference.startswith("#/$defs/"):
                raise NotImplementedError(f"only local $defs references: {reference}")
            schema = self.definitions[reference.removeprefix("#/$defs/")]
        return schema

    def field(self, schema: Mapping[str, Any]) -> str:
        """A Python expression over ``v`` that is true when ``v`` matches ``schema``."""
        schema = self._resolve(schema)
        unknown = set(schema) - _FIELD_KEYWORDS
        if unknown:
            raise NotImplementedError(f"schema keywords not compiled: {sorted(unknown)}")
        declared = schema.get("type")
        types = (
            list(_TYPE_TESTS)
            if declared is None
            else [declared]
            if isinstance(declared, str)
            else list(declared)
        )
        alternatives = []
        for kind in types:
            tests = [_TYPE_TESTS[kind]]
            if kind in ("integer", "number"):
                if "minimum" in schema:
                    tests.append(f"v >= {self._constant(schema['minimum'])}")
                if "maximum" in schema:
                    tests.append(f"v <= {self._constant(schema['maximum'])}")
            if kind == "string":
                if "minLength" in schema:
                    tests.append(f"len(v) >= {self._constant(schema['minLength'])}")
                if "maxLength" in schema:
                    tests.append(f"len(v) <= {self._constant(schema['maxLength'])}")
                if "pattern" in schema:
                    pattern = re.compile(schema["pattern"])
                    tests.append(f"{self._constant(pattern)}.search(v) is not None")
            alternatives.append(" and ".join(tests))
        expression = "True" if declared is None else " or ".join(f"({a})" for a in alternatives)
        if "enum" in schema:
            values = schema["enum"]
            if not all(value is None or isinstance(value, str) for value in values):
                raise NotImplementedError("only enums of strings (and null) are compiled")
            # The type guard keeps unhashable values (lists, objects) away from ``in``.
            expression = (
                f"({expression}) and (v is None or type(v) is str) "
                f"and v in {self._constant(frozenset(values))}"
            )
        if declared is None and set(schema) - _ANNOTATIONS - {"enum"}:
            raise NotImplementedError("constraints without a type are not compiled")
        return expression

    def row(self, name: str, schema: Mapping[str, Any]) -> Callable[[Any], bool]:
        """A predicate that is true when a row matches the object ``schema``."""
        schema = self._resolve(schema)
        unknown = set(schema) - _ROW_KEYWORDS
        if unknown or schema.get("type") != "object":
            raise NotImplementedError(f"row schema {name}: cannot compile {sorted(unknown)}")
        properties: Mapping[str, Any] = schema.get("properties", {})
        required = list(schema.get("required", []))
        closed = schema.get("additionalProperties", True) is False
        lines = [f"def check_{name}(row):", "    if not isinstance(row, dict): return False"]
        if closed and set(required) == set(properties):
            lines.append(
                f"    if row.keys() != {self._constant(frozenset(properties))}: return False"
            )
        else:
            if required:
                lines.append(
                    f"    if not {self._constant(frozenset(required))} <= row.keys(): return False"
                )
            if closed:
                lines.append(
                    f"    if not row.keys() <= {self._constant(frozenset(properties))}:"
                    " return False"
                )
        for key, subschema in properties.items():
            expression = self.field(subschema)
            if expression == "True":
                continue
            indent = "    "
            if key not in required:
                lines.append(f"    if {key!r} in row:")
                indent = "        "
            lines.append(f"{indent}v = row[{key!r}]")
            lines.append(f"{indent}if not ({expression}): return False")
        lines.append("    return True")
        source = "\n".join(lines)
        # Generated from our own packaged schema only; values enter through the namespace,
        # never as source text, and keys are inserted with repr().
        exec(compile(source, f"<followup schema: {name}>", "exec"), self.namespace)  # noqa: S102
        check: Callable[[Any], bool] = self.namespace[f"check_{name}"]
        return check


@cache
def _row_checks() -> dict[str, Callable[[Any], bool]]:
    schema = export_schema()
    compiler = _RowCompiler(schema)
    return {table: compiler.row(table, schema["properties"][table]["items"]) for table in TABLES}


def row_matches_schema(table: str, row: object) -> bool:
    """Whether ``row`` is a valid row of ``table`` by the compiled schema (for tests)."""
    return _row_checks()[table](row)


__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "NOT_EXPORTED",
    "SCHEMA_FILE",
    "TABLES",
    "export_schema",
    "row_matches_schema",
]
