"""The opportunities room of the service: add, change, move, archive and delete them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from followup_desktop.core import validation
from followup_desktop.core.change import Change
from followup_desktop.core.fields import OPPORTUNITY_TEXT, UNSET, OpportunityFields, given, set_text
from followup_desktop.core.models import Contact, Opportunity, Stage, StageChange
from followup_desktop.core.playbook.settings import validate_settings
from followup_desktop.core.services._base import ServiceBase

_NOTHING = OpportunityFields()


class OpportunitiesMixin(ServiceBase):
    """Opportunities: each change validated, written in one transaction and re-planned."""

    def create_opportunity(
        self, company: str, role: str, fields: OpportunityFields = _NOTHING
    ) -> Change:
        """Add an opportunity (in the first active stage unless ``stage_id`` is given)."""
        with self._write() as session:
            stage_id = given(fields.stage_id, None)
            stage = (
                self._get(session, Stage, stage_id, "Stage")
                if stage_id is not None
                else self._default_stage(session)
            )
            opportunity = Opportunity(company="", role="", stage_id=stage.id)
            self._apply_opportunity_fields(
                session, opportunity, fields.but(company=company, role=role, stage_id=UNSET)
            )
            now = self.clock()
            opportunity.created_at = opportunity.updated_at = now
            session.add(opportunity)
            session.flush()
            session.add(
                StageChange(opportunity_id=opportunity.id, to_stage_id=stage.id, changed_at=now)
            )
            return self._finish(session, [opportunity.id], {"opportunity"}, opportunity.id)

    def update_opportunity(self, opportunity_id: int, fields: OpportunityFields) -> Change:
        """Change an opportunity's given fields; a changed ``stage_id`` is recorded as a move."""
        stage_id = given(fields.stage_id, None)
        with self._write() as session:
            opportunity = self._get(session, Opportunity, opportunity_id, "Opportunity")
            self._apply_opportunity_fields(session, opportunity, fields.but(stage_id=UNSET))
            opportunity.updated_at = self.clock()
            if stage_id is not None and stage_id != opportunity.stage_id:
                self._move(session, opportunity, stage_id, "")
            return self._finish(session, [opportunity_id], {"opportunity"})

    def _apply_opportunity_fields(
        self, session: Session, opportunity: Opportunity, fields: OpportunityFields
    ) -> None:
        set_text(opportunity, OPPORTUNITY_TEXT, fields)
        if fields.link is not UNSET:
            opportunity.link = validation.url(fields.link)
        minimum = given(fields.salary_min, opportunity.salary_min)
        maximum = given(fields.salary_max, opportunity.salary_max)
        opportunity.salary_min, opportunity.salary_max = validation.salary_range(minimum, maximum)
        if fields.referrer_id is not UNSET:
            if fields.referrer_id is not None:
                self._get(session, Contact, fields.referrer_id, "Contact")
            opportunity.referrer_id = fields.referrer_id
        if fields.start_date is not UNSET:
            opportunity.start_date = fields.start_date
        if fields.letter_language is not UNSET:
            opportunity.letter_language = validation.letter_language(fields.letter_language)
        if fields.playbook_overrides is not UNSET:
            # Checked here so a bad number is refused with its name, not at re-plan time.
            opportunity.playbook_overrides = validate_settings(
                dict(fields.playbook_overrides or {}), per_opportunity=True
            )
        if fields.archived is not UNSET:
            opportunity.archived = bool(fields.archived)

    def _move(
        self,
        session: Session,
        opportunity: Opportunity,
        stage_id: int,
        note: str,
        when: datetime | None = None,
    ) -> None:
        stage = self._get(session, Stage, stage_id, "Stage")
        session.add(
            StageChange(
                opportunity_id=opportunity.id,
                from_stage_id=opportunity.stage_id,
                to_stage_id=stage.id,
                changed_at=self.clock() if when is None else when,
                note=note,
            )
        )
        opportunity.stage_id = stage.id
        opportunity.updated_at = self.clock()

    def _move_all(
        self, session: Session, opportunity_ids: Sequence[int], stage_id: int, note: str
    ) -> list[int]:
        """Move opportunities to a stage within ``session``; returns those that moved."""
        moved = []
        self._get(session, Stage, stage_id, "Stage")
        for opportunity in self._get_opportunities(session, opportunity_ids):
            if opportunity.stage_id != stage_id:
                self._move(session, opportunity, stage_id, note)
                moved.append(opportunity.id)
        return moved

    def move_opportunities(
        self, opportunity_ids: Sequence[int], stage_id: int, note: str = ""
    ) -> Change:
        """Move one or several opportunities to a stage, each move recorded in history."""
        with self._write() as session:
            moved = self._move_all(session, opportunity_ids, stage_id, note)
            return self._finish(session, moved, {"opportunity", "stage_history"})

    def set_archived(self, opportunity_ids: Sequence[int], archived: bool = True) -> Change:
        """Archive (or bring back) opportunities; archived ones get no follow-ups."""
        with self._write() as session:
            for opportunity in self._get_opportunities(session, opportunity_ids):
                opportunity.archived = archived
                opportunity.updated_at = self.clock()
            return self._finish(session, opportunity_ids, {"opportunity"})
