"""Importing an export: every check the schema cannot express, then the rows to store.

Nothing is written until everything is checked: a file is parsed, validated against the
schema (:mod:`.check`), and every reference, uniqueness rule and value is checked here
and turned into SQLite's storage form (:func:`prepare`, which only reads the document).
The service then replaces the tables with those rows in one transaction
(``FollowupService.import_export``); any error leaves the database as it was.
"""

from __future__ import annotations

import contextlib
import json
import operator
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from followup_desktop.core import validation
from followup_desktop.core.change import Change
from followup_desktop.core.errors import FollowupError, ImportFormatError, ValidationError
from followup_desktop.core.exchange.check import check_document
from followup_desktop.core.exchange.explain import json_path
from followup_desktop.core.exchange.tables import (
    _instant_to_storage,
    _is_secret_setting,
    _specs,
    _TableSpec,
    gc_paused,
)
from followup_desktop.core.i18n import _
from followup_desktop.core.settings_registry import check_setting, declared
from followup_desktop.core.timeutil import check_zone_name, is_zone_name

if TYPE_CHECKING:
    pass

# An import replaces every table: every view refreshes everything.
EVERYTHING_CHANGED: Final = Change(
    entities=frozenset({"opportunity", "contact", "interview", "debrief", "action", "stage"})
)


class ImportConflictError(FollowupError):
    """The target database already holds data, and replacing it was not asked for."""


@dataclass(frozen=True)
class ImportResult:
    """What an import stored: rows per table, and the backup taken before replacing.

    ``unplanned`` names the opportunities (None: the global settings) whose facts the
    playbook could not plan, with why; they keep the actions the file gave them.
    ``change`` is what the views refresh: everything, since every table was replaced.
    """

    counts: dict[str, int]
    backup: Path | None
    unplanned: Mapping[int | None, str] = field(default_factory=dict)
    change: Change = EVERYTHING_CHANGED


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
    "settings": _("setting"),
    "stages": _("stage"),
    "contacts": _("contact"),
    "opportunities": _("opportunity"),
    "stage_changes": _("stage change"),
    "opportunity_contacts": _("contact link"),
    "interviews": _("interview"),
    "interview_participants": _("panel member"),
    "debriefs": _("debrief"),
    "stumbled_questions": _("question"),
    "actions": _("action"),
    "correspondence": _("message"),
    "reminder_deliveries": _("reminder delivery"),
}


def _bad_instant(text: str, path: list[str | int]) -> ImportFormatError:
    return ImportFormatError(
        _(
            "{text} is not a real date and time (check the day, the hour and the offset); "
            "write it like 2026-11-23T08:30:00Z."
        ).format(text=repr(text)),
        json_path(path),
    )


def _check_date(text: str, path: list[str | int]) -> None:
    try:
        date.fromisoformat(text)
    except ValueError:
        raise ImportFormatError(
            _("{text} is not a real calendar day; write it as YYYY-MM-DD.").format(text=repr(text)),
            json_path(path),
        ) from None


def _json_to_storage(value: Any, path: list[str | int]) -> str:
    try:
        # Not ASCII-escaped, so a lone surrogate fails at the insert like other text.
        return json.dumps(value, ensure_ascii=False, allow_nan=False)
    except ValueError:  # only reachable from Python callers: a file cannot hold NaN
        raise ImportFormatError(
            _("holds NaN or Infinity, which JSON cannot represent; use a number or null."),
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
class Prepared:
    """Every table's rows in storage form, in the order they are inserted."""

    rows: dict[str, list[tuple[Any, ...]]]


class _Preparer:
    """Checks what the schema cannot express and builds rows in storage form."""

    def __init__(self) -> None:
        # table -> primary key -> index of the row in the file
        self.keys: dict[str, dict[Any, int]] = {}
        self.interview_opportunity: dict[int, int] = {}

    def prepare(self, document: Mapping[str, Any]) -> Prepared:
        prepared: dict[str, list[tuple[Any, ...]]] = {}
        for spec in _specs():
            prepared[spec.name] = self._table(spec, document[spec.name])
        return Prepared(prepared)

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
        optional = spec.optional
        for index, row in enumerate(rows):
            for column in optional:
                # A file from before the column existed: the column's null.
                row.setdefault(column, None)
            key = fetch_key(row)
            if key in seen:
                raise self._duplicate(table, index, spec.key, key, seen[key])
            seen[key] = index
            for column, targets, target in references:
                value = row[column]
                if value is not None and value not in targets:
                    raise ImportFormatError(
                        _(
                            "refers to {thing} {value}, which is not in {table}. Add it there "
                            "or correct the id."
                        ).format(thing=_SINGULAR[target], value=value, table=f"$.{target}"),
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
            _(
                "a second {thing} with {values}; the first is {first}. Each must be unique: "
                "remove or renumber one."
            ).format(thing=_SINGULAR[table], values=described, first=json_path([table, first])),
            json_path([table, index, columns[0]]),
        )

    def _check_settings(self, row: Mapping[str, Any], index: int) -> None:
        value = row["value"]
        # SQLite gives the JSON column numeric affinity: a bare number is stored as an
        # SQLite number, and one beyond 64 bits would silently become an inexact float.
        if type(value) is int and not -(2**63) <= value < 2**63:
            raise ImportFormatError(
                _(
                    "the number {value} is too large for a setting (at most 19 digits); write "
                    "it as text in quotes if it is an identifier."
                ).format(value=value),
                json_path(["settings", index, "value"]),
            )
        key = row["key"]
        if _is_secret_setting(key):
            raise ImportFormatError(
                _(
                    "the setting {key} would hold a secret. Followup keeps passwords and "
                    "tokens in the system keyring, never in its database or exports; remove "
                    "this setting from the file."
                ).format(key=repr(key)),
                json_path(["settings", index, "key"]),
            )
        # The same checks as FollowupService.set_setting (and so the Settings dialog):
        # an unknown key, or "seven" or -3 days, is refused here, not discovered later.
        try:
            declared(key)
        except ValidationError as error:
            raise ImportFormatError(str(error), json_path(["settings", index, "key"])) from None
        location: list[str | int] = ["settings", index, "value"]
        try:
            check_setting(key, value)
        except ValidationError as error:
            field: list[str | int] = [error.field] if error.field and error.field != key else []
            raise ImportFormatError(str(error), json_path(location + field)) from None

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
                _(
                    "the action is about interview {interview}, which belongs to opportunity "
                    "{owner}, but the action names opportunity {named}. Make them agree."
                ).format(interview=interview, owner=owner, named=row["opportunity_id"]),
                json_path(["actions", index, "opportunity_id"]),
            )


def validate_export(document: Any) -> None:
    """Raise :class:`ImportFormatError` at the first problem in ``document``, if any."""
    prepare(document)


def prepare(document: Any) -> Prepared:
    """Check ``document`` completely and build its rows in storage form; writes nothing."""
    with gc_paused():
        check_document(document)
        return _Preparer().prepare(document)


def has_lone_surrogate(node: object) -> bool:
    """True for text holding a lone UTF-16 surrogate, which SQLite cannot store."""
    if not isinstance(node, str):
        return False
    try:
        node.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


__all__ = [
    "EVERYTHING_CHANGED",
    "ImportConflictError",
    "ImportResult",
    "Prepared",
    "has_lone_surrogate",
    "prepare",
    "validate_export",
]
