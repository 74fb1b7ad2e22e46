"""The service layer: every change to what Followup knows goes through here.

The window, the tray and the command line all call these methods; none of them writes to
the database directly. Each mutation validates first, writes in one transaction, re-plans
the opportunities whose facts changed, and returns a :class:`Change` naming what changed,
so a view refreshes only what it shows.

The service is split into rooms, one module each (opportunities, contacts, interviews,
debriefs, correspondence, actions, stages, settings, board order, imports), all mixins on
:class:`~followup_desktop.core.services._base.ServiceBase`; :class:`FollowupService` is
the one class callers use.
"""

from __future__ import annotations

from followup_desktop.core.change import Change as Change
from followup_desktop.core.fields import UNSET as UNSET
from followup_desktop.core.fields import ContactFields as ContactFields
from followup_desktop.core.fields import DebriefFields as DebriefFields
from followup_desktop.core.fields import InterviewFields as InterviewFields
from followup_desktop.core.fields import OpportunityFields as OpportunityFields
from followup_desktop.core.services._base import Clock as Clock
from followup_desktop.core.services._base import PanelMember as PanelMember
from followup_desktop.core.services._base import QuestionInput as QuestionInput
from followup_desktop.core.services._base import ReplyOutcome as ReplyOutcome
from followup_desktop.core.services._base import service_is_writing as service_is_writing
from followup_desktop.core.services.actions import ActionsMixin
from followup_desktop.core.services.board_order import BoardOrderMixin
from followup_desktop.core.services.correspondence import CorrespondenceMixin
from followup_desktop.core.services.debriefs import DebriefsMixin
from followup_desktop.core.services.demo import DemoOps
from followup_desktop.core.services.drafts import DraftsMixin
from followup_desktop.core.services.exchange import ExchangeOps
from followup_desktop.core.services.imports import ImportsMixin
from followup_desktop.core.services.invitations import InvitationOps
from followup_desktop.core.services.settings import SettingsMixin
from followup_desktop.core.services.stages import StagesMixin


class FollowupService(
    DebriefsMixin,
    CorrespondenceMixin,
    ActionsMixin,
    StagesMixin,
    SettingsMixin,
    BoardOrderMixin,
    ImportsMixin,
    InvitationOps,
    ExchangeOps,
    DraftsMixin,
    DemoOps,
):
    """Validated, transactional changes to the job search, each re-planned at once."""
