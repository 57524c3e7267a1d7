"""The legal clock of a case (DOMAIN.md §4), computed from its inputs and nothing else.

- Day 0 is the day of acceptance (or of receipt, for a deemed acceptance); a limit of N working
  days ends at the close of office hours of the Nth working day after it (docs/decisions/0002).
- Limits in working hours or minutes count office time of the case's hall.
- Time waiting for a supplement and time in special procedures (Art. 45) does not count: a closed
  pause from day s to day e adds the working days after s up to and including e (the clock stops on
  the day of the notice and runs again from the day after the supplement or the procedure's end).
- One extension (Art. 42) adds its working days after the limit.
- A result is provisional when the calendar was, and is recomputed when the calendar changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils import timezone

from oneseal.catalog.models import LimitUnit
from oneseal.kernel import workcal
from oneseal.kernel.workcal import OfficeHours


@dataclass(frozen=True)
class ClockInput:
    accepted_at: dt.datetime | None
    limit_amount: int
    limit_unit: str
    extension_days: int = 0
    pauses: Sequence[tuple[dt.datetime, dt.datetime | None]] = ()
    hours: OfficeHours = workcal.DEFAULT_OFFICE_HOURS


@dataclass(frozen=True)
class ClockReading:
    started: bool
    due_at: dt.datetime | None  # None before acceptance and while paused
    provisional: bool
    paused: bool
    remaining: int | None  # in `unit`; negative when overdue
    unit: str

    @property
    def overdue(self) -> bool:
        return self.remaining is not None and self.remaining < 0

    @property
    def overdue_by(self) -> int:
        """How far past the due time, in `unit` (0 when not overdue)."""
        return -self.remaining if self.overdue else 0


def _minutes_unit(unit: str) -> int:
    return 60 if unit == LimitUnit.WORKING_HOURS else 1


def compute(clock: ClockInput, now: dt.datetime | None = None) -> ClockReading:
    """Due time and remaining time of a case's clock at `now`."""
    now = now or timezone.now()
    unit = clock.limit_unit
    if clock.accepted_at is None:
        return ClockReading(False, None, False, False, None, unit)
    provisional = False
    open_pause = next((s for s, e in clock.pauses if e is None), None)
    closed = [(s, e) for s, e in clock.pauses if e is not None]
    if unit == LimitUnit.WORKING_DAYS:
        paused = 0
        for start, end in closed:
            span = workcal.working_days_between(start, end)
            paused += max(span.days, 0)
            provisional |= span.provisional
        total = clock.limit_amount + clock.extension_days
        if open_pause is not None:
            used = workcal.working_days_between(clock.accepted_at, open_pause)
            return ClockReading(True, None, provisional or used.provisional, True,
                                total - (used.days - paused), unit)
        due = workcal.add_working_days(clock.accepted_at, total + paused, clock.hours)
        left = workcal.working_days_between(now, due.at) if now <= due.at else None
        remaining = left.days if left is not None else -max(workcal.working_days_between(due.at, now).days, 1)
        return ClockReading(True, due.at, provisional or due.provisional, False, remaining, unit)

    factor = _minutes_unit(unit)
    paused_minutes = 0
    for start, end in closed:
        span = workcal.working_time_between(start, end, clock.hours)
        paused_minutes += max(span.minutes, 0)
        provisional |= span.provisional
    total_minutes = clock.limit_amount * factor
    if open_pause is not None:
        used = workcal.working_time_between(clock.accepted_at, open_pause, clock.hours)
        left_minutes = total_minutes - (used.minutes - paused_minutes)
        return ClockReading(True, None, provisional or used.provisional, True, left_minutes // factor, unit)
    due = workcal.add_working_time(clock.accepted_at, total_minutes + paused_minutes, clock.hours)
    if clock.extension_days:
        extended = workcal.add_working_days(due.at, clock.extension_days, clock.hours)
        due = workcal.Due(extended.at, due.provisional or extended.provisional)
    sign = 1 if now <= due.at else -1
    span = workcal.working_time_between(*sorted((now, due.at)), clock.hours)
    return ClockReading(True, due.at, provisional or due.provisional, False, sign * (span.minutes // factor), unit)


def deemed_acceptance_deadline(received_at: dt.datetime, hours: OfficeHours = workcal.DEFAULT_OFFICE_HOURS
                               ) -> workcal.Due:
    """Art. 32: without a decision on acceptance within 5 working days of receipt, the application
    is deemed accepted from the day it was received."""
    return workcal.add_working_days(received_at, 5, hours)


def hours_of(case) -> OfficeHours:
    """The office hours the case's limits count in: its hall's, or the default for online cases."""
    return case.hall.office_hours() if case.hall_id else workcal.DEFAULT_OFFICE_HOURS


def clock_of(case) -> ClockInput:
    """The clock's inputs as stored on a case."""
    return ClockInput(
        accepted_at=case.accepted_at, limit_amount=case.limit_amount, limit_unit=case.limit_unit,
        extension_days=case.extension_days,
        pauses=[(p.started_at, p.ended_at) for p in case.pauses.all()], hours=hours_of(case),
    )


def recompute_deadlines(years: Iterable[int]) -> int:
    """Calendar hook: refresh the stored due time of every open case the change can move."""
    from .models import Case
    from .services import refresh_due

    years = sorted(set(years))
    if not years:
        return 0
    first = dt.datetime(years[0] - 1, 1, 1, tzinfo=workcal.SHANGHAI)
    open_cases = Case.objects.filter(accepted_at__isnull=False, closed_at__isnull=True, accepted_at__gte=first)
    count = 0
    for case in open_cases.select_related("hall").prefetch_related("pauses").iterator(chunk_size=500):
        if refresh_due(case=case):
            count += 1
    return count
