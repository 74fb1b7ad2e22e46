"""Every key of the settings table, declared once with its default and its check.

The settings table holds JSON values under text keys. Each key Followup reads is
declared here: a single key (``playbook``, ``reminders``, ``email.account`` ...) or a
family of keys sharing a prefix with a checked suffix (``board_card_order.<stage id>``,
``template.<template>`` ...). :func:`check_setting` is what
:meth:`FollowupService.set_setting` and the JSON import call: an undeclared key or a
value its declaration refuses raises :class:`ValidationError`, naming the setting and
what to fix, so nothing is stored that the code reading it would have to guess about.

The checks import the modules that own each value's format only when they run: this
module is imported by the service layer, which those modules import in turn.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from followup_desktop.core import i18n
from followup_desktop.core.errors import ValidationError
from followup_desktop.core.i18n import N_, _

Check = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class DeclaredSetting:
    """One key (or one family of keys) of the settings table.

    ``key`` is the whole key, or for a family (``suffix`` set) the prefix its keys share;
    ``suffix`` is the pattern the rest of a family's key must match. ``check`` returns
    the value to store (possibly normalised) or raises :class:`ValidationError`;
    ``value`` says in words what the value must be, for messages and documentation.
    ``label``, ``value`` and ``suffix_words`` are English, marked with ``N_``, and
    translated into the messages. ``default`` is what an absent key means. ``nullable``
    settings may be stored as ``null``, which also means the default.
    """

    key: str
    label: str
    value: str
    default: Any
    check: Check
    suffix: re.Pattern[str] | None = None
    suffix_words: str = ""
    nullable: bool = False

    @property
    def is_family(self) -> bool:
        """True for a family of keys sharing ``key`` as their prefix."""
        return self.suffix is not None

    def matches(self, key: str) -> bool:
        """True when ``key`` is this setting (or a key of this family)."""
        if self.suffix is None:
            return key == self.key
        return key.startswith(self.key) and self.suffix.fullmatch(key[len(self.key) :]) is not None


def _playbook(value: Any) -> Any:
    from followup_desktop.core.playbook.settings import settings_from, validate_settings

    cleaned = validate_settings(value)
    # Over the defaults too: working hours that end before the default start are refused.
    settings_from(cleaned)
    return cleaned


def _language(value: Any) -> str:
    from followup_desktop.core.i18n import LANGUAGES, PSEUDO

    if value not in (*LANGUAGES, PSEUDO):
        raise ValidationError(
            _("must be one of {choices}, not {value!r}").format(
                choices=", ".join(LANGUAGES), value=value
            )
        )
    return str(value)


def _object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValidationError(_("must be a JSON object, not {kind}").format(kind=_json_type(value)))
    return value


def _reminders(value: Any) -> dict[str, Any]:
    from followup_desktop.core.timeutil import parse_instant

    prefs = _object(value)
    unknown = sorted(set(prefs) - {"quiet_hours", "paused_until"})
    if unknown:
        raise ValidationError(
            _(
                "has no choice called {name!r} (the choices are quiet_hours and paused_until)"
            ).format(name=unknown[0]),
            unknown[0],
        )
    if not isinstance(prefs.get("quiet_hours", True), bool):
        raise ValidationError(_("quiet_hours must be true or false"), "quiet_hours")
    paused = prefs.get("paused_until")
    if paused is not None:
        if not isinstance(paused, str):
            raise ValidationError(
                _("paused_until must be an instant (text) or null"), "paused_until"
            )
        parse_instant(paused, "paused_until")
    return prefs


def _email_account(value: Any) -> Any:
    from followup_desktop.core.messages.account import EmailAccount

    EmailAccount.from_json(value)
    return value


def _incoming_account(value: Any) -> Any:
    from followup_desktop.core.mailbox.account import IncomingAccount

    IncomingAccount.from_json(value)
    return value


def _sequences(value: Any) -> dict[str, Any]:
    sequences = _object(value)
    for uid, entry in sequences.items():
        if not (
            isinstance(entry, list)
            and len(entry) == 2
            and type(entry[0]) is int
            and entry[0] >= 0
            and isinstance(entry[1], str)
        ):
            raise ValidationError(
                _(
                    "the entry for {uid!r} must be [sequence, digest]: a whole number from 0 "
                    "and a text"
                ).format(uid=uid),
                str(uid),
            )
    return sequences


def _template_source(value: Any) -> str:
    if not isinstance(value, str):
        raise ValidationError(
            _("must be the template's text, not {kind}").format(kind=_json_type(value))
        )
    return value


def _card_order(value: Any) -> dict[str, Any]:
    ranks = _object(value)
    for card, rank in ranks.items():
        if not str(card).isdigit():
            raise ValidationError(
                _("{card!r} is not an opportunity id (digits only)").format(card=card), str(card)
            )
        if type(rank) not in (int, float) or not math.isfinite(rank):
            raise ValidationError(
                _("the rank of card {card} must be a finite number").format(card=card), str(card)
            )
    return ranks


def _mapping(value: Any) -> dict[str, Any]:
    mapping = _object(value)
    for column, target in mapping.items():
        if not isinstance(target, str):
            raise ValidationError(
                _("column {column!r} must map to a field name (text)").format(column=column),
                str(column),
            )
    return mapping


def _template_keys() -> frozenset[str]:
    from followup_desktop.core.i18n import LANGUAGES
    from followup_desktop.core.messages.templates import TEMPLATE_KEYS

    # English edits keep the bare name; a German or French one is "de.<name>", "fr.<name>".
    others = {f"{language}.{key}" for language in LANGUAGES[1:] for key in TEMPLATE_KEYS}
    return frozenset(TEMPLATE_KEYS) | others


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return _("true or false")
    if isinstance(value, int | float):
        return _("the number {value}").format(value=value)
    if isinstance(value, str):
        return _("the text {value!r}").format(value=value)
    return _("a list") if isinstance(value, list) else _("an object")


_ID = re.compile(r"[1-9][0-9]{0,18}")

#: Every setting Followup reads, once.
SETTINGS: Final[tuple[DeclaredSetting, ...]] = (
    DeclaredSetting(
        "playbook",
        N_("Playbook settings"),
        N_(
            "an object of playbook settings (docs/playbook.md), such as "
            '{"no_timeline_follow_up_days": 10}'
        ),
        {},
        _playbook,
    ),
    DeclaredSetting(
        # Written by the re-plan itself (core.playbook), never by hand: a re-plan in
        # another language rewrites every open step's reason and sets it.
        "plan.language",
        N_("Language of the planned steps' reasons"),
        N_("the language code the stored reasons are written in (en, de or fr)"),
        "en",
        _language,
    ),
    DeclaredSetting(
        "reminders",
        N_("Reminder choices"),
        N_('an object with "quiet_hours" (true or false) and "paused_until" (an instant or null)'),
        {"quiet_hours": True, "paused_until": None},
        _reminders,
    ),
    DeclaredSetting(
        "email.account",
        N_("Email account"),
        N_("the outgoing mail account (server, port, security, user, sender)"),
        None,
        _email_account,
        nullable=True,
    ),
    DeclaredSetting(
        "mailbox.account",
        N_("Incoming mail account"),
        N_("the IMAP account to read (server, port, user, folders)"),
        None,
        _incoming_account,
        nullable=True,
    ),
    DeclaredSetting(
        "mailbox.state:",
        N_("What was seen in a mailbox"),
        N_("an object Followup keeps about a mailbox it reads"),
        None,
        _object,
        # "files": the messages read from saved .eml files, without a mailbox.
        suffix=re.compile(r".+@.+|files", re.DOTALL),
        suffix_words=N_("user@server (or files)"),
        nullable=True,
    ),
    DeclaredSetting(
        "calendar.sequences",
        N_("Calendar export sequence numbers"),
        N_("an object of event id -> [sequence, digest]"),
        {},
        _sequences,
    ),
    DeclaredSetting(
        "template.",
        N_("Edited message template"),
        N_("the template's text, or null for the shipped one"),
        None,
        _template_source,
        suffix=re.compile(r"(?:[a-z]{2}\.)?[a-z_]+"),
        suffix_words=N_("the name of a template (after de. or fr. for a German or French one)"),
        nullable=True,
    ),
    DeclaredSetting(
        "imports.mapping.",
        N_("Remembered spreadsheet columns"),
        N_("an object of column heading -> field name"),
        None,
        _mapping,
        suffix=re.compile(r"[0-9a-f]{16}"),
        suffix_words=N_("16 hexadecimal digits"),
        nullable=True,
    ),
    DeclaredSetting(
        "board_card_order.",
        N_("Hand-made card order of a column"),
        N_("an object of opportunity id -> rank"),
        {},
        _card_order,
        suffix=_ID,
        suffix_words=N_("a stage id"),
    ),
    DeclaredSetting(
        "debrief_draft:",
        N_("Unfinished debrief (of older versions)"),
        N_(
            "the object the debrief form saved while it was being written; drafts now have a "
            "table of their own, and an old export's are kept as they were"
        ),
        None,
        _object,
        suffix=_ID,
        suffix_words=N_("an interview id"),
        nullable=True,
    ),
)


def declared(key: str) -> DeclaredSetting:
    """The declaration of ``key``; :class:`ValidationError` when there is none."""
    for setting in SETTINGS:
        if setting.matches(key):
            if setting.key == "template." and key[len(setting.key) :] not in _template_keys():
                break
            return setting
    family = next((s for s in SETTINGS if s.is_family and key.startswith(s.key)), None)
    if family is not None:
        raise ValidationError(
            _("{key!r} is not a setting Followup knows: after {family!r} comes {words}.").format(
                key=key, family=family.key, words=i18n._(family.suffix_words)
            ),
            key,
        )
    names = ", ".join(s.key + ("…" if s.is_family else "") for s in SETTINGS)
    raise ValidationError(
        _("{key!r} is not a setting Followup knows; remove it or use one of: {names}.").format(
            key=key, names=names
        ),
        key,
    )


def check_setting(key: str, value: Any) -> Any:
    """``value`` checked (and cleaned) for ``key``, or :class:`ValidationError`.

    The message names the setting and says what its value must be; ``field`` is the
    part of the value at fault when the check names one (a playbook setting, say), else
    the key.
    """
    setting = declared(key)
    if value is None:
        if setting.nullable:
            return None
        raise ValidationError(
            _("The setting {key!r} ({label}) cannot be null. It must be {value}.").format(
                key=key, label=i18n._(setting.label), value=i18n._(setting.value)
            ),
            key,
        )
    try:
        return setting.check(value)
    except ValidationError as error:
        field = error.field or key
        # A check that names the part at fault says what to fix; otherwise say the shape.
        if field == key:
            template = _("The setting {key!r} ({label}): {problem}. It must be {value}.")
        else:
            template = _("The setting {key!r} ({label}): {problem}.")
        raise ValidationError(
            template.format(
                key=key,
                label=i18n._(setting.label),
                problem=str(error).rstrip("."),
                value=i18n._(setting.value),
            ),
            field,
        ) from None


__all__ = [
    "SETTINGS",
    "DeclaredSetting",
    "check_setting",
    "declared",
]
