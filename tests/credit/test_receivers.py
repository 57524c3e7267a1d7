"""The credit app's subscribers, through the real outbox (`events.dispatch_all`): a regulator's penalty
finding becomes a record; the licences' events keep the licence holdings; redeliveries change nothing."""

import logging

import pytest
from django.db import transaction

from oneseal.credit import checks
from oneseal.credit.models import CreditRecord, LicenceHolding
from oneseal.kernel import events
from oneseal.kernel.event_models import DeliveryStatus, EventDelivery
from oneseal.sharing import services as sharing
from oneseal.sharing.models import RegulatorPush
from tests.cases.conftest import at, citizen_id
from tests.sharing.conftest import _fresh_connections, decision_event, domain, make_case  # noqa: F401

pytestmark = pytest.mark.django_db


def credit_errors(report) -> list[str]:
    return [e for e in report.errors if e.startswith("credit.")]


def redeliver(subscriber: str) -> None:
    """As if a worker died after the handler ran: the delivery is made again."""
    EventDelivery.objects.filter(subscriber=subscriber).update(status=DeliveryStatus.PENDING, delivered_at=None)
    report = events.dispatch_all()
    assert not credit_errors(report)


@pytest.fixture
def push(domain):  # noqa: F811
    case = make_case(domain["item"], applicant_name="李四")
    decision_event(case)
    events.dispatch_all()
    return RegulatorPush.objects.get(case=case)


def test_a_penalty_finding_becomes_a_regulator_penalty_record_once(domain, push):  # noqa: F811
    finding = sharing.file_finding(actor=domain["regulator"], push=push, kind="penalty",
                                   text="超范围经营，罚款五千元。", legal_basis="《食品安全法》第一百二十二条",
                                   at=at("2026-10-08 10:00"))
    report = events.dispatch_all()
    assert not credit_errors(report)
    row = CreditRecord.objects.get()
    assert row.kind.code == "regulator_penalty" and row.source_ref == f"finding:{finding.pk}"
    assert row.id_number == push.case.applicant.id_number and row.subject.name == "李四"
    assert row.authority == "枣阳市市场监督管理局" and row.department == domain["market"]
    assert row.facts == "超范围经营，罚款五千元。" and row.legal_basis == "《食品安全法》第一百二十二条"
    assert row.effective_from == at("2026-10-08 10:00") and str(row.decided_on) == "2026-10-08"
    assert [r.measure_code for r in checks.restrictions(row.id_number, at=at("2026-10-09 10:00"))] == [
        "closer_review"]
    redeliver("credit.regulator_penalty")
    assert CreditRecord.objects.count() == 1


def test_other_findings_record_nothing(domain, push):  # noqa: F811
    sharing.file_finding(actor=domain["regulator"], push=push, kind="rectification", text="限期整改",
                         legal_basis="《市场主体登记管理条例》第四十六条")
    assert not credit_errors(events.dispatch_all())
    assert not CreditRecord.objects.exists()


@pytest.mark.parametrize("number", ["", "not-a-number", "420683199001011230"])
def test_a_finding_without_a_valid_subject_number_is_skipped_with_a_log_line(db, caplog, number):
    payload = {"finding": 99, "push": 1, "kind": "penalty", "department": None, "issuing_department": None,
               "licence_number": "", "case_number": "", "legal_basis": "x", "text": "罚款",
               "subject_name": "某人", "subject_id_number": number, "item": None}
    with transaction.atomic():
        events.record("sharing.finding_filed", payload, aggregate="sharing.RegulatorFinding:99")
    with caplog.at_level(logging.INFO, logger="oneseal.credit.receivers"):
        report = events.dispatch_all()
    assert not credit_errors(report) and not CreditRecord.objects.exists()
    assert "no valid subject number" in caplog.text


# -- licence holdings --------------------------------------------------------------------------------

def licence(case, topic: str, number: str = "ZY-SP-2026-0001", holder_id: str | None = None,
            when: str = "2026-09-25 10:00") -> None:
    """A licence event with the licences app's payload contract (licenses.services.event_payload)."""
    payload = {"licence": 7, "number": number, "type": "food", "type_name": "食品经营许可证",
               "holder": case.applicant_id, "holder_id_number": holder_id or case.applicant.id_number,
               "case": case.pk, "case_number": case.number, "issuer": case.item.implementing_body_id,
               "valid_until": "2031-09-24", "data": {}, "reason": ""}
    with transaction.atomic():
        events.record(topic, payload, aggregate="licenses.Licence:7", at=at(when))


def test_licence_events_keep_the_holdings(domain):  # noqa: F811
    case = make_case(domain["item"], applicant_name="王五")
    licence(case, "licenses.issued")
    assert not credit_errors(events.dispatch_all())
    holding = LicenceHolding.objects.get()
    assert (holding.number, holding.licence_type, holding.holder_name, holding.valid) == (
        "ZY-SP-2026-0001", "food", "王五", True)
    assert holding.id_number == case.applicant.id_number

    licence(case, "licenses.renewed", number="ZY-SP-2026-0002", when="2026-09-26 10:00")
    licence(case, "licenses.revoked", when="2026-09-27 10:00")
    assert not credit_errors(events.dispatch_all())
    assert dict(LicenceHolding.objects.values_list("number", "valid")) == {
        "ZY-SP-2026-0001": False, "ZY-SP-2026-0002": True}

    redeliver("credit.licence_holdings")  # the issued event again, after the revocation
    assert dict(LicenceHolding.objects.values_list("number", "valid")) == {
        "ZY-SP-2026-0001": False, "ZY-SP-2026-0002": True}
    licence(case, "licenses.expired", number="ZY-SP-2026-0002", when="2026-11-20 00:10")
    assert not credit_errors(events.dispatch_all())
    assert not LicenceHolding.objects.filter(valid=True).exists()


def test_a_revocation_arriving_before_its_issue_leaves_the_licence_invalid(domain):  # noqa: F811
    case = make_case(domain["item"], applicant_name="赵六")
    licence(case, "licenses.revoked", number="ZY-SP-2026-0009", holder_id=citizen_id("42068319920101001"))
    licence(case, "licenses.issued", number="ZY-SP-2026-0009", holder_id=citizen_id("42068319920101001"))
    assert not credit_errors(events.dispatch_all())
    assert LicenceHolding.objects.get(number="ZY-SP-2026-0009").valid is False
