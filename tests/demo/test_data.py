"""The scenario's data itself: counts, uniqueness and consistency, before anything is written."""

import re
from collections import Counter

import pytest

from oneseal.demo.zaoyang import build_catalog
from oneseal.demo.zaoyang.items import TYPE_CODES
from oneseal.demo.zaoyang.people import DEMO_ACCOUNTS, HALL_STAFF, everyone, hall_staff

# Minutes of office time in one working day of the hall (08:30-12:00, 14:30-17:30).
MINUTES = {"working_minutes": 1, "working_hours": 60, "working_days": 390}


@pytest.fixture(scope="module")
def data():
    return build_catalog()


def test_building_twice_gives_the_same_data(data):
    assert build_catalog() == data


def test_item_counts(data):
    items = data["items"]
    assert len(items) == 496
    assert Counter(i["item_type"] for i in items)["licensing"] == 142
    assert {i["item_type"] for i in items} == set(TYPE_CODES)
    assert sum(i["visits_required"] <= 1 for i in items) == 184
    assert all(i["high_frequency"] == (i["visits_required"] <= 1) for i in items)
    assert {i["visits_required"] for i in items if not i["high_frequency"]} == {2}


def test_transfers(data):
    transfers = data["transfers"]
    licensing = {i["code"] for i in data["items"] if i["item_type"] == "licensing"}
    assert {t["item"] for t in transfers} == licensing
    assert len({t["from_department"] for t in transfers}) == 19
    status = Counter(t["status"] for t in transfers)
    assert (status["transferred"], status["pending"]) == (82, 60)
    assert len({t["from_department"] for t in transfers if t["status"] == "pending"}) == 5


def test_hall(data):
    assert len(data["zones"]) == 7
    assert len({w["department"] for w in data["windows"]}) == 20
    assert len({(w["zone"], w["number"]) for w in data["windows"]}) == len(data["windows"])


def test_codes_and_names_are_unique(data):
    for sheet, key in (("regions", "code"), ("departments", "code"), ("zones", "code"), ("items", "code"),
                       ("items", "name")):
        values = [row[key] for row in data[sheet]]
        assert len(values) == len(set(values)), (sheet, key)
    materials = [(m["item"], m["name"]) for m in data["materials"]]
    assert len(materials) == len(set(materials))


def test_item_codes_follow_the_documented_structure(data):
    pattern = re.compile(r"^420683-(XK|QR|CJ|JF|JL|BA|QT|GG)-[A-Z]+-\d{3}$")
    departments = {d["code"] for d in data["departments"]}
    for item in data["items"]:
        assert pattern.match(item["code"]), item["code"]
        assert item["code"].split("-")[2] == item["original_department"] in departments
        assert item["code"].split("-")[1] == TYPE_CODES[item["item_type"]]


def test_committed_limits_never_exceed_statutory_ones(data):
    for item in data["items"]:
        committed = item["committed_limit"] * MINUTES[item["committed_limit_unit"]]
        statutory = item["statutory_limit"] * MINUTES[item["statutory_limit_unit"]]
        assert 0 < committed <= statutory, item["name"]


def test_every_item_discloses_what_the_law_asks(data):
    per_item = Counter(m["item"] for m in data["materials"])
    fees = {f["item"] for f in data["fees"]}
    for item in data["items"]:
        assert item["legal_basis"] and item["conditions"] and item["place"] and item["office_hours"]
        assert item["consultation_channel"] and item["complaint_channel"]
        assert 1 <= per_item[item["code"]] <= 6, item["name"]
        assert item["is_free"] == (item["code"] not in fees)
    assert 0 < len(fees) < len(data["items"]) / 4
    assert any(m["licence_replaceable"] and m["licence_type"] == "营业执照" for m in data["materials"])
    assert any(m["licence_replaceable"] and m["licence_type"] == "居民身份证" for m in data["materials"])


def test_procedures_are_known(data):
    assert {i["procedure"] for i in data["items"]} == {
        "on_the_spot", "standard", "site_inspection", "expert_review", "public_notice"}
    # 告知承诺 is the applicant's choice on items that allow it, not an item's procedure
    assert {i["commitment_mode"] for i in data["items"] if i.get("commitment_mode")} == {"notify", "build_first"}
    assert all(i["handling_mode"] == "on_the_spot" for i in data["items"] if i["procedure"] == "on_the_spot")


def test_staff_plan():
    staff = everyone()
    assert len(hall_staff()) == HALL_STAFF
    assert len({s.username for s in staff}) == len(staff)
    assert {a.role for a in DEMO_ACCOUNTS} == {
        "applicant", "window_clerk", "approver", "bureau_head", "regulator", "supervisor", "trading_staff",
        "bidder", "expert", "administrator", "credit_officer"}
    assert all(s.password is None for s in staff if not s.username.startswith("demo-"))


@pytest.mark.django_db
def test_the_catalog_service_finds_no_issue(data):
    from oneseal.catalog.services import clean_catalog

    _clean, issues = clean_catalog(data)
    assert [str(i) for i in issues] == []
