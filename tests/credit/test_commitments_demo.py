"""The demo's commitment approvals: the seed's three 先建后验 enterprises at three stages, a false commitment
that restricts its subject, a verification waiting for demo-regulator, the catalog's commitment terms and
high-risk items; nothing new on a second load."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from oneseal.cases.models import Case, CaseStatus
from oneseal.catalog.models import ServiceItem
from oneseal.credit import checks
from oneseal.credit.demo import commitments as demo_commitments
from oneseal.credit.models import (
    Commitment,
    CommitmentStatus,
    CreditRecord,
    Inspector,
    VerificationInspection,
)
from oneseal.credit.services import commitments as svc
from oneseal.kernel.errors import DomainError
from oneseal.licenses.models import Licence, LicenceStatus
from tests.demo.conftest import demo_settings  # noqa: F401  (module-scoped fixtures of the demo tests)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, demo_settings):  # noqa: F811
    from django.db import transaction

    from oneseal.demo.loader import load_scenario

    with demo_settings, django_db_blocker.unblock(), transaction.atomic():
        load_scenario()
        yield
        transaction.set_rollback(True)


def commitment_of(name: str) -> Commitment:
    return Commitment.objects.select_related("case", "item").get(subject__name=name)


def test_the_three_build_first_enterprises_are_at_three_stages(demo):
    kept = commitment_of("祺鑫通达电子商务有限公司")
    fixing = commitment_of("鑫西康化工有限公司")
    waiting = commitment_of("科立环保科技有限公司")
    assert {c.mode for c in (kept, fixing, waiting)} == {"build_first"}
    assert all(c.project and "枣阳" in c.project and c.construction_allowed_from == c.signed_at
               for c in (kept, fixing, waiting))
    assert kept.status == CommitmentStatus.CONFIRMED and kept.case.status == CaseStatus.APPROVED
    now = timezone.now()
    assert fixing.status == CommitmentStatus.RECTIFYING and fixing.verify_by > now
    assert waiting.status == CommitmentStatus.AWAITING_VERIFICATION
    assert now < waiting.verify_by < now + timezone.timedelta(days=7)
    for c in (kept, fixing, waiting):
        assert c.signed_at < now and Licence.objects.filter(case=c.case).exists()


def test_the_false_commitment_revoked_and_restricts_its_subject(demo):
    false = commitment_of("枣阳市汉润洗浴有限公司")
    assert false.status == CommitmentStatus.FALSE and false.case.status == CaseStatus.REVOKED
    assert Licence.objects.get(case=false.case).status == LicenceStatus.REVOKED
    record = CreditRecord.objects.get(source_ref=false.reference)
    with pytest.raises(DomainError) as info:
        svc.refuse_if_excluded(record.id_number, timezone.now())
    assert info.value.params["record"] == record.number
    flagged = Case.objects.get(idempotency_key=demo_commitments.FLAGGED_KEY)
    assert flagged.flags.filter(code="closer_review", reference=record.number).exists()
    assert checks.restrictions(record.id_number, scope="commitment")


def test_demo_regulator_can_record_a_verification(demo):
    user = get_user_model().objects.get(username="demo-regulator")
    open_ones = VerificationInspection.objects.filter(inspectors__user=user, recorded_at__isnull=True)
    assert open_ones.exists()
    assert all(i.inspectors.count() >= 2 for i in VerificationInspection.objects.all())


def test_the_catalog_carries_the_commitment_terms_and_high_risk_items(demo):
    allowed = ServiceItem.objects.exclude(commitment_mode="")
    assert set(allowed.values_list("name", flat=True)) == {"建设工程规划许可证核发", "建筑工程施工许可证核发",
                                                          "公共场所卫生许可", "食品经营许可"}
    assert not allowed.filter(procedure="commitment").exists()
    for item in allowed:
        snapshot = item.versions.order_by("-number").first().snapshot
        assert snapshot["commitment"]["text"] == item.commitment_text and "法律责任" in item.commitment_text
        assert any(m["commitment_replaceable"] for m in snapshot["materials"])
    assert ServiceItem.objects.filter(high_risk=True).count() == 3
    assert Inspector.objects.filter(user__username="zjj-zf01").exists()


def test_loading_again_adds_no_commitment(demo):
    before = (Commitment.objects.count(), VerificationInspection.objects.count(), CreditRecord.objects.count(),
              Inspector.objects.count(), Case.objects.count())
    demo_commitments.load()
    assert demo_commitments.apply_catalog_terms() == 0
    after = (Commitment.objects.count(), VerificationInspection.objects.count(), CreditRecord.objects.count(),
             Inspector.objects.count(), Case.objects.count())
    assert after == before


def test_demo_regulator_sees_the_verification_page(demo, client):
    client.force_login(get_user_model().objects.get(username="demo-regulator"))
    page = client.get("/workbench/verifications/")
    assert page.status_code == 200 and "枣阳市鲜丰超市有限公司" in page.content.decode()
    shop = commitment_of("枣阳市鲜丰超市有限公司")
    detail = client.get(f"/credit/commitments/{shop.pk}/").content.decode()
    assert f"/workbench/verifications/{shop.inspections.get().pk}/record/" in detail
