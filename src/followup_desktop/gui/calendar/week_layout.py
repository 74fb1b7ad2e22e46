"""Where the week grid puts a day's entries, in minutes of the person's wall clock.

Interviews become blocks from their local start to their local end; interviews that
overlap share the day's width in side-by-side lanes, the way desktop calendars draw a
busy afternoon. Follow-ups and expected decisions have no meaningful length, so they go
into the day's all-day strip instead. Nothing here paints: :class:`WeekView` turns
minutes into pixels.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo

from followup_desktop.core.calendar_query import CalendarEntry, EntryKind

DAY_MINUTES = 24 * 60
# Dragged interviews land on quarter hours.
SNAP_MINUTES = 15
# A week is first scrolled to show the working day from here (unless something is earlier).
WORKDAY_START = 8 * 60


@dataclass(frozen=True, slots=True)
class Placement:
    """An interview's block: minutes after the local midnight of its day, and its lane."""

    entry: CalendarEntry
    start: int
    end: int
    lane: int
    lanes: int


@dataclass(frozen=True, slots=True)
class DayColumn:
    """One day of the week grid: interview blocks, all-day entries, and what was not read."""

    day: date
    placements: tuple[Placement, ...]
    strip: tuple[CalendarEntry, ...]
    unread: int  # entries of the day the capped range query did not return

    def keyboard_order(self) -> list[CalendarEntry]:
        """The entries Up and Down walk through: the strip first, then the blocks by time."""
        return [*self.strip, *(placement.entry for placement in self.placements)]


def minute_of_day(moment: datetime, day: date, tz: tzinfo) -> int:
    """Minutes from the local midnight of ``day`` to ``moment`` on the wall clock of
    ``tz``, held to the day (an end after midnight is drawn to the bottom)."""
    local = moment.astimezone(tz)
    if local.date() < day:
        return 0
    if local.date() > day:
        return DAY_MINUTES
    return local.hour * 60 + local.minute


def wall_clock(day: date, minutes: int, tz: tzinfo) -> datetime:
    """The aware datetime ``minutes`` after midnight on ``day`` in ``tz``."""
    minutes = max(0, min(minutes, DAY_MINUTES - 1))
    return datetime.combine(day, time(minutes // 60, minutes % 60), tz)


def snap(minutes: float) -> int:
    """``minutes`` rounded to the nearest quarter hour that still starts inside the day."""
    snapped = round(minutes / SNAP_MINUTES) * SNAP_MINUTES
    return max(0, min(int(snapped), DAY_MINUTES - SNAP_MINUTES))


def place_interviews(
    entries: list[CalendarEntry], tz: tzinfo, shortest: int = SNAP_MINUTES
) -> list[Placement]:
    """Blocks for one day's interviews, in lanes so that overlapping ones sit side by side.

    A block lasts at least ``shortest`` minutes (a zero-length interview must still be
    something to click), and that drawn length is what counts as overlapping, so short
    blocks never cover each other. Each group of interviews that overlap one another
    (directly or through a chain) shares one lane count.
    """
    spans: list[tuple[int, int, CalendarEntry]] = []
    for entry in entries:
        start = min(minute_of_day(entry.starts_at, entry.day, tz), DAY_MINUTES - shortest)
        end = min(max(minute_of_day(entry.ends_at, entry.day, tz), start + shortest), DAY_MINUTES)
        spans.append((start, end, entry))
    # Longer first at the same start, so the long one takes the left lane.
    spans.sort(key=lambda span: (span[0], -span[1], span[2].key))
    placed: list[Placement] = []
    group: list[tuple[int, int, CalendarEntry, int]] = []
    lane_ends: list[int] = []
    group_end = -1

    def close_group() -> None:
        placed.extend(Placement(e, s, f, lane, len(lane_ends)) for s, f, e, lane in group)

    for start, end, entry in spans:
        if start >= group_end:
            close_group()
            group, lane_ends = [], []
        lane = next((i for i, free in enumerate(lane_ends) if free <= start), len(lane_ends))
        if lane == len(lane_ends):
            lane_ends.append(end)
        else:
            lane_ends[lane] = end
        group.append((start, end, entry, lane))
        group_end = max(group_end, end)
    close_group()
    return placed


def day_column(
    day: date, entries: list[CalendarEntry], total: int, tz: tzinfo, shortest: int
) -> DayColumn:
    """Sort one day's loaded entries into blocks and the all-day strip."""
    interviews = [entry for entry in entries if entry.kind is EntryKind.INTERVIEW]
    strip = tuple(entry for entry in entries if entry.kind is not EntryKind.INTERVIEW)
    return DayColumn(
        day,
        tuple(place_interviews(interviews, tz, shortest)),
        strip,
        max(0, total - len(entries)),
    )


def first_minute_to_show(columns: list[DayColumn]) -> int:
    """Where a newly shown week scrolls to: half an hour before the week's earliest
    interview by the clock, so the first block of the grid is in view even when it is in
    the afternoon; half an hour before the working day when the week has none."""
    earliest = min(
        (placement.start for column in columns for placement in column.placements),
        default=WORKDAY_START,
    )
    return max(0, earliest - 30)
