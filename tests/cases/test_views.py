"""The cases' pages with Django's test client: who may open them, each form's happy path and its
main refusals, tracking without enumeration, htmx partials."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from oneseal.accounts.roles import RoleCode
from oneseal.cases import services as s
from oneseal.cases.models import Case, CaseStatus, NoticeKind
from tests.cases.conftest import PDF, at, citizen_id
from tests.cases.test_services import review_task, step, submit

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def login(client, user):
    client.force_login(user)
    return client


def upload(name="scan.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def citizen(world, user_in_role):
    user = user_in_role(RoleCode.APPLICANT, "citizen")
    return user


def accepted(world):
    return s.accept_case(actor=world["clerk"], case=submit(world), now=at("2026-03-02 10:00"))


# -- online application --------------------------------------------------------------------------

def test_apply_form_renders_schema_fields_and_materials(client, world, citizen):
    response = login(client, citizen).get(reverse("cases:apply", args=[world["item"].code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="f_shop_name"' in html and 'name="f_area"' in html
    assert html.count('type="file"') == 3  # one per listed material
    assert 'name="m_1"' in html and re.search(r'name="m_0"[^>]*required', html)
    assert not re.search(r'name="m_1"[^>]*required', html)  # replaceable by the electronic licence
    assert 'name="id_number"' in html  # a first-time applicant says who they are


def test_apply_needs_a_sign_in_and_the_right_role(client, world):
    url = reverse("cases:apply", args=[world["item"].code])
    assert client.get(url).status_code == 302
    assert login(client, world["approver"]).get(url).status_code == 403


def test_citizen_applies_online(client, world, citizen):
    login(client, citizen)
    response = client.post(reverse("cases:apply", args=[world["item"].code]), {
        "kind": "person", "name": "李四", "id_number": citizen_id("42068319920505123"),
        "f_shop_name": "李记粉面", "f_area": "30", "m_0": upload(), "m_2": upload("site.pdf"),
    })
    case = Case.objects.get(applicant__user=citizen)
    assert response.status_code == 302 and response.url == reverse("cases:my_case", args=[case.number])
    assert case.channel == "online" and case.form_data == {"shop_name": "李记粉面", "area": 30}
    assert case.materials.count() == 2
    page = client.get(response.url)
    assert case.number in page.content.decode()


def test_apply_shows_the_services_refusal_next_to_the_field(client, world, citizen):
    login(client, citizen)
    response = client.post(reverse("cases:apply", args=[world["item"].code]), {
        "kind": "person", "name": "李四", "id_number": "420683199205051230",  # wrong check digit
        "f_shop_name": "李记粉面", "f_area": "30", "m_0": upload(), "m_2": upload("fake.pdf", b"<html></html>"),
    })
    assert response.status_code == 422
    form = response.context["form"]
    assert "id_number" in form.errors
    assert not Case.objects.exists()
    response = client.post(reverse("cases:apply", args=[world["item"].code]), {
        "kind": "person", "name": "李四", "id_number": citizen_id("42068319920505123"),
        "f_shop_name": "李记粉面", "f_area": "30", "m_0": upload(), "m_2": upload("fake.pdf", b"<html></html>"),
    })
    assert response.status_code == 422
    assert "m_2" in response.context["form"].errors  # the HTML renamed .pdf, on its material
    assert not Case.objects.exists()


def test_apply_refuses_a_missing_required_material(client, world, citizen):
    login(client, citizen)
    response = client.post(reverse("cases:apply", args=[world["item"].code]), {
        "kind": "person", "name": "李四", "id_number": citizen_id("42068319920505123"),
        "f_shop_name": "李记粉面", "f_area": "30", "m_0": upload(),
    })
    assert response.status_code == 422 and "m_2" in response.context["form"].errors


def test_clerk_applies_at_the_window_for_an_applicant(client, world):
    login(client, world["clerk"])
    response = client.post(reverse("cases:apply", args=[world["item"].code]), {
        "kind": "person", "name": "王五", "id_number": citizen_id("42068319910303123"),
        "f_shop_name": "王家小吃", "f_area": "12.5", "m_0": upload(), "m_2": upload("site.pdf"),
    })
    case = Case.objects.get()
    assert response.url == reverse("cases:staff_case", args=[case.number])
    assert case.channel == "window" and case.hall == world["hall"] and case.form_data["area"] == 12.5
    assert case.visits.count() == 1


# -- tracking ------------------------------------------------------------------------------------

def _strip_echo(html: str, *values: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    for value in values:
        html = html.replace(value, "")
    return html


def test_tracking_shows_the_case_with_its_diagram(client, world):
    case = accepted(world)
    response = client.post(reverse("cases:track"), {"number": case.number, "id_number": world["applicant"].id_number})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="bpmn-data"' in html and 'id="bpmn-canvas"' in html
    assert '"current": ["review"]' in html
    assert "bpmn-viewer.production.min.js" in html
    assert "2026-03-09 17:30" in html  # due, local time
    assert response.context["notices"][0].kind == NoticeKind.ACCEPTANCE
    assert len(response.context["events"]) == 2
    assert "no-cache" in response["Cache-Control"]


def test_tracking_a_wrong_pair_answers_like_an_unknown_number(client, world):
    case = accepted(world)
    unknown = client.post(reverse("cases:track"), {"number": "420683-20990101-9999", "id_number": "X1"})
    wrong = client.post(reverse("cases:track"), {"number": case.number, "id_number": "X1"})
    assert unknown.status_code == wrong.status_code == 404
    assert (_strip_echo(unknown.content.decode(), "420683-20990101-9999")
            == _strip_echo(wrong.content.decode(), case.number))


def test_tracking_is_post_only_and_throttled(client, world):
    response = client.get(reverse("cases:track"), {"number": "x", "id_number": "y"})
    assert response.status_code == 200 and "case" not in response.context
    for _n in range(20):
        assert client.post(reverse("cases:track"), {"number": "x", "id_number": "y"}).status_code == 404
    assert client.post(reverse("cases:track"), {"number": "x", "id_number": "y"}).status_code == 429


# -- the window clerk's workbench ----------------------------------------------------------------

def test_window_workbench_is_for_clerks(client, world, citizen):
    url = reverse("cases:window")
    assert client.get(url).status_code == 302
    assert login(client, world["approver"]).get(url).status_code == 403
    assert login(client, citizen).get(url).status_code == 403
    case = submit(world)
    response = login(client, world["clerk"]).get(url)
    assert response.status_code == 200 and case.number in response.content.decode()


def test_clerk_accepts_with_htmx_and_gets_the_row(client, world):
    case = submit(world)
    login(client, world["clerk"])
    response = client.post(reverse("cases:window_action", args=[case.number, "accept"]), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html and f'id="rc-{case.pk}"' in html
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED
    response = client.post(reverse("cases:window_action", args=[case.number, "accept"]), **HTMX)
    assert "field-errors" in response.content.decode()  # accepting twice is refused, in the row


def test_clerk_accept_without_javascript_redirects(client, world):
    case = submit(world)
    response = login(client, world["clerk"]).post(reverse("cases:window_action", args=[case.number, "accept"]))
    assert response.status_code == 302 and response.url == reverse("cases:window")


def test_supplement_lists_every_problem_and_needs_one(client, world):
    case = submit(world)
    login(client, world["clerk"])
    url = reverse("cases:window_action", args=[case.number, "supplement"])
    response = client.post(url, {"problem_0": "", "problem_1": "", "problem_2": ""})
    assert response.status_code == 422
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    client.post(url, {"problem_0": "未签字", "problem_2": "复印件不清晰"}, **HTMX)
    notice = case.notices.get(kind=NoticeKind.SUPPLEMENT)
    assert [p["material"] for p in notice.content["problems"]] == ["申请书", "场所证明"]
    response = client.post(reverse("cases:window_action", args=[case.number, "receive"]),
                           {"material": "申请书", "file": upload()}, **HTMX)
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED and case.materials.filter(supplement=True).count() == 1


def test_refusal_needs_reason_and_basis(client, world):
    case = submit(world)
    login(client, world["clerk"])
    url = reverse("cases:window_action", args=[case.number, "refuse"])
    response = client.post(url, {"reason": "", "legal_basis": ""}, **HTMX)
    html = response.content.decode()
    assert html.count("field-errors") == 2
    client.post(url, {"reason": "不属于本机关职权范围", "legal_basis": "《行政许可法》第三十二条"})
    case.refresh_from_db()
    assert case.status == CaseStatus.REFUSED


def test_output_window_hands_out_and_confirms(client, world):
    case = accepted(world)
    case = step(world, case, "review", {"passed": True})
    case = step(world, case, "expert_review", {"passed": True})
    case = step(world, case, "decide", {"approved": True})
    s.issue_result(actor=world["approver"], case=case)
    login(client, world["clerk"])
    assert case.number in client.get(reverse("cases:window")).content.decode()
    url = reverse("cases:window_action", args=[case.number, "deliver"])
    response = client.post(url, {"method": "courier", "carrier": "EMS", "waybill": ""}, **HTMX)
    assert "field-errors" in response.content.decode()
    client.post(url, {"method": "courier", "carrier": "EMS", "waybill": "1234567890"}, **HTMX)
    case.refresh_from_db()
    assert case.status == CaseStatus.DELIVERED and case.delivery.waybill == "1234567890"
    response = client.post(reverse("cases:window_action", args=[case.number, "confirm"]), **HTMX)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_material_download_checks_visibility(client, world):
    case = submit(world)
    material = case.materials.first()
    url = reverse("cases:material", args=[case.number, material.pk])
    response = login(client, world["clerk"]).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert login(client, world["outsider"]).get(url).status_code == 404


# -- the approver's workbench --------------------------------------------------------------------

def test_inbox_for_approvers_only(client, world):
    case = accepted(world)
    response = login(client, world["approver"]).get(reverse("cases:approval"))
    assert response.status_code == 200 and case.number in response.content.decode()
    assert login(client, world["clerk"]).get(reverse("cases:approval")).status_code == 403


def test_case_page_404_when_not_visible(client, world):
    case = accepted(world)
    assert login(client, world["outsider"]).get(reverse("cases:staff_case", args=[case.number])).status_code == 404


def test_approver_reviews_and_head_decides(client, world):
    case = accepted(world)
    login(client, world["approver"])
    page = client.get(reverse("cases:staff_case", args=[case.number]))
    assert page.status_code == 200 and [t.spec_name for t in page.context["tasks"]] == ["review"]
    assert "张三" in page.content.decode()
    task_url = reverse("cases:staff_task", args=[case.number])
    response = client.post(task_url, {"task_id": review_task(case, "review").id})  # passed missing
    assert response.status_code == 422 and "passed" in response.context["errors"]
    client.post(task_url, {"task_id": review_task(case, "review").id, "passed": "yes"})
    case.refresh_from_db()
    client.post(task_url, {"task_id": review_task(case, "expert_review").id, "passed": "yes"})
    case.refresh_from_db()
    decide = review_task(case, "decide").id
    response = client.post(task_url, {"task_id": decide, "approved": "no", "reasons": "x"})
    assert response.status_code == 422  # the decision is the bureau head's in this procedure
    login(client, world["head"])
    page = client.get(reverse("cases:staff_case", args=[case.number]))
    assert page.context["can_extend"]
    response = client.post(task_url, {"task_id": decide, "approved": "no", "reasons": ""})
    assert response.status_code == 422 and "reasons" in response.context["errors"]
    client.post(task_url, {"task_id": decide, "approved": "no", "reasons": "场所不符合要求",
                           "legal_basis": "《食品经营许可管理办法》"})
    case.refresh_from_db()
    assert case.status == CaseStatus.DENIED and case.decision.reasons == "场所不符合要求"
    login(client, world["approver"])
    client.post(reverse("cases:staff_issue", args=[case.number]))
    case.refresh_from_db()
    assert case.status == CaseStatus.ISSUED


def test_head_extends_once(client, world):
    case = accepted(world)
    login(client, world["head"])
    url = reverse("cases:staff_extend", args=[case.number])
    assert client.post(url, {"reason": ""}).status_code == 422
    assert client.post(url, {"reason": "需要补充调查"}).status_code == 302
    case.refresh_from_db()
    assert case.extension_days == 10
    assert not client.get(reverse("cases:staff_case", args=[case.number])).context["can_extend"]
    login(client, world["approver"])
    assert client.post(url, {"reason": "again"}).status_code == 422


# -- the applicant's own cases -------------------------------------------------------------------

def test_my_cases_and_withdraw(client, world, citizen):
    applicant = s.register_applicant(actor=None, kind="person", name="李四",
                                     id_number=citizen_id("42068319920505123"), user=citizen)
    case = submit(world, applicant=applicant)
    other = submit(world)
    login(client, citizen)
    listing = client.get(reverse("cases:my_cases")).content.decode()
    assert case.number in listing and other.number not in listing
    assert client.get(reverse("cases:my_case", args=[other.number])).status_code == 404
    page = client.get(reverse("cases:my_case", args=[case.number]))
    assert page.context["can_withdraw"] and not page.context["can_confirm"]
    client.post(reverse("cases:my_case_action", args=[case.number, "withdraw"]), {"reason": "不办了"})
    case.refresh_from_db()
    assert case.status == CaseStatus.WITHDRAWN
    response = client.post(reverse("cases:my_case_action", args=[case.number, "withdraw"]))
    assert response.status_code == 422


def test_pages_have_no_inline_scripts(client, world):
    case = accepted(world)
    html = client.post(reverse("cases:track"), {"number": case.number,
                                                "id_number": world["applicant"].id_number}).content.decode()
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag


@pytest.fixture
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_notice_prints_for_staff_and_for_a_visitor_who_tracked_the_case(client, world, _media):
    case = accepted(world)
    notice = case.notices.get(kind=NoticeKind.ACCEPTANCE)
    url = reverse("cases:notice_pdf", args=[case.number, notice.pk])
    assert client.get(url).status_code == 404  # a stranger
    client.post(reverse("cases:track"), {"number": case.number, "id_number": world["applicant"].id_number})
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    other = Client()
    login(other, world["outsider"])
    assert other.get(url).status_code == 404
    login(other, world["clerk"])
    assert other.get(url).status_code == 200


def test_cases_are_read_only_in_the_admin(client, world, user_in_role):
    case = accepted(world)
    admin_user = user_in_role(RoleCode.ADMINISTRATOR, "admin1")
    login(client, admin_user)
    assert client.get(reverse("admin:cases_case_changelist")).status_code == 200
    assert client.get(reverse("admin:cases_case_change", args=[case.pk])).status_code == 200
    assert client.post(reverse("admin:cases_case_delete", args=[case.pk]), {"post": "yes"}).status_code == 403


def test_a_citizen_opens_an_account_and_lands_on_my_cases(client, world):
    data = {"username": "wang.fang", "password": "Zaoyang-Hall-2026!", "kind": "person", "name": "王芳",
            "id_number": citizen_id("42068319931111222"), "legal_representative": "", "phone": ""}
    response = client.post(reverse("cases:signup"), data)
    assert response.status_code == 302 and response.url == reverse("cases:my_cases")
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="wang.fang")
    assert user.applicant.name == "王芳" and user.groups.filter(name="applicant").exists()
    assert client.get(reverse("cases:my_cases")).status_code == 200


@pytest.mark.parametrize(("change", "field"), [
    ({"id_number": "420683198811112220"}, "id_number"),
    ({"password": "123"}, "password"),
    ({"username": "clerk"}, "username"),
])
def test_sign_up_refusals_name_the_field_and_create_nothing(client, world, change, field):
    from django.contrib.auth import get_user_model

    data = {"username": "li.lei", "password": "Zaoyang-Hall-2026!", "kind": "person", "name": "李雷",
            "id_number": citizen_id("42068319900303333"), "legal_representative": "", "phone": ""}
    data.update(change)
    before = get_user_model().objects.count()
    response = client.post(reverse("cases:signup"), data)
    assert response.status_code == 422 and response.context["form"].errors.get(field)
    assert get_user_model().objects.count() == before


def test_an_id_already_known_is_not_bound_to_a_new_account_online(client, world):
    data = {"username": "impostor", "password": "Zaoyang-Hall-2026!", "kind": "person", "name": "张三",
            "id_number": world["applicant"].id_number, "legal_representative": "", "phone": ""}
    response = client.post(reverse("cases:signup"), data)
    assert response.status_code == 422 and "id_number" in response.context["form"].errors
    world["applicant"].refresh_from_db()
    assert world["applicant"].user_id is None
