"""The cases app's reactions to other apps' domain events."""

from oneseal.payments.signals import order_paid


def _on_order_paid(sender, order, reference, **kwargs) -> None:
    from .services import record_fee_paid

    record_fee_paid(case_number=reference, payment_code=order.payment_code, paid_at=order.paid_at)


def connect() -> None:
    order_paid.connect(_on_order_paid, dispatch_uid="cases.fee_paid")
