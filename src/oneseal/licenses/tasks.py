"""Background work of the licences app (django-tasks): the daily sweep that deems renewals granted
(Art. 50) and marks expired licences, queued by `oneseal licences expire --queue` or a scheduler."""

from __future__ import annotations

from django_tasks import task


@task()
def expire_licences_task() -> dict[str, int]:
    from .services import expire_due_licences

    return expire_due_licences()
