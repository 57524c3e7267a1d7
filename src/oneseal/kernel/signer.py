"""Signatures of electronic licences and e-seals (电子证照 / 电子印章): one signer, two algorithms.

- ``ed25519`` (the default): RFC 8032 through `cryptography`. Private key: the 32-byte seed; public
  key: the 32-byte encoded point; signature: 64 bytes.
- ``sm2-sm3`` (国密 SM2 with SM3, GB/T 32918.2 / GM/T 0003.2, signature format GM/T 0009), when the
  compiled GmSSL binding `gmssl-pyx` is importable. Curve sm2p256v1 (GB/T 32918.5); the signer's
  user id is the default ``1234567812345678`` (GM/T 0009), so e = SM3(Z_A ‖ M) with
  Z_A = SM3(ENTL ‖ ID ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A). The nonce k of every signature comes from
  GmSSL's `rand_bytes` (the kernel's /dev/urandom), never from Python's `random`.
  Private key: DER ECPrivateKey (RFC 5915 / SEC 1 C.4, the form GmSSL and OpenSSL write for SM2
  keys) with the curve's OID and the public key, always 121 bytes; public key: the uncompressed
  point 04 ‖ x ‖ y, 65 bytes; signature: DER SEQUENCE { r INTEGER, s INTEGER } (GM/T 0009), at most
  72 bytes.

`verify` answers False for any bad signature, key or message and never raises for bad input; only an
unknown algorithm name (configuration, not input) raises `UnsupportedAlgorithm`. Keys and signatures
may be passed as bytes, bytearray or memoryview (PostgreSQL hands a BinaryField back as memoryview).

The pure-Python `gmssl` package is deliberately not used: it is ~100× slower and draws the SM2 nonce
from `random` (see docs/decisions/0006-signer.md).
"""

from __future__ import annotations

import hashlib
import importlib
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.utils.translation import gettext_lazy as _

from .errors import DomainError

try:  # a compiled C extension of GmSSL 3; without it only Ed25519 is offered
    _gmssl: Any = importlib.import_module("gmssl_pyx")
except ImportError:  # pragma: no cover - exercised only where the wheel is missing
    _gmssl = None

ED25519 = "ed25519"
SM2_SM3 = "sm2-sm3"
KNOWN_ALGORITHMS = (ED25519, SM2_SM3)
ALGORITHMS: tuple[str, ...] = (ED25519, SM2_SM3) if _gmssl is not None else (ED25519,)
DEFAULT_ALGORITHM = ED25519

SM2_DEFAULT_USER_ID = b"1234567812345678"

# sm2p256v1, GB/T 32918.5-2017 (推荐曲线参数).
_SM2_P = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
_SM2_A = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC
_SM2_B = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93
_SM2_N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
_SM2_GX = 0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7
_SM2_GY = 0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0

# ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING (32), [0] OID 1.2.156.10197.1.301,
# [1] BIT STRING (04 ‖ x ‖ y) }: a fixed layout, so it is written and read as a template.
_SM2_DER_HEAD = bytes.fromhex("307702010104" "20")
_SM2_DER_MIDDLE = bytes.fromhex("a00a06082a811ccf5501822d" "a144034200")
_SM2_PRIVATE_DER_LENGTH = len(_SM2_DER_HEAD) + 32 + len(_SM2_DER_MIDDLE) + 65  # 121
_SM2_PUBLIC_LENGTH = 65
_ED25519_KEY_LENGTH = 32
_ED25519_SIGNATURE_LENGTH = 64


class UnsupportedAlgorithm(DomainError):
    """The algorithm is unknown, or its library is not installed here."""

    def __init__(self, algorithm: object, message: Any = None, /, *, field: str = "algorithm", **params: Any):
        if message is not None:  # DomainError's own form, (code, message, field=…, **params)
            super().__init__(str(algorithm), message, field=field, **params)
            return
        super().__init__(
            "unsupported_algorithm",
            _("The signing algorithm %(algorithm)s is not available; available: %(available)s."),
            field="algorithm",
            algorithm=str(algorithm),
            available=", ".join(ALGORITHMS),
        )


class InvalidSigningKey(DomainError):
    """A private key that is not one of the algorithm's (wrong length, layout, range or pair)."""

    def __init__(self, algorithm: str):
        super().__init__(
            "invalid_signing_key",
            _("The private key is not a valid %(algorithm)s signing key."),
            field="private",
            algorithm=algorithm,
        )


@dataclass(frozen=True)
class KeyPair:
    """A signing key pair; see the module docstring for each algorithm's byte layout."""

    algorithm: str
    private: bytes
    public: bytes

    def __repr__(self) -> str:  # never print a private key
        fingerprint = hashlib.sha256(self.public).hexdigest()[:16]
        return f"KeyPair(algorithm={self.algorithm!r}, key_id={fingerprint!r})"


def available_algorithms() -> tuple[str, ...]:
    """The algorithms this installation can sign and verify with."""
    return ALGORITHMS


def configured_algorithm() -> str:
    """The algorithm new signatures use: settings.ONESEAL_SIGNING_ALGORITHM, else the default."""
    from django.conf import settings

    algorithm = getattr(settings, "ONESEAL_SIGNING_ALGORITHM", "") or DEFAULT_ALGORITHM
    _check_algorithm(algorithm)
    return algorithm


def generate_key(algorithm: str = DEFAULT_ALGORITHM) -> KeyPair:
    """A new random key pair."""
    _check_algorithm(algorithm)
    if algorithm == ED25519:
        key = Ed25519PrivateKey.generate()
        return KeyPair(
            ED25519,
            key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                              serialization.NoEncryption()),
            key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw),
        )
    public64, scalar = _sm2().sm2_key_generate()
    public = b"\x04" + public64
    return KeyPair(SM2_SM3, sm2_private_key_der(scalar, public), public)


def sign(algorithm: str, private: bytes, data: bytes) -> bytes:
    """Sign `data` with `private`. Raises UnsupportedAlgorithm or InvalidSigningKey."""
    _check_algorithm(algorithm)
    private, data = _as_bytes(private, "private"), _as_bytes(data, "data")
    if algorithm == ED25519:
        if len(private) != _ED25519_KEY_LENGTH:
            raise InvalidSigningKey(algorithm)
        return Ed25519PrivateKey.from_private_bytes(private).sign(data)
    scalar, public = _sm2_signing_key(private)
    return _sm2().sm2_sign_sm3_digest(scalar, sm2_digest(public, data))


def verify(algorithm: str, public: bytes, data: bytes, signature: bytes) -> bool:
    """True if `signature` is `public`'s signature of `data`; False for anything else, never raising
    for bad input. Raises UnsupportedAlgorithm only for an algorithm this installation lacks."""
    _check_algorithm(algorithm)
    try:
        public, data, signature = (_as_bytes(public, "public"), _as_bytes(data, "data"),
                                   _as_bytes(signature, "signature"))
    except TypeError:
        return False
    if algorithm == ED25519:
        return _ed25519_verify(public, data, signature)
    return _sm2_verify(public, data, signature)


def key_id(algorithm: str, public: bytes) -> str:
    """A short stable fingerprint of a public key: the first 16 hex digits of its SHA-256."""
    if algorithm not in KNOWN_ALGORITHMS:
        raise UnsupportedAlgorithm(algorithm)
    return hashlib.sha256(_as_bytes(public, "public")).hexdigest()[:16]


def sm3(data: bytes) -> bytes:
    """The SM3 digest (GB/T 32905-2016) of `data`, 32 bytes."""
    digest = hashes.Hash(hashes.SM3())
    digest.update(_as_bytes(data, "data"))
    return digest.finalize()


# --------------------------------------------------------------------------------------------------
# SM2 helpers (public for the tests and for importing keys made elsewhere).
# --------------------------------------------------------------------------------------------------

def sm2_private_key_der(scalar: bytes, public: bytes) -> bytes:
    """The DER ECPrivateKey of a 32-byte private scalar d and its public point 04 ‖ x ‖ y."""
    if len(scalar) != 32 or len(public) != _SM2_PUBLIC_LENGTH:
        raise InvalidSigningKey(SM2_SM3)
    return _SM2_DER_HEAD + bytes(scalar) + _SM2_DER_MIDDLE + bytes(public)


def sm2_z(public: bytes, user_id: bytes = SM2_DEFAULT_USER_ID) -> bytes:
    """Z_A = SM3(ENTL ‖ ID ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A) (GB/T 32918.2-2016 §5.5)."""
    entl = (len(user_id) * 8).to_bytes(2, "big")
    curve = b"".join(v.to_bytes(32, "big") for v in (_SM2_A, _SM2_B, _SM2_GX, _SM2_GY))
    return sm3(entl + user_id + curve + bytes(public[1:]))


def sm2_digest(public: bytes, data: bytes) -> bytes:
    """e = SM3(Z_A ‖ M) with the default user id: what SM2 signs (GB/T 32918.2-2016 §6.1 A1–A2)."""
    z = _sm2_public_z(bytes(public))
    if z is None:
        raise InvalidSigningKey(SM2_SM3)
    return sm3(z + data)


# --------------------------------------------------------------------------------------------------
# Internals.
# --------------------------------------------------------------------------------------------------

def _check_algorithm(algorithm: object) -> None:
    if algorithm not in ALGORITHMS:
        raise UnsupportedAlgorithm(algorithm)


def _sm2() -> Any:
    if _gmssl is None:  # pragma: no cover - ALGORITHMS already leaves sm2-sm3 out
        raise UnsupportedAlgorithm(SM2_SM3)
    return _gmssl


def _as_bytes(value: object, field: str) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, bytearray | memoryview):
        return bytes(value)
    raise TypeError(f"{field} must be bytes, not {type(value).__name__}")


def _ed25519_verify(public: bytes, data: bytes, signature: bytes) -> bool:
    if len(public) != _ED25519_KEY_LENGTH or len(signature) != _ED25519_SIGNATURE_LENGTH:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


@lru_cache(maxsize=1024)
def _sm2_public_z(public: bytes) -> bytes | None:
    """Z_A of a valid uncompressed point on sm2p256v1, None for anything else (cached per key)."""
    if len(public) != _SM2_PUBLIC_LENGTH or public[0] != 4:
        return None
    x, y = int.from_bytes(public[1:33], "big"), int.from_bytes(public[33:], "big")
    if x >= _SM2_P or y >= _SM2_P or (y * y - (x * x * x + _SM2_A * x + _SM2_B)) % _SM2_P != 0:
        return None
    return sm2_z(public)


# Private keys whose pair has been proved (one sign + verify through GmSSL) in this process, by
# SHA-256 of the DER, so that a key with a mismatched public half is refused instead of silently
# making signatures nobody can verify.
_proved_keys: set[bytes] = set()
_proved_lock = threading.Lock()


def _sm2_signing_key(private: bytes) -> tuple[bytes, bytes]:
    if (len(private) != _SM2_PRIVATE_DER_LENGTH or not private.startswith(_SM2_DER_HEAD)
            or private[len(_SM2_DER_HEAD) + 32:len(_SM2_DER_HEAD) + 32 + len(_SM2_DER_MIDDLE)] != _SM2_DER_MIDDLE):
        raise InvalidSigningKey(SM2_SM3)
    scalar = private[len(_SM2_DER_HEAD):len(_SM2_DER_HEAD) + 32]
    public = private[-_SM2_PUBLIC_LENGTH:]
    fingerprint = hashlib.sha256(private).digest()
    if fingerprint in _proved_keys:
        return scalar, public
    # GB/T 32918.1 §6.1: d ∈ [1, n−2].
    if not 1 <= int.from_bytes(scalar, "big") <= _SM2_N - 2 or _sm2_public_z(public) is None:
        raise InvalidSigningKey(SM2_SM3)
    probe = sm3(b"oneseal signer key check")
    try:
        proved = _sm2_verify_digest(public, probe, _sm2().sm2_sign_sm3_digest(scalar, probe))
    except _sm2().GmsslInnerError as error:
        raise InvalidSigningKey(SM2_SM3) from error
    if not proved:
        raise InvalidSigningKey(SM2_SM3)
    with _proved_lock:
        if len(_proved_keys) > 1024:
            _proved_keys.clear()
        _proved_keys.add(fingerprint)
    return scalar, public


def _strict_der_signature(signature: bytes) -> bool:
    """A DER SEQUENCE of two INTEGERs r, s in [1, n−1] and nothing else (GM/T 0009 SM2Signature).
    Checked here so that GmSSL, which prints a trace to stderr for every refusal, sees only
    well-formed input."""
    if len(signature) < 8 or len(signature) > 72 or signature[0] != 0x30 or signature[1] != len(signature) - 2:
        return False
    position = 2
    for _part in range(2):
        if position + 2 > len(signature) or signature[position] != 0x02:
            return False
        length = signature[position + 1]
        body = signature[position + 2:position + 2 + length]
        if length == 0 or length > 33 or len(body) != length:
            return False
        if body[0] & 0x80 or (length > 1 and body[0] == 0 and not body[1] & 0x80):
            return False  # negative, or not the shortest encoding
        if not 1 <= int.from_bytes(body, "big") < _SM2_N:
            return False
        position += 2 + length
    return position == len(signature)


def _sm2_verify_digest(public: bytes, digest: bytes, signature: bytes) -> bool:
    try:
        return bool(_sm2().sm2_verify_sm3_digest(public[1:], digest, signature))
    except _sm2().GmsslInnerError:
        return False


def _sm2_verify(public: bytes, data: bytes, signature: bytes) -> bool:
    z = _sm2_public_z(public)
    if z is None or not _strict_der_signature(signature):
        return False
    return _sm2_verify_digest(public, sm3(z + data), signature)
