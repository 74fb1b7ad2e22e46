"""Debrief drafts: kept while a person types, dropped when the debrief is submitted.

A draft is one row (see :mod:`followup_desktop.core.debrief_draft`); saving it is one
statement and re-plans nothing, so the form can save within a fraction of a second of
every keystroke. It is committed durably: words typed after an interview cannot be
typed again from memory.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from followup_desktop.core.change import Change, Entity
from followup_desktop.core.debrief_draft import (
    DRAFT_VERSION,
    DebriefDraft,
    DraftFromNewerVersion,
)
from followup_desktop.core.errors import NotFoundError
from followup_desktop.core.i18n import _
from followup_desktop.core.models import DebriefDraftRow, Interview
from followup_desktop.core.services._base import ServiceBase

#: What a draft's :class:`Change` names; no view shows drafts, so none needs to refresh.
DRAFT_ENTITY = Entity.DEBRIEF_DRAFT


class DraftsMixin(ServiceBase):
    """Saving and discarding debrief drafts."""

    def save_debrief_draft(
        self, interview_id: int, draft: DebriefDraft, *, wait_ms: int | None = None
    ) -> Change:
        """Write (or overwrite) the draft of ``interview_id`` in one statement.

        ``wait_ms`` bounds the wait for another program's write lock. A stored draft of
        a newer format is never overwritten: :class:`DraftFromNewerVersion`. An
        interview deleted meanwhile is :class:`NotFoundError`.
        """
        table = DebriefDraftRow.__table__
        statement = sqlite_insert(DebriefDraftRow).values(
            interview_id=interview_id,
            version=draft.version,
            saved_at=draft.saved_at,
            body=draft.to_json(),
        )
        statement = statement.on_conflict_do_update(
            index_elements=[DebriefDraftRow.interview_id],
            set_={
                "version": statement.excluded.version,
                "saved_at": statement.excluded.saved_at,
                "body": statement.excluded.body,
            },
            where=table.c.version <= draft.version,
        )
        with self._write(wait_ms=wait_ms, durable=True) as session:
            # One cheap look-up first: a missing interview is said in words, and the
            # insert below then cannot break the foreign key.
            if session.scalar(select(Interview.id).where(Interview.id == interview_id)) is None:
                raise NotFoundError(
                    _("Interview {number} no longer exists; its draft cannot be kept.").format(
                        number=interview_id
                    )
                )
            written = session.execute(statement.returning(DebriefDraftRow.version)).first()
            if written is None:
                stored = session.scalar(
                    select(DebriefDraftRow.version).where(
                        DebriefDraftRow.interview_id == interview_id
                    )
                )
                raise DraftFromNewerVersion(int(stored or 0))
        return Change(entities=frozenset({DRAFT_ENTITY}))

    def discard_debrief_draft(self, interview_id: int) -> Change:
        """Forget the draft of ``interview_id`` (after it was submitted, or on request).

        A draft of a newer format stays: this version cannot tell what it holds.
        """
        with self._write() as session:
            session.execute(
                delete(DebriefDraftRow).where(
                    DebriefDraftRow.interview_id == interview_id,
                    DebriefDraftRow.version <= DRAFT_VERSION,
                )
            )
        return Change(entities=frozenset({DRAFT_ENTITY}))


__all__ = ["DRAFT_ENTITY", "DraftsMixin"]
