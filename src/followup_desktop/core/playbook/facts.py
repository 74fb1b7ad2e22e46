"""What the playbook knows: immutable facts about opportunities, loaded set-wise.

The engine is pure and sees only these records, never ORM objects, so it can be tested
without a database and cannot lazy-load anything by accident. :func:`load_facts` builds
them for any number of opportunities with one query per table (never one per
opportunity).

The records are ``typing.NamedTuple`` classes rather than frozen dataclasses: both are
immutable and typed, but on Python 3.11 a frozen dataclass with ten fields takes about
five times as long to create (every field goes through ``object.__setattr__``), and a
full re-plan creates some 100,000 of them.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date, datetime
from operator import itemgetter
from types import MappingProxyType
from typing import Any, Final, NamedTuple

from sqlalchemy.orm import Session

from followup_desktop.core.models import (
    ActionState,
    Channel,
    ContactRole,
    Direction,
    InterviewKind,
    StageKind,
)
from followup_desktop.core.playbook.rawsql import (
    driver_connection,
    instant,
    maybe_date,
    maybe_instant,
    rows,
    stored_date,
    stored_instant,
)

# Steps whose outcome (done or dismissed, and when) decides the next step: the status
# chain, the closing note (after which "moved on" is suggested) and the value-adding notes
# sent every ten days or so once shortlisted.
CHAIN_KINDS: Final = frozenset({"status_follow_up", "phone_call", "closing_note", "value_add"})
# The one action a rejection gets; once it is settled a rejected opportunity is done.
REJECTION_KEY: Final = "reply_to_rejection"
_NOTHING: Final[Mapping[str, Any]] = MappingProxyType({})


class ContactFacts(NamedTuple):
    """A person as the playbook needs them: how to reach them."""

    id: int
    name: str
    email: str = ""
    phone: str = ""
    linkedin: str = ""


class ContactLinkFacts(NamedTuple):
    """A person's role in one opportunity."""

    contact: ContactFacts
    role: ContactRole


class ParticipantFacts(NamedTuple):
    """Someone on an interview panel, and the detail to mention when thanking them."""

    contact: ContactFacts
    mention: str = ""


class DebriefFacts(NamedTuple):
    """The part of a debrief that changes the schedule."""

    submitted: bool
    promised_material: str = ""
    skills_to_build: str = ""
    # Questions noted as stumbled on and not yet rehearsed, to prepare for a next round.
    unpracticed_questions: int = 0


class InterviewFacts(NamedTuple):
    """One interview: when it ended and what they said about what comes next."""

    id: int
    starts_at: datetime
    ends_at: datetime
    round: int = 1
    kind: InterviewKind = InterviewKind.VIDEO
    decision_timeline_days: int | None = None
    decision_date: date | None = None
    may_check_in: bool | None = None
    check_back_on: date | None = None
    preferred_channel: Channel | None = None
    participants: tuple[ParticipantFacts, ...] = ()
    debrief: DebriefFacts | None = None


class StageChangeFacts(NamedTuple):
    """A move into a stage of ``to_kind`` (None when that stage was deleted since)."""

    to_kind: StageKind | None
    changed_at: datetime


class CorrespondenceFacts(NamedTuple):
    """A message or call logged for the opportunity.

    ``check_back_on`` is, on a received message, the day they asked to hear back (or to
    wait until); on a sent one, the day the person promised to be in touch again.
    ``action_id`` links a sent message to the step it carried out (that step is then
    done), so it is not counted a second time.
    """

    id: int
    direction: Direction
    occurred_at: datetime
    contact_id: int | None = None
    channel: Channel = Channel.EMAIL
    check_back_on: date | None = None
    action_id: int | None = None


class StepFacts(NamedTuple):
    """How a planned chain step ended: the next step is timed from it."""

    plan_key: str
    state: ActionState
    due_at: datetime
    completed_at: datetime | None = None

    @property
    def finished_at(self) -> datetime:
        """When the step was done, or its due time when it was skipped."""
        if self.state is ActionState.DONE and self.completed_at is not None:
            return self.completed_at
        return self.due_at


class OpportunityFacts(NamedTuple):
    """Everything the engine uses about one opportunity."""

    id: int
    company: str
    role: str
    stage_kind: StageKind
    created_at: datetime
    archived: bool = False
    acceptance_criteria: str = ""
    start_date: date | None = None
    overrides: Mapping[str, Any] = _NOTHING
    referrer: ContactFacts | None = None
    contacts: tuple[ContactLinkFacts, ...] = ()
    stage_history: tuple[StageChangeFacts, ...] = ()
    interviews: tuple[InterviewFacts, ...] = ()
    # Messages received from them, oldest first.
    correspondence: tuple[CorrespondenceFacts, ...] = ()
    # Chain steps (status follow-ups, calls) that are done or dismissed, by plan key.
    finished_steps: Mapping[str, StepFacts] = _NOTHING
    # Messages and calls the person sent, oldest first: they count as the steps they did.
    sent: tuple[CorrespondenceFacts, ...] = ()

    def contacts_in(self, *roles: ContactRole) -> list[ContactFacts]:
        """Contacts with any of ``roles``, in the order of ``roles``, each once."""
        seen: set[int] = set()
        found: list[ContactFacts] = []
        for role in roles:
            for link in self.contacts:
                if link.role is role and link.contact.id not in seen:
                    seen.add(link.contact.id)
                    found.append(link.contact)
        return found


class WaitingFacts(NamedTuple):
    """An opportunity the person is waiting on, and since when."""

    opportunity_id: int
    company: str
    since: datetime
    start_date: date | None = None
    accepted: bool = False


class PipelineFacts(NamedTuple):
    """The whole search at a glance, for the keep-options-open nudge."""

    # Active opportunities, counted only up to the nudge's threshold.
    active_count: int
    last_added_at: datetime | None
    # The most recent interview still waiting for an outcome.
    waiting: WaitingFacts | None = None
    # An offer in hand, or an accepted one before the first day.
    holding_offer: WaitingFacts | None = None
    # The opportunity most recently rejected, withdrawn or closed, and when.
    closed: WaitingFacts | None = None


class StoredAction(NamedTuple):
    """An open or snoozed generated action as stored: the part a re-plan may change."""

    id: int
    opportunity_id: int | None
    plan_key: str
    kind: str
    due_at: datetime
    due_edited: bool
    recipient: str
    channel: Channel | None
    reason: str
    interview_id: int | None
    contact_id: int | None
    # open, snoozed or missed (the planner moves a step long past its point to missed).
    state: ActionState = ActionState.OPEN
    snoozed_until: datetime | None = None


Key = tuple[int | None, str]


class ActionRows(NamedTuple):
    """The stored actions a re-plan needs, from one pass over the table."""

    # Open, snoozed and missed generated actions: the ones a re-plan may change.
    live: list[StoredAction]
    # Keys of every other action (done, dismissed, manual): never touched, never re-added.
    settled: set[Key]
    # Done or dismissed chain steps by opportunity, which time the next step.
    steps: dict[int, dict[str, StepFacts]]
    # The settled keys again, by opportunity, for the engine to skip.
    settled_by_opportunity: dict[int | None, set[str]]


# -- loading ---------------------------------------------------------------------------

_STAGE_KINDS: Final = {kind.value: kind for kind in StageKind}
_ROLES: Final = {role.value: role for role in ContactRole}
_CHANNELS: Final = {channel.value: channel for channel in Channel}
_INTERVIEW_KINDS: Final = {kind.value: kind for kind in InterviewKind}
_STATES: Final = {state.value: state for state in ActionState}
_LIVE_KINDS: Final = frozenset(
    {StageKind.PROSPECT, StageKind.ACTIVE, StageKind.FINAL, StageKind.OFFER}
)

# Every statement below has an {only} slot for the slice of ids being read (see
# rawsql.rows); reading everything leaves it empty and scans each table once, in storage
# order, with no joins: cheaper than letting SQLite join 10,000 rows to their owners.
# The actions table is read in three narrow passes rather than one wide one: settled keys
# (two columns), open actions (all columns a re-plan compares) and finished chain steps.
# "+state" keeps SQLite from walking the state index, which costs a random read per row.
_SQL_SETTLED: Final = """
SELECT opportunity_id, plan_key FROM actions
WHERE plan_key IS NOT NULL AND (origin <> 'generated' OR +state IN ('done', 'dismissed')){only}
"""
_SQL_LIVE: Final = """
SELECT id, opportunity_id, plan_key, kind, due_at, due_edited, recipient, channel, reason,
       interview_id, contact_id, state, snoozed_until
FROM actions
WHERE plan_key IS NOT NULL AND origin = 'generated'
  AND +state IN ('open', 'snoozed', 'missed'){only}
"""
_SQL_STEPS: Final = f"""
SELECT opportunity_id, plan_key, state, due_at, completed_at FROM actions
WHERE plan_key IS NOT NULL AND origin = 'generated'
  AND kind IN ({", ".join(f"'{kind}'" for kind in sorted(CHAIN_KINDS))})
  AND +state IN ('done', 'dismissed'){{only}}
"""
_SQL_STAGES: Final = "SELECT id, kind FROM stages"
_SQL_OPPORTUNITIES: Final = """
SELECT id, company, role, stage_id, created_at, archived, acceptance_criteria, start_date,
       playbook_overrides, referrer_id
FROM opportunities
WHERE 1 = 1{only}
"""
# In key order, which the primary key's index gives without sorting: contacts then come
# in the order people were added, whichever way the rows are read.
_SQL_LINKS: Final = """
SELECT opportunity_id, contact_id, role FROM opportunity_contacts WHERE 1 = 1{only}
ORDER BY opportunity_id, contact_id, role
"""
_SQL_CONTACTS: Final = """
SELECT id, name, email, phone, linkedin FROM contacts WHERE 1 = 1{only}
"""
_SQL_HISTORY: Final = """
SELECT opportunity_id, to_stage_id, changed_at FROM stage_changes WHERE {stages}{only}
"""
# The moves the engine times actions from (a final round, an offer, a rejection); when
# planning, only these are read, as most of an active search's history is other moves.
TIMED_KINDS: Final = frozenset({StageKind.FINAL, StageKind.OFFER, StageKind.REJECTED})
_SQL_INTERVIEWS: Final = """
SELECT id, opportunity_id, starts_at, ends_at, round, kind, decision_timeline_days,
       decision_date, may_check_in, check_back_on, preferred_channel
FROM interviews
WHERE 1 = 1{only}
"""
_SQL_DEBRIEFS: Final = """
SELECT interview_id, status, promised_material, skills_to_build, id FROM debriefs WHERE 1 = 1{only}
"""
# Counted in one grouped pass: a correlated count per debrief cost five times the read.
_SQL_UNPRACTICED: Final = """
SELECT debrief_id, count(*) FROM stumbled_questions WHERE practiced = 0{only}
GROUP BY debrief_id
"""
_SQL_PANELS: Final = """
SELECT interview_id, contact_id, mention FROM interview_participants WHERE 1 = 1{only}
ORDER BY interview_id, position
"""
# A sent message linked to its action matters only for a date promised in it: the action
# it carried out is done, and that is what the engine reads. Skipping the rest keeps a
# full re-plan from reading every message ever sent.
_SQL_CORRESPONDENCE: Final = """
SELECT id, opportunity_id, occurred_at, contact_id, channel, check_back_on, direction,
       action_id
FROM correspondence
WHERE (direction = 'received' OR action_id IS NULL OR check_back_on IS NOT NULL){only}
"""


def load_action_rows(session: Session, ids: Sequence[int] | None) -> ActionRows:
    """The stored actions of ``ids`` (of every opportunity when None) that have a plan key.

    Reasons and recipients are read only for open and snoozed actions, the only ones a
    re-plan compares; the actions about no opportunity are not included.
    """
    connection = driver_connection(session)
    if ids is None:
        scope = " AND opportunity_id IS NOT NULL"
        found = [
            connection.execute(sql.format(only=scope)).fetchall()
            for sql in (_SQL_SETTLED, _SQL_LIVE, _SQL_STEPS)
        ]
    else:
        found = [
            rows(connection, sql, ids, "opportunity_id")
            for sql in (_SQL_SETTLED, _SQL_LIVE, _SQL_STEPS)
        ]
    return _action_rows(*found)


def load_search_wide_rows(session: Session) -> ActionRows:
    """Like :func:`load_action_rows`, for the actions about no opportunity."""
    connection = driver_connection(session)
    scope = " AND opportunity_id IS NULL"
    found = [
        connection.execute(sql.format(only=scope)).fetchall()
        for sql in (_SQL_SETTLED, _SQL_LIVE, _SQL_STEPS)
    ]
    return _action_rows(*found)


def _action_rows(
    settled_rows: list[tuple[Any, ...]],
    live_rows: list[tuple[Any, ...]],
    step_rows: list[tuple[Any, ...]],
) -> ActionRows:
    settled: set[Key] = set(settled_rows)
    by_owner: dict[int | None, set[str]] = defaultdict(set)
    for owner, key in settled_rows:
        by_owner[owner].add(key)
    live = [
        StoredAction(
            ident,
            owner,
            key,
            kind,
            instant(due_at),
            bool(edited),
            recipient,
            None if channel is None else _CHANNELS[channel],
            reason,
            interview_id,
            contact_id,
            _STATES[state],
            maybe_instant(snoozed),
        )
        for (
            ident,
            owner,
            key,
            kind,
            due_at,
            edited,
            recipient,
            channel,
            reason,
            interview_id,
            contact_id,
            state,
            snoozed,
        ) in live_rows
    ]
    steps: dict[int, dict[str, StepFacts]] = defaultdict(dict)
    for owner, key, state, due_at, completed_at in step_rows:
        steps[owner][key] = StepFacts(
            key, _STATES[state], instant(due_at), maybe_instant(completed_at)
        )
    return ActionRows(live, settled, steps, by_owner)


_day = date.fromisoformat


_as_contact: Callable[[type[ContactFacts], tuple[Any, ...]], ContactFacts] = tuple.__new__


_BY_START = itemgetter(1, 0)  # InterviewFacts: starts_at, id
_BY_CHANGE = itemgetter(1)  # StageChangeFacts: changed_at
_BY_ARRIVAL = itemgetter(2, 0)  # CorrespondenceFacts: occurred_at, id


def _overrides(text: Any) -> Mapping[str, Any]:
    if text is None or text == "{}":
        return _NOTHING
    value = json.loads(text) if isinstance(text, str) else text
    # A stored value that is not an object is kept as one, so validation can name it.
    return value if isinstance(value, dict) else {"": value}


def is_plannable(
    stage: StageKind, archived: bool, answered: bool, interviewed: bool = True
) -> bool:
    """Whether the playbook can still plan anything for an opportunity.

    Archived ones, those closed other than by a rejection, rejections already answered
    (the reply done, dismissed or taken over by hand) and applications without any
    interview yet can only lose actions: re-planning skips reading their details and
    withdraws their open actions.
    """
    if archived:
        return False
    if stage is StageKind.PROSPECT or stage is StageKind.ACTIVE:
        return interviewed
    return stage in _LIVE_KINDS or (stage is StageKind.REJECTED and not answered)


def load_facts(  # noqa: PLR0912, PLR0915 - one straight pass per table reads best
    session: Session,
    ids: Collection[int] | None = None,
    *,
    plannable_only: bool = False,
    actions: ActionRows | None = None,
) -> dict[int, OpportunityFacts]:
    """Facts for the opportunities ``ids`` (every opportunity when None), by id.

    One query per table, whatever the number of opportunities (long id lists are read in
    slices). Ids that do not exist are left out. ``plannable_only`` reads what planning
    needs and no more: opportunities the playbook can plan nothing more for are left out
    (see :func:`is_plannable`) and the stage history holds only the moves the engine
    times actions from (:data:`TIMED_KINDS`). ``actions`` passes rows already read.
    """
    connection = driver_connection(session)
    wanted: list[int] | None = None if ids is None else sorted(set(ids))
    if wanted is not None and not wanted:
        return {}
    if actions is None:
        actions = load_action_rows(session, wanted)
    stage_kinds = {
        ident: _STAGE_KINDS[kind] for ident, kind in connection.execute(_SQL_STAGES).fetchall()
    }

    # The loops below are written for speed (membership tests inline, named tuples built
    # with _make): a full re-plan runs them over some 100,000 rows. Rows are read by id
    # when a few opportunities were asked for, else as whole tables filtered here.
    owners: dict[int, tuple[Any, ...]] = {}
    settled = actions.settled
    for row in rows(connection, _SQL_OPPORTUNITIES, wanted, "id"):
        if plannable_only and not is_plannable(
            stage_kinds[row[3]], bool(row[5]), (row[0], REJECTION_KEY) in settled
        ):
            continue
        owners[row[0]] = row
    if not owners:
        return {}
    subset: list[int] | None = None if wanted is None else sorted(owners)
    interview_rows = [
        row
        for row in rows(connection, _SQL_INTERVIEWS, subset, "opportunity_id")
        if row[1] in owners
    ]
    if plannable_only:
        interviewed = {row[1] for row in interview_rows}
        owners = {
            ident: row
            for ident, row in owners.items()
            if ident in interviewed
            or is_plannable(stage_kinds[row[3]], False, False, interviewed=False)
        }
        subset = None if wanted is None else sorted(owners)

    link_rows = [
        row for row in rows(connection, _SQL_LINKS, subset, "opportunity_id") if row[0] in owners
    ]
    interview_ids = {row[0] for row in interview_rows}
    by_interview = None if subset is None else sorted(interview_ids)
    panel_rows = [
        row
        for row in rows(connection, _SQL_PANELS, by_interview, "interview_id")
        if row[0] in interview_ids
    ]
    contact_ids = {row[1] for row in link_rows}
    contact_ids.update(row[1] for row in panel_rows)
    contact_ids.update(row[9] for row in owners.values() if row[9] is not None)
    contact_subset = None if subset is None else sorted(contact_ids)
    # The row is the record, field for field: tuple.__new__ skips NamedTuple's checks.
    people: dict[int, ContactFacts] = {
        row[0]: _as_contact(ContactFacts, row)
        for row in rows(connection, _SQL_CONTACTS, contact_subset, "id")
        if row[0] in contact_ids
    }

    links: dict[int, list[ContactLinkFacts]] = defaultdict(list)
    for owner, contact_id, role in link_rows:
        links[owner].append(ContactLinkFacts(people[contact_id], _ROLES[role]))

    debrief_rows = [
        row
        for row in rows(connection, _SQL_DEBRIEFS, by_interview, "interview_id")
        if row[0] in interview_ids
    ]
    by_debrief = None if subset is None else sorted(row[4] for row in debrief_rows)
    unpracticed = dict(rows(connection, _SQL_UNPRACTICED, by_debrief, "debrief_id"))
    debriefs: dict[int, DebriefFacts] = {
        interview_id: DebriefFacts(
            status == "submitted", material, skills, unpracticed.get(ident, 0)
        )
        for interview_id, status, material, skills, ident in debrief_rows
    }
    panels: dict[int, list[ParticipantFacts]] = defaultdict(list)
    for interview_id, contact_id, mention in panel_rows:  # in panel order
        panels[interview_id].append(ParticipantFacts(people[contact_id], mention))

    interviews: dict[int, list[InterviewFacts]] = defaultdict(list)
    for (ident, owner, starts, ends, number, kind, days, decide_by, may, check_back,
         channel) in interview_rows:  # fmt: skip
        panel = panels.get(ident)
        participants: tuple[ParticipantFacts, ...] = () if panel is None else tuple(panel)
        interviews[owner].append(
            InterviewFacts(
                ident,
                instant(starts),
                instant(ends),
                number,
                _INTERVIEW_KINDS[kind],
                days,
                None if decide_by is None else _day(decide_by),
                None if may is None else bool(may),
                None if check_back is None else _day(check_back),
                None if channel is None else _CHANNELS[channel],
                participants,
                debriefs.get(ident),
            )
        )

    history: dict[int, list[StageChangeFacts]] = defaultdict(list)
    stages = "1 = 1"
    if plannable_only:
        timed = [str(ident) for ident, kind in stage_kinds.items() if kind in TIMED_KINDS]
        stages = f"to_stage_id IN ({','.join(timed) or 'NULL'})"
    history_sql = _SQL_HISTORY.replace("{stages}", stages)
    for owner, to_stage, changed_at in rows(connection, history_sql, subset, "opportunity_id"):
        if owner in owners:
            history[owner].append(
                StageChangeFacts(
                    None if to_stage is None else stage_kinds.get(to_stage), instant(changed_at)
                )
            )

    received: dict[int, list[CorrespondenceFacts]] = defaultdict(list)
    sent: dict[int, list[CorrespondenceFacts]] = defaultdict(list)
    for ident, owner, occurred, contact_id, channel, check_back, direction, action_id in rows(
        connection, _SQL_CORRESPONDENCE, subset, "opportunity_id"
    ):
        if owner in owners:
            outgoing = direction == "sent"
            (sent if outgoing else received)[owner].append(
                CorrespondenceFacts(
                    ident,
                    Direction.SENT if outgoing else Direction.RECEIVED,
                    instant(occurred),
                    contact_id,
                    _CHANNELS[channel],
                    maybe_date(check_back),
                    action_id,
                )
            )

    facts: dict[int, OpportunityFacts] = {}
    steps = actions.steps
    for ident, row in owners.items():
        found_interviews = interviews.get(ident)
        if found_interviews is not None and len(found_interviews) > 1:
            found_interviews.sort(key=_BY_START)
        found_history = history.get(ident)
        if found_history is not None and len(found_history) > 1:
            found_history.sort(key=_BY_CHANGE)
        found_received = received.get(ident)
        if found_received is not None and len(found_received) > 1:
            found_received.sort(key=_BY_ARRIVAL)
        found_sent = sent.get(ident)
        if found_sent is not None and len(found_sent) > 1:
            found_sent.sort(key=_BY_ARRIVAL)
        facts[ident] = OpportunityFacts(
            ident,
            row[1],
            row[2],
            stage_kinds[row[3]],
            instant(row[4]),
            bool(row[5]),
            row[6],
            maybe_date(row[7]),
            _overrides(row[8]),
            None if row[9] is None else people.get(row[9]),
            tuple(links.get(ident, ())),
            () if found_history is None else tuple(found_history),
            () if found_interviews is None else tuple(found_interviews),
            () if found_received is None else tuple(found_received),
            steps.get(ident, _NOTHING),
            () if found_sent is None else tuple(found_sent),
        )
    return facts


# Stage kinds counted as active opportunities by the nudge, and those that mean waiting.
ACTIVE_KINDS: Final = (StageKind.ACTIVE, StageKind.FINAL, StageKind.OFFER)
_WAITING_KINDS: Final = (StageKind.PROSPECT, StageKind.ACTIVE, StageKind.FINAL)
# "None added lately" looks at the newest rows by id: opportunities are numbered as they
# are added, and reading a few rows instead of the whole table keeps a re-plan cheap.
_RECENT_ROWS: Final = 100
_RECENT_MOVES: Final = 1000
_CLOSED_KINDS: Final = (StageKind.REJECTED, StageKind.WITHDRAWN, StageKind.CLOSED)


def load_pipeline_facts(
    session: Session, today: date, now: datetime, count_up_to: int
) -> PipelineFacts:
    """Counts and dates for the nudge, each read through an index (no table scans).

    ``active_count`` is counted only up to ``count_up_to``: the nudge needs to know
    whether there are fewer than that, not how many more.
    """
    connection = driver_connection(session)
    stages: dict[StageKind, list[int]] = defaultdict(list)
    for ident, kind in connection.execute(_SQL_STAGES).fetchall():
        stages[_STAGE_KINDS[kind]].append(ident)

    def ids_of(*kinds: StageKind) -> str:
        return ",".join(str(ident) for kind in kinds for ident in stages[kind]) or "NULL"

    (active_count,) = connection.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM opportunities WHERE archived = 0 "
        f"AND stage_id IN ({ids_of(*ACTIVE_KINDS)}) LIMIT ?)",
        (count_up_to,),
    ).fetchone()
    (last_added,) = connection.execute(
        "SELECT max(created_at) FROM "
        f"(SELECT created_at FROM opportunities ORDER BY id DESC LIMIT {_RECENT_ROWS})"
    ).fetchone()
    moment = stored_instant(now)
    waiting = connection.execute(
        # CROSS JOIN makes SQLite walk interviews newest first through the starts_at
        # index and stop at the first match, instead of visiting every live opportunity.
        "SELECT o.id, o.company, i.ends_at FROM interviews i "
        "CROSS JOIN opportunities o ON o.id = i.opportunity_id "
        f"WHERE o.archived = 0 AND o.stage_id IN ({ids_of(*_WAITING_KINDS)}) "
        "AND i.starts_at <= ? AND i.ends_at <= ? "
        "ORDER BY i.starts_at DESC, i.id DESC LIMIT 1",
        (moment, moment),
    ).fetchone()
    day = stored_date(today)
    # The newest offer first, then when it came: the inner LIMIT keeps the correlated
    # lookup to one row instead of one per offer ever held.
    offer = connection.execute(
        "SELECT o.id, o.company, coalesce((SELECT max(sc.changed_at) FROM stage_changes sc "
        "WHERE sc.opportunity_id = o.id AND sc.to_stage_id = o.stage_id), o.created_at), "
        f"o.start_date, o.stage_id IN ({ids_of(StageKind.ACCEPTED)}) "
        "FROM (SELECT id, company, stage_id, start_date, created_at FROM opportunities "
        f"WHERE archived = 0 AND (stage_id IN ({ids_of(StageKind.OFFER)}) "
        f"OR (stage_id IN ({ids_of(StageKind.ACCEPTED)}) AND start_date > ?)) "
        "AND (start_date IS NULL OR start_date > ?) "
        "ORDER BY id DESC LIMIT 1) o",
        (day, day),
    ).fetchone()
    # The newest moves only: stage changes are numbered as they happen, and the nudge
    # cares about a close in the last days, so a bounded walk down the key is enough.
    closed = connection.execute(
        "SELECT o.id, o.company, sc.changed_at FROM stage_changes sc "
        "JOIN opportunities o ON o.id = sc.opportunity_id "
        f"WHERE sc.id > (SELECT coalesce(max(id), 0) - {_RECENT_MOVES} FROM stage_changes) "
        f"AND sc.to_stage_id IN ({ids_of(*_CLOSED_KINDS)}) AND o.stage_id = sc.to_stage_id "
        "AND o.archived = 0 ORDER BY sc.id DESC LIMIT 1"
    ).fetchone()
    return PipelineFacts(
        active_count=int(active_count),
        last_added_at=maybe_instant(last_added),
        waiting=None
        if waiting is None
        else WaitingFacts(waiting[0], waiting[1], instant(waiting[2])),
        holding_offer=None
        if offer is None
        else WaitingFacts(
            offer[0], offer[1], instant(offer[2]), maybe_date(offer[3]), bool(offer[4])
        ),
        closed=None if closed is None else WaitingFacts(closed[0], closed[1], instant(closed[2])),
    )


__all__ = [
    "CHAIN_KINDS",
    "ActionRows",
    "ContactFacts",
    "ContactLinkFacts",
    "CorrespondenceFacts",
    "DebriefFacts",
    "InterviewFacts",
    "OpportunityFacts",
    "ParticipantFacts",
    "PipelineFacts",
    "StageChangeFacts",
    "StepFacts",
    "StoredAction",
    "WaitingFacts",
    "is_plannable",
    "load_action_rows",
    "load_facts",
    "load_pipeline_facts",
    "load_search_wide_rows",
]
