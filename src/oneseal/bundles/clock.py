"""The bundle's own clock (DOMAIN.md §3.3, §4): due from submission by the bundle's limit in working
time; elapsed working time from submission until every result was issued (or until now, or until
the bundle stopped). The child cases keep their own legal clocks (`oneseal.cases.clock`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from oneseal.catalog.models import LimitUnit
from oneseal.kernel import workcal

from .models import BundleApplication, BundleStatus
from .services import office_hours


@dataclass(frozen=True)
class BundleClock:
    due_at: dt.datetime
    provisional: bool
    elapsed_minutes: int  # working minutes from submission to the end (or now)
    elapsed_days: int  # working days between submission and the end (day 0 = the day of submission)
    remaining_minutes: int  # working minutes left until due; negative when overdue
    finished: bool  # every result issued, or stopped
    overdue: bool

    @property
    def within_limit(self) -> bool:
        return not self.overdue


def end_of(application: BundleApplication) -> dt.datetime | None:
    if application.ready_at is not None:
        return application.ready_at
    if application.status == BundleStatus.STOPPED:
        return application.closed_at
    return None


def reading(application: BundleApplication, now: dt.datetime | None = None) -> BundleClock:
    now = now or timezone.now()
    hours = office_hours(application)
    end = end_of(application)
    until = end or now
    elapsed = workcal.working_time_between(application.submitted_at, max(until, application.submitted_at), hours)
    days = workcal.working_days_between(application.submitted_at, max(until, application.submitted_at))
    sign = 1 if until <= application.due_at else -1
    left = workcal.working_time_between(*sorted((until, application.due_at)), hours)
    return BundleClock(
        due_at=application.due_at, provisional=application.due_provisional or elapsed.provisional,
        elapsed_minutes=elapsed.minutes, elapsed_days=days.days, remaining_minutes=sign * left.minutes,
        finished=end is not None, overdue=until > application.due_at)


def limit_label(application: BundleApplication) -> str:
    return f"{application.limit_amount} {LimitUnit(application.limit_unit).label}"


def format_minutes(minutes: int) -> str:
    """Working time as hours and minutes, e.g. 6:05."""
    sign = "-" if minutes < 0 else ""
    minutes = abs(minutes)
    return f"{sign}{minutes // 60}:{minutes % 60:02d}"


def case_elapsed_minutes(case, end: dt.datetime | None = None) -> int:
    """A child case's working time from its submission to its result (or now), in its hall's hours."""
    hours = case.hall.office_hours() if case.hall_id else workcal.DEFAULT_OFFICE_HOURS
    until = end or timezone.now()
    return workcal.working_time_between(case.submitted_at, max(until, case.submitted_at), hours).minutes
