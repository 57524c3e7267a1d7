import pytest

from oneseal.bundles import services as bs
from oneseal.bundles.models import BundleNoticeKind, BundleStatus, PartStatus
from oneseal.cases import services as cs
from oneseal.cases.models import CaseMaterial, CaseStatus
from oneseal.cases.workflow import engine
from oneseal.kernel import events
from oneseal.kernel.audit import verify_chain
from oneseal.kernel.errors import DomainError, PermissionDeniedError, ValidationFailed

from .conftest import apply_online, at, licence_issued, pdf

pytestmark = pytest.mark.django_db


def parts(application):
    return {p.bundle_item.item.name: p for p in application.parts.select_related("bundle_item__item", "case")}


def decide(world, case, now, approved=True, reasons=""):
    """On the spot at the window: accept, decide, and (approved or not) the result is issued."""
    case = cs.accept_case(actor=world["clerk"], case=case, now=at(now))
    (task,) = engine.ready_tasks(case.procedure, case.workflow_state)
    case = cs.complete_task(actor=world["clerk"], case=case, task_id=task.id, now=at(now),
                            data={"approved": approved, "reasons": reasons})
    return case


def issue(world, case, now):
    return cs.issue_result(actor=world["approver"], case=case, now=at(now))


def test_parallel_items_start_at_once_and_dependants_wait(kaiban):
    application = apply_online(kaiban)
    p = parts(application)
    assert application.status == BundleStatus.SUBMITTED
    assert {n for n, part in p.items() if part.status == PartStatus.RUNNING} == {"企业设立登记", "社会保险登记"}
    assert {n for n, part in p.items() if part.status == PartStatus.WAITING} == {"印章刻制备案", "发票申领"}
    assert p["企业设立登记"].case.form_data == {"company_name": "枣阳市青禾科技有限公司", "registered_capital": 100}
    assert p["社会保险登记"].case.form_data == {"address": "枣阳市人民路1号"}  # an open form takes the shared fields


def test_each_material_is_uploaded_once_and_reused_by_every_case(kaiban):
    application = apply_online(kaiban)
    p = parts(application)
    reg_materials = {m.name: m for m in p["企业设立登记"].case.materials.all()}
    social_materials = {m.name: m for m in p["社会保险登记"].case.materials.all()}
    assert reg_materials["申请书"].source == ""  # the first case stores the upload
    assert social_materials["申请书"].source == f"bundle:{application.pk}"  # the next one reuses it
    assert social_materials["申请书"].sha256 == reg_materials["申请书"].sha256
    assert social_materials["相关证明材料"].source == ""  # the first case started that needs it stores it
    assert application.files.count() == 3


def test_dependants_start_when_the_prerequisite_is_approved_and_its_licence_data_arrived(kaiban):
    application = apply_online(kaiban)
    reg = parts(application)["企业设立登记"].case
    decide(kaiban, reg, "2026-11-02 10:00")
    events.dispatch_all()
    p = parts(application)
    assert p["企业设立登记"].status == PartStatus.APPROVED
    assert p["印章刻制备案"].status == PartStatus.WAITING  # the credit code is not there yet
    licence_issued(reg, {"credit_code": "91420683MA4F000001"}, at("2026-11-02 10:05"))
    p = parts(application)
    seal, invoice = p["印章刻制备案"].case, p["发票申领"].case
    assert seal.form_data == {"company_name": "枣阳市青禾科技有限公司", "credit_code": "91420683MA4F000001"}
    assert invoice.form_data == {"credit_code": "91420683MA4F000001"}
    assert seal.submitted_at == at("2026-11-02 10:05")
    assert seal.submitted_by == kaiban["applicant_user"]  # part of the application the applicant made
    assert {m.source for m in invoice.materials.all()} == {f"bundle:{application.pk}"}
    assert sorted(m.name for m in invoice.materials.all()) == ["申请书", "相关证明材料"]  # 营业执照: by licence
    application.refresh_from_db()
    assert application.status == BundleStatus.IN_PROGRESS
    licence_issued(reg, {"credit_code": "91420683MA4F000001"}, at("2026-11-02 10:06"))  # a repeat: nothing new
    assert application.parts.filter(case__isnull=False).count() == 4


def test_form_mapping_alone_starts_the_dependant_on_approval(kaiban):
    from oneseal.bundles.services import ItemSpec, PoolSpec

    reg, social = kaiban["reg"], kaiban["social"]
    definition = bs.define_bundle(
        actor=None, code="SMALL", name="小联办", limit_amount=2, limit_unit="working_days",
        form_schema={"type": "object", "properties": {"address": {"type": "string"}}},
        items=[ItemSpec(reg.code), ItemSpec(social.code, (reg.code,))],
        pool=[PoolSpec("申请书", ((reg.code, "申请书"), (social.code, "申请书"))),
              PoolSpec("公司章程", ((reg.code, "公司章程"),)), PoolSpec("证明", ((social.code, "相关证明材料"),))],
        mappings=[bs.MappingSpec(reg.code, "company_name", social.code, "address")])
    application = bs.apply_bundle(actor=kaiban["applicant_user"], definition=definition,
                                  applicant=kaiban["applicant"], channel="online",
                                  form_data={"company_name": "青禾科技"},
                                  materials=[pdf("申请书"), pdf("公司章程"), pdf("证明")], now=at("2026-11-02 09:00"))
    decide(kaiban, parts(application)["企业设立登记"].case, "2026-11-02 09:30")
    events.dispatch_all()
    assert parts(application)["社会保险登记"].case.form_data == {"address": "青禾科技"}


def test_a_denial_stops_the_dependants_and_tells_the_applicant_why(kaiban):
    application = apply_online(kaiban)
    reg = parts(application)["企业设立登记"].case
    decide(kaiban, reg, "2026-11-02 10:00", approved=False, reasons="拟用名称与已登记企业名称相同")
    events.dispatch_all()
    application.refresh_from_db()
    p = parts(application)
    assert application.status == BundleStatus.STOPPED
    assert "企业设立登记" in application.stop_reason and "拟用名称与已登记企业名称相同" in application.stop_reason
    assert (p["印章刻制备案"].status, p["发票申领"].status) == (PartStatus.STOPPED, PartStatus.STOPPED)
    assert p["印章刻制备案"].case is None
    assert p["社会保险登记"].status == PartStatus.RUNNING  # in parallel, not a dependant: it goes on
    notice = application.notices.get(kind=BundleNoticeKind.PART_FAILED)
    assert notice.content["item"] == "企业设立登记" and notice.content["case"] == reg.number
    assert notice.content["reasons"] == "拟用名称与已登记企业名称相同"
    assert sorted(notice.content["stopped"]) == ["印章刻制备案", "发票申领"]
    events.dispatch_all()  # delivered again: nothing changes
    assert application.notices.filter(kind=BundleNoticeKind.PART_FAILED).count() == 1


def test_a_refusal_at_the_window_stops_the_bundle_with_its_reason(kaiban):
    application = apply_online(kaiban)
    reg = parts(application)["企业设立登记"].case
    cs.refuse_case(actor=kaiban["clerk"], case=reg, reason="不属于本机关职权范围", legal_basis="《行政许可法》第三十二条",
                   now=at("2026-11-02 09:10"))
    events.dispatch_all()
    application.refresh_from_db()
    assert application.status == BundleStatus.STOPPED
    assert "不属于本机关职权范围" in application.stop_reason


def run_to_ready(world, application):
    reg = parts(application)["企业设立登记"].case
    social = parts(application)["社会保险登记"].case
    decide(world, reg, "2026-11-02 10:00")
    issue(world, reg, "2026-11-02 10:10")
    decide(world, social, "2026-11-02 10:20")
    issue(world, social, "2026-11-02 10:30")
    events.dispatch_all()
    licence_issued(reg, {"credit_code": "91420683MA4F000001"}, at("2026-11-02 10:40"))
    p = parts(application)
    for name, (decided, issued) in {"印章刻制备案": ("2026-11-02 11:00", "2026-11-02 11:10"),
                                    "发票申领": ("2026-11-02 11:20", "2026-11-02 11:30")}.items():
        decide(world, p[name].case, decided)
        issue(world, p[name].case, issued)
    events.dispatch_all()
    application.refresh_from_db()
    return application


def test_every_result_issued_makes_the_bundle_ready_and_one_delivery_hands_out_all(kaiban):
    application = run_to_ready(kaiban, apply_online(kaiban))
    assert application.status == BundleStatus.READY
    assert application.ready_at == at("2026-11-02 11:30")
    assert application.notices.filter(kind=BundleNoticeKind.READY).exists()
    bs.deliver_bundle(actor=kaiban["clerk"], application=application, method="courier", carrier="EMS",
                      waybill="EMS123", now=at("2026-11-02 14:40"))
    application.refresh_from_db()
    assert application.status == BundleStatus.DELIVERED and application.waybill == "EMS123"
    cases = [p.case for p in application.parts.select_related("case")]
    assert {c.status for c in cases} == {CaseStatus.DELIVERED}
    assert {c.delivery.waybill for c in cases} == {"EMS123"}
    assert verify_chain().ok


def test_joint_delivery_is_refused_before_every_result_is_ready(kaiban):
    application = apply_online(kaiban)
    with pytest.raises(DomainError) as refused:
        bs.deliver_bundle(actor=kaiban["clerk"], application=application, method="pickup")
    assert refused.value.code == "bundle_not_ready"


def test_joint_delivery_is_all_or_nothing(kaiban, monkeypatch):
    application = run_to_ready(kaiban, apply_online(kaiban))
    real = cs.deliver_result
    calls = {"n": 0}

    def failing(**kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise DomainError("printer_jammed", "jammed")
        return real(**kwargs)

    monkeypatch.setattr(cs, "deliver_result", failing)
    with pytest.raises(DomainError):
        bs.deliver_bundle(actor=kaiban["clerk"], application=application, method="pickup")
    assert not application.parts.filter(case__status=CaseStatus.DELIVERED).exists()
    application.refresh_from_db()
    assert application.status == BundleStatus.READY


def test_only_a_window_clerk_hands_out_and_receives(kaiban):
    application = run_to_ready(kaiban, apply_online(kaiban))
    for user in (kaiban["applicant_user"], kaiban["approver"], kaiban["supervisor"]):
        with pytest.raises(PermissionDeniedError):
            bs.deliver_bundle(actor=user, application=application, method="pickup")
        with pytest.raises(PermissionDeniedError):
            bs.accept_parts(actor=user, application=application)


def test_the_window_receives_the_whole_bundle_at_once(kaiban):
    application = apply_online(kaiban)
    accepted = bs.accept_parts(actor=kaiban["clerk"], application=application, now=at("2026-11-02 09:05"))
    assert sorted(c.item.name for c in accepted) == ["企业设立登记", "社会保险登记"]
    events.dispatch_all()
    application.refresh_from_db()
    assert application.status == BundleStatus.IN_PROGRESS
    with pytest.raises(DomainError) as refused:
        bs.accept_parts(actor=kaiban["clerk"], application=application)
    assert refused.value.code == "nothing_to_accept"


def test_the_application_checks_form_and_materials_before_anything_is_written(kaiban):
    with pytest.raises(ValidationFailed) as bad:
        bs.apply_bundle(actor=kaiban["applicant_user"], definition=kaiban["definition"],
                        applicant=kaiban["applicant"], channel="online", form_data={"company_name": "x"},
                        materials=[pdf("企业开办申请书"), pdf("企业开办申请书"), pdf("营业执照")])
    fields = {(i.field, i.code) for i in bad.value.issues}
    assert ("form.company_name", "schema_minLength") in fields
    with pytest.raises(ValidationFailed) as bad:
        bs.apply_bundle(actor=kaiban["applicant_user"], definition=kaiban["definition"],
                        applicant=kaiban["applicant"], channel="online", form_data={"company_name": "青禾科技"},
                        materials=[pdf("企业开办申请书"), pdf("企业开办申请书"), pdf("营业执照")])
    codes = {(i.field, i.code) for i in bad.value.issues}
    assert ("materials.1", "material_given_twice") in codes
    assert ("materials.2", "material_not_in_pool") in codes
    assert ("materials", "material_missing") in codes
    assert not CaseMaterial.objects.exists()


def test_the_form_does_not_ask_for_what_a_mapping_fills(kaiban):
    schema = bs.application_form(kaiban["definition"])
    assert set(schema["properties"]) == {"address", "company_name", "registered_capital", "seal_count"}
    assert schema["required"] == ["company_name"]


def test_online_only_the_applicant_applies_for_themselves(kaiban, user_in_role):
    from oneseal.accounts.roles import RoleCode

    other = user_in_role(RoleCode.APPLICANT, "someone-else")
    with pytest.raises(PermissionDeniedError):
        bs.apply_bundle(actor=other, definition=kaiban["definition"], applicant=kaiban["applicant"],
                        channel="online", form_data={"company_name": "青禾科技"}, materials=[])


def test_a_clerk_receives_a_bundle_at_the_window(kaiban):
    from .conftest import uploads

    application = bs.apply_bundle(actor=kaiban["clerk"], definition=kaiban["definition"],
                                  applicant=kaiban["applicant"], channel="window", hall=kaiban["hall"],
                                  form_data={"company_name": "青禾科技"}, materials=uploads(),
                                  idempotency_key="k1", now=at("2026-11-02 09:00"))
    assert application.hall == kaiban["hall"]
    assert {p.case.hall for p in application.parts.filter(case__isnull=False)} == {kaiban["hall"]}
    again = bs.apply_bundle(actor=kaiban["clerk"], definition=kaiban["definition"], applicant=kaiban["applicant"],
                            channel="window", hall=kaiban["hall"], form_data={"company_name": "青禾科技"},
                            materials=uploads(), idempotency_key="k1")
    assert again.pk == application.pk


def test_a_dependant_that_cannot_start_stops_like_a_denial(kaiban):
    application = apply_online(kaiban)
    reg = parts(application)["企业设立登记"].case
    decide(kaiban, reg, "2026-11-02 10:00")
    events.dispatch_all()
    licence_issued(reg, {"credit_code": 91420683}, at("2026-11-02 10:05"))  # not a string: the forms refuse it
    application.refresh_from_db()
    p = parts(application)
    assert (p["印章刻制备案"].status, p["发票申领"].status) == (PartStatus.FAILED, PartStatus.FAILED)
    assert p["印章刻制备案"].case is None and "credit_code" in p["印章刻制备案"].failure
    assert application.status == BundleStatus.STOPPED
    from oneseal.kernel.event_models import DeliveryStatus, EventDelivery

    assert not EventDelivery.objects.exclude(status=DeliveryStatus.DONE).exists()  # nothing left to retry


def test_parts_that_do_not_depend_on_the_failed_one_go_on(kaiban):
    application = apply_online(kaiban)
    p = parts(application)
    decide(kaiban, p["社会保险登记"].case, "2026-11-02 09:30", approved=False, reasons="参保信息不全")
    decide(kaiban, p["企业设立登记"].case, "2026-11-02 10:00")
    events.dispatch_all()
    licence_issued(p["企业设立登记"].case, {"credit_code": "91420683MA4F000001"}, at("2026-11-02 10:05"))
    p = parts(application)
    assert p["印章刻制备案"].status == PartStatus.RUNNING and p["发票申领"].status == PartStatus.RUNNING
    application.refresh_from_db()
    assert application.status == BundleStatus.STOPPED and "参保信息不全" in application.stop_reason


def test_a_window_bundle_starts_its_dependants_at_the_same_window(kaiban):
    from .conftest import uploads

    application = bs.apply_bundle(actor=kaiban["clerk"], definition=kaiban["definition"],
                                  applicant=kaiban["applicant"], channel="window", hall=kaiban["hall"],
                                  form_data={"company_name": "青禾科技"}, materials=uploads(),
                                  now=at("2026-11-02 09:00"))
    reg = parts(application)["企业设立登记"].case
    decide(kaiban, reg, "2026-11-02 09:40")
    events.dispatch_all()
    licence_issued(reg, {"credit_code": "91420683MA4F000001"}, at("2026-11-02 09:45"))
    seal = parts(application)["印章刻制备案"].case
    assert (seal.channel, seal.hall, seal.submitted_by) == ("window", kaiban["hall"], kaiban["clerk"])


def test_bundle_numbers_follow_each_other_per_day(kaiban):
    first = apply_online(kaiban, now="2026-11-02 09:00")
    second = apply_online(kaiban, now="2026-11-02 09:01")
    assert first.number.endswith("-YS-20261102-0001") and second.number.endswith("-YS-20261102-0002")


def test_a_missing_form_field_is_named_in_chinese_and_english(kaiban):
    with pytest.raises(ValidationFailed) as bad:
        bs.apply_bundle(actor=kaiban["applicant_user"], definition=kaiban["definition"],
                        applicant=kaiban["applicant"], channel="online", form_data={"registered_capital": 0},
                        materials=[])
    issues = {i.field: i.as_dict() for i in bad.value.issues}
    assert set(issues) == {"form.company_name", "form.registered_capital"}
    assert issues["form.company_name"]["message_en"] == "This field is required."
    assert issues["form.registered_capital"]["message_en"] == "Must be at least 1."
