"""Background work of the licences app (django-tasks): the daily sweep that deems renewals granted
(Art. 50) and marks expired licences, queued each round by `oneseal cases scheduler` (registered with kernel.periodic) or by
`oneseal licences expire --queue`."""

from __future__ import annotations

from django_tasks import task


@task()
def expire_licences_task() -> dict[str, int]:
    from .services import expire_due_licences

    return expire_due_licences()
