"""`/api/v1/credit/inspections`: published plans for anyone, the pool file, the server-side re-run; the
refusals a caller can provoke answer 4xx in the bilingual error shape."""

import hashlib

import pytest

from oneseal.credit import draw
from oneseal.credit.services import inspections
from tests.credit.inspections_support import (  # noqa: F401  (fixtures)
    _pool_root,
    drawn_plan,
    market_fixture,
    plan_of,
)

pytestmark = pytest.mark.django_db
BASE = "/api/v1/credit/inspections"


def published(market, **kw):
    return inspections.publish_plan(actor=market["regulator"], plan=drawn_plan(market, **kw))


def test_only_published_plans_are_listed(client, market):
    plan_of(market, title="草稿计划")
    inspections.draw_plan(actor=market["regulator"], plan=plan_of(market, title="已抽未公开"))
    plan = published(market)
    body = client.get(f"{BASE}/").json()
    assert [p["id"] for p in body["items"]] == [plan.pk] and body["count"] == 1
    assert body["items"][0]["seed"] == plan.seed and body["items"][0]["targets"] == 6
    assert client.get(f"{BASE}/", {"q": "草稿"}).json()["count"] == 0


def test_a_published_plan_reruns_from_what_the_api_gives(client, market):
    plan = published(market, ratio="1")
    body = client.get(f"{BASE}/{plan.pk}").json()
    pool = client.get(f"{BASE}/{plan.pk}/pool")
    assert pool.status_code == 200 and pool["Content-Type"].startswith("text/tab-separated-values")
    text = pool.content.decode()
    assert hashlib.sha256(pool.content).hexdigest() == body["pool_sha256"]
    rerun = draw.redraw(text, [i["badge"] for i in body["inspector_pool"]], [tuple(r) for r in body["relations"]],
                        body["seed"], body["ratio"], body["inspectors_per_target"])
    assert [(t.id, sorted(t.inspectors)) for t in rerun.targets] == \
        [(t["pool_id"], sorted(t["inspectors"])) for t in body["target_list"]]
    person = market["holders"][-1].id_number
    assert person not in pool.content.decode() and person not in str(body)
    assert all(t["result"] is None for t in body["target_list"])


def test_verify_matches_and_refuses_another_seed(client, market):
    plan = published(market)
    ok = client.post(f"{BASE}/{plan.pk}/verify", content_type="application/json")
    assert ok.status_code == 200 and ok.json()["matches"] is True and ok.json()["drawn"] == 6
    same = client.post(f"{BASE}/{plan.pk}/verify", {"seed": plan.seed}, content_type="application/json")
    assert same.status_code == 200 and same.json()["matches"]
    other = client.post(f"{BASE}/{plan.pk}/verify", {"seed": "1" * 64}, content_type="application/json")
    assert other.status_code == 409
    assert other.json()["code"] == "other_seed" and other.json()["field"] == "seed" and other.json()["message_en"]


@pytest.mark.parametrize("path", ["/{id}", "/{id}/pool"])
def test_unpublished_or_unknown_plans_are_404(client, market, path):
    drawn = drawn_plan(market)
    for plan_id in (drawn.pk, 99999):
        response = client.get(BASE + path.format(id=plan_id))
        assert response.status_code == 404 and response.json()["field"] == "id"
    assert client.post(f"{BASE}/{drawn.pk}/verify", content_type="application/json").status_code == 404


def test_junk_is_refused_with_4xx(client, market):
    plan = published(market)
    assert client.post(f"{BASE}/{plan.pk}/verify", "not json", content_type="application/json").status_code == 400
    assert client.post(f"{BASE}/{plan.pk}/verify", {"seed": 5}, content_type="application/json").status_code == 422
    assert client.get(f"{BASE}/abc").status_code in (404, 422)
    assert client.get(f"{BASE}/", {"page": "0"}).status_code == 422


def test_results_appear_once_closed(client, market):
    plan = published(market)
    for target in plan.targets.all():
        inspections.record_result(actor=target.inspectors.first().user, target=target, result="not_found",
                                  findings="查无此户")
    inspections.close_plan(actor=market["regulator"], plan=plan)
    body = client.get(f"{BASE}/{plan.pk}").json()
    assert body["status"] == "closed" and {t["result"] for t in body["target_list"]} == {"not_found"}
    assert all(t["record"] for t in body["target_list"])
