"""The public portal in a real browser: search, guide pages in both languages, charts, phones, axe."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BLANK_CANVAS_JS = """(selector) => {
  const canvas = document.querySelector(selector + ' canvas');
  if (!canvas || !canvas.width || !canvas.height) return 0;
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) painted++;
  return painted;
}"""

NO_HORIZONTAL_OVERFLOW_JS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_home_shows_zones_one_visit_items_and_figures(page, portal_data, screenshot, assert_accessible):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    zones = page.locator(".zone-card")
    expect(zones).to_have_count(7)
    expect(zones.first).to_contain_text("企业开办")
    expect(page.locator(".item-links li").first).to_be_visible()
    expect(page.locator(".figure").first).to_contain_text("45")
    screenshot(page, "home")
    assert_accessible(page)


def test_catalog_search_then_filter_by_zone(page, portal_data, screenshot, assert_accessible):
    page.goto("/")
    page.get_by_role("searchbox").fill("营业执照")
    page.get_by_role("searchbox").press("Enter")
    page.wait_for_url(re.compile(r"/items/\?q="))
    rows = page.locator(".results-table tbody tr")
    expect(rows.first).to_contain_text("营业执照核发")
    expect(rows).to_have_count(5)  # 45 items cycle ten names: items 1, 11, 21, 31, 41
    for text in rows.all_inner_texts():
        assert "营业执照" in text

    # Choosing a zone reloads just the results (htmx) and keeps the keyword: the page itself stays.
    page.evaluate("() => { window.samePage = true; }")
    page.locator("select[name=zone]").select_option("QYKB")
    expect(rows).to_have_count(1)  # of the five, only the first is in the enterprise start-up zone
    expect(page).to_have_url(re.compile(r"zone=QYKB"))
    expect(page.get_by_role("searchbox")).to_have_value("营业执照")
    assert page.evaluate("() => window.samePage") is True
    screenshot(page, "catalog-search")
    assert_accessible(page)


def test_catalog_paging_keeps_filters(page, portal_data, assert_accessible):
    page.goto("/items/?high_frequency=1")
    expect(page.locator(".results-table tbody tr")).to_have_count(20)
    page.locator("a[rel=next]").click()
    expect(page).to_have_url(re.compile(r"high_frequency=1&page=2"))
    expect(page.locator(".results-table tbody tr")).to_have_count(3)
    assert_accessible(page)


def test_guide_page_in_chinese_then_english(page, portal_data, screenshot, assert_accessible):
    licence = portal_data["licence"]
    page.goto(f"/items/{licence.code}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("营业执照核发")
    expect(page.locator("#materials")).to_contain_text("法定代表人身份证明")
    expect(page.locator("#fees")).to_contain_text("¥10.50")
    screenshot(page, "guide-zh")
    assert_accessible(page)

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(rf"/items/{licence.code}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Business licence issuance")
    for label in ["Basic information", "Legal basis", "Materials", "Time limits", "Fees", "Place and hours"]:
        expect(page.get_by_role("heading", name=label, exact=True)).to_be_visible()
    expect(page.locator("#basic")).to_contain_text("Implementing body")
    expect(page.locator("#time-limits")).to_contain_text("20 working days")
    screenshot(page, "guide-en")
    assert_accessible(page)

    page.get_by_role("button", name="简体中文").click()
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")


def test_guide_print_and_versions_pages(page, portal_data, screenshot, assert_accessible):
    licence = portal_data["licence"]
    page.goto(f"/items/{licence.code}/print/")
    expect(page.locator(".site-nav")).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_have_text("营业执照核发")
    expect(page.locator("[data-print]")).to_be_visible()
    screenshot(page, "guide-print")
    assert_accessible(page)
    page.emulate_media(media="print")
    expect(page.locator(".print-actions")).to_be_hidden()
    screenshot(page, "guide-print-media")
    page.emulate_media(media="screen")
    page.goto(f"/items/{licence.code}/versions/")
    expect(page.locator("#v1")).to_contain_text("首次发布")
    expect(page.locator("#v2 .diff-table")).to_contain_text("《中华人民共和国公司登记管理条例》")
    screenshot(page, "guide-versions")
    assert_accessible(page)


def test_reform_page_draws_its_charts(page, portal_data, screenshot, assert_accessible):
    page.goto("/reform/")
    expect(page.locator("#transfer-chart canvas")).to_be_visible()
    expect(page.locator("#one-visit-chart canvas")).to_be_visible()
    page.wait_for_function("() => !!document.querySelector('#one-visit-chart canvas')")
    assert page.evaluate(BLANK_CANVAS_JS, "#transfer-chart") > 1000
    assert page.evaluate(BLANK_CANVAS_JS, "#one-visit-chart") > 1000
    expect(page.locator("table").first).to_contain_text("枣阳市市场监督管理局")
    screenshot(page, "reform")
    assert_accessible(page)


def test_sign_in_page(page, portal_data, screenshot, assert_accessible):
    page.goto("/accounts/login/")
    page.locator("#id_username").fill("nobody")
    page.locator("#id_password").fill("wrong-password")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("alert")).to_be_visible()
    screenshot(page, "login-error")
    assert_accessible(page)


@pytest.mark.parametrize("path", ["/", "/items/", "guide", "/reform/"])
def test_phone_layout_has_no_horizontal_overflow(phone_page, portal_data, screenshot, assert_accessible, path):
    if path == "guide":
        path = f"/items/{portal_data['licence'].code}/"
    phone_page.goto(path)
    phone_page.wait_for_load_state("networkidle")
    assert phone_page.evaluate(NO_HORIZONTAL_OVERFLOW_JS) <= 0
    name = {"/": "phone-home", "/items/": "phone-catalog", "/reform/": "phone-reform"}.get(path, "phone-guide")
    screenshot(phone_page, name)
    screenshot(phone_page, name + "-top", full_page=False)
    if name == "phone-guide":
        phone_page.locator("#materials").scroll_into_view_if_needed()
        screenshot(phone_page, name + "-materials", full_page=False)
    assert_accessible(phone_page)
