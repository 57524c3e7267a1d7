"""Webhook deliveries against real HTTP receivers on 127.0.0.1 (webhook_receiver.Receiver)."""

import datetime as dt
import json
import logging
import time

import pytest
from django.utils import timezone

from oneseal.kernel import events
from oneseal.kernel.event_models import DeliveryStatus, EventDelivery
from oneseal.sharing import services as s
from oneseal.sharing import webhooks
from oneseal.sharing.models import ClaimChannel, RegulatorPush
from oneseal.sharing.webhook_receiver import Receiver, verify_signature
from tests.sharing.conftest import decision_event, deliver, make_case

pytestmark = pytest.mark.django_db

SECRET = "s3cret-for-tests"


# -- the signature ---------------------------------------------------------------------------------

def test_a_signature_made_by_the_platform_verifies():
    body = b'{"push":1}'
    header = webhooks.signature(SECRET, "1790000000", body)
    assert header.startswith("sha256=") and len(header) == 7 + 64
    assert verify_signature(SECRET, "1790000000", body, header, now=1790000010)


@pytest.mark.parametrize(("secret", "stamp", "body", "header_from"), [
    ("another-secret", "1790000000", b'{"push":1}', None),  # forged: signed with the wrong key
    (SECRET, "1790000000", b'{"push":2}', None),  # body changed after signing
    (SECRET, "1790000001", b'{"push":1}', None),  # timestamp changed after signing
    (SECRET, "1790000000", b'{"push":1}', "sha256=" + "0" * 64),  # made-up signature
    (SECRET, "1790000000", b'{"push":1}', "md5=abc"),  # wrong scheme
    (SECRET, "not-a-time", b'{"push":1}', None),
])
def test_a_forged_or_altered_request_is_rejected(secret, stamp, body, header_from):
    header = header_from or webhooks.signature(secret, "1790000000", b'{"push":1}')
    assert not verify_signature(SECRET, stamp, body, header, now=1790000010)


def test_a_stale_or_future_timestamp_is_rejected_even_if_signed():
    body = b"{}"
    header = webhooks.signature(SECRET, "1790000000", body)
    assert not verify_signature(SECRET, "1790000000", body, header, tolerance=300, now=1790000301)
    assert not verify_signature(SECRET, "1790000000", body, header, tolerance=300, now=1789999699)
    assert verify_signature(SECRET, "1790000000", body, header, tolerance=300, now=1790000300)


# -- deliveries ------------------------------------------------------------------------------------

def endpoint_for(domain, receiver, department="market", actor="regulator", name="hook"):
    endpoint, secret = s.create_webhook_endpoint(actor=domain[actor], department=domain[department], name=name,
                                                 url=receiver.url)
    receiver.secret = secret
    return endpoint


def push_event(domain, item="item"):
    decision_event(make_case(domain[item]))
    events.dispatch(subscriber_prefix="sharing.push")  # the push itself; its webhook deliveries are now due
    return RegulatorPush.objects.latest("pk")


def test_a_push_reaches_the_departments_receiver_signed_with_its_event_id(domain):
    with Receiver() as receiver:
        endpoint_for(domain, receiver)
        push = push_event(domain)
        report = deliver()
        assert report.delivered == 1 and receiver.stats()["received"] == 1 and receiver.rejected == 0
        body = receiver.bodies[0]
    assert body["event_id"] == str(push.event_id) and body["push"] == push.pk
    assert body["case_number"] == push.case_number and body["department"] == domain["market"].code
    assert SECRET not in json.dumps(body)


def test_a_receiver_with_the_wrong_secret_refuses_and_the_delivery_is_retried(domain):
    with Receiver() as receiver:
        endpoint_for(domain, receiver)
        receiver.secret = "what-the-regulator-typed-wrong"
        push_event(domain)
        report = deliver()
        assert receiver.rejected == 1 and receiver.received == 0
    assert report.retried == 1 and "answered 401" in report.errors[0]


def test_a_500_is_retried_with_backoff_without_holding_up_another_endpoint(domain):
    with Receiver(fail_first=2) as failing, Receiver() as healthy:
        endpoint_for(domain, failing, name="failing")
        endpoint_for(domain, healthy, name="healthy")
        push = push_event(domain)
        first = deliver()
        assert (first.delivered, first.retried) == (1, 1)
        assert healthy.received == 1 and failing.received == 0 and failing.failed == 1
        retry = EventDelivery.objects.get(status=DeliveryStatus.PENDING, subscriber__startswith="sharing.")
        assert retry.attempts == 1 and "answered 500" in retry.last_error
        assert retry.next_attempt_at > timezone.now()  # backoff: not due again at once
        deliver(now=retry.next_attempt_at)  # second attempt: 500 again
        retry.refresh_from_db()
        deliver(now=retry.next_attempt_at)  # third: delivered
        assert failing.received == 1 and failing.failed == 2 and healthy.received == 1
    assert set(EventDelivery.objects.filter(event_id=push.event_id).values_list("status", flat=True)) == {
        DeliveryStatus.DONE}


def test_a_receiver_that_stalls_times_out_and_the_others_are_delivered(domain, settings):
    settings.ONESEAL_WEBHOOK_TIMEOUT = 0.5
    settings.ONESEAL_WEBHOOK_COOLDOWN = 0.3
    with Receiver(stall_seconds=3, stall_count=1) as stalling, Receiver() as healthy:
        endpoint_for(domain, stalling, name="stalling")
        endpoint_for(domain, healthy, name="healthy")
        push_event(domain)
        started = time.monotonic()
        report = deliver()
        elapsed = time.monotonic() - started
        assert elapsed < 2.5  # the timeout, not the receiver's 3 s, bounds the wait
        assert report.delivered == 1 and report.retried == 1 and "within 0.5 s" in report.errors[0]
        assert healthy.received == 1
        retry = EventDelivery.objects.get(status=DeliveryStatus.PENDING, subscriber__startswith="sharing.")
        time.sleep(0.4)  # past the cooldown
        deliver(now=retry.next_attempt_at)
        assert stalling.received == 1


def test_a_stalled_receiver_costs_a_batch_one_timeout_not_one_per_push(domain, settings):
    settings.ONESEAL_WEBHOOK_TIMEOUT = 0.5
    with Receiver(stall_seconds=2, stall_count=50) as stalling, Receiver() as healthy:
        endpoint_for(domain, stalling, name="stalling")
        endpoint_for(domain, healthy, name="healthy")
        for _ in range(4):
            push_event(domain)
        started = time.monotonic()
        report = deliver()
        elapsed = time.monotonic() - started
        assert healthy.received == 4 and report.delivered == 4 and report.retried == 4
        assert elapsed < 1.5, elapsed  # one timeout; the three others were not tried
        assert stalling.stats()["requests"] == 1
        assert sum("not tried again" in e for e in report.errors) == 3


def test_a_receiver_that_is_down_is_retried(domain):
    receiver = Receiver()
    url = receiver.url
    receiver.server.server_close()  # nothing listens there any more
    s.create_webhook_endpoint(actor=domain["regulator"], department=domain["market"], name="down", url=url)
    push_event(domain)
    report = deliver()
    assert report.retried == 1 and "ConnectionRefusedError" in report.errors[0]


def test_a_delivery_made_twice_is_absorbed_by_the_receiver(domain):
    with Receiver() as receiver:
        endpoint_for(domain, receiver)
        push = push_event(domain)
        deliver()
        EventDelivery.objects.filter(event_id=push.event_id).update(status=DeliveryStatus.PENDING)
        deliver()  # as if the worker had died before committing
        assert receiver.stats()["requests"] == 2 and receiver.received == 1 and receiver.duplicates == 1


def test_a_receiver_that_closed_an_idle_connection_gets_the_next_push_on_a_new_one(domain):
    with Receiver(idle_timeout=0.2) as receiver:
        endpoint_for(domain, receiver)
        push_event(domain)
        deliver()
        time.sleep(0.6)  # the receiver closes the kept-alive connection
        push_event(domain)
        report = deliver()
        assert report.delivered == 1 and report.retried == 0 and receiver.received == 2


def test_an_answer_claim_true_claims_the_push_for_the_endpoints_owner(domain):
    with Receiver(claim=True) as receiver:
        endpoint_for(domain, receiver)
        push = push_event(domain)
        deliver()
    push.refresh_from_db()
    assert push.claimed_by == domain["regulator"] and push.claim_channel == ClaimChannel.WEBHOOK


def test_a_claim_answer_from_an_endpoint_whose_owner_may_not_claim_is_ignored(domain, caplog):
    with Receiver(claim=True) as receiver:
        endpoint_for(domain, receiver, actor="admin")  # registered by an administrator: not a regulator
        push = push_event(domain)
        with caplog.at_level(logging.WARNING, logger="oneseal.sharing.receivers"):
            report = deliver()
    push.refresh_from_db()
    assert report.delivered == 1 and push.claimed_at is None and "refused (forbidden)" in caplog.text


def test_a_switched_off_endpoint_is_not_called(domain):
    with Receiver() as receiver:
        endpoint = endpoint_for(domain, receiver)
        push_event(domain)
        s.deactivate_webhook_endpoint(actor=domain["regulator"], endpoint=endpoint)
        report = deliver()
        assert report.delivered == 1 and receiver.stats()["requests"] == 0


def test_the_secret_is_not_in_the_error_recorded_for_a_failed_delivery(domain):
    with Receiver(fail_first=1) as receiver:
        endpoint_for(domain, receiver)
        push_event(domain)
        deliver()
    error = EventDelivery.objects.get(status=DeliveryStatus.PENDING, subscriber__startswith="sharing.").last_error
    assert receiver.secret not in error and "answered 500" in error


def test_deliveries_give_up_after_the_maximum_attempts(domain, settings):
    settings.ONESEAL_EVENTS_MAX_ATTEMPTS = 2
    with Receiver(fail_first=10) as receiver:
        endpoint_for(domain, receiver)
        push_event(domain)
        deliver()
        deliver(now=timezone.now() + dt.timedelta(hours=1))
    assert EventDelivery.objects.get(subscriber__startswith="sharing.webhook:").status == DeliveryStatus.DEAD
