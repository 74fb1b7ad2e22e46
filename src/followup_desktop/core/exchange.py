"""The whole database as versioned JSON: export, strict validation, atomic import.

The format is described in ``docs/data-format.md`` and by the JSON Schema shipped in
``core/schema/``. Four choices shape this module:

* **Deterministic output.** Rows are ordered by primary key, keys follow the column
  order of the format, instants are written in UTC with a trailing ``Z``, and nested JSON
  values (settings, playbook overrides) have their keys sorted. There is no timestamp in
  the data, so export → import → export gives the same bytes.
* **Nothing is written until everything is checked.** A file is parsed, validated against
  the schema, and every reference, uniqueness rule and value is checked in Python before
  one transaction replaces the tables; any error leaves the database as it was.
* **The schema is the authority, but jsonschema is too slow to run over every row**
  (measured on the 2-core reference machine: 210 µs a row, about 40 s for the 194,000
  rows of a 10,000-opportunity export). The schema is therefore compiled once into plain
  Python predicates, one per row type, that accept exactly what the schema accepts (a
  test holds them to jsonschema): 1.7 µs a row. jsonschema runs on the top level and on
  the one row that failed, to give a precise message and path.
* **Bulk writes without per-row ORM work.** The INSERT statements are built with
  SQLAlchemy Core, but executed with ``executemany`` on values already in SQLite's
  storage form: SQLAlchemy's per-row parameter processing alone cost about 11 µs a row
  (more than SQLite itself) and would have doubled the time of a large import.
"""

from __future__ import annotations

import contextlib
import gc
import json
import operator
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Final

import sqlalchemy as sa
from jsonschema import Draft202012Validator, validators
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from followup_desktop.core import validation
from followup_desktop.core.db import Database
from followup_desktop.core.errors import FollowupError, ImportFormatError, ValidationError
from followup_desktop.core.files import read_limited
from followup_desktop.core.messages.account import ACCOUNT_SETTING, EmailAccount
from followup_desktop.core.models import Base
from followup_desktop.core.playbook import replan_report
from followup_desktop.core.playbook.settings import SETTINGS_KEY, settings_from
from followup_desktop.core.sqltypes import UTCDateTime
from followup_desktop.core.timeutil import check_zone_name, is_zone_name, utcnow

FORMAT_NAME: Final = "followup"
FORMAT_VERSION: Final = 1
SCHEMA_FILE: Final = "followup-export-v1.schema.json"
# The format nests five levels (file, table, row, a setting's object, a list in it);
# anything much deeper is not an export. Checked right after parsing, before any schema
# check or recursive walk could run out of stack on it.
MAX_NESTING: Final = 32
# Measured: an export of 10,000 opportunities is about 60 MB. Far beyond that is not an
# export, and reading it would only exhaust memory.
MAX_EXPORT_BYTES: Final = 1_000_000_000

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

# Secrets live in the system keyring, never in the database. Should a setting that *is*
# a secret ever appear (``smtp.password``), export leaves it out and import refuses it.
# Only the last dotted segment is compared, so a flag such as ``smtp.password_saved`` is
# an ordinary setting.
SECRET_SETTING_NAMES: Final = frozenset(
    {"password", "passwd", "secret", "token", "api_key", "apikey", "credentials"}
)


class ImportConflictError(FollowupError):
    """The target database already holds data, and replacing it was not asked for."""


@dataclass(frozen=True)
class ImportResult:
    """What an import stored: rows per table, and the backup taken before replacing.

    ``unplanned`` names the opportunities (None: the global settings) whose facts the
    playbook could not plan, with why; they keep the actions the file gave them.
    """

    counts: dict[str, int]
    backup: Path | None
    unplanned: Mapping[int | None, str] = field(default_factory=dict)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small containers.

    Parsing and checking a large export creates millions of dicts and tuples, none of
    them garbage; the collector kept re-scanning them and made parsing take 1.8 times
    as long. Reference counting still frees everything as usual. The switch is
    process-wide: a concurrent user may find it re-enabled early, which costs only time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# ---------------------------------------------------------------------------------------
# The schema, and its compiled form
# ---------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------
# Tables: columns, storage conversions, SQL
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _TableSpec:
    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]
    instants: tuple[int, ...]
    dates: tuple[int, ...]
    jsons: tuple[int, ...]
    bools: tuple[int, ...]
    insert_sql: str
    select_sql: str
    delete_sql: str


def _positions(table: sa.Table, columns: Sequence[str], kind: type[Any]) -> tuple[int, ...]:
    """Where in ``columns`` the columns of SQL type ``kind`` are."""
    return tuple(
        position
        for position, column in enumerate(columns)
        if isinstance(table.c[column].type, kind)
    )


@cache
def _specs() -> tuple[_TableSpec, ...]:
    schema = export_schema()
    dialect = sa.create_engine("sqlite://").dialect
    specs = []
    for name in TABLES:
        table = Base.metadata.tables[name]
        definition = schema["$defs"][_definition_name(name)]
        columns = tuple(definition["properties"])
        if set(columns) != set(table.c.keys()):
            raise RuntimeError(
                f"the export schema and the model disagree on {name}: "
                f"{sorted(set(columns) ^ set(table.c.keys()))}"
            )
        lightweight = sa.table(name, *(sa.column(column) for column in columns))
        insert = sa.insert(lightweight).compile(dialect=dialect, column_keys=list(columns))
        if tuple(insert.positiontup or ()) != columns:
            raise RuntimeError(f"unexpected parameter order for {name}")
        key = tuple(column.name for column in table.primary_key.columns)
        # Untyped columns: rows come back in storage form and are converted here
        # (SQLAlchemy's result processing tripled the time of a large export).
        select = (
            sa.select(*(sa.column(column) for column in columns))
            .select_from(sa.table(name))
            .order_by(*(sa.column(column) for column in key))
            .compile(dialect=dialect)
        )
        specs.append(
            _TableSpec(
                name=name,
                columns=columns,
                key=key,
                instants=_positions(table, columns, UTCDateTime),
                dates=_positions(table, columns, sa.Date),
                jsons=_positions(table, columns, sa.JSON),
                bools=_positions(table, columns, sa.Boolean),
                insert_sql=str(insert),
                select_sql=str(select),
                delete_sql=str(sa.delete(lightweight).compile(dialect=dialect)),
            )
        )
    return tuple(specs)


def instant_to_text(moment: datetime) -> str:
    """An aware instant as the format writes it: UTC, ``Z``, microseconds only if any."""
    if moment.tzinfo is not UTC:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"naive datetime {moment.isoformat()} has no time zone")
        moment = moment.astimezone(UTC)
    return moment.replace(tzinfo=None).isoformat() + "Z"


def _instant_from_storage(stored: object) -> str:
    """What :class:`UTCDateTime` stored (naive UTC text) → the format's ``...Z`` text."""
    if isinstance(stored, str) and len(stored) == 26 and stored[10] == " " and stored[19] == ".":
        # The shape SQLAlchemy writes, every time: slicing is 3 times faster than parsing.
        if stored.endswith("000000"):
            return f"{stored[:10]}T{stored[11:19]}Z"
        return f"{stored[:10]}T{stored[11:]}Z"
    moment = stored if isinstance(stored, datetime) else datetime.fromisoformat(str(stored))
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat() + "Z"


def _instant_to_storage(text: str) -> str:
    """ISO 8601 with an offset → the naive-UTC text :class:`UTCDateTime` stores in SQLite.

    The result is the text SQLAlchemy's SQLite ``DateTime`` writes (a test compares them).
    """
    moment = datetime.fromisoformat(text)  # also rejects 2026-02-30 and 25:00
    if moment.tzinfo is None:  # the schema's pattern demands an offset; belt and braces
        raise ValueError("no offset")
    if text[-1] == "Z":
        # Every instant Followup writes: UTC already, so slicing beats three conversions
        # (190,000 instants in a large import). The pattern fixed the positions.
        return f"{text[:10]} {text[11:19]}.{text[20:-1].ljust(6, '0')}"
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _canonical_json(value: Any) -> Any:
    """``value`` with every object's keys sorted, so nested settings export stably."""
    if isinstance(value, dict):
        return {key: _canonical_json(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_canonical_json(item) for item in value]
    return value


# ---------------------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------------------


def _date_from_storage(stored: object) -> str:
    return date.fromisoformat(str(stored)).isoformat()


def _json_from_storage(stored: object) -> Any:
    return _canonical_json(json.loads(stored) if isinstance(stored, str | bytes) else stored)


def _export_converters(spec: _TableSpec) -> list[tuple[int, Callable[[Any], Any]]]:
    """(position, converter) for each column not already in the format's form."""
    converters: list[tuple[int, Callable[[Any], Any]]] = []
    converters += [(position, _instant_from_storage) for position in spec.instants]
    converters += [(position, _date_from_storage) for position in spec.dates]
    converters += [(position, _json_from_storage) for position in spec.jsons]
    converters += [(position, bool) for position in spec.bools]
    return converters


def _is_secret_setting(key: str) -> bool:
    return key.rsplit(".", 1)[-1].lower() in SECRET_SETTING_NAMES


def _export_rows(connection: Connection, spec: _TableSpec) -> list[dict[str, Any]]:
    converters = _export_converters(spec)
    columns = spec.columns
    # Plain tuples straight from the driver, in the session's transaction: SQLAlchemy's
    # row objects and result processing would double the time of a large export.
    driver = connection.connection.dbapi_connection
    assert driver is not None
    cursor = driver.cursor()
    try:
        cursor.execute(spec.select_sql)
        fetched = cursor.fetchall()
    finally:
        cursor.close()
    rows = []
    for raw in fetched:
        values = list(raw)
        for position, convert in converters:
            value = values[position]
            if value is not None:
                values[position] = convert(value)
        rows.append(dict(zip(columns, values, strict=True)))
    if spec.name == "settings":
        rows = [row for row in rows if not _is_secret_setting(row["key"])]
    return rows


def export_data(session: Session) -> dict[str, Any]:
    """The whole database as a format-version-1 document (plain JSON-ready values).

    Reads in the session's transaction, after flushing its pending changes, so the
    document is one consistent snapshot.
    """
    session.flush()
    connection = session.connection()
    data: dict[str, Any] = {"format": FORMAT_NAME, "version": FORMAT_VERSION}
    with gc_paused():
        for spec in _specs():
            data[spec.name] = _export_rows(connection, spec)
    return data


def render_export(data: Mapping[str, Any]) -> bytes:
    """The document as UTF-8 JSON text: one row per line, stable, diff-friendly."""
    encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False, check_circular=False).encode
    parts = [
        "{\n",
        f'  "format": {encode(data["format"])},\n',
        f'  "version": {encode(data["version"])},\n',
    ]
    for position, table in enumerate(TABLES):
        rows = data[table]
        if rows:
            body = ",\n".join(f"    {encode(row)}" for row in rows)
            parts.append(f'  "{table}": [\n{body}\n  ]')
        else:
            parts.append(f'  "{table}": []')
        parts.append(",\n" if position < len(TABLES) - 1 else "\n")
    parts.append("}\n")
    return "".join(parts).encode("utf-8")


def _write_atomically(path: Path, payload: bytes) -> None:
    """Write ``payload`` to ``path`` owner-only, so a reader sees the old or new file."""
    path = path.expanduser().absolute()
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
    )
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        Path(temporary).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        raise
    # Make the rename itself durable; not every platform can open a folder.
    with contextlib.suppress(OSError):
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def export_database(db: Database, path: Path) -> dict[str, int]:
    """Write the whole database to ``path`` (atomically, mode 0o600); rows per table."""
    with db.session() as session:
        data = export_data(session)
    try:
        _write_atomically(path, render_export(data))
    except OSError as error:
        raise FollowupError(
            f"Cannot write the export to {path}: {error.strerror}. "
            "Check that the folder exists and is writable, or choose another file."
        ) from error
    return {table: len(data[table]) for table in TABLES}


# ---------------------------------------------------------------------------------------
# Reading and validating a file
# ---------------------------------------------------------------------------------------

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


class _DuplicateKeys(dict[str, Any]):
    """An object in which a key appeared more than once (JSON's last-wins would hide it)."""

    duplicate: str = ""


class _NotJsonConstantError(ValueError):
    pass


def _reject_constant(name: str) -> None:
    raise _NotJsonConstantError(name)


# An escaped NUL: \u0000 preceded by an even number of backslashes (``\\u0000`` is a
# backslash and the letters u0000, which is harmless text).
_NUL_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")


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
        f"arrays and objects are nested more than {MAX_NESTING} levels deep; a Followup "
        "export nests five. This is not an export file, or it is damaged."
    )


def _holds_nul(node: object) -> bool:
    return (isinstance(node, str) and "\x00" in node) or (
        isinstance(node, dict) and any("\x00" in key for key in node)
    )


def parse_export(payload: bytes) -> Any:
    """Decode and parse an export file's bytes, with line and column on a syntax error."""
    try:
        # A byte order mark is tolerated: some editors add one when saving.
        text = payload.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFormatError(
            f"the file is not UTF-8 text (undecodable byte at offset {error.start}). "
            "Export again from Followup, or save the file as UTF-8."
        ) from None
    if not text.strip():
        raise ImportFormatError("the file is empty. Choose the file that Followup's export wrote.")
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

    try:
        with gc_paused():
            document = json.loads(
                text, object_pairs_hook=build_object, parse_constant=_reject_constant
            )
    except json.JSONDecodeError as error:
        raise ImportFormatError(
            f"the file is not valid JSON: {error.msg} at line {error.lineno}, column "
            f"{error.colno}. Fix the file there, or export it again from Followup."
        ) from None
    except RecursionError:
        # Nested deeper than the parser's stack (about a thousand levels).
        raise _too_deep() from None
    except _NotJsonConstantError as error:
        raise ImportFormatError(
            f"the file contains {error.args[0]}, which JSON does not allow; "
            "write a number or null instead."
        ) from None
    _check_nesting(document)
    # The plain substring test first: the pattern has no literal to skip ahead by, so on
    # a large export it ran for seconds holding the GIL (the window froze meanwhile).
    if "\\u0000" in text and _NUL_ESCAPE.search(text):
        location = _find(document, _holds_nul)
        raise ImportFormatError(
            "this text contains a NUL character (\\u0000), which is not text and cannot be "
            "stored; remove it.",
            json_path(location or ()),
        )
    if duplicates:
        location = _find(document, lambda node: node is duplicates[0])
        raise ImportFormatError(
            f"the key {duplicates[0].duplicate!r} appears more than once in this object; "
            "keep only one of them.",
            json_path(location or ()),
        )
    return document


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


def _check_top_level(document: Any) -> None:
    if not isinstance(document, dict):
        raise ImportFormatError(
            f"the file holds {_json_type(document)}, not a Followup export: an export is a "
            'JSON object that starts with {"format": "followup", "version": 1, ...}.'
        )
    if "format" not in document:
        raise ImportFormatError(
            'there is no "format" field, so this is not a Followup export. Choose a file '
            "written by Followup's export.",
            "$.format",
        )
    if document["format"] != FORMAT_NAME:
        raise ImportFormatError(
            f'the format is {_json_type(document["format"])}, not "followup": this file was '
            "not written by Followup's export.",
            "$.format",
        )
    if "version" not in document:
        raise ImportFormatError(
            'there is no "version" field; a Followup export names its format version.',
            "$.version",
        )
    version = document["version"]
    if type(version) is not int:
        raise ImportFormatError(
            f"the format version must be a whole number, not {_json_type(version)}.",
            "$.version",
        )
    if version > FORMAT_VERSION:
        raise ImportFormatError(
            f"this file has format version {version} and was written by a newer Followup; "
            f"this one reads versions up to {FORMAT_VERSION}. Update Followup to import it.",
            "$.version",
        )
    if version < 1:
        raise ImportFormatError(
            f"format version {version} does not exist; versions start at 1.", "$.version"
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


# ---------------------------------------------------------------------------------------
# Checks beyond the schema, and conversion to storage form
# ---------------------------------------------------------------------------------------

# Which table each reference points at, in the order the checks run.
_REFERENCES: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "opportunities": (("stage_id", "stages"), ("referrer_id", "contacts")),
    "stage_changes": (
        ("opportunity_id", "opportunities"),
        ("from_stage_id", "stages"),
        ("to_stage_id", "stages"),
    ),
    "opportunity_contacts": (("opportunity_id", "opportunities"), ("contact_id", "contacts")),
    "interviews": (("opportunity_id", "opportunities"),),
    "interview_participants": (("interview_id", "interviews"), ("contact_id", "contacts")),
    "debriefs": (("interview_id", "interviews"),),
    "stumbled_questions": (("debrief_id", "debriefs"),),
    "actions": (
        ("opportunity_id", "opportunities"),
        ("interview_id", "interviews"),
        ("contact_id", "contacts"),
    ),
    "correspondence": (
        ("opportunity_id", "opportunities"),
        ("contact_id", "contacts"),
        ("action_id", "actions"),
    ),
    "reminder_deliveries": (("action_id", "actions"),),
}

# Values that must be unique within a table besides the primary key (as in the database;
# rows where any part is null are exempt, as SQLite exempts them).
_UNIQUE: Final[dict[str, tuple[tuple[str, ...], ...]]] = {
    "stages": (("name",),),
    "interviews": (("ical_uid",),),
    "debriefs": (("interview_id",),),
    "actions": (("opportunity_id", "plan_key"),),
    "reminder_deliveries": (("action_id", "due_at"),),
}

_SINGULAR = {
    "settings": "setting",
    "stages": "stage",
    "contacts": "contact",
    "opportunities": "opportunity",
    "stage_changes": "stage change",
    "opportunity_contacts": "contact link",
    "interviews": "interview",
    "interview_participants": "panel member",
    "debriefs": "debrief",
    "stumbled_questions": "question",
    "actions": "action",
    "correspondence": "message",
    "reminder_deliveries": "reminder delivery",
}


def _bad_instant(text: str, path: list[str | int]) -> ImportFormatError:
    return ImportFormatError(
        f"{text!r} is not a real date and time (check the day, the hour and the offset); "
        "write it like 2026-11-23T08:30:00Z.",
        json_path(path),
    )


def _check_date(text: str, path: list[str | int]) -> None:
    try:
        date.fromisoformat(text)
    except ValueError:
        raise ImportFormatError(
            f"{text!r} is not a real calendar day; write it as YYYY-MM-DD.", json_path(path)
        ) from None


def _json_to_storage(value: Any, path: list[str | int]) -> str:
    try:
        # Not ASCII-escaped, so a lone surrogate fails at the insert like other text.
        return json.dumps(value, ensure_ascii=False, allow_nan=False)
    except ValueError:  # only reachable from Python callers: a file cannot hold NaN
        raise ImportFormatError(
            "holds NaN or Infinity, which JSON cannot represent; use a number or null.",
            json_path(path),
        ) from None


@contextlib.contextmanager
def _as_format_error(table: str, index: int) -> Iterator[None]:
    """Report the service layer's own field checks at the row's JSON path."""
    try:
        yield
    except ValidationError as error:
        raise ImportFormatError(
            str(error), json_path([table, index, error.field or "id"])
        ) from None


@dataclass
class _Prepared:
    rows: dict[str, list[tuple[Any, ...]]]


class _Preparer:
    """Checks what the schema cannot express and builds rows in storage form."""

    def __init__(self) -> None:
        # table -> primary key -> index of the row in the file
        self.keys: dict[str, dict[Any, int]] = {}
        self.interview_opportunity: dict[int, int] = {}

    def prepare(self, document: Mapping[str, Any]) -> _Prepared:
        prepared: dict[str, list[tuple[Any, ...]]] = {}
        for spec in _specs():
            prepared[spec.name] = self._table(spec, document[spec.name])
        return _Prepared(prepared)

    def _table(  # noqa: PLR0912
        self, spec: _TableSpec, rows: list[dict[str, Any]]
    ) -> list[tuple[Any, ...]]:
        # The hot loop of an import (200,000 rows for 10,000 opportunities): lookups are
        # hoisted into locals and itemgetter does the per-row field picking in C.
        table = spec.name
        columns = spec.columns
        fetch = operator.itemgetter(*columns)
        fetch_key = operator.itemgetter(*spec.key)
        references = [
            (column, self.keys[target], target) for column, target in _REFERENCES.get(table, ())
        ]
        uniques: list[tuple[list[int], tuple[str, ...], dict[tuple[Any, ...], int]]] = [
            ([columns.index(column) for column in group], group, {})
            for group in _UNIQUE.get(table, ())
        ]
        instants, dates, jsons = spec.instants, spec.dates, spec.jsons
        to_storage = _instant_to_storage
        seen: dict[Any, int] = {}
        self.keys[table] = seen
        output: list[tuple[Any, ...]] = []
        special = getattr(self, f"_check_{table}", None)
        for index, row in enumerate(rows):
            key = fetch_key(row)
            if key in seen:
                raise self._duplicate(table, index, spec.key, key, seen[key])
            seen[key] = index
            for column, targets, target in references:
                value = row[column]
                if value is not None and value not in targets:
                    raise ImportFormatError(
                        f"refers to {_SINGULAR[target]} {value}, which is not in "
                        f"$.{target}. Add that {_SINGULAR[target]} or correct the id.",
                        json_path([table, index, column]),
                    )
            values = list(fetch(row))
            for position in instants:
                text = values[position]
                if text is not None:
                    try:
                        values[position] = to_storage(text)
                    except (ValueError, OverflowError):
                        raise _bad_instant(text, [table, index, columns[position]]) from None
            for position in dates:
                if values[position] is not None:
                    _check_date(values[position], [table, index, columns[position]])
            for position in jsons:
                values[position] = _json_to_storage(
                    values[position], [table, index, columns[position]]
                )
            # After conversion, so 09:30+01:00 and 08:30Z count as the same instant.
            for positions, group, found in uniques:
                unique = tuple(values[position] for position in positions)
                if None in unique:
                    continue
                if unique in found:
                    shown = tuple(row[column] for column in group)
                    raise self._duplicate(table, index, group, shown, found[unique])
                found[unique] = index
            if special is not None:
                special(row, index)
            output.append(tuple(values))
        return output

    @staticmethod
    def _duplicate(
        table: str, index: int, columns: Sequence[str], value: Any, first: int
    ) -> ImportFormatError:
        shown = value if isinstance(value, tuple) else (value,)
        described = ", ".join(
            f"{column} {item!r}" for column, item in zip(columns, shown, strict=True)
        )
        return ImportFormatError(
            f"a second {_SINGULAR[table]} with {described}; the first is "
            f"{json_path([table, first])}. Each must be unique: remove or renumber one.",
            json_path([table, index, columns[0]]),
        )

    def _check_settings(self, row: Mapping[str, Any], index: int) -> None:
        value = row["value"]
        # SQLite gives the JSON column numeric affinity: a bare number is stored as an
        # SQLite number, and one beyond 64 bits would silently become an inexact float.
        if type(value) is int and not -(2**63) <= value < 2**63:
            raise ImportFormatError(
                f"the number {value} is too large for a setting (at most 19 digits); "
                "write it as text in quotes if it is an identifier.",
                json_path(["settings", index, "value"]),
            )
        key = row["key"]
        location: list[str | int] = ["settings", index, "value"]
        try:
            if key == SETTINGS_KEY and value is not None:
                # The same checks as the Settings dialog: "seven" or -3 days are refused
                # here, not discovered by the planner after the import.
                settings_from(value)
            elif key == ACCOUNT_SETTING and value is not None:
                EmailAccount.from_json(value)
        except ValidationError as error:
            field: list[str | int] = (
                [error.field] if error.field and error.field != SETTINGS_KEY else []
            )
            raise ImportFormatError(str(error), json_path(location + field)) from None
        if _is_secret_setting(row["key"]):
            raise ImportFormatError(
                f"the setting {row['key']!r} would hold a secret. Followup keeps passwords "
                "and tokens in the system keyring, never in its database or exports; "
                "remove this setting from the file.",
                json_path(["settings", index, "key"]),
            )

    def _check_contacts(self, row: Mapping[str, Any], index: int) -> None:
        with _as_format_error("contacts", index):
            validation.email(row["email"])

    def _check_opportunities(self, row: Mapping[str, Any], index: int) -> None:
        with _as_format_error("opportunities", index):
            validation.salary_range(row["salary_min"], row["salary_max"])
            validation.url(row["link"])

    def _check_interviews(self, row: Mapping[str, Any], index: int) -> None:
        self.interview_opportunity[row["id"]] = row["opportunity_id"]
        with _as_format_error("interviews", index):
            validation.interview_times(
                datetime.fromisoformat(row["starts_at"]), datetime.fromisoformat(row["ends_at"])
            )
        if not is_zone_name(row["timezone"]):
            try:
                check_zone_name(row["timezone"])
            except ValidationError as error:
                raise ImportFormatError(
                    str(error), json_path(["interviews", index, "timezone"])
                ) from None

    def _check_debriefs(self, row: Mapping[str, Any], index: int) -> None:
        with _as_format_error("debriefs", index):
            validation.preparedness(row["preparedness"])

    def _check_actions(self, row: Mapping[str, Any], index: int) -> None:
        interview = row["interview_id"]
        if interview is None:
            return
        owner = self.interview_opportunity[interview]
        if row["opportunity_id"] != owner:
            raise ImportFormatError(
                f"the action is about interview {interview}, which belongs to opportunity "
                f"{owner}, but the action names opportunity {row['opportunity_id']}. "
                "Make them agree.",
                json_path(["actions", index, "opportunity_id"]),
            )


def validate_export(document: Any) -> None:
    """Raise :class:`ImportFormatError` at the first problem in ``document``, if any."""
    _prepare(document)


def _prepare(document: Any) -> _Prepared:
    with gc_paused():
        _check_top_level(document)
        _check_rows(document)
        return _Preparer().prepare(document)


def read_export(path: Path) -> Any:
    """The parsed contents of an export file (not yet validated)."""
    return parse_export(read_limited(path, MAX_EXPORT_BYTES, "Followup export"))


# ---------------------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------------------


def _describe_existing(connection: Connection) -> str | None:
    opportunities = connection.exec_driver_sql("SELECT count(*) FROM opportunities").scalar_one()
    contacts = connection.exec_driver_sql("SELECT count(*) FROM contacts").scalar_one()
    if not opportunities and not contacts:
        return None
    return f"{opportunities} opportunities and {contacts} contacts"


def import_data(
    db: Database,
    document: Any,
    *,
    replace: bool = False,
    now: datetime | None = None,
    plan: bool = True,
) -> ImportResult:
    """Replace the database's content with ``document``, all or nothing, then re-plan.

    Without ``replace`` the database must hold no opportunities and no contacts (a new
    database: its default stages and settings are replaced by the file's). With
    ``replace`` a backup is taken first, then everything is replaced.

    The imported facts are planned in the same transaction (at ``now``, the current time
    by default), keeping what the file says the person did: done, dismissed and snoozed
    actions and hand-moved due times. An opportunity the playbook cannot plan (an override
    it does not know, an interview that ends before it starts, ...) is imported as it is
    and named in ``unplanned``. ``plan=False`` stores the file exactly as it is and plans
    nothing (to check what the format holds).
    """
    prepared = _prepare(document)
    backup = db.backup("before-import") if replace else None
    try:
        with db.engine.begin() as connection:
            if not replace:
                existing = _describe_existing(connection)
                if existing is not None:
                    raise ImportConflictError(
                        f"The database {db.path} already holds {existing}, and an import "
                        "replaces everything. Run the import again with --replace to "
                        "replace it (a backup is taken first), or import into a new "
                        "database with --db."
                    )
            for spec in reversed(_specs()):
                connection.exec_driver_sql(spec.delete_sql)
            for spec in _specs():
                rows = prepared.rows[spec.name]
                if rows:
                    connection.exec_driver_sql(spec.insert_sql, rows)
            unplanned = _replan_imported(connection, now) if plan else {}
    except sa.exc.IntegrityError as error:
        # The checks above mirror every constraint of the schema, so this is a bug; still,
        # the transaction has rolled back and the person deserves a sentence, not a trace.
        raise ImportFormatError(
            f"the database refused the data ({error.orig}); nothing was imported. Followup "
            "should have caught this while checking the file: please report it."
        ) from error
    except UnicodeEncodeError:
        # A lone UTF-16 surrogate (an escape like \ud800 in the file) is not text and
        # cannot be stored; the transaction has rolled back. Rare enough to look for only now.
        location = _find(document, _has_lone_surrogate)
        raise ImportFormatError(
            "this text contains a lone UTF-16 surrogate escape (\\ud800-\\udfff without its "
            "pair), which is not a character. Remove it or complete the pair.",
            json_path(location or ()),
        ) from None
    return ImportResult({table: len(prepared.rows[table]) for table in TABLES}, backup, unplanned)


def _replan_imported(connection: Connection, now: datetime | None) -> Mapping[int | None, str]:
    """Plan everything just imported, inside the import's own transaction."""
    with Session(bind=connection) as session:
        try:
            report = replan_report(session, None, now or utcnow(), skip_invalid=True)
        except OverflowError:
            # A valid instant at the very end of the calendar (9999-12-31T23:59+14:00 is
            # allowed) leaves no room to plan after it; found by the import fuzzing test.
            # Raised inside the import's transaction, so nothing is kept.
            raise ImportFormatError(
                "a date in the file is so close to the end of the calendar (year 9999) "
                "that nothing can be planned after it; check the dates and times."
            ) from None
        session.flush()
    return report.problems


def _has_lone_surrogate(node: object) -> bool:
    if not isinstance(node, str):
        return False
    try:
        node.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def import_database(
    db: Database, path: Path, *, replace: bool = False, now: datetime | None = None
) -> ImportResult:
    """Import the export file ``path`` into ``db`` and plan it (see :func:`import_data`)."""
    return import_data(db, read_export(path), replace=replace, now=now)


def table_counts(db: Database) -> dict[str, int]:
    """Rows per exported table (for checks, tests and the command line's summary)."""
    with db.engine.connect() as connection:
        return {
            spec.name: connection.execute(
                sa.select(sa.func.count()).select_from(sa.table(spec.name))
            ).scalar_one()
            for spec in _specs()
        }


def iter_tables() -> Iterator[tuple[str, tuple[str, ...]]]:
    """Each exported table with its fields in file order (for docs and tests)."""
    for spec in _specs():
        yield spec.name, spec.columns


__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "SECRET_SETTING_NAMES",
    "TABLES",
    "ImportConflictError",
    "ImportResult",
    "export_data",
    "export_database",
    "export_schema",
    "gc_paused",
    "import_data",
    "import_database",
    "instant_to_text",
    "iter_tables",
    "json_path",
    "parse_export",
    "read_export",
    "render_export",
    "row_matches_schema",
    "table_counts",
    "validate_export",
]
