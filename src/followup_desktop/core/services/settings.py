"""The settings room of the service: stored settings, the playbook's, and re-planning."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from followup_desktop.core.change import Change
from followup_desktop.core.models import Setting
from followup_desktop.core.playbook import replan
from followup_desktop.core.playbook.settings import SETTINGS_KEY, validate_settings
from followup_desktop.core.services._base import ServiceBase, _refuse_nul_inside


class SettingsMixin(ServiceBase):
    """Settings: read and stored; a playbook change re-plans everything at once."""

    def get_setting(self, key: str, default: Any = None) -> Any:
        """A stored setting's value, or ``default``."""
        with self.db.session() as session:
            setting = session.get(Setting, key)
            return default if setting is None else setting.value

    def set_setting(self, key: str, value: Any) -> Change:
        """Store a setting; playbook settings are validated and re-plan everything."""
        if key == SETTINGS_KEY:
            value = validate_settings(value)
        _refuse_nul_inside(value, key)
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

    def put_setting(
        self, key: str, value: Any, *, durable: bool = False, wait_ms: int | None = None
    ) -> Change:
        """Store a setting in one cheap statement, nothing re-planned (a draft as typed).

        ``wait_ms`` bounds the wait for another program's write lock; ``durable`` flushes
        the commit to the disk (see :meth:`Database.session`).
        """
        statement = sqlite_insert(Setting).values(key=key, value=value)
        statement = statement.on_conflict_do_update(
            index_elements=[Setting.key], set_={"value": statement.excluded.value}
        )
        with self._write(durable=durable, wait_ms=wait_ms) as session:
            session.execute(statement)
        return Change(frozenset(), frozenset({"settings"}))

    def delete_setting(self, key: str) -> Change:
        """Forget a stored setting (nothing happens when there is none)."""
        with self._write() as session:
            session.execute(delete(Setting).where(Setting.key == key))
        return Change(frozenset(), frozenset({"settings"}))
