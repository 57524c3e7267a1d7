"""The commitment pages: the applicant signs and applies online and sees their commitments; the drawn
inspector records the verification; nobody else sees or records."""

import datetime as dt
import io

import pytest
from django.utils import timezone, translation

from oneseal.cases.models import CaseStatus
from oneseal.catalog.services import publish_item_version
from oneseal.credit.models import Commitment, CommitmentStatus
from oneseal.credit.services import commitments as svc
from oneseal.kernel.workcal import add_working_days
from tests.credit.commitments_support import (
    PDF,
    REPLACEABLE,
    SIGNER_ID,
    TEXT,
    _commitment_files,  # noqa: F401  (fixture)
    cw_fixture,  # noqa: F401  (the fixture `cw`)
    inspector_user,
    sign,
)

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def apply_url(cw):
    return f"/credit/commitments/apply/{cw['item'].code}/"


def post_data(cw, **overrides):
    upload = io.BytesIO(PDF + b"application")
    upload.name = "application.pdf"
    data = {"m_0": upload, "agree": "on", "signer_name": "王建华", "signer_id_number": SIGNER_ID,
            "project": "祺鑫通达电商物流仓储中心 1# 仓库", "text_sha256": svc.text_sha256(TEXT)}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def applicant_client(client, cw):
    client.force_login(cw["account"])
    return client


def test_the_apply_page_shows_the_text_the_replaced_proofs_and_what_is_left(applicant_client, cw):
    with translation.override("en"):
        page = applicant_client.get(apply_url(cw), HTTP_ACCEPT_LANGUAGE="en")
    body = page.content.decode()
    assert page.status_code == 200
    assert TEXT in body and svc.text_sha256(TEXT) in body
    assert REPLACEABLE in body and "建设资金落实证明" in body and 'name="m_0"' in body and 'name="m_1"' not in body
    assert 'name="agree"' in body and 'for="id_signer_name"' in body


def test_signing_on_the_page_approves_and_shows_the_verification_deadline(applicant_client, cw):
    response = applicant_client.post(apply_url(cw), post_data(cw), follow=True)
    commitment = Commitment.objects.get()
    assert response.redirect_chain[-1][0] == f"/credit/commitments/{commitment.pk}/"
    body = response.content.decode()
    assert commitment.case.number in body and commitment.case.status == CaseStatus.APPROVED
    assert commitment.verify_by.astimezone(add_working_days(commitment.signed_at, 0).at.tzinfo).strftime(
        "%Y-%m-%d") in body
    listing = applicant_client.get("/my/commitments/").content.decode()
    assert commitment.case.number in listing


def test_without_the_tick_nothing_is_signed(applicant_client, cw):
    response = applicant_client.post(apply_url(cw), post_data(cw, agree=None))
    assert response.status_code == 422 and not Commitment.objects.exists()
    assert 'aria-invalid="true"' in response.content.decode()


def test_a_changed_text_is_refused_on_the_page_and_the_new_text_shown(applicant_client, cw):
    item = cw["item"]
    item.commitment_text = TEXT + "四、按期接受核查。"
    item.save()
    publish_item_version(actor=None, item=item, note="承诺书修订")
    response = applicant_client.post(apply_url(cw), post_data(cw))
    assert response.status_code == 422 and not Commitment.objects.exists()
    assert "四、按期接受核查。" in response.content.decode()


def test_a_bad_signer_id_is_shown_next_to_its_field(applicant_client, cw):
    response = applicant_client.post(apply_url(cw), post_data(cw, signer_id_number="420683199003051230"))
    assert response.status_code == 422
    assert 'id="id_signer_id_number_error' in response.content.decode()


def test_an_item_without_commitment_approval_has_no_apply_page(applicant_client, cw):
    assert applicant_client.get(f"/credit/commitments/apply/{cw['plain'].code}/").status_code == 404


def test_staff_without_an_applicant_record_cannot_sign(client, cw):
    client.force_login(cw["approver"])
    assert client.get(apply_url(cw)).status_code == 403
    assert client.get("/my/commitments/").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, cw):
    assert client.get(apply_url(cw)).status_code == 302


def test_the_inspector_sees_the_verification_and_records_it(client, cw):
    commitment = sign(cw)
    inspection, inspector = inspector_user(commitment)
    client.force_login(inspector)
    listing = client.get("/workbench/verifications/")
    assert listing.status_code == 200 and cw["applicant"].name in listing.content.decode()
    page = client.get(f"/credit/commitments/{commitment.pk}/")
    assert f'action="/workbench/verifications/{inspection.pk}/record/"' in page.content.decode()
    response = client.post(f"/workbench/verifications/{inspection.pk}/record/",
                           {"outcome": "fixable", "findings": "消防通道未按图施工。", "rectify_days": "10"})
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.RECTIFYING


def test_a_fixable_outcome_without_days_is_refused_on_the_page(client, cw):
    commitment = sign(cw)
    inspection, inspector = inspector_user(commitment)
    client.force_login(inspector)
    response = client.post(f"/workbench/verifications/{inspection.pk}/record/",
                           {"outcome": "fixable", "findings": "须整改。"})
    assert response.status_code == 422 and "rectify-" in response.content.decode()
    inspection.refresh_from_db()
    assert inspection.recorded_at is None


def test_filters_narrow_the_inspectors_list(client, cw):
    commitment = sign(cw, now=timezone.now())
    inspection, inspector = inspector_user(commitment)
    client.force_login(inspector)
    assert cw["applicant"].name in client.get("/workbench/verifications/?state=open").content.decode()
    assert cw["applicant"].name not in client.get("/workbench/verifications/?state=recorded").content.decode()
    assert cw["applicant"].name not in client.get("/workbench/verifications/?state=overdue").content.decode()
    assert client.get("/workbench/verifications/?state=junk&item=nope&page=x").status_code == 200


def test_another_inspector_or_the_applicant_cannot_record(client, cw):
    commitment = sign(cw)
    inspection = commitment.inspections.get()
    drawn = set(inspection.inspectors.all())
    other = next(i for i in cw["inspectors"] if i not in drawn)
    client.force_login(other.user)
    url = f"/workbench/verifications/{inspection.pk}/record/"
    assert client.post(url, {"outcome": "confirmed", "findings": "一致。"}).status_code == 404
    page = client.get(f"/credit/commitments/{commitment.pk}/")  # staff may read it, not record it
    assert page.status_code == 200 and url not in page.content.decode()
    client.force_login(cw["account"])
    assert client.post(url, {"outcome": "confirmed", "findings": "一致。"}).status_code == 404
    assert client.get("/workbench/verifications/").status_code == 403
    inspection.refresh_from_db()
    assert inspection.recorded_at is None


def test_a_commitment_is_hidden_from_other_applicants(client, cw):
    from oneseal.accounts.services import create_applicant_account

    commitment = sign(cw)
    stranger = create_applicant_account(actor=None, username="stranger", password=PASSWORD)
    client.force_login(stranger)
    assert client.get(f"/credit/commitments/{commitment.pk}/").status_code == 404


def test_the_pages_are_in_english_on_request(applicant_client, cw):
    sign(cw)
    applicant_client.cookies["django_language"] = "en"
    body = applicant_client.get("/my/commitments/").content.decode()
    assert "My commitments" in body


def test_a_restricted_applicant_is_told_before_signing_and_refused(applicant_client, cw):
    from oneseal.credit.services.records import NewRecord, record
    from tests.credit.commitments_support import APPLICANT_CODE

    row = record(actor=None, authorised=True, new=NewRecord(
        id_number=APPLICANT_CODE, subject_name="祺鑫通达电子商务有限公司", kind="false_commitment", title="虚假承诺",
        facts="经查属实。", authority="枣阳市行政审批局", decided_on=timezone.localdate()))
    page = applicant_client.get(apply_url(cw))
    assert page.status_code == 200 and row.number in page.content.decode()
    response = applicant_client.post(apply_url(cw), post_data(cw))
    assert response.status_code == 403 and row.number in response.content.decode()
    assert not Commitment.objects.exists()


def test_the_inspectors_list_puts_the_earliest_due_first(client, cw):
    later = sign(cw, now=timezone.now() - dt.timedelta(days=1), project="二期")
    earlier = sign(cw, now=timezone.now() - dt.timedelta(days=3), project="一期")
    shared = set(later.inspections.get().inspectors.all()) & set(earlier.inspections.get().inspectors.all())
    assert shared  # the same seeded draw over the same pool
    client.force_login(shared.pop().user)
    body = client.get("/workbench/verifications/").content.decode()
    assert body.index(f"verification-{earlier.inspections.get().pk}") < body.index(
        f"verification-{later.inspections.get().pk}")
