"""`/api/v1/licences`: public verification, and each signed-in endpoint limited by role."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from oneseal.accounts.roles import RoleCode
from oneseal.accounts.tokens import create_token
from oneseal.kernel.uploads import open_stored
from oneseal.licenses import services as ls
from oneseal.licenses.models import Licence, LicenceStatus, RenewalRequest
from tests.licenses.conftest import approve

pytestmark = pytest.mark.django_db
URL = "/api/v1/licences"


@pytest.fixture
def issued(licensing):
    return {**licensing, "licence": Licence.objects.get(case=approve(licensing))}


def as_user(user) -> Client:
    return Client(headers={"Authorization": f"Bearer {create_token(actor=None, user=user, name='t').clear}"})


def test_public_verification_by_number_masks_the_id(issued, client):
    licence = issued["licence"]
    body = client.get(f"{URL}/{licence.number}/verify").json()
    assert body["verdict"] == "valid" and body["licence"]["holder_name"] == "张三"
    assert body["licence"]["holder_id_masked"] == licence.holder_id_number[:6] + "********" + licence.holder_id_number[-4:]
    assert licence.holder_id_number not in str(body)
    assert client.get(f"{URL}/{licence.number.lower()}/verify").json()["verdict"] == "valid"


def test_verification_answers_revoked_expired_and_tampered(issued, client):
    licence = issued["licence"]
    ls.revoke_licence(actor=issued["head"], licence=licence, reason="吊销")
    assert client.get(f"{URL}/{licence.number}/verify").json()["verdict"] == "revoked"
    short = ls.issue_licence(actor=None, licence_type=issued["food"], holder=issued["applicant"],
                             issuer=issued["bureau"], data={}, valid_from=dt.date(2020, 1, 1),
                             valid_until=dt.date(2021, 1, 1))
    assert client.get(f"{URL}/{short.number}/verify").json()["verdict"] == "expired"
    Licence.objects.filter(pk=short.pk).update(valid_until=dt.date(2099, 1, 1))
    assert client.get(f"{URL}/{short.number}/verify").json()["verdict"] == "tampered"


@pytest.mark.parametrize("number,status,code", [
    ("SPJ-SPJY-2026-999999-0", 404, None),  # well formed, unknown: check below picks a right check character
    ("SPJ-SPJY-2026-000001", 422, "licence_number_malformed"),
    ("not a number", 422, "licence_number_malformed"),
])
def test_bad_numbers(issued, client, number, status, code):
    if status == 404:
        from oneseal.licenses.numbering import format_number

        number = format_number("SPJ", "SPJY", 2026, 999999)
    response = client.get(f"{URL}/{number}/verify")
    assert response.status_code == status
    if code:
        assert (response.json()["code"], response.json()["field"]) == (code, "number")


def test_a_mistyped_check_character_is_named(issued, client):
    number = issued["licence"].number
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    response = client.get(f"{URL}/{wrong}/verify")
    assert (response.status_code, response.json()["code"]) == (422, "licence_number_check_failed")


def test_verify_payload_and_verify_pdf_over_http(issued, client):
    licence = issued["licence"]
    body = client.post(f"{URL}/verify-payload", {"payload": licence.qr_payload}, content_type="application/json").json()
    assert (body["verdict"], body["signature_valid"], body["claims"]["n"]) == ("valid", True, licence.number)
    forged = licence.qr_payload[:10] + ("A" if licence.qr_payload[10] != "A" else "B") + licence.qr_payload[11:]
    body = client.post(f"{URL}/verify-payload", {"payload": forged}, content_type="application/json").json()
    assert (body["verdict"], body["signature_valid"], body["licence"]) == ("tampered", False, None)
    with open_stored(licence.pdf_path) as handle:
        document = handle.read()
    ok = client.post(f"{URL}/verify-pdf", {"file": SimpleUploadedFile("l.pdf", document)}).json()
    assert (ok["verdict"], ok["licence"]["number"]) == ("valid", licence.number)
    bad = document.replace("老张面馆".encode("utf-16-be"), "老王面馆".encode("utf-16-be"))
    bad = bad if bad != document else document[:300] + b"X" + document[301:]
    assert client.post(f"{URL}/verify-pdf", {"file": SimpleUploadedFile("l.pdf", bad)}).json()["verdict"] == "tampered"
    response = client.post(f"{URL}/verify-pdf", {"file": SimpleUploadedFile("l.pdf", b"hello")})
    assert (response.status_code, response.json()["code"]) == (422, "not_a_pdf")


def test_a_holder_sees_their_wallet_and_tracker_and_nobody_elses(issued, user_in_role):
    licence = issued["licence"]
    holder = as_user(issued["holder_user"])
    assert [r["number"] for r in holder.get(URL).json()["results"]] == [licence.number]
    assert holder.get(f"{URL}/{licence.number}").json()["data"]["shop_name"] == "老张面馆"
    assert holder.get(f"{URL}/uses").status_code == 200
    pdf = holder.get(f"{URL}/{licence.number}/pdf")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF-")
    from oneseal.accounts.services import create_applicant_account

    stranger = as_user(create_applicant_account(actor=None, username="lisi", password="correct-horse-battery"))
    assert stranger.get(URL).json() == {"count": 0, "results": []}
    for path in (f"{URL}/{licence.number}", f"{URL}/{licence.number}/uses", f"{URL}/{licence.number}/pdf"):
        assert stranger.get(path).status_code == 404  # like an unknown number
    assert stranger.get(f"{URL}/uses").json() == []
    assert Client().get(URL).status_code == 401


def test_staff_see_their_departments_licences_and_a_supervisor_all(issued):
    licence = issued["licence"]
    assert as_user(issued["approver"]).get(f"{URL}/{licence.number}").status_code == 200
    assert as_user(issued["supervisor"]).get(f"{URL}/{licence.number}").status_code == 200
    assert as_user(issued["outsider"]).get(f"{URL}/{licence.number}").status_code == 404


@pytest.mark.parametrize("who,status", [("head", 200), ("approver", 200), ("outsider", 404), ("clerk", 404),
                                        ("supervisor", 403), ("holder_user", 403)])
def test_revocation_over_http_by_role(issued, who, status):
    licence = issued["licence"]
    response = as_user(issued[who]).post(f"{URL}/{licence.number}/revoke", {"reason": "以欺骗手段取得"},
                                         content_type="application/json")
    assert response.status_code == status
    expected = LicenceStatus.REVOKED if status == 200 else LicenceStatus.VALID
    assert Licence.objects.get(pk=licence.pk).status == expected


def test_a_revocation_without_a_reason_names_the_field(issued):
    response = as_user(issued["head"]).post(f"{URL}/{issued['licence'].number}/revoke", {"reason": ""},
                                            content_type="application/json")
    assert (response.status_code, response.json()["field"]) == (422, "reason")


def test_renewal_over_http(issued):
    licence = issued["licence"]
    assert as_user(issued["clerk"]).post(f"{URL}/{licence.number}/renewals").status_code == 404  # not its department
    assert as_user(issued["approver"]).post(f"{URL}/{licence.number}/renewals").status_code == 403  # not the holder
    response = as_user(issued["holder_user"]).post(f"{URL}/{licence.number}/renewals")
    assert response.status_code == 200 and response.json()["status"] == "pending"
    again = as_user(issued["holder_user"]).post(f"{URL}/{licence.number}/renewals")
    assert (again.status_code, again.json()["code"]) == (409, "renewal_pending")
    renewal = RenewalRequest.objects.get()
    denied = as_user(issued["outsider"]).post(f"{URL}/renewals/{renewal.pk}/decide", {"approve": True},
                                              content_type="application/json")
    assert denied.status_code == 404
    denied = as_user(issued["holder_user"]).post(f"{URL}/renewals/{renewal.pk}/decide", {"approve": True},
                                                 content_type="application/json")
    assert denied.status_code == 403
    done = as_user(issued["head"]).post(f"{URL}/renewals/{renewal.pk}/decide", {"approve": True},
                                        content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "approved" and done.json()["new_licence"]


def test_stats_are_for_staff(issued, user_in_role):
    assert as_user(issued["holder_user"]).get(f"{URL}/stats").status_code == 403
    body = as_user(issued["supervisor"]).get(f"{URL}/stats").json()
    assert body["licences_issued"] == 1 and body["materials_saved"] == 0
    assert as_user(user_in_role(RoleCode.REGULATOR, "regulator")).get(f"{URL}/stats").status_code == 200
