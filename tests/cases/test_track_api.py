"""GET /api/v1/track?number=…&id=…: public tracking by case number AND the applicant's ID.

The router is exercised with ninja's TestClient, so these tests hold whether or not it is mounted
under /api/v1 yet (src/oneseal/api.py: `api.add_router("/track", track_router)`).
"""

import pytest
from ninja.testing import TestClient

from oneseal.cases import services as s
from oneseal.cases.track_api import router
from tests.cases.conftest import at, citizen_id, pdf

pytestmark = pytest.mark.django_db

FORM = {"shop_name": "老张面馆", "area": 45}


@pytest.fixture
def client():
    return TestClient(router)


@pytest.fixture
def accepted(world):
    case = s.submit_case(actor=world["clerk"], item=world["item"], applicant=world["applicant"], channel="window",
                         form_data=FORM, materials=[pdf("申请书"), pdf("场所证明")], hall=world["hall"],
                         now=at("2026-03-02 09:00"))
    return s.accept_case(actor=world["clerk"], case=case, now=at("2026-03-02 10:00"))


def test_right_pair_shows_status_clock_steps_and_current_step(client, world, accepted):
    response = client.get(f"/?number={accepted.number}&id={world['applicant'].id_number}")
    assert response.status_code == 200
    body = response.json()
    assert body["number"] == accepted.number
    assert body["status"] == "accepted"
    assert body["item"] == world["item"].code
    assert [step["action"] for step in body["steps"]] == ["submitted", "accepted"]
    assert all(step["at"] and step["label"] for step in body["steps"])
    assert body["due_at"] is not None and body["remaining"] is not None
    assert body["procedure"] == accepted.procedure
    open_steps = list(accepted.tasks.filter(completed_at__isnull=True).values_list("spec_name", flat=True))
    assert body["current_steps"] == open_steps and open_steps
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_answer_never_shows_who_applied(client, world, accepted):
    text = client.get(f"/?number={accepted.number}&id={world['applicant'].id_number}").content.decode()
    assert world["applicant"].name not in text
    assert world["applicant"].id_number not in text


def test_id_is_matched_case_insensitively_and_trimmed(client, world):
    org = s.register_applicant(actor=None, kind="person", name="李四", id_number=citizen_id("11010519491231002"))
    case = s.submit_case(actor=world["clerk"], item=world["item"], applicant=org, channel="window", form_data=FORM,
                         materials=[pdf("申请书"), pdf("场所证明")], hall=world["hall"], now=at("2026-03-02 09:00"))
    response = client.get(f"/?number=%20{case.number}%20&id={org.id_number.lower()}")
    if not org.id_number[-1].isalpha():
        response = client.get(f"/?number=%20{case.number}%20&id={org.id_number}%20")
    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
    assert response.json()["due_at"] is None and response.json()["current_steps"] == []


def test_wrong_pair_answers_exactly_like_an_unknown_number(client, world, accepted):
    wrong = client.get(f"/?number={accepted.number}&id={citizen_id('11010519800101001')}")
    unknown = client.get(f"/?number=420683-20990101-99999&id={world['applicant'].id_number}")
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.content == unknown.content
    assert wrong.json()["code"] == "not_found"


def test_after_the_decision_nothing_remains_on_the_clock(client, world, accepted):
    from oneseal.cases.workflow import engine

    by_lane = {"approver": world["approver"], "bureau_head": world["head"], "window_clerk": world["clerk"]}
    case = accepted
    while case.status == "accepted":
        task = engine.ready_tasks(case.procedure, case.workflow_state)[0]
        data = {task.requires: True} if task.requires else {}
        case = s.complete_task(actor=by_lane[task.lane], case=case, task_id=task.id, data=data,
                               now=at("2026-03-03 10:00"))
    body = client.get(f"/?number={case.number}&id={world['applicant'].id_number}").json()
    assert body["status"] == "approved"
    assert body["remaining"] is None and body["overdue"] is False and body["current_steps"] == []
    assert body["steps"][-1]["action"] == "approved"


@pytest.mark.parametrize("query", ["", "?number=x", "?id=x", "?number=&id=x", "?number=x&id=" + "1" * 19])
def test_missing_or_oversized_parameters_are_refused(client, query):
    assert client.get("/" + query).status_code == 422
