"""Background work of the credit app (django-tasks).

`flag_overdue_verifications_task` runs `services.commitments.flag_overdue_verifications`: every commitment
verification inspection past its due time and not yet recorded is published once as
`credit.verification_overdue` (for supervision). The lead registers it in `CreditConfig.ready()` with
`kernel.periodic.register(...)`, so the scheduler (`oneseal cases scheduler`) queues it every round.
Running it twice flags nothing the second time.
"""

from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def flag_overdue_verifications_task() -> dict[str, int]:
    """Flag the overdue verifications now; return how many were flagged."""
    from .services.commitments import flag_overdue_verifications

    flagged = flag_overdue_verifications()
    if flagged:
        logger.info("credit: %s verification inspection(s) flagged overdue", len(flagged))
    return {"flagged": len(flagged)}
