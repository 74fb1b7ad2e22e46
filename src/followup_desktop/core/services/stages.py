"""The stages room of the service: the board's columns, their names, order and kinds."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select, update

from followup_desktop.core.change import Change
from followup_desktop.core.errors import ValidationError
from followup_desktop.core.fields import STAGE_NAME
from followup_desktop.core.i18n import _
from followup_desktop.core.models import Stage, StageKind
from followup_desktop.core.services._base import ServiceBase


class StagesMixin(ServiceBase):
    """Stages: added, renamed, reordered, shown or hidden."""

    def stages(self, include_hidden: bool = True) -> list[Stage]:
        """Stages in board order."""
        with self.db.session() as session:
            query = select(Stage).order_by(Stage.position)
            if not include_hidden:
                query = query.where(Stage.hidden.is_(False))
            return list(session.scalars(query))

    def add_stage(self, name: str, kind: StageKind = StageKind.ACTIVE) -> Change:
        """Add a stage at the end of the board."""
        name = STAGE_NAME.clean(name)
        with self._write() as session:
            if session.scalar(select(Stage.id).where(Stage.name == name)) is not None:
                raise ValidationError(
                    _("A stage called {name!r} exists already.").format(name=name), "name"
                )
            last = session.scalar(select(func.max(Stage.position))) or 0
            stage = Stage(name=name, kind=StageKind(kind), position=last + 1, hidden=False)
            session.add(stage)
            session.flush()
            return Change(frozenset(), frozenset({"stage"}), stage.id)

    def rename_stage(self, stage_id: int, name: str) -> Change:
        """Rename a stage; opportunities stay in it."""
        name = STAGE_NAME.clean(name)
        with self._write() as session:
            stage = self._get(session, Stage, stage_id, "Stage")
            clash = session.scalar(select(Stage.id).where(Stage.name == name))
            if clash is not None and clash != stage_id:
                raise ValidationError(
                    _("A stage called {name!r} exists already.").format(name=name), "name"
                )
            stage.name = name
            return Change(frozenset(), frozenset({"stage"}))

    def reorder_stages(self, stage_ids: Sequence[int]) -> Change:
        """Put the stages in the given order (every stage exactly once)."""
        with self._write() as session:
            existing = set(session.scalars(select(Stage.id)))
            if sorted(stage_ids) != sorted(existing):
                raise ValidationError(_("Give every stage exactly once to reorder them."), "stages")
            for position, stage_id in enumerate(stage_ids):
                session.execute(update(Stage).where(Stage.id == stage_id).values(position=position))
            return Change(frozenset(), frozenset({"stage"}))

    def set_stage_hidden(self, stage_id: int, hidden: bool) -> Change:
        """Show or hide a stage's column on the board."""
        with self._write() as session:
            self._get(session, Stage, stage_id, "Stage").hidden = hidden
            return Change(frozenset(), frozenset({"stage"}))
