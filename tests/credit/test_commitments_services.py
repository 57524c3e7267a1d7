"""Commitment approval on the credit side (告知承诺 / 先建后验): who may sign, what is kept of the signature,
the approval at once with its licence, the drawn inspectors with recusal, and the three outcomes of the
verification (confirmed, fixable, false) with what a false commitment sets off."""

import datetime as dt
import random

import pytest

from oneseal.cases.models import CaseFlag, CaseStatus, FlagStage, NoticeKind
from oneseal.cases.services import submit_case
from oneseal.catalog.services import publish_item_version
from oneseal.credit import checks
from oneseal.credit.models import (
    CommitmentStatus,
    CreditRecord,
    VerificationInspection,
)
from oneseal.credit.services import commitments as svc
from oneseal.credit.services.records import NewRecord, record
from oneseal.kernel import events
from oneseal.kernel.errors import DomainError, PermissionDeniedError, ValidationFailed
from oneseal.kernel.models import AuditEntry
from oneseal.kernel.workcal import add_working_days
from oneseal.licenses.models import Licence, LicenceStatus
from oneseal.sharing.models import RegulatorPush
from tests.credit.commitments_support import (
    APPLICANT_CODE,
    SIGNED,
    TEXT,
    _commitment_files,  # noqa: F401  (fixture)
    at,
    cw_fixture,  # noqa: F401  (the fixture `cw`)
    declare_relation,
    inspector_user,
    pdf,
    sign,
)

pytestmark = pytest.mark.django_db


def issues_of(error: ValidationFailed) -> set[tuple[str, str]]:
    return {(i.field, i.code) for i in error.issues}


# -- signing ------------------------------------------------------------------------------------------

def test_signing_approves_at_once_and_keeps_the_signature(cw):
    commitment = sign(cw)
    case = commitment.case
    assert case.status == CaseStatus.APPROVED and case.procedure == "commitment"
    assert case.commitment_ref == f"commitment:{commitment.pk}"
    assert sorted(case.waived_materials) == ["建设资金落实证明", "施工图设计文件审查合格书"]
    assert (commitment.text, commitment.text_sha256) == (TEXT, svc.text_sha256(TEXT))
    assert (commitment.signer_name, commitment.signed_by, commitment.signed_at) == ("王建华", cw["account"], SIGNED)
    assert commitment.mode == "build_first" and commitment.construction_allowed_from == SIGNED
    assert commitment.subject.id_number == APPLICANT_CODE
    assert commitment.status == CommitmentStatus.AWAITING_VERIFICATION
    assert set(case.notices.values_list("kind", flat=True)) == {NoticeKind.ACCEPTANCE, NoticeKind.APPROVAL}
    assert AuditEntry.objects.filter(action="credit.commitment_signed", target_id=str(commitment.pk)).exists()


def test_the_verification_is_scheduled_with_two_drawn_inspectors_of_the_supervising_department(cw):
    commitment = sign(cw)
    inspection = commitment.inspections.get()
    due = add_working_days(SIGNED, 20).at
    assert inspection.due_by == commitment.verify_by == due
    drawn = list(inspection.inspectors.all())
    assert len(drawn) == 2 and {i.department_id for i in drawn} == {cw["housing"].pk}


def test_a_notify_item_allows_no_construction_before_approval(cw):
    item = cw["item"]
    item.commitment_mode = "notify"
    item.save()
    publish_item_version(actor=None, item=item, note="告知承诺")
    commitment = sign(cw, project="")
    assert commitment.mode == "notify" and commitment.construction_allowed_from is None


def test_the_approved_case_issues_its_licence_and_is_pushed_to_the_regulator(cw):
    commitment = sign(cw)
    events.dispatch_all()
    licence = Licence.objects.get(case=commitment.case)
    assert licence.status == LicenceStatus.VALID
    assert RegulatorPush.objects.filter(case=commitment.case, kind="approved",
                                        department=cw["housing"]).exists()


def test_an_item_without_commitment_approval_is_refused(cw):
    with pytest.raises(DomainError) as info:
        sign(cw, item=cw["plain"], materials=[pdf("申请书")], replaced=[])
    assert (info.value.code, info.value.field) == ("commitment_not_allowed", "item")
    assert not cw["applicant"].cases.exists()


def test_a_high_risk_item_is_refused_even_if_its_published_version_allowed_it(cw):
    version = cw["item"].versions.order_by("-number").first()
    version.snapshot["high_risk"] = True
    version.save()
    with pytest.raises(DomainError) as info:
        sign(cw)
    assert (info.value.code, info.value.field) == ("commitment_high_risk", "item")


def test_a_proof_the_item_does_not_list_as_replaceable_is_refused(cw):
    with pytest.raises(ValidationFailed) as info:
        sign(cw, replaced=["申请书"], materials=[])
    assert ("replaced", "material_not_replaceable") in issues_of(info.value)


def test_a_text_changed_under_the_applicant_is_refused(cw):
    shown = svc.text_sha256(TEXT)
    item = cw["item"]
    item.commitment_text = TEXT + "四、按期接受核查。"
    item.save()
    publish_item_version(actor=None, item=item, note="承诺书修订")
    with pytest.raises(ValidationFailed) as info:
        sign(cw, text_shown_sha256=shown)
    assert ("text_shown_sha256", "commitment_text_changed") in issues_of(info.value)


@pytest.mark.parametrize("overrides, field", [
    ({"signer_name": " "}, "signer_name"),
    ({"signer_name": "王" * 61}, "signer_name"),
    ({"signer_id_number": "420683199003051230"}, "signer_id_number"),
    ({"project": ""}, "project"),
    ({"text_shown_sha256": None}, "text_shown_sha256"),
])
def test_bad_signatures_are_refused_naming_the_field(cw, overrides, field):
    with pytest.raises(ValidationFailed) as info:
        sign(cw, **overrides)
    assert field in {f for f, _c in issues_of(info.value)}
    assert not cw["applicant"].cases.exists()


def test_missing_proofs_not_replaced_are_still_required(cw):
    with pytest.raises(ValidationFailed) as info:
        sign(cw, replaced=["建设资金落实证明"])
    assert ("materials", "material_missing") in issues_of(info.value)
    assert not cw["applicant"].cases.exists()


def test_an_unknown_channel_is_refused(cw):
    with pytest.raises(DomainError) as info:
        sign(cw, channel="pigeon-post")
    assert info.value.field == "channel"


def test_only_the_applicants_own_account_signs_online(cw):
    with pytest.raises(PermissionDeniedError):
        sign(cw, actor=cw["approver"])
    assert not cw["applicant"].cases.exists()


def _record(kind, code=APPLICANT_CODE, when=SIGNED - dt.timedelta(days=10)):
    return record(actor=None, authorised=True, now=when, new=NewRecord(
        id_number=code, subject_name="祺鑫通达电子商务有限公司", kind=kind, title="虚报注册资本", facts="经查属实。",
        authority="枣阳市市场监督管理局", decided_on=when.date(), effective_from=when))


def test_an_applicant_under_a_commitment_restriction_is_refused_naming_the_record(cw):
    row = _record("false_commitment")
    with pytest.raises(DomainError) as info:
        sign(cw)
    assert (info.value.code, info.value.field, info.value.status) == ("commitment_restricted", "applicant", 403)
    assert info.value.params["record"] == row.number
    assert not cw["applicant"].cases.exists()


def test_a_serious_record_excludes_even_without_a_commitment_measure(cw):
    from oneseal.credit.models import RecordKind

    kind = RecordKind.objects.create(code="serious_no_measure", name="严重失信（无措施）", source="other",
                                     severity="serious", effect_days=365)
    row = _record(kind.code)
    with pytest.raises(DomainError) as info:
        sign(cw)
    assert info.value.code == "serious_record" and row.number in info.value.text()


def test_a_minor_record_does_not_exclude(cw):
    _record("penalty_minor")
    commitment = sign(cw)
    assert commitment.case.flags.filter(code="closer_review").exists()


# -- the draw and recusal -------------------------------------------------------------------------------

def test_an_inspector_with_a_declared_relation_is_never_drawn(cw):
    related = cw["inspectors"][0]
    declare_relation(related)
    for seed in range(8):
        drawn = svc.draw_inspectors(cw["housing"].pk, APPLICANT_CODE, rng=random.Random(seed))
        assert related not in drawn and len(drawn) == 2


def test_too_few_inspectors_after_recusal_refuses_and_writes_nothing(cw):
    declare_relation(cw["inspectors"][0])
    declare_relation(cw["inspectors"][1])
    with pytest.raises(DomainError) as info:
        sign(cw)
    assert (info.value.code, info.value.field) == ("too_few_inspectors", "item")
    assert not cw["applicant"].cases.exists() and not VerificationInspection.objects.exists()


def test_inactive_inspectors_are_not_drawn(cw):
    for inspector in cw["inspectors"][:2]:
        inspector.active = False
        inspector.save()
    with pytest.raises(DomainError) as info:
        svc.draw_inspectors(cw["housing"].pk, APPLICANT_CODE)
    assert info.value.params["count"] == 1


def test_the_production_draw_uses_the_system_random(cw, monkeypatch):
    used = []

    class Spy(random.Random):
        def sample(self, population, k):
            used.append(len(population))
            return super().sample(population, k)

    monkeypatch.setattr(svc.secrets, "SystemRandom", Spy)
    svc.draw_inspectors(cw["housing"].pk, APPLICANT_CODE)
    assert used == [3]


# -- verification ------------------------------------------------------------------------------------

def test_a_confirmed_verification_keeps_the_approval(cw):
    commitment = sign(cw)
    inspection, inspector = inspector_user(commitment)
    svc.record_verification(actor=inspector, inspection=inspection, outcome="confirmed", findings="现场核查与承诺一致。",
                            now=at("2026-03-20 10:00"))
    commitment.refresh_from_db()
    inspection.refresh_from_db()
    assert commitment.status == CommitmentStatus.CONFIRMED and commitment.concluded_at == at("2026-03-20 10:00")
    assert (inspection.outcome, inspection.recorded_by) == ("confirmed", inspector)
    assert commitment.case.status == CaseStatus.APPROVED
    assert not commitment.case.tasks.filter(completed_at__isnull=True).exists()


def test_a_fixable_finding_sets_a_deadline_and_a_follow_up_by_the_same_inspectors(cw):
    commitment = sign(cw)
    inspection, inspector = inspector_user(commitment)
    when = at("2026-03-20 10:00")
    svc.record_verification(actor=inspector, inspection=inspection, outcome="fixable", findings="消防通道未按图施工。",
                            rectify_days=10, now=when)
    commitment.refresh_from_db()
    inspection.refresh_from_db()
    deadline = add_working_days(when, 10).at
    assert commitment.status == CommitmentStatus.RECTIFYING and inspection.rectify_by == deadline
    follow_up = commitment.inspections.get(recorded_at__isnull=True)
    assert follow_up.due_by == commitment.verify_by == deadline
    assert set(follow_up.inspectors.all()) == set(inspection.inspectors.all())
    assert commitment.case.tasks.filter(completed_at__isnull=True, kind="verification").exists()
    svc.record_verification(actor=inspector, inspection=follow_up, outcome="confirmed", findings="已整改到位。",
                            now=at("2026-03-30 10:00"))
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.CONFIRMED


def test_a_false_commitment_revokes_the_case_and_the_licence_and_records_the_subject(cw):
    commitment = sign(cw)
    events.dispatch_all()
    inspection, inspector = inspector_user(commitment)
    when = at("2026-03-20 10:00")
    svc.record_verification(actor=inspector, inspection=inspection, outcome="false",
                            findings="施工图未经审查，承诺内容不实。", now=when)
    events.dispatch_all()
    commitment.refresh_from_db()
    case = commitment.case
    case.refresh_from_db()
    assert commitment.status == CommitmentStatus.FALSE and case.status == CaseStatus.REVOKED
    assert case.notices.filter(kind=NoticeKind.REVOCATION).exists()
    assert Licence.objects.get(case=case).status == LicenceStatus.REVOKED
    assert RegulatorPush.objects.filter(case=case, kind="revoked").exists()
    row = CreditRecord.objects.get(source_ref=commitment.reference)
    assert (row.kind.code, row.id_number, row.authority) == ("false_commitment", APPLICANT_CODE,
                                                             cw["bureau"].name)
    assert "施工图未经审查" in row.facts


def test_after_a_false_commitment_the_subject_is_refused_and_its_applications_flagged(cw):
    commitment = sign(cw)
    inspection, inspector = inspector_user(commitment)
    when = at("2026-03-20 10:00")
    svc.record_verification(actor=inspector, inspection=inspection, outcome="false", findings="承诺不实。", now=when)
    row = CreditRecord.objects.get(source_ref=commitment.reference)
    later = at("2026-04-01 09:00")
    with pytest.raises(DomainError) as info:
        sign(cw, now=later)
    assert info.value.code == "commitment_restricted" and info.value.params["record"] == row.number
    case = submit_case(actor=cw["account"], item=cw["plain"], applicant=cw["applicant"], channel="online",
                       materials=[pdf("申请书")], now=later)
    flag = CaseFlag.objects.get(case=case, stage=FlagStage.SUBMISSION, code="closer_review")
    assert flag.reference == row.number and not flag.blocking
    assert {r.measure_code for r in checks.restrictions(APPLICANT_CODE, at=later)} >= {"no_commitment", "no_bidding"}


def test_only_the_drawn_inspectors_record_the_verification(cw):
    commitment = sign(cw)
    inspection = commitment.inspections.get()
    drawn = set(inspection.inspectors.all())
    other = next(i for i in cw["inspectors"] if i not in drawn)
    for actor in (other.user, cw["outsider"], cw["account"], cw["approver"], None):
        with pytest.raises(PermissionDeniedError):
            svc.record_verification(actor=actor, inspection=inspection, outcome="confirmed", findings="一致。")
    inspection.refresh_from_db()
    assert inspection.recorded_at is None


def test_an_inspection_is_recorded_once(cw):
    commitment = sign(cw)
    inspection, inspector = inspector_user(commitment)
    other = inspection.inspectors.exclude(user=inspector).get().user
    svc.record_verification(actor=inspector, inspection=inspection, outcome="confirmed", findings="一致。")
    with pytest.raises(svc.Conflict) as info:
        svc.record_verification(actor=other, inspection=inspection, outcome="false", findings="不实。")
    assert (info.value.code, info.value.status) == ("already_recorded", 409)
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.CONFIRMED


@pytest.mark.parametrize("outcome, findings, days, fields", [
    ("maybe", "一致。", None, {"outcome"}),
    ("confirmed", "  ", None, {"findings"}),
    ("confirmed", "x" * 4001, None, {"findings"}),
    ("fixable", "须整改。", None, {"rectify_days"}),
    ("fixable", "须整改。", 0, {"rectify_days"}),
    ("fixable", "须整改。", 61, {"rectify_days"}),
    ("fixable", "须整改。", "ten", {"rectify_days"}),
    (None, None, None, {"outcome", "findings"}),
])
def test_bad_verifications_are_refused_naming_the_field(cw, outcome, findings, days, fields):
    commitment = sign(cw)
    inspection, inspector = inspector_user(commitment)
    with pytest.raises(ValidationFailed) as info:
        svc.record_verification(actor=inspector, inspection=inspection, outcome=outcome, findings=findings,
                                rectify_days=days)
    assert {f for f, _c in issues_of(info.value)} == fields
    inspection.refresh_from_db()
    assert inspection.recorded_at is None


# -- overdue ---------------------------------------------------------------------------------------

def test_an_overdue_verification_is_flagged_once(cw):
    got = []
    events.subscriber("test.overdue", topics=[svc.OVERDUE_TOPIC])(lambda e, n: got.append(e))
    try:
        commitment = sign(cw)
        inspection = commitment.inspections.get()
        assert svc.flag_overdue_verifications(now=inspection.due_by - dt.timedelta(minutes=1)) == []
        later = inspection.due_by + dt.timedelta(hours=1)
        assert svc.flag_overdue_verifications(now=later) == [inspection.pk]
        assert svc.flag_overdue_verifications(now=later + dt.timedelta(days=1)) == []
        events.dispatch_all()
    finally:
        events.unsubscribe("test.overdue")
    assert [e.payload["inspection"] for e in got] == [inspection.pk]
    assert AuditEntry.objects.filter(action=svc.OVERDUE_TOPIC, target_id=str(inspection.pk)).count() == 1


def test_a_recorded_verification_is_never_overdue(cw):
    commitment = sign(cw)
    inspection, inspector = inspector_user(commitment)
    svc.record_verification(actor=inspector, inspection=inspection, outcome="confirmed", findings="一致。",
                            now=at("2026-03-10 10:00"))
    assert svc.flag_overdue_verifications(now=inspection.due_by + dt.timedelta(days=30)) == []
