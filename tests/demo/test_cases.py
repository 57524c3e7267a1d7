"""The demo's cases: every state, made through the services, visible to the demo accounts that
work them, and loaded only once."""

import datetime as dt
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from pypdf import PdfReader

from oneseal.cases import clock, fees, selectors
from oneseal.cases import services as cs
from oneseal.cases.models import Case, CaseEvent, CaseMaterial, CaseStatus, ClockPause, Notice, NoticeKind
from oneseal.demo.casework import KEY_PREFIX, tiny_pdf
from oneseal.demo.loader import load_scenario
from oneseal.demo.zaoyang.cases import DEMO_CASES
from oneseal.demo.zaoyang.people import DEMO_PASSWORD
from oneseal.kernel import workcal
from oneseal.kernel.uploads import open_stored
from oneseal.payments.models import OrderStatus

pytestmark = pytest.mark.django_db

EXPECTED = {"submitted": 5, "awaiting_supplement": 3, "accepted": 14, "approved": 2, "denied": 1, "issued": 4,
            "delivered": 2, "closed": 5, "refused": 2, "withdrawn": 2}


def user(username):
    return get_user_model().objects.get(username=username)


def demo_case(slug) -> Case:
    return Case.objects.get(idempotency_key=KEY_PREFIX + slug)


def test_every_state_has_its_cases(zaoyang):
    assert zaoyang.cases_created == len(DEMO_CASES) == 40
    counts = Counter(Case.objects.filter(idempotency_key__startswith=KEY_PREFIX).values_list("status", flat=True))
    assert counts == EXPECTED
    # A revoked approval comes from the credit demo: a commitment found false at its verification.
    assert set(counts) | {CaseStatus.REVOKED} == set(CaseStatus.values)
    assert Case.objects.filter(status=CaseStatus.REVOKED, commitment_ref__startswith="commitment:").exists()


def test_each_case_ends_where_its_script_says(zaoyang):
    for spec in DEMO_CASES:
        assert demo_case(spec.slug).status == spec.state, spec.slug


def test_loading_again_creates_no_case(zaoyang):
    models = (Case, CaseEvent, CaseMaterial, Notice, ClockPause)
    before = {m.__name__: m.objects.count() for m in models}
    result = load_scenario()
    assert (result.cases_created, result.cases_existing) == (0, len(DEMO_CASES))
    assert {m.__name__: m.objects.count() for m in models} == before


def test_the_demo_clerk_has_applications_and_results_waiting(zaoyang):
    clerk = user("demo-clerk")
    reception = selectors.reception_queue(clerk).filter(idempotency_key__startswith=KEY_PREFIX)
    assert reception.count() == 8
    assert reception.filter(hall__isnull=True).exists()  # an online application
    assert reception.filter(status=CaseStatus.AWAITING_SUPPLEMENT).count() == 3
    assert selectors.output_queue(clerk).filter(idempotency_key__startswith=KEY_PREFIX).count() == 4


def test_the_demo_approvers_inbox_has_urgent_paused_and_overdue_work(zaoyang):
    readings = [clock.compute(clock.clock_of(t.case)) for t in selectors.inbox(user("demo-approver"))]
    assert len(readings) >= 10
    assert sum(r.overdue for r in readings) >= 2  # the overdue review and the deemed acceptance
    assert any(r.remaining is not None and 0 <= r.remaining <= 1 and not r.paused for r in readings)
    assert sum(r.paused for r in readings) == 3  # expert review, public notice, waiting for a supplement
    head_inbox = selectors.inbox(user("demo-head"))
    assert [t.spec_name for t in head_inbox] == ["decide"]


def test_the_demo_applicant_sees_their_cases_under_my_cases(zaoyang, client):
    mine = Case.objects.filter(applicant__user__username="demo-applicant", idempotency_key__startswith=KEY_PREFIX)
    assert mine.count() == 7
    assert client.login(username="demo-applicant", password=DEMO_PASSWORD)
    page = client.get("/my/cases/").content.decode()
    assert all(case.number in page for case in mine)


def test_window_cases_are_received_by_the_demo_clerk_in_the_hall(zaoyang):
    window = Case.objects.filter(channel="window", idempotency_key__startswith=KEY_PREFIX)
    assert window.count() > 25
    assert set(window.values_list("submitted_by__username", flat=True)) == {"demo-clerk"}
    assert set(window.values_list("hall__code", flat=True)) == {"ZYZWDT"}
    online = Case.objects.filter(channel="online")
    assert set(online.values_list("submitted_by__username", flat=True)) == {"demo-applicant"}


def test_cases_are_spread_over_past_working_days(zaoyang):
    now = timezone.now()
    events = CaseEvent.objects.all()
    assert events.filter(at__gt=now).count() == 0
    days = {timezone.localtime(c.submitted_at).date() for c in Case.objects.all()}
    assert len(days) >= 12
    assert min(days) <= timezone.localdate() - dt.timedelta(days=14)
    window_days = {timezone.localtime(e.at).date() for e in events.filter(case__channel="window").exclude(
        at__gte=now - dt.timedelta(hours=1))}
    assert all(workcal.is_working_day(day) for day in window_days)


def test_a_supplement_notice_lists_every_problem(zaoyang):
    notice = demo_case("supplement-labour").notices.get(kind=NoticeKind.SUPPLEMENT)
    assert len(notice.content["problems"]) == 3
    assert all(p["material"] and p["problem"] for p in notice.content["problems"])


def test_a_refusal_states_its_reason_and_legal_basis(zaoyang):
    notice = demo_case("refused").notices.get(kind=NoticeKind.REFUSAL)
    assert notice.content["reason"] and "行政许可法" in notice.content["legal_basis"]


def test_special_procedures_pause_the_clock(zaoyang):
    for slug, kind in (("expert-review-running", "expert_review"), ("public-notice-online", "public_notice")):
        case = demo_case(slug)
        pause = case.pauses.get(ended_at__isnull=True)
        assert (pause.special_procedure, case.due_at) == (kind, None)
        assert case.notices.filter(kind=NoticeKind.SPECIAL_PROCEDURE).exists()


def test_the_extension_is_the_bureau_heads(zaoyang):
    case = demo_case("review-extended")
    assert case.extension_days == 10 and case.extension_approved_by.username == "demo-head"
    assert case.due_at > timezone.now()


def test_a_courier_delivery_has_its_waybill(zaoyang):
    delivery = demo_case("delivered-courier").delivery
    assert delivery.method == "courier" and delivery.carrier and delivery.waybill


def test_one_fee_is_paid_through_the_simulator_and_one_is_not(zaoyang):
    paid = fees.current_order(demo_case("fee-paid"))
    assert paid.status == OrderStatus.PAID and paid.provider_txn_id.startswith("SIM")
    unpaid = demo_case("fee-unpaid-online")
    assert fees.current_order(unpaid).status == OrderStatus.ISSUED
    assert unpaid.notices.filter(kind=NoticeKind.FEE).exists()


def test_materials_are_real_pdfs(zaoyang):
    material = CaseMaterial.objects.filter(case=demo_case("review-travel")).first()
    assert material.content_type == "application/pdf"
    with open_stored(material.path) as stream:
        reader = PdfReader(stream)
        assert len(reader.pages) == 1
        assert "OneSeal demo material" in reader.pages[0].extract_text()
        assert reader.metadata.title.startswith(material.name)


def test_tiny_pdf_escapes_its_text():
    import io

    reader = PdfReader(io.BytesIO(tiny_pdf("申请书", ["a (b) \\ c"])))
    assert "a (b) \\ c" in reader.pages[0].extract_text()


def test_the_scheduler_deems_the_stale_application_accepted(zaoyang):
    assert cs.deem_overdue_acceptances() == 1
    case = demo_case("submitted-stale")
    assert case.status == CaseStatus.ACCEPTED and case.deemed_accepted
