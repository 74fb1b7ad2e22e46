"""Cell values as trackers and spreadsheets write them: dates, salaries, links, yes/no.

Each parser returns the value or raises :class:`CellError` with a message saying what to
type instead; the planner attaches the row number and column.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, tzinfo
from decimal import Decimal, InvalidOperation

from followup_desktop.core.i18n import _

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january", "januar", "janvier", "enero", "jän", "jänner"),
            ("feb", "february", "februar", "février", "fév", "febrero"),
            ("mar", "march", "märz", "mär", "mars", "marzo", "mrz"),
            ("apr", "april", "avril", "abril", "avr"),
            ("may", "mai", "mayo"),
            ("jun", "june", "juni", "juin", "junio"),
            ("jul", "july", "juli", "juillet", "julio", "juil"),
            ("aug", "august", "août", "agosto"),
            ("sep", "sept", "september", "septembre", "septiembre"),
            ("oct", "october", "oktober", "okt", "octobre", "octubre"),
            ("nov", "november", "novembre", "noviembre"),
            ("dec", "december", "dezember", "dez", "décembre", "déc", "diciembre", "dic"),
        ),
        start=1,
    )
    for name in names
}
# A date without a time of day lands at noon, so no time zone moves it to another day.
NOON = time(12, 0)
_TIME = r"(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*([AaPp]\.?[Mm]\.?)?)?"
_NUMERIC = re.compile(r"^(\d{1,4})([/.\-])(\d{1,2})\2(\d{1,4})" + _TIME + r"\s*$")
_WORDY_DMY = re.compile(r"^(\d{1,2})\.?\s+([^\W\d_]+)\.?,?\s+(\d{4})" + _TIME + r"\s*$")
_WORDY_MDY = re.compile(r"^([^\W\d_]+)\.?\s+(\d{1,2}),?\s+(\d{4})" + _TIME + r"\s*$")
_TRUE = {"yes", "y", "true", "1", "x", "ja", "oui", "sí", "si", "✓", "✔"}
_FALSE = {"no", "n", "false", "0", "nein", "non", ""}
_CURRENCY_SIGNS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "chf": "CHF"}


class CellError(ValueError):
    """A cell that cannot be read; the message says what to fix."""


_NOT_AN_AMOUNT = _("{text} is not an amount; write a number like 60000.")


def _clock(groups: tuple[str | None, ...], text: str) -> time:
    hour_text, minute_text, second_text, meridiem = groups
    if hour_text is None:
        return NOON
    hour, minute, second = int(hour_text), int(minute_text or 0), int(second_text or 0)
    if meridiem:
        if not 1 <= hour <= 12:
            raise CellError(
                _("{text} has hour {hour} with AM/PM; an AM/PM hour is 1 to 12.").format(
                    text=repr(text), hour=hour
                )
            )
        hour = hour % 12 + (12 if meridiem.lower().startswith("p") else 0)
    try:
        return time(hour, minute, second)
    except ValueError:
        raise CellError(
            _("{text} has an impossible time of day.").format(text=repr(text))
        ) from None


def _year(number: int) -> int:
    # Two-digit years (LinkedIn's 8/15/26) are this century's.
    return number + 2000 if number < 100 else number


def _make(year: int, month: int, day: int, text: str, hint: str = "") -> date:
    try:
        return date(_year(year), month, day)
    except ValueError:
        raise CellError((hint or _("{text} is not a real date.")).format(text=repr(text))) from None


def parse_date_time(text: str, *, day_first: bool, tz: tzinfo) -> datetime | None:
    """A cell as an aware UTC instant; None for an empty cell.

    Accepted: ISO 8601 (``2026-08-15``, with a time, with an offset), numbers with
    ``/``, ``.`` or ``-`` (month first unless ``day_first``; a dot always means day
    first, as German and French write it), two-digit years, 12-hour times
    (``8/15/26, 10:03 AM``), and month names (``12 Mar 2024``, ``March 12, 2024``).
    A time without an offset is in ``tz``.
    """
    cleaned = text.strip()
    if not cleaned:
        return None
    iso = _iso(cleaned, tz)
    if iso is not None:
        return iso
    found = _NUMERIC.match(cleaned)
    if found:
        first, sep, second, third = found.group(1, 2, 3, 4)
        clock = _clock(found.group(5, 6, 7, 8), cleaned)
        if len(first) == 4:
            day = _make(int(first), int(second), int(third), cleaned)
        elif day_first or sep == ".":
            day = _make(
                int(third),
                int(second),
                int(first),
                cleaned,
                _("{text} is not a real date (read day first)."),
            )
        else:
            hint = ""
            if int(first) > 12:
                hint = _(
                    "{text} is not a real date (read month first; if the file writes the day "
                    "first, switch on day-first dates)."
                )
            day = _make(int(third), int(first), int(second), cleaned, hint)
        return datetime.combine(day, clock, tz).astimezone(UTC)
    for pattern, day_group, month_group in ((_WORDY_DMY, 1, 2), (_WORDY_MDY, 2, 1)):
        found = pattern.match(cleaned)
        if found:
            month = MONTHS.get(found.group(month_group).casefold().rstrip("."))
            if month is None:
                raise CellError(
                    _("{text}: {word} is not a month.").format(
                        text=repr(cleaned), word=repr(found.group(month_group))
                    )
                )
            day = _make(int(found.group(3)), month, int(found.group(day_group)), cleaned)
            clock = _clock(found.group(4, 5, 6, 7), cleaned)
            return datetime.combine(day, clock, tz).astimezone(UTC)
    raise CellError(
        _(
            "{text} is not a date Followup can read; write it like 2026-08-15, 8/15/2026 or "
            "15 Aug 2026."
        ).format(text=repr(cleaned))
    )


def _iso(text: str, tz: tzinfo) -> datetime | None:
    if not re.match(r"^\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError:
        return None
    if len(text) == 10:
        value = datetime.combine(value.date(), NOON)
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(UTC)


def parse_bool(text: str) -> bool:
    """Yes/no as people write it (yes, true, x, 1, ja, oui; no, false, empty)."""
    cleaned = text.strip().casefold()
    if cleaned in _TRUE:
        return True
    if cleaned in _FALSE:
        return False
    raise CellError(
        _("{text} is neither yes nor no; write yes or no.").format(text=repr(text.strip()))
    )


def parse_link(text: str) -> str:
    """A posting address; one written without ``https://`` gets it."""
    cleaned = text.strip()
    if not cleaned:
        return ""
    if re.match(r"^[\w-]+(\.[\w-]+)+(/|$)", cleaned):
        cleaned = "https://" + cleaned
    if not re.match(r"^https?://[^\s/]+", cleaned, re.IGNORECASE) or " " in cleaned:
        raise CellError(
            _("{text} is not a web address; write it like https://...").format(
                text=repr(cleaned[:80])
            )
        )
    if len(cleaned) > 2000:
        raise CellError(
            _("The link is {length} characters long; at most 2000 fit.").format(length=len(cleaned))
        )
    return cleaned


def parse_amount(text: str) -> int | None:
    """A whole amount: ``85000``, ``85,000``, ``85.000``, ``85k``, ``85 000 €``."""
    cleaned = text.strip().casefold()
    if not cleaned:
        return None
    found = re.search(r"\d[\d\s.,']*(?:k\b)?", cleaned)
    if not found:
        raise CellError(_NOT_AN_AMOUNT.format(text=repr(text.strip())))
    number = found.group(0).strip()
    factor = 1000 if number.endswith("k") else 1
    digits = number.rstrip("k").strip().replace(" ", "").replace("'", "")
    # 60,000 / 60.000 group thousands; 60.5k or 60,5k are decimals.
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", digits):
        digits = re.sub(r"[.,]", "", digits)
    digits = digits.replace(",", ".")
    try:
        value = Decimal(digits) * factor
    except InvalidOperation:
        raise CellError(_NOT_AN_AMOUNT.format(text=repr(text.strip()))) from None
    return int(value)


def currency_of(text: str) -> str:
    """The ISO currency a salary cell names (``$`` -> USD, ``EUR``), or ""."""
    lowered = text.casefold()
    for sign, code in _CURRENCY_SIGNS.items():
        if sign in lowered:
            return code
    found = re.search(r"\b([A-Za-z]{3})\b", text)
    if found and found.group(1).upper() in {"USD", "EUR", "GBP", "CAD", "AUD", "CHF", "INR"}:
        return found.group(1).upper()
    return ""


def parse_salary(text: str) -> tuple[int | None, int | None, str]:
    """A salary cell as (minimum, maximum, currency): ``$120k - $140k``, ``55.000 €``."""
    cleaned = text.strip()
    if not cleaned:
        return None, None, ""
    parts = re.split(
        "\\s*(?:-|\u2013|\u2014|to|bis|\u00e0)\\s*(?=\\D{0,3}\\d)", cleaned, maxsplit=1
    )
    low = parse_amount(parts[0])
    high = parse_amount(parts[1]) if len(parts) > 1 else low
    # "120-140k": the k on the second number applies to both.
    if low is not None and high is not None and parts[1:] and low < 1000 <= high:
        low *= 1000
    if low is not None and high is not None and low > high:
        raise CellError(
            _("{text}: the first amount is above the second.").format(text=repr(cleaned))
        )
    return low, high, currency_of(cleaned)
