"""The dry run: a spreadsheet's rows turned into exactly what an import would do.

:func:`plan_import` reads the database (stages, opportunities, a remembered mapping)
but writes nothing. The :class:`ImportPlan` it returns lists every opportunity to
create, every change to an existing one, every duplicate skipped and every problem by
row number and column; :meth:`FollowupService.import_rows` writes that plan and nothing
else, in one transaction. A plan with problems is refused unless bad rows are to be
skipped, so a file is never half imported by accident.

Duplicates are found by the normalised posting link, else by company and role (case
and spacing aside), against the database and against earlier rows of the same file.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from followup_desktop.core import validation
from followup_desktop.core.db import Database
from followup_desktop.core.errors import ValidationError
from followup_desktop.core.fields import OPPORTUNITY_TEXT
from followup_desktop.core.i18n import _, ngettext
from followup_desktop.core.imports.dedupe import company_role_key, normalise_link, text_key
from followup_desktop.core.imports.formats import (
    FAMILIES,
    MAPPING_SETTING_PREFIX,
    Field,
    Format,
    check_mapping,
    format_by_family,
    guess_mapping,
    header_key,
    normalise_header,
    recognise,
)
from followup_desktop.core.imports.sheet import Sheet, read_sheet_file
from followup_desktop.core.imports.spreadsheet import unguard
from followup_desktop.core.imports.stages import (
    StageInfo,
    find_stage,
    guess_stage,
    stage_for_bucket,
)
from followup_desktop.core.imports.values import (
    CellError,
    parse_amount,
    parse_bool,
    parse_date_time,
    parse_link,
    parse_salary,
)
from followup_desktop.core.models import Opportunity, Setting, Stage, StageKind
from followup_desktop.core.timeutil import local_zone, utcnow

SAMPLE_DATES = 5
NOTHING = frozenset({"n/a", "na", "none", "null", "-", "\u2014", "\u2013"})
# The lengths the service stores (core.fields), checked per row so the dry run says so.
_TEXT_LIMITS = {
    name: OPPORTUNITY_TEXT[name].max_length for name in ("company", "role", "location", "source")
}


class DuplicatePolicy(enum.StrEnum):
    """What to do with a row that is already in the database."""

    SKIP = "skip"
    UPDATE = "update"
    KEEP_BOTH = "keep-both"


class RowAction(enum.StrEnum):
    """What the import does with one row."""

    CREATE = "create"
    UPDATE = "update"
    SKIP = "skip"


@dataclass(frozen=True)
class ImportOptions:
    """The choices a person makes before importing (all have safe defaults)."""

    format: str = "auto"
    mapping: Mapping[str, Field] = field(default_factory=dict)
    day_first: bool = False
    on_duplicate: DuplicatePolicy = DuplicatePolicy.SKIP
    skip_bad_rows: bool = False
    # A status as written in the file (any case) -> the name of one of the person's stages.
    stages: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RowProblem:
    """One thing wrong with one row, and what to fix."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("Row {row}, column {column}: {problem}").format(
                row=self.row, column=repr(self.column), problem=self.message
            )
        return _("Row {row}: {problem}").format(row=self.row, problem=self.message)


@dataclass(frozen=True)
class StageStep:
    """One entry of the stage history an import writes."""

    stage_id: int
    stage_name: str
    at: datetime
    note: str = ""


@dataclass(frozen=True)
class ContactDraft:
    """A person named on a row (LinkedIn's contact e-mail and phone)."""

    name: str
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class PlannedRow:
    """What happens to one row. ``fields`` are the opportunity fields to set (all of
    them for a creation, only the changed ones for an update); ``changes`` says each
    change in words as (field, before, after)."""

    row: int
    action: RowAction
    company: str
    role: str
    stage: StageInfo
    fields: Mapping[str, Any] = field(default_factory=dict)
    history: tuple[StageStep, ...] = ()
    created_at: datetime | None = None
    contact: ContactDraft | None = None
    existing_id: int | None = None
    reason: str = ""
    changes: tuple[tuple[str, str, str], ...] = ()

    def as_json(self) -> dict[str, Any]:
        """The row for ``--json``: what is done, to what, and why."""
        data: dict[str, Any] = {
            "row": self.row,
            "action": self.action.value,
            "company": self.company,
            "role": self.role,
            "stage": self.stage.name,
        }
        if self.existing_id is not None:
            data["opportunity_id"] = self.existing_id
        if self.reason:
            data["reason"] = self.reason
        if self.action is RowAction.CREATE:
            data["fields"] = {key: _jsonable(value) for key, value in self.fields.items()}
            data["history"] = [
                {"stage": step.stage_name, "at": step.at.isoformat()} for step in self.history
            ]
            if self.contact is not None:
                data["contact"] = {
                    "name": self.contact.name,
                    "email": self.contact.email,
                    "phone": self.contact.phone,
                }
        if self.action is RowAction.UPDATE:
            data["changes"] = [
                {"field": name, "from": before, "to": after} for name, before, after in self.changes
            ]
        return data


@dataclass(frozen=True)
class StageGuess:
    """How a status word of the file was read."""

    text: str
    stage: str
    recognised: bool
    rows: int


@dataclass(frozen=True)
class SampleDate:
    """A date cell and how it was read, shown back so a wrong day-first is caught."""

    row: int
    column: str
    text: str
    value: datetime


@dataclass(frozen=True)
class ImportPlan:
    """Everything an import would do; what the dry run prints and the import writes."""

    file_name: str
    format_key: str
    format_label: str
    encoding: str
    separator: str
    header: tuple[str, ...]
    mapping: Mapping[str, Field]
    mapping_key: str
    remember_mapping: bool
    day_first: bool
    policy: DuplicatePolicy
    skip_bad_rows: bool
    rows: tuple[PlannedRow, ...]
    problems: tuple[RowProblem, ...]
    stage_guesses: tuple[StageGuess, ...]
    sample_dates: tuple[SampleDate, ...]
    bad_rows: frozenset[int] = frozenset()

    def of(self, action: RowAction) -> list[PlannedRow]:
        """The planned rows with ``action``."""
        return [row for row in self.rows if row.action is action]

    @property
    def blocked(self) -> bool:
        """True when the file has problems and bad rows are not to be skipped."""
        return bool(self.problems) and not self.skip_bad_rows

    def summary(self) -> str:
        """One sentence: how many rows are created, updated, skipped and refused."""
        created = len(self.of(RowAction.CREATE))
        updated = len(self.of(RowAction.UPDATE))
        skipped = len(self.of(RowAction.SKIP))
        parts = [
            ngettext("{n} opportunity created", "{n} opportunities created", created).format(
                n=created
            ),
            ngettext("{n} updated", "{n} updated", updated).format(n=updated),
            ngettext("{n} duplicate skipped", "{n} duplicates skipped", skipped).format(n=skipped),
        ]
        if self.bad_rows:
            bad = len(self.bad_rows)
            parts.append(
                ngettext(
                    "{n} row with problems left out", "{n} rows with problems left out", bad
                ).format(n=bad)
            )
        return ", ".join(parts)

    def describe(self) -> list[str]:
        """The dry run in words, one line each."""
        from followup_desktop.core.localformat import day

        count = len(self.rows) + len(self.bad_rows)
        lines = [
            ngettext(
                "{file}: {format} ({encoding}, {separator}-separated), {n} row.",
                "{file}: {format} ({encoding}, {separator}-separated), {n} rows.",
                count,
            ).format(
                file=self.file_name,
                format=self.format_label,
                encoding=self.encoding,
                separator=_SEPARATOR_WORDS.get(self.separator, self.separator),
                n=count,
            )
        ]
        lines.append(_("Columns:"))
        for column, target in self.mapping.items():
            lines.append(f"  {column} → {target.value}")
        if self.sample_dates:
            lines.append(
                _("Dates read day first:") if self.day_first else _("Dates read month first:")
            )
            for sample in self.sample_dates:
                lines.append(
                    "  "
                    + _("row {row}, {column}: {text} → {day}").format(
                        row=sample.row,
                        column=sample.column,
                        text=repr(sample.text),
                        day=day(sample.value, year=True),
                    )
                )
        if self.stage_guesses:
            lines.append(_("Stages:"))
            for guess in self.stage_guesses:
                shown = repr(guess.text or _("(empty)"))
                line = (
                    ngettext("{text} → {stage}, {n} row", "{text} → {stage}, {n} rows", guess.rows)
                    if guess.recognised
                    else ngettext(
                        "{text} → {stage} (not recognised: check it), {n} row",
                        "{text} → {stage} (not recognised: check it), {n} rows",
                        guess.rows,
                    )
                )
                lines.append("  " + line.format(text=shown, stage=guess.stage, n=guess.rows))
        if self.problems:
            lines.append(_("Problems:"))
            lines.extend(f"  {problem}" for problem in self.problems)
        for action, title in (
            (RowAction.CREATE, _("Create ({n}):")),
            (RowAction.UPDATE, _("Update ({n}):")),
            (RowAction.SKIP, _("Skip ({n}):")),
        ):
            rows = self.of(action)
            if not rows:
                continue
            lines.append(title.format(n=len(rows)))
            for row in rows:
                lines.append("  " + _("row {row}: {text}").format(row=row.row, text=_row_text(row)))
        if self.blocked:
            lines.append(
                _(
                    "Nothing will be imported until the problems are fixed, or choose to "
                    "skip the rows with problems."
                )
            )
        else:
            lines.append(_("Result: {summary}.").format(summary=self.summary()))
        return lines

    def as_json(self) -> dict[str, Any]:
        """The plan for ``--json``."""
        return {
            "file": self.file_name,
            "format": self.format_key,
            "encoding": self.encoding,
            "separator": self.separator,
            "mapping": {column: target.value for column, target in self.mapping.items()},
            "day_first": self.day_first,
            "on_duplicate": self.policy.value,
            "sample_dates": [
                {"row": s.row, "column": s.column, "text": s.text, "date": s.value.isoformat()}
                for s in self.sample_dates
            ],
            "stages": [
                {"text": g.text, "stage": g.stage, "recognised": g.recognised, "rows": g.rows}
                for g in self.stage_guesses
            ],
            "problems": [
                {"row": p.row, "column": p.column, "message": p.message} for p in self.problems
            ],
            "rows": [row.as_json() for row in self.rows],
            "blocked": self.blocked,
        }


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


# The separator's name in the plan's words (the JSON keeps the English key).
_SEPARATOR_WORDS = {"comma": _("comma"), "semicolon": _("semicolon"), "tab": _("tab")}


def _row_text(row: PlannedRow) -> str:
    from followup_desktop.core.localformat import short_date

    title = f"{row.company} — {row.role}"
    if row.action is RowAction.CREATE:
        steps = ", ".join(f"{step.stage_name} {short_date(step.at)}" for step in row.history)
        if row.contact:
            return _("{title} ({steps}) with contact {contact}").format(
                title=title, steps=steps, contact=row.contact.name
            )
        return f"{title} ({steps})"
    if row.action is RowAction.UPDATE:
        changes = "; ".join(f"{name} {before!r} → {after!r}" for name, before, after in row.changes)
        return f"#{row.existing_id} {title}: {changes}"
    return f"{title}: {row.reason}"


@dataclass
class _Existing:
    """What the planner knows of an opportunity already stored."""

    id: int
    company: str
    role: str
    link: str
    location: str
    salary_min: int | None
    salary_max: int | None
    salary_currency: str
    source: str
    notes: str
    stage_id: int
    archived: bool


class _Index:
    """Finds duplicates among stored opportunities and rows planned so far."""

    def __init__(self) -> None:
        self.by_link: dict[str, tuple[int | None, int]] = {}
        self.by_key: dict[tuple[str, str], tuple[int | None, int]] = {}

    def add(self, link: str, company: str, role: str, ident: int | None, row: int) -> None:
        """Remember a stored opportunity (``ident``) or a planned row (``row``)."""
        normal = normalise_link(link)
        if normal:
            self.by_link.setdefault(normal, (ident, row))
        self.by_key.setdefault(company_role_key(company, role), (ident, row))

    def find(self, link: str, company: str, role: str) -> tuple[tuple[int | None, int], str] | None:
        """The stored id or earlier row this one duplicates, and why."""
        normal = normalise_link(link)
        if normal and normal in self.by_link:
            return self.by_link[normal], _("the same posting link")
        key = company_role_key(company, role)
        if key in self.by_key:
            return self.by_key[key], _("the same company and role")
        return None


def _resolve_format(sheet: Sheet, options: ImportOptions) -> Format | None:
    if options.format not in FAMILIES:
        raise ValidationError(
            _("Unknown format {format}; use one of: {formats}.").format(
                format=repr(options.format), formats=", ".join(FAMILIES)
            ),
            "format",
        )
    if options.format == "generic":
        return None
    if options.format == "auto":
        return recognise(sheet.header)
    found = format_by_family(options.format, sheet.header)
    if found is None:
        raise ValidationError(
            _(
                "The file's columns ({columns}) are not those of a {format} export. Choose "
                "--format auto or generic, and map the columns."
            ).format(columns=", ".join(sheet.header), format=options.format),
            "format",
        )
    return found


def resolve_mapping(
    sheet: Sheet, options: ImportOptions, remembered: Mapping[str, str] | None
) -> tuple[Format | None, dict[str, Field]]:
    """The file's format (None for anybody's own sheet) and its column mapping: the
    format's, else the remembered one, else the aliases; the person's choices last."""
    fmt = _resolve_format(sheet, options)
    if fmt is not None:
        mapping = fmt.mapping_for(sheet.header)
    elif remembered:
        guessed = guess_mapping(sheet.header)
        mapping = {
            column: Field(remembered.get(column, guessed.get(column, Field.IGNORE)))
            for column in sheet.header
            if column.strip()
        }
    else:
        mapping = guess_mapping(sheet.header)
    for column, target in options.mapping.items():
        match = next(
            (name for name in mapping if name.casefold() == column.strip().casefold()), None
        )
        if match is None:
            columns = ", ".join(repr(name) for name in mapping)
            raise ValidationError(
                _("The file has no column {column}; its columns are {columns}.").format(
                    column=repr(column), columns=columns
                ),
                "map",
            )
        mapping[match] = target
    names = {normalise_header(name) for name in sheet.header}
    if fmt is None and {"firstname", "lastname", "connectedon"} <= names:
        raise ValidationError(
            _(
                "This is LinkedIn's Connections.csv: a list of people, not of jobs. Import it "
                "with import-contacts (in the window: File → Import contacts…)."
            ),
            "file",
        )
    check_mapping(mapping)
    return fmt, mapping


def _stages(session: Session) -> list[StageInfo]:
    rows = session.execute(select(Stage.id, Stage.name, Stage.kind).order_by(Stage.position))
    stages = [StageInfo(ident, name, StageKind(kind)) for ident, name, kind in rows]
    if not stages:
        raise ValidationError(_("There are no stages; add one in Settings first."), "stage")
    return stages


def _existing(session: Session) -> list[_Existing]:
    columns = (
        Opportunity.id,
        Opportunity.company,
        Opportunity.role,
        Opportunity.link,
        Opportunity.location,
        Opportunity.salary_min,
        Opportunity.salary_max,
        Opportunity.salary_currency,
        Opportunity.source,
        Opportunity.notes,
        Opportunity.stage_id,
        Opportunity.archived,
    )
    return [
        _Existing(**row._mapping)
        for row in session.execute(select(*columns).order_by(Opportunity.id))
    ]


def remembered_mapping(session: Session, header: Sequence[str]) -> dict[str, str] | None:
    """The mapping stored the last time a file with these headers was imported."""
    setting = session.get(Setting, MAPPING_SETTING_PREFIX + header_key(header))
    if setting is None or not isinstance(setting.value, dict):
        return None
    known = {item.value for item in Field}
    return {str(key): str(value) for key, value in setting.value.items() if value in known}


class _RowReader:
    """Reads the mapped cells of one row, collecting problems instead of stopping."""

    def __init__(self, planner: _Planner, number: int, cells: Sequence[str]) -> None:
        self.planner = planner
        self.number = number
        self.problems: list[RowProblem] = []
        self.values: dict[Field, str] = {}
        self.notes: list[str] = []
        own = planner.fmt is not None and planner.fmt.key == "followup"
        for index, column in enumerate(planner.header):
            target = planner.mapping.get(column, Field.IGNORE)
            text = cells[index].strip() if index < len(cells) else ""
            if text.casefold() in NOTHING:
                text = ""  # trackers write "N/A" where they have nothing
            if own:
                text = unguard(text)
            if target is Field.NOTE:
                if text:
                    self.notes.append(f"{column}: {text}")
            elif target is not Field.IGNORE:
                self.values[target] = text
                planner.columns[target] = column

    def text(self, target: Field) -> str:
        """The cell's text ("" when unmapped)."""
        return self.values.get(target, "")

    def problem(self, target: Field, message: str) -> None:
        """Record a problem in the column mapped to ``target``."""
        self.problems.append(RowProblem(self.number, self.planner.columns.get(target, ""), message))

    def date(self, target: Field) -> datetime | None:
        """A date cell, read with the day-first switch; a sample is kept."""
        text = self.text(target)
        try:
            value = parse_date_time(
                text, day_first=self.planner.options.day_first, tz=self.planner.tz
            )
        except CellError as error:
            self.problem(target, str(error))
            return None
        samples = self.planner.samples
        if value is not None and len(samples) < SAMPLE_DATES:
            column = self.planner.columns.get(target, "")
            if sum(1 for sample in samples if sample.column == column) < 3:
                samples.append(SampleDate(self.number, column, text, value))
        return value

    def flag(self, target: Field) -> bool | None:
        """A yes/no cell; None when the column is not mapped or the cell is empty."""
        text = self.text(target)
        if not text:
            return None
        try:
            return parse_bool(text)
        except CellError as error:
            self.problem(target, str(error))
            return None

    def amount(self, target: Field) -> int | None:
        """A whole-number cell."""
        try:
            return parse_amount(self.text(target))
        except CellError as error:
            self.problem(target, str(error))
            return None


class _Planner:
    def __init__(
        self,
        sheet: Sheet,
        *,
        options: ImportOptions,
        fmt: Format | None,
        mapping: dict[str, Field],
        stages: list[StageInfo],
        tz: tzinfo,
        now: datetime,
    ) -> None:
        self.sheet = sheet
        self.header = sheet.header
        self.options = options
        self.fmt = fmt
        self.mapping = mapping
        self.stages = stages
        self.tz = tz
        self.now = now
        self.columns: dict[Field, str] = {}
        self.samples: list[SampleDate] = []
        self.guesses: Counter[tuple[str, str, bool]] = Counter()
        self.overrides = {text_key(key): value for key, value in options.stages.items()}
        self.prospect = stage_for_bucket("prospect", stages)
        self.applied = stage_for_bucket("applied", stages)
        for key, name in self.overrides.items():
            if find_stage(name, stages) is None:
                names = ", ".join(stage.name for stage in stages)
                raise ValidationError(
                    _(
                        "There is no stage called {name} (for {status}); the stages are {names}."
                    ).format(name=repr(name), status=repr(key), names=names),
                    "stage",
                )

    def read(self, number: int, cells: Sequence[str]) -> _Row | list[RowProblem]:
        """One row's planned values, or its problems."""
        reader = _RowReader(self, number, cells)
        company, role = reader.text(Field.COMPANY), reader.text(Field.ROLE)
        if not company:
            reader.problem(Field.COMPANY, _("empty; every row needs a company."))
        if not role:
            reader.problem(Field.ROLE, _("empty; every row needs a role (the job title)."))
        saved_on = reader.date(Field.SAVED_ON)
        applied_on = reader.date(Field.APPLIED_ON)
        stage_on = reader.date(Field.STAGE_ON)
        added_on = reader.date(Field.ADDED_ON)
        stage = self.stage_of(reader, applied_on)
        fields = self.fields_of(reader, company, role)
        contact = self.contact_of(reader)
        if reader.problems:
            return reader.problems
        history = self.history(stage, saved_on, applied_on, stage_on)
        if added_on is not None:
            fields["created_at"] = min(added_on, history[0].at)
        return _Row(number, company, role, stage, fields, history, contact)

    def stage_of(self, reader: _RowReader, applied_on: datetime | None) -> StageInfo:
        status = reader.text(Field.STAGE)
        applied = reader.flag(Field.APPLIED)
        if status:
            override = self.overrides.get(text_key(status))
            if override is not None:
                stage = find_stage(override, self.stages)
                assert stage is not None  # checked in __init__
                recognised = True
            else:
                stage, recognised = guess_stage(status, self.stages)
            self.guesses[(status, stage.name, recognised)] += 1
            return stage
        if applied is False:
            stage = self.prospect
        elif applied or applied_on is not None:
            stage = self.applied
        elif self.fmt is not None and self.fmt.default_stage == "prospect":
            stage = self.prospect
        else:
            stage = self.applied
        self.guesses[("", stage.name, True)] += 1
        return stage

    def history(
        self,
        stage: StageInfo,
        saved_on: datetime | None,
        applied_on: datetime | None,
        stage_on: datetime | None,
    ) -> tuple[StageStep, ...]:
        """The stage path a row implies, oldest first, never going back in time."""
        steps: list[StageStep] = []
        if saved_on is not None and stage.id != self.prospect.id:
            steps.append(StageStep(self.prospect.id, self.prospect.name, saved_on))
        if applied_on is not None and stage.id not in {self.applied.id, self.prospect.id}:
            steps.append(StageStep(self.applied.id, self.applied.name, applied_on))
        known = [moment for moment in (stage_on, applied_on, saved_on) if moment is not None]
        if stage_on is not None:
            at, note = stage_on, ""
        elif stage.id == self.applied.id and applied_on is not None:
            at, note = applied_on, ""
        elif stage.id == self.prospect.id and saved_on is not None:
            at, note = saved_on, ""
        elif known:
            at, note = max(known), "imported; the date of this stage is not known"
        else:
            at, note = self.now, "imported"
        steps.append(StageStep(stage.id, stage.name, at, note))
        ordered: list[StageStep] = []
        for step in steps:
            if ordered and step.at < ordered[-1].at:
                continue
            ordered.append(step)
        if ordered[-1].stage_id != stage.id:
            ordered.append(StageStep(stage.id, stage.name, ordered[-1].at, note))
        return tuple(ordered)

    def fields_of(self, reader: _RowReader, company: str, role: str) -> dict[str, Any]:
        fields: dict[str, Any] = {"company": company, "role": role}
        try:
            fields["link"] = parse_link(reader.text(Field.LINK))
        except CellError as error:
            reader.problem(Field.LINK, str(error))
        fields["location"] = reader.text(Field.LOCATION)
        source = reader.text(Field.SOURCE) or (self.fmt.source if self.fmt else "")
        fields["source"] = source
        notes = reader.text(Field.NOTES)
        if reader.notes:
            notes = "\n".join([notes, *reader.notes]) if notes else "\n".join(reader.notes)
        fields["notes"] = notes
        low = high = None
        currency = reader.text(Field.CURRENCY).upper()
        salary_text = reader.text(Field.SALARY)
        if salary_text:
            try:
                low, high, found = parse_salary(salary_text)
                currency = currency or found
            except CellError as error:
                reader.problem(Field.SALARY, str(error))
        if Field.SALARY_MIN in reader.values or Field.SALARY_MAX in reader.values:
            low = reader.amount(Field.SALARY_MIN)
            high = reader.amount(Field.SALARY_MAX)
        if low is not None and high is not None and low > high:
            reader.problem(
                Field.SALARY_MIN,
                _("the minimum ({low}) is above the maximum ({high}).").format(low=low, high=high),
            )
        fields["salary_min"], fields["salary_max"] = low, high
        limit = OPPORTUNITY_TEXT["salary_currency"].max_length
        if len(currency) > limit:
            reader.problem(
                Field.CURRENCY,
                _("{text} is not a currency code like EUR or USD.").format(text=repr(currency)),
            )
        fields["salary_currency"] = currency[:limit]
        archived = reader.flag(Field.ARCHIVED)
        if archived is not None:
            fields["archived"] = archived
        for name, limit in _TEXT_LIMITS.items():
            if len(fields[name]) > limit:
                reader.problem(
                    Field(name),
                    _("{length} characters; at most {limit} fit.").format(
                        length=len(fields[name]), limit=limit
                    ),
                )
        return fields

    def contact_of(self, reader: _RowReader) -> ContactDraft | None:
        name = reader.text(Field.CONTACT_NAME)
        email = reader.text(Field.CONTACT_EMAIL)
        phone = reader.text(Field.CONTACT_PHONE)
        if email:
            try:
                validation.email(email)
            except ValidationError as error:
                reader.problem(Field.CONTACT_EMAIL, str(error))
        if len(phone) > 64:
            reader.problem(Field.CONTACT_PHONE, _("a phone number has at most 64 characters."))
        if not (name or email or phone):
            return None
        return ContactDraft(name or email or phone, email, phone)


def _changes(
    old: _Existing, fields: Mapping[str, Any], stage: StageInfo, names: Mapping[int, str]
) -> tuple[dict[str, Any], list[tuple[str, str, str]]]:
    """The fields an update changes: only what the row says and the database differs in.

    Company and role differing only in case or spacing are left alone; new notes are
    added below the stored ones, never over them.
    """
    changed: dict[str, Any] = {}
    words: list[tuple[str, str, str]] = []
    for name in ("link", "location", "source", "salary_currency"):
        new = fields.get(name) or ""
        if name == "link" and normalise_link(new) == normalise_link(old.link):
            continue  # the same posting: the stored address stays
        if new and new != getattr(old, name):
            changed[name] = new
            words.append((name, getattr(old, name), new))
    for name in ("salary_min", "salary_max"):
        new_amount = fields.get(name)
        if new_amount is not None and new_amount != getattr(old, name):
            changed[name] = new_amount
            words.append((name, str(getattr(old, name) or ""), str(new_amount)))
    notes = fields.get("notes") or ""
    if notes and notes not in old.notes:
        changed["notes"] = f"{old.notes}\n\n{notes}" if old.notes else notes
        words.append(("notes", "", f"+ {notes[:60]}"))
    if "archived" in fields and fields["archived"] != old.archived:
        changed["archived"] = fields["archived"]
        words.append(("archived", _yes(old.archived), _yes(fields["archived"])))
    if stage.id != old.stage_id:
        words.append(("stage", names.get(old.stage_id, "?"), stage.name))
    return changed, words


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def plan_import(
    session: Session,
    sheet: Sheet,
    options: ImportOptions,
    *,
    file_name: str,
    tz: tzinfo,
    now: datetime,
) -> ImportPlan:
    """What importing ``sheet`` with ``options`` would do to this database."""
    fmt, mapping = resolve_mapping(sheet, options, remembered_mapping(session, sheet.header))
    stages = _stages(session)
    names = {stage.id: stage.name for stage in stages}
    planner = _Planner(
        sheet, options=options, fmt=fmt, mapping=mapping, stages=stages, tz=tz, now=now
    )
    existing = {item.id: item for item in _existing(session)}
    index = _Index()
    for item in existing.values():
        index.add(item.link, item.company, item.role, item.id, 0)
    rows: list[PlannedRow] = []
    problems: list[RowProblem] = []
    bad: set[int] = set()
    updated: dict[int, int] = {}
    width = len(sheet.header)
    for sheet_row in sheet.rows:
        number = sheet_row.number
        if len(sheet_row.cells) != width:
            problems.append(
                RowProblem(
                    number,
                    "",
                    _(
                        "has {cells} cells but the header has {width}; a value holding the "
                        "separator or a line break needs quotes around it."
                    ).format(cells=len(sheet_row.cells), width=width),
                )
            )
            bad.add(number)
            continue
        read = planner.read(number, sheet_row.cells)
        if isinstance(read, list):
            problems.extend(read)
            bad.add(number)
            continue
        company, role, stage, fields = read.company, read.role, read.stage, read.fields
        duplicate = index.find(fields.get("link", ""), company, role)
        if duplicate is not None and duplicate[0][0] in updated:
            # One update per stored opportunity, so each is planned against what is stored.
            (ident, _earlier), why = duplicate
            assert ident is not None
            rows.append(
                PlannedRow(
                    number,
                    RowAction.SKIP,
                    company,
                    role,
                    stage,
                    existing_id=ident,
                    reason=_("{why} as #{id}, which row {row} of this file updates").format(
                        why=why, id=ident, row=updated[ident]
                    ),
                )
            )
            continue
        planned = _decide(
            read,
            duplicate=duplicate,
            existing=existing,
            names=names,
            policy=options.on_duplicate,
            now=now,
        )
        if planned.action is RowAction.CREATE:
            index.add(fields.get("link", ""), company, role, None, number)
        elif planned.action is RowAction.UPDATE and planned.existing_id is not None:
            updated[planned.existing_id] = number
        rows.append(planned)
    guesses = tuple(
        StageGuess(text, stage_name, recognised, count)
        for (text, stage_name, recognised), count in sorted(
            planner.guesses.items(), key=lambda item: -item[1]
        )
    )
    return ImportPlan(
        file_name=file_name,
        format_key=fmt.key if fmt else "generic",
        format_label=fmt.label if fmt else _("your own spreadsheet"),
        encoding=sheet.encoding,
        separator=sheet.separator_name,
        header=sheet.header,
        mapping=mapping,
        mapping_key=MAPPING_SETTING_PREFIX + header_key(sheet.header),
        remember_mapping=fmt is None,
        day_first=options.day_first,
        policy=options.on_duplicate,
        skip_bad_rows=options.skip_bad_rows,
        rows=tuple(rows),
        problems=tuple(problems),
        stage_guesses=guesses,
        sample_dates=tuple(planner.samples),
        bad_rows=frozenset(bad),
    )


@dataclass(frozen=True)
class _Row:
    number: int
    company: str
    role: str
    stage: StageInfo
    fields: dict[str, Any]
    history: tuple[StageStep, ...]
    contact: ContactDraft | None


def _decide(
    row: _Row,
    *,
    duplicate: tuple[tuple[int | None, int], str] | None,
    existing: Mapping[int, _Existing],
    names: Mapping[int, str],
    policy: DuplicatePolicy,
    now: datetime,
) -> PlannedRow:
    common: dict[str, Any] = {
        "row": row.number,
        "company": row.company,
        "role": row.role,
        "stage": row.stage,
    }
    history, contact, stage = row.history, row.contact, row.stage
    fields = dict(row.fields)
    created_at = fields.pop("created_at", history[0].at)
    if duplicate is None or policy is DuplicatePolicy.KEEP_BOTH:
        return PlannedRow(
            action=RowAction.CREATE,
            fields=fields,
            history=history,
            created_at=created_at,
            contact=contact,
            reason=""
            if duplicate is None
            else _("kept beside a duplicate ({why})").format(why=duplicate[1]),
            **common,
        )
    (ident, earlier_row), why = duplicate
    if ident is None:
        # An earlier row of this file: the first one wins.
        return PlannedRow(
            action=RowAction.SKIP,
            reason=_("{why} as row {row} of this file").format(why=why, row=earlier_row),
            **common,
        )
    old = existing[ident]
    if policy is DuplicatePolicy.SKIP:
        return PlannedRow(
            action=RowAction.SKIP,
            existing_id=ident,
            reason=_("{why} as #{id} {company} — {role}").format(
                why=why, id=ident, company=old.company, role=old.role
            ),
            **common,
        )
    changed, words = _changes(old, fields, stage, names)
    if not words:
        return PlannedRow(
            action=RowAction.SKIP,
            existing_id=ident,
            reason=_("#{id} {company} — {role} already says the same").format(
                id=ident, company=old.company, role=old.role
            ),
            **common,
        )
    moved: tuple[StageStep, ...] = ()
    if stage.id != old.stage_id:
        # A move goes at the end of the stored history: at the row's stage date when the
        # file gives one, else now.
        last = history[-1]
        at = last.at if not last.note else now
        moved = (StageStep(stage.id, stage.name, at, "imported"),)
    return PlannedRow(
        action=RowAction.UPDATE,
        existing_id=ident,
        fields=changed,
        history=moved,
        changes=tuple(words),
        contact=contact,
        **common,
    )


def plan_import_file(
    db: Database,
    path: Path,
    options: ImportOptions,
    *,
    tz: tzinfo | None = None,
    now: datetime | None = None,
) -> ImportPlan:
    """Read ``path`` and plan its import against ``db`` (a dry run: nothing is written)."""
    sheet = read_sheet_file(path)
    with db.session() as session:
        return plan_import(
            session,
            sheet,
            options,
            file_name=path.name,
            tz=tz or local_zone(),
            now=now or utcnow(),
        )
