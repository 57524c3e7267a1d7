"""`/api/v1/credit/` records over HTTP: the public and internal parts of a subject, restrictions for staff,
recording and lifting with tokens; every refusal in the API's status and error shape."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from oneseal.accounts.tokens import create_token
from oneseal.credit.models import CreditRecord
from oneseal.credit.services import records as s
from tests.credit.records_support import COMPANY, PERSON, new, org_code, people_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

URL = "/api/v1/credit"


def token_client(user) -> Client:
    clear = create_token(actor=None, user=user, name="credit system").clear
    return Client(HTTP_AUTHORIZATION=f"Bearer {clear}")


def recent(days: int = 0) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


@pytest.fixture
def on_record(people):
    officer = people["officer"]
    minor = s.record(actor=officer, new=new(title="虚假宣传", effective_from=recent(10)), now=recent(10))
    lifted = s.record(actor=officer, new=new(title="已撤销", effective_from=recent(10)), now=recent(10))
    s.lift_record(actor=officer, record_=lifted, reason="复议撤销")
    court = s.record(actor=officer, new=new(kind="court_enforcement", id_number=PERSON, subject_name="徐建军",
                                            title="拒不履行", effective_from=recent(5)), now=recent(5))
    return {"minor": minor, "lifted": lifted, "court": court}


def test_the_public_part_needs_no_caller_and_masks_a_persons_id(on_record):
    answer = Client().get(f"{URL}/subjects/{COMPANY}")
    assert answer.status_code == 200
    body = answer.json()
    assert [r["title"] for r in body["public_records"]] == ["虚假宣传"] and body["internal_records"] is None
    assert body["public_records"][0]["measures"] is None and body["public_records"][0]["state"] == "in_effect"
    person = Client().get(f"{URL}/subjects/{PERSON}").json()
    assert person["id_number"] == PERSON[:6] + "********" + PERSON[-4:]
    assert PERSON not in str(person)


def test_staff_get_the_internal_part_by_token(on_record, people):
    body = token_client(people["clerk"]).get(f"{URL}/subjects/{COMPANY}").json()
    internal = {r["title"]: r for r in body["internal_records"]}
    assert set(internal) == {"虚假宣传", "已撤销"}
    assert internal["已撤销"]["status"] == "lifted" and internal["已撤销"]["ended_reason"] == "复议撤销"
    assert {m["code"] for m in internal["虚假宣传"]["measures"]} == {"closer_review", "bidding_review"}
    assert token_client(people["clerk"]).get(f"{URL}/subjects/{PERSON}").json()["id_number"] == PERSON


def test_an_unknown_subject_is_404_an_invalid_number_422_and_a_bad_token_401(db):
    assert Client().get(f"{URL}/subjects/{org_code('4A9R5QD')}").status_code == 404
    bad = Client().get(f"{URL}/subjects/12345")
    assert bad.status_code == 422 and bad.json()["field"] == "id_number"
    assert Client(HTTP_AUTHORIZATION="Bearer nope").get(f"{URL}/subjects/{COMPANY}").status_code == 401


def test_restrictions_are_for_staff(on_record, people):
    answer = token_client(people["approver"]).get(f"{URL}/subjects/{PERSON}/restrictions",
                                                  {"scope": "application"})
    assert answer.status_code == 200
    assert {(r["measure_code"], r["blocks"]) for r in answer.json()} == {
        ("closer_review", False), ("restrict_licensing", True)}
    assert all(r["record_number"] == on_record["court"].number for r in answer.json())
    every = token_client(people["approver"]).get(f"{URL}/subjects/{PERSON}/restrictions").json()
    assert {r["scope"] for r in every} == {"application", "commitment", "bidding"}
    assert token_client(people["company_user"]).get(f"{URL}/subjects/{PERSON}/restrictions").status_code == 403
    assert Client().get(f"{URL}/subjects/{PERSON}/restrictions").status_code == 401
    assert token_client(people["approver"]).get(f"{URL}/subjects/{PERSON}/restrictions",
                                                {"scope": "nope"}).status_code == 422


BODY = {"id_number": COMPANY, "subject_name": "祺鑫通达", "kind": "penalty_minor", "title": "虚假宣传",
        "facts": "发布虚假广告。", "authority": "枣阳市市场监督管理局", "decided_on": "2026-10-01"}


def test_a_regulator_records_for_its_department_and_the_same_reference_once(people):
    client = token_client(people["regulator"])
    first = client.post(f"{URL}/records", {**BODY, "source_ref": "scjg:2026-001"}, content_type="application/json")
    assert first.status_code == 201
    assert first.json()["department"] == "SCJGJ" and first.json()["status"] == "active"
    again = client.post(f"{URL}/records", {**BODY, "source_ref": "scjg:2026-001"}, content_type="application/json")
    assert again.status_code == 200 and again.json()["number"] == first.json()["number"]
    other = client.post(f"{URL}/records", {**BODY, "department": "WJJ"}, content_type="application/json")
    assert other.status_code == 403
    assert CreditRecord.objects.count() == 1


@pytest.mark.parametrize(("change", "status", "field"), [
    ({"id_number": "91420683MA4F0BQX3A"}, 422, "id_number"),
    ({"kind": "nope"}, 422, None),
    ({"decided_on": "yesterday"}, 422, None),
    ({"department": "NOPE"}, 422, "department"),
    ({"effective_from": "2026-10-02T00:00:00+08:00", "effective_until": "2026-10-01T00:00:00+08:00"}, 422, None),
])
def test_bad_records_are_refused_with_422(people, change, status, field):
    answer = token_client(people["officer"]).post(f"{URL}/records", {**BODY, **change},
                                                  content_type="application/json")
    assert answer.status_code == status
    if field:
        assert answer.json()["field"] == field
    assert not CreditRecord.objects.exists()


def test_only_officers_and_regulators_record(people):
    for who in ("clerk", "company_user"):
        assert token_client(people[who]).post(f"{URL}/records", BODY,
                                              content_type="application/json").status_code == 403
    assert Client().post(f"{URL}/records", BODY, content_type="application/json").status_code == 401


def test_lifting_by_api(on_record, people):
    number = on_record["minor"].number
    client = token_client(people["officer"])
    assert client.post(f"{URL}/records/{number}/lift", {"reason": ""},
                       content_type="application/json").status_code == 422
    assert token_client(people["clerk"]).post(f"{URL}/records/{number}/lift", {"reason": "x"},
                                              content_type="application/json").status_code == 403
    lifted = client.post(f"{URL}/records/{number}/lift", {"reason": "错录"}, content_type="application/json")
    assert lifted.status_code == 200 and lifted.json()["state"] == "lifted"
    assert client.post(f"{URL}/records/{number}/lift", {"reason": "again"},
                       content_type="application/json").status_code == 409
    assert client.post(f"{URL}/records/XY-0/lift", {"reason": "x"}, content_type="application/json").status_code == 404
