"""Commitment approval in a real browser: the applicant reads the commitment, ticks and signs, and sees the
approved case with its verification deadline; the drawn inspector finds it in their list and records the
outcome; axe on every page, screenshots to var/screenshots/commitments-*.png, the apply page on a phone."""

import pytest
from playwright.sync_api import expect

from oneseal.credit.models import Commitment, CommitmentStatus
from tests.credit.commitments_support import (
    PDF,
    SIGNER_ID,
    TEXT,
    _commitment_files,  # noqa: F401  (fixture)
    cw_fixture,  # noqa: F401  (the fixture `cw`)
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"
NO_HORIZONTAL_OVERFLOW_JS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def test_the_applicant_signs_and_the_inspector_records(page, cw, screenshot, assert_accessible):
    sign_in(page, "qixin")
    page.goto(f"/credit/commitments/apply/{cw['item'].code}/")
    expect(page.locator("#commitment-text")).to_contain_text(TEXT[:20])
    expect(page.locator("#replaced-proofs li")).to_have_count(2)
    screenshot(page, "commitments-apply")
    assert_accessible(page)

    page.locator("input[name=m_0]").set_input_files(files=[
        {"name": "application.pdf", "mimeType": "application/pdf", "buffer": PDF + b"x"}])
    page.locator("input[name=project]").fill("祺鑫通达电商物流仓储中心 1# 仓库")
    page.locator("input[name=signer_id_number]").fill(SIGNER_ID)
    page.locator("form.apply-form button[type=submit]").click()  # not ticked: the browser or the form refuses
    page.wait_for_load_state()
    assert not Commitment.objects.exists()

    page.locator("input[name=agree]").check()
    if not page.locator("input[name=m_0]").input_value():  # the page came back from the server
        page.locator("input[name=m_0]").set_input_files(files=[
            {"name": "application.pdf", "mimeType": "application/pdf", "buffer": PDF + b"x"}])
    page.locator("form.apply-form button[type=submit]").click()
    page.wait_for_load_state()
    commitment = Commitment.objects.get()
    expect(page.locator(".messages")).to_contain_text(commitment.case.number)
    expect(page.locator("#commitment-status")).to_be_visible()
    expect(page.locator("#verify-by")).to_be_visible()
    screenshot(page, "commitments-approved")
    assert_accessible(page)

    inspection = commitment.inspections.get()
    inspector = inspection.inspectors.order_by("badge").first().user
    page.context.clear_cookies()
    sign_in(page, inspector.username)
    page.goto("/workbench/verifications/")
    expect(page.locator(f"#verification-{inspection.pk}")).to_be_visible()
    screenshot(page, "commitments-verifications")
    assert_accessible(page)
    page.locator(f"#verification-{inspection.pk} a.button").click()
    page.wait_for_load_state()
    form = page.locator(f"form[action$='/verifications/{inspection.pk}/record/']")
    form.locator("input[value=fixable]").check()
    form.locator("textarea[name=findings]").fill("消防通道未按图施工。")
    form.locator("button[type=submit]").click()  # no rectification days: refused next to the field
    page.wait_for_load_state()
    expect(page.locator(f"#rectify-{inspection.pk}-errors")).to_be_visible()
    assert_accessible(page)
    form = page.locator(f"form[action$='/verifications/{inspection.pk}/record/']")
    form.locator("input[name=rectify_days]").fill("10")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_be_visible()
    screenshot(page, "commitments-recorded")
    assert_accessible(page)
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.RECTIFYING


def test_the_apply_page_on_a_phone(phone_page, cw, live_server, screenshot):
    sign_in(phone_page, "qixin")
    phone_page.goto(f"/credit/commitments/apply/{cw['item'].code}/")
    expect(phone_page.locator("#commitment-text")).to_be_visible()
    screenshot(phone_page, "commitments-apply-phone")
    assert phone_page.evaluate(NO_HORIZONTAL_OVERFLOW_JS) <= 0
