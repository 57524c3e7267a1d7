import datetime as dt
import os
import stat

import pytest

from oneseal.kernel import events
from oneseal.kernel.audit import verify_chain
from oneseal.kernel.errors import DomainError, PermissionDeniedError
from oneseal.licenses import keys, numbering, selectors
from oneseal.licenses import services as ls
from oneseal.licenses.models import IssuerKey, Licence, LicenceStatus, RenewalStatus
from oneseal.licenses.selectors import Verdict
from tests.licenses.conftest import approve, at

pytestmark = pytest.mark.django_db


def test_an_approved_case_gets_its_licence_once_with_the_event_contract(licensing):
    got = []
    events.subscriber("test.licences", topics=["licenses.*"])(lambda e, n: got.append(e))
    try:
        case = approve(licensing)
        events.dispatch_all()
        from oneseal.licenses.services import issue_for_approved_case

        assert issue_for_approved_case(case_id=case.pk) == []  # a redelivered approval issues nothing twice
    finally:
        events.unsubscribe("test.licences")
    licence = Licence.objects.get(case=case)
    assert numbering.is_valid_number(licence.number)
    assert licence.number.startswith("SPJ-SPJY-2026-000001-")
    assert licence.holder == licensing["applicant"] and licence.issuer == licensing["bureau"]
    assert licence.data == {"shop_name": "老张面馆", "area": "45", "holder": "张三"}
    assert licence.valid_from == dt.date(2026, 3, 5) and licence.valid_until == dt.date(2031, 3, 4)
    assert [e.topic for e in got] == ["licenses.issued"]
    assert got[0].payload == {
        "licence": licence.pk, "number": licence.number, "type": "SPJY", "type_name": "食品经营许可证",
        "holder": licence.holder_id, "holder_id_number": licence.holder_id_number, "case": case.pk,
        "case_number": case.number, "issuer": licensing["bureau"].pk, "valid_until": "2031-03-04",
        "data": licence.data, "reason": ""}
    assert selectors.verify(licence.number, now=at("2026-03-06 09:00")).verdict == Verdict.VALID
    assert verify_chain().ok


def test_an_item_without_a_licence_type_issues_nothing(world):
    approve(world)
    assert not Licence.objects.exists()


def test_a_changed_record_verifies_as_tampered(licensing):
    licence = Licence.objects.get(case=approve(licensing))
    for change in ({"holder_name": "李四"}, {"valid_until": dt.date(2040, 1, 1)}, {"data": {"shop_name": "假面馆"}}):
        Licence.objects.filter(pk=licence.pk).update(**change)
        assert selectors.verify(licence.number, now=at("2026-03-06 09:00")).verdict == Verdict.TAMPERED
        Licence.objects.filter(pk=licence.pk).update(holder_name=licence.holder_name,
                                                     valid_until=licence.valid_until, data=licence.data)
    assert selectors.verify(licence.number, now=at("2026-03-06 09:00")).verdict == Verdict.VALID


def test_a_licence_under_an_unknown_key_is_tampered(licensing):
    licence = Licence.objects.get(case=approve(licensing))
    Licence.objects.filter(pk=licence.pk).update(key_id="0123456789abcdef")
    assert selectors.verify(licence.number).verdict == Verdict.TAMPERED


def test_the_private_key_is_a_0600_file_and_not_in_the_database(licensing, settings):
    licence = Licence.objects.get(case=approve(licensing))
    key = IssuerKey.objects.get(key_id=licence.key_id)
    path = settings.ONESEAL_LICENCE_KEY_DIR / f"{key.key_id}.key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(settings.ONESEAL_LICENCE_KEY_DIR).st_mode) == 0o700
    private = path.read_bytes()
    assert private not in bytes(key.public_key) and not hasattr(key, "private_key")


def test_a_missing_private_key_refuses_issuance_and_writes_nothing(licensing, settings):
    approve(licensing)
    key = IssuerKey.objects.get()
    (settings.ONESEAL_LICENCE_KEY_DIR / f"{key.key_id}.key").unlink()
    with pytest.raises(DomainError) as caught:
        ls.issue_licence(actor=None, licence_type=licensing["food"], holder=licensing["applicant"],
                         issuer=licensing["bureau"], data={})
    assert caught.value.code == "issuer_key_missing"
    assert Licence.objects.count() == 1


def test_licence_numbers_are_sequential_with_a_check_character(licensing):
    numbers = [ls.issue_licence(actor=None, licence_type=licensing["food"], holder=licensing["applicant"],
                                issuer=licensing["bureau"], data={}, now=at("2026-05-01 09:00")).number
               for _ in range(3)]
    assert [n.split("-")[3] for n in numbers] == ["000001", "000002", "000003"]
    assert all(numbering.is_valid_number(n) for n in numbers)
    one = numbers[0]
    mistyped = one[:-1] + ("0" if one[-1] != "0" else "1")
    assert not numbering.is_valid_number(mistyped)
    swapped = one.replace("000001", "000010")
    assert not numbering.is_valid_number(swapped)
    with pytest.raises(DomainError) as caught:
        numbering.check_number(mistyped)
    assert (caught.value.code, caught.value.field) == ("licence_number_check_failed", "number")


@pytest.mark.parametrize("who,allowed", [("approver", True), ("head", True), ("outsider", False), ("clerk", False),
                                         ("supervisor", False)])
def test_only_the_issuing_departments_approver_or_head_revokes(licensing, who, allowed):
    licence = Licence.objects.get(case=approve(licensing))
    if not allowed:
        with pytest.raises(PermissionDeniedError):
            ls.revoke_licence(actor=licensing[who], licence=licence, reason="以欺骗手段取得")
        assert Licence.objects.get(pk=licence.pk).status == LicenceStatus.VALID
        return
    got = []
    events.subscriber("test.revoked", topics=["licenses.revoked"])(lambda e, n: got.append(e))
    try:
        ls.revoke_licence(actor=licensing[who], licence=licence, reason="以欺骗手段取得（《行政许可法》第六十九条）")
        events.dispatch_all()
    finally:
        events.unsubscribe("test.revoked")
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.REVOKED and licence.revocation_reason.startswith("以欺骗")
    assert selectors.verify(licence.number).verdict == Verdict.REVOKED
    assert [(e.payload["number"], e.payload["reason"]) for e in got] == [(licence.number, licence.revocation_reason)]


def test_a_revocation_needs_a_reason_and_happens_once(licensing):
    licence = Licence.objects.get(case=approve(licensing))
    with pytest.raises(DomainError) as caught:
        ls.revoke_licence(actor=licensing["head"], licence=licence, reason="  ")
    assert caught.value.field == "reason"
    ls.revoke_licence(actor=licensing["head"], licence=licence, reason="吊销")
    with pytest.raises(DomainError) as caught:
        ls.revoke_licence(actor=licensing["head"], licence=licence, reason="再次")
    assert caught.value.code == "already_revoked"


def _short_licence(licensing, until: dt.date, issued="2026-01-05 09:00"):
    return ls.issue_licence(actor=None, licence_type=licensing["food"], holder=licensing["applicant"],
                            issuer=licensing["bureau"], data={"shop_name": "老张面馆"}, valid_from=dt.date(2026, 1, 5),
                            valid_until=until, now=at(issued))


def test_expiry_sweep_marks_expired_after_the_last_day_only(licensing):
    licence = _short_licence(licensing, dt.date(2026, 6, 30))
    assert ls.expire_due_licences(now=at("2026-06-30 23:00")) == {"renewed": 0, "expired": 0}
    assert selectors.verify(licence.number, now=at("2026-06-30 23:00")).verdict == Verdict.VALID
    assert selectors.verify(licence.number, now=at("2026-07-01 00:01")).verdict == Verdict.EXPIRED  # before the sweep
    assert ls.expire_due_licences(now=at("2026-07-01 00:01")) == {"renewed": 0, "expired": 1}
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.EXPIRED
    assert ls.expire_due_licences(now=at("2026-07-02 00:01")) == {"renewed": 0, "expired": 0}


@pytest.mark.parametrize("applied,ok", [("2026-05-31 18:00", True), ("2026-06-01 08:00", False)])
def test_renewal_must_be_applied_for_30_days_before_expiry(licensing, applied, ok):
    licence = _short_licence(licensing, dt.date(2026, 6, 30))
    assert ls.renewal_deadline(licence) == dt.date(2026, 5, 31)
    if ok:
        request = ls.request_renewal(actor=licensing["holder_user"], licence=licence, now=at(applied))
        assert request.status == RenewalStatus.PENDING
        return
    with pytest.raises(DomainError) as caught:
        ls.request_renewal(actor=licensing["holder_user"], licence=licence, now=at(applied))
    assert caught.value.code == "renewal_too_late"


def test_only_the_holder_applies_to_renew_and_only_once(licensing):
    licence = _short_licence(licensing, dt.date(2026, 6, 30))
    with pytest.raises(PermissionDeniedError):
        ls.request_renewal(actor=licensing["clerk"], licence=licence, now=at("2026-05-01 09:00"))
    ls.request_renewal(actor=licensing["holder_user"], licence=licence, now=at("2026-05-01 09:00"))
    with pytest.raises(DomainError) as caught:
        ls.request_renewal(actor=licensing["holder_user"], licence=licence, now=at("2026-05-02 09:00"))
    assert caught.value.code == "renewal_pending"


def test_an_approved_renewal_issues_a_licence_valid_from_the_old_ones_expiry(licensing):
    licence = _short_licence(licensing, dt.date(2026, 6, 30))
    request = ls.request_renewal(actor=licensing["holder_user"], licence=licence, now=at("2026-05-01 09:00"))
    with pytest.raises(PermissionDeniedError):
        ls.decide_renewal(actor=licensing["outsider"], request=request, approve=True, now=at("2026-05-10 09:00"))
    request = ls.decide_renewal(actor=licensing["approver"], request=request, approve=True, now=at("2026-05-10 09:00"))
    new = request.new_licence
    assert request.status == RenewalStatus.APPROVED and new.renewed_from == licence
    assert (new.valid_from, new.valid_until) == (dt.date(2026, 7, 1), dt.date(2031, 6, 30))
    assert new.data == licence.data and new.number != licence.number
    assert selectors.verify(new.number, now=at("2026-05-10 10:00")).verdict == Verdict.NOT_YET_VALID
    assert selectors.verify(new.number, now=at("2026-07-01 10:00")).verdict == Verdict.VALID


def test_a_refused_renewal_needs_a_reason(licensing):
    licence = _short_licence(licensing, dt.date(2026, 6, 30))
    request = ls.request_renewal(actor=licensing["holder_user"], licence=licence, now=at("2026-05-01 09:00"))
    with pytest.raises(DomainError) as caught:
        ls.decide_renewal(actor=licensing["head"], request=request, approve=False, now=at("2026-05-10 09:00"))
    assert caught.value.field == "reason"
    request = ls.decide_renewal(actor=licensing["head"], request=request, approve=False, reason="经营条件发生变化",
                                now=at("2026-05-10 09:00"))
    assert request.status == RenewalStatus.DENIED and request.new_licence is None


def test_no_decision_before_expiry_means_renewed(licensing):
    """Art. 50: the department decides before expiry; silence renews the licence."""
    licence = _short_licence(licensing, dt.date(2026, 6, 30))
    request = ls.request_renewal(actor=licensing["holder_user"], licence=licence, now=at("2026-05-01 09:00"))
    assert ls.expire_due_licences(now=at("2026-06-30 20:00")) == {"renewed": 0, "expired": 0}
    assert ls.expire_due_licences(now=at("2026-07-01 00:05")) == {"renewed": 1, "expired": 1}
    request.refresh_from_db()
    assert request.status == RenewalStatus.DEEMED
    assert selectors.verify(request.new_licence.number, now=at("2026-07-01 00:06")).verdict == Verdict.VALID
    with pytest.raises(DomainError) as caught:  # too late to decide now
        ls.decide_renewal(actor=licensing["head"], request=request, approve=False, reason="x",
                          now=at("2026-07-02 09:00"))
    assert caught.value.code == "renewal_decided"


def test_keys_rotate_and_old_licences_still_verify(licensing):
    first = _short_licence(licensing, dt.date(2026, 12, 31))
    with __import__("django.db").db.transaction.atomic():
        keys.create_key(licensing["bureau"])
    second = _short_licence(licensing, dt.date(2026, 12, 31))
    assert first.key_id != second.key_id
    assert IssuerKey.objects.filter(department=licensing["bureau"], active=True).count() == 1
    assert selectors.verify(first.number, now=at("2026-02-01 09:00")).verdict == Verdict.VALID
    assert selectors.verify(second.number, now=at("2026-02-01 09:00")).verdict == Verdict.VALID


@pytest.mark.skipif("sm2-sm3" not in __import__("oneseal.kernel.signer").kernel.signer.available_algorithms(),
                    reason="the SM2 library is not installed")
def test_sm2_with_sm3_when_configured(licensing, settings):
    settings.ONESEAL_SIGNING_ALGORITHM = "sm2-sm3"
    licence = _short_licence(licensing, dt.date(2026, 12, 31))
    assert licence.algorithm == "sm2-sm3"
    assert selectors.verify(licence.number, now=at("2026-02-01 09:00")).verdict == Verdict.VALID
    Licence.objects.filter(pk=licence.pk).update(holder_name="王五")
    assert selectors.verify(licence.number, now=at("2026-02-01 09:00")).verdict == Verdict.TAMPERED


def test_a_key_of_an_algorithm_this_server_lacks_never_verifies(licensing):
    licence = _short_licence(licensing, dt.date(2026, 12, 31))
    IssuerKey.objects.filter(key_id=licence.key_id).update(algorithm="rsa-2048")
    Licence.objects.filter(pk=licence.pk).update(algorithm="rsa-2048")
    assert selectors.verify(licence.number, now=at("2026-02-01 09:00")).verdict == Verdict.TAMPERED
    assert selectors.verify_payload_online(licence.qr_payload).verdict == Verdict.TAMPERED


def test_a_revoked_case_takes_its_licence_with_it_once_and_the_regulator_is_told(licensing):
    from oneseal.cases import services as s
    from oneseal.catalog.services import publish_item_version
    from oneseal.sharing.models import RegulatorPush
    from tests.cases.conftest import pdf
    from tests.cases.test_services import submit

    item = licensing["item"]
    item.commitment_mode, item.commitment_text = "notify", "本人承诺经营场所符合要求。"
    item.save()
    item.materials.filter(name="场所证明").update(commitment_replaceable=True)
    publish_item_version(actor=None, item=item, note="告知承诺")
    case = submit(licensing, materials=[pdf("申请书"), pdf("营业执照")],
                  commitment=s.CommitmentWaiver(reference="commitment:9", materials=("场所证明",)))
    case = s.grant_on_commitment(actor=licensing["clerk"], case=case, now=at("2026-03-02 09:05"))
    events.dispatch_all()
    licence = Licence.objects.get(case=case)
    assert licence.status == LicenceStatus.VALID
    s.conclude_verification(actor=licensing["approver"], case=case, kept=False, reason="经营场所与承诺不符",
                            now=at("2026-03-20 10:00"))
    events.dispatch_all()
    licence.refresh_from_db()
    assert (licence.status, licence.revocation_reason, licence.revoked_by) == (
        LicenceStatus.REVOKED, "经营场所与承诺不符", None)
    assert ls.revoke_for_revoked_case(case_id=case.pk, reason="again") == []  # a redelivery revokes nothing twice
    kinds = set(RegulatorPush.objects.filter(case=case).values_list("kind", flat=True))
    assert {"approved", "revoked"} <= kinds
    assert RegulatorPush.objects.filter(licence_number=licence.number, kind="licence_revoked").exists()
