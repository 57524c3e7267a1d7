import pytest

from oneseal.catalog import models as m
from oneseal.catalog.services import apply_catalog
from tests.factories import ServiceItemFactory, TransferFactory, WindowFactory, ZoneFactory

pytestmark = pytest.mark.django_db


def test_items_search_filters_and_pages(client):
    zone = ZoneFactory(code="QYKB")
    ServiceItemFactory.create_batch(25, zone=zone, name="企业设立登记", visits_required=0)
    ServiceItemFactory.create_batch(3, name="建筑工程施工许可", visits_required=2, high_frequency=False)
    body = client.get("/api/v1/items", {"zone": "QYKB", "page_size": 10, "page": 3}).json()
    assert (body["count"], body["pages"], body["page"], len(body["results"])) == (25, 3, 3, 5)
    assert client.get("/api/v1/items", {"q": "施工"}).json()["count"] == 3
    assert client.get("/api/v1/items", {"visits": 2}).json()["count"] == 3
    assert client.get("/api/v1/items", {"one_visit": "true"}).json()["count"] == 25
    assert client.get("/api/v1/items", {"high_frequency": "false"}).json()["count"] == 3


def test_repealed_items_are_not_listed(client):
    ServiceItemFactory(status=m.ItemStatus.REPEALED)
    assert client.get("/api/v1/items").json()["count"] == 0


@pytest.mark.parametrize(("params", "field"), [
    ({"online_depth": 9}, "online_depth"),
    ({"page": 0}, "page"),
    ({"page_size": 1000}, "page_size"),
    ({"type": "nonsense"}, "type"),
    ({"visits": "two"}, "visits"),
])
def test_bad_search_parameters_get_422_naming_the_field(client, params, field):
    response = client.get("/api/v1/items", params)
    assert response.status_code == 422
    body = response.json()
    assert body["errors"][0]["field"] == field
    assert body["errors"][0]["message"] and body["errors"][0]["message_en"]


def test_item_detail_discloses_every_element(client, catalog_data):
    apply_catalog(actor=None, data=catalog_data)
    body = client.get("/api/v1/items/420683-XK-001").json()
    for key in ("legal_basis", "conditions", "procedure", "statutory_limit", "committed_limit", "place",
                "office_hours", "consultation_channel", "complaint_channel", "visits_required", "online_depth",
                "handling_mode", "supervising_department", "implementing_body", "original_department"):
        assert body[key] not in (None, ""), key
    assert [mat["name"] for mat in body["materials"]] == ["食品经营许可申请书", "营业执照"]
    assert body["special_procedures"][0]["kind"] == "site_inspection"
    assert body["transfer"]["status"] == "transferred"
    assert body["versions"][0]["number"] == 1


def test_unknown_item_is_404_with_a_bilingual_message(client):
    response = client.get("/api/v1/items/NOPE")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found" and "NOPE" in response.json()["message_en"]


def test_version_diff_api(client, catalog_data):
    apply_catalog(actor=None, data=catalog_data)
    catalog_data["items"][0]["legal_basis"] = "新的法律依据"
    apply_catalog(actor=None, data=catalog_data)
    body = client.get("/api/v1/items/420683-XK-001/diff", {"from": 1, "to": 2}).json()
    assert [c["field"] for c in body["changes"]] == ["legal_basis"]
    assert client.get("/api/v1/items/420683-XK-001/diff", {"from": 1, "to": 7}).status_code == 404


def test_reform_stats_are_computed_from_the_database(client):
    bureau_zone = ZoneFactory()
    WindowFactory.create_batch(3, zone=bureau_zone)
    TransferFactory.create_batch(4)
    pending = TransferFactory.create_batch(2, status=m.TransferStatus.PENDING)
    ServiceItemFactory(item_type=m.ItemType.PUBLIC_SERVICE, visits_required=2)
    body = client.get("/api/v1/stats/reform").json()
    assert body["zones"] == m.Zone.objects.count()
    assert body["hall_departments"] == 3
    assert (body["licensing_items"], body["licensing_transferred"], body["licensing_pending"]) == (6, 4, 2)
    assert body["pending_departments"] == len({t.from_department_id for t in pending})
    assert body["items"] == 7 and body["one_visit_items"] == 6


def test_openapi_document_is_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/items" in schema["paths"] and "/api/v1/stats/reform" in schema["paths"]


@pytest.mark.parametrize("url", ["/api/v1/items?q=%00", "/items/?q=%00"])
def test_nul_characters_in_a_query_string_are_dropped_before_any_query(client, url):
    ServiceItemFactory(name="食品经营许可")
    assert client.get(url).status_code == 200


def test_a_nul_in_a_json_body_is_refused_on_postgresql_and_harmless_on_sqlite(client, user_in_role):
    from oneseal.accounts.roles import RoleCode

    client.force_login(user_in_role(RoleCode.WINDOW_CLERK))
    response = client.post("/api/v1/cases/X-1/refuse", data='{"reason": "a\\u0000b", "legal_basis": "x"}',
                           content_type="application/json")
    assert response.status_code in (404, 422)
