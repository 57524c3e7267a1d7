import pytest

from oneseal.cases import services as s
from oneseal.cases.lifecycle import IllegalTransition
from oneseal.cases.models import Case, CaseStatus, ClockPause, NoticeKind, Visit
from oneseal.kernel.audit import verify_chain
from oneseal.kernel.errors import DomainError, PermissionDeniedError, ValidationFailed
from tests.cases.conftest import at, citizen_id, pdf

pytestmark = pytest.mark.django_db

FORM = {"shop_name": "老张面馆", "area": 45}
MATERIALS = ["申请书", "场所证明"]


def submit(world, **overrides):
    kwargs = {"actor": world["clerk"], "item": world["item"], "applicant": world["applicant"], "channel": "window",
              "form_data": FORM, "materials": [pdf(m) for m in MATERIALS], "hall": world["hall"],
              "now": at("2026-03-02 09:00")}
    kwargs.update(overrides)
    return s.submit_case(**kwargs)


def review_task(case, spec_name):
    from oneseal.cases.workflow import engine

    return next(t for t in engine.ready_tasks(case.procedure, case.workflow_state) if t.spec_name == spec_name)


LANE_USER = {"approver": "approver", "bureau_head": "head", "window_clerk": "clerk"}


def step(world, case, spec_name, data, now=None):
    """Do one step as the user of the step's lane (expert_review: the bureau head decides)."""
    task = review_task(case, spec_name)
    return s.complete_task(actor=world[LANE_USER[task.lane]], case=case, task_id=task.id, data=data, now=now)


def test_a_case_runs_every_step_of_its_procedure(world):
    case = submit(world)
    assert case.number.startswith("420683-20260302-") and case.status == CaseStatus.SUBMITTED
    case = s.accept_case(actor=world["clerk"], case=case, now=at("2026-03-02 10:00"))
    assert case.due_at == at("2026-03-09 17:30")
    case = s.complete_task(actor=world["approver"], case=case, task_id=review_task(case, "review").id,
                           data={"passed": True}, now=at("2026-03-03 10:00"))
    pause = ClockPause.objects.get(case=case)
    assert pause.special_procedure == "expert_review" and pause.max_working_days == 10
    assert case.due_at is None  # paused
    case = s.complete_task(actor=world["approver"], case=case, task_id=review_task(case, "expert_review").id,
                           data={"passed": True}, now=at("2026-03-06 10:00"))
    assert case.due_at == at("2026-03-12 17:30")  # 3 working days of expert review do not count
    case = step(world, case, "decide", {"approved": True}, now=at("2026-03-09 10:00"))
    assert case.status == CaseStatus.APPROVED and case.decision.approved
    case = s.issue_result(actor=world["approver"], case=case, now=at("2026-03-09 11:00"))
    s.deliver_result(actor=world["clerk"], case=case, method="pickup", now=at("2026-03-10 09:00"))
    case = s.confirm_receipt(actor=world["clerk"], case=case, now=at("2026-03-10 09:01"))
    assert case.status == CaseStatus.CLOSED
    kinds = set(case.notices.values_list("kind", flat=True))
    assert kinds == {NoticeKind.ACCEPTANCE, NoticeKind.SPECIAL_PROCEDURE, NoticeKind.APPROVAL}
    assert Visit.objects.filter(case=case).count() == 2  # submitting and picking up
    assert list(case.events.values_list("action", flat=True)) == [
        "submitted", "accepted", "task_completed", "special_procedure_started", "task_completed", "approved",
        "issued", "delivered", "receipt_confirmed"]
    assert verify_chain().ok


def test_a_denial_needs_reasons(world):
    case = s.accept_case(actor=world["clerk"], case=submit(world), now=at("2026-03-02 10:00"))
    case = s.complete_task(actor=world["approver"], case=case, task_id=review_task(case, "review").id,
                           data={"passed": True})
    case = s.complete_task(actor=world["approver"], case=case, task_id=review_task(case, "expert_review").id,
                           data={"passed": True})
    with pytest.raises(DomainError) as info:
        step(world, case, "decide", {"approved": False})
    assert info.value.field == "reasons"
    with pytest.raises(PermissionDeniedError):  # the decision is the bureau head's in this procedure
        s.complete_task(actor=world["approver"], case=case, task_id=review_task(case, "decide").id,
                        data={"approved": False, "reasons": "场所不符合要求"})
    case = step(world, case, "decide", {"approved": False, "reasons": "场所不符合要求"})
    assert case.status == CaseStatus.DENIED and case.notices.filter(kind=NoticeKind.DENIAL).exists()


def test_a_decision_by_a_role_that_may_not_decide_is_refused(world):
    case = s.accept_case(actor=world["clerk"], case=submit(world))
    task = review_task(case, "review")
    for actor in (world["clerk"], world["outsider"], world["supervisor"]):
        with pytest.raises(PermissionDeniedError):
            s.complete_task(actor=actor, case=case, task_id=task.id, data={"passed": True})
    assert Case.objects.get(pk=case.pk).workflow_state == case.workflow_state


def test_the_same_idempotency_key_gives_the_same_case(world):
    first = submit(world, idempotency_key="k-1")
    again = submit(world, idempotency_key="k-1")
    assert first.pk == again.pk and Case.objects.count() == 1
    with pytest.raises(DomainError) as info:
        submit(world, idempotency_key="k-1", form_data={"shop_name": "别的店", "area": 10})
    assert info.value.code == "idempotency_conflict"


def test_case_numbers_are_sequential_per_day(world):
    numbers = [submit(world).number for _ in range(3)]
    assert [n[-5:] for n in numbers] == ["00001", "00002", "00003"]


@pytest.mark.parametrize(("form", "field"), [
    ({"shop_name": "老张面馆"}, "form.area"),
    ({"shop_name": "老张面馆", "area": 0}, "form.area"),
    ({"shop_name": "x", "area": 10}, "form.shop_name"),
])
def test_a_form_that_violates_the_schema_is_refused(world, form, field):
    with pytest.raises(ValidationFailed) as info:
        submit(world, form_data=form)
    assert info.value.issues[0].field == field
    assert not Case.objects.exists()


@pytest.mark.parametrize(("form", "english", "chinese"), [
    ({"shop_name": "老张面馆"}, "This field is required.", "此字段为必填项。"),
    ({"shop_name": "老张面馆", "area": 0}, "Must be at least 1.", "不得小于 1。"),
    ({"shop_name": "x", "area": 10}, "At least 2 characters.", "至少 2 个字符。"),
    ({"shop_name": "老张面馆", "area": "big"}, "Must be a number.", "必须为数字。"),
])
def test_form_errors_are_told_in_chinese_and_english(world, form, english, chinese):
    from django.utils import translation

    with pytest.raises(ValidationFailed) as info:
        submit(world, form_data=form)
    issue = info.value.issues[0]
    with translation.override("en"):
        assert str(issue.message) % issue.params == english
    with translation.override("zh-hans"):
        assert str(issue.message) % issue.params == chinese


def test_a_missing_required_material_is_refused(world):
    with pytest.raises(ValidationFailed) as info:
        submit(world, materials=[pdf("申请书")])
    assert [(i.code, i.params["name"]) for i in info.value.issues] == [("material_missing", "场所证明")]
    assert not Case.objects.exists()


def test_a_material_beyond_the_items_list_is_refused(world):
    with pytest.raises(ValidationFailed) as info:
        submit(world, materials=[pdf(m) for m in MATERIALS] + [pdf("无犯罪证明")])
    assert info.value.issues[0].code == "material_not_listed"


def test_an_html_file_renamed_pdf_is_refused_and_nothing_is_written(world, settings):
    import io

    from oneseal.cases.services import MaterialUpload

    bad = MaterialUpload("场所证明", io.BytesIO(b"<html><body>x</body></html>"), "场所证明.pdf")
    with pytest.raises(DomainError) as info:
        submit(world, materials=[pdf("申请书"), bad])
    assert (info.value.code, info.value.field) == ("file_type_not_allowed", "materials.1")
    assert not Case.objects.exists()
    assert not any((settings.ONESEAL_UPLOAD_ROOT).rglob("*.pdf"))


def test_a_200_mb_upload_is_refused(world):
    import io

    from oneseal.cases.services import MaterialUpload

    huge = MaterialUpload("场所证明", io.BytesIO(b"%PDF"), "big.pdf", size=200 * 1024 * 1024)
    with pytest.raises(DomainError) as info:
        submit(world, materials=[pdf("申请书"), huge])
    assert info.value.code == "file_too_large"
    assert not Case.objects.exists()


def test_one_supplement_notice_lists_everything_and_a_second_needs_an_override(world):
    case = submit(world)
    notice = s.request_supplement(actor=world["clerk"], case=case,
                                  problems=[("场所证明", "未盖章"), ("申请书", "缺少签名")])
    assert len(notice.content["problems"]) == 2
    case = s.receive_supplement(actor=world["clerk"], case=case, materials=[pdf("场所证明", "v2.pdf")])
    assert case.status == CaseStatus.SUBMITTED
    with pytest.raises(DomainError) as info:
        s.request_supplement(actor=world["clerk"], case=case, problems=[("申请书", "字迹不清")])
    assert info.value.code == "second_supplement_notice"
    with pytest.raises(PermissionDeniedError):
        s.grant_supplement_override(actor=world["clerk"], case=case, reason="x")
    s.grant_supplement_override(actor=world["supervisor"], case=case, reason="申请人提交材料有新问题")
    s.request_supplement(actor=world["clerk"], case=case, problems=[("申请书", "字迹不清")])
    assert case.notices.filter(kind=NoticeKind.SUPPLEMENT).count() == 2
    assert case.events.filter(action="supplement_override_granted").exists()


def test_a_supplement_during_review_pauses_the_clock(world):
    case = s.accept_case(actor=world["clerk"], case=submit(world), now=at("2026-03-02 10:00"))
    s.request_supplement(actor=world["clerk"], case=case, problems=[("场所证明", "过期")],
                         now=at("2026-03-03 10:00"))
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED and case.due_at is None
    with pytest.raises(DomainError) as info:
        s.complete_task(actor=world["approver"], case=case, task_id=review_task(case, "review").id,
                        data={"passed": True})
    assert info.value.code == "waiting_for_supplement"
    case = s.receive_supplement(actor=world["clerk"], case=case, materials=[pdf("场所证明", "new.pdf")],
                                now=at("2026-03-05 10:00"))
    assert case.due_at == at("2026-03-11 17:30")


def test_a_refusal_needs_a_reason_and_a_legal_basis(world):
    case = submit(world)
    with pytest.raises(ValidationFailed) as info:
        s.refuse_case(actor=world["clerk"], case=case, reason="", legal_basis="")
    assert {i.field for i in info.value.issues} == {"reason", "legal_basis"}
    s.refuse_case(actor=world["clerk"], case=case, reason="不属于本机关职权范围", legal_basis="《行政许可法》第三十二条")
    with pytest.raises(IllegalTransition):
        s.accept_case(actor=world["clerk"], case=case)


def test_a_second_clerk_accepting_the_same_case_is_refused(world):
    case = submit(world)
    stale = Case.objects.get(pk=case.pk)
    s.accept_case(actor=world["clerk"], case=case)
    with pytest.raises(IllegalTransition):
        s.accept_case(actor=world["clerk2"], case=stale)
    assert Case.objects.get(pk=case.pk).notices.filter(kind=NoticeKind.ACCEPTANCE).count() == 1


def test_an_application_left_five_working_days_is_deemed_accepted_from_receipt(world):
    case = submit(world, now=at("2026-02-13 09:00"))
    assert not s.deem_accepted(case=case, now=at("2026-02-27 12:00"))
    assert s.deem_accepted(case=case, now=at("2026-02-27 17:31"))
    case.refresh_from_db()
    assert case.deemed_accepted and case.accepted_at == at("2026-02-13 09:00")
    assert case.due_at == at("2026-02-27 17:30")  # 5 working days from receipt: already due


def test_one_extension_only_by_the_bureau_head_with_a_reason(world):
    case = s.accept_case(actor=world["clerk"], case=submit(world), now=at("2026-03-02 10:00"))
    with pytest.raises(PermissionDeniedError):
        s.extend_case(actor=world["approver"], case=case, reason="情况复杂")
    with pytest.raises(DomainError) as info:
        s.extend_case(actor=world["head"], case=case, reason=" ")
    assert info.value.field == "reason"
    case = s.extend_case(actor=world["head"], case=case, reason="需补充调查", now=at("2026-03-03 10:00"))
    assert case.due_at == at("2026-03-23 17:30")
    with pytest.raises(DomainError) as info:
        s.extend_case(actor=world["head"], case=case, reason="again")
    assert info.value.code == "already_extended"


def test_a_courier_delivery_needs_a_waybill(world):
    case = s.accept_case(actor=world["clerk"], case=submit(world))
    for name, data in (("review", {"passed": True}), ("expert_review", {"passed": True}),
                       ("decide", {"approved": True})):
        case = step(world, case, name, data)
    case = s.issue_result(actor=world["approver"], case=case)
    with pytest.raises(DomainError) as info:
        s.deliver_result(actor=world["clerk"], case=case, method="courier", carrier="EMS")
    assert info.value.field == "waybill"
    delivery = s.deliver_result(actor=world["clerk"], case=case, method="courier", carrier="EMS",
                                waybill="1234567890")
    assert delivery.waybill == "1234567890" and not Visit.objects.filter(case=case, kind="pickup").exists()


def test_register_applicant_validates_the_id_and_credit_code(world):
    with pytest.raises(DomainError) as info:
        s.register_applicant(actor=None, kind="person", name="李四", id_number="420683199001011230")
    assert info.value.field == "id_number"
    with pytest.raises(DomainError) as info:
        s.register_applicant(actor=None, kind="organisation", name="某公司", id_number="91420683MA4F000000")
    assert info.value.field == "id_number"
    again = s.register_applicant(actor=None, kind="person", name="张三", id_number=citizen_id())
    assert again.pk == world["applicant"].pk


def test_only_a_clerk_of_the_hall_receives_at_a_window_and_only_the_applicant_applies_online(world, user_in_role):
    from tests.factories import HallFactory

    elsewhere = user_in_role("window_clerk", "far-clerk", hall=HallFactory(code="XC", name="乡镇便民服务中心"))
    with pytest.raises(PermissionDeniedError):
        submit(world, actor=elsewhere)
    with pytest.raises(PermissionDeniedError):
        submit(world, actor=world["approver"])
    with pytest.raises(PermissionDeniedError):  # online, for somebody else's applicant record
        submit(world, actor=world["clerk"], channel="online", hall=None)
    assert not Case.objects.exists()


def test_a_commitment_approval_is_verified_after_the_decision(world):
    from oneseal.catalog.services import publish_item_version

    item = world["item"]
    item.procedure = "commitment"
    item.save()
    publish_item_version(actor=None, item=item, note="告知承诺")
    case = s.accept_case(actor=world["clerk"], case=submit(world))
    case = step(world, case, "decide", {"approved": True})
    assert case.status == CaseStatus.APPROVED
    case = s.issue_result(actor=world["approver"], case=case)
    with pytest.raises(DomainError) as info:  # not a review step: the credit app's inspection records it
        step(world, case, "verification", {"passed": True})
    assert info.value.code == "verification_by_inspection"
    case = s.conclude_verification(actor=world["approver"], case=case, kept=True)
    from oneseal.cases.workflow import engine

    assert engine.outcome(case.procedure, case.workflow_state) == "approved"


def test_a_reused_material_is_recorded_with_its_source_and_not_uploaded_again(world):
    first = submit(world)
    stored = first.materials.get(name="场所证明")
    from oneseal.kernel.uploads import StoredFile

    reused = s.ReusedMaterial(material="场所证明", source="bundle:1", file=StoredFile(
        path=stored.path, sha256=stored.sha256, size=stored.size, content_type=stored.content_type,
        original_name=stored.original_name))
    second = submit(world, materials=[pdf("申请书"), pdf("营业执照"), reused])
    row = second.materials.get(name="场所证明")
    assert (row.path, row.sha256, row.source) == (stored.path, stored.sha256, "bundle:1")
    assert second.materials.get(name="申请书").source == ""


def test_a_reused_material_whose_file_is_gone_is_refused(world):
    from oneseal.kernel.errors import DomainError
    from oneseal.kernel.uploads import StoredFile

    ghost = s.ReusedMaterial(material="场所证明", source="bundle:1", file=StoredFile(
        path="ab/cd/missing.pdf", sha256="0" * 64, size=1, content_type="application/pdf", original_name="x.pdf"))
    with pytest.raises(DomainError) as caught:
        submit(world, materials=[pdf("申请书"), pdf("营业执照"), ghost])
    assert caught.value.field == "materials.2"
    assert not world["item"].cases.exists()


def test_case_steps_become_domain_events_for_their_subscribers(world):
    from oneseal.kernel import events
    from oneseal.kernel.event_models import DomainEvent

    got = []
    events.subscriber("test.cases", topics=["cases.submitted", "cases.approved"])(lambda e, n: got.append(e))
    try:
        case = submit(world)
        events.dispatch_all()
    finally:
        events.unsubscribe("test.cases")
    assert [e.topic for e in got] == ["cases.submitted"]
    assert got[0].payload["number"] == case.number and got[0].payload["case"] == case.pk
    assert got[0].aggregate == f"cases.Case:{case.pk}"
    assert not DomainEvent.objects.filter(topic="cases.accepted").exists()  # nobody listens: nothing written
