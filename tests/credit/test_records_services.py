"""Recording, lifting and repairing credit records (services/records.py): who may, what is refused and why."""

import datetime as dt
import io

import pytest

from oneseal.credit import checks
from oneseal.credit.models import CreditRecord, RepairRequest, RepairStatus
from oneseal.credit.services import records as s
from oneseal.kernel.audit import verify_chain
from oneseal.kernel.errors import DomainError, PermissionDeniedError, ValidationFailed
from oneseal.kernel.models import AuditEntry
from tests.credit.records_support import AT, COMPANY, PERSON, new, pdf, people_fixture, uploads_fixture  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("uploads")]

LATER = AT + dt.timedelta(days=100)  # past penalty_minor's 90 days before repair


def test_a_credit_officer_records_and_the_record_binds(people):
    row = s.record(actor=people["officer"], new=new(), now=AT)
    assert row.number.startswith("XY-2026-") and row.created_by == people["officer"]
    assert row.effective_until == AT + dt.timedelta(days=365)  # the kind's period of effect
    assert {r.measure_code for r in checks.restrictions(COMPANY, at=AT)} == {"closer_review", "bidding_review"}
    assert AuditEntry.objects.filter(action="credit.recorded", target_id=str(row.pk)).exists()


def test_a_regulator_records_only_for_its_own_department(people):
    row = s.record(actor=people["regulator"], new=new(department_id=people["market"].pk), now=AT)
    assert row.department == people["market"]
    for actor, department in ((people["health_regulator"], people["market"].pk), (people["regulator"], None),
                              (people["clerk"], None), (people["company_user"], None), (None, None)):
        with pytest.raises(PermissionDeniedError):
            s.record(actor=actor, new=new(department_id=department, title="另一条"), now=AT)
    assert CreditRecord.objects.count() == 1


@pytest.mark.parametrize(("overrides", "field"), [
    ({"kind": "no_such_kind"}, "kind"),
    ({"title": "  "}, "title"),
    ({"facts": ""}, "facts"),
    ({"authority": "x" * 201}, "authority"),
    ({"subject_name": ""}, "subject_name"),
    ({"effective_until": AT - dt.timedelta(days=1)}, "effective_until"),
])
def test_a_bad_record_is_refused_naming_the_field(people, overrides, field):
    with pytest.raises(ValidationFailed) as info:
        s.record(actor=people["officer"], new=new(**overrides), now=AT)
    assert field in {i.field for i in info.value.issues}
    assert not CreditRecord.objects.exists()


@pytest.mark.parametrize("number", ["91420683MA4F0BQX3A", "420683199006120310", "12345", ""])
def test_an_invalid_number_is_refused_on_the_id_number_field(people, number):
    with pytest.raises(DomainError) as info:
        s.record(actor=people["officer"], new=new(id_number=number), now=AT)
    assert info.value.field == "id_number" and not CreditRecord.objects.exists()


def test_a_period_ending_before_now_when_starting_now_is_refused(people):
    with pytest.raises(DomainError) as info:
        s.record(actor=people["officer"], new=new(effective_from=None, effective_until=AT - dt.timedelta(hours=1)),
                 now=AT)
    assert info.value.field == "effective_until"


def test_lifting_needs_a_reason_and_the_right_person_and_ends_the_measures(people):
    row = s.record(actor=people["regulator"], new=new(kind="penalty_serious", department_id=people["market"].pk),
                   now=AT)
    with pytest.raises(DomainError) as info:
        s.lift_record(actor=people["officer"], record_=row, reason=" ")
    assert info.value.field == "reason"
    for outsider in (people["health_regulator"], people["clerk"], people["company_user"]):
        with pytest.raises(PermissionDeniedError):
            s.lift_record(actor=outsider, record_=row, reason="复议撤销")
    s.lift_record(actor=people["regulator"], record_=row, reason="复议撤销", now=AT + dt.timedelta(days=1))
    row.refresh_from_db()
    assert row.status == "lifted" and row.ended_reason == "复议撤销"
    assert checks.restrictions(COMPANY, at=AT + dt.timedelta(days=2)) == []
    with pytest.raises(DomainError) as again:
        s.lift_record(actor=people["officer"], record_=row, reason="再次")
    assert again.value.code == "record_not_active"


# -- repair ------------------------------------------------------------------------------------------

def ask(people, row, *, who="company_user", statement="已整改完毕，罚款已缴清。", evidence=None, now=LATER):
    stream, name = evidence or pdf()
    return s.request_repair(actor=people[who], record_=row, statement=statement, evidence=stream,
                            evidence_name=name, now=now)


def test_the_subject_asks_for_repair_with_a_checked_and_stored_proof(people, uploads):
    row = s.record(actor=people["officer"], new=new(), now=AT)
    request = ask(people, row)
    assert request.status == RepairStatus.PENDING and request.requested_by == people["company_user"]
    assert len(request.evidence_sha256) == 64 and (uploads / request.evidence_path).exists()
    assert request.evidence_name == "proof.pdf"


def test_a_repair_is_asked_only_by_the_records_subject(people):
    row = s.record(actor=people["officer"], new=new(), now=AT)
    for who in ("person_user", "officer", "clerk"):
        with pytest.raises(PermissionDeniedError):
            ask(people, row, who=who)
    assert not RepairRequest.objects.exists()


def test_a_repair_request_needs_a_statement_and_a_proof(people):
    row = s.record(actor=people["officer"], new=new(), now=AT)
    with pytest.raises(ValidationFailed) as info:
        s.request_repair(actor=people["company_user"], record_=row, statement="", evidence=None, now=LATER)
    assert {i.field for i in info.value.issues} == {"statement", "evidence"}


def test_a_proof_of_a_forbidden_type_is_refused_before_anything_is_stored(people, uploads):
    row = s.record(actor=people["officer"], new=new(), now=AT)
    with pytest.raises(DomainError) as info:
        ask(people, row, evidence=(io.BytesIO(b"#!/bin/sh\nrm -rf /\n"), "proof.pdf"))
    assert info.value.field == "evidence" and info.value.code == "file_type_not_allowed"
    assert not RepairRequest.objects.exists()
    assert not uploads.exists() or not any(p.is_file() for p in uploads.rglob("*"))


def test_a_repair_is_refused_too_early(people):
    row = s.record(actor=people["officer"], new=new(), now=AT)
    with pytest.raises(DomainError) as info:
        ask(people, row, now=AT + dt.timedelta(days=89))
    assert info.value.code == "repair_too_early" and info.value.params["date"] == "2027-02-23"


def test_a_record_of_an_unrepairable_kind_is_not_repaired(people):
    row = s.record(actor=people["officer"], new=new(kind="court_enforcement", id_number=PERSON,
                                                    subject_name="徐建军"), now=AT)
    with pytest.raises(DomainError) as info:
        ask(people, row, who="person_user", now=AT + dt.timedelta(days=400))
    assert info.value.code == "not_repairable"


def test_only_a_record_in_effect_is_repaired(people):
    expired = s.record(actor=people["officer"], new=new(), now=AT)
    with pytest.raises(DomainError) as info:
        ask(people, expired, now=AT + dt.timedelta(days=366))
    assert info.value.code == "record_not_in_effect"
    lifted = s.record(actor=people["officer"], new=new(title="另一条"), now=AT)
    s.lift_record(actor=people["officer"], record_=lifted, reason="错录", now=AT + dt.timedelta(days=1))
    lifted.refresh_from_db()
    with pytest.raises(DomainError) as info:
        ask(people, lifted)
    assert info.value.code == "record_not_in_effect"


def test_one_pending_request_per_record(people):
    row = s.record(actor=people["officer"], new=new(), now=AT)
    ask(people, row)
    with pytest.raises(DomainError) as info:
        ask(people, row)
    assert info.value.code == "repair_pending" and RepairRequest.objects.count() == 1


def test_approving_a_repair_ends_the_record_and_its_measures(people):
    row = s.record(actor=people["officer"], new=new(), now=AT)
    request = ask(people, row)
    decided = s.decide_repair(actor=people["officer"], request=request, approve=True, reason="整改到位，准予修复",
                              now=LATER + dt.timedelta(days=1))
    row.refresh_from_db()
    assert decided.status == RepairStatus.APPROVED and decided.decided_by == people["officer"]
    assert row.status == "repaired" and row.ended_reason == "整改到位，准予修复"
    assert checks.restrictions(COMPANY, at=LATER + dt.timedelta(days=2)) == []
    with pytest.raises(DomainError) as info:
        s.decide_repair(actor=people["officer"], request=request, approve=False, reason="再次")
    assert info.value.code == "repair_not_pending"
    assert verify_chain().ok


def test_refusing_a_repair_keeps_the_record_and_allows_another_request(people):
    row = s.record(actor=people["officer"], new=new(), now=AT)
    request = ask(people, row)
    s.decide_repair(actor=people["officer"], request=request, approve=False, reason="证明材料不足", now=LATER)
    row.refresh_from_db()
    assert row.status == "active" and checks.restrictions(COMPANY, at=LATER)
    assert ask(people, row).status == RepairStatus.PENDING


def test_only_a_credit_officer_decides_and_always_with_a_reason(people):
    row = s.record(actor=people["officer"], new=new(), now=AT)
    request = ask(people, row)
    for actor in (people["regulator"], people["company_user"], people["approver"], None):
        with pytest.raises(PermissionDeniedError):
            s.decide_repair(actor=actor, request=request, approve=True, reason="准予")
    with pytest.raises(DomainError) as info:
        s.decide_repair(actor=people["officer"], request=request, approve=True, reason="")
    assert info.value.field == "reason"
    request.refresh_from_db()
    assert request.status == RepairStatus.PENDING


@pytest.mark.parametrize(("overrides", "field", "code"), [
    ({"title": "bad\x00title"}, "title", "nul_character"),
    ({"legal_basis": "x" * 501}, "legal_basis", "too_long"),
    ({"decided_on": dt.date(1, 1, 1)}, "decided_on", "out_of_range"),
    ({"effective_from": dt.datetime(9999, 12, 31, tzinfo=dt.UTC)}, "effective_from", "out_of_range"),
])
def test_input_the_database_or_date_arithmetic_would_choke_on_is_refused(people, overrides, field, code):
    with pytest.raises(ValidationFailed) as info:
        s.record(actor=people["officer"], new=new(**overrides), now=AT)
    assert (field, code) in {(i.field, i.code) for i in info.value.issues}


def test_lifting_a_record_closes_its_pending_repair_request(people):
    row = s.record(actor=people["officer"], new=new(), now=AT)
    request = ask(people, row)
    s.lift_record(actor=people["officer"], record_=row, reason="错录，予以移出", now=LATER)
    request.refresh_from_db()
    assert request.status == RepairStatus.CLOSED and request.decision_reason == "错录，予以移出"


def test_requests_refused_by_a_lifting_before_the_closed_status_existed_become_closed(people):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("oneseal.credit.migrations.0004_repair_closed_when_record_lifted")
    lifted = s.record(actor=people["officer"], new=new(), now=AT)
    by_lifting = ask(people, lifted)
    s.lift_record(actor=people["officer"], record_=lifted, reason="错录，予以移出", now=LATER)
    RepairRequest.objects.filter(pk=by_lifting.pk).update(status=RepairStatus.REJECTED)  # as before the change
    other = s.record(actor=people["officer"], new=new(id_number=COMPANY), now=AT)
    refused = ask(people, other)
    s.decide_repair(actor=people["officer"], request=refused, approve=False, reason="证明不足", now=LATER)
    migration.relabel(apps, None)
    assert RepairRequest.objects.get(pk=by_lifting.pk).status == RepairStatus.CLOSED
    assert RepairRequest.objects.get(pk=refused.pk).status == RepairStatus.REJECTED


def test_a_repair_of_a_record_that_expired_meanwhile_is_refused_not_approved(people):
    row = s.record(actor=people["officer"], new=new(), now=AT)
    request = ask(people, row)
    with pytest.raises(DomainError) as info:
        s.decide_repair(actor=people["officer"], request=request, approve=True, reason="准予",
                        now=AT + dt.timedelta(days=400))
    assert info.value.code == "record_not_in_effect"
    s.decide_repair(actor=people["officer"], request=request, approve=False, reason="记录已过期",
                    now=AT + dt.timedelta(days=400))
    row.refresh_from_db()
    assert row.status == "active"
