"""Case and notice numbers, unique under concurrent submissions.

A case number is region code + date + serial: ``420683-20261125-00042`` (the serial restarts each
day per region). Notice numbers follow the bureau's document style, e.g. ``枣审受字〔2026〕第000123号``,
one series per kind and year. Serials come from `kernel.sequences.next_serial` (one upsert whose row
stays locked until the caller's transaction ends), so two submissions never get the same number.
"""

from __future__ import annotations

import datetime as dt

from oneseal.kernel import sequences

from .models import CaseSequence
from .notices import format_notice_number


def next_serial(key: str) -> int:
    """Take the next serial of a sequence; must run inside the caller's transaction."""
    return sequences.next_serial(CaseSequence, key)


def next_case_number(region_code: str, day: dt.date) -> str:
    serial = next_serial(f"case:{region_code}:{day:%Y%m%d}")
    return f"{region_code}-{day:%Y%m%d}-{serial:05d}"


def next_notice_number(kind: str, year: int) -> str:
    serial = next_serial(f"notice:{kind}:{year}")
    return format_notice_number(kind, year, serial)
