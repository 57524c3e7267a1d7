import datetime as dt
import io

import pytest
from stdnum.cn import ric

from oneseal.accounts.roles import RoleCode
from oneseal.cases.services import MaterialUpload, register_applicant
from oneseal.catalog import models as cm
from oneseal.catalog.services import publish_item_version
from oneseal.kernel.workcal import SHANGHAI
from tests.factories import BureauFactory, DepartmentFactory, HallFactory, ServiceItemFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def citizen_id(body: str = "42068319900101123") -> str:
    return body + ric.calc_check_digit(body + "0")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def pdf(material: str, name: str = "scan.pdf") -> MaterialUpload:
    return MaterialUpload(material=material, stream=io.BytesIO(PDF + material.encode()), filename=name)


FORM_SCHEMA = {
    "type": "object",
    "required": ["shop_name", "area"],
    "properties": {"shop_name": {"type": "string", "minLength": 2}, "area": {"type": "number", "minimum": 1}},
}


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.ONESEAL_UPLOAD_ROOT = tmp_path / "uploads"


@pytest.fixture
def world(db, user_in_role):
    """A hall, the bureau, a licensing item with materials and an expert review, and one user per role."""
    bureau = BureauFactory()
    hall = HallFactory()
    item = ServiceItemFactory(implementing_body=bureau, procedure="expert_review", committed_limit=5,
                              statutory_limit=20, form_schema=FORM_SCHEMA, name="食品经营许可")
    cm.Material.objects.create(item=item, order=1, name="申请书", required=True)
    cm.Material.objects.create(item=item, order=2, name="营业执照", required=True, licence_replaceable=True)
    cm.Material.objects.create(item=item, order=3, name="场所证明", required=True)
    cm.SpecialProcedure.objects.create(item=item, kind=cm.SpecialProcedureKind.EXPERT_REVIEW,
                                       max_working_days=10, stops_clock=True)
    publish_item_version(actor=None, item=item, note="test")
    other_department = DepartmentFactory()
    return {
        "item": item, "hall": hall, "bureau": bureau,
        "clerk": user_in_role(RoleCode.WINDOW_CLERK, "clerk", hall=hall),
        "clerk2": user_in_role(RoleCode.WINDOW_CLERK, "clerk2", hall=hall),
        "approver": user_in_role(RoleCode.APPROVER, "approver", department=bureau, hall=hall),
        "outsider": user_in_role(RoleCode.APPROVER, "outsider", department=other_department, hall=hall),
        "head": user_in_role(RoleCode.BUREAU_HEAD, "head", department=bureau, hall=hall),
        "supervisor": user_in_role(RoleCode.SUPERVISOR, "supervisor"),
        "applicant": register_applicant(actor=None, kind="person", name="张三", id_number=citizen_id()),
    }
