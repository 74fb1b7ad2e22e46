"""A debrief being typed, as the core keeps it: a versioned format, to and from JSON.

While a person types a debrief, everything typed is kept as a draft in the
``debrief_drafts`` table (one row per interview, deleted with the interview). A draft may
be invalid (a half-typed date, a panel row without a name), so it is not a debrief: it
goes through :meth:`FollowupService.save_debrief_draft`, which writes one row and
re-plans nothing. The format is this module's, not a form's widget state: every field
is named and typed here, and ``version`` says which shape the JSON has. A draft of a
version this Followup does not know (a newer one wrote it) is refused with
:class:`DraftFromNewerVersion` and left as it is in the database, never overwritten.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from typing import Any, Final, TypeVar

from followup_desktop.core.errors import FollowupError
from followup_desktop.core.fields import DEBRIEF_TEXT
from followup_desktop.core.i18n import _

#: The format written by this version of Followup.
DRAFT_VERSION: Final = 1

#: The debrief's free-text fields, in form order, as core.fields declares them.
DEBRIEF_TEXT_FIELDS: Final[tuple[str, ...]] = tuple(DEBRIEF_TEXT)
#: The free-text fields of a draft: the debrief's, and the interview's next steps.
TEXT_FIELDS: Final = (*DEBRIEF_TEXT_FIELDS, "next_steps")
#: Dates as typed (possibly half a date): checked only when the debrief is submitted.
DATE_FIELDS: Final = ("decision_date", "check_back_on")


class DraftFormatError(FollowupError):
    """A stored draft that cannot be read as a draft."""


class DraftFromNewerVersion(DraftFormatError):  # noqa: N818 - named for what happened
    """A draft written in a format newer than this Followup knows; it is kept unchanged."""

    def __init__(self, version: int) -> None:
        super().__init__(
            _(
                "This debrief's draft was saved by a newer version of Followup (draft format "
                "{version}; this version reads format {known}). It is kept as it is; open the "
                "debrief in the newer version to go on with it."
            ).format(version=version, known=DRAFT_VERSION)
        )
        self.version = version


@dataclass(frozen=True)
class DraftPanelMember:
    """One panel row as typed; ``contact_id`` links an existing contact."""

    name: str = ""
    title: str = ""
    email: str = ""
    phone: str = ""
    mention: str = ""
    contact_id: int | None = None


@dataclass(frozen=True)
class DraftQuestion:
    """One stumbled-question row as typed."""

    question: str = ""
    my_answer: str = ""
    better_answer: str = ""
    theme: str = ""
    practiced: bool = False


@dataclass(frozen=True)
class DebriefDraft:
    """Everything typed into one interview's debrief, and when it was kept.

    ``panel_row`` and ``question_row`` are the rows being edited (-1: none), so the form
    reopens where the person was.
    """

    saved_at: datetime
    texts: Mapping[str, str] = field(default_factory=dict)
    dates: Mapping[str, str] = field(default_factory=dict)
    decision_timeline_days: int = 0
    preparedness: int | None = None
    tied_experience: bool | None = None
    may_check_in: bool | None = None
    preferred_channel: str | None = None
    panel: tuple[DraftPanelMember, ...] = ()
    questions: tuple[DraftQuestion, ...] = ()
    panel_row: int = -1
    question_row: int = -1
    version: int = DRAFT_VERSION

    def __post_init__(self) -> None:
        if self.saved_at.tzinfo is None:
            raise DraftFormatError("A draft's time must say its zone.")
        unknown = (set(self.texts) - set(TEXT_FIELDS)) | (set(self.dates) - set(DATE_FIELDS))
        if unknown:
            raise DraftFormatError(f"A draft has no field named {sorted(unknown)[0]!r}.")

    # -- the form's side -----------------------------------------------------------------

    @classmethod
    def from_form(cls, state: Mapping[str, Any], saved_at: datetime) -> DebriefDraft:
        """A draft from a form's plain values (keys as in :meth:`form`)."""
        return _parse({**state, "saved_at": saved_at.isoformat(), "version": DRAFT_VERSION})

    def form(self) -> dict[str, Any]:
        """The draft as flat plain values, one key per form field."""
        values: dict[str, Any] = {key: self.texts.get(key, "") for key in TEXT_FIELDS}
        values.update({key: self.dates.get(key, "") for key in DATE_FIELDS})
        values.update(
            decision_timeline_days=self.decision_timeline_days,
            preparedness=self.preparedness,
            tied_experience=self.tied_experience,
            may_check_in=self.may_check_in,
            preferred_channel=self.preferred_channel,
            panel=[asdict(member) for member in self.panel],
            questions=[asdict(question) for question in self.questions],
            panel_row=self.panel_row,
            question_row=self.question_row,
        )
        return values

    # -- storage -------------------------------------------------------------------------

    def to_json(self) -> str:
        """The draft as JSON text (the ``body`` of its row)."""
        return json.dumps(
            {"version": self.version, "saved_at": self.saved_at.isoformat(), **self.form()},
            ensure_ascii=False,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> DebriefDraft:
        """Read a stored draft; :class:`DraftFromNewerVersion` for a format not known yet,
        :class:`DraftFormatError` for anything else that is not a draft."""
        try:
            value = json.loads(text)
        except (TypeError, ValueError) as error:
            raise DraftFormatError(f"A stored draft is not JSON: {error}.") from error
        if not isinstance(value, dict):
            raise DraftFormatError("A stored draft is not a JSON object.")
        return _parse(value)


def _parse(value: Mapping[str, Any]) -> DebriefDraft:
    version = value.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise DraftFormatError(f"A stored draft has no valid format version ({version!r}).")
    if version > DRAFT_VERSION:
        raise DraftFromNewerVersion(version)
    try:
        saved_at = datetime.fromisoformat(str(value.get("saved_at")))
    except ValueError as error:
        raise DraftFormatError("A stored draft has no valid time.") from error
    return DebriefDraft(
        saved_at=saved_at,
        texts={key: _text(value, key) for key in TEXT_FIELDS},
        dates={key: _text(value, key) for key in DATE_FIELDS},
        decision_timeline_days=_integer(value, "decision_timeline_days") or 0,
        preparedness=_integer(value, "preparedness"),
        tied_experience=_yes_no(value, "tied_experience"),
        may_check_in=_yes_no(value, "may_check_in"),
        preferred_channel=None
        if value.get("preferred_channel") is None
        else _text(value, "preferred_channel"),
        panel=tuple(_rows(value, "panel", DraftPanelMember)),
        questions=tuple(_rows(value, "questions", DraftQuestion)),
        panel_row=_row_index(value, "panel_row"),
        question_row=_row_index(value, "question_row"),
        version=version,
    )


def _text(value: Mapping[str, Any], key: str) -> str:
    item = value.get(key)
    if item is None:
        return ""
    if not isinstance(item, str):
        raise DraftFormatError(f"A draft's {key} must be text, not {type(item).__name__}.")
    return item


def _integer(value: Mapping[str, Any], key: str) -> int | None:
    item = value.get(key)
    if item is None:
        return None
    if not isinstance(item, int) or isinstance(item, bool):
        raise DraftFormatError(f"A draft's {key} must be a whole number.")
    return item


def _row_index(value: Mapping[str, Any], key: str) -> int:
    item = _integer(value, key)
    return -1 if item is None else item


def _yes_no(value: Mapping[str, Any], key: str) -> bool | None:
    item = value.get(key)
    if item is not None and not isinstance(item, bool):
        raise DraftFormatError(f"A draft's {key} must be yes, no or not said.")
    return item


_Row = TypeVar("_Row", DraftPanelMember, DraftQuestion)


def _rows(value: Mapping[str, Any], key: str, kind: type[_Row]) -> list[_Row]:
    items = value.get(key)
    if items is None:
        items = []
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise DraftFormatError(f"A draft's {key} must be a list of rows.")
    names = [spec.name for spec in fields(kind)]
    rows = []
    for item in items:
        # Every field has a default, and unknown keys are left out: this cannot fail.
        row = kind(**{name: item[name] for name in names if name in item})
        for spec in fields(row):
            _check_row_value(key, spec.name, getattr(row, spec.name))
        rows.append(row)
    return rows


def _check_row_value(key: str, name: str, item: Any) -> None:
    if name == "contact_id":
        if item is not None and (not isinstance(item, int) or isinstance(item, bool)):
            raise DraftFormatError(f"A draft's {key} row has a contact that is not an id.")
    elif name == "practiced":
        if not isinstance(item, bool):
            raise DraftFormatError(f"A draft's {key} row says practised with {item!r}.")
    elif not isinstance(item, str):
        raise DraftFormatError(f"A draft's {key} row has {name} that is not text.")


__all__ = [
    "DATE_FIELDS",
    "DEBRIEF_TEXT_FIELDS",
    "DRAFT_VERSION",
    "TEXT_FIELDS",
    "DebriefDraft",
    "DraftFormatError",
    "DraftFromNewerVersion",
    "DraftPanelMember",
    "DraftQuestion",
]
