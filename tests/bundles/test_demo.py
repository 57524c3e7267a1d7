"""The Zaoyang demo's bundles, on the real catalog (loaded once for the module)."""

import pytest

from oneseal.bundles import demo
from oneseal.bundles.models import BundleApplication, BundleDefinition, BundleStatus, PartStatus
from oneseal.catalog.models import ServiceItem
from tests.demo.conftest import demo_settings, zaoyang  # noqa: F401  (module fixtures)

pytestmark = pytest.mark.django_db


def test_three_bundles_on_existing_items(zaoyang):  # noqa: F811
    assert set(BundleDefinition.objects.values_list("code", flat=True)) == {"QYKB", "BDCDJ", "KCG"}
    qykb = BundleDefinition.objects.get(code="QYKB")
    assert (qykb.limit_amount, qykb.limit_unit) == (1, "working_days")
    limits = {i.item.name: (i.item.committed_limit, i.item.committed_limit_unit) for i in qykb.items.all()}
    assert limits == {"企业设立登记": (4, "working_hours"), "印章刻制备案": (1, "working_hours"),
                      "发票申领": (1, "working_hours"), "社会保险登记": (1, "working_hours")}
    first = BundleDefinition.objects.get(code="BDCDJ").items.get(item__name="新建商品房首次登记").item
    assert (first.committed_limit, first.committed_limit_unit) == (10, "working_minutes")
    assert ServiceItem.objects.count() == 496  # no catalog item added


def test_demo_applicant_has_a_bundle_in_progress(zaoyang):  # noqa: F811
    application = BundleApplication.objects.get(idempotency_key=demo.APPLICATION_KEY)
    assert application.applicant.user.username == "demo-applicant"
    assert application.status == BundleStatus.IN_PROGRESS
    status = {p.bundle_item.item.name: p.status for p in application.parts.select_related("bundle_item__item")}
    assert status == {"企业设立登记": PartStatus.ISSUED, "印章刻制备案": PartStatus.RUNNING,
                      "发票申领": PartStatus.RUNNING, "社会保险登记": PartStatus.RUNNING}
    seal = application.parts.get(bundle_item__item__name="印章刻制备案").case
    assert seal.form_data["company_name"] == "枣阳市青禾农业科技有限公司"


def test_loading_again_creates_nothing(zaoyang):  # noqa: F811
    assert demo.load() == 0
