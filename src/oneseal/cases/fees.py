"""Fees of a case (缴费): a payment order from the item's fee standards when the case is accepted,
payment before the decision or the delivery as the item says, refunds when a case ends without a
result. The money itself is the payments app's; this module only decides when."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from oneseal.catalog.models import FeeDueBefore
from oneseal.kernel.errors import DomainError
from oneseal.payments import selectors as payment_selectors
from oneseal.payments import services as payments
from oneseal.payments.models import OrderStatus, PaymentOrder

from .models import Case


def fee_lines(case: Case) -> list[dict]:
    return [{"name": f["name"], "amount_fen": int(f["amount_fen"]), "legal_basis": f.get("legal_basis", "")}
            for f in case.item_version.snapshot.get("fees", [])]


def current_order(case: Case) -> PaymentOrder | None:
    return (payment_selectors.orders_for_reference(case.number)
            .exclude(status=OrderStatus.CANCELLED).order_by("-issued_at").first())


def charge(case: Case, actor) -> PaymentOrder | None:
    """Issue the payment order of an accepted case whose item charges (inside the caller's transaction)."""
    lines = fee_lines(case)
    if not lines or case.item_version.snapshot.get("is_free", True):
        return None
    return payments.issue_payment_order(actor=actor, reference=case.number, payer_name=case.applicant.name,
                                        payer_id=case.applicant.id_number, lines=lines)


def require_paid(case: Case, before: str) -> None:
    """Refuse the decision or the delivery while the item's fee is unpaid, where the item says so."""
    if not fee_lines(case):
        return
    order = current_order(case)
    if order is None:
        return
    due = case.item_version.snapshot.get("fee_due_before", FeeDueBefore.DELIVERY)
    waits = before == FeeDueBefore.DELIVERY or due == FeeDueBefore.DECISION
    if waits and order.status != OrderStatus.PAID:
        raise DomainError("fee_not_paid", _("The fee (payment code %(code)s) has not been paid yet."),
                          field="fee", code=order.payment_code)


def settle_without_result(case: Case, actor, reason: str) -> str | None:
    """The case ends without a result: cancel an unpaid order, refund a paid one."""
    if not fee_lines(case):
        return None
    order = current_order(case)
    if order is None:
        return None
    if order.status == OrderStatus.ISSUED:
        payments.cancel_payment_order(actor=actor, order=order, reason=reason)
        return "cancelled"
    if order.status == OrderStatus.PAID:
        payments.refund_payment(actor=actor, order=order, reason=reason)
        return "refunded"
    return None


def paid_at(case: Case) -> dt.datetime | None:
    order = current_order(case)
    return order.paid_at if order is not None and order.status == OrderStatus.PAID else None
