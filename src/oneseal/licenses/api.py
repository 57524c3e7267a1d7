"""`/api/v1/licences`: electronic licences over HTTP (docs/licences.md).

Public (no sign-in): verification by number, by QR payload and by PDF, and the issuers' public keys.
Signed in (API token or session + CSRF): the caller's licences (the holder's wallet, the issuing
department's licences, all for a supervisor), the data tracker, the PDF, revocation, renewal, the
once-only offers for an item, and the materials-saved figure. A licence the caller may not see is
404 exactly like an unknown number; a refused action is 403; a state conflict 409; bad input 422.
"""

from __future__ import annotations

import base64
import datetime as dt

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, File, Router, Schema
from ninja.files import UploadedFile

from oneseal.accounts.tokens import api_auth
from oneseal.cases.notices.data import mask_id
from oneseal.catalog.models import ServiceItem
from oneseal.kernel.errors import DomainError, PermissionDeniedError
from oneseal.kernel.schemas import ErrorOut
from oneseal.kernel.uploads import open_stored

from . import policy, selectors, services
from .models import Licence, RenewalRequest
from .numbering import check_number

router = Router(tags=["licenses"])

CONFLICT_CODES = {"already_revoked", "licence_not_valid", "renewal_too_late", "renewal_pending", "already_renewed",
                  "renewal_decided", "renewal_deemed", "licence_does_not_expire"}
MAX_PDF_BYTES = 5 * 1024 * 1024
PUBLIC = {404: ErrorOut, 422: ErrorOut}
BODY = {400: ErrorOut}  # an unreadable body (not JSON, a broken multipart)
READ = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE = {**READ, **BODY, 409: ErrorOut}


class NotFound(DomainError):
    status = 404


class InvalidInput(DomainError):
    status = 422


def _status(exc: DomainError) -> DomainError:
    if type(exc).status == DomainError.status:
        exc.status = 409 if exc.code in CONFLICT_CODES else 422
    return exc


def _number(number: str) -> str:
    try:
        return check_number(number)
    except DomainError as exc:
        exc.status = 422
        raise


def _visible_or_404(request: HttpRequest, number: str) -> Licence:
    value = _number(number)
    licence = selectors.licence_for(request.user, value)
    if licence is None:
        raise NotFound("not_found", _("No licence with number %(number)s."), field="number", number=value)
    return licence


# -- schemas -----------------------------------------------------------------------------------------

class PublicLicenceOut(Schema):
    number: str
    type: str
    type_name: str
    holder_name: str
    holder_id_masked: str = Field(description="citizen IDs masked (420683********1234); credit codes whole")
    issuer: str = Field(description="issuing department code")
    issuer_name: str
    issued_at: dt.datetime
    valid_from: dt.date
    valid_until: dt.date | None
    revoked_at: dt.datetime | None
    key_id: str
    algorithm: str


class VerifyOut(Schema):
    number: str
    verdict: str = Field(description="valid | not_yet_valid | revoked | expired | tampered")
    licence: PublicLicenceOut | None


class PayloadIn(Schema):
    payload: str = Field(max_length=4000, description="the QR code's text: the payload, or the verification URL "
                                                      "carrying it as ?p=")


class PayloadVerifyOut(Schema):
    verdict: str = Field(description="tampered when the signature fails; else the licence's current verdict")
    signature_valid: bool
    claims: dict[str, str] = Field(description="n number, t type, h holder, i issuer, v valid until, k key id")
    licence: PublicLicenceOut | None


class KeyOut(Schema):
    key_id: str
    department: str
    department_name: str
    algorithm: str
    public_key: str = Field(description="base64 (Ed25519: 32 raw bytes; SM2: 65-byte uncompressed point)")
    active: bool
    created_at: dt.datetime
    retired_at: dt.datetime | None


class UseOut(Schema):
    licence: str
    type_name: str
    case: str
    item_name: str
    material: str
    used_at: dt.datetime
    used_by: str
    department: str


class LicenceOut(PublicLicenceOut):
    status: str
    verdict: str
    data: dict[str, str]
    case: str | None
    renewed_from: str | None
    revocation_reason: str
    pdf_sha256: str
    qr_payload: str
    renewal_deadline: dt.date | None


class LicenceListOut(Schema):
    count: int
    results: list[LicenceOut]


class RevokeIn(Schema):
    reason: str = Field(max_length=2000)


class RenewalOut(Schema):
    id: int
    licence: str
    status: str
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    reason: str
    new_licence: str | None


class DecideIn(Schema):
    approve: bool
    reason: str = Field("", max_length=2000)


class OfferOut(Schema):
    material: str
    licence: str
    type_name: str
    valid_until: dt.date | None
    source: str = Field(description="send the material's name in `use_licence` when submitting the case")


class TypeCountOut(Schema):
    type: str
    type_name: str
    count: int


class StatsOut(Schema):
    materials_saved: int = Field(description="materials not handed in because a licence stood in for them")
    cases: int
    holders: int
    by_type: list[TypeCountOut]
    licences_issued: int
    licences_valid: int


def _public(licence: Licence) -> dict:
    return {
        "number": licence.number, "type": licence.licence_type.code, "type_name": licence.licence_type.name,
        "holder_name": licence.holder_name, "holder_id_masked": mask_id(licence.holder_id_number),
        "issuer": licence.issuer.code, "issuer_name": licence.issuer.name, "issued_at": licence.issued_at,
        "valid_from": licence.valid_from, "valid_until": licence.valid_until, "revoked_at": licence.revoked_at,
        "key_id": licence.key_id, "algorithm": licence.algorithm,
    }


def _full(licence: Licence) -> dict:
    return {**_public(licence), "status": licence.status, "verdict": selectors.verdict_of(licence),
            "data": licence.data, "case": licence.case.number if licence.case_id else None,
            "renewed_from": licence.renewed_from.number if licence.renewed_from_id else None,
            "revocation_reason": licence.revocation_reason, "pdf_sha256": licence.pdf_sha256,
            "qr_payload": licence.qr_payload, "renewal_deadline": services.renewal_deadline(licence)}


def _use(use) -> dict:
    return {"licence": use.licence.number, "type_name": use.licence.licence_type.name, "case": use.case.number,
            "item_name": use.case.item.name, "material": use.material, "used_at": use.used_at,
            "used_by": use.used_by, "department": use.department.name if use.department_id else ""}


def _renewal(renewal: RenewalRequest) -> dict:
    return {"id": renewal.pk, "licence": renewal.licence.number, "status": renewal.status,
            "requested_at": renewal.requested_at, "decided_at": renewal.decided_at, "reason": renewal.reason,
            "new_licence": renewal.new_licence.number if renewal.new_licence_id else None}


# -- public ------------------------------------------------------------------------------------------

@router.get("/keys", response=list[KeyOut], summary="The issuers' public keys (for offline verification)")
def keys(request: HttpRequest):
    return [{"key_id": k.key_id, "department": k.department.code, "department_name": k.department.name,
             "algorithm": k.algorithm, "public_key": base64.b64encode(bytes(k.public_key)).decode(),
             "active": k.active, "created_at": k.created_at, "retired_at": k.retired_at}
            for k in selectors.published_keys()]


@router.post("/verify-payload", response={200: PayloadVerifyOut, **PUBLIC, **BODY},
             summary="Verify a QR payload (or the QR code's URL)")
def verify_payload(request: HttpRequest, body: PayloadIn):
    result = selectors.verify_payload_online(body.payload)
    return {"verdict": result.verdict, "signature_valid": result.signature_valid, "claims": result.claims,
            "licence": _public(result.licence) if result.licence and result.signature_valid else None}


@router.post("/verify-pdf", response={200: PayloadVerifyOut, **PUBLIC, **BODY, 413: ErrorOut},
             summary="Verify a licence PDF (multipart, part `file`)")
def verify_pdf(request: HttpRequest, file: File[UploadedFile]):
    if file.size is not None and file.size > MAX_PDF_BYTES:
        exc = InvalidInput("file_too_large", _("A licence PDF is smaller than 5 MB; this file is not one."),
                           field="file")
        exc.status = 413
        raise exc
    document = file.read(MAX_PDF_BYTES + 1)
    if not document.startswith(b"%PDF-"):
        raise InvalidInput("not_a_pdf", _("The file is not a PDF."), field="file")
    result = selectors.verify_pdf(document)
    return {"verdict": result.verdict, "signature_valid": result.signature_valid, "claims": result.claims,
            "licence": _public(result.licence) if result.licence and result.signature_valid else None}


@router.get("/{number}/verify", response={200: VerifyOut, **PUBLIC},
            summary="Verify a licence by its number: valid / revoked / expired / tampered")
def verify(request: HttpRequest, number: str):
    value = _number(number)
    result = selectors.verify(value)
    if result.licence is None:
        raise NotFound("not_found", _("No licence with number %(number)s."), field="number", number=value)
    return {"number": value, "verdict": result.verdict, "licence": _public(result.licence)}


# -- signed in ---------------------------------------------------------------------------------------

@router.get("", response={200: LicenceListOut, **READ}, auth=api_auth,
            summary="My licences (holder), my department's (approver, head, clerk), all (supervisor)")
def licences(request: HttpRequest, status: str = "", page: int = 1):
    qs = selectors.visible_licences(request.user)
    if status:
        qs = qs.filter(status=status)
    page = max(page, 1)
    rows = list(qs[(page - 1) * 50: page * 50])
    return {"count": qs.count(), "results": [_full(licence) for licence in rows]}


@router.get("/uses", response={200: list[UseOut], **READ}, auth=api_auth,
            summary="The data tracker: who used my licences, when, for which case")
def my_uses(request: HttpRequest):
    return [_use(use) for use in selectors.uses_of_my_licences(request.user)[:500]]


@router.get("/offers", response={200: list[OfferOut], **READ}, auth=api_auth,
            summary="Once-only: which materials of an item my licences can stand in for")
def offers(request: HttpRequest, item: str):
    applicant = getattr(request.user, "applicant", None)
    if applicant is None:
        raise PermissionDeniedError("forbidden", _("Only an applicant with an applicant record has licences "
                                                          "to offer."), field="actor")
    service_item = ServiceItem.objects.filter(code=item.strip()).first()
    version = service_item.versions.order_by("-number").first() if service_item else None
    if version is None:
        raise InvalidInput("unknown_item", _("No service item with code %(code)s."), field="item", code=item)
    return [{"material": name, "licence": licence.number, "type_name": licence.licence_type.name,
             "valid_until": licence.valid_until, "source": f"{services.SOURCE_PREFIX}{licence.number}"}
            for name, licence in selectors.offerable_licences(applicant, version.snapshot).items()]


@router.get("/stats", response={200: StatsOut, **READ}, auth=api_auth,
            summary="Materials saved by once-only, and licences issued (staff)")
def stats(request: HttpRequest):
    policy.require_staff(request.user, _("read the licence statistics"))
    return selectors.materials_saved()


@router.post("/renewals/{renewal_id}/decide", response={200: RenewalOut, **WRITE}, auth=api_auth,
             summary="Decide a renewal (approver or head of the issuing department)")
def decide(request: HttpRequest, renewal_id: int, body: DecideIn):
    renewal = RenewalRequest.objects.select_related("licence").filter(pk=renewal_id).first()
    if renewal is None or selectors.licence_for(request.user, renewal.licence.number) is None:
        raise NotFound("not_found", _("No renewal request %(id)s."), field="renewal_id", id=renewal_id)
    try:
        renewal = services.decide_renewal(actor=request.user, request=renewal, approve=body.approve,
                                          reason=body.reason)
    except DomainError as exc:
        raise _status(exc) from None
    return _renewal(renewal)


@router.get("/{number}", response={200: LicenceOut, **READ}, auth=api_auth, summary="One licence")
def licence_detail(request: HttpRequest, number: str):
    return _full(_visible_or_404(request, number))


@router.get("/{number}/uses", response={200: list[UseOut], **READ}, auth=api_auth,
            summary="Who used this licence, when, for which case")
def licence_uses(request: HttpRequest, number: str):
    licence = _visible_or_404(request, number)
    return [_use(use) for use in selectors.uses_of(request.user, licence)]


@router.get("/{number}/pdf", response={200: None, **READ}, auth=api_auth, summary="The sealed licence PDF")
def licence_pdf(request: HttpRequest, number: str):
    licence = _visible_or_404(request, number)
    try:
        stream = open_stored(licence.pdf_path)
    except (FileNotFoundError, IsADirectoryError):
        raise NotFound("pdf_missing", _("The licence's PDF is not stored here."), field="number") from None
    response = FileResponse(stream, content_type="application/pdf", as_attachment=True,
                            filename=f"{licence.number}.pdf")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.post("/{number}/revoke", response={200: LicenceOut, **WRITE}, auth=api_auth,
             summary="Revoke (approver or bureau head of the issuing department, with a reason)")
def revoke(request: HttpRequest, number: str, body: RevokeIn):
    licence = _visible_or_404(request, number)
    try:
        licence = services.revoke_licence(actor=request.user, licence=licence, reason=body.reason)
    except DomainError as exc:
        raise _status(exc) from None
    return _full(licence)


@router.post("/{number}/renewals", response={200: RenewalOut, **WRITE}, auth=api_auth,
             summary="Apply to renew (the holder, at least 30 days before expiry, Art. 50)")
def request_renewal(request: HttpRequest, number: str):
    licence = _visible_or_404(request, number)
    try:
        renewal = services.request_renewal(actor=request.user, licence=licence)
    except DomainError as exc:
        raise _status(exc) from None
    return _renewal(renewal)

