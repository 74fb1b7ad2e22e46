"""The imports room of the service: a planned spreadsheet or contact import, written whole."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from followup_desktop.core import validation
from followup_desktop.core.change import Change
from followup_desktop.core.errors import NotFoundError, ValidationError
from followup_desktop.core.fields import (
    CONTACT_TEXT,
    IMPORTED_CONTACT_NAME,
    OPPORTUNITY_TEXT,
    ContactFields,
    OpportunityFields,
)
from followup_desktop.core.i18n import _, ngettext
from followup_desktop.core.models import (
    Contact,
    ContactRole,
    Opportunity,
    OpportunityContact,
    Stage,
    StageChange,
)
from followup_desktop.core.services.contacts import ContactsMixin
from followup_desktop.core.services.opportunities import OpportunitiesMixin

if TYPE_CHECKING:
    from followup_desktop.core.imports.contacts import ContactPlan
    from followup_desktop.core.imports.plan import ContactDraft, ImportPlan, PlannedRow


# What a spreadsheet row may set on a new opportunity.
_IMPORTED = frozenset({*OPPORTUNITY_TEXT, "link", "salary_min", "salary_max", "archived"})


class ImportsMixin(OpportunitiesMixin, ContactsMixin):
    """Imports: exactly what the dry run listed, in one transaction, re-planned."""

    def import_rows(self, plan: ImportPlan) -> Change:
        """Write a spreadsheet import plan in one transaction, then re-plan what it touched.

        Exactly what the dry run listed is written: the creations with their stage
        history and contacts, the updates with their stage moves, and (for a file of the
        person's own) the column mapping, remembered for the next file with these
        headers. A plan with problems is refused unless it skips the bad rows; any
        error rolls everything back.
        """
        if plan.blocked:
            first = plan.problems[0]
            raise ValidationError(
                ngettext(
                    "{file} has {n} problem, so nothing was imported. First: {first}",
                    "{file} has {n} problems, so nothing was imported. First: {first}",
                    len(plan.problems),
                ).format(file=plan.file_name, n=len(plan.problems), first=first),
                "file",
            )
        from followup_desktop.core.imports.plan import RowAction

        with self._write() as session:
            wanted = {step.stage_id for row in plan.rows for step in row.history}
            wanted |= {row.stage.id for row in plan.rows if row.action is not RowAction.SKIP}
            known = set(session.scalars(select(Stage.id).where(Stage.id.in_(wanted))))
            if wanted - known:
                raise NotFoundError(
                    _("A stage the import would use was deleted meanwhile; run the import again.")
                )
            now = self.clock()
            contacts = _ContactCache(session)
            creates = plan.of(RowAction.CREATE)
            # Thousands of rows: validated one by one, inserted in bulk (the ORM's
            # per-object bookkeeping would cost more than SQLite itself).
            values = [
                {
                    **self._clean_import_fields(row.fields),
                    "stage_id": row.stage.id,
                    "created_at": row.created_at or now,
                    "updated_at": now,
                    "playbook_overrides": {},
                }
                for row in creates
            ]
            new_ids: list[int] = []
            # Core statements on the table, not the ORM's bulk insert: that one sent a
            # statement per row here (10,000 round trips through SQLAlchemy), where Core
            # batches the rows into a few multi-row INSERTs, ids returned in order.
            connection = session.connection()
            table, changes = Opportunity.__table__, StageChange.__table__
            assert isinstance(table, Table)
            assert isinstance(changes, Table)
            if values:
                new_ids = list(
                    connection.execute(
                        insert(table).returning(table.c.id, sort_by_parameter_order=True),
                        values,
                    ).scalars()
                )
            history: list[dict[str, Any]] = []
            for opportunity_id, row in zip(new_ids, creates, strict=True):
                previous: int | None = None
                for step in row.history:
                    history.append(
                        {
                            "opportunity_id": opportunity_id,
                            "from_stage_id": previous,
                            "to_stage_id": step.stage_id,
                            "changed_at": step.at,
                            "note": step.note,
                        }
                    )
                    previous = step.stage_id
                if row.contact is not None:
                    contacts.link(opportunity_id, row.contact)
            if history:
                connection.execute(insert(changes), history)
            targets = self._import_updates(session, plan.of(RowAction.UPDATE), contacts, now)
            if plan.remember_mapping:
                value = {column: target.value for column, target in plan.mapping.items()}
                self._store_setting(session, plan.mapping_key, value)
            ids = [*new_ids, *(item.id for item in targets)]
            first_id = new_ids[0] if new_ids else None
            return self._finish(session, ids, {"opportunity", "stage_history", "contact"}, first_id)

    def _import_updates(
        self,
        session: Session,
        updates: Sequence[PlannedRow],
        contacts: _ContactCache,
        now: datetime,
    ) -> list[Opportunity]:
        """Apply an import's planned updates; returns the opportunities changed."""
        targets = self._get_opportunities(
            session, [row.existing_id for row in updates if row.existing_id is not None]
        )
        for opportunity, row in zip(targets, updates, strict=True):
            self._apply_opportunity_fields(
                session, opportunity, OpportunityFields.from_mapping(row.fields)
            )
            opportunity.updated_at = now
            for step in row.history:
                session.add(
                    StageChange(
                        opportunity_id=opportunity.id,
                        from_stage_id=opportunity.stage_id,
                        to_stage_id=step.stage_id,
                        changed_at=step.at,
                        note=step.note,
                    )
                )
                opportunity.stage_id = step.stage_id
            if row.contact is not None:
                contacts.link(opportunity.id, row.contact)
        return targets

    def import_contacts(self, plan: ContactPlan) -> Change:
        """Write a contact import plan (new people, merges) in one transaction.

        Merges only fill what a stored contact lacks, as the plan lists; the
        opportunities of merged contacts are re-planned (a new address changes who a
        follow-up can reach).
        """
        if plan.blocked:
            raise ValidationError(
                ngettext(
                    "{file} has {n} problem, so nobody was imported. First: {first}",
                    "{file} has {n} problems, so nobody was imported. First: {first}",
                    len(plan.problems),
                ).format(file=plan.file_name, n=len(plan.problems), first=plan.problems[0]),
                "file",
            )
        from followup_desktop.core.imports.contacts import ContactAction

        with self._write() as session:
            created: list[int] = []
            for entry in plan.of(ContactAction.CREATE):
                contact = Contact(name="")
                self._apply_contact_fields(contact, ContactFields.from_mapping(entry.fields))
                session.add(contact)
                session.flush()
                created.append(contact.id)
            merged = [entry.existing_id for entry in plan.of(ContactAction.MERGE)]
            for entry in plan.of(ContactAction.MERGE):
                assert entry.existing_id is not None
                stored = self._get(session, Contact, entry.existing_id, "Contact")
                self._apply_contact_fields(stored, ContactFields.from_mapping(entry.fields))
            linked = (
                session.scalars(
                    select(OpportunityContact.opportunity_id).where(
                        OpportunityContact.contact_id.in_(merged)
                    )
                ).all()
                if merged
                else []
            )
            return self._finish(session, linked, {"contact"}, created[0] if created else None)

    @staticmethod
    def _clean_import_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
        """An imported opportunity's fields, checked as every form's are."""
        unknown = sorted(set(fields) - _IMPORTED)
        if unknown:
            raise ValidationError(
                _("Unknown opportunity field(s): {names}.").format(names=", ".join(unknown)),
                unknown[0],
            )
        cleaned: dict[str, Any] = {
            name: rule.clean(fields.get(name, "")) for name, rule in OPPORTUNITY_TEXT.items()
        }
        cleaned["link"] = validation.url(fields.get("link", ""))
        cleaned["salary_min"], cleaned["salary_max"] = validation.salary_range(
            fields.get("salary_min"), fields.get("salary_max")
        )
        cleaned["archived"] = bool(fields.get("archived", False))
        return cleaned


class _ContactCache:
    """Contacts an import links, found by e-mail first so nobody is added twice."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.by_email: dict[str, Contact] = {}
        self.by_name: dict[str, Contact] = {}
        for contact in session.scalars(select(Contact)):
            if contact.email:
                self.by_email.setdefault(contact.email.casefold(), contact)
            self.by_name.setdefault(contact.name.casefold(), contact)

    def get(self, draft: ContactDraft) -> Contact:
        """The stored contact with the draft's e-mail (or, without one, its name), or a
        new one."""
        key = draft.email.casefold()
        found = self.by_email.get(key) if key else self.by_name.get(draft.name.casefold())
        if found is not None:
            if draft.phone and not found.phone:
                found.phone = draft.phone
            return found
        contact = Contact(
            name=IMPORTED_CONTACT_NAME.clean(draft.name),
            email=validation.email(draft.email),
            phone=CONTACT_TEXT["phone"].clean(draft.phone),
        )
        self.session.add(contact)
        self.session.flush()
        if key:
            self.by_email[key] = contact
        self.by_name.setdefault(contact.name.casefold(), contact)
        return contact

    def link(self, opportunity_id: int, draft: ContactDraft) -> None:
        """Link the draft's contact to an opportunity as its recruiter (once)."""
        contact = self.get(draft)
        key = (opportunity_id, contact.id, ContactRole.RECRUITER)
        if self.session.get(OpportunityContact, key) is None:
            self.session.add(
                OpportunityContact(
                    opportunity_id=opportunity_id, contact_id=contact.id, role=ContactRole.RECRUITER
                )
            )
