"""The Zaoyang scenario's part of this app, loaded by `oneseal demo load` after the cases.

Three bundles built on the existing Zaoyang catalog items (none is added):

- 企业开办 (QYKB): 企业设立登记 (≤ 4 working hours) first; 印章刻制备案 and 发票申领 (≤ 1 working hour each)
  after it, with the company name mapped from the registration; 社会保险登记 in parallel; the whole
  bundle ≤ 1 working day.
- 不动产登记 (BDCDJ): 新建商品房首次登记 on the spot (≤ 10 working minutes) and 新建商品房契税申报 in
  parallel, then 新建商品房转移登记; the whole ≤ 5 working days.
- 我要开餐馆 (KCG): 个体工商户设立登记 first, then 小餐饮经营许可 and 发票申领; ≤ 8 working days (the
  catering licence's own commitment is 7 working days, with a site inspection).

Then one 企业开办 application of demo-applicant, in progress: the registration approved and issued,
the seal carving and the invoice started from it, social-security registration accepted.
Loading twice creates nothing new.
"""

from __future__ import annotations

import datetime as dt
import io

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from oneseal.accounts.roles import RoleCode
from oneseal.cases import services as case_services
from oneseal.cases.models import Applicant
from oneseal.cases.services import MaterialUpload
from oneseal.cases.workflow import engine
from oneseal.catalog.models import LimitUnit, ServiceItem
from oneseal.kernel import events, workcal

from . import services
from .models import BundleApplication, BundleDefinition
from .services import ItemSpec, MappingSpec, PoolSpec

ACTOR = "demo"
APPLICATION_KEY = "demo:zaoyang:bundle-qykb"
SHARED_FORM = {
    "type": "object",
    "required": ["company_name", "address"],
    "properties": {
        "company_name": {"type": "string", "title": "企业名称", "minLength": 4, "maxLength": 100},
        "address": {"type": "string", "title": "住所", "minLength": 4, "maxLength": 200},
        "registered_capital": {"type": "integer", "title": "注册资本（万元）", "minimum": 1},
        "business_scope": {"type": "string", "title": "经营范围", "maxLength": 500},
    },
}
RESTAURANT_FORM = {
    "type": "object",
    "required": ["shop_name", "address"],
    "properties": {
        "shop_name": {"type": "string", "title": "字号名称", "minLength": 2, "maxLength": 100},
        "address": {"type": "string", "title": "经营场所", "minLength": 4, "maxLength": 200},
        "seats": {"type": "integer", "title": "就餐座位数", "minimum": 0},
    },
}
REAL_ESTATE_FORM = {
    "type": "object",
    "required": ["property_address"],
    "properties": {
        "property_address": {"type": "string", "title": "不动产坐落", "minLength": 4, "maxLength": 200},
        "floor_area": {"type": "number", "title": "建筑面积（平方米）", "minimum": 1},
    },
}


def _codes(*names: str) -> list[str]:
    codes = []
    for name in names:
        code = ServiceItem.objects.filter(name=name).values_list("code", flat=True).first()
        if code is None:
            raise LookupError(f"the Zaoyang catalog has no item {name!r}")
        codes.append(code)
    return codes


def _qykb() -> BundleDefinition:
    reg, seal, invoice, social = _codes("企业设立登记", "印章刻制备案", "发票申领", "社会保险登记")
    return services.define_bundle(
        actor=ACTOR, code="QYKB", name="企业开办", name_en="Starting a business",
        description="一表申请、一套材料、一窗取件：营业执照4小时内办结，印章刻制、首次申领发票各1小时，社会保险登记同步办理，全程1个工作日。",
        limit_amount=1, limit_unit=LimitUnit.WORKING_DAYS, form_schema=SHARED_FORM,
        items=[ItemSpec(reg), ItemSpec(seal, (reg,)), ItemSpec(invoice, (reg,)), ItemSpec(social)],
        pool=[PoolSpec("申请书", ((reg, "申请书"), (seal, "申请书"), (invoice, "申请书"), (social, "申请书"))),
              PoolSpec("公司章程", ((reg, "公司章程"),)),
              PoolSpec("住所（经营场所）使用证明", ((reg, "住所（经营场所）使用证明"),)),
              PoolSpec("主要设施设备清单", ((reg, "主要设施设备清单"),)),
              PoolSpec("相关证明材料", ((invoice, "相关证明材料"), (social, "相关证明材料"))),
              PoolSpec("授权委托书及受托人身份证明", ((reg, "授权委托书及受托人身份证明"),))],
        mappings=[MappingSpec(reg, "company_name", seal, "company_name"),
                  MappingSpec(reg, "company_name", invoice, "company_name")])


def _bdcdj() -> BundleDefinition:
    first, tax, transfer = _codes("新建商品房首次登记", "新建商品房契税申报", "新建商品房转移登记")
    return services.define_bundle(
        actor=ACTOR, code="BDCDJ", name="新建商品房不动产登记", name_en="Registering new commercial housing",
        description="一网全办：新建商品房首次登记当场10分钟办结，契税申报同步办理，转移登记5个工作日内办结。",
        limit_amount=5, limit_unit=LimitUnit.WORKING_DAYS, form_schema=REAL_ESTATE_FORM,
        items=[ItemSpec(first), ItemSpec(tax), ItemSpec(transfer, (first, tax))],
        pool=[PoolSpec("申请书", ((first, "申请书"), (tax, "申请书"), (transfer, "申请书"))),
              PoolSpec("房屋竣工验收备案证明", ((first, "房屋竣工验收备案证明"),)),
              PoolSpec("房屋测绘报告", ((first, "房屋测绘报告"),)),
              PoolSpec("相关证明材料", ((tax, "相关证明材料"),)),
              PoolSpec("不动产登记申请书", ((transfer, "不动产登记申请书"),))],
        mappings=[MappingSpec(first, "property_address", transfer, "property_address")])


def _kcg() -> BundleDefinition:
    reg, catering, invoice = _codes("个体工商户设立登记", "小餐饮经营许可", "发票申领")
    return services.define_bundle(
        actor=ACTOR, code="KCG", name="我要开餐馆", name_en="Opening a restaurant",
        description="个体工商户登记、小餐饮经营许可（含现场核查）、首次申领发票一次申请，8个工作日内办结。",
        limit_amount=8, limit_unit=LimitUnit.WORKING_DAYS, form_schema=RESTAURANT_FORM,
        items=[ItemSpec(reg), ItemSpec(catering, (reg,)), ItemSpec(invoice, (reg,))],
        pool=[PoolSpec("申请书", ((reg, "申请表"), (catering, "申请书"), (invoice, "申请书"))),
              PoolSpec("质量安全管理制度", ((reg, "质量安全管理制度"),)),
              PoolSpec("相关证明材料", ((invoice, "相关证明材料"),))],
        mappings=[MappingSpec(reg, "shop_name", catering, "shop_name")])


DEFINITIONS = {"QYKB": _qykb, "BDCDJ": _bdcdj, "KCG": _kcg}

def material(name: str) -> MaterialUpload:
    """A one-page PDF (fpdf2) standing for the material; its title is the material's name."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title(f"{name} - {QYKB_FORM['company_name']}")
    pdf.set_producer("OneSeal demo scenario")
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.multi_cell(0, 8, "OneSeal demo material (Zaoyang scenario): enterprise start-up bundle\n"
                         + name.encode("unicode_escape").decode("ascii"))
    content = bytes(pdf.output())
    return MaterialUpload(material=name, stream=io.BytesIO(content), filename=f"{name}.pdf", size=len(content))


QYKB_FORM = {"company_name": "枣阳市青禾农业科技有限公司", "address": "枣阳市人民路88号", "registered_capital": 100,
             "business_scope": "农业技术推广服务；农产品销售"}
QYKB_MATERIALS = ["申请书", "公司章程", "住所（经营场所）使用证明", "主要设施设备清单", "相关证明材料"]


def _last_working_day(today: dt.date) -> dt.date:
    day = today - dt.timedelta(days=1)
    while not workcal.is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def _staff(username: str):
    return get_user_model().objects.filter(username=username).first()


def _issuer(case):
    """An approver of the case's implementing department (who issues its result)."""
    from oneseal.accounts.models import StaffProfile

    profile = (StaffProfile.objects.filter(user__groups__name=RoleCode.APPROVER, department_id=case.item.implementing_body_id)
               .select_related("user").order_by("user__username").first())
    return profile.user if profile else None


def _demo_application() -> int:
    """demo-applicant's 企业开办, in progress since the last working day's morning."""
    if BundleApplication.objects.filter(idempotency_key=APPLICATION_KEY).exists():
        return 0
    applicant = Applicant.objects.filter(user__username="demo-applicant").first()
    clerk = _staff("demo-clerk")
    if applicant is None or clerk is None:
        return 0
    day = _last_working_day(timezone.localdate())

    def at(hhmm: str) -> dt.datetime:
        hour, minute = (int(x) for x in hhmm.split(":"))
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=workcal.SHANGHAI)

    with transaction.atomic():
        application = services.apply_bundle(
            actor=applicant.user, definition=BundleDefinition.objects.get(code="QYKB"), applicant=applicant,
            channel="online", form_data=QYKB_FORM, materials=[material(m) for m in QYKB_MATERIALS],
            idempotency_key=APPLICATION_KEY, now=at("09:05"))
        services.accept_parts(actor=clerk, application=application, now=at("09:20"))
        registration = application.parts.get(bundle_item__item__name="企业设立登记").case
        (task,) = engine.ready_tasks(registration.procedure, registration.workflow_state)
        case_services.complete_task(actor=clerk, case=registration, task_id=task.id, now=at("10:40"),
                                    data={"approved": True, "note": "材料齐全，当场核准"})
        issuer = _issuer(registration)
        if issuer is not None:
            case_services.issue_result(actor=issuer, case=registration, now=at("10:50"))
    events.dispatch_all()  # the outbox starts the seal carving and the invoice from the registration
    return 1


def load() -> int:
    """Load this app's demo data; return how many objects were created."""
    created = 0
    with transaction.atomic():
        for code, build in DEFINITIONS.items():
            if not BundleDefinition.objects.filter(code=code).exists():
                build()
                created += 1
    return created + _demo_application()
