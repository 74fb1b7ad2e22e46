"""The contacts room of the service: the people of the search and their roles."""

from __future__ import annotations

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
