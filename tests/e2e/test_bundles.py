"""One-thing joint handling in a real browser: an applicant applies for 企业开办 with one form and one
set of materials, sees the bundle with its four items, and the window clerk receives it as one
application. axe on every page; screenshots to var/screenshots/bundles-*.png."""

import re

import pytest
from playwright.sync_api import expect

from oneseal.bundles.models import BundleApplication, PartStatus
from tests.bundles.conftest import PDF, _uploads, kaiban  # noqa: F401  (fixtures)
from tests.e2e.test_cases import NO_HORIZONTAL_OVERFLOW_JS, sign_in, sign_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_applicant_applies_for_kaiban_on_the_page(page, kaiban, screenshot, assert_accessible):  # noqa: F811
    sign_in(page, "founder")
    page.goto("/bundles/")
    expect(page.get_by_role("heading", level=2, name="企业开办")).to_be_visible()
    assert_accessible(page)
    page.locator("a[href='/bundles/apply/QYKB/']").click()
    page.wait_for_url(re.compile(r"/bundles/apply/QYKB/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("企业开办")
    expect(page.locator("input[type=file]")).to_have_count(3)  # one upload per shared material
    page.locator("input[name=f_company_name]").fill("枣阳市青禾科技有限公司")
    page.locator("input[name=f_address]").fill("枣阳市人民路1号")
    page.locator("input[name=f_registered_capital]").fill("100")
    for index, name in enumerate(["apply.pdf", "articles.pdf", "proof.pdf"]):
        page.locator(f"input[name=m_{index}]").set_input_files(
            {"name": name, "mimeType": "application/pdf", "buffer": PDF + name.encode()})
    screenshot(page, "bundles-apply")
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/bundles/[0-9]+-YS-"))
    application = BundleApplication.objects.get()
    expect(page.locator(".messages")).to_contain_text(application.number)
    expect(page.locator("main table tbody tr")).to_have_count(4)
    expect(page.locator("main")).to_contain_text("企业设立登记")
    running = application.parts.filter(status=PartStatus.RUNNING).count()
    assert running == 2  # registration and social security at once; seal and invoice wait
    screenshot(page, "bundles-detail")
    assert_accessible(page)
    page.set_viewport_size({"width": 375, "height": 812})
    assert page.evaluate(NO_HORIZONTAL_OVERFLOW_JS) <= 0
    page.set_viewport_size({"width": 1280, "height": 900})

    sign_out(page)
    sign_in(page, "clerk")
    page.goto("/bundles/window/")
    page.locator(f"a[href='/bundles/{application.number}/']").click()
    assert_accessible(page)
    page.locator("main form[action$='/accept/'] button").click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_be_visible()
    assert {p.case.status for p in application.parts.filter(case__isnull=False)} == {"accepted"}
    screenshot(page, "bundles-window")
