"""`/api/v1/credit/commitments` over HTTP: an applicant's system signs and applies (JSON only), reads its
commitment; a drawn inspector records the verification; everyone else is refused."""

import pytest
from django.test import Client

from oneseal.accounts.tokens import create_token
from oneseal.catalog.services import publish_item_version
from oneseal.credit.models import Commitment, CommitmentStatus, VerificationInspection
from oneseal.credit.services import commitments as svc
from tests.credit.commitments_support import (
    REPLACEABLE,
    SIGNER_ID,
    TEXT,
    _commitment_files,  # noqa: F401  (fixture)
    cw_fixture,  # noqa: F401  (the fixture `cw`)
    inspector_user,
    sign,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/credit/commitments"


def token_client(user) -> Client:
    clear = create_token(actor=None, user=user, name="system").clear
    return Client(headers={"Authorization": f"Bearer {clear}"})


@pytest.fixture
def all_replaceable(cw):
    """Every required proof of the item replaceable, so a JSON application is complete."""
    cw["item"].materials.update(commitment_replaceable=True)
    publish_item_version(actor=None, item=cw["item"], note="全部可承诺")
    return cw


def body(cw, **overrides):
    data = {"item": cw["item"].code, "project": "祺鑫通达电商物流仓储中心", "form_data": {},
            "replaced": ["申请书", REPLACEABLE, "建设资金落实证明"], "signer_name": "王建华",
            "signer_id_number": SIGNER_ID, "text_sha256": svc.text_sha256(TEXT)}
    data.update(overrides)
    return data


def test_an_applicant_signs_and_applies_by_api(all_replaceable):
    cw = all_replaceable
    answer = token_client(cw["account"]).post(URL, body(cw), content_type="application/json")
    assert answer.status_code == 201, answer.content
    data = answer.json()
    commitment = Commitment.objects.get()
    assert data["id"] == commitment.pk and data["case_status"] == "approved"
    assert data["status"] == "awaiting" and len(data["inspections"]) == 1
    assert len(data["inspections"][0]["inspectors"]) == 2
    again = token_client(cw["account"]).get(f"{URL}/{commitment.pk}")
    assert again.status_code == 200 and again.json()["text_sha256"] == svc.text_sha256(TEXT)


def test_a_missing_proof_is_named_when_applying_by_api(cw):
    answer = token_client(cw["account"]).post(URL, body(cw, replaced=[REPLACEABLE, "建设资金落实证明"]),
                                              content_type="application/json")
    assert answer.status_code == 422
    assert any(e["field"] == "materials" for e in answer.json()["errors"])


@pytest.mark.parametrize("overrides, status, field", [
    ({"item": "NO-SUCH-ITEM"}, 404, "item"),
    ({"text_sha256": "0" * 64}, 422, "text_shown_sha256"),
    ({"replaced": ["不存在的材料"]}, 422, "replaced"),
    ({"signer_id_number": "123"}, 422, "signer_id_number"),
    ({"signer_name": 42}, 422, "signer_name"),
])
def test_bad_applications_are_refused_naming_the_field(all_replaceable, overrides, status, field):
    cw = all_replaceable
    answer = token_client(cw["account"]).post(URL, body(cw, **overrides), content_type="application/json")
    assert answer.status_code == status
    data = answer.json()
    assert field in {data.get("field"), *(e["field"] for e in data.get("errors", []))}
    assert not Commitment.objects.exists()


def test_staff_cannot_sign_and_strangers_cannot_read(all_replaceable):
    cw = all_replaceable
    assert token_client(cw["approver"]).post(URL, body(cw), content_type="application/json").status_code == 403
    commitment = sign(cw)
    assert Client().get(f"{URL}/{commitment.pk}").status_code == 401
    from oneseal.accounts.services import create_applicant_account

    stranger = create_applicant_account(actor=None, username="stranger", password="correct-horse-battery")
    assert token_client(stranger).get(f"{URL}/{commitment.pk}").status_code == 404


def test_the_drawn_inspector_records_the_outcome_by_api_once(cw):
    commitment = sign(cw)
    inspection, inspector = inspector_user(commitment)
    client = token_client(inspector)
    url = f"{URL}/inspections/{inspection.pk}/outcome"
    answer = client.post(url, {"outcome": "false", "findings": "施工图未经审查。"}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["status"] == CommitmentStatus.FALSE
    assert answer.json()["case_status"] == "revoked"
    again = client.post(url, {"outcome": "confirmed", "findings": "一致。"}, content_type="application/json")
    assert again.status_code == 409


def test_others_cannot_record_the_outcome_by_api(cw):
    commitment = sign(cw)
    inspection = commitment.inspections.get()
    drawn = set(inspection.inspectors.all())
    other = next(i for i in cw["inspectors"] if i not in drawn)
    url = f"{URL}/inspections/{inspection.pk}/outcome"
    for user in (other.user, cw["account"], cw["outsider"]):
        answer = token_client(user).post(url, {"outcome": "confirmed", "findings": "一致。"},
                                         content_type="application/json")
        assert answer.status_code == 404
    assert VerificationInspection.objects.get(pk=inspection.pk).recorded_at is None


@pytest.mark.parametrize("payload, field", [
    ({"outcome": "fixable", "findings": "须整改。"}, "rectify_days"),
    ({"outcome": "maybe", "findings": "？"}, "outcome"),
    ({"outcome": "fixable", "findings": "须整改。", "rectify_days": 0}, "rectify_days"),
])
def test_bad_outcomes_are_refused_by_api(cw, payload, field):
    commitment = sign(cw)
    inspection, inspector = inspector_user(commitment)
    answer = token_client(inspector).post(f"{URL}/inspections/{inspection.pk}/outcome", payload,
                                          content_type="application/json")
    assert answer.status_code == 422
    assert field in {e["field"] for e in answer.json()["errors"]}
