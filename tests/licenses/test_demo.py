"""The demo's licences: issued for the approved demo cases through the outbox, ID e-licences for the
person applicants, offers for demo-applicant, and nothing new on a second load."""

import pytest
from django.test import override_settings

from oneseal.cases.models import Applicant
from oneseal.catalog.models import ServiceItem
from oneseal.licenses import selectors
from oneseal.licenses.models import Licence
from tests.demo.conftest import demo_settings  # noqa: F401  (module-scoped fixtures of the demo tests)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, demo_settings, tmp_path_factory):  # noqa: F811
    from django.db import transaction

    from oneseal.demo.loader import load_scenario

    keys = override_settings(ONESEAL_LICENCE_KEY_DIR=tmp_path_factory.mktemp("keys"))
    with demo_settings, keys, django_db_blocker.unblock(), transaction.atomic():
        load_scenario()
        yield
        transaction.set_rollback(True)


def test_the_approved_demo_cases_have_verifying_licences(demo):
    issued = Licence.objects.filter(case__isnull=False)
    slugs = {key for key in issued.values_list("case__idempotency_key", flat=True) if key}
    for slug in ("approved-waiting-issue", "issued-pickup", "delivered-online", "closed-online-shop", "closed-expert"):
        assert any(key.endswith(slug) for key in slugs), slug
    assert not issued.filter(case__decision__approved=False).exists()  # denials issue nothing
    # every licence verifies, except the one revoked with the demo's false commitment (先建后验 verified false)
    verdicts = [(selectors.verdict_of(licence), licence.case.status if licence.case else "") for licence in
                Licence.objects.select_related("case")]
    assert {v for v, _status in verdicts if _status != "revoked"} == {"valid"}
    assert [v for v, status in verdicts if status == "revoked"] == ["revoked"]


def test_demo_applicant_has_a_wallet_and_is_offered_her_id_card(demo):
    applicant = Applicant.objects.get(user__username="demo-applicant")
    types = set(Licence.objects.filter(holder=applicant).values_list("licence_type__code", flat=True))
    assert {"JMSFZ", "LMCF", "YYZZ"} <= types
    item = ServiceItem.objects.get(code="420683-BA-MZZJJ-001")
    offers = selectors.offerable_licences(applicant, item.versions.order_by("-number").first().snapshot)
    assert offers["申请人居民身份证"].licence_type.code == "JMSFZ"


def test_loading_again_creates_no_licence(demo):
    from oneseal.licenses.demo import load

    before = Licence.objects.count()
    assert load() == 0 and Licence.objects.count() == before
