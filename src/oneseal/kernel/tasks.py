"""The kernel's background work (django-tasks).

`recompute_deadlines_task` runs after a calendar write commits: it calls every deadline recomputer
registered with `workcal.register_deadline_recomputer` with the years whose working days changed.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django_tasks import task

from . import workcal


@task()
def recompute_deadlines_task(years: list[int]) -> int:
    """Recompute stored deadlines touching `years`; returns how many recomputers ran."""
    return workcal.recompute_deadlines(years)


def enqueue_deadline_recompute_on_commit(years: Iterable[int]) -> None:
    """Queue the recompute once the current transaction commits (never for a rolled-back write)."""
    affected = sorted(set(years))
    transaction.on_commit(lambda: recompute_deadlines_task.enqueue(affected))
