"""The Zaoyang scenario reproduces every figure of DOMAIN.md §2, read back through the API."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from oneseal.accounts.models import StaffProfile
from oneseal.catalog import models as cm
from oneseal.demo.loader import load_scenario
from oneseal.demo.zaoyang.people import DEMO_ACCOUNTS, DEMO_PASSWORD

pytestmark = pytest.mark.django_db

SEED_FIGURES = {
    "zones": 7,
    "hall_departments": 20,
    "staff": 156,
    "licensing_items": 142,
    "licensing_categories": 19,
    "licensing_transferred": 82,
    "licensing_pending": 60,
    "pending_departments": 5,
    "items": 496,
    "one_visit_items": 184,
    "high_frequency_items": 184,
}


def reform_stats(client) -> dict:
    response = client.get("/api/v1/stats/reform")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize(("figure", "expected"), SEED_FIGURES.items())
def test_reform_figure_is_reproduced(zaoyang, client, figure, expected):
    assert reform_stats(client)[figure] == expected


def test_pending_licensing_powers_are_in_the_five_departments_that_lack_testing_capacity(zaoyang, client):
    pending = {row["code"]: row["pending"] for row in reform_stats(client)["transfer_by_department"]
               if row["pending"]}
    assert pending == {"SCJGJ": 18, "WJJ": 14, "NYJ": 12, "SHJJ": 9, "YJJ": 7}


def test_the_hall_has_the_seven_named_zones(zaoyang):
    assert list(cm.Zone.objects.order_by("order").values_list("name", flat=True)) == [
        "企业开办", "工程建设", "民生事务", "行政审批服务", "不动产登记", "公安出入境", "交通违法处理"]


def test_every_item_type_is_in_the_catalog(zaoyang):
    assert set(cm.ServiceItem.objects.values_list("item_type", flat=True)) == set(cm.ItemType.values)
    assert cm.ServiceItem.objects.filter(item_type=cm.ItemType.LICENSING).count() == 142


def test_transferred_items_are_handled_by_the_bureau_and_pending_ones_by_their_department(zaoyang):
    for transfer in cm.LicensingTransfer.objects.select_related("item", "to_department"):
        assert transfer.to_department.kind == cm.DepartmentKind.BUREAU
        if transfer.status == cm.TransferStatus.TRANSFERRED:
            assert transfer.item.implementing_body_id == transfer.to_department_id
        else:
            assert transfer.item.implementing_body_id == transfer.from_department_id


def test_bureau_has_comprehensive_acceptance_and_output_windows(zaoyang):
    kinds = set(cm.Window.objects.filter(department__code="SPJ").values_list("kind", flat=True))
    assert {cm.WindowKind.COMPREHENSIVE, cm.WindowKind.OUTPUT} <= kinds


@pytest.mark.parametrize(("name", "limit", "unit", "mode"), [
    ("企业设立登记", 4, "working_hours", "on_the_spot"),
    ("印章刻制备案", 1, "working_hours", "on_the_spot"),
    ("发票申领", 1, "working_hours", "on_the_spot"),
    ("社会保险登记", 1, "working_hours", "on_the_spot"),
    ("企业开办一件事", 1, "working_days", "on_the_spot"),
    ("新建商品房首次登记", 10, "working_minutes", "on_the_spot"),
    ("国有建设用地使用权及房屋所有权转移登记", 5, "working_days", "committed"),
    ("存量房转移登记", 5, "working_days", "committed"),
])
def test_bundle_and_real_estate_items_keep_their_committed_limits(zaoyang, client, name, limit, unit, mode):
    code = cm.ServiceItem.objects.get(name=name).code
    response = client.get(f"/api/v1/items/{code}")
    assert response.status_code == 200, response.content
    item = response.json()
    assert (item["committed_limit"], item["committed_limit_unit"], item["handling_mode"]) == (limit, unit, mode)
    assert item["visits_required"] <= 1


def test_enterprise_registration_items_are_mostly_done_on_the_spot(zaoyang):
    """≥ 80 % of registration items in the enterprise zone are 即来即办 (DOMAIN.md §2)."""
    registration = cm.ServiceItem.objects.filter(zone__code="QYKB", name__contains="登记")
    on_the_spot = registration.filter(handling_mode=cm.HandlingMode.ON_THE_SPOT).count()
    assert on_the_spot / registration.count() >= 0.8


def test_staff_outside_the_hall_are_not_counted(zaoyang, client):
    outside = StaffProfile.objects.filter(hall__isnull=True)
    assert set(outside.values_list("user__groups__name", flat=True)) == {"regulator", "supervisor", "trading_staff",
                                                                               "credit_officer"}
    assert StaffProfile.objects.count() == reform_stats(client)["staff"] + outside.count()


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=lambda a: a.username)
def test_demo_account_logs_in_with_the_documented_password(zaoyang, client, account):
    assert client.login(username=account.username, password=DEMO_PASSWORD)
    user = get_user_model().objects.get(username=account.username)
    assert set(user.groups.values_list("name", flat=True)) == {account.role}


def test_demo_administrator_reaches_the_admin(zaoyang, client):
    client.login(username="demo-admin", password=DEMO_PASSWORD)
    assert client.get("/admin/").status_code == 200


def test_generated_staff_cannot_log_in(zaoyang):
    user = get_user_model().objects.get(username="spj-001")
    assert not user.has_usable_password()


def test_loading_twice_changes_nothing(zaoyang, client):
    models = (get_user_model(), StaffProfile, cm.Region, cm.Department, cm.Window, cm.ServiceItem, cm.Material,
              cm.Fee, cm.SpecialProcedure, cm.LicensingTransfer, cm.ItemVersion)
    before = {model.__name__: model.objects.count() for model in models}
    stats = reform_stats(client)

    result = load_scenario()

    assert result.accounts_created == 0
    assert result.catalog["items"]["created"] == 0 and result.catalog["versions"] == 0
    assert {model.__name__: model.objects.count() for model in models} == before
    assert reform_stats(client) == stats


def test_if_empty_skips_a_loaded_catalog(zaoyang):
    assert load_scenario(if_empty=True).loaded is False


def test_demo_accounts_command_prints_one_account_per_role_with_its_password(zaoyang):
    out = io.StringIO()
    call_command("demo", "accounts", stdout=out)
    for account in DEMO_ACCOUNTS:
        assert account.username in out.getvalue()
    assert DEMO_PASSWORD in out.getvalue()


def test_demo_load_if_empty_command_leaves_a_loaded_catalog_alone(zaoyang):
    before = get_user_model().objects.count()
    out = io.StringIO()
    call_command("demo", "load", "--if-empty", stdout=out)
    assert get_user_model().objects.count() == before
    assert "demo-admin" in out.getvalue()
