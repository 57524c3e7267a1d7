import pytest
from django.db import transaction
from django.test import override_settings

# Ten demo passwords hashed with the production hasher take seconds; MD5 is fine inside a test DB.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def zaoyang(django_db_setup, django_db_blocker):
    """The Zaoyang scenario, loaded once per module inside a transaction that is rolled back after
    the module, so other test modules still start from an empty database."""
    from oneseal.demo.loader import load_scenario

    with override_settings(PASSWORD_HASHERS=FAST_HASHERS), django_db_blocker.unblock(), transaction.atomic():
        result = load_scenario()
        yield result
        transaction.set_rollback(True)
