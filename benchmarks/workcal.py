"""Benchmark: the working-time calendar's index against a day-by-day loop over chinese-calendar.

1,000,000 random (start, n ≤ 60) `add_working_days` calls on our precomputed index, and the first
2,000 of the same pairs through the obvious loop over `chinese_calendar.is_workday` (the same
counting convention: the start's day is day 0, the due day is the n-th working day after it), in
the same run. The sample's answers must be identical. Starts lie in 2004–2026 and at least 60
working days before the end of 2026, so chinese-calendar knows every day either side consults.

Run: .venv/bin/python benchmarks/workcal.py [calls] [sample]
The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oneseal.settings")

import chinese_calendar

from oneseal.kernel.workcal import SHANGHAI, WorkingCalendar

SEED = 20261125
MAX_N = 60
FIRST_DAY = dt.date(2004, 1, 1)
CLOSE = dt.time(17, 30)


def reference_add_working_days(day: dt.date, n: int) -> dt.date:
    """The n-th working day after `day`, one day at a time with chinese-calendar."""
    count = 0
    while count < n:
        day += dt.timedelta(days=1)
        if chinese_calendar.is_workday(day):
            count += 1
    return day


def last_start_day() -> dt.date:
    """The last day from which MAX_N working days still end within chinese-calendar's last year."""
    day, count = dt.date(2026, 12, 31), 0
    while count < MAX_N:
        if chinese_calendar.is_workday(day):
            count += 1
        day -= dt.timedelta(days=1)
    return day


def make_pairs(calls: int) -> list[tuple[dt.datetime, int]]:
    rng = random.Random(SEED)
    first = FIRST_DAY.toordinal()
    span = last_start_day().toordinal() - first
    pairs = []
    for _ in range(calls):
        day = dt.date.fromordinal(first + rng.randint(0, span))
        start = dt.datetime.combine(day, dt.time(rng.randint(0, 23), rng.randint(0, 59)), SHANGHAI)
        pairs.append((start, rng.randint(0, MAX_N)))
    return pairs


def main() -> None:
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    sample = int(sys.argv[2]) if len(sys.argv) > 2 else 2_000
    pairs = make_pairs(calls)

    started = time.perf_counter()
    calendar = WorkingCalendar()
    build_ms = (time.perf_counter() - started) * 1000
    add = calendar.add_working_days
    started = time.perf_counter()
    add(pairs[0][0], 1)  # the first call per closing time builds that time's table of Due objects
    first_call_ms = (time.perf_counter() - started) * 1000

    started = time.perf_counter()
    for start, n in pairs:
        add(start, n)
    ours_s = time.perf_counter() - started
    ours = [add(start, n) for start, n in pairs[:sample]]

    started = time.perf_counter()
    reference = [reference_add_working_days(start.date(), n) for start, n in pairs[:sample]]
    reference_s = time.perf_counter() - started

    mismatches = [
        (start.isoformat(), n, str(due.at), str(expected))
        for (start, n), due, expected in zip(pairs[:sample], ours[:sample], reference, strict=True)
        if due.at.date() != expected or due.at.timetz() != CLOSE.replace(tzinfo=SHANGHAI) or due.provisional
    ]
    ours_rate = calls / ours_s
    reference_rate = sample / reference_s
    ratio = ours_rate / reference_rate
    print(f"python {platform.python_version()} on {platform.machine()}, chinese-calendar "
          f"{getattr(chinese_calendar, '__version__', '?')}; starts {FIRST_DAY}..{last_start_day()}, n 0..{MAX_N}")
    print(f"index build (2000-2100): {build_ms:.1f} ms; first call (builds the 17:30 Due table): "
          f"{first_call_ms:.1f} ms")
    print(f"ours:      {calls:>9,} calls in {ours_s:7.3f} s = {ours_rate:>12,.0f} calls/s "
          f"({ours_s / calls * 1e6:.2f} µs/call)")
    print(f"reference: {sample:>9,} calls in {reference_s:7.3f} s = {reference_rate:>12,.0f} calls/s "
          f"({reference_s / sample * 1e6:.0f} µs/call; day-by-day chinese_calendar.is_workday)")
    print(f"ratio: {ratio:,.0f}x faster; sample answers identical: {not mismatches}")
    for mismatch in mismatches[:10]:
        print("MISMATCH", *mismatch)
    print(json.dumps({
        "ours_per_s": round(ours_rate), "reference_per_s": round(reference_rate, 1), "ratio": round(ratio),
        "identical": not mismatches, "calls": calls, "sample": sample, "build_ms": round(build_ms, 1),
        "first_call_ms": round(first_call_ms, 1),
    }))
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main()
