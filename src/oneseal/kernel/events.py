"""Domain events through a transactional outbox (发件箱).

A service calls `record()` inside its transaction: the event and one delivery row per subscriber are
written with the change they describe, so either both exist or neither does. A worker
(`oneseal events dispatch --loop`) calls `dispatch()`, which handles due deliveries one transaction
each: it claims one with ``SELECT … FOR UPDATE SKIP LOCKED`` (any number of workers can run), runs the
subscriber's handler in a savepoint, and marks it delivered, or schedules a retry with exponential
backoff, or gives up after `max_attempts` and leaves it for supervision, and commits. One delivery per
transaction keeps every lock a handler takes (the audit chain's, a case's row) for that handler only,
never across a batch of slow webhook calls. A worker killed mid-delivery commits nothing of it, so it is
made again: delivery is at least once, and receivers deduplicate by event id.

Subscribers register in their app's ``ready()``:

    @events.subscriber("licenses.issue_on_approval", topics=["cases.decided"])
    def issue(event, subscriber): ...

A subscriber name ending in ":" is a prefix for targets chosen per event (``record(...,
targets=["sharing.webhook:7"])``): its handler receives the full target name.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import json
import logging
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from . import rows
from .event_models import DeliveryStatus, DomainEvent, EventDelivery
from .logging import redact

logger = logging.getLogger(__name__)

Handler = Callable[[DomainEvent, str], None]


@dataclass(frozen=True)
class Subscriber:
    name: str
    topics: tuple[str, ...]  # fnmatch patterns; empty for a prefix subscriber (targets only)
    handler: Handler


_subscribers: dict[str, Subscriber] = {}
_by_topic: dict[str, list[str]] = {}  # subscribers_for, worked out once per topic until the registry changes


def subscriber(name: str, *, topics: Iterable[str] = ()) -> Callable[[Handler], Handler]:
    """Register `handler(event, subscriber_name)` under `name` for the topics (fnmatch patterns)."""

    def register(handler: Handler) -> Handler:
        _subscribers[name] = Subscriber(name, tuple(topics), handler)
        _by_topic.clear()
        return handler

    return register


def unsubscribe(name: str) -> None:
    _subscribers.pop(name, None)
    _by_topic.clear()


def subscribers_for(topic: str) -> list[str]:
    names = _by_topic.get(topic)
    if names is None:
        names = _by_topic[topic] = sorted(s.name for s in _subscribers.values()
                                          if any(fnmatch.fnmatchcase(topic, pattern) for pattern in s.topics))
    return list(names)


def _handler_for(name: str) -> Handler | None:
    found = _subscribers.get(name)
    if found is not None:
        return found.handler
    prefixes = [s for s in _subscribers.values() if s.name.endswith(":") and name.startswith(s.name)]
    return max(prefixes, key=lambda s: len(s.name)).handler if prefixes else None


def _json(payload: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False))


_INSERT_EVENT = ("INSERT INTO kernel_domainevent (id, topic, aggregate, payload, occurred_at) "
                 "VALUES (%s, %s, %s, %s::jsonb, %s)")
_INSERT_DELIVERIES = ("INSERT INTO kernel_eventdelivery (event_id, subscriber, status, attempts, next_attempt_at, "
                      "last_error) SELECT %s, s, %s, 0, %s, '' FROM unnest(%s::varchar[]) AS s")
_RECORD = f"WITH event AS ({_INSERT_EVENT}) {_INSERT_DELIVERIES}"


def record(topic: str, payload: dict[str, Any] | None = None, *, aggregate: str = "",
           targets: Iterable[str] = (), at: dt.datetime | None = None,
           writes: rows.Batch = rows.NOW) -> DomainEvent | None:
    """Write an event and its deliveries in the caller's transaction. Nothing is written when no
    subscriber listens to the topic and no target is named (returns None). On PostgreSQL the write
    goes with the batch `writes` when one is given."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("events.record() must be called inside transaction.atomic()")
    names = subscribers_for(topic) + list(targets)
    if not names:
        return None
    now = at or timezone.now()
    event = DomainEvent(topic=topic, aggregate=aggregate[:120], payload=_json(payload or {}), occurred_at=now)
    subscribers = list(dict.fromkeys(names))
    if connection.vendor == "postgresql":  # the event and its deliveries in one statement
        text = json.dumps(event.payload, ensure_ascii=False)
        if writes.immediate:
            rows.execute(_RECORD, [event.id, event.topic, event.aggregate, text, now, event.id,
                                   DeliveryStatus.PENDING, now, subscribers])
        else:  # a batch is one statement already: its two inserts go in it one by one
            writes.execute(_INSERT_EVENT, [event.id, event.topic, event.aggregate, text, now])
            writes.execute(_INSERT_DELIVERIES, [event.id, DeliveryStatus.PENDING, now, subscribers])
        event._state.adding = False
        return event
    event.save(force_insert=True)
    EventDelivery.objects.bulk_create(
        [EventDelivery(event=event, subscriber=name, next_attempt_at=now) for name in subscribers])
    return event


def max_attempts() -> int:
    return int(getattr(settings, "ONESEAL_EVENTS_MAX_ATTEMPTS", 12))


def backoff(attempts: int) -> dt.timedelta:
    """Seconds before retry N: 2, 4, 8 … capped at an hour, with ±20 % jitter so retries spread."""
    base = float(getattr(settings, "ONESEAL_EVENTS_BACKOFF_SECONDS", 2.0))
    delay = min(base * 2 ** max(attempts - 1, 0), 3600.0)
    return dt.timedelta(seconds=delay * random.uniform(0.8, 1.2))


@dataclass
class DispatchReport:
    claimed: int = 0
    delivered: int = 0
    retried: int = 0
    dead: int = 0
    errors: list[str] = field(default_factory=list)


def dispatch(*, batch: int = 100, now: dt.datetime | None = None, subscriber_prefix: str = "",
             exclude_prefix: str = "") -> DispatchReport:
    """Handle up to `batch` due deliveries, each in its own transaction; see the module docstring.
    `subscriber_prefix` / `exclude_prefix` split the work between workers (e.g. webhooks apart)."""
    report = DispatchReport()
    fixed_now = now
    for _n in range(batch):
        with transaction.atomic():
            now = fixed_now or timezone.now()
            due = EventDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            if subscriber_prefix:
                due = due.filter(subscriber__startswith=subscriber_prefix)
            if exclude_prefix:
                due = due.exclude(subscriber__startswith=exclude_prefix)
            delivery = (due.select_for_update(skip_locked=True, of=("self",)).select_related("event")
                        .order_by("next_attempt_at", "id").first())
            if delivery is None:
                break
            report.claimed += 1
            _deliver(delivery, now, report)
            EventDelivery.objects.filter(pk=delivery.pk).update(
                status=delivery.status, attempts=delivery.attempts, next_attempt_at=delivery.next_attempt_at,
                delivered_at=delivery.delivered_at, last_error=delivery.last_error)
    return report


def _deliver(delivery: EventDelivery, now: dt.datetime, report: DispatchReport) -> None:
    handler = _handler_for(delivery.subscriber)
    delivery.attempts += 1
    try:
        if handler is None:
            raise LookupError(f"no subscriber is registered as {delivery.subscriber!r}")
        with transaction.atomic():  # a savepoint: a failing handler leaves nothing behind
            handler(delivery.event, delivery.subscriber)
    except Exception as error:  # any failure of a subscriber is retried, never lost
        message = redact(f"{type(error).__name__}: {error}")[:2000]
        delivery.last_error = message
        report.errors.append(f"{delivery.subscriber} {delivery.event_id}: {message}")
        if delivery.attempts >= max_attempts():
            delivery.status = DeliveryStatus.DEAD
            report.dead += 1
            logger.warning("event %s to %s given up after %s attempts: %s", delivery.event_id,
                           delivery.subscriber, delivery.attempts, message)
        else:
            delivery.next_attempt_at = now + backoff(delivery.attempts)
            report.retried += 1
        return
    delivery.status, delivery.delivered_at, delivery.last_error = DeliveryStatus.DONE, now, ""
    report.delivered += 1


def dispatch_all(*, batch: int = 100, now: dt.datetime | None = None, max_rounds: int = 1000) -> DispatchReport:
    """Dispatch until nothing is due, including the events that handlers record on the way (tests and
    the demo loader; the worker loops on `dispatch`). A failed delivery is not retried within the call:
    its next attempt lies in the future."""
    total = DispatchReport()
    for _round in range(max_rounds):
        report = dispatch(batch=batch, now=now)
        total.claimed += report.claimed
        total.delivered += report.delivered
        total.retried += report.retried
        total.dead += report.dead
        total.errors += report.errors
        if report.claimed == 0:
            break
    return total
