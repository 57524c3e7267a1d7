import datetime as dt
import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone, translation

from oneseal.kernel import events
from oneseal.kernel.event_models import DeliveryStatus, DomainEvent, EventDelivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def handled():
    """Two subscribers for test topics: one that records what it got, one that fails on demand."""
    seen: list[tuple[str, str]] = []
    failing = {"times": 0}

    @events.subscriber("test.recorder", topics=["test.*"])
    def recorder(event, name):
        seen.append((event.topic, name))

    @events.subscriber("test.flaky", topics=["test.flaky"])
    def flaky(event, name):
        DomainEvent.objects.create(topic="test.side-effect", occurred_at=timezone.now())
        if failing["times"] > 0:
            failing["times"] -= 1
            raise ConnectionError("receiver answered 500")

    @events.subscriber("test.webhook:")
    def webhook(event, name):
        seen.append((event.topic, name))

    yield seen, failing
    for name in ("test.recorder", "test.flaky", "test.webhook:"):
        events.unsubscribe(name)


def test_record_writes_the_event_and_one_delivery_per_subscriber(handled):
    with transaction.atomic():
        event = events.record("test.flaky", {"n": 1, "at": dt.date(2026, 1, 2)}, aggregate="cases.Case:1")
    assert event.payload == {"n": 1, "at": "2026-01-02"}
    assert sorted(event.deliveries.values_list("subscriber", flat=True)) == ["test.flaky", "test.recorder"]


def test_a_topic_nobody_listens_to_writes_nothing(handled):
    with transaction.atomic():
        assert events.record("other.topic", {}) is None
    assert not DomainEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_is_refused(handled):
    with pytest.raises(RuntimeError):
        events.record("test.x", {})


def test_an_event_rolls_back_with_the_change_it_describes(handled):
    with pytest.raises(ValueError), transaction.atomic():
        events.record("test.x", {})
        raise ValueError("the command failed")
    assert not DomainEvent.objects.exists() and not EventDelivery.objects.exists()


def test_dispatch_delivers_each_due_delivery_once(handled):
    seen, _failing = handled
    with transaction.atomic():
        events.record("test.a", {})
        events.record("test.b", {}, targets=["test.webhook:7"])
    report = events.dispatch()
    assert (report.claimed, report.delivered) == (3, 3)
    assert sorted(seen) == [("test.a", "test.recorder"), ("test.b", "test.recorder"), ("test.b", "test.webhook:7")]
    assert events.dispatch().claimed == 0
    assert set(EventDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.DONE}


def test_a_failing_subscriber_is_retried_with_backoff_and_leaves_nothing_behind(handled, settings):
    _seen, failing = handled
    failing["times"] = 2
    with transaction.atomic():
        events.record("test.flaky", {})
    now = timezone.now()
    report = events.dispatch(now=now)
    assert (report.delivered, report.retried) == (1, 1)  # the recorder succeeded, the flaky one did not
    flaky = EventDelivery.objects.get(subscriber="test.flaky")
    assert flaky.status == DeliveryStatus.PENDING and flaky.attempts == 1
    assert "receiver answered 500" in flaky.last_error
    assert dt.timedelta(seconds=1.5) <= flaky.next_attempt_at - now <= dt.timedelta(seconds=2.5)
    assert not DomainEvent.objects.filter(topic="test.side-effect").exists()  # savepoint rolled back
    assert events.dispatch(now=now).claimed == 0  # not due yet
    events.dispatch(now=flaky.next_attempt_at)
    flaky.refresh_from_db()
    assert flaky.attempts == 2 and flaky.next_attempt_at - now >= dt.timedelta(seconds=4.5)  # doubled
    events.dispatch(now=flaky.next_attempt_at)
    flaky.refresh_from_db()
    assert flaky.status == DeliveryStatus.DONE and flaky.attempts == 3 and flaky.last_error == ""
    assert DomainEvent.objects.filter(topic="test.side-effect").count() == 1


def test_a_delivery_is_given_up_after_the_maximum_attempts(handled, settings):
    _seen, failing = handled
    settings.ONESEAL_EVENTS_MAX_ATTEMPTS = 2
    failing["times"] = 5
    with transaction.atomic():
        events.record("test.flaky", {})
    later = timezone.now() + dt.timedelta(days=1)
    events.dispatch(now=later)
    report = events.dispatch(now=later + dt.timedelta(days=1))
    assert report.dead == 1
    assert EventDelivery.objects.get(subscriber="test.flaky").status == DeliveryStatus.DEAD


def test_a_delivery_for_an_unknown_subscriber_is_kept_for_retry(handled):
    with transaction.atomic():
        events.record("test.a", {}, targets=["nobody.here"])
    report = events.dispatch()
    assert report.retried == 1 and "no subscriber" in report.errors[0]


def test_dispatch_all_follows_events_recorded_by_handlers(handled):
    seen, _failing = handled

    @events.subscriber("test.chain", topics=["test.first"])
    def chain(event, name):
        events.record("test.second", {})

    try:
        with transaction.atomic():
            events.record("test.first", {})
        report = events.dispatch_all()
    finally:
        events.unsubscribe("test.chain")
    assert ("test.second", "test.recorder") in seen
    assert report.delivered == 3


def test_the_command_dispatches_and_reports(handled):
    with transaction.atomic():
        events.record("test.a", {})
    out = io.StringIO()
    with translation.override("en"):
        call_command("events", "dispatch", stdout=out)
        assert "1 delivered" in out.getvalue()
        out = io.StringIO()
        call_command("events", "status", stdout=out)
    assert "test.recorder" in out.getvalue() and "done" in out.getvalue()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (SQLite has one writer)")
def test_concurrent_workers_never_deliver_the_same_delivery_twice():
    seen: list[str] = []
    lock = threading.Lock()

    @events.subscriber("test.count", topics=["test.count"])
    def count(event, name):
        with lock:
            seen.append(str(event.id))

    try:
        with transaction.atomic():
            for _n in range(200):
                events.record("test.count", {})

        def worker():
            try:
                while events.dispatch(batch=7).claimed:
                    pass
            finally:
                connection.close()

        threads = [threading.Thread(target=worker) for _n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        events.unsubscribe("test.count")
    assert len(seen) == 200 and len(set(seen)) == 200
