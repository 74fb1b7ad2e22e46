"""mailbox_first_scan_10k_s and mailbox_recheck_s: a mailbox check against real Dovecot.

A private Dovecot (as in the tests) serves a maildir of 10,000 messages from the last two
weeks: 2,000 in Sent, 8,000 in the inbox, a few dozen of them to or from the company of
the one open opportunity. The first scan reads every header in range and the matching
messages in full (Sent ones from before the interview answer no step, so are skipped);
the re-check, with nothing new, is what each check at the tray's interval costs. The
folders are opened once beforehand, so Dovecot's one-off indexing is not counted.
mailbox_watch_notice_s and mailbox_watch_second_s: with the tray's watcher waiting in
IDLE on that mailbox, from delivery to the end of the check that finds one new message,
and the later of two delivered back to back (the second arrives during the first's check).
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests" / "helpers"), str(ROOT / "tests" / "integration")]

MESSAGES = 10_000
SENT = 2_000


def _raw(number: int, sender: str, to: str, when: datetime) -> bytes:
    return (
        f"From: {sender}\r\nTo: {to}\r\nSubject: Message {number}\r\n"
        f"Message-ID: <bench-{number}@bench.example>\r\n"
        f"Date: {when.strftime('%a, %d %b %Y %H:%M:%S +0000')}\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        + "A line of ordinary mail text that nobody needs Followup to read.\r\n"
        * 20
    ).encode()


def run(_demo_db: Path) -> dict[str, float]:
    from followup_desktop.core.db import open_database
    from followup_desktop.core.mailbox.account import IncomingAccount
    from followup_desktop.core.mailbox.check import MailboxChecker
    from followup_desktop.core.mailbox.imap import ImapReader
    from followup_desktop.core.services import FollowupService
    from imap_support import PASSWORD, USER, running_dovecot
    from mailbox_scenario import ME, build_search

    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as folder, running_dovecot(Path(folder) / "d") as server:
        db = open_database(Path(folder) / "bench.sqlite3")
        service = FollowupService(db)
        build_search(service, now)
        for number in range(MESSAGES):
            when = now - timedelta(minutes=2 * (MESSAGES - number))
            company = number % 250 == 0  # 40 messages concern the opportunity
            if number < SENT:
                to = "dana.kowalski@acme-robotics.example" if company else f"p{number}@x.example"
                server.deliver("Sent", _raw(number, ME, to, when), when=when)
            else:
                sender = "talent@acme-robotics.example" if company else f"n{number}@y.example"
                server.deliver("INBOX", _raw(number, sender, ME, when), when=when)
        account = IncomingAccount.from_json(
            {
                "host": "127.0.0.1",
                "port": server.port,
                "username": USER,
                "same_password_as_sending": False,
                "ca_file": str(server.certs.ca_file),
            }
        )
        checker = MailboxChecker(service, account, own_addresses=[ME])
        # Dovecot builds its index on first access; open the folders once beforehand so
        # the figure is Followup's work, not the server's one-off indexing.
        with ImapReader(account, PASSWORD) as reader:
            for name in ("Sent", "INBOX"):
                reader.examine(name)
                reader.search_since((now - timedelta(days=30)).date())
        started = time.perf_counter()
        first = checker.scan(PASSWORD)
        first_s = time.perf_counter() - started
        started = time.perf_counter()
        again = checker.scan(PASSWORD)
        again_s = time.perf_counter() - started
        noticed_s, pair_s = _watch(checker, server, now)
        db.close()
    print(
        f"   first scan: {first.headers_read} headers, {first.messages_read} read in full, "
        f"{len(first.new_proposals)} proposals; re-check: {again.headers_read} headers",
        file=sys.stderr,
    )
    return {
        "mailbox_first_scan_10k_s": first_s,
        "mailbox_recheck_s": again_s,
        "mailbox_watch_notice_s": noticed_s,
        "mailbox_watch_second_s": pair_s,
    }


def _watch(checker: Any, server: Any, now: datetime) -> tuple[float, float]:
    """Seconds from delivery to the watcher's check on one new message (over the 10,000),
    and to the second of two delivered back to back."""
    import threading

    from followup_desktop.core.mailbox.watch import MailboxWatcher, WatchEvents
    from imap_support import PASSWORD
    from mailbox_scenario import ME

    found: list[tuple[float, int]] = []
    watching = threading.Event()
    changed = threading.Condition()

    def record(count: int) -> None:
        with changed:
            found.append((time.perf_counter(), count))
            changed.notify_all()

    watcher = MailboxWatcher(
        lambda: checker,
        lambda _checker: PASSWORD,
        WatchEvents(record, lambda _text: None, lambda on: watching.set() if on else None),
    )
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    try:
        if not watching.wait(60):
            raise RuntimeError("the watcher never started waiting")
        base = found[-1][1]

        def deliver(number: int) -> float:
            raw = _raw(number, "talent@acme-robotics.example", ME, now)
            server.deliver("INBOX", raw, when=now, fresh=True)
            return time.perf_counter()

        def until(count: int) -> float:
            with changed:
                if not changed.wait_for(lambda: found[-1][1] >= count, 60):
                    raise RuntimeError(f"the watcher did not notice message {count - base}")
                return next(at for at, seen in found if seen >= count)

        delivered = deliver(MESSAGES + 1)
        noticed_s = until(base + 1) - delivered
        delivered = deliver(MESSAGES + 2)
        deliver(MESSAGES + 3)
        pair_s = until(base + 3) - delivered
    finally:
        watcher.stop()
        thread.join(10)
    return noticed_s, pair_s
