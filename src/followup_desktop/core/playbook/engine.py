"""The follow-up engine: from an opportunity's facts and a clock to the actions it needs.

Pure: :func:`plan` reads only its arguments and returns new values, so the same facts,
settings and clock always give the same plan. The rules follow PLAYBOOK sections 1-6; each
planned action carries a one-sentence reason that names the facts it was planned from.

Two decisions shape the plan and are worth knowing:

* **Follow-ups form a chain, planned one step at a time.** The first status follow-up is
  planned as soon as there is an interview; the second only once the first is done (or
  dismissed), timed from when it was done; then the call; then the closing note. The
  agenda shows the next step, not a wall of hypothetical ones, and a late first follow-up
  pushes everything after it instead of bunching them up.
* **A reply starts a new chain.** A message received from the employer after the latest
  interview restarts the cadence from the day it arrived; a "check back on" date in it (or
  said at the interview) sets the first follow-up and is a floor for every later one.

Actions the person has already settled (done, dismissed, or taken over by hand) are passed
in as ``settled`` and not computed again: a full re-plan spends its time on what can still
change. docs/playbook.md describes every rule and setting.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from datetime import date, datetime, timedelta
from typing import NamedTuple

from followup_desktop.core import i18n, localformat
from followup_desktop.core.action_kinds import ActionKind
from followup_desktop.core.errors import ValidationError
from followup_desktop.core.i18n import N_, _, ngettext
from followup_desktop.core.models import (
    ActionState,
    Channel,
    ContactRole,
    Direction,
    StageKind,
)
from followup_desktop.core.playbook.facts import (
    ContactFacts,
    CorrespondenceFacts,
    InterviewFacts,
    OpportunityFacts,
    ParticipantFacts,
    PipelineFacts,
)
from followup_desktop.core.playbook.humane import WorkingTime, working_time
from followup_desktop.core.playbook.settings import PlaybookSettings
from followup_desktop.core.playbook.wording import (
    address,
    day_text,
    first_name,
    ordinal,
    quoted,
    span_text,
    within_text,
)
from followup_desktop.core.timeutil import ensure_aware
from followup_desktop.core.validation import MAX_TIMELINE_DAYS

# An interview lasting this long is a typing mistake (the service layer refuses it too).
_MAX_INTERVIEW = timedelta(days=1)
# The first message to each person this soon after an interview is their thank-you, and
# nothing sent this soon is a status follow-up; after a reply, messages this soon are the
# conversation it started.
_THANKS_WINDOW = timedelta(days=5)
_CONVERSATION = timedelta(days=2)


class PlannedAction(NamedTuple):
    """An action the facts call for; ``plan_key`` identifies it across re-planning.

    ``prompt_at`` is when to nudge the person before the due time (only the debrief has
    one: a prompt 15 minutes after the interview, due two hours after). It is not stored
    on the action; the notifier can compute it again with :func:`debrief_prompt_at`.
    """

    kind: ActionKind
    plan_key: str
    due_at: datetime
    reason: str
    recipient: str = ""
    channel: Channel | None = None
    opportunity_id: int | None = None
    interview_id: int | None = None
    contact_id: int | None = None
    prompt_at: datetime | None = None
    # How long after its due time the step is missed (None: never); see reconcile.py.
    grace: timedelta | None = None
    state: ActionState = ActionState.OPEN


_Due = Callable[[], datetime]


class _Reach(NamedTuple):
    """Whom to contact, how, and what the recipient field shows."""

    contact: ContactFacts | None
    channel: Channel | None
    recipient: str


def debrief_prompt_at(interview_end: datetime, settings: PlaybookSettings) -> datetime:
    """When to prompt for the debrief of an interview that ends at ``interview_end``."""
    return ensure_aware(interview_end, "interview end") + timedelta(
        minutes=settings.debrief_prompt_minutes
    )


# -- validation ----------------------------------------------------------------------------


def _interview_label(facts: OpportunityFacts, interview: InterviewFacts, wt: WorkingTime) -> str:
    when = localformat.day(wt.local_date(interview.starts_at), year=True)
    return _("The round {round} interview with {company} on {day}").format(
        round=interview.round, company=facts.company, day=when
    )


def _relative(day: date, reference: date) -> str:
    """``the same day``, ``3 days before it`` or ``400 days after it``, for messages."""
    span = (day - reference).days
    if span == 0:
        return _("the same day")
    if span > 0:
        return ngettext("{n} day after it", "{n} days after it", span).format(n=span)
    return ngettext("{n} day before it", "{n} days before it", -span).format(n=-span)


def _interview_problem(  # noqa: PLR0911 - one return per impossible fact
    facts: OpportunityFacts, interview: InterviewFacts, wt: WorkingTime
) -> tuple[str, str] | None:
    """What is impossible about ``interview`` (message, field), or None."""
    starts = interview.starts_at
    ends = interview.ends_at
    if starts.tzinfo is None or ends.tzinfo is None:
        return (
            _(
                "The round {round} interview with {company} has times without a time zone; "
                "enter them again."
            ).format(round=interview.round, company=facts.company),
            "starts_at",
        )
    if ends <= starts:
        label = _interview_label(facts, interview, wt)
        return (
            _("{interview} ends ({end}) before it starts ({start}); correct its end time.").format(
                interview=label,
                end=localformat.clock(wt.local(ends)),
                start=localformat.clock(wt.local(starts)),
            ),
            "ends_at",
        )
    if ends - starts >= _MAX_INTERVIEW:
        label = _interview_label(facts, interview, wt)
        return (
            _("{interview} lasts a day or more; correct its end time.").format(interview=label),
            "ends_at",
        )
    days = interview.decision_timeline_days
    if days is not None and not 1 <= days <= MAX_TIMELINE_DAYS:
        label = _interview_label(facts, interview, wt)
        return (
            _(
                "{interview} has a decision timeline of {days} days; give 1 to {most} days, "
                "or leave it empty if they named none."
            ).format(interview=label, days=days, most=MAX_TIMELINE_DAYS),
            "decision_timeline_days",
        )
    end_day = wt.local_date(ends)
    decide_by = interview.decision_date
    if decide_by is not None and not 1 <= (decide_by - end_day).days <= MAX_TIMELINE_DAYS:
        label = _interview_label(facts, interview, wt)
        return (
            _(
                "{interview} has a decision date of {day}, {relative}; give a date from the "
                "day after the interview to {most} days later, or leave it empty."
            ).format(
                interview=label,
                day=localformat.day(decide_by, year=True),
                relative=_relative(decide_by, end_day),
                most=MAX_TIMELINE_DAYS,
            ),
            "decision_date",
        )
    check_back = interview.check_back_on
    if check_back is not None and not 0 <= (check_back - end_day).days <= MAX_TIMELINE_DAYS:
        label = _interview_label(facts, interview, wt)
        return (
            _(
                "{interview} says to check back on {day}, {relative}; give a date within a "
                "year after the interview, or leave it empty."
            ).format(
                interview=label,
                day=localformat.day(check_back, year=True),
                relative=_relative(check_back, end_day),
            ),
            "check_back_on",
        )
    return None


def validate_facts(facts: OpportunityFacts, wt: WorkingTime) -> None:
    """Raise :class:`ValidationError` for facts no real interview can have."""
    for interview in facts.interviews:
        starts, ends = interview.starts_at, interview.ends_at
        days = interview.decision_timeline_days
        if (
            # The common case, checked inline: a re-plan of everything validates ~15,000.
            interview.decision_date is None
            and interview.check_back_on is None
            and (days is None or 1 <= days <= MAX_TIMELINE_DAYS)
            and starts.tzinfo is not None
            and ends.tzinfo is not None
            and starts < ends < starts + _MAX_INTERVIEW
        ):
            continue
        problem = _interview_problem(facts, interview, wt)
        if problem is not None:
            raise ValidationError(*problem)
    for message in facts.correspondence:
        if message.check_back_on is None:
            continue
        sent_day = wt.local_date(ensure_aware(message.occurred_at, "message time"))
        span = (message.check_back_on - sent_day).days
        if not 0 <= span <= MAX_TIMELINE_DAYS:
            raise ValidationError(
                _(
                    "The message from {company} of {sent} says to check back on {day}, "
                    "{relative}; give a date within a year after the message, or leave it "
                    "empty."
                ).format(
                    company=facts.company,
                    sent=localformat.day(sent_day, year=True),
                    day=localformat.day(message.check_back_on, year=True),
                    relative=_relative(message.check_back_on, sent_day),
                ),
                "check_back_on",
            )


# -- the planner ---------------------------------------------------------------------------


def plan(
    facts: OpportunityFacts,
    settings: PlaybookSettings,
    now: datetime,
    *,
    settled: AbstractSet[str] = frozenset(),
) -> list[PlannedAction]:
    """The actions ``facts`` call for, soonest first.

    Actions whose plan key is in ``settled`` (done, dismissed or taken over by hand), and
    chain steps the facts record as finished, are left out: re-planning never changes
    them, so the engine does not spend time on them either.

    Raises :class:`ValidationError` when the facts are impossible (an interview that ends
    before it starts, a timeline of 0 days, ...). Archived and closed opportunities get
    nothing, except a rejection, which gets a gracious reply.
    """
    now = ensure_aware(now, "current time")
    wt = working_time(settings)
    validate_facts(facts, wt)
    if facts.archived:
        return []
    return _Planner(facts, settings, wt, now, settled).run()


# The thank-you's sentences, each as (with a topic the person noted, without one).
_THANKS_LETTER = (
    N_(
        "Write {person} a personal thank-you letter for the interview on {on} and hand it in "
        "or send it by {by}; mention what you talked about: {topic}."
    ),
    N_(
        "Write {person} a personal thank-you letter for the interview on {on} and hand it in "
        "or send it by {by}; mention one thing you discussed so it is clearly written for them."
    ),
)
_THANKS_LINKEDIN = (
    N_(
        "Thank {person} for the interview on {on} with a personal LinkedIn message by {by}; "
        "mention what you talked about: {topic}."
    ),
    N_(
        "Thank {person} for the interview on {on} with a personal LinkedIn message by {by}; "
        "mention one thing you discussed so it is clearly written for them."
    ),
)
_THANKS_EMAIL = (
    N_(
        "Send {person} a personal thank-you by {by}, within a day of the interview on {on}, "
        "so it arrives before they decide; mention what you talked about: {topic}."
    ),
    N_(
        "Send {person} a personal thank-you by {by}, within a day of the interview on {on}, "
        "so it arrives before they decide; mention one thing you discussed so it is clearly "
        "written for them."
    ),
)
_THANKS_VIA = (
    N_(
        "You have no email address for {person}, so send the thank-you to {organizer}, who "
        "arranged the interview, by {by}, naming {first_name} and writing it to be passed on; "
        "mention what you talked about: {topic}."
    ),
    N_(
        "You have no email address for {person}, so send the thank-you to {organizer}, who "
        "arranged the interview, by {by}, naming {first_name} and writing it to be passed on; "
        "mention one thing you discussed so it is clearly written for them."
    ),
)
_THANKS_NO_EMAIL_LINKEDIN = (
    N_(
        "You have no email address for {person}, so thank them for the interview on {on} with "
        "a personal LinkedIn message by {by}; mention what you talked about: {topic}."
    ),
    N_(
        "You have no email address for {person}, so thank them for the interview on {on} with "
        "a personal LinkedIn message by {by}; mention one thing you discussed so it is "
        "clearly written for them."
    ),
)
_THANKS_ADD_EMAIL = N_(
    "Send {person} a personal thank-you by {by}, within a day of the interview on {on}; add "
    "their email address first (whoever arranged the interview can give it to you)."
)
# The paper note after an emailed thanks, by the kind of note chosen in the settings.
_PAPER_NOTES = {
    "handwritten": N_(
        "Follow your emailed thanks with a handwritten note to {person}, posted or handed in "
        "at reception by {day}; a note on paper stands out among the emails."
    ),
    "printed": N_(
        "Follow your emailed thanks with a printed note to {person}, posted or handed in at "
        "reception by {day}; a note on paper stands out among the emails."
    ),
}


def _by_end(interview: InterviewFacts) -> tuple[datetime, int]:
    return interview.ends_at, interview.id


def _by_due(action: PlannedAction) -> tuple[datetime, str]:
    return action.due_at, action.plan_key


class _Planner:
    """One opportunity's plan; a class only to share the context between the rules."""

    def __init__(
        self,
        facts: OpportunityFacts,
        settings: PlaybookSettings,
        wt: WorkingTime,
        now: datetime,
        settled: AbstractSet[str],
    ) -> None:
        self.facts = facts
        self.settings = settings
        self.wt = wt
        self.settled = settled
        self.now = now
        self.this_year = wt.local_date(now).year
        self.grace_thanks = timedelta(days=settings.missed_thank_you_days)
        self.grace_other = timedelta(days=settings.missed_after_days)
        self._sent: list[CorrespondenceFacts] | None = None
        self._others: set[int | None] | None = None
        self.actions: list[PlannedAction] = []
        self._days: dict[datetime, str] = {}
        self._organizers: list[ContactFacts] | None = None
        self._referrers: list[tuple[ContactFacts, ContactRole]] | None = None
        self._status_contact: list[ContactFacts | None] = []

    # -- helpers ---------------------------------------------------------------------

    def day(self, instant: datetime) -> str:
        text = self._days.get(instant)
        if text is None:
            text = self._days[instant] = day_text(self.wt.local_date(instant), self.this_year)
        return text

    def add(
        self,
        kind: ActionKind,
        key: str,
        due: datetime,
        reason: str,
        reach: _Reach | None = None,
        *,
        interview: InterviewFacts | None = None,
        prompt_at: datetime | None = None,
    ) -> None:
        reason = _one_stop(reason)
        # Positional: a re-plan of everything creates tens of thousands of these.
        if reach is None:
            recipient, channel, contact_id = "", None, None
        else:
            recipient, channel = reach.recipient, reach.channel
            contact_id = None if reach.contact is None else reach.contact.id
        self.actions.append(
            PlannedAction(
                kind,
                key,
                due,
                reason,
                recipient,
                channel,
                self.facts.id,
                None if interview is None else interview.id,
                contact_id,
                prompt_at,
                self.grace_thanks if kind is ActionKind.THANK_YOU else self.grace_other,
            )
        )

    def reach(self, contact: ContactFacts | None, channel: Channel | None) -> _Reach:
        return _Reach(contact, channel, address(contact, channel, self.facts.company))

    def reach_by_message(self, contact: ContactFacts) -> _Reach:
        """Email when there is an address, else phone, else LinkedIn, else email anyway."""
        if contact.email:
            return self.reach(contact, Channel.EMAIL)
        if contact.phone:
            return self.reach(contact, Channel.PHONE)
        if contact.linkedin:
            return self.reach(contact, Channel.LINKEDIN)
        return self.reach(contact, Channel.EMAIL)

    def employer_sent(self) -> list[CorrespondenceFacts]:
        """What the person sent the employer's people (or someone unnamed), oldest first."""
        if self._sent is None:
            if not self.facts.sent:
                self._sent = []
            else:
                others = self.not_employer()
                self._sent = [m for m in self.facts.sent if m.contact_id not in others]
        return self._sent

    def not_employer(self) -> set[int | None]:
        if self._others is None:
            self._others = _not_employer(self.facts)
        return self._others

    def sent_to(self, person: ContactFacts, after: datetime) -> bool:
        """Whether the person wrote or called ``person`` after ``after``."""
        return any(
            message.contact_id == person.id and message.occurred_at >= after
            for message in self.facts.sent
        )

    def organizer(self, exclude: ContactFacts | None = None) -> ContactFacts | None:
        """Whoever arranged the interviews (recruiter, then HR), preferring one with email."""
        if self._organizers is None:
            self._organizers = self.facts.contacts_in(ContactRole.RECRUITER, ContactRole.HR)
        people = [
            person for person in self._organizers if exclude is None or person.id != exclude.id
        ]
        with_email = [person for person in people if person.email]
        return next(iter(with_email or people), None)

    # -- the rules ---------------------------------------------------------------------

    def run(self) -> list[PlannedAction]:
        kind = self.facts.stage_kind
        if kind is StageKind.REJECTED:
            self.reply_to_rejection()
        elif not kind.is_closed:
            for interview in self.facts.interviews:
                self.after_interview(interview)
            self.prepare_next_rounds()
            if kind is StageKind.FINAL or kind is StageKind.OFFER:
                self.tell_references()
            if kind is StageKind.OFFER:
                self.review_offer()
            elif self.facts.interviews:
                self.status_chain()
                if kind is StageKind.FINAL:
                    self.set_criteria()
                    self.value_add()
        self.actions.sort(key=_by_due)
        return self.actions

    def after_interview(self, interview: InterviewFacts) -> None:
        """PLAYBOOK 1-3: debrief, one thank-you each, material, referrer update."""
        end = interview.ends_at
        settings = self.settings
        settled = self.settled
        debrief = interview.debrief
        key = f"debrief:interview={interview.id}"
        if (debrief is None or not debrief.submitted) and key not in settled:
            deadline = self.wt.plus_minutes_deadline(end, settings.debrief_due_minutes)
            due = self.wt.latest_working(deadline, end)
            self.add(
                ActionKind.DEBRIEF,
                key,
                due,
                _(
                    "Write down your interview with {company} on {day} while it is fresh (who "
                    "was there, what went well and badly, the questions you stumbled on and "
                    "what they said about next steps), since by the next day much of it is "
                    "gone."
                ).format(company=self.facts.company, day=self.day(end)),
                interview=interview,
                prompt_at=min(due, debrief_prompt_at(end, settings)),
            )
        # Worked out only when some action needs it: for an interview long past, every
        # action is usually settled already and nothing is computed.
        due_cache: list[datetime] = []

        def thank_you_due() -> datetime:
            if not due_cache:
                deadline = self.wt.plus_minutes_deadline(end, settings.thank_you_hours * 60)
                due_cache.append(self.wt.latest_working(deadline, end))
            return due_cache[0]

        # Who was written to since is worked out only when some thank-you is still open.
        thanked: set[int | None] | None = None
        if interview.participants:
            prefix = f"thank_you:interview={interview.id}:contact="
            wrote = bool(self.employer_sent())
            for participant in interview.participants:
                if wrote and f"{prefix}{participant.contact.id}" not in settled:
                    if thanked is None:
                        thanked = self.thanked(interview)
                    if participant.contact.id in thanked or None in thanked:
                        continue  # a message to them has gone out since the interview
                self.thank_you(interview, participant, thank_you_due)
        elif not self.thanked(interview):
            self.thank_you_unknown_panel(interview, thank_you_due)
        if (
            debrief is not None
            and debrief.skills_to_build
            and interview is self.facts.interviews[-1]
            and debrief.skills_to_build.strip()
        ):
            # The waiting time is after the latest interview; that is when to build them.
            self.build_skills(interview, debrief.skills_to_build)
        if debrief is not None and debrief.promised_material.strip():
            self.send_material(interview, debrief.promised_material, thank_you_due)
        self.check_in_referrers(interview)

    def thanks_messages(self, interview: InterviewFacts) -> dict[int | None, int]:
        """The first unlinked message to each person in the days after ``interview``."""
        start, stop = interview.ends_at, interview.ends_at + _THANKS_WINDOW
        first: dict[int | None, int] = {}
        for message in self.employer_sent():
            if (
                message.action_id is None
                and start <= message.occurred_at <= stop
                and message.contact_id not in first
            ):
                first[message.contact_id] = message.id
        return first

    def thanked(self, interview: InterviewFacts) -> set[int | None]:
        """Whom a message went to in the days after ``interview`` (None: someone unnamed).

        A message to whoever arranged the interview counts for the interviewers without
        an address, whose thank-you goes through them.
        """
        sent = self.employer_sent()
        if not sent:
            return set()
        found: set[int | None] = set(self.thanks_messages(interview))
        if not found:
            return found
        for participant in interview.participants:
            person = participant.contact
            if not person.email:
                organizer = self.organizer(exclude=person)
                if organizer is not None and organizer.id in found:
                    found.add(person.id)
        return found

    def thank_you(
        self, interview: InterviewFacts, participant: ParticipantFacts, due_of: _Due
    ) -> None:
        person = participant.contact
        key = f"thank_you:interview={interview.id}:contact={person.id}"
        settings = self.settings
        wanted = settings.thank_you_channel
        if settings.paper_note != "none" or settings.linkedin_connect:
            self.paper_and_linkedin(interview, person, key, due_of, wanted)
        if key in self.settled:
            return
        due = due_of()
        by = self.day(due)
        on = self.day(interview.ends_at)
        topic = quoted(participant.mention) if participant.mention.strip() else ""
        # Each way of thanking is one whole sentence per language, with and without a
        # topic the person noted, so no sentence is glued from translated pieces.
        organizer = None
        if wanted == "letter":
            reach = self.reach(person, Channel.LETTER)
            template = _THANKS_LETTER
        elif wanted == "linkedin" and person.linkedin:
            reach = self.reach(person, Channel.LINKEDIN)
            template = _THANKS_LINKEDIN
        elif person.email:
            reach = self.reach(person, Channel.EMAIL)
            template = _THANKS_EMAIL
        elif (organizer := self.organizer(exclude=person)) is not None and organizer.email:
            reach = self.reach(organizer, Channel.EMAIL)
            template = _THANKS_VIA
        elif person.linkedin:
            reach = self.reach(person, Channel.LINKEDIN)
            template = _THANKS_NO_EMAIL_LINKEDIN
        else:
            reach = self.reach(person, Channel.EMAIL)
            template = (_THANKS_ADD_EMAIL, _THANKS_ADD_EMAIL)
        reason = i18n._(template[0] if topic else template[1]).format(
            person=person.name,
            first_name=first_name(person),
            organizer="" if organizer is None else organizer.name,
            on=on,
            by=by,
            topic=topic,
        )
        # The contact the action is about stays the interviewer, even when sent via HR.
        reach = _Reach(person, reach.channel, reach.recipient)
        self.add(ActionKind.THANK_YOU, key, due, reason, reach, interview=interview)

    def paper_and_linkedin(
        self,
        interview: InterviewFacts,
        person: ContactFacts,
        key: str,
        due_of: _Due,
        wanted: str,
    ) -> None:
        settings = self.settings
        if (
            settings.paper_note != "none"
            and wanted != "letter"
            and f"{key}:paper" not in self.settled
        ):
            note_due = self.wt.next_working(
                self.wt.plus_days(interview.ends_at, settings.paper_note_days)
            )
            self.add(
                ActionKind.THANK_YOU,
                f"{key}:paper",
                note_due,
                i18n._(_PAPER_NOTES.get(settings.paper_note, _PAPER_NOTES["handwritten"])).format(
                    person=person.name, day=self.day(note_due)
                ),
                self.reach(person, Channel.LETTER),
                interview=interview,
            )
        if (
            settings.linkedin_connect
            and wanted != "linkedin"
            and f"{key}:linkedin" not in self.settled
        ):
            self.add(
                ActionKind.THANK_YOU,
                f"{key}:linkedin",
                due_of(),
                _(
                    "Connect with {person} on LinkedIn with a one-line thanks for the "
                    "interview on {day}, so they can find you again."
                ).format(person=person.name, day=self.day(interview.ends_at)),
                self.reach(person, Channel.LINKEDIN),
                interview=interview,
            )

    def thank_you_unknown_panel(self, interview: InterviewFacts, due_of: _Due) -> None:
        key = f"thank_you:interview={interview.id}"
        if key in self.settled:
            return
        due = due_of()
        organizer = self.organizer()
        on = self.day(interview.ends_at)
        if organizer is not None:
            reach = self.reach_by_message(organizer)
            reason = _(
                "You haven't recorded who interviewed you on {on}; thank them through "
                "{organizer}, who arranged it, by {by}, or add the panel to the interview so "
                "each person gets their own note."
            ).format(on=on, organizer=organizer.name, by=self.day(due))
        else:
            reach = _Reach(None, Channel.EMAIL, "")
            reason = _(
                "Add who interviewed you on {on} so each person gets a personal thank-you by "
                "{by}; the names are on the invitation or with whoever arranged it."
            ).format(on=on, by=self.day(due))
        self.add(ActionKind.THANK_YOU, key, due, reason, reach, interview=interview)

    def send_material(self, interview: InterviewFacts, material: str, thank_you: _Due) -> None:
        key = f"send_material:interview={interview.id}"
        if key in self.settled:
            return
        settings = self.settings
        if settings.send_material_with_thank_you:
            due = thank_you()
            template = _(
                "Send what you promised at the interview on {on} ({material}) with your "
                "thank-you, so it arrives while the conversation is fresh."
            )
        else:
            due = self.wt.next_working(
                self.wt.plus_days(interview.ends_at, settings.send_material_days)
            )
            template = _(
                "Send what you promised at the interview on {on} ({material}) by {by} (with "
                "your thank-you if it is ready), so it arrives while the conversation is fresh."
            )
        panel = [participant.contact for participant in interview.participants]
        person = next((p for p in panel if p.email), None) or self.organizer()
        if person is None and panel:
            person = panel[0]
        reach = _Reach(None, Channel.EMAIL, "") if person is None else self.reach_by_message(person)
        self.add(
            ActionKind.SEND_MATERIAL,
            key,
            due,
            template.format(
                on=self.day(interview.ends_at), material=quoted(material), by=self.day(due)
            ),
            reach,
            interview=interview,
        )

    def referrers(self) -> list[tuple[ContactFacts, ContactRole]]:
        """People who referred the person or know the company from the inside, each once."""
        if self._referrers is None:
            self._referrers = self._find_referrers()
        return self._referrers

    def _find_referrers(self) -> list[tuple[ContactFacts, ContactRole]]:
        candidates: list[tuple[ContactFacts, ContactRole]] = []
        if self.facts.referrer is not None:
            candidates.append((self.facts.referrer, ContactRole.REFERRER))
        for link in self.facts.contacts:
            if link.role is ContactRole.REFERRER or link.role is ContactRole.INSIDE_CONTACT:
                candidates.append((link.contact, link.role))
        people: list[tuple[ContactFacts, ContactRole]] = []
        seen: set[int] = set()
        for person, role in candidates:
            if person.id not in seen:
                seen.add(person.id)
                people.append((person, role))
        return people

    def check_in_referrers(self, interview: InterviewFacts) -> None:
        people = self.referrers()
        if not people:
            return
        company = self.facts.company
        for person, role in people:
            key = f"check_in_referrer:interview={interview.id}:contact={person.id}"
            if key in self.settled or self.sent_to(person, interview.ends_at):
                continue
            # Their own people: +N days on any day of the week, only not at night.
            due = self.wt.avoid_night(
                self.wt.plus_days(interview.ends_at, self.settings.check_in_referrer_days)
            )
            on = self.day(interview.ends_at)
            if role is ContactRole.REFERRER:
                reason = _(
                    "{person} referred you to {company}; tell them how the interview on {on} "
                    "went and thank them, since a word from inside can still help."
                ).format(person=person.name, company=company, on=on)
            else:
                reason = _(
                    "{person} knows {company} from the inside; tell them how the interview on "
                    "{on} went and ask what they hear about the decision."
                ).format(person=person.name, company=company, on=on)
            self.add(
                ActionKind.CHECK_IN_REFERRER,
                key,
                due,
                reason,
                self.reach_by_message(person),
                interview=interview,
            )

    def entered(self, *kinds: StageKind, latest: bool = True) -> datetime:
        """When the opportunity moved into a stage of ``kinds`` (creation if unrecorded)."""
        moves = [move.changed_at for move in self.facts.stage_history if move.to_kind in kinds]
        if not moves:
            return self.facts.created_at
        return max(moves) if latest else min(moves)

    def tell_references(self) -> None:
        references = self.facts.contacts_in(ContactRole.REFERENCE)
        keys = [f"tell_references:contact={person.id}" for person in references]
        if not references:
            keys = ["tell_references"]
        if all(key in self.settled for key in keys):
            return
        reached = self.entered(StageKind.FINAL, StageKind.OFFER, latest=False)
        due = self.wt.avoid_night(self.wt.plus_days(reached, self.settings.tell_references_days))
        company = self.facts.company
        if not references:
            self.add(
                ActionKind.TELL_REFERENCES,
                "tell_references",
                due,
                _(
                    "You reached the final stage at {company} on {day}; add your references "
                    "and brief each one on the role, the company and your current résumé "
                    "before anyone calls them."
                ).format(company=company, day=self.day(reached)),
            )
            return
        for person, key in zip(references, keys, strict=True):
            if key in self.settled or self.sent_to(person, reached):
                continue
            self.add(
                ActionKind.TELL_REFERENCES,
                key,
                due,
                _(
                    "You reached the final stage at {company} on {day}; give {person} the job "
                    "title ({role}), the company and your current résumé, and ask them to "
                    "tell you if {company} gets in touch."
                ).format(
                    company=company,
                    day=self.day(reached),
                    person=person.name,
                    role=self.facts.role,
                ),
                self.reach_by_message(person),
            )

    def review_offer(self) -> None:
        if "review_offer" in self.settled:
            return
        offered = self.entered(StageKind.OFFER)
        due = self.wt.next_working(self.wt.plus_days(offered, self.settings.review_offer_days))
        company = self.facts.company
        start = self.facts.start_date
        criteria = self.facts.acceptance_criteria.strip()
        if criteria and start is not None:
            template = _(
                "Check {company}'s offer against your acceptance criteria ({criteria}) before "
                "you answer, and keep your other applications going until you start on {day}."
            )
        elif criteria:
            template = _(
                "Check {company}'s offer against your acceptance criteria ({criteria}) before "
                "you answer, and keep your other applications going until your first day there."
            )
        elif start is not None:
            template = _(
                "Before you answer {company}'s offer, write down your acceptance criteria (the "
                "lowest salary you would take, what you will negotiate) and check the offer "
                "against them, and keep your other applications going until you start on {day}."
            )
        else:
            template = _(
                "Before you answer {company}'s offer, write down your acceptance criteria (the "
                "lowest salary you would take, what you will negotiate) and check the offer "
                "against them, and keep your other applications going until your first day "
                "there."
            )
        reason = template.format(
            company=company,
            criteria=quoted(criteria),
            day="" if start is None else day_text(start, self.this_year),
        )
        self.add(ActionKind.REVIEW_OFFER, "review_offer", due, reason)

    def reply_to_rejection(self) -> None:
        if "reply_to_rejection" in self.settled:
            return
        rejected = self.entered(StageKind.REJECTED)
        if any(message.occurred_at >= rejected for message in self.employer_sent()):
            return  # they have answered it already
        days = self.settings.reply_to_rejection_days
        due = self.wt.next_working(self.wt.plus_days(rejected, days))
        # Reply to whoever wrote last, else to whoever arranged things, else the interviewer.
        known = {link.contact.id: link.contact for link in self.facts.contacts}
        writers = [
            known[message.contact_id]
            for message in self.facts.correspondence
            if message.contact_id in known and message.occurred_at <= rejected + timedelta(days=1)
        ]
        person = writers[-1] if writers else (self.organizer() or self.status_contact())
        reach = _Reach(None, Channel.EMAIL, "") if person is None else self.reach_by_message(person)
        if days == 0:
            template = _(
                "{company} said no on {day}; reply the same day to thank them for their time "
                "and ask to be kept in mind for future roles, because a gracious answer keeps "
                "the door open."
            )
        else:
            template = _(
                "{company} said no on {day}; reply by {by} to thank them for their time and "
                "ask to be kept in mind for future roles, because a gracious answer keeps the "
                "door open."
            )
        self.add(
            ActionKind.REPLY_TO_REJECTION,
            "reply_to_rejection",
            due,
            template.format(company=self.facts.company, day=self.day(rejected), by=self.day(due)),
            reach,
        )

    # -- the advice for the waiting time ---------------------------------------------

    def unpracticed(self) -> int:
        return sum(
            interview.debrief.unpracticed_questions
            for interview in self.facts.interviews
            if interview.debrief is not None
        )

    def prepare_next_rounds(self) -> None:
        """PLAYBOOK 3 (001): a next round announced means research, a portfolio, rehearsal."""
        interviews = self.facts.interviews
        if len(interviews) < 2:
            return
        for before, upcoming in itertools.pairwise(interviews):
            if upcoming.starts_at <= self.now:
                continue
            key = f"prepare_next_round:interview={upcoming.id}"
            if key in self.settled:
                continue
            wt = self.wt
            start = upcoming.starts_at
            due = wt.avoid_night(wt.plus_days(start, -self.settings.prepare_days_before))
            due = min(max(due, before.ends_at), start)
            questions = self.unpracticed()
            if questions:
                template = ngettext(
                    "Round {round} with {company} is on {day}: research the team and what they "
                    "are working on, gather a few pieces of relevant work to show, and rehearse "
                    "the {n} question you stumbled on here (in the question bank).",
                    "Round {round} with {company} is on {day}: research the team and what they "
                    "are working on, gather a few pieces of relevant work to show, and rehearse "
                    "the {n} questions you stumbled on here (in the question bank).",
                    questions,
                )
            else:
                template = _(
                    "Round {round} with {company} is on {day}: research the team and what they "
                    "are working on, gather a few pieces of relevant work to show, and rehearse "
                    "answers to what they are likely to ask next."
                )
            self.add(
                ActionKind.PREPARE_NEXT_ROUND,
                key,
                due,
                template.format(
                    round=upcoming.round,
                    company=self.facts.company,
                    day=self.day(start),
                    n=questions,
                ),
            )

    def set_criteria(self) -> None:
        """PLAYBOOK 3 (000): know what you would accept before the final talks, not after."""
        if self.facts.acceptance_criteria.strip() or "set_criteria" in self.settled:
            return
        reached = self.entered(StageKind.FINAL)
        due = self.wt.avoid_night(self.wt.plus_days(reached, 1))
        upcoming = [i.starts_at for i in self.facts.interviews if i.starts_at > reached]
        if upcoming:
            due = max(min(due, self.wt.avoid_night(min(upcoming) - timedelta(days=1))), reached)
        self.add(
            ActionKind.SET_CRITERIA,
            "set_criteria",
            due,
            _(
                "You are in the final stage at {company}: write down your acceptance criteria "
                "now (the lowest salary you would take, what you would negotiate, what would "
                "make you say no), before an offer call puts you on the spot."
            ).format(company=self.facts.company),
        )

    def value_add(self) -> None:
        """PLAYBOOK 3 (003, 002): once shortlisted, something useful every ten days or so."""
        settings = self.settings
        if not settings.value_add:
            return
        latest = max(self.facts.interviews, key=_by_end)
        previous = max(latest.ends_at, self.entered(StageKind.FINAL))
        finished_steps = self.facts.finished_steps
        for number in range(1, 100):
            key = f"value_add:after=i{latest.id}:n={number}"
            finished = finished_steps.get(key) if finished_steps else None
            if finished is not None:
                previous = finished.finished_at
                continue
            if key in self.settled:
                return
            wt = self.wt
            due = wt.next_working(wt.plus_days(previous, settings.value_add_days))
            reach = self.status_reach(latest)
            self.add(
                ActionKind.VALUE_ADD,
                key,
                due,
                _(
                    "You are on the shortlist at {company}; until they decide, a short note to "
                    "{person} with an article or an idea that bears on their work (about every "
                    "ten days) keeps you in mind by being useful."
                ).format(company=self.facts.company, person=_name(reach)),
                reach,
                interview=latest,
            )
            return

    def build_skills(self, interview: InterviewFacts, skills: str) -> None:
        """PLAYBOOK 1 (001): work on what the interview showed, and say so later."""
        key = f"build_skills:interview={interview.id}"
        if key in self.settled:
            return
        due = self.wt.avoid_night(self.wt.plus_days(interview.ends_at, 1))
        self.add(
            ActionKind.BUILD_SKILLS,
            key,
            due,
            _(
                "The interview on {day} showed what to work on ({skills}): set aside time for "
                "it while you wait, so your follow-up can say what you have done."
            ).format(day=self.day(interview.ends_at), skills=quoted(skills)),
            interview=interview,
        )

    # -- status follow-ups -------------------------------------------------------------

    def status_contact(self) -> ContactFacts | None:
        """Whom status questions go to: the lead interviewer, or HR when so set."""
        if not self._status_contact:
            self._status_contact.append(self._find_status_contact())
        return self._status_contact[0]

    def _find_status_contact(self) -> ContactFacts | None:
        panel: list[ContactFacts] = []
        if self.facts.interviews:
            latest = max(self.facts.interviews, key=_by_end)
            if latest.participants and not self.settings.status_to_hr:
                return latest.participants[0].contact  # the usual case, decided at once
            panel = [participant.contact for participant in latest.participants]
        interviewers = panel + self.facts.contacts_in(ContactRole.INTERVIEWER)
        if self.settings.status_to_hr:
            order = self.facts.contacts_in(ContactRole.HR, ContactRole.RECRUITER) + interviewers
        else:
            order = interviewers + self.facts.contacts_in(ContactRole.RECRUITER, ContactRole.HR)
        return order[0] if order else None

    def status_reach(self, interview: InterviewFacts) -> _Reach:
        person = self.status_contact()
        choice = self.settings.status_channel
        if choice == "preferred":
            channel = interview.preferred_channel or Channel.EMAIL
        else:
            channel = Channel(choice)
        if person is not None:
            # Use a channel they can actually be reached on when the chosen one is missing.
            if channel is Channel.EMAIL and not person.email and person.phone:
                channel = Channel.PHONE
            elif channel is Channel.PHONE and not person.phone and person.email:
                channel = Channel.EMAIL
        return self.reach(person, channel)

    def phone_reach(self, written: _Reach) -> _Reach:
        """Calls go to HR when so set, else to the same person, by phone."""
        person = written.contact
        if self.settings.status_to_hr:
            hr = self.facts.contacts_in(ContactRole.HR, ContactRole.RECRUITER)
            person = hr[0] if hr else person
        return self.reach(person, Channel.PHONE)

    def status_chain(self) -> None:  # noqa: PLR0912, PLR0915 - the chain reads as one story
        """PLAYBOOK 4-5: still-interested note, follow-ups, a call, a closing note."""
        settings = self.settings
        facts = self.facts
        wt = self.wt
        latest = max(facts.interviews, key=_by_end)
        replies = _employer_replies(facts, latest, self.not_employer)
        # The latest statement of when to check back wins (the interview's or a reply's).
        check_back = latest.check_back_on
        for message in replies:
            if message.check_back_on is not None:
                check_back = message.check_back_on
        anchor = replies[-1].occurred_at if replies else latest.ends_at
        # No step before the interview (or reply) it follows, even when an earlier step
        # was marked done ahead of time; and none before the day they named.
        earliest = wt.next_working(anchor)
        # Dates that hold the next status check back: the day they said to check back
        # on, any day the person promised to be in touch in a message already sent, and
        # after a reply the day they said they would decide. A reply never brings a
        # check earlier than any of them.
        holds: list[tuple[date, str]] = []
        if check_back is not None:
            holds.append((check_back, "check_back"))
        sent = self.employer_sent()
        for message in sent:
            if message.check_back_on is not None and message.occurred_at > latest.ends_at:
                holds.append((message.check_back_on, "promised"))
        if replies:
            decision = _decision_day(latest, wt)
            if decision is not None:
                holds.append((decision, "decision"))
        floor = None
        binding: tuple[date, str] | None = None
        for day, why in holds:
            moment = max(wt.morning(day), earliest)
            if floor is None or moment > floor:
                floor, binding = moment, (day, why)
        chain = _Chain(
            latest,
            replies,
            anchor,
            f"r{replies[-1].id}" if replies else f"i{latest.id}",
            None if replies else _timeline_days(latest, wt),
            check_back,
            floor,
            latest.may_check_in is not False,
            earliest,
            binding,
        )
        # What the person sent since: after an interview, the first days are the
        # thank-yous; after a reply, the first days are the conversation it started.
        if replies:
            steps = [
                message
                for message in sent
                if message.action_id is None and message.occurred_at > anchor + _CONVERSATION
            ]
        else:
            # Other messages in the days of the thank-yous (the promised material, a
            # word forgotten) are too early to be status follow-ups.
            steps = [
                message
                for message in sent
                if message.action_id is None and message.occurred_at > anchor + _THANKS_WINDOW
            ]
        position = 0
        note_wanted = (
            chain.timeline is not None and settings.still_interested_note and chain.allows_calls
        )
        if (
            note_wanted
            and steps
            and steps[0].occurred_at < self.first_follow_up(chain, "")[0] - _CONVERSATION
        ):
            position = 1  # that message was the still-interested note
            note_wanted = False

        previous: datetime | None = None
        finished_steps = facts.finished_steps
        for index in range(settings.status_follow_ups):
            key = f"status_follow_up:after={chain.cycle}:n={index + 1}"
            finished = finished_steps.get(key) if finished_steps else None
            if finished is not None:
                previous = finished.finished_at
                # A message logged around the time the step was ticked is that step.
                while position < len(steps) and steps[position].occurred_at <= (
                    previous + _CONVERSATION
                ):
                    position += 1
                continue
            if key in self.settled:
                return  # the person took this step over by hand; leave the rest to them
            if position < len(steps):
                previous = steps[position].occurred_at  # sent as a message: done
                position += 1
                continue
            if index == 0 and note_wanted:
                # Only while the first follow-up is still to come: after it, the light
                # note has nothing left to say.
                self.still_interested(chain)
            due = self.chain_step(chain, ActionKind.STATUS_FOLLOW_UP, key, index, previous)
            if due + self.grace_other >= self.now:
                return  # the next step waits until this one is done or dismissed
            # Long past its point, this step is missed; the chain goes on from then.
            previous = due + self.grace_other
        if previous is None:
            return
        self.silence(chain, previous, steps[position:])

    def silence(  # noqa: PLR0912 - one branch per way the silence can have gone
        self, chain: _Chain, previous: datetime, later: list[CorrespondenceFacts]
    ) -> None:
        """PLAYBOOK 6 notes: after the written follow-ups, a call and the closing note."""
        settings = self.settings
        finished_steps = self.facts.finished_steps or {}
        cycle = chain.cycle
        call_keys = (f"phone_call:after={cycle}", f"phone_call:after={cycle}:n=2")
        close_key = f"closing_note:after={cycle}"
        calls: list[datetime] = []
        skipped_calls = 0
        for key in call_keys:
            step = finished_steps.get(key)
            if step is not None:
                if step.state is ActionState.DONE:
                    calls.append(step.finished_at)
                else:
                    skipped_calls += 1
        closed_at: datetime | None = None
        closing = finished_steps.get(close_key)
        closing_declined = closing is not None and closing.state is not ActionState.DONE
        if closing is not None and not closing_declined:
            closed_at = closing.finished_at
        # Messages after the follow-ups: a call logged is the call, a written one is the
        # closing note (there is nothing else left to write).
        for message in later:
            if message.channel is Channel.PHONE:
                calls.append(message.occurred_at)
            elif closed_at is None:
                closed_at = message.occurred_at
        if closed_at is not None:
            self.move_on(chain, closed_at)
            return
        if close_key in self.settled and closing is None:
            return  # taken over by hand
        calls.sort()
        may_call = settings.phone_call and chain.allows_calls
        if not calls:
            if may_call and skipped_calls == 0 and call_keys[0] not in self.settled:
                self.chain_step(chain, ActionKind.PHONE_CALL, call_keys[0], 0, previous)
            if settings.closing_note and not closing_declined:
                self.chain_step(chain, ActionKind.CLOSING_NOTE, close_key, 0, previous)
            return
        # They chose to call: the closing note waits (doing one withdraws the other).
        if len(calls) == 1 and skipped_calls == 0 and may_call and settings.second_call:
            if call_keys[1] not in self.settled:
                self.chain_step(chain, ActionKind.PHONE_CALL, call_keys[1], 1, calls[0])
            return
        if settings.closing_note and not closing_declined:
            self.chain_step(chain, ActionKind.CLOSING_NOTE, close_key, 1, calls[-1])

    def move_on(self, chain: _Chain, closed_at: datetime) -> None:
        key = f"move_on:after={chain.cycle}"
        if key in self.settled:
            return
        due = self.wt.next_working(max(closed_at, chain.earliest))
        self.add(
            ActionKind.MOVE_ON,
            key,
            due,
            _(
                "You sent {company} a closing note on {day}; move the opportunity to Moved on "
                "and give your time to the others. If they write back, logging their reply "
                "brings it back by itself."
            ).format(company=self.facts.company, day=self.day(closed_at)),
        )

    def still_interested(self, chain: _Chain) -> None:
        key = f"still_interested:interview={chain.latest.id}"
        if key in self.settled or chain.timeline is None:
            return
        due = self.wt.next_working(self.wt.plus_days(chain.anchor, chain.timeline))
        if chain.floor is not None and due < chain.floor:
            return  # they asked to be left alone until later
        reach = self.status_reach(chain.latest)
        name = _name(reach)
        if chain.latest.decision_date is not None:
            template = _(
                "They said they would decide by {decided}; on {day} a two-line note to {person} "
                "saying you are still keen (no reply needed) keeps you in mind without pressing."
            )
        else:
            template = _(
                "They said they would decide {within}; on {day} a two-line note to {person} "
                "saying you are still keen (no reply needed) keeps you in mind without pressing."
            )
        self.add(
            ActionKind.STILL_INTERESTED,
            key,
            due,
            template.format(
                **_said(chain.latest, chain.timeline, self.this_year),
                day=self.day(due),
                person=name,
            ),
            reach,
            interview=chain.latest,
        )

    def chain_step(
        self,
        chain: _Chain,
        kind: ActionKind,
        key: str,
        index: int,
        previous: datetime | None,
    ) -> datetime:
        settings = self.settings
        wt = self.wt
        reach = self.status_reach(chain.latest)
        name = _name(reach)
        if kind is ActionKind.STATUS_FOLLOW_UP and previous is None:
            due, reason = self.first_follow_up(chain, name)
            reason += self.skills_hint()
        elif kind is ActionKind.STATUS_FOLLOW_UP:
            assert previous is not None
            gap = math.ceil(
                settings.follow_up_spacing_days * settings.follow_up_spacing_growth ** (index - 1)
            )
            due = wt.next_working(wt.plus_days(previous, gap))
            reason = _(
                "No answer to your follow-up of {day}; send {person} a brief {ordinal} one and "
                "add something useful, such as a relevant article or a short note on a project "
                "you discussed."
            ).format(day=self.day(previous), person=name, ordinal=ordinal(index + 1))
            reason += self.skills_hint()
        elif kind is ActionKind.PHONE_CALL:
            assert previous is not None
            due = wt.next_working(wt.plus_days(previous, settings.phone_call_after_days))
            reach = self.phone_reach(reach)
            person = reach.contact
            who = person.name if person is not None else _("the person you met")
            number = person is not None and bool(person.phone)
            if index == 0 and number:
                template = _(
                    "Your written follow-ups since {since} have gone unanswered, so call "
                    "{person} (or send the closing note instead): say who you are in one line, "
                    "ask whether they have everything they need from you, whether you are still "
                    "being considered, whether the timeline has moved, and when to check back."
                )
            elif index == 0:
                template = _(
                    "Your written follow-ups since {since} have gone unanswered, so call "
                    "{person} (or send the closing note instead); you have no phone number for "
                    "{person}: add one (from their email signature or whoever arranged the "
                    "interview), then say who you are in one line, ask whether they have "
                    "everything they need from you, whether you are still being considered, "
                    "whether the timeline has moved, and when to check back."
                )
            elif number:
                template = _(
                    "Your call of {previous} got no answer; call {person} once more: say who you "
                    "are in one line, ask whether they have everything they need from you, "
                    "whether you are still being considered, whether the timeline has moved, "
                    "and when to check back."
                )
            else:
                template = _(
                    "Your call of {previous} got no answer; call {person} once more; you have no "
                    "phone number for {person}: add one (from their email signature or whoever "
                    "arranged the interview), then say who you are in one line, ask whether they "
                    "have everything they need from you, whether you are still being considered, "
                    "whether the timeline has moved, and when to check back."
                )
            reason = template.format(
                since=self.day(chain.anchor), previous=self.day(previous), person=who
            )
        else:
            assert previous is not None
            due = wt.next_working(wt.plus_days(previous, settings.closing_after_days))
            written = settings.status_follow_ups
            reason = _closing_reason(bool(chain.replies), bool(index), written).format(
                company=self.facts.company, n=written
            )
        due = max(due, chain.earliest if chain.floor is None else chain.floor)
        self.add(kind, key, due, reason, reach, interview=chain.latest)
        return due

    def skills_hint(self) -> str:
        """A sentence for the follow-up: what they worked on since (PLAYBOOK 1, 001)."""
        skills = self.skills()
        if not skills:
            return ""
        # A sentence of its own after the reason's, so neither is glued from pieces.
        return " " + _(
            "Mention briefly the work you have put in since on the skills you noted: “{skills}”."
        ).format(skills=quoted(skills))

    def skills(self) -> str:
        for interview in sorted(self.facts.interviews, key=_by_end, reverse=True):
            debrief = interview.debrief
            if debrief is not None and debrief.skills_to_build.strip():
                return debrief.skills_to_build
        return ""

    def first_follow_up(self, chain: _Chain, name: str) -> tuple[datetime, str]:
        """When to ask about the status first, and why then."""
        settings = self.settings
        wt = self.wt
        if chain.check_back is not None and chain.floor is not None and not chain.replies:
            return chain.floor, self.held_reason(chain, chain.floor, name)
        if chain.replies:
            due = wt.next_working(wt.plus_days(chain.anchor, settings.no_timeline_follow_up_days))
            if chain.floor is not None and chain.floor > due:
                return chain.floor, self.held_reason(chain, chain.floor, name)
            return due, _(
                "{company} last wrote on {wrote}, so the follow-up clock started again: if "
                "nothing more has come by {day}, ask {person} where things stand."
            ).format(
                company=self.facts.company,
                wrote=self.day(chain.anchor),
                day=self.day(due),
                person=name,
            )
        if chain.timeline is None:
            days = settings.no_timeline_follow_up_days
            due = wt.next_working(wt.plus_days(chain.anchor, days))
            reason = _(
                "They named no date for a decision, so ask {person} about the status {span} "
                "after the interview, on {day}."
            ).format(person=name, span=span_text(days), day=self.day(due))
        else:
            days = (
                _lengthened(chain.timeline, settings.timeline_multiplier)
                if settings.double_timeline
                else chain.timeline
            )
            due = wt.next_working(wt.plus_days(chain.anchor, days))
            said = _said(chain.latest, chain.timeline, self.this_year)
            stated = chain.latest.decision_date is not None
            if settings.double_timeline and stated:
                template = _(
                    "They said they would decide by {decided}; hiring usually runs late, so the "
                    "status check with {person} is set for {span} after the interview, on {day}."
                )
            elif settings.double_timeline:
                template = _(
                    "They said they would decide {within}; hiring usually runs late, so the "
                    "status check with {person} is set for {span} after the interview, on {day}."
                )
            elif stated:
                template = _(
                    "They said they would decide by {decided}; if you have heard nothing by "
                    "{day}, ask {person} about the status."
                )
            else:
                template = _(
                    "They said they would decide {within}; if you have heard nothing by {day}, "
                    "ask {person} about the status."
                )
            reason = template.format(**said, person=name, span=span_text(days), day=self.day(due))
        if chain.floor is not None and chain.floor > due:
            return chain.floor, self.held_reason(chain, chain.floor, name)
        return due, reason

    def held_reason(self, chain: _Chain, due: datetime, name: str) -> str:
        """Why the status check waits for a date they (or the person) named."""
        assert chain.binding is not None
        day, why = chain.binding
        named = day_text(day, self.this_year)
        if why == "check_back":
            template = _(
                "They asked you to check back on {named}, so the status follow-up to {person} "
                "waits until {day} and not a day sooner."
            )
        elif why == "decision":
            template = _(
                "{company} last wrote on {wrote} and said they would decide by {named}, so ask "
                "{person} where things stand on {day}, not before."
            )
        else:
            template = _(
                "You told them you would be in touch on {named}, so the status follow-up to "
                "{person} is set for {day}: keep your word, and not sooner."
            )
        return template.format(
            named=named,
            person=name,
            day=self.day(due),
            company=self.facts.company,
            wrote=self.day(chain.anchor),
        )


class _Chain(NamedTuple):
    """What the follow-up chain of the current cycle is timed from."""

    latest: InterviewFacts
    replies: list[CorrespondenceFacts]
    anchor: datetime
    cycle: str
    timeline: int | None
    check_back: date | None
    floor: datetime | None
    allows_calls: bool
    earliest: datetime
    # The date that holds the first check back, and what it is (check_back, promised or
    # decision), for the reason.
    binding: tuple[date, str] | None = None


def _one_stop(reason: str) -> str:
    """A reason ending in an abbreviated date ("am Di., 8. Dez.") ends with one full stop."""
    return reason[:-1] if reason.endswith("..") else reason


def _name(reach: _Reach) -> str:
    return reach.contact.name if reach.contact is not None else _("the person you met")


def _closing_reason(replied: bool, called: bool, written: int) -> str:
    """The closing note's sentence, for ``written`` follow-ups (and a call) unanswered."""
    if replied and called:
        return ngettext(
            "{company} has not answered {n} follow-up and your call, so send one courteous "
            "note that leaves the door open, then move the opportunity to Moved on and put "
            "your energy into other options.",
            "{company} has not answered {n} follow-ups and your call, so send one courteous "
            "note that leaves the door open, then move the opportunity to Moved on and put "
            "your energy into other options.",
            written,
        )
    if replied:
        return ngettext(
            "{company} has not answered {n} follow-up, so send one courteous note that leaves "
            "the door open, then move the opportunity to Moved on and put your energy into "
            "other options.",
            "{company} has not answered {n} follow-ups, so send one courteous note that leaves "
            "the door open, then move the opportunity to Moved on and put your energy into "
            "other options.",
            written,
        )
    if called:
        return ngettext(
            "{company} has not answered your thank-you and {n} follow-up and your call, so "
            "send one courteous note that leaves the door open, then move the opportunity to "
            "Moved on and put your energy into other options.",
            "{company} has not answered your thank-you and {n} follow-ups and your call, so "
            "send one courteous note that leaves the door open, then move the opportunity to "
            "Moved on and put your energy into other options.",
            written,
        )
    return ngettext(
        "{company} has not answered your thank-you and {n} follow-up, so send one courteous "
        "note that leaves the door open, then move the opportunity to Moved on and put your "
        "energy into other options.",
        "{company} has not answered your thank-you and {n} follow-ups, so send one courteous "
        "note that leaves the door open, then move the opportunity to Moved on and put your "
        "energy into other options.",
        written,
    )


def _not_employer(facts: OpportunityFacts) -> set[int | None]:
    """Contacts who are the person's own people (referrers, references), not the employer's."""
    not_employer: set[int | None] = set()
    not_employer |= {
        link.contact.id
        for link in facts.contacts
        if link.role in {ContactRole.REFERRER, ContactRole.REFERENCE}
    } - {
        link.contact.id
        for link in facts.contacts
        if link.role in {ContactRole.INTERVIEWER, ContactRole.HR, ContactRole.RECRUITER}
    }
    if facts.referrer is not None:
        not_employer.add(facts.referrer.id)
    return not_employer


def _employer_replies(
    facts: OpportunityFacts,
    latest: InterviewFacts,
    others: Callable[[], set[int | None]] | None = None,
) -> list[CorrespondenceFacts]:
    """Messages received from the employer after the latest interview, oldest first."""
    after = latest.ends_at
    if not any(message.occurred_at > after for message in facts.correspondence):
        return []
    not_employer = _not_employer(facts) if others is None else others()
    return sorted(
        (
            message
            for message in facts.correspondence
            if message.direction is Direction.RECEIVED
            and message.occurred_at > latest.ends_at
            and message.contact_id not in not_employer
        ),
        key=lambda message: (message.occurred_at, message.id),
    )


def _decision_day(interview: InterviewFacts, wt: WorkingTime) -> date | None:
    """The day they said they would decide by, stated or from their timeline."""
    if interview.decision_date is not None:
        return interview.decision_date
    if interview.decision_timeline_days is not None:
        return wt.local_date(interview.ends_at) + timedelta(days=interview.decision_timeline_days)
    return None


def _lengthened(days: int, multiplier: float) -> int:
    """Their timeline times the multiplier, in whole days, never shorter than they said."""
    # Rounded first so 10 x 1.1 (11.000000000000002 in binary) is 11 days, not 12.
    return max(days, math.ceil(round(days * multiplier, 6)))


def _timeline_days(interview: InterviewFacts, wt: WorkingTime) -> int | None:
    """Days they said they need: from a stated decision date, else the stated number."""
    if interview.decision_date is not None:
        return (interview.decision_date - wt.local_date(interview.ends_at)).days
    return interview.decision_timeline_days


def _said(interview: InterviewFacts, days: int, this_year: int) -> dict[str, str]:
    """What they said about the decision, for the ``{decided}`` or ``{within}`` of a reason."""
    if interview.decision_date is not None:
        return {"decided": day_text(interview.decision_date, this_year), "within": ""}
    return {"decided": "", "within": within_text(days)}


def new_evidence_reason(company: str, question: str) -> str:
    """Why a better answer is sent this once (PLAYBOOK 1, source 000)."""
    return _(
        "A better answer is usually kept for the next interview, not sent; but yours to "
        "\u201c{question}\u201d is new evidence that meets a need {company} has, so send one "
        "short, warm note with it, and no more."
    ).format(question=quoted(question), company=company)


# -- the whole search ----------------------------------------------------------------------

PIPELINE_KEY_PREFIX = "keep_options_open"


def plan_pipeline(
    pipeline: PipelineFacts, settings: PlaybookSettings, now: datetime
) -> PlannedAction | None:
    """One keep-options-open nudge for the whole search, or None when it is not needed.

    Needed while the person waits on an interview outcome (or holds an offer before the
    first day) and either has fewer than ``pipeline_min_active`` active opportunities or
    has added none for ``pipeline_recent_days``.
    """
    now = ensure_aware(now, "current time")
    if not settings.pipeline_nudge:
        return None
    wt = working_time(settings)
    this_year = wt.local_date(now).year
    thin = pipeline.active_count < settings.pipeline_min_active
    wait = pipeline.waiting or pipeline.holding_offer
    closed = pipeline.closed
    # Above all right after an opportunity closes and leaves the search thin.
    just_closed = (
        closed is not None
        and thin
        and closed.since <= now
        and wt.plus_days(closed.since, settings.pipeline_recent_days) > now
        and (wait is None or closed.since >= wait.since)
    )
    if just_closed:
        assert closed is not None
        started = wt.morning(wt.local_date(closed.since) + timedelta(days=1))
        if pipeline.active_count == 0:
            template = _(
                "{company} is no longer in the running since {day} and you have no active "
                "opportunity left; apply for a few new roles this week, so that one answer "
                "never stops your search."
            )
        else:
            template = ngettext(
                "{company} is no longer in the running since {day} and you have only {n} "
                "active opportunity; apply for a few new roles this week, so that one answer "
                "never stops your search.",
                "{company} is no longer in the running since {day} and you have only {n} "
                "active opportunities; apply for a few new roles this week, so that one answer "
                "never stops your search.",
                pipeline.active_count,
            )
        reason = template.format(
            company=closed.company,
            day=day_text(wt.local_date(closed.since), this_year),
            n=pipeline.active_count,
        )
        return PlannedAction(
            kind=ActionKind.KEEP_OPTIONS_OPEN,
            plan_key=f"{PIPELINE_KEY_PREFIX}:{wt.local_date(started).isoformat()}",
            due_at=started,
            reason=_one_stop(reason),
        )
    if wait is None:
        return None
    last = pipeline.last_added_at
    quiet_since = None if last is None else wt.plus_days(last, settings.pipeline_recent_days)
    quiet = quiet_since is None or quiet_since <= now
    if not (thin or quiet):
        return None
    # Due the working morning after the wait began (or after the search went quiet), not
    # the minute an interview ends; the key carries that day, so a nudge the person has
    # done returns only when the situation is new.
    started = wt.morning(wt.local_date(wait.since) + timedelta(days=1))
    if not thin and quiet_since is not None:
        started = max(started, wt.next_working(quiet_since))
    if pipeline.waiting is not None:
        situation = "waiting"
    elif wait.accepted and wait.start_date is not None:
        situation = "starting"
    else:
        situation = "holding"
    if thin:
        template = _thin_reason(situation, pipeline.active_count)
    else:
        assert last is not None  # quiet without a last addition means nothing was ever added
        template = i18n._(_QUIET_REASONS[situation])
    reason = template.format(
        company=wait.company,
        start="" if wait.start_date is None else day_text(wait.start_date, this_year),
        n=pipeline.active_count,
        day="" if last is None else day_text(wt.local_date(last), this_year),
    )
    return PlannedAction(
        kind=ActionKind.KEEP_OPTIONS_OPEN,
        plan_key=f"{PIPELINE_KEY_PREFIX}:{wt.local_date(started).isoformat()}",
        due_at=started,
        reason=_one_stop(reason),
    )


# The keep-options-open nudge's sentences: one per situation (waiting on an answer,
# holding an accepted offer before the first day, holding an offer) and per way the search
# is thin or quiet, each whole, so a language can build it its own way.
_QUIET_REASONS = {
    "waiting": N_(
        "While you wait to hear from {company}, you have added no opportunity since {day}; "
        "keep applying, because a search put on hold costs weeks if the answer is no."
    ),
    "starting": N_(
        "You have accepted {company}'s offer but start only on {start}, offers can still "
        "fall through, and you have added no opportunity since {day}; keep applying, because "
        "a search put on hold costs weeks if the answer is no."
    ),
    "holding": N_(
        "You hold an offer from {company} but have not started there yet, and you have added "
        "no opportunity since {day}; keep applying, because a search put on hold costs weeks "
        "if the answer is no."
    ),
}


def _thin_reason(situation: str, count: int) -> str:
    """The nudge's sentence when fewer opportunities are active than the setting asks."""
    if situation == "waiting":
        if count == 0:
            return _(
                "While you wait to hear from {company}, you have no active opportunities; line "
                "up a few more so that no single answer decides your next month."
            )
        return ngettext(
            "While you wait to hear from {company}, you have only {n} active opportunity; "
            "line up a few more so that no single answer decides your next month.",
            "While you wait to hear from {company}, you have only {n} active opportunities; "
            "line up a few more so that no single answer decides your next month.",
            count,
        )
    if situation == "starting":
        if count == 0:
            return _(
                "You have accepted {company}'s offer but start only on {start}, offers can "
                "still fall through, and you have no active opportunities; line up a few more "
                "so that no single answer decides your next month."
            )
        return ngettext(
            "You have accepted {company}'s offer but start only on {start}, offers can still "
            "fall through, and you have only {n} active opportunity; line up a few more so "
            "that no single answer decides your next month.",
            "You have accepted {company}'s offer but start only on {start}, offers can still "
            "fall through, and you have only {n} active opportunities; line up a few more so "
            "that no single answer decides your next month.",
            count,
        )
    if count == 0:
        return _(
            "You hold an offer from {company} but have not started there yet, and you have no "
            "active opportunities; line up a few more so that no single answer decides your "
            "next month."
        )
    return ngettext(
        "You hold an offer from {company} but have not started there yet, and you have only "
        "{n} active opportunity; line up a few more so that no single answer decides your "
        "next month.",
        "You hold an offer from {company} but have not started there yet, and you have only "
        "{n} active opportunities; line up a few more so that no single answer decides your "
        "next month.",
        count,
    )


__all__ = [
    "ActionKind",
    "PlannedAction",
    "debrief_prompt_at",
    "new_evidence_reason",
    "plan",
    "plan_pipeline",
    "validate_facts",
]
