"""The cases API over HTTP: a clerk's system with a token, approver and head with sessions, and
every refusal of issue 3's Bad input list."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from oneseal.accounts.roles import RoleCode
from oneseal.accounts.tokens import create_token, revoke_token
from oneseal.cases.models import Case, CaseStatus, NoticeKind
from oneseal.kernel.audit import verify_chain
from tests.cases.conftest import PDF, citizen_id
from tests.factories import HallFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/cases"
FORM = {"shop_name": "老张面馆", "area": 45}


def pdf_file(name: str = "scan.pdf", extra: bytes = b"") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF + extra, content_type="application/pdf")


def token_client(user, **client_options) -> Client:
    clear = create_token(actor=None, user=user, name="window system").clear
    return Client(headers={"Authorization": f"Bearer {clear}"}, **client_options)


def session_client(user, **client_options) -> Client:
    client = Client(**client_options)
    client.force_login(user)
    return client


def application(world, **overrides) -> dict:
    data = {
        "item": world["item"].code, "channel": "window", "form": json.dumps(FORM, ensure_ascii=False),
        "kind": "person", "name": "张三", "id_number": world["applicant"].id_number,
        "material:申请书": pdf_file("申请书.pdf", b"a"), "material:场所证明": pdf_file("场所证明.pdf", b"b"),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def submit(client, world, headers=None, **overrides):
    return client.post(URL, data=application(world, **overrides), headers=headers or {})


@pytest.fixture
def clerk_api(world):
    return token_client(world["clerk"])


@pytest.fixture
def submitted(world, clerk_api):
    response = submit(clerk_api, world)
    assert response.status_code == 200, response.content
    return response.json()["number"]


def post(client, path, body=None):
    if body is None:
        return client.post(path)
    return client.post(path, data=json.dumps(body), content_type="application/json")


def task_id(client, number, spec_name):
    detail = client.get(f"{URL}/{number}").json()
    return next(t["task_id"] for t in detail["tasks"] if t["spec_name"] == spec_name)


def assert_refused(response, status, code=None, field=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["message"] and body["message_en"]
    if code is not None:
        assert body["code"] == code
    if field is not None:
        fields = {body.get("field")} | {e["field"] for e in body.get("errors", [])}
        assert field in fields, body
    return body


# -- the standard path ------------------------------------------------------------------------

def test_the_standard_path_over_http(world, clerk_api):
    response = submit(clerk_api, world)
    assert response.status_code == 200, response.content
    case = response.json()
    number = case["number"]
    assert case["status"] == "submitted" and case["hall"] == world["hall"].code
    assert case["applicant"]["id_number_masked"] == citizen_id()[:6] + "********" + citizen_id()[-4:]
    assert sorted(m["name"] for m in case["materials"]) == ["场所证明", "申请书"]
    assert all(len(m["sha256"]) == 64 and m["content_type"] == "application/pdf" for m in case["materials"])

    accepted = post(clerk_api, f"{URL}/{number}/accept").json()
    assert accepted["status"] == "accepted" and accepted["due_at"] and accepted["remaining"] is not None
    assert [n["kind"] for n in accepted["notices"]] == [NoticeKind.ACCEPTANCE]

    approver = session_client(world["approver"])
    inbox = approver.get(f"{URL}/inbox").json()
    assert [e["number"] for e in inbox["results"]] == [number]
    review = inbox["results"][0]["task"]["task_id"]
    after_review = post(approver, f"{URL}/{number}/tasks/{review}/complete", {"passed": True}).json()
    assert after_review["paused"] is True  # the expert review stops the clock
    expert = task_id(approver, number, "expert_review")
    post(approver, f"{URL}/{number}/tasks/{expert}/complete", {"passed": True})

    head = session_client(world["head"])
    decide = task_id(head, number, "decide")
    decided = post(head, f"{URL}/{number}/tasks/{decide}/complete", {"approved": True})
    assert decided.json()["status"] == "approved" and decided.json()["decision"]["approved"] is True

    assert post(approver, f"{URL}/{number}/issue").json()["status"] == "issued"
    delivered = post(clerk_api, f"{URL}/{number}/deliver", {"method": "courier", "carrier": "EMS",
                                                            "waybill": "1234567890"}).json()
    assert delivered["delivery"]["waybill"] == "1234567890"
    closed = post(clerk_api, f"{URL}/{number}/confirm-receipt").json()
    assert closed["status"] == "closed" and closed["delivery"]["confirmed_at"]
    assert [e["action"] for e in closed["timeline"]] == [
        "submitted", "accepted", "task_completed", "special_procedure_started", "task_completed", "approved",
        "issued", "delivered", "receipt_confirmed"]
    assert verify_chain().ok


def test_listing_and_filtering_visible_cases(world, clerk_api, submitted):
    page = clerk_api.get(URL).json()
    assert (page["count"], page["results"][0]["number"]) == (1, submitted)
    assert clerk_api.get(URL, {"status": "accepted"}).json()["count"] == 0
    assert_refused(clerk_api.get(URL, {"status": "nonsense"}), 422, field="status")
    # the approver sees a case only once it is accepted into their department
    assert session_client(world["approver"]).get(URL).json()["count"] == 0


def test_supplement_receive_and_refuse(world, clerk_api, submitted):
    number = submitted
    body = post(clerk_api, f"{URL}/{number}/supplement",
                {"problems": [{"material": "场所证明", "problem": "未盖章"}], "note": "请补正"}).json()
    assert body["status"] == "awaiting_supplement"
    received = clerk_api.post(f"{URL}/{number}/supplement/receive",
                              data={"material:场所证明": pdf_file("v2.pdf", b"v2")})
    assert received.status_code == 200, received.content
    assert received.json()["status"] == "submitted" and received.json()["materials"][-1]["supplement"]
    refused = post(clerk_api, f"{URL}/{number}/refuse", {"reason": "不属于本机关职权范围",
                                                         "legal_basis": "《行政许可法》第三十二条"})
    assert refused.json()["status"] == "refused"


def test_files_may_come_as_a_parallel_list(world, clerk_api):
    data = application(world, **{"material:申请书": None, "material:场所证明": None})
    data["file"] = [pdf_file("a.pdf", b"1"), pdf_file("b.pdf", b"2")]
    data["material"] = ["申请书", "场所证明"]
    response = clerk_api.post(URL, data=data)
    assert response.status_code == 200, response.content
    data = application(world, **{"material:申请书": None, "material:场所证明": None})
    data["file"], data["material"] = [pdf_file("a.pdf", b"1")], ["申请书", "场所证明"]
    assert_refused(clerk_api.post(URL, data=data), 422, code="material_names_mismatch", field="material")


def test_an_applicant_applies_online_for_themselves_and_withdraws(world, user_in_role):
    user = user_in_role(RoleCode.APPLICANT, "citizen")
    client = session_client(user)
    response = submit(client, world, channel="online", kind="person", name="李四",
                      id_number=citizen_id("42068319920303432"))
    assert response.status_code == 200, response.content
    number = response.json()["number"]
    assert Case.objects.get(number=number).applicant.user == user
    assert client.get(URL).json()["count"] == 1
    assert post(client, f"{URL}/{number}/withdraw", {"reason": "不办了"}).json()["status"] == "withdrawn"


def test_an_applicant_cannot_take_over_someone_elses_record(world, user_in_role):
    client = session_client(user_in_role(RoleCode.APPLICANT, "impostor"))
    response = submit(client, world, channel="online")  # 张三's ID number, already on record
    assert_refused(response, 403, code="forbidden")
    assert not Case.objects.exists()


def test_channels_are_limited_to_who_may_use_them(world, clerk_api, user_in_role):
    assert_refused(submit(clerk_api, world, channel="online"), 403, code="forbidden")
    applicant = session_client(user_in_role(RoleCode.APPLICANT, "citizen"))
    assert_refused(submit(applicant, world, channel="window"), 403, code="forbidden")
    assert_refused(submit(session_client(world["approver"]), world), 403, code="forbidden")
    other_hall = HallFactory(code="XYZWDT", name="襄阳市政务服务大厅")
    assert_refused(submit(clerk_api, world, hall=other_hall.code), 403, code="forbidden")
    assert not Case.objects.exists()


def test_the_case_detail_shows_the_clock_and_the_tasks(world, clerk_api, submitted):
    post(clerk_api, f"{URL}/{submitted}/accept")
    detail = clerk_api.get(f"{URL}/{submitted}").json()
    assert detail["remaining_unit"] == "working_days" and detail["remaining"] >= 0
    assert detail["paused"] is False and detail["overdue"] is False
    assert [t["spec_name"] for t in detail["tasks"]] == ["review"]
    assert detail["visits"] == 1


def test_a_bureau_head_extends_once(world, clerk_api, submitted):
    post(clerk_api, f"{URL}/{submitted}/accept")
    assert_refused(post(session_client(world["approver"]), f"{URL}/{submitted}/extend",
                        {"reason": "需要实地核查"}), 403)
    head = session_client(world["head"])
    extended = post(head, f"{URL}/{submitted}/extend", {"reason": "需要实地核查", "days": 10}).json()
    assert extended["extension_days"] == 10
    assert_refused(post(head, f"{URL}/{submitted}/extend", {"reason": "again"}), 409, code="already_extended")


# -- the Bad input list -----------------------------------------------------------------------

@pytest.mark.parametrize(("form", "field"), [
    ({"shop_name": "老张面馆", "area": 0}, "form.area"),
    ({"shop_name": "x", "area": 10}, "form.shop_name"),
    ({"shop_name": "老张面馆"}, "form.area"),
])
def test_a_form_that_violates_the_schema_is_refused(world, clerk_api, form, field):
    response = submit(clerk_api, world, form=json.dumps(form, ensure_ascii=False))
    body = assert_refused(response, 422, code="validation_failed")
    assert body["errors"][0]["field"] == field
    assert not Case.objects.exists()


def test_a_form_that_is_not_json_is_refused(world, clerk_api):
    assert_refused(submit(clerk_api, world, form="{nope"), 422, code="form_not_json", field="form")


def test_a_missing_required_material_is_refused(world, clerk_api):
    body = assert_refused(submit(clerk_api, world, **{"material:场所证明": None}), 422, field="materials")
    assert body["errors"][0]["code"] == "material_missing"
    assert not Case.objects.exists()


def test_an_upload_over_the_limit_is_refused(world, clerk_api, settings):
    settings.ONESEAL_UPLOAD_MAX_BYTES = 1024
    big = SimpleUploadedFile("big.pdf", PDF + b"x" * 1024, content_type="application/pdf")
    response = submit(clerk_api, world, **{"material:场所证明": big})
    assert_refused(response, 413, code="file_too_large", field="materials.1")
    assert not Case.objects.exists()


def test_an_html_file_renamed_pdf_is_refused(world, clerk_api, settings):
    html = SimpleUploadedFile("场所证明.pdf", b"<html><body>x</body></html>", content_type="application/pdf")
    response = submit(clerk_api, world, **{"material:场所证明": html})
    assert_refused(response, 422, code="file_type_not_allowed", field="materials.1")
    assert not Case.objects.exists()
    assert not any(settings.ONESEAL_UPLOAD_ROOT.rglob("*.pdf"))


def test_accepting_a_refused_case_is_a_conflict(world, clerk_api, submitted):
    post(clerk_api, f"{URL}/{submitted}/refuse", {"reason": "不属于本机关职权范围", "legal_basis": "第三十二条"})
    assert_refused(post(clerk_api, f"{URL}/{submitted}/accept"), 409, code="illegal_transition", field="status")
    assert Case.objects.get(number=submitted).status == CaseStatus.REFUSED


def test_a_second_accept_is_a_conflict(world, clerk_api, submitted):
    assert post(clerk_api, f"{URL}/{submitted}/accept").status_code == 200
    second = session_client(world["clerk2"])
    assert_refused(post(second, f"{URL}/{submitted}/accept"), 409, code="illegal_transition")
    assert Case.objects.get(number=submitted).notices.filter(kind=NoticeKind.ACCEPTANCE).count() == 1


def test_a_decision_by_a_role_that_may_not_decide_is_forbidden(world, clerk_api, submitted):
    post(clerk_api, f"{URL}/{submitted}/accept")
    review = task_id(clerk_api, submitted, "review")
    for user in ("clerk", "supervisor"):
        client = clerk_api if user == "clerk" else session_client(world[user])
        assert_refused(post(client, f"{URL}/{submitted}/tasks/{review}/complete", {"passed": True}), 403,
                       code="forbidden", field="actor")
    approver = session_client(world["approver"])
    post(approver, f"{URL}/{submitted}/tasks/{review}/complete", {"passed": True})
    expert = task_id(approver, submitted, "expert_review")
    post(approver, f"{URL}/{submitted}/tasks/{expert}/complete", {"passed": True})
    decide = task_id(approver, submitted, "decide")  # the bureau head's step in this procedure
    assert_refused(post(approver, f"{URL}/{submitted}/tasks/{decide}/complete", {"approved": True}), 403)
    assert Case.objects.get(number=submitted).status == CaseStatus.ACCEPTED


def test_a_task_that_is_not_ready_is_a_conflict(world, clerk_api, submitted):
    post(clerk_api, f"{URL}/{submitted}/accept")
    response = post(session_client(world["approver"]), f"{URL}/{submitted}/tasks/nope/complete", {"passed": True})
    assert_refused(response, 409, code="task_not_ready", field="task_id")


def test_a_second_supplement_notice_is_refused_until_a_supervisor_overrides(world, clerk_api, submitted):
    problems = {"problems": [{"material": "申请书", "problem": "缺少签名"}]}
    post(clerk_api, f"{URL}/{submitted}/supplement", problems)
    clerk_api.post(f"{URL}/{submitted}/supplement/receive", data={"material:申请书": pdf_file("v2.pdf", b"2")})
    assert_refused(post(clerk_api, f"{URL}/{submitted}/supplement", problems), 409,
                   code="second_supplement_notice", field="problems")
    assert_refused(post(clerk_api, f"{URL}/{submitted}/override", {"reason": "x"}), 403)
    supervisor = session_client(world["supervisor"])
    assert post(supervisor, f"{URL}/{submitted}/override", {"reason": "新问题"}).status_code == 200
    assert post(clerk_api, f"{URL}/{submitted}/supplement", problems).status_code == 200


def test_a_supplement_without_problems_is_invalid(world, clerk_api, submitted):
    assert_refused(post(clerk_api, f"{URL}/{submitted}/supplement", {"problems": []}), 422,
                   code="supplement_needs_problems", field="problems")


ENDPOINTS = [("get", ""), ("get", "/inbox"), ("get", "/{n}"), ("post", ""), ("post", "/{n}/accept"),
             ("post", "/{n}/supplement"), ("post", "/{n}/supplement/receive"), ("post", "/{n}/refuse"),
             ("post", "/{n}/override"), ("post", "/{n}/tasks/t/complete"), ("post", "/{n}/extend"),
             ("post", "/{n}/issue"), ("post", "/{n}/deliver"), ("post", "/{n}/confirm-receipt"),
             ("post", "/{n}/withdraw")]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_anonymous_callers_are_refused_with_401(world, submitted, method, path):
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(URL + path.format(n=submitted))
    assert_refused(response, 401, code="not_authenticated", field="Authorization")


@pytest.mark.parametrize("how", ["unknown", "revoked", "malformed"])
def test_a_revoked_or_unknown_token_is_refused_with_401(world, submitted, how):
    issued = create_token(actor=None, user=world["clerk"])
    clear = {"unknown": "x" * 43, "revoked": issued.clear, "malformed": ""}[how]
    if how == "revoked":
        revoke_token(actor=None, token_id=issued.token.pk)
    client = Client(headers={"Authorization": f"Bearer {clear}"})
    response = client.get(f"{URL}/{submitted}")
    assert response.status_code == 401
    assert response.json()["code"] in {"invalid_token", "not_authenticated"}


def test_a_bad_token_is_refused_even_with_a_session(world, submitted):
    client = session_client(world["clerk"])
    response = client.get(f"{URL}/{submitted}", headers={"Authorization": "Bearer wrong"})
    assert_refused(response, 401, code="invalid_token")


def test_a_session_needs_the_csrf_token_for_writes_and_a_token_does_not(world, submitted):
    session = session_client(world["clerk"], enforce_csrf_checks=True)
    assert session.get(f"{URL}/{submitted}").status_code == 200
    assert_refused(session.post(f"{URL}/{submitted}/accept"), 403, code="csrf_failed")
    session.get("/api/v1/cases")  # no CSRF cookie from the API; fetch one as a page would
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret

    secret = _get_new_csrf_string()
    session.cookies["csrftoken"] = secret
    accepted = session.post(f"{URL}/{submitted}/accept", headers={"X-CSRFToken": _mask_cipher_secret(secret)})
    assert accepted.status_code == 200, accepted.content
    system = token_client(world["clerk2"], enforce_csrf_checks=True)
    assert_refused(post(system, f"{URL}/{submitted}/accept"), 409)  # past CSRF, refused by the life cycle


def test_a_case_of_another_hall_or_department_answers_like_an_unknown_number(world, clerk_api, submitted,
                                                                             user_in_role):
    post(clerk_api, f"{URL}/{submitted}/accept")
    other_clerk = token_client(user_in_role(RoleCode.WINDOW_CLERK, "far-clerk", hall=HallFactory(code="XYZWDT", name="襄阳市政务服务大厅")))
    outsider = session_client(world["outsider"])
    unknown = clerk_api.get(f"{URL}/000000-20260101-99999")
    assert unknown.status_code == 404
    for client in (other_clerk, outsider):
        response = client.get(f"{URL}/{submitted}")
        assert (response.status_code, response.json()) == (404, {
            **unknown.json(), "message": unknown.json()["message"].replace("000000-20260101-99999", submitted),
            "message_en": unknown.json()["message_en"].replace("000000-20260101-99999", submitted)})
        assert_refused(post(client, f"{URL}/{submitted}/refuse", {"reason": "x", "legal_basis": "y"}), 404)
    assert Case.objects.get(number=submitted).status == CaseStatus.ACCEPTED


def test_the_same_idempotency_key_gives_the_same_case(world, clerk_api):
    first = submit(clerk_api, world, headers={"Idempotency-Key": "order-1"})
    again = submit(clerk_api, world, headers={"Idempotency-Key": "order-1"})
    assert (first.status_code, again.status_code) == (200, 200)
    assert first.json()["number"] == again.json()["number"] and Case.objects.count() == 1
    other = submit(clerk_api, world, headers={"Idempotency-Key": "order-1"},
                   form=json.dumps({"shop_name": "别的店", "area": 10}, ensure_ascii=False))
    assert_refused(other, 422, code="idempotency_conflict", field="Idempotency-Key")
    assert Case.objects.count() == 1


def test_the_inbox_is_for_staff_who_work_cases(world, user_in_role):
    assert_refused(session_client(world["supervisor"]).get(f"{URL}/inbox"), 403)
    assert session_client(world["head"]).get(f"{URL}/inbox").json()["count"] == 0


def test_the_api_documents_its_refusals(world):
    schema = Client().get("/api/v1/openapi.json").json()
    accept = schema["paths"]["/api/v1/cases/{number}/accept"]["post"]
    assert {"401", "403", "404", "409", "422"} <= set(accept["responses"])
    assert {"BearerTokenAuth", "SessionWithCsrfAuth"} <= set(schema["components"]["securitySchemes"])


def test_a_clerk_withdraws_for_the_applicant_without_a_body(world, clerk_api, submitted):
    response = clerk_api.post(f"{URL}/{submitted}/withdraw")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "withdrawn"
    assert_refused(post(clerk_api, f"{URL}/{submitted}/accept"), 409, code="illegal_transition")


def test_an_organisation_applies_at_the_window(world, clerk_api):
    from stdnum.cn import uscc

    code = "91420683MA4" + "A1B2C3"
    code += uscc.calc_check_digit(code)
    response = submit(clerk_api, world, kind="organisation", name="枣阳老张餐饮有限公司", id_number=code,
                      legal_representative="张三")
    assert response.status_code == 200, response.content
    assert response.json()["applicant"]["id_number_masked"] == code  # a credit code is public
    missing = submit(clerk_api, world, kind="organisation", name="某公司", id_number=code, legal_representative="")
    assert_refused(missing, 422, code="required", field="legal_representative")


def test_a_withdrawal_body_that_is_not_the_schema_is_invalid(world, clerk_api, submitted):
    assert_refused(post(clerk_api, f"{URL}/{submitted}/withdraw", {"reason": ["x"]}), 422, field="reason")
    assert Case.objects.get(number=submitted).status == CaseStatus.SUBMITTED


def test_an_unreadable_json_body_gets_the_bilingual_error_shape(client, django_user_model):
    user = django_user_model.objects.create_user("someone", password="x-Long-passw0rd")
    client.force_login(user)
    response = client.post("/api/v1/cases/420683-20260101-00001/refuse", data="{not json",
                           content_type="application/json")
    assert response.status_code in (400, 404)
    body = response.json()
    assert set(body) >= {"code", "message", "message_en"}


def test_the_measured_one_visit_rates_are_for_supervisors(client, world):
    from tests.cases import test_services
    from tests.cases.test_selectors import _close

    _close(world, test_services.submit(world))
    client.force_login(world["clerk"])
    assert client.get("/api/v1/cases/stats/one-visit").status_code == 403
    client.force_login(world["supervisor"])
    body = client.get("/api/v1/cases/stats/one-visit", {"by": "department"}).json()
    assert body["results"][0]["cases"] == 1 and body["results"][0]["at_most_one_visit"] == 0
