"""What each column can mean, and how each known tool names its columns.

Headers are compared case-, space- and punctuation-insensitively ("Job Url", "job_url"
and "JobURL" are one header). A known format is recognised when every header of its
signature is present; any other file is mapped through aliases (English, German,
French and Spanish words spreadsheets commonly use) and whatever is left is shown for
the person to map by hand.
"""

from __future__ import annotations

import enum
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from followup_desktop.core.errors import ValidationError
from followup_desktop.core.i18n import _


class Field(enum.StrEnum):
    """Where a column's values go; ``ignore`` drops the column, ``note`` adds it to the
    notes as "Header: value"."""

    COMPANY = "company"
    ROLE = "role"
    LINK = "link"
    LOCATION = "location"
    SALARY = "salary"
    SALARY_MIN = "salary_min"
    SALARY_MAX = "salary_max"
    CURRENCY = "currency"
    SOURCE = "source"
    NOTES = "notes"
    STAGE = "stage"
    APPLIED = "applied"
    APPLIED_ON = "applied_on"
    SAVED_ON = "saved_on"
    ADDED_ON = "added_on"
    STAGE_ON = "stage_on"
    ARCHIVED = "archived"
    CONTACT_NAME = "contact_name"
    CONTACT_EMAIL = "contact_email"
    CONTACT_PHONE = "contact_phone"
    NOTE = "note"
    IGNORE = "ignore"


FIELD_LABELS: Mapping[Field, str] = {
    Field.COMPANY: "Company",
    Field.ROLE: "Role (job title)",
    Field.LINK: "Posting link",
    Field.LOCATION: "Location",
    Field.SALARY: "Salary (text such as 60k-70k EUR)",
    Field.SALARY_MIN: "Salary minimum",
    Field.SALARY_MAX: "Salary maximum",
    Field.CURRENCY: "Currency",
    Field.SOURCE: "Source (how you applied)",
    Field.NOTES: "Notes",
    Field.STAGE: "Stage or status",
    Field.APPLIED: "Applied? (yes/no)",
    Field.APPLIED_ON: "Date applied",
    Field.SAVED_ON: "Date saved (wishlist)",
    Field.ADDED_ON: "Date added to the tracker",
    Field.STAGE_ON: "Date of the current stage",
    Field.ARCHIVED: "Archived? (yes/no)",
    Field.CONTACT_NAME: "Contact's name",
    Field.CONTACT_EMAIL: "Contact's e-mail",
    Field.CONTACT_PHONE: "Contact's phone",
    Field.NOTE: "Add to the notes",
    Field.IGNORE: "Do not import",
}
# A column of one of these may appear once; the rest (notes, ignore) any number of times.
REPEATABLE = frozenset({Field.NOTE, Field.IGNORE})
DATE_FIELDS = frozenset({Field.APPLIED_ON, Field.SAVED_ON, Field.ADDED_ON, Field.STAGE_ON})


def normalise_header(text: str) -> str:
    """A header reduced to lowercase letters and digits ("Job Url" -> "joburl")."""
    return re.sub(r"[\W_]+", "", text.casefold())


def header_key(header: Sequence[str]) -> str:
    """A short, stable key for a set of headers (to remember a mapping per file kind)."""
    names = sorted(normalise_header(name) for name in header if name.strip())
    return hashlib.sha256(json.dumps(names).encode()).hexdigest()[:16]


MAPPING_SETTING_PREFIX = "imports.mapping."


@dataclass(frozen=True)
class Format:
    """A known export: its columns, the headers that identify it and what a row with no
    stage means (a saved job has not been applied to)."""

    key: str
    family: str
    label: str
    columns: Mapping[str, Field]
    signature: frozenset[str]
    source: str
    default_stage: str = "applied"
    note_prefix: Mapping[str, str] = field(default_factory=dict)

    def mapping_for(self, header: Sequence[str]) -> dict[str, Field]:
        """Each header of the file to its field (unknown headers are ignored)."""
        return {
            name: self.columns.get(normalise_header(name), Field.IGNORE)
            for name in header
            if name.strip()
        }


def _columns(**names: Field) -> dict[str, Field]:
    return {normalise_header(key): value for key, value in names.items()}


def _format(
    key: str, family: str, label: str, source: str, columns: dict[str, Field], *sig: str, **kw: str
) -> Format:
    return Format(
        key,
        family,
        label,
        columns,
        frozenset(normalise_header(name) for name in sig),
        source,
        **kw,  # type: ignore[arg-type]
    )


LINKEDIN_APPLICATIONS = _format(
    "linkedin",
    "linkedin",
    _("LinkedIn job applications"),
    "LinkedIn",
    {
        "applicationdate": Field.APPLIED_ON,
        "contactemail": Field.CONTACT_EMAIL,
        "contactphonenumber": Field.CONTACT_PHONE,
        "companyname": Field.COMPANY,
        "jobtitle": Field.ROLE,
        "joburl": Field.LINK,
        "resumename": Field.NOTE,
        "questionandanswers": Field.NOTE,
    },
    "Application Date",
    "Company Name",
    "Job Title",
    "Job Url",
)
LINKEDIN_SAVED = _format(
    "linkedin-saved",
    "linkedin",
    _("LinkedIn saved jobs"),
    "LinkedIn",
    {
        "saveddate": Field.SAVED_ON,
        "joburl": Field.LINK,
        "jobtitle": Field.ROLE,
        "companyname": Field.COMPANY,
    },
    "Saved Date",
    "Job Url",
    "Job Title",
    "Company Name",
    default_stage="prospect",
)
HUNTR = _format(
    "huntr",
    "huntr",
    "Huntr",
    "Huntr",
    {
        "employer": Field.COMPANY,
        "jobtitle": Field.ROLE,
        "title": Field.ROLE,
        "list": Field.STAGE,
        "url": Field.LINK,
        "location": Field.LOCATION,
        "salary": Field.SALARY,
        "datesaved": Field.SAVED_ON,
        "notes": Field.NOTES,
    },
    "Employer",
    "Job Title",
    "List",
)
TEAL = _format(
    "teal",
    "teal",
    "Teal",
    "Teal",
    {
        "companyname": Field.COMPANY,
        "jobtitle": Field.ROLE,
        "status": Field.STAGE,
        "joburl": Field.LINK,
        "location": Field.LOCATION,
        "salary": Field.SALARY,
        "notes": Field.NOTES,
        "dateapplied": Field.APPLIED_ON,
        "datesaved": Field.SAVED_ON,
    },
    "Company Name",
    "Job Title",
    "Status",
    "Job URL",
    "Location",
    "Salary",
)
SIMPLIFY = _format(
    "simplify",
    "simplify",
    "Simplify",
    "Simplify",
    {
        "jobtitle": Field.ROLE,
        "companyname": Field.COMPANY,
        "joburl": Field.LINK,
        "applieddate": Field.APPLIED_ON,
        "status": Field.STAGE,
        "statusdate": Field.STAGE_ON,
        "archived": Field.ARCHIVED,
        "datearchived": Field.IGNORE,
        "notes": Field.NOTES,
        "location": Field.LOCATION,
        "salary": Field.SALARY,
    },
    "Job Title",
    "Company Name",
    "Job URL",
    "Applied Date",
    "Status",
)
JOBSYNC = _format(
    "jobsync",
    "jobsync",
    "JobSync",
    "JobSync",
    {
        "index": Field.IGNORE,
        "createdat": Field.SAVED_ON,
        "applied": Field.APPLIED,
        "applieddate": Field.APPLIED_ON,
        "company": Field.COMPANY,
        "jobtitle": Field.ROLE,
        "jobtype": Field.NOTE,
        "location": Field.LOCATION,
        "locations": Field.LOCATION,
        "jobsource": Field.SOURCE,
        "status": Field.STAGE,
        "joburl": Field.LINK,
        "salary": Field.SALARY,
    },
    "createdAt",
    "applied",
    "Company",
    "JobTitle",
    "Status",
)
# What export-csv writes; recognised so an export imports back as it was.
FOLLOWUP = _format(
    "followup",
    "followup",
    _("Followup spreadsheet export"),
    "",
    {
        "company": Field.COMPANY,
        "role": Field.ROLE,
        "stage": Field.STAGE,
        "link": Field.LINK,
        "location": Field.LOCATION,
        "salaryminimum": Field.SALARY_MIN,
        "salarymaximum": Field.SALARY_MAX,
        "currency": Field.CURRENCY,
        "source": Field.SOURCE,
        "notes": Field.NOTES,
        "archived": Field.ARCHIVED,
        "added": Field.ADDED_ON,
        "applied": Field.APPLIED_ON,
        "stagesince": Field.STAGE_ON,
    },
    "Company",
    "Role",
    "Stage",
    "Salary minimum",
    "Salary maximum",
    "Stage since",
)
FORMATS: tuple[Format, ...] = (
    FOLLOWUP,
    LINKEDIN_APPLICATIONS,
    LINKEDIN_SAVED,
    HUNTR,
    TEAL,
    SIMPLIFY,
    JOBSYNC,
)
FAMILIES = ("auto", "linkedin", "huntr", "teal", "simplify", "jobsync", "followup", "generic")

ALIASES: Mapping[str, Field] = {
    normalise_header(alias): target
    for target, aliases in {
        Field.COMPANY: (
            "company",
            "company name",
            "employer",
            "organization",
            "organisation",
            "firm",
            "firma",
            "unternehmen",
            "arbeitgeber",
            "entreprise",
            "société",
            "employeur",
            "empresa",
        ),
        Field.ROLE: (
            "role",
            "title",
            "job title",
            "position",
            "job",
            "stelle",
            "stellenbezeichnung",
            "poste",
            "titre",
            "intitulé du poste",
            "puesto",
            "cargo",
        ),
        Field.LINK: (
            "url",
            "link",
            "job url",
            "job link",
            "posting",
            "posting url",
            "job posting",
            "application url",
            "source url",
            "stellenanzeige",
            "lien",
            "enlace",
        ),
        Field.LOCATION: ("location", "city", "ort", "standort", "lieu", "ville", "ubicación"),
        Field.SALARY: ("salary", "pay", "compensation", "gehalt", "salaire", "salario"),
        Field.SALARY_MIN: ("salary min", "salary minimum", "min salary", "salary from"),
        Field.SALARY_MAX: ("salary max", "salary maximum", "max salary", "salary to"),
        Field.CURRENCY: ("currency", "währung", "devise", "moneda"),
        Field.SOURCE: (
            "source",
            "job source",
            "channel",
            "via",
            "applied via",
            "how applied",
            "where found",
            "found via",
            "quelle",
            "kanal",
            "canal",
        ),
        Field.NOTES: (
            "notes",
            "note",
            "comments",
            "comment",
            "notizen",
            "bemerkung",
            "bemerkungen",
            "remarques",
            "notas",
        ),
        Field.NOTE: ("job description", "description", "job type", "tags"),
        Field.STAGE: ("status", "stage", "list", "state", "phase", "étape", "statut", "estado"),
        Field.APPLIED_ON: (
            "applied on",
            "applied date",
            "date applied",
            "application date",
            "beworben am",
            "bewerbungsdatum",
            "date de candidature",
            "fecha de solicitud",
        ),
        Field.APPLIED: ("applied",),
        Field.SAVED_ON: (
            "saved",
            "date saved",
            "saved date",
            "date",
            "datum",
        ),
        Field.ADDED_ON: ("created", "created at", "date added", "added"),
        Field.STAGE_ON: (
            "status date",
            "stage date",
            "last status change",
            "stage since",
            "stage entered at",
        ),
        Field.ARCHIVED: ("archived",),
        Field.CONTACT_NAME: ("contact", "contact name", "recruiter", "ansprechpartner"),
        Field.CONTACT_EMAIL: ("email", "e-mail", "contact email", "contact e-mail"),
        Field.CONTACT_PHONE: ("phone", "contact phone", "contact phone number", "telefon"),
    }.items()
    for alias in aliases
}


def recognise(header: Sequence[str]) -> Format | None:
    """The known format whose signature the header carries (the most specific one)."""
    names = {normalise_header(name) for name in header}
    matches = [candidate for candidate in FORMATS if candidate.signature <= names]
    if not matches:
        return None
    # LinkedIn applications and Simplify share headers with others: the format that
    # explains the most of the file's columns wins.
    return max(matches, key=lambda item: (len(names & set(item.columns)), len(item.signature)))


def format_by_family(family: str, header: Sequence[str]) -> Format | None:
    """The format of ``family`` that fits ``header`` best, or None when none fits."""
    names = {normalise_header(name) for name in header}
    candidates = [item for item in FORMATS if item.family == family]
    fitting = [item for item in candidates if item.signature <= names]
    if not fitting:
        return None
    return max(fitting, key=lambda item: len(names & set(item.columns)))


def guess_mapping(header: Sequence[str]) -> dict[str, Field]:
    """A first mapping for an unknown file from the aliases; the rest is ignored."""
    mapping: dict[str, Field] = {}
    taken: set[Field] = set()
    for name in header:
        if not name.strip():
            continue
        target = ALIASES.get(normalise_header(name), Field.IGNORE)
        if target in taken and target not in REPEATABLE:
            target = Field.IGNORE
        taken.add(target)
        mapping[name] = target
    return mapping


def parse_field(text: str) -> Field:
    """A field from its name as typed on the command line (``company``, ``applied_on``)."""
    cleaned = text.strip().casefold().replace("-", "_").replace(" ", "_")
    try:
        return Field(cleaned)
    except ValueError:
        names = ", ".join(item.value for item in Field)
        raise ValidationError(f"Unknown field {text!r}; use one of: {names}.", "map") from None


def check_mapping(mapping: Mapping[str, Field]) -> None:
    """A usable mapping: company and role mapped, each other field at most once."""
    seen: dict[Field, str] = {}
    for column, target in mapping.items():
        if target in seen and target not in REPEATABLE:
            raise ValidationError(
                f"Columns {seen[target]!r} and {column!r} are both mapped to "
                f"{target.value}; map one of them to something else or to ignore.",
                "map",
            )
        seen[target] = column
    for required in (Field.COMPANY, Field.ROLE):
        if required not in seen:
            columns = ", ".join(repr(name) for name in mapping) or "none"
            raise ValidationError(
                f"No column is mapped to {required.value}. Say which one holds it, for "
                f"example --map 'COLUMN={required.value}' (columns: {columns}).",
                "map",
            )
