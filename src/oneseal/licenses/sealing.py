"""What is signed, and how a signature is checked: pure functions, no database.

Three things carry the issuer's signature (its e-seal key, `kernel.signer`):

* the **record**: the canonical JSON of a licence's content (`record_payload`), signed at issuance and
  kept with it; verification recomputes it from the stored row, so a changed row is *tampered*;
* the **QR payload**: ``<base64url(canonical JSON {n,t,h,i,v,k})>.<base64url(signature)>``, small
  enough for a QR code, verifiable offline with only the issuer's public key (`verify_payload`);
* the **PDF**: the bytes of the document up to a last line
  ``%OneSeal-Signature: n=<number>;k=<key id>;s=<base64 signature>``; the signature covers
  ``b"OneSeal-PDF\\n" + number + b"\\n" + <the bytes before that line>``, so neither the document nor
  the number it claims can be changed (`seal_pdf`, `read_pdf_seal`, `verify_pdf_bytes`).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlparse

from oneseal.kernel import signer

QR_FIELDS = ("n", "t", "h", "i", "v", "k")
PDF_MARKER = b"%OneSeal-Signature: "
PDF_DOMAIN = b"OneSeal-PDF\n"
_PDF_TRAILER = re.compile(rb"\n%OneSeal-Signature: n=([A-Z0-9-]{1,60});k=([0-9a-zA-Z_-]{1,32});s=([A-Za-z0-9+/=]{1,400})\n?$")
MAX_PAYLOAD = 2000


def canonical(obj: dict[str, Any]) -> bytes:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def record_payload(*, number: str, type_code: str, holder_name: str, holder_id_number: str, issuer_code: str,
                   issued_at: dt.datetime, valid_from: dt.date, valid_until: dt.date | None, data: dict,
                   case_number: str, algorithm: str, key_id: str, renewed_from: str = "") -> bytes:
    """The canonical bytes of a licence's content: every field a reader relies on."""
    return canonical({
        "number": number, "type": type_code, "holder_name": holder_name, "holder_id": holder_id_number,
        "issuer": issuer_code, "issued_at": issued_at.astimezone(dt.UTC).isoformat(timespec="seconds"),
        "valid_from": _date(valid_from), "valid_until": _date(valid_until), "data": data,
        "case": case_number, "algorithm": algorithm, "key_id": key_id, "renewed_from": renewed_from,
    })


# -- QR payload ------------------------------------------------------------------------------------

def qr_claims(*, number: str, type_code: str, holder_name: str, issuer_code: str, valid_until: dt.date | None,
              key_id: str) -> dict[str, str]:
    return {"n": number, "t": type_code, "h": holder_name, "i": issuer_code, "v": _date(valid_until), "k": key_id}


def make_payload(claims: dict[str, str], algorithm: str, private: bytes) -> str:
    body = canonical(claims)
    return f"{b64url(body)}.{b64url(signer.sign(algorithm, private, body))}"


def payload_from_text(text: str) -> str:
    """The payload itself, or taken from the `p` parameter of the QR code's verification URL."""
    text = (text or "").strip()
    if "://" in text or text.startswith("/"):
        values = parse_qs(urlparse(text).query).get("p", [])
        return values[0].strip() if values else ""
    return text


@dataclass(frozen=True)
class PayloadReading:
    """A QR payload taken apart. `claims` is empty when it could not even be read."""

    claims: dict[str, str]
    signed: bytes
    signature: bytes


def read_payload(text: str) -> PayloadReading | None:
    """Split and decode a payload; None when it is not one (wrong shape, bad base64, bad JSON)."""
    payload = payload_from_text(text)
    if not payload or len(payload) > MAX_PAYLOAD or payload.count(".") != 1:
        return None
    body_text, signature_text = payload.split(".")
    try:
        body, signature = unb64url(body_text), unb64url(signature_text)
        claims = json.loads(body.decode())
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    if not isinstance(claims, dict) or set(claims) != set(QR_FIELDS) \
            or not all(isinstance(v, str) for v in claims.values()):
        return None
    return PayloadReading(claims, body, signature)


def verify_payload(payload: str, public_key: bytes, algorithm: str = signer.DEFAULT_ALGORITHM) -> dict[str, str] | None:
    """Offline verification: the payload's claims if the issuer's public key signed them, else None.

    Needs nothing but the payload (or the QR code's URL) and the public key published at
    ``GET /api/v1/licences/keys``; whether the licence was since revoked needs the online check.
    """
    reading = read_payload(payload)
    if reading is None:
        return None
    if reading.claims["k"] != signer.key_id(algorithm, public_key):
        return None
    if not signer.verify(algorithm, public_key, reading.signed, reading.signature):
        return None
    return reading.claims


# -- PDF -------------------------------------------------------------------------------------------

def _pdf_message(number: str, content: bytes) -> bytes:
    return PDF_DOMAIN + number.encode() + b"\n" + content


def seal_pdf(content: bytes, *, number: str, key_id: str, algorithm: str, private: bytes) -> bytes:
    """Append the signature line to a rendered PDF (PDF readers ignore a comment after %%EOF)."""
    if not content.endswith(b"\n"):
        content += b"\n"
    signature = signer.sign(algorithm, private, _pdf_message(number, content))
    trailer = PDF_MARKER + f"n={number};k={key_id};s={base64.b64encode(signature).decode()}".encode() + b"\n"
    return content + trailer


@dataclass(frozen=True)
class PdfSeal:
    number: str
    key_id: str
    signature: bytes
    content: bytes  # the bytes the signature covers (without the domain and number prefix)


def read_pdf_seal(document: bytes) -> PdfSeal | None:
    """The signature line of a sealed PDF, or None when there is none (or it is malformed)."""
    at = document.rfind(b"\n" + PDF_MARKER)
    if at < 0:
        return None
    match = _PDF_TRAILER.match(document[at:])
    if not match:
        return None
    try:
        signature = base64.b64decode(match[3], validate=True)
    except binascii.Error:
        return None
    return PdfSeal(match[1].decode(), match[2].decode(), signature, document[:at + 1])


def verify_pdf_bytes(document: bytes, public_key: bytes, algorithm: str) -> PdfSeal | None:
    """The seal if the document's signature verifies under the public key, else None."""
    seal = read_pdf_seal(document)
    if seal is None or seal.key_id != signer.key_id(algorithm, public_key):
        return None
    if not signer.verify(algorithm, public_key, _pdf_message(seal.number, seal.content), seal.signature):
        return None
    return seal
