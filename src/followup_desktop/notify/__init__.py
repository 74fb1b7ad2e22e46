"""Notifiers: small adapters that put a reminder in front of the person.

Each adapter says whether it can work here (``available()``) and whether it can carry
buttons (``supports_actions()``); :class:`NotifierChain` tries them in order, so the
freedesktop service comes first, the tray's own balloon second and the in-app banner
last. Choosing a button calls the chain's ``on_action`` callback, possibly from a
background thread (the D-Bus listener): the GUI hops to its own thread before acting.
This module and :mod:`.freedesktop` are Qt-free; the two Qt fallbacks live beside them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from followup_desktop.core.i18n import _

log = logging.getLogger(__name__)

# Action keys shared by every notifier and the scheduler that acts on them.
OPEN = "open"
DONE = "done"
SNOOZE = "snooze"
OPEN_APP = "open-app"
DEFAULT = "default"  # the freedesktop key for clicking the notification itself

REMINDER_ACTIONS: tuple[tuple[str, str], ...] = (
    (OPEN, _("Open")),
    (DONE, _("Done")),
    (SNOOZE, _("Snooze 1 h")),
)
SUMMARY_ACTIONS: tuple[tuple[str, str], ...] = ((OPEN_APP, _("Open Followup")),)


@dataclass(frozen=True, slots=True)
class Notification:
    """What to show: plain text (never markup) and the buttons to offer.

    ``action_id`` names the Followup action a reminder is about; None for summaries and
    informational messages. ``tag`` groups notifications that replace each other.
    """

    summary: str
    body: str = ""
    actions: tuple[tuple[str, str], ...] = ()
    action_id: int | None = None
    tag: str = ""


ActionCallback = Callable[[Notification, str], None]


class Notifier(Protocol):
    """One way of showing a notification."""

    name: str
    on_action: ActionCallback | None

    def available(self) -> bool:
        """True when this notifier can show something right now."""
        ...

    def supports_actions(self) -> bool:
        """True when the person can choose buttons on what this notifier shows."""
        ...

    def notify(self, notification: Notification) -> bool:
        """Show ``notification``; False when it could not be shown."""
        ...

    def close(self) -> None:
        """Release connections and threads."""
        ...


def escape_markup(text: str) -> str:
    """Escape text for a notification body that the server reads as markup.

    The freedesktop spec's body markup is a small XML subset: escaping ``&``, ``<`` and
    ``>`` is what keeps a company called ``<b>Acme</b>`` (or a note with a stray ``<``)
    from being read as tags or breaking the whole body.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class NotifierChain:
    """Tries each notifier in order until one shows the notification."""

    name = "chain"

    def __init__(self, notifiers: Sequence[Notifier]) -> None:
        self.notifiers = list(notifiers)

    def available(self) -> bool:
        """True when any notifier in the chain is available."""
        return any(notifier.available() for notifier in self.notifiers)

    def supports_actions(self) -> bool:
        """Whether the notifier that would be used first can carry buttons."""
        first = self.first_available()
        return first is not None and first.supports_actions()

    def first_available(self) -> Notifier | None:
        """The notifier that would be tried first."""
        return next((notifier for notifier in self.notifiers if notifier.available()), None)

    def deliver(self, notification: Notification) -> str | None:
        """Show ``notification``; the name of the notifier that did, or None."""
        for notifier in self.notifiers:
            if not notifier.available():
                continue
            try:
                if notifier.notify(notification):
                    return notifier.name
            except Exception:  # a broken adapter must not cost the reminder
                log.exception("notifier %s failed; trying the next one", notifier.name)
        log.warning("no notifier could show %r", notification.summary)
        return None

    def notify(self, notification: Notification) -> bool:
        """Show ``notification`` through the first notifier that can."""
        return self.deliver(notification) is not None

    def close(self) -> None:
        """Close every notifier."""
        for notifier in self.notifiers:
            notifier.close()


__all__ = [
    "DEFAULT",
    "DONE",
    "OPEN",
    "OPEN_APP",
    "REMINDER_ACTIONS",
    "SNOOZE",
    "SUMMARY_ACTIONS",
    "ActionCallback",
    "Notification",
    "Notifier",
    "NotifierChain",
    "escape_markup",
]
