import pytest

from oneseal.accounts.services import create_applicant_account
from oneseal.catalog import models as cm
from oneseal.catalog.services import publish_item_version
from oneseal.kernel import events
from oneseal.licenses.models import IssuedLicenceType, LicenceType
from tests.cases.conftest import _uploads, at, world  # noqa: F401  (fixtures shared with the cases tests)
from tests.cases.test_services import FORM, MATERIALS, review_task, step, submit
from tests.factories import ServiceItemFactory

FIELDS = [{"name": "shop_name", "label": "经营者名称", "source": "form.shop_name"},
          {"name": "area", "label": "经营面积（平方米）", "source": "form.area"},
          {"name": "holder", "label": "法定代表人（负责人）", "source": "applicant.name"}]


@pytest.fixture(autouse=True)
def _keys(settings, tmp_path):
    settings.ONESEAL_LICENCE_KEY_DIR = tmp_path / "keys"
    settings.ONESEAL_PUBLIC_URL = "https://zwfw.example.gov.cn"


@pytest.fixture
def licensing(world):  # noqa: F811  (the cases' fixture, imported above)
    """The world's item issues 食品经营许可证 (5 years); a second item accepts it instead of an upload;
    the applicant has an online account."""
    food = LicenceType.objects.create(code="SPJY", name="食品经营许可证", name_en="Food business licence",
                                      issuing_department=world["bureau"], validity_days=1826, fields=FIELDS)
    IssuedLicenceType.objects.create(item=world["item"], licence_type=food)
    change = ServiceItemFactory(implementing_body=world["bureau"], procedure="expert_review", name="食品经营许可（变更）")
    cm.Material.objects.create(item=change, order=1, name="变更申请书", required=True)
    cm.Material.objects.create(item=change, order=2, name="食品经营许可证", required=True, licence_replaceable=True,
                               licence_type="食品经营许可证")
    cm.Material.objects.create(item=change, order=3, name="营业执照", required=True, licence_replaceable=True,
                               licence_type="YYZZ")
    publish_item_version(actor=None, item=change, note="test")
    user = create_applicant_account(actor=None, username="zhangsan", password="correct-horse-battery")
    applicant = world["applicant"]
    applicant.user = user
    applicant.save(update_fields=["user"])
    return {**world, "food": food, "change": change, "holder_user": user}


def approve(scenario, case=None, decided=None):
    """Drive a case of the world's item to approval and deliver the outbox (which issues the licence)."""
    from oneseal.cases import services as s

    case = case or submit(scenario)
    case = s.accept_case(actor=scenario["clerk"], case=case, now=at("2026-03-02 10:00"))
    case = s.complete_task(actor=scenario["approver"], case=case, task_id=review_task(case, "review").id,
                           data={"passed": True}, now=at("2026-03-03 10:00"))
    case = s.complete_task(actor=scenario["approver"], case=case, task_id=review_task(case, "expert_review").id,
                           data={"passed": True}, now=at("2026-03-04 10:00"))
    case = step(scenario, case, "decide", {"approved": True}, now=decided or at("2026-03-05 10:00"))
    events.dispatch_all()
    return case


__all__ = ["FORM", "MATERIALS", "approve", "at", "submit"]
