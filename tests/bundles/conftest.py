import datetime as dt
import io

import pytest

from oneseal.accounts.roles import RoleCode
from oneseal.bundles import services as bs
from oneseal.bundles.services import ItemSpec, MappingSpec, PoolSpec
from oneseal.cases.services import MaterialUpload, register_applicant
from oneseal.catalog import models as cm
from oneseal.catalog.services import publish_item_version
from oneseal.kernel import events
from oneseal.kernel.workcal import SHANGHAI
from tests.cases.conftest import citizen_id
from tests.factories import BureauFactory, HallFactory, ServiceItemFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
H = cm.LimitUnit.WORKING_HOURS

REG_FORM = {"type": "object", "required": ["company_name"],
            "properties": {"company_name": {"type": "string", "minLength": 2},
                           "registered_capital": {"type": "integer", "minimum": 1}}}
SEAL_FORM = {"type": "object", "required": ["company_name", "credit_code"],
             "properties": {"company_name": {"type": "string"}, "credit_code": {"type": "string"},
                            "seal_count": {"type": "integer", "minimum": 1}}}
INVOICE_FORM = {"type": "object", "required": ["credit_code"], "properties": {"credit_code": {"type": "string"}}}


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def pdf(material: str, name: str = "scan.pdf") -> MaterialUpload:
    content = PDF + material.encode()
    return MaterialUpload(material=material, stream=io.BytesIO(content), filename=name, size=len(content))


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.ONESEAL_UPLOAD_ROOT = tmp_path / "uploads"


def _item(name, limit, unit, form, materials):
    item = ServiceItemFactory(name=name, procedure="on_the_spot", committed_limit=limit, committed_limit_unit=unit,
                              statutory_limit=3, form_schema=form)
    for order, (material, replaceable) in enumerate(materials, start=1):
        cm.Material.objects.create(item=item, order=order, name=material, required=True,
                                   licence_replaceable=replaceable)
    publish_item_version(actor=None, item=item, note="test")
    return item


@pytest.fixture
def kaiban(db, user_in_role):
    """企业开办 in miniature: registration first; seal carving and first invoice after it, with the
    company name and the credit code mapped into them; social-security registration in parallel."""
    bureau = BureauFactory()
    hall = HallFactory()
    reg = _item("企业设立登记", 4, H, REG_FORM, [("申请书", False), ("公司章程", False), ("投资人身份证明", True)])
    seal = _item("印章刻制备案", 1, H, SEAL_FORM, [("申请书", False)])
    invoice = _item("发票申领", 1, H, INVOICE_FORM, [("申请书", False), ("营业执照", True), ("相关证明材料", False)])
    social = _item("社会保险登记", 1, H, {}, [("申请书", False), ("相关证明材料", False)])
    definition = bs.define_bundle(
        actor=None, code="QYKB", name="企业开办", limit_amount=1, limit_unit=cm.LimitUnit.WORKING_DAYS,
        form_schema={"type": "object", "properties": {"address": {"type": "string"}}},
        items=[ItemSpec(reg.code), ItemSpec(seal.code, (reg.code,)), ItemSpec(invoice.code, (reg.code,)),
               ItemSpec(social.code)],
        pool=[PoolSpec("企业开办申请书", ((reg.code, "申请书"), (seal.code, "申请书"), (invoice.code, "申请书"),
                                          (social.code, "申请书"))),
              PoolSpec("公司章程", ((reg.code, "公司章程"),)),
              PoolSpec("相关证明材料", ((invoice.code, "相关证明材料"), (social.code, "相关证明材料")))],
        mappings=[MappingSpec(reg.code, "company_name", seal.code, "company_name"),
                  MappingSpec(reg.code, "credit_code", seal.code, "credit_code", source_kind="licence"),
                  MappingSpec(reg.code, "credit_code", invoice.code, "credit_code", source_kind="licence")],
    )
    user = user_in_role(RoleCode.APPLICANT, "founder")
    return {
        "definition": definition, "hall": hall, "bureau": bureau,
        "reg": reg, "seal": seal, "invoice": invoice, "social": social,
        "clerk": user_in_role(RoleCode.WINDOW_CLERK, "clerk", hall=hall),
        "approver": user_in_role(RoleCode.APPROVER, "approver", department=bureau, hall=hall),
        "supervisor": user_in_role(RoleCode.SUPERVISOR, "supervisor"),
        "applicant_user": user,
        "applicant": register_applicant(actor=None, kind="person", name="王五", id_number=citizen_id(), user=user),
    }


def uploads():
    return [pdf("企业开办申请书"), pdf("公司章程"), pdf("相关证明材料")]


def apply_online(world, now="2026-11-02 09:00", **extra):
    return bs.apply_bundle(actor=world["applicant_user"], definition=world["definition"],
                           applicant=world["applicant"], channel="online",
                           form_data={"company_name": "枣阳市青禾科技有限公司", "registered_capital": 100,
                                      "address": "枣阳市人民路1号", **extra},
                           materials=uploads(), now=at(now))


def licence_issued(case, data, now):
    """What the licences app publishes when it issues the licence of a case (the payload contract)."""
    from django.db import transaction

    with transaction.atomic():
        events.record("licenses.issued", {"licence": 1, "number": "L-1", "type": "business_licence",
                                          "type_name": "营业执照", "holder": case.applicant_id,
                                          "holder_id_number": case.applicant.id_number, "case": case.pk,
                                          "case_number": case.number, "issuer": case.item.implementing_body_id,
                                          "valid_until": None, "data": data, "reason": ""}, at=now)
    events.dispatch_all()
