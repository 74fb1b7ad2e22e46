"""What may be stored in each field, declared once, and the typed inputs that carry it.

The service, the importers and the forms all check a field against the same
:class:`TextRule` here, so a value one of them accepts is never refused by another (the
editor once refused a currency the command line and the import stored). The input
classes (:class:`OpportunityFields`, :class:`ContactFields`, :class:`InterviewFields`,
:class:`DebriefFields`) replace loose keyword arguments: a field left :data:`UNSET` is not
touched by an update, so a caller changes only what it names.

No SQLAlchemy and no Qt here: the forms import this module directly.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final, Self, TypeVar

from followup_desktop.core import validation
from followup_desktop.core.errors import ValidationError
from followup_desktop.core.i18n import N_

_T = TypeVar("_T")


class Unset(enum.Enum):
    """The type of :data:`UNSET`: "not given", which is not the same as None or ""."""

    UNSET = "unset"

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = Unset.UNSET


@dataclass(frozen=True)
class TextRule:
    """One text field's rules: its label in messages, its length, whether it is required.

    ``label`` is English, marked with ``N_``: :mod:`core.validation` translates it into
    the message it writes.
    """

    name: str
    label: str
    max_length: int
    required: bool = False
    # Stored upper-case (a currency code): the form, the import and the service agree.
    upper: bool = False

    def clean(self, value: str | None, field: str | None = None) -> str:
        """The value as stored, or :class:`ValidationError` naming ``field`` (default: the
        rule's own name) and saying what to type instead."""
        name = self.name if field is None else field
        if self.required:
            cleaned = validation.required_text(value or "", name, self.label, self.max_length)
        else:
            cleaned = validation.optional_text(value, name, self.label, self.max_length)
        return cleaned.upper() if self.upper else cleaned


def _rules(*rules: TextRule) -> dict[str, TextRule]:
    return {rule.name: rule for rule in rules}


OPPORTUNITY_TEXT: Final = _rules(
    TextRule("company", N_("Company"), 200, required=True),
    TextRule("role", N_("Role"), 200, required=True),
    TextRule("location", N_("Location"), 200),
    TextRule("source", N_("Source"), 200),
    TextRule("salary_currency", N_("Currency"), 3, upper=True),
    TextRule("notes", N_("Notes"), 10_000_000),
    TextRule("acceptance_criteria", N_("Acceptance criteria"), 100_000),
)
CONTACT_TEXT: Final = _rules(
    TextRule("name", N_("Name"), 200, required=True),
    TextRule("title", N_("Title"), 200),
    TextRule("phone", N_("Phone"), 64),
    TextRule("linkedin", N_("LinkedIn"), 500),
    TextRule("notes", N_("Notes"), 1_000_000),
)
INTERVIEW_TEXT: Final = _rules(
    TextRule("location", N_("location"), 10**7),
    TextRule("next_steps", N_("next steps"), 10**7),
    TextRule("notes", N_("notes"), 10**7),
)
DEBRIEF_TEXT: Final = _rules(
    TextRule("went_well", N_("went well"), 10**7),
    TextRule("went_badly", N_("went badly"), 10**7),
    TextRule("learned_job", N_("learned job"), 10**7),
    TextRule("learned_organization", N_("learned organization"), 10**7),
    TextRule("skills_to_build", N_("skills to build"), 10**7),
    TextRule("promised_material", N_("promised material"), 10**7),
)
STAGE_NAME: Final = TextRule("name", N_("Stage name"), 80, required=True)
ACTION_KIND: Final = TextRule("kind", N_("Kind"), 40, required=True)
SUBJECT: Final = TextRule("subject", N_("Subject"), 1000)
# A contact an import names in a cell (its recruiter, say).
IMPORTED_CONTACT_NAME: Final = TextRule("name", N_("Contact name"), 200, required=True)


class _Fields:
    """What the typed inputs share: the fields given, and building one from a mapping."""

    def given(self) -> dict[str, Any]:
        """The fields given (not :data:`UNSET`), by name."""
        return {
            item.name: getattr(self, item.name)
            for item in dataclasses.fields(self)  # type: ignore[arg-type]
            if getattr(self, item.name) is not UNSET
        }

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Self:
        """The input from field names (an import's columns, say); unknown names are
        refused by name rather than dropped."""
        known = {item.name for item in dataclasses.fields(cls)}  # type: ignore[arg-type]
        unknown = sorted(set(values) - known)
        if unknown:
            what = cls.__name__.removesuffix("Fields").lower()
            raise ValidationError(f"Unknown {what} field(s): {', '.join(unknown)}.", unknown[0])
        return cls(**values)

    def but(self, **changes: Any) -> Self:
        """A copy with some fields replaced."""
        return dataclasses.replace(self, **changes)  # type: ignore[type-var]


@dataclass(frozen=True, kw_only=True)
class OpportunityFields(_Fields):
    """An opportunity's fields as a caller gives them; :data:`UNSET` ones stay as they are.

    A changed ``stage_id`` is recorded as a move in the stage history.
    """

    company: str | Unset = UNSET
    role: str | Unset = UNSET
    location: str | Unset = UNSET
    source: str | Unset = UNSET
    salary_currency: str | Unset = UNSET
    notes: str | Unset = UNSET
    acceptance_criteria: str | Unset = UNSET
    link: str | Unset = UNSET
    salary_min: int | Unset | None = UNSET
    salary_max: int | Unset | None = UNSET
    referrer_id: int | Unset | None = UNSET
    start_date: date | Unset | None = UNSET
    letter_language: str | Unset | None = UNSET
    playbook_overrides: Mapping[str, Any] | Unset | None = UNSET
    archived: bool | Unset = UNSET
    stage_id: int | Unset | None = UNSET


@dataclass(frozen=True, kw_only=True)
class ContactFields(_Fields):
    """A person's details as a caller gives them; :data:`UNSET` ones stay as they are."""

    name: str | Unset = UNSET
    title: str | Unset = UNSET
    email: str | Unset = UNSET
    phone: str | Unset = UNSET
    linkedin: str | Unset = UNSET
    notes: str | Unset = UNSET


@dataclass(frozen=True, kw_only=True)
class InterviewFields(_Fields):
    """An interview's fields as a caller gives them; :data:`UNSET` ones stay as they are."""

    starts_at: datetime | Unset = UNSET
    ends_at: datetime | Unset = UNSET
    timezone: str | Unset = UNSET
    round: int | Unset = UNSET
    kind: str | Unset = UNSET
    location: str | Unset = UNSET
    next_steps: str | Unset = UNSET
    decision_timeline_days: int | Unset | None = UNSET
    decision_date: date | Unset | None = UNSET
    may_check_in: bool | Unset | None = UNSET
    check_back_on: date | Unset | None = UNSET
    preferred_channel: str | Unset | None = UNSET
    notes: str | Unset = UNSET
    ical_uid: str | Unset | None = UNSET


@dataclass(frozen=True, kw_only=True)
class DebriefFields(_Fields):
    """What the person wrote after an interview; :data:`UNSET` fields stay as they are."""

    went_well: str | Unset = UNSET
    went_badly: str | Unset = UNSET
    learned_job: str | Unset = UNSET
    learned_organization: str | Unset = UNSET
    skills_to_build: str | Unset = UNSET
    promised_material: str | Unset = UNSET
    preparedness: int | Unset | None = UNSET
    tied_experience: bool | Unset | None = UNSET


def set_text(record: object, rules: Mapping[str, TextRule], fields: _Fields) -> None:
    """Store each text field ``fields`` gives on ``record``, cleaned by its rule."""
    values = fields.given()
    for name, rule in rules.items():
        if name in values:
            setattr(record, name, rule.clean(values[name]))


def given(value: _T | Unset, default: _T) -> _T:
    """``value``, or ``default`` when it was not given."""
    return default if value is UNSET else value


__all__ = [
    "ACTION_KIND",
    "CONTACT_TEXT",
    "DEBRIEF_TEXT",
    "IMPORTED_CONTACT_NAME",
    "INTERVIEW_TEXT",
    "OPPORTUNITY_TEXT",
    "STAGE_NAME",
    "SUBJECT",
    "UNSET",
    "ContactFields",
    "DebriefFields",
    "InterviewFields",
    "OpportunityFields",
    "TextRule",
    "Unset",
    "given",
    "set_text",
]


# -- what the debrief form and a reply hand over --------------------------------------


class ReplyOutcome(enum.StrEnum):
    """What a reply from the employer said, so the plan can follow it."""

    NEXT_ROUND = "next_round"  # another interview, on a date they gave
    WAIT = "wait"  # wait until a date before checking in
    REJECTION = "rejection"
    OFFER = "offer"


@dataclass(frozen=True)
class QuestionInput:
    """One stumbled-question row as the debrief form hands it over."""

    question: str
    my_answer: str = ""
    better_answer: str = ""
    theme: str = ""
    practiced: bool = False


@dataclass(frozen=True)
class PanelMember:
    """One person on an interview panel; ``contact_id`` None means a new contact."""

    name: str
    title: str = ""
    email: str = ""
    phone: str = ""
    mention: str = ""
    contact_id: int | None = None
