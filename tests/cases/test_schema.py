"""The tables every case step writes carry only the indexes something reads (decision 0008), and what
was unique stays unique."""

import pytest
from django.db import IntegrityError, connection, transaction

from oneseal.cases.models import Case

from .test_services import submit

pytestmark = pytest.mark.django_db

HOT_TABLES = ["cases_case", "cases_casetask", "cases_notice", "kernel_auditentry", "kernel_domainevent"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="LIKE-pattern indexes are PostgreSQL's")
def test_no_table_a_step_writes_has_a_like_pattern_index():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = ANY(%s) AND indexdef LIKE %s",
                       [HOT_TABLES, "%pattern_ops%"])
        assert cursor.fetchall() == []


def test_a_case_number_and_an_idempotency_key_stay_unique(world):
    case = submit(world, idempotency_key="k-1")
    other = submit(world)
    for field, value in (("number", case.number), ("idempotency_key", "k-1")):
        with pytest.raises(IntegrityError), transaction.atomic():
            Case.objects.filter(pk=other.pk).update(**{field: value})


def test_any_number_of_cases_may_have_no_idempotency_key(world):
    submit(world)
    submit(world)
    assert Case.objects.filter(idempotency_key__isnull=True).count() == 2
