import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from oneseal.accounts.roles import RoleCode
from oneseal.bundles.models import BundleDefinition
from oneseal.kernel import events
from tests.cases.test_api import assert_refused, post, session_client, token_client

from .conftest import PDF, licence_issued

pytestmark = pytest.mark.django_db

URL = "/api/v1/bundles"
CASES = "/api/v1/cases"


def files():
    return {f"material:{name}": SimpleUploadedFile(f"{name}.pdf", PDF + name.encode(), content_type="application/pdf")
            for name in ("企业开办申请书", "公司章程", "相关证明材料")}


def apply(client, world, **overrides):
    data = {"definition": "QYKB", "channel": "online",
            "form": json.dumps({"company_name": "枣阳市青禾科技有限公司", "address": "人民路1号"}, ensure_ascii=False),
            **files(), **overrides}
    return client.post(URL, data={k: v for k, v in data.items() if v is not None})


def finish_case(world, number):
    """Over the cases API: the clerk decides on the spot, the approver issues."""
    clerk, approver = token_client(world["clerk"]), token_client(world["approver"])
    detail = clerk.get(f"{CASES}/{number}").json()
    if detail["status"] == "submitted":
        assert post(clerk, f"{CASES}/{number}/accept").status_code == 200
        detail = clerk.get(f"{CASES}/{number}").json()
    task = detail["tasks"][0]["task_id"]
    assert post(clerk, f"{CASES}/{number}/tasks/{task}/complete", {"approved": True}).status_code == 200
    assert post(approver, f"{CASES}/{number}/issue").status_code == 200


def test_definitions_are_public(kaiban, client):
    response = client.get(f"{URL}/definitions")
    assert response.status_code == 200
    (qykb,) = response.json()
    assert qykb["code"] == "QYKB" and qykb["limit"] == "1 working_days"
    assert [i["item_name"] for i in qykb["items"]] == ["企业设立登记", "印章刻制备案", "发票申领", "社会保险登记"]
    assert qykb["items"][1]["depends_on"] == [kaiban["reg"].code]
    assert "credit_code" not in qykb["form_schema"]["properties"]
    assert_refused(client.get(f"{URL}/definitions/NOPE"), 404, code="not_found")


def test_the_whole_bundle_over_http(kaiban):
    applicant = session_client(kaiban["applicant_user"])
    response = apply(applicant, kaiban)
    assert response.status_code == 200, response.content
    body = response.json()
    number = body["number"]
    assert body["status"] == "submitted" and body["materials_uploaded"] == 3
    started = {p["item_name"]: p["case"] for p in body["parts"] if p["case"]}
    assert set(started) == {"企业设立登记", "社会保险登记"}

    clerk = token_client(kaiban["clerk"])
    response = post(clerk, f"{URL}/{number}/accept")
    assert response.status_code == 200, response.content
    for case in started.values():
        finish_case(kaiban, case)
    events.dispatch_all()
    from oneseal.cases.models import Case

    reg = Case.objects.get(number=started["企业设立登记"])
    licence_issued(reg, {"credit_code": "91420683MA4F000001"}, reg.issued_at)
    body = clerk.get(f"{URL}/{number}").json()
    later = {p["item_name"]: p["case"] for p in body["parts"] if p["item_name"] in ("印章刻制备案", "发票申领")}
    assert all(later.values())
    for case in later.values():
        finish_case(kaiban, case)
    events.dispatch_all()
    body = applicant.get(f"{URL}/{number}").json()
    assert body["status"] == "ready"
    assert (body["materials_uploaded"], body["materials_needed"], body["materials_saved"]) == (3, 7, 4)
    assert_refused(post(applicant, f"{URL}/{number}/deliver", {"method": "pickup"}), 403, code="forbidden")
    response = post(clerk, f"{URL}/{number}/deliver", {"method": "pickup"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "delivered"
    assert {p["case_status"] for p in body["parts"]} == {"delivered"}
    assert body["clock"]["finished"] is True
    assert_refused(post(clerk, f"{URL}/{number}/deliver", {"method": "pickup"}), 409, code="bundle_not_ready")


def test_tracking_answers_a_wrong_pair_like_an_unknown_number(kaiban, client):
    number = apply(session_client(kaiban["applicant_user"]), kaiban).json()["number"]
    ok = client.get(f"{URL}/track", {"number": number, "id": kaiban["applicant"].id_number})
    assert ok.status_code == 200 and ok.json()["definition_name"] == "企业开办"
    assert "applicant_name" not in ok.json()
    wrong = client.get(f"{URL}/track", {"number": number, "id": "420683199001011230"})
    unknown = client.get(f"{URL}/track", {"number": "NOPE-1", "id": kaiban["applicant"].id_number})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()


def test_who_sees_a_bundle(kaiban, user_in_role, client):
    number = apply(session_client(kaiban["applicant_user"]), kaiban).json()["number"]
    assert token_client(kaiban["supervisor"]).get(f"{URL}/{number}").status_code == 200
    assert token_client(kaiban["clerk"]).get(f"{URL}/{number}").status_code == 200  # online: any hall's window
    for outsider in (kaiban["approver"], user_in_role(RoleCode.APPLICANT, "stranger")):
        assert_refused(token_client(outsider).get(f"{URL}/{number}"), 404, code="not_found")
        assert token_client(outsider).get(URL).json()["count"] == 0
    assert_refused(client.get(f"{URL}/{number}"), 401)


def test_refusals_of_the_application(kaiban, user_in_role):
    applicant = session_client(kaiban["applicant_user"])
    assert_refused(apply(applicant, kaiban, definition="NOPE"), 422, code="unknown_definition", field="definition")
    assert_refused(apply(applicant, kaiban, form="[1]"), 422, code="form_not_json", field="form")
    assert_refused(apply(applicant, kaiban, **{"material:公司章程": None}), 422, field="materials")
    assert_refused(apply(token_client(kaiban["approver"]), kaiban), 403, code="forbidden")
    assert_refused(apply(token_client(kaiban["clerk"]), kaiban), 403, code="forbidden")  # online is for applicants


def test_a_clerk_receives_a_bundle_at_the_window(kaiban):
    clerk = token_client(kaiban["clerk"])
    response = apply(clerk, kaiban, channel="window", kind="person", name="王五",
                     id_number=kaiban["applicant"].id_number)
    assert response.status_code == 200, response.content
    assert response.json()["channel"] == "window"
    assert_refused(post(token_client(kaiban["approver"]), f"{URL}/{response.json()['number']}/accept"), 404)


def test_definitions_over_http_refuse_a_cycle_and_non_administrators(kaiban, user_in_role):
    reg, social = kaiban["reg"].code, kaiban["social"].code
    body = {"code": "LOOP", "name": "循环", "limit_amount": 1, "limit_unit": "working_days",
            "items": [{"item": reg, "depends_on": [social]}, {"item": social, "depends_on": [reg]}],
            "pool": [{"name": "申请书", "uses": [{"item": reg, "material": "申请书"},
                                                 {"item": social, "material": "申请书"}]},
                     {"name": "章程", "uses": [{"item": reg, "material": "公司章程"}]},
                     {"name": "证明", "uses": [{"item": social, "material": "相关证明材料"}]}]}
    assert_refused(post(token_client(kaiban["clerk"]), f"{URL}/definitions", body), 403, code="forbidden")
    admin = token_client(user_in_role(RoleCode.ADMINISTRATOR, "admin"))
    refused = assert_refused(post(admin, f"{URL}/definitions", body), 422, field="items")
    cycle = next(e for e in refused["errors"] if e["code"] == "dependency_cycle")
    assert "企业设立登记 → 社会保险登记 → 企业设立登记" in cycle["message"]
    assert not BundleDefinition.objects.filter(code="LOOP").exists()
    body["items"][0]["depends_on"] = []
    created = post(admin, f"{URL}/definitions", body)
    assert created.status_code == 200, created.content
    assert created.json()["items"][1]["depends_on"] == [reg]


def test_a_supervisor_lists_the_overdue_bundles(kaiban):
    from oneseal.bundles import services as bs

    from .conftest import apply_online

    late = apply_online(kaiban, now="2026-11-02 09:00")  # due 2026-11-03 17:30, long past
    supervisor = token_client(kaiban["supervisor"])
    assert [b["number"] for b in supervisor.get(URL, {"overdue": "true"}).json()["results"]] == [late.number]
    assert bs.accept_parts(actor=kaiban["clerk"], application=late)
    events.dispatch_all()
    assert supervisor.get(URL, {"overdue": "true", "status": "in_progress"}).json()["count"] == 1
    assert supervisor.get(URL, {"overdue": "true", "status": "submitted"}).json()["count"] == 0
    assert token_client(kaiban["approver"]).get(URL, {"overdue": "true"}).json()["count"] == 0
