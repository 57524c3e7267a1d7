"""Electronic licences in a real browser: public verification (by the QR code's URL too), the holder's
wallet and data tracker, once-only on the apply page. axe on every page; screenshots to
var/screenshots/licences-*.png; the verification page on a phone."""

import re

import pytest
from playwright.sync_api import expect

from oneseal.cases.models import Case
from oneseal.kernel import events
from oneseal.licenses.models import Licence, LicenceUse
from tests.cases.conftest import PDF, _uploads, world  # noqa: F401  (fixtures)
from tests.licenses.conftest import _keys, approve, licensing  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NO_HORIZONTAL_OVERFLOW_JS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill("correct-horse-battery")
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def test_verify_page_and_wallet(page, licensing, screenshot, assert_accessible):  # noqa: F811
    licence = Licence.objects.get(case=approve(licensing))
    page.goto(f"/verify/{licence.number}")
    expect(page.locator(".licence-verdict--valid")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(licence.holder_id_number)
    screenshot(page, "licences-verify")
    assert_accessible(page)

    page.goto(f"/verify/{licence.number}?p={licence.qr_payload}")  # what the QR code opens
    expect(page.locator("main .panel").first).not_to_contain_text("篡改")
    page.goto("/verify/")
    page.locator("input[name=number]").fill(licence.number.lower())
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(rf"/verify/{licence.number}$"))
    assert_accessible(page)

    sign_in(page, "zhangsan")
    page.goto(f"/items/{licensing['change'].code}/apply/")
    offer = page.locator("input[name=u_1]")
    expect(offer).to_be_checked()
    screenshot(page, "licences-apply-offer")
    assert_accessible(page)
    page.locator("input[name=m_0]").set_input_files({"name": "a.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/my/cases/"))
    case = Case.objects.get(item=licensing["change"])
    assert case.materials.get(name="食品经营许可证").source == f"licence:{licence.number}"
    events.dispatch_all()
    assert LicenceUse.objects.filter(licence=licence, case=case).exists()

    page.goto("/my/licences/")
    expect(page.locator("main table").first).to_contain_text(licence.number)
    expect(page.locator("main")).to_contain_text(case.number)  # the data tracker
    screenshot(page, "licences-wallet")
    assert_accessible(page)
    page.locator(f"a[href='/my/licences/{licence.number}/']").first.click()
    expect(page.locator("h1")).to_contain_text("食品经营许可证")
    expect(page.locator("main")).to_contain_text("老张面馆")
    screenshot(page, "licences-my-licence")
    assert_accessible(page)


def test_verify_page_on_a_phone(phone_page, licensing, screenshot):  # noqa: F811
    licence = Licence.objects.get(case=approve(licensing))
    phone_page.goto(f"/verify/{licence.number}")
    expect(phone_page.locator(".licence-verdict--valid")).to_be_visible()
    assert phone_page.evaluate(NO_HORIZONTAL_OVERFLOW_JS) <= 0
    screenshot(phone_page, "licences-verify-phone")
