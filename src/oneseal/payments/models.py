"""Payments state: payment orders (缴款单), the platform's notifications, refunds, and the
simulator's own ledger (the stand-in for the provincial platform's records).

Amounts are integer fen. Invariants the database can hold are constraints here: unique payment
codes, transaction ids and notification ids, positive totals, and the timestamps each status needs.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OrderStatus(models.TextChoices):
    ISSUED = "issued", _("Awaiting payment")
    PAID = "paid", _("Paid")
    REFUNDED = "refunded", _("Refunded")
    CANCELLED = "cancelled", _("Cancelled")


class PaymentOrder(models.Model):
    """One payment order for one reference (a case number), with its fee lines.

    `lines` is a list of {"name": str, "amount_fen": int, "legal_basis": str}; `total_fen` is their
    sum, fixed when the order is issued. `payment_code` (缴款码) is issued by the platform.
    """

    reference = models.CharField(_("reference"), max_length=64, db_index=True)
    payer_name = models.CharField(_("payer name"), max_length=200)
    payer_id = models.CharField(_("payer identity number"), max_length=32)
    lines = models.JSONField(_("fee lines"))
    total_fen = models.BigIntegerField(_("total (fen)"))
    payment_code = models.CharField(_("payment code"), max_length=20, unique=True)
    status = models.CharField(_("status"), max_length=16, choices=OrderStatus.choices, default=OrderStatus.ISSUED)
    issued_at = models.DateTimeField(_("issued at"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True, db_index=True)
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    provider_txn_id = models.CharField(_("platform transaction id"), max_length=64, blank=True)
    provider = models.CharField(_("payment platform"), max_length=40)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("payment order")
        verbose_name_plural = _("payment orders")
        constraints = [
            models.CheckConstraint(condition=Q(total_fen__gt=0), name="payments_order_total_positive"),
            models.UniqueConstraint(fields=["provider_txn_id"], condition=~Q(provider_txn_id=""),
                                    name="payments_order_unique_txn"),
            models.CheckConstraint(
                condition=Q(status=OrderStatus.ISSUED) | Q(status=OrderStatus.CANCELLED)
                | (Q(paid_at__isnull=False) & ~Q(provider_txn_id="")),
                name="payments_order_paid_has_txn"),
            models.CheckConstraint(condition=~Q(status=OrderStatus.REFUNDED) | Q(refunded_at__isnull=False),
                                   name="payments_order_refunded_has_time"),
            models.CheckConstraint(condition=~Q(status=OrderStatus.CANCELLED) | Q(cancelled_at__isnull=False),
                                   name="payments_order_cancelled_has_time"),
        ]

    def __str__(self) -> str:
        return f"{self.payment_code} {self.reference} {self.total_fen}"


class NotificationOutcome(models.TextChoices):
    APPLIED = "applied", _("Applied: the order was marked paid")
    SAME_TRANSACTION = "same_transaction", _("Same transaction notified again: nothing changed")
    ALREADY_PAID = "already_paid", _("Another payment of an order already paid: ignored, needs a refund")
    NOT_PAYABLE = "not_payable", _("Payment of a cancelled or refunded order: ignored, needs a refund")


class PaymentNotification(models.Model):
    """A verified payment notification from the platform, kept verbatim.

    The unique `notification_id` (the signed nonce) is the replay guard. Notifications whose
    signature fails are not stored: a forger could otherwise take a genuine notification's nonce.
    """

    notification_id = models.CharField(_("notification id (nonce)"), max_length=64, unique=True)
    order = models.ForeignKey(PaymentOrder, verbose_name=_("payment order"), on_delete=models.PROTECT,
                              related_name="notifications")
    txn_id = models.CharField(_("platform transaction id"), max_length=64)
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    signed_at = models.DateTimeField(_("signed at"))
    signature = models.CharField(_("signature"), max_length=200)
    body = models.TextField(_("raw body"))
    received_at = models.DateTimeField(_("received at"))
    verified = models.BooleanField(_("signature verified"), default=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=NotificationOutcome.choices)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("payment notification")
        verbose_name_plural = _("payment notifications")
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gte=0), name="payments_notification_amount_nonneg"),
            models.CheckConstraint(condition=Q(verified=True), name="payments_notification_verified"),
        ]

    def __str__(self) -> str:
        return f"{self.notification_id} {self.outcome}"


class Refund(models.Model):
    """The refund of a paid order (in full: fees are refunded when a case is refused or withdrawn)."""

    order = models.OneToOneField(PaymentOrder, verbose_name=_("payment order"), on_delete=models.PROTECT,
                                 related_name="refund")
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    reason = models.TextField(_("reason"))
    provider_refund_id = models.CharField(_("platform refund id"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("refunded at"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("refunded by"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [models.CheckConstraint(condition=Q(amount_fen__gt=0), name="payments_refund_positive")]

    def __str__(self) -> str:
        return f"{self.provider_refund_id} {self.amount_fen}"


class SimulatedPlatformOrder(models.Model):
    """The simulator's ledger: what the provincial platform would hold. Not the city's records.

    Only `oneseal.payments.simulator` writes here; reconciliation reads it through the provider's
    daily statement, exactly as it would read the real platform's.
    """

    payment_code = models.CharField(_("payment code"), max_length=20, unique=True)
    reference = models.CharField(_("reference"), max_length=64)
    payer_name = models.CharField(_("payer name"), max_length=200)
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    created_at = models.DateTimeField(_("created at"))
    txn_id = models.CharField(_("transaction id"), max_length=64, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    refund_id = models.CharField(_("refund id"), max_length=64, blank=True)
    refund_fen = models.BigIntegerField(_("refunded (fen)"), default=0)
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("simulated platform order")
        verbose_name_plural = _("simulated platform orders")
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gte=0) & Q(refund_fen__gte=0),
                                   name="payments_simulated_amounts_nonneg"),
        ]

    def __str__(self) -> str:
        return self.payment_code
