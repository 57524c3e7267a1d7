import pytest

from oneseal.accounts.roles import RoleCode
from oneseal.cases import selectors as sel
from oneseal.cases import services as s
from oneseal.cases.models import CaseStatus
from tests.cases.conftest import citizen_id
from tests.cases.test_services import step, submit

pytestmark = pytest.mark.django_db


def _close(world, case, method="pickup"):
    case = s.accept_case(actor=world["clerk"], case=case)
    for name, data in (("review", {"passed": True}), ("expert_review", {"passed": True}),
                       ("decide", {"approved": True})):
        case = step(world, case, name, data)
    case = s.issue_result(actor=world["approver"], case=case)
    s.deliver_result(actor=world["clerk"], case=case, method=method, carrier="EMS", waybill="1")
    return s.confirm_receipt(actor=world["clerk"], case=case)


def test_tracking_needs_the_number_and_the_applicants_id(world):
    case = submit(world)
    assert sel.track(case.number, citizen_id()) == case
    assert sel.track(case.number, citizen_id("42068319850505123")) is None
    assert sel.track("420683-20260302-99999", citizen_id()) is None
    assert sel.track(case.number, "") is None


def test_the_inbox_holds_the_steps_of_the_users_role_and_department(world):
    case = s.accept_case(actor=world["clerk"], case=submit(world))
    assert [t.spec_name for t in sel.inbox(world["approver"])] == ["review"]
    assert list(sel.inbox(world["outsider"])) == []
    assert list(sel.inbox(world["head"])) == []
    step(world, case, "review", {"passed": True})
    assert [t.spec_name for t in sel.inbox(world["approver"])] == ["expert_review"]
    case.refresh_from_db()
    step(world, case, "expert_review", {"passed": True})
    assert [t.spec_name for t in sel.inbox(world["head"])] == ["decide"]


def test_the_inbox_is_sorted_by_remaining_time(world):
    from tests.cases.conftest import at

    later = s.accept_case(actor=world["clerk"], case=submit(world), now=at("2026-03-04 10:00"))
    sooner = s.accept_case(actor=world["clerk"], case=submit(world), now=at("2026-03-02 10:00"))
    assert [t.case_id for t in sel.inbox(world["approver"])] == [sooner.pk, later.pk]


def test_each_role_sees_only_its_cases(world, user_in_role):
    case = submit(world)
    assert sel.case_for(world["clerk"], case.number) == case
    assert sel.case_for(world["approver"], case.number) is None  # not accepted yet
    s.accept_case(actor=world["clerk"], case=case)
    assert sel.case_for(world["approver"], case.number) == case
    assert sel.case_for(world["outsider"], case.number) is None
    assert sel.case_for(world["supervisor"], case.number) == case
    regulator = user_in_role(RoleCode.REGULATOR, "regulator")
    assert sel.case_for(regulator, case.number) is None


def test_reception_and_output_queues(world):
    case = submit(world)
    assert list(sel.reception_queue(world["clerk"])) == [case]
    assert list(sel.reception_queue(world["approver"])) == []
    closed = _close(world, case)
    assert closed.status == CaseStatus.CLOSED and list(sel.output_queue(world["clerk"])) == []


def test_the_one_visit_rate_is_measured_from_visits(world):
    _close(world, submit(world), method="pickup")  # submit + pickup: 2 visits
    _close(world, submit(world, channel="online", hall=None, actor=None), method="courier")  # 0 visits
    rates = sel.one_visit_rates("item")
    assert [(r.cases, r.at_most_one_visit) for r in rates] == [(2, 1)]
    assert rates[0].rate == 0.5
    assert sel.one_visit_rates("department")[0].cases == 2
