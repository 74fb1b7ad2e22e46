"""Reminders: which actions to announce, when, and which were already announced.

Qt-free, so the scheduling rules are tested with an injected clock and the window, the
tray and a future command line all agree. The rules:

- An action is announced once per *due time* (its snooze time when snoozed, else its due
  time). A snooze or a new due time is a new due time, so it is announced again. What was
  announced is stored in ``reminder_deliveries`` (unique per action and due time), so a
  restart neither repeats nor loses a reminder.
- Reminders wait out quiet hours: outside the playbook's working days and hours they are
  held until the next working period starts. The person can turn this off, or pause all
  reminders until a given moment (stored, so a pause survives a restart).
- What came due while Followup was closed is summed up in one notification on start
  instead of a flood; so is an unusually large batch after a sleep.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Any, Final

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from followup_desktop.core.action_kinds import (
    ActionKind,
    action_headline,
    kind_label,
    person_named,
)
from followup_desktop.core.agenda import AgendaItem, agenda, effective_due_column
from followup_desktop.core.db import Database
from followup_desktop.core.errors import ValidationError
from followup_desktop.core.i18n import _
from followup_desktop.core.models import (
    Action,
    ActionState,
    Contact,
    Interview,
    Opportunity,
    ReminderDelivery,
    Setting,
)
from followup_desktop.core.plain_text import first_sentence
from followup_desktop.core.playbook.settings import PlaybookSettings, load_settings
from followup_desktop.core.services import Change, FollowupService
from followup_desktop.core.timeutil import ensure_aware, parse_instant, utcnow, zone

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

PREFS_KEY: Final = "reminders"
# More reminders than this at one moment (after a sleep, say) go out as one summary.
FLOOD_LIMIT: Final = 3
# How many reminders a summary names before "and N more".
SUMMARY_NAMES: Final = 4
# The reason in a notification: about three lines of a desktop's notification box
# (GNOME, KDE and dunst wrap at 40 to 50 characters and cut after three or four lines).
REASON_IN_NOTIFICATION: Final = 120
_DAYS_SEARCHED: Final = 8  # a week plus one day always contains a working day


@dataclass(frozen=True, slots=True)
class QuietHours:
    """When reminders may appear: working days and hours in the person's time zone.

    ``enabled`` False means any time. The working period of a day is ``[start, end)``
    in local wall-clock time, so it follows daylight saving time.
    """

    tz: tzinfo
    working_days: frozenset[int]
    start: time
    end: time
    enabled: bool = True

    @classmethod
    def from_playbook(cls, settings: PlaybookSettings, *, enabled: bool = True) -> QuietHours:
        """The quiet hours the playbook settings describe."""
        return cls(
            tz=zone(settings.timezone),
            working_days=settings.working_day_numbers,
            start=settings.start_time,
            end=settings.end_time,
            enabled=enabled,
        )

    @classmethod
    def never(cls) -> QuietHours:
        """No quiet hours: reminders may appear at any time."""
        return cls(UTC, frozenset(range(7)), time(0), time(23, 59), enabled=False)

    def is_quiet(self, moment: datetime) -> bool:
        """True when ``moment`` falls outside working days and hours."""
        if not self.enabled:
            return False
        local = moment.astimezone(self.tz)
        if local.weekday() not in self.working_days:
            return True
        return not self.start <= local.time() < self.end

    def next_allowed(self, moment: datetime) -> datetime:
        """``moment`` itself when reminders may appear then, else when quiet hours end."""
        moment = ensure_aware(moment)
        if not self.is_quiet(moment):
            return moment
        local = moment.astimezone(self.tz)
        for offset in range(_DAYS_SEARCHED):
            day = local.date() + timedelta(days=offset)
            if day.weekday() not in self.working_days:
                continue
            # Going through UTC resolves a start that falls into a DST gap or overlap.
            opening = datetime.combine(day, self.start, tzinfo=self.tz).astimezone(UTC)
            if opening > moment:
                return opening
        # Unreachable with at least one working day; never silence a reminder for good.
        return moment


@dataclass(frozen=True, slots=True)
class ReminderPrefs:
    """The person's reminder choices, stored as JSON under the ``reminders`` setting."""

    quiet_hours: bool = True
    paused_until: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON object stored in the settings table."""
        return {
            "quiet_hours": self.quiet_hours,
            "paused_until": None if self.paused_until is None else self.paused_until.isoformat(),
        }

    @classmethod
    def from_json(cls, value: Any) -> ReminderPrefs:
        """Prefs from the stored object; unknown or damaged values fall back to defaults."""
        if not isinstance(value, dict):
            return cls()
        paused: datetime | None = None
        raw = value.get("paused_until")
        if isinstance(raw, str) and raw:
            try:
                paused = parse_instant(raw, "pause end")
            except ValidationError:
                log.warning("ignoring a damaged reminder pause time %r", raw)
        return cls(quiet_hours=value.get("quiet_hours", True) is not False, paused_until=paused)


@dataclass(frozen=True, slots=True)
class Reminder:
    """One action to announce, with the due time that is being announced."""

    action_id: int
    due_at: datetime
    kind: ActionKind
    company: str
    role: str
    recipient: str
    reason: str
    opportunity_id: int | None
    #: Whom the step is about (see :attr:`AgendaItem.person`), so two thank-yous differ.
    person: str = ""

    @property
    def label(self) -> str:
        """What to do, in words."""
        return kind_label(self.kind)

    @property
    def title(self) -> str:
        """A one-line summary: what to do, for whom and for which company (plain text)."""
        return action_headline(self.kind, person_named(self.person, self.recipient), self.company)

    def body_lines(self) -> list[str]:
        """Plain-text detail lines: the role, who to, and why (user text, not markup)."""
        lines = []
        if self.role:
            lines.append(self.role)
        if self.recipient:
            lines.append(_("To: {recipient}").format(recipient=self.recipient))
        if self.reason:
            # Notification servers cut long bodies wherever the box ends; the first
            # sentence, ended at a word, reads as a whole (the window has the rest).
            lines.append(first_sentence(self.reason, REASON_IN_NOTIFICATION))
        return lines


class SummaryKind(enum.StrEnum):
    """Why several reminders were summed up in one notification."""

    CATCH_UP = "catch_up"  # they came due while Followup was closed
    BATCH = "batch"  # too many at once (after a sleep, say)


@dataclass(frozen=True, slots=True)
class Summary:
    """Several reminders announced together."""

    kind: SummaryKind
    reminders: tuple[Reminder, ...]

    @property
    def title(self) -> str:
        """The headline, counting what is due."""
        count = len(self.reminders)
        things = "thing" if count == 1 else "things"
        if self.kind is SummaryKind.CATCH_UP:
            return f"{count} {things} came due while Followup was closed"
        return f"{count} {things} are due" if count != 1 else "1 thing is due"

    def body_lines(self) -> list[str]:
        """The first few reminders by name, then how many more."""
        named = [reminder.title for reminder in self.reminders[:SUMMARY_NAMES]]
        rest = len(self.reminders) - len(named)
        if rest > 0:
            named.append(f"and {rest} more")
        return named


@dataclass(frozen=True, slots=True)
class DeliveryPlan:
    """What to announce now: single reminders and at most one summary."""

    single: tuple[Reminder, ...] = ()
    summary: Summary | None = None

    @property
    def empty(self) -> bool:
        """True when there is nothing to announce."""
        return not self.single and self.summary is None


def plan_delivery(
    pending: Sequence[Reminder],
    *,
    catch_up_before: datetime | None = None,
    flood_limit: int = FLOOD_LIMIT,
) -> DeliveryPlan:
    """Decide how to announce ``pending``: one by one, or summed up.

    ``catch_up_before`` is when Followup started, for the first announcement after a
    start: two or more reminders due before it came due while Followup was closed and
    are summed up once. More than ``flood_limit`` at once are summed up as well.
    """
    pending = sorted(pending, key=lambda reminder: (reminder.due_at, reminder.action_id))
    missed: list[Reminder] = []
    fresh = list(pending)
    if catch_up_before is not None:
        missed = [reminder for reminder in pending if reminder.due_at < catch_up_before]
        fresh = [reminder for reminder in pending if reminder.due_at >= catch_up_before]
    if len(missed) >= 2:
        summary = Summary(SummaryKind.CATCH_UP, tuple(missed))
        if len(fresh) > flood_limit:
            # Both at once: one summary is still better than two.
            return DeliveryPlan(summary=Summary(SummaryKind.CATCH_UP, tuple(pending)))
        return DeliveryPlan(single=tuple(fresh), summary=summary)
    if len(pending) > flood_limit:
        return DeliveryPlan(summary=Summary(SummaryKind.BATCH, tuple(pending)))
    return DeliveryPlan(single=tuple(pending))


@dataclass(frozen=True, slots=True)
class TrayStatus:
    """What the tray shows: overdue count, the next thing due, the most urgent items."""

    overdue: int
    next_item: AgendaItem | None
    urgent: tuple[AgendaItem, ...]
    paused_until: datetime | None


def _eligible(query: Any) -> Any:
    return (
        query.outerjoin(Opportunity, Action.opportunity_id == Opportunity.id)
        .where(Action.state.in_([ActionState.OPEN, ActionState.SNOOZED]))
        .where(or_(Opportunity.id.is_(None), Opportunity.archived.is_(False)))
    )


def _undelivered() -> Any:
    due = effective_due_column()
    return ~exists().where(
        and_(ReminderDelivery.action_id == Action.id, ReminderDelivery.due_at == due)
    )


class ReminderService:
    """Reads what is due and records what was announced; the scheduler's only door to data."""

    def __init__(
        self, db: Database, clock: Clock = utcnow, *, service: FollowupService | None = None
    ) -> None:
        self.db = db
        self.clock = clock
        # What the reminders write (preferences, deliveries) goes through the service.
        self._service = service if service is not None else FollowupService(db, clock)

    @classmethod
    def of(cls, service: FollowupService) -> ReminderService:
        """The reminders of the app's own service: they write through that one writer."""
        return cls(service.db, service.clock, service=service)

    # -- settings ----------------------------------------------------------------------

    def prefs(self) -> ReminderPrefs:
        """The stored reminder choices."""
        with self.db.session() as session:
            return self._prefs(session)

    def _prefs(self, session: Session) -> ReminderPrefs:
        setting = session.get(Setting, PREFS_KEY)
        return ReminderPrefs.from_json(None if setting is None else setting.value)

    def _save_prefs(self, prefs: ReminderPrefs) -> Change:
        return self._service.set_setting(PREFS_KEY, prefs.to_json())

    def quiet_hours(self) -> QuietHours:
        """Quiet hours from the playbook settings (or none, when the person turned them off)."""
        with self.db.session() as session:
            prefs = self._prefs(session)
            if not prefs.quiet_hours:
                return QuietHours.never()
            try:
                settings = load_settings(session)
            except ValidationError as error:
                # Damaged settings must not silence reminders; the defaults are sensible.
                log.warning("reminders use default working hours: %s", error)
                settings = PlaybookSettings()
        return QuietHours.from_playbook(settings)

    def set_quiet_hours(self, enabled: bool) -> Change:
        """Hold reminders outside working hours (True) or let them come at any time."""
        return self._save_prefs(replace(self.prefs(), quiet_hours=enabled))

    def pause_until(self, until: datetime | None) -> Change:
        """Hold every reminder until ``until``; None resumes them."""
        if until is not None:
            until = ensure_aware(until, "pause end")
        return self._save_prefs(replace(self.prefs(), paused_until=until))

    def tomorrow_morning(self, now: datetime) -> datetime:
        """When "until tomorrow" ends: the start of working hours on the next day."""
        with self.db.session() as session:
            try:
                settings = load_settings(session)
            except ValidationError:
                settings = PlaybookSettings()
        tz = zone(settings.timezone)
        tomorrow = now.astimezone(tz).date() + timedelta(days=1)
        return datetime.combine(tomorrow, settings.start_time, tzinfo=tz).astimezone(UTC)

    def pause_until_tomorrow(self) -> datetime:
        """Pause reminders until tomorrow's working hours begin; returns that moment."""
        until = self.tomorrow_morning(self.clock())
        self.pause_until(until)
        return until

    def held_until(self, now: datetime) -> datetime | None:
        """When a pause or quiet hours hold reminders back at ``now``, until when; else None."""
        moment = now
        prefs = self.prefs()
        if prefs.paused_until is not None and prefs.paused_until > moment:
            moment = prefs.paused_until
        moment = self.quiet_hours().next_allowed(moment)
        return None if moment <= now else moment

    # -- what is due -------------------------------------------------------------------

    def _debrief_prompts(self, session: Session, now: datetime) -> list[tuple[datetime, Any]]:
        """Debriefs to prompt for shortly after their interview, before they are due.

        The playbook wants the debrief written within hours of the interview and asks for
        a nudge a quarter of an hour after it ends (``debrief_prompt_minutes``); that
        moment is announced on its own, recorded like any due time, and the action is
        announced again when it falls due if it is still open then.
        """
        try:
            minutes = load_settings(session).debrief_prompt_minutes
        except ValidationError:
            minutes = PlaybookSettings().debrief_prompt_minutes
        lead = timedelta(minutes=minutes)
        query = _eligible(
            select(
                Action.id,
                Action.due_at,
                Interview.ends_at,
                Action.kind,
                Opportunity.company,
                Opportunity.role,
                Action.recipient,
                Action.reason,
                Action.opportunity_id,
            ).join(Interview, Interview.id == Action.interview_id)
        ).where(
            Action.kind == "debrief",
            Action.state == ActionState.OPEN,
            # Only while the debrief is not due yet: after that its own reminder speaks.
            Action.due_at > now,
        )
        rows = session.execute(query).all()
        # Those actions' deliveries, through the same query as a subquery. Their ids as a
        # list made another SQL text whenever their number changed, and the driver keeps
        # up to 128 prepared statements, each as large as its list: tens of megabytes
        # over a week in the tray.
        delivered = {
            (action_id, moment)
            for action_id, moment in session.execute(
                select(ReminderDelivery.action_id, ReminderDelivery.due_at).where(
                    ReminderDelivery.action_id.in_(query.with_only_columns(Action.id))
                )
            )
        }
        prompts = []
        for row in rows:
            moment = row.ends_at + lead
            if moment < row.due_at and (row.id, moment) not in delivered:
                prompts.append((moment, row))
        return prompts

    def pending(self, now: datetime) -> list[Reminder]:
        """Actions due at or before ``now`` whose due time was not announced yet."""
        due = effective_due_column()
        query = _eligible(
            select(
                Action.id,
                due.label("due"),
                Action.kind,
                Opportunity.company,
                Opportunity.role,
                Action.recipient,
                Action.reason,
                Action.opportunity_id,
                Contact.name.label("person"),
            ).outerjoin(Contact, Contact.id == Action.contact_id)
        )
        query = query.where(due <= now).where(_undelivered()).order_by(due, Action.id)
        with self.db.session() as session:
            return [
                Reminder(
                    action_id=row.id,
                    due_at=row.due,
                    kind=row.kind,
                    company=row.company or "",
                    role=row.role or "",
                    recipient=row.recipient,
                    reason=row.reason,
                    opportunity_id=row.opportunity_id,
                    person=row.person or "",
                )
                for row in session.execute(query)
            ] + [
                Reminder(
                    action_id=row.id,
                    due_at=moment,
                    kind=row.kind,
                    company=row.company or "",
                    role=row.role or "",
                    recipient=row.recipient,
                    reason=row.reason,
                    opportunity_id=row.opportunity_id,
                )
                for moment, row in self._debrief_prompts(session, now)
                if moment <= now
            ]

    def next_unannounced_due(self) -> datetime | None:
        """The earliest due time not announced yet (past or future), ignoring quiet hours."""
        due = effective_due_column()
        query = _eligible(select(func.min(due))).where(_undelivered())
        with self.db.session() as session:
            value = session.execute(query).scalar_one_or_none()
            prompts = [moment for moment, _row in self._debrief_prompts(session, self.clock())]
        if isinstance(value, str):  # aggregate results bypass the column type on SQLite
            value = datetime.fromisoformat(value)
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        candidates = [moment for moment in (value, *prompts) if moment is not None]
        return min(candidates) if candidates else None

    def next_delivery(self, now: datetime) -> datetime | None:
        """When the next announcement is due: ``now`` or later, None when nothing waits.

        A pause and quiet hours push the moment back; the scheduler arms its timer for it.
        """
        earliest = self.next_unannounced_due()
        if earliest is None:
            return None
        moment = max(earliest, now)
        prefs = self.prefs()
        if prefs.paused_until is not None and prefs.paused_until > moment:
            moment = prefs.paused_until
        return self.quiet_hours().next_allowed(moment)

    def record(self, reminders: Sequence[Reminder], channel: str, *, grouped: bool = False) -> int:
        """Remember that ``reminders`` were announced; returns how many rows were new.

        Already-recorded ones are skipped (INSERT OR IGNORE on the unique key), so a
        second copy of the app racing this one cannot announce the same due time twice.
        """
        if not reminders:
            return 0
        return self._service.record_reminder_deliveries(
            [(reminder.action_id, reminder.due_at) for reminder in reminders],
            channel,
            grouped=grouped,
        )

    def status(self, now: datetime, tz: tzinfo, limit: int = 5) -> TrayStatus:
        """The tray's view: overdue count, the next due item and the most urgent ones."""
        due = effective_due_column()
        with self.db.session() as session:
            overdue = session.execute(
                _eligible(select(func.count(Action.id))).where(due < now)
            ).scalar_one()
            urgent = agenda(session, now, tz, limit=limit)
            upcoming = agenda(session, now, tz, since=now, limit=1)
            prefs = self._prefs(session)
        next_item = upcoming[0] if upcoming else None
        paused = prefs.paused_until if prefs.paused_until and prefs.paused_until > now else None
        return TrayStatus(int(overdue), next_item, tuple(urgent), paused)

    def due_action_ids(self, now: datetime) -> list[int]:
        """Ids of open or snoozed actions due at or before ``now`` (for "snooze all")."""
        due = effective_due_column()
        with self.db.session() as session:
            return list(session.scalars(_eligible(select(Action.id)).where(due <= now)))


__all__ = [
    "FLOOD_LIMIT",
    "PREFS_KEY",
    "DeliveryPlan",
    "QuietHours",
    "Reminder",
    "ReminderPrefs",
    "ReminderService",
    "Summary",
    "SummaryKind",
    "TrayStatus",
    "plan_delivery",
]
