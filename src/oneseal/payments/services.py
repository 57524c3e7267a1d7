"""Writes to payments. Each command is one transaction with one audit entry.

Callers (the cases app) authorise the acting user before issuing or refunding: payments knows
references, not cases. The platform's notification is authorised by its signature alone.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oneseal.kernel import audit
from oneseal.kernel.errors import DomainError, FieldIssue, ValidationFailed

from .models import NotificationOutcome, OrderStatus, PaymentNotification, PaymentOrder, Refund
from .provider import get_provider
from .signals import order_paid, order_refunded

logger = logging.getLogger(__name__)


class ErrorCode(StrEnum):
    UNKNOWN_PAYMENT_CODE = "unknown_payment_code"
    AMOUNT_MISMATCH = "amount_mismatch"
    NONCE_REUSED = "replayed_notification"
    ILLEGAL_TRANSITION = "illegal_transition"
    REASON_REQUIRED = "reason_required"


class Action(StrEnum):
    PAY = "pay"
    REFUND = "refund"
    CANCEL = "cancel"


# The order's life cycle, in one table: (status, action) -> new status. Anything else is refused.
TRANSITIONS: dict[tuple[str, str], str] = {
    (OrderStatus.ISSUED, Action.PAY): OrderStatus.PAID,
    (OrderStatus.ISSUED, Action.CANCEL): OrderStatus.CANCELLED,
    (OrderStatus.PAID, Action.REFUND): OrderStatus.REFUNDED,
}

_REFUSALS = {
    Action.PAY: _("Only an order awaiting payment can be paid; this one is %(status)s."),
    Action.REFUND: _("Only a paid order can be refunded; this one is %(status)s."),
    Action.CANCEL: _("Only an order awaiting payment can be cancelled; this one is %(status)s."),
}


def next_status(status: str, action: Action) -> str:
    """The status after `action`, or a DomainError if the table does not allow it."""
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        raise DomainError(ErrorCode.ILLEGAL_TRANSITION, _REFUSALS[action],
                          status=OrderStatus(status).label) from None


PLATFORM_ACTOR = "payment platform"


# --- issuing ------------------------------------------------------------------------------------

def _clean_lines(lines: Any) -> tuple[list[dict[str, Any]], list[FieldIssue]]:
    issues: list[FieldIssue] = []
    if not isinstance(lines, list) or not lines:
        return [], [FieldIssue(field="lines", code="required", message=_("At least one fee line is needed."))]
    clean = []
    for index, line in enumerate(lines):
        where = f"lines[{index}]"
        if not isinstance(line, dict):
            issues.append(FieldIssue(field=where, code="invalid", message=_("A fee line must be an object.")))
            continue
        name, amount, basis = line.get("name"), line.get("amount_fen"), line.get("legal_basis", "")
        if not isinstance(name, str) or not name.strip():
            issues.append(FieldIssue(field=f"{where}.name", code="required", message=_("The fee needs a name.")))
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            issues.append(FieldIssue(field=f"{where}.amount_fen", code="invalid",
                                     message=_("The amount must be a whole number of fen, not negative.")))
        if not isinstance(basis, str):
            issues.append(FieldIssue(field=f"{where}.legal_basis", code="invalid",
                                     message=_("The legal basis must be text.")))
        if not issues:
            clean.append({"name": name.strip(), "amount_fen": amount, "legal_basis": basis.strip()})
    return clean, issues


def issue_payment_order(*, actor: Any, reference: str, payer_name: str, payer_id: str,
                        lines: list[dict[str, Any]]) -> PaymentOrder:
    """Issue a payment order for `reference` (a case number) with its fee lines and their legal basis;
    the platform assigns the payment code (缴款码) the payer pays with."""
    issues = []
    for name, value, limit in (("reference", reference, 64), ("payer_name", payer_name, 200),
                               ("payer_id", payer_id, 32)):
        if not isinstance(value, str) or not value.strip():
            issues.append(FieldIssue(field=name, code="required", message=_("This field is required.")))
        elif len(value.strip()) > limit:
            issues.append(FieldIssue(field=name, code="too_long", message=_("At most %(limit)s characters."),
                                     params={"limit": limit}))
    clean, line_issues = _clean_lines(lines)
    issues += line_issues
    total = sum(line["amount_fen"] for line in clean)
    if not issues and total <= 0:
        issues.append(FieldIssue(field="lines", code="nothing_to_pay",
                                 message=_("The fees add up to nothing: no payment order is needed.")))
    if issues:
        raise ValidationFailed(issues, _("The payment order has errors; nothing was issued."))
    provider = get_provider()
    with transaction.atomic():
        order = PaymentOrder(reference=reference.strip(), payer_name=payer_name.strip(),
                             payer_id=payer_id.strip(), lines=clean, total_fen=total, issued_at=timezone.now(),
                             provider=provider.name)
        order.payment_code = provider.create_order(order)
        order.save(force_insert=True)
        audit.record(actor=actor, action="payments.order_issued", target=order,
                     data={"reference": order.reference, "payment_code": order.payment_code, "total_fen": total})
    return order


def cancel_payment_order(*, actor: Any, order: PaymentOrder, reason: str) -> PaymentOrder:
    """Cancel an unpaid order (the case was withdrawn or refused before payment). A payment the
    platform still takes for it is recorded as not payable and must be refunded."""
    if not reason or not reason.strip():
        raise DomainError(ErrorCode.REASON_REQUIRED, _("A reason is required."), field="reason")
    with transaction.atomic():
        order = PaymentOrder.objects.select_for_update().get(pk=order.pk)
        order.status = next_status(order.status, Action.CANCEL)
        order.cancelled_at = timezone.now()
        order.save(update_fields=["status", "cancelled_at"])
        audit.record(actor=actor, action="payments.order_cancelled", target=order,
                     data={"payment_code": order.payment_code, "reason": reason.strip()})
    return order


# --- the platform's notification ----------------------------------------------------------------

def _send_after_commit(signal, order: PaymentOrder) -> None:
    def send() -> None:
        for receiver, result in signal.send_robust(sender=PaymentOrder, order=order, reference=order.reference):
            if isinstance(result, Exception):
                logger.error("payments: receiver %r failed for %s", receiver, order.payment_code, exc_info=result)

    transaction.on_commit(send)


def _outcome(order: PaymentOrder, txn_id: str) -> str:
    if order.status == OrderStatus.ISSUED:
        return NotificationOutcome.APPLIED
    if order.provider_txn_id == txn_id:
        return NotificationOutcome.SAME_TRANSACTION
    if order.status == OrderStatus.PAID:
        return NotificationOutcome.ALREADY_PAID
    return NotificationOutcome.NOT_PAYABLE


def accept_notification(*, headers: Any, body: bytes) -> PaymentOrder:
    """Record the platform's payment notification.

    Refused (nothing written): a bad or missing signature, a timestamp outside the window, content
    not understood, an unknown payment code, an amount other than the order's total, a nonce already
    used for another order. Accepted without effect: the same nonce again (the platform retrying),
    or the same transaction under a new nonce. A different payment of an order already paid,
    cancelled or refunded is recorded and ignored (the payer is owed a refund; reconciliation and
    the log show it). Only the first payment marks the order paid and sends `order_paid`.
    """
    note = get_provider().parse_notification(headers, body)
    with transaction.atomic():
        order = PaymentOrder.objects.select_for_update().filter(payment_code=note.payment_code).first()
        if order is None:
            raise DomainError(ErrorCode.UNKNOWN_PAYMENT_CODE, _("No payment order has this payment code."))
        seen = PaymentNotification.objects.filter(notification_id=note.notification_id).first()
        if seen is not None:
            if seen.order_id != order.pk:
                raise DomainError(ErrorCode.NONCE_REUSED, _("This notification id has already been used."))
            audit.record(actor=PLATFORM_ACTOR, action="payments.notification_repeated", target=order,
                         data={"notification_id": note.notification_id})
            return order
        if note.amount_fen != order.total_fen:
            raise DomainError(ErrorCode.AMOUNT_MISMATCH,
                              _("The amount paid (%(paid)s fen) is not the order's total (%(total)s fen)."),
                              paid=note.amount_fen, total=order.total_fen)
        outcome = _outcome(order, note.txn_id)
        if outcome == NotificationOutcome.APPLIED:
            order.status = next_status(order.status, Action.PAY)
            order.paid_at = note.paid_at
            order.provider_txn_id = note.txn_id
            order.save(update_fields=["status", "paid_at", "provider_txn_id"])
            _send_after_commit(order_paid, order)
        elif outcome != NotificationOutcome.SAME_TRANSACTION:
            logger.warning("payments: %s for %s (txn %s): payer is owed a refund",
                           outcome, order.payment_code, note.txn_id)
        PaymentNotification.objects.create(
            notification_id=note.notification_id, order=order, txn_id=note.txn_id, amount_fen=note.amount_fen,
            signed_at=note.signed_at, signature=note.signature, body=note.body, received_at=timezone.now(),
            verified=True, outcome=outcome)
        audit.record(actor=PLATFORM_ACTOR, action="payments.notification_accepted", target=order,
                     data={"notification_id": note.notification_id, "txn_id": note.txn_id,
                           "amount_fen": note.amount_fen, "outcome": str(outcome)})
    return order


# --- refunds ------------------------------------------------------------------------------------

def refund_payment(*, actor: Any, order: PaymentOrder, reason: str) -> Refund:
    """Refund a paid order in full, e.g. when its case is refused or withdrawn (issue 3, item 7).

    The platform is asked inside the transaction: if it refuses, nothing is written; if the local
    commit failed after the platform refunded, the day's reconciliation shows the refund.
    """
    if not reason or not reason.strip():
        raise DomainError(ErrorCode.REASON_REQUIRED, _("A reason is required."), field="reason")
    with transaction.atomic():
        order = PaymentOrder.objects.select_for_update().get(pk=order.pk)
        order.status = next_status(order.status, Action.REFUND)
        refund_id = get_provider().refund(order, order.total_fen)
        now = timezone.now()
        refund = Refund.objects.create(
            order=order, amount_fen=order.total_fen, reason=reason.strip(), provider_refund_id=refund_id,
            created_at=now, created_by=actor if getattr(actor, "is_authenticated", False) else None)
        order.refunded_at = now
        order.save(update_fields=["status", "refunded_at"])
        audit.record(actor=actor, action="payments.refunded", target=order,
                     data={"payment_code": order.payment_code, "amount_fen": refund.amount_fen,
                           "refund_id": refund_id, "reason": refund.reason})
        _send_after_commit(order_refunded, order)
    return refund


# --- reconciliation -----------------------------------------------------------------------------

@dataclass(frozen=True)
class ReconciliationLine:
    kind: str  # "payment" or "refund"
    payment_code: str
    local_fen: int | None
    platform_fen: int | None


@dataclass
class ReconciliationReport:
    """The day's comparison of the platform's statement with local records (对账)."""

    date: dt.date
    matched: list[ReconciliationLine] = field(default_factory=list)
    missing_locally: list[ReconciliationLine] = field(default_factory=list)
    missing_at_provider: list[ReconciliationLine] = field(default_factory=list)
    amount_mismatches: list[ReconciliationLine] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        return not (self.missing_locally or self.missing_at_provider or self.amount_mismatches)

    def summary(self) -> dict[str, Any]:
        def codes(lines: list[ReconciliationLine]) -> list[str]:
            return [f"{line.kind}:{line.payment_code}" for line in lines]

        return {"date": self.date.isoformat(), "matched": len(self.matched),
                "missing_locally": codes(self.missing_locally),
                "missing_at_provider": codes(self.missing_at_provider),
                "amount_mismatches": codes(self.amount_mismatches)}


def _local_entries(date: dt.date) -> dict[tuple[str, str], int]:
    start = timezone.make_aware(dt.datetime.combine(date, dt.time.min))
    end = start + dt.timedelta(days=1)
    entries = {("payment", code): total for code, total in PaymentOrder.objects.filter(
        paid_at__gte=start, paid_at__lt=end, provider_txn_id__gt="").values_list("payment_code", "total_fen")}
    entries |= {("refund", code): amount for code, amount in Refund.objects.filter(
        created_at__gte=start, created_at__lt=end).values_list("order__payment_code", "amount_fen")}
    return entries


def reconcile_day(*, actor: Any, date: dt.date) -> ReconciliationReport:
    """Compare the platform's daily statement for `date` with the payments and refunds booked here."""
    statement = {(line.kind, line.payment_code): line.amount_fen
                 for line in get_provider().daily_statement(date)}
    with transaction.atomic():
        local = _local_entries(date)
        report = ReconciliationReport(date=date)
        for key in sorted(statement.keys() | local.keys()):
            line = ReconciliationLine(key[0], key[1], local.get(key), statement.get(key))
            if line.local_fen is None:
                report.missing_locally.append(line)
            elif line.platform_fen is None:
                report.missing_at_provider.append(line)
            elif line.local_fen != line.platform_fen:
                report.amount_mismatches.append(line)
            else:
                report.matched.append(line)
        audit.record(actor=actor, action="payments.reconciled", data=report.summary())
    return report
