"""Calendar files (.ics, RFC 5545): export the search's dates, import interview invitations.

The package is split by room; this module gathers the public names so callers import
from ``followup_desktop.core.ics`` as before:

- :mod:`.export` writes interviews, open actions and expected decisions as a calendar
  (:mod:`.writer` is the fast RFC 5545 writer it uses; :mod:`.sequences` keeps each
  item's SEQUENCE, so a calendar application updates its events on a re-import);
- :mod:`.parse` reads invitation files as real senders produce them, and checks the
  whole file before anything is used;
- :mod:`.guess` reads the employer, the role and the kind of interview from an
  invitation; :mod:`.match` decides which interview and opportunity each belongs to;
- :mod:`.apply` plans what an import does, reading only. The service writes the plan
  (``FollowupService.import_invitations``) in one transaction, so a broken file changes
  nothing. The rule is described in docs/calendar.md.
"""

from __future__ import annotations

from followup_desktop.core.files import write_atomically
from followup_desktop.core.ics.apply import (
    Choices,
    IcsImportResult,
    InvitationPlan,
    InvitationStep,
    holds_own_work,
    plan_import,
)
from followup_desktop.core.ics.export import (
    ACTION_MINUTES,
    PRODID,
    UID_DOMAIN,
    ActionsAs,
    ExportResult,
    action_uid,
    build_calendar,
    decision_uid,
    expected_decision,
    interview_uid,
)
from followup_desktop.core.ics.guess import (
    PERSONAL_DOMAINS,
    SERVICE_DOMAINS,
    company_domain,
    company_key,
    guess_company_and_role,
)
from followup_desktop.core.ics.match import (
    ACCOUNT_SETTING,
    Proposal,
    describe_proposal,
    own_addresses,
    preview_ics_file,
    propose,
)
from followup_desktop.core.ics.notes import CANCELLED_PREFIX, NOTES_PREFIX, is_cancelled_note
from followup_desktop.core.ics.parse import (
    ALL_DAY_HOUR,
    CONFIRM_EVENTS,
    DEFAULT_LENGTH,
    MAX_EVENTS,
    MAX_FILE_BYTES,
    Invitation,
    Person,
    display_name,
    iana_zone_name,
    read_invitation_file,
    read_invitations,
)
from followup_desktop.core.ics.sequences import SEQUENCES_SETTING

__all__ = [
    "ACCOUNT_SETTING",
    "ACTION_MINUTES",
    "ALL_DAY_HOUR",
    "CANCELLED_PREFIX",
    "CONFIRM_EVENTS",
    "DEFAULT_LENGTH",
    "MAX_EVENTS",
    "MAX_FILE_BYTES",
    "NOTES_PREFIX",
    "PERSONAL_DOMAINS",
    "PRODID",
    "SEQUENCES_SETTING",
    "SERVICE_DOMAINS",
    "UID_DOMAIN",
    "ActionsAs",
    "Choices",
    "ExportResult",
    "IcsImportResult",
    "Invitation",
    "InvitationPlan",
    "InvitationStep",
    "Person",
    "Proposal",
    "action_uid",
    "build_calendar",
    "company_domain",
    "company_key",
    "decision_uid",
    "describe_proposal",
    "display_name",
    "expected_decision",
    "guess_company_and_role",
    "holds_own_work",
    "iana_zone_name",
    "interview_uid",
    "is_cancelled_note",
    "own_addresses",
    "plan_import",
    "preview_ics_file",
    "propose",
    "read_invitation_file",
    "read_invitations",
    "write_atomically",
]
