import threading

import pytest
from django.db import connection, transaction

from oneseal.kernel import events
from oneseal.kernel.audit import verify_chain
from oneseal.kernel.errors import PermissionDeniedError, ValidationFailed
from oneseal.kernel.event_models import DomainEvent, EventDelivery
from oneseal.kernel.models import AuditEntry
from oneseal.sharing import services as s
from oneseal.sharing.models import ClaimChannel, FindingKind, FindingStatus, PushKind, RegulatorPush
from tests.sharing.conftest import at, decision_event, deliver, licence_event, make_case

pytestmark = pytest.mark.django_db


def pushed(domain, item_key="item", **kwargs):
    case = make_case(domain[item_key])
    decision_event(case, **kwargs)
    deliver()
    return RegulatorPush.objects.get(case=case)


# -- pushes ----------------------------------------------------------------------------------------

def test_an_approval_becomes_a_push_to_the_supervising_department(domain):
    push = pushed(domain)
    assert push.kind == PushKind.APPROVED and push.department == domain["market"]
    assert push.issuing_department == domain["bureau"] and push.subject_name == "张三"
    assert push.case_number == push.case.number and push.source_topic == "cases.approved"
    assert push.occurred_at == at("2026-09-25 10:00")
    assert AuditEntry.objects.filter(action="sharing.push_created", target_id=str(push.pk)).count() == 1
    assert verify_chain().ok


def test_a_denial_and_every_licence_event_make_pushes(domain):
    case = make_case(domain["item"])
    decision_event(case, topic="cases.denied")
    for topic in ("licenses.issued", "licenses.revoked", "licenses.expired", "licenses.renewed"):
        licence_event(case, topic=topic)
    deliver()
    kinds = set(RegulatorPush.objects.values_list("kind", flat=True))
    assert kinds == {PushKind.DENIED, PushKind.LICENCE_ISSUED, PushKind.LICENCE_REVOKED, PushKind.LICENCE_EXPIRED,
                     PushKind.LICENCE_RENEWED}
    licence = RegulatorPush.objects.get(kind=PushKind.LICENCE_ISSUED)
    assert licence.licence_number == "ZY-SP-2026-0001" and licence.case_number == case.number


def test_an_event_delivered_twice_makes_one_push(domain):
    case = make_case(domain["item"])
    event = decision_event(case)
    deliver()
    assert s.push_from_event(event) is None  # the outbox redelivers it (a worker died after handling)
    EventDelivery.objects.filter(event=event).update(status="pending")
    deliver()
    assert RegulatorPush.objects.filter(source_event=event.id).count() == 1
    assert AuditEntry.objects.filter(action="sharing.push_created").count() == 1


def test_a_push_is_written_with_the_delivery_or_not_at_all(domain, monkeypatch):
    """The push and its outbox event are made in the delivery's savepoint: a failure leaves neither."""
    case = make_case(domain["item"])
    decision_event(case)
    monkeypatch.setattr(s.audit, "record", lambda **kw: (_ for _ in ()).throw(RuntimeError("disk full")))
    report = deliver()
    assert report.retried == 1 and not RegulatorPush.objects.exists()
    assert not DomainEvent.objects.filter(topic="sharing.push_created").exists()


def test_an_event_that_names_no_item_makes_no_push(domain):
    with transaction.atomic():
        events.record("licenses.issued", {"licence": 1, "number": "X-1", "case": None, "issuer": None})
    assert deliver().delivered == 1
    assert not RegulatorPush.objects.exists()


def test_push_created_targets_each_active_webhook_of_the_department(domain):
    first, _secret = s.create_webhook_endpoint(actor=domain["regulator"], department=domain["market"], name="A",
                                               url="http://127.0.0.1:9/a")
    second, _secret = s.create_webhook_endpoint(actor=domain["regulator"], department=domain["market"], name="B",
                                                url="http://127.0.0.1:9/b")
    s.deactivate_webhook_endpoint(actor=domain["regulator"], endpoint=second)
    s.create_webhook_endpoint(actor=domain["other_regulator"], department=domain["health"], name="C",
                              url="http://127.0.0.1:9/c")
    case = make_case(domain["item"])
    decision_event(case)
    events.dispatch(subscriber_prefix="sharing.push")  # only the push, not the webhook deliveries
    push = RegulatorPush.objects.get()
    event = DomainEvent.objects.get(topic="sharing.push_created")
    assert push.event_id == event.id and event.payload["push"] == push.pk
    assert list(event.deliveries.values_list("subscriber", flat=True)) == [f"sharing.webhook:{first.pk}"]


# -- claims ----------------------------------------------------------------------------------------

def test_a_regulator_of_the_department_claims_a_push_once(domain):
    push = pushed(domain)
    claimed = s.claim_push(actor=domain["regulator"], push=push, note="收到", at=at("2026-09-28 09:00"))
    assert claimed.claimed_by == domain["regulator"] and claimed.claim_channel == ClaimChannel.PAGE
    with pytest.raises(s.Conflict) as refusal:
        s.claim_push(actor=domain["regulator2"], push=push)
    assert refusal.value.code == "already_claimed" and refusal.value.field == "push"
    assert AuditEntry.objects.filter(action="sharing.push_claimed").count() == 1


@pytest.mark.parametrize("who", ["other_regulator", "approver", "supervisor", "market_approver", "admin"])
def test_only_a_regulator_of_the_supervising_department_may_claim(domain, who):
    push = pushed(domain)
    with pytest.raises(PermissionDeniedError) as refusal:
        s.claim_push(actor=domain[who], push=push)
    assert refusal.value.code == "forbidden" and refusal.value.field == "actor"
    push.refresh_from_db()
    assert push.claimed_at is None


def test_a_claim_note_over_500_characters_is_refused(domain):
    push = pushed(domain)
    with pytest.raises(ValidationFailed) as refusal:
        s.claim_push(actor=domain["regulator"], push=push, note="x" * 501)
    assert refusal.value.issues[0].field == "note"


# -- deadlines -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("pushed_at", "due", "escalate"), [
    # Friday: the weekend does not count — Monday is day 1, Tuesday day 2, escalation Wednesday.
    ("2026-09-25 10:00", "2026-09-29 17:30", "2026-09-30 17:30"),
    # Tuesday before National Day (1–7 October): Wednesday, then Thursday 8 October; escalation Friday 9.
    ("2026-09-29 16:00", "2026-10-08 17:30", "2026-10-09 17:30"),
    # Friday 9 October: Saturday 10 October is an adjusted working day (调休上班) and counts.
    ("2026-10-09 09:00", "2026-10-12 17:30", "2026-10-13 17:30"),
])
def test_claim_and_escalation_deadlines_count_working_days(domain, pushed_at, due, escalate):
    push = pushed(domain, when=pushed_at)
    assert (push.due_at, push.escalate_at) == (at(due), at(escalate))


def test_the_sweep_reminds_then_escalates_an_unclaimed_push(domain):
    push = pushed(domain, when="2026-09-25 10:00")  # due Tue 29 Sep 17:30, escalation Wed 30 Sep 17:30
    claimed = pushed(domain, when="2026-09-25 10:00")
    s.claim_push(actor=domain["regulator"], push=claimed)
    assert s.sweep_pushes(at("2026-09-29 17:00")).reminded == []
    report = s.sweep_pushes(at("2026-09-29 17:30"))
    assert report.reminded == [push.pk] and report.escalated == []
    assert s.sweep_pushes(at("2026-09-30 09:00")).reminded == []  # reminded once
    report = s.sweep_pushes(at("2026-09-30 17:31"))
    assert report.escalated == [push.pk]
    push.refresh_from_db()
    assert push.reminded_at == at("2026-09-29 17:30") and push.escalated_at == at("2026-09-30 17:31")
    assert s.sweep_pushes(at("2026-10-30 09:00")).escalated == []
    assert AuditEntry.objects.filter(action="sharing.pushes_swept").count() == 2
    claimed.refresh_from_db()
    assert claimed.reminded_at is None and claimed.escalated_at is None


def test_a_push_found_late_by_the_sweep_is_reminded_and_escalated_at_once(domain):
    push = pushed(domain, when="2026-09-25 10:00")
    report = s.sweep_pushes(at("2026-10-20 09:00"))
    assert report.reminded == [push.pk] and report.escalated == [push.pk]


def test_a_late_claim_is_still_a_claim_and_is_marked_late(domain):
    push = pushed(domain, when="2026-09-25 10:00")
    s.sweep_pushes(at("2026-10-20 09:00"))
    s.claim_push(actor=domain["regulator"], push=push, at=at("2026-10-20 10:00"))
    assert AuditEntry.objects.get(action="sharing.push_claimed").data["late"] is True


# -- findings --------------------------------------------------------------------------------------

def licence_push(domain):
    case = make_case(domain["item"])
    licence_event(case)
    deliver()
    return RegulatorPush.objects.get(kind=PushKind.LICENCE_ISSUED, case=case)


def test_a_finding_reaches_the_issuing_department_which_acknowledges_and_closes_it(domain):
    push = pushed(domain)
    finding = s.file_finding(actor=domain["regulator"], push=push, kind=FindingKind.PENALTY,
                             text="现场检查发现超范围经营", legal_basis="《食品安全法》第一百二十二条")
    assert finding.issuing_department == domain["bureau"] and finding.status == FindingStatus.OPEN
    with pytest.raises(PermissionDeniedError):
        s.acknowledge_finding(actor=domain["market_approver"], finding=finding)
    with pytest.raises(PermissionDeniedError):
        s.acknowledge_finding(actor=domain["regulator"], finding=finding)
    finding = s.acknowledge_finding(actor=domain["approver"], finding=finding)
    assert finding.status == FindingStatus.ACKNOWLEDGED
    with pytest.raises(s.Conflict):
        s.acknowledge_finding(actor=domain["head"], finding=finding)
    with pytest.raises(ValidationFailed) as refusal:
        s.close_finding(actor=domain["head"], finding=finding, outcome="  ")
    assert refusal.value.issues[0].field == "outcome"
    finding = s.close_finding(actor=domain["head"], finding=finding, outcome="已约谈并责令整改")
    assert finding.status == FindingStatus.CLOSED and finding.closed_by == domain["head"]
    with pytest.raises(s.Conflict):
        s.close_finding(actor=domain["head"], finding=finding, outcome="again")
    actions = list(AuditEntry.objects.filter(action__startswith="sharing.finding").values_list("action", flat=True))
    assert actions == ["sharing.finding_filed", "sharing.finding_acknowledged", "sharing.finding_closed"]


def test_a_finding_names_every_field_at_fault(domain):
    push = pushed(domain)
    with pytest.raises(ValidationFailed) as refusal:
        s.file_finding(actor=domain["regulator"], push=push, kind="fine", text="", legal_basis="")
    assert [i.field for i in refusal.value.issues] == ["kind", "text", "legal_basis"]


def test_only_the_regulators_of_the_push_file_findings_on_it(domain):
    push = pushed(domain)
    with pytest.raises(PermissionDeniedError):
        s.file_finding(actor=domain["other_regulator"], push=push, kind=FindingKind.PENALTY, text="x",
                       legal_basis="y")


def test_a_revocation_request_needs_a_licence_and_publishes_the_licence_number(domain):
    push = pushed(domain)
    with pytest.raises(ValidationFailed) as refusal:
        s.file_finding(actor=domain["regulator"], push=push, kind=FindingKind.REVOKE_REQUEST, text="x",
                       legal_basis="y")
    assert refusal.value.issues[0].code == "no_licence"
    seen = []
    events.subscriber("test.licences", topics=["sharing.revoke_requested"])(lambda e, n: seen.append(e.payload))
    try:
        finding = s.file_finding(actor=domain["regulator"], push=licence_push(domain),
                                 kind=FindingKind.REVOKE_REQUEST, text="以欺骗手段取得许可",
                                 legal_basis="《行政许可法》第六十九条")
        events.dispatch(subscriber_prefix="test.licences")
    finally:
        events.unsubscribe("test.licences")
    assert finding.licence_number == "ZY-SP-2026-0001"
    assert seen and seen[0]["number"] == "ZY-SP-2026-0001" and seen[0]["reason"] == "以欺骗手段取得许可"


# -- webhook endpoints -----------------------------------------------------------------------------

def test_a_webhook_secret_is_returned_once_and_never_audited(domain):
    endpoint, secret = s.create_webhook_endpoint(actor=domain["regulator"], department=domain["market"],
                                                 name="监管系统", url="https://reg.example.gov.cn/hooks/oneseal")
    assert len(secret) >= 40 and endpoint.secret == secret and endpoint.owner == domain["regulator"]
    entry = AuditEntry.objects.get(action="sharing.webhook_created")
    assert secret not in str(entry.data) and secret not in repr(endpoint)


@pytest.mark.parametrize("url", ["ftp://x.example/a", "http://", "javascript:alert(1)", "http://u:p@x.example/",
                                 "", "http://x.example/" + "a" * 500])
def test_a_webhook_needs_an_http_address(domain, url):
    with pytest.raises(ValidationFailed) as refusal:
        s.create_webhook_endpoint(actor=domain["regulator"], department=domain["market"], name="x", url=url)
    assert refusal.value.issues[0].field == "url"


def test_only_the_departments_regulators_or_an_administrator_manage_its_webhooks(domain):
    with pytest.raises(PermissionDeniedError):
        s.create_webhook_endpoint(actor=domain["other_regulator"], department=domain["market"], name="x",
                                  url="http://127.0.0.1:9/")
    endpoint, _secret = s.create_webhook_endpoint(actor=domain["admin"], department=domain["market"], name="x",
                                                  url="http://127.0.0.1:9/")
    with pytest.raises(PermissionDeniedError):
        s.deactivate_webhook_endpoint(actor=domain["approver"], endpoint=endpoint)
    s.deactivate_webhook_endpoint(actor=domain["regulator"], endpoint=endpoint)
    with pytest.raises(s.Conflict):
        s.deactivate_webhook_endpoint(actor=domain["regulator"], endpoint=endpoint)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_two_workers_handling_the_same_event_at_once_make_one_push(domain):
    """Two workers (threads with their own connections) handle one event at the same moment: the
    unique source event makes the second a no-op, not an error or a second push."""
    case = make_case(domain["item"])
    event = decision_event(case)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def handle():
        try:
            with transaction.atomic():
                barrier.wait(timeout=10)
                results.append(s.push_from_event(event))
        except Exception as error:  # any failure is the finding; asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=handle) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    assert sorted(r is None for r in results) == [False, True]
    assert RegulatorPush.objects.filter(source_event=event.id).count() == 1
