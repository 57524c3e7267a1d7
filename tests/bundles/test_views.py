import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from oneseal.bundles.models import BundleApplication, BundleStatus

from .conftest import PDF, apply_online
from .test_services import run_to_ready

pytestmark = pytest.mark.django_db


def upload(name):
    return SimpleUploadedFile(f"{name}.pdf", PDF + name.encode(), content_type="application/pdf")


def test_an_applicant_applies_on_the_page(kaiban, client):
    client.force_login(kaiban["applicant_user"])
    page = client.get("/bundles/apply/QYKB/")
    assert page.status_code == 200
    text = page.content.decode()
    assert text.count('type="file"') == 3  # one upload per pool material
    assert "credit_code" not in text  # filled from the registration's licence, not asked
    response = client.post("/bundles/apply/QYKB/", {
        "f_company_name": "枣阳市青禾科技有限公司", "f_address": "人民路1号",
        "m_0": upload("申请书"), "m_1": upload("章程"), "m_2": upload("证明")})
    assert response.status_code == 302, response.content.decode()[:2000]
    application = BundleApplication.objects.get()
    assert response["Location"] == f"/bundles/{application.number}/"
    detail = client.get(response["Location"]).content.decode()
    assert "企业设立登记" in detail and application.number in detail
    assert application.number in client.get("/bundles/mine/").content.decode()


def test_a_refused_field_is_shown_next_to_it(kaiban, client):
    client.force_login(kaiban["applicant_user"])
    response = client.post("/bundles/apply/QYKB/", {"f_company_name": "x", "m_0": upload("申请书")})
    assert response.status_code == 422
    assert BundleApplication.objects.count() == 0


def test_the_window_receives_and_hands_out_together_on_the_page(kaiban, client):
    application = apply_online(kaiban)
    client.force_login(kaiban["clerk"])
    assert application.number in client.get("/bundles/window/").content.decode()
    response = client.post(f"/bundles/{application.number}/accept/")
    assert response.status_code == 302
    assert {p.case.status for p in application.parts.filter(case__isnull=False)} == {"accepted"}
    application = run_to_ready(kaiban, apply_online(kaiban))
    assert application.status == BundleStatus.READY
    assert f"/bundles/{application.number}/deliver/" in client.get(f"/bundles/{application.number}/").content.decode()
    client.post(f"/bundles/{application.number}/deliver/", {"method": "pickup"})
    application.refresh_from_db()
    assert application.status == BundleStatus.DELIVERED


def test_the_applicant_cannot_use_the_window_actions(kaiban, client):
    application = run_to_ready(kaiban, apply_online(kaiban))
    client.force_login(kaiban["applicant_user"])
    assert client.get("/bundles/window/").status_code == 403
    client.post(f"/bundles/{application.number}/deliver/", {"method": "pickup"})
    application.refresh_from_db()
    assert application.status == BundleStatus.READY


def test_tracking_page_answers_a_wrong_pair_like_an_unknown_number(kaiban, client):
    application = apply_online(kaiban)
    found = client.post("/bundles/track/", {"number": application.number, "id_number": kaiban["applicant"].id_number})
    assert "企业设立登记" in found.content.decode()
    wrong = client.post("/bundles/track/", {"number": application.number, "id_number": "420683199001011230"})
    unknown = client.post("/bundles/track/", {"number": "420683-YS-20990101-0001",
                                              "id_number": kaiban["applicant"].id_number})
    strip = lambda r: r.content.decode().replace(application.number, "").replace("420683-YS-20990101-0001", "")  # noqa: E731
    assert wrong.status_code == unknown.status_code == 200
    assert "企业设立登记" not in wrong.content.decode()
    assert _without_tokens(strip(wrong)) == _without_tokens(strip(unknown))


def _without_tokens(html: str) -> str:
    import re

    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'value="[^"]*"', "", html)


def test_a_bundle_is_not_shown_to_someone_else(kaiban, client, user_in_role):
    from oneseal.accounts.roles import RoleCode

    application = apply_online(kaiban)
    client.force_login(user_in_role(RoleCode.APPLICANT, "nosy"))
    assert client.get(f"/bundles/{application.number}/").status_code == 404


def test_a_clerk_receives_a_bundle_on_the_page(kaiban, client):
    client.force_login(kaiban["clerk"])
    response = client.post("/bundles/apply/QYKB/", {
        "kind": "person", "name": "王五", "id_number": kaiban["applicant"].id_number,
        "f_company_name": "枣阳市青禾科技有限公司", "m_0": upload("申请书"), "m_1": upload("章程"),
        "m_2": upload("证明")})
    assert response.status_code == 302, response.content.decode()[:2000]
    application = BundleApplication.objects.get()
    assert (application.channel, application.hall, application.submitted_by) == ("window", kaiban["hall"],
                                                                                   kaiban["clerk"])
