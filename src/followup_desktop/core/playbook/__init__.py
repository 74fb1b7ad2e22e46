"""The follow-up playbook: from what happened to what to do next, and when.

Layers, each usable on its own:

* :mod:`.facts` — frozen facts about opportunities, loaded with one query per table;
* :mod:`.settings` — every number of the schedule, globally and per opportunity;
* :mod:`.humane` — working hours and daylight-saving-proof date arithmetic;
* :mod:`.engine` — pure planning: facts + settings + clock -> dated actions with reasons;
* :mod:`.reconcile` — writing a plan into the ``actions`` table without overruling the
  person (done and dismissed actions, snoozes and hand-edited due times are kept).

:func:`replan` is what the service layer calls after every change. See docs/playbook.md.

The reasons are stored in words, so the plan remembers the language it was written in
(the ``plan.language`` setting). A re-plan in a process that speaks another language (the
person chose German in Settings and started again) re-plans everything, whichever
opportunities it was asked for, so no open step keeps a reason in the old language; the
start-up re-plan of the window and the CLI's agenda go through here like every other.
Done and dismissed steps keep their words: they are what the person saw at the time.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from followup_desktop.core import i18n
from followup_desktop.core.errors import ValidationError
from followup_desktop.core.models import Setting
from followup_desktop.core.plan_language import (
    PLAN_LANGUAGE_KEY,
    language_of,
    plan_is_in_language,
)
from followup_desktop.core.playbook.engine import (
    ActionKind,
    PlannedAction,
    debrief_prompt_at,
    new_evidence_reason,
    plan,
    plan_pipeline,
)
from followup_desktop.core.playbook.facts import (
    OpportunityFacts,
    PipelineFacts,
    load_action_rows,
    load_facts,
    load_pipeline_facts,
    load_search_wide_rows,
)
from followup_desktop.core.playbook.humane import working_time
from followup_desktop.core.playbook.rawsql import driver_connection
from followup_desktop.core.playbook.reconcile import (
    ActionDiff,
    apply_diff,
    diff_actions,
    mark_stale,
)
from followup_desktop.core.playbook.settings import (
    PlaybookSettings,
    SettingsCache,
    load_settings,
    validate_settings,
)
from followup_desktop.core.timeutil import ensure_aware


@dataclass(frozen=True)
class ReplanReport:
    """What a re-plan changed.

    ``opportunity_ids`` are those whose actions were inserted, updated or withdrawn;
    ``search_wide_changed`` says the keep-options-open nudge was; ``planned`` counts the
    planned actions not already done or dismissed (what the agenda can show).
    """

    opportunity_ids: frozenset[int] = frozenset()
    search_wide_changed: bool = False
    inserted: int = 0
    updated: int = 0
    withdrawn: int = 0
    planned: int = 0
    # With ``skip_invalid``: what could not be planned, by opportunity (None: the global
    # settings), in words. Those opportunities keep their stored actions as they were.
    problems: Mapping[int | None, str] = field(default_factory=dict)


def _plan_all(
    facts: dict[int, OpportunityFacts],
    cache: SettingsCache,
    now: datetime,
    settled: Mapping[int | None, AbstractSet[str]],
    problems: dict[int | None, str] | None = None,
) -> list[PlannedAction]:
    planned: list[PlannedAction] = []
    nothing: frozenset[str] = frozenset()
    for item in facts.values():
        try:
            try:
                settings = cache.for_overrides(item.overrides)
            except ValidationError as error:
                raise ValidationError(
                    f"{item.company} ({item.role}) has a playbook override that cannot be "
                    f"used: {error}",
                    error.field,
                ) from None
            planned.extend(plan(item, settings, now, settled=settled.get(item.id, nothing)))
        except ValidationError as error:
            if problems is None:
                raise
            problems[item.id] = str(error)
    return planned


def replan_report(
    session: Session,
    opportunity_ids: Iterable[int] | None,
    now: datetime,
    *,
    skip_invalid: bool = False,
) -> ReplanReport:
    """Re-plan the given opportunities (all when None) and the search-wide nudge.

    Reads with a few set-based queries, plans in memory and writes only the differences.
    Raises :class:`ValidationError` when stored facts or settings are impossible; nothing
    is written then (the caller's transaction rolls back). With ``skip_invalid`` (for
    imports, which must not fail on one bad opportunity) those opportunities are left as
    they are and named in ``problems`` instead.
    """
    now = ensure_aware(now, "current time")
    session.flush()
    # A full re-plan creates some 100,000 short-lived tuples, none of them in reference
    # cycles; the cycle collector would walk them all several times over for nothing
    # (measured: a quarter of the run), so it pauses until the plan is written.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _replan(session, opportunity_ids, now, skip_invalid)
    finally:
        if collecting:
            gc.enable()


def plan_language(session: Session) -> str:
    """The language the stored plan's reasons are written in."""
    # Plain SQL, as load_settings: this runs on every re-plan, and through the ORM it
    # cost a fifth of re-planning one opportunity.
    session.flush()
    row = (
        driver_connection(session)
        .execute("SELECT value FROM settings WHERE key = ?", (PLAN_LANGUAGE_KEY,))
        .fetchone()
    )
    return language_of(None if row is None else row[0])


def _remember_language(session: Session, language: str) -> None:
    setting = session.get(Setting, PLAN_LANGUAGE_KEY)
    if setting is None:
        session.add(Setting(key=PLAN_LANGUAGE_KEY, value=language))
    else:
        setting.value = language


def _replan(
    session: Session, opportunity_ids: Iterable[int] | None, now: datetime, skip_invalid: bool
) -> ReplanReport:
    problems: dict[int | None, str] = {}
    try:
        base = load_settings(session)
    except ValidationError as error:
        if not skip_invalid:
            raise
        return ReplanReport(problems={None: str(error)})
    ids = None if opportunity_ids is None else sorted(set(opportunity_ids))
    clock_only = ids == []
    language = i18n.current_language()
    relanguage = plan_language(session) != language
    if relanguage:
        ids = None  # every open step's reason is rewritten in the language now spoken
    diff = ActionDiff()
    planned_count = 0
    if ids is None or ids:
        actions = load_action_rows(session, ids)
        facts = load_facts(session, ids, plannable_only=True, actions=actions)
        planned = _plan_all(
            facts,
            SettingsCache(base),
            now,
            actions.settled_by_opportunity,
            problems if skip_invalid else None,
        )
        live = actions.live
        if problems:
            live = [action for action in live if action.opportunity_id not in problems]
        diff = diff_actions(planned, live, actions.settled, now)
        planned_count = len(planned)
    # The nudge depends on every opportunity, so any change may add or withdraw it.
    pipeline = load_pipeline_facts(
        session, working_time(base).local_date(now), now, base.pipeline_min_active
    )
    nudge = plan_pipeline(pipeline, base, now)
    search_wide = load_search_wide_rows(session)
    nudges = [action for action in search_wide.live if action.kind == ActionKind.KEEP_OPTIONS_OPEN]
    diff.extend(diff_actions([] if nudge is None else [nudge], nudges, search_wide.settled, now))
    apply_diff(session, diff, now)
    if relanguage:
        _remember_language(session, language)
    changed = diff.opportunity_ids()
    if clock_only:
        # The clock's re-plan: steps gone stale since the last change stop being reminded.
        changed |= mark_stale(session, base, now)
    return ReplanReport(
        opportunity_ids=frozenset(item for item in changed if item is not None),
        search_wide_changed=None in changed,
        inserted=len(diff.inserts),
        updated=len(diff.updates),
        withdrawn=len(diff.deletes),
        planned=planned_count + (nudge is not None),
        problems=problems,
    )


def replan(session: Session, opportunity_ids: Iterable[int] | None, now: datetime) -> set[int]:
    """Re-plan the given opportunities (all when None); return ids whose actions changed.

    An empty list re-plans only the search-wide keep-options-open nudge, whose changes are
    not in the returned set (it belongs to no opportunity); see :func:`replan_report`.
    """
    return set(replan_report(session, opportunity_ids, now).opportunity_ids)


def replan_all(session: Session, now: datetime) -> set[int]:
    """Re-plan every opportunity; return ids whose actions changed."""
    return replan(session, None, now)


__all__ = [
    "PLAN_LANGUAGE_KEY",
    "ActionKind",
    "PipelineFacts",
    "PlannedAction",
    "PlaybookSettings",
    "ReplanReport",
    "debrief_prompt_at",
    "load_facts",
    "load_pipeline_facts",
    "load_settings",
    "new_evidence_reason",
    "plan",
    "plan_is_in_language",
    "plan_language",
    "plan_pipeline",
    "replan",
    "replan_all",
    "replan_report",
    "validate_settings",
]
