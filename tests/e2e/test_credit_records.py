"""Credit records in a real browser: the public lookup and a subject's page (a person's ID masked), the
applicant's repair request with its proof, the credit officer's desk (filter, lift, decide the repair);
axe on every page, screenshots to var/screenshots/credit-*.png, the desk and the subject page on a phone."""

import datetime as dt
import re
from importlib import import_module

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from oneseal.credit.models import CreditRecord, RepairRequest
from oneseal.credit.services import records as s
from tests.credit.records_support import COMPANY, PDF, PERSON, new, people_fixture, uploads_fixture  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("uploads")]

PASSWORD = "correct-horse-battery"
NO_HORIZONTAL_OVERFLOW_JS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def seed_standard_kinds() -> None:
    """A transactional test starts from an emptied database: put back the migration's measures and kinds."""
    from django.apps import apps

    import_module("oneseal.credit.migrations.0002_standard_kinds").seed(apps, None)


@pytest.fixture
def on_record(people):
    seed_standard_kinds()
    officer = people["officer"]
    return {
        "minor": s.record(actor=officer, new=new(title="发布虚假广告", effective_from=ago(100)), now=ago(100)),
        "serious": s.record(actor=officer, new=new(kind="penalty_serious", title="虚报注册资本",
                                                   effective_from=ago(20)), now=ago(20)),
        "court": s.record(actor=officer, new=new(kind="court_enforcement", id_number=PERSON, subject_name="徐建军",
                                                 title="拒不履行生效判决", effective_from=ago(5)), now=ago(5)),
    }


def test_the_public_looks_up_a_company_and_a_person(page, on_record, screenshot, assert_accessible):
    page.goto("/credit/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    page.locator("#credit-q").fill(COMPANY)
    page.locator("main form[role=search] button[type=submit]").click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(f"/credit/subjects/{COMPANY}/$"))
    expect(page.locator(".credit-record")).to_have_count(2)
    expect(page.locator("main")).not_to_contain_text("列为重点审查对象")  # measures are internal
    screenshot(page, "credit-subject")
    assert_accessible(page)

    page.goto("/credit/?q=祺鑫")
    expect(page.locator(".credit-results li")).to_have_count(1)
    page.goto(f"/credit/?q={PERSON}")
    expect(page.locator("main")).to_contain_text(PERSON[:6] + "********" + PERSON[-4:])
    expect(page.locator("main")).to_contain_text("拒不履行生效判决")
    assert PERSON not in page.locator("main").inner_text()


def test_the_applicant_asks_for_repair_and_the_officer_decides(page, people, on_record, tmp_path, screenshot,
                                                                assert_accessible):
    proof = tmp_path / "整改证明.pdf"
    proof.write_bytes(PDF + b"proof")
    sign_in(page, "company")
    page.goto("/my/credit/")
    form = page.locator(f"form:has(input[name=record][value='{on_record['minor'].number}'])")
    form.locator("button[type=submit]").click()  # empty: refused, the fields named
    page.wait_for_load_state()
    expect(page.locator(f"#statement-{on_record['minor'].number}-errors")).to_be_visible()
    assert_accessible(page)
    form = page.locator(f"form:has(input[name=record][value='{on_record['minor'].number}'])")
    form.locator("textarea[name=statement]").fill("已删除虚假广告并缴清罚款。")
    form.locator("input[name=evidence]").set_input_files(str(proof))
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_be_visible()
    screenshot(page, "credit-my-credit")
    assert_accessible(page)
    assert RepairRequest.objects.get().evidence_name == "整改证明.pdf"

    page.context.clear_cookies()
    sign_in(page, "officer")
    page.goto("/workbench/credit/")
    assert_accessible(page)
    card = page.locator(".case-card").first
    expect(card).to_contain_text("已删除虚假广告并缴清罚款。")
    card.locator("input[name=reason]").fill("整改到位，准予修复")
    card.locator("button[value=approve]").click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_be_visible()
    assert CreditRecord.objects.get(pk=on_record["minor"].pk).status == "repaired"

    page.locator("select[name=severity]").select_option("serious")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_load_state()
    row = page.locator(f"#row-{on_record['serious'].number}")
    expect(row).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(2)  # the serious penalty and the court list
    row.locator("input[name=reason]").fill("经行政复议撤销")
    row.locator("button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_be_visible()
    expect(page).to_have_url(re.compile(r"severity=serious"))
    screenshot(page, "credit-desk")
    assert_accessible(page)
    assert CreditRecord.objects.get(pk=on_record["serious"].pk).status == "lifted"


def test_the_desk_and_a_subject_on_a_phone(phone_page, people, on_record, screenshot):
    sign_in(phone_page, "officer")
    phone_page.goto("/workbench/credit/")
    expect(phone_page.locator("tbody tr")).to_have_count(3)
    assert phone_page.evaluate(NO_HORIZONTAL_OVERFLOW_JS) <= 0
    screenshot(phone_page, "credit-desk-phone")
    phone_page.goto(f"/credit/subjects/{COMPANY}/")
    expect(phone_page.locator("#internal-heading")).to_be_visible()
    assert phone_page.evaluate(NO_HORIZONTAL_OVERFLOW_JS) <= 0
    screenshot(phone_page, "credit-subject-phone")
