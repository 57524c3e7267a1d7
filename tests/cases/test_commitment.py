"""Commitment approval on the cases side (告知承诺): a signed commitment stands in for listed proofs, the
case is approved at once, and its verification keeps or revokes it. The credit app's part (who may sign,
the inspection, the credit record) is tested in tests/credit/."""

import pytest

from oneseal.cases import checks
from oneseal.cases import services as s
from oneseal.cases.models import CaseFlag, CaseStatus, FlagStage, NoticeKind
from oneseal.catalog.services import publish_item_version
from oneseal.kernel.errors import DomainError, ValidationFailed
from oneseal.kernel.event_models import DomainEvent
from tests.cases.conftest import at, pdf
from tests.cases.test_services import FORM, submit


@pytest.fixture
def commitment_item(world):
    item = world["item"]
    item.commitment_mode, item.commitment_text = "notify", "本人承诺所填报信息真实，场所符合食品安全要求。"
    item.save()
    item.materials.filter(name="场所证明").update(commitment_replaceable=True)
    publish_item_version(actor=None, item=item, note="告知承诺")
    return item


def waiver(*materials):
    return s.CommitmentWaiver(reference="commitment:1", materials=tuple(materials))


def test_a_commitment_replaces_its_proof_and_runs_the_commitment_procedure(world, commitment_item):
    case = submit(world, materials=[pdf("申请书"), pdf("营业执照")], commitment=waiver("场所证明"))
    assert (case.procedure, case.commitment_ref, case.waived_materials) == ("commitment", "commitment:1", ["场所证明"])
    assert not case.materials.filter(name="场所证明").exists()


def test_without_the_commitment_the_proof_is_still_required(world, commitment_item):
    with pytest.raises(ValidationFailed) as info:
        submit(world, materials=[pdf("申请书"), pdf("营业执照")])
    assert [i.code for i in info.value.issues] == ["material_missing"]


def test_an_item_without_commitment_approval_refuses_a_commitment(world):
    with pytest.raises(DomainError) as info:
        submit(world, materials=[pdf("申请书"), pdf("营业执照")], commitment=waiver("场所证明"))
    assert (info.value.code, info.value.field) == ("commitment_not_allowed", "commitment")


def test_a_high_risk_item_refuses_a_commitment_even_if_its_version_allowed_one(world, commitment_item):
    version = commitment_item.versions.order_by("-number").first()
    version.snapshot["high_risk"] = True
    version.save()
    with pytest.raises(DomainError) as info:
        submit(world, materials=[pdf("申请书"), pdf("营业执照")], commitment=waiver("场所证明"))
    assert info.value.code == "commitment_not_allowed"


def test_a_commitment_cannot_replace_a_proof_the_item_does_not_list_as_replaceable(world, commitment_item):
    with pytest.raises(DomainError) as info:
        submit(world, materials=[pdf("场所证明"), pdf("营业执照")], commitment=waiver("申请书"))
    assert (info.value.code, info.value.field) == ("material_not_replaceable", "commitment.materials")


def test_granting_on_the_commitment_accepts_and_approves_at_once(world, commitment_item):
    case = submit(world, materials=[pdf("申请书"), pdf("营业执照")], commitment=waiver("场所证明"))
    case = s.grant_on_commitment(actor=world["clerk"], case=case, now=at("2026-03-02 09:05"))
    assert case.status == CaseStatus.APPROVED
    assert case.accepted_at == case.decided_at == at("2026-03-02 09:05")
    assert set(case.notices.values_list("kind", flat=True)) == {NoticeKind.ACCEPTANCE, NoticeKind.APPROVAL}
    assert case.decision.approved and case.decision.decided_by == world["clerk"]
    assert [t.kind for t in case.tasks.filter(completed_at__isnull=True)] == ["verification"]
    assert DomainEvent.objects.filter(topic="cases.approved", payload__case=case.pk).exists()


def test_only_a_commitment_case_is_granted_on_a_commitment(world, commitment_item):
    case = submit(world)
    with pytest.raises(DomainError) as info:
        s.grant_on_commitment(actor=world["clerk"], case=case)
    assert info.value.code == "no_commitment"


def test_a_kept_commitment_closes_the_verification(world, commitment_item):
    case = submit(world, materials=[pdf("申请书"), pdf("营业执照")], commitment=waiver("场所证明"))
    case = s.grant_on_commitment(actor=None, case=case, now=at("2026-03-02 09:05"))
    assert case.decision.decided_by is None  # granted by the system on an online commitment
    case = s.conclude_verification(actor=world["approver"], case=case, kept=True, now=at("2026-03-20 10:00"))
    assert case.status == CaseStatus.APPROVED and not case.tasks.filter(completed_at__isnull=True).exists()
    with pytest.raises(DomainError) as info:  # verified once
        s.conclude_verification(actor=world["approver"], case=case, kept=True)
    assert info.value.code == "no_verification_pending"


def test_a_false_commitment_revokes_the_approval_with_a_written_decision(world, commitment_item):
    case = submit(world, materials=[pdf("申请书"), pdf("营业执照")], commitment=waiver("场所证明"))
    case = s.grant_on_commitment(actor=world["clerk"], case=case, now=at("2026-03-02 09:05"))
    case = s.issue_result(actor=world["approver"], case=case, now=at("2026-03-02 09:10"))
    with pytest.raises(DomainError) as info:
        s.conclude_verification(actor=world["approver"], case=case, kept=False, reason=" ")
    assert (info.value.code, info.value.field) == ("reason_required", "reason")
    case = s.conclude_verification(actor=world["approver"], case=case, kept=False, reason="经营场所与承诺不符",
                                   now=at("2026-03-20 10:00"))
    assert case.status == CaseStatus.REVOKED and case.revoked_at == at("2026-03-20 10:00")
    assert case.notices.filter(kind=NoticeKind.REVOCATION).exists()
    revoked = DomainEvent.objects.get(topic="cases.revoked", payload__case=case.pk)
    assert revoked.payload["reason"] == "经营场所与承诺不符"


def test_the_verification_is_not_a_review_step(world, commitment_item):
    case = submit(world, materials=[pdf("申请书"), pdf("营业执照")], commitment=waiver("场所证明"))
    case = s.grant_on_commitment(actor=world["clerk"], case=case)
    task = case.tasks.get(completed_at__isnull=True)
    with pytest.raises(DomainError) as info:
        s.complete_task(actor=world["approver"], case=case, task_id=task.task_id, data={"passed": True})
    assert info.value.code == "verification_by_inspection"


class _Check:
    """A check registered like the credit app's, answering from a dict the test fills."""

    def __init__(self):
        self.flags = {}

    def __call__(self, *, applicant, item, stage, at):
        return self.flags.get(stage, [])


@pytest.fixture
def check():
    fake = _Check()
    checks.register_subject_check(fake)
    yield fake
    checks._checks.remove(fake)


def test_a_flag_at_submission_is_kept_on_the_case(world, check):
    check.flags[FlagStage.SUBMISSION] = [checks.SubjectFlag("credit", "closer_review", "重点审查", "XY-2026-0000001")]
    case = submit(world)
    flag = CaseFlag.objects.get(case=case)
    assert (flag.stage, flag.code, flag.reference, flag.blocking) == ("submission", "closer_review",
                                                                      "XY-2026-0000001", False)


def test_a_blocking_flag_refuses_the_submission_and_writes_nothing(world, check):
    check.flags[FlagStage.SUBMISSION] = [checks.SubjectFlag("credit", "restrict_licensing", "限制取得行政许可",
                                                            "XY-2026-0000002", blocking=True)]
    with pytest.raises(checks.SubjectRestricted) as info:
        submit(world)
    assert (info.value.code, info.value.field, info.value.status) == ("subject_restricted", "applicant", 403)
    assert not world["applicant"].cases.exists()


def test_a_blocking_flag_at_the_decision_refuses_approval_but_not_denial(world, check):
    case = s.accept_case(actor=world["clerk"], case=submit(world), now=at("2026-03-02 10:00"))
    from tests.cases.test_services import step

    case = step(world, case, "review", {"passed": True})
    case = step(world, case, "expert_review", {"passed": True})
    check.flags[FlagStage.DECISION] = [checks.SubjectFlag("credit", "restrict_licensing", "限制取得行政许可",
                                                          "XY-2026-0000003", blocking=True)]
    with pytest.raises(checks.SubjectRestricted) as info:
        step(world, case, "decide", {"approved": True})
    assert info.value.field == "approved"
    case = step(world, case, "decide", {"approved": False, "reasons": "申请人被列为失信被执行人"})
    assert case.status == CaseStatus.DENIED
    assert case.flags.filter(stage=FlagStage.DECISION, blocking=True).count() == 1


def test_form_data_is_unchanged_by_a_commitment(world, commitment_item):
    case = submit(world, materials=[pdf("申请书"), pdf("营业执照")], commitment=waiver("场所证明"))
    assert case.form_data == FORM


def test_the_api_shows_flags_to_staff_only(world, check, client):
    from oneseal.accounts.services import create_applicant_account

    check.flags[FlagStage.SUBMISSION] = [checks.SubjectFlag("credit", "closer_review", "重点审查", "XY-2026-0000004")]
    case = submit(world)
    user = create_applicant_account(actor=None, username="zhangsan2", password="correct-horse-battery")
    world["applicant"].user = user
    world["applicant"].save(update_fields=["user"])
    client.force_login(world["clerk"])
    body = client.get(f"/api/v1/cases/{case.number}").json()
    assert [f["reference"] for f in body["flags"]] == ["XY-2026-0000004"]
    client.force_login(user)
    body = client.get(f"/api/v1/cases/{case.number}").json()
    assert body["flags"] == [] and body["commitment"] == ""
