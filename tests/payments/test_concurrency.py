"""Two deliveries of one notification at the same moment book one payment (PostgreSQL: row locks)."""

import threading

import pytest
from django.conf import settings
from django.db import connection

from oneseal.payments import services, simulator
from oneseal.payments.models import OrderStatus, PaymentNotification, PaymentOrder, SimulatedPlatformOrder

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("postgresql" not in settings.DATABASES["default"]["ENGINE"], reason="needs PostgreSQL"),
]


@pytest.mark.parametrize("same_nonce", [True, False])
def test_simultaneous_deliveries_book_one_payment(issue, same_nonce):
    order = issue()
    simulator.pay(order.payment_code, notify=False)
    payload = simulator.notification_payload(SimulatedPlatformOrder.objects.get(payment_code=order.payment_code))
    deliveries = [simulator.signed_notification(payload, nonce="a" * 32 if same_nonce else None)
                  for _ in range(4)]
    barrier = threading.Barrier(len(deliveries))
    errors = []

    def deliver(headers, body):
        try:
            barrier.wait()
            services.accept_notification(headers=headers, body=body)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver, args=d) for d in deliveries]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert PaymentOrder.objects.get().status == OrderStatus.PAID
    outcomes = list(PaymentNotification.objects.values_list("outcome", flat=True))
    assert outcomes.count("applied") == 1
    assert len(outcomes) == (1 if same_nonce else 4)
