"""The watcher's pauses between attempts, read through an injected sleeper.

Beside the real-server tests in ``tests/integration/test_mailbox_imap.py``: here the
account is missing, so every attempt fails at once without a network, and the sleeper
records each pause instead of waiting it out.
"""

from __future__ import annotations

from followup_desktop.core.db import Database
from followup_desktop.core.mailbox.check import MailboxChecker
from followup_desktop.core.mailbox.watch import BACKOFF_SECONDS, MailboxWatcher, WatchEvents
from followup_desktop.core.services import FollowupService


def test_pauses_grow_then_stay_at_ten_minutes_and_each_failure_is_told(
    database: Database,
) -> None:
    service = FollowupService(database)
    failed: list[str] = []
    pauses: list[float] = []
    watcher: MailboxWatcher

    def sleep(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) == 6:
            watcher.stop()

    watcher = MailboxWatcher(
        lambda: MailboxChecker(service, None),
        lambda _checker: "secret",
        WatchEvents(found=lambda _count: None, failed=failed.append),
        sleep=sleep,
    )
    watcher.run()
    assert pauses == [5.0, 30.0, 120.0, 600.0, 600.0, 600.0]
    assert tuple(pauses[:4]) == BACKOFF_SECONDS
    assert len(failed) == 6
    assert all(text and "Traceback" not in text for text in failed)
