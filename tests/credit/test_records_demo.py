"""The demo's credit records: a flagged demo company, a person on the court's list, a tax violator, a
lifted record and demo-applicant's pending repair request; loading again records nothing new."""

import pytest
from django.test import Client

from oneseal.credit import checks
from oneseal.credit.demo import records as demo
from oneseal.credit.models import CreditRecord, RepairRequest
from tests.demo.conftest import demo_settings  # noqa: F401  (module-scoped fixtures of the demo tests)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def zaoyang(django_db_setup, django_db_blocker, demo_settings, tmp_path_factory):  # noqa: F811
    from django.db import transaction
    from django.test import override_settings

    from oneseal.demo.loader import load_scenario

    keys = override_settings(ONESEAL_LICENCE_KEY_DIR=tmp_path_factory.mktemp("keys"))
    with demo_settings, keys, django_db_blocker.unblock(), transaction.atomic():
        load_scenario()
        yield
        transaction.set_rollback(True)


def signed_in(username: str) -> Client:
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_the_demo_records(zaoyang):
    rows = {r.source_ref: r for r in CreditRecord.objects.filter(source_ref__startswith="demo:")}
    assert set(rows) == {"demo:changfeng-penalty", "demo:xu-court", "demo:xinsheng-tax", "demo:xinshi-lifted",
                         "demo:li-penalty"}
    assert rows["demo:xinshi-lifted"].status == "lifted"
    court = {r.measure_code for r in checks.restrictions(rows["demo:xu-court"].id_number)}
    assert "restrict_licensing" in court
    assert checks.has_serious_record(rows["demo:xinsheng-tax"].id_number)
    repair = RepairRequest.objects.get(record=rows["demo:li-penalty"])
    assert repair.status == "pending" and repair.requested_by.username == "demo-applicant"


def test_loading_again_records_nothing_new(zaoyang):
    before = (CreditRecord.objects.count(), RepairRequest.objects.count())
    demo.load()
    assert (CreditRecord.objects.count(), RepairRequest.objects.count()) == before


def test_the_demo_accounts_see_their_pages(zaoyang):
    desk = signed_in("demo-credit").get("/workbench/credit/")
    assert desk.status_code == 200 and "整改完成证明.pdf" in desk.content.decode()
    mine = signed_in("demo-applicant").get("/my/credit/")
    assert mine.status_code == 200 and "未取得许可从事农机作业服务" in mine.content.decode()
