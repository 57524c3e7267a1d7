"""The cases' pages in a real browser: a citizen applies online and tracks; a clerk accepts at the
window; an approver reviews and the bureau head decides. axe on every page, screenshots to
var/screenshots/cases-*.png, and tracking on a phone."""

import re

import pytest
from playwright.sync_api import expect

from oneseal.accounts.roles import RoleCode
from oneseal.cases import services as s
from oneseal.cases.models import Case, CaseStatus
from tests.cases.conftest import PDF, _uploads, citizen_id, world  # noqa: F401  (fixtures)
from tests.cases.test_services import step, submit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"
NO_HORIZONTAL_OVERFLOW_JS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def sign_out(page) -> None:
    page.locator(".site-nav form button").click()
    page.wait_for_load_state()


def track(page, number: str, id_number: str) -> None:
    page.goto("/track/")
    page.locator("input[name=number]").fill(number)
    page.locator("input[name=id_number]").fill(id_number)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def test_citizen_applies_online_and_tracks(page, world, user_in_role, screenshot, assert_accessible):  # noqa: F811
    user_in_role(RoleCode.APPLICANT, "citizen")
    id_number = citizen_id("42068319920505123")
    sign_in(page, "citizen")
    page.goto(f"/items/{world['item'].code}/apply/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("食品经营许可")
    page.locator("select[name=kind]").select_option("person")
    page.locator("input[name=name]").fill("李四")
    page.locator("input[name=id_number]").fill(id_number)
    page.locator("input[name=f_shop_name]").fill("李记粉面")
    page.locator("input[name=f_area]").fill("30")
    pdf = {"name": "scan.pdf", "mimeType": "application/pdf", "buffer": PDF}
    page.locator("input[name=m_0]").set_input_files(pdf)
    page.locator("input[name=m_2]").set_input_files({**pdf, "name": "site.pdf"})
    screenshot(page, "cases-apply")
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/my/cases/"))
    case = Case.objects.get(applicant__id_number=id_number)
    expect(page.locator(".messages")).to_contain_text(case.number)
    expect(page.locator("#bpmn-canvas[data-bpmn-ready]")).to_be_attached()
    screenshot(page, "cases-my-case")
    assert_accessible(page)

    s.accept_case(actor=world["clerk"], case=case)  # the clerk accepts; the clock and the procedure start
    sign_out(page)
    track(page, case.number, "110101199003071234")
    expect(page.locator(".message--error")).to_be_visible()
    track(page, case.number, id_number)
    expect(page.locator(".status--accepted")).to_be_visible()
    expect(page.locator(".timeline li")).to_have_count(2)
    expect(page.locator("#bpmn-canvas[data-bpmn-ready]")).to_be_attached(timeout=10000)
    expect(page.locator("#bpmn-canvas .oneseal-current-step").first).to_be_attached()
    screenshot(page, "cases-track")
    assert_accessible(page)


def test_tracking_on_a_phone(phone_page, world, screenshot):  # noqa: F811
    case = s.accept_case(actor=world["clerk"], case=submit(world))
    track(phone_page, case.number, world["applicant"].id_number)
    expect(phone_page.locator("#bpmn-canvas[data-bpmn-ready]")).to_be_attached(timeout=10000)
    assert phone_page.evaluate(NO_HORIZONTAL_OVERFLOW_JS) <= 0
    screenshot(phone_page, "cases-track-phone")


def test_clerk_accepts_at_the_window(page, world, screenshot, assert_accessible):  # noqa: F811
    case = submit(world)
    other = submit(world)
    sign_in(page, "clerk")
    page.goto("/workbench/window/")
    card = page.locator(f"#rc-{case.pk}")
    expect(card).to_contain_text(case.number)
    expect(card.locator(".material-list li")).to_have_count(2)
    screenshot(page, "cases-window")
    assert_accessible(page)
    page.evaluate("() => { window.samePage = true; }")
    card.locator("form[action$='/accept/'] button").click()
    expect(page.locator(f"#rc-{case.pk} .message")).to_contain_text(case.number)  # swapped in place by htmx
    assert page.evaluate("() => window.samePage") is True
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED

    other_card = page.locator(f"#rc-{other.pk}")
    other_card.locator("details:has(form[action$='/refuse/']) summary").click()
    other_card.locator("form[action$='/refuse/'] button").click()
    expect(page.locator(f"#rc-{other.pk} .field-errors")).to_have_count(2)
    screenshot(page, "cases-window-errors")
    assert_accessible(page)


def test_approver_reviews_and_head_decides(page, world, screenshot, assert_accessible):  # noqa: F811
    case = s.accept_case(actor=world["clerk"], case=submit(world))
    sign_in(page, "approver")
    page.goto("/workbench/approval/")
    row = page.locator(".inbox-table tbody tr", has_text=case.number)
    expect(row).to_be_visible()
    screenshot(page, "cases-approval")
    assert_accessible(page)
    row.get_by_role("link", name=case.number).click()
    page.wait_for_url(re.compile(rf"/workbench/cases/{case.number}/"))
    expect(page.locator("#bpmn-canvas[data-bpmn-ready]")).to_be_attached(timeout=10000)
    screenshot(page, "cases-staff-review")
    assert_accessible(page)
    page.locator(".task-form input[name=passed][value=yes]").check()
    page.locator(".task-form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(".task-panel")).to_have_count(1)  # now the expert review: the clock stops
    expect(page.locator(".due .badge--warn").first).to_be_visible()
    case.refresh_from_db()
    step(world, case, "expert_review", {"passed": True})

    sign_out(page)
    sign_in(page, "head")
    page.goto(f"/workbench/cases/{case.number}/")
    page.locator(".task-form input[name=approved][value=no]").check()
    page.locator(".task-form button[type=submit]").click()
    expect(page.locator("#reasons-errors")).to_be_visible()
    screenshot(page, "cases-decide-errors")
    assert_accessible(page)
    page.locator(".task-form input[name=approved][value=yes]").check()
    page.locator(".task-form textarea[name=legal_basis]").fill("《食品经营许可和备案管理办法》")
    page.locator(".task-form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("#decision-heading")).to_be_visible()
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED
    screenshot(page, "cases-decided")
    assert_accessible(page)
