"""The debriefs room of the service: what the person wrote after an interview."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from followup_desktop.core import validation
from followup_desktop.core.change import Change
from followup_desktop.core.errors import ValidationError
from followup_desktop.core.fields import (
    DEBRIEF_TEXT,
    UNSET,
    DebriefFields,
    InterviewFields,
    set_text,
)
from followup_desktop.core.i18n import _
from followup_desktop.core.models import (
    Action,
    ActionOrigin,
    Debrief,
    DebriefStatus,
    Interview,
    StumbledQuestion,
)
from followup_desktop.core.playbook import new_evidence_reason
from followup_desktop.core.services._base import PanelMember, QuestionInput
from followup_desktop.core.services.interviews import InterviewsMixin

_NOTHING = DebriefFields()


class DebriefsMixin(InterviewsMixin):
    """Debriefs: drafts saved as typed, a submission written whole or not at all."""

    def save_debrief(
        self,
        interview_id: int,
        fields: DebriefFields = _NOTHING,
        *,
        submit: bool = False,
        questions: Sequence[QuestionInput] | None = None,
        panel: Sequence[PanelMember] | None = None,
    ) -> Change:
        """Save a debrief draft, or submit it (validated, panel saved, re-planned)."""
        with self._write() as session:
            interview = self._get(session, Interview, interview_id, "Interview")
            debrief = self._save_debrief(
                session, interview, fields, submit=submit, questions=questions, panel=panel
            )
            return self._finish(session, [interview.opportunity_id], {"debrief"}, debrief.id)

    def submit_debrief(
        self,
        interview_id: int,
        fields: DebriefFields,
        *,
        interview: InterviewFields | None = None,
        panel: Sequence[PanelMember] = (),
        questions: Sequence[QuestionInput] = (),
    ) -> Change:
        """Submit a debrief with what it says about the interview, its panel and the
        questions: one transaction, so a refusal in any part leaves nothing written."""
        with self._write() as session:
            record = self._get(session, Interview, interview_id, "Interview")
            entities = {"debrief"}
            if interview is not None:
                self._apply_interview_fields(record, interview)
                entities.add("interview")
            debrief = self._save_debrief(
                session, record, fields, submit=True, questions=questions, panel=panel
            )
            return self._finish(session, [record.opportunity_id], entities, debrief.id)

    def _save_debrief(
        self,
        session: Session,
        interview: Interview,
        fields: DebriefFields,
        *,
        submit: bool,
        questions: Sequence[QuestionInput] | None,
        panel: Sequence[PanelMember] | None,
    ) -> Debrief:
        debrief = interview.debrief or Debrief(interview_id=interview.id)
        set_text(debrief, DEBRIEF_TEXT, fields)
        if fields.preparedness is not UNSET:
            debrief.preparedness = validation.preparedness(fields.preparedness)
        if fields.tied_experience is not UNSET:
            debrief.tied_experience = fields.tied_experience
        if questions is not None:
            debrief.questions = _questions(questions, submit=submit)
        if panel is not None and submit:
            self._set_panel(session, interview, panel)
        now = self.clock()
        debrief.updated_at = now
        if submit:
            debrief.status = DebriefStatus.SUBMITTED
            debrief.submitted_at = now
        if interview.debrief is None:
            session.add(debrief)
        session.flush()
        return debrief

    def set_question_practiced(
        self, question_id: int, practiced: bool, better_answer: str | None = None
    ) -> Change:
        """Mark a stumbled question as rehearsed, optionally with a revised answer."""
        with self._write() as session:
            question = self._get(session, StumbledQuestion, question_id, "Question")
            question.practiced = practiced
            if better_answer is not None:
                question.better_answer = better_answer
            return Change(frozenset(), frozenset({"question"}))

    def offer_new_evidence_note(self, question_id: int) -> Change:
        """The person marks a better answer as new evidence that meets a need they have.

        Normally a better answer found afterwards is kept for the next interview, not
        sent (re-answering sounds needy); this one exception gets a brief note, as an
        action of the person's own that the planner never changes.
        """
        with self._write() as session:
            question = self._get(session, StumbledQuestion, question_id, "Question")
            interview = question.debrief.interview
            opportunity = interview.opportunity
            action = Action(
                opportunity_id=opportunity.id,
                interview_id=interview.id,
                kind="new_evidence_note",
                due_at=self.clock(),
                reason=new_evidence_reason(opportunity.company, question.question),
                origin=ActionOrigin.MANUAL,
                created_at=self.clock(),
            )
            session.add(action)
            session.flush()
            return Change(frozenset({opportunity.id}), frozenset({"action"}), action.id)


def _questions(rows: Sequence[QuestionInput], *, submit: bool) -> list[StumbledQuestion]:
    """The stumbled questions as stored; a submitted debrief has no empty row."""
    if submit:
        for index, row in enumerate(rows):
            if not row.question.strip():
                raise ValidationError(
                    _("Question row {row} is empty; fill it or remove it.").format(row=index + 1),
                    f"questions[{index}]",
                )
    return [
        StumbledQuestion(
            position=index,
            question=row.question,
            my_answer=row.my_answer,
            better_answer=row.better_answer,
            theme=row.theme,
            practiced=row.practiced,
        )
        for index, row in enumerate(rows)
    ]
