"""The whole database as versioned JSON: export, strict validation, atomic import.

The format is described in ``docs/data-format.md`` and by the JSON Schema shipped in
``core/schema/``. The package is split by room; this module gathers the public names so
callers import from ``followup_desktop.core.exchange`` as before:

* :mod:`.schema` loads the schema and compiles it into plain Python predicates, one per
  row type (jsonschema is too slow to run over every row); :mod:`.tables` knows the
  columns of each table in file order and how values are stored.
* :mod:`.export` writes a **deterministic** document: rows ordered by primary key,
  instants in UTC with a trailing ``Z``, nested JSON with sorted keys, no timestamp, so
  export → import → export gives the same bytes.
* :mod:`.check` parses a file and holds it to the schema; :mod:`.explain` says what is
  wrong at the exact JSONPath.
* :mod:`.prepare` checks what the schema cannot express (references, uniqueness, values)
  and builds the rows in storage form. **Nothing is written until everything is
  checked**: the service (``FollowupService.import_export``) then replaces the tables in
  one transaction, with ``executemany`` on those rows (SQLAlchemy's per-row parameter
  processing alone cost more than SQLite itself); any error leaves the database as it was.
"""

from __future__ import annotations

from followup_desktop.core.exchange.check import (
    MAX_EXPORT_BYTES,
    MAX_NESTING,
    parse_export,
    read_export,
)
from followup_desktop.core.exchange.explain import json_path
from followup_desktop.core.exchange.export import export_data, export_database, render_export
from followup_desktop.core.exchange.prepare import (
    EVERYTHING_CHANGED,
    ImportConflictError,
    ImportResult,
    validate_export,
)
from followup_desktop.core.exchange.schema import (
    FORMAT_NAME,
    FORMAT_VERSION,
    NOT_EXPORTED,
    SCHEMA_FILE,
    TABLES,
    export_schema,
    row_matches_schema,
)
from followup_desktop.core.exchange.tables import (
    SECRET_SETTING_NAMES,
    gc_paused,
    instant_to_text,
    iter_tables,
    release_gradually,
    table_counts,
)

__all__ = [
    "EVERYTHING_CHANGED",
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "MAX_EXPORT_BYTES",
    "MAX_NESTING",
    "NOT_EXPORTED",
    "SCHEMA_FILE",
    "SECRET_SETTING_NAMES",
    "TABLES",
    "ImportConflictError",
    "ImportResult",
    "export_data",
    "export_database",
    "export_schema",
    "gc_paused",
    "instant_to_text",
    "iter_tables",
    "json_path",
    "parse_export",
    "read_export",
    "release_gradually",
    "render_export",
    "row_matches_schema",
    "table_counts",
    "validate_export",
]
