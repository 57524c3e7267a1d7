import pytest
from django.db import transaction

from oneseal.accounts.roles import RoleCode
from oneseal.kernel import events
from oneseal.sharing import receivers, webhooks
from tests.cases.conftest import at, citizen_id
from tests.factories import BureauFactory, DepartmentFactory, HallFactory, ServiceItemFactory


@pytest.fixture(autouse=True)
def _fresh_connections():
    """Kept-alive webhook connections and cached endpoints belong to one test's receivers."""
    yield
    webhooks.close_connections()
    webhooks.forget_unreachable()
    receivers._endpoints.clear()


@pytest.fixture
def domain(db, user_in_role):
    """The bureau; a market regulation department supervising an item; another department with its
    own item; a regulator of each, the bureau's approver and head, a supervisor."""
    bureau = BureauFactory()
    hall = HallFactory()
    market = DepartmentFactory(name="枣阳市市场监督管理局", name_en="Market Regulation")
    health = DepartmentFactory(name="枣阳市卫生健康局", name_en="Health")
    item = ServiceItemFactory(implementing_body=bureau, original_department=market, name="食品经营许可")
    other_item = ServiceItemFactory(implementing_body=bureau, original_department=health, name="公共场所卫生许可")
    return {
        "bureau": bureau, "market": market, "health": health, "item": item, "other_item": other_item,
        "regulator": user_in_role(RoleCode.REGULATOR, "regulator", department=market, hall=hall),
        "regulator2": user_in_role(RoleCode.REGULATOR, "regulator2", department=market, hall=hall),
        "other_regulator": user_in_role(RoleCode.REGULATOR, "health-regulator", department=health, hall=hall),
        "approver": user_in_role(RoleCode.APPROVER, "approver", department=bureau, hall=hall),
        "head": user_in_role(RoleCode.BUREAU_HEAD, "head", department=bureau, hall=hall),
        "market_approver": user_in_role(RoleCode.APPROVER, "market-approver", department=market, hall=hall),
        "supervisor": user_in_role(RoleCode.SUPERVISOR, "supervisor"),
        "admin": user_in_role(RoleCode.ADMINISTRATOR, "admin"),
    }


_numbers = iter(range(1, 100000))


def make_case(item, *, applicant_name="张三", status="approved"):
    """A case row of `item` (the sharing tests need its number, item and applicant, not its life cycle)."""
    from oneseal.cases.models import Applicant, Case
    from oneseal.cases.services import register_applicant
    from oneseal.catalog.models import ItemVersion
    from oneseal.catalog.services import publish_item_version

    version = ItemVersion.objects.filter(item=item).order_by("-number").first() \
        or publish_item_version(actor=None, item=item, note="test")
    n = next(_numbers)
    applicant = Applicant.objects.filter(name=applicant_name).first() or register_applicant(
        actor=None, kind="person", name=applicant_name, id_number=citizen_id(f"42068319900101{n % 1000:03d}"))
    return Case.objects.create(number=f"420683-20260925-{n:05d}", item=item, item_version=version,
                               applicant=applicant, channel="window", status=status,
                               submitted_at=at("2026-09-20 09:00"), limit_amount=5, limit_unit="working_days",
                               procedure="standard")


def decision_event(case, *, topic="cases.approved", when="2026-09-25 10:00"):
    """Record a decision event as the cases app does (its payload contract), return it."""
    payload = {"case": case.pk, "number": case.number, "item": case.item_id, "applicant": case.applicant_id,
               "status": topic.split(".")[1]}
    with transaction.atomic():
        return events.record(topic, payload, aggregate=f"cases.Case:{case.pk}", at=at(when))


def licence_event(case, *, topic="licenses.issued", number="ZY-SP-2026-0001", when="2026-09-25 10:00"):
    """Record a licence event with the licences app's payload contract, return it."""
    payload = {"licence": 7, "number": number, "type": "food", "type_name": "食品经营许可证",
               "holder": case.applicant_id, "holder_id_number": citizen_id(), "case": case.pk,
               "case_number": case.number, "issuer": case.item.implementing_body_id, "valid_until": "2031-09-24",
               "data": {}, "reason": ""}
    with transaction.atomic():
        return events.record(topic, payload, aggregate="licenses.Licence:7", at=at(when))


def deliver(now=None) -> events.DispatchReport:
    """`events.dispatch_all` for this app's subscribers only (other apps' subscribers are their tests')."""
    total = events.DispatchReport()
    for _round in range(100):
        report = events.dispatch(subscriber_prefix="sharing.", now=now)
        total.claimed += report.claimed
        total.delivered += report.delivered
        total.retried += report.retried
        total.dead += report.dead
        total.errors += report.errors
        if report.claimed == 0:
            break
    return total
