import threading

import pytest
from django.db import connection, transaction
from stdnum.iso7064 import mod_37_36

from oneseal.licenses.numbering import check_number, format_number, is_valid_number, next_licence_number


def test_the_documented_example():
    """docs/licences.md: issuer SPJ, type YYZZ, 2026, serial 123."""
    assert format_number("SPJ", "YYZZ", 2026, 123) == "SPJ-YYZZ-2026-000123-" + mod_37_36.calc_check_digit(
        "SPJYYZZ2026000123")
    assert is_valid_number(format_number("spj", "yyzz", 2026, 123))


@pytest.mark.parametrize("bad", ["", "SPJ-YYZZ-2026-000123", "SPJ_YYZZ_2026_000123_X", "SPJ-Y-2026-000123-0",
                                 "SPJ-YYZZ-26-000123-0", "SPJ-YYZZ-2026-000123-00", "<script>-YYZZ-2026-000123-0"])
def test_malformed_numbers_are_refused(bad):
    assert not is_valid_number(bad)


def test_every_single_character_mistake_is_caught():
    number = format_number("SPJ", "YYZZ", 2026, 123)
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for i, ch in enumerate(number):
        if ch == "-":
            continue
        for other in alphabet:
            if other != ch:
                mistyped = number[:i] + other + number[i + 1:]
                assert not is_valid_number(mistyped), mistyped


def test_check_number_normalises_case_and_spaces():
    number = format_number("SPJ", "YYZZ", 2026, 7)
    assert check_number(f"  {number.lower()} ") == number


@pytest.mark.django_db
def test_serials_count_up_per_issuer_type_and_year():
    with transaction.atomic():
        numbers = [next_licence_number("SPJ", "YYZZ", 2026), next_licence_number("SPJ", "YYZZ", 2026),
                   next_licence_number("SPJ", "SPJY", 2026), next_licence_number("SPJ", "YYZZ", 2027)]
    assert [n.split("-")[3] for n in numbers] == ["000001", "000002", "000001", "000001"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (SQLite has one writer)")
def test_concurrent_issuers_never_get_the_same_number():
    taken: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(4)

    def worker():
        try:
            start.wait()
            for _n in range(40):
                with transaction.atomic():
                    number = next_licence_number("SPJ", "YYZZ", 2026)
                with lock:
                    taken.append(number)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(taken) == 160 and len(set(taken)) == 160
    assert sorted(int(n.split("-")[3]) for n in taken) == list(range(1, 161))


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (SQLite has one writer)")
def test_concurrent_first_issuances_create_one_key(settings, tmp_path):
    from oneseal.licenses.keys import active_key
    from oneseal.licenses.models import IssuerKey
    from tests.factories import BureauFactory

    settings.ONESEAL_LICENCE_KEY_DIR = tmp_path / "keys"
    bureau = BureauFactory()
    start = threading.Barrier(4)
    errors: list[Exception] = []

    def worker():
        try:
            start.wait()
            with transaction.atomic():
                active_key(bureau)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and IssuerKey.objects.filter(department=bureau).count() == 1
