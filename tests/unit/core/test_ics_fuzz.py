"""Mutated invitations: each is read and imported, or refused with Followup's own error.

The seeds are the invitations the tests ship (tests/fixtures/ics) and the calendars of
others (tests/data/calendars). Each case repeats, drops or garbles one line, inserts a
hostile property (an impossible date, a pseudo zone, a 100 kB property, a stray
BEGIN/END), flips a byte or cuts the file short. A refusal must change nothing.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

from followup_desktop.core.db import Database
from followup_desktop.core.errors import FollowupError
from followup_desktop.core.exchange import table_counts
from followup_desktop.core.ics import read_invitations
from followup_desktop.core.services.standalone import import_invitations

HERE = Path(__file__).parents[2]
CASES = 300
HOSTILE_LINES = (
    b"DTSTART:99999999T999999Z",
    b"DTSTART;TZID=localtime:20261201T100000",
    b"DTSTART;TZID=Nowhere/City:20261201T100000",
    b"DTEND:20261201",
    b"DURATION:P9999W",
    b"DURATION:-PT1H",
    b"RRULE:FREQ=SECONDLY;COUNT=100000000",
    b'ATTENDEE;CN="<b>x</b>":mailto:<img@x>',
    b"ORGANIZER:mailto:",
    b"SEQUENCE:99999999999999999999999",
    b"UID:" + b"u" * 600,
    b"SUMMARY:" + b"\xff\xfe" * 10,
    b"BEGIN:VALARM",
    b"END:VEVENT",
    b"BEGIN:VEVENT",
    b"X-" + b"a" * 100_000 + b":y",
    b"DTSTART;VALUE=DATE:20260230",
    b"RECURRENCE-ID:20261201T100000Z",
    b"EXDATE:garbage",
    b"STATUS:CANCELLED",
    b"METHOD:CANCEL",
)


def mutate(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    lines = data.split(b"\n")
    choice = rng.randrange(5)
    if choice == 0 and len(lines) > 3:
        index = rng.randrange(1, len(lines) - 1)
        lines.insert(index, lines[index])
        return "line repeated", b"\n".join(lines)
    if choice == 1 and len(lines) > 3:
        del lines[rng.randrange(1, len(lines) - 1)]
        return "line dropped", b"\n".join(lines)
    if choice == 2:
        lines.insert(rng.randrange(1, max(2, len(lines) - 1)), rng.choice(HOSTILE_LINES) + b"\r")
        return "hostile line", b"\n".join(lines)
    if choice == 3:
        index = rng.randrange(len(lines))
        spot = rng.randrange(len(lines[index]) + 1)
        lines[index] = lines[index][:spot] + bytes([rng.randrange(256)]) + lines[index][spot:]
        return "byte inserted", b"\n".join(lines)
    return "cut short", b"\n".join(lines[: rng.randrange(1, len(lines) + 1)])


def test_mutated_invitations_import_or_are_refused_cleanly(database: Database) -> None:
    seeds = [
        path.read_bytes()
        for folder in (HERE / "fixtures" / "ics", HERE / "data" / "calendars")
        for path in sorted(folder.rglob("*.ics"))
    ]
    rng = random.Random(16)  # noqa: S311 - reproducible cases, not secrets
    outcome: Counter[str] = Counter()
    for number in range(CASES):
        kind, payload = mutate(rng.choice(seeds), rng)
        before = table_counts(database)
        try:
            import_invitations(database, read_invitations(payload))
        except FollowupError as error:
            message = str(error)
            assert message, (number, kind)
            assert table_counts(database) == before, (number, kind)
            outcome["refused"] += 1
        else:
            outcome["imported"] += 1
    assert outcome["refused"] + outcome["imported"] == CASES
    assert outcome["refused"] and outcome["imported"]
