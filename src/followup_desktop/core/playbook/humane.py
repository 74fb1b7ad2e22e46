"""Humane times: reminders fall inside the person's working hours, in their own zone.

Two rules keep daylight-saving changes from moving anything by an hour:

* **Days are calendar days.** "Seven days after the interview" is computed on the wall
  clock in the person's zone (10:00 on a Tuesday becomes 10:00 the next Tuesday, whatever
  happened to the clocks in between) and only then turned back into a UTC instant.
* **Hours are deadlines.** "Within 24 hours" is computed on the wall clock too, but never
  allowed to end later than that many real hours: in the autumn change the wall-clock
  answer would be 25 hours away, so the real-hours one wins.

Working days are the chosen weekdays minus the public holidays of the person's country
(the ``holidays`` package). Messages to the employer's people fall in working time; notes to
the person's own references, referrer and friends only avoid the night
(:meth:`WorkingTime.avoid_night`).

Everything here works on aware instants and returns aware UTC instants.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Final

from followup_desktop.core.playbook.settings import PlaybookSettings
from followup_desktop.core.timeutil import zone

_ONE_DAY = timedelta(days=1)
# Past this wall-clock hour it is night for a note to a friend or a reference: it moves to
# the start of (working) hours the next morning, whatever day that is.
NIGHT_FROM: Final = time(21, 0)


class Holidays:
    """The public holidays of one country, computed a year at a time and kept."""

    __slots__ = ("_country", "_years")

    def __init__(self, country: str) -> None:
        self._country = country
        self._years: dict[int, frozenset[date]] = {}

    def __contains__(self, day: object) -> bool:
        if not self._country or not isinstance(day, date):
            return False
        found = self._years.get(day.year)
        if found is None:
            import holidays  # its country tables load only when needed

            try:
                days = frozenset(holidays.country_holidays(self._country, years=day.year))
            except NotImplementedError:  # a country the package does not know: none
                days = frozenset()
            found = self._years[day.year] = days
        return day in found


class WorkingTime:
    """The person's zone, working days (Monday is 0) and working hours."""

    __slots__ = ("_local", "_starts", "days", "end", "holidays", "start", "zone")

    # Conversions to the wall clock are memoised: a full re-plan asks for the same few
    # instants (an interview's end, a due time) many times over, and each conversion
    # through zoneinfo costs more than a dictionary lookup.
    _CACHE_LIMIT = 200_000

    def __init__(
        self,
        zone: tzinfo,
        days: frozenset[int],
        start: time,
        end: time,
        holidays: Holidays | None = None,
    ) -> None:
        self.zone = zone
        self.days = days
        self.start = start
        self.end = end
        self.holidays = holidays or Holidays("")
        self._local: dict[datetime, datetime] = {}
        self._starts: dict[date, datetime] = {}

    def __repr__(self) -> str:
        return f"WorkingTime({self.zone}, {sorted(self.days)}, {self.start}-{self.end})"

    # -- wall-clock arithmetic -------------------------------------------------------

    def local(self, instant: datetime) -> datetime:
        """``instant`` on the person's wall clock."""
        found = self._local.get(instant)
        if found is None:
            if len(self._local) > self._CACHE_LIMIT:
                self._local.clear()
            found = self._local[instant] = instant.astimezone(self.zone)
        return found

    def localize(self, wall: datetime) -> datetime:
        """A naive wall-clock time in the person's zone as a UTC instant.

        A time skipped by the spring change (02:30 on that night) is read with the offset
        before the change, i.e. as the same moment as 03:30 after it; a time that happens
        twice in autumn is read as the first of the two.
        """
        return wall.replace(tzinfo=self.zone, fold=0).astimezone(UTC)

    # Adding a timedelta to an aware local time is wall-clock arithmetic in Python: the
    # fields move, the zone then gives the offset of the new wall time (with fold=0, the
    # same reading as localize). It is also three times faster than going through naive.

    def plus_days(self, instant: datetime, days: int) -> datetime:
        """``instant`` moved by whole calendar days on the wall clock."""
        if days == 0:
            return instant  # adding nothing must not re-read a repeated autumn hour
        return (self.local(instant) + timedelta(days=days)).astimezone(UTC)

    def plus_minutes_deadline(self, instant: datetime, minutes: int) -> datetime:
        """``minutes`` later on the wall clock, but never later in real time."""
        step = timedelta(minutes=minutes)
        on_the_wall = (self.local(instant) + step).astimezone(UTC)
        return min(on_the_wall, (instant + step).astimezone(UTC))

    def at_start(self, day: date) -> datetime:
        """The start of working hours on ``day`` (whatever kind of day it is)."""
        found = self._starts.get(day)
        if found is None:
            if len(self._starts) > self._CACHE_LIMIT:
                self._starts.clear()
            found = self._starts[day] = self.localize(datetime.combine(day, self.start))
        return found

    def at_end(self, day: date) -> datetime:
        """The end of working hours on ``day``."""
        return self.localize(datetime.combine(day, self.end))

    # -- working hours ---------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        """True when ``day`` is one of the working days and not a public holiday."""
        return day.weekday() in self.days and day not in self.holidays

    def avoid_night(self, instant: datetime) -> datetime:
        """``instant``, or the start of hours that morning (or the next) if it is at night.

        For notes to the person's own people: any day of the week will do.
        """
        local = self.local(instant)
        clock = local.time()
        if clock < self.start:
            return self.at_start(local.date())
        if clock > NIGHT_FROM:
            return self.at_start(local.date() + _ONE_DAY)
        return instant if instant.tzinfo is UTC else instant.astimezone(UTC)

    def is_working_time(self, instant: datetime) -> bool:
        """True inside working hours (both ends included) on a working day."""
        local = self.local(instant)
        if not self.is_working_day(local.date()):
            return False
        return self.start <= local.time() <= self.end

    def morning(self, day: date) -> datetime:
        """The start of the first working day on or after ``day``."""
        while not self.is_working_day(day):
            day += _ONE_DAY
        return self.at_start(day)

    def next_working(self, instant: datetime) -> datetime:
        """``instant`` if it is in working time, else the start of the next working morning."""
        local = self.local(instant)
        day = local.date()
        if self.is_working_day(day):
            clock = local.time()
            if clock < self.start:
                return self.at_start(day)
            if clock <= self.end:
                return instant if instant.tzinfo is UTC else instant.astimezone(UTC)
        return self.morning(day + _ONE_DAY)

    def latest_working(self, deadline: datetime, earliest: datetime) -> datetime:
        """The latest working moment in ``[earliest, deadline]``, else ``deadline`` itself.

        For reminders with a hard deadline (a thank-you within 24 hours): rather than push
        them past the deadline into Monday, bring them forward into the last working hours
        before it; when there are none (an interview on a Saturday), the deadline stands.
        """
        if self.is_working_time(deadline):
            return deadline.astimezone(UTC)
        day = self.local(deadline).date()
        first = self.local(earliest).date()
        while day >= first:
            if self.is_working_day(day):
                upper = min(self.at_end(day), deadline)
                lower = max(self.at_start(day), earliest)
                if lower <= upper:
                    return upper.astimezone(UTC)
            day -= _ONE_DAY
        return deadline.astimezone(UTC)

    def local_date(self, instant: datetime) -> date:
        """The person's calendar day at ``instant``."""
        return self.local(instant).date()


def working_time(settings: PlaybookSettings) -> WorkingTime:
    """The working time described by ``settings`` (one object per distinct description)."""
    key = (
        settings.timezone,
        settings.working_days,
        settings.working_hours_start,
        settings.working_hours_end,
        settings.holiday_country,
    )
    found = _WORKING_TIMES.get(key)
    if found is None:
        found = WorkingTime(
            zone(settings.timezone),
            settings.working_day_numbers,
            settings.start_time,
            settings.end_time,
            Holidays(settings.holiday_country),
        )
        _WORKING_TIMES[key] = found
    return found


_WORKING_TIMES: dict[tuple[str, tuple[str, ...], str, str, str], WorkingTime] = {}


__all__ = ["NIGHT_FROM", "Holidays", "WorkingTime", "working_time"]
