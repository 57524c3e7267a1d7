"""Background work of the sharing app (django-tasks).

`sweep_pushes_task` runs `services.sweep_pushes`: a reminder for every push unclaimed past its 2-working-day
deadline, an escalation to supervision one working day later. Queue it every few minutes (the project's
scheduler; by hand: `oneseal sharing sweep`). Running it twice changes nothing the second time.
"""

from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def sweep_pushes_task() -> dict[str, int]:
    """Remind and escalate unclaimed pushes now; return how many of each."""
    from . import services

    report = services.sweep_pushes()
    logger.info("sharing: %s push(es) reminded, %s escalated", len(report.reminded), len(report.escalated))
    return {"reminded": len(report.reminded), "escalated": len(report.escalated)}
