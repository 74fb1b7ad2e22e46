"""Playbook settings: every number of the default schedule, and every disputed choice.

PLAYBOOK section 6 gives a default schedule; where the sources disagree (the thank-you's
channel, whether to double a stated timeline, whether status questions go to HR) the
choice is a setting here instead of a constant in the engine. Settings are stored as one
JSON object under the ``playbook`` key of the ``settings`` table; an opportunity's
``playbook_overrides`` object changes them for that opportunity only. Values that describe
the person rather than one application (time zone, working hours, the pipeline nudge) can
only be set globally.
"""

from __future__ import annotations

import functools
import json
import logging
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import time
from typing import Any, Final

from sqlalchemy.orm import Session

from followup_desktop.core import i18n
from followup_desktop.core.errors import ValidationError
from followup_desktop.core.i18n import N_, _
from followup_desktop.core.playbook.rawsql import driver_connection
from followup_desktop.core.timeutil import check_zone_name, is_zone_name, local_zone_name, zone

log = logging.getLogger(__name__)

SETTINGS_KEY: Final = "playbook"
WEEKDAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _number(minimum: float, maximum: float, help_text: str, *, is_float: bool = False) -> Any:
    return {"min": minimum, "max": maximum, "help": help_text, "float": is_float}


def _choice(options: tuple[str, ...], help_text: str) -> Any:
    return {"choices": options, "help": help_text}


def _flag(help_text: str) -> Any:
    return {"help": help_text}


_GLOBAL = {"global_only": True}


def locale_country() -> str:
    """The country of the person's locale (``de_DE.UTF-8`` gives ``DE``), or ``""``.

    The C and POSIX locales name no country: then no public holidays are assumed. The code
    is not looked up here (listing the countries the holidays package knows takes half a
    second, and this runs whenever default settings are made); a country it does not know
    simply has no holidays.
    """
    for name in ("LC_ALL", "LC_TIME", "LANG"):
        value = os.environ.get(name, "")
        if value:
            break
    else:
        return ""
    language = value.split(".")[0].split("@")[0]
    if "_" not in language:
        return ""
    country = language.split("_", 1)[1].upper()
    return country if len(country) == 2 and country.isalpha() else ""


@functools.cache
def _holiday_countries() -> frozenset[str]:
    import holidays  # the country list is needed only here

    return frozenset(holidays.list_supported_countries())


@dataclass(frozen=True, slots=True)
class PlaybookSettings:
    """The knobs of the follow-up schedule, with PLAYBOOK section 6's defaults."""

    # -- right after the interview (PLAYBOOK 1 and 2) --
    debrief_due_minutes: int = field(
        default=120,
        metadata=_number(
            5, 24 * 60, N_("minutes after the interview ends that the debrief is due")
        ),
    )
    debrief_prompt_minutes: int = field(
        default=15,
        metadata=_number(
            0, 24 * 60, N_("minutes after the interview ends to prompt for the debrief")
        ),
    )
    thank_you_hours: int = field(
        default=24,
        metadata=_number(1, 24, N_("hours after the interview ends that the thank-you is due")),
    )
    thank_you_channel: str = field(
        default="email",
        metadata=_choice(("email", "letter", "linkedin"), N_("how the thank-you itself goes out")),
    )
    paper_note: str = field(
        default="none",
        metadata=_choice(
            ("none", "printed", "handwritten"),
            N_("a paper note after the emailed thank-you (the sources disagree on handwriting)"),
        ),
    )
    paper_note_days: int = field(
        default=1, metadata=_number(0, 7, N_("days after the interview for the paper note"))
    )
    linkedin_connect: bool = field(
        default=False,
        metadata=_flag(N_("also connect with each interviewer on LinkedIn with a short thanks")),
    )
    send_material_days: int = field(
        default=2,
        metadata=_number(0, 14, N_("days after the interview to send promised material")),
    )
    send_material_with_thank_you: bool = field(
        default=False,
        metadata=_flag(N_("send promised material together with the thank-you instead")),
    )
    # -- while waiting (PLAYBOOK 3) --
    tell_references_days: int = field(
        default=1,
        metadata=_number(0, 14, N_("days after reaching a final round to brief the references")),
    )
    check_in_referrer_days: int = field(
        default=2,
        metadata=_number(0, 30, N_("days after an interview to update the referrer")),
    )
    # -- status follow-ups (PLAYBOOK 4) --
    still_interested_note: bool = field(
        default=True,
        metadata=_flag(N_("a light still-interested note when their stated timeline runs out")),
    )
    double_timeline: bool = field(
        default=True,
        metadata=_flag(
            N_(
                "wait longer than their stated timeline before asking about the status, by "
                "the multiplier below (else ask when it runs out)"
            )
        ),
    )
    timeline_multiplier: float = field(
        default=2.0,
        metadata=_number(
            1.0,
            4.0,
            N_("how many times their stated timeline to wait before the first status check"),
            is_float=True,
        ),
    )
    no_timeline_follow_up_days: int = field(
        default=7,
        metadata=_number(1, 60, N_("days after the interview or their last reply to ask")),
    )
    follow_up_spacing_days: int = field(
        default=7, metadata=_number(1, 60, N_("days between the first and the second follow-up"))
    )
    follow_up_spacing_growth: float = field(
        default=1.5,
        metadata=_number(1.0, 3.0, N_("how much each later gap grows"), is_float=True),
    )
    status_follow_ups: int = field(
        default=2, metadata=_number(1, 5, N_("written status follow-ups before calling"))
    )
    phone_call: bool = field(
        default=True, metadata=_flag(N_("call when the written follow-ups go unanswered"))
    )
    phone_call_after_days: int = field(
        default=7, metadata=_number(1, 60, N_("days after the last written follow-up to call"))
    )
    closing_note: bool = field(
        default=True, metadata=_flag(N_("suggest a courteous closing note when nothing comes back"))
    )
    closing_after_days: int = field(
        default=7, metadata=_number(1, 60, N_("days after the last unanswered follow-up"))
    )
    status_channel: str = field(
        default="preferred",
        metadata=_choice(
            ("preferred", "email", "phone"),
            N_("status follow-ups: the channel they asked for (else email), or always one"),
        ),
    )
    status_to_hr: bool = field(
        default=False,
        metadata=_flag(
            N_("send status questions to HR or the recruiter instead of the interviewer")
        ),
    )
    # -- outcomes (PLAYBOOK 5) --
    reply_to_rejection_days: int = field(
        default=0, metadata=_number(0, 7, N_("days after a rejection to reply (0 = same day)"))
    )
    review_offer_days: int = field(
        default=1, metadata=_number(0, 14, N_("days after an offer to check it against criteria"))
    )
    second_call: bool = field(
        default=True,
        metadata=_flag(N_("call a second time when the first call goes unanswered")),
    )
    value_add_days: int = field(
        default=10,
        metadata=_number(3, 60, N_("days between value-adding notes once shortlisted")),
    )
    value_add: bool = field(
        default=True,
        metadata=_flag(N_("once shortlisted, share something useful every value_add_days days")),
    )
    prepare_days_before: int = field(
        default=2, metadata=_number(0, 14, N_("days before a next round to start preparing"))
    )
    # -- stale steps --
    missed_thank_you_days: int = field(
        default=7,
        metadata=_number(1, 60, N_("days past its due time after which a thank-you is missed")),
    )
    missed_after_days: int = field(
        default=30,
        metadata=_number(1, 365, N_("days overdue after which any other step is missed")),
    )
    # -- the whole search (global only) --
    pipeline_nudge: bool = field(
        default=True,
        metadata={**_flag(N_("remind you to keep other options open while you wait")), **_GLOBAL},
    )
    pipeline_min_active: int = field(
        default=3,
        metadata={**_number(0, 100, N_("fewer active opportunities than this is thin")), **_GLOBAL},
    )
    pipeline_recent_days: int = field(
        default=7,
        metadata={
            **_number(1, 90, N_("days without adding an opportunity that is too long")),
            **_GLOBAL,
        },
    )
    # -- when reminders may fall (global only) --
    timezone: str = field(
        default_factory=local_zone_name,
        metadata={"help": "your IANA time zone, e.g. Europe/Berlin", **_GLOBAL},
    )
    working_days: tuple[str, ...] = field(
        default=("mon", "tue", "wed", "thu", "fri"),
        metadata={"help": "days reminders may fall on", **_GLOBAL},
    )
    working_hours_start: str = field(
        default="09:00", metadata={"help": "earliest time of day for a reminder", **_GLOBAL}
    )
    working_hours_end: str = field(
        default="18:00", metadata={"help": "latest time of day for a reminder", **_GLOBAL}
    )
    holiday_country: str = field(
        default_factory=locale_country,
        metadata={
            "help": "country whose public holidays are not working days (ISO code, '' none)",
            **_GLOBAL,
        },
    )

    def to_json(self) -> dict[str, Any]:
        """The settings as the JSON object stored under the ``playbook`` key."""
        values: dict[str, Any] = {}
        for spec in fields(self):
            value = getattr(self, spec.name)
            values[spec.name] = list(value) if isinstance(value, tuple) else value
        return values

    @property
    def working_day_numbers(self) -> frozenset[int]:
        """Working days as ``date.weekday()`` numbers (Monday is 0)."""
        return frozenset(WEEKDAYS.index(day) for day in self.working_days)

    @property
    def start_time(self) -> time:
        """The start of working hours."""
        return _parse_clock(self.working_hours_start, "working_hours_start")

    @property
    def end_time(self) -> time:
        """The end of working hours."""
        return _parse_clock(self.working_hours_end, "working_hours_end")


SETTING_NAMES: Final = frozenset(spec.name for spec in fields(PlaybookSettings))
GLOBAL_ONLY: Final = frozenset(
    spec.name for spec in fields(PlaybookSettings) if spec.metadata.get("global_only")
)


def describe_settings() -> list[dict[str, Any]]:
    """Name, default, help and allowed values of each setting (for forms and the docs)."""
    defaults = PlaybookSettings()
    rows = []
    for spec in fields(PlaybookSettings):
        meta = dict(spec.metadata)
        rows.append(
            {
                "name": spec.name,
                "default": defaults.to_json()[spec.name],
                # English in the declaration; the person's language here.
                "help": i18n._(meta["help"]) if meta.get("help") else "",
                "choices": meta.get("choices"),
                "min": meta.get("min"),
                "max": meta.get("max"),
                "global_only": bool(meta.get("global_only")),
            }
        )
    return rows


def _parse_clock(text: str, name: str) -> time:
    try:
        hours, minutes = text.split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise ValidationError(
            _("Playbook setting {name!r} must be a time of day like 09:00, not {value!r}.").format(
                name=name, value=text
            ),
            name,
        ) from None


def _clean_value(name: str, value: Any) -> Any:  # noqa: PLR0911, PLR0912 - one check per type
    spec = next(item for item in fields(PlaybookSettings) if item.name == name)
    meta = spec.metadata
    if name == "timezone":
        if not isinstance(value, str) or not value:
            raise ValidationError(
                _(
                    "Playbook setting {name!r} must be an IANA zone name such as Europe/Berlin."
                ).format(name=name),
                name,
            )
        check_zone_name(value, name)
        zone(value)
        return value
    if name == "working_days":
        if isinstance(value, str) or not isinstance(value, list | tuple):
            raise ValidationError(
                _(
                    "Playbook setting {name!r} must be a list of days such as ['mon', 'tue']."
                ).format(name=name),
                name,
            )
        days = [str(day).strip().lower()[:3] for day in value]
        unknown = [day for day in days if day not in WEEKDAYS]
        if unknown or not days:
            raise ValidationError(
                _(
                    "Playbook setting {name!r} must list at least one of {days} (got {value!r})."
                ).format(name=name, days=", ".join(WEEKDAYS), value=list(value)),
                name,
            )
        return tuple(day for day in WEEKDAYS if day in days)
    if name == "holiday_country":
        country = value.strip().upper() if isinstance(value, str) else value
        # The locale's own country is accepted even without holiday data (then: none).
        if country not in ("", locale_country()) and country not in _holiday_countries():
            raise ValidationError(
                _(
                    "Playbook setting {name!r} must be a country code such as DE, FR or US (or "
                    "empty for no public holidays), not {value!r}."
                ).format(name=name, value=value),
                name,
            )
        return country
    if name in {"working_hours_start", "working_hours_end"}:
        if not isinstance(value, str):
            raise ValidationError(
                _("Playbook setting {name!r} must be a time of day like 09:00.").format(name=name),
                name,
            )
        parsed = _parse_clock(value, name)
        return f"{parsed.hour:02d}:{parsed.minute:02d}"
    if "choices" in meta:
        if value not in meta["choices"]:
            raise ValidationError(
                _("Playbook setting {name!r} must be one of {choices}, not {value!r}.").format(
                    name=name, choices=", ".join(meta["choices"]), value=value
                ),
                name,
            )
        return value
    if spec.type == "bool":
        if not isinstance(value, bool):
            raise ValidationError(
                _("Playbook setting {name!r} must be true or false, not {value!r}.").format(
                    name=name, value=value
                ),
                name,
            )
        return value
    # Numbers: bool is an int in Python, but "true days" is a mistake worth naming.
    is_float = bool(meta.get("float"))
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    if not numeric or (not is_float and not float(value).is_integer()) or not math.isfinite(value):
        if is_float:
            template = _("Playbook setting {name!r} must be a number, not {value!r}.")
        else:
            template = _("Playbook setting {name!r} must be a whole number, not {value!r}.")
        raise ValidationError(template.format(name=name, value=value), name)
    if not meta["min"] <= value <= meta["max"]:
        raise ValidationError(
            _(
                "Playbook setting {name!r} must be from {least} to {most} ({meaning}), not {value}."
            ).format(
                name=name,
                least=meta["min"],
                most=meta["max"],
                meaning=i18n._(meta["help"]),
                value=value,
            ),
            name,
        )
    return float(value) if is_float else int(value)


def validate_settings(
    values: Mapping[str, Any], *, per_opportunity: bool = False
) -> dict[str, Any]:
    """Check a (partial) settings object; return it cleaned, or raise a clear error.

    ``per_opportunity`` refuses the settings that only make sense for the whole search.
    """
    if not isinstance(values, Mapping):
        raise ValidationError(
            _("Playbook settings must be a JSON object of name -> value."), SETTINGS_KEY
        )
    cleaned: dict[str, Any] = {}
    for name, value in values.items():
        if name not in SETTING_NAMES:
            raise ValidationError(
                _("Unknown playbook setting {name!r}; known settings are {names}.").format(
                    name=name, names=", ".join(sorted(SETTING_NAMES))
                ),
                str(name),
            )
        if per_opportunity and name in GLOBAL_ONLY:
            raise ValidationError(
                _(
                    "Playbook setting {name!r} applies to your whole search, not one "
                    "opportunity; change it in the global settings instead."
                ).format(name=name),
                name,
            )
        cleaned[name] = _clean_value(name, value)
    merged = cleaned
    start = merged.get("working_hours_start")
    end = merged.get("working_hours_end")
    if start is not None and end is not None and _parse_clock(end, "") <= _parse_clock(start, ""):
        raise ValidationError(
            _("Working hours must end after they start ({start} to {end}).").format(
                start=start, end=end
            ),
            "working_hours_end",
        )
    return cleaned


def _defaults() -> PlaybookSettings:
    return PlaybookSettings()


def settings_from(values: Mapping[str, Any]) -> PlaybookSettings:
    """Defaults with ``values`` applied (validated)."""
    base = PlaybookSettings()
    cleaned = validate_settings(values)
    result = replace(base, **cleaned)
    if result.end_time <= result.start_time:
        raise ValidationError(
            _("Working hours must end after they start ({start} to {end}).").format(
                start=result.working_hours_start, end=result.working_hours_end
            ),
            "working_hours_end",
        )
    return result


def with_overrides(base: PlaybookSettings, overrides: Mapping[str, Any]) -> PlaybookSettings:
    """``base`` changed by one opportunity's overrides (validated)."""
    if not overrides:
        return base
    return replace(base, **validate_settings(overrides, per_opportunity=True))


def load_settings(session: Session) -> PlaybookSettings:
    """The global playbook settings stored in the database, over the defaults."""
    # Plain SQL on the session's connection: this runs on every re-plan, and through the
    # ORM it cost more than planning one opportunity.
    row = (
        driver_connection(session)
        .execute("SELECT value FROM settings WHERE key = ?", (SETTINGS_KEY,))
        .fetchone()
    )
    if row is None:
        return _defaults()
    try:
        stored = json.loads(row[0]) if isinstance(row[0], str) else row[0]
    except ValueError:
        raise ValidationError(
            _("The stored playbook settings are not valid JSON; reset them in Settings."),
            SETTINGS_KEY,
        ) from None
    if stored is None:
        return _defaults()
    if not isinstance(stored, Mapping):
        raise ValidationError(
            _(
                "The stored playbook settings are {kind}, not an object of name -> value; reset "
                "them in Settings."
            ).format(kind=type(stored).__name__),
            SETTINGS_KEY,
        )
    zone_name = stored.get("timezone")
    if zone_name is not None and not is_zone_name(zone_name):
        # Stored before zone names were checked (``localtime``, ``posix/…``): the
        # machine's own zone is the closest reading, and planning must not stop for it.
        log.warning("ignoring the stored playbook time zone %r: not an IANA name", zone_name)
        stored = {key: value for key, value in stored.items() if key != "timezone"}
    return settings_from(stored)


class SettingsCache:
    """Merged settings per distinct overrides object, so 10,000 plans merge only a few."""

    def __init__(self, base: PlaybookSettings) -> None:
        self.base = base
        self._merged: dict[str, PlaybookSettings] = {}

    def for_overrides(self, overrides: Mapping[str, Any]) -> PlaybookSettings:
        """The settings for an opportunity with these overrides."""
        if not overrides:
            return self.base
        key = json.dumps(overrides, sort_keys=True, default=str)
        merged = self._merged.get(key)
        if merged is None:
            merged = with_overrides(self.base, overrides)
            self._merged[key] = merged
        return merged


__all__ = [
    "GLOBAL_ONLY",
    "SETTINGS_KEY",
    "SETTING_NAMES",
    "PlaybookSettings",
    "SettingsCache",
    "describe_settings",
    "load_settings",
    "settings_from",
    "validate_settings",
    "with_overrides",
]
