"""The licences' pages: public verification, the wallet, the staff workbench."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from oneseal.accounts.roles import RoleCode
from oneseal.accounts.services import create_applicant_account
from oneseal.kernel.uploads import open_stored
from oneseal.licenses.models import Licence, LicenceStatus, RenewalRequest
from tests.licenses.conftest import approve

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(licensing):
    return {**licensing, "licence": Licence.objects.get(case=approve(licensing))}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_public_verify_page_shows_the_verdict_and_no_full_id(issued, client):
    licence = issued["licence"]
    page = client.get(f"/verify/{licence.number}", HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert page.status_code == 200 and "licence-verdict--valid" in text and "张三" in text
    assert licence.holder_id_number not in text and "********" in text
    assert page["Cache-Control"].startswith("max-age=0")


def test_the_qr_url_checks_the_payload_on_the_page(issued, client):
    licence = issued["licence"]
    good = client.get(f"/verify/{licence.number}", {"p": licence.qr_payload}).content.decode()
    assert "licence-verdict--valid" in good and "altered or forged" not in good
    forged = licence.qr_payload.replace(licence.qr_payload[5], "A" if licence.qr_payload[5] != "A" else "B", 1)
    client.cookies["django_language"] = "en"  # the site speaks Chinese unless the visitor switched
    assert "altered or forged" in client.get(f"/verify/{licence.number}", {"p": forged}).content.decode()


def test_an_unknown_or_malformed_number(issued, client):
    assert client.get("/verify/SPJ-SPJY-2026-000099-0").status_code == 404
    response = client.get("/verify/", {"number": "hello"})
    assert response.status_code == 422
    assert client.get("/verify/", {"number": issued["licence"].number.lower()}).status_code == 302


def test_the_verify_page_checks_an_uploaded_pdf(issued, client):
    with open_stored(issued["licence"].pdf_path) as handle:
        document = handle.read()
    ok = client.post("/verify/", {"pdf": SimpleUploadedFile("l.pdf", document)}).content.decode()
    assert "licence-verdict--valid" in ok
    bad = client.post("/verify/", {"pdf": SimpleUploadedFile("l.pdf", document[:500] + b"!" + document[501:])})
    assert "licence-verdict--tampered" in bad.content.decode()


def test_the_holders_wallet_lists_licences_and_the_tracker(issued):
    client = signed_in(issued["holder_user"])
    licence = issued["licence"]
    wallet = client.get("/my/licences/").content.decode()
    assert licence.number in wallet and "食品经营许可证" in wallet
    detail = client.get(f"/my/licences/{licence.number}/").content.decode()
    assert "老张面馆" in detail and f"/my/licences/{licence.number}/renew/" in detail
    assert client.get(f"/licences/{licence.number}.pdf").status_code == 200


def test_someone_elses_licence_is_not_in_my_wallet(issued):
    stranger = signed_in(create_applicant_account(actor=None, username="lisi", password="correct-horse-battery"))
    licence = issued["licence"]
    assert licence.number not in stranger.get("/my/licences/").content.decode()
    assert stranger.get(f"/my/licences/{licence.number}/").status_code == 404
    assert stranger.get(f"/licences/{licence.number}.pdf").status_code == 404
    assert stranger.post(f"/my/licences/{licence.number}/renew/").status_code == 404
    assert Client().get("/my/licences/").status_code == 302  # to sign in


def test_the_holder_applies_to_renew_from_the_wallet(issued):
    licence = issued["licence"]
    response = signed_in(issued["holder_user"]).post(f"/my/licences/{licence.number}/renew/")
    assert response.status_code == 302 and RenewalRequest.objects.filter(licence=licence).exists()


def test_the_head_revokes_from_the_workbench_and_a_clerk_cannot(issued, user_in_role):
    licence = issued["licence"]
    bureau_clerk = user_in_role(RoleCode.WINDOW_CLERK, "bureau-clerk", department=issued["bureau"])
    page = signed_in(bureau_clerk).get(f"/workbench/licences/{licence.number}/").content.decode()
    assert "revoke-reason" not in page  # sees the licence, may not revoke it
    refused = signed_in(bureau_clerk).post(f"/workbench/licences/{licence.number}/revoke/", {"reason": "x"})
    assert refused.status_code == 403 and Licence.objects.get(pk=licence.pk).status == LicenceStatus.VALID
    head = signed_in(issued["head"])
    assert "revoke-reason" in head.get(f"/workbench/licences/{licence.number}/").content.decode()
    assert head.post(f"/workbench/licences/{licence.number}/revoke/", {"reason": ""}).status_code == 422
    done = head.post(f"/workbench/licences/{licence.number}/revoke/", {"reason": "以欺骗手段取得"})
    assert done.status_code == 302 and Licence.objects.get(pk=licence.pk).status == LicenceStatus.REVOKED
    assert signed_in(issued["holder_user"]).get("/workbench/licences/").status_code == 404
    assert signed_in(issued["outsider"]).get(f"/workbench/licences/{licence.number}/").status_code == 404


def test_the_workbench_lists_renewals_to_decide(issued):
    licence = issued["licence"]
    signed_in(issued["holder_user"]).post(f"/my/licences/{licence.number}/renew/")
    head = signed_in(issued["head"])
    assert licence.number in head.get("/workbench/licences/").content.decode()
    renewal = RenewalRequest.objects.get()
    refused = head.post(f"/workbench/renewals/{renewal.pk}/decide/", {"approve": "0", "reason": ""})
    assert refused.status_code == 422
    done = head.post(f"/workbench/renewals/{renewal.pk}/decide/", {"approve": "1"})
    assert done.status_code == 302 and RenewalRequest.objects.get().new_licence is not None
