import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from oneseal.payments import simulator
from oneseal.payments.models import OrderStatus, PaymentNotification, PaymentOrder, SimulatedPlatformOrder
from oneseal.payments.provider import canonical_json, sign_notification

pytestmark = pytest.mark.django_db

NOTIFY = "/api/v1/payments/notify"


def signed_for(order, **signing):
    simulator.pay(order.payment_code, notify=False)
    payload = simulator.notification_payload(SimulatedPlatformOrder.objects.get(payment_code=order.payment_code))
    return simulator.signed_notification(payload, **signing)


def post_notification(client, headers, body):
    return client.post(NOTIFY, data=body, content_type="application/json", headers=headers)


def test_notify_endpoint_end_to_end(client, issue):
    order = issue()
    headers, body = signed_for(order)
    response = post_notification(client, headers, body)
    assert (response.status_code, response.json()) == (200, {"result": "ok"})
    assert PaymentOrder.objects.get().status == OrderStatus.PAID
    again = post_notification(client, headers, body)
    assert (again.status_code, again.json()) == (200, {"result": "ok"})
    assert PaymentNotification.objects.count() == 1


def test_notify_endpoint_needs_no_csrf_token(issue):
    from django.test import Client

    order = issue()
    headers, body = signed_for(order)
    response = post_notification(Client(enforce_csrf_checks=True), headers, body)
    assert response.status_code == 200


@pytest.mark.parametrize("fault", ["forged", "tampered", "unsigned", "stale"])
def test_notify_endpoint_refuses_with_a_bilingual_error(client, issue, fault):
    order = issue()
    headers, body = signed_for(order, timestamp=1_000_000_000 if fault == "stale" else None)
    if fault == "forged":
        headers = sign_notification(Ed25519PrivateKey.generate(), body)
    elif fault == "tampered":
        body = body.replace(b'"amount_fen":3550', b'"amount_fen":1')
    elif fault == "unsigned":
        headers = {}
    response = post_notification(client, headers, body)
    assert response.status_code == 400
    error = response.json()
    assert error["code"] in {"bad_signature", "missing_signature_headers", "stale_notification"}
    assert error["message"] and error["message_en"] and error["message"] != error["message_en"]
    assert PaymentOrder.objects.get().status == OrderStatus.ISSUED
    assert not PaymentNotification.objects.exists()


def test_notify_endpoint_refuses_garbage(client):
    response = client.post(NOTIFY, data=b"\xff\x00", content_type="application/octet-stream")
    assert response.status_code == 400


# --- staff lookup -------------------------------------------------------------------------------

def test_order_lookup_is_denied_to_the_public_and_to_non_staff(client, issue, clerk):
    url = f"/api/v1/payments/orders/{issue().payment_code}"
    assert client.get(url).status_code == 403
    client.force_login(clerk)
    response = client.get(url)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_staff_sees_an_order(client, issue, staff):
    order = issue()
    client.force_login(staff)
    body = client.get(f"/api/v1/payments/orders/{order.payment_code}").json()
    assert (body["payment_code"], body["total_fen"], body["status"]) == (order.payment_code, 3550, "issued")
    assert body["lines"][0] == {"name": "工本费", "amount_fen": 1000, "legal_basis": "《行政许可法》第五十八条"}


def test_a_user_with_the_view_permission_sees_an_order(client, issue, clerk):
    from django.contrib.auth.models import Permission

    clerk.user_permissions.add(Permission.objects.get(codename="view_paymentorder"))
    client.force_login(clerk)
    assert client.get(f"/api/v1/payments/orders/{issue().payment_code}").status_code == 200


def test_unknown_and_malformed_codes(client, staff):
    client.force_login(staff)
    assert client.get("/api/v1/payments/orders/" + "1" * 20).status_code == 404
    assert client.get("/api/v1/payments/orders/123").status_code == 422


# --- the simulator's payer side -----------------------------------------------------------------

def test_simulator_endpoint_is_off_unless_enabled(client, issue, settings):
    settings.DEBUG = False
    settings.PAYMENT_SIMULATOR_ENABLED = False
    code = issue().payment_code
    assert client.post(f"/api/v1/payments/simulator/pay/{code}").status_code == 404
    assert client.get(f"/api/v1/payments/simulator/page/{code}").status_code == 404
    assert SimulatedPlatformOrder.objects.get().paid_at is None


def test_simulator_pays_and_the_signed_notification_arrives(client, issue, settings, immediate_tasks,
                                                            django_capture_on_commit_callbacks):
    settings.PAYMENT_SIMULATOR_ENABLED = True
    code = issue().payment_code
    page = client.get(f"/api/v1/payments/simulator/page/{code}")
    assert page.status_code == 200 and code in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/payments/simulator/pay/{code}")
    assert response.status_code == 200
    order = PaymentOrder.objects.get()
    assert (order.status, order.provider_txn_id) == (OrderStatus.PAID, response.json()["txn_id"])
    second = client.post(f"/api/v1/payments/simulator/pay/{code}")
    assert (second.status_code, second.json()["code"]) == (400, "already_paid")


def test_simulator_page_form_pays(client, issue, settings, immediate_tasks, django_capture_on_commit_callbacks):
    settings.PAYMENT_SIMULATOR_ENABLED = True
    code = issue().payment_code
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/api/v1/payments/simulator/page/{code}").status_code == 200
    assert PaymentOrder.objects.get().status == OrderStatus.PAID


def test_canonical_json_is_what_the_simulator_sends(issue):
    order = issue()
    _headers, body = signed_for(order)
    assert canonical_json(__import__("json").loads(body)) == body
