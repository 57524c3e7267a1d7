"""kernel.rows: statements built once write and read exactly what the ORM writes and reads."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from oneseal.catalog import models as cm
from oneseal.kernel import rows
from tests.factories import DepartmentFactory, RegionFactory, ServiceItemFactory

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 10, 8, 9, 30, 15, 123456, tzinfo=dt.UTC)


def _version(item, number=1, **snapshot):
    return cm.ItemVersion(item=item, number=number, snapshot={"name": "食品经营许可", "n": [1, 2], **snapshot},
                          change_note="说明", published_at=AT, published_by="审批局")


def test_insert_sets_the_primary_key_and_the_orm_reads_back_the_same_values():
    item = ServiceItemFactory()
    version = rows.insert(_version(item))
    assert version.pk is not None and not version._state.adding
    stored = cm.ItemVersion.objects.get(pk=version.pk)
    assert (stored.item_id, stored.number, stored.snapshot, stored.published_at, stored.change_note) == (
        item.pk, 1, {"name": "食品经营许可", "n": [1, 2]}, AT, "说明")


def test_insert_many_writes_every_row():
    item = ServiceItemFactory()
    rows.NOW.insert_many([_version(item, 1), _version(item, 2)])
    assert list(item.versions.order_by("number").values_list("number", flat=True)) == [1, 2]


def test_update_writes_only_the_named_fields():
    region = RegionFactory(code="420600", name="襄阳市")
    cm.Region.objects.filter(pk=region.pk).update(name_en="Xiangyang")  # another writer's change
    region.name = "襄阳"
    region.name_en = "stale"
    rows.NOW.update(region, ["name"])
    region.refresh_from_db()
    assert (region.name, region.name_en) == ("襄阳", "Xiangyang")


def test_loader_reads_what_select_related_reads_with_no_query_for_the_related_rows():
    item = ServiceItemFactory()
    version = rows.insert(_version(item))
    expected = cm.ItemVersion.objects.select_related("item").get(pk=version.pk)
    loaded = rows.Loader(cm.ItemVersion, ("item",)).get(version.pk)
    with CaptureQueriesContext(connection) as queries:
        related = loaded.item
    assert len(queries) == 0
    assert type(loaded) is cm.ItemVersion and not loaded._state.adding
    assert (loaded.snapshot, loaded.published_at, related.code, related.implementing_body_id) == (
        expected.snapshot, expected.published_at, expected.item.code, expected.item.implementing_body_id)


def test_loader_reads_only_the_named_fields_of_a_relation_and_the_rest_on_first_access():
    item = ServiceItemFactory(conditions="只读这一项时再取")
    version = rows.insert(_version(item))
    loaded = rows.Loader(cm.ItemVersion, ("item",), only={"item": ("code",)}).get(version.pk)
    with CaptureQueriesContext(connection) as queries:
        assert (loaded.item.pk, loaded.item.code) == (item.pk, item.code)
    assert len(queries) == 0
    assert loaded.item.get_deferred_fields() >= {"conditions", "name"}
    with CaptureQueriesContext(connection) as queries:
        assert loaded.item.conditions == "只读这一项时再取"
    assert len(queries) == 1


def test_loader_gives_none_for_a_foreign_key_that_names_no_row():
    city = RegionFactory()
    assert city.parent_id is None
    loaded = rows.Loader(cm.Region, ("parent",)).get(city.pk)
    with CaptureQueriesContext(connection) as queries:
        assert loaded.parent is None
    assert len(queries) == 0


def test_loader_raises_does_not_exist_for_an_unknown_row():
    with pytest.raises(cm.Region.DoesNotExist):
        rows.Loader(cm.Region).get(987654321)


def test_loader_takes_another_condition_and_extra_expressions():
    item = ServiceItemFactory()
    rows.NOW.insert_many([_version(item, 1), _version(item, 3), _version(item, 2)])
    latest = rows.Loader(cm.ItemVersion, where="t0.item_id = %s ORDER BY t0.number DESC LIMIT 1").get(item.pk)
    assert latest.number == 3
    counted = rows.Loader(cm.ServiceItem, extra={"versions_over": (
        "(SELECT count(*) FROM catalog_itemversion v WHERE v.item_id = t0.id AND v.number > %s)", [1])}).get(item.pk)
    assert counted.versions_over == 2


def test_a_batch_sends_nothing_until_it_is_flushed():
    department = DepartmentFactory()
    writes = rows.Batch()
    department.name = "改名后的部门"
    writes.update(department, ["name"])
    item = ServiceItemFactory()
    writes.insert(_version(item, 7))
    assert cm.ItemVersion.objects.filter(item=item).count() == 0
    assert cm.Department.objects.get(pk=department.pk).name != "改名后的部门"
    writes.flush()
    assert cm.ItemVersion.objects.filter(item=item, number=7).count() == 1
    assert cm.Department.objects.get(pk=department.pk).name == "改名后的部门"


def test_a_second_update_of_a_row_in_a_batch_sends_the_first_before_it():
    region = RegionFactory(code="420601", name="一")
    writes = rows.Batch()
    region.name = "二"
    writes.update(region, ["name"])
    region.name_en = "three"
    writes.update(region, ["name_en"])
    assert cm.Region.objects.get(pk=region.pk).name == "二"  # the first went when the second came
    writes.flush()
    assert cm.Region.objects.filter(pk=region.pk).values_list("name", "name_en").get() == ("二", "three")


def test_a_batch_never_flushed_writes_nothing():
    item = ServiceItemFactory()
    writes = rows.Batch()
    writes.insert(_version(item, 1))
    del writes
    assert not cm.ItemVersion.objects.filter(item=item).exists()


def test_now_writes_at_once_and_reads_back_the_primary_key():
    item = ServiceItemFactory()
    version = rows.NOW.insert(_version(item))
    assert cm.ItemVersion.objects.filter(pk=version.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_failing_statement_in_a_batch_raises_djangos_error_and_the_transaction_keeps_nothing():
    item = ServiceItemFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.execute("UPDATE catalog_serviceitem SET name = %s WHERE id = %s", ["已改名", item.pk])
        writes = rows.Batch()
        writes.insert(_version(item, 1))
        writes.insert(_version(item, 1))  # item_version_unique
        writes.flush()
    item.refresh_from_db()
    assert item.name != "已改名"
    assert not cm.ItemVersion.objects.filter(item=item).exists()


def test_fetch_and_execute_run_hand_written_statements():
    item = ServiceItemFactory()
    assert rows.execute("UPDATE catalog_serviceitem SET committed_limit = %s WHERE id = %s", [3, item.pk]) == 1
    at = rows.db_value(cm.ItemVersion, "published_at", timezone.now())
    rows.insert(_version(item))
    assert rows.fetch("SELECT number FROM catalog_itemversion WHERE item_id = %s AND published_at < %s",
                      [item.pk, at]) == [(1,)]
    item.refresh_from_db()
    assert item.committed_limit == 3


def test_a_percent_sign_is_written_twice_and_reaches_the_server_once():
    item = ServiceItemFactory(name="100%纯")
    assert rows.fetch("SELECT name FROM catalog_serviceitem WHERE id = %s AND name LIKE '%%纯'", [item.pk]) == [
        ("100%纯",)]


def test_postgresql_notation_numbers_the_placeholders_in_order():
    assert rows._native("SELECT %s, '%%', %s FROM t WHERE a = %s") == "SELECT $1, '%', $2 FROM t WHERE a = $3"


def test_a_placeholder_other_than_percent_s_is_refused():
    with pytest.raises(ValueError, match="only %s and %%"):
        rows._native("SELECT %(name)s")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_on_postgresql_the_statements_are_prepared_once_per_connection():
    item = ServiceItemFactory()
    loader = rows.Loader(cm.ServiceItem, ("implementing_body",))
    for _n in range(3):
        loader.get(item.pk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                       ['%FROM "catalog_serviceitem" t0 LEFT JOIN "catalog_department"%'])
        assert cursor.fetchone()[0] == 1
