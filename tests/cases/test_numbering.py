import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from oneseal.cases.models import CaseSequence
from oneseal.cases.numbering import next_case_number, next_notice_number, next_serial


@pytest.mark.django_db
def test_serials_start_at_one_and_count_up_per_key():
    with transaction.atomic():
        assert [next_serial("a"), next_serial("a"), next_serial("b")] == [1, 2, 1]
    assert CaseSequence.objects.get(key="a").last == 2


@pytest.mark.django_db
def test_a_case_number_is_region_date_and_a_daily_serial():
    with transaction.atomic():
        first = next_case_number("420683", dt.date(2026, 11, 25))
        second = next_case_number("420683", dt.date(2026, 11, 25))
        next_day = next_case_number("420683", dt.date(2026, 11, 26))
    assert (first, second, next_day) == ("420683-20261125-00001", "420683-20261125-00002", "420683-20261126-00001")


@pytest.mark.django_db
def test_a_serial_taken_in_a_rolled_back_transaction_is_given_again():
    with pytest.raises(RuntimeError), transaction.atomic():
        next_serial("k")
        raise RuntimeError
    with transaction.atomic():
        assert next_serial("k") == 1


@pytest.mark.django_db
def test_notice_numbers_follow_the_bureau_style():
    with transaction.atomic():
        number = next_notice_number("acceptance", 2026)
    assert "2026" in number and number.endswith("号")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (SQLite has one writer)")
def test_concurrent_transactions_never_get_the_same_serial():
    taken: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(4)

    def worker():
        try:
            start.wait()
            for _n in range(50):
                with transaction.atomic():
                    serial = next_serial("race")
                with lock:
                    taken.append(serial)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(taken) == list(range(1, 201))
