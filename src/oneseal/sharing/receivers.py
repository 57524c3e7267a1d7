"""The sharing app's subscribers to domain events (registered by `SharingConfig.ready()`).

- `sharing.push` listens to `cases.approved`, `cases.denied`, `cases.revoked` and `licenses.*` and makes the regulator
  push (`services.push_from_event`, once per event);
- `sharing.webhook:<endpoint pk>` is a per-event target of `sharing.push_created`: it POSTs the push to
  that endpoint, signed (`webhooks.post`). A failure raises, and the outbox retries that delivery alone.
"""

from __future__ import annotations

import json
import logging
import time

from oneseal.kernel import events
from oneseal.kernel.errors import DomainError
from oneseal.kernel.event_models import DomainEvent

from . import webhooks

logger = logging.getLogger(__name__)

PUSH_SUBSCRIBER = "sharing.push"
WEBHOOK_PREFIX = "sharing.webhook:"
PUSH_TOPICS = ("cases.approved", "cases.denied", "cases.revoked", "licenses.issued", "licenses.revoked", "licenses.expired",
               "licenses.renewed")


def make_push(event: DomainEvent, subscriber: str) -> None:
    from . import services

    services.push_from_event(event)


_endpoints: dict[int, tuple[float, object]] = {}


def _endpoint(pk: int):
    """The endpoint, read at most every ONESEAL_WEBHOOK_ENDPOINT_TTL seconds (default 5) per worker: a busy
    worker would otherwise spend a third of each delivery reading the same row. Switching an endpoint off
    therefore takes effect within that many seconds in other processes (at once in this one)."""
    from django.conf import settings

    from .models import WebhookEndpoint

    now = time.monotonic()
    cached = _endpoints.get(pk)
    if cached is not None and cached[0] > now:
        return cached[1]
    endpoint = WebhookEndpoint.objects.filter(pk=pk).select_related("owner").first()
    _endpoints[pk] = (now + float(getattr(settings, "ONESEAL_WEBHOOK_ENDPOINT_TTL", 5.0)), endpoint)
    return endpoint


def forget_endpoint(pk: int) -> None:
    _endpoints.pop(pk, None)


def deliver_webhook(event: DomainEvent, subscriber: str) -> None:
    """POST the push to the endpoint named by the target. A switched-off or deleted endpoint is skipped
    (the delivery is done, nothing is sent). An answer {"claim": true} claims the push as the endpoint's
    owner; a claim that is refused (already claimed, owner no longer a regulator there) is logged and
    does not fail the delivery."""
    from .models import ClaimChannel, RegulatorPush

    pk = subscriber.removeprefix(WEBHOOK_PREFIX)
    endpoint = _endpoint(int(pk)) if pk.isdigit() else None
    if endpoint is None or not endpoint.active:
        logger.info("webhook %s is switched off or gone: push event %s not sent", pk, event.id)
        return
    body = json.dumps({"event_id": str(event.id), "topic": event.topic, **event.payload},
                      ensure_ascii=False, separators=(",", ":")).encode()
    answer = webhooks.post(endpoint.url, endpoint.secret, str(event.id), body)
    if endpoint.owner_id is None or b"claim" not in answer.body:
        return
    try:
        wants_claim = json.loads(answer.body).get("claim") is True
    except (ValueError, AttributeError):
        return
    push = RegulatorPush.objects.filter(pk=event.payload.get("push")).first() if wants_claim else None
    if push is None or push.claimed_at is not None:
        return
    from . import services

    try:
        services.claim_push(actor=endpoint.owner, push=push, channel=ClaimChannel.WEBHOOK,
                            note=f"webhook {endpoint.name}"[:500])
    except DomainError as refusal:
        logger.warning("webhook %s asked to claim push %s: refused (%s)", endpoint.pk, push.pk, refusal.code)


def register() -> None:
    events.subscriber(PUSH_SUBSCRIBER, topics=PUSH_TOPICS)(make_push)
    events.subscriber(WEBHOOK_PREFIX)(deliver_webhook)
