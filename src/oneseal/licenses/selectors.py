"""Reads of licences, each scoped to the acting user; verification, which anyone may do; the
once-only offers (免提交) and the count of materials saved."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from oneseal.accounts.roles import RoleCode, has_role
from oneseal.kernel import signer
from oneseal.kernel.uploads import StoredFile, upload_root

from . import policy, sealing
from .models import IssuerKey, Licence, LicenceStatus, LicenceType, LicenceUse, RenewalRequest, RenewalStatus
from .numbering import is_valid_number


class Verdict:
    """What verification answers (a stable vocabulary: API clients read these strings)."""

    VALID = "valid"  # 有效
    NOT_YET_VALID = "not_yet_valid"  # 尚未生效 (a renewal, valid from the old one's expiry)
    REVOKED = "revoked"  # 已撤销
    EXPIRED = "expired"  # 已过期
    TAMPERED = "tampered"  # 已篡改: the record or document does not match its signature, or the key is unknown
    UNKNOWN = "unknown"  # no such licence


def _today(now: dt.datetime | None = None) -> dt.date:
    return timezone.localtime(now or timezone.now()).date()


def _base() -> QuerySet[Licence]:
    return Licence.objects.select_related("licence_type", "issuer", "holder", "case", "renewed_from")


# -- verification ----------------------------------------------------------------------------------

def signature_ok(licence: Licence) -> bool:
    """The stored record still matches its signature under a key the issuer published."""
    from .services import record_bytes

    key = IssuerKey.objects.filter(key_id=licence.key_id).first()
    if key is None or key.algorithm != licence.algorithm or key.department_id != licence.issuer_id:
        return False
    try:
        signature = sealing.unb64url(licence.signature)
        return signer.verify(key.algorithm, bytes(key.public_key), record_bytes(licence), signature)
    except (ValueError, signer.UnsupportedAlgorithm):  # a signature that is not base64; a key this server cannot use
        return False


def verdict_of(licence: Licence, now: dt.datetime | None = None) -> str:
    if not signature_ok(licence):
        return Verdict.TAMPERED
    if licence.status == LicenceStatus.REVOKED:
        return Verdict.REVOKED
    today = _today(now)
    if licence.status == LicenceStatus.EXPIRED or (licence.valid_until is not None and licence.valid_until < today):
        return Verdict.EXPIRED
    if licence.valid_from > today:
        return Verdict.NOT_YET_VALID
    return Verdict.VALID


@dataclass(frozen=True)
class Verification:
    verdict: str
    licence: Licence | None


def verify(number: str, now: dt.datetime | None = None) -> Verification:
    """Public verification by number: valid / revoked / expired / tampered (or unknown)."""
    value = (number or "").strip().upper()
    licence = _base().filter(number=value).first() if is_valid_number(value) else None
    if licence is None:
        return Verification(Verdict.UNKNOWN, None)
    return Verification(verdict_of(licence, now), licence)


@dataclass(frozen=True)
class PayloadVerification:
    verdict: str  # tampered when the signature fails; otherwise the licence's current verdict
    claims: dict[str, str]
    signature_valid: bool
    licence: Licence | None


def verify_payload_online(text: str, now: dt.datetime | None = None) -> PayloadVerification:
    """A QR payload (or its URL) checked against the published key it names, then the licence's
    current state. A forged or altered payload, or one naming an unknown key, is tampered."""
    reading = sealing.read_payload(text)
    if reading is None:
        return PayloadVerification(Verdict.TAMPERED, {}, False, None)
    key = IssuerKey.objects.filter(key_id=reading.claims["k"]).first()
    try:
        claims = sealing.verify_payload(text, bytes(key.public_key), key.algorithm) if key else None
    except signer.UnsupportedAlgorithm:
        claims = None
    if claims is None:
        return PayloadVerification(Verdict.TAMPERED, reading.claims, False, None)
    licence = _base().filter(number=claims["n"]).first()
    if licence is None or licence.key_id != claims["k"]:
        return PayloadVerification(Verdict.TAMPERED, claims, True, licence)
    return PayloadVerification(verdict_of(licence, now), claims, True, licence)


def verify_pdf(document: bytes, now: dt.datetime | None = None) -> PayloadVerification:
    """A licence PDF checked against its issuer's signature and the issued file; then its state."""
    seal = sealing.read_pdf_seal(document)
    if seal is None:
        return PayloadVerification(Verdict.TAMPERED, {}, False, None)
    key = IssuerKey.objects.filter(key_id=seal.key_id).first()
    try:
        sealed = sealing.verify_pdf_bytes(document, bytes(key.public_key), key.algorithm) if key else None
    except signer.UnsupportedAlgorithm:
        sealed = None
    if sealed is None:
        return PayloadVerification(Verdict.TAMPERED, {"n": seal.number}, False, None)
    licence = _base().filter(number=seal.number).first()
    if licence is None or licence.issuer_id != key.department_id:
        return PayloadVerification(Verdict.TAMPERED, {"n": seal.number}, True, licence)
    return PayloadVerification(verdict_of(licence, now), {"n": seal.number}, True, licence)


def published_keys() -> QuerySet[IssuerKey]:
    """Every issuer key ever used, retired ones too (they still verify what they signed)."""
    return IssuerKey.objects.select_related("department").order_by("department__code", "-created_at")


# -- the holder's wallet ---------------------------------------------------------------------------

def wallet(user) -> QuerySet[Licence]:
    """The licences of the applicant bound to the user's account (证照夹); nothing for anyone else."""
    if not getattr(user, "is_authenticated", False):
        return Licence.objects.none()
    return _base().filter(holder__user=user)


def uses_of_my_licences(user) -> QuerySet[LicenceUse]:
    """The data tracker: who used which of my licences, when, for which case."""
    if not getattr(user, "is_authenticated", False):
        return LicenceUse.objects.none()
    return (LicenceUse.objects.select_related("licence__licence_type", "case__item", "department")
            .filter(licence__holder__user=user))


def visible_licences(user) -> QuerySet[Licence]:
    """The holder's own; the issuing department's for its approvers, bureau head and clerks;
    every licence for a supervisor."""
    if not getattr(user, "is_authenticated", False):
        return Licence.objects.none()
    qs = _base()
    if policy.may_see_all(user):
        return qs
    scope = Q(holder__user=user)
    profile = getattr(user, "staff_profile", None)
    if profile is not None and has_role(user, RoleCode.APPROVER, RoleCode.BUREAU_HEAD, RoleCode.WINDOW_CLERK):
        scope |= Q(issuer_id=profile.department_id)
    return qs.filter(scope)


def licence_for(user, number: str) -> Licence | None:
    return visible_licences(user).filter(number=(number or "").strip().upper()).first()


def uses_of(user, licence: Licence) -> QuerySet[LicenceUse]:
    """A licence's uses, for whoever may see the licence."""
    if licence_for(user, licence.number) is None:
        return LicenceUse.objects.none()
    return licence.uses.select_related("case__item", "department")


def pending_renewals(user) -> QuerySet[RenewalRequest]:
    """Renewals waiting for the user's department (approvers, bureau head), nearest expiry first."""
    profile = getattr(user, "staff_profile", None)
    if profile is None or not has_role(user, *policy.ISSUER_ROLES):
        return RenewalRequest.objects.none()
    return (RenewalRequest.objects.select_related("licence__licence_type", "licence__holder")
            .filter(status=RenewalStatus.PENDING, licence__issuer_id=profile.department_id)
            .order_by("licence__valid_until", "requested_at"))


# -- once-only (免提交) ------------------------------------------------------------------------------

def _types_by_key() -> dict[str, LicenceType]:
    out: dict[str, LicenceType] = {}
    for licence_type in LicenceType.objects.all():
        out[licence_type.code] = licence_type
        out[licence_type.name] = licence_type
    return out


def offerable_licences(applicant, snapshot: dict, now: dt.datetime | None = None) -> dict[str, Licence]:
    """{material name: licence}: for each material of the item version that a licence can replace
    (its `licence_type` names a LicenceType by code or name), the applicant's newest licence of that
    type that verifies as valid."""
    if applicant is None or getattr(applicant, "pk", None) is None:
        return {}
    types = _types_by_key()
    wanted = {}
    for material in snapshot.get("materials", []):
        licence_type = types.get((material.get("licence_type") or "").strip())
        if material.get("licence_replaceable") and licence_type is not None:
            wanted[material["name"]] = licence_type
    if not wanted:
        return {}
    candidates = (_base().filter(holder=applicant, status=LicenceStatus.VALID,
                                 licence_type__in={t.pk for t in wanted.values()})
                  .order_by("-valid_from", "-issued_at"))
    newest: dict[int, Licence] = {}
    for licence in candidates:
        if licence.licence_type_id not in newest and verdict_of(licence, now) == Verdict.VALID:
            newest[licence.licence_type_id] = licence
    return {name: newest[t.pk] for name, t in wanted.items() if t.pk in newest}


def licence_file(licence: Licence) -> StoredFile:
    """The licence's sealed PDF as a stored file, to stand in for an upload."""
    path = upload_root() / licence.pdf_path
    return StoredFile(path=licence.pdf_path, sha256=licence.pdf_sha256,
                      size=path.stat().st_size if path.is_file() else 0, content_type="application/pdf",
                      original_name=f"{licence.number}.pdf")


def materials_saved(since: dt.datetime | None = None) -> dict:
    """How many materials applicants did not have to hand in because a licence stood in for them."""
    uses = LicenceUse.objects.all()
    if since is not None:
        uses = uses.filter(used_at__gte=since)
    by_type = list(uses.values("licence__licence_type__code", "licence__licence_type__name")
                   .annotate(count=Count("id")).order_by("-count", "licence__licence_type__code"))
    return {
        "materials_saved": uses.count(),
        "cases": uses.values("case").distinct().count(),
        "holders": uses.values("licence__holder").distinct().count(),
        "by_type": [{"type": row["licence__licence_type__code"], "type_name": row["licence__licence_type__name"],
                     "count": row["count"]} for row in by_type],
        "licences_issued": Licence.objects.count(),
        "licences_valid": Licence.objects.filter(status=LicenceStatus.VALID).count(),
    }
