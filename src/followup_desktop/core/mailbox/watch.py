"""Waiting for new mail as it arrives (IMAP IDLE), for the tray, on a thread of its own.

:meth:`MailboxWatcher.run` checks once, then keeps one read-only connection waiting on
the inbox with IDLE; when the server reports a change it checks again (on a connection
of the check's own, as any check does). Between two waits no IDLE is open, and a server
reports what arrived then only in the next EXAMINE, never as an untagged answer during
the wait that follows: each wait compares that EXAMINE with the inbox as last seen
(message count and next UID), so a second message delivered while the first is being
checked is noticed at once instead of at the next arrival.
IDLE is renewed before 29 minutes (RFC 2177).
When the connection fails — offline, a server restarting, a laptop waking from sleep —
the failure is reported in words and the watcher connects again after a pause that grows
(5 s, 30 s, 2 min, then every 10 min), so a machine without network is not hammered.
A server that does not offer IDLE ends the watch; the tray's interval checks remain.
:meth:`stop` ends the wait within about a second, from any thread.

No Qt here: the window runs this on a Python thread and relays the callbacks.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from followup_desktop.core.errors import FollowupError
from followup_desktop.core.i18n import _
from followup_desktop.core.mailbox.check import INBOX, MailboxChecker
from followup_desktop.core.mailbox.imap import ImapReader

log = logging.getLogger(__name__)
# How long one IDLE lasts before it is renewed: under the 29 minutes of RFC 2177, and
# short enough that a connection silently dropped by a router is noticed in time.
IDLE_SECONDS = 25 * 60.0
BACKOFF_SECONDS = (5.0, 30.0, 120.0, 600.0)


@dataclass(frozen=True)
class WatchEvents:
    """What the watcher tells its owner (called on the watcher's thread)."""

    # A check finished; the number of proposals now waiting.
    found: Callable[[int], None]
    # A check or the wait failed; the sentence to show.
    failed: Callable[[str], None]
    # True while a connection waits with IDLE, False when it does not (or no longer).
    watching: Callable[[bool], None] = lambda _watching: None


class MailboxWatcher:
    """Checks the mailbox whenever the server says something arrived."""

    def __init__(
        self,
        make_checker: Callable[[], MailboxChecker],
        password: Callable[[MailboxChecker], str],
        events: WatchEvents,
        *,
        idle_seconds: float = IDLE_SECONDS,
        backoff: Sequence[float] = BACKOFF_SECONDS,
        sleep: Callable[[float], object] | None = None,
    ) -> None:
        self._make_checker = make_checker
        self._password = password
        self.events = events
        self.idle_seconds = idle_seconds
        self.backoff = tuple(backoff)
        self._stop = threading.Event()
        # Waits between attempts; a test passes its own to read the schedule. The
        # default wakes at once on stop, so quitting never waits out a pause.
        self._sleep: Callable[[float], object] = sleep or self._stop.wait
        # Set when the server offers no IDLE: watching would only repeat the interval.
        self.unsupported = False
        self.failures = 0

    def stop(self) -> None:
        """End the watch as soon as possible (safe from any thread)."""
        self._stop.set()

    @property
    def stopped(self) -> bool:
        """True once :meth:`stop` was called."""
        return self._stop.is_set()

    def run(self) -> None:
        """Watch until stopped or the server turns out to offer no IDLE."""
        while not self._stop.is_set() and not self.unsupported:
            try:
                self._watch_once()
            except FollowupError as error:
                self._failed(str(error))
            except Exception as error:  # a bug must not end the tray's watch silently
                log.exception("mailbox watch stopped unexpectedly")
                self._failed(
                    _("Waiting for mail stopped unexpectedly ({error}).").format(
                        error=type(error).__name__
                    )
                )
        self.events.watching(False)

    def _failed(self, message: str) -> None:
        self.events.watching(False)
        self.events.failed(message)
        delay = self.backoff[min(self.failures, len(self.backoff) - 1)]
        self.failures += 1
        log.info("mailbox watch failed (%s); trying again in %g s", message, delay)
        self._sleep(delay)

    def _check(self, checker: MailboxChecker, password: str) -> None:
        checker.scan(password)
        self.events.found(len(checker.proposals()))

    def _watch_once(self) -> None:
        """One connection's life: catch up, then wait and check until it ends."""
        checker = self._make_checker()
        account = checker.require_account()
        password = self._password(checker)
        with ImapReader(
            account, password, timeout=checker.timeout, ssl_context=checker.ssl_context
        ) as reader:
            if not reader.offers_idle():
                self.unsupported = True
                log.info("%s offers no IDLE; the tray checks at its interval", account.host)
                # Still the catch-up at start: the first interval is far off.
                self._check(checker, password)
                return
            # The inbox as it is before the catch-up check: whatever arrives during the
            # check shows in the next wait's EXAMINE, which is compared with this.
            seen = reader.examine(INBOX)
            # Catch up first: mail may have come while offline or asleep.
            self._check(checker, password)
            self.failures = 0
            self.events.watching(True)
            while not self._stop.is_set():
                changed = reader.idle(INBOX, self.idle_seconds, self._stop, since=seen)
                seen = reader.last_status or seen
                if changed and not self._stop.is_set():
                    self._check(checker, password)
