"""The demo's regulator pushes: demo-regulator has pushes (one claimed, one with a finding), the bureau
has the finding, supervision has escalations; a second load creates nothing new."""

import pytest
from django.test import Client

from oneseal.sharing import demo
from oneseal.sharing.models import RegulatorFinding, RegulatorPush
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


def test_demo_regulator_has_pushes_one_claimed_and_one_escalated(zaoyang):
    mine = RegulatorPush.objects.filter(department__code="SCJGJ")
    assert mine.count() >= 2
    assert mine.filter(claimed_by__username="demo-regulator").count() == 1
    assert mine.filter(claimed_at__isnull=True, escalated_at__isnull=False).exists()
    html = signed_in("demo-regulator").get("/regulator/pushes/").content.decode()
    assert all(p.reference in html for p in mine.order_by("-created_at")[:5])


def test_every_decided_demo_case_is_pushed_once(zaoyang):
    from oneseal.cases.models import Case

    decided = Case.objects.filter(decided_at__isnull=False).count()
    revoked = Case.objects.filter(revoked_at__isnull=False).count()  # the demo's false commitment
    assert revoked == 1
    assert RegulatorPush.objects.filter(source_topic__startswith="cases.").count() == decided + revoked


def test_the_bureau_has_the_demo_finding_and_supervision_the_escalations(zaoyang):
    finding = RegulatorFinding.objects.get()
    assert finding.filed_by.username == "demo-regulator"
    assert demo.FINDING_TEXT in signed_in("demo-approver").get("/workbench/findings/").content.decode()
    assert RegulatorPush.objects.filter(escalated_at__isnull=False).exists()
    page = signed_in("demo-supervisor").get("/supervision/escalations/")
    assert page.status_code == 200 and finding.push.department.name in page.content.decode()


def test_loading_again_creates_nothing(zaoyang):
    assert demo.load() == 0
