import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from oneseal.cases import fees
from oneseal.cases import services as s
from oneseal.cases.models import CaseStatus, NoticeKind
from oneseal.catalog import models as cm
from oneseal.catalog.services import publish_item_version
from oneseal.kernel.errors import DomainError
from oneseal.payments import simulator
from oneseal.payments.models import OrderStatus
from tests.cases.test_services import step, submit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def platform(settings):
    raw = Ed25519PrivateKey.generate().private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    settings.PAYMENT_SIMULATOR_PRIVATE_KEY = base64.b64encode(raw).decode()
    settings.PAYMENT_PLATFORM_PUBLIC_KEY = ""
    settings.PAYMENT_PROVIDER = "simulator"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def charging(world, due_before="delivery"):
    item = world["item"]
    item.is_free, item.fee_due_before = False, due_before
    item.save()
    cm.Fee.objects.create(item=item, name="证照工本费", amount_fen=1000, unit="每证", legal_basis="鄂价费〔2019〕1号")
    publish_item_version(actor=None, item=item, note="收费")
    return world


def decided(world, case):
    case = s.accept_case(actor=world["clerk"], case=case)
    case = step(world, case, "review", {"passed": True})
    return step(world, case, "expert_review", {"passed": True})


def pay(case, capture):
    order = fees.current_order(case)
    with capture(execute=True):
        simulator.pay(order.payment_code)
    order.refresh_from_db()
    return order


def test_acceptance_issues_a_fee_notice_with_the_payment_code(world):
    charging(world)
    case = s.accept_case(actor=world["clerk"], case=submit(world))
    order = fees.current_order(case)
    assert (order.total_fen, order.status) == (1000, OrderStatus.ISSUED)
    notice = case.notices.get(kind=NoticeKind.FEE)
    assert notice.content["payment_code"] == order.payment_code
    assert notice.content["fees"][0]["legal_basis"] == "鄂价费〔2019〕1号"


def test_a_free_item_issues_no_order(world):
    case = s.accept_case(actor=world["clerk"], case=submit(world))
    assert fees.current_order(case) is None and not case.notices.filter(kind=NoticeKind.FEE).exists()


def test_the_decision_waits_for_payment_when_the_item_says_so(world, django_capture_on_commit_callbacks):
    charging(world, due_before="decision")
    case = decided(world, submit(world))
    with pytest.raises(DomainError) as info:
        step(world, case, "decide", {"approved": True})
    assert (info.value.code, info.value.field) == ("fee_not_paid", "fee")
    order = pay(case, django_capture_on_commit_callbacks)
    assert order.status == OrderStatus.PAID
    assert case.events.filter(action="fee_paid", data__payment_code=order.payment_code).count() == 1
    case = step(world, case, "decide", {"approved": True})
    assert case.status == CaseStatus.APPROVED


def test_the_delivery_waits_for_payment(world, django_capture_on_commit_callbacks):
    charging(world)
    case = step(world, decided(world, submit(world)), "decide", {"approved": True})
    case = s.issue_result(actor=world["approver"], case=case)
    with pytest.raises(DomainError) as info:
        s.deliver_result(actor=world["clerk"], case=case, method="pickup")
    assert info.value.code == "fee_not_paid"
    pay(case, django_capture_on_commit_callbacks)
    s.deliver_result(actor=world["clerk"], case=case, method="pickup")


def test_a_withdrawn_case_is_refunded(world, django_capture_on_commit_callbacks):
    charging(world)
    case = s.accept_case(actor=world["clerk"], case=submit(world))
    order = pay(case, django_capture_on_commit_callbacks)
    s.withdraw_case(actor=world["clerk"], case=case, reason="申请人不再需要")
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED


def test_a_denied_case_cancels_its_unpaid_order(world):
    charging(world)
    case = decided(world, submit(world))
    step(world, case, "decide", {"approved": False, "reasons": "不符合条件"})
    assert fees.current_order(case) is None  # the issued order was cancelled
