"""A local stand-in for the provincial non-tax revenue payment platform (非税收入统一缴费平台).

Used by the demo and the tests in place of the real platform. It keeps its own ledger
(`SimulatedPlatformOrder`), issues payment codes, lets a payer pay, and then — like the real
platform — tells the city asynchronously with a signed notification: `pay()` queues
`deliver_notification_task`, which signs at delivery time with the simulated platform's Ed25519 key
and hands headers and body bytes to the same service the HTTP callback calls.

Nothing here is the city's record of a payment; only `services.accept_notification` makes one.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oneseal.kernel.errors import DomainError

from .models import SimulatedPlatformOrder
from .provider import (
    StatementLine,
    canonical_json,
    make_payment_code,
    sign_notification,
    simulator_private_key,
)


class SimulatorNotFound(DomainError):
    status = 404


def is_enabled() -> bool:
    """The simulator's payer page and endpoint exist only in DEBUG or when explicitly enabled."""
    return bool(getattr(settings, "PAYMENT_SIMULATOR_ENABLED", False) or settings.DEBUG)


def register_order(*, reference: str, payer_name: str, amount_fen: int) -> str:
    """Record an order the city created; return a new, unused payment code."""
    today = timezone.localdate()
    code = make_payment_code(today)
    while SimulatedPlatformOrder.objects.filter(payment_code=code).exists():
        code = make_payment_code(today)
    SimulatedPlatformOrder.objects.create(payment_code=code, reference=reference, payer_name=payer_name,
                                          amount_fen=amount_fen, created_at=timezone.now())
    return code


def notification_payload(entry: SimulatedPlatformOrder) -> dict[str, Any]:
    assert entry.paid_at is not None
    return {"status": "paid", "payment_code": entry.payment_code, "txn_id": entry.txn_id,
            "amount_fen": entry.amount_fen, "paid_at": entry.paid_at.isoformat()}


def signed_notification(payload: dict[str, Any], *, timestamp: int | None = None,
                        nonce: str | None = None) -> tuple[dict[str, str], bytes]:
    """Headers and body bytes of a notification signed by the simulated platform."""
    body = canonical_json(payload)
    return sign_notification(simulator_private_key(), body, timestamp=timestamp, nonce=nonce), body


@transaction.atomic
def pay(payment_code: str, at: dt.datetime | None = None, *, notify: bool = True) -> str:
    """The payer pays the order in full; return the platform's transaction id.

    With `notify` (the normal case) a signed notification is queued for after commit; without it the
    notification is "lost", which the daily reconciliation must then find.
    """
    entry = SimulatedPlatformOrder.objects.select_for_update().filter(payment_code=payment_code).first()
    if entry is None:
        raise SimulatorNotFound("unknown_payment_code", _("No order has this payment code."))
    if entry.paid_at is not None:
        raise DomainError("already_paid", _("This order has already been paid."))
    entry.txn_id = "SIM" + secrets.token_hex(12).upper()
    entry.paid_at = at or timezone.now()
    entry.save(update_fields=["txn_id", "paid_at"])
    if notify:
        from .tasks import deliver_notification_task

        payload, nonce = notification_payload(entry), secrets.token_hex(16)
        transaction.on_commit(lambda: deliver_notification_task.enqueue(payload, nonce))
    return entry.txn_id


@transaction.atomic
def refund(payment_code: str, amount_fen: int) -> str:
    """Refund a paid order; return the platform's refund id."""
    entry = SimulatedPlatformOrder.objects.select_for_update().filter(payment_code=payment_code).first()
    if entry is None:
        raise SimulatorNotFound("unknown_payment_code", _("No order has this payment code."))
    if entry.paid_at is None or entry.refund_id or amount_fen > entry.amount_fen:
        raise DomainError("platform_refund_refused", _("The payment platform refused the refund."))
    entry.refund_id = "SIMR" + secrets.token_hex(12).upper()
    entry.refund_fen = amount_fen
    entry.refunded_at = timezone.now()
    entry.save(update_fields=["refund_id", "refund_fen", "refunded_at"])
    return entry.refund_id


def _day_bounds(date: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(date, dt.time.min))
    return start, start + dt.timedelta(days=1)


def daily_statement(date: dt.date) -> list[StatementLine]:
    """Every payment and refund booked on `date` in the platform's ledger."""
    start, end = _day_bounds(date)
    lines = [StatementLine("payment", e.payment_code, e.txn_id, e.amount_fen, e.paid_at)
             for e in SimulatedPlatformOrder.objects.filter(paid_at__gte=start, paid_at__lt=end)]
    lines += [StatementLine("refund", e.payment_code, e.refund_id, e.refund_fen, e.refunded_at)
              for e in SimulatedPlatformOrder.objects.filter(refunded_at__gte=start, refunded_at__lt=end)]
    return lines
