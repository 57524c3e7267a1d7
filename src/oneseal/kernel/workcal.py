"""The working-time calendar: every deadline of the law's clock is computed here and nowhere else.

Which days are working days (DOMAIN.md §4, 行政许可法 Art. 82), in increasing precedence:

1. Monday to Friday;
2. for 2004–2026, chinese-calendar's national holidays and adjusted working weekends (调休上班);
3. for a year whose State Council schedule was imported, that schedule *instead of* chinese-calendar;
4. the administrator's local overrides (local holidays, local working days).

A year covered by neither 2 nor 3 uses the Monday-to-Friday fallback, and every result whose span
touches such a year is marked ``provisional``; when the year's schedule is imported, the
deadline recomputers registered here are called (via a background task) with the affected years.

`WorkingCalendar` is an immutable index built once: a bytearray of working-day flags, the prefix
count of working days and the sorted ordinals of working days, so every query is O(1) arithmetic
and list indexing, never a walk over days. `get_calendar()` keeps one per process and rebuilds it
when the overrides' revision token in the database changes (checked at most every
``CALENDAR_REVISION_TTL`` seconds, default 2). The counting conventions are in
docs/decisions/0002-working-day-counting.md.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple
from zoneinfo import ZoneInfo

import chinese_calendar
from chinese_calendar import constants as cc_constants
from django.utils.translation import gettext_lazy as _

from .errors import DomainError

logger = logging.getLogger(__name__)

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST_YEAR = 2000
LAST_YEAR = 2100
CC_FIRST_YEAR = min(cc_constants.holidays).year
CC_LAST_YEAR = max(cc_constants.holidays).year


class CalendarErrorCode(StrEnum):
    OUT_OF_RANGE = "calendar_out_of_range"
    NEGATIVE_AMOUNT = "negative_amount"
    OFFICE_HOURS_ORDER = "office_hours_order"


class CalendarError(DomainError):
    """A calendar question that cannot be answered as asked."""

    status = 422


class YearSource(StrEnum):
    """Where a year's holidays come from."""

    SCHEDULE = "schedule"  # an imported State Council schedule
    CHINESE_CALENDAR = "chinese_calendar"
    FALLBACK = "fallback"  # Monday to Friday: provisional


def _seconds(t: dt.time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


@dataclass(frozen=True, slots=True)
class OfficeHours:
    """A hall's daily office hours: a morning and an afternoon period (a lunch break between)."""

    morning_start: dt.time
    morning_end: dt.time
    afternoon_start: dt.time
    afternoon_end: dt.time
    # Derived, in seconds since midnight / of working time; filled in by __post_init__.
    _ms: int = field(init=False, repr=False, compare=False)
    _me: int = field(init=False, repr=False, compare=False)
    _as: int = field(init=False, repr=False, compare=False)
    _ae: int = field(init=False, repr=False, compare=False)
    morning_seconds: int = field(init=False, repr=False, compare=False)
    day_seconds: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ms, me = _seconds(self.morning_start), _seconds(self.morning_end)
        as_, ae = _seconds(self.afternoon_start), _seconds(self.afternoon_end)
        if not (ms < me <= as_ < ae):
            raise CalendarError(
                CalendarErrorCode.OFFICE_HOURS_ORDER,
                _("Office hours must be in order: the morning opens before it closes, the afternoon opens no "
                  "earlier than the morning closes and before it closes."),
                field="hours",
            )
        for name, value in (("_ms", ms), ("_me", me), ("_as", as_), ("_ae", ae),
                            ("morning_seconds", me - ms), ("day_seconds", (me - ms) + (ae - as_))):
            object.__setattr__(self, name, value)

    @classmethod
    def of(cls, morning_start: dt.time, morning_end: dt.time, afternoon_start: dt.time,
           afternoon_end: dt.time) -> OfficeHours:
        return cls(morning_start, morning_end, afternoon_start, afternoon_end)

    @property
    def minutes_per_day(self) -> int:
        return self.day_seconds // 60


DEFAULT_OFFICE_HOURS = OfficeHours.of(dt.time(8, 30), dt.time(12, 0), dt.time(14, 30), dt.time(17, 30))


@dataclass(frozen=True, slots=True)
class Due:
    """A computed deadline: an aware Asia/Shanghai datetime, provisional if any year it spans had
    no known holiday schedule (Monday-to-Friday fallback)."""

    at: dt.datetime
    provisional: bool


class WorkingTime(NamedTuple):
    minutes: int
    provisional: bool


class WorkingDays(NamedTuple):
    days: int
    provisional: bool


@dataclass(frozen=True, slots=True)
class DayRule:
    """One exception to Monday-to-Friday: a holiday or a working day, with its name."""

    day: dt.date
    working: bool
    name: str = ""


@dataclass(frozen=True)
class SpecialDay:
    day: dt.date
    working: bool
    name: str
    source: str  # "chinese_calendar", "schedule" or "local"


@dataclass(frozen=True)
class YearSummary:
    year: int
    source: YearSource
    provisional: bool
    working_days: int
    non_working_days: int
    special_days: list[SpecialDay]  # the days that differ from Monday-to-Friday, and local overrides


def _out_of_range(value: object, field: str = "start") -> CalendarError:
    return CalendarError(
        CalendarErrorCode.OUT_OF_RANGE,
        _("The result would fall outside the working-time calendar (%(first)s to %(last)s)."),
        field=field, value=str(value), first=FIRST_YEAR, last=LAST_YEAR,
    )


def _negative(value: int) -> CalendarError:
    return CalendarError(CalendarErrorCode.NEGATIVE_AMOUNT, _("The amount must not be negative."),
                         field="amount", value=value)


def _cc_name(english: str) -> str:
    """chinese-calendar names holidays in English; show the Chinese name first."""
    try:
        return f"{cc_constants.Holiday(english).chinese} {english}"
    except ValueError:
        return english


def _local(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("the working-time calendar takes aware datetimes only")
    return moment.astimezone(SHANGHAI)


class WorkingCalendar:
    """An immutable index of working days over FIRST_YEAR–LAST_YEAR.

    `WorkingCalendar()` is chinese-calendar alone (what the benchmark uses);
    `build_calendar_from_db()` adds the imported schedules and local overrides.
    Internally a day is its proleptic ordinal; ``_work[i]`` says whether day ``base + i`` is a
    working day, ``_rank[i]`` counts working days before it, ``_days[k]`` is the ordinal of the
    k-th working day, and ``_pday[i]`` counts days of provisional years before it.
    """

    __slots__ = ("_base", "_closes", "_days", "_dues", "_end", "_ndays", "_notes", "_pday", "_pday_work",
                 "_rank", "_sources", "_work", "revision")

    def __init__(self, *, schedules: Mapping[int, Iterable[DayRule]] | None = None,
                 overrides: Iterable[DayRule] = (), revision: str = "") -> None:
        schedules = schedules or {}
        base = dt.date(FIRST_YEAR, 1, 1).toordinal()
        end = dt.date(LAST_YEAR, 12, 31).toordinal()
        ndays = end - base + 1
        # ordinal 1 (0001-01-01) is a Monday, so weekday = (ordinal - 1) % 7
        first_weekday = (base - 1) % 7
        week = bytes(1 if (first_weekday + i) % 7 < 5 else 0 for i in range(7))
        work = bytearray((week * (ndays // 7 + 1))[:ndays])
        notes: dict[int, tuple[str, str]] = {}
        sources: dict[int, YearSource] = {}
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            if year in schedules:
                sources[year] = YearSource.SCHEDULE
            elif CC_FIRST_YEAR <= year <= CC_LAST_YEAR:
                sources[year] = YearSource.CHINESE_CALENDAR
            else:
                sources[year] = YearSource.FALLBACK

        def apply(rules: Iterable[tuple[dt.date, bool, str]], source: str) -> None:
            for day, working, name in rules:
                ordinal = day.toordinal()
                if not base <= ordinal <= end:
                    continue
                work[ordinal - base] = 1 if working else 0
                notes[ordinal] = (name, source)

        cc_years = {y for y, s in sources.items() if s is YearSource.CHINESE_CALENDAR}
        apply(((d, False, _cc_name(n)) for d, n in cc_constants.holidays.items() if d.year in cc_years),
              YearSource.CHINESE_CALENDAR)
        apply(((d, True, _cc_name(n)) for d, n in cc_constants.workdays.items() if d.year in cc_years),
              YearSource.CHINESE_CALENDAR)
        for year, rules in schedules.items():
            apply(((r.day, r.working, r.name) for r in rules if r.day.year == year), YearSource.SCHEDULE)
        apply(((r.day, r.working, r.name) for r in overrides), "local")

        rank = [0] * (ndays + 1)
        days: list[int] = []
        count = 0
        for i, flag in enumerate(work):
            if flag:
                days.append(base + i)
                count += 1
            rank[i + 1] = count
        # provisional days before each day, so "does [a, b] touch a provisional year" is one subtraction
        pday = [0] * (ndays + 1)
        count = 0
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            lo = dt.date(year, 1, 1).toordinal() - base
            hi = dt.date(year + 1, 1, 1).toordinal() - base
            if sources[year] is YearSource.FALLBACK:
                pday[lo + 1:hi + 1] = range(count + 1, count + 1 + hi - lo)
                count += hi - lo
            else:
                pday[lo + 1:hi + 1] = [count] * (hi - lo)

        self._base, self._end = base, end
        self._work, self._rank, self._days, self._pday = bytes(work), rank, days, pday
        self._ndays = ndays
        # provisional days up to and including the k-th working day
        self._pday_work = [pday[o - base + 1] for o in days]
        # Per closing time, made on first use: the close-of-day datetime of every working day, and
        # the (immutable, so shareable) final and provisional Due of each: add_working_days then
        # allocates nothing.
        self._closes: dict[dt.time, list[dt.datetime]] = {}
        self._dues: dict[dt.time, tuple[list[Due], list[Due]]] = {}
        self._notes, self._sources = notes, sources
        self.revision = revision

    # -- days ------------------------------------------------------------------------------------

    def _index(self, day: dt.date) -> int:
        i = day.toordinal() - self._base
        if i < 0 or i >= len(self._work):
            raise _out_of_range(day)
        return i

    def _provisional(self, first_ordinal: int, last_ordinal: int) -> bool:
        """Whether any day of [first, last] lies in a provisional (fallback) year."""
        return self._pday[last_ordinal - self._base + 1] - self._pday[first_ordinal - self._base] > 0

    def _closes_at(self, close: dt.time) -> list[dt.datetime]:
        closes = self._closes.get(close)
        if closes is None:
            closes = [dt.datetime.combine(dt.date.fromordinal(o), close, SHANGHAI) for o in self._days]
            self._closes[close] = closes
        return closes

    def _dues_at(self, close: dt.time) -> tuple[list[Due], list[Due]]:
        dues = self._dues.get(close)
        if dues is None:
            closes = self._closes_at(close)
            dues = ([Due(c, False) for c in closes], [Due(c, True) for c in closes])
            self._dues[close] = dues
        return dues

    def is_working_day(self, day: dt.date) -> bool:
        return bool(self._work[self._index(day)])

    def is_provisional_year(self, year: int) -> bool:
        return self.year_source(year) is YearSource.FALLBACK

    def year_source(self, year: int) -> YearSource:
        if year not in self._sources:
            raise _out_of_range(year, "year")
        return self._sources[year]

    def nth_working_day_after(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after `day` (n ≥ 1); `day` itself is day 0 whatever its kind."""
        k = self._rank[self._index(day) + 1] + n - 1
        if n < 1 or k >= len(self._days):
            raise _negative(n) if n < 1 else _out_of_range(n, "amount")
        return dt.date.fromordinal(self._days[k])

    # -- the law's clock -------------------------------------------------------------------------

    def add_working_days(self, start: dt.datetime, n: int, hours: OfficeHours = DEFAULT_OFFICE_HOURS) -> Due:
        """Close of office hours of the n-th working day after the day of `start` (day 0).

        n = 0 means the close of office hours of day 0 itself.
        """
        if start.tzinfo is not SHANGHAI:
            start = _local(start)
        i = start.toordinal() - self._base
        if i < 0 or i >= self._ndays:
            raise _out_of_range(start)
        if n > 0:
            k = self._rank[i + 1] + n - 1
            try:
                provisional = self._pday_work[k] - self._pday[i] > 0
            except IndexError:
                raise _out_of_range(n, "amount") from None
            dues = self._dues.get(hours.afternoon_end) or self._dues_at(hours.afternoon_end)
            return dues[provisional][k]
        if n < 0:
            raise _negative(n)
        at = dt.datetime.combine(start.date(), hours.afternoon_end, SHANGHAI)
        return Due(at, self._pday[i + 1] - self._pday[i] > 0)

    def working_days_between(self, a: dt.datetime, b: dt.datetime) -> WorkingDays:
        """Working days after a's day up to and including b's day (negative if b is before a), so
        that ``working_days_between(s, add_working_days(s, n).at).days == n``."""
        la, lb = _local(a), _local(b)
        ia, ib = self._index(la.date()), self._index(lb.date())
        days = self._rank[ib + 1] - self._rank[ia + 1]
        first, last = sorted((la.toordinal(), lb.toordinal()))
        return WorkingDays(days, self._provisional(first, last))

    def _position(self, local: dt.datetime, hours: OfficeHours) -> int:
        """Seconds of working time from the start of the index to `local`."""
        i = self._index(local.date())
        k = self._rank[i]
        if not self._work[i]:
            return k * hours.day_seconds
        secs = local.hour * 3600 + local.minute * 60 + local.second
        if secs <= hours._ms:
            off = 0
        elif secs <= hours._me:
            off = secs - hours._ms
        elif secs <= hours._as:
            off = hours.morning_seconds
        elif secs <= hours._ae:
            off = hours.morning_seconds + secs - hours._as
        else:
            off = hours.day_seconds
        return k * hours.day_seconds + off

    def _moment(self, position: int, hours: OfficeHours, *, at_close: bool) -> dt.datetime:
        """The moment at a working-time position. On a period boundary, `at_close` picks the close
        of the period that ends there; otherwise the opening of the next one."""
        k, off = divmod(position, hours.day_seconds)
        if at_close and off == 0 and k > 0:
            k, off = k - 1, hours.day_seconds
        if k >= len(self._days):
            raise _out_of_range(position, "amount")
        if off < hours.morning_seconds or (at_close and off == hours.morning_seconds):
            secs = hours._ms + off
        else:
            secs = hours._as + off - hours.morning_seconds
        day = dt.date.fromordinal(self._days[k])
        return dt.datetime.combine(day, dt.time(secs // 3600, secs // 60 % 60, secs % 60), SHANGHAI)

    def add_working_time(self, start: dt.datetime, minutes: int,
                         hours: OfficeHours = DEFAULT_OFFICE_HOURS) -> Due:
        """`minutes` of office time after `start`, counted only in office hours of working days.

        A start outside office hours counts from the next opening. A limit that ends exactly at a
        period's close ends there (12:00, 17:30), not at the next opening. With 0 minutes the
        result is the first moment the office is open at or after `start`.
        """
        if minutes < 0:
            raise _negative(minutes)
        local = _local(start)
        target = self._position(local, hours) + minutes * 60
        at = self._moment(target, hours, at_close=minutes > 0)
        if minutes == 0 and local.microsecond and at.replace(microsecond=0) == local.replace(microsecond=0):
            at = local
        return Due(at, self._provisional(min(local.toordinal(), at.toordinal()), at.toordinal()))

    def working_time_between(self, a: dt.datetime, b: dt.datetime,
                             hours: OfficeHours = DEFAULT_OFFICE_HOURS) -> WorkingTime:
        """Whole minutes of office time between a and b (negative if b is before a)."""
        la, lb = _local(a), _local(b)
        seconds = self._position(lb, hours) - self._position(la, hours)
        minutes = seconds // 60 if seconds >= 0 else -((-seconds) // 60)
        first, last = sorted((la.toordinal(), lb.toordinal()))
        return WorkingTime(minutes, self._provisional(first, last))

    # -- description -----------------------------------------------------------------------------

    def describe_year(self, year: int) -> YearSummary:
        source = self.year_source(year)
        first = self._index(dt.date(year, 1, 1))
        last = self._index(dt.date(year, 12, 31))
        working = self._rank[last + 1] - self._rank[first]
        special = []
        for i in range(first, last + 1):
            ordinal = self._base + i
            note = self._notes.get(ordinal)
            weekday_working = (ordinal - 1) % 7 < 5
            if note is not None or bool(self._work[i]) != weekday_working:
                name, origin = note or ("", "")
                special.append(SpecialDay(dt.date.fromordinal(ordinal), bool(self._work[i]), name, origin))
        return YearSummary(year, source, source is YearSource.FALLBACK, working,
                           last - first + 1 - working, special)


# -- the process's calendar ---------------------------------------------------------------------

@dataclass
class _ProcessCalendar:
    calendar: WorkingCalendar | None = None
    checked: float = 0.0  # time.monotonic() of the last revision check


_lock = threading.Lock()
_process = _ProcessCalendar()


def _ttl() -> float:
    from django.conf import settings

    return float(getattr(settings, "CALENDAR_REVISION_TTL", 2.0))


def build_calendar_from_db(revision: str | None = None) -> WorkingCalendar:
    """Build the index from chinese-calendar plus the schedules and overrides in the database."""
    from .calendar_models import CalendarDay, CalendarRevision, CalendarYear, DaySource

    if revision is None:
        revision = CalendarRevision.current()
    schedules: dict[int, list[DayRule]] = {y: [] for y in CalendarYear.objects.values_list("year", flat=True)}
    overrides: list[DayRule] = []
    for day, working, name, source in CalendarDay.objects.values_list("date", "working", "name", "source"):
        rule = DayRule(day, working, name)
        if source == DaySource.LOCAL:
            overrides.append(rule)
        elif day.year in schedules:
            schedules[day.year].append(rule)
    return WorkingCalendar(schedules=schedules, overrides=overrides, revision=revision)


def get_calendar() -> WorkingCalendar:
    """This process's calendar, rebuilt when the database's calendar revision has changed.

    The revision (one row, one indexed read) is consulted at most once every
    CALENDAR_REVISION_TTL seconds, so another process's change shows here within that delay;
    a change made in this process shows at once (the services call `invalidate_calendar`).
    """
    from .calendar_models import CalendarRevision

    calendar = _process.calendar
    if calendar is not None and time.monotonic() - _process.checked < _ttl():
        return calendar
    with _lock:
        revision = CalendarRevision.current()
        calendar = _process.calendar
        if calendar is None or calendar.revision != revision:
            started = time.perf_counter()
            calendar = build_calendar_from_db(revision)
            logger.info("working-time calendar rebuilt (revision %s) in %.1f ms", revision or "-",
                        (time.perf_counter() - started) * 1000)
            _process.calendar = calendar
        _process.checked = time.monotonic()
    return calendar


def invalidate_calendar() -> None:
    """Forget this process's calendar; the next query rebuilds it from the database."""
    with _lock:
        _process.calendar = None
        _process.checked = 0.0


# -- the public functions -------------------------------------------------------------------------

def is_working_day(d: dt.date) -> bool:
    return get_calendar().is_working_day(d)


def add_working_days(start: dt.datetime, n: int, hours: OfficeHours = DEFAULT_OFFICE_HOURS) -> Due:
    """Deadline of a limit of n working days from `start` (Art. 82): the close of office hours of
    the n-th working day after the day of `start`, which is day 0."""
    return get_calendar().add_working_days(start, n, hours)


def add_working_time(start: dt.datetime, minutes: int, hours: OfficeHours = DEFAULT_OFFICE_HOURS) -> Due:
    """Deadline of a limit of `minutes` of office time from `start`."""
    return get_calendar().add_working_time(start, minutes, hours)


def working_time_between(a: dt.datetime, b: dt.datetime,
                         hours: OfficeHours = DEFAULT_OFFICE_HOURS) -> WorkingTime:
    return get_calendar().working_time_between(a, b, hours)


def working_days_between(a: dt.datetime, b: dt.datetime) -> WorkingDays:
    return get_calendar().working_days_between(a, b)


def reference_is_workday(d: dt.date) -> bool:
    """chinese-calendar's own answer (2004–2026 only), for tests and the benchmark."""
    return bool(chinese_calendar.is_workday(d))


# -- recomputing stored deadlines ------------------------------------------------------------------

DeadlineRecomputer = Callable[[list[int]], object]
_recomputers: list[DeadlineRecomputer] = []


def register_deadline_recomputer(fn: DeadlineRecomputer) -> DeadlineRecomputer:
    """Register `fn(years)` to be called after the working days of `years` change (a schedule
    imported, an override added or removed). It must recompute every stored deadline whose span
    touches one of those years, and be idempotent. Register from an AppConfig.ready() so that the
    task worker's process has it too. Usable as a decorator."""
    if fn not in _recomputers:
        _recomputers.append(fn)
    return fn


def unregister_deadline_recomputer(fn: DeadlineRecomputer) -> None:
    if fn in _recomputers:
        _recomputers.remove(fn)


def recompute_deadlines(years: Iterable[int]) -> int:
    """Call every registered recomputer with the affected years; return how many were called."""
    invalidate_calendar()
    affected = sorted(set(years))
    for fn in list(_recomputers):
        fn(affected)
    return len(_recomputers)
