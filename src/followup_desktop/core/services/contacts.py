"""The contacts room of the service: the people of the search and their roles.

Removing a person *from an opportunity* takes away their roles in it and nothing else:
the person stays, and so do the messages logged with them, the steps planned for them
and the interview panels they sat on, so no history is lost and an undo (linking the
same roles again) gives back exactly what was there.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from followup_desktop.core import validation
from followup_desktop.core.change import Change
from followup_desktop.core.fields import CONTACT_TEXT, UNSET, ContactFields, set_text
from followup_desktop.core.models import Contact, ContactRole, Opportunity, OpportunityContact
from followup_desktop.core.services._base import ServiceBase

_NOTHING = ContactFields()


class ContactsMixin(ServiceBase):
    """People: added, changed and linked to opportunities in a role."""

    def add_contact(
        self,
        name: str,
        fields: ContactFields = _NOTHING,
        *,
        opportunity_id: int | None = None,
        role: ContactRole | None = None,
    ) -> Change:
        """Add a person, optionally linked to an opportunity in a role."""
        with self._write() as session:
            contact = Contact(name="")
            self._apply_contact_fields(contact, fields.but(name=name))
            session.add(contact)
            session.flush()
            touched: list[int] = []
            if opportunity_id is not None:
                self._get(session, Opportunity, opportunity_id, "Opportunity")
                session.add(
                    OpportunityContact(
                        opportunity_id=opportunity_id,
                        contact_id=contact.id,
                        role=role or ContactRole.INTERVIEWER,
                    )
                )
                touched.append(opportunity_id)
            return self._finish(session, touched, {"contact"}, contact.id)

    @staticmethod
    def _apply_contact_fields(contact: Contact, fields: ContactFields) -> None:
        set_text(contact, CONTACT_TEXT, fields)
        if fields.email is not UNSET:
            contact.email = validation.email(fields.email)
        if fields.linkedin is not UNSET:
            contact.linkedin = validation.linkedin_profile(fields.linkedin)

    def update_contact(
        self,
        contact_id: int,
        fields: ContactFields,
        *,
        opportunity_id: int | None = None,
        role: ContactRole | None = None,
    ) -> Change:
        """Change a person's details; with ``opportunity_id`` and ``role``, their role in
        that opportunity becomes ``role`` (their only one there)."""
        with self._write() as session:
            contact = self._get(session, Contact, contact_id, "Contact")
            self._apply_contact_fields(contact, fields)
            touched = {link.opportunity_id for link in self._links(session, contact_id)}
            if opportunity_id is not None and role is not None:
                self._get(session, Opportunity, opportunity_id, "Opportunity")
                for link in self._links(session, contact_id, opportunity_id):
                    if link.role is not role:
                        session.delete(link)
                session.flush()
                if session.get(OpportunityContact, (opportunity_id, contact_id, role)) is None:
                    session.add(
                        OpportunityContact(
                            opportunity_id=opportunity_id, contact_id=contact_id, role=role
                        )
                    )
                touched.add(opportunity_id)
            return self._finish(session, touched, {"contact"}, contact_id)

    def unlink_contact(
        self, opportunity_id: int, contact_id: int
    ) -> tuple[Change, list[ContactRole]]:
        """Take a person off an opportunity (every role they had in it).

        The person, their messages and their planned steps stay (see the module's
        docstring); returns the roles removed, which :meth:`link_contact` puts back.
        """
        with self._write() as session:
            self._get(session, Opportunity, opportunity_id, "Opportunity")
            self._get(session, Contact, contact_id, "Contact")
            roles = []
            for link in self._links(session, contact_id, opportunity_id):
                roles.append(link.role)
                session.delete(link)
            return self._finish(session, [opportunity_id], {"contact"}), roles

    @staticmethod
    def _links(
        session: Session, contact_id: int, opportunity_id: int | None = None
    ) -> list[OpportunityContact]:
        query = select(OpportunityContact).where(OpportunityContact.contact_id == contact_id)
        if opportunity_id is not None:
            query = query.where(OpportunityContact.opportunity_id == opportunity_id)
        return list(session.scalars(query))

    def link_contact(self, opportunity_id: int, contact_id: int, role: ContactRole) -> Change:
        """Give a known person a role in an opportunity (idempotent)."""
        with self._write() as session:
            self._get(session, Opportunity, opportunity_id, "Opportunity")
            self._get(session, Contact, contact_id, "Contact")
            if session.get(OpportunityContact, (opportunity_id, contact_id, role)) is None:
                session.add(
                    OpportunityContact(
                        opportunity_id=opportunity_id, contact_id=contact_id, role=role
                    )
                )
            return self._finish(session, [opportunity_id], {"contact"})
