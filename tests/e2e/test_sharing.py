"""The regulator's push inbox in a real browser: filter, claim in place (htmx), the push's page with the
finding form; axe on every page, screenshots to var/screenshots/sharing-*.png, and the inbox on a phone."""

import re

import pytest
from playwright.sync_api import expect

from oneseal.sharing import services as s
from oneseal.sharing.models import RegulatorFinding, RegulatorPush
from tests.sharing.conftest import _fresh_connections, at, decision_event, deliver, domain, make_case  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"
NO_HORIZONTAL_OVERFLOW_JS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


@pytest.fixture
def pushes(domain):  # noqa: F811
    made = []
    for when in ("2026-09-25 10:00", "2026-09-28 11:00", "2026-09-29 15:00"):
        case = make_case(domain["item"])
        decision_event(case, when=when)
        deliver()
        made.append(RegulatorPush.objects.get(case=case))
    other = make_case(domain["other_item"])
    decision_event(other)
    deliver()
    s.claim_push(actor=domain["regulator2"], push=made[2])
    return made


def test_a_regulator_claims_from_the_inbox_and_sends_a_finding(page, domain, pushes, screenshot,  # noqa: F811
                                                               assert_accessible):
    sign_in(page, "regulator")
    page.goto("/regulator/pushes/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator(".push-card")).to_have_count(3)  # the other department's push is not here
    screenshot(page, "sharing-inbox")
    assert_accessible(page)

    page.locator(".state-tabs a[href='?state=unclaimed']").click()
    expect(page.locator(".push-card")).to_have_count(2)
    expect(page).to_have_url(re.compile(r"\?state=unclaimed$"))
    card = page.locator(f"#push-{pushes[0].pk}")
    card.locator("input[name=note]").fill("已认领，纳入检查计划")
    card.get_by_role("button").click()
    expect(page.locator(f"#push-{pushes[0].pk} .message")).to_be_visible()
    expect(page.locator(f"#push-{pushes[0].pk}")).to_have_class(re.compile(r"is-claimed"))
    assert_accessible(page)
    pushes[0].refresh_from_db()
    assert pushes[0].claimed_by == domain["regulator"] and pushes[0].claim_note == "已认领，纳入检查计划"

    page.locator(f"#push-{pushes[0].pk} h2 a").click()
    page.wait_for_load_state()
    page.locator("form[action$='/findings/'] button[type=submit]").click()  # empty: refused, fields named
    page.wait_for_load_state()
    expect(page.locator("#finding-text-errors")).to_be_visible()
    assert_accessible(page)
    page.locator("input[name=kind][value=penalty]").check()
    page.locator("textarea[name=text]").fill("超范围经营，已立案处罚")
    page.locator("input[name=legal_basis]").fill("《食品安全法》第一百二十二条")
    page.locator("form[action$='/findings/'] button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_be_visible()
    screenshot(page, "sharing-push")
    assert_accessible(page)
    assert RegulatorFinding.objects.get().kind == "penalty"


def test_the_inbox_on_a_phone(phone_page, domain, pushes, screenshot):  # noqa: F811
    sign_in(phone_page, "regulator")
    phone_page.goto("/regulator/pushes/")
    expect(phone_page.locator(".push-card")).to_have_count(3)
    assert phone_page.evaluate(NO_HORIZONTAL_OVERFLOW_JS) <= 0
    screenshot(phone_page, "sharing-inbox-phone")


def test_the_bureau_handles_a_finding_and_supervision_sees_escalations(page, domain, pushes,  # noqa: F811
                                                                       screenshot, assert_accessible):
    s.file_finding(actor=domain["regulator"], push=pushes[1], kind="rectification", text="公示信息与登记不一致",
                   legal_basis="《市场主体登记管理条例》第四十六条")
    s.sweep_pushes(at("2026-10-20 09:00"))
    sign_in(page, "approver")
    page.goto("/workbench/findings/")
    card = page.locator(".case-card").first
    expect(card).to_contain_text("公示信息与登记不一致")
    assert_accessible(page)
    card.get_by_role("button", name=re.compile("Acknowledge|接收")).click()
    expect(page.locator(".case-card .message").first).to_be_visible()
    page.locator(".case-card textarea[name=outcome]").first.fill("已核查登记材料并责令更正")
    page.locator(".case-card form[action$='/close/'] button").first.click()
    expect(page.locator(".case-card.is-done")).to_have_count(1)
    screenshot(page, "sharing-findings")
    assert_accessible(page)
    assert RegulatorFinding.objects.get().outcome == "已核查登记材料并责令更正"

    page.context.clear_cookies()
    sign_in(page, "supervisor")
    page.goto("/supervision/escalations/")
    expect(page.locator("tbody tr")).to_have_count(3)  # the two unclaimed pushes and the other department's
    screenshot(page, "sharing-escalations")
    assert_accessible(page)
