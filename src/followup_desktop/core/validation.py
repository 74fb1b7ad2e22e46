"""Field checks shared by the service layer, the importer and the GUI's inline messages.

Each check returns the cleaned value or raises :class:`ValidationError` naming the field
and saying what to type instead, in the person's language. A field's ``label`` is the
English one the field declarations mark with ``N_`` (core.fields); it is translated here,
where the message is written.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit

from followup_desktop.core import i18n, localformat
from followup_desktop.core.errors import ValidationError
from followup_desktop.core.i18n import N_, _
from followup_desktop.core.plain_text import refuse_nul

# Deliberately loose: one @, something on each side, a dot in the domain. Stricter rules
# reject real addresses; the mail server is the final judge.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_TIMELINE_DAYS = 365


def required_text(value: str, field: str, label: str, max_length: int = 200) -> str:
    """Non-blank text, stripped, no longer than ``max_length``."""
    cleaned = (value or "").strip()
    if not cleaned:
        raise ValidationError(_("{field} is required.").format(field=i18n._(label)), field)
    return optional_text(cleaned, field, label, max_length)


def optional_text(value: str | None, field: str, label: str, max_length: int = 200) -> str:
    """Text that may be empty, stripped, no longer than ``max_length``, without NUL."""
    cleaned = refuse_nul((value or "").strip(), field, label)
    if len(cleaned) > max_length:
        raise ValidationError(
            _("{field} is too long ({length} characters; at most {most}).").format(
                field=i18n._(label),
                length=localformat.number(len(cleaned)),
                most=localformat.number(max_length),
            ),
            field,
        )
    return cleaned


def url(value: str | None, field: str = "link", label: str = N_("Link")) -> str:
    """Empty, or an http(s) address."""
    cleaned = optional_text(value, field, label, 2000)
    if not cleaned:
        return ""
    parts = urlsplit(cleaned)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValidationError(
            _("{field} must be a web address starting with https:// (got {value!r}).").format(
                field=i18n._(label), value=cleaned
            ),
            field,
        )
    return cleaned


def email(value: str | None, field: str = "email", label: str = N_("Email")) -> str:
    """Empty, or something shaped like an email address."""
    cleaned = optional_text(value, field, label, 320)
    if cleaned and not _EMAIL.match(cleaned):
        raise ValidationError(
            _("{field} {value!r} is not an email address (like name@example.com).").format(
                field=i18n._(label), value=cleaned
            ),
            field,
        )
    return cleaned


def linkedin_profile(value: str | None, field: str = "linkedin") -> str:
    """Empty, or the web address of a LinkedIn page (``linkedin.com/in/…`` and the like).

    A bare ``linkedin.com/in/name`` gets its ``https://`` added, since that is how people
    copy it from the address bar; anything on another site is refused, because the
    composer opens this address as the person's LinkedIn profile.
    """
    cleaned = optional_text(value, field, N_("LinkedIn profile"), 500)
    if not cleaned:
        return ""
    if "://" not in cleaned:
        cleaned = "https://" + cleaned
    parts = urlsplit(cleaned)
    host = (parts.hostname or "").lower()
    if parts.scheme not in {"http", "https"} or not (
        host == "linkedin.com" or host.endswith(".linkedin.com")
    ):
        raise ValidationError(
            _(
                "The LinkedIn profile must be a linkedin.com address, like "
                "https://www.linkedin.com/in/jane-roe (copy it from your browser)."
            ),
            field,
        )
    return cleaned


def salary_range(minimum: int | None, maximum: int | None) -> tuple[int | None, int | None]:
    """Non-negative amounts with the minimum not above the maximum."""
    for value, field in ((minimum, "salary_min"), (maximum, "salary_max")):
        if value is not None and value < 0:
            raise ValidationError(_("A salary cannot be negative."), field)
    if minimum is not None and maximum is not None and minimum > maximum:
        raise ValidationError(
            _("The salary minimum ({minimum}) is above the maximum ({maximum}).").format(
                minimum=localformat.number(minimum), maximum=localformat.number(maximum)
            ),
            "salary_min",
        )
    return minimum, maximum


def interview_times(starts_at: datetime, ends_at: datetime) -> None:
    """An interview must end after it starts and last less than a day."""
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ValidationError(_("Interview times need a time zone."), "starts_at")
    if ends_at <= starts_at:
        raise ValidationError(_("The interview must end after it starts."), "ends_at")
    if (ends_at - starts_at).days >= 1:
        raise ValidationError(
            _("The interview lasts a day or more; check the end time."), "ends_at"
        )


def timeline_days(value: int | None) -> int | None:
    """A stated decision timeline, in days: 1 to a year, or unknown."""
    if value is None:
        return None
    if not 1 <= value <= MAX_TIMELINE_DAYS:
        raise ValidationError(
            _(
                "A decision timeline of {days} days is not plausible; give 1 to {most} days, "
                "or leave it empty."
            ).format(days=value, most=MAX_TIMELINE_DAYS),
            "decision_timeline_days",
        )
    return value


def preparedness(value: int | None) -> int | None:
    """How prepared the person felt, 1 (not at all) to 5 (fully), or unknown."""
    if value is not None and not 1 <= value <= 5:
        raise ValidationError(_("Preparedness is a score from 1 to 5."), "preparedness")
    return value


def letter_language(value: object) -> str | None:
    """``value`` when it is a language letters can be written in, None for the app's own;
    anything else is refused with a sentence saying what to choose."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and value in i18n.LANGUAGES:
        return value
    choices = ", ".join(f"{code} ({i18n.LANGUAGE_NAMES[code]})" for code in i18n.LANGUAGES)
    raise ValidationError(
        i18n._("Letters cannot be written in {language}; choose one of {choices}.").format(
            language=repr(value), choices=choices
        ),
        "letter_language",
    )
