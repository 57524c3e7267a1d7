"""Background work of the payments app (django-tasks).

`deliver_notification_task` is the simulated platform's side: it signs a payment notification at
delivery time and hands the headers and body bytes to `services.accept_notification`, the same
function the HTTP callback `POST /api/v1/payments/notify` calls, so it is verified exactly as an
HTTP delivery would be.
"""

from __future__ import annotations

import logging
from typing import Any

from django_tasks import task

from oneseal.kernel.errors import DomainError

logger = logging.getLogger(__name__)


@task()
def deliver_notification_task(payload: dict[str, Any], nonce: str) -> str:
    """Deliver one payment notification; return "ok" or the refusal's code (the platform would retry)."""
    from . import services, simulator

    headers, body = simulator.signed_notification(payload, nonce=nonce)
    try:
        services.accept_notification(headers=headers, body=body)
    except DomainError as exc:
        logger.warning("payment notification %s refused: %s", nonce, exc.code)
        return exc.code
    return "ok"
