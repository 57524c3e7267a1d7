"""Random inspections in a real browser: a regulator plans, draws and publishes; an inspector records a
result; anyone verifies the draw on the public page; the public page on a phone. axe on every page,
screenshots to var/screenshots/inspections-*.png."""

import pytest
from playwright.sync_api import expect

from oneseal.credit.models import InspectionPlan, PlanStatus
from oneseal.credit.services import inspections
from tests.credit.inspections_support import _pool_root, drawn_plan, market_fixture  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"
NO_HORIZONTAL_OVERFLOW_JS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def test_a_regulator_plans_draws_and_publishes_and_an_inspector_records(page, market, screenshot,
                                                                        assert_accessible):
    sign_in(page, "regulator")
    page.goto("/workbench/inspections/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    page.locator("a[href='/workbench/inspections/new/']").click()
    page.wait_for_load_state()
    page.locator("main button[type=submit]").click()  # empty title, no pool: refused, fields named
    page.wait_for_load_state()
    expect(page.locator("#plan-title-errors")).to_be_visible()
    expect(page.locator("#plan-types-errors")).to_be_visible()
    assert_accessible(page)
    page.locator("#plan-title").fill("食品经营者双随机抽查")
    page.locator("input[name=licence_types][value=SP]").check()
    page.locator("#plan-ratio").fill("10%")
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    plan = InspectionPlan.objects.get(title="食品经营者双随机抽查")
    page.locator("button[name=action][value=draw]").click()
    page.wait_for_load_state()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAWN
    expect(page.get_by_text(plan.seed_sha256)).to_be_visible()
    expect(page.locator("article.case-card")).to_have_count(3)
    screenshot(page, "inspections-plan")
    assert_accessible(page)
    page.locator("button[name=action][value=publish]").click()
    page.wait_for_load_state()
    expect(page.get_by_text(plan.seed)).to_be_visible()  # revealed now

    target = plan.targets.order_by("position").first()
    inspector = target.inspectors.order_by("badge").first()
    page.context.clear_cookies()
    sign_in(page, inspector.user.username)
    page.goto("/workbench/inspections/")
    card = page.locator(f"article:has(#target-{target.pk}-title)")
    card.locator("input[value=problems]").check()
    card.locator("textarea[name=findings]").fill("未按规定公示许可证。")
    screenshot(page, "inspections-desk")
    assert_accessible(page)
    card.locator("button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_be_visible()
    target.refresh_from_db()
    assert target.result == "problems" and target.record is not None


def test_anyone_verifies_a_published_draw(page, market, screenshot, assert_accessible):
    plan = inspections.publish_plan(actor=market["regulator"], plan=drawn_plan(market))
    page.goto("/credit/inspections/")
    page.get_by_role("link", name=plan.title).click()
    page.wait_for_load_state()
    expect(page.get_by_text(plan.seed, exact=False).first).to_be_visible()
    page.locator("form[action$='/verify/'] button").click()
    page.wait_for_load_state()
    expect(page.locator("#verification")).to_be_visible()
    expect(page.locator("#verification")).not_to_have_class("message message--error")
    screenshot(page, "inspections-public")
    assert_accessible(page)


def test_the_public_page_on_a_phone(phone_page, market, screenshot):
    plan = inspections.publish_plan(actor=market["regulator"], plan=drawn_plan(market))
    phone_page.goto(f"/credit/inspections/{plan.pk}/")
    expect(phone_page.get_by_role("heading", level=1)).to_be_visible()
    assert phone_page.evaluate(NO_HORIZONTAL_OVERFLOW_JS) <= 1
    screenshot(phone_page, "inspections-public-phone")
