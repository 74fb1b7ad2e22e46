"""From an action to a draft: who it goes to, what it says, and what to keep in mind.

Everything a template sees is copied out of the database into plain dicts of strings,
numbers and lists first, so a template can never lazy-load, reach a session or call a
model method. Dates are written by :mod:`core.localformat` (Babel) in the letter's
language, never ``strftime`` (Qt sets the C library's locale at start-up): the
opportunity's ``letter_language`` when it has one (a French speaker applying in Germany
writes German letters from a French window), else the app's. The few fixed words this
module puts into a letter ("yesterday", "phone interview") come from that language's
catalogue; what the composer shows beside the letter stays in the app's language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.utils import parseaddr
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from followup_desktop.core import i18n, localformat
from followup_desktop.core.action_kinds import FOLLOW_UP_KINDS, template_for
from followup_desktop.core.db import Database
from followup_desktop.core.errors import NotFoundError
from followup_desktop.core.i18n import N_, _, ngettext
from followup_desktop.core.messages.account import load_account
from followup_desktop.core.messages.placeholders import prompt_for_missing_name
from followup_desktop.core.messages.templates import (
    OPTION_NAMES,
    TEMPLATE_OPTIONS,
    TEMPLATES,
    TemplateError,
    TemplateOption,
    TemplateStore,
    options_context,
)
from followup_desktop.core.models import (
    DEBRIEF_TEXT_FIELDS,
    Action,
    ActionState,
    Channel,
    Contact,
    ContactRole,
    Correspondence,
    Direction,
    Interview,
    Opportunity,
    OpportunityContact,
)
from followup_desktop.core.questions import BETTER_ANSWER_HINT
from followup_desktop.core.timeutil import zone

_EMAIL_TEMPLATE = {info.key: info.is_email for info in TEMPLATES}

#: How a letter names the kind of interview; translated into the letter's language.
_KIND_WORDS = {
    "phone": N_("phone interview"),
    "video": N_("video interview"),
    "onsite": N_("on-site interview"),
    "panel": N_("panel interview"),
    "technical": N_("technical interview"),
    "other": N_("interview"),
}


def _words(language: str | None) -> Callable[[str], str]:
    """The fixed words of a letter in ``language`` (None: the app's language)."""
    return i18n.translations_for(i18n.letter_language(language)).gettext


def _letter_locale(language: str | None) -> str:
    return i18n.locale_for(i18n.letter_language(language))


def long_date(day: date, language: str | None = None) -> str:
    """A day as a letter names it, in ``language`` (None: the app's): "Tuesday,
    November 17", "Dienstag, 17. November", "mardi 17 novembre"."""
    return localformat.weekday_and_date(day, locale=_letter_locale(language))


def day_phrase(day: date, today: date, language: str | None = None) -> str:
    """How a message refers to a recent day: 'today', 'yesterday', 'on Tuesday'."""
    words = _words(language)
    delta = (today - day).days
    if delta == 0:
        return words(N_("today"))
    if delta == 1:
        return words(N_("yesterday"))
    if 1 < delta < 7:
        weekday = localformat.weekday_name(day, width="wide", locale=_letter_locale(language))
        return words(N_("on {weekday}")).format(weekday=weekday)
    return words(N_("on {date}")).format(date=long_date(day, language))


def first_name(name: str) -> str:
    """The first word of a name that is not an honorific such as 'Dr.'."""
    for word in name.split():
        if not word.endswith("."):
            return word
    return name.strip()


@dataclass(frozen=True, slots=True)
class Recipient:
    """Someone a draft goes to (email may be empty when only a name or phone is known)."""

    name: str
    email: str = ""
    contact_id: int | None = None
    phone: str = ""
    title: str = ""

    def formatted(self) -> str:
        """``Name <address>`` for an address field (just the address with no name)."""
        if not self.email:
            return self.name
        return f"{self.name} <{self.email}>" if self.name else self.email


@dataclass(frozen=True, slots=True)
class Highlight:
    """One thing from the debrief or the history worth seeing beside this message."""

    label: str
    text: str


# Words in an interview's "where" that say it was held at a distance, whatever its kind.
_REMOTE_WORDS = (
    "://",
    "zoom",
    "teams",
    "meet.",
    "google meet",
    "webex",
    "skype",
    "video",
    "phone",
    "call",
    "remote",
    "online",
)


def held_in_person(kind: str, location: str) -> bool:
    """Whether an interview was held in a room with the person (so a letter can be handed in).

    An on-site interview was; a phone or video one was not; a panel, technical or other
    interview was when it has a place that is not a link, a call or a video service.
    """
    if kind == "onsite":
        return True
    if kind in ("phone", "video"):
        return False
    where = location.strip().lower()
    return bool(where) and not any(word in where for word in _REMOTE_WORDS)


@dataclass(frozen=True, slots=True)
class NoAddress:
    """A thank-you to an interviewer with no email address, and the ways it can still go:
    their address added, a LinkedIn message, a note through whoever arranged the interview
    (PLAYBOOK 2), or, only after an interview in person, a printed letter."""

    contact_id: int
    name: str
    linkedin: str = ""
    # The recruiter or HR person on the opportunity (who has no address either), if any.
    organizer_id: int | None = None
    organizer_name: str = ""
    in_person: bool = False


@dataclass(frozen=True)
class Draft:
    """A message ready to edit, with everything the composer shows beside it."""

    action_id: int
    opportunity_id: int | None
    kind: str
    template_key: str | None
    is_email: bool
    channel: Channel
    recipients: tuple[Recipient, ...]
    subject: str
    body: str
    highlights: tuple[Highlight, ...] = ()
    notes: tuple[str, ...] = ()
    contact_id: int | None = None
    # Other open actions this one message also fulfils (a note through the organizer that
    # thanks several interviewers completes each of their thank-you steps).
    covers_action_ids: tuple[int, ...] = ()
    context: dict[str, Any] = field(default_factory=dict)
    # The optional paragraphs this draft's template offers, and which of them are on.
    optional_parts: tuple[TemplateOption, ...] = ()
    options: dict[str, bool] = field(default_factory=dict)
    # Set when this is a thank-you whose interviewer has no address (and no organizer has one).
    no_address: NoAddress | None = None
    # The language the letter is written in ("en", "de", "fr").
    language: str = "en"


def _person(contact: Contact | None, mention: str = "") -> dict[str, Any]:
    if contact is None:
        return {"name": "", "first_name": "", "title": "", "email": "", "phone": "", "mention": ""}
    return {
        "name": contact.name,
        "first_name": first_name(contact.name),
        "title": contact.title,
        "email": contact.email,
        "phone": contact.phone,
        # Notes are often typed as sentences; a trailing full stop would end the
        # template's own sentence in the middle.
        "mention": mention.strip().rstrip(".!;,"),
    }


def _recipient(contact: Contact) -> Recipient:
    return Recipient(contact.name, contact.email, contact.id, contact.phone, contact.title)


def sample_context(key: str | None = None) -> dict[str, Any]:
    """Made-up data for previewing and checking templates (all fields filled in)."""
    del key
    ana = {
        "name": "Ana Silva",
        "first_name": "Ana",
        "title": "Head of Data",
        "email": "ana.silva@example.com",
        "phone": "+1 555 0100",
        "mention": "how your team moved reporting to a nightly pipeline",
    }
    ben = {
        "name": "Ben Okafor",
        "first_name": "Ben",
        "title": "Senior Analyst",
        "email": "",
        "phone": "",
        "mention": "the dashboard you are rebuilding",
    }
    return {
        "me": {"name": "Sam Lee", "email": "sam@example.org"},
        "company": "Example Corp",
        "role": "Data Analyst",
        "recipient": dict(ana),
        "interviewer": dict(ana),
        "interviewers": [ana, ben],
        "interview": {
            "date": "Tuesday 17 November",
            "day": "yesterday",
            "kind": "video interview",
            "round": 2,
            "next_steps": "a final round with the director",
            "timeline_days": 10,
            "decide_by": "Friday 27 November",
            "check_back_on": "",
        },
        "debrief": {
            "went_well": "the case study on churn",
            "went_badly": "",
            "learned_job": "owning the weekly sales forecast",
            "learned_organization": "their plan to open a second office",
            "skills_to_build": "forecasting with seasonal models",
            "promised_material": "the slides from my churn analysis",
        },
        "follow_up": {"date": "Monday 30 November"},
        "article": {"title": "Forecasting for small teams", "url": "https://example.com/a"},
        "last_sent": {"date": "Wednesday 18 November"},
        # Previews show every optional paragraph, and checking an edit renders them all.
        "options": dict.fromkeys(sorted(OPTION_NAMES), True),
    }


class _Loader:
    """Reads what one draft needs inside one session."""

    def __init__(self, session: Session, action: Action, now: datetime) -> None:
        self.session = session
        self.action = action
        self.now = now
        self.opportunity: Opportunity | None = action.opportunity
        self.interview = self._interview()
        self.tz = zone(self.interview.timezone if self.interview else "UTC")

    def _interview(self) -> Interview | None:
        if self.action.interview_id is not None:
            return self.session.get(Interview, self.action.interview_id)
        if self.opportunity is None:
            return None
        past = [i for i in self.opportunity.interviews if i.ends_at <= self.now]
        chosen = past or list(self.opportunity.interviews)
        return chosen[-1] if chosen else None

    def local_date(self, instant: datetime) -> date:
        return instant.astimezone(self.tz).date()

    def contacts_in_role(self, *roles: ContactRole) -> list[Contact]:
        if self.opportunity is None:
            return []
        links = self.session.scalars(
            select(OpportunityContact).where(
                OpportunityContact.opportunity_id == self.opportunity.id,
                OpportunityContact.role.in_(roles),
            )
        ).all()
        ordered = sorted(links, key=lambda link: (roles.index(link.role), link.contact_id))
        seen: dict[int, Contact] = {}
        for link in ordered:
            seen.setdefault(link.contact_id, link.contact)
        return list(seen.values())

    def organizer(self) -> Contact | None:
        with_email = self.contacts_in_role(ContactRole.RECRUITER, ContactRole.HR)
        for contact in with_email:
            if contact.email:
                return contact
        return with_email[0] if with_email else None

    def panel(self) -> list[tuple[Contact, str]]:
        if self.interview is None:
            return []
        return [(p.contact, p.mention) for p in self.interview.participants]

    def last_message(self, direction: Direction) -> Correspondence | None:
        if self.opportunity is None:
            return None
        return self.session.scalars(
            select(Correspondence)
            .where(
                Correspondence.opportunity_id == self.opportunity.id,
                Correspondence.direction == direction,
            )
            .order_by(Correspondence.occurred_at.desc())
        ).first()

    def next_follow_up(self) -> date | None:
        if self.opportunity is not None:
            upcoming = self.session.scalars(
                select(Action)
                .where(
                    Action.opportunity_id == self.opportunity.id,
                    Action.kind.in_(FOLLOW_UP_KINDS),
                    Action.state.in_((ActionState.OPEN, ActionState.SNOOZED)),
                    Action.id != self.action.id,
                    Action.due_at > self.now,
                )
                .order_by(Action.due_at)
            ).first()
            if upcoming is not None:
                return self.local_date(upcoming.due_at)
        interview = self.interview
        if interview is None:
            return None
        if interview.check_back_on is not None:
            return interview.check_back_on
        if interview.decision_date is not None:
            return interview.decision_date
        if interview.decision_timeline_days:
            return self.local_date(interview.ends_at + timedelta(interview.decision_timeline_days))
        return None


def _interview_dict(loader: _Loader, language: str | None = None) -> dict[str, Any]:
    interview = loader.interview
    words = _words(language)
    if interview is None:
        return {
            "date": "",
            "day": words(N_("recently")),
            "kind": words(_KIND_WORDS["other"]),
            "round": 1,
            "next_steps": "",
            "timeline_days": None,
            "decide_by": "",
            "check_back_on": "",
        }
    held = loader.local_date(interview.ends_at)
    decide_by = interview.decision_date
    if decide_by is None and interview.decision_timeline_days:
        decide_by = held + timedelta(interview.decision_timeline_days)
    return {
        "date": long_date(held, language),
        "day": day_phrase(held, loader.local_date(loader.now), language),
        "kind": words(_KIND_WORDS.get(str(interview.kind), _KIND_WORDS["other"])),
        "round": interview.round,
        "next_steps": interview.next_steps.strip().rstrip("."),
        "timeline_days": interview.decision_timeline_days,
        "decide_by": long_date(decide_by, language) if decide_by else "",
        "check_back_on": (
            long_date(interview.check_back_on, language) if interview.check_back_on else ""
        ),
    }


def _debrief_dict(loader: _Loader) -> dict[str, str]:
    names = DEBRIEF_TEXT_FIELDS
    debrief = loader.interview.debrief if loader.interview else None
    if debrief is None and loader.opportunity is not None:
        # An action without an interview of its own uses the newest debrief there is.
        for interview in reversed(loader.opportunity.interviews):
            if interview.debrief is not None:
                debrief = interview.debrief
                break
    return {
        name: (getattr(debrief, name) or "").strip().rstrip(".") if debrief else ""
        for name in names
    }


@dataclass
class _Plan:
    template_key: str | None
    recipients: list[Recipient]
    main: Contact | None = None
    interviewer: dict[str, Any] = field(default_factory=lambda: _person(None))
    interviewers: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    covers: list[int] = field(default_factory=list)
    no_address: NoAddress | None = None


def _plan_thank_you(loader: _Loader) -> _Plan:
    action = loader.action
    panel = loader.panel()
    target: tuple[Contact, str] | None = None
    for contact, mention in panel:
        if contact.id == action.contact_id:
            target = (contact, mention)
    if target is None and action.contact_id is not None:
        named_contact = loader.session.get(Contact, action.contact_id)
        target = (named_contact, "") if named_contact is not None else None
    if target is None and len(panel) == 1:
        target = panel[0]
    everyone = [_person(c, m) for c, m in panel]
    if target is not None and target[0].email:
        return _Plan(
            "thank_you",
            [_recipient(target[0])],
            target[0],
            _person(*target),
            everyone,
        )
    organizer = loader.organizer()
    if organizer is not None and organizer.email:
        named = [(c, m) for c, m in panel if not c.email]
        if target is not None and all(c.id != target[0].id for c, _mention in named):
            named.insert(0, target)
        covered = [c.id for c, _mention in named]
        covers = loader.session.scalars(
            select(Action.id).where(
                Action.interview_id == action.interview_id,
                Action.kind == "thank_you",
                Action.contact_id.in_(covered),
                Action.id != action.id,
                Action.state.in_((ActionState.OPEN, ActionState.SNOOZED)),
            )
        ).all()
        who = ", ".join(c.name for c, _mention in named) or _("the panel")
        return _Plan(
            "thank_you_organizer",
            [_recipient(organizer)],
            organizer,
            _person(*target) if target else _person(None),
            [_person(c, m) for c, m in named] or everyone,
            [
                _(
                    "No email address for {who}, so this note goes to {organizer}, who "
                    "arranged the interview, and asks them to pass your thanks on; word it "
                    "so it reads well to everyone named."
                ).format(who=who, organizer=organizer.name)
            ],
            list(covers),
        )
    if target is not None:
        person = target[0]
        interview = loader.interview
        in_person = interview is not None and held_in_person(
            str(interview.kind), interview.location
        )
        return _Plan(
            "thank_you",
            [_recipient(person)],
            person,
            _person(*target),
            everyone,
            [
                _(
                    "There is no email address for {person} yet. Below are the ways this "
                    "thank-you can still reach them."
                ).format(person=person.name)
            ],
            no_address=NoAddress(
                person.id,
                person.name,
                person.linkedin,
                organizer.id if organizer is not None else None,
                organizer.name if organizer is not None else "",
                in_person,
            ),
        )
    recipients = [_recipient(c) for c, _mention in panel if c.email]
    return _Plan("thank_you", recipients, None, _person(None), everyone)


def _first_with(contacts: Sequence[Contact], attribute: str) -> Contact | None:
    for contact in contacts:
        if getattr(contact, attribute):
            return contact
    return contacts[0] if contacts else None


def _plan_other(loader: _Loader, key: str) -> _Plan:
    action = loader.action
    panel = [c for c, _mention in loader.panel()]
    everyone = [_person(c, m) for c, m in loader.panel()]
    wanted = "phone" if key == "phone_script" else "email"
    if action.contact_id is not None:
        contact = loader.session.get(Contact, action.contact_id)
        if contact is not None:
            return _Plan(key, [_recipient(contact)], contact, interviewers=everyone)
    name, address = parseaddr(action.recipient)
    if "@" in address:
        return _Plan(key, [Recipient(name, address)], None, interviewers=everyone)
    candidates: list[Contact]
    if key == "reference_heads_up":
        references = loader.contacts_in_role(ContactRole.REFERENCE)
        return _Plan(
            key,
            [_recipient(c) for c in references],
            references[0] if len(references) == 1 else None,
            interviewers=everyone,
            notes=[] if references else [_("Add your references as contacts first.")],
        )
    if key == "referrer_check_in":
        candidates = []
        if loader.opportunity is not None and loader.opportunity.referrer is not None:
            candidates.append(loader.opportunity.referrer)
        candidates += loader.contacts_in_role(ContactRole.REFERRER, ContactRole.INSIDE_CONTACT)
    elif key == "rejection_reply":
        candidates = []
        last = loader.last_message(Direction.RECEIVED)
        if last is not None and last.contact_id is not None:
            sender = loader.session.get(Contact, last.contact_id)
            if sender is not None:
                candidates.append(sender)
        candidates += loader.contacts_in_role(ContactRole.RECRUITER, ContactRole.HR) + panel
    elif key == "phone_script":
        candidates = loader.contacts_in_role(ContactRole.HR, ContactRole.RECRUITER) + panel
    else:
        candidates = panel + loader.contacts_in_role(ContactRole.RECRUITER, ContactRole.HR)
    chosen = _first_with(candidates, wanted)
    if chosen is None:
        return _Plan(
            key,
            [],
            None,
            interviewers=everyone,
            notes=[_("No contact is recorded for this opportunity yet; add the recipient.")],
        )
    return _Plan(key, [_recipient(chosen)], chosen, interviewers=everyone)


def _highlights(  # noqa: PLR0912 - one branch per kind of message
    loader: _Loader, kind: str, context: dict[str, Any]
) -> list[Highlight]:
    debrief = context["debrief"]
    interview = context["interview"]
    rows: list[tuple[str, str]] = []
    if loader.interview is not None:
        rows.append(
            (
                _("Interview"),
                # Only the first letter: German nouns inside keep their capitals.
                _("{kind}, round {round}, {date}").format(
                    kind=f"{interview['kind'][:1].upper()}{interview['kind'][1:]}",
                    round=interview["round"],
                    date=interview["date"],
                ),
            )
        )
    if kind == "thank_you":
        for person in context["interviewers"]:
            if person["mention"]:
                rows.append(
                    (_("To mention to {person}").format(person=person["name"]), person["mention"])
                )
        rows += [
            (_("Went well"), debrief["went_well"]),
            (_("What the job is about"), debrief["learned_job"]),
            (_("About the organization"), debrief["learned_organization"]),
            (_("You promised to send"), debrief["promised_material"]),
            (_("Next steps they described"), interview["next_steps"]),
        ]
        debrief_row = loader.interview.debrief if loader.interview else None
        if debrief_row is not None and debrief_row.questions:
            rows.append(
                (
                    _("Questions you stumbled on"),
                    ngettext(
                        "{n} noted. {hint}", "{n} noted. {hint}", len(debrief_row.questions)
                    ).format(n=len(debrief_row.questions), hint=BETTER_ANSWER_HINT),
                )
            )
    elif kind in ("still_interested", "status_follow_up", "phone_call", "closing_note"):
        rows += [
            (_("Next steps they described"), interview["next_steps"]),
            (_("They expected to decide by"), interview["decide_by"]),
            (_("They asked you to check back on"), interview["check_back_on"]),
            (_("Worth mentioning: what you have been working on"), debrief["skills_to_build"]),
        ]
        if loader.interview is not None:
            if loader.interview.may_check_in is False:
                rows.append(
                    (
                        _("Checking in"),
                        _("They asked you not to check in; think twice before writing."),
                    )
                )
            if loader.interview.preferred_channel is not None:
                rows.append((_("They prefer"), str(loader.interview.preferred_channel)))
        sent = loader.last_message(Direction.SENT)
        if sent is not None:
            rows.append((_("Your last message"), long_date(loader.local_date(sent.occurred_at))))
        received = loader.last_message(Direction.RECEIVED)
        rows.append(
            (
                _("Their last reply"),
                long_date(loader.local_date(received.occurred_at)) if received else _("none yet"),
            )
        )
    elif kind == "send_material":
        rows.append((_("You promised to send"), debrief["promised_material"]))
    elif kind in ("value_add", "share_article"):
        rows += [
            (_("About the organization"), debrief["learned_organization"]),
            (_("What the job is about"), debrief["learned_job"]),
        ]
    elif kind == "tell_references":
        rows += [
            (
                _("Job"),
                _("{role} at {company}").format(role=context["role"], company=context["company"]),
            ),
            (_("What the job is about"), debrief["learned_job"]),
        ]
    elif kind in ("check_in_referrer", "reply_to_rejection"):
        rows += [
            (_("Went well"), debrief["went_well"]),
            (_("Next steps they described"), interview["next_steps"]),
        ]
    return [Highlight(label, text) for label, text in rows if text]


class DraftSource(Protocol):
    """What a draft is built from: the database, the clock and the settings.

    The service fits; the messages layer reads through it without depending on it.
    """

    db: Database
    clock: Callable[[], datetime]

    def get_setting(self, key: str, default: Any = None) -> Any: ...

    def set_setting(self, key: str, value: Any) -> Any: ...


def draft_for_action(
    service: DraftSource, action_id: int, options: Mapping[str, bool] | None = None
) -> Draft:
    """Build the draft for an action from what is recorded about it.

    ``options`` switches the template's optional paragraphs on (see ``TEMPLATE_OPTIONS``).
    """
    store = TemplateStore(service)
    account = load_account(service)
    now = service.clock()
    with service.db.session() as session:
        action = session.get(Action, action_id)
        if action is None:
            raise NotFoundError(f"Action {action_id} does not exist (it may have been deleted).")
        loader = _Loader(session, action, now)
        key = template_for(action.kind)
        if key == "thank_you":
            plan = _plan_thank_you(loader)
        elif key is not None:
            plan = _plan_other(loader, key)
        else:
            plan = _Plan(None, [], interviewers=[_person(c, m) for c, m in loader.panel()])
        follow_up = loader.next_follow_up()
        sent = loader.last_message(Direction.SENT)
        opportunity = loader.opportunity
        # The letter's language: the opportunity's choice, else the app's.
        language = i18n.letter_language(opportunity.letter_language if opportunity else None)
        context: dict[str, Any] = {
            "me": {
                "name": account.from_name if account else "",
                "email": account.from_address if account else "",
            },
            "company": opportunity.company if opportunity else "",
            "role": opportunity.role if opportunity else "",
            "recipient": _person(plan.main)
            if plan.main is not None
            else {**_person(None), "name": plan.recipients[0].name if plan.recipients else ""},
            "interviewer": plan.interviewer,
            "interviewers": plan.interviewers,
            "interview": _interview_dict(loader, language),
            "debrief": _debrief_dict(loader),
            "follow_up": {"date": long_date(follow_up, language) if follow_up else ""},
            "article": {"title": "", "url": ""},
            "last_sent": {
                "date": long_date(loader.local_date(sent.occurred_at), language) if sent else ""
            },
            "options": options_context(options),
        }
        highlights = _highlights(loader, action.kind, context)
        notes = list(plan.notes)
        subject = body = ""
        if plan.template_key is not None:
            try:
                rendered, problem = store.render(plan.template_key, context, language)
            except TemplateError as error:  # only a shipped template can get here: a bug
                raise AssertionError(f"shipped template {plan.template_key} failed") from error
            subject, body = rendered.subject, prompt_for_missing_name(rendered.body)
            if problem is not None:
                notes.append(
                    _(
                        "Your edited template could not be used here ({problem}); the "
                        "default text was used instead. Fix it in Settings → Templates."
                    ).format(problem=problem)
                )
        if account is None or not account.from_name:
            notes.append(_("Add your name in Settings → Email account so drafts are signed."))
        is_email = _EMAIL_TEMPLATE.get(plan.template_key or "", True)
        channel = Channel.EMAIL if is_email else Channel.PHONE
        return Draft(
            action_id=action.id,
            opportunity_id=action.opportunity_id,
            kind=action.kind,
            template_key=plan.template_key,
            is_email=is_email,
            channel=channel,
            recipients=tuple(plan.recipients),
            subject=subject,
            body=body,
            highlights=tuple(highlights),
            notes=tuple(notes),
            contact_id=plan.main.id if plan.main is not None else None,
            covers_action_ids=tuple(plan.covers),
            context=context,
            optional_parts=TEMPLATE_OPTIONS.get(plan.template_key or "", ()),
            options=dict(context["options"]),
            no_address=plan.no_address,
            language=language,
        )
