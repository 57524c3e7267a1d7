"""The random-inspection pages: the regulator's desk, the inspector's targets, the public pages with
masked citizen IDs, the server-side re-run of the draw and the pool file."""

import hashlib

import pytest
from django.urls import reverse

from oneseal.credit.models import InspectionPlan, InspectorRelation, PlanStatus
from oneseal.credit.services import inspections
from tests.credit.inspections_support import (  # noqa: F401  (fixtures)
    _pool_root,
    credit_code,
    drawn_plan,
    market_fixture,
    plan_of,
)

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    client.force_login(user)
    return client


def published(market, **kw):
    return inspections.publish_plan(actor=market["regulator"], plan=drawn_plan(market, **kw))


def test_the_desk_is_for_regulators_and_inspectors(client, market):
    assert client.get(reverse("credit:inspection_desk")).status_code == 302  # to sign in
    assert signed_in(client, market["approver"]).get(reverse("credit:inspection_desk")).status_code == 403
    plan_of(market)
    page = signed_in(client, market["regulator"]).get(reverse("credit:inspection_desk"))
    assert page.status_code == 200 and "2026年食品经营者双随机抽查" in page.content.decode()
    other = signed_in(client, market["other_regulator"]).get(reverse("credit:inspection_desk"))
    assert "2026年食品经营者双随机抽查" not in other.content.decode()


def test_a_regulator_creates_draws_and_publishes_a_plan_from_the_desk(client, market):
    client = signed_in(client, market["regulator"])
    bad = client.post(reverse("credit:inspection_plan_new"), {"title": "", "ratio": "2", "inspectors_per_target": "1",
                                                               "bad_credit_weight": "3"})
    assert bad.status_code == 422
    body = bad.content.decode()
    assert 'id="plan-title-errors"' in body and 'id="plan-ratio-errors"' in body and 'id="plan-k-errors"' in body
    assert 'id="plan-types-errors"' in body
    made = client.post(reverse("credit:inspection_plan_new"), {
        "title": "食品抽查", "licence_types": ["SP"], "ratio": "10%", "inspectors_per_target": "2",
        "bad_credit_weight": "3"})
    plan = InspectionPlan.objects.get(title="食品抽查")
    assert made.status_code == 302 and made["Location"] == reverse("credit:inspection_plan", args=[plan.pk])
    assert client.post(reverse("credit:inspection_plan", args=[plan.pk]), {"action": "draw"}).status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAWN and plan.targets.count() == 3
    page = client.get(reverse("credit:inspection_plan", args=[plan.pk])).content.decode()
    assert plan.seed_sha256 in page and plan.seed not in page  # the seed stays hidden until publication
    again = client.post(reverse("credit:inspection_plan", args=[plan.pk]), {"action": "draw"})
    assert again.status_code == 409
    assert client.post(reverse("credit:inspection_plan", args=[plan.pk]), {"action": "publish"}).status_code == 302
    assert plan.seed in client.get(reverse("credit:inspection_plan", args=[plan.pk])).content.decode()


def test_another_department_cannot_see_or_run_a_plan(client, market):
    plan = plan_of(market)
    client = signed_in(client, market["other_regulator"])
    assert client.get(reverse("credit:inspection_plan", args=[plan.pk])).status_code == 404
    assert client.post(reverse("credit:inspection_plan", args=[plan.pk]), {"action": "draw"}).status_code == 404
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_an_inspector_sees_their_targets_and_records_a_result(client, market):
    plan = published(market)
    target = plan.targets.first()
    inspector = target.inspectors.first()
    client = signed_in(client, inspector.user)
    desk = client.get(reverse("credit:inspection_desk")).content.decode()
    assert target.name in desk and reverse("credit:target_result", args=[target.pk]) in desk
    bad = client.post(reverse("credit:target_result", args=[target.pk]), {"result": "problems", "findings": ""})
    assert bad.status_code == 422 and f'id="target-{target.pk}-errors"' in bad.content.decode()
    done = client.post(reverse("credit:target_result", args=[target.pk]),
                       {"result": "problems", "findings": "无证经营。", "next": "desk"})
    assert done.status_code == 302 and done["Location"] == reverse("credit:inspection_desk")
    target.refresh_from_db()
    assert target.result == "problems" and target.record is not None


def test_an_inspector_not_drawn_for_the_target_is_refused(client, market):
    plan = published(market)
    target = plan.targets.first()
    outsider = next(i for i in market["inspectors"] if i not in target.inspectors.all())
    response = signed_in(client, outsider.user).post(reverse("credit:target_result", args=[target.pk]),
                                                     {"result": "passed"})
    assert response.status_code in (403, 404)
    target.refresh_from_db()
    assert target.result == ""


def test_an_inspector_declares_a_relation_on_the_desk(client, market):
    client = signed_in(client, market["inspectors"][0].user)
    bad = client.post(reverse("credit:inspection_desk"), {"id_number": "12345", "relation": ""})
    assert bad.status_code == 422 and 'id="relation-id-errors"' in bad.content.decode()
    ok = client.post(reverse("credit:inspection_desk"), {"id_number": credit_code(3), "relation": "亲属任股东"})
    assert ok.status_code == 302 and InspectorRelation.objects.filter(id_number=credit_code(3)).exists()


def test_reassigning_against_a_relation_is_refused_on_the_page(client, market):
    plan = drawn_plan(market)
    target = plan.targets.first()
    on = list(target.inspectors.all())
    off = next(i for i in market["inspectors"] if i not in on)
    inspections.declare_relation(actor=off.user, id_number=target.id_number, relation="亲属")
    response = signed_in(client, market["regulator"]).post(
        reverse("credit:target_reassign", args=[target.pk]), {"remove": on[0].pk, "add": off.pk, "reason": "病假"})
    assert response.status_code == 409 and "回避" in response.content.decode()
    assert set(target.inspectors.all()) == set(on)


def test_the_public_pages_show_published_plans_with_masked_citizen_ids(client, market):
    draft = plan_of(market, title="未公开的计划")
    plan = published(market, ratio="1")
    listing = client.get(reverse("credit:public_inspections")).content.decode()
    assert plan.title in listing and draft.title not in listing
    assert client.get(reverse("credit:public_inspection", args=[draft.pk])).status_code == 404
    page = client.get(reverse("credit:public_inspection", args=[plan.pk])).content.decode()
    person = market["holders"][-1].id_number
    assert person not in page and f"{person[:6]}********{person[-4:]}" in page
    assert plan.seed in page and plan.pool_sha256 in page and plan.seed_sha256 in page
    assert "张三" in page
    assert plan.title in client.get(reverse("credit:public_inspections"), {"q": "食品"}).content.decode()
    assert plan.title not in client.get(reverse("credit:public_inspections"), {"q": "建筑"}).content.decode()
    assert client.get(reverse("credit:public_inspections"), {"department": "x", "page": "999"}).status_code == 200


def test_results_are_public_only_once_the_plan_is_closed(client, market):
    plan = published(market)
    for target in plan.targets.all():
        inspections.record_result(actor=target.inspectors.first().user, target=target, result="problems",
                                  findings=f"发现问题{target.position}")
    assert "发现问题1" not in client.get(reverse("credit:public_inspection", args=[plan.pk])).content.decode()
    inspections.close_plan(actor=market["regulator"], plan=plan)
    assert "发现问题1" in client.get(reverse("credit:public_inspection", args=[plan.pk])).content.decode()


def test_verify_the_draw_and_refuse_another_seed(client, market):
    plan = published(market)
    page = client.post(reverse("credit:inspection_verify", args=[plan.pk]))
    assert page.status_code == 200 and 'id="verification"' in page.content.decode()
    assert page.context["verification"].matches
    other = client.post(reverse("credit:inspection_verify", args=[plan.pk]), {"seed": "0" * 64})
    assert other.status_code == 409 and other.context["verification"] is None
    assert client.get(reverse("credit:inspection_verify", args=[plan.pk])).status_code == 405


def test_the_pool_file_is_downloadable_once_published(client, market):
    plan = drawn_plan(market)
    assert client.get(reverse("credit:inspection_pool", args=[plan.pk])).status_code == 404
    regulator = signed_in(client, market["regulator"]).get(reverse("credit:inspection_pool", args=[plan.pk]))
    assert regulator.status_code == 200
    client.logout()
    inspections.publish_plan(actor=market["regulator"], plan=plan)
    response = client.get(reverse("credit:inspection_pool", args=[plan.pk]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert hashlib.sha256(response.content).hexdigest() == plan.pool_sha256
    assert client.get(reverse("credit:inspection_pool", args=[99999])).status_code == 404


def test_pages_read_in_english(client, market):
    plan = published(market)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("credit:public_inspection", args=[plan.pk])).content.decode()
    assert "Verify the draw" in page and "SHA-256 of the seed" in page
