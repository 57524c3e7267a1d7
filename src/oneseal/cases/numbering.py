"""Case and notice numbers, unique under concurrent submissions.

A case number is region code + date + serial: ``420683-20261125-00042`` (the serial restarts each
day per region). Notice numbers follow the bureau's document style, e.g. ``枣审受字〔2026〕第000123号``,
one series per kind and year. Serials come from a row locked for the transaction (SELECT … FOR UPDATE
on PostgreSQL; SQLite serialises writers), so two submissions never get the same number.
"""

from __future__ import annotations

import datetime as dt

from .models import CaseSequence
from .notices import format_notice_number


def next_serial(key: str) -> int:
    """Take the next serial of a sequence; must run inside the caller's transaction."""
    sequence, _created = CaseSequence.objects.select_for_update().get_or_create(key=key)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last


def next_case_number(region_code: str, day: dt.date) -> str:
    serial = next_serial(f"case:{region_code}:{day:%Y%m%d}")
    return f"{region_code}-{day:%Y%m%d}-{serial:05d}"


def next_notice_number(kind: str, year: int) -> str:
    serial = next_serial(f"notice:{kind}:{year}")
    return format_notice_number(kind, year, serial)
