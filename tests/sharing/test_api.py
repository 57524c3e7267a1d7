"""`/api/v1/sharing` over HTTP: a regulator's system with a token, pages with sessions."""

import pytest
from django.test import Client

from oneseal.accounts.tokens import create_token
from oneseal.sharing import services as s
from oneseal.sharing.models import ClaimChannel, FindingStatus, RegulatorPush
from tests.sharing.conftest import at, decision_event, deliver, licence_event, make_case

pytestmark = pytest.mark.django_db

URL = "/api/v1/sharing"


def token_client(user) -> Client:
    clear = create_token(actor=None, user=user, name="regulator system").clear
    return Client(headers={"Authorization": f"Bearer {clear}"})


def session_client(user, **options) -> Client:
    client = Client(**options)
    client.force_login(user)
    return client


def push_of(domain, item="item", when="2026-09-25 10:00"):
    case = make_case(domain[item])
    decision_event(case, when=when)
    deliver()
    return RegulatorPush.objects.get(case=case)


def test_a_regulator_lists_the_pushes_of_their_department_only(domain):
    mine = push_of(domain)
    push_of(domain, item="other_item")
    answer = token_client(domain["regulator"]).get(f"{URL}/pushes")
    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == 1 and [p["id"] for p in body["items"]] == [mine.pk]
    item = body["items"][0]
    assert item["case_number"] == mine.case_number and item["department"] == domain["market"].code
    assert item["claim_due_at"] == "2026-09-29T09:30:00Z"  # 17:30 in Zaoyang


def test_the_push_list_filters_by_state(domain):
    overdue = push_of(domain, when="2026-09-25 10:00")
    claimed = push_of(domain, when="2026-09-25 11:00")
    s.claim_push(actor=domain["regulator"], push=claimed)
    s.sweep_pushes(at("2026-10-20 09:00"))
    client = token_client(domain["regulator"])
    ids = {state: [p["id"] for p in client.get(f"{URL}/pushes", {"state": state}).json()["items"]]
           for state in ("unclaimed", "claimed", "overdue", "escalated")}
    assert ids == {"unclaimed": [overdue.pk], "claimed": [claimed.pk], "overdue": [overdue.pk],
                   "escalated": [overdue.pk]}
    assert client.get(f"{URL}/pushes", {"state": "lost"}).status_code == 422


def test_a_regulator_claims_by_api_and_a_second_claim_is_a_conflict(domain):
    push = push_of(domain)
    client = token_client(domain["regulator"])
    answer = client.post(f"{URL}/pushes/{push.pk}/claim", {"note": "已认领"}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["claimed_by"] == "regulator"
    assert answer.json()["claim_channel"] == ClaimChannel.API
    again = token_client(domain["regulator2"]).post(f"{URL}/pushes/{push.pk}/claim")  # no body at all
    assert again.status_code == 409 and again.json()["code"] == "already_claimed"
    bad = client.post(f"{URL}/pushes/{push.pk}/claim", {"note": "x" * 501}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["field"] == "note"


def test_another_domains_push_is_not_found_and_cannot_be_claimed(domain):
    push = push_of(domain)
    client = token_client(domain["other_regulator"])
    assert client.get(f"{URL}/pushes/{push.pk}").status_code == 404
    answer = client.post(f"{URL}/pushes/{push.pk}/claim")
    assert answer.status_code == 404 and answer.json()["code"] == "not_found"
    push.refresh_from_db()
    assert push.claimed_at is None


def test_a_supervisor_sees_escalated_pushes_but_may_not_claim_them(domain):
    push = push_of(domain)
    client = token_client(domain["supervisor"])
    assert client.get(f"{URL}/escalations").json()["count"] == 0
    assert client.get(f"{URL}/pushes/{push.pk}").status_code == 404  # not escalated yet
    s.sweep_pushes(at("2026-10-20 09:00"))
    body = client.get(f"{URL}/escalations").json()
    assert [p["id"] for p in body["items"]] == [push.pk] and body["items"][0]["escalated_at"]
    answer = client.post(f"{URL}/pushes/{push.pk}/claim")
    assert answer.status_code == 403 and answer.json()["field"] == "actor"
    assert token_client(domain["regulator"]).get(f"{URL}/escalations").status_code == 403


@pytest.mark.parametrize("who", ["approver", "supervisor", "admin"])
def test_only_regulators_have_a_push_inbox(domain, who):
    answer = token_client(domain[who]).get(f"{URL}/pushes")
    assert answer.status_code == 403 and answer.json()["code"] == "forbidden"


def test_without_a_caller_the_answer_is_401(domain):
    assert Client().get(f"{URL}/pushes").status_code == 401


def test_a_page_claim_needs_the_csrf_token(domain):
    push = push_of(domain)
    client = session_client(domain["regulator"], enforce_csrf_checks=True)
    answer = client.post(f"{URL}/pushes/{push.pk}/claim")
    assert answer.status_code == 403 and answer.json()["code"] == "csrf_failed"


def test_a_finding_goes_from_the_regulator_to_the_bureaus_inbox_and_is_closed(domain):
    case = make_case(domain["item"])
    licence_event(case)
    deliver()
    push = RegulatorPush.objects.get(case=case)
    regulator = token_client(domain["regulator"])
    answer = regulator.post(f"{URL}/findings", {"push": push.pk, "kind": "revoke_request", "text": "以欺骗手段取得",
                                                "legal_basis": "《行政许可法》第六十九条"},
                            content_type="application/json")
    assert answer.status_code == 201, answer.content
    finding = answer.json()
    assert finding["licence_number"] == "ZY-SP-2026-0001" and finding["status"] == FindingStatus.OPEN
    approver = token_client(domain["approver"])
    inbox = approver.get(f"{URL}/findings", {"status": "open"}).json()
    assert [f["id"] for f in inbox["items"]] == [finding["id"]]
    assert token_client(domain["market_approver"]).get(f"{URL}/findings").json()["count"] == 0
    assert token_client(domain["other_regulator"]).get(f"{URL}/findings").json()["count"] == 0
    assert approver.post(f"{URL}/findings/{finding['id']}/acknowledge").json()["status"] == "acknowledged"
    closed = approver.post(f"{URL}/findings/{finding['id']}/close", {"outcome": "已立案调查，撤销许可"},
                           content_type="application/json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert regulator.get(f"{URL}/findings").json()["items"][0]["outcome"] == "已立案调查，撤销许可"
    refused = regulator.post(f"{URL}/findings/{finding['id']}/close", {"outcome": "x"},
                             content_type="application/json")
    assert refused.status_code == 403


def test_a_finding_with_errors_names_its_fields(domain):
    push = push_of(domain)
    answer = token_client(domain["regulator"]).post(
        f"{URL}/findings", {"push": push.pk, "kind": "revoke_request", "text": " ", "legal_basis": "x"},
        content_type="application/json")
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json()["errors"]] == ["kind", "text"]
    other = token_client(domain["other_regulator"]).post(
        f"{URL}/findings", {"push": push.pk, "kind": "penalty", "text": "x", "legal_basis": "y"},
        content_type="application/json")
    assert other.status_code == 404 and other.json()["field"] == "push"


def test_a_webhook_secret_is_shown_once_at_creation(domain):
    client = token_client(domain["regulator"])
    answer = client.post(f"{URL}/webhooks", {"name": "监管系统", "url": "https://reg.example.gov.cn/hook"},
                         content_type="application/json")
    assert answer.status_code == 201 and len(answer.json()["secret"]) >= 40
    secret = answer.json()["secret"]
    listing = client.get(f"{URL}/webhooks")
    assert listing.status_code == 200 and secret not in listing.content.decode()
    assert "secret" not in listing.json()[0]
    hook = listing.json()[0]["id"]
    assert token_client(domain["other_regulator"]).post(f"{URL}/webhooks/{hook}/deactivate").status_code == 404
    assert client.post(f"{URL}/webhooks/{hook}/deactivate").json()["active"] is False
    bad = client.post(f"{URL}/webhooks", {"name": "x", "url": "ftp://x"}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "url"
    assert token_client(domain["approver"]).post(f"{URL}/webhooks", {"name": "x", "url": "http://x.example/"},
                                                 content_type="application/json").status_code == 403
