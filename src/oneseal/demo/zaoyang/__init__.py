"""The Zaoyang scenario (枣阳市): the data behind every figure of DOMAIN.md §2.

`build_catalog()` returns the rows `oneseal.catalog.services.apply_catalog` takes; `people`
holds the staff plan and the demo accounts. Everything is deterministic.
"""

from __future__ import annotations

from .items import build_items
from .places import DEPARTMENTS, HALL_ROW, REGIONS, WINDOWS, ZONES


def build_catalog() -> dict[str, list[dict]]:
    """The whole catalog: regions, departments, the hall, zones, windows, items and their parts."""
    return {
        "regions": [dict(r) for r in REGIONS],
        "departments": [dict(d) for d in DEPARTMENTS],
        "halls": [dict(HALL_ROW)],
        "zones": [dict(z) for z in ZONES],
        "windows": [dict(w) for w in WINDOWS],
        **build_items(),
    }


__all__ = ["build_catalog"]
