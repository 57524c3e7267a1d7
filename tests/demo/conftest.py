import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from django.db import transaction
from django.test import override_settings

# Ten demo passwords hashed with the production hasher take seconds; MD5 is fine inside a test DB.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _simulator_key() -> str:
    raw = Ed25519PrivateKey.generate().private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return base64.b64encode(raw).decode()


@pytest.fixture(scope="module")
def demo_settings(tmp_path_factory):
    """Uploads of the demo cases and the issuers' keys in temporary folders; the payment simulator with a throw-away key."""
    return override_settings(
        PASSWORD_HASHERS=FAST_HASHERS, ONESEAL_UPLOAD_ROOT=tmp_path_factory.mktemp("uploads"),
        ONESEAL_LICENCE_KEY_DIR=tmp_path_factory.mktemp("keys"),
        PAYMENT_PROVIDER="simulator", PAYMENT_SIMULATOR_PRIVATE_KEY=_simulator_key(), PAYMENT_PLATFORM_PUBLIC_KEY="",
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
    )


@pytest.fixture(scope="module")
def zaoyang(django_db_setup, django_db_blocker, demo_settings):
    """The Zaoyang scenario, loaded once per module inside a transaction that is rolled back after
    the module, so other test modules still start from an empty database."""
    from oneseal.demo.loader import load_scenario

    with demo_settings, django_db_blocker.unblock(), transaction.atomic():
        result = load_scenario()
        yield result
        transaction.set_rollback(True)
