"""Once-only (免提交): the applicant's licences offered instead of uploads, every use logged."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from oneseal.accounts.tokens import create_token
from oneseal.cases import services as cs
from oneseal.cases.models import Case
from oneseal.kernel import events
from oneseal.licenses import selectors
from oneseal.licenses import services as ls
from oneseal.licenses.models import Licence, LicenceUse
from tests.cases.conftest import PDF, citizen_id
from tests.licenses.conftest import approve, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def holding(licensing):
    """The applicant holds a valid 食品经营许可证 from an approved case."""
    licence = Licence.objects.get(case=approve(licensing))
    return {**licensing, "licence": licence}


def snapshot(item):
    return item.versions.order_by("-number").first().snapshot


def test_the_applicants_valid_licence_is_offered_for_the_material_it_replaces(holding):
    offers = selectors.offerable_licences(holding["applicant"], snapshot(holding["change"]))
    assert offers == {"食品经营许可证": holding["licence"]}  # 营业执照: no such licence held


def test_no_offer_of_a_revoked_expired_tampered_or_someone_elses_licence(holding):
    snap = snapshot(holding["change"])
    other = cs.register_applicant(actor=None, kind="person", name="李四", id_number=citizen_id("42068319920305456"))
    assert selectors.offerable_licences(other, snap) == {}
    licence = holding["licence"]
    later = dt.datetime(2031, 3, 5, 9, tzinfo=dt.UTC)
    assert selectors.offerable_licences(holding["applicant"], snap, now=later) == {}  # expired by then
    Licence.objects.filter(pk=licence.pk).update(holder_name="王五")
    assert selectors.offerable_licences(holding["applicant"], snap) == {}
    Licence.objects.filter(pk=licence.pk).update(holder_name=licence.holder_name)
    ls.revoke_licence(actor=holding["head"], licence=licence, reason="吊销")
    assert selectors.offerable_licences(holding["applicant"], snap) == {}


def _apply_client(holding) -> Client:
    client = Client()
    client.force_login(holding["holder_user"])
    return client


def test_the_apply_page_offers_the_licence_with_a_preview(holding):
    page = _apply_client(holding).get(f"/items/{holding['change'].code}/apply/").content.decode()
    assert "u_1" in page and "checked" in page.split('name="u_1"')[1].split(">")[0]
    assert f"/my/licences/{holding['licence'].number}/" in page


def test_applying_with_the_offered_licence_uploads_nothing_and_logs_the_use(holding):
    licence = holding["licence"]
    response = _apply_client(holding).post(f"/items/{holding['change'].code}/apply/", {
        "m_0": SimpleUploadedFile("apply.pdf", PDF + b"x", content_type="application/pdf"), "u_1": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get(item=holding["change"])
    material = case.materials.get(name="食品经营许可证")
    assert (material.source, material.sha256, material.original_name) == (
        f"licence:{licence.number}", licence.pdf_sha256, f"{licence.number}.pdf")
    assert not LicenceUse.objects.exists()  # logged when the outbox delivers cases.submitted
    events.dispatch_all()
    use = LicenceUse.objects.get()
    assert (use.licence, use.case, use.material, use.used_by) == (licence, case, "食品经营许可证", "zhangsan")
    assert use.department == holding["bureau"]
    events.dispatch_all()
    assert LicenceUse.objects.count() == 1  # once
    assert list(selectors.uses_of_my_licences(holding["holder_user"])) == [use]
    english = _apply_client(holding)
    english.cookies["django_language"] = "en"  # the site speaks Chinese unless the visitor switched
    wallet = english.get("/my/licences/").content.decode()
    assert case.number in wallet and "spared you 1 upload." in wallet
    assert selectors.materials_saved()["materials_saved"] == 1


def test_the_applicant_can_decline_and_upload_instead(holding):
    response = _apply_client(holding).post(f"/items/{holding['change'].code}/apply/", {
        "m_0": SimpleUploadedFile("apply.pdf", PDF + b"x", content_type="application/pdf"),
        "m_1": SimpleUploadedFile("licence-scan.pdf", PDF + b"scan", content_type="application/pdf")})
    assert response.status_code == 302
    events.dispatch_all()
    case = Case.objects.get(item=holding["change"])
    assert case.materials.get(name="食品经营许可证").source == ""
    assert not LicenceUse.objects.exists()


def test_both_the_licence_and_an_upload_for_one_material_is_refused(holding):
    response = _apply_client(holding).post(f"/items/{holding['change'].code}/apply/", {
        "m_0": SimpleUploadedFile("apply.pdf", PDF + b"x", content_type="application/pdf"), "u_1": "on",
        "m_1": SimpleUploadedFile("licence-scan.pdf", PDF + b"scan", content_type="application/pdf")})
    assert response.status_code == 422 and not Case.objects.filter(item=holding["change"]).exists()


def _token(user) -> Client:
    return Client(headers={"Authorization": f"Bearer {create_token(actor=None, user=user, name='app').clear}"})


def test_the_submit_api_takes_a_material_from_a_licence(holding):
    client = _token(holding["holder_user"])
    offers = client.get(f"/api/v1/licences/offers?item={holding['change'].code}").json()
    assert offers == [{"material": "食品经营许可证", "licence": holding["licence"].number, "type_name": "食品经营许可证",
                       "valid_until": "2031-03-04", "source": f"licence:{holding['licence'].number}"}]
    response = client.post("/api/v1/cases", {
        "item": holding["change"].code, "channel": "online", "use_licence": ["食品经营许可证"],
        "material:变更申请书": SimpleUploadedFile("a.pdf", PDF + b"a", content_type="application/pdf")})
    assert response.status_code == 200, response.json()
    events.dispatch_all()
    assert LicenceUse.objects.get().case.number == response.json()["number"]


@pytest.mark.parametrize("use,code,field", [
    (["营业执照"], "no_licence_for_material", "use_licence.0"),  # holds no 营业执照
    (["食品经营许可证", "不存在的材料"], "no_licence_for_material", "use_licence.1"),
    (["变更申请书"], "no_licence_for_material", "use_licence.0"),
])
def test_the_submit_api_refuses_a_licence_the_applicant_does_not_hold(holding, use, code, field):
    response = _token(holding["holder_user"]).post("/api/v1/cases", {
        "item": holding["change"].code, "channel": "online", "use_licence": use,
        "material:变更申请书": SimpleUploadedFile("a.pdf", PDF + b"a", content_type="application/pdf")})
    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == (code, field)
    assert not Case.objects.filter(item=holding["change"]).exists()


def test_a_material_both_uploaded_and_taken_from_a_licence_is_refused(holding):
    response = _token(holding["holder_user"]).post("/api/v1/cases", {
        "item": holding["change"].code, "channel": "online", "use_licence": ["食品经营许可证"],
        "material:变更申请书": SimpleUploadedFile("a.pdf", PDF + b"a", content_type="application/pdf"),
        "material:食品经营许可证": SimpleUploadedFile("b.pdf", PDF + b"b", content_type="application/pdf")})
    assert (response.status_code, response.json()["code"]) == (422, "material_given_twice")


def test_a_case_naming_someone_elses_licence_logs_no_use(holding):
    other = cs.register_applicant(actor=None, kind="person", name="李四", id_number=citizen_id("42068319920305456"))
    licence = holding["licence"]
    case = cs.submit_case(actor=None, item=holding["change"], applicant=other, channel="window",
                          hall=holding["hall"], now=at("2026-03-10 09:00"), materials=[
                              cs.MaterialUpload("变更申请书", io.BytesIO(PDF + b"z"), "a.pdf"),
                              cs.ReusedMaterial("食品经营许可证", selectors.licence_file(licence),
                                                f"licence:{licence.number}")])
    events.dispatch_all()
    assert case.materials.count() == 2 and not LicenceUse.objects.exists()


def test_offers_need_an_applicant_record(holding):
    response = _token(holding["clerk"]).get(f"/api/v1/licences/offers?item={holding['change'].code}")
    assert response.status_code == 403
