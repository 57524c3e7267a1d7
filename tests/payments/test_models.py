"""The invariants the database itself holds, whatever code writes."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from oneseal.payments.models import OrderStatus, PaymentNotification, PaymentOrder, Refund

pytestmark = pytest.mark.django_db


def order(**fields):
    values = {"reference": "R", "payer_name": "张三", "payer_id": "1", "lines": [], "total_fen": 100,
              "payment_code": "25030100000000000000", "issued_at": timezone.now(), "provider": "simulator"}
    return PaymentOrder(**(values | fields))


@pytest.mark.parametrize("fields", [
    {"total_fen": 0},
    {"total_fen": -5},
    {"status": OrderStatus.PAID},  # paid without a time and a transaction id
    {"status": OrderStatus.PAID, "paid_at": timezone.now()},
    {"status": OrderStatus.REFUNDED, "paid_at": timezone.now(), "provider_txn_id": "T"},
    {"status": OrderStatus.CANCELLED},
])
def test_order_invariants(fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        order(**fields).save()


def test_payment_codes_and_transaction_ids_are_unique():
    order().save()
    with pytest.raises(IntegrityError), transaction.atomic():
        order(reference="other").save()
    now = timezone.now()
    order(payment_code="1" * 20, status=OrderStatus.PAID, paid_at=now, provider_txn_id="T").save()
    with pytest.raises(IntegrityError), transaction.atomic():
        order(payment_code="2" * 20, status=OrderStatus.PAID, paid_at=now, provider_txn_id="T").save()
    order(payment_code="3" * 20).save()  # many unpaid orders share the empty transaction id


def test_notification_ids_are_unique_and_amounts_not_negative():
    o = order()
    o.save()
    fields = {"order": o, "txn_id": "T", "amount_fen": 100, "signed_at": timezone.now(), "signature": "s",
              "body": "{}", "received_at": timezone.now(), "outcome": "applied"}
    PaymentNotification.objects.create(notification_id="n" * 16, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentNotification.objects.create(notification_id="n" * 16, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentNotification.objects.create(notification_id="m" * 16, **(fields | {"amount_fen": -1}))


def test_one_refund_per_order_and_positive():
    o = order()
    o.save()
    Refund.objects.create(order=o, amount_fen=100, reason="r", provider_refund_id="R1", created_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Refund.objects.create(order=o, amount_fen=100, reason="r", provider_refund_id="R2",
                              created_at=timezone.now())
    o2 = order(payment_code="4" * 20)
    o2.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        Refund.objects.create(order=o2, amount_fen=0, reason="r", provider_refund_id="R3",
                              created_at=timezone.now())
