"""The settings room of the service: stored settings, the playbook's, and re-planning."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from followup_desktop.core.change import Change
from followup_desktop.core.models import Setting
from followup_desktop.core.playbook import replan
from followup_desktop.core.playbook.settings import SETTINGS_KEY
from followup_desktop.core.services._base import ServiceBase, _refuse_nul_inside
from followup_desktop.core.settings_registry import check_setting


class SettingsMixin(ServiceBase):
    """Settings: read and stored; a playbook change re-plans everything at once."""

    def get_setting(self, key: str, default: Any = None) -> Any:
        """A stored setting's value, or ``default``."""
        with self.db.session() as session:
            setting = session.get(Setting, key)
            return default if setting is None else setting.value

    def set_setting(self, key: str, value: Any) -> Change:
        """Store a declared setting (core.settings_registry) after its check.

        An undeclared key or a value its declaration refuses raises ValidationError;
        a change of the playbook settings re-plans everything.
        """
        _refuse_nul_inside(value, key)
        value = check_setting(key, value)
        with self._write() as session:
            self._store_setting(session, key, value)
            session.flush()
            if key == SETTINGS_KEY:
                replanned = replan(session, None, self.clock())
                return Change(frozenset(replanned), frozenset({"settings", "action"}))
            return Change(frozenset(), frozenset({"settings"}))

    def apply_timeline_multiplier(self, multiplier: float) -> Change:
        """Wait ``multiplier`` times a stated timeline before the first status check.

        Only ever called on the person's explicit request (the "Your search" page's
        button, ``stats --apply-multiplier``): the suggestion is never applied silently.
        """
        stored = self.get_setting(SETTINGS_KEY, {}) or {}
        if not isinstance(stored, dict):
            stored = {}
        # Every other stored playbook setting stays as it is.
        values = {"timeline_multiplier": float(multiplier), "double_timeline": True}
        return self.set_setting(SETTINGS_KEY, {**stored, **values})

    def replan(self, opportunity_ids: Sequence[int] | None = None) -> Change:
        """Re-plan the given opportunities, or all of them."""
        with self._write() as session:
            replanned = replan(session, opportunity_ids, self.clock())
            return Change(frozenset(replanned), frozenset({"action"}))
