"""What each kind of action is: its words, its template, its symbol and what opening it does.

The one table of action kinds. The planner names kinds by :class:`ActionKind`; the
agenda, the tray and the board read their labels here, the composer its template, the
calendar its symbol and the window what opening one does. A kind is declared once, in
:data:`ACTION_KINDS`, and a test walks every kind through all of it.

Apart from :mod:`models` and free of SQLAlchemy, like :mod:`kinds`, so that the first
paint and the command line's agenda can name kinds without loading the ORM.

Besides the declared kinds, an action may carry a kind of the person's own (``add_action``
and the JSON import accept any short text): :meth:`ActionKind.of` turns stored text into
an :class:`ActionKind` either way, and :func:`kind_info` describes an own kind as a to-do
named after its text.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from followup_desktop.core import i18n
from followup_desktop.core.i18n import N_, _


class ActionKind(enum.StrEnum):
    """What a planned (or the person's own) action asks the person to do."""

    DEBRIEF = "debrief"
    THANK_YOU = "thank_you"
    SEND_MATERIAL = "send_material"
    TELL_REFERENCES = "tell_references"
    CHECK_IN_REFERRER = "check_in_referrer"
    STILL_INTERESTED = "still_interested"
    STATUS_FOLLOW_UP = "status_follow_up"
    PHONE_CALL = "phone_call"
    CLOSING_NOTE = "closing_note"
    REPLY_TO_REJECTION = "reply_to_rejection"
    KEEP_OPTIONS_OPEN = "keep_options_open"
    REVIEW_OFFER = "review_offer"
    MOVE_ON = "move_on"
    PREPARE_NEXT_ROUND = "prepare_next_round"
    VALUE_ADD = "value_add"
    SET_CRITERIA = "set_criteria"
    BUILD_SKILLS = "build_skills"
    NEW_EVIDENCE_NOTE = "new_evidence_note"
    # A to-do the person wrote themselves; the planner never makes one.
    CUSTOM = "custom"

    @classmethod
    def of(cls, text: str) -> ActionKind:
        """The kind stored as ``text``: a declared one, or a kind of the person's own.

        An own kind is an :class:`ActionKind` that equals its text and is not a member
        (it is absent from ``list(ActionKind)``), so code typed by the enum reads it
        without a second type; ``ActionKind(text)`` still refuses text that is not
        declared, which keeps typos in the code loud.
        """
        known = _BY_TEXT.get(text)
        if known is not None:
            return known
        own = str.__new__(cls, text)
        own._name_ = "OWN"
        own._value_ = text
        # Kept, so each own kind is one object however many actions carry it.
        _BY_TEXT[text] = own
        return own

    @property
    def is_declared(self) -> bool:
        """False for a kind of the person's own."""
        return _DECLARED.get(self.value) is self


_DECLARED: Final[dict[str, ActionKind]] = {kind.value: kind for kind in ActionKind}
# Every kind met so far by its text: the declared ones, and own kinds once read.
_BY_TEXT: Final[dict[str, ActionKind]] = dict(_DECLARED)


def kind_lookup() -> Callable[[str], ActionKind | None]:
    """A fast look-up of stored text, for loops over many rows: None when not met yet
    (then call :meth:`ActionKind.of`)."""
    return _BY_TEXT.get


class Opening(enum.StrEnum):
    """What opening an action does (the window's action router reads this)."""

    #: Draft the message (or the call script) in the composer.
    COMPOSER = "composer"
    #: Open the debrief form of the action's interview.
    DEBRIEF = "debrief"
    #: Open the opportunity's editor.
    EDITOR = "editor"
    #: A step about the whole search: show the board and say so.
    BOARD = "board"


class Symbol(enum.StrEnum):
    """How an item is marked where colour alone must not tell (calendar, lists).

    The value is an icon name a face may map to a picture; :attr:`glyph` is the plain
    Unicode symbol drawn today and :attr:`words` what the legend calls it. Interviews
    and expected decisions are calendar items, not actions, but share the legend.
    """

    INTERVIEW = "interview"
    MESSAGE = "message"
    CALL = "call"
    DEBRIEF = "debrief"
    TASK = "task"
    DECISION = "decision"

    @property
    def glyph(self) -> str:
        """The symbol as text."""
        return _GLYPHS[self]

    @property
    def words(self) -> str:
        """What the legend says the symbol stands for, in the person's language."""
        return i18n._(_SYMBOL_WORDS[self])


_GLYPHS: Final = {
    Symbol.INTERVIEW: "◷",
    Symbol.MESSAGE: "✉",
    Symbol.CALL: "☎",
    Symbol.DEBRIEF: "✎",
    Symbol.TASK: "☐",
    Symbol.DECISION: "⚑",
}
_SYMBOL_WORDS: Final = {
    Symbol.INTERVIEW: N_("interview"),
    Symbol.MESSAGE: N_("message"),
    Symbol.CALL: N_("call"),
    Symbol.DEBRIEF: N_("debrief"),
    Symbol.TASK: N_("to-do"),
    Symbol.DECISION: N_("expected decision"),
}


def legend() -> str:
    """The calendar's legend: every symbol and its words, in the order of :class:`Symbol`."""
    return "   ".join(f"{symbol.glyph} {symbol.words}" for symbol in Symbol)


@dataclass(frozen=True, slots=True)
class KindInfo:
    """Everything the faces need to know about one kind of action.

    ``template`` is the message template the composer starts from (None: no draft);
    ``is_message`` says the step is a message sent to someone (a call or a to-do is not);
    ``asks_status`` that it asks the employer where things stand (a follow-up);
    ``with_person`` how a step about one person names them ("… to {person}"), so two
    thank-yous for two interviewers never read the same (no phrase: the name goes after
    the label).
    """

    kind: ActionKind
    label: str
    template: str | None
    symbol: Symbol
    opening: Opening
    is_message: bool
    asks_status: bool = False
    with_person: str = ""


def _message(
    kind: ActionKind,
    label: str,
    template: str,
    with_person: str,
    *,
    asks_status: bool = False,
) -> KindInfo:
    return KindInfo(
        kind,
        label,
        template,
        Symbol.MESSAGE,
        Opening.COMPOSER,
        is_message=True,
        asks_status=asks_status,
        with_person=with_person,
    )


def _task(kind: ActionKind, label: str, opening: Opening = Opening.EDITOR) -> KindInfo:
    return KindInfo(kind, label, None, Symbol.TASK, opening, is_message=False)


_K = ActionKind
#: Every declared kind, once.
ACTION_KINDS: Final[dict[ActionKind, KindInfo]] = {
    info.kind: info
    for info in (
        KindInfo(
            _K.DEBRIEF,
            N_("Write the debrief"),
            None,
            Symbol.DEBRIEF,
            Opening.DEBRIEF,
            is_message=False,
        ),
        _message(
            _K.THANK_YOU,
            N_("Send a thank-you note"),
            "thank_you",
            N_("Send a thank-you note to {person}"),
        ),
        _message(
            _K.SEND_MATERIAL,
            N_("Send the promised material"),
            "promised_material",
            N_("Send the promised material to {person}"),
        ),
        _message(
            _K.TELL_REFERENCES,
            N_("Brief your references"),
            "reference_heads_up",
            N_("Brief {person}, your reference"),
        ),
        _message(
            _K.CHECK_IN_REFERRER,
            N_("Check in with your referrer"),
            "referrer_check_in",
            N_("Check in with {person}"),
        ),
        _message(
            _K.STILL_INTERESTED,
            N_("Send a short still-interested note"),
            "still_interested",
            N_("Send {person} a short still-interested note"),
            asks_status=True,
        ),
        _message(
            _K.STATUS_FOLLOW_UP,
            N_("Ask about the status"),
            "status_follow_up",
            N_("Ask {person} about the status"),
            asks_status=True,
        ),
        # The composer gives a call a script to read from; it is not a message sent.
        KindInfo(
            _K.PHONE_CALL,
            N_("Call about the status"),
            "phone_script",
            Symbol.CALL,
            Opening.COMPOSER,
            is_message=False,
            asks_status=True,
            with_person=N_("Call {person} about the status"),
        ),
        _message(
            _K.CLOSING_NOTE,
            N_("Send a courteous closing note"),
            "closing_note",
            N_("Send {person} a courteous closing note"),
        ),
        _message(
            _K.REPLY_TO_REJECTION,
            N_("Reply to the rejection"),
            "rejection_reply",
            N_("Reply to {person} about the rejection"),
        ),
        _task(_K.KEEP_OPTIONS_OPEN, N_("Keep other options open"), Opening.BOARD),
        _task(_K.REVIEW_OFFER, N_("Review the offer")),
        _task(_K.MOVE_ON, N_("Mark it as moved on")),
        _task(_K.PREPARE_NEXT_ROUND, N_("Prepare for the next round")),
        _message(
            _K.VALUE_ADD,
            N_("Share something useful"),
            "value_add",
            N_("Share something useful with {person}"),
        ),
        _task(_K.SET_CRITERIA, N_("Set your acceptance criteria")),
        _task(_K.BUILD_SKILLS, N_("Work on a skill")),
        _message(
            _K.NEW_EVIDENCE_NOTE,
            N_("Send a short note with the new evidence"),
            "new_evidence_note",
            N_("Send {person} a short note with the new evidence"),
        ),
        _task(_K.CUSTOM, N_("Your own to-do")),
    )
}

# Stored by an earlier version for what is now a value-add note; read as one.
_ALIASES: Final = {"share_article": ActionKind.VALUE_ADD}


def kind_info(kind: str) -> KindInfo:
    """What is known about ``kind``; a kind of the person's own is a to-do named after it."""
    declared = _DECLARED.get(kind)
    if declared is None:
        declared = _ALIASES.get(kind)
    if declared is not None:
        return ACTION_KINDS[declared]
    return KindInfo(
        ActionKind.of(kind),
        kind.replace("_", " ").capitalize(),
        None,
        Symbol.TASK,
        Opening.EDITOR,
        is_message=False,
    )


def kind_label(kind: str) -> str:
    """A short imperative phrase for an action kind, in the person's language."""
    info = kind_info(kind)
    # A kind of the person's own is named in their words; a declared one is translated
    # when shown (the table holds the English, marked with N_).
    return i18n._(info.label) if info.kind.is_declared else info.label


def action_title(kind: str, person: str = "") -> str:
    """What to do, naming the person it is for: "Send a thank-you note to Dana Kim".

    Without a person it is the kind's label. ``person`` is the person's own text: it is
    put into the phrase as it is, never read as a format.
    """
    person = " ".join(person.split())
    info = kind_info(kind)
    label = kind_label(kind)
    if not person:
        return label
    if not info.with_person:
        return _("{action} ({person})").format(action=label, person=person)
    before, _sep, after = i18n._(info.with_person).partition("{person}")
    return f"{before}{person}{after}"


def action_headline(kind: str, person: str = "", company: str = "") -> str:
    """One line for lists and notifications: the title, then the company after " · "."""
    title = action_title(kind, person)
    return f"{title} · {company}" if company else title


def person_named(contact_name: str | None, recipient: str | None) -> str:
    """Whom a stored step is about: its contact (an interviewer, even when the note goes
    via whoever arranged the interview), else the name its recipient field shows."""
    if contact_name and contact_name.strip():
        return " ".join(contact_name.split())
    return recipient_name(recipient) if recipient else ""


def recipient_name(recipient: str) -> str:
    """The name in a stored recipient (``Name <address>``, ``Name (phone)``, ``Name``)."""
    name, _sep, _address = recipient.partition("<")
    name = name.strip()
    if name.endswith(")") and "(" in name:
        name = name[: name.rindex("(")].strip()
    return name or recipient.strip()


def template_for(kind: str) -> str | None:
    """The template the composer drafts ``kind`` from, or None (an empty draft)."""
    return kind_info(kind).template


#: The kinds the composer drafts (with their aliases), for code that filters by kind.
COMPOSER_KINDS: Final = frozenset(
    {kind.value for kind, info in ACTION_KINDS.items() if info.opening is Opening.COMPOSER}
    | {alias for alias, kind in _ALIASES.items() if ACTION_KINDS[kind].opening is Opening.COMPOSER}
)
#: The kinds that are messages sent to someone.
MESSAGE_KINDS: Final = frozenset(
    kind.value for kind, info in ACTION_KINDS.items() if info.is_message
)
#: The kinds that ask the employer where things stand, in declaration order.
FOLLOW_UP_KINDS: Final = tuple(
    kind.value for kind, info in ACTION_KINDS.items() if info.asks_status
)


__all__ = [
    "ACTION_KINDS",
    "COMPOSER_KINDS",
    "FOLLOW_UP_KINDS",
    "MESSAGE_KINDS",
    "ActionKind",
    "KindInfo",
    "Opening",
    "Symbol",
    "action_headline",
    "action_title",
    "kind_info",
    "kind_label",
    "kind_lookup",
    "legend",
    "person_named",
    "recipient_name",
    "template_for",
]
