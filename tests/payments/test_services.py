import datetime as dt
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone

from oneseal.kernel.audit import verify_chain
from oneseal.kernel.errors import DomainError, ValidationFailed
from oneseal.kernel.models import AuditEntry
from oneseal.payments import services, simulator
from oneseal.payments.models import (
    NotificationOutcome,
    OrderStatus,
    PaymentNotification,
    PaymentOrder,
    Refund,
    SimulatedPlatformOrder,
)
from oneseal.payments.provider import canonical_json, payment_code_is_valid, sign_notification
from oneseal.payments.signals import order_paid

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_signals():
    received = []

    def receiver(sender, order, reference, **kwargs):
        received.append((order.payment_code, reference))

    order_paid.connect(receiver)
    yield received
    order_paid.disconnect(receiver)


def state():
    """Everything a refused notification must leave untouched."""
    return (list(PaymentOrder.objects.values_list("payment_code", "status", "provider_txn_id", "paid_at")),
            PaymentNotification.objects.count(), Refund.objects.count(), AuditEntry.objects.count())


def paid_at_platform(order, at=None):
    """The payer pays, but the notification is built by the test (returns payload dict)."""
    simulator.pay(order.payment_code, at=at, notify=False)
    return simulator.notification_payload(SimulatedPlatformOrder.objects.get(payment_code=order.payment_code))


def deliver(payload, **signing):
    """Sign `payload` as the platform (a fresh nonce each time) and hand it to the service."""
    headers, body = simulator.signed_notification(payload, **signing)
    return services.accept_notification(headers=headers, body=body)


def refused(code, headers, body):
    before = state()
    with pytest.raises(DomainError) as exc:
        services.accept_notification(headers=headers, body=body)
    assert exc.value.code == code
    assert state() == before
    return exc.value


# --- issuing ------------------------------------------------------------------------------------

def test_issued_order_has_a_valid_payment_code_total_and_platform_record(issue):
    order = issue()
    assert order.status == OrderStatus.ISSUED
    assert order.total_fen == 3550
    assert payment_code_is_valid(order.payment_code)
    assert SimulatedPlatformOrder.objects.get(payment_code=order.payment_code).amount_fen == 3550
    assert AuditEntry.objects.filter(action="payments.order_issued", target_id=str(order.pk)).count() == 1


@pytest.mark.parametrize(("lines", "field"), [
    ([], "lines"),
    ([{"name": "", "amount_fen": 100}], "lines[0].name"),
    ([{"name": "工本费", "amount_fen": -1}], "lines[0].amount_fen"),
    ([{"name": "工本费", "amount_fen": 1.5}], "lines[0].amount_fen"),
    ([{"name": "工本费", "amount_fen": True}], "lines[0].amount_fen"),
    ([{"name": "工本费", "amount_fen": 0}], "lines"),
])
def test_bad_fee_lines_are_refused_and_nothing_is_issued(issue, lines, field):
    with pytest.raises(ValidationFailed) as exc:
        issue(lines=lines)
    assert exc.value.issues[0].field == field
    assert not PaymentOrder.objects.exists()
    assert not SimulatedPlatformOrder.objects.exists()


# --- the happy path -----------------------------------------------------------------------------

def test_issue_pay_notify_marks_the_order_paid_once_and_tells_listeners(
        issue, immediate_tasks, django_capture_on_commit_callbacks, paid_signals):
    order = issue()
    with django_capture_on_commit_callbacks(execute=True):
        txn = simulator.pay(order.payment_code)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert order.provider_txn_id == txn
    assert order.paid_at is not None
    note = PaymentNotification.objects.get()
    assert (note.outcome, note.verified, note.amount_fen) == (NotificationOutcome.APPLIED, True, 3550)
    assert paid_signals == [(order.payment_code, "420683-20250301-0001")]
    assert verify_chain().ok


# --- refusals -----------------------------------------------------------------------------------

def test_forged_signature_is_rejected(issue):
    order = issue()
    payload = paid_at_platform(order)
    body = canonical_json(payload)
    headers = sign_notification(Ed25519PrivateKey.generate(), body)
    refused("bad_signature", headers, body)
    assert PaymentOrder.objects.get().status == OrderStatus.ISSUED


def test_body_changed_after_signing_is_rejected(issue):
    order = issue()
    headers, body = simulator.signed_notification(paid_at_platform(order))
    tampered = body.replace(order.payment_code.encode(), issue(reference="other").payment_code.encode())
    refused("bad_signature", headers, tampered)
    refused("bad_signature", headers, body + b" ")


def test_nonce_swapped_after_signing_is_rejected(issue):
    order = issue()
    headers, body = simulator.signed_notification(paid_at_platform(order))
    refused("bad_signature", {**headers, "X-Payment-Nonce": "f" * 32}, body)


@pytest.mark.parametrize("headers", [
    {},
    {"X-Payment-Timestamp": "1", "X-Payment-Nonce": "a" * 32},
    {"X-Payment-Timestamp": "soon", "X-Payment-Nonce": "a" * 32, "X-Payment-Signature": "AAAA"},
    {"X-Payment-Timestamp": "1", "X-Payment-Nonce": "a" * 32, "X-Payment-Signature": "not base64!"},
])
def test_missing_or_garbled_signature_headers_are_rejected(issue, headers):
    body = canonical_json(paid_at_platform(issue()))
    with pytest.raises(DomainError) as exc:
        services.accept_notification(headers=headers, body=body)
    assert exc.value.code in {"missing_signature_headers", "bad_signature"}


@pytest.mark.parametrize("skew", [-301, 301, -86400])
def test_notification_signed_outside_the_time_window_is_rejected(issue, skew):
    payload = paid_at_platform(issue())
    headers, body = simulator.signed_notification(payload, timestamp=int(timezone.now().timestamp()) + skew)
    refused("stale_notification", headers, body)


def test_amount_other_than_the_total_is_rejected(issue):
    payload = paid_at_platform(issue())
    payload["amount_fen"] = 1
    headers, body = simulator.signed_notification(payload)
    refused("amount_mismatch", headers, body)


def test_unknown_payment_code_is_rejected(issue):
    payload = paid_at_platform(issue())
    payload["payment_code"] = payload["payment_code"][:-1] + ("0" if payload["payment_code"][-1] != "0" else "1")
    headers, body = simulator.signed_notification(payload)
    refused("malformed_notification", headers, body)  # check digit fails before any lookup


@pytest.mark.parametrize("change", [
    {"status": "failed"}, {"amount_fen": "3550"}, {"paid_at": "2025-03-01T10:00:00"}, {"txn_id": ""},
])
def test_signed_but_malformed_content_is_rejected(issue, change):
    payload = paid_at_platform(issue()) | change
    headers, body = simulator.signed_notification(payload)
    refused("malformed_notification", headers, body)


# --- replays and double payments ----------------------------------------------------------------

def test_replayed_notification_is_idempotent_without_double_booking(issue, paid_signals,
                                                                    django_capture_on_commit_callbacks):
    order = issue()
    headers, body = simulator.signed_notification(paid_at_platform(order))
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_notification(headers=headers, body=body)
        again = services.accept_notification(headers=headers, body=body)
    assert again.status == OrderStatus.PAID
    assert PaymentNotification.objects.count() == 1
    assert len(paid_signals) == 1
    assert AuditEntry.objects.filter(action="payments.notification_repeated").count() == 1


def test_nonce_reused_for_another_order_is_rejected(issue):
    first, second = issue(), issue(reference="420683-20250301-0002")
    headers, body = simulator.signed_notification(paid_at_platform(first))
    services.accept_notification(headers=headers, body=body)
    other_headers, other_body = simulator.signed_notification(paid_at_platform(second),
                                                              nonce=headers["X-Payment-Nonce"])
    refused("replayed_notification", other_headers, other_body)
    assert PaymentOrder.objects.get(pk=second.pk).status == OrderStatus.ISSUED


def test_same_transaction_under_a_new_nonce_changes_nothing(issue, paid_signals,
                                                            django_capture_on_commit_callbacks):
    order = issue()
    payload = paid_at_platform(order)
    with django_capture_on_commit_callbacks(execute=True):
        deliver(payload)
        deliver(payload)
    assert list(PaymentNotification.objects.order_by("pk").values_list("outcome", flat=True)) == [
        NotificationOutcome.APPLIED, NotificationOutcome.SAME_TRANSACTION]
    assert len(paid_signals) == 1


def test_second_different_payment_of_a_paid_order_is_recorded_and_ignored(issue, paid_signals,
                                                                           django_capture_on_commit_callbacks):
    order = issue()
    payload = paid_at_platform(order)
    with django_capture_on_commit_callbacks(execute=True):
        deliver(payload)
        deliver(payload | {"txn_id": "SIMSECONDPAYMENT"})
    order.refresh_from_db()
    assert order.provider_txn_id == payload["txn_id"]
    assert PaymentNotification.objects.filter(outcome=NotificationOutcome.ALREADY_PAID).count() == 1
    assert len(paid_signals) == 1


def test_payment_of_a_cancelled_order_is_recorded_as_not_payable(issue, clerk):
    order = issue()
    payload = paid_at_platform(order)
    services.cancel_payment_order(actor=clerk, order=order, reason="申请人撤回申请")
    headers, body = simulator.signed_notification(payload)
    services.accept_notification(headers=headers, body=body)
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert PaymentNotification.objects.get().outcome == NotificationOutcome.NOT_PAYABLE


# --- the state table ----------------------------------------------------------------------------

@pytest.mark.parametrize(("status", "action", "result"), [
    (OrderStatus.ISSUED, services.Action.PAY, OrderStatus.PAID),
    (OrderStatus.ISSUED, services.Action.CANCEL, OrderStatus.CANCELLED),
    (OrderStatus.ISSUED, services.Action.REFUND, None),
    (OrderStatus.PAID, services.Action.PAY, None),
    (OrderStatus.PAID, services.Action.CANCEL, None),
    (OrderStatus.PAID, services.Action.REFUND, OrderStatus.REFUNDED),
    (OrderStatus.REFUNDED, services.Action.REFUND, None),
    (OrderStatus.REFUNDED, services.Action.PAY, None),
    (OrderStatus.CANCELLED, services.Action.PAY, None),
    (OrderStatus.CANCELLED, services.Action.REFUND, None),
])
def test_order_life_cycle_table(status, action, result):
    if result is None:
        with pytest.raises(DomainError) as exc:
            services.next_status(status, action)
        assert exc.value.code == "illegal_transition"
    else:
        assert services.next_status(status, action) == result


# --- refunds ------------------------------------------------------------------------------------

def pay_now(order):
    return deliver(paid_at_platform(order))


def test_refund_of_a_paid_order(issue, clerk):
    order = pay_now(issue())
    refund = services.refund_payment(actor=clerk, order=order, reason="不予受理，退还已缴费用")
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED and order.refunded_at is not None
    assert (refund.amount_fen, refund.created_by) == (3550, clerk)
    platform = SimulatedPlatformOrder.objects.get(payment_code=order.payment_code)
    assert (platform.refund_id, platform.refund_fen) == (refund.provider_refund_id, 3550)


@pytest.mark.parametrize("prepare", ["unpaid", "refunded", "cancelled"])
def test_refund_of_an_order_not_paid_is_refused_and_writes_nothing(issue, clerk, prepare):
    order = issue()
    if prepare == "refunded":
        services.refund_payment(actor=clerk, order=pay_now(order), reason="退费")
    elif prepare == "cancelled":
        services.cancel_payment_order(actor=clerk, order=order, reason="撤回")
    before = (state(), list(SimulatedPlatformOrder.objects.values_list("refund_id", "refund_fen")))
    with pytest.raises(DomainError) as exc:
        services.refund_payment(actor=clerk, order=order, reason="退费")
    assert exc.value.code == "illegal_transition"
    assert (state(), list(SimulatedPlatformOrder.objects.values_list("refund_id", "refund_fen"))) == before


def test_refund_needs_a_reason(issue, clerk):
    order = pay_now(issue())
    with pytest.raises(DomainError) as exc:
        services.refund_payment(actor=clerk, order=order, reason="  ")
    assert exc.value.code == "reason_required"
    assert PaymentOrder.objects.get().status == OrderStatus.PAID


# --- reconciliation -----------------------------------------------------------------------------

def test_reconciliation_finds_missing_and_mismatched_lines(issue, clerk):
    day = timezone.localdate()
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    matched = pay_now(issue(reference="A"))
    lost = issue(reference="B")
    simulator.pay(lost.payment_code, at=at, notify=False)  # the notification never arrived
    mismatched = pay_now(issue(reference="C"))
    SimulatedPlatformOrder.objects.filter(payment_code=mismatched.payment_code).update(amount_fen=3000)
    unknown_there = pay_now(issue(reference="D"))
    SimulatedPlatformOrder.objects.filter(payment_code=unknown_there.payment_code).update(paid_at=None)
    refunded = pay_now(issue(reference="E"))
    services.refund_payment(actor=clerk, order=refunded, reason="撤回")

    report = services.reconcile_day(actor=clerk, date=day)

    assert {(line.kind, line.payment_code) for line in report.matched} == {
        ("payment", matched.payment_code), ("payment", refunded.payment_code), ("refund", refunded.payment_code)}
    assert [(line.payment_code, line.local_fen, line.platform_fen) for line in report.missing_locally] == [
        (lost.payment_code, None, 3550)]
    assert [(line.payment_code, line.local_fen, line.platform_fen) for line in report.missing_at_provider] == [
        (unknown_there.payment_code, 3550, None)]
    assert [(line.payment_code, line.local_fen, line.platform_fen) for line in report.amount_mismatches] == [
        (mismatched.payment_code, 3550, 3000)]
    assert not report.balanced
    entry = AuditEntry.objects.get(action="payments.reconciled")
    assert entry.data["missing_locally"] == [f"payment:{lost.payment_code}"]


def test_reconciliation_of_a_quiet_day_balances(clerk):
    report = services.reconcile_day(actor=clerk, date=dt.date(2025, 1, 1))
    assert report.balanced and report.matched == []


def test_notification_body_is_kept_verbatim(issue):
    order = issue()
    headers, body = simulator.signed_notification(paid_at_platform(order))
    services.accept_notification(headers=headers, body=body)
    note = PaymentNotification.objects.get()
    assert note.body.encode() == body
    assert json.loads(note.body)["payment_code"] == order.payment_code
    assert note.signature == headers["X-Payment-Signature"]


def test_a_failing_listener_does_not_undo_the_payment(issue, django_capture_on_commit_callbacks):
    def broken(sender, **kwargs):
        raise RuntimeError("listener bug")

    order_paid.connect(broken)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            order = pay_now(issue())
    finally:
        order_paid.disconnect(broken)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
