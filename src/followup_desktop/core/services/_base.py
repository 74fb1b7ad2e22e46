"""What every part of the service shares: the database, the clock, and the helpers that
look records up and finish a transaction with a re-plan.

The service's rooms (opportunities, contacts, interviews, …) are mixins on
:class:`ServiceBase`; :class:`followup_desktop.core.services.FollowupService` is their facade.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from followup_desktop.core import i18n
from followup_desktop.core.change import Change as Change  # noqa: PLC0414 (re-exported)
from followup_desktop.core.db import Database
from followup_desktop.core.errors import NotFoundError, ValidationError
from followup_desktop.core.fields import PanelMember as PanelMember  # noqa: PLC0414
from followup_desktop.core.fields import QuestionInput as QuestionInput  # noqa: PLC0414
from followup_desktop.core.fields import ReplyOutcome as ReplyOutcome  # noqa: PLC0414
from followup_desktop.core.i18n import N_, _
from followup_desktop.core.models import (
    Opportunity,
    Setting,
    Stage,
    StageKind,
)
from followup_desktop.core.plain_text import refuse_nul
from followup_desktop.core.playbook import replan
from followup_desktop.core.playbook.settings import SETTINGS_KEY
from followup_desktop.core.timeutil import (
    local_zone_name,
    utcnow,
)

Clock = Callable[[], datetime]
_T = TypeVar("_T")

# Set while the service's own transaction runs, so a test can tell a write that came
# through the service from one that went around it (tests/write_guard.py).
_WRITING: ContextVar[bool] = ContextVar("followup_service_writing", default=False)


# What the rooms call the records they look up, for "… does not exist" (translated there).
RECORD_NAMES = (
    N_("Action"),
    N_("Contact"),
    N_("Interview"),
    N_("Opportunity"),
    N_("Question"),
    N_("Stage"),
)


def service_is_writing() -> bool:
    """Whether the current code runs inside one of the service's write transactions."""
    return _WRITING.get()


@contextmanager
def marked_writing() -> Iterator[None]:
    """Mark code that writes below the ORM (the JSON import's bulk inserts) as the
    service's own, as :meth:`ServiceBase._write` does for sessions."""
    token = _WRITING.set(True)
    try:
        yield
    finally:
        _WRITING.reset(token)


def _refuse_nul_inside(value: Any, key: str) -> None:
    """A setting (a template's text, say) may hold lists and objects: NUL in none of them."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            refuse_nul(item, key, _("The setting {key!r}").format(key=key))
        elif isinstance(item, dict):
            pending += [*item.keys(), *item.values()]
        elif isinstance(item, list | tuple):
            pending += item


class ServiceBase:
    """The database, the clock and the shared look-ups every room of the service uses."""

    def __init__(self, db: Database, clock: Clock = utcnow) -> None:
        self.db = db
        self.clock = clock

    # -- helpers ---------------------------------------------------------------------

    @contextmanager
    def _write(self, *, durable: bool = False, wait_ms: int | None = None) -> Iterator[Session]:
        """The one way the service writes: a transaction that commits on success and
        rolls back everything on any error (see :meth:`Database.session`)."""
        token = _WRITING.set(True)
        try:
            with self.db.session(durable=durable, wait_ms=wait_ms) as session:
                yield session
        finally:
            _WRITING.reset(token)

    def _get(self, session: Session, model: type[_T], ident: int, label: str) -> _T:
        record = session.get(model, ident)
        if record is None:
            raise NotFoundError(
                _("{what} {number} does not exist (it may have been deleted).").format(
                    what=i18n._(label), number=ident
                )
            )
        return record

    def _get_opportunities(self, session: Session, idents: Sequence[int]) -> list[Opportunity]:
        """Opportunities by id in a few queries (a board move can carry hundreds), in
        ``idents`` order; a missing one is refused by id."""
        wanted = list(dict.fromkeys(idents))
        found: dict[int, Opportunity] = {}
        # Chunks stay well under SQLite's limit on bound parameters.
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            for record in session.scalars(select(Opportunity).where(Opportunity.id.in_(chunk))):
                found[record.id] = record
        missing = [ident for ident in wanted if ident not in found]
        if missing:
            raise NotFoundError(
                _("Opportunity {number} does not exist (it may have been deleted).").format(
                    number=missing[0]
                )
            )
        return [found[ident] for ident in wanted]

    def _finish(
        self,
        session: Session,
        opportunity_ids: Iterable[int],
        entities: Iterable[str],
        created_id: int | None = None,
    ) -> Change:
        ids = frozenset(opportunity_ids)
        session.flush()
        replanned = replan(session, sorted(ids), self.clock()) if ids else set()
        return Change(ids, frozenset(entities), created_id, frozenset(replanned))

    def _default_stage(self, session: Session) -> Stage:
        stage = session.scalars(
            select(Stage).where(Stage.kind == StageKind.ACTIVE).order_by(Stage.position)
        ).first()
        if stage is None:
            stage = session.scalars(select(Stage).order_by(Stage.position)).first()
        if stage is None:
            raise ValidationError(_("There are no stages; add one in Settings first."), "stage_id")
        return stage

    @staticmethod
    def _store_setting(session: Session, key: str, value: Any) -> None:
        """Write one setting's value within ``session`` (added when new)."""
        setting = session.get(Setting, key)
        if setting is None:
            session.add(Setting(key=key, value=value))
        else:
            setting.value = value

    def _zone_name(self, session: Session) -> str:
        setting = session.get(Setting, SETTINGS_KEY)
        value = setting.value if setting is not None and isinstance(setting.value, dict) else {}
        zone_name = value.get("timezone")
        return zone_name if isinstance(zone_name, str) and zone_name else local_zone_name()
