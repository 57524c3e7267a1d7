"""The random-inspection demo: an inspector pool with one declared relation, a published plan with
results, a draft; loading twice adds nothing; without holdings it skips."""

import pytest

from oneseal.accounts.roles import RoleCode
from oneseal.credit.demo import inspections as demo
from oneseal.credit.models import InspectionPlan, Inspector, InspectorRelation, PlanStatus
from oneseal.credit.selectors import inspections as selectors
from oneseal.credit.services import inspections
from oneseal.kernel.errors import DomainError, PermissionDeniedError
from tests.credit.inspections_support import _pool_root, holding  # noqa: F401  (fixture)
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scjgj(user_in_role):
    department = DepartmentFactory(code="SCJGJ", name="枣阳市市场监督管理局")
    users = {name: user_in_role(RoleCode.REGULATOR, name, department=department)
             for name in ("demo-regulator", "scjgj-jg01", "scjgj-zf01", "scjgj-zf02", "scjgj-zf03")}
    return department, users


def test_the_demo_draws_publishes_and_records_results_once(scjgj):
    for n in range(1, 21):
        holding(n, "YYZZ")
    holding(50, "JMSFZ")  # not the market regulator's: not in its pool
    demo.load()
    department, users = scjgj
    assert Inspector.objects.filter(department=department).count() == 4
    assert InspectorRelation.objects.count() == 1
    published = InspectionPlan.objects.get(title=demo.PUBLISHED_TITLE)
    assert published.status == PlanStatus.PUBLISHED and published.pool_size == 20
    assert published.licence_types == ["YYZZ"] and published.targets.count() == 12
    assert published.targets.exclude(result="").count() == 2 and published.targets.filter(result="").exists()
    assert published.targets.filter(result="problems", record__isnull=False).count() == 1
    assert selectors.verify_draw(published).matches
    assert InspectionPlan.objects.get(title=demo.DRAFT_TITLE).status == PlanStatus.DRAFT
    assert selectors.desk_plans(users["demo-regulator"]).count() == 2
    demo.load()
    assert InspectionPlan.objects.count() == 2 and Inspector.objects.count() == 4


def test_without_holdings_the_demo_enrols_inspectors_and_draws_nothing(scjgj):
    demo.load()
    assert Inspector.objects.count() == 4 and not InspectionPlan.objects.exists()


def test_enrolling_an_inspector_is_for_the_department_and_its_regulators(scjgj, user_in_role):
    department, users = scjgj
    other = user_in_role(RoleCode.REGULATOR, "health-regulator", department=DepartmentFactory(code="WJJ"))
    clerk = user_in_role(RoleCode.WINDOW_CLERK, "clerk", department=department)
    with pytest.raises(PermissionDeniedError):
        inspections.enrol_inspector(actor=other, user=users["scjgj-zf01"], badge="1")
    with pytest.raises(DomainError) as caught:
        inspections.enrol_inspector(actor=users["demo-regulator"], user=clerk, badge="1")
    assert caught.value.field == "user"
    with pytest.raises(DomainError) as caught:
        inspections.enrol_inspector(actor=users["demo-regulator"], user=users["scjgj-zf01"], badge=" ")
    row = inspections.enrol_inspector(actor=users["demo-regulator"], user=users["scjgj-zf01"], badge="B-1")
    assert row.department == department and row.badge == "B-1"
    with pytest.raises(DomainError) as caught:
        inspections.enrol_inspector(actor=users["demo-regulator"], user=users["scjgj-zf02"], badge="B-1")
    assert caught.value.code == "badge_taken"
