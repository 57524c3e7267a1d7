"""The push made from a real decision: a case runs its procedure through the cases services, and its
approval reaches the item's supervising department through the outbox (the payload contract, live)."""

import pytest

from oneseal.accounts.roles import RoleCode
from oneseal.cases import services as cs
from oneseal.sharing import services as s
from oneseal.sharing.models import PushKind, RegulatorPush
from tests.cases.conftest import _uploads, at, world  # noqa: F401  (fixtures of the cases tests)
from tests.cases.test_services import review_task, step, submit
from tests.sharing.conftest import deliver

pytestmark = pytest.mark.django_db


def test_an_approved_case_is_pushed_to_its_supervising_department_and_claimed(world, user_in_role):  # noqa: F811
    item = world["item"]
    regulator = user_in_role(RoleCode.REGULATOR, "market-regulator", department=item.supervising_department)
    case = submit(world)
    case = cs.accept_case(actor=world["clerk"], case=case, now=at("2026-03-02 10:00"))
    case = cs.complete_task(actor=world["approver"], case=case, task_id=review_task(case, "review").id,
                            data={"passed": True}, now=at("2026-03-03 10:00"))
    case = cs.complete_task(actor=world["approver"], case=case, task_id=review_task(case, "expert_review").id,
                            data={"passed": True}, now=at("2026-03-06 10:00"))
    step(world, case, "decide", {"approved": True}, now=at("2026-03-06 11:00"))  # a Friday
    deliver()
    push = RegulatorPush.objects.get()
    assert push.kind == PushKind.APPROVED and push.case == case and push.case_number == case.number
    assert push.department == item.supervising_department and push.issuing_department == world["bureau"]
    assert push.subject_name == "张三" and push.occurred_at == at("2026-03-06 11:00")
    assert push.due_at == at("2026-03-10 17:30")  # Monday, Tuesday
    s.claim_push(actor=regulator, push=push)
    deliver()
    assert RegulatorPush.objects.count() == 1
