"""The payment provider interface, the notification signature scheme, and the provider registry.

The real target is the provincial non-tax revenue payment platform (非税收入统一缴费平台), reached
over HTTP. `SimulatorProvider` talks to the in-process simulator and verifies its notifications
with the same scheme a real provider must use (docs/payments.md):

    headers  X-Payment-Timestamp: <unix seconds>
             X-Payment-Nonce:     <notification id, 16–64 of [0-9A-Za-z_-]>
             X-Payment-Signature: <base64 Ed25519 signature>
    signed   b"<timestamp>\\n<nonce>\\n" + body      (body: canonical JSON, UTF-8, as sent)

The signature covers the raw body bytes as received, so any change after signing fails; the
timestamp must be within PAYMENT_NOTIFICATION_MAX_AGE seconds of now (either way); the nonce is
the replay guard the service stores with a unique constraint.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from oneseal.kernel.errors import DomainError

if TYPE_CHECKING:
    from .models import PaymentOrder

TIMESTAMP_HEADER = "X-Payment-Timestamp"
NONCE_HEADER = "X-Payment-Nonce"
SIGNATURE_HEADER = "X-Payment-Signature"
DEFAULT_MAX_AGE = 300
_NONCE = re.compile(r"^[0-9A-Za-z_-]{16,64}$")
_TXN = re.compile(r"^[0-9A-Za-z_-]{1,64}$")


class PaymentErrorCode:
    """Stable codes of the refusals raised while reading a notification."""

    MISSING_HEADERS = "missing_signature_headers"
    BAD_SIGNATURE = "bad_signature"
    STALE = "stale_notification"
    MALFORMED = "malformed_notification"


# --- payment codes ------------------------------------------------------------------------------

def luhn_check_digit(digits: str) -> str:
    """The Luhn digit that makes `digits + check` valid (catches any single wrong digit and most
    swaps of neighbours, the typing errors a payer makes reading a code off a fee notice)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        n = int(char)
        if index % 2 == 0:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return str((10 - total % 10) % 10)


def make_payment_code(on: dt.date) -> str:
    """20 digits: YYMMDD of issue, 13 random digits, a Luhn check digit."""
    body = on.strftime("%y%m%d") + "".join(secrets.choice("0123456789") for _ in range(13))
    return body + luhn_check_digit(body)


def payment_code_is_valid(code: str) -> bool:
    return len(code) == 20 and code.isdigit() and luhn_check_digit(code[:-1]) == code[-1]


# --- keys ---------------------------------------------------------------------------------------

def _load_private(text: str) -> Ed25519PrivateKey:
    text = text.strip()
    if text.startswith("-----"):
        key = serialization.load_pem_private_key(text.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("not an Ed25519 private key")
        return key
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(text))


def _load_public(text: str) -> Ed25519PublicKey:
    text = text.strip()
    if text.startswith("-----"):
        key = serialization.load_pem_public_key(text.encode())
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("not an Ed25519 public key")
        return key
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(text))


def _generated_key_path() -> Path:
    return Path(settings.VAR_DIR) / "payments" / "simulator_platform_ed25519.pem"


@lru_cache(maxsize=8)
def _private_from_file(path: Path) -> Ed25519PrivateKey:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        try:
            # Written once, readable only by its owner; a concurrent first use keeps the winner's key.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(pem)
        except FileExistsError:
            pass
    return _load_private(path.read_text())


def simulator_private_key() -> Ed25519PrivateKey:
    """The simulated platform's signing key: settings.PAYMENT_SIMULATOR_PRIVATE_KEY (PEM or base64 of
    the 32 raw bytes), else a key generated into ONESEAL_VAR/payments/ on first use."""
    configured = getattr(settings, "PAYMENT_SIMULATOR_PRIVATE_KEY", "")
    return _load_private(configured) if configured else _private_from_file(_generated_key_path())


def platform_public_key() -> Ed25519PublicKey:
    """The key notifications are verified with: settings.PAYMENT_PLATFORM_PUBLIC_KEY (PEM or base64
    raw), else the simulator's public key."""
    configured = getattr(settings, "PAYMENT_PLATFORM_PUBLIC_KEY", "")
    return _load_public(configured) if configured else simulator_private_key().public_key()


# --- the signature scheme -----------------------------------------------------------------------

def canonical_json(payload: Mapping[str, Any]) -> bytes:
    """Sorted keys, no spaces, UTF-8: the bytes a signer signs and sends."""
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def signed_message(timestamp: str, nonce: str, body: bytes) -> bytes:
    return f"{timestamp}\n{nonce}\n".encode() + body


def sign_notification(key: Ed25519PrivateKey, body: bytes, *, timestamp: int | None = None,
                      nonce: str | None = None) -> dict[str, str]:
    """The headers that carry a notification's signature."""
    ts = str(int(timezone.now().timestamp()) if timestamp is None else timestamp)
    nonce = nonce or secrets.token_hex(16)
    signature = key.sign(signed_message(ts, nonce, body))
    return {TIMESTAMP_HEADER: ts, NONCE_HEADER: nonce, SIGNATURE_HEADER: base64.b64encode(signature).decode()}


def _header(headers: Mapping[str, str], name: str) -> str:
    # HTTP header names are case-insensitive; Django's request.headers is too, a plain dict is not.
    for key, value in headers.items():
        if key.lower() == name.lower():
            return str(value).strip()
    return ""


@dataclass(frozen=True)
class VerifiedNotification:
    """A payment notification whose signature and timestamp have been checked."""

    notification_id: str
    signed_at: dt.datetime
    signature: str
    body: str
    payment_code: str
    txn_id: str
    amount_fen: int
    paid_at: dt.datetime


def verify_notification(public_key: Ed25519PublicKey, headers: Mapping[str, str], body: bytes, *,
                        max_age: int | None = None, now: dt.datetime | None = None) -> VerifiedNotification:
    """Check signature, then time window, then content; raise a DomainError naming the first fault."""
    ts, nonce, signature = (_header(headers, h) for h in (TIMESTAMP_HEADER, NONCE_HEADER, SIGNATURE_HEADER))
    if not (ts and nonce and signature):
        raise DomainError(PaymentErrorCode.MISSING_HEADERS,
                          _("The notification lacks its timestamp, nonce or signature header."))
    if not ts.isdigit() or len(ts) > 12 or not _NONCE.match(nonce):
        raise DomainError(PaymentErrorCode.BAD_SIGNATURE, _("The notification's signature is not valid."))
    try:
        public_key.verify(base64.b64decode(signature, validate=True), signed_message(ts, nonce, body))
    except (InvalidSignature, binascii.Error, ValueError) as exc:
        raise DomainError(PaymentErrorCode.BAD_SIGNATURE,
                          _("The notification's signature is not valid.")) from exc
    now = now or timezone.now()
    signed_at = dt.datetime.fromtimestamp(int(ts), tz=dt.UTC)
    window = DEFAULT_MAX_AGE if max_age is None else max_age
    if abs((now - signed_at).total_seconds()) > window:
        raise DomainError(PaymentErrorCode.STALE,
                          _("The notification was signed more than %(seconds)s seconds from now."), seconds=window)
    return _parse_body(nonce, signed_at, signature, body)


def _parse_body(nonce: str, signed_at: dt.datetime, signature: str, body: bytes) -> VerifiedNotification:
    malformed = DomainError(PaymentErrorCode.MALFORMED, _("The notification's content is not understood."))
    try:
        data = json.loads(body.decode())
        code, txn, amount = data["payment_code"], data["txn_id"], data["amount_fen"]
        paid_at = dt.datetime.fromisoformat(data["paid_at"])
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise malformed from exc
    if (data.get("status") != "paid" or not isinstance(code, str) or not payment_code_is_valid(code)
            or not isinstance(txn, str) or not _TXN.match(txn)
            or not isinstance(amount, int) or isinstance(amount, bool) or amount < 0
            or timezone.is_naive(paid_at)):
        raise malformed
    return VerifiedNotification(notification_id=nonce, signed_at=signed_at, signature=signature,
                                body=body.decode(), payment_code=code, txn_id=txn, amount_fen=amount,
                                paid_at=paid_at)


# --- the interface ------------------------------------------------------------------------------

@dataclass(frozen=True)
class StatementLine:
    """One line of the platform's daily statement (对账单)."""

    kind: str  # "payment" or "refund"
    payment_code: str
    txn_id: str
    amount_fen: int
    at: dt.datetime


class PaymentProvider(Protocol):
    """What the payments services need from a payment platform."""

    name: str

    def create_order(self, order: PaymentOrder) -> str:
        """Register the (unsaved) order with the platform; return its payment code (缴款码)."""

    def parse_notification(self, headers: Mapping[str, str], body: bytes) -> VerifiedNotification:
        """Verify and read a payment notification; raise DomainError if it is not genuine and fresh."""

    def refund(self, order: PaymentOrder, amount_fen: int) -> str:
        """Refund a paid order at the platform; return the platform's refund id."""

    def daily_statement(self, date: dt.date) -> list[StatementLine]:
        """Every payment and refund the platform booked on `date` (Asia/Shanghai)."""


class SimulatorProvider:
    """The provider for the local simulator of the provincial platform (oneseal.payments.simulator)."""

    name = "simulator"

    def create_order(self, order: PaymentOrder) -> str:
        from . import simulator

        return simulator.register_order(reference=order.reference, payer_name=order.payer_name,
                                        amount_fen=order.total_fen)

    def parse_notification(self, headers: Mapping[str, str], body: bytes) -> VerifiedNotification:
        return verify_notification(platform_public_key(), headers, body,
                                   max_age=getattr(settings, "PAYMENT_NOTIFICATION_MAX_AGE", DEFAULT_MAX_AGE))

    def refund(self, order: PaymentOrder, amount_fen: int) -> str:
        from . import simulator

        return simulator.refund(order.payment_code, amount_fen)

    def daily_statement(self, date: dt.date) -> list[StatementLine]:
        from . import simulator

        return simulator.daily_statement(date)


PROVIDERS: dict[str, str] = {"simulator": "oneseal.payments.provider.SimulatorProvider"}


def get_provider() -> PaymentProvider:
    """The provider named by settings.PAYMENT_PROVIDER: a key of PROVIDERS or a dotted class path."""
    name = getattr(settings, "PAYMENT_PROVIDER", "simulator")
    return import_string(PROVIDERS.get(name, name))()
