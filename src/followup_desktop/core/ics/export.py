"""The calendar export: the search's dates as an .ics file (RFC 5545).

Interviews become events, open actions events (or to-dos) with an alarm, and each
expected decision an all-day event. UIDs are stable (an interview keeps the UID of the
invitation it came from), DTSTAMP is always set and SEQUENCE goes up whenever an item's
content changed since the last export (:mod:`.sequences`), so importing the file again
into a calendar application updates its events instead of duplicating them. The file is
built by the fast writer in :mod:`.writer` (the icalendar package builds the same
calendar through the same code; a test compares the two) and written by
:func:`followup_desktop.core.files.write_atomically`, owner-only.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from followup_desktop.core.action_kinds import action_title, person_named
from followup_desktop.core.errors import ValidationError
from followup_desktop.core.files import FileWriteError, write_atomically
from followup_desktop.core.i18n import _
from followup_desktop.core.ics import writer as ics_writer
from followup_desktop.core.ics.notes import is_cancelled_note
from followup_desktop.core.ics.sequences import (
    Sequences,
    digest,
    read_sequences,
    store_sequences,
)
from followup_desktop.core.models import (
    Action,
    ActionState,
    Contact,
    Interview,
    InterviewParticipant,
    Opportunity,
    Stage,
    StageKind,
)

PRODID = "-//Followup//followup-desktop//EN"
UID_DOMAIN = "followup.invalid"
ACTION_MINUTES = 15


class ActionsAs(enum.StrEnum):
    """How actions go into the file: events (every calendar shows them) or to-dos."""

    EVENTS = "events"
    TODOS = "todos"


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote."""

    path: Path
    interviews: int
    actions: int
    decisions: int


def interview_uid(interview_id: int, ical_uid: str | None) -> str:
    """The UID an interview is exported under: the invitation's, or one of ours."""
    return ical_uid or f"interview-{interview_id}@{UID_DOMAIN}"


def action_uid(action_id: int) -> str:
    """The UID an action is exported under."""
    return f"action-{action_id}@{UID_DOMAIN}"


def decision_uid(interview_id: int) -> str:
    """The UID of the all-day "decision expected" event of an interview."""
    return f"decision-{interview_id}@{UID_DOMAIN}"


def expected_decision(
    ends_at: datetime, decision_date: date | None, timeline_days: int | None, tz: tzinfo
) -> date | None:
    """When the employer said they would decide: the date given, or end + timeline."""
    if decision_date is not None:
        return decision_date
    if timeline_days is not None:
        return ends_at.astimezone(tz).date() + timedelta(days=timeline_days)
    return None


def _zone_or_utc(name: str) -> tzinfo:
    try:
        return ZoneInfo(name) if name else UTC
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def _alarm(description: str, backend: ModuleType) -> Any:
    alarm = backend.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", description)
    alarm.add("trigger", timedelta(0))
    return alarm


AnySelect = Select[*tuple[Any, ...]]


@dataclass
class _Builder:
    """Adds components to a calendar, with the DTSTAMP and SEQUENCE bookkeeping.

    ``backend`` makes the components: :mod:`.writer` for files, or the icalendar
    package, whose interface it shares (a test compares the two).
    """

    calendar: Any
    stamp: datetime
    sequences: Sequences
    backend: ModuleType

    def add(self, component: Any, uid: str, *content: object) -> None:
        component.add("uid", uid)
        component.add("dtstamp", self.stamp)
        component.add("sequence", self.sequences.sequence(uid, digest(*content)))
        self.calendar.add_component(component)


def _queries(opportunity_id: int | None) -> tuple[AnySelect, AnySelect, AnySelect]:
    interviews = (
        select(
            Interview.id,
            Interview.opportunity_id,
            Interview.round,
            Interview.kind,
            Interview.starts_at,
            Interview.ends_at,
            Interview.timezone,
            Interview.location,
            Interview.next_steps,
            Interview.notes,
            Interview.decision_date,
            Interview.decision_timeline_days,
            Interview.ical_uid,
            Opportunity.company,
            Opportunity.role,
            Stage.kind.label("stage_kind"),
        )
        .join(Opportunity, Interview.opportunity_id == Opportunity.id)
        .join(Stage, Opportunity.stage_id == Stage.id)
        .order_by(Interview.starts_at, Interview.id)
    )
    panels = (
        select(InterviewParticipant.interview_id, Contact.name, Contact.email)
        .join(Contact, InterviewParticipant.contact_id == Contact.id)
        .order_by(InterviewParticipant.interview_id, InterviewParticipant.position)
    )
    actions = (
        select(
            Action.id,
            Action.kind,
            Action.due_at,
            Action.snoozed_until,
            Action.state,
            Action.recipient,
            Action.reason,
            Opportunity.company,
            Opportunity.role,
            Contact.name.label("person"),
        )
        .outerjoin(Opportunity, Action.opportunity_id == Opportunity.id)
        .outerjoin(Contact, Action.contact_id == Contact.id)
        .where(Action.state.in_([ActionState.OPEN, ActionState.SNOOZED]))
        .order_by(Action.due_at, Action.id)
    )
    if opportunity_id is None:
        interviews = interviews.where(Opportunity.archived.is_(False))
        actions = actions.where(Opportunity.id.is_(None) | Opportunity.archived.is_(False))
    else:
        interviews = interviews.where(Interview.opportunity_id == opportunity_id)
        panels = panels.join(Interview, InterviewParticipant.interview_id == Interview.id).where(
            Interview.opportunity_id == opportunity_id
        )
        actions = actions.where(Action.opportunity_id == opportunity_id)
    return interviews, panels, actions


# The first line of an interview's description, by its kind (whole sentences, so each
# language can word them its own way).
_KIND_LINES = {
    "phone": _("Phone interview, round {round}."),
    "video": _("Video interview, round {round}."),
    "onsite": _("Onsite interview, round {round}."),
    "panel": _("Panel interview, round {round}."),
    "technical": _("Technical interview, round {round}."),
    "other": _("Other interview, round {round}."),
}


def _interview_event(row: Any, people: list[tuple[str, str]], builder: _Builder) -> None:
    zone = _zone_or_utc(row.timezone)
    summary = (
        _("Interview: {role} at {company} (round {round})")
        if row.round > 1
        else _("Interview: {role} at {company}")
    ).format(role=row.role, company=row.company, round=row.round)
    if is_cancelled_note(row.notes):
        summary = _("Cancelled: {event}").format(event=summary)
    kind = _KIND_LINES.get(str(row.kind), _KIND_LINES["other"])
    lines = [kind.format(round=row.round)]
    if people:
        lines.append(_("Panel: {names}.").format(names=", ".join(name for name, _mail in people)))
    if row.next_steps:
        lines.append(_("Next steps: {steps}").format(steps=row.next_steps))
    description = "\n".join(lines)
    event = builder.backend.Event()
    event.add("dtstart", row.starts_at.astimezone(zone))
    event.add("dtend", row.ends_at.astimezone(zone))
    event.add("summary", summary)
    if row.location:
        event.add("location", row.location)
    event.add("description", description)
    event.add("categories", ["Interview"])
    if is_cancelled_note(row.notes):
        event.add("status", "CANCELLED")
    for name, email in people:
        if email:
            event.add("attendee", f"mailto:{email}", parameters={"CN": name})
    builder.add(
        event,
        interview_uid(row.id, row.ical_uid),
        row.starts_at,
        row.ends_at,
        row.timezone,
        summary,
        row.location,
        description,
        people,
    )


def _decision_event(
    interview_id: int, decided: date, company: str, role: str, builder: _Builder
) -> None:
    summary = _("Decision expected: {role} at {company}").format(role=role, company=company)
    event = builder.backend.Event()
    event.add("dtstart", decided)
    event.add("dtend", decided + timedelta(days=1))
    event.add("summary", summary)
    event.add("transp", "TRANSPARENT")
    event.add("categories", ["Decision"])
    builder.add(event, decision_uid(interview_id), decided, summary)


def _action_component(row: Any, actions_as: ActionsAs, builder: _Builder) -> None:
    snoozed = row.state is ActionState.SNOOZED and row.snoozed_until is not None
    due = row.snoozed_until if snoozed else row.due_at
    where = f"{row.company} \u2014 {row.role}" if row.company else _("Your search")
    # Worded as every face words it: the step names its person.
    summary = f"{action_title(row.kind, person_named(row.person, row.recipient))}: {where}"
    lines = []
    if row.recipient:
        lines.append(_("To: {recipient}").format(recipient=row.recipient))
    if row.reason:
        lines.append(_("Why: {reason}").format(reason=row.reason))
    description = "\n".join(lines)
    if actions_as is ActionsAs.TODOS:
        component = builder.backend.Todo()
        component.add("due", due)
        component.add("status", "NEEDS-ACTION")
    else:
        component = builder.backend.Event()
        component.add("dtstart", due)
        component.add("dtend", due + timedelta(minutes=ACTION_MINUTES))
        component.add("transp", "TRANSPARENT")
    component.add("summary", summary)
    if description:
        component.add("description", description)
    component.add("categories", ["Follow-up"])
    component.add_component(_alarm(summary, builder.backend))
    builder.add(component, action_uid(row.id), due, summary, description, actions_as)


def build_calendar(
    session: Session,
    now: datetime,
    *,
    opportunity_id: int | None = None,
    actions_as: ActionsAs = ActionsAs.EVENTS,
    backend: ModuleType = ics_writer,
) -> tuple[Any, ExportResult]:
    """The calendar of one opportunity (or all, archived ones left out), and its counts.

    Updates the SEQUENCE bookkeeping in ``session``; the caller commits it once the file
    is safely written. The calendar is built by :mod:`.writer` unless ``backend``
    names another module with its interface (the icalendar package).
    """
    setting, sequences = read_sequences(session)
    calendar = backend.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "Followup")
    builder = _Builder(calendar, now.astimezone(UTC), sequences, backend)
    interview_query, panel_query, action_query = _queries(opportunity_id)
    # Through the session's connection, not the ORM: these select columns, not objects,
    # and the ORM's result handling cost a fifth of a large export's time.
    connection = session.connection()
    panels: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for row in connection.execute(panel_query):
        panels[row.interview_id].append((row.name, row.email))

    interviews = 0
    # Only the latest stated decision per opportunity counts: a later round supersedes.
    latest: dict[int, tuple[datetime, int, date, str, str]] = {}
    for row in connection.execute(interview_query):
        _interview_event(row, panels.get(row.id, []), builder)
        interviews += 1
        decided = expected_decision(
            row.ends_at, row.decision_date, row.decision_timeline_days, _zone_or_utc(row.timezone)
        )
        if decided is None or StageKind(row.stage_kind).is_closed:
            continue
        previous = latest.get(row.opportunity_id)
        if previous is None or previous[0] < row.starts_at:
            latest[row.opportunity_id] = (row.starts_at, row.id, decided, row.company, row.role)
    for _started, interview_id, decided, company, role in latest.values():
        _decision_event(interview_id, decided, company, role, builder)
    actions = 0
    for row in connection.execute(action_query):
        _action_component(row, actions_as, builder)
        actions += 1
    calendar.add_missing_timezones()
    store_sequences(session, setting, sequences)
    return calendar, ExportResult(Path(), interviews, actions, len(latest))


def check_calendar_target(path: Path) -> None:
    """Refuse, before any work, a file whose folder does not exist."""
    if not path.expanduser().absolute().parent.is_dir():
        raise ValidationError(
            _("The folder of {file} does not exist; choose a file in an existing folder.").format(
                file=path
            ),
            "file",
        )


def write_calendar(calendar: Any, path: Path) -> None:
    """Write ``calendar`` to ``path`` (atomically, owner-only), or say why it cannot be.

    The SEQUENCE bookkeeping :func:`build_calendar` left in its session is committed
    only once this returned: a failed write must not count as an export.
    """
    try:
        write_atomically(path, calendar.to_ical(), "the calendar")
    except FileWriteError as error:
        raise ValidationError(str(error), "file") from error


__all__ = [
    "ACTION_MINUTES",
    "PRODID",
    "UID_DOMAIN",
    "ActionsAs",
    "ExportResult",
    "action_uid",
    "build_calendar",
    "check_calendar_target",
    "decision_uid",
    "expected_decision",
    "interview_uid",
    "write_calendar",
]
