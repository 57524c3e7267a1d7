"""Reads of payments, scoped to the acting user."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from oneseal.kernel.errors import DomainError, PermissionDeniedError

from .models import PaymentOrder

VIEW_PERMISSION = "payments.view_paymentorder"


class NotFound(DomainError):
    status = 404


def may_view_orders(user: Any) -> bool:
    """Staff, or anyone granted the view permission (a finance officer)."""
    return bool(getattr(user, "is_authenticated", False)
                and (user.is_staff or user.has_perm(VIEW_PERMISSION)))


def order_by_code(*, user: Any, payment_code: str) -> PaymentOrder:
    if not may_view_orders(user):
        raise PermissionDeniedError("forbidden", _("You may not see payment orders."))
    order = PaymentOrder.objects.filter(payment_code=payment_code).prefetch_related("notifications").first()
    if order is None:
        raise NotFound("not_found", _("No payment order has this payment code."))
    return order


def orders_for_reference(reference: str) -> QuerySet[PaymentOrder]:
    """The orders of one reference (a case number), newest first — for the app that owns the case,
    which has already decided the user may see it."""
    return PaymentOrder.objects.filter(reference=reference)
