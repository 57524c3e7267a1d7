"""一处失信、处处受限 reaches one-thing joint handling too: a bundle's cases go through the same check."""

import pytest

from oneseal.bundles.models import BundleApplication
from oneseal.cases.checks import SubjectRestricted
from oneseal.cases.models import Case, CaseFlag
from oneseal.credit.services import records as credit
from tests.bundles.conftest import apply_online, at, kaiban  # noqa: F401  (the bundles' fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.ONESEAL_UPLOAD_ROOT = tmp_path / "uploads"


def put_on_record(world, kind):
    now = at("2026-10-01 09:00")
    return credit.record(actor=None, authorised=True, now=now, new=credit.NewRecord(
        id_number=world["applicant"].id_number, subject_name="王五", kind=kind, title="失信记录",
        facts="经查属实。", authority="枣阳市人民法院", decided_on=now.date(), effective_from=now))


def test_a_subject_on_the_courts_list_cannot_start_a_bundle_and_nothing_is_left_behind(kaiban):  # noqa: F811
    put_on_record(kaiban, "court_enforcement")
    with pytest.raises(SubjectRestricted) as info:
        apply_online(kaiban)
    assert info.value.field == "applicant"
    assert not BundleApplication.objects.exists() and not Case.objects.exists()


def test_a_bundles_cases_carry_the_flag_of_a_minor_record(kaiban):  # noqa: F811
    record = put_on_record(kaiban, "penalty_minor")
    apply_online(kaiban)
    started = Case.objects.all()
    assert started.exists()
    assert set(CaseFlag.objects.filter(case__in=started).values_list("reference", flat=True)) == {record.number}
    assert CaseFlag.objects.filter(case__in=started).values("case").distinct().count() == started.count()
