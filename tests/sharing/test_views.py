"""The sharing pages: the regulator's inbox and push page, the findings inbox, supervision's escalations."""

import pytest
from django.test import Client

from oneseal.sharing import services as s
from oneseal.sharing.models import FindingStatus, RegulatorFinding, RegulatorPush
from tests.sharing.conftest import at, decision_event, deliver, make_case

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def push_of(domain, item="item", when="2026-09-25 10:00"):
    case = make_case(domain[item])
    decision_event(case, when=when)
    deliver()
    return RegulatorPush.objects.get(case=case)


def test_the_inbox_shows_the_departments_pushes_in_local_time(domain):
    push = push_of(domain)
    other = push_of(domain, item="other_item")
    page = signed_in(domain["regulator"]).get("/regulator/pushes/")
    assert page.status_code == 200
    html = page.content.decode()
    assert push.case_number in html and other.case_number not in html
    assert "2026-09-29 17:30" in html  # the claim deadline, Asia/Shanghai
    assert f'id="push-{push.pk}"' in html


def test_the_inbox_filters_by_state_and_answers_htmx_with_the_results_only(domain):
    waiting = push_of(domain)
    claimed = push_of(domain)
    s.claim_push(actor=domain["regulator"], push=claimed)
    client = signed_in(domain["regulator"])
    html = client.get("/regulator/pushes/", {"state": "claimed"}).content.decode()
    assert claimed.case_number in html and waiting.case_number not in html
    fragment = client.get("/regulator/pushes/", {"state": "overdue"}, headers={**HTMX, "HX-Target": "results"})
    text = fragment.content.decode()
    assert "<html" not in text and waiting.case_number in text and claimed.case_number not in text


def test_the_inbox_pages_through_many_pushes(domain):
    for _ in range(23):
        push_of(domain)
    client = signed_in(domain["regulator"])
    first = client.get("/regulator/pushes/").content.decode()
    second = client.get("/regulator/pushes/", {"page": 2}).content.decode()
    assert first.count('class="case-card push-card') == 20 and second.count('class="case-card push-card') == 3


@pytest.mark.parametrize("who", ["approver", "supervisor", "admin"])
def test_only_regulators_open_the_inbox(domain, who):
    assert signed_in(domain[who]).get("/regulator/pushes/").status_code == 403


def test_claiming_from_the_inbox_swaps_the_card(domain):
    push = push_of(domain)
    client = signed_in(domain["regulator"])
    answer = client.post(f"/regulator/pushes/{push.pk}/claim/", {"note": "收到"}, headers=HTMX)
    assert answer.status_code == 200
    text = answer.content.decode()
    assert text.lstrip().startswith("<article") and "is-claimed" in text
    push.refresh_from_db()
    assert push.claimed_by == domain["regulator"] and push.claim_note == "收到"
    again = signed_in(domain["regulator2"]).post(f"/regulator/pushes/{push.pk}/claim/", headers=HTMX)
    assert again.status_code == 409 and 'role="alert"' in again.content.decode()


def test_claiming_without_htmx_redirects_back_with_a_message(domain):
    push = push_of(domain)
    answer = signed_in(domain["regulator"]).post(f"/regulator/pushes/{push.pk}/claim/",
                                                  {"next": "/regulator/pushes/?state=unclaimed"}, follow=True)
    assert answer.redirect_chain[-1][0] == "/regulator/pushes/?state=unclaimed"
    push.refresh_from_db()
    assert push.claimed_at is not None


def test_another_domains_push_is_a_404_on_every_page(domain):
    push = push_of(domain)
    client = signed_in(domain["other_regulator"])
    assert client.get(f"/regulator/pushes/{push.pk}/").status_code == 404
    assert client.post(f"/regulator/pushes/{push.pk}/claim/").status_code == 404
    assert client.post(f"/regulator/pushes/{push.pk}/findings/", {"kind": "penalty", "text": "x",
                                                                  "legal_basis": "y"}).status_code == 404
    push.refresh_from_db()
    assert push.claimed_at is None and not RegulatorFinding.objects.exists()


def test_a_finding_filed_from_the_push_page_reaches_the_bureaus_inbox(domain):
    push = push_of(domain)
    client = signed_in(domain["regulator"])
    bad = client.post(f"/regulator/pushes/{push.pk}/findings/", {"kind": "penalty", "text": "", "legal_basis": ""})
    assert bad.status_code == 422 and 'aria-invalid="true"' in bad.content.decode()
    ok = client.post(f"/regulator/pushes/{push.pk}/findings/",
                     {"kind": "rectification", "text": "标签不规范", "legal_basis": "《食品安全法》第六十七条"})
    assert ok.status_code == 302
    finding = RegulatorFinding.objects.get()
    bureau = signed_in(domain["approver"])
    inbox = bureau.get("/workbench/findings/").content.decode()
    assert "标签不规范" in inbox and push.reference in inbox
    assert signed_in(domain["market_approver"]).get("/workbench/findings/").content.decode().count("标签不规范") == 0
    acknowledged = bureau.post(f"/workbench/findings/{finding.pk}/acknowledge/", headers=HTMX)
    assert acknowledged.status_code == 200 and acknowledged.content.decode().lstrip().startswith("<article")
    empty = bureau.post(f"/workbench/findings/{finding.pk}/close/", {"outcome": ""}, headers=HTMX)
    assert empty.status_code == 422
    closed = bureau.post(f"/workbench/findings/{finding.pk}/close/", {"outcome": "已责令整改"})
    assert closed.status_code == 302
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CLOSED and finding.outcome == "已责令整改"


def test_regulators_do_not_open_the_bureaus_findings_inbox(domain):
    assert signed_in(domain["regulator"]).get("/workbench/findings/").status_code == 403


def test_supervisors_see_escalated_pushes(domain):
    push = push_of(domain)
    client = signed_in(domain["supervisor"])
    assert push.case_number not in client.get("/supervision/escalations/").content.decode()
    s.sweep_pushes(at("2026-10-20 09:00"))
    html = client.get("/supervision/escalations/").content.decode()
    assert push.case_number in html and domain["market"].name in html
    assert signed_in(domain["regulator"]).get("/supervision/escalations/").status_code == 403
    assert Client().get("/supervision/escalations/").status_code == 302  # to sign in
