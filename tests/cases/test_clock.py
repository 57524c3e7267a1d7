"""The legal clock, from a table of dated cases whose expected due times were worked out by hand
from the State Council schedules (2025 National Day: 10-01…10-08 off, Sun 09-28 and Sat 10-11 worked;
2026 Spring Festival: 02-15…02-23 off, Sat 02-14 and Sat 02-28 worked; 2026 May Day: 05-01…05-05 off,
Sat 05-09 worked; 2026 Qingming: 04-04…04-06 off; 2026 National Day: 09-25 and 10-01…10-07 off, Sat
10-10 worked). Office hours 08:30–12:00 and 14:30–17:30 unless a case says otherwise. Day 0 is the
day of acceptance; N working days end at 17:30 of the Nth working day after it."""

import datetime as dt

import pytest

from oneseal.cases.clock import ClockInput, compute, deemed_acceptance_deadline
from oneseal.kernel.workcal import SHANGHAI, OfficeHours

pytestmark = pytest.mark.django_db

D, H, M = "working_days", "working_hours", "working_minutes"


def t(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


# (label, accepted, amount, unit, pauses, extension days, expected due, provisional)
CASES = [
    ("5 days into the Spring Festival's adjusted Saturday", "2026-02-09 10:00", 5, D, [], 0, "2026-02-14 17:30", False),
    ("5 days across the Spring Festival", "2026-02-13 09:00", 5, D, [], 0, "2026-02-27 17:30", False),
    ("accepted on an adjusted working Saturday", "2026-02-14 10:00", 1, D, [], 0, "2026-02-24 17:30", False),
    ("accepted online during the holiday", "2026-02-15 20:00", 3, D, [], 0, "2026-02-26 17:30", False),
    ("3 days through the adjusted Saturday 02-28", "2026-02-26 09:00", 3, D, [], 0, "2026-03-02 17:30", False),
    ("20 days (Art. 42) across the Spring Festival", "2026-02-12 15:00", 20, D, [], 0, "2026-03-18 17:30", False),
    ("3 days through the adjusted Sunday before National Day 2025", "2025-09-26 11:00", 3, D, [], 0,
     "2025-09-30 17:30", False),
    ("1 day over National Day 2025", "2025-09-30 16:00", 1, D, [], 0, "2025-10-09 17:30", False),
    ("5 days over National Day 2025 and its adjusted Saturday", "2025-09-30 09:00", 5, D, [], 0,
     "2025-10-14 17:30", False),
    ("accepted during National Day 2025", "2025-10-03 10:00", 2, D, [], 0, "2025-10-10 17:30", False),
    ("2 days over Mid-Autumn 2026", "2026-09-24 10:00", 2, D, [], 0, "2026-09-29 17:30", False),
    ("3 days over National Day 2026 to its adjusted Saturday", "2026-09-30 10:00", 3, D, [], 0,
     "2026-10-10 17:30", False),
    ("4 days over May Day 2026 to its adjusted Saturday", "2026-04-30 10:00", 4, D, [], 0, "2026-05-09 17:30", False),
    ("into 2027, whose schedule is not known: provisional", "2026-12-24 10:00", 10, D, [], 0,
     "2027-01-07 17:30", True),
    ("within 2026: not provisional", "2026-12-24 10:00", 2, D, [], 0, "2026-12-28 17:30", False),
    ("0 days ends at today's close", "2026-03-02 10:00", 0, D, [], 0, "2026-03-02 17:30", False),
    ("4 hours across lunch", "2026-03-02 10:00", 4, H, [], 0, "2026-03-02 16:30", False),
    ("1 hour across lunch", "2026-03-02 11:30", 1, H, [], 0, "2026-03-02 15:00", False),
    ("4 hours across a weekend", "2026-03-06 16:30", 4, H, [], 0, "2026-03-09 11:30", False),
    ("4 hours into the adjusted Saturday", "2026-02-13 16:00", 4, H, [], 0, "2026-02-14 11:00", False),
    ("1 hour accepted at lunch starts at 14:30", "2026-03-02 12:30", 1, H, [], 0, "2026-03-02 15:30", False),
    ("10 minutes accepted after closing", "2026-03-02 18:00", 10, M, [], 0, "2026-03-03 08:40", False),
    ("10 minutes across lunch (new housing registration)", "2026-03-02 11:55", 10, M, [], 0,
     "2026-03-02 14:35", False),
    ("3 hours ending exactly at closing time", "2026-03-02 14:30", 3, H, [], 0, "2026-03-02 17:30", False),
    ("a supplement pause adds its working days", "2026-03-02 10:00", 5, D,
     [("2026-03-03 10:00", "2026-03-05 15:00")], 0, "2026-03-11 17:30", False),
    ("a supplement pause spanning the Spring Festival", "2026-02-10 10:00", 5, D,
     [("2026-02-12 10:00", "2026-02-25 10:00")], 0, "2026-02-28 17:30", False),
    ("an expert review over Qingming", "2026-03-02 10:00", 20, D,
     [("2026-03-09 09:00", "2026-03-20 16:00")], 0, "2026-04-13 17:30", False),
    ("an extension of 10 working days", "2026-03-02 10:00", 5, D, [], 10, "2026-03-23 17:30", False),
    ("an extension and a pause", "2026-03-02 10:00", 5, D, [("2026-03-04 10:00", "2026-03-06 10:00")], 10,
     "2026-03-25 17:30", False),
    ("an hours limit paused over lunch and a weekend", "2026-03-06 09:00", 4, H,
     [("2026-03-06 09:30", "2026-03-09 09:00")], 0, "2026-03-09 15:00", False),
    ("a same-day pause costs no working day", "2026-03-02 10:00", 2, D,
     [("2026-03-03 09:00", "2026-03-03 16:00")], 0, "2026-03-04 17:30", False),
]


@pytest.mark.parametrize(("label", "accepted", "amount", "unit", "pauses", "extension", "due", "provisional"),
                         CASES, ids=[c[0] for c in CASES])
def test_due_time(label, accepted, amount, unit, pauses, extension, due, provisional):
    reading = compute(ClockInput(accepted_at=t(accepted), limit_amount=amount, limit_unit=unit,
                                 extension_days=extension, pauses=[(t(s), t(e)) for s, e in pauses]),
                      now=t(accepted))
    assert (reading.due_at, reading.provisional) == (t(due), provisional)


def test_the_table_has_at_least_thirty_cases():
    assert len(CASES) >= 30


def test_office_hours_of_the_hall_apply():
    hours = OfficeHours.of(dt.time(9), dt.time(12), dt.time(13, 30), dt.time(17))
    reading = compute(ClockInput(t("2026-03-02 11:00"), 2, H, hours=hours), now=t("2026-03-02 11:00"))
    assert reading.due_at == t("2026-03-02 14:30")


def test_an_open_pause_freezes_the_due_time_and_keeps_the_remaining_days():
    reading = compute(ClockInput(t("2026-03-02 10:00"), 5, D, pauses=[(t("2026-03-04 10:00"), None)]),
                      now=t("2026-03-10 10:00"))
    assert (reading.paused, reading.due_at, reading.remaining) == (True, None, 3)


def test_remaining_and_overdue():
    clock = ClockInput(t("2026-03-02 10:00"), 5, D)
    assert compute(clock, now=t("2026-03-04 10:00")).remaining == 3
    late = compute(clock, now=t("2026-03-11 10:00"))
    assert late.overdue and late.remaining == -2


def test_not_started_before_acceptance():
    reading = compute(ClockInput(None, 5, D))
    assert (reading.started, reading.due_at) == (False, None)


@pytest.mark.parametrize(("received", "deadline"), [
    ("2026-02-13 09:00", "2026-02-27 17:30"),  # over the Spring Festival
    ("2026-03-02 09:00", "2026-03-09 17:30"),
    ("2025-09-30 09:00", "2025-10-14 17:30"),  # over National Day 2025
])
def test_deemed_acceptance_comes_five_working_days_after_receipt(received, deadline):
    assert deemed_acceptance_deadline(t(received)).at == t(deadline)
