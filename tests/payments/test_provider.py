import datetime as dt
import stat

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from oneseal.kernel.errors import DomainError
from oneseal.payments import provider
from oneseal.payments.provider import (
    SimulatorProvider,
    canonical_json,
    get_provider,
    luhn_check_digit,
    make_payment_code,
    payment_code_is_valid,
    sign_notification,
    verify_notification,
)

PAYLOAD = {"status": "paid", "payment_code": make_payment_code(dt.date(2025, 3, 1)), "txn_id": "T1",
           "amount_fen": 100, "paid_at": "2025-03-01T10:00:00+08:00"}


def test_payment_code_format():
    code = make_payment_code(dt.date(2025, 3, 1))
    assert len(code) == 20 and code.isdigit() and code.startswith("250301")
    assert payment_code_is_valid(code)


def test_payment_code_check_digit_catches_any_single_wrong_digit():
    code = make_payment_code(dt.date(2025, 3, 1))
    for position in range(20):
        for digit in "0123456789":
            if digit != code[position]:
                assert not payment_code_is_valid(code[:position] + digit + code[position + 1:])


def test_luhn_known_value():
    assert luhn_check_digit("7992739871") == "3"


def test_signature_round_trip_and_case_insensitive_headers():
    key = Ed25519PrivateKey.generate()
    body = canonical_json(PAYLOAD)
    headers = {k.lower(): v for k, v in sign_notification(key, body).items()}
    note = verify_notification(key.public_key(), headers, body)
    assert (note.payment_code, note.amount_fen, note.txn_id) == (PAYLOAD["payment_code"], 100, "T1")


def test_a_configured_public_key_verifies_and_a_wrong_one_refuses(settings):
    key = Ed25519PrivateKey.generate()
    settings.PAYMENT_PLATFORM_PUBLIC_KEY = key.public_key().public_bytes(
        Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()
    body = canonical_json(PAYLOAD)
    assert SimulatorProvider().parse_notification(sign_notification(key, body), body).txn_id == "T1"
    with pytest.raises(DomainError) as exc:
        SimulatorProvider().parse_notification(sign_notification(Ed25519PrivateKey.generate(), body), body)
    assert exc.value.code == "bad_signature"


def test_time_window_is_a_setting(settings):
    key = Ed25519PrivateKey.generate()
    settings.PAYMENT_PLATFORM_PUBLIC_KEY = key.public_key().public_bytes(Encoding.PEM,
                                                                          PublicFormat.SubjectPublicKeyInfo).decode()
    settings.PAYMENT_NOTIFICATION_MAX_AGE = 10
    body = canonical_json(PAYLOAD)
    old = int(dt.datetime.now(dt.UTC).timestamp()) - 60
    with pytest.raises(DomainError) as exc:
        SimulatorProvider().parse_notification(sign_notification(key, body, timestamp=old), body)
    assert exc.value.code == "stale_notification"


def test_platform_key_is_generated_into_the_var_folder_on_first_use(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.PAYMENT_SIMULATOR_PRIVATE_KEY = ""
    first = provider.simulator_private_key()
    path = tmp_path / "payments" / "simulator_platform_ed25519.pem"
    assert path.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    provider._private_from_file.cache_clear()
    again = provider.simulator_private_key()
    assert first.public_key().public_bytes_raw() == again.public_key().public_bytes_raw()
    assert provider.platform_public_key().public_bytes_raw() == first.public_key().public_bytes_raw()


def test_provider_is_chosen_by_setting(settings):
    settings.PAYMENT_PROVIDER = "simulator"
    assert isinstance(get_provider(), SimulatorProvider)
    settings.PAYMENT_PROVIDER = "oneseal.payments.provider.SimulatorProvider"
    assert isinstance(get_provider(), SimulatorProvider)
