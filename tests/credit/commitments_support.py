"""The world of the commitment tests (告知承诺): a 先建后验 item supervised by a housing department with
three inspectors, an organisation applying online, and helpers to sign and verify.

Test modules import the fixtures from here: `cw_fixture` (the fixture named `cw`) and `_commitment_files`."""

from __future__ import annotations

import datetime as dt
import io
import random

import pytest
from stdnum.cn import uscc

from oneseal.accounts.roles import RoleCode
from oneseal.accounts.services import create_applicant_account
from oneseal.cases.services import MaterialUpload, register_applicant
from oneseal.catalog import models as cm
from oneseal.catalog.services import publish_item_version
from oneseal.credit.models import Inspector, InspectorRelation
from oneseal.credit.services import commitments as svc
from oneseal.kernel.workcal import SHANGHAI
from oneseal.licenses.models import IssuedLicenceType, LicenceType
from tests.cases.conftest import citizen_id
from tests.factories import BureauFactory, DepartmentFactory, HallFactory, ServiceItemFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TEXT = ("本单位郑重承诺：一、施工图设计文件已由具备资质的审查机构审查合格；二、建设资金已经落实；"
        "三、如承诺不实，愿意承担撤销许可、纳入失信记录等法律责任。")
SIGNER_ID = citizen_id("42068319900305123")
REPLACEABLE = "施工图设计文件审查合格书"


def credit_code(body: str) -> str:
    return body + uscc.calc_check_digit(body)


APPLICANT_CODE = credit_code("91420683MA4F0BQX3")
OTHER_CODE = credit_code("91420683MA4F1CRY4")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


SIGNED = at("2026-03-02 09:00")


def pdf(material: str) -> MaterialUpload:
    return MaterialUpload(material=material, stream=io.BytesIO(PDF + material.encode()), filename="scan.pdf")


@pytest.fixture
def _commitment_files(settings, tmp_path):
    settings.ONESEAL_UPLOAD_ROOT = tmp_path / "uploads"
    settings.ONESEAL_LICENCE_KEY_DIR = tmp_path / "keys"
    settings.ONESEAL_PUBLIC_URL = "https://zwfw.example.gov.cn"


def _inspector(user, department, badge: str) -> Inspector:
    return Inspector.objects.create(user=user, department=department, name=user.get_full_name() or user.username,
                                    badge=badge)


@pytest.fixture(name="cw")
def cw_fixture(db, user_in_role, _commitment_files):
    """Commitment world: the bureau, the housing department supervising a build-first item (施工许可) with
    a replaceable proof, three of its inspectors and one elsewhere, an organisation with an online account."""
    bureau = BureauFactory()
    hall = HallFactory()
    housing = DepartmentFactory(name="枣阳市住房和城乡建设局", name_en="Housing and Urban-Rural Development")
    market = DepartmentFactory(name="枣阳市市场监督管理局", name_en="Market Regulation")
    item = ServiceItemFactory(implementing_body=bureau, original_department=housing, name="建筑工程施工许可证核发",
                              procedure="standard", commitment_mode="build_first", commitment_text=TEXT,
                              commitment_verify_days=20)
    cm.Material.objects.create(item=item, order=1, name="申请书", required=True)
    cm.Material.objects.create(item=item, order=2, name=REPLACEABLE, required=True, commitment_replaceable=True)
    cm.Material.objects.create(item=item, order=3, name="建设资金落实证明", required=True, commitment_replaceable=True)
    publish_item_version(actor=None, item=item, note="先建后验")
    plain = ServiceItemFactory(implementing_body=bureau, original_department=housing, name="商品房预售许可")
    cm.Material.objects.create(item=plain, order=1, name="申请书", required=True)
    publish_item_version(actor=None, item=plain, note="test")
    permit = LicenceType.objects.create(code="SGXK", name="建筑工程施工许可证", name_en="Construction permit",
                                        issuing_department=bureau, validity_days=None,
                                        fields=[{"name": "name", "label": "建设单位", "source": "applicant.name"}])
    IssuedLicenceType.objects.create(item=item, licence_type=permit)
    inspectors = []
    for n in range(1, 4):
        user = user_in_role(RoleCode.REGULATOR, f"zjj-zf0{n}", department=housing, hall=hall)
        inspectors.append(_inspector(user, housing, f"4206830010{n}"))
    outsider = user_in_role(RoleCode.REGULATOR, "scjgj-zf01", department=market, hall=hall)
    _inspector(outsider, market, "42068300201")
    account = create_applicant_account(actor=None, username="qixin", password="correct-horse-battery")
    applicant = register_applicant(actor=None, kind="organisation", name="祺鑫通达电子商务有限公司",
                                   id_number=APPLICANT_CODE, legal_representative="王建华", user=account)
    return {"bureau": bureau, "hall": hall, "housing": housing, "market": market, "item": item, "plain": plain,
            "inspectors": inspectors, "outsider": outsider, "account": account, "applicant": applicant,
            "clerk": user_in_role(RoleCode.WINDOW_CLERK, "clerk", department=bureau, hall=hall),
            "approver": user_in_role(RoleCode.APPROVER, "approver", department=bureau, hall=hall)}


def sign(cw, *, now=SIGNED, rng=None, **overrides):
    """Sign the world's commitment online as the applicant, replacing both replaceable proofs."""
    args = {"actor": cw["account"], "item": cw["item"], "applicant": cw["applicant"], "channel": "online",
            "form_data": {}, "materials": [pdf("申请书")], "replaced": [REPLACEABLE, "建设资金落实证明"],
            "project": "祺鑫通达电商物流仓储中心 1# 仓库", "signer_name": "王建华", "signer_id_number": SIGNER_ID,
            "text_shown_sha256": svc.text_sha256(TEXT), "now": now, "rng": rng or random.Random(7)}
    args.update(overrides)
    return svc.sign_and_apply(**args)


def inspector_user(commitment):
    """The user of the first inspector drawn for the commitment's open inspection."""
    inspection = commitment.inspections.filter(recorded_at__isnull=True).first()
    return inspection, inspection.inspectors.order_by("badge").first().user


def declare_relation(inspector: Inspector, id_number: str = APPLICANT_CODE) -> InspectorRelation:
    return InspectorRelation.objects.create(inspector=inspector, id_number=id_number, relation="配偶在该公司任职",
                                            declared_at=SIGNED - dt.timedelta(days=30))
