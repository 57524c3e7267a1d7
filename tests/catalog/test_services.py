import copy

import pytest

from oneseal.catalog import models as m
from oneseal.catalog.services import apply_catalog, publish_item_version
from oneseal.kernel.audit import verify_chain
from oneseal.kernel.errors import ValidationFailed
from oneseal.kernel.models import AuditEntry

pytestmark = pytest.mark.django_db


def _codes(exc: ValidationFailed) -> set[tuple[str, str]]:
    return {(i.field, i.code) for i in exc.issues}


def test_apply_catalog_creates_everything_and_a_first_version(catalog_data):
    summary = apply_catalog(actor=None, data=catalog_data)
    item = m.ServiceItem.objects.get(code="420683-XK-001")
    assert item.materials.count() == 2
    assert item.transfer.status == m.TransferStatus.TRANSFERRED
    assert item.version == 1 and item.versions.count() == 1
    assert summary["items"]["created"] == 1
    assert AuditEntry.objects.filter(action="catalog.applied").count() == 1
    assert verify_chain().ok


def test_applying_the_same_data_twice_changes_nothing(catalog_data):
    apply_catalog(actor=None, data=catalog_data)
    summary = apply_catalog(actor=None, data=copy.deepcopy(catalog_data))
    assert summary["items"] == {"created": 0, "updated": 0, "unchanged": 1}
    assert summary["versions"] == 0
    assert m.ItemVersion.objects.count() == 1


def test_a_change_of_legal_basis_is_a_new_version(catalog_data):
    apply_catalog(actor=None, data=catalog_data)
    catalog_data["items"][0]["legal_basis"] = "《中华人民共和国食品安全法》（2021修正）第三十五条"
    apply_catalog(actor=None, data=catalog_data, note="法律修订")
    item = m.ServiceItem.objects.get(code="420683-XK-001")
    assert item.version == 2
    assert list(item.versions.values_list("number", flat=True)) == [2, 1]
    assert item.versions.get(number=2).change_note == "法律修订"


def test_a_new_material_is_a_new_version(catalog_data):
    apply_catalog(actor=None, data=catalog_data)
    catalog_data["materials"].append({"item": "420683-XK-001", "order": 3, "name": "健康证明", "form": "copy",
                                      "copies": 1, "required": True, "licence_replaceable": False,
                                      "licence_type": "", "note": ""})
    apply_catalog(actor=None, data=catalog_data)
    item = m.ServiceItem.objects.get(code="420683-XK-001")
    assert item.materials.count() == 3 and item.version == 2


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["items"][0].update(item_type="licence"), ("items.item_type", "choice")),
        (lambda d: d["items"][0].update(statutory_limit="二十"), ("items.statutory_limit", "int")),
        (lambda d: d["items"][0].update(visits_required=3), ("items.visits_required", "range")),
        (lambda d: d["items"][0].update(legal_basis=""), ("items.legal_basis", "missing")),
        (lambda d: d["items"][0].update(implementing_body="NOPE"), ("items.implementing_body", "unknown_reference")),
        (lambda d: d["items"][0].update(committed_limit=30), ("items.committed_limit", "committed_over_statutory")),
        (lambda d: d["items"].append(dict(d["items"][0])), ("items.code", "duplicate")),
        (lambda d: d["fees"].append({"item": "420683-XK-001", "name": "工本费", "amount_yuan": "10.00", "unit": "",
                                     "legal_basis": "x"}), ("fees.item", "fee_on_free_item")),
        (lambda d: d["fees"].append({"item": "420683-XK-001", "name": "工本费", "amount_yuan": "-1", "unit": "",
                                     "legal_basis": "x"}), ("fees.amount_yuan", "decimal")),
        (lambda d: d["transfers"][0].update(to_department="SCJG"), ("transfers.to_department", "transfer_to_self")),
        (lambda d: d["regions"][1].update(parent=""), ("regions.parent", "region_parent")),
        (lambda d: d["halls"][0].update(morning_end="15:00"), ("halls.morning_start", "office_hours_order")),
        (lambda d: d["transfers"][0].update(date="2015-13-01"), ("transfers.date", "date")),
    ],
)
def test_bad_rows_are_refused_and_nothing_is_written(catalog_data, mutate, expected):
    mutate(catalog_data)
    with pytest.raises(ValidationFailed) as info:
        apply_catalog(actor=None, data=catalog_data)
    assert expected in _codes(info.value)
    assert not m.ServiceItem.objects.exists()
    assert not m.Region.objects.exists()
    assert not AuditEntry.objects.exists()


def test_every_bad_row_is_reported_with_its_row_number(catalog_data):
    second = dict(catalog_data["items"][0], code="420683-XK-002", online_depth=7)
    third = dict(catalog_data["items"][0], code="420683-XK-003", handling_mode="fast")
    catalog_data["items"] += [second, third]
    with pytest.raises(ValidationFailed) as info:
        apply_catalog(actor=None, data=catalog_data)
    rows = {(i.field, i.row) for i in info.value.issues}
    assert ("items.online_depth", 3) in rows
    assert ("items.handling_mode", 4) in rows
    body = info.value.as_dict()
    assert body["errors"][0]["message"] and body["errors"][0]["message_en"]


def test_transfer_of_a_non_licensing_item_is_refused(catalog_data):
    catalog_data["items"][0]["item_type"] = "public_service"
    with pytest.raises(ValidationFailed) as info:
        apply_catalog(actor=None, data=catalog_data)
    assert ("transfers.item", "transfer_not_licensing") in _codes(info.value)


def test_publish_item_version_only_when_content_changed(catalog_data):
    apply_catalog(actor=None, data=catalog_data)
    item = m.ServiceItem.objects.get()
    assert publish_item_version(actor=None, item=item, note="no change") is None
    item.conditions = "新的受理条件"
    item.save()
    version = publish_item_version(actor=None, item=item, note="条件调整")
    assert version.number == 2
    assert AuditEntry.objects.filter(action="catalog.item_version_published").count() == 1
