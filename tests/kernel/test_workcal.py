"""The working-time calendar's index, without the database: chinese-calendar's days, the law's
counting convention, office time, provisional years (docs/decisions/0002-working-day-counting.md)."""

import datetime as dt

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oneseal.kernel.errors import DomainError
from oneseal.kernel.workcal import (
    DEFAULT_OFFICE_HOURS,
    SHANGHAI,
    DayRule,
    Due,
    OfficeHours,
    WorkingCalendar,
    YearSource,
)

CAL = WorkingCalendar()


def at(text: str) -> dt.datetime:
    """'2026-11-25 10:00' in Beijing time."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def close(day: str) -> Due:
    return at(f"{day} 17:30")


def test_index_matches_chinese_calendar_on_every_day_2004_to_2026():
    day, last = dt.date(2004, 1, 1), dt.date(2026, 12, 31)
    checked = 0
    while day <= last:
        assert CAL.is_working_day(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)
        checked += 1
    assert checked == 8401


def test_years_without_a_schedule_fall_back_to_monday_to_friday():
    assert CAL.year_source(2026) is YearSource.CHINESE_CALENDAR
    assert CAL.year_source(2027) is YearSource.FALLBACK and CAL.is_provisional_year(2027)
    assert CAL.year_source(2003) is YearSource.FALLBACK
    assert CAL.is_working_day(dt.date(2027, 1, 1))  # a Friday: New Year unknown to the fallback
    assert not CAL.is_working_day(dt.date(2027, 1, 2))


# (start, working days, due day, provisional)
WORKING_DAY_TABLE = [
    # an ordinary stretch: Art. 42's 20 working days from Wednesday 25 November 2026
    ("2026-11-25 10:00", 20, "2026-12-23", False),
    ("2026-11-25 10:00", 1, "2026-11-26", False),
    ("2026-11-27 16:00", 1, "2026-11-30", False),  # Friday → Monday
    # acceptance after closing time is still day 0
    ("2026-11-25 22:00", 1, "2026-11-26", False),
    # National Day 2026: 1–7 October off, Sunday 20 September and Saturday 10 October worked
    ("2026-09-30 10:00", 1, "2026-10-08", False),
    ("2026-09-30 10:00", 3, "2026-10-10", False),
    ("2026-09-18 10:00", 1, "2026-09-20", False),  # Friday → the adjusted working Sunday
    ("2026-09-24 10:00", 1, "2026-09-28", False),  # Mid-autumn Friday 25 September is off
    # acceptance on a non-working day: the next working day is day 1
    ("2026-10-03 10:00", 1, "2026-10-08", False),
    ("2026-11-28 10:00", 1, "2026-11-30", False),  # a Saturday
    # Spring Festival 2026: 15–23 February off, Saturdays 14 and 28 February worked
    ("2026-02-13 10:00", 1, "2026-02-14", False),
    ("2026-02-13 10:00", 2, "2026-02-24", False),
    ("2026-02-13 10:00", 5, "2026-02-27", False),
    ("2026-02-13 10:00", 6, "2026-02-28", False),
    # New Year 2026 across the year boundary: 1–3 January off, Sunday 4 January worked
    ("2025-12-31 10:00", 1, "2026-01-04", False),
    # into 2027, which chinese-calendar does not know: Monday-to-Friday and provisional
    ("2026-12-28 10:00", 3, "2026-12-31", False),
    ("2026-12-28 10:00", 4, "2027-01-01", True),
    ("2026-12-28 10:00", 5, "2027-01-04", True),
    ("2027-03-01 10:00", 10, "2027-03-15", True),  # Monday + 2 weeks
    # n = 0: the close of day 0 itself
    ("2026-11-25 10:00", 0, "2026-11-25", False),
    ("2026-10-03 10:00", 0, "2026-10-03", False),
]


@pytest.mark.parametrize(("start", "n", "due", "provisional"), WORKING_DAY_TABLE)
def test_add_working_days(start, n, due, provisional):
    assert CAL.add_working_days(at(start), n) == Due(close(due), provisional)


def test_add_working_days_ends_at_the_halls_closing_time():
    hours = OfficeHours.of(dt.time(9), dt.time(12), dt.time(13), dt.time(17))
    assert CAL.add_working_days(at("2026-09-30 10:00"), 1, hours).at == at("2026-10-08 17:00")


def test_add_working_days_converts_other_offsets_to_beijing_time():
    # 2026-11-25 20:00 UTC is 26 November 04:00 in Beijing: day 0 is the 26th
    utc = dt.datetime(2026, 11, 25, 20, 0, tzinfo=dt.UTC)
    due = CAL.add_working_days(utc, 1)
    assert due.at == close("2026-11-27") and due.at.tzinfo is SHANGHAI


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware"):
        CAL.add_working_days(dt.datetime(2026, 11, 25, 10), 1)


def test_negative_amounts_are_refused():
    with pytest.raises(DomainError) as caught:
        CAL.add_working_days(at("2026-11-25 10:00"), -1)
    assert caught.value.code == "negative_amount" and caught.value.field == "amount"
    with pytest.raises(DomainError):
        CAL.add_working_time(at("2026-11-25 10:00"), -5)


def test_dates_outside_the_index_are_refused():
    with pytest.raises(DomainError) as caught:
        CAL.add_working_days(at("1999-12-31 10:00"), 1)
    assert caught.value.code == "calendar_out_of_range"
    with pytest.raises(DomainError) as caught:
        CAL.add_working_days(at("2100-12-20 10:00"), 30)
    assert caught.value.field == "amount"


def test_the_convention_differs_from_chinese_calendars_find_workday():
    # find_workday(1, d) is the first working day after d counting d itself when d is one...
    assert chinese_calendar.find_workday(1, dt.date(2026, 11, 25)) == dt.date(2026, 11, 26)
    # ...but from a non-working day it skips to the *second* working day after it
    assert chinese_calendar.find_workday(1, dt.date(2026, 10, 3)) == dt.date(2026, 10, 9)
    assert CAL.add_working_days(at("2026-10-03 10:00"), 1).at.date() == dt.date(2026, 10, 8)


# (start, minutes, due)
WORKING_TIME_TABLE = [
    ("2026-11-25 09:00", 30, "2026-11-25 09:30"),
    ("2026-11-25 11:00", 60, "2026-11-25 12:00"),  # ends exactly at the morning's close
    ("2026-11-25 11:00", 61, "2026-11-25 14:31"),  # across lunch
    ("2026-11-25 11:30", 60, "2026-11-25 15:00"),
    ("2026-11-25 12:30", 10, "2026-11-25 14:40"),  # start in the lunch break
    ("2026-11-25 07:00", 10, "2026-11-25 08:40"),  # start before opening
    ("2026-11-25 17:00", 30, "2026-11-25 17:30"),  # ends exactly at the day's close
    ("2026-11-25 17:00", 31, "2026-11-26 08:31"),  # overnight
    ("2026-11-25 20:00", 10, "2026-11-26 08:40"),  # start after closing
    ("2026-11-25 08:30", 390, "2026-11-25 17:30"),  # a whole office day is 390 minutes
    ("2026-11-25 08:30", 391, "2026-11-26 08:31"),
    ("2026-11-28 10:00", 60, "2026-11-30 09:30"),  # start on a Saturday
    ("2026-09-30 17:00", 60, "2026-10-08 09:00"),  # over the National Day holiday
    ("2026-09-18 16:30", 120, "2026-09-20 09:30"),  # into the adjusted working Sunday
    ("2026-11-25 08:30", 8 * 390, "2026-12-04 17:30"),
    # 0 minutes: the first moment the office is open
    ("2026-11-25 10:00", 0, "2026-11-25 10:00"),
    ("2026-11-25 12:30", 0, "2026-11-25 14:30"),
    ("2026-11-25 20:00", 0, "2026-11-26 08:30"),
]


@pytest.mark.parametrize(("start", "minutes", "due"), WORKING_TIME_TABLE)
def test_add_working_time(start, minutes, due):
    result = CAL.add_working_time(at(start), minutes)
    assert result == Due(at(due), False)
    if minutes:
        assert CAL.working_time_between(at(start), result.at) == (minutes, False)


def test_add_working_time_uses_the_halls_hours():
    hours = OfficeHours.of(dt.time(9), dt.time(12), dt.time(13), dt.time(17))
    assert hours.minutes_per_day == 420
    assert CAL.add_working_time(at("2026-11-25 11:30"), 60, hours).at == at("2026-11-25 13:30")
    assert CAL.add_working_time(at("2026-11-25 08:45"), 15, hours).at == at("2026-11-25 09:15")


def test_add_working_time_into_an_unknown_year_is_provisional():
    due = CAL.add_working_time(at("2026-12-31 17:00"), 60)
    assert due == Due(at("2027-01-01 09:00"), True)


def test_office_hours_must_be_ordered():
    with pytest.raises(DomainError) as caught:
        OfficeHours.of(dt.time(12), dt.time(8, 30), dt.time(14, 30), dt.time(17, 30))
    assert caught.value.code == "office_hours_order"
    with pytest.raises(DomainError):
        OfficeHours.of(dt.time(8, 30), dt.time(15), dt.time(14, 30), dt.time(17, 30))
    # no lunch break is allowed
    assert OfficeHours.of(dt.time(9), dt.time(12), dt.time(12), dt.time(17)).minutes_per_day == 480


def test_default_office_hours():
    assert OfficeHours.of(dt.time(8, 30), dt.time(12), dt.time(14, 30), dt.time(17, 30)) == DEFAULT_OFFICE_HOURS
    assert DEFAULT_OFFICE_HOURS.minutes_per_day == 390


def test_working_time_and_days_between():
    a, b = at("2026-11-25 11:00"), at("2026-11-26 09:00")
    assert CAL.working_time_between(a, b) == (60 + 180 + 30, False)
    assert CAL.working_time_between(b, a) == (-270, False)
    assert CAL.working_days_between(at("2026-09-30 10:00"), at("2026-10-10 09:00")) == (3, False)
    assert CAL.working_days_between(at("2026-12-30 10:00"), at("2027-01-04 09:00")) == (3, True)


def test_a_schedule_replaces_chinese_calendar_and_ends_the_fallback():
    schedule = {2027: [DayRule(dt.date(2027, 1, 1), False, "元旦"), DayRule(dt.date(2027, 2, 20), True, "春节")]}
    cal = WorkingCalendar(schedules=schedule)
    assert cal.year_source(2027) is YearSource.SCHEDULE
    assert cal.add_working_days(at("2026-12-28 10:00"), 5) == Due(close("2027-01-05"), False)
    assert cal.is_working_day(dt.date(2027, 2, 20))
    # a schedule for a year chinese-calendar knows replaces its data for that year
    cal = WorkingCalendar(schedules={2026: []})
    assert cal.is_working_day(dt.date(2026, 10, 1))


def test_local_overrides_win():
    cal = WorkingCalendar(overrides=[DayRule(dt.date(2026, 12, 1), False, "local flood day"),
                                     DayRule(dt.date(2026, 10, 5), True, "local working day")])
    assert cal.add_working_days(at("2026-11-25 10:00"), 20).at == close("2026-12-24")
    assert cal.add_working_days(at("2026-09-30 10:00"), 1).at == close("2026-10-05")


def test_describe_year():
    summary = CAL.describe_year(2026)
    assert summary.source is YearSource.CHINESE_CALENDAR and not summary.provisional
    assert summary.working_days + summary.non_working_days == 365
    assert summary.working_days == sum(
        chinese_calendar.is_workday(dt.date(2026, 1, 1) + dt.timedelta(days=i)) for i in range(365))
    special = {d.day: d for d in summary.special_days}
    assert special[dt.date(2026, 10, 10)].working and "国庆" in special[dt.date(2026, 10, 10)].name
    assert not special[dt.date(2026, 10, 1)].working
    assert CAL.describe_year(2027).provisional


# -- properties -----------------------------------------------------------------------------------

moments = st.datetimes(min_value=dt.datetime(2004, 1, 1), max_value=dt.datetime(2028, 12, 31)).map(
    lambda d: d.replace(second=0, microsecond=0, tzinfo=SHANGHAI))
known_days = st.dates(min_value=dt.date(2004, 1, 1), max_value=dt.date(2026, 9, 30))


@given(known_days, st.integers(min_value=0, max_value=60))
@settings(max_examples=300)
def test_index_agrees_with_a_day_by_day_loop_over_chinese_calendar(day, n):
    expected = day
    for _ in range(n):
        expected += dt.timedelta(days=1)
        while not chinese_calendar.is_workday(expected):
            expected += dt.timedelta(days=1)
    assert CAL.add_working_days(dt.datetime.combine(day, dt.time(10), SHANGHAI), n).at.date() == expected


@given(moments, moments, st.integers(min_value=0, max_value=60))
def test_add_working_days_is_monotonic_in_the_start(s1, s2, n):
    s1, s2 = sorted((s1, s2))
    assert CAL.add_working_days(s1, n).at <= CAL.add_working_days(s2, n).at


@given(moments, st.integers(min_value=0, max_value=60), st.integers(min_value=0, max_value=60))
def test_add_working_days_is_monotonic_in_the_amount(s, n1, n2):
    n1, n2 = sorted((n1, n2))
    assert CAL.add_working_days(s, n1).at <= CAL.add_working_days(s, n2).at


@given(moments, st.integers(min_value=1, max_value=60))
def test_working_days_round_trip(s, n):
    due = CAL.add_working_days(s, n)
    assert CAL.is_working_day(due.at.date())
    assert CAL.working_days_between(s, due.at).days == n
    assert CAL.working_days_between(s, due.at).provisional == due.provisional


@given(moments, moments, st.integers(min_value=0, max_value=5000))
def test_add_working_time_is_monotonic(s1, s2, minutes):
    s1, s2 = sorted((s1, s2))
    assert CAL.add_working_time(s1, minutes).at <= CAL.add_working_time(s2, minutes).at
    assert CAL.add_working_time(s1, minutes).at <= CAL.add_working_time(s1, minutes + 1).at


@given(moments, st.integers(min_value=1, max_value=5000))
def test_working_time_round_trip(s, minutes):
    due = CAL.add_working_time(s, minutes)
    assert due.at > s
    assert CAL.working_time_between(s, due.at).minutes == minutes
    # the due moment lies within office hours of a working day
    assert CAL.is_working_day(due.at.date())
    t = due.at.timetz().replace(tzinfo=None)
    assert dt.time(8, 30) < t <= dt.time(12) or dt.time(14, 30) < t <= dt.time(17, 30)


@given(moments, moments)
def test_working_time_between_is_antisymmetric_and_additive(a, b):
    forward = CAL.working_time_between(a, b).minutes
    assert CAL.working_time_between(b, a).minutes == -forward
    assert CAL.add_working_time(min(a, b), abs(forward)).at <= max(a, b) or forward == 0
